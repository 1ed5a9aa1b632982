/* tests/unit/test_clients_signed.c: the client request builders and the SigV4 prepare of
 * core/aws_sign.h together reproduce the Authorization header of every derived vector in
 * ../shared/reference/aws-sigv4-derived-vectors.json (RDS Query, DynamoDB JSON 1.0 with and without
 * a session token, Lambda by ARN with the double-encoded canonical URI, S3 list and get with a
 * space and '+' in the key) — what the builders produce is exactly what gets signed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/aws_sign.h"
#include "core/ddb.h"
#include "core/lambda.h"
#include "core/rds.h"
#include "core/s3.h"
#include "tests/unit/clients_testutil.h"

#define AT_MS 1440938160000LL /* 2015-08-30T12:36:00Z */

static json_t *vector(const char *name)
{
    size_t len;
    char *text = ct_reference("aws-sigv4-derived-vectors.json", &len);
    json_t *root = json_loadb(text, len, 0, NULL), *v, *found = NULL;
    size_t i;

    assert_non_null(root);
    json_array_foreach(json_object_get(root, "vectors"), i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
            found = json_incref(v);
    }
    json_decref(root);
    free(text);
    if (found == NULL)
        fail_msg("no vector %s", name);
    return found;
}

/* Signs req as the vector's service in us-east-1 and compares the Authorization header. */
static void sign_and_check(struct http_request *req, const char *name)
{
    json_t *v = vector(name);
    const char *token = json_string_value(json_object_get(v, "session_token"));
    struct aws_creds creds = AWS_CREDS_INIT;
    struct aws_signer signer = {0};
    struct err e = ERR_INIT;

    creds.access_key_id = (char *)"AKIDEXAMPLE";
    creds.secret_access_key = (char *)"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    creds.session_token = (char *)token;
    signer.creds = &creds;
    signer.region = "us-east-1";
    signer.service = json_string_value(json_object_get(v, "service"));
    ct_assert_sigv4_vector(req, name);
    if (aws_sign_prepare(&signer, req, AT_MS, &e) != 0)
        fail_msg("%s: %s", name, e.msg);
    assert_string_equal(http_headers_get(&req->headers, "Authorization"),
                        json_string_value(json_object_get(v, "authorization")));
    http_request_release(req);
    json_decref(v);
}

static void test_rds(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;
    const char *failed[] = {"failed", NULL};
    struct rds_filter f = {"status", failed};
    const char *only[] = {"orders.order_items", NULL};
    struct rds_export_request r = {
        "orders-20150830",
        "arn:aws:rds:us-east-1:123456789012:cluster:orders-aurora",
        "example-exports",
        "arn:aws:iam::123456789012:role/rds-s3-export",
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "aurora/orders",
        only,
    };

    (void)state;
    assert_int_equal(rds_build_describe_export_tasks(&req, "https://rds.us-east-1.amazonaws.com",
                                                     NULL, NULL, &f, 1, NULL, 100, NULL, &e),
                     0);
    sign_and_check(&req, "rds-describe-export-tasks-query");
    assert_int_equal(
        rds_build_start_export_task(&req, "https://rds.us-east-1.amazonaws.com", &r, &e), 0);
    sign_and_check(&req, "rds-start-export-task-query");
}

static void test_dynamodb(void **state)
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
            &req, "https://dynamodb.us-east-1.amazonaws.com",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/export/01440000000000-abcd1234",
            &e),
        0);
    sign_and_check(&req, "dynamodb-describe-export-json10");
    assert_int_equal(
        ddb_build_export_table(&req, "https://dynamodb.us-east-1.amazonaws.com", &r, &e), 0);
    sign_and_check(&req, "dynamodb-export-table-session-token");
}

static void test_lambda_and_s3(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(lambda_build_invoke(&req, "https://lambda.us-east-1.amazonaws.com",
                                         "arn:aws:lambda:us-east-1:123456789012:function:"
                                         "export-trigger",
                                         NULL, "Event",
                                         "{\"mode\": \"backfill\", \"date\": \"2015-08-29\"}", &e),
                     0);
    sign_and_check(&req, "lambda-invoke-arn-double-encoding");
    assert_int_equal(s3_build_list_objects(&req, "https://s3.us-east-1.amazonaws.com", false,
                                           "example-exports", "dynamodb/Orders/", "/", 0, NULL, &e),
                     0);
    sign_and_check(&req, "s3-list-objects-v2");
    assert_int_equal(s3_build_get_object(&req, "https://s3.us-east-1.amazonaws.com", false,
                                         "example-exports",
                                         "aurora/orders/orders-20150830/appdb/appdb.order items/1/"
                                         "part-00000-c5a881bb+x.gz.parquet",
                                         NULL, &e),
                     0);
    sign_and_check(&req, "s3-get-object-special-key");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rds),
        cmocka_unit_test(test_dynamodb),
        cmocka_unit_test(test_lambda_and_s3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
