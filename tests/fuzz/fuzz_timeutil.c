/* Fuzz target: RFC 3339 timestamps as the services send them, and formatting what was parsed. */
#include "tests/fuzz/fuzz.h"

#include "core/timeutil.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    char out[TIME_RFC3339_LEN];
    int64_t ms = 0;
    struct err e = ERR_INIT;

    if (s == NULL)
        return 0;
    if (time_parse_rfc3339(s, &ms, &e) == 0)
        time_format_utc(ms, out, sizeof(out));
    free(s);
    return 0;
}
