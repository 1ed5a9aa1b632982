/* tests/unit/test_ddb.c: the DynamoDB JSON 1.0 wire layer — parsers over tests/data/ddb (epoch
 * seconds with fractions and exponents, paging tokens, omitted lists, wrong types), the builders
 * against the derived SigV4 vectors, and JSON error bodies incl. the AWS protocol test cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/apierr.h"
#include "core/ddb.h"
#include "tests/unit/clients_testutil.h"

#define EP "https://dynamodb.us-east-1.amazonaws.com"

static char *data(const char *name, size_t *len)
{
    char path[256];

    snprintf(path, sizeof(path), "tests/data/ddb/%s", name);
    return ct_read(path, len);
}

static void test_describe_export(void **state)
{
    size_t len;
    char *body = data("describe-export-completed.json", &len);
    struct ddb_export x;
    struct err e = ERR_INIT;
    enum run_state rs;

    (void)state;
    assert_int_equal(ddb_parse_describe_export(&x, body, len, &e), 0);
    assert_string_equal(x.status, "COMPLETED");
    assert_int_equal(ddb_export_state(x.status, &rs), 0);
    assert_int_equal(rs, RS_SUCCEEDED);
    assert_int_equal(x.start_ms, 1709265608339LL); /* 1.709265608339E9 */
    assert_int_equal(x.end_ms, 1709266021500LL);   /* 1709266021.5 */
    assert_int_equal(x.export_time_ms, 1709218800000LL);
    assert_int_equal(x.item_count, 48211);
    assert_int_equal(x.billed_size_bytes, 7214419);
    assert_string_equal(x.s3_prefix, "dynamodb/Orders/2024-02-29");
    assert_string_equal(x.client_token, "Orders-2024-02-29");
    assert_string_equal(x.manifest, "dynamodb/Orders/2024-02-29/AWSDynamoDB/"
                                    "01709265600000-a1b2c3d4/manifest-summary.json");
    assert_null(x.failure_code);
    ddb_export_release(&x);
    free(body);

    body = data("describe-export-failed-incremental.json", &len);
    assert_int_equal(ddb_parse_export_table(&x, body, len, &e), 0);
    assert_int_equal(ddb_export_state(x.status, &rs), 0);
    assert_int_equal(rs, RS_FAILED);
    assert_string_equal(x.failure_code, "S3NoSuchBucket");
    assert_int_equal(x.incremental_from_ms, 1709179200000LL);
    assert_string_equal(x.incremental_view_type, "NEW_AND_OLD_IMAGES");
    assert_int_equal(x.item_count, -1);
    ddb_export_release(&x);
    free(body);
    assert_int_equal(ddb_export_state("SOMETHING_NEW", &rs), -1);
}

static void fails(const char *file, const char *op, const char *n1, const char *n2)
{
    size_t len;
    char *body = data(file, &len);
    struct ddb_export x;
    struct ddb_export_summaries s;
    struct err e = ERR_INIT;

    if (strcmp(op, "ListExports") == 0) {
        assert_int_equal(ddb_parse_list_exports(&s, body, len, &e), -1);
        assert_null(s.v);
        assert_null(s.next_token);
    } else {
        assert_int_equal(ddb_parse_describe_export(&x, body, len, &e), -1);
        assert_null(x.arn);
    }
    ct_assert_err(&e, ERR_PARSE, n1, n2, NULL);
    free(body);
}

static void test_malformed(void **state)
{
    (void)state;
    fails("describe-export-wrong-type.json", "DescribeExport",
          "dynamodb DescribeExport: ExportDescription.StartTime is a string",
          "expected a number of epoch seconds");
    fails("describe-export-truncated.json", "DescribeExport",
          "dynamodb DescribeExport: the response is not valid JSON", "");
    fails("list-exports-wrong-item.json", "ListExports",
          "dynamodb ListExports: ExportSummaries[1] is a string, expected an object", "");
    fails("list-tables.json", "DescribeExport",
          "dynamodb DescribeExport: ExportDescription is missing", "");
}

static void test_list_exports_pages(void **state)
{
    size_t len;
    char *body = data("list-exports-page1.json", &len);
    struct ddb_export_summaries s;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(ddb_parse_list_exports(&s, body, len, &e), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.next_token, "eyJ2IjoxfQ==");
    assert_string_equal(s.v[0].type, "FULL_EXPORT");
    assert_string_equal(s.v[1].status, "FAILED");
    assert_null(s.v[1].type);
    ddb_export_summaries_release(&s);
    free(body);

    body = data("list-exports-last.json", &len);
    assert_int_equal(ddb_parse_list_exports(&s, body, len, &e), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.next_token, "");
    ddb_export_summaries_release(&s);
    free(body);

    body = data("list-exports-empty.json", &len);
    assert_int_equal(ddb_parse_list_exports(&s, body, len, &e), 0);
    assert_int_equal(s.n, 0);
    assert_string_equal(s.next_token, "");
    ddb_export_summaries_release(&s);
    free(body);
}

static void test_tables_and_pitr(void **state)
{
    size_t len;
    char *body = data("describe-table.json", &len);
    struct ddb_table t;
    struct ddb_pitr p;
    struct ddb_table_names n;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(ddb_parse_describe_table(&t, body, len, &e), 0);
    assert_string_equal(t.name, "Orders");
    assert_string_equal(t.arn, "arn:aws:dynamodb:ap-northeast-1:123456789012:table/Orders");
    assert_int_equal(t.n_keys, 2);
    assert_string_equal(t.keys[0].attribute, "pk");
    assert_string_equal(t.keys[0].key_type, "HASH");
    assert_string_equal(t.keys[1].key_type, "RANGE");
    assert_int_equal(t.created_ms, 1554545344540LL);
    assert_int_equal(t.item_count, 48211);
    ddb_table_release(&t);
    free(body);

    body = data("continuous-backups-enabled.json", &len);
    assert_int_equal(ddb_parse_continuous_backups(&p, body, len, &e), 0);
    assert_string_equal(p.pitr_status, "ENABLED");
    assert_int_equal(p.recovery_days, 35);
    assert_int_equal(p.earliest_ms, 1706241600123LL);
    assert_int_equal(p.latest_ms, 1709265301500LL);
    ddb_pitr_release(&p);
    free(body);

    body = data("continuous-backups-disabled.json", &len);
    assert_int_equal(ddb_parse_continuous_backups(&p, body, len, &e), 0);
    assert_string_equal(p.pitr_status, "DISABLED");
    assert_int_equal(p.earliest_ms, 0);
    ddb_pitr_release(&p);
    free(body);

    body = data("list-tables.json", &len);
    assert_int_equal(ddb_parse_list_tables(&n, body, len, &e), 0);
    assert_int_equal(n.n, 2);
    assert_string_equal(n.v[1], "Orders");
    assert_string_equal(n.next, "Orders");
    ddb_table_names_release(&n);
    free(body);
}

static void test_builders(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;
    struct ddb_export_request r = {
        .table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
        .s3_bucket = "example-exports",
        .s3_prefix = "dynamodb/Orders/2015-08-29",
        .export_time_ms = 1440806400000LL,
        .client_token = "Orders-2015-08-29",
    };

    (void)state;
    assert_int_equal(
        ddb_build_describe_export(
            &req, EP,
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/export/01440000000000-abcd1234",
            &e),
        0);
    ct_assert_sigv4_vector(&req, "dynamodb-describe-export-json10");
    assert_string_equal(req.service, "dynamodb");
    assert_string_equal(req.command, "aws dynamodb describe-export --export-arn "
                                     "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/"
                                     "export/01440000000000-abcd1234");
    http_request_release(&req);

    assert_int_equal(ddb_build_export_table(&req, EP, &r, &e), 0);
    ct_assert_sigv4_vector(&req, "dynamodb-export-table-session-token");
    http_request_release(&req);

    r.table_arn = "Orders";
    assert_int_equal(ddb_build_export_table(&req, EP, &r, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "not a table ARN", NULL);
    err_clear(&e);

    assert_int_equal(ddb_build_list_exports(&req, "http://127.0.0.1:4566", "arn:t", 25, "tok", &e),
                     0);
    ct_assert_req(&req, "POST", "http://127.0.0.1:4566/",
                  "{\"TableArn\": \"arn:t\", \"MaxResults\": 25, \"NextToken\": \"tok\"}");
    ct_assert_header(&req, "X-Amz-Target", "DynamoDB_20120810.ListExports");
    ct_assert_header(&req, "Content-Type", "application/x-amz-json-1.0");
    assert_string_equal(req.command, "aws dynamodb list-exports --table-arn arn:t --max-results 25 "
                                     "--next-token tok --endpoint-url http://127.0.0.1:4566");
    http_request_release(&req);
    assert_int_equal(ddb_build_list_exports(&req, EP, "arn:t", 26, NULL, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "MaxResults must be 1..25", NULL);
    err_clear(&e);

    assert_int_equal(ddb_build_describe_continuous_backups(&req, EP, "Orders", &e), 0);
    ct_assert_req(&req, "POST", EP "/", "{\"TableName\": \"Orders\"}");
    ct_assert_header(&req, "X-Amz-Target", "DynamoDB_20120810.DescribeContinuousBackups");
    http_request_release(&req);

    assert_int_equal(ddb_build_describe_table(&req, EP, "Orders", &e), 0);
    ct_assert_header(&req, "X-Amz-Target", "DynamoDB_20120810.DescribeTable");
    http_request_release(&req);

    assert_int_equal(ddb_build_list_tables(&req, EP, NULL, 0, &e), 0);
    ct_assert_req(&req, "POST", EP "/", "{}");
    http_request_release(&req);
    assert_int_equal(ddb_build_list_tables(&req, EP, "Customers", 100, &e), 0);
    ct_assert_req(&req, "POST", EP "/",
                  "{\"ExclusiveStartTableName\": \"Customers\", \"Limit\": 100}");
    assert_string_equal(req.command, "aws dynamodb list-tables --limit 100 "
                                     "--exclusive-start-table-name Customers");
    http_request_release(&req);
}

static void read_json(struct apierr *out, long status, const struct http_headers *h,
                      const char *body, size_t len)
{
    apierr_read_aws_json(out, status, h, body, len);
}

static void test_errors(void **state)
{
    size_t len;
    char *body;
    struct err e = ERR_INIT;

    (void)state;
    assert_true(ct_protocol_errors("json_1_0.json", read_json) >= 10);

    body = data("error-pitr-unavailable.json", &len);
    assert_int_equal(ddb_error(&e, "ExportTableToPointInTime", 400, NULL, body, len), -1);
    ct_assert_err(
        &e, ERR_SERVICE,
        "dynamodb ExportTableToPointInTime: HTTP 400 PointInTimeRecoveryUnavailableException: "
        "Point in time recovery is not enabled for table 'Orders'",
        "enable point-in-time recovery", NULL);
    free(body);

    err_clear(&e);
    body = data("error-export-not-found.json", &len);
    assert_int_equal(ddb_error(&e, "DescribeExport", 400, NULL, body, len), -1);
    ct_assert_err(&e, ERR_NOT_FOUND, "ExportNotFoundException: Export not found", NULL);
    free(body);

    err_clear(&e);
    body = data("error-unrecognized-client.json", &len);
    assert_int_equal(ddb_error(&e, "ListExports", 400, NULL, body, len), -1);
    ct_assert_err(&e, ERR_AUTH, "UnrecognizedClientException", "check the credentials", NULL);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe_export),    cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_list_exports_pages), cmocka_unit_test(test_tables_and_pitr),
        cmocka_unit_test(test_builders),           cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
