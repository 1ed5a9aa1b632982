/* tests/fakecloud/world_bq.c: the BigQuery side of the world — datasets, the raw table a
 * transfer loads (DynamoDB JSON: an Item RECORD of per-attribute descriptor RECORDs; Aurora
 * Parquet: the columns), the mart table a scheduled query writes (descriptions, policy tags),
 * extra tables from the scenario, and etags. Schemas are kept as wire JSON. */
#include "tests/fakecloud/world.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tests/fakecloud/world_int.h"

long fw_dataset_add(struct fw_world *w, const char *id, const char *description,
                    const char *friendly)
{
    struct fw_bq_dataset *d;
    long i = fw_dataset_find(w, id);

    if (i >= 0)
        return i;
    if ((d = FW_PUSH(w, datasets, n_datasets, FW_CAP_DATASETS)) == NULL)
        return -1;
    w->n_datasets++;
    d->id = strdup(id);
    d->location = strdup(w->location ? w->location : "US");
    d->friendly_name = fw_strdup(friendly);
    d->description = fw_strdup(description);
    d->created_ms = d->modified_ms = w->built_ms - (int64_t)(w->n_days + 90) * 86400000;
    return (d->id && d->location) ? (long)(w->n_datasets - 1) : -1;
}

char *fw_bq_etag(const struct fw_bq_table *t)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char in[300];
    char *out = malloc(64);
    int len = snprintf(in, sizeof(in), "%s.%zu.%ld", t->id, t->dataset, t->generation);

    if (out == NULL || EVP_Digest(in, (size_t)len, md, &n, EVP_md5(), NULL) != 1) {
        free(out);
        return NULL;
    }
    EVP_EncodeBlock((unsigned char *)out, md, (int)n);
    return out;
}

const struct fw_attr *fw_pipe_attrs(const struct fw_world *w, const struct fw_pipeline *p,
                                    size_t *n)
{
    if (p->source == FW_SRC_DYNAMODB) {
        *n = w->ddb_tables[p->table].n_attrs;
        return w->ddb_tables[p->table].attrs;
    }
    *n = p->n_cols;
    return p->cols;
}

static json_t *field(const char *name, const char *type, const char *mode)
{
    json_t *f = json_pack("{s:s,s:s}", "name", name, "type", type);
    if (f && mode)
        json_object_set_new(f, "mode", json_string(mode));
    return f;
}

/* The raw RECORD of one DynamoDB attribute: {"name":attr,"type":"RECORD","fields":[{S...}]}. */
json_t *fw_raw_attr_field(const struct fw_attr *a);
json_t *fw_raw_attr_field(const struct fw_attr *a)
{
    json_t *rec = field(a->name, "RECORD", "NULLABLE"), *sub = json_array();
    const char *t = a->type;

    if (strcmp(t, "S") == 0 || strcmp(t, "N") == 0)
        json_array_append_new(sub, field(t, "STRING", "NULLABLE"));
    else if (strcmp(t, "B") == 0)
        json_array_append_new(sub, field("B", "BYTES", "NULLABLE"));
    else if (strcmp(t, "BOOL") == 0 || strcmp(t, "NULL") == 0)
        json_array_append_new(sub, field(t, "BOOLEAN", "NULLABLE"));
    else if (strcmp(t, "SS") == 0 || strcmp(t, "NS") == 0)
        json_array_append_new(sub, field(t, "STRING", "REPEATED"));
    else if (strcmp(t, "BS") == 0)
        json_array_append_new(sub, field("BS", "BYTES", "REPEATED"));
    else if (strcmp(t, "M") == 0)
        json_array_append_new(
            sub, json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:[o]},{s:s,s:s,s:s,s:[o]}]}", "name", "M",
                           "type", "RECORD", "mode", "NULLABLE", "fields", "name", "label", "type",
                           "RECORD", "mode", "NULLABLE", "fields", field("S", "STRING", "NULLABLE"),
                           "name", "count", "type", "RECORD", "mode", "NULLABLE", "fields",
                           field("N", "STRING", "NULLABLE")));
    else /* L: a list of strings */
        json_array_append_new(sub, json_pack("{s:s,s:s,s:s,s:[o]}", "name", "L", "type", "RECORD",
                                             "mode", "REPEATED", "fields",
                                             field("S", "STRING", "NULLABLE")));
    json_object_set_new(rec, "fields", sub);
    return rec;
}

static struct fw_bq_table *table_add(struct fw_world *w, const char *dataset, const char *id,
                                     long *index)
{
    long ds = fw_dataset_find(w, dataset);
    struct fw_bq_table *t;

    if (ds < 0 || (t = FW_PUSH(w, bq_tables, n_bq_tables, FW_CAP_BQ_TABLES)) == NULL)
        return NULL;
    *index = (long)w->n_bq_tables++;
    t->dataset = (size_t)ds;
    t->id = strdup(id);
    t->type = strdup("TABLE");
    t->pipeline = -1;
    t->created_ms = t->modified_ms = w->built_ms - (int64_t)(w->n_days + 20) * 86400000;
    t->generation = 1;
    return (t->id && t->type) ? t : NULL;
}

long fw_bq_raw_add(struct fw_world *w, size_t pi)
{
    const struct fw_pipeline *p = &w->pipelines[pi];
    const char *id = p->raw_id;
    struct fw_bq_table *t;
    const struct fw_attr *a;
    json_t *fields = json_array(), *item;
    size_t n;
    long idx;

    if (fields == NULL || (t = table_add(w, w->raw_dataset, id, &idx)) == NULL) {
        json_decref(fields);
        return -1;
    }
    t->pipeline = (int)pi;
    t->is_raw = 1;
    t->schema_fields = fields;
    a = fw_pipe_attrs(w, p, &n);
    if (p->source == FW_SRC_DYNAMODB) {
        item = field("Item", "RECORD", "NULLABLE");
        json_t *sub = json_array();
        /* attributes that appear only in newer exports are not in the raw table (drift) */
        for (size_t i = 0; i < n; i++)
            if (a[i].since_day <= -(w->n_days - 1))
                json_array_append_new(sub, fw_raw_attr_field(&a[i]));
        json_object_set_new(item, "fields", sub);
        json_array_append_new(fields, item);
        t->description = fw_printf("DynamoDB export of %s (DynamoDB JSON)", p->name);
    } else {
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                fields, field(a[i].name, a[i].bq_type ? a[i].bq_type : "STRING", "NULLABLE"));
        t->description = fw_printf("Aurora export of %s (Parquet)", p->name);
    }
    return idx;
}

static const char *mart_type(const struct fw_attr *a, const char **mode)
{
    const char *t = a->type;

    *mode = "NULLABLE";
    if (a->bq_type)
        return a->bq_type;
    if (strcmp(t, "N") == 0)
        return "NUMERIC";
    if (strcmp(t, "B") == 0)
        return "BYTES";
    if (strcmp(t, "BOOL") == 0 || strcmp(t, "NULL") == 0)
        return "BOOLEAN";
    if (strcmp(t, "SS") == 0 || strcmp(t, "NS") == 0 || strcmp(t, "BS") == 0) {
        *mode = "REPEATED";
        return strcmp(t, "BS") == 0 ? "BYTES" : strcmp(t, "NS") == 0 ? "NUMERIC" : "STRING";
    }
    if (strcmp(t, "M") == 0 || strcmp(t, "L") == 0)
        return "JSON";
    return "STRING";
}

/* Mart columns in order: keys first (HASH, RANGE), then the rest as declared. */
static size_t col_order(const struct fw_attr *a, size_t n, size_t *order)
{
    size_t k = 0;

    for (int key = 1; key <= 2; key++)
        for (size_t i = 0; i < n; i++)
            if (a[i].key == key)
                order[k++] = i;
    for (size_t i = 0; i < n; i++)
        if (a[i].key == 0)
            order[k++] = i;
    return k;
}

long fw_bq_mart_add(struct fw_world *w, size_t pi)
{
    const struct fw_pipeline *p = &w->pipelines[pi];
    struct fw_bq_table *t;
    const struct fw_attr *a;
    json_t *fields = json_array();
    size_t n, *order;
    long idx;

    a = fw_pipe_attrs(w, p, &n);
    order = calloc(n + 1, sizeof(*order));
    if (fields == NULL || order == NULL ||
        (t = table_add(w, w->mart_dataset, p->mart_id, &idx)) == NULL) {
        json_decref(fields);
        free(order);
        return -1;
    }
    t->pipeline = (int)pi;
    t->schema_fields = fields;
    t->description = fw_strdup(p->description);
    n = col_order(a, n, order);
    for (size_t k = 0; k < n; k++) {
        const struct fw_attr *c = &a[order[k]];
        const char *mode;
        const char *type = p->source == FW_SRC_DYNAMODB
                               ? mart_type(c, &mode)
                               : (mode = "NULLABLE", c->bq_type ? c->bq_type : "STRING");
        json_t *f = field(c->name, type, c->key ? "REQUIRED" : mode);
        if (c->description)
            json_object_set_new(f, "description", json_string(c->description));
        if (c->policy_tag) {
            char *tag = fw_printf("projects/%s/locations/%s/taxonomies/1001/policyTags/%s",
                                  w->project, w->location, c->policy_tag);
            json_object_set_new(f, "policyTags", json_pack("{s:[s]}", "names", tag ? tag : ""));
            free(tag);
        }
        json_array_append_new(fields, f);
    }
    free(order);
    return idx;
}

/* SQL text of a DynamoDB attribute read from the raw table. */
static void select_expr(struct buf *b, const struct fw_attr *a)
{
    const char *t = a->type, *n = a->name;

    if (a->bq_type && strcmp(t, "N") == 0 && strcmp(a->bq_type, "TIMESTAMP") == 0)
        buf_printf(b, "TIMESTAMP_SECONDS(CAST(Item.%s.N AS INT64))", n);
    else if (a->bq_type && strcmp(t, "N") == 0)
        buf_printf(b, "CAST(Item.%s.N AS %s)", n, a->bq_type);
    else if (strcmp(t, "N") == 0)
        buf_printf(b, "CAST(Item.%s.N AS NUMERIC)", n);
    else if (strcmp(t, "NS") == 0)
        buf_printf(b, "ARRAY(SELECT CAST(x AS NUMERIC) FROM UNNEST(Item.%s.NS) AS x)", n);
    else if (strcmp(t, "M") == 0 || strcmp(t, "L") == 0)
        buf_printf(b, "TO_JSON(Item.%s.%s)", n, t);
    else
        buf_printf(b, "Item.%s.%s", n, t);
}

char *fw_sql_select(const struct fw_world *w, size_t pi)
{
    const struct fw_pipeline *p = &w->pipelines[pi];
    struct buf b = BUF_INIT(1 << 20);
    size_t n, *order;
    const struct fw_attr *a = fw_pipe_attrs(w, p, &n);

    if ((order = calloc(n + 1, sizeof(*order))) == NULL)
        return NULL;
    n = col_order(a, n, order);
    for (size_t k = 0; k < n; k++) {
        buf_puts(&b, k ? ",\n  " : "  ");
        if (p->source == FW_SRC_DYNAMODB)
            select_expr(&b, &a[order[k]]);
        else
            buf_puts(&b, a[order[k]].name);
        buf_printf(&b, " AS %s", a[order[k]].name);
    }
    free(order);
    return b.toobig ? (buf_release(&b), NULL) : buf_detach(&b);
}

char *fw_sql_columns(const struct fw_world *w, size_t pi)
{
    const struct fw_pipeline *p = &w->pipelines[pi];
    struct buf b = BUF_INIT(1 << 20);
    size_t n, *order;
    const struct fw_attr *a = fw_pipe_attrs(w, p, &n);

    if ((order = calloc(n + 1, sizeof(*order))) == NULL)
        return NULL;
    n = col_order(a, n, order);
    for (size_t k = 0; k < n; k++) {
        const struct fw_attr *c = &a[order[k]];
        const char *mode = "NULLABLE";
        const char *type = p->source == FW_SRC_DYNAMODB ? mart_type(c, &mode)
                                                        : (c->bq_type ? c->bq_type : "STRING");
        buf_printf(&b, "%s  %s %s%s%s", k ? ",\n" : "", c->name,
                   strcmp(mode, "REPEATED") == 0 ? "ARRAY<" : "", type,
                   strcmp(mode, "REPEATED") == 0 ? ">" : "");
        if (c->key)
            buf_puts(&b, " NOT NULL");
        if (c->description)
            buf_printf(&b, " OPTIONS(description=\"%s\")", c->description);
    }
    free(order);
    return b.toobig ? (buf_release(&b), NULL) : buf_detach(&b);
}

int fw_gen_bq_extra(struct fw_gen_ctx *g, json_t *tables)
{
    static const char *const allowed[] = {"dataset",  "id",     "description",
                                          "num_rows", "schema", NULL};
    struct fw_world *w = g->w;
    json_t *v;
    size_t i;

    if (tables != NULL && !json_is_array(tables))
        return fw_gen_bad(g, "bigquery.tables: want an array");
    json_array_foreach(tables, i, v)
    {
        char where[64], *ds = NULL, *id = NULL;
        struct fw_bq_table *t;
        json_t *schema = json_object_get(v, "schema");
        long rows, idx;
        int rc;
        snprintf(where, sizeof(where), "bigquery.tables[%zu]", i);
        rc = fw_gen_keys(g, v, where, allowed) || fw_gen_str(g, v, where, "dataset", NULL, &ds) ||
             fw_gen_str(g, v, where, "id", NULL, &id) ||
             fw_gen_int(g, v, where, "num_rows", 0, 0, 1000000000000L, &rows);
        if (rc == 0 && (ds == NULL || id == NULL))
            rc = fw_gen_bad(g, "%s: dataset and id are required", where);
        if (rc == 0 && schema != NULL && !json_is_array(schema))
            rc = fw_gen_bad(g, "%s.schema: want an array of TableFieldSchema", where);
        if (rc == 0 && fw_dataset_add(w, ds, NULL, NULL) < 0)
            rc = fw_gen_bad(g, "out of memory");
        if (rc == 0 && (t = table_add(w, ds, id, &idx)) == NULL)
            rc = fw_gen_bad(g, "out of memory");
        if (rc == 0) {
            t->num_rows = rows;
            t->num_bytes = rows * 180;
            t->description = fw_strdup(json_string_value(json_object_get(v, "description")));
            t->schema_fields = schema ? json_deep_copy(schema) : json_array();
        }
        free(ds);
        free(id);
        if (rc)
            return -1;
    }
    return 0;
}
