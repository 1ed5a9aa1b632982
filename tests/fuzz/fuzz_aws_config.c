/* Fuzz target: the AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials).
 * The input is written to a temporary file that both AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE name, and loaded through the public aws_config_load(). */
#include "tests/fuzz/fuzz.h"

#include "core/aws_config.h"

#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmpfile(data, size, "aws");
    struct aws_config_options opt = {0};
    struct aws_config *c = NULL;
    struct err e = ERR_INIT;

    if (path == NULL)
        return 0;
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_DEFAULT_PROFILE");
    opt.region_fallback = "us-east-1";
    if (aws_config_load(&c, &opt, &e) == 0) {
        struct aws_endpoint ep;
        struct err e2 = ERR_INIT;
        aws_config_endpoint(c, "rds", aws_config_region(c, NULL), &ep, &e2);
        aws_config_free(c);
    }
    unlink(path);
    return 0;
}
