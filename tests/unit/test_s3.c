/* tests/unit/test_s3.c: the S3 wire layer — ListObjectsV2 / GetObject URLs (virtual-host and
 * path-style, the derived SigV4 vectors' encodings), ListBucketResult pages, malformed XML, S3
 * error XML incl. the rest-xml protocol test cases, and the DynamoDB export manifests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/apierr.h"
#include "core/s3.h"
#include "tests/unit/clients_testutil.h"

#define EP "https://s3.us-east-1.amazonaws.com"

static char *data(const char *name, size_t *len)
{
    char path[256];

    snprintf(path, sizeof(path), "tests/data/s3/%s", name);
    return ct_read(path, len);
}

static void test_builders(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(s3_build_list_objects(&req, EP, false, "example-exports", "dynamodb/Orders/",
                                           "/", 0, NULL, &e),
                     0);
    ct_assert_sigv4_vector(&req, "s3-list-objects-v2");
    assert_string_equal(req.operation, "ListObjectsV2");
    assert_string_equal(req.command, "aws s3api list-objects-v2 --bucket example-exports "
                                     "--prefix dynamodb/Orders/ --delimiter /");
    http_request_release(&req);

    assert_int_equal(s3_build_get_object(&req, EP, false, "example-exports",
                                         "aurora/orders/orders-20150830/appdb/appdb.order items/1/"
                                         "part-00000-c5a881bb+x.gz.parquet",
                                         NULL, &e),
                     0);
    ct_assert_sigv4_vector(&req, "s3-get-object-special-key");
    assert_string_equal(req.command, "aws s3 cp 's3://example-exports/aurora/orders/"
                                     "orders-20150830/appdb/appdb.order items/1/"
                                     "part-00000-c5a881bb+x.gz.parquet' -");
    http_request_release(&req);

    assert_int_equal(s3_build_list_objects(&req, "http://127.0.0.1:9000/", true, "example-exports",
                                           "a b/", NULL, 2, "1ue/X+Y=", &e),
                     0);
    ct_assert_req(&req, "GET",
                  "http://127.0.0.1:9000/example-exports/?list-type=2&prefix=a%20b%2F&max-keys=2"
                  "&continuation-token=1ue%2FX%2BY%3D",
                  NULL);
    assert_string_equal(req.command, "aws s3api list-objects-v2 --bucket example-exports --prefix "
                                     "'a b/' --max-keys 2 --continuation-token 1ue/X+Y= "
                                     "--endpoint-url http://127.0.0.1:9000/");
    http_request_release(&req);

    /* a dotted bucket is addressed path-style even when virtual-host was asked for */
    assert_int_equal(s3_build_get_object(&req, EP, false, "my.bucket", "k/注", "bytes=0-1023", &e),
                     0);
    ct_assert_req(&req, "GET", EP "/my.bucket/k/%E6%B3%A8", NULL);
    ct_assert_header(&req, "Range", "bytes=0-1023");
    http_request_release(&req);

    /* an endpoint override on an IP literal or localhost cannot take a bucket label */
    assert_int_equal(s3_build_get_object(&req, "http://127.0.0.1:9000", false, "b", "k", NULL, &e),
                     0);
    ct_assert_req(&req, "GET", "http://127.0.0.1:9000/b/k", NULL);
    http_request_release(&req);
    assert_int_equal(s3_build_get_object(&req, "http://localhost:9000", false, "b", "k", NULL, &e),
                     0);
    ct_assert_req(&req, "GET", "http://localhost:9000/b/k", NULL);
    http_request_release(&req);
    assert_int_equal(
        s3_build_get_object(&req, "https://minio.example.com", false, "b", "k", NULL, &e), 0);
    ct_assert_req(&req, "GET", "https://b.minio.example.com/k", NULL);
    http_request_release(&req);

    assert_int_equal(s3_build_get_object(&req, EP, false, "b", "", NULL, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "key is required", NULL);
    err_clear(&e);
    assert_int_equal(s3_build_list_objects(&req, EP, false, "a/b", NULL, NULL, 0, NULL, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "not a bucket name", NULL);
}

static void test_list_pages(void **state)
{
    size_t len;
    char *body = data("list-objects-page1.xml", &len);
    struct s3_listing l;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(s3_parse_list_objects(&l, body, len, &e), 0);
    assert_string_equal(l.bucket, "example-exports");
    assert_string_equal(l.prefix, "dynamodb/Orders/2024-02-29/");
    assert_int_equal(l.key_count, 3);
    assert_true(l.truncated);
    assert_string_equal(l.next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].key, "dynamodb/Orders/2024-02-29/manifest summary+copy.json");
    assert_string_equal(l.v[0].etag, "9b2cf535f27731c974343645a3985328");
    assert_int_equal(l.v[0].size, 713);
    assert_int_equal(l.v[0].modified_ms, 1709235223000LL);
    assert_string_equal(l.v[0].storage_class, "STANDARD");
    assert_string_equal(l.v[1].key, "dynamodb/Orders/2024-02-29/注文.json.gz");
    assert_string_equal(l.v[1].etag, "af83d6f217c19b8b0fff8023d8ca4716-2");
    assert_int_equal(l.v[1].size, 10737418240LL);
    assert_null(l.v[1].storage_class);
    assert_int_equal(l.n_common_prefixes, 1);
    assert_string_equal(l.common_prefixes[0], "dynamodb/Orders/2024-02-29/AWSDynamoDB/");
    s3_listing_release(&l);
    free(body);

    body = data("list-objects-last.xml", &len);
    assert_int_equal(s3_parse_list_objects(&l, body, len, &e), 0);
    assert_false(l.truncated);
    assert_string_equal(l.next_token, "");
    assert_int_equal(l.n, 0);
    assert_null(l.v);
    assert_int_equal(l.key_count, 0);
    s3_listing_release(&l);
    free(body);
}

static void list_fails(const char *file, const char *n1, const char *n2)
{
    size_t len;
    char *body = data(file, &len);
    struct s3_listing l;
    struct err e = ERR_INIT;

    assert_int_equal(s3_parse_list_objects(&l, body, len, &e), -1);
    assert_null(l.v);
    assert_null(l.next_token);
    ct_assert_err(&e, ERR_PARSE, "s3 ListObjectsV2: ", n1, n2, NULL);
    free(body);
}

static void test_list_malformed(void **state)
{
    (void)state;
    list_fails("list-objects-truncated-no-token.xml",
               "IsTruncated is true but "
               "NextContinuationToken is missing",
               "");
    list_fails("list-objects-bad-size.xml", "Contents[1].Size is \"1.5\"", "expected an integer");
    list_fails("list-objects-bad-bool.xml", "ListBucketResult.IsTruncated is \"yes\"",
               "expected true or false");
    list_fails("list-objects-truncated.xml", "not valid XML", "");
    list_fails("list-objects-encoding-url.xml", "EncodingType url", "");
    list_fails("error-no-such-bucket.xml", "root element is <Error>", "");
}

static void read_xml(struct apierr *out, long status, const struct http_headers *h,
                     const char *body, size_t len)
{
    apierr_read_aws_xml(out, status, h, body, len);
}

static void test_errors(void **state)
{
    size_t len;
    char *body = data("error-no-such-bucket.xml", &len);
    struct http_headers h;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(ct_protocol_errors("rest-xml.json", read_xml), 2);
    assert_int_equal(s3_error(&e, "ListObjectsV2", 404, NULL, body, len), -1);
    ct_assert_err(&e, ERR_NOT_FOUND,
                  "s3 ListObjectsV2: HTTP 404 NoSuchBucket: The specified bucket does not exist "
                  "(request id 4442587FB7D0A2F9)",
                  NULL);
    free(body);

    memset(&h, 0, sizeof(h));
    assert_int_equal(http_headers_set(&h, "x-amz-bucket-region", "ap-northeast-1", NULL), 0);
    body = data("error-permanent-redirect.xml", &len);
    err_clear(&e);
    assert_int_equal(s3_error(&e, "ListObjectsV2", 301, &h, body, len), -1);
    ct_assert_err(&e, ERR_SERVICE, "PermanentRedirect", "bucket region ap-northeast-1",
                  "set the AWS region", NULL);
    free(body);

    err_clear(&e);
    assert_int_equal(
        s3_error(&e, "GetObject", 404, &h, "<Error><Code>NoSuchKey</Code></Error>", 37),
        -1); /* the region header on another error says nothing about the region */
    ct_assert_err(&e, ERR_NOT_FOUND, "NoSuchKey", NULL);
    assert_null(strstr(e.msg, "region"));

    err_clear(&e);
    http_headers_release(&h);
    assert_int_equal(http_headers_set(&h, "x-amz-request-id", "HEADREQ", NULL), 0);
    assert_int_equal(s3_error(&e, "HeadObject", 404, &h, NULL, 0), -1); /* HEAD: no body */
    ct_assert_err(&e, ERR_NOT_FOUND, "HTTP 404: (no body in the answer) (request id HEADREQ)",
                  NULL);
    http_headers_release(&h);

    err_clear(&e);
    body = (char *)"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
    assert_int_equal(s3_error(&e, "GetObject", 403, NULL, body, strlen(body)), -1);
    ct_assert_err(&e, ERR_AUTH, "AccessDenied: Access Denied", NULL);
}

static void test_manifests(void **state)
{
    size_t len;
    char *body = ct_reference("samples/dynamodb-export/manifest-summary.json", &len);
    struct ddb_manifest_summary s;
    struct ddb_manifest_files f;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(s3_parse_manifest_summary(&s, body, len, &e), 0);
    assert_string_equal(s.version, "2020-06-30");
    assert_string_equal(s.export_arn, "arn:aws:dynamodb:us-east-1:123456789012:table/"
                                      "ProductCatalog/export/01234567890123-a1b2c3d4");
    assert_int_equal(s.start_ms, 1604474914028LL);
    assert_int_equal(s.end_ms, 1604475223897LL);
    assert_null(s.s3_sse_kms_key_id); /* JSON null */
    assert_string_equal(s.manifest_files_key,
                        "AWSDynamoDB/01345678901234-abc12345/manifest-files.json");
    assert_int_equal(s.item_count, 8);
    assert_int_equal(s.billed_size_bytes, 0);
    assert_null(s.export_type);
    ddb_manifest_summary_release(&s);
    free(body);

    body = data("manifest-summary-incremental.json", &len);
    assert_int_equal(s3_parse_manifest_summary(&s, body, len, &e), 0);
    assert_string_equal(s.export_type, "INCREMENTAL_EXPORT");
    assert_int_equal(s.end_ms, 1709266021500LL);
    ddb_manifest_summary_release(&s);
    free(body);

    body = ct_reference("samples/dynamodb-export/manifest-files.json", &len);
    assert_int_equal(s3_parse_manifest_files(&f, body, len, &e), 0);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.v[0].item_count, 8);
    assert_string_equal(f.v[0].md5, "sQMSpEILNgoQmarvDFonGQ==");
    assert_string_equal(f.v[0].data_key, "AWSDynamoDB/11111111111111-22222222/data/"
                                         "33334444EXAMPLE.json.gz");
    ddb_manifest_files_release(&f);
    free(body);

    body = data("manifest-files-3.jsonl", &len);
    assert_int_equal(s3_parse_manifest_files(&f, body, len, &e), 0);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.v[1].item_count, 0);
    assert_int_equal(f.v[2].item_count, 48203);
    assert_string_equal(f.v[2].etag, "0cc175b9c0f1b6a831c399e269772661-3");
    ddb_manifest_files_release(&f);
    free(body);

    body = data("manifest-files-bad-line.jsonl", &len);
    assert_int_equal(s3_parse_manifest_files(&f, body, len, &e), -1);
    assert_null(f.v);
    ct_assert_err(&e, ERR_PARSE, "manifest-files.json line 2: itemCount is \"many\"", NULL);
    free(body);

    err_clear(&e);
    body = data("manifest-files-array-line.jsonl", &len);
    assert_int_equal(s3_parse_manifest_files(&f, body, len, &e), -1);
    ct_assert_err(&e, ERR_PARSE, "manifest-files.json line 2: the response is an array", NULL);
    free(body);

    err_clear(&e);
    assert_int_equal(s3_parse_manifest_summary(&s, "{\"version\":1}", 13, &e), -1);
    ct_assert_err(&e, ERR_PARSE, "manifest-summary.json: version is a number", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builders),       cmocka_unit_test(test_list_pages),
        cmocka_unit_test(test_list_malformed), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_manifests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
