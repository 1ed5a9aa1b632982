/* core/infer_drift.c: drift between an inferred raw schema and a raw table (core/infer_drift.h)
 * and the additive patch. Walks a deep copy of the table's fields, appending only what the
 * export has and the table lacks; never removes or retypes a field. */
#include "core/infer_drift.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *drift_kind_name(enum drift_kind k)
{
    return k == DRIFT_NEW ? "new" : k == DRIFT_CHANGED ? "changed" : "gone";
}

static int add_item(struct drift *d, enum drift_kind k, const char *path, bool fixable,
                    struct err *e, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int add_item(struct drift *d, enum drift_kind k, const char *path, bool fixable,
                    struct err *e, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    struct drift_item *nv = realloc(d->v, (d->n + 1) * sizeof(*nv));

    if (nv == NULL)
        return err_set(e, ERR_NOMEM, "out of memory comparing schemas");
    d->v = nv;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    nv[d->n] = (struct drift_item){k, strdup(path), strdup(detail), fixable};
    if (nv[d->n].path == NULL || nv[d->n].detail == NULL)
        return err_set(e, ERR_NOMEM, "out of memory comparing schemas");
    d->n++;
    if (k == DRIFT_NEW)
        d->n_new++;
    else if (k == DRIFT_CHANGED)
        d->n_changed++;
    else
        d->n_gone++;
    return 0;
}

static long find(const struct schema_field *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].name && strcmp(f[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Appends a deep copy of src to (*fields, *n). */
static int append(struct schema_field **fields, size_t *n, const struct schema_field *src,
                  struct drift *d, struct err *e)
{
    struct schema_field *copy = NULL, *nf;

    if (schema_fields_copy(&copy, src, 1, e))
        return -1;
    if ((nf = realloc(*fields, (*n + 1) * sizeof(*nf))) == NULL) {
        schema_fields_free(copy, 1);
        return err_set(e, ERR_NOMEM, "out of memory building the patch");
    }
    nf[*n] = *copy;
    free(copy);
    *fields = nf;
    (*n)++;
    d->n_added++;
    return 0;
}

static void members(const struct schema_field *a, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < a->n_fields && used < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? "|" : "", a->fields[i].name);
        used += w > 0 ? (size_t)w : 0;
    }
}

static int attrs(const struct schema_field *inf, size_t ni, struct schema_field **tab, size_t *nt,
                 const char *path, struct drift *d, struct err *e);

/* The descriptor members of one attribute (or of list elements). */
static int descs(const struct schema_field *a, struct schema_field *t, const char *path,
                 struct drift *d, struct err *e)
{
    char sub[600];

    for (size_t i = 0; i < a->n_fields; i++) {
        const struct schema_field *m = &a->fields[i];
        long j = find(t->fields, t->n_fields, m->name);
        if (j < 0) {
            if (add_item(d, DRIFT_CHANGED, path, true, e, "now also %s (the table has %s)", m->name,
                         t->n_fields ? t->fields[0].name : "none") ||
                append(&t->fields, &t->n_fields, m, d, e))
                return -1;
            continue;
        }
        struct schema_field *tm = &t->fields[j];
        const char *mode_a = m->mode ? m->mode : "NULLABLE",
                   *mode_t = tm->mode ? tm->mode : "NULLABLE";
        if (strcmp(m->type, tm->type) != 0 || strcmp(mode_a, mode_t) != 0) {
            if (add_item(d, DRIFT_CHANGED, path, false, e,
                         "%s is %s %s in the table but %s %s in the export (not patched: a type "
                         "change needs a new table)",
                         m->name, tm->type, mode_t, m->type, mode_a))
                return -1;
            continue;
        }
        snprintf(sub, sizeof(sub), "%s.M", path);
        if (strcmp(m->name, "M") == 0 &&
            attrs(m->fields, m->n_fields, &tm->fields, &tm->n_fields, sub, d, e))
            return -1;
        snprintf(sub, sizeof(sub), "%s[]", path);
        if (strcmp(m->name, "L") == 0 && descs(m, tm, sub, d, e))
            return -1;
    }
    return 0;
}

/* Attributes: RECORDs of descriptors (children of Item or of an M member). */
static int attrs(const struct schema_field *inf, size_t ni, struct schema_field **tab, size_t *nt,
                 const char *path, struct drift *d, struct err *e)
{
    char sub[600], ms[200];
    size_t n_before = *nt;

    for (size_t i = 0; i < ni; i++) {
        long j = find(*tab, *nt, inf[i].name);
        snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", inf[i].name);
        if (j < 0) {
            members(&inf[i], ms, sizeof(ms));
            if (add_item(d, DRIFT_NEW, sub, true, e, "%s", ms) || append(tab, nt, &inf[i], d, e))
                return -1;
        } else if (descs(&inf[i], &(*tab)[j], sub, d, e)) {
            return -1;
        }
    }
    for (size_t j = 0; j < n_before; j++) {
        snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", (*tab)[j].name);
        if (find(inf, ni, (*tab)[j].name) < 0 &&
            add_item(d, DRIFT_GONE, sub, false, e, "in the table, not in the export (kept)"))
            return -1;
    }
    return 0;
}

int drift_compute(const struct schema_field *inferred, size_t n_inferred,
                  const struct schema_field *table, size_t n_table, struct drift *out,
                  struct err *e)
{
    long ii = find(inferred, n_inferred, "Item"), ti;

    memset(out, 0, sizeof(*out));
    if (ii < 0)
        return err_set(e, ERR_USAGE, "the inferred schema has no Item record");
    if (n_table > 0 && schema_fields_copy(&out->merged, table, n_table, e))
        return -1;
    out->n_merged = n_table;
    ti = find(out->merged, out->n_merged, "Item");
    if (ti < 0) {
        if (add_item(out, DRIFT_NEW, "Item", true, e, "the table has no Item record") ||
            append(&out->merged, &out->n_merged, &inferred[ii], out, e))
            goto fail;
        return 0;
    }
    if (strcmp(out->merged[ti].type ? out->merged[ti].type : "", "RECORD") != 0) {
        err_set(e, ERR_USAGE, "the table's Item is %s, not a RECORD: not a DynamoDB raw table",
                out->merged[ti].type ? out->merged[ti].type : "untyped");
        goto fail;
    }
    if (attrs(inferred[ii].fields, inferred[ii].n_fields, &out->merged[ti].fields,
              &out->merged[ti].n_fields, "", out, e) == 0)
        return 0;
fail:
    drift_release(out);
    return -1;
}

void drift_release(struct drift *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].path);
        free(d->v[i].detail);
    }
    free(d->v);
    schema_fields_free(d->merged, d->n_merged);
    memset(d, 0, sizeof(*d));
}
