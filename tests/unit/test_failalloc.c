/* Allocation failures: for k = 0, 1, 2, ... the k-th allocation (pipetop's own, jansson's,
 * libcurl's or SQLite's; tests/failalloc/failalloc.c) fails once while a parser, the store or
 * the HTTP engine runs, until the operation completes without reaching k. Each run must not
 * crash, must not leak (LeakSanitizer under `make asan`), and
 * must either report an error with a message or give the same result as the run without
 * failures. Linked with -Wl,--wrap=malloc,... by its own Makefile rule. */
#include "tests/failalloc/failalloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/bq.h"
#include "core/config.h"
#include "core/dts.h"
#include "core/http.h"
#include "core/infer.h"
#include "core/model.h"
#include "core/rds.h"
#include "core/schema.h"
#include "state/db.h"
#include "state/grid.h"
#include "state/runs.h"
#include "tests/unit/clients_testutil.h"
#include "tests/unit/fakecloud_proc.h"

#define FA_MAX_K 200000L

/* One operation under test: 0 and a summary of its result (a count), or -1 and e set. */
typedef int (*fa_op)(void *ctx, long *summary, struct err *e);

struct fa_input {
    char *body;
    size_t len;
};

static void fa_run(const char *what, fa_op op, void *ctx)
{
    long want = 0, got = 0, k, failed = 0, absorbed = 0;
    struct err e = ERR_INIT;

    failalloc_arm(-1);
    assert_int_equal(op(ctx, &want, &e), 0);
    for (k = 0; k < FA_MAX_K; k++) {
        int rc;
        bool fired;

        e = (struct err)ERR_INIT;
        got = -1;
        failalloc_arm(k);
        rc = op(ctx, &got, &e);
        fired = failalloc_fired();
        failalloc_arm(-1);
        if (!fired) {
            assert_int_equal(rc, 0);
            assert_int_equal(got, want);
            break;
        }
        if (rc == 0) {
            absorbed++;
            if (got != want)
                /* a failure the callee absorbed must not change the answer */
                fail_msg("%s: allocation %ld failed, call succeeded with %ld instead of %ld", what,
                         k, got, want);
        } else {
            failed++;
            assert_int_equal(rc, -1);
            if (e.code == ERR_OK || e.msg[0] == '\0')
                fail_msg("%s: allocation %ld failed without an error for the caller (code %d)",
                         what, k, (int)e.code);
        }
    }
    assert_true(k < FA_MAX_K);
    print_message("%s: %ld allocations; %ld failures reported, %ld absorbed\n", what, k, failed,
                  absorbed);
}

static int op_dts_runs(void *ctx, long *summary, struct err *e)
{
    struct fa_input *in = ctx;
    struct dts_runs l;

    memset(&l, 0, sizeof(l));
    if (dts_parse_runs(&l, in->body, in->len, e) != 0)
        return -1;
    *summary = (long)l.n;
    dts_runs_release(&l);
    return 0;
}

static int op_rds_tasks(void *ctx, long *summary, struct err *e)
{
    struct fa_input *in = ctx;
    struct rds_export_tasks l;

    memset(&l, 0, sizeof(l));
    if (rds_parse_export_tasks(&l, in->body, in->len, e) != 0)
        return -1;
    *summary = (long)l.n;
    rds_export_tasks_release(&l);
    return 0;
}

static int op_bq_table(void *ctx, long *summary, struct err *e)
{
    struct fa_input *in = ctx;
    struct table_meta t;
    char *etag = NULL;

    memset(&t, 0, sizeof(t));
    if (bq_parse_table(&t, &etag, in->body, in->len, e) != 0)
        return -1;
    *summary = (long)t.n_fields * 1000 + (etag ? (long)strlen(etag) : 0);
    free(etag);
    table_meta_release(&t);
    return 0;
}

static int op_schema(void *ctx, long *summary, struct err *e)
{
    struct fa_input *in = ctx;
    struct schema_field *f = NULL;
    size_t n = 0;

    if (schema_from_json(in->body, &f, &n, e) != 0)
        return -1;
    *summary = (long)n;
    schema_fields_free(f, n);
    return 0;
}

static int op_config(void *ctx, long *summary, struct err *e)
{
    struct config_overrides ov = {0};
    struct config *c = NULL;

    ov.config_path = ctx;
    ov.db_path = "/tmp/pipetop-failalloc-unused.db";
    if (config_load(&c, &ov, e) != 0)
        return -1;
    *summary = (long)c->n_pipelines;
    config_free(c);
    return 0;
}

/* Schema inference over an export file: items read (gzip or plain), the RAW schema as bq JSON,
 * the FLAT schema and its SQL. */
static int op_infer(void *ctx, long *summary, struct err *e)
{
    struct infer in;
    struct infer_flat flat = {0};
    struct infer_opts o = {0};
    struct schema_field *raw = NULL;
    size_t n_raw = 0;
    char *json = NULL, *sql = NULL;
    int rc = -1;

    infer_init(&in);
    o.detect_timestamps = true;
    if (infer_add_file(&in, ctx, e) == 0 && infer_raw_schema(&in, &raw, &n_raw, e) == 0 &&
        infer_out_bq_json(raw, n_raw, &json, e) == 0 && infer_flat_schema(&in, &o, &flat, e) == 0 &&
        infer_out_sql(&flat, "mart.t", "raw.t", &sql, e) == 0) {
        *summary = (long)in.items * 1000000 + (long)strlen(json) + (long)strlen(sql);
        rc = 0;
    }
    free(json);
    free(sql);
    schema_fields_free(raw, n_raw);
    infer_flat_release(&flat);
    infer_release(&in);
    return rc;
}

static void fa_read(struct fa_input *in, const char *path)
{
    in->body = ct_read(path, &in->len);
    assert_non_null(in->body);
}

static void test_parsers(void **state)
{
    struct fa_input in;

    (void)state;
    fa_read(&in,
            "../shared/reference/samples/bigquerydatatransfer/transfer-runs-list.synthetic.json");
    fa_run("dts_parse_runs", op_dts_runs, &in);
    free(in.body);
    fa_read(&in, "tests/data/link/billing-tasks.xml");
    fa_run("rds_parse_export_tasks", op_rds_tasks, &in);
    free(in.body);
    fa_read(&in, "tests/data/bq/tables-get-nested-ja.json");
    fa_run("bq_parse_table", op_bq_table, &in);
    free(in.body);
    fa_read(&in, "tests/data/schema/users-ja.json");
    fa_run("schema_from_json", op_schema, &in);
    free(in.body);
    fa_run("config_load", op_config, (void *)"tests/data/config/full.ini");
    fa_run("schema inference (plain)", op_infer, (void *)"tests/data/infer/all_types.json");
    fa_run("schema inference (gzip)", op_infer, (void *)"tests/data/infer/sample.json.gz");
}

/* The store: open (create + migrate) a database and write one refresh's worth of history in a
 * transaction through state/. Each attempt starts from a fresh file. */
struct fa_store {
    char dir[64];
    char path[96];
};

static void store_clean(const struct fa_store *s)
{
    char p[128];

    unlink(s->path);
    snprintf(p, sizeof(p), "%s-wal", s->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", s->path);
    unlink(p);
}

static int store_write(struct db *db, struct err *e)
{
    struct pipeline p = {0};
    static const char *const days[] = {"2024-05-14", "2024-05-15", "2024-05-16"};

    p.name = (char *)"orders";
    p.source_kind = SOURCE_DYNAMODB;
    p.source = (char *)"orders-table";
    p.raw_table = (char *)"proj.raw.orders";
    p.table = (char *)"proj.mart.orders";
    if (db_begin(db, e) != 0)
        return -1;
    if (db_put_pipeline(db, &p, 1715889600000, e) != 0)
        goto fail;
    for (size_t d = 0; d < 3; d++) {
        for (int st = 0; st < STAGE_COUNT; st++) {
            struct stage_run r = {0};
            r.pipeline = p.name;
            snprintf(r.day, sizeof(r.day), "%s", days[d]);
            r.stage = (enum stage)st;
            r.attempt = 1;
            r.state = d == 2 && st == STAGE_QUERY ? RS_FAILED : RS_SUCCEEDED;
            r.raw_state = (char *)(r.state == RS_FAILED ? "FAILED" : "SUCCEEDED");
            r.service_id = (char *)"run-1";
            r.started_ms = 1715889600000 + (int64_t)d * 86400000;
            r.ended_ms = r.started_ms + 60000;
            r.updated_ms = r.ended_ms;
            if (db_put_stage_run(db, &r, e) != 0)
                goto fail;
        }
    }
    return db_commit(db, e);
fail:
    db_rollback(db);
    return -1;
}

static int op_store(void *ctx, long *summary, struct err *e)
{
    struct fa_store *s = ctx;
    struct db *db = NULL;
    struct stage_run *runs = NULL;
    size_t n = 0;
    int rc = -1;

    store_clean(s);
    if (db_open(&db, s->path, 0, e) != 0)
        return -1;
    if (store_write(db, e) != 0)
        goto out;
    if (db_list_runs(db, NULL, 0, 0, &runs, &n, e) != 0)
        goto out;
    *summary = (long)n;
    db_stage_runs_free(runs, n);
    rc = 0;
out:
    db_close(db);
    return rc;
}

static void test_store(void **state)
{
    struct fa_store s;

    (void)state;
    /* Thousands of databases are created: on tmpfs when there is one, to spare the disk. */
    snprintf(s.dir, sizeof(s.dir), "%s/pipetop-failalloc-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    assert_non_null(mkdtemp(s.dir));
    snprintf(s.path, sizeof(s.path), "%s/history.db", s.dir);
    fa_run("db_open + refresh transaction", op_store, &s);
    store_clean(&s);
    rmdir(s.dir);
}

/* The HTTP engine (core/http.c over libcurl) against the fake cloud: a client made, one GET and
 * one POST with a body run to their answers, the client freed. One attempt per call, so a
 * failure is reported rather than retried after a back-off. */
struct fa_http {
    struct fakecloud_proc fc;
};

static int http_call(struct http_client *c, const char *method, const char *url, const char *body,
                     long *summary, struct err *e)
{
    struct http_request req;
    struct http_response resp;
    int rc;

    if (http_request_init(&req, "fake", "echo", method, url, e) != 0)
        return -1;
    req.max_attempts = 1;
    if ((body != NULL && http_request_set_body(&req, body, strlen(body), e) != 0) ||
        http_headers_set(&req.headers, "Content-Type", "application/json", e) != 0) {
        http_request_release(&req);
        return -1;
    }
    rc = http_do(c, &req, &resp, e);
    if (rc == 0)
        *summary = *summary * 1000 + resp.status;
    http_response_release(&resp);
    return rc;
}

static int op_http(void *ctx, long *summary, struct err *e)
{
    struct fa_http *h = ctx;
    struct http_options o = {0};
    struct http_client *c = NULL;
    char url[128];
    int rc = -1;

    o.max_attempts = 1;
    o.timeout_ms = 10000;
    o.seed = 7;
    if (http_client_new(&c, &o, e) != 0)
        return -1;
    *summary = 0;
    snprintf(url, sizeof(url), "%s/_fake/echo?x=1", h->fc.url);
    if (http_call(c, "GET", url, NULL, summary, e) == 0 &&
        http_call(c, "POST", url, "{\"TableName\":\"orders\"}", summary, e) == 0)
        rc = 0;
    http_client_free(c);
    return rc;
}

static void test_http(void **state)
{
    struct fa_http h;

    (void)state;
    assert_int_equal(fakecloud_start(&h.fc, NULL), 0);
    fa_run("http_do GET + POST (libcurl)", op_http, &h);
    assert_int_equal(fakecloud_stop(&h.fc), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parsers),
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_http),
    };

    if (failalloc_install() != 0)
        return 1;
    print_message("jansson's loader: %s (see tests/failalloc/failalloc.h)\n",
                  failalloc_jansson_mode());
    return cmocka_run_group_tests(tests, NULL, NULL);
}
