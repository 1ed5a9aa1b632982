/* tests/fakecloud/world.h: the scenario world — everything that exists in the fake AWS account
 * and Google project at a moment: keys and roles, DynamoDB tables and exports, Aurora clusters,
 * snapshots and export tasks, S3 objects, the export Lambda and its EventBridge rule, DTS configs
 * and runs, BigQuery datasets and tables. Built at start from the scenario JSON relative to the
 * real "now" (tests/scenarios/README.md), it then evolves in time: every piece of work has a
 * timeline, and fw_tick() applies each completion's side effects exactly once.
 *
 * Rules for handlers: hold fc->world_lock for every access; call fw_tick(w, fw_now(w)) first;
 * refer to records by index (arrays grow with realloc, so never keep a pointer across unlock).
 * The world never touches the network or the disk after start; it holds no real credentials. */
#ifndef TESTS_FAKECLOUD_WORLD_H
#define TESTS_FAKECLOUD_WORLD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/timeutil.h"
#include "tests/fakecloud/fakecloud.h"

#define FW_NEVER INT64_MAX /* a timeline end that never comes (STUCK work) */
#define FW_MODULE_INDEX 1  /* fc->world[FW_MODULE_INDEX] holds the struct fw_world */
#define FW_TOKEN_MAX 128   /* paging tokens, NUL included */
#define FW_ID_MAX 64

/* ---- work timelines ------------------------------------------------------------------------- */

enum fw_state { FW_PENDING, FW_RUNNING, FW_SUCCEEDED, FW_FAILED, FW_CANCELLED };

/* One piece of work (an export, a task, a DTS run): PENDING before start_ms, RUNNING until
 * end_ms (FW_NEVER: forever — STUCK), then final. applied = its completion side effects
 * (S3 objects, rows, logs) have been applied by fw_tick(). */
struct fw_work {
    int64_t created_ms;
    int64_t start_ms;
    int64_t end_ms;
    enum fw_state final; /* FW_SUCCEEDED, FW_FAILED or FW_CANCELLED */
    char *error_code;    /* FAILED: the service's code ("InternalError", "INVALID_ARGUMENT") */
    char *error_message; /* FAILED: the service's message */
    int applied;
};

enum fw_state fw_status_at(const struct fw_work *w, int64_t now_ms);
/* "PENDING" "RUNNING" "SUCCEEDED" "FAILED" "CANCELLED" */
const char *fw_state_name(enum fw_state s);

/* A stage outcome as the scenario states it ("OK", "FAILED:msg", "FAILED:CODE:msg", "MISSING",
 * "RUNNING", "STUCK", "PENDING", "CANCELLED"). */
enum fw_plan_kind {
    FW_PLAN_OK,
    FW_PLAN_FAILED,
    FW_PLAN_MISSING, /* no work at all for that day */
    FW_PLAN_RUNNING, /* running now, ends some minutes after the world was built */
    FW_PLAN_STUCK,   /* running forever */
    FW_PLAN_PENDING, /* created, not started yet */
    FW_PLAN_CANCELLED,
};
struct fw_plan {
    enum fw_plan_kind kind;
    char *code;    /* FAILED: NULL = the stage's default code */
    char *message; /* FAILED: NULL = the stage's default message */
};

/* ---- AWS identity -----------------------------------------------------------------------------
 */

struct fw_key {
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL: long-term key (a request carrying a token is then refused) */
    int64_t expires_ms;  /* 0: never; else ExpiredToken after this instant */
    char *arn;           /* GetCallerIdentity Arn: user or assumed-role ARN */
    char *user_id;       /* GetCallerIdentity UserId */
};

struct fw_role {
    char *arn; /* arn:aws:iam::ACCT:role/NAME */
    char *name;
    char *role_id;      /* AROA... */
    long max_session_s; /* DurationSeconds upper bound (3600 default) */
};

/* ---- DynamoDB ---------------------------------------------------------------------------------
 */

/* One attribute of a table's items (also drives the raw/mart BigQuery schemas). */
struct fw_attr {
    char *name;
    char *type;        /* DynamoDB descriptor: S N B BOOL NULL M L SS NS BS */
    int key;           /* 0, 1 = HASH, 2 = RANGE */
    char *description; /* for the mart column ("メールアドレス"); may be NULL */
    char *policy_tag;  /* full policy tag name for the mart column, or NULL */
    int since_day;     /* present in exported items from this day offset on (drift); default
                          -100000 = always */
    char *bq_type;     /* mart column type ("STRING", "INT64", "TIMESTAMP"...); NULL = derived */
};

struct fw_ddb_table {
    char *name;
    char *arn; /* arn:aws:dynamodb:R:ACCT:table/NAME */
    char *table_id;
    int64_t created_ms;
    int pitr_enabled;
    int pitr_days;             /* RecoveryPeriodInDays 1..35 */
    int64_t pitr_enabled_ms;   /* EarliestRestorableDateTime = max(this, now - pitr_days) */
    long items0, items_growth; /* items on the oldest day, added per day (scenario) */
    long item_count;           /* DescribeTable ItemCount */
    long size_bytes;           /* DescribeTable TableSizeBytes */
    struct fw_attr *attrs;
    size_t n_attrs;
    int pipeline; /* index into pipelines, or -1 */
};

struct fw_ddb_export {
    char *arn;       /* arn:aws:dynamodb:R:ACCT:table/T/export/01700000000000-abcdef12 */
    char *export_id; /* 01700000000000-abcdef12 */
    size_t table;
    int64_t export_time_ms;
    char *bucket;
    char *prefix;        /* S3Prefix as requested, may be NULL */
    char *client_token;  /* NULL when none was given */
    char *fingerprint;   /* the request's members, canonical, for ClientToken conflicts */
    char *manifest_key;  /* PREFIX/AWSDynamoDB/ID/manifest-summary.json */
    char *export_type;   /* FULL_EXPORT */
    char *export_format; /* DYNAMODB_JSON */
    char *sse;           /* S3SseAlgorithm or NULL */
    long item_count;     /* when COMPLETED */
    long billed_bytes;
    int day;      /* day offset the export belongs to (0 = today) */
    int pipeline; /* -1 when none */
    struct fw_work work;
};

/* ---- Aurora / RDS -----------------------------------------------------------------------------
 */

struct fw_cluster {
    char *id;
    char *arn;    /* arn:aws:rds:R:ACCT:cluster:ID */
    char *engine; /* aurora-mysql | aurora-postgresql */
    char *engine_version;
    char *database;
    char **tables; /* "orders", "payments" */
    size_t n_tables;
    int64_t created_ms;
    int snapshot_hour, snapshot_minute; /* UTC time of the daily automated snapshot */
};

struct fw_snapshot {
    char *id;  /* rds:CLUSTER-YYYY-MM-DD-HH-MM */
    char *arn; /* arn:aws:rds:R:ACCT:cluster-snapshot:rds:CLUSTER-... */
    size_t cluster;
    int64_t create_ms;
    char *status; /* "available", "creating" */
    char *type;   /* "automated" | "manual" */
    int deleted;  /* deleted: invisible, exports of it are refused */
    int day;
};

struct fw_rds_export {
    char *id;
    char *source_arn;
    char *source_type; /* SNAPSHOT | CLUSTER */
    char *bucket;
    char *prefix; /* may be NULL */
    char *iam_role;
    char *kms_key;
    char **export_only;
    size_t n_export_only;
    int64_t snapshot_time_ms;
    long total_gb;
    char *warning; /* WarningMessage JSON text or NULL */
    size_t cluster;
    int day;
    int pipeline; /* first pipeline of that cluster, -1 when none */
    struct fw_work work;
};
/* PercentProgress now (0 pending, linear while running, 100 when complete). */
int fw_rds_percent(const struct fw_rds_export *x, int64_t now_ms);

/* ---- S3 ---------------------------------------------------------------------------------------
 */

enum fw_gen {
    FW_GEN_STATIC,       /* body holds the bytes */
    FW_GEN_DDB_SUMMARY,  /* manifest-summary.json of ddb export `ref` */
    FW_GEN_DDB_FILES,    /* manifest-files.json (JSON Lines) */
    FW_GEN_DDB_DATA,     /* data/<random>.json.gz: gzip'd {"Item":{...}} lines, part `part` */
    FW_GEN_DDB_CHECKSUM, /* manifest-*.checksum (md5 hex of the manifest) */
    FW_GEN_EMPTY,        /* _started marker */
    FW_GEN_PARQUET,      /* Aurora export part: placeholder bytes "PAR1...PAR1" — pipetop never
                            reads Parquet, so the content is not a real Parquet file */
    FW_GEN_RDS_INFO,     /* export_info_*.json / export_tables_info_*.json of rds export `ref` */
};

struct fw_onode {
    long left, right, parent; /* -1 = none */
    uint32_t prio;
};

struct fw_s3_object {
    char *bucket;
    char *key;
    int64_t modified_ms;
    enum fw_gen gen;
    size_t ref;          /* export index for generated bodies */
    int part;            /* data file number */
    long items;          /* rows in a data file / Parquet part (what a load of it adds) */
    unsigned char *body; /* NULL until generated (fw_s3_body) */
    size_t size;
    char etag[48]; /* "\"<md5 hex>\"" with the quotes, filled with the body */
    const char *content_type;
};

/* ---- Lambda / EventBridge ---------------------------------------------------------------------
 */

struct fw_lambda {
    char *name;
    char *arn;          /* arn:aws:lambda:R:ACCT:function:NAME */
    char *fail_message; /* non-NULL: every Invoke answers X-Amz-Function-Error: Unhandled */
};

struct fw_rule {
    char *name;
    char *arn;      /* arn:aws:events:R:ACCT:rule/NAME */
    char *schedule; /* cron(0 18 * * ? *) */
    char *state;    /* ENABLED | DISABLED */
    char *description;
    char *target_id;
    char *target_arn; /* the Lambda's ARN */
    char *input;      /* target Input (JSON text) or NULL */
};

/* ---- DTS --------------------------------------------------------------------------------------
 */

enum fw_dts_kind { FW_DTS_S3, FW_DTS_QUERY };

struct fw_dts_config {
    char *name;      /* projects/NUMBER/locations/L/transferConfigs/ID */
    char *config_id; /* ID */
    char *display_name;
    enum fw_dts_kind kind; /* dataSourceId amazon_s3 | scheduled_query */
    char *dataset;         /* destinationDatasetId (amazon_s3; scheduled_query with a template) */
    json_t *params;        /* the wire params object (strings; secrets replaced by the fake's) */
    char *schedule;        /* "every day 19:00" (UTC) */
    int hour, minute;      /* UTC time of day of the schedule */
    int disabled;
    int64_t update_ms;
    char *owner_email;
    int pipeline;            /* -1 when unlinked */
    int64_t last_success_ms; /* amazon_s3 WRITE_APPEND: start of the last successful run */
};

struct fw_dts_msg {
    int64_t time_ms;
    char *severity; /* INFO WARNING ERROR */
    char *text;
};

struct fw_dts_run {
    char *name; /* CONFIGNAME/runs/RUNID */
    char *run_id;
    size_t config;
    int64_t run_time_ms;
    int64_t schedule_time_ms;
    int manual; /* startManualRuns: no "schedule" field in the answer */
    int day;
    json_t *params;          /* the config's params at run time (a reference: configs replace their
                                params object on change, never mutate it in place) */
    struct fw_work work;     /* error_code = google.rpc code as decimal text ("3"), message */
    struct fw_dts_msg *msgs; /* shown when time_ms <= now; final ones appended by fw_tick */
    size_t n_msgs;
};

/* ---- BigQuery ---------------------------------------------------------------------------------
 */

struct fw_bq_dataset {
    char *id;
    char *location;
    char *friendly_name;
    char *description;
    int64_t created_ms, modified_ms;
};

struct fw_bq_table {
    size_t dataset;
    char *id;
    char *type; /* TABLE */
    char *description;
    json_t *schema_fields; /* the wire "fields" array (descriptions, policyTags, RECORDs) */
    long long num_rows, num_bytes;
    int64_t created_ms, modified_ms;
    long generation;       /* bumped on every change; the etag derives from it */
    char *partition_field; /* timePartitioning.field or NULL */
    int pipeline;
    int is_raw;
};
/* The table's etag for its current generation (base64 text, malloc'd). */
char *fw_bq_etag(const struct fw_bq_table *t);

/* ---- pipelines and days -----------------------------------------------------------------------
 */

enum fw_stage { FW_EXPORT, FW_TRANSFER, FW_QUERY, FW_N_STAGES };
enum fw_source { FW_SRC_DYNAMODB, FW_SRC_AURORA };

struct fw_day_plan {
    struct fw_plan stage[FW_N_STAGES];
    double items_factor; /* multiplies the day's exported item count (1 = normal) */
};

struct fw_pipeline {
    char *name;
    enum fw_source source;
    size_t table;       /* DYNAMODB: index into ddb_tables */
    size_t cluster;     /* AURORA: index into clusters */
    char *aurora_table; /* AURORA: "orders" */
    char *bucket;
    char *prefix;        /* the export prefix before the day part: "dynamodb/users" */
    char *date_template; /* DTS template of the day part: {run_time|"%Y-%m-%d"} */
    char *description;   /* of the mart table */
    int has_transfer, has_query;
    size_t transfer_config, query_config; /* valid when has_* */
    size_t raw_table, mart_table;         /* BigQuery table indexes, valid when has_* */
    char *raw_id, *mart_id;               /* their table ids */
    long items;                           /* items in the source on the oldest day */
    long items_growth;                    /* added per day */
    long last_loaded_items;               /* rows of the newest load into the raw table */
    struct fw_attr *cols;                 /* AURORA: the table's columns (type = BigQuery type) */
    size_t n_cols;
    int work_seconds;                  /* how long a started export/run takes */
    struct fw_day_plan *days;          /* n_days entries, [0] = oldest day */
    struct fw_plan rerun[FW_N_STAGES]; /* outcome of work started at run time */
    int query_ddl;      /* 1: CREATE OR REPLACE TABLE in the query; 0: destination template */
    int ignore_unknown; /* the transfer's ignore_unknown_values (scenario; default 1) */
};

/* ---- the world --------------------------------------------------------------------------------
 */

struct fw_world {
    struct fakecloud *fc;
    char *region, *account_id;
    char *project, *project_number, *location;
    char *timezone;
    int n_days;                /* days of history; day offsets -(n_days-1) .. 0 */
    char (*day)[TIME_DAY_LEN]; /* day[i] = the day of offset i - (n_days - 1) */
    int64_t built_ms;          /* fw_now() when the world was built */
    int64_t clock_offset_ms;   /* added to the real clock (scenario clock_offset_s, flag) */
    int page_size;             /* 0: services' own defaults; else every list's page size */
    long skew_limit_ms;        /* signature time window, 15 min */
    uint64_t rng;
    int work_seconds;                        /* default for started work */
    int export_min, transfer_min, query_min; /* local minutes after midnight of the stages */
    char *export_bucket, *role_arn, *kms_key;
    char *raw_dataset, *mart_dataset; /* not owned: point into datasets[] ids */

    struct fw_key *keys;
    size_t n_keys;
    struct fw_role *roles;
    size_t n_roles;

    struct fw_ddb_table *ddb_tables;
    size_t n_ddb_tables;
    struct fw_ddb_export *ddb_exports;
    size_t n_ddb_exports;

    struct fw_cluster *clusters;
    size_t n_clusters;
    struct fw_snapshot *snapshots;
    size_t n_snapshots;
    struct fw_rds_export *rds_exports;
    size_t n_rds_exports;

    struct fw_s3_object *objects; /* in creation order (indexes are stable) */
    size_t n_objects;
    struct fw_onode *onodes; /* onodes[i]: object i in a treap ordered by (bucket, key) */
    long oroot;
    char **buckets;
    size_t n_buckets;

    struct fw_lambda *lambdas;
    size_t n_lambdas;
    struct fw_rule *rules;
    size_t n_rules;

    struct fw_dts_config *dts_configs;
    size_t n_dts_configs;
    struct fw_dts_run *dts_runs;
    size_t n_dts_runs;

    struct fw_bq_dataset *datasets;
    size_t n_datasets;
    struct fw_bq_table *bq_tables;
    size_t n_bq_tables;

    struct fw_pipeline *pipelines;
    size_t n_pipelines;

    int64_t next_due_ms; /* earliest unapplied completion; fw_tick returns at once before it */
    size_t cap[24];      /* array capacities (world.c) */
};

/* An error for a handler to answer: fc_respond_error(r, svc, e->http, e->code, e->message). */
struct fw_error {
    int http;
    char code[80];
    char message[512];
};
/* Fills e and returns -1. */
int fw_fail(struct fw_error *e, int http, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- life cycle -------------------------------------------------------------------------------
 */

/* Builds the world from fc->scen.root (and fc->clock_offset_s, fc->page_size). Selects the
 * scenario's timezone for the process (call before threads start). Returns 0 or -1 with the
 * reason in errbuf ("scenario: pipelines[2].days.-3.export: unknown outcome \"FAIL\""). */
int fw_build(struct fw_world **out, struct fakecloud *fc, char *errbuf, size_t errlen);
void fw_free(struct fw_world *w);
/* The fc_modules[] entry points (routes.c): init builds, fini frees. */
int fw_module_init(struct fakecloud *fc, void **world);
void fw_module_fini(struct fakecloud *fc, void *world);
/* The world of a running server (fc->world[FW_MODULE_INDEX]). */
struct fw_world *fw_get(struct fakecloud *fc);

/* GET /_fake/world: a JSON summary of the world now (world_dump.c). */
int fw_control_world(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);

/* The fake's "now": the real clock plus the offset. */
int64_t fw_now(const struct fw_world *w);
/* Applies every completion due at now exactly once (S3 objects of finished exports, rows and
 * lastModifiedTime of tables after runs, final transfer logs, drift into raw schemas). Call
 * under fc->world_lock at the start of every handler. */
void fw_tick(struct fw_world *w, int64_t now_ms);
/* Page size for a list: w->page_size when set, else the request's own (clamped by the caller). */
size_t fw_page(const struct fw_world *w, size_t requested);
/* The day string of a day offset (0 = today), or NULL outside the history. */
const char *fw_day(const struct fw_world *w, int offset);
/* The offset of a "YYYY-MM-DD" day (may lie outside the history); -1 on a bad day. */
int fw_day_offset(const struct fw_world *w, const char *day, int *offset);

/* ---- lookups (-1 when absent; names or ARNs where the service accepts both) -------------------
 */

long fw_key_find(const struct fw_world *w, const char *access_key_id);
long fw_role_find(const struct fw_world *w, const char *arn);
long fw_ddb_table_find(const struct fw_world *w, const char *name_or_arn);
long fw_ddb_export_find(const struct fw_world *w, const char *arn);
long fw_cluster_find(const struct fw_world *w, const char *id_or_arn);
long fw_snapshot_find(const struct fw_world *w, const char *id_or_arn); /* deleted ones too */
long fw_rds_export_find(const struct fw_world *w, const char *id);
long fw_bucket_find(const struct fw_world *w, const char *bucket);
long fw_object_find(const struct fw_world *w, const char *bucket, const char *key);
/* Objects in (bucket, key) order: the first at or after (bucket, key), then the next one;
 * -1 at the end. The caller checks when the bucket or prefix no longer matches. */
long fw_object_lower_bound(const struct fw_world *w, const char *bucket, const char *key);
long fw_object_next(const struct fw_world *w, long i);
long fw_lambda_find(const struct fw_world *w, const char *name_or_arn);
long fw_rule_find(const struct fw_world *w, const char *name);
long fw_dts_config_find(const struct fw_world *w, const char *config_id);
long fw_dts_run_find(const struct fw_world *w, const char *run_id);
long fw_dataset_find(const struct fw_world *w, const char *dataset_id);
long fw_bq_table_find(const struct fw_world *w, const char *dataset_id, const char *table_id);

/* ---- paging: opaque continuation tokens -------------------------------------------------------
 */

/* Writes a token (base64, may contain + / =) that encodes (kind, index); kind names the list
 * ("ddb.ListExports") so a token of one list is refused by another. */
void fw_token_make(char out[FW_TOKEN_MAX], const char *kind, size_t index);
/* Decodes a token of that kind; -1 for anything else (the handler answers the service's own
 * "invalid token" error). */
int fw_token_parse(const char *token, const char *kind, size_t *index);

/* ---- S3 bodies --------------------------------------------------------------------------------
 */

/* Generates (once) and returns the object's bytes; size/etag are then valid. -1 on no memory. */
int fw_s3_body(struct fw_world *w, size_t obj, const unsigned char **data, size_t *len);

/* ---- mutations (handlers; each returns the new/existing record index, or -1 with e set) --------
 */

struct fw_ddb_export_req {
    const char *table_arn;
    const char *bucket;
    const char *prefix;       /* NULL when absent */
    const char *client_token; /* NULL when absent */
    int has_export_time;
    int64_t export_time_ms;
    const char *export_format; /* NULL = DYNAMODB_JSON */
    const char *export_type;   /* NULL = FULL_EXPORT */
    const char *sse;           /* NULL when absent */
    const char *fingerprint;   /* canonical text of every member sent (ClientToken check) */
};
/* The ClientToken fingerprint of an export request (canonical text of its members; the
 * fingerprint member itself is ignored). malloc'd. */
char *fw_ddb_fingerprint(const struct fw_ddb_export_req *q);
/* TableNotFoundException, PointInTimeRecoveryUnavailableException, InvalidExportTimeException,
 * ExportConflictException; the same ClientToken with the same fingerprint returns the existing
 * export (within 8 hours of its completion). */
long fw_ddb_export_start(struct fw_world *w, const struct fw_ddb_export_req *q, int64_t now_ms,
                         struct fw_error *e);

struct fw_rds_export_req {
    const char *id, *source_arn, *bucket, *prefix, *iam_role, *kms_key;
    const char *const *export_only;
    size_t n_export_only;
};
/* DBClusterSnapshotNotFoundFault (unknown or deleted snapshot), DBClusterNotFoundFault,
 * ExportTaskAlreadyExists, IamRoleNotFound (a role ARN not in the scenario's roles). */
long fw_rds_export_start(struct fw_world *w, const struct fw_rds_export_req *q, int64_t now_ms,
                         struct fw_error *e);

/* Lambda Invoke with the event payload (JSON text): {"date":"YYYY-MM-DD"} (or an EventBridge
 * event whose "time" gives the day, or {} = today), optionally with "table" (one DynamoDB table)
 * or "cluster" (one Aurora cluster), starts that day's exports (ExportTime = the day's nightly
 * export time) as the scenario's rerun plan says. Fills *result with the function's JSON answer
 * (malloc'd): {"statusCode":200,"date":D,"started":[export ARN | task id |
 * {"table"|"cluster":NAME,"error":CODE,"message":TEXT}]}; *function_error = 1 when it is an
 * Unhandled error object (lambda_fail, or an event it cannot read: not an object, a member of
 * the wrong type, a bad date, an unknown table or cluster). -1: InvalidRequestContentException. */
int fw_lambda_invoke(struct fw_world *w, size_t fn, const char *payload, size_t len, int64_t now_ms,
                     char **result, int *function_error, struct fw_error *e);

/* AssumeRole: issues a temporary key (ASIA..., session token, expiry now + duration). Returns the
 * key index. AccessDenied for a role not in the scenario; ValidationError for a bad duration. */
long fw_sts_assume(struct fw_world *w, const char *role_arn, const char *session_name,
                   long duration_s, size_t caller_key, int64_t now_ms, struct fw_error *e);

/* DTS: creates manual runs of config at each run time (first one starts now, each next 15 s
 * later, as DTS does), with the pipeline's rerun outcome. Returns the index of the first new
 * run; the n runs are consecutive. FAILED_PRECONDITION for a disabled config. */
long fw_dts_start_runs(struct fw_world *w, size_t config, const int64_t *run_times, size_t n,
                       int64_t now_ms, struct fw_error *e);
/* The run time of config on day offset: that day's scheduled instant (UTC hour:minute of the
 * schedule on the UTC day of the pipeline's local day), as DTS would stamp it. */
int64_t fw_dts_run_time(const struct fw_world *w, size_t config, int day_offset);
/* The run times DTS creates for requestedTimeRange [start_ms, end_ms): the config's scheduled
 * instant (its UTC hour:minute) on each UTC day whose instant falls in the range, oldest first
 * (for scheduled_query both ends are first truncated to 00:00 UTC, as DTS does).
 * Returns how many were written to out (at most max; a range of more days is truncated). */
size_t fw_dts_range_run_times(const struct fw_world *w, size_t config, int64_t start_ms,
                              int64_t end_ms, int64_t *out, size_t max);
/* Transfer logs of a run visible at now. */
size_t fw_dts_msgs_visible(const struct fw_dts_run *run, int64_t now_ms);

/* BigQuery tables.patch schema change: the whole new "fields" array; only additions (NULLABLE
 * or REPEATED fields, new nested fields in existing RECORDs, description/policyTags changes)
 * are accepted, anything else fails with BigQuery's 400 "invalid" message. Takes no reference
 * of fields (copies). Implemented with the Google handlers (world_gcp.c). */
int fw_bq_patch_schema(struct fw_world *w, size_t table, json_t *fields, int64_t now_ms,
                       struct fw_error *e);

/* DTS runtime templates: renders {run_date} and {run_time[+-N(h|m|s|d)]|"strftime"} with
 * run_time_ms (UTC), as DTS does for data_path and destination_table_name_template. malloc'd;
 * NULL on a malformed template. */
char *fw_render_template(const char *tmpl, int64_t run_time_ms);

/* ---- the generated data -----------------------------------------------------------------------
 */

/* One DynamoDB JSON item line ({"Item":{...}}) of table for item number i of the export of day
 * offset day: every attribute present from that day on, values deterministic in (table, i). */
json_t *fw_ddb_item(const struct fw_world *w, size_t table, long i, int day);

#endif
