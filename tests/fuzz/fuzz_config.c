/* Fuzz target: pipetop's config file. The input is written to a temporary file and loaded
 * through the public config_load() with --config pointing at it, as a user's file would be. */
#include "tests/fuzz/fuzz.h"

#include "core/config.h"

#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmpfile(data, size, "config");
    struct config_overrides ov = {0};
    struct config *cfg = NULL;
    struct err e = ERR_INIT;

    if (path == NULL)
        return 0;
    ov.config_path = path;
    ov.db_path = "/nonexistent/pipetop-fuzz.db";
    if (config_load(&cfg, &ov, &e) == 0)
        config_free(cfg);
    unlink(path);
    return 0;
}
