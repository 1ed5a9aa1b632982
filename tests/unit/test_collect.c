/* tests/unit/test_collect.c: the collector (core/collect.h) through the real HTTP engine,
 * SigV4 signer and Google token provider against a small scripted world served by
 * libmicrohttpd on a random loopback port, in the services' wire formats: every list followed
 * to its last page, dependent calls chained, the config's filters, gaps that name the source and
 * the error (with the attempts it took), AWS missing while Google is read, and the incremental
 * rule: a second collection with the first one's finished descriptions asks DescribeExport only
 * for the export still in progress and gives the same snapshot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/collect.h"
#include "core/timeutil.h"
#include "tests/unit/collect_world.h"

/* Everything one test needs: the world, a config, credentials, a client. */
struct fixture {
    struct world w;
    char dir[64];
    struct config *cfg;
    struct aws_creds creds;
    struct gauth *gauth;
    struct http_client *http;
    struct collect_input in;
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct config_overrides ov = {NULL, NULL, false};
    struct http_options o = {0};
    struct gauth_cred cred;
    struct gauth_options go = {0};
    struct err e = ERR_INIT;
    char path[128], text[1024];

    world_start(&f->w);

    snprintf(f->dir, sizeof(f->dir), "/tmp/pipetop-test-collect-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(path, sizeof(path), "%s/config.ini", f->dir);
    write_file(path, "[general]\ndays = 14\ntimezone = UTC\n"
                     "[aws]\ndynamodb_tables = Orders, Missing\naurora_clusters = appdb\n"
                     "export_rule = nightly-export\n"
                     "[gcp]\nlocation = us\ndatasets = raw\n");
    ov.config_path = path;
    if (config_load(&f->cfg, &ov, &e) != 0)
        fprintf(stderr, "config: %s\n", e.msg);
    assert_non_null(f->cfg);
    assert_int_equal(time_zone_use("UTC", &e), 0);
    assert_int_equal(aws_creds_set(&f->creds, "AKIDEXAMPLE", "secret", NULL, 0, "test", &e), 0);

    snprintf(path, sizeof(path), "%s/adc.json", f->dir);
    snprintf(text, sizeof(text),
             "{\"type\":\"authorized_user\",\"client_id\":\"c\",\"client_secret\":\"s\","
             "\"refresh_token\":\"r\",\"token_uri\":\"%s/token\"}",
             f->w.url);
    write_file(path, text);
    assert_int_equal(gauth_cred_load_file(&cred, path, &e), 0);
    assert_int_equal(gauth_new(&f->gauth, &cred, &go, &e), 0);

    o.max_attempts = 2;
    o.backoff_base_ms = 1;
    o.backoff_cap_ms = 2;
    assert_int_equal(http_client_new(&f->http, &o, &e), 0);

    f->in.cfg = f->cfg;
    f->in.http = f->http;
    f->in.now_ms = NOW_MS;
    f->in.aws_creds = &f->creds;
    f->in.aws_region = "us-east-1";
    f->in.ddb_endpoint = f->in.rds_endpoint = f->in.events_endpoint = f->w.url;
    f->in.gauth = f->gauth;
    f->in.gcp_project = "p";
    f->in.gcp_location = "us";
    f->in.dts_endpoint = f->in.bq_endpoint = f->w.url;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char path[128];

    world_stop(&f->w);
    http_client_free(f->http);
    gauth_free(f->gauth);
    aws_creds_release(&f->creds);
    config_free(f->cfg);
    snprintf(path, sizeof(path), "%s/config.ini", f->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/adc.json", f->dir);
    unlink(path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static const struct snap_gap *gap(const struct snapshot *s, const char *what)
{
    for (size_t i = 0; i < s->n_gaps; i++)
        if (strstr(s->gaps[i].what, what) != NULL)
            return &s->gaps[i];
    return NULL;
}

/* Everything present, in order, with the filters applied. */
static void check_world(const struct snapshot *s)
{
    assert_int_equal(s->n_ddb, 1);
    assert_string_equal(s->ddb[0].table.name, "Orders");
    assert_string_equal(s->ddb[0].table.arn, ARN_T);
    assert_true(s->ddb[0].have_pitr && s->ddb[0].exports_complete);
    assert_int_equal(s->ddb[0].n_exports, 3);
    assert_string_equal(s->ddb[0].exports[0].arn, X1);
    assert_string_equal(s->ddb[0].exports[0].status, "COMPLETED");
    assert_string_equal(s->ddb[0].exports[1].status, "FAILED");
    assert_string_equal(s->ddb[0].exports[2].status, "IN_PROGRESS");
    assert_string_equal(s->ddb[0].exports[0].s3_prefix, "dynamodb/Orders");
    /* aurora_clusters = appdb keeps the task of appdb's automated snapshot only */
    assert_int_equal(s->n_rds_tasks, 1);
    assert_string_equal(s->rds_tasks[0].id, "app-1");
    assert_true(s->export_rule.present);
    assert_string_equal(s->export_rule.rule.schedule, "cron(0 18 * * ? *)");
    assert_int_equal(s->n_dts, 2);
    assert_string_equal(s->dts[0].config.cfg.name, CFG_A);
    assert_int_equal(s->dts[0].n_runs, 1); /* the December run is outside the window */
    assert_true(s->dts[0].runs_complete);
    assert_int_equal(s->n_tables, 1);
    assert_int_equal(s->tables[0].num_rows, 42);
    assert_int_equal(s->tables[0].n_fields, 1);
    /* the configured table that does not exist is named */
    assert_non_null(gap(s, "dynamodb table Missing"));
    assert_int_equal(gap(s, "dynamodb table Missing")->err.code, ERR_CONFIG);
}

static void test_collects_everything_then_incrementally(void **state)
{
    struct fixture *f = *state;
    struct collect_result r1, r2;
    struct err e = ERR_INIT;

    assert_int_equal(collect_run(&r1, &f->in, &e), 0);
    check_world(&r1.snap);
    assert_int_equal(r1.snap.n_gaps, 1);
    assert_int_equal(f->w.count[OP_LIST_TABLES], 2);
    assert_int_equal(f->w.count[OP_LIST_EXPORTS], 2);
    assert_int_equal(f->w.count[OP_DESCRIBE_EXPORT], 3);
    assert_int_equal(f->w.count[OP_DTS_RUNS], 3);
    assert_int_equal(r1.reused, 0);
    /* every request made: 2 ListTables, DescribeTable, backups, 2 ListExports, 3 describes,
     * tasks, snapshots, rule, configs, 3 runs pages, tables.list, tables.get */
    assert_int_equal(r1.calls, 18);
    /* the finished exports are kept for next time; the running one is not */
    assert_int_equal(r1.fresh.n, 2);
    assert_string_equal(r1.fresh.v[0].kind, COLLECT_KIND_DDB_EXPORT);

    memset(f->w.count, 0, sizeof(f->w.count));
    f->in.known = &r1.fresh;
    assert_int_equal(collect_run(&r2, &f->in, &e), 0);
    check_world(&r2.snap);
    assert_int_equal(f->w.count[OP_DESCRIBE_EXPORT], 1); /* only the one in progress */
    assert_int_equal(r2.reused, 2);
    assert_int_equal(r2.calls, 16);
    assert_int_equal(r2.fresh.n, 0);
    for (size_t j = 0; j < 3; j++) {
        assert_string_equal(r1.snap.ddb[0].exports[j].arn, r2.snap.ddb[0].exports[j].arn);
        assert_true(r1.snap.ddb[0].exports[j].start_ms == r2.snap.ddb[0].exports[j].start_ms);
        assert_true(r1.snap.ddb[0].exports[j].export_time_ms ==
                    r2.snap.ddb[0].exports[j].export_time_ms);
    }
    collect_result_release(&r1);
    collect_result_release(&r2);
}

static void test_one_source_down_is_a_gap(void **state)
{
    struct fixture *f = *state;
    struct collect_result r;
    struct err e = ERR_INIT;
    const struct snap_gap *g;

    f->w.fail_runs_b = 1;
    assert_int_equal(collect_run(&r, &f->in, &e), 0);
    g = gap(&r.snap, "dts runs.list " CFG_B);
    assert_non_null(g);
    assert_int_equal(g->err.http_status, 503);
    assert_non_null(strstr(g->err.msg, "UNAVAILABLE"));
    assert_non_null(strstr(g->err.msg, "after 2 attempts"));
    assert_false(r.snap.dts[1].runs_complete);
    /* the rest is all there */
    assert_int_equal(r.snap.n_gaps, 2);
    assert_int_equal(r.snap.dts[0].n_runs, 1);
    assert_int_equal(r.snap.ddb[0].n_exports, 3);
    assert_int_equal(r.snap.n_tables, 1);
    collect_result_release(&r);
}

static void test_without_aws_google_is_still_read(void **state)
{
    struct fixture *f = *state;
    struct collect_result r;
    struct err e = ERR_INIT, why = ERR_INIT;
    const struct snap_gap *g;

    err_set(&why, ERR_AUTH, "no AWS credentials found (tried: environment)");
    f->in.aws_creds = NULL;
    f->in.aws_err = &why;
    assert_int_equal(collect_run(&r, &f->in, &e), 0);
    assert_int_equal(f->w.count[OP_LIST_TABLES] + f->w.count[OP_RDS_TASKS] + f->w.count[OP_RULE],
                     0);
    g = gap(&r.snap, "dynamodb ListTables");
    assert_non_null(g);
    assert_int_equal(g->err.code, ERR_AUTH);
    assert_non_null(gap(&r.snap, "rds DescribeExportTasks"));
    assert_non_null(gap(&r.snap, "events DescribeRule nightly-export"));
    assert_int_equal(r.snap.n_ddb, 0);
    assert_int_equal(r.snap.n_dts, 2);
    assert_int_equal(r.snap.n_tables, 1);
    collect_result_release(&r);
}

static void test_window_start(void **state)
{
    struct err e = ERR_INIT;
    char t[TIME_RFC3339_LEN];

    (void)state;
    assert_int_equal(time_zone_use("UTC", &e), 0);
    time_format_utc(collect_window_start(NOW_MS + 3600000, 14), t, sizeof(t));
    assert_non_null(strstr(t, "2024-02-16T00:00:00"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_collects_everything_then_incrementally, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_one_source_down_is_a_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_aws_google_is_still_read, setup, teardown),
        cmocka_unit_test(test_window_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
