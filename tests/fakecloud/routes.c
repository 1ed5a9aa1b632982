/* tests/fakecloud/routes.c: the route table and the router. A request is first given its
 * service (X-Amz-Target, Query Action + SigV4 scope, Lambda/Google paths, else S3 path-style),
 * then matched against fc_routes[]; an operation without a route gets the service's own
 * "unknown operation" answer. Extend by adding lines to fc_routes[] and fc_modules[]. */
#include "tests/fakecloud/fakecloud.h"
#include "tests/fakecloud/gcp.h"
#include "tests/fakecloud/google.h"

#include "tests/fakecloud/aws.h"
#include "tests/fakecloud/world.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#define BQ_REFUSED "REFUSED-query-job(pipetop reads metadata only)"

const struct fc_route fc_routes[] = {
    /* control endpoints (never fault-injected) */
    {"fake", "GET /_fake/health", "health", fc_control_health, FC_NO_FAULTS},
    {"fake", "* /_fake/faults", "faults", fc_control_faults, FC_NO_FAULTS},
    {"fake", "GET /_fake/calls", "calls", fc_control_calls, FC_NO_FAULTS},
    {"fake", "* /_fake/stats", "stats", fc_control_stats, FC_NO_FAULTS},
    {"fake", "GET /_fake/world", "world", fw_control_world, FC_NO_FAULTS},
    /* test routes for the HTTP engine (fault-injected like any service) */
    {"fake", "* /_fake/echo", "echo", fc_control_echo, 0},
    {"fake", "GET /_fake/big", "big", fc_control_big, 0},
    {"fake", "* /_fake/status", "status", fc_control_status, 0},
    /* Google: OAuth 2, metadata server, DTS, BigQuery (google.h) */
    {"oauth2", "POST /token", "token", fc_google_token, 0},
    {"metadata", "GET /computeMetadata/v1/instance/service-accounts/default/token", "token",
     fc_google_metadata_token, 0},
    {"metadata", "GET /computeMetadata/v1/project/project-id", "project-id",
     fc_google_metadata_project, 0},
    /* DTS v1 (dts.c, dts_runs.c) and BigQuery v2 (bq.c, bq_patch.c), world-backed (gcp.h) */
    {"dts", "GET /v1/projects/*/locations/*/transferConfigs", "transferConfigs.list",
     fc_dts_configs_list, 0},
    {"dts", "POST /v1/projects/*/locations/*/transferConfigs/*:startManualRuns",
     "transferConfigs.startManualRuns", fc_dts_start_manual_runs, 0},
    {"dts", "GET /v1/projects/*/locations/*/transferConfigs/*", "transferConfigs.get",
     fc_dts_configs_get, 0},
    {"dts", "GET /v1/projects/*/locations/*/transferConfigs/*/runs", "runs.list", fc_dts_runs_list,
     0},
    {"dts", "GET /v1/projects/*/locations/*/transferConfigs/*/runs/*", "runs.get", fc_dts_runs_get,
     0},
    {"dts", "GET /v1/projects/*/locations/*/transferConfigs/*/runs/*/transferLogs",
     "runs.transferLogs.list", fc_dts_logs_list, 0},
    {"bigquery", "GET /bigquery/v2/projects/*/datasets", "datasets.list", fc_bq_datasets_list, 0},
    {"bigquery", "GET /bigquery/v2/projects/*/datasets/*/tables", "tables.list", fc_bq_tables_list,
     0},
    {"bigquery", "GET /bigquery/v2/projects/*/datasets/*/tables/*", "tables.get", fc_bq_tables_get,
     0},
    {"bigquery", "PATCH /bigquery/v2/projects/*/datasets/*/tables/*", "tables.patch",
     fc_bq_tables_patch, 0},
    /* pipetop reads metadata only: every query or job call is refused, loudly */
    {"bigquery", "* /bigquery/v2/projects/*/jobs", BQ_REFUSED, fc_bq_jobs_refuse, 0},
    {"bigquery", "* /bigquery/v2/projects/*/jobs/**", BQ_REFUSED, fc_bq_jobs_refuse, 0},
    {"bigquery", "* /bigquery/v2/projects/*/queries", BQ_REFUSED, fc_bq_jobs_refuse, 0},
    {"bigquery", "* /bigquery/v2/projects/*/queries/**", BQ_REFUSED, fc_bq_jobs_refuse, 0},
    /* AWS (tests/fakecloud/<service>.c) */
    {"sts", "GetCallerIdentity", NULL, sts_get_caller_identity, 0},
    {"sts", "AssumeRole", NULL, sts_assume_role, 0},
    {"rds", "DescribeExportTasks", NULL, rds_describe_export_tasks, 0},
    {"rds", "StartExportTask", NULL, rds_start_export_task, 0},
    {"rds", "DescribeDBClusterSnapshots", NULL, rds_describe_db_cluster_snapshots, 0},
    {"dynamodb", "ListTables", NULL, ddb_list_tables, 0},
    {"dynamodb", "DescribeTable", NULL, ddb_describe_table, 0},
    {"dynamodb", "DescribeContinuousBackups", NULL, ddb_describe_continuous_backups, 0},
    {"dynamodb", "ListExports", NULL, ddb_list_exports, 0},
    {"dynamodb", "DescribeExport", NULL, ddb_describe_export, 0},
    {"dynamodb", "ExportTableToPointInTime", NULL, ddb_export_table, 0},
    {"lambda", "POST /2015-03-31/functions/*/invocations", "Invoke", lambda_invoke, 0},
    {"events", "DescribeRule", NULL, events_describe_rule, 0},
    {"events", "ListTargetsByRule", NULL, events_list_targets, 0},
    {"s3", "GET /*", "ListObjectsV2", s3_bucket_get, 0},
    {"s3", "GET /*/", "ListObjectsV2", s3_bucket_get, 0},
    {"s3", "GET /*/**", "GetObject", s3_object_get, 0},
    {"s3", "HEAD /*/**", "HeadObject", s3_object_get, 0},
};
const size_t fc_n_routes = sizeof(fc_routes) / sizeof(fc_routes[0]);

const struct fc_module fc_modules[] = {
    {"control", NULL, NULL},
    {"world", fw_module_init, fw_module_fini}, /* FW_MODULE_INDEX */
    {"google", fc_google_init, fc_google_fini},
};
const size_t fc_n_modules = sizeof(fc_modules) / sizeof(fc_modules[0]);

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The SigV4 scope's service: Credential=AKID/DATE/REGION/SERVICE/aws4_request. */
static void scope_service(const struct fc_request *req, char *out, size_t n)
{
    const char *auth = fc_header(req, "Authorization"), *p = NULL;
    const char *cred = fc_query_param(req, "X-Amz-Credential");
    int slashes = 0;
    size_t len = 0;

    out[0] = '\0';
    if (auth && (p = strstr(auth, "Credential=")) != NULL)
        p += strlen("Credential=");
    else if (cred)
        p = cred;
    for (; p && *p && *p != ',' && *p != ' '; p++) {
        if (*p == '/') {
            if (++slashes == 4)
                break;
        } else if (slashes == 3 && len + 1 < n) {
            out[len++] = *p;
        }
    }
    out[len] = '\0';
}

static const char *classify(struct fc_request *req, char *op, size_t n)
{
    const char *target = fc_header(req, "X-Amz-Target");
    const char *action = fc_query_param(req, "Action");
    char *form = NULL, scope[32];

    op[0] = '\0';
    if (starts(req->path, "/_fake/"))
        return "fake";
    if (target && starts(target, "DynamoDB_20120810.")) {
        snprintf(op, n, "%s", target + strlen("DynamoDB_20120810."));
        return "dynamodb";
    }
    if (target && starts(target, "AWSEvents.")) {
        snprintf(op, n, "%s", target + strlen("AWSEvents."));
        return "events";
    }
    if (action == NULL)
        action = form = fc_form_param(req, "Action");
    if (action != NULL) {
        char *version = fc_form_param(req, "Version");
        const char *v = version ? version : fc_query_param(req, "Version");
        int sts = v && strcmp(v, "2011-06-15") == 0;
        snprintf(op, n, "%s", action);
        scope_service(req, scope, sizeof(scope));
        free(form);
        free(version);
        if (strcmp(scope, "sts") == 0 || strcmp(scope, "rds") == 0)
            return strcmp(scope, "sts") == 0 ? "sts" : "rds";
        return sts ? "sts" : "rds";
    }
    if (starts(req->path, "/2015-03-31/functions"))
        return "lambda";
    if (starts(req->path, "/bigquery/v2/"))
        return "bigquery";
    if (starts(req->path, "/v1/"))
        return "dts";
    if (strcmp(req->path, "/token") == 0)
        return "oauth2";
    if (starts(req->path, "/computeMetadata/"))
        return "metadata";
    return "s3";
}

/* A "/segment/pattern" against a path: fnmatch(3) per segment; a final "**" takes the rest. */
static int path_match(const char *pat, const char *path)
{
    char ps[256], ss[1024];

    while (*pat == '/') {
        size_t pl, sl;
        if (*path != '/')
            return 0;
        pat++;
        path++;
        pl = strcspn(pat, "/");
        sl = strcspn(path, "/");
        if (pl == 2 && strncmp(pat, "**", 2) == 0 && pat[2] == '\0')
            return *path != '\0';
        if (pl >= sizeof(ps) || sl >= sizeof(ss))
            return 0;
        memcpy(ps, pat, pl);
        ps[pl] = '\0';
        memcpy(ss, path, sl);
        ss[sl] = '\0';
        if (fnmatch(ps, ss, 0) != 0)
            return 0;
        pat += pl;
        path += sl;
    }
    return *pat == '\0' && *path == '\0';
}

static int rest_match(const char *match, const struct fc_request *req)
{
    const char *sp = strchr(match, ' ');
    size_t ml = sp ? (size_t)(sp - match) : 0;

    if (sp == NULL)
        return 0;
    if (!(ml == 1 && match[0] == '*') &&
        !(strlen(req->method) == ml && strncmp(match, req->method, ml) == 0))
        return 0;
    return path_match(sp + 1, req->path);
}

static int by_operation(const char *service)
{
    return strcmp(service, "dynamodb") == 0 || strcmp(service, "events") == 0 ||
           strcmp(service, "sts") == 0 || strcmp(service, "rds") == 0;
}

const struct fc_route *fc_route_find(struct fc_request *req, char *op, size_t op_size)
{
    req->service = classify(req, op, op_size);
    req->operation = op[0] ? op : "unknown";
    for (size_t i = 0; i < fc_n_routes; i++) {
        const struct fc_route *rt = &fc_routes[i];
        if (strcmp(rt->service, req->service) != 0)
            continue;
        if (by_operation(req->service) ? strcmp(rt->match, op) == 0 : rest_match(rt->match, req)) {
            req->operation = rt->operation ? rt->operation : op;
            return rt;
        }
    }
    return NULL;
}

void fc_route_unknown(struct fc_request *req, struct fc_response *r)
{
    const char *svc = req->service;
    char msg[512];

    if (strcmp(svc, "dynamodb") == 0 || strcmp(svc, "events") == 0) {
        fc_respond_error(r, svc, 400, "UnknownOperationException", "");
    } else if (strcmp(svc, "sts") == 0 || strcmp(svc, "rds") == 0) {
        snprintf(msg, sizeof(msg), "Could not find operation %.200s for version %s", req->operation,
                 strcmp(svc, "sts") == 0 ? "2011-06-15" : "2014-10-31");
        fc_respond_error(r, svc, 400, "InvalidAction", msg);
    } else if (strcmp(svc, "lambda") == 0) {
        fc_respond_error(r, svc, 404, "UnknownOperationException", "Unknown operation");
    } else if (strcmp(svc, "s3") == 0) {
        fc_respond_error(r, svc, 404, "NoSuchBucket", "The specified bucket does not exist");
    } else if (strcmp(svc, "oauth2") == 0) {
        fc_respond_error(r, svc, 400, "invalid_request", "no token endpoint in this fake cloud");
    } else {
        snprintf(msg, sizeof(msg), "Requested entity was not found: %.200s %.200s", req->method,
                 req->path);
        fc_respond_error(r, svc, 404, "NOT_FOUND", msg);
    }
}
