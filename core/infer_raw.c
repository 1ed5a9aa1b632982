/* core/infer_raw.c: the raw table schema from the inference tree (the mapping is in
 * core/infer.h) and the validator telling whether an export line loads into a given raw
 * schema. Never changes the tree. */
#include "core/infer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    unsigned bit;
    const char *name, *type, *mode;
} members[] = {
    /* by name, byte order */
    {INFER_B, "B", "BYTES", "NULLABLE"},    {INFER_BOOL, "BOOL", "BOOLEAN", "NULLABLE"},
    {INFER_BS, "BS", "BYTES", "REPEATED"},  {INFER_L, "L", "RECORD", "REPEATED"},
    {INFER_M, "M", "RECORD", "NULLABLE"},   {INFER_N, "N", "STRING", "NULLABLE"},
    {INFER_NS, "NS", "STRING", "REPEATED"}, {INFER_NULL, "NULL", "BOOLEAN", "NULLABLE"},
    {INFER_S, "S", "STRING", "NULLABLE"},   {INFER_SS, "SS", "STRING", "REPEATED"},
};
#define N_MEMBERS (sizeof(members) / sizeof(members[0]))

static int field_set(struct schema_field *f, const char *name, const char *type, const char *mode,
                     struct err *e)
{
    memset(f, 0, sizeof(*f));
    if ((f->name = strdup(name)) == NULL || (f->type = strdup(type)) == NULL ||
        (f->mode = strdup(mode)) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory building the raw schema");
    return 0;
}

static int val_fields(const struct infer_val *v, struct schema_field **out, size_t *n,
                      struct err *e);

/* The nested attributes of a map: one RECORD per attribute. */
static int map_fields(const struct infer_val *v, struct schema_field **out, size_t *n,
                      struct err *e)
{
    *out = NULL;
    *n = 0;
    if (v->n_attrs == 0)
        return 0;
    if ((*out = calloc(v->n_attrs, sizeof(**out))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory building the raw schema");
    for (size_t i = 0; i < v->n_attrs; i++) {
        struct schema_field *f = &(*out)[i];
        (*n)++;
        if (field_set(f, v->attrs[i].name, "RECORD", "NULLABLE", e) ||
            val_fields(&v->attrs[i].v, &f->fields, &f->n_fields, e))
            return -1;
    }
    return 0;
}

/* The descriptor members of a value. */
static int val_fields(const struct infer_val *v, struct schema_field **out, size_t *n,
                      struct err *e)
{
    size_t k = 0;

    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < N_MEMBERS; i++)
        k += (v->types & members[i].bit) != 0;
    if (k == 0)
        return 0;
    if ((*out = calloc(k, sizeof(**out))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory building the raw schema");
    for (size_t i = 0; i < N_MEMBERS; i++) {
        if (!(v->types & members[i].bit))
            continue;
        struct schema_field *f = &(*out)[(*n)++];
        if (field_set(f, members[i].name, members[i].type, members[i].mode, e))
            return -1;
        if (members[i].bit == INFER_M && map_fields(v, &f->fields, &f->n_fields, e))
            return -1;
        if (members[i].bit == INFER_L && v->elem != NULL &&
            val_fields(v->elem, &f->fields, &f->n_fields, e))
            return -1;
    }
    return 0;
}

int infer_raw_schema(const struct infer *in, struct schema_field **out, size_t *n, struct err *e)
{
    struct schema_field *item = calloc(1, sizeof(*item));

    *out = NULL;
    *n = 0;
    if (item == NULL)
        return err_set(e, ERR_NOMEM, "out of memory building the raw schema");
    if (field_set(item, "Item", "RECORD", "NULLABLE", e) ||
        map_fields(&in->item, &item->fields, &item->n_fields, e)) {
        schema_fields_free(item, 1);
        return -1;
    }
    *out = item;
    *n = 1;
    return 0;
}

/* ---- validation */

static const struct schema_field *find(const struct schema_field *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].name != NULL && strcmp(f[i].name, name) == 0)
            return &f[i];
    return NULL;
}

static int check_value(const struct schema_field *rec, json_t *desc, const char *path,
                       struct err *e);

static int check_map(const struct schema_field *rec, json_t *obj, const char *path, struct err *e)
{
    const char *k;
    json_t *x;
    char sub[512];

    json_object_foreach(obj, k, x)
    {
        const struct schema_field *a = find(rec->fields, rec->n_fields, k);
        snprintf(sub, sizeof(sub), "%s.%s", path, k);
        if (a == NULL)
            return err_set(e, ERR_PARSE, "%s: no such field in the schema", sub);
        if (check_value(a, x, sub, e))
            return -1;
    }
    return 0;
}

static int check_value(const struct schema_field *rec, json_t *desc, const char *path,
                       struct err *e)
{
    const char *k;
    json_t *x;
    char sub[512];

    if (!json_is_object(desc))
        return err_set(e, ERR_PARSE, "%s: not a DynamoDB value", path);
    json_object_foreach(desc, k, x)
    {
        const struct schema_field *m = find(rec->fields, rec->n_fields, k);
        snprintf(sub, sizeof(sub), "%s.%s", path, k);
        if (m == NULL)
            return err_set(e, ERR_PARSE, "%s: the schema has no member %s here", sub, k);
        if (strcmp(k, "M") == 0 && check_map(m, x, sub, e))
            return -1;
        if (strcmp(k, "L") == 0) {
            size_t i;
            json_t *el;
            json_array_foreach(x, i, el)
            {
                if (check_value(m, el, sub, e))
                    return -1;
            }
        }
    }
    return 0;
}

int infer_validate_line(const struct schema_field *fields, size_t n, const char *line, size_t len,
                        struct err *e)
{
    json_error_t je;
    json_t *root = json_loadb(line, len, 0, &je);
    const struct schema_field *item = find(fields, n, "Item");
    int rc;

    if (root == NULL)
        return err_set(e, ERR_PARSE, "not JSON (%s)", je.text);
    if (item == NULL || !json_is_object(json_object_get(root, "Item")))
        rc = err_set(e, ERR_PARSE, "no Item in the line or the schema");
    else
        rc = check_map(item, json_object_get(root, "Item"), "Item", e);
    json_decref(root);
    return rc;
}
