/* core/bq.c: BigQuery v2 request builders (datasets.list, tables.list, tables.get, schema-only
 * tables.patch), their `bq` command lines, the list/table parsers and the error reader. Builds
 * and reads only: never sends, signs or pages. */
#include "core/bq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apierr.h"
#include "core/jsonx.h"
#include "core/reqbuild.h"
#include "core/schema.h"

void bq_dataset_release(struct bq_dataset *d)
{
    free(d->project);
    free(d->dataset_id);
    free(d->location);
    free(d->friendly_name);
    memset(d, 0, sizeof(*d));
}

void bq_datasets_release(struct bq_datasets *l)
{
    for (size_t i = 0; i < l->n; i++)
        bq_dataset_release(&l->v[i]);
    free(l->v);
    free(l->next_page_token);
    memset(l, 0, sizeof(*l));
}

void bq_tables_release(struct bq_tables *l)
{
    for (size_t i = 0; i < l->n; i++)
        table_meta_release(&l->v[i]);
    free(l->v);
    free(l->next_page_token);
    memset(l, 0, sizeof(*l));
}

/* {endpoint}/bigquery/v2/projects/{p}[/datasets/{d}[/tables[/{t}]]] */
static int url_of(struct buf *url, const char *endpoint, const char *project, const char *dataset,
                  const char *tables, const char *table, struct err *e)
{
    if (project == NULL || *project == '\0')
        return err_set(e, ERR_USAGE, "bigquery: a project id is required");
    if (reqbuild_base(url, endpoint, e) != 0)
        return -1;
    if (buf_puts(url, "/bigquery/v2/projects/") || reqbuild_path(url, project, 0))
        return reqbuild_toobig(e, "bigquery");
    if (dataset && (buf_puts(url, "/datasets/") || reqbuild_path(url, dataset, 0)))
        return reqbuild_toobig(e, "bigquery");
    if (tables && buf_puts(url, tables))
        return reqbuild_toobig(e, "bigquery");
    if (table && (buf_putc(url, '/') || reqbuild_path(url, table, 0)))
        return reqbuild_toobig(e, "bigquery");
    return 0;
}

static int build_list(struct http_request *req, const char *op, const char *endpoint,
                      const char *project, const char *dataset, int max_results,
                      const char *page_token, struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), q = BUF_INIT(REQBUILD_MAX),
               cmd = BUF_INIT(REQBUILD_MAX), target = BUF_INIT(REQBUILD_MAX);
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if ((dataset != NULL && *dataset == '\0'))
        return err_set(e, ERR_USAGE, "bigquery %s: a dataset id is required", op);
    if (url_of(&url, endpoint, project, dataset, dataset ? "/tables" : "/datasets", NULL, e))
        goto out;
    if ((max_results > 0 && reqbuild_param_long(&q, "maxResults", max_results)) ||
        (page_token && *page_token && reqbuild_param(&q, "pageToken", page_token)) ||
        (q.len && (buf_putc(&url, '?') || buf_append(&url, q.data, q.len))))
        goto big;
    if (buf_puts(&cmd, "bq ls --format=prettyjson"))
        goto big;
    if (max_results > 0 && buf_printf(&cmd, " --max_results %d", max_results))
        goto big;
    if (dataset ? buf_printf(&target, "%s:%s", project, dataset)
                : reqbuild_arg(&cmd, "--project_id") || buf_puts(&target, project))
        goto big;
    if (reqbuild_arg(&cmd, buf_cstr(&target)))
        goto big;
    rc = reqbuild_finish(req, "bigquery", op, "GET", &url, NULL, 0, NULL, &cmd, e);
    goto out;
big:
    reqbuild_toobig(e, op);
out:
    buf_release(&url);
    buf_release(&q);
    buf_release(&cmd);
    buf_release(&target);
    return rc;
}

int bq_build_list_datasets(struct http_request *req, const char *endpoint, const char *project,
                           int max_results, const char *page_token, struct err *e)
{
    return build_list(req, "datasets.list", endpoint, project, NULL, max_results, page_token, e);
}

int bq_build_list_tables(struct http_request *req, const char *endpoint, const char *project,
                         const char *dataset, int max_results, const char *page_token,
                         struct err *e)
{
    return build_list(req, "tables.list", endpoint, project, dataset ? dataset : "", max_results,
                      page_token, e);
}

static int table_call(struct http_request *req, const char *op, const char *method,
                      const char *endpoint, const char *project, const char *dataset,
                      const char *table, const char *body, const char *const *headers,
                      const char *cmd_prefix, struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), cmd = BUF_INIT(REQBUILD_MAX);
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if (dataset == NULL || !*dataset || table == NULL || !*table)
        return err_set(e, ERR_USAGE, "bigquery %s: dataset and table ids are required", op);
    if (url_of(&url, endpoint, project, dataset, "/tables", table, e) != 0)
        goto out;
    if (buf_puts(&cmd, cmd_prefix) || buf_printf(&cmd, " %s:%s.%s", project, dataset, table)) {
        reqbuild_toobig(e, op);
        goto out;
    }
    rc = reqbuild_finish(req, "bigquery", op, method, &url, body, body ? strlen(body) : 0, headers,
                         &cmd, e);
out:
    buf_release(&url);
    buf_release(&cmd);
    return rc;
}

int bq_build_get_table(struct http_request *req, const char *endpoint, const char *project,
                       const char *dataset, const char *table, struct err *e)
{
    return table_call(req, "tables.get", "GET", endpoint, project, dataset, table, NULL, NULL,
                      "bq show --format=prettyjson", e);
}

int bq_build_patch_schema(struct http_request *req, const char *endpoint, const char *project,
                          const char *dataset, const char *table, const struct schema_field *fields,
                          size_t n_fields, const char *etag, struct err *e)
{
    const char *headers[] = {"Content-Type", "application/json", "If-Match", etag, NULL};
    struct buf body = BUF_INIT(REQBUILD_MAX);
    char *text = NULL;
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if (n_fields == 0)
        return err_set(e, ERR_USAGE, "bigquery tables.patch: refusing to send an empty schema");
    if (etag == NULL)
        headers[2] = NULL;
    if (schema_to_json(fields, n_fields, &text, e) != 0) {
        err_prefix(e, "bigquery tables.patch: ");
        return -1;
    }
    if (buf_puts(&body, "{\"schema\":{\"fields\":") || buf_puts(&body, text) ||
        buf_puts(&body, "}}"))
        reqbuild_toobig(e, "bigquery tables.patch");
    else
        rc = table_call(req, "tables.patch", "PATCH", endpoint, project, dataset, table,
                        buf_cstr(&body), headers, "bq update --schema SCHEMA.json", e);
    free(text);
    buf_release(&body);
    return rc;
}

/* BigQuery omits mode for NULLABLE fields; the model always names it. */
static int default_modes(struct schema_field *f, size_t n, struct err *e)
{
    for (size_t i = 0; i < n; i++) {
        if (f[i].mode == NULL && model_strdup(&f[i].mode, "NULLABLE", e) != 0)
            return -1;
        if (default_modes(f[i].fields, f[i].n_fields, e) != 0)
            return -1;
    }
    return 0;
}

/* schema.fields through core/schema (the project's one schema reader). */
static int read_schema(struct table_meta *t, const json_t *schema, const struct jloc *at,
                       struct err *e)
{
    const json_t *fields;
    char *text;
    int rc;

    if (jsonx_array(schema, "fields", 0, &fields, at, e) != 0)
        return -1;
    if (fields == NULL)
        return 0;
    if ((text = jsonx_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", at->call);
    rc = schema_from_json(text, &t->fields, &t->n_fields, e);
    free(text);
    if (rc != 0) {
        err_prefix(e, "%s: %s.fields: ", at->call, at->path);
        return -1;
    }
    return default_modes(t->fields, t->n_fields, e);
}

static int read_dataset(void *item, const json_t *o, const struct jloc *at, struct err *e)
{
    struct bq_dataset *d = item;
    const json_t *ref;
    char path[256];
    struct jloc rat = {at->call, jsonx_path(path, sizeof(path), at, "datasetReference", -1)};

    if (jsonx_object(o, "datasetReference", 1, &ref, at, e) ||
        jsonx_str(ref, "projectId", 1, &d->project, &rat, e) ||
        jsonx_str(ref, "datasetId", 1, &d->dataset_id, &rat, e) ||
        jsonx_str(o, "location", 0, &d->location, at, e) ||
        jsonx_str(o, "friendlyName", 0, &d->friendly_name, at, e))
        return -1;
    return 0;
}

/* tableReference + type/description/counts/times, shared by tables.list items and tables.get. */
static int read_table(void *item, const json_t *o, const struct jloc *at, struct err *e)
{
    struct table_meta *t = item;
    const json_t *ref, *schema;
    char path[256], spath[256];
    struct jloc rat = {at->call, jsonx_path(path, sizeof(path), at, "tableReference", -1)};
    struct jloc sat = {at->call, jsonx_path(spath, sizeof(spath), at, "schema", -1)};

    t->num_rows = -1;
    t->num_bytes = -1;
    if (jsonx_object(o, "tableReference", 1, &ref, at, e) ||
        jsonx_str(ref, "projectId", 1, &t->project, &rat, e) ||
        jsonx_str(ref, "datasetId", 1, &t->dataset, &rat, e) ||
        jsonx_str(ref, "tableId", 1, &t->table_id, &rat, e) ||
        jsonx_str(o, "type", 0, &t->type, at, e) ||
        jsonx_str(o, "description", 0, &t->description, at, e) ||
        jsonx_int64(o, "numRows", 0, &t->num_rows, at, e) ||
        jsonx_int64(o, "numBytes", 0, &t->num_bytes, at, e) ||
        jsonx_int64(o, "creationTime", 0, &t->created_ms, at, e) ||
        jsonx_int64(o, "lastModifiedTime", 0, &t->modified_ms, at, e) ||
        jsonx_object(o, "schema", 0, &schema, at, e))
        return -1;
    if (schema != NULL && read_schema(t, schema, &sat, e) != 0)
        return -1;
    return 0;
}

static void release_dataset(void *p)
{
    bq_dataset_release(p);
}
static void release_table(void *p)
{
    table_meta_release(p);
}

int bq_parse_datasets(struct bq_datasets *out, const char *body, size_t len, struct err *e)
{
    struct jloc at = {"bigquery datasets.list", ""};
    json_t *root;
    int rc;

    memset(out, 0, sizeof(*out));
    if (jsonx_load(&root, at.call, body, len, e) != 0)
        return -1;
    rc = jsonx_page_token(root, "nextPageToken", &out->next_page_token, &at, e);
    if (rc == 0)
        rc = jsonx_list(root, "datasets", sizeof(*out->v), read_dataset, release_dataset,
                        (void **)&out->v, &out->n, &at, e);
    if (rc != 0)
        bq_datasets_release(out);
    json_decref(root);
    return rc;
}

int bq_parse_tables(struct bq_tables *out, const char *body, size_t len, struct err *e)
{
    struct jloc at = {"bigquery tables.list", ""};
    json_t *root;
    int rc;

    memset(out, 0, sizeof(*out));
    out->total_items = -1;
    if (jsonx_load(&root, at.call, body, len, e) != 0)
        return -1;
    rc = jsonx_page_token(root, "nextPageToken", &out->next_page_token, &at, e);
    if (rc == 0)
        rc = jsonx_int64(root, "totalItems", 0, &out->total_items, &at, e);
    if (rc == 0)
        rc = jsonx_list(root, "tables", sizeof(*out->v), read_table, release_table,
                        (void **)&out->v, &out->n, &at, e);
    if (rc != 0)
        bq_tables_release(out);
    json_decref(root);
    return rc;
}

int bq_parse_table(struct table_meta *out, char **etag, const char *body, size_t len, struct err *e)
{
    struct jloc at = {"bigquery tables.get", ""};
    json_t *root;
    int rc;

    memset(out, 0, sizeof(*out));
    if (etag)
        *etag = NULL;
    if (jsonx_load(&root, at.call, body, len, e) != 0)
        return -1;
    rc = read_table(out, root, &at, e);
    if (rc == 0 && etag)
        rc = jsonx_str(root, "etag", 0, etag, &at, e);
    if (rc != 0) {
        table_meta_release(out);
        if (etag) {
            free(*etag);
            *etag = NULL;
        }
    }
    json_decref(root);
    return rc;
}

int bq_error(struct err *e, const char *operation, long status, const struct http_headers *h,
             const char *body, size_t len)
{
    (void)h;
    char call[96];

    snprintf(call, sizeof(call), "bigquery %s", operation);
    return apierr_google(e, call, status, body, len);
}
