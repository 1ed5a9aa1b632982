/* tests/unit/test_rds.c: the RDS Query/XML wire layer — the reference XML sample and synthetic
 * files in tests/data/rds (namespaces and prefixes, markers, ExportOnly members, malformed XML),
 * the builders against the derived SigV4 vectors' form bodies, and Query error XML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/apierr.h"
#include "core/rds.h"
#include "tests/unit/clients_testutil.h"

#define EP "https://rds.us-east-1.amazonaws.com"

static char *data(const char *name, size_t *len)
{
    char path[256];

    snprintf(path, sizeof(path), "tests/data/rds/%s", name);
    return ct_read(path, len);
}

static void test_export_tasks_sample(void **state)
{
    size_t len;
    char *body = ct_reference("samples/rds-export/describe-export-tasks.synthetic.xml", &len);
    struct rds_export_tasks l;
    struct err e = ERR_INIT;
    enum run_state rs;

    (void)state;
    assert_int_equal(rds_parse_export_tasks(&l, body, len, &e), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.marker, "ZXhhbXBsZS1tYXJrZXI=");
    assert_string_equal(l.v[0].id, "orders-20191031");
    assert_int_equal(l.v[0].n_export_only, 2);
    assert_string_equal(l.v[0].export_only[0], "appdb.order_items");
    assert_string_equal(l.v[0].export_only[1], "appdb.orders");
    assert_int_equal(l.v[0].snapshot_ms, 1572504293452LL);
    assert_int_equal(l.v[0].start_ms, 1572555486998LL);
    assert_int_equal(l.v[0].end_ms, 1572557848312LL);
    assert_int_equal(l.v[0].percent_progress, 100);
    assert_int_equal(l.v[0].extracted_gb, 263);
    assert_non_null(strstr(l.v[0].warning_message, "\"skippedTables\":[]"));
    assert_string_equal(l.v[0].source_type, "SNAPSHOT");
    assert_int_equal(rds_export_state(l.v[0].status, &rs), 0);
    assert_int_equal(rs, RS_SUCCEEDED);
    assert_string_equal(l.v[1].s3_prefix, "");
    assert_int_equal(l.v[1].n_export_only, 0);
    assert_int_equal(l.v[1].snapshot_ms, 0);
    assert_int_equal(rds_export_state(l.v[1].status, &rs), 0);
    assert_int_equal(rs, RS_FAILED);
    assert_non_null(strstr(l.v[1].failure_cause, "isn't located in the current AWS Region"));
    rds_export_tasks_release(&l);
    free(body);
}

static void test_export_tasks_prefixed_and_empty(void **state)
{
    size_t len;
    char *body = data("describe-export-tasks-last-page-prefixed.xml", &len);
    struct rds_export_tasks l;
    struct err e = ERR_INIT;
    enum run_state rs;

    (void)state;
    assert_int_equal(rds_parse_export_tasks(&l, body, len, &e), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.marker, ""); /* no Marker: last page */
    assert_string_equal(l.v[0].export_only[0], "appdb.users & profiles");
    assert_int_equal(l.v[0].percent_progress, 42);
    assert_int_equal(rds_export_state(l.v[0].status, &rs), 0);
    assert_int_equal(rs, RS_RUNNING);
    assert_int_equal(l.v[0].end_ms, 0);
    rds_export_tasks_release(&l);
    free(body);

    body = data("describe-export-tasks-empty.xml", &len);
    assert_int_equal(rds_parse_export_tasks(&l, body, len, &e), 0);
    assert_int_equal(l.n, 0);
    assert_null(l.v);
    rds_export_tasks_release(&l);
    free(body);
}

static void tasks_fail(const char *file, const char *n1, const char *n2)
{
    size_t len;
    char *body = data(file, &len);
    struct rds_export_tasks l;
    struct err e = ERR_INIT;

    assert_int_equal(rds_parse_export_tasks(&l, body, len, &e), -1);
    assert_null(l.v);
    assert_null(l.marker);
    ct_assert_err(&e, ERR_PARSE, "rds DescribeExportTasks: ", n1, n2, NULL);
    free(body);
}

static void test_malformed(void **state)
{
    (void)state;
    tasks_fail("describe-export-tasks-bad-number.xml",
               "ExportTasks.ExportTask[1].PercentProgress is \"most\"", "expected an integer");
    tasks_fail("describe-export-tasks-bad-time.xml", "ExportTasks.ExportTask[0].TaskStartTime",
               "yesterday");
    tasks_fail("describe-export-tasks-missing-id.xml",
               "ExportTasks.ExportTask[0].ExportTaskIdentifier is missing", "");
    tasks_fail("describe-export-tasks-truncated.xml", "not valid XML", "line 1");
    tasks_fail("describe-export-tasks-doctype.xml", "DOCTYPE", "");
    tasks_fail("describe-db-cluster-snapshots.xml",
               "root element is <DescribeDBClusterSnapshotsResponse>", "");
}

static void test_snapshots_and_start(void **state)
{
    size_t len;
    char *body = data("describe-db-cluster-snapshots.xml", &len);
    struct rds_cluster_snapshots s;
    struct rds_export_task t;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(rds_parse_cluster_snapshots(&s, body, len, &e), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.marker, "c25hcDI=");
    assert_string_equal(s.v[0].arn, "arn:aws:rds:ap-northeast-1:123456789012:cluster-snapshot:rds:"
                                    "users-aurora-2024-03-01-03-00");
    assert_int_equal(s.v[0].created_ms, 1709262011421LL);
    assert_string_equal(s.v[0].type, "automated");
    assert_string_equal(s.v[1].status, "creating");
    assert_null(s.v[1].arn);
    rds_cluster_snapshots_release(&s);
    free(body);

    body = data("start-export-task.xml", &len);
    assert_int_equal(rds_parse_start_export_task(&t, body, len, &e), 0);
    assert_string_equal(t.id, "orders-20150830");
    assert_string_equal(t.status, "STARTING");
    assert_int_equal(t.n_export_only, 1);
    rds_export_task_release(&t);
    free(body);
}

static void test_builders(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;
    const char *failed[] = {"failed", NULL};
    const char *two[] = {"failed", "canceled", NULL};
    struct rds_filter f = {"status", failed};
    struct rds_filter f2[] = {{"status", two}, {"source-arn", NULL}};
    const char *only[] = {"orders.order_items", NULL};
    struct rds_export_request r = {
        .id = "orders-20150830",
        .source_arn = "arn:aws:rds:us-east-1:123456789012:cluster:orders-aurora",
        .s3_bucket = "example-exports",
        .iam_role_arn = "arn:aws:iam::123456789012:role/rds-s3-export",
        .kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        .s3_prefix = "aurora/orders",
        .export_only = only,
    };

    (void)state;
    assert_int_equal(
        rds_build_describe_export_tasks(&req, EP, NULL, NULL, &f, 1, NULL, 100, NULL, &e), 0);
    ct_assert_sigv4_vector(&req, "rds-describe-export-tasks-query");
    assert_string_equal(req.command, "aws rds describe-export-tasks --filters "
                                     "Name=status,Values=failed --max-records 100");
    http_request_release(&req);

    assert_int_equal(rds_build_start_export_task(&req, EP, &r, &e), 0);
    ct_assert_sigv4_vector(&req, "rds-start-export-task-query");
    http_request_release(&req);

    assert_int_equal(rds_build_describe_export_tasks(&req, "http://localhost:4566/", "t 1", "arn:x",
                                                     f2, 2, "m+/=", 20, "CLUSTER", &e),
                     0);
    ct_assert_req(&req, "POST", "http://localhost:4566/",
                  "Action=DescribeExportTasks&Version=2014-10-31&ExportTaskIdentifier=t%201"
                  "&SourceArn=arn%3Ax&Filters.Filter.1.Name=status"
                  "&Filters.Filter.1.Values.Value.1=failed&Filters.Filter.1.Values.Value.2=canceled"
                  "&Filters.Filter.2.Name=source-arn&Marker=m%2B%2F%3D&MaxRecords=20"
                  "&SourceType=CLUSTER");
    assert_string_equal(req.command, "aws rds describe-export-tasks --export-task-identifier 't 1' "
                                     "--source-arn arn:x --filters "
                                     "Name=status,Values=failed,canceled Name=source-arn,Values= "
                                     "--max-records 20 --marker m+/= --source-type CLUSTER "
                                     "--endpoint-url http://localhost:4566/");
    http_request_release(&req);

    assert_int_equal(rds_build_describe_cluster_snapshots(&req, EP, "users-aurora", "automated",
                                                          NULL, 0, 20, "mk", &e),
                     0);
    ct_assert_req(
        &req, "POST", EP "/",
        "Action=DescribeDBClusterSnapshots&Version=2014-10-31"
        "&DBClusterIdentifier=users-aurora&SnapshotType=automated&MaxRecords=20&Marker=mk");
    ct_assert_header(&req, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    http_request_release(&req);

    r.kms_key_id = NULL;
    assert_int_equal(rds_build_start_export_task(&req, EP, &r, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "KmsKeyId is required", NULL);
}

static void read_query(struct apierr *out, long status, const struct http_headers *h,
                       const char *body, size_t len)
{
    (void)h;
    apierr_read_aws_query(out, status, body, len);
}

static void test_errors(void **state)
{
    size_t len;
    char *body = ct_reference("samples/rds-export/error-export-task-not-found.synthetic.xml", &len);
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(ct_protocol_errors("query.json", read_query), 3);
    assert_int_equal(rds_error(&e, "DescribeExportTasks", 404, NULL, body, len), -1);
    ct_assert_err(
        &e, ERR_NOT_FOUND,
        "rds DescribeExportTasks: HTTP 404 ExportTaskNotFound: The export task with the ID "
        "orders-2019-13-45 doesn't exist. (request id 7f1b2c3d-0000-4000-8000-123456789abd)",
        NULL);
    free(body);

    err_clear(&e);
    body = data("error-access-denied.xml", &len);
    assert_int_equal(rds_error(&e, "DescribeExportTasks", 403, NULL, body, len), -1);
    ct_assert_err(&e, ERR_AUTH, "AccessDenied", "not authorized to perform", NULL);
    free(body);

    err_clear(&e);
    body = data("error-throttling.xml", &len);
    assert_int_equal(rds_error(&e, "DescribeExportTasks", 400, NULL, body, len), -1);
    ct_assert_err(&e, ERR_SERVICE, "Throttling: Rate exceeded", "retry later", NULL);
    free(body);

    err_clear(&e);
    assert_int_equal(rds_error(&e, "DescribeExportTasks", 503, NULL, "<html>busy", 10), -1);
    ct_assert_err(&e, ERR_SERVICE, "HTTP 503: <html>busy", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_tasks_sample),
        cmocka_unit_test(test_export_tasks_prefixed_and_empty),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_snapshots_and_start),
        cmocka_unit_test(test_builders),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
