/* tests/fakecloud/world.c: the world's plumbing — build, module entry points, the fake clock,
 * work timelines, lookups by name or ARN and paging tokens. Scenario parsing is in world_gen*.c,
 * S3 objects in world_s3.c, side effects in world_tick.c, freeing in world_free.c. Never blocks,
 * never does I/O after start. */
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
    w->oroot = -1;
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
