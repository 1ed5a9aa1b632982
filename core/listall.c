/* core/listall.c: the pager glue of every list call — a builder that passes the page token on,
 * and a page reader that moves each page's items into the query's result. No network of its own
 * (core/pager.c drives core/http.c); nothing of a page is dropped. */
#include "core/listall.h"

#include <stdlib.h>
#include <string.h>

/* Moves *sn items of size bytes from *src to the end of *dst (the items are not copied deeply:
 * ownership moves). On failure nothing moves. */
static int move_items(void *dst_v, size_t *dn, void *src_v, size_t *sn, size_t size)
{
    char **dst = dst_v, **src = src_v;
    char *p;

    if (*sn == 0)
        return 0;
    if ((p = realloc(*dst, (*dn + *sn) * size)) == NULL)
        return -1;
    memcpy(p + *dn * size, *src, *sn * size);
    *dst = p;
    *dn += *sn;
    free(*src);
    *src = NULL;
    *sn = 0;
    return 0;
}

static void fill(struct pager_spec *spec, pager_build_fn build, pager_page_fn page,
                 pager_error_fn error, void *q, http_prepare_fn prepare, void *prepare_ctx)
{
    memset(spec, 0, sizeof(*spec));
    spec->build = build;
    spec->page = page;
    spec->error = error;
    spec->ctx = q;
    spec->prepare = prepare;
    spec->prepare_ctx = prepare_ctx;
}

/* The page reader of a list type: parse, move items (v/n) into q->result, hand the token on. */
#define PAGE_FN(fn, qtype, ltype, parse, release, tok)                                             \
    static int fn(void *ctx, const char *body, size_t len, char **next, struct err *e)             \
    {                                                                                              \
        qtype *q = ctx;                                                                            \
        ltype page;                                                                                \
        if (parse(&page, body, len, e) != 0)                                                       \
            return -1;                                                                             \
        if (move_items(&q->result.v, &q->result.n, &page.v, &page.n, sizeof(*page.v)) != 0) {      \
            release(&page);                                                                        \
            return err_set(e, ERR_NOMEM, "out of memory collecting a paged list");                 \
        }                                                                                          \
        *next = page.tok;                                                                          \
        page.tok = NULL;                                                                           \
        release(&page);                                                                            \
        return 0;                                                                                  \
    }

#define SPEC_FN(fn, qtype, build, page, error)                                                     \
    void fn(struct pager_spec *spec, qtype *q, http_prepare_fn prepare, void *prepare_ctx)         \
    {                                                                                              \
        fill(spec, build, page, error, q, prepare, prepare_ctx);                                   \
    }

static int b_dts_configs(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_dts_configs *q = ctx;
    return dts_build_list_configs(req, q->endpoint, q->project, q->location, q->data_source_ids,
                                  q->page_size, tok, e);
}
PAGE_FN(p_dts_configs, struct listall_dts_configs, struct dts_configs, dts_parse_configs,
        dts_configs_release, next_page_token)
SPEC_FN(listall_dts_configs, struct listall_dts_configs, b_dts_configs, p_dts_configs, dts_error)

static int b_dts_runs(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_dts_runs *q = ctx;
    return dts_build_list_runs(req, q->endpoint, q->config_name, q->states, q->latest_only,
                               q->page_size, tok, e);
}
PAGE_FN(p_dts_runs, struct listall_dts_runs, struct dts_runs, dts_parse_runs, dts_runs_release,
        next_page_token)
SPEC_FN(listall_dts_runs, struct listall_dts_runs, b_dts_runs, p_dts_runs, dts_error)

static int b_dts_messages(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_dts_messages *q = ctx;
    return dts_build_list_logs(req, q->endpoint, q->run_name, q->message_types, q->page_size, tok,
                               e);
}
PAGE_FN(p_dts_messages, struct listall_dts_messages, struct dts_messages, dts_parse_messages,
        dts_messages_release, next_page_token)
SPEC_FN(listall_dts_messages, struct listall_dts_messages, b_dts_messages, p_dts_messages,
        dts_error)

static int b_bq_datasets(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_bq_datasets *q = ctx;
    return bq_build_list_datasets(req, q->endpoint, q->project, q->max_results, tok, e);
}
PAGE_FN(p_bq_datasets, struct listall_bq_datasets, struct bq_datasets, bq_parse_datasets,
        bq_datasets_release, next_page_token)
SPEC_FN(listall_bq_datasets, struct listall_bq_datasets, b_bq_datasets, p_bq_datasets, bq_error)

static int b_bq_tables(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_bq_tables *q = ctx;
    return bq_build_list_tables(req, q->endpoint, q->project, q->dataset, q->max_results, tok, e);
}
PAGE_FN(p_bq_tables, struct listall_bq_tables, struct bq_tables, bq_parse_tables, bq_tables_release,
        next_page_token)
SPEC_FN(listall_bq_tables, struct listall_bq_tables, b_bq_tables, p_bq_tables, bq_error)

static int b_ddb_tables(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_ddb_tables *q = ctx;
    return ddb_build_list_tables(req, q->endpoint, tok, q->limit, e);
}
PAGE_FN(p_ddb_tables, struct listall_ddb_tables, struct ddb_table_names, ddb_parse_list_tables,
        ddb_table_names_release, next)
SPEC_FN(listall_ddb_tables, struct listall_ddb_tables, b_ddb_tables, p_ddb_tables, ddb_error)

static int b_ddb_exports(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_ddb_exports *q = ctx;
    return ddb_build_list_exports(req, q->endpoint, q->table_arn, q->max_results, tok, e);
}
PAGE_FN(p_ddb_exports, struct listall_ddb_exports, struct ddb_export_summaries,
        ddb_parse_list_exports, ddb_export_summaries_release, next_token)
SPEC_FN(listall_ddb_exports, struct listall_ddb_exports, b_ddb_exports, p_ddb_exports, ddb_error)

static int b_rds_tasks(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_rds_export_tasks *q = ctx;
    return rds_build_describe_export_tasks(req, q->endpoint, NULL, q->source_arn, q->filters,
                                           q->n_filters, tok, q->max_records, NULL, e);
}
PAGE_FN(p_rds_tasks, struct listall_rds_export_tasks, struct rds_export_tasks,
        rds_parse_export_tasks, rds_export_tasks_release, marker)
SPEC_FN(listall_rds_export_tasks, struct listall_rds_export_tasks, b_rds_tasks, p_rds_tasks,
        rds_error)

static int b_rds_snaps(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_rds_snapshots *q = ctx;
    return rds_build_describe_cluster_snapshots(req, q->endpoint, q->cluster_id, q->snapshot_type,
                                                NULL, 0, q->max_records, tok, e);
}
PAGE_FN(p_rds_snaps, struct listall_rds_snapshots, struct rds_cluster_snapshots,
        rds_parse_cluster_snapshots, rds_cluster_snapshots_release, marker)
SPEC_FN(listall_rds_snapshots, struct listall_rds_snapshots, b_rds_snaps, p_rds_snaps, rds_error)

static int b_events_targets(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_events_targets *q = ctx;
    return events_build_list_targets(req, q->endpoint, q->rule, q->bus, 0, tok, e);
}
PAGE_FN(p_events_targets, struct listall_events_targets, struct events_targets,
        events_parse_targets, events_targets_release, next_token)
SPEC_FN(listall_events_targets, struct listall_events_targets, b_events_targets, p_events_targets,
        events_error)

static int b_s3(void *ctx, struct http_request *req, const char *tok, struct err *e)
{
    struct listall_s3_objects *q = ctx;
    return s3_build_list_objects(req, q->base_url, q->path_style, q->bucket, q->prefix,
                                 q->delimiter, q->max_keys, tok, e);
}

/* S3 pages carry two lists: objects and common prefixes. */
static int p_s3(void *ctx, const char *body, size_t len, char **next, struct err *e)
{
    struct listall_s3_objects *q = ctx;
    struct s3_listing page;

    if (s3_parse_list_objects(&page, body, len, e) != 0)
        return -1;
    if (move_items(&q->result.v, &q->result.n, &page.v, &page.n, sizeof(*page.v)) != 0 ||
        move_items(&q->result.common_prefixes, &q->result.n_common_prefixes, &page.common_prefixes,
                   &page.n_common_prefixes, sizeof(char *)) != 0) {
        s3_listing_release(&page);
        return err_set(e, ERR_NOMEM, "out of memory collecting a paged list");
    }
    if (q->result.bucket == NULL) {
        q->result.bucket = page.bucket;
        page.bucket = NULL;
    }
    *next = page.next_token;
    page.next_token = NULL;
    s3_listing_release(&page);
    return 0;
}
SPEC_FN(listall_s3_objects, struct listall_s3_objects, b_s3, p_s3, s3_error)
