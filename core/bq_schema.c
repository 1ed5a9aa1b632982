/* core/bq_schema.c: BigQuery TableFieldSchema JSON <-> struct schema_field, recursive (RECORD
 * fields nest), with descriptions and policy tags kept byte for byte. Nesting is bounded so a
 * hostile answer cannot exhaust the stack. */
#include "core/bq.h"

#include <stdlib.h>
#include <string.h>

#define BQ_MAX_NESTING 32 /* BigQuery allows 15 levels */

static int read_fields(struct schema_field **out, size_t *n, const json_t *obj, const char *key,
                       const struct jloc *at, int depth, struct err *e);

static int read_policy_tags(struct schema_field *f, const json_t *o, const struct jloc *at,
                            struct err *e)
{
    const json_t *pt, *names;
    char path[512];
    struct jloc pat = {at->call, jsonx_path(path, sizeof(path), at, "policyTags", -1)};
    char ipath[512];

    if (jsonx_object(o, "policyTags", 0, &pt, at, e) != 0)
        return -1;
    if (pt == NULL)
        return 0;
    if (jsonx_array(pt, "names", 0, &names, &pat, e) != 0)
        return -1;
    if (names == NULL || json_array_size(names) == 0)
        return 0;
    f->policy_tags = calloc(json_array_size(names) + 1, sizeof(char *));
    if (f->policy_tags == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", at->call);
    for (size_t i = 0; i < json_array_size(names); i++) {
        const json_t *v = json_array_get(names, i);
        if (!json_is_string(v))
            return err_set(e, ERR_PARSE, "%s: %s is %s, expected a string", at->call,
                           jsonx_path(ipath, sizeof(ipath), &pat, "names", (long)i),
                           jsonx_type_name(v));
        if ((f->policy_tags[i] = strdup(json_string_value(v))) == NULL)
            return err_set(e, ERR_NOMEM, "%s: out of memory", at->call);
        f->n_policy_tags = i + 1;
    }
    return 0;
}

static int read_field_at(struct schema_field *f, const json_t *o, const struct jloc *at, int depth,
                         struct err *e)
{
    if (jsonx_str(o, "name", 1, &f->name, at, e) || jsonx_str(o, "type", 1, &f->type, at, e) ||
        jsonx_str(o, "mode", 0, &f->mode, at, e) ||
        jsonx_str(o, "description", 0, &f->description, at, e) || read_policy_tags(f, o, at, e) ||
        read_fields(&f->fields, &f->n_fields, o, "fields", at, depth + 1, e))
        return -1;
    if (f->mode == NULL && (f->mode = strdup("NULLABLE")) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", at->call);
    return 0;
}

static int read_fields(struct schema_field **out, size_t *n, const json_t *obj, const char *key,
                       const struct jloc *at, int depth, struct err *e)
{
    const json_t *arr;
    char path[512];
    struct jloc item_at = {at->call, path};
    size_t count, i;
    struct schema_field *v;

    *out = NULL;
    *n = 0;
    if (jsonx_array(obj, key, 0, &arr, at, e) != 0)
        return -1;
    if (arr == NULL || (count = json_array_size(arr)) == 0)
        return 0;
    if (depth > BQ_MAX_NESTING)
        return err_set(e, ERR_PARSE, "%s: %s nests deeper than %d levels", at->call,
                       jsonx_path(path, sizeof(path), at, key, -1), BQ_MAX_NESTING);
    if ((v = calloc(count, sizeof(*v))) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", at->call);
    for (i = 0; i < count; i++) {
        jsonx_path(path, sizeof(path), at, key, (long)i);
        if (jsonx_item_object(arr, i, key, at, e) ||
            read_field_at(&v[i], json_array_get(arr, i), &item_at, depth, e))
            break;
    }
    if (i < count) {
        schema_fields_free(v, i + 1);
        return -1;
    }
    *out = v;
    *n = count;
    return 0;
}

int bq_schema_read(struct schema_field **out, size_t *n, const json_t *obj, const char *key,
                   const struct jloc *at, struct err *e)
{
    return read_fields(out, n, obj, key, at, 0, e);
}

static json_t *field_json(const struct schema_field *f, struct err *e);

static int set_str(json_t *o, const char *k, const char *v)
{
    return v == NULL ? 0 : json_object_set_new(o, k, json_string(v));
}

int bq_schema_to_json(json_t **out, const struct schema_field *fields, size_t n, struct err *e)
{
    json_t *arr = json_array();

    *out = NULL;
    if (arr == NULL)
        return err_set(e, ERR_NOMEM, "out of memory building a schema");
    for (size_t i = 0; i < n; i++) {
        json_t *f = field_json(&fields[i], e);
        if (f == NULL || json_array_append_new(arr, f) != 0) {
            json_decref(arr);
            return err_set(e, ERR_NOMEM, "out of memory building a schema");
        }
    }
    *out = arr;
    return 0;
}

static json_t *field_json(const struct schema_field *f, struct err *e)
{
    json_t *o = json_object(), *names, *sub;

    if (o == NULL || set_str(o, "name", f->name) || set_str(o, "type", f->type) ||
        set_str(o, "mode", f->mode) || set_str(o, "description", f->description))
        goto fail;
    if (f->n_policy_tags > 0) {
        if ((names = json_array()) == NULL ||
            json_object_set_new(o, "policyTags", json_pack("{s:o}", "names", names)) != 0)
            goto fail;
        for (size_t i = 0; i < f->n_policy_tags; i++)
            if (json_array_append_new(names, json_string(f->policy_tags[i])) != 0)
                goto fail;
    }
    if (f->n_fields > 0) {
        if (bq_schema_to_json(&sub, f->fields, f->n_fields, e) != 0 ||
            json_object_set_new(o, "fields", sub) != 0)
            goto fail;
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}
