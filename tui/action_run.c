/* tui/action_run.c: the chain of the action runner (tui/action.h): for each planned day, each
 * stage is started (intent audited before, outcome after, the started id persisted in the
 * action's step before any waiting) and polled until it ends; the next one starts only after
 * SUCCEEDED. A resumed action waits on the id its step recorded instead of starting again. */
#include "tui/action.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bq.h"
#include "core/clock.h"
#include "core/ddb.h"
#include "core/dts.h"
#include "core/gauth.h"
#include "core/lambda.h"
#include "core/rds.h"
#include "state/actions.h"
#include "tui/gate.h"

#define POLL_FIRST_MS 2000
#define POLL_MAX_MS 30000
#define POLL_MAX_ERRORS 5 /* consecutive failed get calls before giving up waiting */

#define RESUME_CLOCK_SLACK_MS 5000

struct chain {
    struct action_world *w;
    const struct action_plan *p;
    const char *verb, *env;
    int64_t action_id;
    FILE *out;
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0)
        ;
}

static int service_error(struct err *e, enum stage st, bool rds, const char *op,
                         const struct http_response *r, const struct err *he)
{
    if (r->status < 300)
        return err_set_http(e, he->code ? he->code : ERR_NETWORK, he->http_status, "%s: %s", op,
                            he->msg);
    if (op != NULL && strcmp(op, "Invoke") == 0)
        return lambda_error(e, op, r->status, &r->headers, r->body.data, r->body.len);
    if (st != STAGE_EXPORT)
        return dts_error(e, op, r->status, &r->headers, r->body.data, r->body.len);
    if (rds)
        return rds_error(e, op, r->status, &r->headers, r->body.data, r->body.len);
    return ddb_error(e, op, r->status, &r->headers, r->body.data, r->body.len);
}

/* The export the export Lambda's answer says it started for the pipeline's source on day:
 * a function error (X-Amz-Function-Error) or an export it could not start fails the stage with
 * the function's words. */
static int lambda_started(char *id, size_t n, const struct chain *c, const char *day,
                          const struct http_response *r, struct err *e)
{
    const struct link_pipeline *lp = c->p->lp;
    const char *fn = c->w->s->cfg->aws.export_lambda, *pick = NULL;
    struct lambda_result res;
    struct lambda_export_answer a;
    int rc;

    rc = lambda_read_invoke(&res, fn, r->status, &r->headers, r->body.data, r->body.len, e);
    lambda_result_release(&res);
    if (rc != 0 || lambda_parse_export_answer(&a, fn, r->body.data, r->body.len, e) != 0)
        return -1;
    rc = lambda_export_pick(&pick, &a, fn, day, lp->ddb ? lp->ddb->table.arn : NULL,
                            lp->ddb ? lp->ddb->table.name : NULL,
                            lp->ddb ? NULL : lp->aurora_cluster, e);
    if (rc == 0)
        snprintf(id, n, "%s", pick);
    lambda_export_answer_release(&a);
    return rc;
}

/* The id of what a start call started, from its answer. */
static int started_id(char *id, size_t n, const struct chain *c, const char *day, enum stage st,
                      bool rds, const struct http_response *r, struct err *e)
{
    struct ddb_export x;
    struct rds_export_task t;
    struct dts_runs runs;

    if (st == STAGE_EXPORT && action_export_via_lambda(c->w, c->p)) {
        if (lambda_started(id, n, c, day, r, e) != 0)
            return -1;
    } else if (st != STAGE_EXPORT) {
        if (dts_parse_manual_runs(&runs, r->body.data, r->body.len, e) != 0)
            return -1;
        if (runs.n == 0 || runs.v[0].name == NULL) {
            dts_runs_release(&runs);
            return err_set(e, ERR_PARSE, "startManualRuns answered no run");
        }
        snprintf(id, n, "%s", runs.v[0].name);
        dts_runs_release(&runs);
    } else if (rds) {
        if (rds_parse_start_export_task(&t, r->body.data, r->body.len, e) != 0)
            return -1;
        snprintf(id, n, "%s", t.id ? t.id : "");
        rds_export_task_release(&t);
    } else {
        if (ddb_parse_export_table(&x, r->body.data, r->body.len, e) != 0)
            return -1;
        snprintf(id, n, "%s", x.arn ? x.arn : "");
        ddb_export_release(&x);
    }
    return id[0] ? 0 : err_set(e, ERR_PARSE, "the start call's answer named nothing started");
}

static int step(const struct chain *c, const char *day, enum stage st, const char *what,
                const char *id, struct err *e)
{
    char s[1200];

    snprintf(s, sizeof(s), "%s %s %s%s%s", day, stage_name(st), what, id ? " " : "", id ? id : "");
    return db_action_update(c->w->s->db, c->action_id, DB_ACTION_RUNNING, s, clock_now_ms(NULL), e);
}

static int start_stage(const struct chain *c, const struct action_day *d, enum stage st, char *id,
                       size_t idn, struct err *e)
{
    struct http_request req;
    struct http_response resp;
    struct err he = ERR_INIT, ae = ERR_INIT;
    bool rds = st == STAGE_EXPORT && c->p->lp->ddb == NULL;
    const char *sn = stage_name(st), *name = c->p->lp->p.name;
    char op[64], detail[4096];
    int rc = -1, once;

    memset(&resp, 0, sizeof(resp));
    /* Belt and braces: read-only is refused by the gate before; never let a call through. */
    if (gate_writable(c->w->s->cfg, c->verb, e) != 0 ||
        action_build_start(&req, c->w, c->p, d, st, e) != 0)
        return -1;
    snprintf(op, sizeof(op), "%s", req.operation ? req.operation : sn);
    snprintf(detail, sizeof(detail), "%s %s %.*s%s%s", req.method, req.url,
             req.body ? (int)(req.body_len > 2048 ? 2048 : req.body_len) : 0,
             req.body ? req.body : "", req.command ? " | $ " : "", req.command ? req.command : "");
    if (step(c, d->day, st, "starting", NULL, e) != 0 ||
        gate_audit(c->w->s->db, c->action_id, "intent", c->verb, name, d->day, sn, c->env, NULL,
                   detail, e) != 0) {
        http_request_release(&req);
        return -1;
    }
    fprintf(c->out, "%s %s: %s ...\n", d->day, sn, op);
    once = req.not_idempotent; /* http_do takes req's contents */
    if (http_do(c->w->s->http, &req, &resp, &he) != 0) {
        service_error(e, st, rds, op, &resp, &he);
        if (once && resp.status >= 500) /* as the engine says after a cut answer */
            snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg),
                     " (not repeated: the service may have carried it out; check before "
                     "starting it again)");
    } else if (started_id(id, idn, c, d->day, st, rds, &resp, e) == 0)
        rc = 0;
    snprintf(detail, sizeof(detail), "%s: %s", op, rc == 0 ? id : e->msg);
    gate_audit(c->w->s->db, c->action_id, "outcome", c->verb, name, d->day, sn, c->env,
               rc == 0 ? "ok" : "failed", detail, &ae);
    if (rc == 0 && step(c, d->day, st, "started", id, e) != 0)
        rc = -1;
    http_response_release(&resp);
    return rc;
}

/* One get call: the state of what id names, and the failure text when it failed. */
static int poll_once(const struct chain *c, enum stage st, const char *id, enum run_state *state,
                     char *why, size_t wn, struct err *e)
{
    struct action_world *w = c->w;
    struct http_request req;
    struct http_response resp;
    struct err he = ERR_INIT;
    bool rds = st == STAGE_EXPORT && c->p->lp->ddb == NULL;
    const char *op = st != STAGE_EXPORT ? "runs.get"
                     : rds              ? "DescribeExportTasks"
                                        : "DescribeExport";
    int rc = -1, known = -1;

    memset(&resp, 0, sizeof(resp));
    why[0] = '\0';
    if (st != STAGE_EXPORT) {
        if (dts_build_get_run(&req, w->rs.env.dts_endpoint, id, e) != 0)
            return -1;
        req.prepare = gauth_prepare;
        req.prepare_ctx = w->rs.env.gauth;
    } else if (rds) {
        if (rds_build_describe_export_tasks(&req, w->rs.env.rds_endpoint, id, NULL, NULL, 0, NULL,
                                            0, NULL, e) != 0)
            return -1;
        req.prepare = aws_sign_prepare;
        req.prepare_ctx = &w->rds_signer;
    } else {
        if (ddb_build_describe_export(&req, w->rs.env.ddb_endpoint, id, e) != 0)
            return -1;
        req.prepare = aws_sign_prepare;
        req.prepare_ctx = &w->ddb_signer;
    }
    if (http_do(w->s->http, &req, &resp, &he) != 0) {
        service_error(e, st, rds, op, &resp, &he);
        goto out;
    }
    if (st != STAGE_EXPORT) {
        struct dts_run r;
        if (dts_parse_run(&r, resp.body.data, resp.body.len, e) != 0)
            goto out;
        known = dts_run_state(r.state, state);
        snprintf(why, wn, "%s%s%s", r.state ? r.state : "?", r.error_message ? ": " : "",
                 r.error_message ? r.error_message : "");
        dts_run_release(&r);
    } else if (rds) {
        struct rds_export_tasks l;
        if (rds_parse_export_tasks(&l, resp.body.data, resp.body.len, e) != 0)
            goto out;
        if (l.n == 0) {
            rds_export_tasks_release(&l);
            err_set(e, ERR_NOT_FOUND, "DescribeExportTasks: task %s is not known", id);
            goto out;
        }
        known = rds_export_state(l.v[0].status, state);
        snprintf(why, wn, "%s%s%s", l.v[0].status ? l.v[0].status : "?",
                 l.v[0].failure_cause ? ": " : "",
                 l.v[0].failure_cause ? l.v[0].failure_cause : "");
        rds_export_tasks_release(&l);
    } else {
        struct ddb_export x;
        if (ddb_parse_describe_export(&x, resp.body.data, resp.body.len, e) != 0)
            goto out;
        known = ddb_export_state(x.status, state);
        snprintf(why, wn, "%s%s%s%s%s", x.status ? x.status : "?", x.failure_code ? ": " : "",
                 x.failure_code ? x.failure_code : "", x.failure_message ? ": " : "",
                 x.failure_message ? x.failure_message : "");
        ddb_export_release(&x);
    }
    if (known != 0)
        *state = RS_PENDING; /* a word pipetop does not know: keep waiting */
    rc = 0;
out:
    http_response_release(&resp);
    return rc;
}

/* Waits until id ends. 0 when it SUCCEEDED; -1 with e (ERR_SERVICE and the service's words)
 * when it failed or was cancelled, or when the get calls keep failing. */
static int wait_stage(const struct chain *c, const char *day, enum stage st, const char *id,
                      struct err *e)
{
    int64_t t0 = clock_mono_ms();
    long interval = POLL_FIRST_MS;
    enum run_state last = RS_COUNT, s = RS_PENDING;
    char why[1024];
    int errors = 0;

    for (;;) {
        struct err pe = ERR_INIT;
        if (poll_once(c, st, id, &s, why, sizeof(why), &pe) != 0) {
            fprintf(c->out, "%s %s: could not read its state: %s\n", day, stage_name(st), pe.msg);
            if (++errors >= POLL_MAX_ERRORS) {
                *e = pe;
                err_prefix(e, "%s %s: gave up waiting for %s: ", day, stage_name(st), id);
                return -1;
            }
        } else {
            errors = 0;
            if (s != last)
                fprintf(c->out, "%s %s: %s (%lld s)\n", day, stage_name(st), why,
                        (long long)((clock_mono_ms() - t0) / 1000));
            last = s;
            if (s == RS_SUCCEEDED)
                return 0;
            if (s == RS_FAILED || s == RS_CANCELLED)
                return err_set(e, ERR_SERVICE, "%s %s failed: %s (%s)", day, stage_name(st), why,
                               id);
        }
        fflush(c->out);
        sleep_ms(interval);
        interval = interval * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : interval * 3 / 2;
    }
}

static int run_day(const struct chain *c, const struct action_day *d, const char *resume_step,
                   struct action_result *res, struct err *e)
{
    char rday[TIME_DAY_LEN] = "", id[1024], rid[1024];
    enum stage rst = STAGE_EXPORT;
    bool resuming = action_step_parse(resume_step, rday, &rst, rid, sizeof(rid)) == 0 &&
                    strcmp(rday, d->day) == 0;

    for (int i = d->first; i < d->end; i++) {
        enum stage st = (enum stage)i;
        struct err ae = ERR_INIT;
        if (!d->exists[st])
            continue;
        /* Killed while the start call was in flight: if it got through, the service shows a
         * run that is still going, or one that started after the step was written (it may
         * have finished meanwhile; a few seconds allow for the service's clock). */
        if (resuming && st == rst && rid[0] == '\0' && d->seen[st] && d->service_id[st] != NULL &&
            (run_state_is_active(d->state[st]) ||
             (c->p->resume_since_ms > 0 &&
              d->started_ms[st] >= c->p->resume_since_ms - RESUME_CLOCK_SLACK_MS)))
            snprintf(rid, sizeof(rid), "%s", d->service_id[st]); /* the call did get through */
        if (resuming && st == rst && rid[0] != '\0') {
            fprintf(c->out, "%s %s: resuming: waiting for %s (started before the interruption)\n",
                    d->day, stage_name(st), rid);
            snprintf(id, sizeof(id), "%s", rid);
        } else if (start_stage(c, d, st, id, sizeof(id), e) != 0) {
            goto failed;
        } else {
            res->started++;
        }
        resuming = false;
        if (wait_stage(c, d->day, st, id, e) != 0)
            goto failed;
        gate_audit(c->w->s->db, c->action_id, "outcome", c->verb, c->p->lp->p.name, d->day,
                   stage_name(st), c->env, "ok", "SUCCEEDED", &ae);
        step(c, d->day, st, "succeeded", id, &ae);
        continue;
    failed:
        snprintf(res->failed_day, sizeof(res->failed_day), "%s", d->day);
        res->failed_stage = st;
        res->failure = *e;
        gate_audit(c->w->s->db, c->action_id, "outcome", c->verb, c->p->lp->p.name, d->day,
                   stage_name(st), c->env, "failed", e->msg, &ae);
        return -1;
    }
    if (d->end < STAGE_COUNT)
        fprintf(c->out, "%s %s: not started: %s (it runs on its schedule)\n", d->day,
                stage_name((enum stage)d->end), d->later);
    return 0;
}

int action_run(struct action_world *w, const struct action_plan *p, const char *verb,
               const char *environment, int64_t action_id, const char *resume_step, FILE *out,
               struct action_result *res, struct err *e)
{
    struct chain c = {w, p, verb, environment, action_id, out};
    struct err ue = ERR_INIT;
    char final[1200];
    int rc = 0;

    memset(res, 0, sizeof(*res));
    res->failed_stage = -1;
    for (size_t i = 0; i < p->n && rc == 0; i++) {
        if (p->days[i].first < 0)
            continue;
        rc = run_day(&c, &p->days[i], resume_step, res, e);
    }
    if (rc == 0)
        snprintf(final, sizeof(final), "done: %d stage%s started", res->started,
                 res->started == 1 ? "" : "s");
    else
        snprintf(final, sizeof(final), "%s %s failed: %s", res->failed_day,
                 stage_name((enum stage)res->failed_stage), res->failure.msg);
    if (db_action_update(w->s->db, action_id, rc == 0 ? DB_ACTION_DONE : DB_ACTION_FAILED, final,
                         clock_now_ms(NULL), &ue) != 0)
        fprintf(out, "warning: could not record the action's end: %s\n", ue.msg);
    return rc;
}
