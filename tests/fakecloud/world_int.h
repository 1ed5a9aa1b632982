/* tests/fakecloud/world_int.h: helpers shared by the world's own files (world*.c) — array
 * growth, the seeded generator, adding records. Not for handlers: they use world.h only.
 * Nothing here takes fc->world_lock; callers hold it (or run before the server starts). */
#ifndef TESTS_FAKECLOUD_WORLD_INT_H
#define TESTS_FAKECLOUD_WORLD_INT_H

#include "tests/fakecloud/world.h"

/* Capacity slots in w->cap[]. */
enum fw_cap {
    FW_CAP_KEYS,
    FW_CAP_ROLES,
    FW_CAP_DDB_TABLES,
    FW_CAP_DDB_EXPORTS,
    FW_CAP_CLUSTERS,
    FW_CAP_SNAPSHOTS,
    FW_CAP_RDS_EXPORTS,
    FW_CAP_OBJECTS,
    FW_CAP_BUCKETS,
    FW_CAP_LAMBDAS,
    FW_CAP_RULES,
    FW_CAP_DTS_CONFIGS,
    FW_CAP_DTS_RUNS,
    FW_CAP_DATASETS,
    FW_CAP_BQ_TABLES,
    FW_CAP_PIPELINES,
    FW_CAP_ONODES,
};

/* Makes room for one more element in *arr (n used, *cap allocated; new memory zeroed).
 * Returns a pointer to element n, or NULL when memory runs out. */
void *fw_grow(void **arr, size_t *cap, size_t n, size_t elem);
#define FW_PUSH(w, field, count, slot)                                                             \
    ((__typeof__((w)->field))fw_grow((void **)&(w)->field, &(w)->cap[slot], (w)->count,            \
                                     sizeof(*(w)->field)))

/* splitmix64 over w->rng. */
uint64_t fw_rand(struct fw_world *w);
/* n lower-case hex digits from the generator. */
void fw_rand_hex(struct fw_world *w, char *out, size_t n);
/* strdup that tolerates NULL (returns NULL) — callers check where NULL matters. */
char *fw_strdup(const char *s);
/* malloc'd printf. */
char *fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Adds an S3 object (or replaces the one with the same bucket and key). Index or -1. */
long fw_object_add(struct fw_world *w, const char *bucket, const char *key, int64_t modified_ms,
                   enum fw_gen gen, size_t ref, int part);
long fw_bucket_add(struct fw_world *w, const char *bucket);
void fw_object_release(struct fw_s3_object *o);

/* Work timelines from a plan: start at start_ms, last dur_ms, then the plan's outcome.
 * Returns 0 or -1 (no memory). MISSING must be handled by the caller (no work). */
int fw_work_from_plan(struct fw_work *wk, const struct fw_plan *p, int64_t created_ms,
                      int64_t start_ms, int64_t dur_ms, int64_t built_ms, const char *dflt_code,
                      const char *dflt_msg);
void fw_work_release(struct fw_work *wk);
/* Parses an outcome string ("OK", "FAILED:CODE:msg", ...). -1 for an unknown one. */
int fw_plan_parse(struct fw_plan *p, const char *text);
void fw_plan_release(struct fw_plan *p);

/* Keeps w->next_due_ms the earliest end of an unapplied work. */
void fw_due(struct fw_world *w, const struct fw_work *wk);

/* world_gen.c: the scenario → world. */
int fw_gen_build(struct fw_world *w, json_t *root, char *errbuf, size_t errlen);
/* world_tick.c: side effects of one finished piece of work. */
void fw_apply_ddb_export(struct fw_world *w, size_t x);
void fw_apply_rds_export(struct fw_world *w, size_t x);
void fw_apply_dts_run(struct fw_world *w, size_t r);
/* world_items.c: the bodies of generated objects. */
int fw_body_generate(struct fw_world *w, struct fw_s3_object *o);
/* Items exported by table for day offset day (items + growth, items_factor). */
long fw_items_on(const struct fw_world *w, const struct fw_pipeline *p, int day);
/* world_gen.c: adds one DTS run and its first messages. Index or -1. */
long fw_dts_run_add(struct fw_world *w, size_t config, int64_t run_time_ms, int64_t start_ms,
                    int manual, int day, const struct fw_plan *plan, int64_t dur_ms);
/* world_gen.c: adds one DynamoDB export for (pipeline, day). Index or -1. */
long fw_ddb_export_add(struct fw_world *w, size_t table, int pipeline, int day,
                       int64_t export_time_ms, int64_t start_ms, const struct fw_plan *plan,
                       int64_t dur_ms, const char *bucket, const char *prefix,
                       const char *client_token);
long fw_rds_export_add(struct fw_world *w, size_t cluster, size_t snapshot, int day,
                       int64_t start_ms, const struct fw_plan *plan, int64_t dur_ms,
                       const char *id);
/* The S3 prefix of (pipeline, day) as the pipeline's exports write it. malloc'd. */
char *fw_day_prefix(const struct fw_world *w, const struct fw_pipeline *p, int day);

#endif

/* ---- scenario reading (world_gen.c): each returns 0, or -1 with the reason in g->err ---- */
struct fw_gen_ctx {
    struct fw_world *w;
    char *err;
    size_t errlen;
};
int fw_gen_bad(struct fw_gen_ctx *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Refuses keys of obj not in allowed (NULL-terminated); obj must be an object (or absent). */
int fw_gen_keys(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *const *allowed);
int fw_gen_str(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *key,
               const char *dflt, char **out);
int fw_gen_int(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *key, long dflt,
               long lo, long hi, long *out);
int fw_gen_bool(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *key, int dflt,
                int *out);
/* "HH:MM" → minutes after midnight. */
int fw_gen_hhmm(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *key,
                const char *dflt, int *out);
/* The instant of local minute-of-day min on day offset day. */
int64_t fw_local_at(const struct fw_world *w, int day, int min);
/* world_gen_aws.c: keys, roles, the export bucket, Lambda and rule. */
int fw_gen_aws(struct fw_gen_ctx *g, json_t *aws);
int fw_gen_export(struct fw_gen_ctx *g, json_t *ex);
/* world_pipe.c: pipelines, their configs, tables and history. */
int fw_gen_pipelines(struct fw_gen_ctx *g, json_t *arr);
/* world_bq.c: BigQuery datasets, raw/mart tables and extra tables. */
long fw_dataset_add(struct fw_world *w, const char *id, const char *description,
                    const char *friendly);
int fw_gen_bq_extra(struct fw_gen_ctx *g, json_t *tables);
/* world_large.c: expands a "generate" section into scenario JSON (dynamodb.tables, pipelines). */
int fw_gen_large(struct fw_gen_ctx *g, json_t *spec, json_t **tables, json_t **pipelines);
/* google.rpc code number of a code name ("INVALID_ARGUMENT" → 3); 2 (UNKNOWN) when unknown. */
int fw_rpc_code(const char *name);
/* world_bq.c: the raw and mart tables of pipeline p (index pi). Index or -1. */
long fw_bq_raw_add(struct fw_world *w, size_t pi);
long fw_bq_mart_add(struct fw_world *w, size_t pi);
/* The mart table's column list for SQL ("user_id STRING OPTIONS(description=\"...\"), ...") and
 * the SELECT list ("Item.user_id.S AS user_id, ..."), key columns first. malloc'd. */
char *fw_sql_columns(const struct fw_world *w, size_t pi);
char *fw_sql_select(const struct fw_world *w, size_t pi);
/* Attributes of the pipeline's source: DynamoDB attributes or Aurora columns. */
const struct fw_attr *fw_pipe_attrs(const struct fw_world *w, const struct fw_pipeline *p,
                                    size_t *n);
/* Appends one transfer log message to run r. 0 or -1. */
int fw_dts_msg_add(struct fw_world *w, size_t r, int64_t when, const char *severity,
                   const char *text);
