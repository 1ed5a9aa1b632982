/* core/jsonx.c: shape-checked JSON reads over jansson. Never parses JSON by hand and never
 * trusts a value's type: every mismatch becomes an ERR_PARSE naming the call and the path. */
#include "core/jsonx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"

int jsonx_load(json_t **out, const char *call, const char *body, size_t len, struct err *e)
{
    json_error_t jerr;
    json_t *root;

    *out = NULL;
    if (body == NULL || len == 0)
        return err_set(e, ERR_PARSE, "%s: the response body is empty, expected a JSON object",
                       call);
    root = json_loadb(body, len, 0, &jerr);
    if (root == NULL)
        return err_set(e, ERR_PARSE, "%s: the response is not valid JSON (line %d, column %d: %s)",
                       call, jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        err_set(e, ERR_PARSE, "%s: the response is %s, expected a JSON object", call,
                jsonx_type_name(root));
        json_decref(root);
        return -1;
    }
    *out = root;
    return 0;
}

const char *jsonx_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "an unknown value";
}

char *jsonx_path(char *dst, size_t n, const struct jloc *at, const char *key, long index)
{
    const char *base = at && at->path ? at->path : "";
    int w;

    if (index >= 0)
        w = snprintf(dst, n, "%s%s%s[%ld]", base, *base ? "." : "", key, index);
    else
        w = snprintf(dst, n, "%s%s%s", base, *base ? "." : "", key);
    (void)w;
    return dst;
}

/* The value at obj[key]: 0 when present, 1 when absent or null, -1 (ERR_PARSE) when absent
 * and required. */
static int get(const json_t *obj, const char *key, int required, const json_t **v,
               const struct jloc *at, struct err *e)
{
    char path[256];

    *v = json_object_get(obj, key);
    if (*v != NULL && !json_is_null(*v))
        return 0;
    *v = NULL;
    if (required)
        return err_set(e, ERR_PARSE, "%s: %s is missing", at->call,
                       jsonx_path(path, sizeof(path), at, key, -1));
    return 1;
}

static int wrong(const json_t *v, const char *key, const char *expected, const struct jloc *at,
                 struct err *e)
{
    char path[256];

    return err_set(e, ERR_PARSE, "%s: %s is %s, expected %s", at->call,
                   jsonx_path(path, sizeof(path), at, key, -1), jsonx_type_name(v), expected);
}

int jsonx_str(const json_t *obj, const char *key, int required, char **out, const struct jloc *at,
              struct err *e)
{
    const json_t *v;
    int rc;
    char *s;

    if ((rc = get(obj, key, required, &v, at, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (!json_is_string(v))
        return wrong(v, key, "a string", at, e);
    s = strndup(json_string_value(v), json_string_length(v));
    if (s == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory reading %s", at->call, key);
    free(*out);
    *out = s;
    return 0;
}

int jsonx_int64(const json_t *obj, const char *key, int required, int64_t *out,
                const struct jloc *at, struct err *e)
{
    const json_t *v;
    int rc;
    const char *s;
    char *end;
    long long n;
    char path[256];

    if ((rc = get(obj, key, required, &v, at, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return wrong(v, key, "an integer or a decimal string", at, e);
    s = json_string_value(v);
    errno = 0;
    n = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno == ERANGE || end == s)
        return err_set(e, ERR_PARSE, "%s: %s is \"%.40s\", expected a decimal integer", at->call,
                       jsonx_path(path, sizeof(path), at, key, -1), s);
    *out = (int64_t)n;
    return 0;
}

int jsonx_epoch_ms(const json_t *obj, const char *key, int required, int64_t *out,
                   const struct jloc *at, struct err *e)
{
    const json_t *v;
    int rc;

    if ((rc = get(obj, key, required, &v, at, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (!json_is_number(v))
        return wrong(v, key, "a number of epoch seconds", at, e);
    *out = time_from_epoch_seconds(json_number_value(v));
    return 0;
}

int jsonx_rfc3339_ms(const json_t *obj, const char *key, int required, int64_t *out,
                     const struct jloc *at, struct err *e)
{
    const json_t *v;
    int rc;
    char path[256];

    if ((rc = get(obj, key, required, &v, at, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (!json_is_string(v))
        return wrong(v, key, "an RFC 3339 timestamp string", at, e);
    if (time_parse_rfc3339(json_string_value(v), out, e) != 0) {
        err_prefix(e, "%s: %s: ", at->call, jsonx_path(path, sizeof(path), at, key, -1));
        return -1;
    }
    return 0;
}

int jsonx_bool(const json_t *obj, const char *key, int required, int *out, const struct jloc *at,
               struct err *e)
{
    const json_t *v;
    int rc;

    if ((rc = get(obj, key, required, &v, at, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (!json_is_boolean(v))
        return wrong(v, key, "a boolean", at, e);
    *out = json_is_true(v);
    return 0;
}

int jsonx_array(const json_t *obj, const char *key, int required, const json_t **out,
                const struct jloc *at, struct err *e)
{
    const json_t *v;
    int rc;

    *out = NULL;
    if ((rc = get(obj, key, required, &v, at, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (!json_is_array(v))
        return wrong(v, key, "an array", at, e);
    *out = v;
    return 0;
}

int jsonx_object(const json_t *obj, const char *key, int required, const json_t **out,
                 const struct jloc *at, struct err *e)
{
    const json_t *v;
    int rc;

    *out = NULL;
    if ((rc = get(obj, key, required, &v, at, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (!json_is_object(v))
        return wrong(v, key, "an object", at, e);
    *out = v;
    return 0;
}

int jsonx_item_object(const json_t *arr, size_t i, const char *key, const struct jloc *at,
                      struct err *e)
{
    const json_t *v = json_array_get(arr, i);
    char path[256];

    if (v != NULL && json_is_object(v))
        return 0;
    return err_set(e, ERR_PARSE, "%s: %s is %s, expected an object", at->call,
                   jsonx_path(path, sizeof(path), at, key, (long)i),
                   v ? jsonx_type_name(v) : "absent");
}

int jsonx_list(const json_t *obj, const char *key, size_t item_size, jsonx_item_fn fn,
               jsonx_release_fn release, void **out, size_t *n, const struct jloc *at,
               struct err *e)
{
    const json_t *arr;
    char path[256];
    struct jloc item_at = {at->call, path};
    char *items;
    size_t count, i;

    *out = NULL;
    *n = 0;
    if (jsonx_array(obj, key, 0, &arr, at, e) != 0)
        return -1;
    if (arr == NULL || (count = json_array_size(arr)) == 0)
        return 0;
    items = calloc(count, item_size);
    if (items == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory for %zu items of %s", at->call, count, key);
    for (i = 0; i < count; i++) {
        jsonx_path(path, sizeof(path), at, key, (long)i);
        if (jsonx_item_object(arr, i, key, at, e) != 0 ||
            fn(items + i * item_size, json_array_get(arr, i), &item_at, e) != 0)
            break;
    }
    if (i < count) {
        for (size_t j = 0; j <= i; j++)
            release(items + j * item_size);
        free(items);
        return -1;
    }
    *out = items;
    *n = count;
    return 0;
}

int jsonx_page_token(const json_t *obj, const char *key, char **out, const struct jloc *at,
                     struct err *e)
{
    *out = NULL;
    if (jsonx_str(obj, key, 0, out, at, e) != 0)
        return -1;
    if (*out == NULL && (*out = strdup("")) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", at->call);
    return 0;
}

struct dump_ctx {
    struct buf b;
    int failed;
};

static int dump_cb(const char *buffer, size_t size, void *data)
{
    struct dump_ctx *d = data;

    if (d->failed || buf_append(&d->b, buffer, size) != 0) {
        d->failed = 1; /* jansson may ignore this -1 (a key): remembered here */
        return -1;
    }
    return 0;
}

char *jsonx_dumps(const json_t *json, size_t flags)
{
    struct dump_ctx d = {BUF_INIT((size_t)1 << 30), 0};
    char *s = NULL;

    if (json != NULL && json_dump_callback(json, dump_cb, &d, flags) == 0 && !d.failed)
        s = buf_detach(&d.b);
    buf_release(&d.b);
    return s;
}
