/* core/infer_tree.c: the inference tree — each export line's Item is walked and every value's
 * descriptor, nested attributes, list elements and number shape are merged into struct infer.
 * Never keeps the values themselves; a malformed descriptor is ERR_PARSE naming its path. */
#include "core/infer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int infer_num_add(struct infer_num *num, const char *s, struct err *e);

static const char *const type_names[INFER_NTYPES] = {"S", "N", "B",  "BOOL", "NULL",
                                                     "M", "L", "SS", "NS",   "BS"};

const char *infer_types_str(unsigned types, char *buf, size_t n)
{
    size_t used = 0;

    if (n == 0)
        return buf;
    buf[0] = '\0';
    for (int i = 0; i < INFER_NTYPES; i++) {
        if (!(types & (1u << i)))
            continue;
        int w = snprintf(buf + used, n - used, "%s%s", used ? "|" : "", type_names[i]);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
    return buf;
}

static int type_of(const char *name)
{
    for (int i = 0; i < INFER_NTYPES; i++)
        if (strcmp(name, type_names[i]) == 0)
            return 1 << i;
    return 0;
}

void infer_init(struct infer *in)
{
    memset(in, 0, sizeof(*in));
}

static void val_release(struct infer_val *v)
{
    for (size_t i = 0; i < v->n_attrs; i++) {
        free(v->attrs[i].name);
        val_release(&v->attrs[i].v);
    }
    free(v->attrs);
    if (v->elem != NULL) {
        val_release(v->elem);
        free(v->elem);
    }
    memset(v, 0, sizeof(*v));
}

void infer_release(struct infer *in)
{
    val_release(&in->item);
    memset(in, 0, sizeof(*in));
}

bool infer_done(const struct infer *in)
{
    return in->sample > 0 && in->items >= in->sample;
}

/* The attribute called name in v (inserted in order when new), or NULL when out of memory. */
static struct infer_val *attr_get(struct infer_val *v, const char *name, struct err *e)
{
    size_t lo = 0, hi = v->n_attrs;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(v->attrs[mid].name, name);
        if (c == 0)
            return &v->attrs[mid].v;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (v->n_attrs == v->cap_attrs) {
        size_t cap = v->cap_attrs ? v->cap_attrs * 2 : 8;
        struct infer_attr *na = realloc(v->attrs, cap * sizeof(*na));
        if (na == NULL) {
            err_set(e, ERR_NOMEM, "out of memory adding attribute %s", name);
            return NULL;
        }
        v->attrs = na;
        v->cap_attrs = cap;
    }
    char *copy = strdup(name);
    if (copy == NULL) {
        err_set(e, ERR_NOMEM, "out of memory adding attribute %s", name);
        return NULL;
    }
    memmove(&v->attrs[lo + 1], &v->attrs[lo], (v->n_attrs - lo) * sizeof(*v->attrs));
    memset(&v->attrs[lo], 0, sizeof(*v->attrs));
    v->attrs[lo].name = copy;
    v->n_attrs++;
    return &v->attrs[lo].v;
}

static int add_value(struct infer_val *v, json_t *desc, const char *path, int depth, struct err *e);

static int add_map(struct infer_val *v, json_t *obj, const char *path, int depth, struct err *e)
{
    const char *k;
    json_t *x;
    char sub[512];

    if (!json_is_object(obj))
        return err_set(e, ERR_PARSE, "%s: M is not an object", path);
    json_object_foreach(obj, k, x)
    {
        struct infer_val *a = attr_get(v, k, e);
        if (a == NULL)
            return -1;
        snprintf(sub, sizeof(sub), "%s.%s", path, k);
        if (add_value(a, x, sub, depth + 1, e))
            return -1;
    }
    return 0;
}

static int add_set(struct infer_val *v, json_t *arr, const char *t, const char *path, struct err *e)
{
    size_t i;
    json_t *x;

    if (!json_is_array(arr))
        return err_set(e, ERR_PARSE, "%s: %s is not an array", path, t);
    json_array_foreach(arr, i, x)
    {
        if (!json_is_string(x))
            return err_set(e, ERR_PARSE, "%s: %s member %zu is not a string", path, t, i);
        if (strcmp(t, "NS") == 0 && infer_num_add(&v->num, json_string_value(x), e)) {
            err_prefix(e, "%s: ", path);
            return -1;
        }
    }
    return 0;
}

static int add_typed(struct infer_val *v, int t, const char *name, json_t *x, const char *path,
                     int depth, struct err *e)
{
    switch (t) {
    case INFER_S:
    case INFER_B:
        if (!json_is_string(x))
            return err_set(e, ERR_PARSE, "%s: %s is not a string", path, name);
        return 0;
    case INFER_N:
        if (!json_is_string(x))
            return err_set(e, ERR_PARSE, "%s: N is not a string", path);
        if (infer_num_add(&v->num, json_string_value(x), e) == 0)
            return 0;
        err_prefix(e, "%s: ", path);
        return -1;
    case INFER_BOOL:
    case INFER_NULL:
        if (!json_is_boolean(x))
            return err_set(e, ERR_PARSE, "%s: %s is not true or false", path, name);
        return 0;
    case INFER_M:
        v->maps++;
        return add_map(v, x, path, depth, e);
    case INFER_L: {
        size_t i;
        json_t *el;
        char sub[512];
        if (!json_is_array(x))
            return err_set(e, ERR_PARSE, "%s: L is not an array", path);
        if (v->elem == NULL && (v->elem = calloc(1, sizeof(*v->elem))) == NULL)
            return err_set(e, ERR_NOMEM, "out of memory at %s", path);
        snprintf(sub, sizeof(sub), "%s[]", path);
        json_array_foreach(x, i, el)
        {
            if (add_value(v->elem, el, sub, depth + 1, e))
                return -1;
        }
        return 0;
    }
    default:
        return add_set(v, x, name, path, e);
    }
}

static int add_value(struct infer_val *v, json_t *desc, const char *path, int depth, struct err *e)
{
    const char *k;
    json_t *x;
    int t;

    if (depth > 64)
        return err_set(e, ERR_PARSE, "%s: nested deeper than 64 levels", path);
    if (!json_is_object(desc) || json_object_size(desc) != 1)
        return err_set(e, ERR_PARSE,
                       "%s: not a DynamoDB value (an object with one type "
                       "descriptor such as {\"S\":...})",
                       path);
    json_object_foreach(desc, k, x)
    {
        if ((t = type_of(k)) == 0)
            return err_set(e, ERR_PARSE, "%s: unknown type descriptor \"%.20s\"", path, k);
        v->types |= (unsigned)t;
        v->seen++;
        if (add_typed(v, t, k, x, path, depth, e))
            return -1;
    }
    return 0;
}

int infer_add_line(struct infer *in, const char *line, size_t len, const char *where, struct err *e)
{
    json_error_t je;
    json_t *root, *item;
    int rc = -1;
    size_t i = 0;

    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        i++;
    if (i == len)
        return 0;
    in->lines++;
    root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return err_set(e, ERR_PARSE, "%s: not JSON (%s at column %d)", where, je.text, je.column);
    item = json_object_get(root, "Item");
    if (!json_is_object(item)) {
        err_set(e, ERR_PARSE, "%s: no \"Item\" object (not DynamoDB JSON export data)", where);
        goto out;
    }
    in->item.maps++;
    in->item.types |= INFER_M;
    in->item.seen++;
    if (add_map(&in->item, item, "Item", 0, e)) {
        err_prefix(e, "%s: ", where);
        goto out;
    }
    in->items++;
    rc = 0;
out:
    json_decref(root);
    return rc;
}
