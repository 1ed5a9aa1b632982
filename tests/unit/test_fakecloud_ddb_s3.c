/* tests/unit/test_fakecloud_ddb_s3.c: self-check of the fake cloud's DynamoDB and S3 operations
 * against the botocore models (output shapes, documented errors), the real export layout
 * (manifests, gzip'd DynamoDB JSON with every type descriptor, md5 checksums), ClientToken
 * idempotency and the PITR window, and every AWS list at page size 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/clock.h"
#include "tests/unit/fc_check.h"
#include "tests/unit/shape_check.h"

static struct fakecloud_proc fcp, fcp1; /* the demo world, and the same at page size 1 */
static json_t *m_ddb, *m_s3, *m_rds, *m_events;
static char users_arn[160];

static int setup(void **state)
{
    char *scen = fc_check_scenario(0), *scen1 = fc_check_scenario(1);
    int rc = -1;

    (void)state;
    m_ddb = shape_model_load("dynamodb");
    m_s3 = shape_model_load("s3");
    m_rds = shape_model_load("rds");
    m_events = shape_model_load("events");
    snprintf(users_arn, sizeof(users_arn), "arn:aws:dynamodb:%s:%s:table/users",
             fc_check_demo("aws.region"), fc_check_demo("aws.account_id"));
    if (scen && scen1 && m_ddb && m_s3 && m_rds && m_events && fakecloud_start(&fcp, scen) == 0 &&
        fakecloud_start(&fcp1, scen1) == 0)
        rc = 0;
    free(scen);
    free(scen1);
    return rc;
}

static int teardown(void **state)
{
    int rc = fakecloud_stop(&fcp) | fakecloud_stop(&fcp1);

    (void)state;
    json_decref(m_ddb);
    json_decref(m_s3);
    json_decref(m_rds);
    json_decref(m_events);
    return rc == 0 ? 0 : -1;
}

static json_t *ddb_ok(struct awsc *c, const char *op, const char *body)
{
    struct http_response r;
    char target[96], crc[16];
    json_t *doc;

    snprintf(target, sizeof(target), "DynamoDB_20120810.%s", op);
    assert_int_equal(awsc_json(c, "dynamodb", target, body, &r), 0);
    doc = fc_ok_json(m_ddb, op, &r);
    /* x-amz-crc32 is the CRC32 of the body bytes */
    snprintf(crc, sizeof(crc), "%lu",
             (unsigned long)crc32(0L, (const Bytef *)buf_cstr(&r.body), (uInt)r.body.len));
    assert_string_equal(http_headers_get(&r.headers, "x-amz-crc32"), crc);
    assert_non_null(strstr(http_headers_get(&r.headers, "Content-Type"), "x-amz-json-1.0"));
    http_response_release(&r);
    return doc;
}

static void ddb_err(struct awsc *c, const char *op, const char *body, const char *code)
{
    struct http_response r;
    char target[96];

    snprintf(target, sizeof(target), "DynamoDB_20120810.%s", op);
    assert_int_equal(awsc_json(c, "dynamodb", target, body, &r), 0);
    fc_err(m_ddb, "dynamodb", op, &r, 400, code);
    assert_non_null(http_headers_get(&r.headers, "x-amz-crc32"));
    http_response_release(&r);
}

static void test_shape_check_rejects(void **state)
{
    char err[256];
    json_t *bad = json_pack("{s:[s],s:i}", "TableNames", "users", "LastEvaluatedTableName", 3);
    const char *xml = "<ListBucketResult><Name>b</Name><Bogus>1</Bogus></ListBucketResult>";
    const char *xml2 = "<ListBucketResult><Name>b</Name><KeyCount>x</KeyCount></ListBucketResult>";

    (void)state;
    /* the validator itself must catch wrong types and unknown members */
    assert_int_equal(shape_check_json(m_ddb, "ListTablesOutput", bad, err, sizeof(err)), -1);
    json_decref(bad);
    bad = json_pack("{s:[{s:s}]}", "ExportSummaries", "ExportStatus", "DONE");
    assert_int_equal(shape_check_json(m_ddb, "ListExportsOutput", bad, err, sizeof(err)), -1);
    json_decref(bad);
    assert_int_equal(
        shape_check_xml(m_s3, NULL, "ListObjectsV2Output", xml, strlen(xml), err, sizeof(err)), -1);
    assert_int_equal(
        shape_check_xml(m_s3, NULL, "ListObjectsV2Output", xml2, strlen(xml2), err, sizeof(err)),
        -1);
    assert_false(shape_error_known(m_ddb, "ListTables", "ExportNotFoundException"));
}

static void test_tables(void **state)
{
    struct awsc c;
    json_t *doc;
    char body[256];

    (void)state;
    fc_check_client(&c, &fcp);
    doc = ddb_ok(&c, "ListTables", "{\"Limit\":2}");
    assert_int_equal(json_array_size(json_object_get(doc, "TableNames")), 2);
    assert_string_equal(json_string_value(json_object_get(doc, "LastEvaluatedTableName")),
                        "usage_events");
    json_decref(doc);
    doc = ddb_ok(&c, "ListTables", "{\"ExclusiveStartTableName\":\"usage_events\"}");
    assert_int_equal(json_array_size(json_object_get(doc, "TableNames")), 2);
    assert_null(json_object_get(doc, "LastEvaluatedTableName"));
    json_decref(doc);
    ddb_err(&c, "ListTables", "{\"Limit\":0}", "ValidationException");
    ddb_err(&c, "ListTables", "{\"Limit\":\"ten\"}", "SerializationException");

    doc = ddb_ok(&c, "DescribeTable", "{\"TableName\":\"users\"}");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(doc, "Table"), "TableArn")), users_arn);
    json_decref(doc);
    ddb_err(&c, "DescribeTable", "{\"TableName\":\"nope\"}", "ResourceNotFoundException");
    ddb_err(&c, "DescribeTable", "{}", "ValidationException");

    doc = ddb_ok(&c, "DescribeContinuousBackups", "{\"TableName\":\"users\"}");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(doc, "ContinuousBackupsDescription"),
                                         "PointInTimeRecoveryDescription"),
                         "RecoveryPeriodInDays")),
                     35);
    json_decref(doc);
    snprintf(body, sizeof(body), "{\"TableName\":\"%s\"}", users_arn);
    json_decref(ddb_ok(&c, "DescribeContinuousBackups", body));
    ddb_err(&c, "DescribeContinuousBackups", "{\"TableName\":\"nope\"}", "TableNotFoundException");
    awsc_release(&c);
}

/* Every export ARN of the users table, following NextToken. */
static size_t users_exports(struct awsc *c, char arns[][200], size_t max, char *failed)
{
    char body[512], tok[256] = "";
    size_t n = 0;

    for (;;) {
        json_t *doc, *s;
        size_t i;
        snprintf(body, sizeof(body), "{\"TableArn\":\"%s\",\"MaxResults\":5%s%s%s}", users_arn,
                 tok[0] ? ",\"NextToken\":\"" : "", tok, tok[0] ? "\"" : "");
        doc = ddb_ok(c, "ListExports", body);
        json_array_foreach(json_object_get(doc, "ExportSummaries"), i, s)
        {
            const char *arn = json_string_value(json_object_get(s, "ExportArn"));
            if (strcmp(json_string_value(json_object_get(s, "ExportStatus")), "FAILED") == 0)
                snprintf(failed, 200, "%s", arn);
            if (n < max)
                snprintf(arns[n++], 200, "%s", arn);
        }
        assert_true(json_array_size(json_object_get(doc, "ExportSummaries")) <= 5);
        s = json_object_get(doc, "NextToken");
        snprintf(tok, sizeof(tok), "%s", s ? json_string_value(s) : "");
        json_decref(doc);
        if (!tok[0])
            return n;
    }
}

static void test_exports(void **state)
{
    struct awsc c;
    json_t *doc, *d;
    char arns[64][200], failed[200] = "", body[1024], first_arn[200];
    size_t n;
    double now = (double)clock_now_ms(NULL) / 1000.0;

    (void)state;
    fc_check_client(&c, &fcp);
    n = users_exports(&c, arns, 64, failed);
    assert_true(n >= 20 && n <= 21);
    assert_true(failed[0] != '\0'); /* day -4 */
    snprintf(body, sizeof(body), "{\"ExportArn\":\"%s\"}", failed);
    doc = ddb_ok(&c, "DescribeExport", body);
    d = json_object_get(doc, "ExportDescription");
    assert_string_equal(json_string_value(json_object_get(d, "FailureCode")), "S3AccessDenied");
    assert_null(json_object_get(d, "ExportManifest"));
    json_decref(doc);
    ddb_err(&c, "ListExports", "{\"MaxResults\":26}", "ValidationException");
    ddb_err(&c, "ListExports", "{\"NextToken\":\"garbage\"}", "ValidationException");
    snprintf(body, sizeof(body), "{\"ExportArn\":\"%s/export/01700000000000-deadbeef\"}",
             users_arn);
    ddb_err(&c, "DescribeExport", body, "ExportNotFoundException");

    /* a new export inside the window, idempotent by ClientToken */
    snprintf(body, sizeof(body),
             "{\"TableArn\":\"%s\",\"S3Bucket\":\"voicebox-exports\",\"S3Prefix\":\"manual/users\","
             "\"ExportTime\":%.3f,\"ClientToken\":\"self-check-1\",\"ExportFormat\":"
             "\"DYNAMODB_JSON\"}",
             users_arn, now - 3600);
    doc = ddb_ok(&c, "ExportTableToPointInTime", body);
    d = json_object_get(doc, "ExportDescription");
    assert_string_equal(json_string_value(json_object_get(d, "ExportStatus")), "IN_PROGRESS");
    snprintf(first_arn, sizeof(first_arn), "%s",
             json_string_value(json_object_get(d, "ExportArn")));
    json_decref(doc);
    doc = ddb_ok(&c, "ExportTableToPointInTime", body);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(doc, "ExportDescription"), "ExportArn")),
        first_arn);
    json_decref(doc);
    snprintf(body, sizeof(body),
             "{\"TableArn\":\"%s\",\"S3Bucket\":\"voicebox-exports\",\"S3Prefix\":\"other\","
             "\"ExportTime\":%.3f,\"ClientToken\":\"self-check-1\"}",
             users_arn, now - 3600);
    ddb_err(&c, "ExportTableToPointInTime", body, "ExportConflictException");
    snprintf(body, sizeof(body),
             "{\"TableArn\":\"%s\",\"S3Bucket\":\"voicebox-exports\",\"ExportTime\":%.3f}",
             users_arn, now - 40 * 86400.0);
    ddb_err(&c, "ExportTableToPointInTime", body, "InvalidExportTimeException");
    snprintf(body, sizeof(body), "{\"TableArn\":\"%.*s/sessions_tmp\",\"S3Bucket\":\"b\"}",
             (int)(strrchr(users_arn, '/') - users_arn), users_arn);
    ddb_err(&c, "ExportTableToPointInTime", body, "PointInTimeRecoveryUnavailableException");
    snprintf(body, sizeof(body), "{\"TableArn\":\"%sx\",\"S3Bucket\":\"b\"}", users_arn);
    ddb_err(&c, "ExportTableToPointInTime", body, "TableNotFoundException");
    snprintf(body, sizeof(body), "{\"TableArn\":\"%s\"}", users_arn);
    ddb_err(&c, "ExportTableToPointInTime", body, "ValidationException");

    /* it completes (work_seconds 1) and then has a manifest */
    snprintf(body, sizeof(body), "{\"ExportArn\":\"%s\"}", first_arn);
    for (int64_t deadline = clock_mono_ms() + 20000;;) {
        const char *st;
        struct timespec ts = {0, 200000000L};
        doc = ddb_ok(&c, "DescribeExport", body);
        d = json_object_get(doc, "ExportDescription");
        st = json_string_value(json_object_get(d, "ExportStatus"));
        if (strcmp(st, "COMPLETED") == 0) {
            assert_non_null(strstr(json_string_value(json_object_get(d, "ExportManifest")),
                                   "manual/users/AWSDynamoDB/"));
            assert_non_null(json_object_get(d, "ItemCount"));
            json_decref(doc);
            break;
        }
        json_decref(doc);
        assert_true(clock_mono_ms() < deadline);
        nanosleep(&ts, NULL);
    }
    awsc_release(&c);
}

#define SEEN_MAX 256

static struct http_response s3_get(struct awsc *c, const char *path)
{
    struct http_response r;
    assert_int_equal(awsc_rest(c, "s3", "GET", path, NULL, &r), 0);
    return r;
}

/* gunzip of a DynamoDB export data file. */
static char *gunzip(const struct buf *in, size_t *out_len)
{
    z_stream zs;
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    int rc;

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
    zs.next_in = (Bytef *)buf_cstr(in);
    zs.avail_in = (uInt)in->len;
    do {
        if (cap - len < 4096)
            out = realloc(out, cap *= 2);
        zs.next_out = (Bytef *)out + len;
        zs.avail_out = (uInt)(cap - len - 1);
        rc = inflate(&zs, Z_NO_FLUSH);
        len = zs.total_out;
    } while (rc == Z_OK);
    assert_int_equal(rc, Z_STREAM_END);
    inflateEnd(&zs);
    out[len] = '\0';
    *out_len = len;
    return out;
}

/* Reads one table's export of one day: manifests, each data file (md5 checked), and records
 * the type descriptors its items use into seen. */
static void read_export(struct awsc *c, const char *table, char *seen)
{
    struct http_response r = s3_get(c, "/voicebox-exports?list-type=2&prefix=dynamodb%2F");
    char *pre[64], path[1024], *keys[64], *sum_key = NULL;
    size_t np, nk;

    snprintf(path, sizeof(path),
             "/voicebox-exports?list-type=2&prefix=dynamodb%%2F%s%%2F"
             "&delimiter=%%2F",
             table);
    http_response_release(&r);
    r = s3_get(c, path);
    fc_ok_xml(m_s3, NULL, "ListObjectsV2Output", &r);
    np = fc_xml_all(buf_cstr(&r.body), "Prefix", pre, 64); /* [0] is the request's own */
    assert_true(np >= 19);
    http_response_release(&r);
    /* yesterday's export (the last common prefix may be today's, not yet exported) */
    snprintf(path, sizeof(path), "/voicebox-exports?list-type=2&prefix=%s", pre[np - 2]);
    r = s3_get(c, path);
    fc_ok_xml(m_s3, NULL, "ListObjectsV2Output", &r);
    nk = fc_xml_all(buf_cstr(&r.body), "Key", keys, 64);
    assert_true(nk >= 5);
    for (size_t i = 0; i < nk; i++)
        if (strstr(keys[i], "manifest-files.json"))
            sum_key = keys[i];
    assert_non_null(sum_key);
    http_response_release(&r);
    snprintf(path, sizeof(path), "/voicebox-exports/%s", sum_key);
    r = s3_get(c, path);
    assert_int_equal(r.status, 200);
    {
        char *save = NULL, *text = strdup(buf_cstr(&r.body));
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            json_t *m = json_loads(line, 0, NULL), *item;
            struct http_response d;
            unsigned char md[16];
            unsigned int mdl;
            char b64[32], *data, *save2 = NULL;
            size_t len;
            assert_non_null(m);
            snprintf(path, sizeof(path), "/voicebox-exports/%s",
                     json_string_value(json_object_get(m, "dataFileS3Key")));
            d = s3_get(c, path);
            assert_int_equal(d.status, 200);
            EVP_Digest(buf_cstr(&d.body), d.body.len, md, &mdl, EVP_md5(), NULL);
            EVP_EncodeBlock((unsigned char *)b64, md, 16);
            assert_string_equal(b64, json_string_value(json_object_get(m, "md5Checksum")));
            data = gunzip(&d.body, &len);
            for (char *l = strtok_r(data, "\n", &save2); l; l = strtok_r(NULL, "\n", &save2)) {
                const char *k;
                json_t *v;
                item = json_loads(l, 0, NULL);
                assert_non_null(item);
                json_object_foreach(json_object_get(item, "Item"), k, v)
                {
                    const char *t;
                    json_t *x;
                    json_object_foreach(v, t, x)
                    {
                        char tag[8];
                        size_t used = strlen(seen);
                        snprintf(tag, sizeof(tag), " %s ", t);
                        if (!strstr(seen, tag))
                            snprintf(seen + used, SEEN_MAX - used, "%s", tag);
                    }
                }
                json_decref(item);
            }
            free(data);
            json_decref(m);
            http_response_release(&d);
        }
        free(text);
    }
    http_response_release(&r);
    fc_strv_free(pre, np);
    fc_strv_free(keys, nk);
}

static void test_s3(void **state)
{
    struct awsc c;
    struct http_response r;
    char seen[SEEN_MAX] = "", *keys[64], *all[64], next[512] = "", path[1024];
    const char *types[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
    size_t nall, got = 0;

    (void)state;
    fc_check_client(&c, &fcp);
    read_export(&c, "users", seen);
    read_export(&c, "voices", seen);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        char tag[8];
        snprintf(tag, sizeof(tag), " %s ", types[i]);
        if (!strstr(seen, tag))
            printf("descriptor %s not seen in: %s\n", types[i], seen);
        assert_non_null(strstr(seen, tag));
    }

    /* paging with max-keys=1 visits the same keys as one listing */
    r = s3_get(&c, "/voicebox-exports?list-type=2&prefix=dynamodb%2Fvoices%2F&max-keys=1000");
    fc_ok_xml(m_s3, NULL, "ListObjectsV2Output", &r);
    nall = fc_xml_all(buf_cstr(&r.body), "Key", all, 64);
    assert_true(nall >= 20);
    http_response_release(&r);
    for (;;) {
        struct buf enc = BUF_INIT(4096);
        size_t nk;
        http_urlencode(&enc, next, strlen(next), 0);
        snprintf(path, sizeof(path),
                 "/voicebox-exports?list-type=2&prefix=dynamodb%%2Fvoices%%2F&max-keys=1%s%s",
                 next[0] ? "&continuation-token=" : "", buf_cstr(&enc));
        buf_release(&enc);
        r = s3_get(&c, path);
        fc_ok_xml(m_s3, NULL, "ListObjectsV2Output", &r);
        nk = fc_xml_all(buf_cstr(&r.body), "Key", keys, 64);
        assert_int_equal(nk, 1);
        if (got < nall)
            assert_string_equal(keys[0], all[got]);
        got++;
        fc_strv_free(keys, nk);
        nk = fc_xml_all(buf_cstr(&r.body), "NextContinuationToken", keys, 1);
        snprintf(next, sizeof(next), "%s", nk ? keys[0] : "");
        fc_strv_free(keys, nk);
        http_response_release(&r);
        if (!next[0] || got > 64)
            break;
    }
    assert_int_equal(got, nall < 64 ? nall : got);

    /* objects: HEAD, a range, errors */
    snprintf(path, sizeof(path), "/voicebox-exports/%s", all[0]);
    assert_int_equal(awsc_rest(&c, "s3", "HEAD", path, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(http_headers_get(&r.headers, "ETag"));
    assert_non_null(strstr(http_headers_get(&r.headers, "Last-Modified"), " GMT"));
    http_response_release(&r);
    fc_strv_free(all, nall);
    r = s3_get(&c, "/voicebox-exports/no/such/key.json");
    fc_err(m_s3, "s3", "GetObject", &r, 404, "NoSuchKey");
    http_response_release(&r);
    r = s3_get(&c, "/no-such-bucket?list-type=2");
    fc_err(m_s3, "s3", "ListObjectsV2", &r, 404, "NoSuchBucket");
    http_response_release(&r);
    r = s3_get(&c, "/voicebox-exports?list-type=2&continuation-token=bad");
    fc_err(m_s3, "s3", "ListObjectsV2", &r, 400, "InvalidArgument");
    http_response_release(&r);
    awsc_release(&c);
}

/* Page size 1: every AWS list answers one item per page and a token for the rest. */
static void test_page_size_one(void **state)
{
    struct awsc c;
    struct http_response r;
    json_t *doc;
    char *v[8], tok[512] = "", body[700];
    size_t n, pages = 0;

    (void)state;
    fc_check_client(&c, &fcp1);
    do {
        snprintf(body, sizeof(body), "{\"Limit\":100%s%s%s}",
                 tok[0] ? ",\"ExclusiveStartTableName\":\"" : "", tok, tok[0] ? "\"" : "");
        doc = ddb_ok(&c, "ListTables", body);
        assert_int_equal(json_array_size(json_object_get(doc, "TableNames")), 1);
        snprintf(tok, sizeof(tok), "%s",
                 json_object_get(doc, "LastEvaluatedTableName")
                     ? json_string_value(json_object_get(doc, "LastEvaluatedTableName"))
                     : "");
        json_decref(doc);
        pages++;
    } while (tok[0] && pages < 10);
    assert_int_equal(pages, 4);

    doc = ddb_ok(&c, "ListExports", "{\"MaxResults\":25}");
    assert_int_equal(json_array_size(json_object_get(doc, "ExportSummaries")), 1);
    snprintf(body, sizeof(body), "{\"NextToken\":\"%s\"}",
             json_string_value(json_object_get(doc, "NextToken")));
    json_decref(doc);
    doc = ddb_ok(&c, "ListExports", body);
    assert_int_equal(json_array_size(json_object_get(doc, "ExportSummaries")), 1);
    json_decref(doc);

    assert_int_equal(awsc_query(&c, "rds", "Action=DescribeExportTasks&Version=2014-10-31", &r), 0);
    fc_ok_xml(m_rds, "DescribeExportTasks", NULL, &r);
    assert_int_equal((n = fc_xml_all(buf_cstr(&r.body), "ExportTaskIdentifier", v, 8)), 1);
    fc_strv_free(v, n);
    assert_int_equal((n = fc_xml_all(buf_cstr(&r.body), "Marker", v, 8)), 1);
    {
        char form[700];
        char *m = fc_form(v[0]);
        snprintf(form, sizeof(form), "Action=DescribeExportTasks&Version=2014-10-31&Marker=%s", m);
        free(m);
        fc_strv_free(v, n);
        http_response_release(&r);
        assert_int_equal(awsc_query(&c, "rds", form, &r), 0);
        fc_ok_xml(m_rds, "DescribeExportTasks", NULL, &r);
        assert_int_equal((n = fc_xml_all(buf_cstr(&r.body), "ExportTaskIdentifier", v, 8)), 1);
        fc_strv_free(v, n);
    }
    http_response_release(&r);
    assert_int_equal(
        awsc_query(&c, "rds", "Action=DescribeDBClusterSnapshots&Version=2014-10-31", &r), 0);
    fc_ok_xml(m_rds, "DescribeDBClusterSnapshots", NULL, &r);
    assert_int_equal((n = fc_xml_all(buf_cstr(&r.body), "DBClusterSnapshotArn", v, 8)), 1);
    fc_strv_free(v, n);
    assert_non_null(strstr(buf_cstr(&r.body), "<Marker>"));
    http_response_release(&r);

    r = s3_get(&c, "/voicebox-exports?list-type=2&prefix=dynamodb%2Fusers%2F&delimiter=%2F");
    fc_ok_xml(m_s3, NULL, "ListObjectsV2Output", &r);
    assert_non_null(strstr(buf_cstr(&r.body), "<KeyCount>1</KeyCount>"));
    assert_non_null(strstr(buf_cstr(&r.body), "<IsTruncated>true</IsTruncated>"));
    http_response_release(&r);

    assert_int_equal(
        awsc_json(&c, "events", "AWSEvents.ListTargetsByRule", "{\"Rule\":\"nightly-export\"}", &r),
        0);
    doc = fc_ok_json(m_events, "ListTargetsByRule", &r);
    assert_int_equal(json_array_size(json_object_get(doc, "Targets")), 1);
    json_decref(doc);
    http_response_release(&r);
    awsc_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape_check_rejects),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_exports),
        cmocka_unit_test(test_s3),
        cmocka_unit_test(test_page_size_one),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
