/* tests/unit/test_store.c: the store API — idempotent upserts (dump every table before and
 * after writing the same refresh twice), schema versions only on a new hash, the grid and runs
 * queries, call-log retention, audit and refresh logs, and that every dashboard query is
 * answered from an index (EXPLAIN QUERY PLAN). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "state/db.h"
#include "state/grid.h"
#include "state/logs.h"
#include "state/runs.h"
#include "state/sql.h"
#include "state/tables.h"

struct fixture {
    char dir[64];
    char path[128];
    struct db *db;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = ERR_INIT;

    snprintf(f->dir, sizeof(f->dir), "/tmp/pipetop-test-store-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/history.db", f->dir);
    if (db_open(&f->db, f->path, 0, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->db);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Every row of every table (sorted), as text. */
static char *dump_all(struct db *db)
{
    static const char *const tables[] = {"pipelines", "stage_runs",      "transfer_configs",
                                         "bq_tables", "schema_versions", "rowcount_samples",
                                         "refreshes", "audit_log",       "api_calls",
                                         "actions",   "action_claims"};
    struct buf b = BUF_INIT(16 << 20);

    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        char sql[128];
        sqlite3_stmt *st;
        snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY 1, 2, 3, 4", tables[t]);
        assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK);
        buf_printf(&b, "[%s]\n", tables[t]);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *v = sqlite3_column_text(st, c);
                buf_printf(&b, "%s|", v ? (const char *)v : "NULL");
            }
            buf_putc(&b, '\n');
        }
        sqlite3_finalize(st);
    }
    assert_false(b.toobig);
    return buf_detach(&b);
}

static const char hash_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char hash_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/* One refresh's worth of writes, in one transaction. */
static void write_refresh(struct db *db)
{
    struct err e = ERR_INIT;
    struct pipeline p = {.name = (char *)"users",
                         .source_kind = SOURCE_DYNAMODB,
                         .source = (char *)"Users",
                         .export_bucket = (char *)"exports",
                         .export_prefix = (char *)"ddb/users",
                         .transfer_config = (char *)"projects/p/locations/us/transferConfigs/1",
                         .query_config = (char *)"projects/p/locations/us/transferConfigs/2",
                         .raw_table = (char *)"p.raw.users",
                         .table = (char *)"p.mart.users",
                         .pinned = true};
    struct stage_run r = {.pipeline = (char *)"users", .day = "2024-05-16", .attempt = 1};
    struct transfer_config c = {.name = (char *)"projects/p/locations/us/transferConfigs/1",
                                .display_name = (char *)"users 取込",
                                .data_source_id = (char *)"amazon_s3",
                                .data_path = (char *)"s3://exports/ddb/users/*",
                                .updated_ms = 7};
    struct table_meta t = {.project = (char *)"p",
                           .dataset = (char *)"mart",
                           .table_id = (char *)"users",
                           .type = (char *)"TABLE",
                           .description = (char *)"ユーザー",
                           .num_rows = 42,
                           .num_bytes = 4200};
    struct rowcount_sample s = {
        .table = (char *)"p.mart.users", .at_ms = 1000, .rows = 42, .bytes = 4200};

    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(db_put_pipeline(db, &p, 1000, &e), 0);
    for (int st = 0; st < STAGE_COUNT; st++) {
        r.stage = (enum stage)st;
        r.state = st == STAGE_QUERY ? RS_FAILED : RS_SUCCEEDED;
        r.raw_state = (char *)(st == STAGE_QUERY ? "FAILED" : "SUCCEEDED");
        r.error_message = st == STAGE_QUERY ? (char *)"Syntax error: 列が見つかりません" : NULL;
        assert_int_equal(db_put_stage_run(db, &r, &e), 0);
    }
    assert_int_equal(db_put_transfer_config(db, &c, 1000, &e), 0);
    assert_int_equal(db_put_table(db, &t, "[{\"name\":\"id\"}]", hash_a, 1000, NULL, &e), 0);
    assert_int_equal(db_add_rowcount_sample(db, &s, &e), 0);
    assert_int_equal(db_commit(db, &e), 0);
}

static void test_idempotent_refresh(void **state)
{
    struct fixture *f = *state;
    char *once, *twice;

    write_refresh(f->db);
    once = dump_all(f->db);
    write_refresh(f->db);
    twice = dump_all(f->db);
    assert_string_equal(once, twice);
    assert_non_null(strstr(once, "users 取込"));
    assert_non_null(strstr(once, "列が見つかりません"));
    free(once);
    free(twice);
}

static void test_schema_versions(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct table_meta t = {.project = (char *)"p", .dataset = (char *)"d", .table_id = (char *)"t"};
    const char *hashes[] = {hash_a, hash_a, hash_b, hash_b, hash_a};
    const int expect_new[] = {1, 0, 1, 0, 1};
    struct db_schema_version *v;
    struct db_table dt;
    size_t n;
    int added;

    for (int i = 0; i < 5; i++) {
        char json[64];
        snprintf(json, sizeof(json), "[{\"v\":%d}]", i);
        t.num_rows = 10 * i;
        assert_int_equal(db_put_table(f->db, &t, json, hashes[i], 100 + i, &added, &e), 0);
        assert_int_equal(added, expect_new[i]);
    }
    /* metadata without a schema leaves the versions alone */
    assert_int_equal(db_put_table(f->db, &t, NULL, NULL, 200, &added, &e), 0);
    assert_int_equal(added, 0);
    assert_int_equal(db_schema_versions(f->db, "p.d.t", &v, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].hash, hash_a); /* newest first */
    assert_string_equal(v[0].schema_json, "[{\"v\":4}]");
    assert_true(v[0].first_seen_ms == 104);
    assert_string_equal(v[1].hash, hash_b);
    assert_true(v[1].first_seen_ms == 102);
    assert_string_equal(v[2].schema_json, "[{\"v\":0}]");
    db_schema_versions_free(v, n);

    assert_int_equal(db_get_table(f->db, "p.d.t", &dt, &e), 0);
    assert_int_equal(dt.n_schema_versions, 3);
    assert_true(dt.meta.num_rows == 40);
    assert_true(dt.seen_ms == 200);
    table_meta_release(&dt.meta);
    assert_int_equal(db_get_table(f->db, "p.d.nope", &dt, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    err_clear(&e);

    /* a bad hash is refused before anything is written */
    assert_int_equal(db_put_table(f->db, &t, "[]", "abc", 300, &added, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
}

static void put_run(struct db *db, const char *pipeline, const char *day, enum stage s, int attempt,
                    enum run_state state)
{
    struct err e = ERR_INIT;
    struct stage_run r = {.pipeline = (char *)pipeline,
                          .stage = s,
                          .attempt = attempt,
                          .state = state,
                          .raw_state = (char *)run_state_name(state)};
    snprintf(r.day, sizeof(r.day), "%s", day);
    assert_int_equal(db_put_stage_run(db, &r, &e), 0);
}

static void grid_world(struct db *db)
{
    struct err e = ERR_INIT;
    struct pipeline p = {.source_kind = SOURCE_AURORA};
    const char *names[] = {"alpha", "beta", "gamma"};

    for (int i = 0; i < 3; i++) {
        p.name = (char *)names[i];
        assert_int_equal(db_put_pipeline(db, &p, 1, &e), 0);
        for (int d = 14; d <= 16; d++) {
            char day[TIME_DAY_LEN];
            snprintf(day, sizeof(day), "2024-05-%02d", d);
            for (int s = 0; s < STAGE_COUNT; s++)
                put_run(db, names[i], day, (enum stage)s, 1, RS_SUCCEEDED);
        }
    }
    /* gamma's transfer on the 16th failed, then was retried and failed again */
    put_run(db, "gamma", "2024-05-16", STAGE_TRANSFER, 1, RS_FAILED);
    put_run(db, "gamma", "2024-05-16", STAGE_TRANSFER, 2, RS_FAILED);
    put_run(db, "gamma", "2024-05-16", STAGE_QUERY, 1, RS_UPSTREAM_FAILED);
    /* beta's export on the 15th failed once, then succeeded */
    put_run(db, "beta", "2024-05-15", STAGE_EXPORT, 1, RS_FAILED);
    put_run(db, "beta", "2024-05-15", STAGE_EXPORT, 2, RS_SUCCEEDED);
}

static void test_grid(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct stage_run *r;
    size_t n;

    grid_world(f->db);
    assert_int_equal(db_grid(f->db, "2024-05-15", 0, &r, &n, &e), 0);
    assert_int_equal(n, 3 * 2 * 3); /* latest attempt only */
    assert_string_equal(r[0].pipeline, "alpha");
    assert_string_equal(r[0].day, "2024-05-15");
    assert_int_equal(r[0].stage, STAGE_EXPORT);
    assert_int_equal(r[1].stage, STAGE_TRANSFER);
    assert_int_equal(r[2].stage, STAGE_QUERY);
    assert_string_equal(r[6].pipeline, "beta"); /* beta 05-15 export: attempt 2 succeeded */
    assert_int_equal(r[6].attempt, 2);
    assert_int_equal(r[6].state, RS_SUCCEEDED);
    assert_string_equal(r[16].pipeline, "gamma");
    assert_int_equal(r[16].stage, STAGE_TRANSFER);
    assert_int_equal(r[16].attempt, 2);
    assert_int_equal(r[16].state, RS_FAILED);
    assert_string_equal(r[17].pipeline, "gamma"); /* query after transfer (not by name) */
    assert_int_equal(r[17].stage, STAGE_QUERY);
    assert_int_equal(r[17].state, RS_UPSTREAM_FAILED);
    for (size_t i = 1; i < n; i++) /* pipeline, day, stage in chain order; one row per cell */
        assert_true(strcmp(r[i - 1].pipeline, r[i].pipeline) < 0 ||
                    (strcmp(r[i - 1].pipeline, r[i].pipeline) == 0 &&
                     (strcmp(r[i - 1].day, r[i].day) < 0 ||
                      (strcmp(r[i - 1].day, r[i].day) == 0 && r[i - 1].stage < r[i].stage))));
    db_stage_runs_free(r, n);

    assert_int_equal(db_grid(f->db, "2024-05-15", DB_GRID_FAILURES_FIRST, &r, &n, &e), 0);
    assert_int_equal(n, 18);
    assert_string_equal(r[0].pipeline, "gamma");
    assert_string_equal(r[0].day, "2024-05-15");
    assert_string_equal(r[6].pipeline, "alpha");
    assert_string_equal(r[12].pipeline, "beta");
    db_stage_runs_free(r, n);

    assert_int_equal(db_grid(f->db, "2024-06-01", 0, &r, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_null(r);
}

/* Failed cells per pipeline: the latest attempt decides, the day range is inclusive, pipelines
 * without a failed cell are left out; the same counts as counting db_grid's failed cells. */
static void test_grid_failures(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct grid_count *c;
    struct stage_run *r;
    size_t n, nr;

    grid_world(f->db);
    /* alpha's query on the 14th: failed, retried, failed; on the 15th: failed, then SUCCEEDED */
    put_run(f->db, "alpha", "2024-05-14", STAGE_QUERY, 2, RS_FAILED);
    put_run(f->db, "alpha", "2024-05-14", STAGE_QUERY, 3, RS_STUCK);
    put_run(f->db, "alpha", "2024-05-15", STAGE_QUERY, 1, RS_FAILED);
    put_run(f->db, "alpha", "2024-05-15", STAGE_QUERY, 2, RS_SUCCEEDED);
    assert_int_equal(db_grid_failures(f->db, "2024-05-14", "2024-05-16", &c, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(c[0].pipeline, "alpha");
    assert_int_equal(c[0].failed, 1); /* the 14th (STUCK); not the 15th (retried, SUCCEEDED) */
    assert_string_equal(c[1].pipeline, "gamma");
    assert_int_equal(c[1].failed, 2); /* transfer attempt 2 FAILED, query UPSTREAM_FAILED */
    db_grid_counts_free(c, n);
    assert_int_equal(db_grid(f->db, "2024-05-14", 0, &r, &nr, &e), 0);
    int from_grid = 0;
    for (size_t i = 0; i < nr; i++)
        from_grid += run_state_is_failure(r[i].state);
    assert_int_equal(from_grid, 3);
    db_stage_runs_free(r, nr);
    assert_int_equal(db_grid_failures(f->db, "2024-05-15", "2024-05-15", &c, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_null(c);
    assert_int_equal(db_grid_failures(f->db, "2024-05-14", "2024-05-14", &c, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].pipeline, "alpha");
    db_grid_counts_free(c, n);
}

static void test_runs_list(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct stage_run *r;
    size_t n;

    grid_world(f->db);
    assert_int_equal(db_list_runs(f->db, NULL, DB_RUNS_FAILED, 0, &r, &n, &e), 0);
    assert_int_equal(n, 4);
    assert_string_equal(r[0].day, "2024-05-16"); /* newest day first */
    assert_int_equal(r[0].stage, STAGE_TRANSFER);
    assert_int_equal(r[0].attempt, 2); /* newest attempt first */
    assert_int_equal(r[1].attempt, 1);
    assert_int_equal(r[2].state, RS_UPSTREAM_FAILED);
    assert_string_equal(r[3].pipeline, "beta");
    db_stage_runs_free(r, n);

    assert_int_equal(db_list_runs(f->db, "2024-05-16", DB_RUNS_FAILED, 0, &r, &n, &e), 0);
    assert_int_equal(n, 3);
    db_stage_runs_free(r, n);
    assert_int_equal(db_list_runs(f->db, "2024-05-16", 0, 0, &r, &n, &e), 0);
    assert_int_equal(n, 3 * 3 + 1);
    db_stage_runs_free(r, n);
    assert_int_equal(db_list_runs(f->db, NULL, 0, 5, &r, &n, &e), 0);
    assert_int_equal(n, 5);
    db_stage_runs_free(r, n);

    assert_int_equal(db_day_runs(f->db, "beta", "2024-05-15", &r, &n, &e), 0);
    assert_int_equal(n, 4);
    assert_int_equal(r[0].stage, STAGE_EXPORT);
    assert_int_equal(r[0].attempt, 1);
    assert_int_equal(r[1].attempt, 2);
    assert_int_equal(r[3].stage, STAGE_QUERY);
    db_stage_runs_free(r, n);

    /* a run for an unknown pipeline is refused by the foreign key, with its name */
    struct stage_run bad = {.pipeline = (char *)"nope", .day = "2024-05-16", .attempt = 1};
    assert_int_equal(db_put_stage_run(f->db, &bad, &e), -1);
    assert_int_equal(e.code, ERR_DB);
    assert_non_null(strstr(e.msg, "nope 2024-05-16 export attempt 1"));
    assert_non_null(strstr(e.msg, "FOREIGN KEY"));
}

static void test_lists(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct pipeline *p;
    struct transfer_config *c;
    struct db_table *t;
    struct rowcount_sample *s;
    size_t n;

    write_refresh(f->db);
    assert_int_equal(db_list_pipelines(f->db, &p, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].export_prefix, "ddb/users");
    assert_string_equal(p[0].table, "p.mart.users");
    assert_int_equal(p[0].source_kind, SOURCE_DYNAMODB);
    assert_true(p[0].pinned);
    assert_null(p[0].source_arn);
    db_pipelines_free(p, n);

    assert_int_equal(db_list_transfer_configs(f->db, &c, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].display_name, "users 取込");
    assert_true(c[0].updated_ms == 7);
    db_transfer_configs_free(c, n);

    assert_int_equal(db_list_tables(f->db, &t, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(t[0].meta.description, "ユーザー");
    assert_true(t[0].meta.num_bytes == 4200);
    assert_int_equal(t[0].n_schema_versions, 1);
    db_tables_free(t, n);

    for (int i = 2; i <= 5; i++) {
        struct rowcount_sample rs = {
            .table = (char *)"p.mart.users", .at_ms = i * 1000, .rows = 42 + i, .bytes = 1};
        assert_int_equal(db_add_rowcount_sample(f->db, &rs, &e), 0);
    }
    assert_int_equal(db_rowcount_history(f->db, "p.mart.users", 3000, &s, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_true(s[0].at_ms == 3000 && s[0].rows == 45);
    assert_true(s[2].at_ms == 5000 && s[2].rows == 47);
    db_rowcount_samples_free(s, n);
}

static void test_call_retention(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct api_call *c;
    size_t n;

    db_set_call_retention(f->db, 5, 0);
    for (int i = 1; i <= 12; i++) {
        struct api_call call = {.at_ms = i * 1000LL,
                                .service = (char *)"dts",
                                .operation = (char *)"runs.list",
                                .method = (char *)"GET",
                                .url = (char *)"https://bigquerydatatransfer.googleapis.com/v1/x",
                                .status = i % 4 ? 200 : 503,
                                .latency_ms = i,
                                .retries = i % 4 ? 0 : 1,
                                .error = i % 4 ? NULL : (char *)"HTTP 503",
                                .retry_detail = i % 4 ? NULL
                                                      : (char *)"retries: 1 (HTTP 503 UNAVAILABLE, "
                                                                "waited 1.000s (Retry-After))"};
        assert_int_equal(db_call_add(f->db, &call, &e), 0);
    }
    assert_int_equal(db_call_list(f->db, 0, &c, &n, &e), 0);
    assert_int_equal(n, 5);
    assert_true(c[0].at_ms == 12000); /* newest first */
    assert_int_equal(c[0].status, 503);
    assert_string_equal(c[0].error, "HTTP 503");
    assert_string_equal(c[0].retry_detail,
                        "retries: 1 (HTTP 503 UNAVAILABLE, waited 1.000s (Retry-After))");
    assert_true(c[4].at_ms == 8000);
    assert_null(c[1].error);
    assert_null(c[1].retry_detail);
    db_calls_free(c, n);
    assert_int_equal(db_call_list(f->db, 2, &c, &n, &e), 0);
    assert_int_equal(n, 2);
    db_calls_free(c, n);

    /* by age: a call 2 days after the last one prunes everything older than 1 day before it */
    db_set_call_retention(f->db, 0, 1);
    struct api_call later = {.at_ms = 12000 + 2 * 86400000LL, .service = (char *)"bq"};
    assert_int_equal(db_call_add(f->db, &later, &e), 0);
    assert_int_equal(db_call_list(f->db, 0, &c, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].service, "bq");
    db_calls_free(c, n);

    /* inside a refresh transaction the prune rolls back with it */
    db_set_call_retention(f->db, 1, 0);
    assert_int_equal(db_begin(f->db, &e), 0);
    later.at_ms += 1;
    assert_int_equal(db_call_add(f->db, &later, &e), 0);
    db_rollback(f->db);
    assert_int_equal(db_call_list(f->db, 0, &c, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_true(c[0].at_ms == 12000 + 2 * 86400000LL);
    db_calls_free(c, n);
}

static void test_audit_and_refreshes(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct audit_entry a = {.at_ms = 10,
                            .phase = (char *)"intent",
                            .verb = (char *)"rerun",
                            .target = (char *)"users",
                            .day = (char *)"2024-05-16",
                            .stage = (char *)"transfer",
                            .environment = (char *)"gcp:p",
                            .detail = (char *)"startManualRuns requestedRunTime=...",
                            .user = (char *)"oncall"};
    struct audit_entry *list;
    struct db_refresh *r;
    int64_t id1, id2, rid;
    size_t n;

    assert_int_equal(db_audit_add(f->db, &a, &id1, &e), 0);
    a.at_ms = 20;
    a.phase = (char *)"outcome";
    a.result = (char *)"ok";
    assert_int_equal(db_audit_add(f->db, &a, &id2, &e), 0);
    assert_true(id2 > id1);
    assert_int_equal(db_audit_list(f->db, 0, &list, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].phase, "outcome");
    assert_string_equal(list[0].result, "ok");
    assert_true(list[0].action_id == 0);
    assert_string_equal(list[1].phase, "intent");
    assert_null(list[1].result);
    assert_string_equal(list[1].user, "oncall");
    db_audit_free(list, n);
    a.phase = (char *)"maybe";
    assert_int_equal(db_audit_add(f->db, &a, NULL, &e), -1);
    assert_int_equal(e.code, ERR_DB);
    err_clear(&e);

    assert_int_equal(db_refresh_start(f->db, 100, &rid, &e), 0);
    assert_int_equal(db_list_refreshes(f->db, 1, &r, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].status, DB_REFRESH_RUNNING);
    db_refreshes_free(r, n);
    assert_int_equal(db_refresh_finish(f->db, rid, 150, DB_REFRESH_PARTIAL, "3 of 4", &e), 0);
    assert_int_equal(db_list_refreshes(f->db, 0, &r, &n, &e), 0);
    assert_int_equal(r[0].status, DB_REFRESH_PARTIAL);
    assert_true(r[0].ended_ms == 150);
    assert_string_equal(r[0].summary, "3 of 4");
    db_refreshes_free(r, n);
    assert_int_equal(db_refresh_finish(f->db, rid + 7, 150, DB_REFRESH_OK, NULL, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
}

/* ---- EXPLAIN QUERY PLAN of every dashboard query ---- */

struct captured {
    char *sql[64];
    size_t n;
};

static int capture(unsigned type, void *ctx, void *p, void *x)
{
    struct captured *c = ctx;
    const char *sql = sqlite3_sql(p);

    (void)type;
    (void)x;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->sql[i], sql) == 0)
            return 0;
    if (c->n < 64)
        c->sql[c->n++] = strdup(sql);
    return 0;
}

/* Fails when the plan reads a whole table without an index. */
static void assert_plan_uses_index(struct db *db, const char *sql)
{
    char eqp[4096];
    sqlite3_stmt *st;
    int searches = 0;

    snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_prepare_v2(db->h, eqp, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        if (strncmp(d, "SCAN ", 5) == 0 && strstr(d, "USING") == NULL)
            fail_msg("query plan of\n  %s\nreads a whole table: %s", sql, d);
        if (strncmp(d, "SEARCH ", 7) == 0 || strstr(d, "USING") != NULL)
            searches++;
    }
    sqlite3_finalize(st);
    if (searches == 0)
        fail_msg("query plan of\n  %s\nuses no index", sql);
}

/* Fails unless the plan of sql names the index. */
static void assert_plan_names(struct db *db, const char *sql, const char *index)
{
    char eqp[4096];
    sqlite3_stmt *st;
    int found = 0;

    snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_prepare_v2(db->h, eqp, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        found |= strstr((const char *)sqlite3_column_text(st, 3), index) != NULL;
    sqlite3_finalize(st);
    if (!found)
        fail_msg("query plan of\n  %s\ndoes not use %s", sql, index);
}

static void test_query_plans(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct captured c = {0};
    struct stage_run *r;
    struct pipeline *p;
    struct db_table *t;
    struct db_schema_version *v;
    struct rowcount_sample *s;
    struct audit_entry *a;
    struct api_call *calls;
    size_t n;

    grid_world(f->db);
    write_refresh(f->db);
    sqlite3_trace_v2(f->db->h, SQLITE_TRACE_STMT, capture, &c);
    assert_int_equal(db_grid(f->db, "2024-05-15", DB_GRID_FAILURES_FIRST, &r, &n, &e), 0);
    db_stage_runs_free(r, n);
    assert_int_equal(db_list_runs(f->db, "2024-05-15", DB_RUNS_FAILED, 50, &r, &n, &e), 0);
    db_stage_runs_free(r, n);
    struct grid_count *gc;
    assert_int_equal(db_grid_failures(f->db, "2024-05-15", "2024-05-16", &gc, &n, &e), 0);
    db_grid_counts_free(gc, n);
    assert_int_equal(db_list_runs(f->db, "2024-05-15", 0, 50, &r, &n, &e), 0);
    db_stage_runs_free(r, n);
    assert_int_equal(db_day_runs(f->db, "beta", "2024-05-15", &r, &n, &e), 0);
    db_stage_runs_free(r, n);
    assert_int_equal(db_list_pipelines(f->db, &p, &n, &e), 0);
    db_pipelines_free(p, n);
    assert_int_equal(db_list_tables(f->db, &t, &n, &e), 0);
    db_tables_free(t, n);
    assert_int_equal(db_schema_versions(f->db, "p.mart.users", &v, &n, &e), 0);
    db_schema_versions_free(v, n);
    assert_int_equal(db_rowcount_history(f->db, "p.mart.users", 0, &s, &n, &e), 0);
    db_rowcount_samples_free(s, n);
    assert_int_equal(db_audit_list(f->db, 100, &a, &n, &e), 0);
    db_audit_free(a, n);
    assert_int_equal(db_call_list(f->db, 100, &calls, &n, &e), 0);
    db_calls_free(calls, n);
    sqlite3_trace_v2(f->db->h, 0, NULL, NULL);

    assert_true(c.n >= 10);
    for (size_t i = 0; i < c.n; i++) {
        assert_plan_uses_index(f->db, c.sql[i]);
        /* failed runs are read from the partial index alone (migration 8) */
        if (strstr(c.sql[i], "count(*)") != NULL && strstr(c.sql[i], "'FAILED'") != NULL)
            assert_plan_names(f->db, c.sql[i], "stage_runs_failed_day");
        free(c.sql[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_idempotent_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grid_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runs_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_call_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_and_refreshes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_plans, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
