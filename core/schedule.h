/* core/schedule.h: when a daily job fires, from the two schedule languages of the platform — DTS
 * schedules ("every day 04:00", "every mon,wed 09:30", "every 24 hours") and EventBridge schedule
 * expressions ("cron(0 18 * * ? *)", "rate(1 day)"). Both are UTC. Forms that do not fire once on
 * chosen days (every 6 hours, monthly, "1st monday of month") are errors that say so, because
 * pipetop could not tell which days should have a run. */
#ifndef CORE_SCHEDULE_H
#define CORE_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

#define SCHEDULE_EVERY_DAY 0x7fu

/* Fires once at hour:minute UTC on each weekday whose bit is set (bit 0 = Sunday ... bit 6 =
 * Saturday; SCHEDULE_EVERY_DAY = daily). */
struct schedule_daily {
    int hour;
    int minute;
    unsigned weekdays;
};

/* A DTS TransferConfig.schedule. Interval forms equal to one day ("every 24 hours", "every 1440
 * minutes") take their time of day from anchor_ms (e.g. the config's nextRunTime or
 * scheduleOptions.startTime); with anchor_ms 0 they are an error. Returns -1 (ERR_CONFIG,
 * quoting the schedule and saying why) for a form that cannot be placed on days. */
int schedule_parse_dts(struct schedule_daily *out, const char *schedule, int64_t anchor_ms,
                       struct err *e);

/* An EventBridge ScheduleExpression: cron(Minutes Hours Day-of-month Month Day-of-week Year) with
 * fixed minutes and hours, every month and year, and either every day or a day-of-week list or
 * range (SUN-SAT or 1-7); or rate(1 day) / rate(24 hours) / rate(1440 minutes), whose time of day
 * comes from anchor_ms as above. Returns -1 (ERR_CONFIG) otherwise. */
int schedule_parse_aws(struct schedule_daily *out, const char *expression, int64_t anchor_ms,
                       struct err *e);

/* Whether s fires on weekday (0 = Sunday). */
bool schedule_fires_on(const struct schedule_daily *s, int weekday);

#endif
