/* core/ddb.h: the DynamoDB (JSON 1.0, API 2012-08-10) client's wire layer — request builders for
 * ListTables, DescribeTable, DescribeContinuousBackups, ListExports, DescribeExport and
 * ExportTableToPointInTime, and parsers of their answers. Timestamps arrive as epoch seconds
 * (fractional or exponent form) and are kept as epoch ms. Builders return a filled struct
 * http_request (the caller attaches the SigV4 prepare and submits it); no network here.
 * Implemented in core/ddb.c (builders, errors) and core/ddb_parse.c (parsers). */
#ifndef CORE_DDB_H
#define CORE_DDB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/http.h"
#include "core/model.h"

#define DDB_EXPORT_LIST_MAX 25 /* ListExports MaxResults is 1..25 */

struct ddb_key_element {
    char *attribute; /* AttributeName */
    char *key_type;  /* HASH | RANGE */
};

/* DescribeTable's Table (the parts pipetop uses). */
struct ddb_table {
    char *name;
    char *arn;
    char *id;
    char *status; /* CREATING | ACTIVE | ... (raw) */
    struct ddb_key_element *keys;
    size_t n_keys;
    int64_t item_count; /* -1 when absent */
    int64_t size_bytes; /* -1 when absent */
    int64_t created_ms;
};

/* DescribeContinuousBackups: the PITR window. */
struct ddb_pitr {
    char *backups_status; /* ContinuousBackupsStatus ENABLED | DISABLED */
    char *pitr_status;    /* PointInTimeRecoveryStatus ENABLED | DISABLED, NULL when absent */
    int recovery_days;    /* RecoveryPeriodInDays, 0 when absent */
    int64_t earliest_ms;  /* EarliestRestorableDateTime, 0 when absent */
    int64_t latest_ms;    /* LatestRestorableDateTime, 0 when absent */
};

/* ExportDescription, every field. Times are epoch ms (0 when absent), counts -1 when absent. */
struct ddb_export {
    char *arn;
    char *status; /* IN_PROGRESS | COMPLETED | FAILED (raw) */
    int64_t start_ms;
    int64_t end_ms;
    char *manifest; /* S3 key of manifest-summary.json */
    char *table_arn;
    char *table_id;
    int64_t export_time_ms;
    char *client_token;
    char *s3_bucket;
    char *s3_bucket_owner;
    char *s3_prefix;
    char *s3_sse_algorithm;
    char *s3_sse_kms_key_id;
    char *failure_code;
    char *failure_message;
    char *export_format;
    int64_t billed_size_bytes;
    int64_t item_count;
    char *export_type;
    int64_t incremental_from_ms; /* IncrementalExportSpecification */
    int64_t incremental_to_ms;
    char *incremental_view_type;
};

struct ddb_export_summary {
    char *arn;
    char *status;
    char *type; /* NULL when absent */
};

struct ddb_table_names {
    char **v;
    size_t n;
    char *next; /* LastEvaluatedTableName; "" on the last page */
};

struct ddb_export_summaries {
    struct ddb_export_summary *v;
    size_t n;
    char *next_token; /* "" on the last page */
};

/* What ExportTableToPointInTime is asked for. */
struct ddb_export_request {
    const char *table_arn;    /* required (an ARN, not a name) */
    const char *s3_bucket;    /* required */
    const char *s3_prefix;    /* may be NULL */
    int64_t export_time_ms;   /* 0 = omit (the current time) */
    const char *client_token; /* may be NULL; e.g. "{table}-{YYYY-MM-DD}" for idempotency */
    const char *s3_bucket_owner;
};

void ddb_table_release(struct ddb_table *t);
void ddb_pitr_release(struct ddb_pitr *p);
void ddb_export_release(struct ddb_export *x);
void ddb_table_names_release(struct ddb_table_names *l);
void ddb_export_summaries_release(struct ddb_export_summaries *l);

/* IN_PROGRESS -> RUNNING, COMPLETED -> SUCCEEDED, FAILED -> FAILED; -1 for other words. */
int ddb_export_state(const char *status, enum run_state *out);

/* ---- request builders: POST {endpoint}/, X-Amz-Target DynamoDB_20120810.<Op>, Content-Type
 * application/x-amz-json-1.0. endpoint is https://dynamodb.{region}.amazonaws.com or an override.
 * On failure req is left empty. */
int ddb_build_list_tables(struct http_request *req, const char *endpoint,
                          const char *exclusive_start, int limit, struct err *e);
int ddb_build_describe_table(struct http_request *req, const char *endpoint, const char *table,
                             struct err *e);
int ddb_build_describe_continuous_backups(struct http_request *req, const char *endpoint,
                                          const char *table, struct err *e);
/* max_results 0 = omit, else 1..25 (ERR_USAGE outside). */
int ddb_build_list_exports(struct http_request *req, const char *endpoint, const char *table_arn,
                           int max_results, const char *next_token, struct err *e);
int ddb_build_describe_export(struct http_request *req, const char *endpoint,
                              const char *export_arn, struct err *e);
/* ExportFormat is always DYNAMODB_JSON. */
int ddb_build_export_table(struct http_request *req, const char *endpoint,
                           const struct ddb_export_request *r, struct err *e);

/* ---- parsers of 2xx bodies. On failure *out is empty and e names the call and field. */
int ddb_parse_list_tables(struct ddb_table_names *out, const char *body, size_t len, struct err *e);
int ddb_parse_describe_table(struct ddb_table *out, const char *body, size_t len, struct err *e);
int ddb_parse_continuous_backups(struct ddb_pitr *out, const char *body, size_t len, struct err *e);
int ddb_parse_list_exports(struct ddb_export_summaries *out, const char *body, size_t len,
                           struct err *e);
int ddb_parse_describe_export(struct ddb_export *out, const char *body, size_t len, struct err *e);
/* The answer of ExportTableToPointInTime (also an ExportDescription). */
int ddb_parse_export_table(struct ddb_export *out, const char *body, size_t len, struct err *e);

/* A non-2xx answer of operation into e: code from __type after the last '#' (before any ':'),
 * message from message or Message (see core/apierr.h). h may be NULL. Always -1. */
int ddb_error(struct err *e, const char *operation, long status, const struct http_headers *h,
              const char *body, size_t len);

#endif
