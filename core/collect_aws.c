/* core/collect_aws.c: the AWS side of a collection — signers, the RDS export tasks (every page
 * of DescribeExportTasks) and the configured Aurora clusters' snapshots, the EventBridge export
 * rule, and the DynamoDB sources (core/collect_ddb.c). Without credentials or endpoints each
 * source is a gap that says why. Credentials are borrowed, already fetched: never fetched here. */
#include "core/collect_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/listall.h"

struct rds_tasks_ctx {
    struct listall_rds_export_tasks q; /* first: the pager's ctx */
    struct coll *c;
};

struct rds_snaps_ctx {
    struct listall_rds_snapshots q; /* first */
    struct coll *c;
};

static void oom(struct coll *c, const char *what)
{
    struct err e = ERR_INIT;
    err_set(&e, ERR_NOMEM, "out of memory %s", what);
    coll_fatal(c, &e);
}

/* Moves the n items of size sz at *src to the end of *dst (*dn items). */
static int append(void *dst_v, size_t *dn, void *src_v, size_t n, size_t sz)
{
    char **dst = dst_v, *src = src_v, *p;

    if (n == 0)
        return 0;
    if ((p = realloc(*dst, (*dn + n) * sz)) == NULL)
        return -1;
    memcpy(p + *dn * sz, src, n * sz);
    *dst = p;
    *dn += n;
    return 0;
}

static void on_rds_tasks(void *ctx, int pages, const struct err *e)
{
    struct rds_tasks_ctx *x = ctx;
    struct coll *c = x->c;
    struct snapshot *s = &c->out->snap;

    coll_pages_done(c, pages, e);
    if (e->code != ERR_OK)
        coll_gap(c, e, "rds DescribeExportTasks");
    if (append(&s->rds_tasks, &s->n_rds_tasks, x->q.result.v, x->q.result.n,
               sizeof(*s->rds_tasks)) == 0) {
        free(x->q.result.v);
        x->q.result.v = NULL;
        x->q.result.n = 0;
    } else {
        oom(c, "collecting export tasks");
    }
    rds_export_tasks_release(&x->q.result);
    free(x);
}

static void on_rds_snaps(void *ctx, int pages, const struct err *e)
{
    struct rds_snaps_ctx *x = ctx;
    struct coll *c = x->c;
    struct snapshot *s = &c->out->snap;

    coll_pages_done(c, pages, e);
    if (e->code != ERR_OK)
        coll_gap(c, e, "rds DescribeDBClusterSnapshots %s", x->q.cluster_id);
    if (append(&s->rds_snapshots, &s->n_rds_snapshots, x->q.result.v, x->q.result.n,
               sizeof(*s->rds_snapshots)) == 0) {
        free(x->q.result.v);
        x->q.result.v = NULL;
        x->q.result.n = 0;
    } else {
        oom(c, "collecting cluster snapshots");
    }
    rds_cluster_snapshots_release(&x->q.result);
    free(x);
}

/* MaxRecords of the RDS lists is 20..100. */
static int rds_page(const struct coll *c)
{
    int n = c->in->page_size;
    return n <= 0 ? 0 : n < 20 ? 20 : n > 100 ? 100 : n;
}

static void start_rds(struct coll *c)
{
    const struct config_list *clusters = &c->in->cfg->aws.aurora_clusters;
    struct rds_tasks_ctx *t = calloc(1, sizeof(*t));
    struct pager_spec spec;

    if (t == NULL) {
        oom(c, "listing export tasks");
        return;
    }
    t->c = c;
    t->q.endpoint = c->in->rds_endpoint;
    t->q.max_records = rds_page(c);
    listall_rds_export_tasks(&spec, &t->q, aws_sign_prepare, &c->sign_rds);
    spec.done = on_rds_tasks;
    coll_pager(c, &spec);
    for (size_t i = 0; i < clusters->n; i++) {
        struct rds_snaps_ctx *x = calloc(1, sizeof(*x));
        if (x == NULL) {
            oom(c, "listing cluster snapshots");
            return;
        }
        x->c = c;
        x->q.endpoint = c->in->rds_endpoint;
        x->q.cluster_id = clusters->items[i];
        x->q.max_records = rds_page(c);
        listall_rds_snapshots(&spec, &x->q, aws_sign_prepare, &c->sign_rds);
        spec.done = on_rds_snaps;
        coll_pager(c, &spec);
    }
}

static void on_rule(void *ctx, struct http_request *req, struct http_response *resp,
                    const struct err *call_err)
{
    struct coll *c = ctx;
    struct snap_export_rule *r = &c->out->snap.export_rule;
    struct err e = ERR_INIT;

    if (call_err->code != ERR_OK)
        coll_call_error(&e, events_error, req, resp, call_err);
    else if (events_parse_rule(&r->rule, resp->body.data, resp->body.len, &e) == 0)
        r->present = true;
    if (e.code == ERR_NOT_FOUND)
        e.code = ERR_CONFIG; /* the configured rule does not exist: the config must change */
    if (e.code != ERR_OK)
        coll_gap(c, &e, "events DescribeRule %s ([aws] export_rule)", c->in->cfg->aws.export_rule);
}

static void start_rule(struct coll *c)
{
    const char *rule = c->in->cfg->aws.export_rule;
    struct http_request req;
    struct err e = ERR_INIT;

    if (rule == NULL || rule[0] == '\0')
        return;
    if (events_build_describe_rule(&req, c->in->events_endpoint, rule, NULL, &e) != 0) {
        coll_gap(c, &e, "events DescribeRule %s", rule);
        return;
    }
    req.prepare = aws_sign_prepare;
    req.prepare_ctx = &c->sign_events;
    coll_submit(c, &req, on_rule, c, "events DescribeRule %s", rule);
}

/* Each AWS source as a gap carrying why none of them can be read. */
static void aws_unavailable(struct coll *c, const struct err *why)
{
    coll_gap(c, why, "dynamodb ListTables (no DynamoDB tables or exports were read)");
    coll_gap(c, why, "rds DescribeExportTasks (no Aurora exports were read)");
    if (c->in->cfg->aws.export_rule != NULL)
        coll_gap(c, why, "events DescribeRule %s", c->in->cfg->aws.export_rule);
}

void coll_start_aws(struct coll *c)
{
    const struct collect_input *in = c->in;
    struct err why = ERR_INIT;

    if (in->aws_creds == NULL) {
        if (in->aws_err != NULL && in->aws_err->code != ERR_OK)
            why = *in->aws_err;
        else
            err_set(&why, ERR_AUTH, "no AWS credentials");
        aws_unavailable(c, &why);
        return;
    }
    if (in->aws_region == NULL || in->ddb_endpoint == NULL || in->rds_endpoint == NULL ||
        in->events_endpoint == NULL) {
        err_set(&why, ERR_CONFIG,
                "no AWS region: set AWS_REGION, the profile's region or [aws] region");
        aws_unavailable(c, &why);
        return;
    }
    c->sign_ddb = (struct aws_signer){in->aws_creds, in->aws_region, "dynamodb", 0};
    c->sign_rds = (struct aws_signer){in->aws_creds, in->aws_region, "rds", 0};
    c->sign_events = (struct aws_signer){in->aws_creds, in->aws_region, "events", 0};
    coll_start_ddb(c);
    start_rds(c);
    start_rule(c);
}

/* Whether an export task's source is one of the configured clusters: the cluster itself, one of
 * its snapshots as DescribeDBClusterSnapshots listed them, or an automated snapshot named
 * rds:CLUSTER-YYYY-MM-DD-HH-MM (automated snapshots expire before their exports leave the list).
 */
static int task_wanted(const struct coll *c, const struct rds_export_task *t)
{
    const struct config_list *clusters = &c->in->cfg->aws.aurora_clusters;
    const struct snapshot *s = &c->out->snap;
    const char *arn = t->source_arn ? t->source_arn : "", *p;
    char auto_name[300];

    if (clusters->n == 0)
        return 1;
    for (size_t i = 0; i < clusters->n; i++) {
        const char *id = clusters->items[i];
        if ((p = strstr(arn, ":cluster:")) != NULL && strcmp(p + 9, id) == 0)
            return 1;
        snprintf(auto_name, sizeof(auto_name), ":cluster-snapshot:rds:%s-", id);
        if (strstr(arn, auto_name) != NULL)
            return 1;
    }
    for (size_t i = 0; i < s->n_rds_snapshots; i++)
        if (s->rds_snapshots[i].arn != NULL && strcmp(s->rds_snapshots[i].arn, arn) == 0)
            return 1;
    return 0;
}

static int task_cmp(const void *a, const void *b)
{
    const struct rds_export_task *x = a, *y = b;
    return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

static int snap_cmp(const void *a, const void *b)
{
    const struct rds_cluster_snapshot *x = a, *y = b;
    return strcmp(x->arn ? x->arn : "", y->arn ? y->arn : "");
}

void coll_finish_aws(struct coll *c)
{
    struct snapshot *s = &c->out->snap;
    size_t n = 0;

    coll_finish_ddb(c);
    for (size_t i = 0; i < s->n_rds_tasks; i++) {
        if (task_wanted(c, &s->rds_tasks[i]))
            s->rds_tasks[n++] = s->rds_tasks[i];
        else
            rds_export_task_release(&s->rds_tasks[i]);
    }
    s->n_rds_tasks = n;
    if (n > 0)
        qsort(s->rds_tasks, n, sizeof(*s->rds_tasks), task_cmp);
    if (s->n_rds_snapshots > 0)
        qsort(s->rds_snapshots, s->n_rds_snapshots, sizeof(*s->rds_snapshots), snap_cmp);
}
