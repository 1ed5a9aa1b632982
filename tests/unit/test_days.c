/* tests/unit/test_days.c: stage runs per day in Asia/Tokyo while DTS speaks UTC — the day rule
 * across E, T and Q, MISSING from the EventBridge rule, export_time and DTS schedules (not
 * before the instant, not before creation), STUCK, UPSTREAM_FAILED with the raw state kept,
 * attempts, and an Aurora task covering two tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/days.h"
#include "state/db.h"
#include "state/grid.h"
#include "state/runs.h"
#include "tests/unit/link_fixture.h"

struct world {
    struct snapshot s;
    struct config cfg;
    struct link_graph g;
    struct days_result r;
};

static int64_t at(const char *rfc3339)
{
    int64_t ms;
    struct err e = ERR_INIT;

    assert_int_equal(time_parse_rfc3339(rfc3339, &ms, &e), 0);
    return ms;
}

static void build(struct world *w, const char *zone, const char *fixture, const char *now,
                  void (*tweak)(struct world *, struct days_opts *))
{
    struct days_opts o;
    struct err e = ERR_INIT;

    assert_int_equal(time_zone_use(zone, &e), 0);
    lf_load(&w->s, fixture);
    lf_config(&w->cfg);
    assert_int_equal(link_discover(&w->g, &w->s, &w->cfg, &e), 0);
    days_opts_init(&o, &w->cfg, &w->s, at(now));
    if (tweak)
        tweak(w, &o);
    if (days_build(&w->r, &w->g, &w->s, &o, &e) != 0)
        fail_msg("days_build: %s", e.msg);
    for (size_t i = 0; i < w->r.n; i++) {
        const struct stage_run *r = &w->r.runs[i];
        printf("%-8s %s %c#%d %-16s raw=%-10s %s\n", r->pipeline, r->day, stage_letter(r->stage),
               r->attempt, run_state_name(r->state), r->raw_state ? r->raw_state : "-",
               r->error_message ? r->error_message : "");
    }
    for (size_t i = 0; i < w->r.n_notes; i++)
        printf("note: %s\n", w->r.notes[i]);
}

static void done(struct world *w)
{
    days_result_release(&w->r);
    link_graph_release(&w->g);
    snapshot_release(&w->s);
}

/* The latest attempt of (pipeline, day, stage), as the grid shows it; NULL when none. */
static const struct stage_run *cell(const struct world *w, const char *p, const char *day,
                                    enum stage st)
{
    const struct stage_run *best = NULL;

    for (size_t i = 0; i < w->r.n; i++) {
        const struct stage_run *r = &w->r.runs[i];
        if (strcmp(r->pipeline, p) == 0 && strcmp(r->day, day) == 0 && r->stage == st &&
            (best == NULL || r->attempt > best->attempt))
            best = r;
    }
    return best;
}

static void expect(const struct world *w, const char *p, const char *day, enum stage st,
                   enum run_state want, const char *raw, int attempts)
{
    const struct stage_run *r = cell(w, p, day, st);

    if (r == NULL)
        fail_msg("%s %s %s: no run, want %s", p, day, stage_name(st), run_state_name(want));
    if (r->state != want || r->attempt != attempts || (raw == NULL) != (r->raw_state == NULL) ||
        (raw && strcmp(raw, r->raw_state) != 0))
        fail_msg("%s %s %s: got %s (raw %s) attempt %d, want %s (raw %s) attempt %d", p, day,
                 stage_name(st), run_state_name(r->state), r->raw_state ? r->raw_state : "-",
                 r->attempt, run_state_name(want), raw ? raw : "-", attempts);
}

static void expect_none(const struct world *w, const char *p, const char *day, enum stage st)
{
    const struct stage_run *r = cell(w, p, day, st);

    if (r != NULL)
        fail_msg("%s %s %s: want no run, got %s", p, day, stage_name(st), run_state_name(r->state));
}

#define E STAGE_EXPORT
#define T STAGE_TRANSFER
#define Q STAGE_QUERY

/* now = 2024-05-17T18:00Z = 2024-05-18 03:00 JST: the 05-18 export (03:30 JST) is not due. */
static void test_tokyo_days(void **state)
{
    struct world w;

    (void)state;
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-17T18:00:00Z", NULL);
    /* users: export 05-14T18:30Z is day 05-15 JST; the transfer at 19:00Z renders 2024-05-14
     * and reads it (same day); failed then rerun: attempt 2 SUCCEEDED */
    expect(&w, "users", "2024-05-15", E, RS_SUCCEEDED, "COMPLETED", 1);
    expect(&w, "users", "2024-05-15", T, RS_SUCCEEDED, "SUCCEEDED", 2);
    /* the query ran after the failed first attempt, before the rerun */
    expect(&w, "users", "2024-05-15", Q, RS_UPSTREAM_FAILED, "SUCCEEDED", 1);
    /* failed export: transfer and query UPSTREAM_FAILED although DTS said SUCCEEDED */
    expect(&w, "users", "2024-05-16", E, RS_FAILED, "FAILED", 1);
    expect(&w, "users", "2024-05-16", T, RS_UPSTREAM_FAILED, "SUCCEEDED", 1);
    expect(&w, "users", "2024-05-16", Q, RS_UPSTREAM_FAILED, "SUCCEEDED", 1);
    /* RUNNING with no update for 23 h: STUCK; the query never ran: MISSING */
    expect(&w, "users", "2024-05-17", E, RS_SUCCEEDED, "COMPLETED", 1);
    expect(&w, "users", "2024-05-17", T, RS_STUCK, "RUNNING", 1);
    expect(&w, "users", "2024-05-17", Q, RS_MISSING, NULL, 1);
    /* today before the scheduled instants: nothing, not MISSING */
    expect_none(&w, "users", "2024-05-18", E);
    expect_none(&w, "users", "2024-05-18", T);
    expect_none(&w, "users", "2024-05-18", Q);
    /* orders was created 2024-05-16T10:00Z: no MISSING export before */
    expect_none(&w, "orders", "2024-05-15", E);
    expect_none(&w, "orders", "2024-05-16", E);
    expect_none(&w, "orders", "2024-05-16", T);
    expect(&w, "orders", "2024-05-17", E, RS_SUCCEEDED, "COMPLETED", 1);
    expect(&w, "orders", "2024-05-17", T, RS_SUCCEEDED, "SUCCEEDED", 1);
    expect(&w, "orders", "2024-05-17", Q, RS_MISSING, NULL, 1);
    /* events: the -24h template: the transfer of 05-16T19:00Z loads the export of day 05-16 */
    expect(&w, "events", "2024-05-15", E, RS_SUCCEEDED, "COMPLETED", 1);
    expect(&w, "events", "2024-05-15", T, RS_SUCCEEDED, "SUCCEEDED", 1);
    expect(&w, "events", "2024-05-16", T, RS_SUCCEEDED, "SUCCEEDED", 1);
    expect_none(&w, "events", "2024-05-17", T); /* its run (05-17T19:00Z) is still ahead */
    expect(&w, "events", "2024-05-15", Q, RS_MISSING, NULL, 1);
    expect(&w, "events", "2024-05-16", Q, RS_MISSING, NULL, 1);
    done(&w);
}

/* Aurora: one task, a stage run for each table's pipeline; DTS's 2024-05-16T20:00Z query run is
 * day 2024-05-17 in Tokyo, with the export and transfer it follows. */
static void test_aurora_days(void **state)
{
    struct world w;

    (void)state;
    build(&w, "Asia/Tokyo", "tests/data/link/billing.json", "2024-05-17T18:00:00Z", NULL);
    for (int i = 0; i < 2; i++) {
        const char *p = i == 0 ? "billing/appdb.invoices" : "billing/appdb.payments";
        expect(&w, p, "2024-05-16", E, RS_FAILED, "FAILED", 1);
        expect(&w, p, "2024-05-16", T, RS_UPSTREAM_FAILED, "SUCCEEDED", 1);
        expect(&w, p, "2024-05-17", E, RS_SUCCEEDED, "COMPLETE", 1);
        expect(&w, p, "2024-05-17", T, RS_SUCCEEDED, "SUCCEEDED", 1);
        expect(&w, p, "2024-05-17", Q, RS_SUCCEEDED, "SUCCEEDED", 1);
        expect_none(&w, p, "2024-05-16", Q); /* before the query's first run: not MISSING */
    }
    assert_string_equal(cell(&w, "billing/appdb.payments", "2024-05-16", E)->service_id,
                        "billing-20240515");
    assert_non_null(
        strstr(cell(&w, "billing/appdb.payments", "2024-05-16", E)->error_message, "IAM role"));
    done(&w);
    /* the same world counted in UTC: everything one day earlier, still on one day */
    build(&w, "UTC", "tests/data/link/billing.json", "2024-05-17T18:00:00Z", NULL);
    expect(&w, "billing/appdb.invoices", "2024-05-16", E, RS_SUCCEEDED, "COMPLETE", 1);
    expect(&w, "billing/appdb.invoices", "2024-05-16", T, RS_SUCCEEDED, "SUCCEEDED", 1);
    expect(&w, "billing/appdb.invoices", "2024-05-16", Q, RS_SUCCEEDED, "SUCCEEDED", 1);
    expect(&w, "billing/appdb.invoices", "2024-05-15", E, RS_FAILED, "FAILED", 1);
    done(&w);
}

static void use_export_time(struct world *w, struct days_opts *o)
{
    (void)w;
    o->export_rule = NULL;
    o->export_time_min = 3 * 60 + 30; /* 03:30 in Tokyo */
}

/* 2024-05-18T00:00Z = 09:00 JST: the 03:30 export, 04:00 transfer and 05:00 query are due. */
static void test_missing_when_due(void **state)
{
    struct world w;
    const struct stage_run *r;

    (void)state;
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-18T00:00:00Z", NULL);
    r = cell(&w, "users", "2024-05-18", E);
    assert_non_null(r);
    assert_int_equal(r->state, RS_MISSING);
    assert_null(r->raw_state);
    assert_non_null(strstr(r->error_message, "nightly-export (cron(30 18 * * ? *))"));
    assert_non_null(strstr(r->error_message, "2024-05-17T18:30:00Z"));
    expect(&w, "users", "2024-05-18", T, RS_MISSING, NULL, 1);
    expect(&w, "users", "2024-05-18", Q, RS_MISSING, NULL, 1);
    expect(&w, "orders", "2024-05-18", E, RS_MISSING, NULL, 1);
    done(&w);
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-18T00:00:00Z", use_export_time);
    r = cell(&w, "users", "2024-05-18", E);
    assert_non_null(r);
    assert_int_equal(r->state, RS_MISSING);
    assert_non_null(strstr(r->error_message, "03:30 (Asia/Tokyo, [aws] export_time)"));
    expect_none(&w, "orders", "2024-05-15", E); /* created 2024-05-16 */
    done(&w);
    /* 30 minutes after the instant, inside the grace hour: not yet */
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-17T19:00:00Z", NULL);
    expect_none(&w, "users", "2024-05-18", E);
    done(&w);
}

static void quiet_configs(struct world *w, struct days_opts *o)
{
    (void)o;
    for (size_t i = 0; i < w->s.n_dts; i++) {
        struct dts_config *c = &w->s.dts[i].config;
        if (strstr(c->cfg.name, "t-users"))
            c->cfg.disabled = true;
        if (strstr(c->cfg.name, "q-user-orders"))
            c->manual_only = true;
    }
}

static void test_no_missing_without_schedule(void **state)
{
    struct world w;

    (void)state;
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-18T00:00:00Z", quiet_configs);
    expect(&w, "users", "2024-05-18", E, RS_MISSING, NULL, 1);
    expect_none(&w, "users", "2024-05-18", T); /* disabled */
    expect_none(&w, "users", "2024-05-18", Q); /* manual only */
    expect_none(&w, "users", "2024-05-17", Q);
    expect(&w, "users", "2024-05-16", Q, RS_UPSTREAM_FAILED, "SUCCEEDED", 1); /* runs stay */
    done(&w);
}

static void patient(struct world *w, struct days_opts *o)
{
    (void)w;
    o->stuck_after_min = 24 * 60;
}

static void dts_gap(struct world *w, struct days_opts *o)
{
    struct err e = ERR_INIT;

    (void)o;
    err_set(&e, ERR_NETWORK, "connection refused");
    assert_int_equal(snapshot_add_gap(&w->s, "dts runs.list t-users", &e), 0);
}

static void test_stuck_and_gaps(void **state)
{
    struct world w;

    (void)state;
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-17T18:00:00Z", patient);
    expect(&w, "users", "2024-05-17", T, RS_RUNNING, "RUNNING", 1);
    done(&w);
    /* a service that could not be read: no MISSING for its stages, and a note says so */
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-18T00:00:00Z", dts_gap);
    expect(&w, "users", "2024-05-18", E, RS_MISSING, NULL, 1);
    expect_none(&w, "users", "2024-05-18", T);
    expect_none(&w, "users", "2024-05-17", Q);
    assert_true(w.r.n_notes > 0);
    assert_non_null(strstr(w.r.notes[0], "could not read every DTS run"));
    done(&w);
}

/* What days_build makes is what state/ stores: pipelines first, then every attempt; the grid
 * shows the latest attempt with the number of attempts; storing it twice changes nothing. */
static void test_stored_grid(void **state)
{
    struct world w;
    struct err e = ERR_INIT;
    struct db *db;
    struct stage_run *grid;
    size_t n, n2;
    char dir[64], path[128];
    const struct stage_run *t = NULL, *q = NULL;

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/pipetop-test-days-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/history.db", dir);
    assert_int_equal(db_open(&db, path, 0, &e), 0);
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-17T18:00:00Z", NULL);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < w.g.n; i++)
            if (db_put_pipeline(db, &w.g.v[i].p, at("2024-05-17T18:00:00Z"), &e) != 0)
                fail_msg("%s", e.msg);
        for (size_t i = 0; i < w.r.n; i++)
            if (db_put_stage_run(db, &w.r.runs[i], &e) != 0)
                fail_msg("%s", e.msg);
    }
    assert_int_equal(db_grid(db, "2024-05-15", 0, &grid, &n, &e), 0);
    for (size_t i = 0; i < n; i++)
        if (strcmp(grid[i].pipeline, "users") == 0 && strcmp(grid[i].day, "2024-05-15") == 0) {
            if (grid[i].stage == STAGE_TRANSFER)
                t = &grid[i];
            if (grid[i].stage == STAGE_QUERY)
                q = &grid[i];
        }
    assert_non_null(t);
    assert_int_equal(t->state, RS_SUCCEEDED);
    assert_int_equal(t->attempt, 2);
    assert_non_null(q);
    assert_int_equal(q->state, RS_UPSTREAM_FAILED);
    assert_string_equal(q->raw_state, "SUCCEEDED");
    db_stage_runs_free(grid, n);
    assert_int_equal(db_list_runs(db, NULL, 0, 0, &grid, &n2, &e), 0);
    assert_int_equal(n2, w.r.n); /* every attempt, once */
    db_stage_runs_free(grid, n2);
    db_close(db);
    done(&w);
    remove(path);
    snprintf(path, sizeof(path), "%s/history.db-wal", dir);
    remove(path);
    snprintf(path, sizeof(path), "%s/history.db-shm", dir);
    remove(path);
    rmdir(dir);
}

static void rate_rule(struct world *w, struct days_opts *o)
{
    (void)o;
    free(w->s.export_rule.rule.schedule);
    w->s.export_rule.rule.schedule = strdup("rate(1 day)");
}

static void six_hourly_rule(struct world *w, struct days_opts *o)
{
    (void)o;
    free(w->s.export_rule.rule.schedule);
    w->s.export_rule.rule.schedule = strdup("cron(0 */6 * * ? *)");
}

/* rate(1 day) takes its time of day from the exports' start; a rule that does not fire once a
 * day cannot place MISSING exports, and a note says why. */
static void test_rule_forms(void **state)
{
    struct world w;

    (void)state;
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-18T00:00:00Z", rate_rule);
    expect(&w, "users", "2024-05-18", E, RS_MISSING, NULL, 1);
    assert_non_null(strstr(cell(&w, "users", "2024-05-18", E)->error_message, "18:30:00Z"));
    done(&w);
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-18T00:00:00Z", six_hourly_rule);
    expect_none(&w, "users", "2024-05-18", E);
    expect(&w, "users", "2024-05-18", T, RS_MISSING, NULL, 1);
    assert_true(w.r.n_notes > 0);
    assert_non_null(strstr(w.r.notes[0], "MISSING exports not judged"));
    done(&w);
}

static void ended_schedules(struct world *w, struct days_opts *o)
{
    (void)o;
    for (size_t i = 0; i < w->s.n_dts; i++)
        if (strstr(w->s.dts[i].config.cfg.name, "t-users"))
            w->s.dts[i].config.schedule_end_ms = at("2024-05-17T00:00:00Z");
    free(w->s.export_rule.rule.state);
    w->s.export_rule.rule.state = strdup("DISABLED");
}

/* scheduleOptions endTime and a disabled export rule: nothing is due after them. */
static void test_schedule_window(void **state)
{
    struct world w;

    (void)state;
    build(&w, "Asia/Tokyo", "tests/data/link/tokyo.json", "2024-05-18T00:00:00Z", ended_schedules);
    expect_none(&w, "users", "2024-05-18", E);
    expect_none(&w, "users", "2024-05-18", T);
    expect(&w, "users", "2024-05-18", Q, RS_MISSING, NULL, 1);
    done(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokyo_days),       cmocka_unit_test(test_aurora_days),
        cmocka_unit_test(test_missing_when_due), cmocka_unit_test(test_no_missing_without_schedule),
        cmocka_unit_test(test_stuck_and_gaps),   cmocka_unit_test(test_stored_grid),
        cmocka_unit_test(test_rule_forms),       cmocka_unit_test(test_schedule_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
