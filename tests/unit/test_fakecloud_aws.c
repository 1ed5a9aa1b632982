/* tests/unit/test_fakecloud_aws.c: self-check of the fake cloud's STS, RDS, Lambda and
 * EventBridge operations and of its SigV4 verification: each answer is checked against the
 * official botocore output shape, each error against the operation's documented errors, using
 * the real HTTP engine and signer. DynamoDB and S3 are in test_fakecloud_ddb_s3.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/timeutil.h"
#include "tests/unit/fc_check.h"
#include "tests/unit/shape_check.h"

static struct fakecloud_proc fcp;
static json_t *m_sts, *m_rds, *m_lambda, *m_events, *m_ddb, *m_s3;
static char account[32], region[32];

static int setup(void **state)
{
    char *scen = fc_check_scenario(0);

    (void)state;
    m_sts = shape_model_load("sts");
    m_rds = shape_model_load("rds");
    m_lambda = shape_model_load("lambda");
    m_events = shape_model_load("events");
    m_ddb = shape_model_load("dynamodb");
    m_s3 = shape_model_load("s3");
    snprintf(account, sizeof(account), "%s", fc_check_demo("aws.account_id"));
    snprintf(region, sizeof(region), "%s", fc_check_demo("aws.region"));
    if (!scen || !m_sts || !m_rds || !m_lambda || !m_events || !m_ddb || !m_s3 ||
        fakecloud_start(&fcp, scen) != 0) {
        free(scen);
        return -1;
    }
    free(scen);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(m_sts);
    json_decref(m_rds);
    json_decref(m_lambda);
    json_decref(m_events);
    json_decref(m_ddb);
    json_decref(m_s3);
    return fakecloud_stop(&fcp) == 0 ? 0 : -1;
}

static void query(struct awsc *c, const char *svc, const char *form, struct http_response *r)
{
    http_response_release(r);
    assert_int_equal(awsc_query(c, svc, form, r), 0);
}

static char *first(const char *xml, const char *tag)
{
    char *v[1];
    return fc_xml_all(xml, tag, v, 1) ? v[0] : NULL;
}

static void test_sts(void **state)
{
    struct awsc c, t;
    struct http_response r;
    char form[1024], *role = NULL, *ak, *sk, *tok, *arn;

    (void)state;
    memset(&r, 0, sizeof(r));
    fc_check_client(&c, &fcp);
    query(&c, "sts", "Action=GetCallerIdentity&Version=2011-06-15", &r);
    fc_ok_xml(m_sts, "GetCallerIdentity", NULL, &r);
    arn = first(buf_cstr(&r.body), "Account");
    assert_string_equal(arn, account);
    free(arn);

    role = fc_form("arn:aws:iam::210987654321:role/pipetop-readonly");
    snprintf(form, sizeof(form),
             "Action=AssumeRole&Version=2011-06-15&RoleArn=%s&RoleSessionName=pipetop-test"
             "&DurationSeconds=900",
             role);
    query(&c, "sts", form, &r);
    fc_ok_xml(m_sts, "AssumeRole", NULL, &r);
    ak = first(buf_cstr(&r.body), "AccessKeyId");
    sk = first(buf_cstr(&r.body), "SecretAccessKey");
    tok = first(buf_cstr(&r.body), "SessionToken");
    assert_non_null(ak);
    assert_non_null(sk);
    assert_non_null(tok);
    assert_int_equal(strncmp(ak, "ASIA", 4), 0);
    /* the issued temporary key works, and names the assumed role */
    assert_int_equal(awsc_init(&t, fcp.url, ak, sk, tok, region, 0), 0);
    query(&t, "sts", "Action=GetCallerIdentity&Version=2011-06-15", &r);
    fc_ok_xml(m_sts, "GetCallerIdentity", NULL, &r);
    assert_non_null(strstr(buf_cstr(&r.body), "assumed-role/pipetop-readonly/pipetop-test"));
    awsc_release(&t);
    free(ak);
    free(sk);
    free(tok);

    snprintf(form, sizeof(form),
             "Action=AssumeRole&Version=2011-06-15&RoleArn=%s&RoleSessionName=x", role);
    query(&c, "sts", form, &r);
    fc_err(m_sts, "sts", "AssumeRole", &r, 400, "ValidationError");
    free(role);
    role = fc_form("arn:aws:iam::210987654321:role/nobody");
    snprintf(form, sizeof(form),
             "Action=AssumeRole&Version=2011-06-15&RoleArn=%s&RoleSessionName=pipetop-test", role);
    query(&c, "sts", form, &r);
    fc_err(m_sts, "sts", "AssumeRole", &r, 403, "AccessDenied");
    query(&c, "sts", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=pipetop-test", &r);
    fc_err(m_sts, "sts", "AssumeRole", &r, 400, "ValidationError");
    free(role);
    http_response_release(&r);
    awsc_release(&c);
}

/* The snapshot id of day offset `day` at 02:00 in the demo's zone (Asia/Tokyo). */
static void snapshot_arn(int day, char *out, size_t n)
{
    struct err e = ERR_INIT;
    char today[TIME_DAY_LEN], d[TIME_DAY_LEN], name[32];
    int64_t ms;
    time_t t;
    struct tm tm;

    time_day_of(clock_now_ms(NULL), today);
    assert_int_equal(time_day_add(today, day, d, &e), 0);
    assert_int_equal(time_local_at(d, 2, 0, 0, &ms, &e), 0);
    t = (time_t)(ms / 1000);
    gmtime_r(&t, &tm);
    strftime(name, sizeof(name), "%Y-%m-%d-%H-%M", &tm);
    snprintf(out, n, "arn:aws:rds:%s:%s:cluster-snapshot:rds:appdb-%s", region, account, name);
}

static void test_rds_exports(void **state)
{
    struct awsc c;
    struct http_response r;
    char *v[128], form[2048];
    size_t n;

    (void)state;
    memset(&r, 0, sizeof(r));
    fc_check_client(&c, &fcp);
    query(&c, "rds", "Action=DescribeExportTasks&Version=2014-10-31&MaxRecords=20", &r);
    fc_ok_xml(m_rds, "DescribeExportTasks", NULL, &r);
    n = fc_xml_all(buf_cstr(&r.body), "ExportTaskIdentifier", v, 128);
    assert_true(n >= 19 && n <= 20);
    fc_strv_free(v, n);

    /* lower-case status filter values match; upper-case ones match nothing */
    query(&c, "rds",
          "Action=DescribeExportTasks&Version=2014-10-31&Filters.Filter.1.Name=status"
          "&Filters.Filter.1.Values.Value.1=complete",
          &r);
    fc_ok_xml(m_rds, "DescribeExportTasks", NULL, &r);
    n = fc_xml_all(buf_cstr(&r.body), "Status", v, 128);
    assert_true(n >= 18);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(v[i], "COMPLETE");
    fc_strv_free(v, n);
    query(&c, "rds",
          "Action=DescribeExportTasks&Version=2014-10-31&Filters.Filter.1.Name=status"
          "&Filters.Filter.1.Values.Value.1=COMPLETE",
          &r);
    fc_ok_xml(m_rds, "DescribeExportTasks", NULL, &r);
    assert_null(strstr(buf_cstr(&r.body), "<ExportTask>"));
    query(&c, "rds",
          "Action=DescribeExportTasks&Version=2014-10-31&Filters.Filter.1.Name=status"
          "&Filters.Filter.1.Values.Value.1=failed",
          &r);
    fc_ok_xml(m_rds, "DescribeExportTasks", NULL, &r);
    n = fc_xml_all(buf_cstr(&r.body), "FailureCause", v, 128);
    assert_int_equal(n, 1);
    assert_non_null(strstr(v[0], "could not write"));
    fc_strv_free(v, n);

    query(&c, "rds", "Action=DescribeExportTasks&Version=2014-10-31&MaxRecords=5", &r);
    fc_err(m_rds, "rds", "DescribeExportTasks", &r, 400, "InvalidParameterValue");
    query(&c, "rds", "Action=DescribeExportTasks&Version=2014-10-31&ExportTaskIdentifier=nope", &r);
    fc_err(m_rds, "rds", "DescribeExportTasks", &r, 404, "ExportTaskNotFound");
    query(&c, "rds", "Action=DescribeExportTasks&Version=2014-10-31&Marker=bm90LWEtbWFya2Vy", &r);
    fc_err(m_rds, "rds", "DescribeExportTasks", &r, 400, "InvalidParameterValue");

    /* StartExportTask: a snapshot that exists, then the same id again, then a deleted one */
    {
        char arn[256], *sarn, *kms = fc_form("arn:aws:kms:ap-northeast-1:210987654321:key/k1");
        char *role = fc_form("arn:aws:iam::210987654321:role/rds-s3-export");
        snapshot_arn(-2, arn, sizeof(arn));
        sarn = fc_form(arn);
        snprintf(form, sizeof(form),
                 "Action=StartExportTask&Version=2014-10-31&ExportTaskIdentifier=test-rerun-1"
                 "&SourceArn=%s&S3BucketName=voicebox-exports&IamRoleArn=%s&KmsKeyId=%s"
                 "&S3Prefix=aurora%%2Fappdb%%2Fmanual&ExportOnly.member.1=appdb.orders",
                 sarn, role, kms);
        query(&c, "rds", form, &r);
        fc_ok_xml(m_rds, "StartExportTask", NULL, &r);
        assert_non_null(strstr(buf_cstr(&r.body), "<ExportOnly><member>appdb.orders</member>"));
        query(&c, "rds", form, &r);
        fc_err(m_rds, "rds", "StartExportTask", &r, 400, "ExportTaskAlreadyExists");
        free(sarn);
        snapshot_arn(-15, arn, sizeof(arn));
        sarn = fc_form(arn);
        snprintf(form, sizeof(form),
                 "Action=StartExportTask&Version=2014-10-31&ExportTaskIdentifier=test-rerun-2"
                 "&SourceArn=%s&S3BucketName=voicebox-exports&IamRoleArn=%s&KmsKeyId=%s",
                 sarn, role, kms);
        query(&c, "rds", form, &r);
        fc_err(m_rds, "rds", "StartExportTask", &r, 404, "DBClusterSnapshotNotFoundFault");
        snprintf(form, sizeof(form),
                 "Action=StartExportTask&Version=2014-10-31&ExportTaskIdentifier=test-rerun-3"
                 "&SourceArn=%s&S3BucketName=voicebox-exports&IamRoleArn=%s",
                 sarn, role);
        query(&c, "rds", form, &r);
        fc_err(m_rds, "rds", "StartExportTask", &r, 400, "MissingParameter");
        assert_non_null(strstr(buf_cstr(&r.body), "KmsKeyId"));
        free(sarn);
        free(kms);
        free(role);
        /* the deleted snapshot is not listed either */
        query(&c, "rds",
              "Action=DescribeDBClusterSnapshots&Version=2014-10-31&DBClusterIdentifier=appdb"
              "&SnapshotType=automated",
              &r);
        fc_ok_xml(m_rds, "DescribeDBClusterSnapshots", NULL, &r);
        n = fc_xml_all(buf_cstr(&r.body), "DBClusterSnapshotArn", v, 128);
        assert_true(n >= 18 && n <= 20);
        for (size_t i = 0; i < n; i++)
            assert_string_not_equal(v[i], arn);
        fc_strv_free(v, n);
    }
    query(&c, "rds",
          "Action=DescribeDBClusterSnapshots&Version=2014-10-31&DBClusterSnapshotIdentifier=nope",
          &r);
    fc_err(m_rds, "rds", "DescribeDBClusterSnapshots", &r, 404, "DBClusterSnapshotNotFoundFault");
    query(&c, "rds", "Action=DescribeDBClusterSnapshots&Version=2014-10-31&MaxRecords=101", &r);
    fc_err(m_rds, "rds", "DescribeDBClusterSnapshots", &r, 400, "InvalidParameterValue");
    http_response_release(&r);
    awsc_release(&c);
}

static void test_events(void **state)
{
    struct awsc c;
    struct http_response r;
    json_t *doc;

    (void)state;
    fc_check_client(&c, &fcp);
    assert_int_equal(awsc_json(&c, "events", "AWSEvents.DescribeRule",
                               "{\"Name\":\"nightly-export\",\"EventBusName\":\"default\"}", &r),
                     0);
    doc = fc_ok_json(m_events, "DescribeRule", &r);
    assert_string_equal(json_string_value(json_object_get(doc, "ScheduleExpression")),
                        "cron(0 18 * * ? *)"); /* 03:00 in Tokyo */
    assert_string_equal(json_string_value(json_object_get(doc, "State")), "ENABLED");
    json_decref(doc);
    http_response_release(&r);
    assert_int_equal(awsc_json(&c, "events", "AWSEvents.ListTargetsByRule",
                               "{\"Rule\":\"nightly-export\",\"Limit\":10}", &r),
                     0);
    doc = fc_ok_json(m_events, "ListTargetsByRule", &r);
    assert_int_equal(json_array_size(json_object_get(doc, "Targets")), 1);
    assert_non_null(strstr(json_string_value(json_object_get(
                               json_array_get(json_object_get(doc, "Targets"), 0), "Arn")),
                           ":function:nightly-export"));
    json_decref(doc);
    http_response_release(&r);
    assert_int_equal(awsc_json(&c, "events", "AWSEvents.DescribeRule", "{\"Name\":\"nope\"}", &r),
                     0);
    fc_err(m_events, "events", "DescribeRule", &r, 400, "ResourceNotFoundException");
    http_response_release(&r);
    assert_int_equal(awsc_json(&c, "events", "AWSEvents.ListTargetsByRule", "{}", &r), 0);
    fc_err(m_events, "events", "ListTargetsByRule", &r, 400, "ValidationException");
    http_response_release(&r);
    awsc_release(&c);
}

/* Polls DescribeExport until the export is COMPLETED (work_seconds is 1 in the test world). */
static void wait_export(struct awsc *c, const char *arn)
{
    char body[512];
    int64_t deadline = clock_mono_ms() + 20000;

    snprintf(body, sizeof(body), "{\"ExportArn\":\"%s\"}", arn);
    for (;;) {
        struct http_response r;
        json_t *doc;
        const char *st;
        int done;
        assert_int_equal(awsc_json(c, "dynamodb", "DynamoDB_20120810.DescribeExport", body, &r), 0);
        doc = fc_ok_json(m_ddb, "DescribeExport", &r);
        st = json_string_value(
            json_object_get(json_object_get(doc, "ExportDescription"), "ExportStatus"));
        done = strcmp(st, "COMPLETED") == 0;
        json_decref(doc);
        http_response_release(&r);
        if (done)
            return;
        assert_true(clock_mono_ms() < deadline);
        {
            struct timespec ts = {0, 200000000L};
            nanosleep(&ts, NULL);
        }
    }
}

static int day_has_manifest(struct awsc *c, const char *day)
{
    struct http_response r;
    char path[256];
    int has;

    snprintf(path, sizeof(path), "/voicebox-exports?list-type=2&prefix=dynamodb%%2Fusers%%2F%s%%2F",
             day);
    assert_int_equal(awsc_rest(c, "s3", "GET", path, NULL, &r), 0);
    fc_ok_xml(m_s3, NULL, "ListObjectsV2Output", &r);
    has = strstr(buf_cstr(&r.body), "manifest-summary.json") != NULL;
    http_response_release(&r);
    return has;
}

static void test_lambda(void **state)
{
    struct awsc c;
    struct http_response r;
    char today[TIME_DAY_LEN], day[TIME_DAY_LEN], body[128];
    struct err e = ERR_INIT;
    json_t *doc, *started;
    const char *fe;

    (void)state;
    fc_check_client(&c, &fcp);
    time_day_of(clock_now_ms(NULL), today);
    /* day -4: the users export failed, so its S3 prefix has no manifest yet */
    assert_int_equal(time_day_add(today, -4, day, &e), 0);
    assert_false(day_has_manifest(&c, day));
    snprintf(body, sizeof(body), "{\"date\":\"%s\"}", day);
    assert_int_equal(awsc_rest(&c, "lambda", "POST",
                               "/2015-03-31/functions/nightly-export/invocations", body, &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_string_equal(http_headers_get(&r.headers, "X-Amz-Executed-Version"), "$LATEST");
    assert_null(http_headers_get(&r.headers, "X-Amz-Function-Error"));
    doc = json_loads(buf_cstr(&r.body), 0, NULL);
    assert_non_null(doc);
    started = json_object_get(doc, "started");
    assert_true(json_array_size(started) >= 4); /* users, voices, usage_events, appdb */
    fe = json_string_value(json_array_get(started, 0));
    assert_non_null(fe);
    assert_non_null(strstr(fe, ":table/users/export/"));
    wait_export(&c, fe);
    /* the rerun wrote the day's export where the nightly one would have */
    assert_true(day_has_manifest(&c, day));
    json_decref(doc);
    http_response_release(&r);

    /* one table only: that table's export of that day and nothing else */
    snprintf(body, sizeof(body), "{\"date\":\"%s\",\"table\":\"users\"}", day);
    assert_int_equal(awsc_rest(&c, "lambda", "POST",
                               "/2015-03-31/functions/nightly-export/invocations", body, &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_null(http_headers_get(&r.headers, "X-Amz-Function-Error"));
    doc = json_loads(buf_cstr(&r.body), 0, NULL);
    started = json_object_get(doc, "started");
    assert_int_equal(json_array_size(started), 1);
    assert_non_null(strstr(json_string_value(json_array_get(started, 0)), ":table/users/export/"));
    json_decref(doc);
    http_response_release(&r);
    /* events the function cannot read: it throws (Unhandled), as a real handler would */
    {
        static const char *const bad[][2] = {
            {"[\"2026-12-03\"]", "must be a JSON object"},
            {"{\"date\":20261203}", "must be strings"},
            {"{\"date\":\"2026-12-03\",\"table\":\"nope\"}", "no DynamoDB table \\\"nope\\\""},
            {"{\"date\":\"2026-12-03\",\"cluster\":\"nope\"}", "no Aurora cluster"},
            {"{\"date\":\"2026-12-03\",\"table\":\"users\",\"cluster\":\"appdb\"}", "not both"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            assert_int_equal(awsc_rest(&c, "lambda", "POST",
                                       "/2015-03-31/functions/nightly-export/invocations",
                                       bad[i][0], &r),
                             0);
            assert_int_equal(r.status, 200);
            assert_string_equal(http_headers_get(&r.headers, "X-Amz-Function-Error"), "Unhandled");
            if (strstr(buf_cstr(&r.body), bad[i][1]) == NULL)
                fail_msg("%s answered %s", bad[i][0], buf_cstr(&r.body));
            http_response_release(&r);
        }
    }

    /* by ARN (percent-encoded as one segment) with a Tail log */
    assert_int_equal(awsc_rest(&c, "lambda", "POST",
                               "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aap-northeast-1%3A"
                               "210987654321%3Afunction%3Anightly-export/invocations",
                               "{\"date\":\"not-a-date\"}", &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_string_equal(http_headers_get(&r.headers, "X-Amz-Function-Error"), "Unhandled");
    assert_non_null(strstr(buf_cstr(&r.body), "errorMessage"));
    http_response_release(&r);
    assert_int_equal(
        awsc_rest(&c, "lambda", "POST", "/2015-03-31/functions/nope/invocations", "{}", &r), 0);
    fc_err(m_lambda, "lambda", "Invoke", &r, 404, "ResourceNotFoundException");
    http_response_release(&r);
    assert_int_equal(awsc_rest(&c, "lambda", "POST",
                               "/2015-03-31/functions/nightly-export/invocations", "{not json", &r),
                     0);
    fc_err(m_lambda, "lambda", "Invoke", &r, 400, "InvalidRequestContentException");
    http_response_release(&r);
    awsc_release(&c);
}

/* One signed call per protocol with client c, each expected to fail with the given codes. */
static void expect_all(struct awsc *c, long ddb_status, const char *ddb, long sts_status,
                       const char *sts, long s3_status, const char *s3, const char *text)
{
    struct http_response r;

    assert_int_equal(awsc_json(c, "dynamodb", "DynamoDB_20120810.ListTables", "{}", &r), 0);
    fc_err(m_ddb, "dynamodb", "ListTables", &r, ddb_status, ddb);
    if (text)
        assert_non_null(strstr(buf_cstr(&r.body), text));
    http_response_release(&r);
    assert_int_equal(awsc_query(c, "sts", "Action=GetCallerIdentity&Version=2011-06-15", &r), 0);
    fc_err(m_sts, "sts", "GetCallerIdentity", &r, sts_status, sts);
    if (text)
        assert_non_null(strstr(buf_cstr(&r.body), text));
    http_response_release(&r);
    assert_int_equal(awsc_rest(c, "s3", "GET", "/voicebox-exports?list-type=2", NULL, &r), 0);
    fc_err(m_s3, "s3", "ListObjectsV2", &r, s3_status, s3);
    http_response_release(&r);
}

static void test_auth(void **state)
{
    const char *secret = "fakecloudSecretKey/0000000000000000000000";
    struct awsc c;
    struct http_response r;

    (void)state;
    fc_check_client(&c, &fcp);
    assert_int_equal(awsc_unsigned(&c, "dynamodb", "DynamoDB_20120810.ListTables", "{}", &r), 0);
    fc_err(m_ddb, "dynamodb", "ListTables", &r, 400, "MissingAuthenticationTokenException");
    http_response_release(&r);
    awsc_release(&c);

    assert_int_equal(
        awsc_init(&c, fcp.url, "AKIDFAKECLOUD0000001", "wrong-secret", NULL, region, 0), 0);
    expect_all(&c, 400, "InvalidSignatureException", 403, "SignatureDoesNotMatch", 403,
               "SignatureDoesNotMatch", "signature we calculated");
    awsc_release(&c);

    assert_int_equal(awsc_init(&c, fcp.url, "AKIDUNKNOWN000000001", secret, NULL, region, 0), 0);
    expect_all(&c, 400, "UnrecognizedClientException", 403, "InvalidClientTokenId", 403,
               "InvalidAccessKeyId", NULL);
    awsc_release(&c);

    assert_int_equal(
        awsc_init(&c, fcp.url, "AKIDFAKECLOUD0000001", secret, NULL, region, -20 * 60 * 1000), 0);
    expect_all(&c, 400, "InvalidSignatureException", 403, "SignatureDoesNotMatch", 403,
               "RequestTimeTooSkewed", "Signature expired");
    awsc_release(&c);

    assert_int_equal(awsc_init(&c, fcp.url, "AKIDFAKECLOUD0000001", secret, NULL, "us-west-2", 0),
                     0);
    assert_int_equal(awsc_json(&c, "dynamodb", "DynamoDB_20120810.ListTables", "{}", &r), 0);
    fc_err(m_ddb, "dynamodb", "ListTables", &r, 400, "InvalidSignatureException");
    assert_non_null(strstr(buf_cstr(&r.body), "scoped to a valid region, not 'us-west-2'"));
    http_response_release(&r);
    snprintf(c.region, sizeof(c.region), "us-east-1"); /* STS's global endpoint takes it */
    assert_int_equal(awsc_query(&c, "sts", "Action=GetCallerIdentity&Version=2011-06-15", &r), 0);
    fc_ok_xml(m_sts, "GetCallerIdentity", NULL, &r);
    http_response_release(&r);
    c.sign_service = "s3";
    snprintf(c.region, sizeof(c.region), "%s", region);
    assert_int_equal(awsc_json(&c, "dynamodb", "DynamoDB_20120810.ListTables", "{}", &r), 0);
    fc_err(m_ddb, "dynamodb", "ListTables", &r, 400, "InvalidSignatureException");
    assert_non_null(strstr(buf_cstr(&r.body), "scoped to correct service"));
    http_response_release(&r);
    awsc_release(&c);

    /* a temporary key: without its token it is refused, with it accepted */
    assert_int_equal(awsc_init(&c, fcp.url, FC_TEMP_AKID, FC_TEMP_SECRET, NULL, region, 0), 0);
    expect_all(&c, 400, "UnrecognizedClientException", 403, "InvalidClientTokenId", 400,
               "InvalidToken", NULL);
    awsc_release(&c);
    assert_int_equal(awsc_init(&c, fcp.url, FC_TEMP_AKID, FC_TEMP_SECRET, FC_TEMP_TOKEN, region, 0),
                     0);
    assert_int_equal(awsc_json(&c, "dynamodb", "DynamoDB_20120810.ListTables", "{}", &r), 0);
    json_decref(fc_ok_json(m_ddb, "ListTables", &r));
    http_response_release(&r);
    awsc_release(&c);
    assert_int_equal(awsc_init(&c, fcp.url, FC_OLD_AKID, FC_TEMP_SECRET, FC_OLD_TOKEN, region, 0),
                     0);
    expect_all(&c, 400, "ExpiredTokenException", 403, "ExpiredToken", 400, "ExpiredToken", NULL);
    awsc_release(&c);
}

/* A scenario's rerun plan and an injected Lambda failure decide what started work does. */
static void test_rerun_plans(void **state)
{
    static const char scen[] =
        "{\"work_seconds\": 1, \"days\": 3, \"export\": {\"lambda_fail\": \"Task timed out\"},"
        " \"dynamodb\": {\"tables\": [{\"name\": \"t1\"}]},"
        " \"pipelines\": [{\"name\": \"t1\", \"source\": {\"dynamodb\": \"t1\"},"
        "   \"rerun\": {\"export\": \"FAILED:S3NoSuchBucket:The bucket does not exist\"}}]}";
    struct fakecloud_proc p;
    struct awsc c;
    struct http_response r;
    json_t *doc, *d;
    char body[512], arn[256];
    int64_t deadline = clock_mono_ms() + 20000;

    (void)state;
    assert_int_equal(fakecloud_start(&p, scen), 0);
    assert_int_equal(awsc_init(&c, p.url, "AKIDFAKECLOUD0000001",
                               "fakecloudSecretKey/0000000000000000000000", NULL, "us-east-1", 0),
                     0);
    assert_int_equal(awsc_json(&c, "dynamodb", "DynamoDB_20120810.ExportTableToPointInTime",
                               "{\"TableArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/t1\","
                               "\"S3Bucket\":\"pipetop-exports\"}",
                               &r),
                     0);
    doc = fc_ok_json(m_ddb, "ExportTableToPointInTime", &r);
    snprintf(
        arn, sizeof(arn), "%s",
        json_string_value(json_object_get(json_object_get(doc, "ExportDescription"), "ExportArn")));
    json_decref(doc);
    http_response_release(&r);
    snprintf(body, sizeof(body), "{\"ExportArn\":\"%s\"}", arn);
    for (;;) {
        struct timespec ts = {0, 200000000L};
        const char *st;
        int done;
        assert_int_equal(awsc_json(&c, "dynamodb", "DynamoDB_20120810.DescribeExport", body, &r),
                         0);
        doc = fc_ok_json(m_ddb, "DescribeExport", &r);
        http_response_release(&r);
        d = json_object_get(doc, "ExportDescription");
        st = json_string_value(json_object_get(d, "ExportStatus"));
        done = strcmp(st, "IN_PROGRESS") != 0;
        if (done) {
            assert_string_equal(st, "FAILED");
            assert_string_equal(json_string_value(json_object_get(d, "FailureCode")),
                                "S3NoSuchBucket");
        }
        json_decref(doc);
        if (done)
            break;
        assert_true(clock_mono_ms() < deadline);
        nanosleep(&ts, NULL);
    }
    assert_int_equal(awsc_rest(&c, "lambda", "POST",
                               "/2015-03-31/functions/nightly-export/invocations", "{}", &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_string_equal(http_headers_get(&r.headers, "X-Amz-Function-Error"), "Unhandled");
    assert_non_null(strstr(buf_cstr(&r.body), "Task timed out"));
    http_response_release(&r);
    awsc_release(&c);
    assert_int_equal(fakecloud_stop(&p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sts),    cmocka_unit_test(test_rds_exports),
        cmocka_unit_test(test_events), cmocka_unit_test(test_lambda),
        cmocka_unit_test(test_auth),   cmocka_unit_test(test_rerun_plans),
    };
    struct err e = ERR_INIT;

    /* days are counted in the demo's zone, as the fake cloud counts them */
    if (time_zone_use("Asia/Tokyo", &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
