/* tests/tools/mkdb.c: writes a fixture history database through the real state/ API (never SQL
 * by hand) for the read-command tests: three pipelines over the last ten days (relative to now,
 * in the zone of PIPETOP_TIMEZONE or UTC) with failures, retries, a running and a missing run;
 * tables with nested, Japanese-described and policy-tagged schemas, two schema versions, daily
 * row counts; a refresh, audit rows and API calls.
 * Usage: mkdb DB [--clean | --empty]: --clean writes no failures, --empty only the schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/schema.h"
#include "core/timeutil.h"
#include "state/db.h"
#include "state/logs.h"
#include "state/runs.h"
#include "state/tables.h"

#define MIN_MS 60000LL
#define DAY_MS 86400000LL
#define P "projects/demo/locations/us/transferConfigs/"

static int64_t now;
static char today[TIME_DAY_LEN];

static void die(const struct err *e, const char *what)
{
    fprintf(stderr, "mkdb: %s: %s\n", what, e->msg);
    exit(1);
}

static void pipe_put(struct db *db, const char *name, enum source_kind k, const char *src,
                     const char *tc, const char *qc, const char *raw, const char *table)
{
    struct pipeline p = {(char *)name, k, (char *)src, NULL, (char *)"demo-exports",
                         (char *)src, (char *)tc, (char *)qc, (char *)raw, (char *)table, false};
    struct err e = ERR_INIT;

    if (db_put_pipeline(db, &p, now, &e) != 0)
        die(&e, name);
}

static void run_put(struct db *db, const char *pipe, int day_off, enum stage s, int attempt,
                    enum run_state st, const char *raw, const char *code, const char *msg)
{
    struct stage_run r = {0};
    struct err e = ERR_INIT;
    char id[96];

    if (time_day_add(today, day_off, r.day, &e) != 0)
        die(&e, "day");
    snprintf(id, sizeof(id), "%s-%s-%c-%d", pipe, r.day, stage_letter(s), attempt);
    r.pipeline = (char *)pipe;
    r.stage = s;
    r.attempt = attempt;
    r.state = st;
    r.raw_state = (char *)raw;
    r.service_id = id;
    r.started_ms = now + (int64_t)day_off * DAY_MS - 6 * 60 * MIN_MS + s * 40 * MIN_MS +
                   attempt * 5 * MIN_MS;
    r.ended_ms = run_state_is_active(st) || st == RS_MISSING ? 0 : r.started_ms + 754000;
    if (st == RS_MISSING)
        r.started_ms = 0;
    r.updated_ms = now;
    r.error_code = (char *)code;
    r.error_message = (char *)msg;
    if (db_put_stage_run(db, &r, &e) != 0)
        die(&e, "run");
}

static void runs(struct db *db, bool clean)
{
    static const char *const pipes[] = {"orders", "users", "\u6ce8\u6587\u5c65\u6b74"};
    for (int d = -9; d <= 0; d++)
        for (size_t p = 0; p < 3; p++)
            for (int s = 0; s < STAGE_COUNT; s++) {
                if (p == 0 && s == STAGE_QUERY)
                    continue; /* orders has no scheduled query */
                bool running = p == 0 && d == 0 && s == STAGE_TRANSFER && !clean;
                run_put(db, pipes[p], d, (enum stage)s, 1, running ? RS_RUNNING : RS_SUCCEEDED,
                        running ? "RUNNING" : s == STAGE_EXPORT ? "COMPLETED" : "SUCCEEDED", NULL,
                        NULL);
            }
    if (clean)
        return;
    run_put(db, "users", -2, STAGE_EXPORT, 1, RS_FAILED, "FAILED", "ExportFailed",
            "Export failed: the table's point-in-time recovery window does not include the "
            "requested export time 2024-05-15T15:00:00Z; check PITR on table users");
    run_put(db, "users", -2, STAGE_TRANSFER, 1, RS_UPSTREAM_FAILED, "SUCCEEDED", NULL,
            "No new files found");
    run_put(db, "users", -2, STAGE_QUERY, 1, RS_UPSTREAM_FAILED, "SUCCEEDED", NULL, NULL);
    run_put(db, "users", -1, STAGE_EXPORT, 1, RS_FAILED, "FAILED", "ThrottlingException",
            "Rate exceeded");
    run_put(db, "users", -1, STAGE_EXPORT, 2, RS_SUCCEEDED, "COMPLETED", NULL, NULL);
    run_put(db, "\u6ce8\u6587\u5c65\u6b74", -3, STAGE_QUERY, 1, RS_MISSING, NULL, NULL,
            "no run of the scheduled query for this day");
}

static const char schema_v1[] =
    "[{\"name\":\"user_id\",\"type\":\"STRING\",\"mode\":\"REQUIRED\","
    "\"description\":\"\u30e6\u30fc\u30b6\u30fcID\"},"
    "{\"name\":\"email\",\"type\":\"STRING\",\"description\":\"\u30e1\u30fc\u30eb\u30a2\u30c9"
    "\u30ec\u30b9\uff08\u500b\u4eba\u60c5\u5831\uff09\",\"policyTags\":{\"names\":"
    "[\"projects/demo/locations/us/taxonomies/1/policyTags/pii_email\"]}},"
    "{\"name\":\"profile\",\"type\":\"RECORD\",\"fields\":["
    "{\"name\":\"nickname\",\"type\":\"STRING\",\"description\":\"Cafe\u0301 nickname\"},"
    "{\"name\":\"address\",\"type\":\"RECORD\",\"mode\":\"REPEATED\",\"fields\":["
    "{\"name\":\"prefecture\",\"type\":\"STRING\",\"description\":\"\u90fd\u9053\u5e9c\u770c"
    "\"}]}]}]";
static const char schema_v2_tail[] =
    ",{\"name\":\"created_at\",\"type\":\"TIMESTAMP\",\"description\":\"\u767b\u9332\u65e5\u6642"
    "\"}]";

static void table_put(struct db *db, const char *ds, const char *id, const char *desc,
                      int64_t rows, const char *schema)
{
    struct table_meta t = {(char *)"demo", (char *)ds, (char *)id, (char *)"TABLE", (char *)desc,
                           rows, rows * 120, now - 400 * DAY_MS, now - 3 * 60 * MIN_MS, NULL, 0};
    char *canon = NULL, hash[SCHEMA_HASH_HEX];
    struct err e = ERR_INIT;

    if (schema_canonicalize(schema, &canon, hash, &e) != 0 ||
        db_put_table(db, &t, canon, hash, now, NULL, &e) != 0)
        die(&e, id);
    free(canon);
    for (int d = -9; d <= 0; d++) {
        char full[128];
        snprintf(full, sizeof(full), "demo.%s.%s", ds, id);
        int64_t n = rows - (int64_t)(-d) * 1000 + (d == -4 ? 800 : 0);
        struct rowcount_sample s = {full, now + d * DAY_MS - 60 * MIN_MS, n, n * 120};
        if (db_add_rowcount_sample(db, &s, &e) != 0)
            die(&e, "sample");
    }
}

/* demo.mart.events: 20 steady days, then a spike today: flagged (|z| >= 3, >= 14 days). */
static void spike_table(struct db *db)
{
    struct table_meta t = {(char *)"demo", (char *)"mart",  (char *)"events", (char *)"TABLE",
                           NULL,           5000,            600000,           now - 400 * DAY_MS,
                           now - MIN_MS,   NULL,            0};
    char *canon = NULL, hash[SCHEMA_HASH_HEX];
    struct err e = ERR_INIT;

    if (schema_canonicalize("[{\"name\":\"id\",\"type\":\"STRING\"}]", &canon, hash, &e) != 0 ||
        db_put_table(db, &t, canon, hash, now, NULL, &e) != 0)
        die(&e, "events");
    free(canon);
    for (int d = -20; d <= 0; d++) {
        int64_t n = d == 0 ? 5000 : 1000 + (-d % 3) * 10;
        struct rowcount_sample s = {(char *)"demo.mart.events", now + d * DAY_MS - 30 * MIN_MS, n,
                                    n * 120};
        if (db_add_rowcount_sample(db, &s, &e) != 0)
            die(&e, "sample");
    }
}

static void tables(struct db *db)
{
    char v2[sizeof(schema_v1) + sizeof(schema_v2_tail)];

    table_put(db, "mart", "users", "\u30e6\u30fc\u30b6\u30fc\u4e00\u89a7", 120000, schema_v1);
    snprintf(v2, sizeof(v2), "%.*s%s", (int)strlen(schema_v1) - 1, schema_v1, schema_v2_tail);
    table_put(db, "mart", "users", "\u30e6\u30fc\u30b6\u30fc\u4e00\u89a7", 120000, v2);
    table_put(db, "raw", "users", NULL, 119000,
              "[{\"name\":\"Item\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"user_id\","
              "\"type\":\"RECORD\",\"fields\":[{\"name\":\"S\",\"type\":\"STRING\"}]}]}]");
    table_put(db, "raw", "orders", "orders from Aurora", 5400000,
              "[{\"name\":\"order_id\",\"type\":\"INT64\",\"mode\":\"REQUIRED\"}]");
    spike_table(db);
}

static void logs(struct db *db)
{
    struct err e = ERR_INIT;
    int64_t id;
    struct audit_entry in = {0, now - 30 * MIN_MS, 0, (char *)"intent", (char *)"rerun",
                             (char *)"users", (char *)today, (char *)"export", (char *)"demo",
                             NULL, (char *)"ExportTableToPointInTime users", (char *)"operator"};
    struct audit_entry outc = in;
    struct api_call c1 = {now - 10 * MIN_MS, (char *)"dynamodb", (char *)"ListExports",
                          (char *)"POST", (char *)"https://dynamodb.ap-northeast-1.amazonaws.com/",
                          200, 84, 120, 2048, 2, NULL,
                          (char *)"aws dynamodb list-exports --table-arn arn:aws:dynamodb:"
                                  "ap-northeast-1:123456789012:table/users",
                          (char *)"retries: 2 (HTTP 503 SlowDown, waited 1.000s (Retry-After); "
                                  "HTTP 500, waited 0.412s (backoff))"};
    struct api_call c2 = {now - 9 * MIN_MS, (char *)"dts", (char *)"runs.list", (char *)"GET",
                          (char *)"https://bigquerydatatransfer.googleapis.com/v1/" P "t/runs",
                          403, 51, 0, 310, 0, (char *)"PERMISSION_DENIED: caller lacks permission",
                          (char *)"bq ls --transfer_run " P "t", NULL};
    int64_t rid;

    outc.at_ms += MIN_MS;
    outc.phase = (char *)"outcome";
    outc.result = (char *)"ok";
    outc.detail = (char *)"export started: arn:aws:dynamodb:ap-northeast-1:1:table/users/export/01";
    if (db_audit_add(db, &in, &id, &e) != 0 || db_audit_add(db, &outc, &id, &e) != 0 ||
        db_call_add(db, &c1, &e) != 0 || db_call_add(db, &c2, &e) != 0 ||
        db_refresh_start(db, now - 6 * MIN_MS, &rid, &e) != 0 ||
        db_refresh_finish(db, rid, now - 5 * MIN_MS, DB_REFRESH_OK, "3 pipelines", &e) != 0)
        die(&e, "logs");
}

int main(int argc, char **argv)
{
    struct db *db = NULL;
    struct err e = ERR_INIT;
    const char *tz = getenv("PIPETOP_TIMEZONE");
    bool clean = argc > 2 && strcmp(argv[2], "--clean") == 0;
    bool empty = argc > 2 && strcmp(argv[2], "--empty") == 0;

    if (argc < 2 || argc > 3 || (argc > 2 && !clean && !empty)) {
        fprintf(stderr, "usage: mkdb DB [--clean | --empty]\n");
        return 2;
    }
    if (time_zone_use(tz != NULL ? tz : "UTC", &e) != 0)
        die(&e, "time zone");
    now = clock_now_ms(NULL);
    time_day_of(now, today);
    if (db_open(&db, argv[1], 0, &e) != 0 || db_begin(db, &e) != 0)
        die(&e, argv[1]);
    if (empty)
        goto done;
    pipe_put(db, "users", SOURCE_DYNAMODB, "users", P "t-users", P "q-users", "demo.raw.users",
             "demo.mart.users");
    pipe_put(db, "orders", SOURCE_AURORA, "shop", P "t-orders", NULL, "demo.raw.orders", NULL);
    pipe_put(db, "\u6ce8\u6587\u5c65\u6b74", SOURCE_DYNAMODB, "order_history", P "t-oh",
             P "q-oh", "demo.raw.order_history", "demo.mart.order_history");
    runs(db, clean);
    tables(db);
    logs(db);
done:
    if (db_commit(db, &e) != 0)
        die(&e, "commit");
    db_close(db);
    return 0;
}
