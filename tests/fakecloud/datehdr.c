/* tests/fakecloud/datehdr.c: the Date header of every answer, from the fake's own clock (the
 * real clock plus the scenario's clock_offset_s or --clock-offset-s), so a client measures clock
 * skew against it exactly as against a real server. Replaces libmicrohttpd's own Date. */
#include "tests/fakecloud/fakecloud.h"

#include <time.h>

#include "core/clock.h"
#include "tests/fakecloud/world.h"

void fc_http_date(struct fakecloud *fc, char *out, size_t n)
{
    struct fw_world *w = fw_get(fc);
    int64_t ms = w ? fw_now(w) : clock_now_ms(NULL) + (int64_t)fc->clock_offset_s * 1000;
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    if (strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0 && n > 0)
        out[0] = '\0';
}
