/* tests/unit/test_fakecloud_gcp.c: self-check of the fake cloud's Google side. Starts the fake
 * cloud with tests/scenarios/demo.json (and a page-size-1 copy), obtains a token the real way
 * (core/gauth with the service-account key the fake wrote), calls every DTS and BigQuery
 * operation and validates each answer against the discovery documents in
 * ../shared/reference/google-discovery (PIPETOP_SHARED overrides ../shared), and each error
 * against Google's error shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/gauth.h"
#include "core/http.h"
#include "tests/unit/discovery_check.h"
#include "tests/unit/fakecloud_proc.h"
#include "tests/unit/gcp_testutil.h"

static struct gt gt;

static int setup_demo(void **state)
{
    (void)state;
    return gt_start(&gt, 0);
}

static int setup_paged(void **state)
{
    (void)state;
    return gt_start(&gt, 1);
}

static int teardown(void **state)
{
    (void)state;
    return gt_stop(&gt);
}

/* ---- DTS ------------------------------------------------------------------------------------ */

static void test_configs_list_get(void **state)
{
    json_t *all = gt_list_all(&gt, GT_DTS, "/transferConfigs", "", "transferConfigs",
                              "bigquerydatatransfer.projects.locations.transferConfigs.list");
    json_t *s3 =
        gt_list_all(&gt, GT_DTS, "/transferConfigs", "dataSourceIds=amazon_s3", "transferConfigs",
                    "bigquerydatatransfer.projects.locations.transferConfigs.list");
    json_t *both = gt_list_all(
        &gt, GT_DTS, "/transferConfigs", "dataSourceIds=amazon_s3&dataSourceIds=scheduled_query",
        "transferConfigs", "bigquerydatatransfer.projects.locations.transferConfigs.list");
    size_t i;
    json_t *c, *got;
    char path[512];

    (void)state;
    assert_true(json_array_size(all) >= 2);
    assert_true(json_array_size(s3) >= 1);
    assert_true(json_array_size(s3) < json_array_size(all));
    assert_int_equal(json_array_size(both), json_array_size(all));
    json_array_foreach(s3, i, c)
    {
        assert_string_equal(json_string_value(json_object_get(c, "dataSourceId")), "amazon_s3");
    }
    json_array_foreach(all, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        char prefix[128];
        /* names carry the project number, as the real API answers */
        snprintf(prefix, sizeof(prefix), "projects/%s/locations/%s/transferConfigs/",
                 gt.project_number, gt.location);
        assert_non_null(name);
        assert_memory_equal(name, prefix, strlen(prefix));
        assert_null(json_object_get(c, "ownerInfo")); /* only get fills it */
        /* get by id, with the project id in the path */
        snprintf(path, sizeof(path), "/transferConfigs/%s", gt_last_segment(name));
        got = gt_ok(&gt, GT_DTS, "GET", path, NULL,
                    "bigquerydatatransfer.projects.locations.transferConfigs.get");
        assert_string_equal(json_string_value(json_object_get(got, "name")), name);
        json_decref(got);
    }
    /* and by the project number */
    got = gt_call(&gt, "GET", gt_dts_url(&gt, gt.project_number, path), NULL, NULL, NULL);
    assert_int_equal(gt.status, 200);
    json_decref(got);
    json_decref(all);
    json_decref(s3);
    json_decref(both);
}

static void test_dts_errors(void **state)
{
    (void)state;
    json_decref(
        gt_dts_error(&gt, "GET", "/transferConfigs/no-such-config", NULL, 404, "NOT_FOUND"));
    json_decref(
        gt_dts_error(&gt, "GET", "/transferConfigs?pageSize=1001", NULL, 400, "INVALID_ARGUMENT"));
    json_decref(
        gt_dts_error(&gt, "GET", "/transferConfigs?pageSize=ten", NULL, 400, "INVALID_ARGUMENT"));
    json_decref(gt_dts_error(&gt, "GET", "/transferConfigs?pageToken=bm90LW91cnM%3D", NULL, 400,
                             "INVALID_ARGUMENT"));
    json_decref(
        gt_dts_error(&gt, "GET", "/transferConfigs/no-such-config/runs", NULL, 404, "NOT_FOUND"));
}

static void test_runs(void **state)
{
    const char *cfg = gt_config_id(&gt, "amazon_s3", 0);
    char path[512], q[1024];
    json_t *all, *latest, *failed, *one, *logs, *errs, *en, *v, *run;
    size_t i, n_days = 0;

    (void)state;
    snprintf(path, sizeof(path), "/transferConfigs/%s/runs", cfg);
    all = gt_list_all(&gt, GT_DTS, path, "", "transferRuns",
                      "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
    latest = gt_list_all(&gt, GT_DTS, path, "runAttempt=LATEST", "transferRuns",
                         "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
    failed = gt_list_all(&gt, GT_DTS, path, "states=FAILED&states=CANCELLED", "transferRuns",
                         "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
    assert_true(json_array_size(all) >= 3);
    assert_true(json_array_size(latest) <= json_array_size(all));
    /* LATEST: one run per runTime day */
    json_array_foreach(latest, i, run)
    {
        const char *day = json_string_value(json_object_get(run, "runTime"));
        for (size_t k = 0; k < i; k++)
            assert_memory_not_equal(
                day, json_string_value(json_object_get(json_array_get(latest, k), "runTime")), 10);
        n_days++;
    }
    assert_true(n_days >= 1);
    json_array_foreach(failed, i, run)
    {
        const char *st = json_string_value(json_object_get(run, "state"));
        assert_true(strcmp(st, "FAILED") == 0 || strcmp(st, "CANCELLED") == 0);
        if (strcmp(st, "FAILED") == 0)
            assert_non_null(json_object_get(run, "errorStatus"));
    }
    /* every enum value the discovery document lists is accepted */
    en = discovery_param_enum(gt.dts,
                              "bigquerydatatransfer.projects.locations.transferConfigs."
                              "runs.list",
                              "states");
    assert_true(json_array_size(en) >= 5);
    json_array_foreach(en, i, v)
    {
        snprintf(q, sizeof(q), "%s?states=%s", path, json_string_value(v));
        json_decref(gt_ok(&gt, GT_DTS, "GET", q, NULL,
                          "bigquerydatatransfer.projects.locations.transferConfigs.runs.list"));
    }
    snprintf(q, sizeof(q), "%s?states=FAILED&states=DONE", path);
    errs = gt_dts_error(&gt, "GET", q, NULL, 400, "INVALID_ARGUMENT");
    assert_non_null(strstr(gt_error_message(errs), "states[1]"));
    json_decref(errs);
    snprintf(q, sizeof(q), "%s?runAttempt=ALL", path);
    json_decref(gt_dts_error(&gt, "GET", q, NULL, 400, "INVALID_ARGUMENT"));

    /* runs.get and transferLogs.list of each run */
    json_array_foreach(all, i, run)
    {
        const char *name = json_string_value(json_object_get(run, "name"));
        snprintf(q, sizeof(q), "%s/%s", path, gt_last_segment(name));
        one = gt_ok(&gt, GT_DTS, "GET", q, NULL,
                    "bigquerydatatransfer.projects.locations.transferConfigs.runs.get");
        assert_string_equal(json_string_value(json_object_get(one, "name")), name);
        json_decref(one);
        snprintf(q, sizeof(q), "%s/%s/transferLogs", path, gt_last_segment(name));
        logs = gt_list_all(
            &gt, GT_DTS, q, "", "transferMessages",
            "bigquerydatatransfer.projects.locations.transferConfigs.runs.transferLogs.list");
        json_decref(logs);
        logs = gt_list_all(
            &gt, GT_DTS, q, "messageTypes=ERROR&messageTypes=WARNING", "transferMessages",
            "bigquerydatatransfer.projects.locations.transferConfigs.runs.transferLogs.list");
        json_array_foreach(logs, n_days, v)
        {
            assert_string_not_equal(json_string_value(json_object_get(v, "severity")), "INFO");
        }
        json_decref(logs);
    }
    snprintf(q, sizeof(q), "%s/%s/transferLogs?messageTypes=DEBUG", path,
             gt_last_segment(json_string_value(json_object_get(json_array_get(all, 0), "name"))));
    json_decref(gt_dts_error(&gt, "GET", q, NULL, 400, "INVALID_ARGUMENT"));
    snprintf(q, sizeof(q), "%s/no-such-run", path);
    json_decref(gt_dts_error(&gt, "GET", q, NULL, 404, "NOT_FOUND"));
    json_decref(all);
    json_decref(latest);
    json_decref(failed);
}

static void test_manual_runs_validation(void **state)
{
    const char *cfg = gt_config_id(&gt, "scheduled_query", 0);
    char path[512], body[512], a[40], b[40];
    int64_t now = gt_now_ms();
    const struct {
        const char *body;
    } bad[] = {
        {"{}"},
        {"{\"requestedRunTime\":\"2024-02-29T04:00:00Z\","
         "\"requestedTimeRange\":{\"startTime\":\"2024-02-27T00:00:00Z\","
         "\"endTime\":\"2024-03-01T00:00:00Z\"}}"},
        {"{\"requestedRunTime\":\"yesterday\"}"},
        {"{\"requestedRunTime\":\"2999-01-01T00:00:00Z\"}"},
        {"{\"requestedTimeRange\":{\"startTime\":\"2024-03-01T00:00:00Z\","
         "\"endTime\":\"2024-02-27T00:00:00Z\"}}"},
        {"{\"requestedTimeRange\":{\"startTime\":\"2023-01-01T00:00:00Z\","
         "\"endTime\":\"2024-01-01T00:00:00Z\"}}"},
        {"{\"requestedTimeRange\":{\"startTime\":\"2024-03-01T00:00:00Z\"}}"},
        {"{\"runTime\":\"2024-03-01T00:00:00Z\"}"},
        {"not json"},
        {"[]"},
        {"{\"requestedRunTime\":5}"},
        {"{\"requestedTimeRange\":5}"},
        {"{\"requestedTimeRange\":{\"startTime\":\"x\",\"endTime\":\"y\"}}"},
        {"{\"requestedTimeRange\":{\"startTime\":\"2024-03-01T00:00:00Z\","
         "\"endTime\":\"2024-03-02T00:00:00Z\",\"zone\":\"UTC\"}}"},
    };

    (void)state;
    snprintf(path, sizeof(path), "/transferConfigs/%s:startManualRuns", cfg);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        json_decref(gt_dts_error(&gt, "POST", path, bad[i].body, 400, "INVALID_ARGUMENT"));
    /* a range ending in the future */
    snprintf(body, sizeof(body),
             "{\"requestedTimeRange\":{\"startTime\":\"%s\",\"endTime\":\"%s\"}}",
             gt_rfc3339(now - 86400000LL * 2, a), gt_rfc3339(now + 86400000LL, b));
    json_decref(gt_dts_error(&gt, "POST", path, body, 400, "INVALID_ARGUMENT"));
    json_decref(gt_dts_error(&gt, "POST", "/transferConfigs/nope:startManualRuns",
                             "{\"requestedRunTime\":\"2024-02-29T04:00:00Z\"}", 404, "NOT_FOUND"));
}

static void test_manual_runs(void **state)
{
    const char *cfg = gt_config_id(&gt, "scheduled_query", 0);
    char path[512], body[512], a[40], b[40];
    int64_t now = gt_now_ms(), day = 86400000LL, start = now - now % day - 3 * day;
    json_t *out, *runs, *run, *cfgdoc;
    const char *sched;
    int64_t t0 = 0, t, rt;
    size_t i;

    (void)state;
    snprintf(path, sizeof(path), "/transferConfigs/%s", cfg);
    cfgdoc = gt_ok(&gt, GT_DTS, "GET", path, NULL,
                   "bigquerydatatransfer.projects.locations.transferConfigs.get");
    snprintf(path, sizeof(path), "/transferConfigs/%s:startManualRuns", cfg);
    /* three whole UTC days → three runs at the config's time of day, 15 s apart, PENDING */
    snprintf(body, sizeof(body),
             "{\"requestedTimeRange\":{\"startTime\":\"%s\",\"endTime\":\"%s\"}}",
             gt_rfc3339(start, a), gt_rfc3339(start + 3 * day, b));
    out = gt_ok(&gt, GT_DTS, "POST", path, body,
                "bigquerydatatransfer.projects.locations.transferConfigs.startManualRuns");
    runs = json_object_get(out, "runs");
    assert_int_equal(json_array_size(runs), 3);
    json_array_foreach(runs, i, run)
    {
        assert_string_equal(json_string_value(json_object_get(run, "state")), "PENDING");
        assert_null(json_object_get(run, "schedule"));
        t = gt_parse_time(json_string_value(json_object_get(run, "scheduleTime")));
        rt = gt_parse_time(json_string_value(json_object_get(run, "runTime")));
        assert_true(rt >= start + (int64_t)i * day && rt < start + (int64_t)(i + 1) * day);
        if (i == 0)
            t0 = t;
        assert_true(t - t0 == (int64_t)i * 15000);
    }
    /* the runs move in time to a final state (the world's rerun outcome) */
    run = gt_wait_final(&gt, json_string_value(json_object_get(json_array_get(runs, 0), "name")));
    sched = json_string_value(json_object_get(run, "state"));
    assert_true(strcmp(sched, "SUCCEEDED") == 0 || strcmp(sched, "FAILED") == 0);
    assert_non_null(json_object_get(run, "startTime"));
    assert_non_null(json_object_get(run, "endTime"));
    json_decref(run);
    json_decref(out);
    /* a single requestedRunTime: one run at exactly that instant */
    snprintf(body, sizeof(body), "{\"requestedRunTime\":\"%s\"}", gt_rfc3339(start + 5000, a));
    out = gt_ok(&gt, GT_DTS, "POST", path, body,
                "bigquerydatatransfer.projects.locations.transferConfigs.startManualRuns");
    runs = json_object_get(out, "runs");
    assert_int_equal(json_array_size(runs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(runs, 0), "runTime")), a);
    json_decref(out);
    json_decref(cfgdoc);
}

static void test_transfer_rerun_loads_files(void **state)
{
    const char *cfg = gt_config_id(&gt, "amazon_s3", 0);
    char path[512], body[256], a[40];
    json_t *out, *run, *logs, *m;
    int64_t now = gt_now_ms(), day = 86400000LL;
    int64_t rt;
    size_t i;
    int moved = 0;

    (void)state;
    /* yesterday's scheduled instant of the transfer: its export exists in the demo */
    snprintf(path, sizeof(path), "/transferConfigs/%s/runs?runAttempt=LATEST", cfg);
    out = gt_ok(&gt, GT_DTS, "GET", path, NULL,
                "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
    rt = gt_parse_time(json_string_value(
        json_object_get(json_array_get(json_object_get(out, "transferRuns"), 1), "runTime")));
    json_decref(out);
    assert_true(rt > now - 3 * day);
    snprintf(path, sizeof(path), "/transferConfigs/%s:startManualRuns", cfg);
    snprintf(body, sizeof(body), "{\"requestedRunTime\":\"%s\"}", gt_rfc3339(rt, a));
    out = gt_ok(&gt, GT_DTS, "POST", path, body,
                "bigquerydatatransfer.projects.locations.transferConfigs.startManualRuns");
    run = gt_wait_final(&gt, json_string_value(json_object_get(
                                 json_array_get(json_object_get(out, "runs"), 0), "name")));
    snprintf(path, sizeof(path), "/transferConfigs/%s/runs/%s/transferLogs", cfg,
             gt_last_segment(json_string_value(json_object_get(run, "name"))));
    logs = gt_list_all(
        &gt, GT_DTS, path, "", "transferMessages",
        "bigquerydatatransfer.projects.locations.transferConfigs.runs.transferLogs.list");
    json_array_foreach(logs, i, m)
    {
        const char *text = json_string_value(json_object_get(m, "messageText"));
        moved |= strstr(text, "Moving data from Amazon S3 to Google Cloud complete") != NULL;
    }
    if (strcmp(json_string_value(json_object_get(run, "state")), "SUCCEEDED") == 0)
        assert_true(moved);
    assert_true(json_array_size(logs) >= 1);
    json_decref(logs);
    json_decref(run);
    json_decref(out);
}

/* A failed scheduled-query day re-run: LATEST no longer lists the day as FAILED while the
 * all-attempts list keeps the failed attempt, and the query's table shows the new run. */
static void test_query_rerun(void **state)
{
    char path[512], body[256], cfg[128], table[256];
    json_t *failed, *after, *all, *run, *out, *item, *t0, *t1;
    const char *rt;
    size_t i;
    int still = 0, kept = 0;

    (void)state;
    gt_failed_query_run(&gt, cfg, sizeof(cfg), &failed);
    rt = json_string_value(json_object_get(failed, "runTime"));
    gt_query_table(&gt, cfg, table, sizeof(table));
    t0 = gt_ok(&gt, GT_BQ, "GET", table, NULL, "bigquery.tables.get");
    snprintf(path, sizeof(path), "/transferConfigs/%s:startManualRuns", cfg);
    snprintf(body, sizeof(body), "{\"requestedRunTime\":\"%s\"}", rt);
    out = gt_ok(&gt, GT_DTS, "POST", path, body,
                "bigquerydatatransfer.projects.locations.transferConfigs.startManualRuns");
    run = gt_wait_final(&gt, json_string_value(json_object_get(
                                 json_array_get(json_object_get(out, "runs"), 0), "name")));
    snprintf(path, sizeof(path), "/transferConfigs/%s/runs", cfg);
    after = gt_list_all(&gt, GT_DTS, path, "states=FAILED&runAttempt=LATEST", "transferRuns",
                        "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
    all = gt_list_all(&gt, GT_DTS, path, "states=FAILED", "transferRuns",
                      "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
    json_array_foreach(after, i, item)
    {
        still |= strcmp(json_string_value(json_object_get(item, "runTime")), rt) == 0;
    }
    json_array_foreach(all, i, item)
    {
        kept |= strcmp(json_string_value(json_object_get(item, "runTime")), rt) == 0;
    }
    assert_true(kept);
    t1 = gt_ok(&gt, GT_BQ, "GET", table, NULL, "bigquery.tables.get");
    if (strcmp(json_string_value(json_object_get(run, "state")), "SUCCEEDED") == 0) {
        assert_false(still);
        assert_true(gt_parse_ms(json_object_get(t1, "lastModifiedTime")) >
                    gt_parse_ms(json_object_get(t0, "lastModifiedTime")));
    } else {
        assert_true(still);
    }
    json_decref(out);
    json_decref(t0);
    json_decref(t1);
    json_decref(after);
    json_decref(all);
    json_decref(run);
    json_decref(failed);
}

/* Schema changes inside a RECORD: new nested NULLABLE fields are accepted; dropping a nested
 * field or tightening a mode is BigQuery's 400. */
static void test_patch_nested(void **state)
{
    char path[512], *body;
    json_t *t, *fields, *rec, *bad, *err, *patched;

    (void)state;
    gt_record_table(&gt, path, sizeof(path));
    t = gt_ok(&gt, GT_BQ, "GET", path, NULL, "bigquery.tables.get");
    fields = json_deep_copy(json_object_get(json_object_get(t, "schema"), "fields"));
    rec = gt_first_record(fields);
    assert_non_null(rec);

    bad = json_deep_copy(fields);
    json_array_remove(json_object_get(gt_first_record(bad), "fields"), 0);
    body = gt_schema_body(bad);
    err = gt_bq_error(&gt, "PATCH", path, body, 400, "invalid");
    assert_non_null(strstr(gt_error_message(err), "is missing in new schema"));
    assert_non_null(strstr(gt_error_message(err), "."));
    free(body);
    json_decref(err);
    json_decref(bad);

    bad = json_deep_copy(fields);
    json_object_set_new(gt_first_record(bad), "mode", json_string("REQUIRED"));
    body = gt_schema_body(bad);
    err = gt_bq_error(&gt, "PATCH", path, body, 400, "invalid");
    assert_non_null(strstr(gt_error_message(err), "has changed mode from NULLABLE to REQUIRED"));
    free(body);
    json_decref(err);
    json_decref(bad);

    json_array_append_new(json_object_get(rec, "fields"),
                          json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s}]}", "name", "pipetop_nested",
                                    "type", "RECORD", "mode", "NULLABLE", "fields", "name", "S",
                                    "type", "STRING", "mode", "NULLABLE"));
    body = gt_schema_body(fields);
    patched = gt_ok_hdr(&gt, GT_BQ, "PATCH", path, body, "bigquery.tables.patch", "*");
    assert_non_null(strstr(gt_dump(&gt, patched), "pipetop_nested"));
    free(body);
    json_decref(patched);
    json_decref(fields);
    json_decref(t);
}

/* A page token is only good for the list that made it. */
static void test_foreign_page_token(void **state)
{
    json_t *page;
    char q[512];
    const char *tok;
    struct buf enc = BUF_INIT(1024);

    (void)state;
    page = gt_ok(&gt, GT_DTS, "GET", "/transferConfigs?pageSize=1", NULL,
                 "bigquerydatatransfer.projects.locations.transferConfigs.list");
    tok = json_string_value(json_object_get(page, "nextPageToken"));
    assert_non_null(tok);
    http_urlencode(&enc, tok, strlen(tok), 0);
    snprintf(q, sizeof(q), "/datasets?pageToken=%s", buf_cstr(&enc));
    json_decref(gt_bq_error(&gt, "GET", q, NULL, 400, "invalid"));
    snprintf(q, sizeof(q), "/transferConfigs/%s/runs?pageToken=%s",
             gt_config_id(&gt, "amazon_s3", 0), buf_cstr(&enc));
    json_decref(gt_dts_error(&gt, "GET", q, NULL, 400, "INVALID_ARGUMENT"));
    json_decref(gt_ok(&gt, GT_DTS, "GET", "/transferConfigs?pageSize=1000", NULL,
                      "bigquerydatatransfer.projects.locations.transferConfigs.list"));
    buf_release(&enc);
    json_decref(page);
}

/* ---- BigQuery ------------------------------------------------------------------------------- */

static void test_datasets_tables(void **state)
{
    json_t *ds = gt_list_all(&gt, GT_BQ, "/datasets", "", "datasets", "bigquery.datasets.list");
    json_t *d, *tables, *t, *got;
    size_t i, k, n_tables = 0;
    char path[512];
    int ja = 0, tags = 0, record = 0;

    (void)state;
    assert_true(json_array_size(ds) >= 2);
    json_array_foreach(ds, i, d)
    {
        const char *id =
            json_string_value(json_object_get(json_object_get(d, "datasetReference"), "datasetId"));
        char want[256];
        snprintf(want, sizeof(want), "%s:%s", gt.project, id);
        assert_string_equal(json_string_value(json_object_get(d, "id")), want);
        assert_non_null(json_object_get(d, "location"));
        snprintf(path, sizeof(path), "/datasets/%s/tables", id);
        tables = gt_list_all(&gt, GT_BQ, path, "", "tables", "bigquery.tables.list");
        json_array_foreach(tables, k, t)
        {
            const char *tid =
                json_string_value(json_object_get(json_object_get(t, "tableReference"), "tableId"));
            assert_null(json_object_get(t, "numRows"));
            assert_null(json_object_get(t, "schema"));
            assert_non_null(json_object_get(t, "creationTime"));
            snprintf(path, sizeof(path), "/datasets/%s/tables/%s", id, tid);
            got = gt_ok(&gt, GT_BQ, "GET", path, NULL, "bigquery.tables.get");
            assert_true(json_is_string(json_object_get(got, "numRows")));
            assert_true(json_is_string(json_object_get(got, "lastModifiedTime")));
            assert_non_null(json_object_get(got, "etag"));
            ja |= gt_has_non_ascii_description(json_object_get(got, "schema")) ||
                  gt_is_non_ascii(json_string_value(json_object_get(got, "description")));
            tags |= strstr(gt_dump(&gt, got), "\"policyTags\"") != NULL;
            record |= strstr(gt_dump(&gt, got), "\"RECORD\"") != NULL;
            json_decref(got);
            n_tables++;
        }
        json_decref(tables);
    }
    assert_true(n_tables >= 2);
    assert_true(ja);   /* Japanese descriptions */
    assert_true(tags); /* policy tags on personal columns */
    (void)record;
    json_decref(ds);
}

static void test_tables_get_options(void **state)
{
    char path[512], q[600];
    json_t *full, *basic, *sel, *first;
    const char *fname;

    (void)state;
    gt_some_table(&gt, path, sizeof(path));
    full = gt_ok(&gt, GT_BQ, "GET", path, NULL, "bigquery.tables.get");
    snprintf(q, sizeof(q), "%s?view=BASIC", path);
    basic = gt_ok(&gt, GT_BQ, "GET", q, NULL, "bigquery.tables.get");
    assert_null(json_object_get(basic, "numRows"));
    assert_null(json_object_get(basic, "numBytes"));
    assert_non_null(json_object_get(basic, "schema"));
    first = json_array_get(json_object_get(json_object_get(full, "schema"), "fields"), 0);
    fname = json_string_value(json_object_get(first, "name"));
    snprintf(q, sizeof(q), "%s?selectedFields=%s", path, fname);
    sel = gt_ok(&gt, GT_BQ, "GET", q, NULL, "bigquery.tables.get");
    assert_int_equal(json_array_size(json_object_get(json_object_get(sel, "schema"), "fields")), 1);
    snprintf(q, sizeof(q), "%s?view=EVERYTHING", path);
    json_decref(gt_bq_error(&gt, "GET", q, NULL, 400, "invalid"));
    json_decref(gt_bq_error(&gt, "GET", "/datasets/nope/tables/nope", NULL, 404, "notFound"));
    snprintf(q, sizeof(q), "%.*s/no_such_table", (int)(strrchr(path, '/') - path), path);
    json_decref(gt_bq_error(&gt, "GET", q, NULL, 404, "notFound"));
    json_decref(gt_bq_error(&gt, "GET", "/datasets?maxResults=lots", NULL, 400, "invalid"));
    json_decref(
        gt_bq_error(&gt, "GET", "/datasets?pageToken=bm90LW91cnM%3D", NULL, 400, "invalid"));
    json_decref(full);
    json_decref(basic);
    json_decref(sel);
}

static void test_tables_patch(void **state)
{
    char path[512], *body;
    json_t *t, *fields, *patched, *bad, *err;
    const char *etag;

    (void)state;
    gt_some_table(&gt, path, sizeof(path));
    t = gt_ok(&gt, GT_BQ, "GET", path, NULL, "bigquery.tables.get");
    fields = json_deep_copy(json_object_get(json_object_get(t, "schema"), "fields"));
    etag = json_string_value(json_object_get(t, "etag"));

    /* dropping a column */
    bad = json_deep_copy(fields);
    json_array_remove(bad, 0);
    body = gt_schema_body(bad);
    err = gt_bq_error(&gt, "PATCH", path, body, 400, "invalid");
    assert_non_null(strstr(gt_error_message(err), "is missing in new schema"));
    assert_non_null(strstr(gt_error_message(err), "Provided Schema does not match Table"));
    free(body);
    json_decref(err);
    json_decref(bad);
    /* changing a type */
    bad = json_deep_copy(fields);
    json_object_set_new(
        json_array_get(bad, 0), "type",
        json_string(
            strcmp(json_string_value(json_object_get(json_array_get(bad, 0), "type")), "BYTES") == 0
                ? "BOOLEAN"
                : "BYTES"));
    body = gt_schema_body(bad);
    err = gt_bq_error(&gt, "PATCH", path, body, 400, "invalid");
    assert_non_null(strstr(gt_error_message(err), "has changed type from"));
    free(body);
    json_decref(err);
    json_decref(bad);
    /* a new REQUIRED column */
    bad = json_deep_copy(fields);
    json_array_append_new(bad, json_pack("{s:s,s:s,s:s}", "name", "pipetop_req", "type", "STRING",
                                         "mode", "REQUIRED"));
    body = gt_schema_body(bad);
    json_decref(gt_bq_error(&gt, "PATCH", path, body, 400, "invalid"));
    free(body);
    json_decref(bad);

    /* malformed bodies: BigQuery's 400, never a crash */
    {
        const char *garbage[] = {
            "{\"schema\":\"x\"}",
            "{\"schema\":{\"fields\":5}}",
            "{\"schema\":{\"fields\":[1,2]}}",
            "{\"schema\":{\"fields\":[{\"type\":\"STRING\"}]}}",
            "[]",
            "{\"schema\":",
        };
        for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
            json_decref(gt_bq_error(&gt, "PATCH", path, garbage[i], 400, "invalid"));
        bad = json_deep_copy(fields);
        json_array_append_new(bad, json_pack("{s:s,s:s}", "name", "empty_rec", "type", "RECORD"));
        body = gt_schema_body(bad);
        err = gt_bq_error(&gt, "PATCH", path, body, 400, "invalid");
        assert_non_null(strstr(gt_error_message(err), "has no schema"));
        free(body);
        json_decref(err);
        json_decref(bad);
    }

    /* adding a NULLABLE column: accepted, new etag, later lastModifiedTime */
    json_array_append_new(fields,
                          json_pack("{s:s,s:s,s:s,s:s}", "name", "pipetop_added", "type", "STRING",
                                    "mode", "NULLABLE", "description", "追加された列"));
    body = gt_schema_body(fields);
    patched = gt_ok_hdr(&gt, GT_BQ, "PATCH", path, body, "bigquery.tables.patch", etag);
    assert_string_not_equal(json_string_value(json_object_get(patched, "etag")), etag);
    assert_true(gt_parse_ms(json_object_get(patched, "lastModifiedTime")) >=
                gt_parse_ms(json_object_get(t, "lastModifiedTime")));
    assert_int_equal(json_array_size(json_object_get(json_object_get(patched, "schema"), "fields")),
                     json_array_size(fields));
    /* the old etag no longer matches */
    json_decref(gt_bq_error_hdr(&gt, "PATCH", path, body, 412, "conditionNotMet", etag));
    free(body);
    json_decref(patched);
    json_decref(fields);
    json_decref(t);
}

static void test_jobs_refused(void **state)
{
    char *calls;

    (void)state;
    json_decref(gt_bq_error(&gt, "POST", "/jobs",
                            "{\"configuration\":{\"query\":{\"query\":\"SELECT 1\"}}}", 403,
                            "accessDenied"));
    json_decref(
        gt_bq_error(&gt, "POST", "/queries", "{\"query\":\"SELECT 1\"}", 403, "accessDenied"));
    json_decref(gt_bq_error(&gt, "GET", "/queries/job_1", NULL, 403, "accessDenied"));
    calls = fakecloud_read_file(&gt.proc, "calls.jsonl");
    assert_non_null(calls);
    assert_non_null(strstr(calls, "REFUSED-query-job"));
    free(calls);
}

static void test_bearer_rejected(void **state)
{
    const char *paths[] = {"/transferConfigs", "/transferConfigs/x/runs"};
    json_t *err;

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        err = gt_call(&gt, "GET", gt_dts_url(&gt, gt.project, paths[i]), NULL, "not-a-token", NULL);
        assert_int_equal(gt.status, 401);
        assert_string_equal(gt_error_status(err), "UNAUTHENTICATED");
        json_decref(err);
    }
    err = gt_call(&gt, "GET", gt_bq_url(&gt, "/datasets"), NULL, "", NULL);
    assert_int_equal(gt.status, 401);
    json_decref(err);
    err = gt_call(&gt, "POST", gt_bq_url(&gt, "/jobs"), "{}", "not-a-token", NULL);
    assert_int_equal(gt.status, 401);
    json_decref(err);
    /* an expired token (the demo's tokens live token_ttl_s = 2 s in the paging world) */
    if (gt.paged) {
        char *old = gt_fresh_token(&gt);
        sleep(3);
        err = gt_call(&gt, "GET", gt_bq_url(&gt, "/datasets"), NULL, old, NULL);
        assert_int_equal(gt.status, 401);
        json_decref(err);
        free(old);
    }
}

/* With page size 1 every list answers one item per page and the pages add up. */
static void test_paging(void **state)
{
    (void)state;
    assert_true(gt.paged);
    gt_assert_pages(&gt, GT_DTS, "/transferConfigs", "transferConfigs",
                    "bigquerydatatransfer.projects.locations.transferConfigs.list");
    gt_assert_pages(&gt, GT_BQ, "/datasets", "datasets", "bigquery.datasets.list");
    {
        char path[512];
        gt_some_table(&gt, path, sizeof(path));
        *strrchr(path, '/') = '\0';
        gt_assert_pages(&gt, GT_BQ, path, "tables", "bigquery.tables.list");
        snprintf(path, sizeof(path), "/transferConfigs/%s/runs", gt_config_id(&gt, "amazon_s3", 0));
        gt_assert_pages(&gt, GT_DTS, path, "transferRuns",
                        "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
    }
}

int main(void)
{
    const struct CMUnitTest demo[] = {
        cmocka_unit_test(test_configs_list_get),
        cmocka_unit_test(test_dts_errors),
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_manual_runs_validation),
        cmocka_unit_test(test_query_rerun), /* before test_manual_runs re-runs the failed day */
        cmocka_unit_test(test_manual_runs),
        cmocka_unit_test(test_transfer_rerun_loads_files),
        cmocka_unit_test(test_foreign_page_token),
        cmocka_unit_test(test_datasets_tables),
        cmocka_unit_test(test_tables_get_options),
        cmocka_unit_test(test_tables_patch),
        cmocka_unit_test(test_patch_nested),
        cmocka_unit_test(test_jobs_refused),
        cmocka_unit_test(test_bearer_rejected),
    };
    const struct CMUnitTest paged[] = {
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_datasets_tables),
        cmocka_unit_test(test_bearer_rejected),
    };
    int rc;

    if (gt_init() != 0)
        return 1;
    rc = cmocka_run_group_tests_name("demo", demo, setup_demo, teardown);
    rc |= cmocka_run_group_tests_name("page size 1", paged, setup_paged, teardown);
    gt_fini();
    return rc;
}
