/* tests/unit/collect_world.c: the scripted cloud of tests/unit/collect_world.h. Test support
 * only: it listens on 127.0.0.1 and answers a fixed world. */
#include "tests/unit/collect_world.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <cmocka.h>

struct upload {
    char data[4096];
    size_t len;
};

static const char *form_has(const char *body, const char *kv)
{
    return strstr(body, kv);
}

static void ddb_answer(struct world *w, const char *op, const char *body, int *st, char *out,
                       size_t n)
{
    if (strcmp(op, "ListTables") == 0) {
        w->count[OP_LIST_TABLES]++;
        if (strstr(body, "ExclusiveStartTableName") == NULL)
            snprintf(out, n,
                     "{\"TableNames\":[\"Ignored\"],\"LastEvaluatedTableName\":\"Ignored\"}");
        else
            snprintf(out, n, "{\"TableNames\":[\"Orders\"]}");
    } else if (strcmp(op, "DescribeTable") == 0) {
        w->count[OP_DESCRIBE_TABLE]++;
        snprintf(out, n,
                 "{\"Table\":{\"TableName\":\"Orders\",\"TableArn\":\"" ARN_T "\","
                 "\"TableStatus\":\"ACTIVE\",\"ItemCount\":5,\"TableSizeBytes\":100,"
                 "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]}}");
    } else if (strcmp(op, "DescribeContinuousBackups") == 0) {
        w->count[OP_BACKUPS]++;
        snprintf(out, n,
                 "{\"ContinuousBackupsDescription\":{\"ContinuousBackupsStatus\":\"ENABLED\","
                 "\"PointInTimeRecoveryDescription\":{\"PointInTimeRecoveryStatus\":\"ENABLED\","
                 "\"EarliestRestorableDateTime\":1708000000,"
                 "\"LatestRestorableDateTime\":1709250000}}}");
    } else if (strcmp(op, "ListExports") == 0) {
        w->count[OP_LIST_EXPORTS]++;
        if (strstr(body, "NextToken") == NULL)
            snprintf(out, n,
                     "{\"ExportSummaries\":[{\"ExportArn\":\"" X1 "\",\"ExportStatus\":"
                     "\"COMPLETED\"},{\"ExportArn\":\"" X2 "\",\"ExportStatus\":\"FAILED\"}],"
                     "\"NextToken\":\"p2\"}");
        else
            snprintf(out, n,
                     "{\"ExportSummaries\":[{\"ExportArn\":\"" X3 "\",\"ExportStatus\":"
                     "\"IN_PROGRESS\"}]}");
    } else if (strcmp(op, "DescribeExport") == 0) {
        int k = strstr(body, X1) ? 1 : strstr(body, X2) ? 2 : 3;
        const char *arn = k == 1 ? X1 : k == 2 ? X2 : X3;
        const char *status = k == 1 ? "COMPLETED" : k == 2 ? "FAILED" : "IN_PROGRESS";
        w->count[OP_DESCRIBE_EXPORT]++;
        snprintf(out, n,
                 "{\"ExportDescription\":{\"ExportArn\":\"%s\",\"ExportStatus\":\"%s\","
                 "\"StartTime\":1709200000,\"TableArn\":\"" ARN_T "\",\"ExportTime\":1709190000,"
                 "\"S3Bucket\":\"exports\",\"S3Prefix\":\"dynamodb/Orders\"}}",
                 arn, status);
    } else {
        *st = 400;
        snprintf(out, n, "{\"__type\":\"UnknownOperationException\"}");
    }
}

static void rds_answer(struct world *w, const char *body, int *st, char *out, size_t n)
{
    if (form_has(body, "Action=DescribeExportTasks")) {
        w->count[OP_RDS_TASKS]++;
        snprintf(out, n,
                 "<DescribeExportTasksResponse><DescribeExportTasksResult><ExportTasks>"
                 "<ExportTask><ExportTaskIdentifier>app-1</ExportTaskIdentifier><SourceArn>"
                 "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:appdb-2024-02-29-03-00"
                 "</SourceArn><Status>COMPLETE</Status><S3Bucket>exports</S3Bucket>"
                 "</ExportTask><ExportTask><ExportTaskIdentifier>other-1</ExportTaskIdentifier>"
                 "<SourceArn>arn:aws:rds:us-east-1:123456789012:cluster:other</SourceArn>"
                 "<Status>FAILED</Status></ExportTask></ExportTasks>"
                 "</DescribeExportTasksResult></DescribeExportTasksResponse>");
    } else if (form_has(body, "Action=DescribeDBClusterSnapshots")) {
        w->count[OP_RDS_SNAPS]++;
        snprintf(out, n,
                 "<DescribeDBClusterSnapshotsResponse><DescribeDBClusterSnapshotsResult>"
                 "<DBClusterSnapshots></DBClusterSnapshots></DescribeDBClusterSnapshotsResult>"
                 "</DescribeDBClusterSnapshotsResponse>");
    } else {
        *st = 400;
        snprintf(out, n,
                 "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>");
    }
}

static const char *run_json(const char *cfg, const char *id, const char *time, const char *state)
{
    static __thread char buf[512];
    snprintf(buf, sizeof(buf),
             "{\"name\":\"%s/runs/%s\",\"runTime\":\"%s\",\"scheduleTime\":\"%s\","
             "\"updateTime\":\"%s\",\"state\":\"%s\",\"dataSourceId\":\"amazon_s3\"}",
             cfg, id, time, time, time, state);
    return buf;
}

static void google_answer(struct world *w, const char *url, const char *query, int *st, char *out,
                          size_t n)
{
    if (strcmp(url, "/token") == 0) {
        w->count[OP_TOKEN]++;
        snprintf(out, n,
                 "{\"access_token\":\"ya29.test\",\"expires_in\":3600,"
                 "\"token_type\":\"Bearer\"}");
    } else if (strcmp(url, "/v1/projects/p/locations/us/transferConfigs") == 0) {
        w->count[OP_DTS_CONFIGS]++;
        snprintf(out, n,
                 "{\"transferConfigs\":[{\"name\":\"" CFG_B "\",\"dataSourceId\":"
                 "\"scheduled_query\",\"params\":{\"query\":\"SELECT 1\"},\"schedule\":"
                 "\"every day 05:00\"},{\"name\":\"" CFG_A "\",\"dataSourceId\":\"amazon_s3\","
                 "\"destinationDatasetId\":\"raw\",\"params\":{\"data_path\":"
                 "\"s3://exports/dynamodb/Orders/*\",\"destination_table_name_template\":"
                 "\"orders\"},\"schedule\":\"every day 04:00\"}]}");
    } else if (strcmp(url, "/v1/" CFG_A "/runs") == 0) {
        w->count[OP_DTS_RUNS]++;
        if (strstr(query, "pageToken=") == NULL)
            snprintf(out, n, "{\"transferRuns\":[%s],\"nextPageToken\":\"r2\"}",
                     run_json(CFG_A, "new", "2024-02-29T04:00:00Z", "SUCCEEDED"));
        else
            snprintf(out, n, "{\"transferRuns\":[%s]}",
                     run_json(CFG_A, "old", "2023-12-01T04:00:00Z", "SUCCEEDED"));
    } else if (strcmp(url, "/v1/" CFG_B "/runs") == 0) {
        w->count[OP_DTS_RUNS]++;
        if (w->fail_runs_b) {
            *st = 503;
            snprintf(out, n,
                     "{\"error\":{\"code\":503,\"message\":\"The service is currently "
                     "unavailable.\",\"status\":\"UNAVAILABLE\"}}");
        } else {
            snprintf(out, n, "{\"transferRuns\":[%s]}",
                     run_json(CFG_B, "q1", "2024-02-29T05:00:00Z", "FAILED"));
        }
    } else if (strcmp(url, "/bigquery/v2/projects/p/datasets/raw/tables") == 0) {
        w->count[OP_BQ_TABLES]++;
        snprintf(out, n,
                 "{\"tables\":[{\"tableReference\":{\"projectId\":\"p\",\"datasetId\":"
                 "\"raw\",\"tableId\":\"orders\"},\"type\":\"TABLE\"}]}");
    } else if (strcmp(url, "/bigquery/v2/projects/p/datasets/raw/tables/orders") == 0) {
        w->count[OP_BQ_GET]++;
        snprintf(out, n,
                 "{\"tableReference\":{\"projectId\":\"p\",\"datasetId\":\"raw\",\"tableId\":"
                 "\"orders\"},\"type\":\"TABLE\",\"numRows\":\"42\",\"numBytes\":\"4200\","
                 "\"lastModifiedTime\":\"1709200000000\",\"schema\":{\"fields\":[{\"name\":"
                 "\"Item\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"pk\",\"type\":"
                 "\"STRING\"}]}]}}");
    } else {
        *st = 404;
        snprintf(out, n,
                 "{\"error\":{\"code\":404,\"message\":\"Not found: %s\",\"status\":"
                 "\"NOT_FOUND\"}}",
                 url);
    }
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
    char *q = cls;
    size_t n = strlen(q);

    (void)kind;
    snprintf(q + n, 1024 - n, "%s=%s&", k, v ? v : "");
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    struct world *w = cls;
    struct upload *up = *con_cls;
    const char *target;
    char query[1024] = "", out[4096];
    int st = 200;
    struct MHD_Response *r;
    enum MHD_Result rc;

    (void)method;
    (void)version;
    if (up == NULL) {
        *con_cls = calloc(1, sizeof(struct upload));
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*data_size > 0) {
        size_t n = *data_size < sizeof(up->data) - 1 - up->len ? *data_size
                                                               : sizeof(up->data) - 1 - up->len;
        memcpy(up->data + up->len, data, n);
        up->len += n;
        *data_size = 0;
        return MHD_YES;
    }
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, query);
    target = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Amz-Target");
    pthread_mutex_lock(&w->lock);
    if (target != NULL && strncmp(target, "DynamoDB_20120810.", 18) == 0) {
        ddb_answer(w, target + 18, up->data, &st, out, sizeof(out));
    } else if (target != NULL && strcmp(target, "AWSEvents.DescribeRule") == 0) {
        w->count[OP_RULE]++;
        snprintf(out, sizeof(out),
                 "{\"Name\":\"nightly-export\",\"ScheduleExpression\":\"cron(0 18 * * ? *)\","
                 "\"State\":\"ENABLED\"}");
    } else if (strstr(up->data, "Version=2014-10-31") != NULL) {
        rds_answer(w, up->data, &st, out, sizeof(out));
    } else {
        google_answer(w, url, query, &st, out, sizeof(out));
    }
    pthread_mutex_unlock(&w->lock);
    r = MHD_create_response_from_buffer(strlen(out), out, MHD_RESPMEM_MUST_COPY);
    rc = MHD_queue_response(conn, (unsigned)st, r);
    MHD_destroy_response(r);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

void world_start(struct world *w)
{
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    pthread_mutex_init(&w->lock, NULL);
    w->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                            on_request, w, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED,
                            on_completed, NULL, MHD_OPTION_END);
    assert_non_null(w->d);
    info = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
    assert_non_null(info);
    snprintf(w->url, sizeof(w->url), "http://127.0.0.1:%u", (unsigned)info->port);
}

void world_stop(struct world *w)
{
    MHD_stop_daemon(w->d);
    pthread_mutex_destroy(&w->lock);
}

int world_calls(struct world *w)
{
    int n = 0;

    pthread_mutex_lock(&w->lock);
    for (int i = 0; i < OP_COUNT; i++)
        n += w->count[i];
    pthread_mutex_unlock(&w->lock);
    return n;
}
