/* tests/unit/discovery_check.c: a JSON answer against a Google discovery document's `schemas`
 * (type, format, enum, properties, additionalProperties, items, $ref). Strict on what a
 * client relies on: unknown members, numbers sent where int64 strings belong, bad timestamps.
 * Test support only: it reads the value and the document, never modifies either. */
#include "tests/unit/discovery_check.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

struct discovery {
    json_t *doc;
    json_t *schemas;
};

int discovery_load(struct discovery **out, const char *path, struct err *e)
{
    json_error_t jerr;
    struct discovery *d;

    *out = NULL;
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return err_set(e, ERR_NOMEM, "discovery %s: out of memory", path);
    d->doc = json_load_file(path, 0, &jerr);
    if (d->doc == NULL) {
        free(d);
        return err_set(e, ERR_IO, "discovery %s: %s (line %d)", path, jerr.text, jerr.line);
    }
    d->schemas = json_object_get(d->doc, "schemas");
    if (!json_is_object(d->schemas)) {
        discovery_free(d);
        return err_set(e, ERR_PARSE, "discovery %s: no \"schemas\" object", path);
    }
    *out = d;
    return 0;
}

void discovery_free(struct discovery *d)
{
    if (d == NULL)
        return;
    json_decref(d->doc);
    free(d);
}

static int str_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Depth-first search of resources{}.methods{} for the method with this id. */
static json_t *find_method(json_t *node, const char *id)
{
    const char *k;
    json_t *v, *found;

    json_object_foreach(json_object_get(node, "methods"), k, v)
    {
        if (str_eq(json_string_value(json_object_get(v, "id")), id))
            return v;
    }
    json_object_foreach(json_object_get(node, "resources"), k, v)
    {
        if ((found = find_method(v, id)) != NULL)
            return found;
    }
    return NULL;
}

const char *discovery_response_schema(const struct discovery *d, const char *method_id)
{
    json_t *m = find_method(d->doc, method_id);

    return json_string_value(json_object_get(json_object_get(m, "response"), "$ref"));
}

json_t *discovery_param_enum(const struct discovery *d, const char *method_id, const char *param)
{
    json_t *m = find_method(d->doc, method_id);

    return json_object_get(json_object_get(json_object_get(m, "parameters"), param), "enum");
}

static int is_decimal(const char *s, int allow_minus)
{
    if (allow_minus && *s == '-')
        s++;
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int check_string(const json_t *schema, const json_t *v, const char *where, struct err *e)
{
    const char *fmt = json_string_value(json_object_get(schema, "format"));
    const char *s = json_string_value(v);
    json_t *en = json_object_get(schema, "enum"), *item;
    struct err terr = ERR_INIT;
    int64_t ms;
    size_t i;

    if (!json_is_string(v))
        return err_set(e, ERR_PARSE, "%s: expected a string, got JSON type %d", where,
                       (int)json_typeof(v));
    if (fmt && (strcmp(fmt, "int64") == 0 || strcmp(fmt, "uint64") == 0) &&
        !is_decimal(s, fmt[0] == 'i'))
        return err_set(e, ERR_PARSE, "%s: \"%.80s\" is not a %s decimal string", where, s, fmt);
    if (fmt && (strcmp(fmt, "google-datetime") == 0 || strcmp(fmt, "date-time") == 0) &&
        time_parse_rfc3339(s, &ms, &terr) != 0)
        return err_set(e, ERR_PARSE, "%s: \"%.80s\" is not an RFC 3339 timestamp", where, s);
    if (json_is_array(en)) {
        json_array_foreach(en, i, item)
        {
            if (str_eq(json_string_value(item), s))
                return 0;
        }
        return err_set(e, ERR_PARSE, "%s: \"%.80s\" is not one of the enum values", where, s);
    }
    return 0;
}

static int check_value(const struct discovery *d, const json_t *schema, const json_t *v,
                       const char *where, int depth, struct err *e);

static int check_object(const struct discovery *d, const json_t *schema, const json_t *v,
                        const char *where, int depth, struct err *e)
{
    json_t *props = json_object_get(schema, "properties");
    json_t *addl = json_object_get(schema, "additionalProperties");
    const char *k;
    json_t *member;
    char sub[512];

    if (!json_is_object(v))
        return err_set(e, ERR_PARSE, "%s: expected an object", where);
    if (props == NULL && addl == NULL)
        return 0; /* a free-form object */
    json_object_foreach((json_t *)v, k, member)
    {
        json_t *ps = json_object_get(props, k);
        snprintf(sub, sizeof(sub), "%s.%s", where, k);
        if (ps == NULL)
            ps = addl;
        if (ps == NULL)
            return err_set(e, ERR_PARSE, "%s: not a property of this schema", sub);
        if (check_value(d, ps, member, sub, depth + 1, e) != 0)
            return -1;
    }
    return 0;
}

static int check_value(const struct discovery *d, const json_t *schema, const json_t *v,
                       const char *where, int depth, struct err *e)
{
    const char *ref = json_string_value(json_object_get(schema, "$ref"));
    const char *type;
    char sub[512];
    size_t i;
    json_t *item;

    if (depth > 64)
        return err_set(e, ERR_PARSE, "%s: nested too deeply", where);
    if (ref) {
        schema = json_object_get(d->schemas, ref);
        if (schema == NULL)
            return err_set(e, ERR_PARSE, "%s: the document has no schema %s", where, ref);
    }
    type = json_string_value(json_object_get(schema, "type"));
    if (type == NULL || strcmp(type, "any") == 0)
        return 0;
    if (strcmp(type, "string") == 0)
        return check_string(schema, v, where, e);
    if (strcmp(type, "integer") == 0)
        return json_is_integer(v) ? 0 : err_set(e, ERR_PARSE, "%s: expected an integer", where);
    if (strcmp(type, "number") == 0)
        return json_is_number(v) ? 0 : err_set(e, ERR_PARSE, "%s: expected a number", where);
    if (strcmp(type, "boolean") == 0)
        return json_is_boolean(v) ? 0 : err_set(e, ERR_PARSE, "%s: expected a boolean", where);
    if (strcmp(type, "array") == 0) {
        if (!json_is_array(v))
            return err_set(e, ERR_PARSE, "%s: expected an array", where);
        json_array_foreach(v, i, item)
        {
            snprintf(sub, sizeof(sub), "%s[%zu]", where, i);
            if (check_value(d, json_object_get(schema, "items"), item, sub, depth + 1, e) != 0)
                return -1;
        }
        return 0;
    }
    if (strcmp(type, "object") == 0)
        return check_object(d, schema, v, where, depth, e);
    return err_set(e, ERR_PARSE, "%s: the document uses an unknown type %s", where, type);
}

int discovery_check(const struct discovery *d, const char *schema, const json_t *value,
                    struct err *e)
{
    json_t *s = json_object_get(d->schemas, schema);

    if (s == NULL)
        return err_set(e, ERR_NOT_FOUND, "discovery: no schema %s", schema);
    return check_value(d, s, value, schema, 0, e);
}
