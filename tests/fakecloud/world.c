/* tests/fakecloud/world.c: the world's life cycle and plumbing — build/free, the fake clock,
 * work timelines, lookups by name or ARN, paging tokens, growing arrays and ordered S3 objects.
 * The scenario parsing is in world_gen.c, side effects in world_tick.c. Never blocks, never
 * does I/O after start. */
#include "tests/fakecloud/world.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "tests/fakecloud/world_int.h"

enum fw_state fw_status_at(const struct fw_work *w, int64_t now_ms)
{
    if (now_ms < w->start_ms)
        return FW_PENDING;
    if (w->end_ms == FW_NEVER || now_ms < w->end_ms)
        return FW_RUNNING;
    return w->final;
}

const char *fw_state_name(enum fw_state s)
{
    static const char *const names[] = {"PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "PENDING";
}

int fw_fail(struct fw_error *e, int http, const char *code, const char *fmt, ...)
{
    va_list ap;

    e->http = http;
    snprintf(e->code, sizeof(e->code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    return -1;
}

void *fw_grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n >= *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char *p = realloc(*arr, ncap * elem);
        if (p == NULL)
            return NULL;
        memset(p + *cap * elem, 0, (ncap - *cap) * elem);
        *arr = p;
        *cap = ncap;
    }
    return (char *)*arr + n * elem;
}

uint64_t fw_rand(struct fw_world *w)
{
    uint64_t z = (w->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void fw_rand_hex(struct fw_world *w, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = "0123456789abcdef"[fw_rand(w) & 15];
    out[n] = '\0';
}

char *fw_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *fw_printf(const char *fmt, ...)
{
    va_list ap;
    char *out = NULL;

    va_start(ap, fmt);
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

int64_t fw_now(const struct fw_world *w)
{
    return clock_now_ms(NULL) + w->clock_offset_ms;
}

size_t fw_page(const struct fw_world *w, size_t requested)
{
    if (w->page_size > 0 && (requested == 0 || (size_t)w->page_size < requested))
        return (size_t)w->page_size;
    return requested;
}

const char *fw_day(const struct fw_world *w, int offset)
{
    int i = offset + w->n_days - 1;
    return (i >= 0 && i < w->n_days) ? w->day[i] : NULL;
}

int fw_day_offset(const struct fw_world *w, const char *day, int *offset)
{
    struct err e = ERR_INIT;
    return time_day_diff(w->day[w->n_days - 1], day, offset, &e);
}

void fw_due(struct fw_world *w, const struct fw_work *wk)
{
    if (!wk->applied && wk->end_ms != FW_NEVER && wk->end_ms < w->next_due_ms)
        w->next_due_ms = wk->end_ms;
}

void fw_work_release(struct fw_work *wk)
{
    free(wk->error_code);
    free(wk->error_message);
    wk->error_code = wk->error_message = NULL;
}

/* ---- lookups ---- */

long fw_key_find(const struct fw_world *w, const char *akid)
{
    for (size_t i = 0; akid && i < w->n_keys; i++)
        if (strcmp(w->keys[i].access_key_id, akid) == 0)
            return (long)i;
    return -1;
}

long fw_role_find(const struct fw_world *w, const char *arn)
{
    for (size_t i = 0; arn && i < w->n_roles; i++)
        if (strcmp(w->roles[i].arn, arn) == 0)
            return (long)i;
    return -1;
}

long fw_ddb_table_find(const struct fw_world *w, const char *s)
{
    for (size_t i = 0; s && i < w->n_ddb_tables; i++)
        if (strcmp(w->ddb_tables[i].name, s) == 0 || strcmp(w->ddb_tables[i].arn, s) == 0)
            return (long)i;
    return -1;
}

long fw_ddb_export_find(const struct fw_world *w, const char *arn)
{
    for (size_t i = 0; arn && i < w->n_ddb_exports; i++)
        if (strcmp(w->ddb_exports[i].arn, arn) == 0)
            return (long)i;
    return -1;
}

long fw_cluster_find(const struct fw_world *w, const char *s)
{
    for (size_t i = 0; s && i < w->n_clusters; i++)
        if (strcmp(w->clusters[i].id, s) == 0 || strcmp(w->clusters[i].arn, s) == 0)
            return (long)i;
    return -1;
}

long fw_snapshot_find(const struct fw_world *w, const char *s)
{
    for (size_t i = 0; s && i < w->n_snapshots; i++)
        if (strcmp(w->snapshots[i].id, s) == 0 || strcmp(w->snapshots[i].arn, s) == 0)
            return (long)i;
    return -1;
}

long fw_rds_export_find(const struct fw_world *w, const char *id)
{
    for (size_t i = 0; id && i < w->n_rds_exports; i++)
        if (strcmp(w->rds_exports[i].id, id) == 0)
            return (long)i;
    return -1;
}

long fw_bucket_find(const struct fw_world *w, const char *bucket)
{
    for (size_t i = 0; bucket && i < w->n_buckets; i++)
        if (strcmp(w->buckets[i], bucket) == 0)
            return (long)i;
    return -1;
}

static int object_cmp(const struct fw_s3_object *o, const char *bucket, const char *key)
{
    int c = strcmp(o->bucket, bucket);
    return c ? c : strcmp(o->key, key);
}

size_t fw_object_lower_bound(const struct fw_world *w, const char *bucket, const char *key)
{
    size_t lo = 0, hi = w->n_objects;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (object_cmp(&w->objects[mid], bucket, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long fw_object_find(const struct fw_world *w, const char *bucket, const char *key)
{
    size_t i = fw_object_lower_bound(w, bucket, key);
    return (i < w->n_objects && object_cmp(&w->objects[i], bucket, key) == 0) ? (long)i : -1;
}

long fw_lambda_find(const struct fw_world *w, const char *s)
{
    for (size_t i = 0; s && i < w->n_lambdas; i++) {
        const struct fw_lambda *l = &w->lambdas[i];
        size_t an = strlen(l->arn);
        /* name, full ARN, or ARN with a :$LATEST qualifier */
        if (strcmp(l->name, s) == 0 || strcmp(l->arn, s) == 0 ||
            (strncmp(l->arn, s, an) == 0 && strcmp(s + an, ":$LATEST") == 0))
            return (long)i;
    }
    return -1;
}

long fw_rule_find(const struct fw_world *w, const char *name)
{
    for (size_t i = 0; name && i < w->n_rules; i++)
        if (strcmp(w->rules[i].name, name) == 0)
            return (long)i;
    return -1;
}

long fw_dts_config_find(const struct fw_world *w, const char *config_id)
{
    for (size_t i = 0; config_id && i < w->n_dts_configs; i++)
        if (strcmp(w->dts_configs[i].config_id, config_id) == 0)
            return (long)i;
    return -1;
}

long fw_dts_run_find(const struct fw_world *w, const char *run_id)
{
    for (size_t i = 0; run_id && i < w->n_dts_runs; i++)
        if (strcmp(w->dts_runs[i].run_id, run_id) == 0)
            return (long)i;
    return -1;
}

long fw_dataset_find(const struct fw_world *w, const char *id)
{
    for (size_t i = 0; id && i < w->n_datasets; i++)
        if (strcmp(w->datasets[i].id, id) == 0)
            return (long)i;
    return -1;
}

long fw_bq_table_find(const struct fw_world *w, const char *dataset_id, const char *table_id)
{
    long ds = fw_dataset_find(w, dataset_id);

    for (size_t i = 0; ds >= 0 && table_id && i < w->n_bq_tables; i++)
        if (w->bq_tables[i].dataset == (size_t)ds && strcmp(w->bq_tables[i].id, table_id) == 0)
            return (long)i;
    return -1;
}

/* ---- paging tokens: base64("fw1|KIND|INDEX") ---- */

void fw_token_make(char out[FW_TOKEN_MAX], const char *kind, size_t index)
{
    char raw[80];
    int n = snprintf(raw, sizeof(raw), "fw1|%.40s|%zu|", kind, index);

    if (n < 0 || (size_t)n >= sizeof(raw) || 4 * (((size_t)n + 2) / 3) >= FW_TOKEN_MAX) {
        out[0] = '\0';
        return;
    }
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)raw, n);
}

int fw_token_parse(const char *token, const char *kind, size_t *index)
{
    unsigned char raw[FW_TOKEN_MAX];
    size_t len = token ? strlen(token) : 0, klen = strlen(kind);
    char *end;
    int n;

    if (len == 0 || len >= FW_TOKEN_MAX || len % 4 != 0)
        return -1;
    n = EVP_DecodeBlock(raw, (const unsigned char *)token, (int)len);
    if (n < 0)
        return -1;
    raw[n] = '\0';
    if (strncmp((char *)raw, "fw1|", 4) != 0 || strncmp((char *)raw + 4, kind, klen) != 0 ||
        raw[4 + klen] != '|')
        return -1;
    *index = strtoul((char *)raw + 5 + klen, &end, 10);
    return (end == (char *)raw + 5 + klen || *end != '|') ? -1 : 0;
}

/* ---- S3 objects ---- */

long fw_bucket_add(struct fw_world *w, const char *bucket)
{
    long i = fw_bucket_find(w, bucket);
    char **slot;

    if (i >= 0)
        return i;
    slot = FW_PUSH(w, buckets, n_buckets, FW_CAP_BUCKETS);
    if (slot == NULL || (*slot = strdup(bucket)) == NULL)
        return -1;
    return (long)w->n_buckets++;
}

static void object_release(struct fw_s3_object *o)
{
    free(o->bucket);
    free(o->key);
    free(o->body);
}

long fw_object_add(struct fw_world *w, const char *bucket, const char *key, int64_t modified_ms,
                   enum fw_gen gen, size_t ref, int part)
{
    size_t at = fw_object_lower_bound(w, bucket, key);
    struct fw_s3_object o;

    memset(&o, 0, sizeof(o));
    o.bucket = strdup(bucket);
    o.key = strdup(key);
    o.modified_ms = modified_ms;
    o.gen = gen;
    o.ref = ref;
    o.part = part;
    if (o.bucket == NULL || o.key == NULL || fw_bucket_add(w, bucket) < 0) {
        object_release(&o);
        return -1;
    }
    if (at < w->n_objects && object_cmp(&w->objects[at], bucket, key) == 0) {
        object_release(&w->objects[at]);
        w->objects[at] = o;
        return (long)at;
    }
    if (FW_PUSH(w, objects, n_objects, FW_CAP_OBJECTS) == NULL) {
        object_release(&o);
        return -1;
    }
    memmove(&w->objects[at + 1], &w->objects[at], (w->n_objects - at) * sizeof(o));
    w->objects[at] = o;
    w->n_objects++;
    return (long)at;
}

int fw_s3_body(struct fw_world *w, size_t obj, const unsigned char **data, size_t *len)
{
    struct fw_s3_object *o = &w->objects[obj];

    if (o->body == NULL && o->size == 0 && o->etag[0] == '\0' && fw_body_generate(w, o) != 0)
        return -1;
    *data = o->body ? o->body : (const unsigned char *)"";
    *len = o->size;
    return 0;
}

/* ---- life cycle ---- */

static void key_release(struct fw_key *k)
{
    free(k->access_key_id);
    free(k->secret_access_key);
    free(k->session_token);
    free(k->arn);
    free(k->user_id);
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_aws(struct fw_world *w)
{
    for (size_t i = 0; i < w->n_keys; i++)
        key_release(&w->keys[i]);
    for (size_t i = 0; i < w->n_roles; i++) {
        free(w->roles[i].arn);
        free(w->roles[i].name);
        free(w->roles[i].role_id);
    }
    for (size_t i = 0; i < w->n_ddb_tables; i++) {
        struct fw_ddb_table *t = &w->ddb_tables[i];
        for (size_t a = 0; a < t->n_attrs; a++) {
            free(t->attrs[a].name);
            free(t->attrs[a].type);
            free(t->attrs[a].description);
            free(t->attrs[a].policy_tag);
            free(t->attrs[a].bq_type);
        }
        free(t->attrs);
        free(t->name);
        free(t->arn);
        free(t->table_id);
    }
    for (size_t i = 0; i < w->n_ddb_exports; i++) {
        struct fw_ddb_export *x = &w->ddb_exports[i];
        free(x->arn);
        free(x->export_id);
        free(x->bucket);
        free(x->prefix);
        free(x->client_token);
        free(x->fingerprint);
        free(x->manifest_key);
        free(x->export_type);
        free(x->export_format);
        free(x->sse);
        fw_work_release(&x->work);
    }
    for (size_t i = 0; i < w->n_clusters; i++) {
        struct fw_cluster *c = &w->clusters[i];
        free(c->id);
        free(c->arn);
        free(c->engine);
        free(c->engine_version);
        free(c->database);
        free_strv(c->tables, c->n_tables);
    }
    for (size_t i = 0; i < w->n_snapshots; i++) {
        free(w->snapshots[i].id);
        free(w->snapshots[i].arn);
        free(w->snapshots[i].status);
        free(w->snapshots[i].type);
    }
    for (size_t i = 0; i < w->n_rds_exports; i++) {
        struct fw_rds_export *x = &w->rds_exports[i];
        free(x->id);
        free(x->source_arn);
        free(x->source_type);
        free(x->bucket);
        free(x->prefix);
        free(x->iam_role);
        free(x->kms_key);
        free(x->warning);
        free_strv(x->export_only, x->n_export_only);
        fw_work_release(&x->work);
    }
    for (size_t i = 0; i < w->n_objects; i++)
        object_release(&w->objects[i]);
    free_strv(w->buckets, w->n_buckets);
    for (size_t i = 0; i < w->n_lambdas; i++) {
        free(w->lambdas[i].name);
        free(w->lambdas[i].arn);
        free(w->lambdas[i].fail_message);
    }
    for (size_t i = 0; i < w->n_rules; i++) {
        struct fw_rule *r = &w->rules[i];
        free(r->name);
        free(r->arn);
        free(r->schedule);
        free(r->state);
        free(r->description);
        free(r->target_id);
        free(r->target_arn);
        free(r->input);
    }
    free(w->keys);
    free(w->roles);
    free(w->ddb_tables);
    free(w->ddb_exports);
    free(w->clusters);
    free(w->snapshots);
    free(w->rds_exports);
    free(w->objects);
    free(w->lambdas);
    free(w->rules);
}

static void free_gcp(struct fw_world *w)
{
    for (size_t i = 0; i < w->n_dts_configs; i++) {
        struct fw_dts_config *c = &w->dts_configs[i];
        free(c->name);
        free(c->config_id);
        free(c->display_name);
        free(c->dataset);
        json_decref(c->params);
        free(c->schedule);
        free(c->owner_email);
    }
    for (size_t i = 0; i < w->n_dts_runs; i++) {
        struct fw_dts_run *r = &w->dts_runs[i];
        free(r->name);
        free(r->run_id);
        json_decref(r->params);
        fw_work_release(&r->work);
        for (size_t m = 0; m < r->n_msgs; m++) {
            free(r->msgs[m].severity);
            free(r->msgs[m].text);
        }
        free(r->msgs);
    }
    for (size_t i = 0; i < w->n_datasets; i++) {
        free(w->datasets[i].id);
        free(w->datasets[i].location);
        free(w->datasets[i].friendly_name);
        free(w->datasets[i].description);
    }
    for (size_t i = 0; i < w->n_bq_tables; i++) {
        struct fw_bq_table *t = &w->bq_tables[i];
        free(t->id);
        free(t->type);
        free(t->description);
        json_decref(t->schema_fields);
        free(t->partition_field);
    }
    for (size_t i = 0; i < w->n_pipelines; i++) {
        struct fw_pipeline *p = &w->pipelines[i];
        free(p->name);
        free(p->aurora_table);
        free(p->bucket);
        free(p->prefix);
        free(p->date_template);
        free(p->description);
        free(p->raw_id);
        free(p->mart_id);
        for (size_t c = 0; c < p->n_cols; c++) {
            free(p->cols[c].name);
            free(p->cols[c].type);
            free(p->cols[c].description);
            free(p->cols[c].policy_tag);
            free(p->cols[c].bq_type);
        }
        free(p->cols);
        for (int d = 0; p->days && d < w->n_days; d++)
            for (int s = 0; s < FW_N_STAGES; s++)
                fw_plan_release(&p->days[d].stage[s]);
        free(p->days);
        for (int s = 0; s < FW_N_STAGES; s++)
            fw_plan_release(&p->rerun[s]);
    }
    free(w->dts_configs);
    free(w->dts_runs);
    free(w->datasets);
    free(w->bq_tables);
    free(w->pipelines);
}

void fw_free(struct fw_world *w)
{
    if (w == NULL)
        return;
    free_aws(w);
    free_gcp(w);
    free(w->region);
    free(w->account_id);
    free(w->project);
    free(w->project_number);
    free(w->location);
    free(w->timezone);
    free(w->export_bucket);
    free(w->role_arn);
    free(w->kms_key);
    free(w->day);
    free(w);
}

int fw_build(struct fw_world **out, struct fakecloud *fc, char *errbuf, size_t errlen)
{
    struct fw_world *w = calloc(1, sizeof(*w));

    *out = NULL;
    if (w == NULL) {
        snprintf(errbuf, errlen, "scenario: out of memory");
        return -1;
    }
    w->fc = fc;
    w->skew_limit_ms = 15 * 60 * 1000;
    w->next_due_ms = FW_NEVER;
    if (fw_gen_build(w, fc->scen.root, errbuf, errlen) != 0) {
        fw_free(w);
        return -1;
    }
    fw_tick(w, fw_now(w));
    *out = w;
    return 0;
}

int fw_module_init(struct fakecloud *fc, void **world)
{
    char errbuf[512];
    struct fw_world *w;

    if (fw_build(&w, fc, errbuf, sizeof(errbuf)) != 0) {
        fprintf(stderr, "fakecloud: %s\n", errbuf);
        return -1;
    }
    *world = w;
    return 0;
}

void fw_module_fini(struct fakecloud *fc, void *world)
{
    (void)fc;
    fw_free(world);
}

struct fw_world *fw_get(struct fakecloud *fc)
{
    return fc->world[FW_MODULE_INDEX];
}
