/* tests/unit/test_refresh.c: one refresh end to end (tui/refresh.h) against the scripted cloud
 * of tests/unit/collect_world.h and a real history database: everything stored in one
 * transaction with its refresh row; a second refresh makes fewer calls, reads the finished
 * exports from history and leaves the same rows (one schema version, the same row-count
 * sample); a source that is down gives a partial refresh that still stores the rest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/aws_config.h"
#include "core/timeutil.h"
#include "state/grid.h"
#include "state/known.h"
#include "state/logs.h"
#include "state/runs.h"
#include "state/tables.h"
#include "tests/unit/collect_world.h"
#include "tui/refresh.h"

struct fixture {
    struct world w;
    char dir[64];
    struct config *cfg;
    struct db *db;
    struct aws_config *aws;
    struct aws_creds_provider *creds;
    struct gauth *gauth;
    struct http_client *http;
    struct clock clock;
    int64_t now;
    struct refresh_env env;
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_google(struct fixture *f)
{
    struct gauth_cred cred;
    struct gauth_options go = {0};
    struct err e = ERR_INIT;
    char path[128], text[512];

    snprintf(path, sizeof(path), "%s/adc.json", f->dir);
    snprintf(text, sizeof(text),
             "{\"type\":\"authorized_user\",\"client_id\":\"c\",\"client_secret\":\"s\","
             "\"refresh_token\":\"r\",\"token_uri\":\"%s/token\"}",
             f->w.url);
    write_file(path, text);
    assert_int_equal(gauth_cred_load_file(&cred, path, &e), 0);
    assert_int_equal(gauth_new(&f->gauth, &cred, &go, &e), 0);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct config_overrides ov = {NULL, NULL, false};
    struct aws_config_options ao = {NULL, NULL, NULL};
    struct http_options o = {0};
    struct err e = ERR_INIT;
    char path[128];

    world_start(&f->w);
    snprintf(f->dir, sizeof(f->dir), "/tmp/pipetop-test-refresh-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(path, sizeof(path), "%s/config.ini", f->dir);
    write_file(path, "[general]\ndays = 14\ntimezone = UTC\n"
                     "[aws]\ndynamodb_tables = Orders\naurora_clusters = appdb\n"
                     "export_rule = nightly-export\n[gcp]\nlocation = us\ndatasets = raw\n");
    ov.config_path = path;
    assert_int_equal(config_load(&f->cfg, &ov, &e), 0);
    assert_int_equal(time_zone_use("UTC", &e), 0);
    snprintf(path, sizeof(path), "%s/history.db", f->dir);
    assert_int_equal(db_open(&f->db, path, 0, &e), 0);

    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_PROFILE");
    snprintf(path, sizeof(path), "%s/none", f->dir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    o.max_attempts = 2;
    o.backoff_base_ms = 1;
    o.backoff_cap_ms = 2;
    assert_int_equal(http_client_new(&f->http, &o, &e), 0);
    assert_int_equal(aws_config_load(&f->aws, &ao, &e), 0);
    assert_int_equal(aws_creds_provider_new(&f->creds, f->aws, 0, f->http, NULL, &e), 0);
    make_google(f);

    f->now = NOW_MS + 6 * 3600 * 1000; /* 2024-03-01 06:00 UTC: the day's chain has run */
    clock_fixed(&f->clock, &f->now);
    f->env.clock = &f->clock;
    f->env.cfg = f->cfg;
    f->env.db = f->db;
    f->env.http = f->http;
    f->env.aws_creds = f->creds;
    f->env.aws_region = "us-east-1";
    f->env.ddb_endpoint = f->env.rds_endpoint = f->env.events_endpoint = f->w.url;
    f->env.gauth = f->gauth;
    f->env.gcp_project = "p";
    f->env.gcp_location = "us";
    f->env.dts_endpoint = f->env.bq_endpoint = f->w.url;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    const char *files[] = {"config.ini", "adc.json", "history.db", "history.db-wal",
                           "history.db-shm"};
    char path[128];

    world_stop(&f->w);
    gauth_free(f->gauth);
    aws_creds_provider_free(f->creds);
    aws_config_free(f->aws);
    http_client_free(f->http);
    db_close(f->db);
    config_free(f->cfg);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", f->dir, files[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static int count_known(void *ctx, const char *id, const char *body)
{
    (void)id;
    (void)body;
    ++*(int *)ctx;
    return 0;
}

/* The stored rows that a refresh writes, as one text (seen_ms left out: it is "last seen"). */
static void dump(struct db *db, char *out, size_t n)
{
    struct transfer_config *c = NULL;
    struct db_table *t = NULL;
    struct db_schema_version *v = NULL;
    struct rowcount_sample *smp = NULL;
    struct stage_run *runs = NULL;
    size_t nc = 0, nt = 0, nv = 0, ns = 0, nr = 0, used;
    struct err e = ERR_INIT;
    int known = 0;

    assert_int_equal(db_list_transfer_configs(db, &c, &nc, &e), 0);
    assert_int_equal(db_list_tables(db, &t, &nt, &e), 0);
    assert_int_equal(nt, 1);
    assert_int_equal(db_schema_versions(db, "p.raw.orders", &v, &nv, &e), 0);
    assert_int_equal(db_rowcount_history(db, "p.raw.orders", 0, &smp, &ns, &e), 0);
    assert_int_equal(db_known_each(db, "dynamodb.DescribeExport", count_known, &known, &e), 0);
    assert_int_equal(db_list_runs(db, NULL, 0, 0, &runs, &nr, &e), 0);
    snprintf(out, n,
             "configs %zu %s %s | table %s rows %lld | versions %zu %s | samples %zu %lld "
             "%lld | known %d",
             nc, nc > 0 ? c[0].name : "", nc > 1 ? c[1].schedule : "", t[0].meta.table_id,
             (long long)t[0].meta.num_rows, nv, nv > 0 ? v[0].hash : "", ns,
             ns > 0 ? (long long)smp[0].at_ms : 0LL, ns > 0 ? (long long)smp[0].rows : 0LL, known);
    used = strlen(out);
    snprintf(out + used, n - used, " | runs %zu", nr);
    for (size_t i = 0; i < nr; i++) {
        used = strlen(out);
        snprintf(out + used, n - used, " %s%s%c%d%s", runs[i].pipeline, runs[i].day,
                 stage_letter(runs[i].stage), runs[i].attempt, run_state_name(runs[i].state));
    }
    db_stage_runs_free(runs, nr);
    db_transfer_configs_free(c, nc);
    db_tables_free(t, nt);
    db_schema_versions_free(v, nv);
    db_rowcount_samples_free(smp, ns);
}

static void test_refresh_twice(void **state)
{
    struct fixture *f = *state;
    struct refresh_report r1, r2;
    struct db_refresh *rows = NULL;
    size_t nrows = 0;
    struct err e = ERR_INIT;
    char d1[8192], d2[8192];

    assert_int_equal(refresh_run(&f->env, &r1, &e), 0);
    assert_int_equal(r1.status, REFRESH_OK);
    assert_int_equal(r1.n_gaps, 0);
    assert_int_equal(r1.configs, 2);
    assert_int_equal(r1.tables, 1);
    assert_int_equal(r1.new_schemas, 1);
    assert_int_equal(r1.samples, 1);
    assert_int_equal(r1.exports, 3);
    assert_int_equal(r1.pipelines, 1);
    assert_true(r1.stage_runs > 0);
    assert_int_equal(r1.n_unlinked, 2); /* the other cluster's task, the query reading no table */
    dump(f->db, d1, sizeof(d1));
    assert_non_null(strstr(d1, "versions 1"));
    assert_non_null(strstr(d1, "samples 1 1709200000000 42"));
    assert_non_null(strstr(d1, "known 2"));

    assert_int_equal(refresh_run(&f->env, &r2, &e), 0);
    assert_int_equal(r2.status, REFRESH_OK);
    assert_true(r2.calls < r1.calls);
    assert_int_equal(r2.reused, 2);
    assert_int_equal(r2.new_schemas, 0);
    assert_int_equal(r2.stage_runs, r1.stage_runs);
    dump(f->db, d2, sizeof(d2));
    assert_string_equal(d1, d2);

    assert_int_equal(db_list_refreshes(f->db, 10, &rows, &nrows, &e), 0);
    assert_int_equal(nrows, 2);
    assert_int_equal(rows[0].status, DB_REFRESH_OK);
    assert_true(rows[0].ended_ms >= rows[0].started_ms && rows[0].ended_ms > 0);
    assert_non_null(strstr(rows[0].summary, "reused 2"));
    db_refreshes_free(rows, nrows);
    refresh_report_release(&r1);
    refresh_report_release(&r2);
}

static void test_partial_refresh_stores_the_rest(void **state)
{
    struct fixture *f = *state;
    struct refresh_report r;
    struct db_refresh *rows = NULL;
    size_t nrows = 0;
    struct err e = ERR_INIT;
    char d[8192];
    char *json = NULL;

    f->w.fail_runs_b = 1;
    assert_int_equal(refresh_run(&f->env, &r, &e), 0);
    assert_int_equal(r.status, REFRESH_PARTIAL);
    assert_int_equal(r.n_gaps, 1);
    assert_non_null(strstr(r.gaps[0].what, "dts runs.list " CFG_B));
    dump(f->db, d, sizeof(d));
    assert_non_null(strstr(d, "configs 2"));
    assert_non_null(strstr(d, "samples 1"));
    assert_int_equal(db_list_refreshes(f->db, 1, &rows, &nrows, &e), 0);
    assert_int_equal(rows[0].status, DB_REFRESH_PARTIAL);
    db_refreshes_free(rows, nrows);
    assert_int_equal(refresh_report_json(&r, &json, &e), 0);
    assert_non_null(strstr(json, "\"status\": \"partial\""));
    assert_non_null(strstr(json, "\"http_status\": 503"));
    assert_null(strstr(json, "wJalrXUtnFEMI"));
    free(json);
    refresh_report_release(&r);
}

static void test_no_credentials_anywhere(void **state)
{
    struct fixture *f = *state;
    struct refresh_report r;
    struct err e = ERR_INIT, aws = ERR_INIT, google = ERR_INIT;

    err_set(&aws, ERR_AUTH, "no AWS credentials");
    err_set(&google, ERR_AUTH, "no Google credentials");
    f->env.aws_creds = NULL;
    f->env.aws_err = &aws;
    f->env.gauth = NULL;
    f->env.google_err = &google;
    assert_int_equal(refresh_run(&f->env, &r, &e), 0);
    assert_int_equal(r.status, REFRESH_FAILED);
    assert_int_equal(world_calls(&f->w), 0);
    assert_true(r.n_gaps >= 4);
    refresh_report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_refresh_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_refresh_stores_the_rest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_credentials_anywhere, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
