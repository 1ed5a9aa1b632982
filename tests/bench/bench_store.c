/* History writes: rows per second through state/ (db_put_stage_run in one transaction) against
 * a bare SQLite insert loop of the same rows into the same table definition, in the same run.
 * Prints "state_rows_per_s bare_rows_per_s rows same_schema_rows_per_s" on one line: the last is
 * the bare loop into pipetop's own schema (its indexes, CHECKs and foreign key, created by
 * db_open), which tells the state/ layer's cost apart from the schema's. Benchmark code; never
 * in pipetop.
 * Usage: bench_store DIR [PIPELINES DAYS] (default 500 x 90: 135,000 stage runs, days up to
 * today). DIR/state.db is left behind: a 500 x 90 history for the status benchmark. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/model.h"
#include "core/timeutil.h"
#include "state/db.h"
#include "state/runs.h"

#define DAY_MS 86400000LL

static const char bare_schema[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    "CREATE TABLE stage_runs (pipeline TEXT NOT NULL, day TEXT NOT NULL, stage TEXT NOT NULL,"
    " attempt INTEGER NOT NULL, state TEXT NOT NULL, raw_state TEXT, service_id TEXT,"
    " started_ms INTEGER NOT NULL DEFAULT 0, ended_ms INTEGER NOT NULL DEFAULT 0,"
    " updated_ms INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT,"
    " PRIMARY KEY (pipeline, day, stage, attempt)) WITHOUT ROWID;";
static const char bare_insert[] =
    "INSERT INTO stage_runs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

static int64_t T0_MS; /* today 00:00 UTC: the newest day of the data set */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, msg);
    exit(1);
}

/* Row i of the data set, the same for both writers. */
static void row(struct stage_run *r, char *name, size_t n, int i, int days)
{
    int p = i / (days * STAGE_COUNT), d = (i / STAGE_COUNT) % days, s = i % STAGE_COUNT;

    snprintf(name, n, "pipeline-%03d", p);
    memset(r, 0, sizeof(*r));
    r->pipeline = name;
    time_format_utc(T0_MS - (int64_t)d * DAY_MS, r->day, sizeof(r->day));
    r->day[10] = '\0';
    r->stage = (enum stage)s;
    r->attempt = 1;
    r->state = i % 50 == 7 ? RS_FAILED : RS_SUCCEEDED;
    r->raw_state = (char *)(r->state == RS_FAILED ? "FAILED" : "SUCCEEDED");
    r->service_id = (char *)"projects/p/locations/us/transferConfigs/c/runs/r";
    r->started_ms = T0_MS - (int64_t)d * DAY_MS + 3600000;
    r->ended_ms = r->started_ms + 600000;
    r->updated_ms = r->ended_ms;
    if (r->state == RS_FAILED) {
        r->error_code = (char *)"INTERNAL";
        r->error_message = (char *)"the transfer failed";
    }
}

static double bench_state(const char *path, int pipelines, int days)
{
    struct db *db = NULL;
    struct err e = ERR_INIT;
    char name[32];
    double t;

    if (db_open(&db, path, 0, &e) != 0)
        die("db_open", e.msg);
    if (db_begin(db, &e) != 0)
        die("db_begin", e.msg);
    for (int p = 0; p < pipelines; p++) {
        struct pipeline pl = {0};
        snprintf(name, sizeof(name), "pipeline-%03d", p);
        pl.name = name;
        pl.source_kind = SOURCE_DYNAMODB;
        pl.source = name;
        if (db_put_pipeline(db, &pl, T0_MS, &e) != 0)
            die("db_put_pipeline", e.msg);
    }
    if (db_commit(db, &e) != 0)
        die("db_commit", e.msg);
    t = now_s();
    if (db_begin(db, &e) != 0)
        die("db_begin", e.msg);
    for (int i = 0; i < pipelines * days * STAGE_COUNT; i++) {
        struct stage_run r;
        row(&r, name, sizeof(name), i, days);
        if (db_put_stage_run(db, &r, &e) != 0)
            die("db_put_stage_run", e.msg);
    }
    if (db_commit(db, &e) != 0)
        die("db_commit", e.msg);
    t = now_s() - t;
    db_close(db);
    return t;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* same_schema: the file already has pipetop's schema (db_open made it); add the pipelines
 * (untimed) and use the pragmas pipetop uses (foreign keys, synchronous, cache_spill). */
static double bench_bare(const char *path, int pipelines, int days, int same_schema)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char name[32];
    double t;

    if (sqlite3_open(path, &h) != SQLITE_OK ||
        sqlite3_exec(
            h,
            same_schema
                ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_spill=16000;"
                : bare_schema,
            0, 0, 0) != SQLITE_OK ||
        sqlite3_prepare_v2(h, bare_insert, -1, &st, NULL) != SQLITE_OK)
        die("bare sqlite", sqlite3_errmsg(h));
    if (same_schema) {
        sqlite3_exec(h, "BEGIN", 0, 0, 0);
        for (int p = 0; p < pipelines; p++) {
            char sql[128];
            snprintf(
                sql, sizeof(sql),
                "INSERT INTO pipelines (name, source_kind) VALUES ('pipeline-%03d', 'dynamodb')",
                p);
            if (sqlite3_exec(h, sql, 0, 0, 0) != SQLITE_OK)
                die("bare pipelines", sqlite3_errmsg(h));
        }
        sqlite3_exec(h, "COMMIT", 0, 0, 0);
    }
    t = now_s();
    sqlite3_exec(h, "BEGIN", 0, 0, 0);
    for (int i = 0; i < pipelines * days * STAGE_COUNT; i++) {
        struct stage_run r;
        row(&r, name, sizeof(name), i, days);
        sqlite3_bind_text(st, 1, r.pipeline, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, r.day, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, stage_name(r.stage), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, r.attempt);
        sqlite3_bind_text(st, 5, run_state_name(r.state), -1, SQLITE_STATIC);
        bind_opt(st, 6, r.raw_state);
        bind_opt(st, 7, r.service_id);
        sqlite3_bind_int64(st, 8, r.started_ms);
        sqlite3_bind_int64(st, 9, r.ended_ms);
        sqlite3_bind_int64(st, 10, r.updated_ms);
        bind_opt(st, 11, r.error_code);
        bind_opt(st, 12, r.error_message);
        if (sqlite3_step(st) != SQLITE_DONE)
            die("bare insert", sqlite3_errmsg(h));
        sqlite3_reset(st);
    }
    if (sqlite3_exec(h, "COMMIT", 0, 0, 0) != SQLITE_OK)
        die("bare commit", sqlite3_errmsg(h));
    t = now_s() - t;
    sqlite3_finalize(st);
    sqlite3_close(h);
    return t;
}

int main(int argc, char **argv)
{
    char a[512], b[512], c[512];
    struct db *db = NULL;
    struct err e = ERR_INIT;
    int pipelines = argc > 3 ? (int)strtol(argv[2], NULL, 10) : 500;
    int days = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 90;
    long rows;
    double ts, tb, tc;

    if (argc < 2 || pipelines <= 0 || days <= 0 || days > 3000) {
        fprintf(stderr, "usage: bench_store DIR [PIPELINES DAYS]\n");
        return 2;
    }
    T0_MS = (int64_t)time(NULL) * 1000 / DAY_MS * DAY_MS;
    rows = (long)pipelines * days * STAGE_COUNT;
    snprintf(a, sizeof(a), "%s/state.db", argv[1]);
    snprintf(b, sizeof(b), "%s/bare.db", argv[1]);
    snprintf(c, sizeof(c), "%s/same-schema.db", argv[1]);
    if (db_open(&db, c, 0, &e) != 0)
        die("db_open", e.msg);
    db_close(db);
    ts = bench_state(a, pipelines, days);
    tb = bench_bare(b, pipelines, days, 0);
    tc = bench_bare(c, pipelines, days, 1);
    printf("%.0f %.0f %ld %.0f\n", (double)rows / ts, (double)rows / tb, rows, (double)rows / tc);
    return 0;
}
