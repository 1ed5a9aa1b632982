/* tests/unit/test_bq.c: the BigQuery v2 wire layer — tables.get with int64 strings, ms times and
 * nested RECORD schemas (Japanese descriptions, policy tags), list pages and omitted lists,
 * malformed bodies, the builders' exact URLs and the schema patch body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/bq.h"
#include "tests/unit/clients_testutil.h"

#define EP BQ_DEFAULT_ENDPOINT

static void test_table_sample(void **state)
{
    size_t len;
    char *body = ct_reference("samples/bigquery/tables-get.synthetic.json", &len);
    struct table_meta t;
    char *etag;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(bq_parse_table(&t, &etag, body, len, &e), 0);
    assert_string_equal(etag, "Z1b7Wk0Yt3dC5xQ8iP2y0w==");
    assert_string_equal(t.project, "example-project");
    assert_string_equal(t.dataset, "analytics");
    assert_string_equal(t.table_id, "orders");
    assert_string_equal(t.type, "TABLE");
    assert_int_equal(t.num_rows, 48211);
    assert_int_equal(t.num_bytes, 7214419);
    assert_int_equal(t.created_ms, 1708862400123LL);
    assert_int_equal(t.modified_ms, 1709265792011LL);
    assert_int_equal(t.n_fields, 5);
    assert_string_equal(t.fields[0].mode, "REQUIRED");
    assert_string_equal(t.fields[1].description, "Item.ts.N as seconds");
    assert_int_equal(t.fields[2].n_policy_tags, 1);
    assert_string_equal(t.fields[2].policy_tags[0],
                        "projects/example-project/locations/us/taxonomies/111/policyTags/222");
    assert_string_equal(t.fields[3].type, "RECORD");
    assert_int_equal(t.fields[3].n_fields, 2);
    assert_string_equal(t.fields[3].fields[1].type, "INTEGER");
    assert_string_equal(t.fields[4].mode, "REPEATED");
    table_meta_release(&t);
    free(etag);
    free(body);
}

static void test_table_nested_japanese(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/bq/tables-get-nested-ja.json", &len);
    struct table_meta t;
    struct err e = ERR_INIT;
    const struct schema_field *profile, *addr;

    (void)state;
    assert_int_equal(bq_parse_table(&t, NULL, body, len, &e), 0);
    assert_string_equal(t.description, "会員マスタ（日次）");
    assert_int_equal(t.num_rows, 123456789012LL);
    assert_int_equal(t.num_bytes, 9007199254740993LL); /* beyond a double's exact range */
    assert_int_equal(t.n_fields, 3);
    profile = &t.fields[1];
    assert_string_equal(profile->mode, "NULLABLE"); /* default when absent */
    assert_string_equal(profile->description, "プロフィール");
    assert_int_equal(profile->n_fields, 2);
    assert_string_equal(profile->fields[0].description, "メールアドレス");
    assert_int_equal(profile->fields[0].n_policy_tags, 2);
    assert_string_equal(profile->fields[0].policy_tags[1],
                        "projects/example-project/locations/asia-northeast1/taxonomies/1/"
                        "policyTags/12");
    addr = &profile->fields[1];
    assert_string_equal(addr->mode, "REPEATED");
    assert_int_equal(addr->n_fields, 2);
    assert_string_equal(addr->fields[0].description, "都道府県");
    assert_string_equal(addr->fields[1].type, "INT64");
    assert_int_equal(t.fields[2].n_policy_tags, 0); /* "policyTags": {} */
    table_meta_release(&t);
    free(body);

    body = ct_read("tests/data/bq/tables-get-view.json", &len);
    assert_int_equal(bq_parse_table(&t, NULL, body, len, &e), 0);
    assert_string_equal(t.type, "VIEW");
    assert_int_equal(t.num_rows, -1); /* not reported for views */
    assert_int_equal(t.num_bytes, -1);
    table_meta_release(&t);
    free(body);
}

static void table_fails(const char *file, const char *n1, const char *n2)
{
    size_t len;
    char *body = ct_read(file, &len);
    struct table_meta t;
    char *etag = (char *)"unchanged";
    struct err e = ERR_INIT;

    assert_int_equal(bq_parse_table(&t, &etag, body, len, &e), -1);
    assert_null(etag);
    assert_null(t.fields);
    assert_null(t.project);
    ct_assert_err(&e, ERR_PARSE, n1, n2, NULL);
    free(body);
}

static void test_table_malformed(void **state)
{
    (void)state;
    table_fails("tests/data/bq/tables-get-wrong-type.json",
                "bigquery tables.get: numRows is \"12x\", expected a decimal integer", "");
    table_fails("tests/data/bq/tables-get-nested-wrong-type.json",
                "bigquery tables.get: schema.fields: schema JSON: field b.c:",
                "policyTags.names[1] must be a string");
    table_fails("tests/data/bq/tables-get-missing-ref.json",
                "bigquery tables.get: tableReference.tableId is missing", "");
    table_fails("tests/data/bq/tables-get-truncated.json",
                "bigquery tables.get: the response is not valid JSON", "");
}

static void test_lists(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/bq/datasets-list-page1.json", &len);
    struct bq_datasets d;
    struct bq_tables t;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(bq_parse_datasets(&d, body, len, &e), 0);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.next_page_token, "mart");
    assert_string_equal(d.v[0].dataset_id, "raw_dynamodb");
    assert_string_equal(d.v[0].location, "asia-northeast1");
    assert_string_equal(d.v[1].friendly_name, "分析用");
    bq_datasets_release(&d);
    free(body);

    body = ct_read("tests/data/bq/datasets-list-empty.json", &len);
    assert_int_equal(bq_parse_datasets(&d, body, len, &e), 0); /* `datasets` omitted */
    assert_int_equal(d.n, 0);
    assert_null(d.v);
    assert_string_equal(d.next_page_token, "");
    bq_datasets_release(&d);
    free(body);

    body = ct_read("tests/data/bq/tables-list-page.json", &len);
    assert_int_equal(bq_parse_tables(&t, body, len, &e), 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.total_items, 2);
    assert_string_equal(t.next_page_token, "");
    assert_string_equal(t.v[0].table_id, "orders_raw");
    assert_int_equal(t.v[0].created_ms, 1708862400123LL);
    assert_int_equal(t.v[0].num_rows, -1);
    assert_string_equal(t.v[1].type, "VIEW");
    bq_tables_release(&t);
    free(body);

    assert_int_equal(bq_parse_tables(&t, "{\"tables\":{}}", 13, &e), -1);
    ct_assert_err(&e, ERR_PARSE, "bigquery tables.list: tables is an object, expected an array",
                  NULL);
}

static void test_builders(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(bq_build_list_datasets(&req, EP, "example-project", 0, NULL, &e), 0);
    ct_assert_req(&req, "GET", EP "/bigquery/v2/projects/example-project/datasets", NULL);
    assert_string_equal(req.service, "bigquery");
    assert_string_equal(req.operation, "datasets.list");
    assert_string_equal(req.command, "bq ls --format=prettyjson --project_id example-project");
    http_request_release(&req);

    assert_int_equal(bq_build_list_tables(&req, "http://127.0.0.1:9050/", "example.com:proj", "raw",
                                          50, "tok/+=", &e),
                     0);
    ct_assert_req(&req, "GET",
                  "http://127.0.0.1:9050/bigquery/v2/projects/example.com%3Aproj/datasets/raw/"
                  "tables?maxResults=50&pageToken=tok%2F%2B%3D",
                  NULL);
    assert_string_equal(req.command,
                        "bq ls --format=prettyjson --max_results 50 example.com:proj:raw");
    http_request_release(&req);

    assert_int_equal(bq_build_get_table(&req, EP, "p", "mart", "users", &e), 0);
    ct_assert_req(&req, "GET", EP "/bigquery/v2/projects/p/datasets/mart/tables/users", NULL);
    assert_string_equal(req.command, "bq show --format=prettyjson p:mart.users");
    http_request_release(&req);

    assert_int_equal(bq_build_get_table(&req, EP, "p", "", "users", &e), -1);
    ct_assert_err(&e, ERR_USAGE, "dataset and table ids are required", NULL);
}

static void test_patch_schema(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/bq/tables-get-nested-ja.json", &len);
    char *want = ct_read("tests/data/bq/patch-nested-ja.request.json", &len);
    struct table_meta t;
    struct http_request req;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(bq_parse_table(&t, NULL, body, strlen(body), &e), 0);
    assert_int_equal(bq_build_patch_schema(&req, EP, "example-project", "mart", "users", t.fields,
                                           t.n_fields, "AbCdEf0123==", &e),
                     0);
    if (len > 0 && want[len - 1] == '\n')
        want[--len] = '\0';
    ct_assert_req(&req, "PATCH",
                  EP "/bigquery/v2/projects/example-project/datasets/mart/tables/users", want);
    ct_assert_header(&req, "If-Match", "AbCdEf0123==");
    ct_assert_header(&req, "Content-Type", "application/json");
    http_request_release(&req);

    assert_int_equal(bq_build_patch_schema(&req, EP, "p", "d", "t", t.fields, 1, NULL, &e), 0);
    ct_assert_header(&req, "If-Match", NULL);
    http_request_release(&req);
    assert_int_equal(bq_build_patch_schema(&req, EP, "p", "d", "t", NULL, 0, NULL, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "empty schema", NULL);
    table_meta_release(&t);
    free(body);
    free(want);
}

static void test_errors(void **state)
{
    size_t len;
    char *body = ct_reference("samples/bigquery/error-404-not-found.doc-example.json", &len);
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(bq_error(&e, "tables.get", 404, NULL, body, len), -1);
    ct_assert_err(&e, ERR_NOT_FOUND, "bigquery tables.get: HTTP 404 notFound",
                  "Not Found: Dataset myproject:foo", NULL);
    free(body);
    body = ct_read("tests/data/bq/error-quota.json", &len);
    err_clear(&e);
    assert_int_equal(bq_error(&e, "tables.get", 403, NULL, body, len), -1);
    ct_assert_err(&e, ERR_SERVICE, "quotaExceeded", "quota is used up", NULL);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_sample),    cmocka_unit_test(test_table_nested_japanese),
        cmocka_unit_test(test_table_malformed), cmocka_unit_test(test_lists),
        cmocka_unit_test(test_builders),        cmocka_unit_test(test_patch_schema),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
