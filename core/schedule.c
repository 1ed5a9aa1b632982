/* core/schedule.c: DTS schedules and EventBridge cron/rate expressions into a daily UTC fire time
 * and the weekdays it applies to. Small word-level grammars over the documented forms; anything
 * else is refused with an error quoting the schedule, never guessed. */
#include "core/schedule.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_WORDS 8

static const char *const day_names[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                         "thursday", "friday", "saturday"};

/* A weekday from "mon" / "monday" (any case); -1 if none. */
static int weekday_of(const char *s, size_t n)
{
    for (int d = 0; d < 7; d++) {
        size_t full = strlen(day_names[d]);
        if ((n == 3 || n == full) && strncasecmp(s, day_names[d], n) == 0)
            return d;
    }
    return -1;
}

/* "HH:MM" with 1-2 digit hour, 2 digit minute, in range. */
static int time_of_day(const char *s, int *hh, int *mm)
{
    int h, m, used = 0;

    if (sscanf(s, "%2d:%2d%n", &h, &m, &used) != 2 || s[used] != '\0' ||
        !isdigit((unsigned char)*s))
        return -1;
    if (strlen(s) < 4 || s[strlen(s) - 3] != ':' || h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    *hh = h;
    *mm = m;
    return 0;
}

/* A strictly decimal number (digits only, at most 6); -1 otherwise. */
static long number(const char *s)
{
    size_t n = strspn(s, "0123456789");

    if (n == 0 || n > 6 || s[n] != '\0')
        return -1;
    return strtol(s, NULL, 10);
}

/* Splits text (modified) into at most MAX_WORDS blank-separated words; -1 when there are more. */
static int split(char *text, char **w)
{
    char *save = NULL;
    int n = 0;

    for (char *p = strtok_r(text, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
        if (n == MAX_WORDS)
            return -1;
        w[n++] = p;
    }
    return n;
}

static int from_anchor(struct schedule_daily *out, int64_t anchor_ms, const char *what,
                       struct err *e)
{
    int64_t day_ms = 86400000LL, t;

    if (anchor_ms <= 0)
        return err_set(e, ERR_CONFIG,
                       "schedule \"%s\" repeats every 24 hours but does not say at what time of "
                       "day, and no next or start time is known to place it",
                       what);
    t = anchor_ms % day_ms;
    out->hour = (int)(t / 3600000);
    out->minute = (int)(t / 60000 % 60);
    out->weekdays = SCHEDULE_EVERY_DAY;
    return 0;
}

/* "mon,wed,friday" into a weekday mask; 0 when a word is not a weekday. */
static unsigned weekday_list(const char *s)
{
    unsigned mask = 0;

    while (*s) {
        size_t n = strcspn(s, ",");
        int d = weekday_of(s, n);
        if (d < 0)
            return 0;
        mask |= 1u << d;
        s += n + (s[n] == ',');
    }
    return mask;
}

int schedule_parse_dts(struct schedule_daily *out, const char *schedule, int64_t anchor_ms,
                       struct err *e)
{
    char copy[128], *w[MAX_WORDS];
    int n;
    long num;

    if (schedule == NULL || *schedule == '\0')
        return err_set(e, ERR_CONFIG, "the transfer has no schedule (it runs only on demand)");
    snprintf(copy, sizeof(copy), "%s", schedule);
    n = split(copy, w);
    if (n >= 2 && strcasecmp(w[0], "every") == 0) {
        if (n == 3 && (num = number(w[1])) > 0) {
            if ((strcasecmp(w[2], "hours") == 0 && num == 24) ||
                (strcasecmp(w[2], "minutes") == 0 && num == 1440) ||
                (strcasecmp(w[2], "mins") == 0 && num == 1440))
                return from_anchor(out, anchor_ms, schedule, e);
            return err_set(e, ERR_CONFIG,
                           "schedule \"%s\" fires every %ld %s, not once a day, so pipetop "
                           "cannot tell which days should have a run",
                           schedule, num, w[2]);
        }
        if (n == 3 && time_of_day(w[2], &out->hour, &out->minute) == 0) {
            out->weekdays = strcasecmp(w[1], "day") == 0 ? SCHEDULE_EVERY_DAY : weekday_list(w[1]);
            if (out->weekdays != 0)
                return 0;
        }
    }
    return err_set(e, ERR_CONFIG,
                   "schedule \"%s\" is not of a form pipetop can place on days (\"every day "
                   "HH:MM\", \"every mon,wed HH:MM\" or \"every 24 hours\")",
                   schedule);
}

/* One cron day-of-week item: a day (1-7 or SUN-SAT) or a range of them, into mask. */
static int dow_item(const char *s, size_t n, unsigned *mask)
{
    const char *dash = memchr(s, '-', n);
    int a, b;

    if (dash == NULL) {
        a = n == 1 && *s >= '1' && *s <= '7' ? *s - '1' : (n == 3 ? weekday_of(s, 3) : -1);
        b = a;
    } else {
        size_t la = (size_t)(dash - s), lb = n - la - 1;
        a = la == 1 && *s >= '1' && *s <= '7' ? *s - '1' : (la == 3 ? weekday_of(s, 3) : -1);
        b = lb == 1 && dash[1] >= '1' && dash[1] <= '7' ? dash[1] - '1'
                                                        : (lb == 3 ? weekday_of(dash + 1, 3) : -1);
    }
    if (a < 0 || b < 0 || b < a)
        return -1;
    for (int d = a; d <= b; d++)
        *mask |= 1u << d;
    return 0;
}

static int cron(struct schedule_daily *out, char *body, const char *expr, struct err *e)
{
    char *f[MAX_WORDS];
    int n = split(body, f);
    long mi, h;
    unsigned mask = 0;
    const char *p;

    if (n != 6)
        return err_set(e, ERR_CONFIG, "schedule expression \"%s\" does not have the 6 cron fields",
                       expr);
    mi = number(f[0]);
    h = number(f[1]);
    if (mi < 0 || mi > 59 || h < 0 || h > 23 || strcmp(f[3], "*") != 0 || strcmp(f[5], "*") != 0)
        return err_set(e, ERR_CONFIG,
                       "schedule expression \"%s\" does not fire once a day at a fixed time", expr);
    if ((strcmp(f[2], "*") == 0 || strcmp(f[2], "?") == 0) &&
        (strcmp(f[4], "*") == 0 || strcmp(f[4], "?") == 0)) {
        mask = SCHEDULE_EVERY_DAY;
    } else if (strcmp(f[2], "?") == 0) {
        for (p = f[4]; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
            if (dow_item(p, strcspn(p, ","), &mask) != 0) {
                mask = 0;
                break;
            }
        }
    }
    if (mask == 0)
        return err_set(e, ERR_CONFIG,
                       "schedule expression \"%s\" does not fire every day or on fixed weekdays "
                       "(monthly or other day rules cannot be placed)",
                       expr);
    out->hour = (int)h;
    out->minute = (int)mi;
    out->weekdays = mask;
    return 0;
}

int schedule_parse_aws(struct schedule_daily *out, const char *expression, int64_t anchor_ms,
                       struct err *e)
{
    char body[128], *w[MAX_WORDS];
    size_t n = expression ? strlen(expression) : 0;
    long num;
    int words;

    if (n < 7 || expression[n - 1] != ')' || n - 6 >= sizeof(body))
        return err_set(e, ERR_CONFIG, "schedule expression \"%s\" is not cron(...) or rate(...)",
                       expression ? expression : "");
    if (strncmp(expression, "cron(", 5) == 0) {
        snprintf(body, sizeof(body), "%.*s", (int)(n - 6), expression + 5);
        return cron(out, body, expression, e);
    }
    if (strncmp(expression, "rate(", 5) != 0)
        return err_set(e, ERR_CONFIG, "schedule expression \"%s\" is not cron(...) or rate(...)",
                       expression);
    snprintf(body, sizeof(body), "%.*s", (int)(n - 6), expression + 5);
    words = split(body, w);
    if (words == 2 && (num = number(w[0])) > 0 &&
        ((num == 1 && strcmp(w[1], "day") == 0) || (num == 24 && strcmp(w[1], "hours") == 0) ||
         (num == 1440 && strcmp(w[1], "minutes") == 0)))
        return from_anchor(out, anchor_ms, expression, e);
    return err_set(e, ERR_CONFIG,
                   "schedule expression \"%s\" does not fire once a day, so pipetop cannot tell "
                   "which days should have an export",
                   expression);
}

bool schedule_fires_on(const struct schedule_daily *s, int weekday)
{
    return weekday >= 0 && weekday < 7 && (s->weekdays & (1u << weekday)) != 0;
}
