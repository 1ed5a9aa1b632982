/* core/collect_ddb.c: the DynamoDB sources of a collection — ListTables (every page, filtered by
 * [aws] dynamodb_tables), then per table DescribeTable and DescribeContinuousBackups, then
 * ListExports (every page, needs the table ARN) and DescribeExport for each export that history
 * does not already hold as finished. Each step is submitted from the completion of the one it
 * needs; nothing here waits. Failures become gaps naming the table or export. */
#include "core/collect_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/listall.h"

struct tables_ctx {
    struct listall_ddb_tables q; /* first: the pager's ctx is this struct */
    struct coll *c;
};

struct table_ctx {
    struct coll *c;
    size_t i; /* index in snap.ddb (the array is not reallocated once made) */
};

struct exports_ctx {
    struct listall_ddb_exports q; /* first */
    struct coll *c;
    size_t i;
};

struct export_ctx {
    struct coll *c;
    size_t i, j; /* snap.ddb[i].exports[j] */
    char *arn;
};

static void export_ctx_free(struct export_ctx *x)
{
    if (x != NULL)
        free(x->arn);
    free(x);
}

static const char *tname(const struct coll *c, size_t i)
{
    return c->out->snap.ddb[i].table.name;
}

static void on_describe_export(void *ctx, struct http_request *req, struct http_response *resp,
                               const struct err *call_err)
{
    struct export_ctx *x = ctx;
    struct coll *c = x->c;
    struct snap_ddb_table *t = &c->out->snap.ddb[x->i];
    struct ddb_export *out = &t->exports[x->j];
    struct err e = ERR_INIT;
    enum run_state st;

    if (call_err->code != ERR_OK) {
        coll_call_error(&e, ddb_error, req, resp, call_err);
    } else if (ddb_parse_describe_export(out, resp->body.data, resp->body.len, &e) == 0) {
        if (ddb_export_state(out->status, &st) == 0 && (st == RS_SUCCEEDED || st == RS_FAILED) &&
            collect_cache_add(&c->out->fresh, COLLECT_KIND_DDB_EXPORT, out->arn, resp->body.data,
                              resp->body.len, &e) != 0)
            coll_fatal(c, &e);
        export_ctx_free(x);
        return;
    }
    t->exports_complete = false;
    coll_gap(c, &e, "dynamodb DescribeExport %s", x->arn);
    export_ctx_free(x);
}

/* Whether an export summary's status says it can no longer change. */
static int finished(const char *status)
{
    enum run_state st;
    return ddb_export_state(status, &st) == 0 && (st == RS_SUCCEEDED || st == RS_FAILED);
}

/* From history when it holds the finished description, else DescribeExport. */
static void describe_export(struct coll *c, size_t i, size_t j, const struct ddb_export_summary *s)
{
    struct snap_ddb_table *t = &c->out->snap.ddb[i];
    const struct collect_cached *k = NULL;
    struct http_request req;
    struct export_ctx *x;
    struct err e = ERR_INIT;

    if (finished(s->status))
        k = coll_known(c, COLLECT_KIND_DDB_EXPORT, s->arn);
    if (k != NULL && ddb_parse_describe_export(&t->exports[j], k->body, strlen(k->body), &e) == 0) {
        c->out->reused++;
        return;
    }
    e = (struct err)ERR_INIT; /* a stored description that no longer parses is asked again */
    if ((x = calloc(1, sizeof(*x))) == NULL || (x->arn = strdup(s->arn)) == NULL ||
        ddb_build_describe_export(&req, c->in->ddb_endpoint, s->arn, &e) != 0) {
        if (e.code == ERR_OK)
            err_set(&e, ERR_NOMEM, "out of memory describing an export");
        export_ctx_free(x);
        t->exports_complete = false;
        coll_gap(c, &e, "dynamodb DescribeExport %s", s->arn);
        return;
    }
    x->c = c;
    x->i = i;
    x->j = j;
    req.prepare = aws_sign_prepare;
    req.prepare_ctx = &c->sign_ddb;
    if (coll_submit(c, &req, on_describe_export, x, "dynamodb DescribeExport %s", s->arn) != 0) {
        t->exports_complete = false;
        export_ctx_free(x);
    }
}

static void on_exports(void *ctx, int pages, const struct err *e)
{
    struct exports_ctx *x = ctx;
    struct coll *c = x->c;
    struct snap_ddb_table *t = &c->out->snap.ddb[x->i];
    struct ddb_export_summaries *l = &x->q.result;

    coll_pages_done(c, pages, e);
    t->exports_complete = e->code == ERR_OK;
    if (e->code != ERR_OK)
        coll_gap(c, e, "dynamodb ListExports %s", tname(c, x->i));
    if (l->n > 0) {
        t->exports = calloc(l->n, sizeof(*t->exports));
        if (t->exports == NULL) {
            struct err oom = ERR_INIT;
            err_set(&oom, ERR_NOMEM, "out of memory collecting exports");
            coll_fatal(c, &oom);
        } else {
            t->n_exports = l->n;
            for (size_t j = 0; j < l->n; j++)
                describe_export(c, x->i, j, &l->v[j]);
        }
    }
    ddb_export_summaries_release(l);
    free(x);
}

static void list_exports(struct coll *c, size_t i)
{
    struct exports_ctx *x = calloc(1, sizeof(*x));
    struct pager_spec spec;

    if (x == NULL) {
        struct err oom = ERR_INIT;
        err_set(&oom, ERR_NOMEM, "out of memory listing exports");
        coll_fatal(c, &oom);
        return;
    }
    x->c = c;
    x->i = i;
    x->q.endpoint = c->in->ddb_endpoint;
    x->q.table_arn = c->out->snap.ddb[i].table.arn;
    x->q.max_results = c->in->page_size > 0 && c->in->page_size <= DDB_EXPORT_LIST_MAX
                           ? c->in->page_size
                           : DDB_EXPORT_LIST_MAX;
    listall_ddb_exports(&spec, &x->q, aws_sign_prepare, &c->sign_ddb);
    spec.done = on_exports;
    coll_pager(c, &spec);
}

static void on_describe_table(void *ctx, struct http_request *req, struct http_response *resp,
                              const struct err *call_err)
{
    struct table_ctx *x = ctx;
    struct coll *c = x->c;
    struct snap_ddb_table *t = &c->out->snap.ddb[x->i];
    struct ddb_table parsed;
    struct err e = ERR_INIT;

    if (call_err->code != ERR_OK) {
        coll_call_error(&e, ddb_error, req, resp, call_err);
    } else if (ddb_parse_describe_table(&parsed, resp->body.data, resp->body.len, &e) == 0) {
        if (parsed.arn == NULL) {
            err_set(&e, ERR_PARSE, "dynamodb DescribeTable: no Table.TableArn in the answer");
            ddb_table_release(&parsed);
        } else {
            ddb_table_release(&t->table);
            t->table = parsed;
            list_exports(c, x->i);
            free(x);
            return;
        }
    }
    coll_gap(c, &e, "dynamodb DescribeTable %s (its exports were not listed)", tname(c, x->i));
    free(x);
}

static void on_backups(void *ctx, struct http_request *req, struct http_response *resp,
                       const struct err *call_err)
{
    struct table_ctx *x = ctx;
    struct coll *c = x->c;
    struct snap_ddb_table *t = &c->out->snap.ddb[x->i];
    struct err e = ERR_INIT;

    if (call_err->code != ERR_OK)
        coll_call_error(&e, ddb_error, req, resp, call_err);
    else if (ddb_parse_continuous_backups(&t->pitr, resp->body.data, resp->body.len, &e) == 0)
        t->have_pitr = true;
    if (e.code != ERR_OK)
        coll_gap(c, &e, "dynamodb DescribeContinuousBackups %s", tname(c, x->i));
    free(x);
}

/* DescribeTable (then its exports) and DescribeContinuousBackups of snap.ddb[i]. */
static void describe_table(struct coll *c, size_t i)
{
    struct http_request req;
    struct table_ctx *x;
    struct err e = ERR_INIT;

    for (int k = 0; k < 2; k++) {
        const char *op = k == 0 ? "DescribeTable" : "DescribeContinuousBackups";
        int rc = k == 0 ? ddb_build_describe_table(&req, c->in->ddb_endpoint, tname(c, i), &e)
                        : ddb_build_describe_continuous_backups(&req, c->in->ddb_endpoint,
                                                                tname(c, i), &e);
        if (rc != 0 || (x = malloc(sizeof(*x))) == NULL) {
            if (rc == 0) {
                http_request_release(&req);
                err_set(&e, ERR_NOMEM, "out of memory describing a table");
            }
            coll_gap(c, &e, "dynamodb %s %s", op, tname(c, i));
            continue;
        }
        *x = (struct table_ctx){c, i};
        req.prepare = aws_sign_prepare;
        req.prepare_ctx = &c->sign_ddb;
        if (coll_submit(c, &req, k == 0 ? on_describe_table : on_backups, x, "dynamodb %s %s", op,
                        tname(c, i)) != 0)
            free(x);
    }
}

static void on_tables(void *ctx, int pages, const struct err *e)
{
    struct tables_ctx *x = ctx;
    struct coll *c = x->c;
    const struct config_list *want = &c->in->cfg->aws.dynamodb_tables;
    struct ddb_table_names *l = &x->q.result;
    struct snapshot *s = &c->out->snap;

    coll_pages_done(c, pages, e);
    if (e->code != ERR_OK)
        coll_gap(c, e, "dynamodb ListTables");
    for (size_t k = 0; k < want->n && e->code == ERR_OK; k++) {
        size_t j = 0;
        while (j < l->n && strcmp(l->v[j], want->items[k]) != 0)
            j++;
        if (j == l->n) {
            struct err nf = ERR_INIT;
            err_set(&nf, ERR_CONFIG,
                    "no such table in region %s (check [aws] dynamodb_tables and the region)",
                    c->in->aws_region ? c->in->aws_region : "?");
            coll_gap(c, &nf, "dynamodb table %s", want->items[k]);
        }
    }
    if (l->n > 0 && (s->ddb = calloc(l->n, sizeof(*s->ddb))) == NULL) {
        struct err oom = ERR_INIT;
        err_set(&oom, ERR_NOMEM, "out of memory collecting tables");
        coll_fatal(c, &oom);
    }
    for (size_t j = 0; s->ddb != NULL && j < l->n; j++) {
        if (!coll_wanted(want, l->v[j]))
            continue;
        struct snap_ddb_table *t = &s->ddb[s->n_ddb++];
        t->table.name = l->v[j];
        l->v[j] = NULL;
        t->table.item_count = t->table.size_bytes = -1;
    }
    ddb_table_names_release(l);
    free(x);
    for (size_t i = 0; i < s->n_ddb; i++)
        describe_table(c, i);
}

void coll_start_ddb(struct coll *c)
{
    struct tables_ctx *x = calloc(1, sizeof(*x));
    struct pager_spec spec;

    if (x == NULL) {
        struct err oom = ERR_INIT;
        err_set(&oom, ERR_NOMEM, "out of memory listing tables");
        coll_fatal(c, &oom);
        return;
    }
    x->c = c;
    x->q.endpoint = c->in->ddb_endpoint;
    x->q.limit = c->in->page_size > 0 && c->in->page_size <= 100 ? c->in->page_size : 0;
    listall_ddb_tables(&spec, &x->q, aws_sign_prepare, &c->sign_ddb);
    spec.done = on_tables;
    coll_pager(c, &spec);
}

static int export_cmp(const void *a, const void *b)
{
    const struct ddb_export *x = a, *y = b;
    return strcmp(x->arn, y->arn);
}

static int table_cmp(const void *a, const void *b)
{
    const struct snap_ddb_table *x = a, *y = b;
    return strcmp(x->table.name, y->table.name);
}

/* Drops the slots of exports that could not be described and sorts what is left. */
void coll_finish_ddb(struct coll *c)
{
    struct snapshot *s = &c->out->snap;

    for (size_t i = 0; i < s->n_ddb; i++) {
        struct snap_ddb_table *t = &s->ddb[i];
        size_t n = 0;
        for (size_t j = 0; j < t->n_exports; j++) {
            if (t->exports[j].arn == NULL) {
                ddb_export_release(&t->exports[j]);
                continue;
            }
            t->exports[n++] = t->exports[j];
        }
        t->n_exports = n;
        if (n > 0)
            qsort(t->exports, n, sizeof(*t->exports), export_cmp);
    }
    if (s->n_ddb > 0)
        qsort(s->ddb, s->n_ddb, sizeof(*s->ddb), table_cmp);
}
