/* core/days.c: stage runs per pipeline-day (core/days.h) — exports, transfer runs and query runs
 * placed on days, MISSING added (core/days_missing.c), attempts numbered by start, then STUCK
 * and UPSTREAM_FAILED judged along the chain. The service's own word always stays in raw_state. */
#include "core/days.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/days_int.h"

void days_opts_init(struct days_opts *o, const struct config *cfg, const struct snapshot *s,
                    int64_t now_ms)
{
    memset(o, 0, sizeof(*o));
    o->now_ms = now_ms;
    o->grace_ms = DAYS_DEFAULT_GRACE_MS;
    o->stuck_after_min = cfg->general.stuck_after_min;
    o->days = cfg->general.days;
    o->export_time_min = cfg->aws.export_time_min;
    o->export_rule = s->export_rule.present ? &s->export_rule.rule : NULL;
}

struct proto *dd_add(struct dctx *x, enum stage st, const char *day)
{
    struct proto *v = realloc(x->v, (x->n + 1) * sizeof(*v));

    if (v == NULL) {
        x->nomem = 1;
        return NULL;
    }
    x->v = v;
    memset(&v[x->n], 0, sizeof(v[x->n]));
    v[x->n].stage = st;
    memcpy(v[x->n].day, day, TIME_DAY_LEN);
    return &v[x->n++];
}

void dd_note(struct dctx *x, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    char **v = realloc(x->out->notes, (x->out->n_notes + 1) * sizeof(*v));

    if (v == NULL) {
        x->nomem = 1;
        return;
    }
    x->out->notes = v;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    if (s == NULL) {
        x->nomem = 1;
        return;
    }
    v[x->out->n_notes++] = s;
}

static char *dup(struct dctx *x, const char *s)
{
    char *d = s ? strdup(s) : NULL;

    if (s != NULL && d == NULL)
        x->nomem = 1;
    return d;
}

static bool in_window(const struct dctx *x, const char *day)
{
    return day[0] != '\0' && strcmp(day, x->first) >= 0 && strcmp(day, x->today) <= 0;
}

static void exports(struct dctx *x)
{
    for (size_t i = 0; i < x->lp->n_exports; i++) {
        const struct link_export *le = &x->lp->exports[i];
        char day[TIME_DAY_LEN];
        struct proto *p;
        int known;
        dd_export_day(le, day);
        if (!in_window(x, day) || (p = dd_add(x, STAGE_EXPORT, day)) == NULL)
            continue;
        if (le->ddb != NULL) {
            known = ddb_export_state(le->ddb->status, &p->state);
            p->raw = le->ddb->status;
            p->id = le->ddb->arn;
            p->started = le->ddb->start_ms;
            p->ended = le->ddb->end_ms;
            p->code = dup(x, le->ddb->failure_code);
            p->msg = dup(x, le->ddb->failure_message);
        } else {
            known = rds_export_state(le->rds->status, &p->state);
            p->raw = le->rds->status;
            p->id = le->rds->id;
            p->started = le->rds->start_ms;
            p->ended = le->rds->end_ms;
            p->msg = dup(x, le->rds->failure_cause);
        }
        if (known != 0)
            p->state = RS_PENDING; /* a word pipetop does not know: not finished as far as known */
        p->updated = p->ended ? p->ended : p->started;
        p->order_ms = p->started;
    }
}

static void dts_runs(struct dctx *x, enum stage st)
{
    const struct snap_dts_config *c = st == STAGE_TRANSFER ? x->lp->transfer : x->lp->query;

    for (size_t i = 0; c != NULL && i < c->n_runs; i++) {
        const struct dts_run *r = &c->runs[i];
        int64_t t = r->run_time_ms ? r->run_time_ms : r->schedule_time_ms;
        char day[TIME_DAY_LEN];
        struct proto *p;
        bool matched;
        if (t == 0)
            t = r->start_ms;
        if (st == STAGE_TRANSFER)
            dd_transfer_day(x, t, day, &matched);
        else
            dd_query_day(x, t, day);
        if (!in_window(x, day) || (p = dd_add(x, st, day)) == NULL)
            continue;
        if (dts_run_state(r->state, &p->state) != 0)
            p->state = RS_PENDING;
        p->raw = r->state;
        p->id = r->name;
        p->started = r->start_ms;
        p->ended = r->end_ms;
        p->updated = r->update_ms ? r->update_ms : (r->start_ms ? r->start_ms : 0);
        p->order_ms = r->start_ms ? r->start_ms : (r->schedule_time_ms ? r->schedule_time_ms : t);
        if (r->error_code != 0 && asprintf(&p->code, "%d", r->error_code) < 0) {
            p->code = NULL;
            x->nomem = 1;
        }
        p->msg = dup(x, r->error_message);
    }
}

static int by_day_stage_order(const void *a, const void *b)
{
    const struct proto *x = a, *y = b;
    int c = strcmp(x->day, y->day);

    if (c != 0)
        return c;
    if (x->stage != y->stage)
        return x->stage < y->stage ? -1 : 1;
    if (x->order_ms != y->order_ms)
        return x->order_ms < y->order_ms ? -1 : 1;
    return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

/* The upstream attempt a downstream attempt ran after: the latest one of stage up on that day
 * that started at or before it, else the first. NULL when the stage has none that day. */
static const struct proto *upstream_of(const struct dctx *x, const struct proto *p, enum stage up)
{
    const struct proto *first = NULL, *best = NULL;

    for (size_t i = 0; i < x->n; i++) {
        const struct proto *u = &x->v[i];
        if (u->stage != up || strcmp(u->day, p->day) != 0)
            continue;
        if (first == NULL)
            first = u;
        if (u->order_ms <= p->order_ms)
            best = u;
    }
    return best ? best : first;
}

static void judge(struct dctx *x)
{
    int64_t stuck_ms = (int64_t)x->o->stuck_after_min * 60000;

    if (x->n > 1)
        qsort(x->v, x->n, sizeof(*x->v), by_day_stage_order);
    for (size_t i = 0; i < x->n; i++) {
        struct proto *p = &x->v[i];
        bool same = i > 0 && x->v[i - 1].stage == p->stage && strcmp(x->v[i - 1].day, p->day) == 0;
        p->attempt = same ? x->v[i - 1].attempt + 1 : 1;
        if (run_state_is_active(p->state) && stuck_ms > 0 && p->updated > 0 &&
            x->o->now_ms - p->updated > stuck_ms)
            p->state = RS_STUCK;
    }
    /* the array is in chain order per day, so a transfer is judged before its query */
    for (size_t i = 0; i < x->n; i++) {
        struct proto *p = &x->v[i];
        const struct proto *u;
        if (p->stage == STAGE_EXPORT || p->state == RS_MISSING)
            continue;
        u = upstream_of(x, p, p->stage == STAGE_QUERY ? STAGE_TRANSFER : STAGE_EXPORT);
        if (u == NULL && p->stage == STAGE_QUERY)
            u = upstream_of(x, p, STAGE_EXPORT);
        if (u != NULL && run_state_is_failure(u->state))
            p->state = RS_UPSTREAM_FAILED;
    }
}

static int emit(struct dctx *x)
{
    struct days_result *r = x->out;
    struct stage_run *v = realloc(r->runs, (r->n + x->n + 1) * sizeof(*v));
    int nomem = 0;

    if (v == NULL)
        return -1;
    r->runs = v;
    for (size_t i = 0; i < x->n; i++) {
        const struct proto *p = &x->v[i];
        struct stage_run *s = &v[r->n++];
        memset(s, 0, sizeof(*s));
        s->pipeline = strdup(x->lp->p.name);
        memcpy(s->day, p->day, TIME_DAY_LEN);
        s->stage = p->stage;
        s->attempt = p->attempt;
        s->state = p->state;
        s->raw_state = p->raw ? strdup(p->raw) : NULL;
        s->service_id = p->id ? strdup(p->id) : NULL;
        s->started_ms = p->started;
        s->ended_ms = p->ended;
        s->updated_ms = p->updated;
        s->error_code = p->code ? strdup(p->code) : NULL;
        s->error_message = p->msg ? strdup(p->msg) : NULL;
        nomem |= s->pipeline == NULL || (p->raw && !s->raw_state) || (p->id && !s->service_id) ||
                 (p->code && !s->error_code) || (p->msg && !s->error_message);
    }
    return nomem ? -1 : 0;
}

/* The first day judged and the local midnight it starts at. */
static int window(struct dctx *x, struct err *e)
{
    char d[TIME_DAY_LEN];
    int64_t at = 0;

    time_day_of(x->o->now_ms, x->today);
    if (x->s->window_start_ms > 0) {
        char start[TIME_DAY_LEN];
        time_day_of(x->s->window_start_ms, start);
        if (time_local_at(start, 0, 0, 0, &at, e) ||
            time_day_add(start, at < x->s->window_start_ms ? 1 : 0, d, e))
            return -1;
    } else if (time_day_add(x->today, -(x->o->days > 0 ? x->o->days - 1 : 0), d, e)) {
        return -1;
    }
    memcpy(x->first, d, TIME_DAY_LEN);
    return time_local_at(x->first, 0, 0, 0, &x->window_ms, e);
}

static void protos_free(struct dctx *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->v[i].code);
        free(x->v[i].msg);
    }
    free(x->v);
    x->v = NULL;
    x->n = 0;
}

int days_build(struct days_result *out, const struct link_graph *g, const struct snapshot *s,
               const struct days_opts *o, struct err *e)
{
    struct dctx x;

    memset(out, 0, sizeof(*out));
    memset(&x, 0, sizeof(x));
    x.o = o;
    x.s = s;
    x.out = out;
    if (window(&x, e))
        return -1;
    for (size_t i = 0; i < g->n && !x.nomem; i++) {
        x.lp = &g->v[i];
        dd_learn_offset(&x);
        exports(&x);
        dts_runs(&x, STAGE_TRANSFER);
        dts_runs(&x, STAGE_QUERY);
        dd_missing(&x);
        judge(&x);
        if (!x.nomem && emit(&x) != 0)
            x.nomem = 1;
        protos_free(&x);
    }
    if (x.nomem) {
        days_result_release(out);
        return err_set(e, ERR_NOMEM, "judging days: out of memory");
    }
    return 0;
}

void days_result_release(struct days_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        stage_run_release(&r->runs[i]);
    free(r->runs);
    for (size_t i = 0; i < r->n_notes; i++)
        free(r->notes[i]);
    free(r->notes);
    memset(r, 0, sizeof(*r));
}
