/* core/infer_flat.c: the flat analyst schema (rules in core/infer.h) — one column per
 * attribute, key attributes first, typed from the values, each with its SELECT expression over
 * the raw table; and the list of attributes seen with two types. Never coerces a conflict. */
#include "core/infer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

int infer_ident(struct buf *b, const char *name);

#define TS_SEC_MIN 946684800LL  /* 2000-01-01 */
#define TS_SEC_MAX 4102444800LL /* 2100-01-01 */

static unsigned real_types(const struct infer_val *v)
{
    return v->types & ~(unsigned)INFER_NULL;
}

static bool single(unsigned t)
{
    return t != 0 && (t & (t - 1)) == 0;
}

/* Whether a value has one shape all the way down (what RECORD and ARRAY need). */
static bool uniform(const struct infer_val *v)
{
    unsigned t = real_types(v);

    if (t != 0 && !single(t))
        return false;
    if (t == INFER_M)
        for (size_t i = 0; i < v->n_attrs; i++)
            if (!uniform(&v->attrs[i].v))
                return false;
    if (t == INFER_L) {
        unsigned et = v->elem ? real_types(v->elem) : 0;
        if (et == 0 || !single(et) || (et & (INFER_L | INFER_SS | INFER_NS | INFER_BS)) ||
            !uniform(v->elem))
            return false;
    }
    return true;
}

static const char *num_type(const struct infer_num *n)
{
    if (n->count == 0 || n->all_int64)
        return "INT64";
    if (n->max_int_digits <= 29 && n->max_scale <= 9)
        return "NUMERIC";
    if (n->max_int_digits <= 38 && n->max_scale <= 38)
        return "BIGNUMERIC";
    return "FLOAT64";
}

static bool name_looks_time(const char *s)
{
    size_t l = strlen(s);
    return (l >= 3 && strcmp(s + l - 3, "_at") == 0) ||
           (l >= 5 && strcmp(s + l - 5, "_time") == 0) || (l >= 2 && strcmp(s + l - 2, "ts") == 0);
}

/* 1 seconds, 2 milliseconds, 0 not a timestamp. */
static int ts_kind(const char *name, const struct infer_val *v, const struct infer_opts *o)
{
    const struct infer_num *n = &v->num;
    bool forced = false;

    if (real_types(v) != INFER_N || n->count == 0 || !n->all_int64)
        return 0;
    for (size_t i = 0; i < o->n_timestamps; i++)
        forced = forced || strcmp(o->timestamps[i], name) == 0;
    if (forced)
        return n->max < 100000000000LL ? 1 : 2;
    if (!o->detect_timestamps || !name_looks_time(name))
        return 0;
    if (n->min >= TS_SEC_MIN && n->max <= TS_SEC_MAX)
        return 1;
    if (n->min >= TS_SEC_MIN * 1000 && n->max <= TS_SEC_MAX * 1000)
        return 2;
    return 0;
}

struct flat_ctx {
    const struct infer_opts *o;
    struct err *e;
};

static int set_field(struct schema_field *f, const char *name, const char *type, bool repeated,
                     struct err *e)
{
    if ((f->name = strdup(name)) == NULL || (f->type = strdup(type)) == NULL ||
        (f->mode = strdup(repeated ? "REPEATED" : "NULLABLE")) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory building the flat schema");
    return 0;
}

static int flat_val(struct flat_ctx *c, const char *name, const struct infer_val *v, const char *p,
                    bool top, struct schema_field *f, struct buf *x);

/* A uniform map as a RECORD: STRUCT(expr AS name, ...). */
static int flat_map(struct flat_ctx *c, const struct infer_val *v, const char *p,
                    struct schema_field *f, struct buf *x)
{
    if ((f->fields = calloc(v->n_attrs, sizeof(*f->fields))) == NULL)
        return err_set(c->e, ERR_NOMEM, "out of memory building the flat schema");
    buf_puts(x, "STRUCT(");
    for (size_t i = 0; i < v->n_attrs; i++) {
        struct buf sub = BUF_INIT(1u << 20);
        f->n_fields++;
        buf_printf(&sub, "%s.M.", p);
        infer_ident(&sub, v->attrs[i].name);
        int rc = sub.failed ? err_set(c->e, ERR_NOMEM, "out of memory building the flat schema")
                            : flat_val(c, v->attrs[i].name, &v->attrs[i].v, buf_cstr(&sub), false,
                                       &f->fields[i], x);
        buf_release(&sub);
        if (rc)
            return -1;
        buf_puts(x, " AS ");
        infer_ident(x, v->attrs[i].name);
        if (i + 1 < v->n_attrs)
            buf_puts(x, ", ");
    }
    buf_puts(x, ")");
    return 0;
}

static int flat_list(struct flat_ctx *c, const char *name, const struct infer_val *v, const char *p,
                     struct schema_field *f, struct buf *x)
{
    struct schema_field ef = {0};
    int rc;

    buf_puts(x, "ARRAY(SELECT ");
    rc = flat_val(c, name, v->elem, "x", false, &ef, x);
    if (rc == 0)
        rc = set_field(f, name, ef.type, true, c->e);
    f->fields = ef.fields;
    f->n_fields = ef.n_fields;
    ef.fields = NULL;
    ef.n_fields = 0;
    schema_field_release(&ef);
    buf_printf(x, " FROM UNNEST(%s.L) AS x%s)", p,
               (v->elem->types & INFER_NULL) ? " WHERE x.`NULL` IS NOT TRUE" : "");
    return rc;
}

static int flat_val(struct flat_ctx *c, const char *name, const struct infer_val *v, const char *p,
                    bool top, struct schema_field *f, struct buf *x)
{
    unsigned t = real_types(v);
    const char *nt = num_type(&v->num);
    int ts;

    if (!uniform(v) || (t == INFER_M && v->n_attrs == 0)) {
        buf_printf(x, "TO_JSON(%s)", p);
        return set_field(f, name, "JSON", false, c->e);
    }
    switch (t) {
    case 0:
        buf_puts(x, "CAST(NULL AS STRING)");
        return set_field(f, name, "STRING", false, c->e);
    case INFER_S:
    case INFER_B:
        buf_printf(x, "%s.%s", p, t == INFER_S ? "S" : "B");
        return set_field(f, name, t == INFER_S ? "STRING" : "BYTES", false, c->e);
    case INFER_BOOL:
        buf_printf(x, "%s.BOOL", p);
        return set_field(f, name, "BOOL", false, c->e);
    case INFER_N:
        ts = top ? ts_kind(name, v, c->o) : 0;
        if (ts != 0) {
            buf_printf(x, "TIMESTAMP_%s(SAFE_CAST(%s.N AS INT64))", ts == 1 ? "SECONDS" : "MILLIS",
                       p);
            return set_field(f, name, "TIMESTAMP", false, c->e);
        }
        buf_printf(x, "SAFE_CAST(%s.N AS %s)", p, nt);
        return set_field(f, name, nt, false, c->e);
    case INFER_SS:
    case INFER_BS:
        buf_printf(x, "%s.%s", p, t == INFER_SS ? "SS" : "BS");
        return set_field(f, name, t == INFER_SS ? "STRING" : "BYTES", true, c->e);
    case INFER_NS:
        buf_printf(x, "ARRAY(SELECT SAFE_CAST(n AS %s) FROM UNNEST(%s.NS) AS n)", nt, p);
        return set_field(f, name, nt, true, c->e);
    case INFER_M:
        if (set_field(f, name, "RECORD", false, c->e))
            return -1;
        return flat_map(c, v, p, f, x);
    default:
        return flat_list(c, name, v, p, f, x);
    }
}

/* Attributes (members of maps, at any depth) seen with two types. The elements of a list are
 * not attributes: a list of mixed elements is only not homogeneous (its column is JSON). */
static int add_conflicts(struct infer_flat *out, const struct infer_val *v, const char *path,
                         bool attr, struct err *e)
{
    unsigned t = real_types(v);
    char sub[512];

    if (attr && t != 0 && !single(t)) {
        struct infer_conflict *nc = realloc(out->conflicts, (out->n_conflicts + 1) * sizeof(*nc));
        if (nc == NULL)
            return err_set(e, ERR_NOMEM, "out of memory listing conflicts");
        out->conflicts = nc;
        if ((nc[out->n_conflicts].path = strdup(path)) == NULL)
            return err_set(e, ERR_NOMEM, "out of memory listing conflicts");
        nc[out->n_conflicts++].types = t;
    }
    for (size_t i = 0; i < v->n_attrs; i++) {
        snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", v->attrs[i].name);
        if (add_conflicts(out, &v->attrs[i].v, sub, true, e))
            return -1;
    }
    if (v->elem != NULL) {
        snprintf(sub, sizeof(sub), "%s[]", path);
        return add_conflicts(out, v->elem, sub, false, e);
    }
    return 0;
}

static int key_rank(const struct infer_opts *o, const char *name)
{
    for (size_t i = 0; i < o->n_keys; i++)
        if (strcmp(o->keys[i], name) == 0)
            return (int)i;
    return -1;
}

static int add_col(struct flat_ctx *c, struct infer_flat *out, const struct infer_attr *a)
{
    struct infer_flat_col *col = &out->cols[out->n];
    struct buf p = BUF_INIT(1u << 20), x = BUF_INIT(16u << 20);
    int rc;

    memset(col, 0, sizeof(*col));
    out->n++;
    buf_puts(&p, "Item.");
    infer_ident(&p, a->name);
    rc = flat_val(c, a->name, &a->v, buf_cstr(&p), true, &col->field, &x);
    for (size_t i = 0; rc == 0 && i < c->o->n_existing; i++) {
        const struct schema_field *ex = &c->o->existing[i];
        if (ex->name && ex->description && *ex->description && strcmp(ex->name, a->name) == 0 &&
            (col->field.description = strdup(ex->description)) == NULL)
            rc = err_set(c->e, ERR_NOMEM, "out of memory building the flat schema");
    }
    if (rc == 0 && (p.failed || x.failed || (col->expr = buf_detach(&x)) == NULL))
        rc = err_set(c->e, ERR_NOMEM, "the SELECT expression of %s: %s", a->name,
                     x.toobig ? "too large" : "out of memory");
    buf_release(&p);
    buf_release(&x);
    return rc;
}

int infer_flat_schema(const struct infer *in, const struct infer_opts *opts, struct infer_flat *out,
                      struct err *e)
{
    const struct infer_val *item = &in->item;
    struct flat_ctx c = {opts, e};

    memset(out, 0, sizeof(*out));
    if (item->n_attrs == 0)
        return 0;
    if ((out->cols = calloc(item->n_attrs, sizeof(*out->cols))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory building the flat schema");
    for (size_t k = 0; k < opts->n_keys; k++)
        for (size_t i = 0; i < item->n_attrs; i++)
            if (strcmp(item->attrs[i].name, opts->keys[k]) == 0 &&
                add_col(&c, out, &item->attrs[i]))
                goto fail;
    for (size_t i = 0; i < item->n_attrs; i++)
        if (key_rank(opts, item->attrs[i].name) < 0 && add_col(&c, out, &item->attrs[i]))
            goto fail;
    if (add_conflicts(out, item, "", false, e))
        goto fail;
    return 0;
fail:
    infer_flat_release(out);
    return -1;
}

void infer_flat_release(struct infer_flat *f)
{
    for (size_t i = 0; i < f->n; i++) {
        schema_field_release(&f->cols[i].field);
        free(f->cols[i].expr);
    }
    free(f->cols);
    for (size_t i = 0; i < f->n_conflicts; i++)
        free(f->conflicts[i].path);
    free(f->conflicts);
    memset(f, 0, sizeof(*f));
}
