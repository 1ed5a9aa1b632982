/* tui/action_call.c: the start calls of the action runner (tui/action.h) — what each stage's
 * rerun asks the service for, resolved from the day's original run and the configs, and the
 * checks that refuse a day before any call (PITR window, deleted snapshot). Builds requests;
 * sends nothing (tui/action_run.c sends). */
#include "tui/action.h"

#include <stdlib.h>
#include <string.h>

#include "core/ddb.h"
#include "core/dts.h"
#include "core/dts_template.h"
#include "core/gauth.h"
#include "core/lambda.h"
#include "core/rds.h"
#include "core/timeutil.h"

/* A synchronous Invoke waits for the function: up to its 15-minute limit, and a little more. */
#define LAMBDA_INVOKE_TIMEOUT_MS (16L * 60 * 1000)

/* The S3 key prefix the transfer's data_path renders to for day d: its literal part up to the
 * first wildcard, without the trailing '/'. NULL when there is no transfer or no run time. */
static char *day_prefix(const struct action_world *w, const struct link_pipeline *lp,
                        const char *day)
{
    struct err e = ERR_INIT;
    char *rendered = NULL, *key = NULL;
    int64_t rt;
    size_t n;

    if (lp->transfer == NULL || lp->transfer->config.cfg.data_path == NULL ||
        days_run_time(&rt, lp, STAGE_TRANSFER, day, &w->res.snap, &e) != 0 ||
        dts_template_render(&rendered, lp->transfer->config.cfg.data_path, rt, &e) != 0 ||
        dts_s3_split(rendered, NULL, &key, &e) != 0) {
        free(rendered);
        return NULL;
    }
    free(rendered);
    n = strcspn(key, "*{");
    while (n > 0 && key[n - 1] == '/')
        n--;
    key[n] = '\0';
    return key;
}

static const struct link_export *original(const struct link_pipeline *lp, const char *id)
{
    for (size_t i = 0; id != NULL && i < lp->n_exports; i++) {
        const struct link_export *x = &lp->exports[i];
        if ((x->ddb && x->ddb->arn && strcmp(x->ddb->arn, id) == 0) ||
            (x->rds && x->rds->id && strcmp(x->rds->id, id) == 0))
            return x;
    }
    return NULL;
}

/* What ExportTableToPointInTime is asked for on day d (strings malloc'd into *prefix). */
static int ddb_params(struct ddb_export_request *r, char **prefix, char *token, size_t tn,
                      const struct action_world *w, const struct action_plan *p,
                      const struct action_day *d, struct err *e)
{
    const struct link_pipeline *lp = p->lp;
    const struct link_export *x = original(lp, d->service_id[STAGE_EXPORT]);
    const struct config *cfg = w->s->cfg;
    int m = cfg->aws.export_time_min;

    memset(r, 0, sizeof(*r));
    r->table_arn = lp->ddb->table.arn;
    *prefix = day_prefix(w, lp, d->day);
    if (*prefix == NULL && x != NULL && x->ddb->s3_prefix != NULL)
        *prefix = strdup(x->ddb->s3_prefix);
    r->s3_prefix = *prefix;
    r->s3_bucket = x && x->ddb->s3_bucket ? x->ddb->s3_bucket : lp->p.export_bucket;
    if (x != NULL && x->ddb->export_time_ms > 0)
        r->export_time_ms = x->ddb->export_time_ms;
    else if (m >= 0 && time_local_at(d->day, m / 60, m % 60, 0, &r->export_time_ms, e) != 0)
        return -1;
    if (r->export_time_ms == 0)
        return err_set(e, ERR_REFUSED,
                       "no export time is known for %s (no export that day and no [aws] "
                       "export_time in the config)",
                       d->day);
    if (r->table_arn == NULL || r->s3_bucket == NULL || *prefix == NULL)
        return err_set(e, ERR_REFUSED,
                       "the table ARN, bucket or S3 prefix of %s's export on %s is not known",
                       lp->p.name, d->day);
    snprintf(token, tn, "pipetop-%.40s-%s-a%d", lp->ddb->table.name, d->day,
             d->attempts[STAGE_EXPORT] + 1);
    r->client_token = token;
    return 0;
}

/* The day's cluster snapshot ARN (the original task's source, else the automated snapshot
 * taken that day) when it still exists; NULL otherwise. */
static const char *rds_snapshot(const struct action_world *w, const struct link_pipeline *lp,
                                const struct link_export *x, const char *day)
{
    char sday[TIME_DAY_LEN];

    for (size_t i = 0; i < w->snaps.n; i++) {
        const struct rds_cluster_snapshot *c = &w->snaps.v[i];
        if (x != NULL && x->rds->source_arn != NULL) {
            if (c->arn != NULL && strcmp(c->arn, x->rds->source_arn) == 0)
                return c->arn;
            continue;
        }
        time_day_of(c->created_ms, sday);
        if (c->cluster_id && strcmp(c->cluster_id, lp->aurora_cluster) == 0 &&
            strcmp(sday, day) == 0)
            return c->arn;
    }
    return NULL;
}

static const struct rds_export_task *any_task(const struct link_pipeline *lp)
{
    for (size_t i = lp->n_exports; i > 0; i--)
        if (lp->exports[i - 1].rds != NULL)
            return lp->exports[i - 1].rds;
    return NULL;
}

static int rds_params(struct rds_export_request *r, char **prefix, char *id, size_t idn,
                      const struct action_world *w, const struct action_plan *p,
                      const struct action_day *d, struct err *e)
{
    const struct link_pipeline *lp = p->lp;
    const struct link_export *x = original(lp, d->service_id[STAGE_EXPORT]);
    const struct rds_export_task *t = x ? x->rds : any_task(lp);

    memset(r, 0, sizeof(*r));
    if (t == NULL)
        return err_set(e, ERR_REFUSED,
                       "no earlier Aurora export task of %s is known to take the bucket, IAM "
                       "role and KMS key from",
                       lp->p.name);
    r->source_arn = rds_snapshot(w, lp, x, d->day);
    if (r->source_arn == NULL)
        return err_set(e, ERR_REFUSED,
                       "the cluster snapshot of %s for %s no longer exists (%s); it cannot be "
                       "exported again",
                       lp->aurora_cluster, d->day,
                       x && x->rds->source_arn ? x->rds->source_arn : "no snapshot that day");
    *prefix = day_prefix(w, lp, d->day);
    if (*prefix == NULL && x != NULL && x->rds->s3_prefix != NULL)
        *prefix = strdup(x->rds->s3_prefix);
    r->s3_prefix = *prefix;
    r->s3_bucket = t->s3_bucket;
    r->iam_role_arn = t->iam_role_arn;
    r->kms_key_id = t->kms_key_id;
    r->export_only = (const char *const *)t->export_only;
    snprintf(id, idn, "%.24s-%s-rerun%d", lp->aurora_cluster, d->day,
             d->attempts[STAGE_EXPORT] + 1);
    r->id = id;
    return 0;
}

static int check_pitr(const struct link_pipeline *lp, int64_t at, const char *day, struct err *e)
{
    const struct snap_ddb_table *t = lp->ddb;
    char a[40], b[40], x[40];

    if (!t->have_pitr)
        return err_set(e, ERR_REFUSED,
                       "the PITR window of table %s could not be read "
                       "(DescribeContinuousBackups); refusing to export blind",
                       t->table.name);
    if (t->pitr.pitr_status == NULL || strcmp(t->pitr.pitr_status, "ENABLED") != 0)
        return err_set(e, ERR_REFUSED, "point-in-time recovery is not enabled on table %s",
                       t->table.name);
    if (at >= t->pitr.earliest_ms && at <= t->pitr.latest_ms)
        return 0;
    time_format_utc(t->pitr.earliest_ms, a, sizeof(a));
    time_format_utc(t->pitr.latest_ms, b, sizeof(b));
    time_format_utc(at, x, sizeof(x));
    return err_set(e, ERR_REFUSED, "%s's export time %s is outside table %s's PITR window %s .. %s",
                   day, x, t->table.name, a, b);
}

bool action_export_via_lambda(const struct action_world *w, const struct action_plan *p)
{
    const struct config_pipeline *cp = config_pipeline_find(w->s->cfg, p->lp->p.name);

    return cp != NULL && cp->export_via == EXPORT_VIA_LAMBDA;
}

/* export_via = lambda: the function is named and its endpoint known. The function chooses the
 * export time itself, so no PITR check is made here (it reports what the service said). */
static int lambda_check(const struct action_world *w, const struct action_plan *p, struct err *e)
{
    const char *fn = w->s->cfg->aws.export_lambda;

    if (fn == NULL || fn[0] == '\0')
        return err_set(e, ERR_CONFIG,
                       "[pipeline %s] has export_via = lambda but [aws] names no export_lambda",
                       p->lp->p.name);
    if (p->lp->ddb == NULL && p->lp->aurora_cluster == NULL)
        return err_set(e, ERR_REFUSED, "the DynamoDB table or Aurora cluster of %s is not known",
                       p->lp->p.name);
    if (w->creds != NULL && w->lambda_ep.url[0] == '\0')
        return err_set(e, ERR_CONFIG, "the Lambda endpoint could not be resolved for %s", fn);
    return 0;
}

/* The export Lambda's Invoke for day d (RequestResponse, the day's event). */
static int lambda_start(struct http_request *req, struct action_world *w,
                        const struct action_plan *p, const struct action_day *d, struct err *e)
{
    const struct link_pipeline *lp = p->lp;
    char *payload = NULL;
    int rc;

    if (lambda_export_payload(&payload, d->day, lp->ddb ? lp->ddb->table.name : NULL,
                              lp->ddb ? NULL : lp->aurora_cluster, e) != 0)
        return -1;
    rc = lambda_build_invoke(req, w->lambda_ep.url, w->s->cfg->aws.export_lambda, NULL,
                             "RequestResponse", payload, e);
    free(payload);
    if (rc != 0)
        return -1;
    req->prepare = aws_sign_prepare;
    req->prepare_ctx = &w->lambda_signer;
    req->timeout_ms = LAMBDA_INVOKE_TIMEOUT_MS;
    return 0;
}

static int export_check(const struct action_world *w, const struct action_plan *p,
                        const struct action_day *d, struct err *e)
{
    struct ddb_export_request dr;
    struct rds_export_request rr;
    char *prefix = NULL, tok[160];
    int rc;

    if (action_export_via_lambda(w, p))
        return lambda_check(w, p, e);
    if (p->lp->ddb != NULL) {
        rc = ddb_params(&dr, &prefix, tok, sizeof(tok), w, p, d, e);
        if (rc == 0)
            rc = check_pitr(p->lp, dr.export_time_ms, d->day, e);
    } else {
        rc = rds_params(&rr, &prefix, tok, sizeof(tok), w, p, d, e);
    }
    free(prefix);
    return rc;
}

/* Every snapshot of the cluster now (DescribeDBClusterSnapshots, all pages; a read). */
static int load_snapshots(struct action_world *w, const char *cluster, struct err *e)
{
    char *marker = NULL;

    if (w->have_snaps)
        return 0;
    if (w->creds == NULL)
        return err_set(e, ERR_AUTH, "AWS is not usable: %s", w->rs.env.aws_err->msg);
    for (int page = 0; page < 100; page++) {
        struct http_request req;
        struct http_response resp;
        struct rds_cluster_snapshots l;
        struct err he = ERR_INIT;
        int rc = -1;

        memset(&resp, 0, sizeof(resp));
        if (rds_build_describe_cluster_snapshots(&req, w->rs.env.rds_endpoint, cluster, NULL, NULL,
                                                 0, 0, marker, e) != 0)
            break;
        req.prepare = aws_sign_prepare;
        req.prepare_ctx = &w->rds_signer;
        free(marker);
        marker = NULL;
        if (http_do(w->s->http, &req, &resp, &he) != 0)
            rds_error(e, "DescribeDBClusterSnapshots", resp.status, &resp.headers, resp.body.data,
                      resp.body.len);
        else if (rds_parse_cluster_snapshots(&l, resp.body.data, resp.body.len, e) == 0)
            rc = 0;
        if (resp.status == 0 && rc != 0)
            *e = he;
        http_response_release(&resp);
        if (rc != 0)
            break;
        for (size_t i = 0; i < l.n; i++) {
            struct rds_cluster_snapshot *v =
                realloc(w->snaps.v, (w->snaps.n + 1) * sizeof(*w->snaps.v));
            if (v == NULL) {
                rds_cluster_snapshots_release(&l);
                return err_set(e, ERR_NOMEM, "out of memory listing snapshots");
            }
            w->snaps.v = v;
            w->snaps.v[w->snaps.n++] = l.v[i];
            memset(&l.v[i], 0, sizeof(l.v[i]));
        }
        if (l.marker != NULL && l.marker[0] != '\0')
            marker = strdup(l.marker);
        rds_cluster_snapshots_release(&l);
        if (marker == NULL) {
            w->have_snaps = true;
            return 0;
        }
    }
    free(marker);
    return err_prefix(e, "cluster %s's snapshots could not be listed: ", cluster), -1;
}

int action_plan_check(struct action_world *w, struct action_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct action_day *d = &p->days[i];
        struct err e = ERR_INIT;
        if (d->first != STAGE_EXPORT || d->refused)
            continue;
        if ((p->lp->aurora_cluster != NULL && !action_export_via_lambda(w, p) &&
             load_snapshots(w, p->lp->aurora_cluster, &e) != 0) ||
            export_check(w, p, d, &e) != 0) {
            d->refused = true;
            snprintf(d->why, sizeof(d->why), "%s", e.msg);
        }
    }
    return 0;
}

static int dts_start(struct http_request *req, struct action_world *w, const struct action_plan *p,
                     const struct action_day *d, enum stage st, struct err *e)
{
    const struct snap_dts_config *c = st == STAGE_TRANSFER ? p->lp->transfer : p->lp->query;
    int64_t rt;

    if (c == NULL)
        return err_set(e, ERR_NOT_FOUND, "%s has no %s config", p->lp->p.name, stage_name(st));
    if (w->rs.env.gauth == NULL)
        return err_set(e, ERR_AUTH, "Google is not usable: %s", w->rs.env.google_err->msg);
    if (days_run_time(&rt, p->lp, st, d->day, &w->res.snap, e) != 0)
        return -1;
    if (dts_build_start_manual_runs(req, w->rs.env.dts_endpoint, c->config.cfg.name, &rt, NULL,
                                    e) != 0)
        return -1;
    req->prepare = gauth_prepare;
    req->prepare_ctx = w->rs.env.gauth;
    return 0;
}

int action_build_start(struct http_request *req, struct action_world *w,
                       const struct action_plan *p, const struct action_day *d, enum stage st,
                       struct err *e)
{
    struct ddb_export_request dr;
    struct rds_export_request rr;
    char *prefix = NULL, tok[160];
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if (st != STAGE_EXPORT)
        return dts_start(req, w, p, d, st, e);
    if (export_check(w, p, d, e) != 0)
        return -1;
    if (w->creds == NULL)
        return err_set(e, ERR_AUTH, "AWS is not usable: %s", w->rs.env.aws_err->msg);
    if (action_export_via_lambda(w, p))
        return lambda_start(req, w, p, d, e);
    if (p->lp->ddb != NULL) {
        if (ddb_params(&dr, &prefix, tok, sizeof(tok), w, p, d, e) == 0 &&
            ddb_build_export_table(req, w->rs.env.ddb_endpoint, &dr, e) == 0) {
            req->prepare = aws_sign_prepare;
            req->prepare_ctx = &w->ddb_signer;
            rc = 0;
        }
    } else if (rds_params(&rr, &prefix, tok, sizeof(tok), w, p, d, e) == 0 &&
               rds_build_start_export_task(req, w->rs.env.rds_endpoint, &rr, e) == 0) {
        req->prepare = aws_sign_prepare;
        req->prepare_ctx = &w->rds_signer;
        rc = 0;
    }
    free(prefix);
    return rc;
}

/* (declared in tui/action.h) */
int action_print_dry_run(struct action_world *w, const struct action_plan *p, FILE *out,
                         struct err *e)
{
    fprintf(out, "dry run: these calls would be made, in this order, each after the previous "
                 "stage SUCCEEDED (none is made; the plan used read-only calls only: the "
                 "refresh's List/Describe/runs.list/tables.get)\n");
    for (size_t i = 0; i < p->n; i++) {
        const struct action_day *d = &p->days[i];
        for (int st = d->first; d->first >= 0 && st < d->end; st++) {
            struct http_request req;
            if (!d->exists[st])
                continue;
            if (action_build_start(&req, w, p, d, (enum stage)st, e) != 0)
                return -1;
            fprintf(out, "%s %s:\n  %s %s\n", d->day, stage_name(st), req.method, req.url);
            if (req.body != NULL)
                fprintf(out, "  %.*s\n", (int)req.body_len, req.body);
            if (req.command != NULL)
                fprintf(out, "  $ %s\n", req.command);
            http_request_release(&req);
        }
    }
    return 0;
}
