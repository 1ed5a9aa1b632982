/* core/infer_out.c: the outputs of schema inference — bq's prettyjson schema, a terraform
 * google_bigquery_table block, and the flattening CREATE OR REPLACE TABLE ... AS SELECT with
 * identifiers quoted and strings escaped. Never emits text it has not escaped for its target. */
#include "core/infer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/jsonx.h"

int infer_ident(struct buf *b, const char *name);

static const char *const reserved[] = {"ALL",
                                       "AND",
                                       "ANY",
                                       "ARRAY",
                                       "AS",
                                       "ASC",
                                       "ASSERT_ROWS_MODIFIED",
                                       "AT",
                                       "BETWEEN",
                                       "BY",
                                       "CASE",
                                       "CAST",
                                       "COLLATE",
                                       "CONTAINS",
                                       "CREATE",
                                       "CROSS",
                                       "CUBE",
                                       "CURRENT",
                                       "DEFAULT",
                                       "DEFINE",
                                       "DESC",
                                       "DISTINCT",
                                       "ELSE",
                                       "END",
                                       "ENUM",
                                       "ESCAPE",
                                       "EXCEPT",
                                       "EXCLUDE",
                                       "EXISTS",
                                       "EXTRACT",
                                       "FALSE",
                                       "FETCH",
                                       "FOLLOWING",
                                       "FOR",
                                       "FROM",
                                       "FULL",
                                       "GROUP",
                                       "GROUPING",
                                       "GROUPS",
                                       "HASH",
                                       "HAVING",
                                       "IF",
                                       "IGNORE",
                                       "IN",
                                       "INNER",
                                       "INTERSECT",
                                       "INTERVAL",
                                       "INTO",
                                       "IS",
                                       "JOIN",
                                       "LATERAL",
                                       "LEFT",
                                       "LIKE",
                                       "LIMIT",
                                       "LOOKUP",
                                       "MERGE",
                                       "NATURAL",
                                       "NEW",
                                       "NO",
                                       "NOT",
                                       "NULL",
                                       "NULLS",
                                       "OF",
                                       "ON",
                                       "OR",
                                       "ORDER",
                                       "OUTER",
                                       "OVER",
                                       "PARTITION",
                                       "PRECEDING",
                                       "PROTO",
                                       "QUALIFY",
                                       "RANGE",
                                       "RECURSIVE",
                                       "RESPECT",
                                       "RIGHT",
                                       "ROLLUP",
                                       "ROWS",
                                       "SELECT",
                                       "SET",
                                       "SOME",
                                       "STRUCT",
                                       "TABLESAMPLE",
                                       "THEN",
                                       "TO",
                                       "TREAT",
                                       "TRUE",
                                       "UNBOUNDED",
                                       "UNION",
                                       "UNNEST",
                                       "USING",
                                       "WHEN",
                                       "WHERE",
                                       "WINDOW",
                                       "WITH",
                                       "WITHIN"};

static bool plain_ident(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_' ||
              (*p >= '0' && *p <= '9')))
            return false;
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strcasecmp(s, reserved[i]) == 0)
            return false;
    return true;
}

/* name as a GoogleSQL identifier: as is when plain, else in backticks with \ and ` escaped. */
int infer_ident(struct buf *b, const char *name)
{
    if (plain_ident(name))
        return buf_puts(b, name);
    buf_putc(b, '`');
    for (const char *p = name; *p; p++) {
        if (*p == '`' || *p == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *p);
    }
    return buf_putc(b, '`');
}

static void sql_string(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            buf_puts(b, "\\n");
        else if (*p < 0x20)
            buf_printf(b, "\\x%02x", *p);
        else
            buf_putc(b, (char)*p);
    }
    buf_putc(b, '"');
}

/* The fields as a bq JSON array, or NULL when memory runs out (never a partial array). */
static json_t *fields_json(const struct schema_field *f, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr != NULL && i < n; i++) {
        json_t *o = json_object();
        bool bad = o == NULL ||
                   json_object_set_new(o, "name", json_string(f[i].name ? f[i].name : "")) ||
                   json_object_set_new(o, "type", json_string(f[i].type ? f[i].type : "")) ||
                   json_object_set_new(o, "mode", json_string(f[i].mode ? f[i].mode : "NULLABLE"));
        if (!bad && f[i].description != NULL && *f[i].description)
            bad = json_object_set_new(o, "description", json_string(f[i].description)) != 0;
        if (!bad && f[i].n_fields > 0)
            bad = json_object_set_new(o, "fields", fields_json(f[i].fields, f[i].n_fields)) != 0;
        if (bad || json_array_append_new(arr, o) != 0) {
            if (bad)
                json_decref(o);
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

int infer_out_bq_json(const struct schema_field *f, size_t n, char **out, struct err *e)
{
    json_t *arr = fields_json(f, n);
    char *s = arr ? jsonx_dumps(arr, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    struct buf b = BUF_INIT(256u << 20);

    json_decref(arr);
    *out = NULL;
    if (s == NULL || buf_puts(&b, s) || buf_putc(&b, '\n') || (*out = buf_detach(&b)) == NULL) {
        free(s);
        buf_release(&b);
        return err_set(e, ERR_NOMEM, "out of memory writing the schema JSON");
    }
    free(s);
    return 0;
}

int infer_out_terraform(const struct schema_field *f, size_t n, const char *table, char **out,
                        struct err *e)
{
    char *js = NULL, pr[256] = "", ds[256], tb[256], res[800];
    const char *last = strrchr(table, '.'), *first = strchr(table, '.');
    struct buf b = BUF_INIT(256u << 20);

    *out = NULL;
    if (last == NULL || last == table || last[1] == '\0')
        return err_set(e, ERR_USAGE, "table '%s' is not DATASET.TABLE", table);
    if (first != last) { /* project.dataset.table */
        snprintf(pr, sizeof(pr), "%.*s", (int)(first - table), table);
        snprintf(ds, sizeof(ds), "%.*s", (int)(last - first - 1), first + 1);
    } else {
        snprintf(ds, sizeof(ds), "%.*s", (int)(last - table), table);
    }
    snprintf(tb, sizeof(tb), "%s", last + 1);
    snprintf(res, sizeof(res), "%s_%s", ds, tb);
    for (char *p = res; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            *p = '_';
    if (infer_out_bq_json(f, n, &js, e))
        return -1;
    buf_printf(&b, "resource \"google_bigquery_table\" \"%s\" {\n", res);
    if (*pr)
        buf_printf(&b, "  project             = \"%s\"\n", pr);
    buf_printf(&b, "  dataset_id          = \"%s\"\n  table_id            = \"%s\"\n", ds, tb);
    buf_puts(&b, "  deletion_protection = true\n\n  schema = <<-EOT\n");
    for (const char *p = js; *p; p++) { /* heredocs interpolate ${ and %{ */
        if ((p[0] == '$' || p[0] == '%') && p[1] == '{')
            buf_putc(&b, p[0]);
        buf_putc(&b, *p);
    }
    buf_puts(&b, "  EOT\n}\n");
    free(js);
    if (b.failed || (*out = buf_detach(&b)) == NULL) {
        buf_release(&b);
        return err_set(e, ERR_NOMEM, "out of memory writing the terraform block");
    }
    return 0;
}

static void ddl_type(struct buf *b, const struct schema_field *f)
{
    bool rep = f->mode && strcmp(f->mode, "REPEATED") == 0;

    if (rep)
        buf_puts(b, "ARRAY<");
    if (f->type && strcmp(f->type, "RECORD") == 0) {
        buf_puts(b, "STRUCT<");
        for (size_t i = 0; i < f->n_fields; i++) {
            infer_ident(b, f->fields[i].name);
            buf_putc(b, ' ');
            ddl_type(b, &f->fields[i]);
            if (i + 1 < f->n_fields)
                buf_puts(b, ", ");
        }
        buf_putc(b, '>');
    } else {
        buf_puts(b, f->type ? f->type : "STRING");
    }
    if (rep)
        buf_putc(b, '>');
}

static void table_name(struct buf *b, const char *t)
{
    buf_putc(b, '`');
    for (const char *p = t; *p; p++) {
        if (*p == '`' || *p == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *p);
    }
    buf_putc(b, '`');
}

int infer_out_sql(const struct infer_flat *flat, const char *target, const char *raw, char **out,
                  struct err *e)
{
    struct buf b = BUF_INIT(256u << 20);

    *out = NULL;
    if (flat->n == 0)
        return err_set(e, ERR_USAGE, "no attributes were seen: nothing to select");
    buf_puts(&b, "CREATE OR REPLACE TABLE ");
    table_name(&b, target);
    buf_puts(&b, " (\n");
    for (size_t i = 0; i < flat->n; i++) {
        const struct schema_field *f = &flat->cols[i].field;
        buf_puts(&b, "  ");
        infer_ident(&b, f->name);
        buf_putc(&b, ' ');
        ddl_type(&b, f);
        if (f->description != NULL) {
            buf_puts(&b, " OPTIONS(description=");
            sql_string(&b, f->description);
            buf_putc(&b, ')');
        }
        buf_puts(&b, i + 1 < flat->n ? ",\n" : "\n");
    }
    buf_puts(&b, ")\nAS\nSELECT\n");
    for (size_t i = 0; i < flat->n; i++) {
        buf_printf(&b, "  %s AS ", flat->cols[i].expr);
        infer_ident(&b, flat->cols[i].field.name);
        buf_puts(&b, i + 1 < flat->n ? ",\n" : "\n");
    }
    buf_puts(&b, "FROM ");
    table_name(&b, raw);
    buf_puts(&b, ";\n");
    if (b.failed || (*out = buf_detach(&b)) == NULL) {
        buf_release(&b);
        return err_set(e, ERR_NOMEM, "%s writing the SQL",
                       b.toobig ? "too large" : "out of memory");
    }
    return 0;
}
