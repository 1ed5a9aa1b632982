/* core/rds.h: the Amazon RDS (Query protocol, API 2014-10-31) client's wire layer for Aurora
 * exports — request builders for DescribeExportTasks, DescribeDBClusterSnapshots and
 * StartExportTask (form bodies serialised as botocore does), and expat-based parsers of their XML
 * answers matched by local element name. Builders return a filled struct http_request (the caller
 * attaches the SigV4 prepare and submits it); no network here. Implemented in core/rds.c
 * (builders, errors) and core/rds_parse.c (XML). */
#ifndef CORE_RDS_H
#define CORE_RDS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/http.h"
#include "core/model.h"

/* An ExportTask. Times are epoch ms (0 when absent); counts -1 when absent. */
struct rds_export_task {
    char *id; /* ExportTaskIdentifier */
    char *source_arn;
    char **export_only; /* ExportOnly members ("appdb.orders") */
    size_t n_export_only;
    int64_t snapshot_ms; /* SnapshotTime */
    int64_t start_ms;    /* TaskStartTime */
    int64_t end_ms;      /* TaskEndTime */
    char *s3_bucket;
    char *s3_prefix;
    char *iam_role_arn;
    char *kms_key_id;
    char *status; /* STARTING | IN_PROGRESS | COMPLETE | FAILED | CANCELING | CANCELED (raw) */
    int64_t percent_progress;
    int64_t extracted_gb; /* TotalExtractedDataInGB */
    char *failure_cause;
    char *warning_message; /* a JSON text, kept as is */
    char *source_type;     /* SNAPSHOT | CLUSTER */
};

struct rds_export_tasks {
    struct rds_export_task *v;
    size_t n;
    char *marker; /* "" on the last page */
};

struct rds_cluster_snapshot {
    char *arn; /* DBClusterSnapshotArn */
    char *id;  /* DBClusterSnapshotIdentifier */
    char *cluster_id;
    int64_t created_ms; /* SnapshotCreateTime */
    char *status;
    char *type; /* automated | manual | ... */
    char *engine;
};

struct rds_cluster_snapshots {
    struct rds_cluster_snapshot *v;
    size_t n;
    char *marker;
};

/* A DescribeX filter: Filters.Filter.N.Name / Filters.Filter.N.Values.Value.M. NOTE the status
 * filter's values are lower-case (failed, complete, in_progress, ...). */
struct rds_filter {
    const char *name;
    const char *const *values; /* NULL-terminated */
};

/* What StartExportTask is asked for. All but s3_prefix and export_only are required. */
struct rds_export_request {
    const char *id;
    const char *source_arn; /* cluster-snapshot or cluster ARN */
    const char *s3_bucket;
    const char *iam_role_arn;
    const char *kms_key_id;
    const char *s3_prefix;
    const char *const *export_only; /* NULL-terminated, may be NULL */
};

void rds_export_task_release(struct rds_export_task *t);
void rds_export_tasks_release(struct rds_export_tasks *l);
void rds_cluster_snapshot_release(struct rds_cluster_snapshot *s);
void rds_cluster_snapshots_release(struct rds_cluster_snapshots *l);

/* COMPLETE -> SUCCEEDED, FAILED -> FAILED, STARTING -> PENDING, IN_PROGRESS -> RUNNING,
 * CANCELING / CANCELED -> CANCELLED; -1 for other words. */
int rds_export_state(const char *status, enum run_state *out);

/* ---- request builders: POST {endpoint}/ with Content-Type application/x-www-form-urlencoded;
 * charset=utf-8 and the body Action=..&Version=2014-10-31&... in the model's member order.
 * NULL / 0 arguments are omitted. On failure req is left empty. */
int rds_build_describe_export_tasks(struct http_request *req, const char *endpoint,
                                    const char *task_id, const char *source_arn,
                                    const struct rds_filter *filters, size_t n_filters,
                                    const char *marker, int max_records, const char *source_type,
                                    struct err *e);
int rds_build_describe_cluster_snapshots(struct http_request *req, const char *endpoint,
                                         const char *cluster_id, const char *snapshot_type,
                                         const struct rds_filter *filters, size_t n_filters,
                                         int max_records, const char *marker, struct err *e);
int rds_build_start_export_task(struct http_request *req, const char *endpoint,
                                const struct rds_export_request *r, struct err *e);

/* ---- parsers of 2xx XML bodies. On failure *out is empty and e names the call and element. */
int rds_parse_export_tasks(struct rds_export_tasks *out, const char *body, size_t len,
                           struct err *e);
int rds_parse_cluster_snapshots(struct rds_cluster_snapshots *out, const char *body, size_t len,
                                struct err *e);
/* The answer of StartExportTask: one ExportTask. */
int rds_parse_start_export_task(struct rds_export_task *out, const char *body, size_t len,
                                struct err *e);

/* A non-2xx answer (<ErrorResponse><Error><Code/><Message/></Error>) into e. Always -1. */
int rds_error(struct err *e, const char *operation, long status, const struct http_headers *h,
              const char *body, size_t len);

#endif
