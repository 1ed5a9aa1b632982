/* core/model.c: names, glyphs and ownership of the model types. No I/O. */
#include "core/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const stage_names[STAGE_COUNT] = {"export", "transfer", "query"};

const char *stage_name(enum stage s)
{
    return (unsigned)s < STAGE_COUNT ? stage_names[s] : "?";
}

char stage_letter(enum stage s)
{
    static const char letters[STAGE_COUNT] = {'E', 'T', 'Q'};
    return (unsigned)s < STAGE_COUNT ? letters[s] : '?';
}

int stage_parse(const char *s, enum stage *out)
{
    if (s == NULL)
        return -1;
    for (int i = 0; i < STAGE_COUNT; i++) {
        if (strcasecmp(s, stage_names[i]) == 0 ||
            (s[0] && !s[1] && (s[0] | 0x20) == (stage_letter((enum stage)i) | 0x20))) {
            *out = (enum stage)i;
            return 0;
        }
    }
    return -1;
}

static const struct {
    const char *name;
    const char *glyph;
    char ascii;
    int severity;
} states[RS_COUNT] = {
    [RS_SUCCEEDED] = {"SUCCEEDED", "\u2713", '+', 0},
    [RS_PENDING] = {"PENDING", "\u2026", '.', 1},
    [RS_RUNNING] = {"RUNNING", "\u25b6", '>', 2},
    [RS_CANCELLED] = {"CANCELLED", "\u2298", '/', 3},
    [RS_UPSTREAM_FAILED] = {"UPSTREAM_FAILED", "\u2191", '^', 4},
    [RS_STUCK] = {"STUCK", "\u29d7", '~', 5},
    [RS_MISSING] = {"MISSING", "?", '?', 6},
    [RS_FAILED] = {"FAILED", "\u2717", 'X', 7},
};

const char *run_state_name(enum run_state s)
{
    return (unsigned)s < RS_COUNT ? states[s].name : "UNKNOWN";
}

int run_state_parse(const char *s, enum run_state *out)
{
    if (s == NULL)
        return -1;
    for (int i = 0; i < RS_COUNT; i++) {
        if (strcmp(s, states[i].name) == 0) {
            *out = (enum run_state)i;
            return 0;
        }
    }
    return -1;
}

const char *run_state_glyph(enum run_state s)
{
    return (unsigned)s < RS_COUNT ? states[s].glyph : "?";
}

char run_state_ascii(enum run_state s)
{
    return (unsigned)s < RS_COUNT ? states[s].ascii : '?';
}

int run_state_severity(enum run_state s)
{
    return (unsigned)s < RS_COUNT ? states[s].severity : 0;
}

bool run_state_is_failure(enum run_state s)
{
    return s == RS_FAILED || s == RS_MISSING || s == RS_STUCK || s == RS_UPSTREAM_FAILED ||
           s == RS_CANCELLED;
}

bool run_state_is_active(enum run_state s)
{
    return s == RS_PENDING || s == RS_RUNNING;
}

const char *source_kind_name(enum source_kind k)
{
    switch (k) {
    case SOURCE_DYNAMODB:
        return "dynamodb";
    case SOURCE_AURORA:
        return "aurora";
    case SOURCE_UNKNOWN:
        break;
    }
    return "unknown";
}

int source_kind_parse(const char *s, enum source_kind *out)
{
    if (s && strcmp(s, "dynamodb") == 0)
        *out = SOURCE_DYNAMODB;
    else if (s && strcmp(s, "aurora") == 0)
        *out = SOURCE_AURORA;
    else
        return -1;
    return 0;
}

#define FREE_NULL(p) (free(p), (p) = NULL)

void pipeline_release(struct pipeline *p)
{
    if (p == NULL)
        return;
    FREE_NULL(p->name);
    FREE_NULL(p->source);
    FREE_NULL(p->source_arn);
    FREE_NULL(p->export_bucket);
    FREE_NULL(p->export_prefix);
    FREE_NULL(p->transfer_config);
    FREE_NULL(p->query_config);
    FREE_NULL(p->raw_table);
    FREE_NULL(p->table);
}

void stage_run_release(struct stage_run *r)
{
    if (r == NULL)
        return;
    FREE_NULL(r->pipeline);
    FREE_NULL(r->raw_state);
    FREE_NULL(r->service_id);
    FREE_NULL(r->error_code);
    FREE_NULL(r->error_message);
}

void transfer_config_release(struct transfer_config *c)
{
    if (c == NULL)
        return;
    FREE_NULL(c->name);
    FREE_NULL(c->display_name);
    FREE_NULL(c->data_source_id);
    FREE_NULL(c->destination_dataset);
    FREE_NULL(c->schedule);
    FREE_NULL(c->data_path);
    FREE_NULL(c->destination_table_template);
    FREE_NULL(c->query);
    FREE_NULL(c->state);
}

void schema_field_release(struct schema_field *f)
{
    if (f == NULL)
        return;
    FREE_NULL(f->name);
    FREE_NULL(f->type);
    FREE_NULL(f->mode);
    FREE_NULL(f->description);
    for (size_t i = 0; i < f->n_policy_tags; i++)
        free(f->policy_tags[i]);
    FREE_NULL(f->policy_tags);
    f->n_policy_tags = 0;
    schema_fields_free(f->fields, f->n_fields);
    f->fields = NULL;
    f->n_fields = 0;
}

void schema_fields_free(struct schema_field *fields, size_t n)
{
    if (fields == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        schema_field_release(&fields[i]);
    free(fields);
}

void table_meta_release(struct table_meta *t)
{
    if (t == NULL)
        return;
    FREE_NULL(t->project);
    FREE_NULL(t->dataset);
    FREE_NULL(t->table_id);
    FREE_NULL(t->type);
    FREE_NULL(t->description);
    schema_fields_free(t->fields, t->n_fields);
    t->fields = NULL;
    t->n_fields = 0;
}

void rowcount_sample_release(struct rowcount_sample *s)
{
    if (s == NULL)
        return;
    FREE_NULL(s->table);
}

void audit_entry_release(struct audit_entry *a)
{
    if (a == NULL)
        return;
    FREE_NULL(a->phase);
    FREE_NULL(a->verb);
    FREE_NULL(a->target);
    FREE_NULL(a->day);
    FREE_NULL(a->stage);
    FREE_NULL(a->environment);
    FREE_NULL(a->result);
    FREE_NULL(a->detail);
    FREE_NULL(a->user);
}

void api_call_release(struct api_call *c)
{
    if (c == NULL)
        return;
    FREE_NULL(c->service);
    FREE_NULL(c->operation);
    FREE_NULL(c->method);
    FREE_NULL(c->url);
    FREE_NULL(c->error);
    FREE_NULL(c->command);
    FREE_NULL(c->retry_detail);
}

int model_strdup(char **out, const char *s, struct err *e)
{
    *out = NULL;
    if (s == NULL)
        return 0;
    *out = strdup(s);
    if (*out == NULL)
        return err_set(e, ERR_NOMEM, "out of memory copying a %zu-byte string", strlen(s));
    return 0;
}

static int field_copy(struct schema_field *dst, const struct schema_field *src, struct err *e)
{
    memset(dst, 0, sizeof(*dst));
    if (model_strdup(&dst->name, src->name, e) || model_strdup(&dst->type, src->type, e) ||
        model_strdup(&dst->mode, src->mode, e) ||
        model_strdup(&dst->description, src->description, e))
        goto fail;
    if (src->n_policy_tags) {
        dst->policy_tags = calloc(src->n_policy_tags, sizeof(char *));
        if (dst->policy_tags == NULL) {
            err_set(e, ERR_NOMEM, "out of memory copying policy tags");
            goto fail;
        }
        for (size_t i = 0; i < src->n_policy_tags; i++) {
            dst->n_policy_tags = i + 1;
            if (model_strdup(&dst->policy_tags[i], src->policy_tags[i], e))
                goto fail;
        }
    }
    if (src->n_fields) {
        if (schema_fields_copy(&dst->fields, src->fields, src->n_fields, e))
            goto fail;
        dst->n_fields = src->n_fields;
    }
    return 0;
fail:
    schema_field_release(dst);
    return -1;
}

int schema_fields_copy(struct schema_field **out, const struct schema_field *src, size_t n,
                       struct err *e)
{
    struct schema_field *f;

    *out = NULL;
    if (n == 0)
        return 0;
    f = calloc(n, sizeof(*f));
    if (f == NULL)
        return err_set(e, ERR_NOMEM, "out of memory copying %zu schema fields", n);
    for (size_t i = 0; i < n; i++) {
        if (field_copy(&f[i], &src[i], e) != 0) {
            schema_fields_free(f, i);
            return -1;
        }
    }
    *out = f;
    return 0;
}

int table_full_name(char **out, const struct table_meta *t, struct err *e)
{
    *out = NULL;
    if (asprintf(out, "%s.%s.%s", t->project ? t->project : "", t->dataset ? t->dataset : "",
                 t->table_id ? t->table_id : "") < 0) {
        *out = NULL;
        return err_set(e, ERR_NOMEM, "out of memory naming a table");
    }
    return 0;
}
