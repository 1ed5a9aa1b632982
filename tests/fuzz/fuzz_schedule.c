/* Fuzz target: schedules — DTS "every 24 hours" / "every mon,wed 09:00" texts and EventBridge
 * cron()/rate() expressions. */
#include "tests/fuzz/fuzz.h"

#include "core/schedule.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct schedule_daily d;
    struct err e = ERR_INIT;

    if (s == NULL)
        return 0;
    if (schedule_parse_dts(&d, s, 1715889600000, &e) == 0)
        schedule_fires_on(&d, 3);
    e = (struct err)ERR_INIT;
    if (schedule_parse_aws(&d, s, 1715889600000, &e) == 0)
        schedule_fires_on(&d, 0);
    free(s);
    return 0;
}
