/* Fuzz target: Google credential files (service-account keys, gcloud authorized_user files),
 * written to a temporary file and read through the public gauth_cred_load_file(). */
#include "tests/fuzz/fuzz.h"

#include "core/gauth.h"

#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmpfile(data, size, "gauth");
    struct gauth_cred c;
    struct err e = ERR_INIT;

    if (path == NULL)
        return 0;
    memset(&c, 0, sizeof(c));
    gauth_cred_load_file(&c, path, &e);
    gauth_cred_release(&c);
    unlink(path);
    return 0;
}
