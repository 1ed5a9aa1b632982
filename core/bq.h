/* core/bq.h: the BigQuery API v2 client's wire layer — request builders for datasets.list,
 * tables.list, tables.get and the schema-only tables.patch, and parsers of their JSON answers into
 * struct table_meta (core/model.h) with nested schema fields, descriptions and policy tags.
 * int64 values arrive as JSON strings and times as millisecond strings. Builders return a filled
 * struct http_request (the caller adds the bearer-token prepare and submits it); no network here.
 * Schema JSON itself is read and written by core/schema.h (one canonical form for the project). */
#ifndef CORE_BQ_H
#define CORE_BQ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/http.h"
#include "core/model.h"

#define BQ_DEFAULT_ENDPOINT "https://bigquery.googleapis.com"

struct bq_dataset {
    char *project;
    char *dataset_id;
    char *location; /* NULL when not reported */
    char *friendly_name;
};

struct bq_datasets {
    struct bq_dataset *v;
    size_t n;
    char *next_page_token; /* "" on the last page */
};

/* tables.list items: project, dataset, table_id, type, created_ms filled; num_rows/num_bytes -1
 * and no schema (tables.list does not report them: use tables.get). */
struct bq_tables {
    struct table_meta *v;
    size_t n;
    char *next_page_token;
    int64_t total_items; /* -1 when absent */
};

void bq_dataset_release(struct bq_dataset *d);
void bq_datasets_release(struct bq_datasets *l);
void bq_tables_release(struct bq_tables *l);

/* ---- request builders: endpoint is BQ_DEFAULT_ENDPOINT or an override (no path); the URL is
 * {endpoint}/bigquery/v2/projects/{p}/... with each id percent-encoded. max_results 0 = the
 * service default; page_token NULL or "" = first page. On failure req is left empty. */
int bq_build_list_datasets(struct http_request *req, const char *endpoint, const char *project,
                           int max_results, const char *page_token, struct err *e);
int bq_build_list_tables(struct http_request *req, const char *endpoint, const char *project,
                         const char *dataset, int max_results, const char *page_token,
                         struct err *e);
int bq_build_get_table(struct http_request *req, const char *endpoint, const char *project,
                       const char *dataset, const char *table, struct err *e);
/* PATCH the table's whole schema: body {"schema":{"fields":[...]}}; If-Match: etag when etag is
 * not NULL (optimistic concurrency, as the official clients do). */
int bq_build_patch_schema(struct http_request *req, const char *endpoint, const char *project,
                          const char *dataset, const char *table, const struct schema_field *fields,
                          size_t n_fields, const char *etag, struct err *e);

/* ---- parsers of 2xx bodies. On failure *out is empty and e names the call and field. */
int bq_parse_datasets(struct bq_datasets *out, const char *body, size_t len, struct err *e);
int bq_parse_tables(struct bq_tables *out, const char *body, size_t len, struct err *e);
/* tables.get (also the answer of tables.patch). etag may be NULL; else *etag is set (caller
 * frees; NULL when absent). num_rows / num_bytes are -1 when not reported (views). */
int bq_parse_table(struct table_meta *out, char **etag, const char *body, size_t len,
                   struct err *e);

/* A non-2xx answer of operation ("tables.get") into e (see core/apierr.h). Always -1. */
int bq_error(struct err *e, const char *operation, long status, const struct http_headers *h,
             const char *body, size_t len);

#endif
