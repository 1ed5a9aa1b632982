/* tests/unit/test_fakecloud_bq.c: self-check of the fake cloud's BigQuery v2 side — datasets.list,
 * tables.list/get/patch and the refusal of every query/job call — against tests/scenarios/
 * demo.json (and a page-size-1 copy), with a token from core/gauth; each answer is validated
 * against ../shared/reference/google-discovery/bigquery.v2.json and each error against
 * BigQuery's errors[] shape. */
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

/* With page size 1 datasets.list and tables.list answer one item per page. */
static void test_paging(void **state)
{
    char path[512];

    (void)state;
    assert_true(gt.paged);
    gt_assert_pages(&gt, GT_BQ, "/datasets", "datasets", "bigquery.datasets.list");
    gt_some_table(&gt, path, sizeof(path));
    *strrchr(path, '/') = '\0';
    gt_assert_pages(&gt, GT_BQ, path, "tables", "bigquery.tables.list");
}

int main(void)
{
    const struct CMUnitTest demo[] = {
        cmocka_unit_test(test_datasets_tables), cmocka_unit_test(test_tables_get_options),
        cmocka_unit_test(test_tables_patch),    cmocka_unit_test(test_patch_nested),
        cmocka_unit_test(test_jobs_refused),
    };
    const struct CMUnitTest paged[] = {
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_datasets_tables),
    };
    int rc;

    if (gt_init() != 0)
        return 1;
    rc = cmocka_run_group_tests_name("demo", demo, setup_demo, teardown);
    rc |= cmocka_run_group_tests_name("page size 1", paged, setup_paged, teardown);
    gt_fini();
    return rc;
}
