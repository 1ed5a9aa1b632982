/* tests/fakecloud/bq_schema.c: BigQuery's rules for a schema sent with tables.patch — only
 * additive changes: every existing field kept, in place, with its type (INTEGER ≡ INT64 …) and
 * mode (REQUIRED may relax to NULLABLE), new NULLABLE/REPEATED fields after them or inside an
 * existing RECORD. Anything else gets BigQuery's own "Provided Schema does not match" words. */
#include "tests/fakecloud/bq_schema.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const types[] = {
    "STRING",     "BYTES",   "INTEGER", "INT64",     "FLOAT", "FLOAT64",  "NUMERIC",
    "BIGNUMERIC", "BOOLEAN", "BOOL",    "TIMESTAMP", "DATE",  "TIME",     "DATETIME",
    "GEOGRAPHY",  "JSON",    "RECORD",  "STRUCT",    "RANGE", "INTERVAL", NULL};

/* The standard spelling of a type (legacy names map to it). */
static const char *canon(const char *t)
{
    static const char *const pairs[][2] = {{"INT64", "INTEGER"},   {"FLOAT64", "FLOAT"},
                                           {"BOOL", "BOOLEAN"},    {"STRUCT", "RECORD"},
                                           {"DECIMAL", "NUMERIC"}, {"BIGDECIMAL", "BIGNUMERIC"}};

    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        if (strcasecmp(t, pairs[i][0]) == 0)
            return pairs[i][1];
    return t;
}

static const char *str(json_t *f, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(f, key));
    return v ? v : dflt;
}

static int name_ok(const char *n)
{
    size_t len = strlen(n);

    if (len == 0 || len > 300 || !(isalpha((unsigned char)n[0]) || n[0] == '_'))
        return 0;
    for (; *n; n++)
        if (!(isalnum((unsigned char)*n) || *n == '_'))
            return 0;
    return 1;
}

static int type_ok(const char *t)
{
    for (size_t i = 0; types[i]; i++)
        if (strcasecmp(t, types[i]) == 0)
            return 1;
    return 0;
}

/* A field as sent: a name, a known type and mode, children only on RECORDs. */
static int field_ok(json_t *f, const char *path, char *msg, size_t n)
{
    const char *name = str(f, "name", ""), *mode = str(f, "mode", "NULLABLE");

    if (!json_is_object(f) || !name_ok(name)) {
        snprintf(msg, n,
                 "Invalid field name \"%.300s\". Fields must contain only letters, numbers, and "
                 "underscores, start with a letter or underscore, and be at most 300 characters "
                 "long.",
                 name);
        return -1;
    }
    if (!type_ok(str(f, "type", ""))) {
        snprintf(msg, n, "Invalid value for type: %.100s is not a valid value (field: %.300s)",
                 str(f, "type", ""), path);
        return -1;
    }
    if (strcasecmp(canon(str(f, "type", "")), "RECORD") == 0 &&
        json_array_size(json_object_get(f, "fields")) == 0) {
        snprintf(msg, n, "Field %.300s is type RECORD but has no schema", path);
        return -1;
    }
    if (strcasecmp(canon(str(f, "type", "")), "RECORD") != 0 && json_object_get(f, "fields")) {
        snprintf(msg, n, "Field %.300s is type %.100s but has subfields: only RECORD fields may",
                 path, str(f, "type", ""));
        return -1;
    }
    if (strcasecmp(mode, "NULLABLE") && strcasecmp(mode, "REQUIRED") &&
        strcasecmp(mode, "REPEATED")) {
        snprintf(msg, n, "Invalid value for mode: %.100s is not a valid value (field: %.300s)",
                 mode, path);
        return -1;
    }
    return 0;
}

static json_t *find(json_t *fields, const char *name, size_t *index)
{
    size_t i;
    json_t *f;

    json_array_foreach(fields, i, f)
    {
        if (strcasecmp(str(f, "name", ""), name) == 0) {
            *index = i;
            return f;
        }
    }
    return NULL;
}

static int compare(const char *table, json_t *old, json_t *neu, const char *prefix, char *msg,
                   size_t n);

/* One existing field against its new version. */
static int compare_field(const char *table, json_t *of, json_t *nf, const char *path, char *msg,
                         size_t n)
{
    const char *ot = canon(str(of, "type", "")), *nt = canon(str(nf, "type", ""));
    const char *om = str(of, "mode", "NULLABLE"), *nm = str(nf, "mode", "NULLABLE");

    if (strcasecmp(ot, nt) != 0) {
        snprintf(msg, n,
                 "Provided Schema does not match Table %s. Field %s has changed type from %s "
                 "to %s",
                 table, path, str(of, "type", ""), str(nf, "type", ""));
        return -1;
    }
    if (strcasecmp(om, nm) != 0 &&
        !(strcasecmp(om, "REQUIRED") == 0 && strcasecmp(nm, "NULLABLE") == 0)) {
        snprintf(msg, n,
                 "Provided Schema does not match Table %s. Field %s has changed mode from %s "
                 "to %s",
                 table, path, om, nm);
        return -1;
    }
    if (strcasecmp(ot, "RECORD") == 0)
        return compare(table, json_object_get(of, "fields"), json_object_get(nf, "fields"), path,
                       msg, n);
    return 0;
}

static int compare(const char *table, json_t *old, json_t *neu, const char *prefix, char *msg,
                   size_t n)
{
    char path[1024];
    size_t i, at, seen = 0;
    json_t *f, *nf;

    json_array_foreach(neu, i, f)
    {
        snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", str(f, "name", ""));
        if (field_ok(f, path, msg, n) != 0)
            return -1;
        for (size_t k = 0; k < i; k++)
            if (strcasecmp(str(json_array_get(neu, k), "name", "?"), str(f, "name", "")) == 0) {
                snprintf(msg, n, "Field %s already exists in schema", path);
                return -1;
            }
        if (find(old, str(f, "name", ""), &at) == NULL &&
            strcasecmp(str(f, "mode", "NULLABLE"), "REQUIRED") == 0) {
            snprintf(msg, n,
                     "Provided Schema does not match Table %s. Cannot add required fields to an "
                     "existing schema. (field: %s)",
                     table, path);
            return -1;
        }
    }
    json_array_foreach(old, i, f)
    {
        snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", str(f, "name", ""));
        if ((nf = find(neu, str(f, "name", ""), &at)) == NULL) {
            snprintf(msg, n,
                     "Provided Schema does not match Table %s. Field %s is missing in new "
                     "schema",
                     table, path);
            return -1;
        }
        if (at != seen++) {
            snprintf(msg, n,
                     "Provided Schema does not match Table %s. Field %s has changed position from "
                     "%zu to %zu",
                     table, path, i, at);
            return -1;
        }
        if (compare_field(table, f, nf, path, msg, n) != 0)
            return -1;
    }
    return 0;
}

int fc_bq_schema_check_patch(const char *table, json_t *old_fields, json_t *new_fields, char *msg,
                             size_t n)
{
    if (!json_is_array(new_fields)) {
        snprintf(msg, n, "Invalid value for schema: fields must be a list of fields");
        return -1;
    }
    return compare(table, old_fields, new_fields, "", msg, n);
}

/* Keeps the fields named in `want` (comma list, "a" or "a.b"), recursively. */
static json_t *select_fields(json_t *fields, const char *want, const char *prefix)
{
    json_t *out = json_array(), *f;
    size_t i;
    char path[1024];

    json_array_foreach(fields, i, f)
    {
        const char *w = want;
        int hit = 0, under = 0;
        snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", str(f, "name", ""));
        while (*w) {
            size_t len = strcspn(w, ","), pl = strlen(path);
            hit |= len == pl && strncasecmp(w, path, pl) == 0;
            under |= len > pl && strncasecmp(w, path, pl) == 0 && w[pl] == '.';
            w += len + (w[len] == ',');
        }
        if (hit) {
            json_array_append(out, f);
        } else if (under) {
            json_t *copy = json_copy(f);
            json_object_set_new(copy, "fields",
                                select_fields(json_object_get(f, "fields"), want, path));
            json_array_append_new(out, copy);
        }
    }
    return out;
}

json_t *fc_bq_schema_select(json_t *fields, const char *selected)
{
    return select_fields(fields, selected, "");
}
