/* core/days_missing.c: MISSING stage runs — a day whose export (EventBridge rule or [aws]
 * export_time), transfer or query (DTS schedule) was due, past its instant plus the grace, inside
 * the judged window, after the object existed, and has no run. Never judged for a service the
 * snapshot has a gap for, nor for disabled, manual-only or event-driven configs. */
#include "core/days_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool has_day(const struct dctx *x, enum stage st, const char *day)
{
    for (size_t i = 0; i < x->n; i++)
        if (x->v[i].stage == st && strcmp(x->v[i].day, day) == 0)
            return true;
    return false;
}

/* Whether the snapshot could not read something of service ("dynamodb", "rds", "dts"). */
static bool gap_in(const struct snapshot *s, const char *service)
{
    size_t n = strlen(service);

    for (size_t i = 0; i < s->n_gaps; i++)
        if (s->gaps[i].what && strncmp(s->gaps[i].what, service, n) == 0)
            return true;
    return false;
}

/* Adds a MISSING run for the instant at (day `day`) unless one is not due or exists. */
static void maybe_missing(struct dctx *x, enum stage st, int64_t at, const char *day,
                          int64_t not_before, int64_t not_after, const char *what)
{
    char when[TIME_RFC3339_LEN];
    struct proto *p;

    if (at < x->window_ms || at < not_before || (not_after > 0 && at > not_after) ||
        at + x->o->grace_ms > x->o->now_ms || strcmp(day, x->first) < 0 ||
        strcmp(day, x->today) > 0 || has_day(x, st, day))
        return;
    p = dd_add(x, st, day);
    if (p == NULL)
        return;
    time_format_utc(at, when, sizeof(when));
    p->state = RS_MISSING;
    p->order_ms = at;
    if (asprintf(&p->msg, "no %s run: %s was due at %s", stage_name(st), what, when) < 0) {
        p->msg = NULL;
        x->nomem = 1;
    }
}

/* The earliest (latest when `latest`) start of the pipeline's exports; 0 when none. */
static int64_t export_start(const struct link_pipeline *lp, bool latest)
{
    int64_t best = 0;

    for (size_t i = 0; i < lp->n_exports; i++) {
        const struct link_export *le = &lp->exports[i];
        int64_t t = le->ddb ? le->ddb->start_ms : le->rds->start_ms;
        if (t != 0 && (best == 0 || (latest ? t > best : t < best)))
            best = t;
    }
    return best;
}

static void missing_exports(struct dctx *x)
{
    const struct link_pipeline *lp = x->lp;
    const struct events_rule *rule = x->o->export_rule;
    int64_t created = lp->ddb ? lp->ddb->table.created_ms : export_start(lp, false);
    struct schedule_daily sd;
    struct err e = ERR_INIT;
    int64_t *inst = NULL;
    size_t n = 0;
    char what[160], day[TIME_DAY_LEN];

    if (lp->ddb == NULL && lp->aurora_cluster == NULL)
        return;
    if (gap_in(x->s, lp->ddb ? "dynamodb" : "rds")) {
        dd_note(x, "%s: MISSING exports not judged: the refresh could not read every %s export",
                lp->p.name, lp->ddb ? "DynamoDB" : "Aurora");
        return;
    }
    if (rule != NULL && rule->schedule != NULL) {
        if (rule->state != NULL && strcmp(rule->state, "DISABLED") == 0)
            return;
        /* rate(1 day) fires at the time of day the exports start */
        if (schedule_parse_aws(&sd, rule->schedule, export_start(lp, true), &e) != 0) {
            dd_note(x, "%s: MISSING exports not judged: %s", lp->p.name, e.msg);
            return;
        }
        if (dd_instants(x, &sd, &inst, &n) != 0) {
            x->nomem = 1;
            return;
        }
        snprintf(what, sizeof(what), "the export rule %s (%s)", rule->name ? rule->name : "",
                 rule->schedule);
        for (size_t i = 0; i < n; i++) {
            time_day_of(inst[i], day);
            maybe_missing(x, STAGE_EXPORT, inst[i], day, created, 0, what);
        }
        free(inst);
        return;
    }
    if (x->o->export_time_min < 0)
        return;
    snprintf(what, sizeof(what), "the export at %02d:%02d (%s, [aws] export_time)",
             x->o->export_time_min / 60, x->o->export_time_min % 60, time_zone_name());
    for (int i = 0;; i++) {
        int64_t at;
        if (time_day_add(x->first, i, day, &e) != 0 || strcmp(day, x->today) > 0)
            break;
        if (time_local_at(day, x->o->export_time_min / 60, x->o->export_time_min % 60, 0, &at,
                          &e) == 0)
            maybe_missing(x, STAGE_EXPORT, at, day, created, 0, what);
    }
}

/* MISSING runs of the transfer (STAGE_TRANSFER) or the query (STAGE_QUERY). */
static void missing_dts(struct dctx *x, enum stage st)
{
    const struct snap_dts_config *c = st == STAGE_TRANSFER ? x->lp->transfer : x->lp->query;
    const struct dts_config *dc;
    struct schedule_daily sd;
    struct err e = ERR_INIT;
    int64_t *inst = NULL, first_run = 0;
    size_t n = 0;
    char what[200], day[TIME_DAY_LEN];

    if (c == NULL)
        return;
    dc = &c->config;
    if (dc->cfg.disabled || dc->manual_only || dc->event_driven || dc->cfg.schedule == NULL)
        return;
    if (gap_in(x->s, "dts")) {
        dd_note(x, "%s: MISSING %s runs not judged: the refresh could not read every DTS run",
                x->lp->p.name, stage_name(st));
        return;
    }
    if (schedule_parse_dts(&sd, dc->cfg.schedule,
                           dc->cfg.next_run_ms ? dc->cfg.next_run_ms : dc->schedule_start_ms,
                           &e) != 0) {
        dd_note(x, "%s: MISSING %s runs not judged: %s", x->lp->p.name, stage_name(st), e.msg);
        return;
    }
    for (size_t i = 0; i < c->n_runs; i++) /* DTS gives no creation time: its first run */
        if (c->runs[i].run_time_ms != 0 && (first_run == 0 || c->runs[i].run_time_ms < first_run))
            first_run = c->runs[i].run_time_ms;
    if (first_run < dc->schedule_start_ms)
        first_run = dc->schedule_start_ms;
    if (dd_instants(x, &sd, &inst, &n) != 0) {
        x->nomem = 1;
        return;
    }
    snprintf(what, sizeof(what), "%s's schedule '%s' (UTC)",
             dc->cfg.display_name ? dc->cfg.display_name : dc->cfg.name, dc->cfg.schedule);
    for (size_t i = 0; i < n; i++) {
        bool matched;
        if (st == STAGE_TRANSFER)
            dd_transfer_day(x, inst[i], day, &matched);
        else
            dd_query_day(x, inst[i], day);
        maybe_missing(x, st, inst[i], day, first_run, dc->schedule_end_ms, what);
    }
    free(inst);
}

void dd_missing(struct dctx *x)
{
    missing_exports(x);
    missing_dts(x, STAGE_TRANSFER);
    missing_dts(x, STAGE_QUERY);
}
