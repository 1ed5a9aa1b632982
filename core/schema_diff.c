/* core/schema_diff.c: schema version differences (core/schema_diff.h), walking both field
 * lists by name, recursing into RECORD fields present in both. Never allocates beyond out. */
#include "core/schema_diff.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

static bool same(const char *a, const char *b)
{
    return strcmp(nz(a), nz(b)) == 0;
}

static const char *mode_of(const struct schema_field *f)
{
    return f->mode != NULL && f->mode[0] ? f->mode : "NULLABLE";
}

static const struct schema_field *find(const struct schema_field *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (same(v[i].name, name))
            return &v[i];
    return NULL;
}

static bool same_tags(const struct schema_field *a, const struct schema_field *b)
{
    if (a->n_policy_tags != b->n_policy_tags)
        return false;
    for (size_t i = 0; i < a->n_policy_tags; i++)
        if (!same(a->policy_tags[i], b->policy_tags[i]))
            return false;
    return true;
}

static int walk(const struct schema_field *o, size_t no, const struct schema_field *n, size_t nn,
                const char *prefix, struct buf *out, struct schema_diff_count *c);

static int changed(const struct schema_field *a, const struct schema_field *b, const char *path,
                   struct buf *out, struct schema_diff_count *c)
{
    bool t = !same(a->type, b->type), m = strcmp(mode_of(a), mode_of(b)) != 0;
    bool d = !same(a->description, b->description), p = !same_tags(a, b);
    int rc = 0;

    if (t || m || d || p) {
        c->changed++;
        rc |= buf_printf(out, "~ %s:", path);
        if (t)
            rc |= buf_printf(out, " type %s -> %s", nz(a->type), nz(b->type));
        if (m)
            rc |= buf_printf(out, "%s mode %s -> %s", t ? "," : "", mode_of(a), mode_of(b));
        if (d)
            rc |= buf_printf(out, "%s description '%s' -> '%s'", t || m ? "," : "",
                             nz(a->description), nz(b->description));
        if (p)
            rc |= buf_printf(out, "%s policy tags %zu -> %zu", t || m || d ? "," : "",
                             a->n_policy_tags, b->n_policy_tags);
        rc |= buf_putc(out, '\n');
    }
    return rc | walk(a->fields, a->n_fields, b->fields, b->n_fields, path, out, c);
}

static int walk(const struct schema_field *o, size_t no, const struct schema_field *n, size_t nn,
                const char *prefix, struct buf *out, struct schema_diff_count *c)
{
    char path[1024];
    int rc = 0;

    for (size_t i = 0; i < nn; i++) {
        const struct schema_field *was = find(o, no, n[i].name);
        snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", nz(n[i].name));
        if (was == NULL) {
            c->added++;
            rc |= buf_printf(out, "+ %s %s %s\n", path, nz(n[i].type), mode_of(&n[i]));
        } else {
            rc |= changed(was, &n[i], path, out, c);
        }
    }
    for (size_t i = 0; i < no; i++) {
        if (find(n, nn, o[i].name) != NULL)
            continue;
        snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", nz(o[i].name));
        c->removed++;
        rc |= buf_printf(out, "- %s %s %s\n", path, nz(o[i].type), mode_of(&o[i]));
    }
    return rc;
}

int schema_diff(const struct schema_field *old, size_t n_old, const struct schema_field *new_f,
                size_t n_new, struct buf *out, struct schema_diff_count *count, struct err *e)
{
    memset(count, 0, sizeof(*count));
    if (walk(old, n_old, new_f, n_new, "", out, count) != 0)
        return err_set(e, ERR_NOMEM, "out of memory writing a schema difference");
    return 0;
}
