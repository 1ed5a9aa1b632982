/* core/timeutil.c: RFC 3339 parsing and formatting, day bucketing in the configured zone.
 * Uses the C library's tz database through TZ; never hand-parses zone files. */
#include "core/timeutil.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static char zone_name[128] = "local";

static int zone_exists(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    struct stat st;

    if (dir == NULL || *dir == '\0')
        dir = "/usr/share/zoneinfo";
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int time_zone_check(const char *name, struct err *e)
{
    if (name == NULL || *name == '\0' || strcmp(name, "local") == 0)
        return 0;
    if (strlen(name) >= sizeof(zone_name) || name[0] == '/' || strstr(name, "..") != NULL)
        return err_set(e, ERR_CONFIG, "time zone '%s' is not an IANA zone name", name);
    if (strcmp(name, "UTC") != 0 && !zone_exists(name))
        return err_set(e, ERR_CONFIG,
                       "unknown time zone '%s': use an IANA name such as Asia/Tokyo or UTC "
                       "(is the tzdata package installed?)",
                       name);
    return 0;
}

int time_zone_use(const char *name, struct err *e)
{
    if (name == NULL || *name == '\0' || strcmp(name, "local") == 0) {
        tzset();
        snprintf(zone_name, sizeof(zone_name), "local");
        return 0;
    }
    if (time_zone_check(name, e))
        return -1;
    if (setenv("TZ", name, 1) != 0)
        return err_set(e, ERR_INTERNAL, "cannot set TZ=%s", name);
    tzset();
    snprintf(zone_name, sizeof(zone_name), "%s", name);
    return 0;
}

const char *time_zone_name(void)
{
    return zone_name;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 ? 28 + leap : dm[m - 1];
}

static int parse_date(const char **p, int *y, int *mo, int *d)
{
    if (digits(p, 4, y) || *(*p)++ != '-' || digits(p, 2, mo) || *(*p)++ != '-' || digits(p, 2, d))
        return -1;
    if (*mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo))
        return -1;
    return 0;
}

int time_parse_rfc3339(const char *s, int64_t *out_ms, struct err *e)
{
    const char *p = s;
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
    int64_t frac_ms = 0;
    struct tm tm;
    time_t t;

    if (s == NULL)
        return err_set(e, ERR_PARSE, "missing timestamp");
    if (parse_date(&p, &y, &mo, &d) != 0)
        goto bad;
    if (*p != 'T' && *p != 't' && *p != ' ')
        goto bad;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
        digits(&p, 2, &sec))
        goto bad;
    if (h > 23 || mi > 59 || sec > 60)
        goto bad;
    if (*p == '.') {
        int n = 0, scale = 100;
        p++;
        while (isdigit((unsigned char)*p)) {
            if (n < 3) {
                frac_ms += (*p - '0') * scale;
                scale /= 10;
            }
            n++;
            p++;
        }
        if (n == 0 || n > 9)
            goto bad;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        p++;
        if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
            goto bad;
    } else {
        goto bad;
    }
    if (*p != '\0')
        goto bad;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec == 60 ? 59 : sec; /* a leap second reads as the second before it */
    t = timegm(&tm);
    *out_ms = ((int64_t)t - (int64_t)sign * (oh * 3600 + om * 60)) * 1000 + frac_ms;
    return 0;
bad:
    return err_set(e, ERR_PARSE, "'%.60s' is not an RFC 3339 timestamp", s);
}

static void split_ms(int64_t ms, time_t *t, int *rem)
{
    int64_t s = ms / 1000;
    int64_t r = ms % 1000;

    if (r < 0) {
        r += 1000;
        s -= 1;
    }
    *t = (time_t)s;
    *rem = (int)r;
}

char *time_format_utc(int64_t ms, char *out, size_t n)
{
    struct tm tm;
    time_t t;
    int rem;
    char base[32];

    split_ms(ms, &t, &rem);
    gmtime_r(&t, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    if (rem)
        snprintf(out, n, "%s.%03dZ", base, rem);
    else
        snprintf(out, n, "%sZ", base);
    return out;
}

char *time_format_local(int64_t ms, char *out, size_t n)
{
    struct tm tm;
    time_t t;
    int rem;
    long off;
    char base[32];

    split_ms(ms, &t, &rem);
    localtime_r(&t, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    off = tm.tm_gmtoff;
    if (off == 0) {
        snprintf(out, n, "%sZ", base);
    } else {
        char sign = off < 0 ? '-' : '+';
        if (off < 0)
            off = -off;
        snprintf(out, n, "%s%c%02ld:%02ld", base, sign, off / 3600, (off % 3600) / 60);
    }
    return out;
}

static void day_format(const struct tm *tm, char out[TIME_DAY_LEN])
{
    if (strftime(out, TIME_DAY_LEN, "%Y-%m-%d", tm) == 0)
        out[0] = '\0'; /* a year past 9999 */
}

void time_day_of(int64_t ms, char out[TIME_DAY_LEN])
{
    struct tm tm;
    time_t t;
    int rem;

    split_ms(ms, &t, &rem);
    localtime_r(&t, &tm);
    day_format(&tm, out);
}

static int day_parse(const char *day, int *y, int *m, int *d)
{
    const char *p = day;

    if (day == NULL || parse_date(&p, y, m, d) != 0 || *p != '\0')
        return -1;
    return 0;
}

int time_day_valid(const char *day, struct err *e)
{
    int y, m, d;

    if (day_parse(day, &y, &m, &d) != 0)
        return err_set(e, ERR_USAGE, "'%.40s' is not a date: use YYYY-MM-DD", day ? day : "(null)");
    return 0;
}

static int64_t day_number(int y, int m, int d)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    return (int64_t)timegm(&tm) / 86400;
}

int time_day_add(const char *day, int delta, char out[TIME_DAY_LEN], struct err *e)
{
    int y, m, d;
    time_t t;
    struct tm tm;

    if (time_day_valid(day, e) != 0)
        return -1;
    day_parse(day, &y, &m, &d);
    t = (time_t)((day_number(y, m, d) + delta) * 86400 + 43200);
    gmtime_r(&t, &tm);
    day_format(&tm, out);
    return 0;
}

int time_day_diff(const char *a, const char *b, int *out, struct err *e)
{
    int ya, ma, da, yb, mb, db;

    if (time_day_valid(a, e) != 0 || time_day_valid(b, e) != 0)
        return -1;
    day_parse(a, &ya, &ma, &da);
    day_parse(b, &yb, &mb, &db);
    *out = (int)(day_number(yb, mb, db) - day_number(ya, ma, da));
    return 0;
}

static int check_hms(int hh, int mm, int ss, struct err *e)
{
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
        return err_set(e, ERR_USAGE, "%02d:%02d:%02d is not a time of day", hh, mm, ss);
    return 0;
}

int time_local_at(const char *day, int hh, int mm, int ss, int64_t *out_ms, struct err *e)
{
    int y, m, d;
    struct tm tm;
    time_t t;

    if (time_day_valid(day, e) != 0 || check_hms(hh, mm, ss, e) != 0)
        return -1;
    day_parse(day, &y, &m, &d);
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    if (t == (time_t)-1)
        return err_set(e, ERR_INTERNAL, "cannot place %s %02d:%02d in zone %s", day, hh, mm,
                       zone_name);
    *out_ms = (int64_t)t * 1000;
    return 0;
}

int time_utc_at(const char *day, int hh, int mm, int ss, int64_t *out_ms, struct err *e)
{
    int y, m, d;

    if (time_day_valid(day, e) != 0 || check_hms(hh, mm, ss, e) != 0)
        return -1;
    day_parse(day, &y, &m, &d);
    *out_ms = ((day_number(y, m, d) * 86400) + hh * 3600 + mm * 60 + ss) * 1000;
    return 0;
}

int64_t time_from_epoch_seconds(double seconds)
{
    double ms = seconds * 1000.0;

    if (ms >= (double)INT64_MAX)
        return INT64_MAX;
    if (ms <= (double)INT64_MIN)
        return INT64_MIN;
    return (int64_t)(ms + (ms >= 0 ? 0.5 : -0.5));
}

char *time_format_age(int64_t now_ms, int64_t then_ms, char *out, size_t n)
{
    int64_t d = now_ms - then_ms;
    int future = d < 0;
    int64_t s = (future ? -d : d) / 1000;
    const char *unit;
    int64_t v;

    if (s < 5) {
        snprintf(out, n, "just now");
        return out;
    }
    if (s < 60) {
        v = s;
        unit = "s";
    } else if (s < 3600) {
        v = s / 60;
        unit = "m";
    } else if (s < 86400 * 2) {
        v = s / 3600;
        unit = "h";
    } else {
        v = s / 86400;
        unit = "d";
    }
    if (future)
        snprintf(out, n, "in %lld%s", (long long)v, unit);
    else
        snprintf(out, n, "%lld%s ago", (long long)v, unit);
    return out;
}
