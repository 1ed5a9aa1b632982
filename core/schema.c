/* core/schema.c: schema fields <-> canonical BigQuery schema JSON (jansson) and the SHA-256 of
 * that JSON (OpenSSL EVP). It never reads files or the network and never trusts the nesting
 * depth or shape of what it parses. */
#include "core/schema.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

static json_t *field_to_json(const struct schema_field *f, int depth, struct err *e);

static json_t *fields_to_json(const struct schema_field *fields, size_t n, int depth, struct err *e)
{
    json_t *arr = json_array();

    if (arr == NULL) {
        err_set(e, ERR_NOMEM, "schema JSON: out of memory");
        return NULL;
    }
    if (depth > SCHEMA_MAX_DEPTH) {
        err_set(e, ERR_USAGE, "schema: RECORD fields nest deeper than %d levels", SCHEMA_MAX_DEPTH);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = field_to_json(&fields[i], depth, e);
        if (o == NULL || json_array_append_new(arr, o) != 0)
            goto fail;
    }
    return arr;
fail:
    json_decref(arr);
    return NULL;
}

static json_t *field_to_json(const struct schema_field *f, int depth, struct err *e)
{
    json_t *o = json_object(), *tags = NULL, *names = NULL, *sub;
    int bad = o == NULL;

    if (f->name == NULL || f->type == NULL) {
        json_decref(o);
        err_set(e, ERR_USAGE, "schema: a field has no %s", f->name ? "type" : "name");
        return NULL;
    }
    bad = bad || json_object_set_new(o, "name", json_string(f->name)) != 0 ||
          json_object_set_new(o, "type", json_string(f->type)) != 0 ||
          json_object_set_new(o, "mode", json_string(f->mode ? f->mode : "NULLABLE")) != 0;
    if (!bad && f->description != NULL)
        bad = json_object_set_new(o, "description", json_string(f->description)) != 0;
    if (!bad && f->n_policy_tags > 0) {
        bad = (tags = json_object()) == NULL || (names = json_array()) == NULL;
        for (size_t i = 0; !bad && i < f->n_policy_tags; i++)
            bad = json_array_append_new(names, json_string(f->policy_tags[i])) != 0;
        bad = bad || json_object_set_new(tags, "names", names) != 0;
        names = NULL;
        bad = bad || json_object_set_new(o, "policyTags", tags) != 0;
        tags = NULL;
    }
    if (!bad && f->n_fields > 0) {
        if ((sub = fields_to_json(f->fields, f->n_fields, depth + 1, e)) == NULL) {
            json_decref(o);
            return NULL;
        }
        bad = json_object_set_new(o, "fields", sub) != 0;
    }
    json_decref(names);
    json_decref(tags);
    if (bad) {
        json_decref(o);
        err_set(e, ERR_NOMEM, "schema JSON: field %s: out of memory, or a text is not valid UTF-8",
                f->name);
        return NULL;
    }
    return o;
}

int schema_to_json(const struct schema_field *fields, size_t n, char **out_json, struct err *e)
{
    json_t *arr = fields_to_json(fields, n, 1, e);

    *out_json = NULL;
    if (arr == NULL)
        return -1;
    *out_json = jsonx_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(arr);
    if (*out_json == NULL)
        return err_set(e, ERR_NOMEM, "schema JSON: out of memory");
    return 0;
}

/* ---- parsing ---- */

static int fields_from_json(json_t *arr, const char *path, int depth, struct schema_field **out,
                            size_t *n, struct err *e);

/* An optional string member: absent or null leaves *out NULL. */
static int member_str(json_t *o, const char *key, const char *path, int required, char **out,
                      struct err *e)
{
    json_t *v = json_object_get(o, key);

    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (required)
            return err_set(e, ERR_PARSE, "schema JSON: field %s: \"%s\" is missing", path, key);
        return 0;
    }
    if (!json_is_string(v))
        return err_set(e, ERR_PARSE, "schema JSON: field %s: \"%s\" must be a string", path, key);
    if (required && json_string_length(v) == 0)
        return err_set(e, ERR_PARSE, "schema JSON: field %s: \"%s\" is empty", path, key);
    return model_strdup(out, json_string_value(v), e);
}

static int member_tags(json_t *o, const char *path, struct schema_field *f, struct err *e)
{
    json_t *tags = json_object_get(o, "policyTags"), *names, *v;
    size_t i;

    if (tags == NULL || json_is_null(tags))
        return 0;
    names = json_is_object(tags) ? json_object_get(tags, "names") : NULL;
    if (!json_is_object(tags) || (names != NULL && !json_is_array(names)))
        return err_set(e, ERR_PARSE,
                       "schema JSON: field %s: \"policyTags\" must be {\"names\": [...]}", path);
    if (names == NULL || json_array_size(names) == 0)
        return 0;
    f->policy_tags = calloc(json_array_size(names), sizeof(char *));
    if (f->policy_tags == NULL)
        return err_set(e, ERR_NOMEM, "schema JSON: out of memory");
    json_array_foreach(names, i, v)
    {
        if (!json_is_string(v))
            return err_set(e, ERR_PARSE,
                           "schema JSON: field %s: policyTags.names[%zu] must be a string", path,
                           i);
        if (model_strdup(&f->policy_tags[i], json_string_value(v), e) != 0)
            return -1;
        f->n_policy_tags = i + 1;
    }
    return 0;
}

static int field_from_json(json_t *o, const char *path, int depth, struct schema_field *f,
                           struct err *e)
{
    json_t *sub;
    char subpath[512];

    if (!json_is_object(o))
        return err_set(e, ERR_PARSE, "schema JSON: field %s must be an object", path);
    if (member_str(o, "name", path, 1, &f->name, e) != 0 ||
        member_str(o, "type", path, 1, &f->type, e) != 0 ||
        member_str(o, "mode", path, 0, &f->mode, e) != 0 ||
        member_str(o, "description", path, 0, &f->description, e) != 0 ||
        member_tags(o, path, f, e) != 0)
        return -1;
    sub = json_object_get(o, "fields");
    if (sub == NULL || json_is_null(sub))
        return 0;
    if (!json_is_array(sub))
        return err_set(e, ERR_PARSE, "schema JSON: field %s: \"fields\" must be an array", path);
    snprintf(subpath, sizeof(subpath), "%.400s.", path);
    return fields_from_json(sub, subpath, depth + 1, &f->fields, &f->n_fields, e);
}

/* path is the prefix of the fields' paths ("" at the top, "address." below a RECORD). */
static int fields_from_json(json_t *arr, const char *path, int depth, struct schema_field **out,
                            size_t *n, struct err *e)
{
    struct schema_field *fields;
    char fpath[512];
    json_t *o, *name;
    size_t i;

    *out = NULL;
    *n = 0;
    if (depth > SCHEMA_MAX_DEPTH)
        return err_set(e, ERR_PARSE, "schema JSON: fields nest deeper than %d levels at %s",
                       SCHEMA_MAX_DEPTH, path);
    if (json_array_size(arr) == 0)
        return 0;
    fields = calloc(json_array_size(arr), sizeof(*fields));
    if (fields == NULL)
        return err_set(e, ERR_NOMEM, "schema JSON: out of memory");
    json_array_foreach(arr, i, o)
    {
        name = json_is_object(o) ? json_object_get(o, "name") : NULL;
        if (json_is_string(name) && json_string_length(name) > 0)
            snprintf(fpath, sizeof(fpath), "%.401s%.100s", path, json_string_value(name));
        else
            snprintf(fpath, sizeof(fpath), "%.401s[%zu]", path, i);
        if (field_from_json(o, fpath, depth, &fields[i], e) != 0) {
            schema_fields_free(fields, i + 1);
            return -1;
        }
    }
    *out = fields;
    *n = json_array_size(arr);
    return 0;
}

int schema_from_json(const char *json, struct schema_field **out, size_t *n, struct err *e)
{
    json_error_t jerr;
    json_t *root, *arr;
    int rc;

    *out = NULL;
    *n = 0;
    if (json == NULL)
        return err_set(e, ERR_PARSE, "schema JSON: no text");
    root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return err_set(e, ERR_PARSE, "schema JSON: line %d column %d: %s", jerr.line, jerr.column,
                       jerr.text);
    arr = root;
    if (json_is_object(root)) {
        json_t *schema = json_object_get(root, "schema");
        arr = json_object_get(json_is_object(schema) ? schema : root, "fields");
    }
    if (!json_is_array(arr)) {
        json_decref(root);
        return err_set(e, ERR_PARSE,
                       "schema JSON: expected an array of fields, or an object "
                       "with \"fields\" or \"schema\".\"fields\"");
    }
    rc = fields_from_json(arr, "", 1, out, n, e);
    json_decref(root);
    return rc;
}

int schema_hash(const char *canonical_json, char out_hex[SCHEMA_HASH_HEX], struct err *e)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    out_hex[0] = '\0';
    if (EVP_Digest(canonical_json, strlen(canonical_json), md, &len, EVP_sha256(), NULL) != 1 ||
        len != 32)
        return err_set(e, ERR_INTERNAL, "schema hash: OpenSSL SHA-256 failed");
    for (unsigned int i = 0; i < len; i++) {
        out_hex[2 * i] = hex[md[i] >> 4];
        out_hex[2 * i + 1] = hex[md[i] & 15];
    }
    out_hex[64] = '\0';
    return 0;
}

int schema_canonicalize(const char *json, char **out_json, char out_hex[SCHEMA_HASH_HEX],
                        struct err *e)
{
    struct schema_field *fields = NULL;
    size_t n = 0;

    *out_json = NULL;
    if (schema_from_json(json, &fields, &n, e) != 0)
        return -1;
    if (schema_to_json(fields, n, out_json, e) != 0 || schema_hash(*out_json, out_hex, e) != 0) {
        free(*out_json);
        *out_json = NULL;
        schema_fields_free(fields, n);
        return -1;
    }
    schema_fields_free(fields, n);
    return 0;
}
