/* tests/fakecloud/bq.c: BigQuery v2 metadata — datasets.list, tables.list, tables.get
 * (selectedFields, view) — from the world, with int64 numbers and epoch-millisecond times as
 * strings and 404s in the legacy errors[] form. Query and job calls are refused (bq_jobs.c).
 * Never reports a number as a JSON number where BigQuery sends a string. */
#include "tests/fakecloud/gcp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/fakecloud/bq_schema.h"
#include "tests/fakecloud/google.h"
#include "tests/fakecloud/world.h"

/* /bigquery/v2/projects/P/datasets[/D/tables[/T]] into segs; -1 (r filled) on a bad project. */
int fc_bq_path(const struct fw_world *w, const struct fc_request *req, struct fc_response *r,
               char seg[][256], int max)
{
    const char *p = req->path;
    char msg[400];
    int n = 0;

    while (*p == '/' && n < max) {
        size_t len = strcspn(++p, "/");
        if (len >= 256)
            len = 255;
        memcpy(seg[n], p, len);
        seg[n++][len] = '\0';
        p += strcspn(p, "/");
    }
    if (n < 4 || !gcp_project_ok(w, seg[3])) {
        snprintf(msg, sizeof(msg), "Not found: Project %.200s", n >= 4 ? seg[3] : "");
        gcp_bq_error(r, 404, "notFound", msg);
        return -1;
    }
    return n;
}

/* BigQuery spells multi-regions in capitals ("US", "EU"), regions as they are. */
static const char *bq_location(const char *loc)
{
    if (loc == NULL || strcasecmp(loc, "us") == 0)
        return "US";
    return strcasecmp(loc, "eu") == 0 ? "EU" : loc;
}

static json_t *dataset_item(const struct fw_world *w, const struct fw_bq_dataset *d)
{
    char id[600];
    json_t *o;

    snprintf(id, sizeof(id), "%s:%s", w->project, d->id);
    o = json_pack("{s:s,s:s,s:{s:s,s:s},s:s}", "kind", "bigquery#dataset", "id", id,
                  "datasetReference", "datasetId", d->id, "projectId", w->project, "location",
                  bq_location(d->location));
    if (o && d->friendly_name)
        json_object_set_new(o, "friendlyName", json_string(d->friendly_name));
    return o;
}

/* A hash of the page, as BigQuery's list etags are. */
static void page_etag(json_t *out)
{
    char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned long h = 5381;
    char tag[32];

    for (const char *p = text ? text : ""; *p; p++)
        h = h * 33 + (unsigned char)*p;
    free(text);
    snprintf(tag, sizeof(tag), "%016lx", h);
    json_object_set_new(out, "etag", json_string(tag));
}

int fc_bq_datasets_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    json_t *items, *out;
    char seg[4][256];
    struct gcp_page pg;
    int rc = 0;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    items = json_array();
    out = json_pack("{s:s}", "kind", "bigquery#datasetList");
    if (items == NULL || out == NULL) {
        rc = -1;
        goto out;
    }
    pthread_mutex_lock(&fc->world_lock);
    fw_tick(w, fw_now(w));
    if (fc_bq_path(w, req, r, seg, 4) >= 0 &&
        gcp_page_parse(req, r, w, 1, 1000, 50, "bq.datasets", &pg) == 0) {
        for (size_t i = pg.offset; i < w->n_datasets && i < pg.offset + pg.size; i++)
            json_array_append_new(items, dataset_item(w, &w->datasets[i]));
        if (json_array_size(items))
            json_object_set(out, "datasets", items);
        gcp_page_finish(out, &pg, w->n_datasets);
        page_etag(out);
        rc = fc_respond_json(r, 200, json_incref(out));
    }
    pthread_mutex_unlock(&fc->world_lock);
out:
    json_decref(items);
    json_decref(out);
    return rc;
}

static json_t *table_ref(const struct fw_world *w, const struct fw_bq_table *t)
{
    return json_pack("{s:s,s:s,s:s}", "projectId", w->project, "datasetId",
                     w->datasets[t->dataset].id, "tableId", t->id);
}

static void set_ms(json_t *o, const char *key, long long v)
{
    char s[32];
    snprintf(s, sizeof(s), "%lld", v);
    json_object_set_new(o, key, json_string(s));
}

static json_t *table_item(const struct fw_world *w, const struct fw_bq_table *t)
{
    char id[800];
    json_t *o;

    snprintf(id, sizeof(id), "%s:%s.%s", w->project, w->datasets[t->dataset].id, t->id);
    o = json_pack("{s:s,s:s,s:o,s:s}", "kind", "bigquery#table", "id", id, "tableReference",
                  table_ref(w, t), "type", t->type ? t->type : "TABLE");
    if (o == NULL)
        return NULL;
    if (t->partition_field)
        json_object_set_new(o, "timePartitioning",
                            json_pack("{s:s,s:s}", "type", "DAY", "field", t->partition_field));
    set_ms(o, "creationTime", t->created_ms);
    return o;
}

/* Index of the dataset named in seg[5], or -1 with the 404 in r. */
static long dataset_of(const struct fw_world *w, struct fc_response *r, const char *ds)
{
    long d = fw_dataset_find(w, ds);
    char msg[600];

    if (d < 0) {
        snprintf(msg, sizeof(msg), "Not found: Dataset %s:%.200s", w->project, ds);
        gcp_bq_error(r, 404, "notFound", msg);
    }
    return d;
}

int fc_bq_tables_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    json_t *items, *out;
    char seg[6][256];
    struct gcp_page pg;
    size_t matched = 0;
    long d;
    int rc = 0;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    items = json_array();
    out = json_pack("{s:s}", "kind", "bigquery#tableList");
    if (items == NULL || out == NULL) {
        rc = -1;
        goto out;
    }
    pthread_mutex_lock(&fc->world_lock);
    fw_tick(w, fw_now(w));
    if (fc_bq_path(w, req, r, seg, 6) >= 6 && (d = dataset_of(w, r, seg[5])) >= 0 &&
        gcp_page_parse(req, r, w, 1, 1000, 50, "bq.tables", &pg) == 0) {
        for (size_t i = 0; i < w->n_bq_tables; i++) {
            if (w->bq_tables[i].dataset != (size_t)d)
                continue;
            if (matched >= pg.offset && matched < pg.offset + pg.size)
                json_array_append_new(items, table_item(w, &w->bq_tables[i]));
            matched++;
        }
        if (json_array_size(items))
            json_object_set(out, "tables", items);
        gcp_page_finish(out, &pg, matched);
        json_object_set_new(out, "totalItems", json_integer((json_int_t)matched));
        page_etag(out);
        rc = fc_respond_json(r, 200, json_incref(out));
    }
    pthread_mutex_unlock(&fc->world_lock);
out:
    json_decref(items);
    json_decref(out);
    return rc;
}

json_t *fc_bq_table_json(const struct fw_world *w, size_t i, int stats, const char *selected)
{
    const struct fw_bq_table *t = &w->bq_tables[i];
    const struct fw_bq_dataset *d = &w->datasets[t->dataset];
    char *etag = fw_bq_etag(t);
    char link[1024];
    json_t *o = table_item(w, t), *fields;

    if (o == NULL || etag == NULL) {
        free(etag);
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "etag", json_string(etag));
    free(etag);
    snprintf(link, sizeof(link),
             "https://bigquery.googleapis.com/bigquery/v2/projects/%s/datasets/%s/tables/%s",
             w->project, d->id, t->id);
    json_object_set_new(o, "selfLink", json_string(link));
    if (t->description)
        json_object_set_new(o, "description", json_string(t->description));
    fields = selected           ? fc_bq_schema_select(t->schema_fields, selected)
             : t->schema_fields ? json_incref(t->schema_fields)
                                : json_array();
    json_object_set_new(o, "schema", json_pack("{s:o}", "fields", fields));
    if (stats) {
        set_ms(o, "numBytes", t->num_bytes);
        set_ms(o, "numLongTermBytes", 0);
        set_ms(o, "numRows", t->num_rows);
        set_ms(o, "numTotalLogicalBytes", t->num_bytes);
        set_ms(o, "numActiveLogicalBytes", t->num_bytes);
        set_ms(o, "numLongTermLogicalBytes", 0);
    }
    set_ms(o, "lastModifiedTime", t->modified_ms);
    json_object_set_new(o, "location", json_string(bq_location(d->location)));
    return o;
}

/* view: BASIC | STORAGE_STATS | FULL | TABLE_METADATA_VIEW_UNSPECIFIED. -1: r has the 400. */
static int view_stats(struct fc_response *r, const char *view, int *stats)
{
    char msg[400];

    *stats = 1;
    if (view == NULL || strcmp(view, "STORAGE_STATS") == 0 || strcmp(view, "FULL") == 0 ||
        strcmp(view, "TABLE_METADATA_VIEW_UNSPECIFIED") == 0)
        return 0;
    if (strcmp(view, "BASIC") == 0) {
        *stats = 0;
        return 0;
    }
    snprintf(msg, sizeof(msg),
             "Invalid value at 'view' "
             "(type.googleapis.com/google.cloud.bigquery.v2.GetTableRequest.TableMetadataView), "
             "\"%.200s\"",
             view);
    gcp_bq_error(r, 400, "invalid", msg);
    return -1;
}

long fc_bq_table_of(const struct fw_world *w, const struct fc_request *req, struct fc_response *r)
{
    char seg[8][256], msg[800];
    long d, t;

    if (fc_bq_path(w, req, r, seg, 8) < 8 || (d = dataset_of(w, r, seg[5])) < 0)
        return -1;
    t = fw_bq_table_find(w, seg[5], seg[7]);
    if (t < 0) {
        snprintf(msg, sizeof(msg), "Not found: Table %s:%.200s.%.200s", w->project, seg[5], seg[7]);
        gcp_bq_error(r, 404, "notFound", msg);
    }
    return t;
}

int fc_bq_tables_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    const char *sel = fc_query_param(req, "selectedFields");
    int rc = 0, stats;
    long t;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    pthread_mutex_lock(&fc->world_lock);
    fw_tick(w, fw_now(w));
    if ((t = fc_bq_table_of(w, req, r)) >= 0 &&
        view_stats(r, fc_query_param(req, "view"), &stats) == 0)
        rc = fc_respond_json(r, 200,
                             fc_bq_table_json(w, (size_t)t, stats, sel && *sel ? sel : NULL));
    pthread_mutex_unlock(&fc->world_lock);
    return rc;
}
