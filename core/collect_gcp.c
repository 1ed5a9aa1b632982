/* core/collect_gcp.c: the Google side of a collection — DTS transfer configs (amazon_s3 and
 * scheduled_query, every page) and each config's runs (every page, every attempt; runs.list's
 * order is not documented, so every page is read and the window applied afterwards), and
 * BigQuery tables: the configured datasets (or every dataset) → tables.list → tables.get, the
 * metadata and row count of each table. The token is fetched before the first call. */
#include "core/collect_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/listall.h"

static const char *const data_sources[] = {"amazon_s3", "scheduled_query", NULL};

struct configs_ctx {
    struct listall_dts_configs q; /* first: the pager's ctx */
    struct coll *c;
};

struct runs_ctx {
    struct listall_dts_runs q; /* first */
    struct coll *c;
    size_t i; /* snap.dts[i] */
};

struct datasets_ctx {
    struct listall_bq_datasets q; /* first */
    struct coll *c;
};

struct tables_ctx {
    struct listall_bq_tables q; /* first; q.dataset is owned (dataset below) */
    struct coll *c;
    char *dataset;
};

struct table_ctx {
    struct coll *c;
    char *name; /* dataset.table, for gaps */
};

static void oom(struct coll *c, const char *what)
{
    struct err e = ERR_INIT;
    err_set(&e, ERR_NOMEM, "out of memory %s", what);
    coll_fatal(c, &e);
}

static int in_window(const struct coll *c, const struct dts_run *r)
{
    int64_t t = r->run_time_ms        ? r->run_time_ms
                : r->schedule_time_ms ? r->schedule_time_ms
                                      : r->start_ms;
    return t == 0 || t >= c->out->snap.window_start_ms;
}

static void on_runs(void *ctx, int pages, const struct err *e)
{
    struct runs_ctx *x = ctx;
    struct coll *c = x->c;
    struct snap_dts_config *d = &c->out->snap.dts[x->i];
    struct dts_runs *l = &x->q.result;
    size_t n = 0;

    coll_pages_done(c, pages, e);
    d->runs_complete = e->code == ERR_OK;
    if (e->code != ERR_OK)
        coll_gap(c, e, "dts runs.list %s", d->config.cfg.name);
    for (size_t k = 0; k < l->n; k++) {
        if (in_window(c, &l->v[k]))
            l->v[n++] = l->v[k];
        else
            dts_run_release(&l->v[k]);
    }
    d->runs = n > 0 ? l->v : NULL;
    d->n_runs = n;
    if (n == 0)
        free(l->v);
    l->v = NULL;
    l->n = 0;
    dts_runs_release(l);
    free(x);
}

static void list_runs(struct coll *c, size_t i)
{
    struct runs_ctx *x = calloc(1, sizeof(*x));
    struct pager_spec spec;

    if (x == NULL) {
        oom(c, "listing transfer runs");
        return;
    }
    x->c = c;
    x->i = i;
    x->q.endpoint = c->in->dts_endpoint;
    x->q.config_name = c->out->snap.dts[i].config.cfg.name;
    x->q.latest_only = false; /* every attempt */
    x->q.page_size = c->in->page_size;
    listall_dts_runs(&spec, &x->q, gauth_prepare, c->in->gauth);
    spec.done = on_runs;
    coll_pager(c, &spec);
}

static void on_configs(void *ctx, int pages, const struct err *e)
{
    struct configs_ctx *x = ctx;
    struct coll *c = x->c;
    struct snapshot *s = &c->out->snap;
    struct dts_configs *l = &x->q.result;

    coll_pages_done(c, pages, e);
    if (e->code != ERR_OK)
        coll_gap(c, e, "dts transferConfigs.list (no transfer or scheduled-query runs were read)");
    if (l->n > 0 && (s->dts = calloc(l->n, sizeof(*s->dts))) == NULL)
        oom(c, "collecting transfer configs");
    for (size_t k = 0; s->dts != NULL && k < l->n; k++) {
        if (l->v[k].cfg.name == NULL) {
            dts_config_release(&l->v[k]);
            continue;
        }
        s->dts[s->n_dts++].config = l->v[k];
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
    dts_configs_release(l);
    free(x);
    for (size_t i = 0; i < s->n_dts; i++)
        list_runs(c, i);
}

static void on_table(void *ctx, struct http_request *req, struct http_response *resp,
                     const struct err *call_err)
{
    struct table_ctx *x = ctx;
    struct coll *c = x->c;
    struct snapshot *s = &c->out->snap;
    struct table_meta t, *v;
    struct err e = ERR_INIT;

    if (call_err->code != ERR_OK) {
        coll_call_error(&e, bq_error, req, resp, call_err);
    } else if (bq_parse_table(&t, NULL, resp->body.data, resp->body.len, &e) == 0) {
        if ((v = realloc(s->tables, (s->n_tables + 1) * sizeof(*v))) == NULL) {
            table_meta_release(&t);
            oom(c, "collecting table metadata");
        } else {
            s->tables = v;
            s->tables[s->n_tables++] = t;
        }
    }
    if (e.code != ERR_OK)
        coll_gap(c, &e, "bigquery tables.get %s", x->name);
    free(x->name);
    free(x);
}

static void get_table(struct coll *c, const char *dataset, const char *table)
{
    struct table_ctx *x = calloc(1, sizeof(*x));
    struct http_request req;
    struct err e = ERR_INIT;
    size_t n = strlen(dataset) + strlen(table) + 2;

    if (x == NULL || (x->name = malloc(n)) == NULL) {
        free(x);
        oom(c, "reading table metadata");
        return;
    }
    x->c = c;
    snprintf(x->name, n, "%s.%s", dataset, table);
    if (bq_build_get_table(&req, c->in->bq_endpoint, c->in->gcp_project, dataset, table, &e) != 0) {
        coll_gap(c, &e, "bigquery tables.get %s", x->name);
        free(x->name);
        free(x);
        return;
    }
    req.prepare = gauth_prepare;
    req.prepare_ctx = c->in->gauth;
    if (coll_submit(c, &req, on_table, x, "bigquery tables.get %s", x->name) != 0) {
        free(x->name);
        free(x);
    }
}

static void on_tables(void *ctx, int pages, const struct err *e)
{
    struct tables_ctx *x = ctx;
    struct coll *c = x->c;
    struct bq_tables *l = &x->q.result;

    coll_pages_done(c, pages, e);
    if (e->code == ERR_NOT_FOUND && c->in->cfg->gcp.datasets.n > 0) {
        struct err cfg = *e; /* a dataset named in [gcp] datasets does not exist */
        cfg.code = ERR_CONFIG;
        coll_gap(c, &cfg, "bigquery tables.list %s ([gcp] datasets)", x->dataset);
    } else if (e->code != ERR_OK) {
        coll_gap(c, e, "bigquery tables.list %s", x->dataset);
    }
    for (size_t k = 0; k < l->n; k++)
        if (l->v[k].table_id != NULL)
            get_table(c, x->dataset, l->v[k].table_id);
    bq_tables_release(l);
    free(x->dataset);
    free(x);
}

static void list_tables(struct coll *c, const char *dataset)
{
    struct tables_ctx *x = calloc(1, sizeof(*x));
    struct pager_spec spec;

    if (x == NULL || (x->dataset = strdup(dataset)) == NULL) {
        free(x);
        oom(c, "listing tables");
        return;
    }
    x->c = c;
    x->q.endpoint = c->in->bq_endpoint;
    x->q.project = c->in->gcp_project;
    x->q.dataset = x->dataset;
    x->q.max_results = c->in->page_size;
    listall_bq_tables(&spec, &x->q, gauth_prepare, c->in->gauth);
    spec.done = on_tables;
    coll_pager(c, &spec);
}

static void on_datasets(void *ctx, int pages, const struct err *e)
{
    struct datasets_ctx *x = ctx;
    struct coll *c = x->c;

    coll_pages_done(c, pages, e);
    if (e->code != ERR_OK)
        coll_gap(c, e, "bigquery datasets.list %s", c->in->gcp_project);
    for (size_t k = 0; k < x->q.result.n; k++)
        if (x->q.result.v[k].dataset_id != NULL)
            list_tables(c, x->q.result.v[k].dataset_id);
    bq_datasets_release(&x->q.result);
    free(x);
}

static void start_bq(struct coll *c)
{
    const struct config_list *ds = &c->in->cfg->gcp.datasets;
    struct datasets_ctx *x;
    struct pager_spec spec;

    for (size_t i = 0; i < ds->n; i++)
        list_tables(c, ds->items[i]);
    if (ds->n > 0)
        return;
    if ((x = calloc(1, sizeof(*x))) == NULL) {
        oom(c, "listing datasets");
        return;
    }
    x->c = c;
    x->q.endpoint = c->in->bq_endpoint;
    x->q.project = c->in->gcp_project;
    x->q.max_results = c->in->page_size;
    listall_bq_datasets(&spec, &x->q, gauth_prepare, c->in->gauth);
    spec.done = on_datasets;
    coll_pager(c, &spec);
}

static void start_dts(struct coll *c)
{
    struct configs_ctx *x;
    struct pager_spec spec;
    struct err e = ERR_INIT;

    if (c->in->gcp_location == NULL) {
        err_set(&e, ERR_CONFIG,
                "no DTS location: set [gcp] location (\"us\", \"asia-northeast1\")");
        coll_gap(c, &e, "dts transferConfigs.list (no transfer or scheduled-query runs were read)");
        return;
    }
    if ((x = calloc(1, sizeof(*x))) == NULL) {
        oom(c, "listing transfer configs");
        return;
    }
    x->c = c;
    x->q.endpoint = c->in->dts_endpoint;
    x->q.project = c->in->gcp_project;
    x->q.location = c->in->gcp_location;
    x->q.data_source_ids = data_sources;
    x->q.page_size = c->in->page_size;
    listall_dts_configs(&spec, &x->q, gauth_prepare, c->in->gauth);
    spec.done = on_configs;
    coll_pager(c, &spec);
}

void coll_start_gcp(struct coll *c)
{
    const struct collect_input *in = c->in;
    struct err why = ERR_INIT;
    const char *token;

    if (in->gauth == NULL) {
        if (in->google_err != NULL && in->google_err->code != ERR_OK)
            why = *in->google_err;
        else
            err_set(&why, ERR_AUTH, "no Google credentials");
    } else if (in->gcp_project == NULL) {
        err_set(&why, ERR_CONFIG,
                "no Google Cloud project: set [gcp] project or GOOGLE_CLOUD_PROJECT");
    } else if (in->dts_endpoint == NULL || in->bq_endpoint == NULL) {
        err_set(&why, ERR_CONFIG, "no DTS or BigQuery endpoint");
    } else {
        /* Fetched here, before any call, so that a refused token is one gap per source rather
         * than one per call; gauth renews it from gauth_prepare when it expires meanwhile. */
        gauth_token(in->gauth, &token, &why);
    }
    if (why.code != ERR_OK) {
        coll_gap(c, &why,
                 "dts transferConfigs.list (no transfer or scheduled-query runs were read)");
        coll_gap(c, &why, "bigquery tables (no table metadata or row counts were read)");
        return;
    }
    start_dts(c);
    start_bq(c);
}

static int config_cmp(const void *a, const void *b)
{
    const struct snap_dts_config *x = a, *y = b;
    return strcmp(x->config.cfg.name, y->config.cfg.name);
}

static int run_cmp(const void *a, const void *b)
{
    const struct dts_run *x = a, *y = b;
    if (x->run_time_ms != y->run_time_ms)
        return x->run_time_ms < y->run_time_ms ? -1 : 1;
    if (x->update_ms != y->update_ms)
        return x->update_ms < y->update_ms ? -1 : 1;
    return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static int table_cmp(const void *a, const void *b)
{
    const struct table_meta *x = a, *y = b;
    int r = strcmp(x->dataset ? x->dataset : "", y->dataset ? y->dataset : "");
    return r != 0 ? r : strcmp(x->table_id ? x->table_id : "", y->table_id ? y->table_id : "");
}

/* Sorts configs by name, runs by run time then update time (DTS's order is not documented),
 * tables by dataset and id, so the same clouds give the same snapshot. */
void coll_finish_gcp(struct coll *c)
{
    struct snapshot *s = &c->out->snap;

    if (s->n_dts > 0)
        qsort(s->dts, s->n_dts, sizeof(*s->dts), config_cmp);
    for (size_t i = 0; i < s->n_dts; i++)
        if (s->dts[i].n_runs > 0)
            qsort(s->dts[i].runs, s->dts[i].n_runs, sizeof(*s->dts[i].runs), run_cmp);
    if (s->n_tables > 0)
        qsort(s->tables, s->n_tables, sizeof(*s->tables), table_cmp);
}
