/* tests/tools/mkbigdb.c: writes a large fixture history database through the real state/ API
 * (never SQL by hand) for the dashboard's scale check: N pipelines (default 500) x D days
 * (default 90) x 3 stages, every stage run stored, a failure every 37th pipeline-day and
 * today's transfers running; one refresh row. Usage: mkbigdb DB [PIPELINES [DAYS]]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "state/db.h"
#include "state/logs.h"
#include "state/runs.h"

#define HOUR_MS 3600000LL

static void die(const struct err *e, const char *what)
{
    fprintf(stderr, "mkbigdb: %s: %s\n", what, e->msg);
    exit(1);
}

static enum run_state state_of(long p, int day, enum stage s)
{
    if (day == 0 && s == STAGE_TRANSFER)
        return RS_RUNNING;
    if (day == 0 && s == STAGE_QUERY)
        return RS_PENDING;
    if ((p * 91 + day) % 37 == 0)
        return s == STAGE_EXPORT ? RS_FAILED : RS_UPSTREAM_FAILED;
    return RS_SUCCEEDED;
}

static void put_runs(struct db *db, const char *name, long p, const char *today, int days,
                     int64_t now)
{
    struct err e = ERR_INIT;

    for (int d = 0; d < days; d++) {
        for (int s = 0; s < STAGE_COUNT; s++) {
            struct stage_run r = {0};
            char id[128];
            if (time_day_add(today, -d, r.day, &e) != 0)
                die(&e, "day");
            r.pipeline = (char *)name;
            r.stage = (enum stage)s;
            r.attempt = 1;
            r.state = state_of(p, d, (enum stage)s);
            r.raw_state = (char *)run_state_name(r.state);
            snprintf(id, sizeof(id), "%s-%s-%c", name, r.day, stage_letter(r.stage));
            r.service_id = id;
            r.started_ms = now - (int64_t)d * 24 * HOUR_MS + s * HOUR_MS;
            r.ended_ms = run_state_is_active(r.state) ? 0 : r.started_ms + HOUR_MS / 2;
            r.updated_ms = now;
            r.error_message = r.state == RS_FAILED ? (char *)"Export failed: fixture failure"
                                                   : NULL;
            if (db_put_stage_run(db, &r, &e) != 0)
                die(&e, name);
        }
    }
}

int main(int argc, char **argv)
{
    struct db *db = NULL;
    struct err e = ERR_INIT;
    long npipes = argc > 2 ? strtol(argv[2], NULL, 10) : 500;
    int days = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 90;
    const char *tz = getenv("PIPETOP_TIMEZONE");
    char today[TIME_DAY_LEN];
    int64_t now, id;

    if (argc < 2 || npipes < 1 || days < 1 || days > 400) {
        fprintf(stderr, "usage: mkbigdb DB [PIPELINES [DAYS]]\n");
        return 2;
    }
    if (time_zone_use(tz != NULL ? tz : "UTC", &e) != 0)
        die(&e, "time zone");
    now = clock_now_ms(NULL);
    time_day_of(now, today);
    if (db_open(&db, argv[1], 0, &e) != 0 || db_begin(db, &e) != 0)
        die(&e, argv[1]);
    for (long p = 0; p < npipes; p++) {
        char name[64];
        snprintf(name, sizeof(name), "pipeline-%04ld", p);
        struct pipeline pl = {name, SOURCE_DYNAMODB, name, NULL, (char *)"big-exports",
                              name, NULL, NULL, NULL, NULL, false};
        if (db_put_pipeline(db, &pl, now, &e) != 0)
            die(&e, name);
        put_runs(db, name, p, today, days, now);
    }
    if (db_refresh_start(db, now - 60000, &id, &e) != 0 ||
        db_refresh_finish(db, id, now - 30000, DB_REFRESH_OK, "fixture", &e) != 0 ||
        db_commit(db, &e) != 0)
        die(&e, "commit");
    db_close(db);
    return 0;
}
