/* core/model.h: the domain model of DESIGN §2 — pipelines, days, stages, stage runs, transfer
 * configs, table metadata with nested schema fields, row-count samples, audit entries and API call
 * records. Plain data: strings are heap-owned by the struct and freed by its *_release(). */
#ifndef CORE_MODEL_H
#define CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/timeutil.h"

enum stage { STAGE_EXPORT = 0, STAGE_TRANSFER, STAGE_QUERY, STAGE_COUNT };

/* Normalized states (DESIGN §2). The order is not significant; use run_state_severity(). */
enum run_state {
    RS_SUCCEEDED = 0,
    RS_FAILED,
    RS_RUNNING,
    RS_PENDING,
    RS_CANCELLED,
    RS_MISSING,
    RS_STUCK,
    RS_UPSTREAM_FAILED,
    RS_COUNT
};

enum source_kind { SOURCE_DYNAMODB = 0, SOURCE_AURORA, SOURCE_UNKNOWN };

const char *stage_name(enum stage s);            /* "export", "transfer", "query" */
char stage_letter(enum stage s);                 /* 'E', 'T', 'Q' */
int stage_parse(const char *s, enum stage *out); /* accepts the name or the letter; -1 if neither */

const char *run_state_name(enum run_state s); /* "SUCCEEDED", ... */
int run_state_parse(const char *s, enum run_state *out);
/* One glyph per state, readable without colour: ✓ ✗ ▶ … ⊘ ? ⧗ ↑ (UTF-8). */
const char *run_state_glyph(enum run_state s);
/* ASCII fallback glyph for terminals without UTF-8. */
char run_state_ascii(enum run_state s);
/* Higher is worse: used to pick the state a cell shows and to sort failures first. */
int run_state_severity(enum run_state s);
bool run_state_is_failure(
    enum run_state s);                      /* FAILED, MISSING, STUCK, UPSTREAM_FAILED, CANCELLED */
bool run_state_is_active(enum run_state s); /* PENDING, RUNNING */

const char *source_kind_name(enum source_kind k); /* "dynamodb", "aurora", "unknown" */
int source_kind_parse(const char *s, enum source_kind *out);

/* One logical table followed through the stages. */
struct pipeline {
    char *name;
    enum source_kind source_kind;
    char *source;          /* DynamoDB table name or Aurora cluster identifier */
    char *source_arn;      /* table ARN / cluster ARN when known */
    char *export_bucket;   /* S3 bucket of the exports */
    char *export_prefix;   /* S3 prefix of the exports */
    char *transfer_config; /* DTS resource name of the amazon_s3 config */
    char *query_config;    /* DTS resource name of the scheduled query */
    char *raw_table;       /* project.dataset.table loaded by the transfer */
    char *table;           /* project.dataset.table written by the query */
    bool pinned;           /* from a [pipeline NAME] section rather than discovered */
};

/* One attempt of one stage for one pipeline-day. */
struct stage_run {
    char *pipeline;
    char day[TIME_DAY_LEN];
    enum stage stage;
    int attempt; /* 1-based, per (pipeline, day, stage) */
    enum run_state state;
    char *raw_state;    /* the service's own word: COMPLETED, FAILED, SUCCEEDED, ... */
    char *service_id;   /* export ARN, RDS export task id, DTS run name */
    int64_t started_ms; /* 0 when unknown */
    int64_t ended_ms;
    int64_t updated_ms;
    char *error_code;
    char *error_message;
};

/* A DTS transfer configuration (amazon_s3 or scheduled_query). */
struct transfer_config {
    char *name; /* projects/P/locations/L/transferConfigs/ID */
    char *display_name;
    char *data_source_id; /* "amazon_s3" | "scheduled_query" */
    char *destination_dataset;
    char *schedule;  /* "every day 04:00" (UTC) */
    char *data_path; /* amazon_s3 params.data_path */
    char *destination_table_template;
    char *query; /* scheduled_query params.query */
    char *state;
    bool disabled;
    int64_t updated_ms;
    int64_t next_run_ms;
};

/* A column of a BigQuery schema; RECORD fields nest. */
struct schema_field {
    char *name;
    char *type; /* STRING, INT64/INTEGER, RECORD, ... as BigQuery reports it */
    char *mode; /* NULLABLE, REQUIRED, REPEATED */
    char *description;
    char **policy_tags; /* resource names of policy tags */
    size_t n_policy_tags;
    struct schema_field *fields; /* sub-fields of a RECORD */
    size_t n_fields;
};

struct table_meta {
    char *project;
    char *dataset;
    char *table_id;
    char *type; /* TABLE, VIEW, ... */
    char *description;
    int64_t num_rows; /* -1 when unknown */
    int64_t num_bytes;
    int64_t created_ms;
    int64_t modified_ms;
    struct schema_field *fields;
    size_t n_fields;
};

struct rowcount_sample {
    char *table; /* project.dataset.table */
    int64_t at_ms;
    int64_t rows;
    int64_t bytes;
};

/* One audit row: an intent before a mutating call, an outcome after it. */
struct audit_entry {
    int64_t id;
    int64_t at_ms;
    int64_t action_id; /* the persisted action it belongs to; 0 when none */
    char *phase;       /* "intent" | "outcome" */
    char *verb;        /* "rerun", "backfill", "schema-refresh", "schema-apply" */
    char *target;      /* pipeline or table */
    char *day;         /* may be NULL */
    char *stage;       /* may be NULL */
    char *environment; /* account / project the call went to */
    char *result;      /* outcome rows: "ok", "failed", "refused", "skipped" */
    char *detail;      /* the call made, the service's answer */
    char *user;        /* the local user name */
};

/* One HTTP call as the command log shows it. Secrets are redacted before this is filled. */
struct api_call {
    int64_t at_ms;
    char *service;   /* "dynamodb", "dts", ... */
    char *operation; /* "ListExports", "runs.list", ... */
    char *method;
    char *url;   /* redacted */
    long status; /* 0 when no answer */
    int64_t latency_ms;
    int64_t bytes_sent;
    int64_t bytes_received;
    int retries;
    char *error;        /* NULL on success */
    char *command;      /* the equivalent aws/bq command line, when there is one */
    char *retry_detail; /* each retry's cause and wait: "retries: 2 (HTTP 503 SlowDown, waited
                           1.000s (Retry-After); connection reset by H:P, waited 0.412s
                           (backoff))"; NULL when there was no retry */
};

void pipeline_release(struct pipeline *p);
void stage_run_release(struct stage_run *r);
void transfer_config_release(struct transfer_config *c);
void schema_field_release(struct schema_field *f);
void schema_fields_free(struct schema_field *fields, size_t n);
void table_meta_release(struct table_meta *t);
void rowcount_sample_release(struct rowcount_sample *s);
void audit_entry_release(struct audit_entry *a);
void api_call_release(struct api_call *c);

/* Deep copy of a schema field list. Returns -1 (ERR_NOMEM) on allocation failure, *out NULL. */
int schema_fields_copy(struct schema_field **out, const struct schema_field *src, size_t n,
                       struct err *e);

/* "project.dataset.table" into *out (caller frees). */
int table_full_name(char **out, const struct table_meta *t, struct err *e);

/* strdup that treats NULL as NULL and reports failure in e. */
int model_strdup(char **out, const char *s, struct err *e);

#endif
