/* core/config_visit.c: walks the resolved config for `pipetop info` (text and JSON): each
 * setting as text with where it came from. Read-only over struct config; formats, never parses. */
#include "core/config.h"
#include "core/config_int.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"

char *config_origin_str(const struct config_origin *o, char *out, size_t n)
{
    switch (o->source) {
    case CONFIG_SRC_FILE:
        snprintf(out, n, "file:%d", o->line);
        break;
    case CONFIG_SRC_ENV:
        snprintf(out, n, "env %s", o->name != NULL ? o->name : "?");
        break;
    case CONFIG_SRC_FLAG:
        snprintf(out, n, "flag %s", o->name != NULL ? o->name : "?");
        break;
    case CONFIG_SRC_DEFAULT:
        snprintf(out, n, "default");
        break;
    }
    return out;
}

const char *export_via_name(enum export_via v)
{
    return v == EXPORT_VIA_LAMBDA ? "lambda" : "native";
}

/* The value of key k as text (in b when it must be formatted), or NULL when unset. */
static const char *format_key(const struct config *c, const struct key_def *k, struct buf *b)
{
    const char *field = (const char *)c + k->off;
    int v;

    buf_reset(b);
    switch (k->kind) {
    case K_STR:
        return *(char *const *)(const void *)field;
    case K_INT:
        buf_printf(b, "%d", *(const int *)(const void *)field);
        break;
    case K_BOOL:
        buf_puts(b, *(const bool *)field ? "true" : "false");
        break;
    case K_HHMM:
        v = *(const int *)(const void *)field;
        if (v < 0)
            return NULL;
        buf_printf(b, "%02d:%02d", v / 60, v % 60);
        break;
    case K_LIST: {
        const struct config_list *l = (const struct config_list *)(const void *)field;
        if (l->n == 0)
            return NULL;
        for (size_t j = 0; j < l->n; j++)
            buf_printf(b, "%s%s", j > 0 ? "," : "", l->items[j]);
        break;
    }
    }
    return b->toobig ? "(too long to show)" : buf_cstr(b);
}

static int visit_pipeline(const struct config_pipeline *p, struct buf *b, config_visit_fn fn,
                          void *user)
{
    static const char *const names[CONFIG_PK_COUNT] = {
        "source",    "export_prefix", "transfer_config", "query_config",
        "raw_table", "table",         "export_via"};
    const char *vals[CONFIG_PK_COUNT] = {NULL};
    char section[128];
    int rc;

    snprintf(section, sizeof(section), "pipeline %s", p->name);
    buf_reset(b);
    if (p->source != NULL)
        buf_printf(b, "%s:%s%s%s", source_kind_name(p->source_kind), p->source,
                   p->source_table != NULL ? "/" : "",
                   p->source_table != NULL ? p->source_table : "");
    vals[CONFIG_PK_SOURCE] = p->source != NULL ? buf_cstr(b) : NULL;
    vals[CONFIG_PK_TRANSFER_CONFIG] = p->transfer_config;
    vals[CONFIG_PK_QUERY_CONFIG] = p->query_config;
    vals[CONFIG_PK_RAW_TABLE] = p->raw_table;
    vals[CONFIG_PK_TABLE] = p->table;
    vals[CONFIG_PK_EXPORT_VIA] = export_via_name(p->export_via);
    for (int k = 0; k < CONFIG_PK_COUNT; k++) {
        struct buf pb = BUF_INIT(4096);
        if (k == CONFIG_PK_EXPORT_PREFIX && p->export_bucket != NULL)
            buf_printf(&pb, "s3://%s/%s", p->export_bucket, p->export_prefix);
        rc = fn(user, section, names[k],
                k == CONFIG_PK_EXPORT_PREFIX ? (p->export_bucket != NULL ? buf_cstr(&pb) : NULL)
                                             : vals[k],
                &p->origin[k]);
        buf_release(&pb);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int config_visit(const struct config *c, config_visit_fn fn, void *user)
{
    struct buf b = BUF_INIT(64 * 1024);
    size_t n;
    const struct key_def *keys = config_keys(&n);
    int rc = 0;

    for (size_t i = 0; i < n && rc == 0; i++)
        rc = fn(user, keys[i].section, keys[i].key, format_key(c, &keys[i], &b), &c->origin[i]);
    for (size_t i = 0; i < c->n_pipelines && rc == 0; i++)
        rc = visit_pipeline(&c->pipelines[i], &b, fn, user);
    buf_release(&b);
    return rc;
}
