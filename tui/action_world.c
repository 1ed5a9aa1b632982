/* tui/action_world.c: the planning half of the action runner (tui/action.h): one fresh,
 * read-only collection linked and judged per day, and the plan of which stages of which days
 * run, with the refusals that must come before any mutating call. Makes no mutating call. */
#include "tui/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "state/actions.h"

static void fill_input(struct collect_input *in, const struct action_world *w, int64_t now)
{
    const struct refresh_env *env = &w->rs.env;

    memset(in, 0, sizeof(*in));
    in->cfg = env->cfg;
    in->http = env->http;
    in->now_ms = now;
    in->aws_creds = w->creds;
    in->aws_err = env->aws_err;
    in->aws_region = env->aws_region;
    in->ddb_endpoint = env->ddb_endpoint;
    in->rds_endpoint = env->rds_endpoint;
    in->events_endpoint = env->events_endpoint;
    in->gauth = env->gauth;
    in->google_err = env->google_err;
    in->gcp_project = env->gcp_project;
    in->gcp_location = env->gcp_location;
    in->dts_endpoint = env->dts_endpoint;
    in->bq_endpoint = env->bq_endpoint;
}

static void signers(struct action_world *w)
{
    struct err e = ERR_INIT;
    struct aws_signer base = {w->creds, w->rs.env.aws_region, "dynamodb", 0};

    w->ddb_signer = base;
    w->rds_signer = base;
    w->rds_signer.service = "rds";
    w->lambda_signer = base;
    w->lambda_signer.service = "lambda";
    if (w->creds != NULL && session_aws_endpoint(w->s, "lambda", &w->lambda_ep, &e) != 0)
        w->lambda_ep.url[0] = '\0';
}

int action_world_load(struct action_world *w, struct session *s, const char *from, struct err *e)
{
    struct collect_input in;
    struct days_opts o;
    struct err ae = ERR_INIT;
    int64_t now = clock_now_ms(NULL);
    char today[TIME_DAY_LEN];
    int back = 0;

    memset(w, 0, sizeof(*w));
    w->s = s;
    refresh_setup_from_session(&w->rs, s);
    if (w->rs.env.aws_creds != NULL &&
        aws_creds_provider_get(w->rs.env.aws_creds, &w->creds, &ae) != 0) {
        w->creds = NULL;
        w->rs.aws_why = ae;
        w->rs.env.aws_err = &w->rs.aws_why;
    }
    signers(w);
    /* Read far enough back for the first day asked for (at most 90 days, as the grid). */
    time_day_of(now, today);
    if (from != NULL && time_day_diff(from, today, &back, e) == 0 &&
        back + 2 > s->cfg->general.days)
        s->cfg->general.days = back + 2 > 90 ? 90 : back + 2;
    fill_input(&in, w, now);
    if (collect_run(&w->res, &in, e) != 0)
        return -1;
    /* A plan made from a partial read could start what already runs: any source but BigQuery's
     * table metadata (not needed to plan) that could not be read stops it before any call. */
    for (size_t i = 0; i < w->res.snap.n_gaps; i++) {
        const struct snap_gap *g = &w->res.snap.gaps[i];
        if (strncmp(g->what, "bigquery ", 9) == 0)
            continue;
        *e = g->err;
        err_prefix(e,
                   "could not read %s, so nothing was planned or started (try again): ", g->what);
        return -1;
    }
    days_opts_init(&o, s->cfg, &w->res.snap, w->res.snap.taken_ms);
    if (link_discover(&w->graph, &w->res.snap, s->cfg, e) != 0 ||
        days_build(&w->days, &w->graph, &w->res.snap, &o, e) != 0)
        return -1;
    return 0;
}

void action_world_release(struct action_world *w)
{
    days_result_release(&w->days);
    link_graph_release(&w->graph);
    collect_result_release(&w->res);
    rds_cluster_snapshots_release(&w->snaps);
    memset(w, 0, sizeof(*w));
}

const struct link_pipeline *action_world_pipeline(const struct action_world *w, const char *name)
{
    for (size_t i = 0; i < w->graph.n; i++)
        if (strcmp(w->graph.v[i].p.name, name) == 0)
            return &w->graph.v[i];
    return NULL;
}

static void judge_runs(struct action_day *d, const struct action_world *w, const char *name)
{
    for (size_t i = 0; i < w->days.n; i++) {
        const struct stage_run *r = &w->days.runs[i];
        if (strcmp(r->pipeline, name) != 0 || strcmp(r->day, d->day) != 0)
            continue;
        if (d->seen[r->stage] && r->attempt < d->attempts[r->stage])
            continue;
        d->seen[r->stage] = true;
        d->state[r->stage] = r->state;
        d->attempts[r->stage] = r->attempt;
        d->service_id[r->stage] = r->service_id;
        d->started_ms[r->stage] = r->started_ms;
    }
}

/* Where the chain starts on d, or -1 with d->why. */
static void choose_first(struct action_day *d, int stage, bool all)
{
    d->first = -1;
    for (int st = 0; st < STAGE_COUNT; st++) {
        if (!d->exists[st])
            continue;
        if (d->seen[st] && run_state_is_active(d->state[st])) {
            snprintf(d->why, sizeof(d->why), "%s is already %s per the service", stage_name(st),
                     run_state_name(d->state[st]));
            d->refused = true;
            d->active = true;
            return;
        }
    }
    for (int st = stage >= 0 ? stage : 0; st < STAGE_COUNT; st++) {
        if (!d->exists[st])
            continue;
        if (stage >= 0 || all || (d->seen[st] && run_state_is_failure(d->state[st]))) {
            d->first = st;
            return;
        }
    }
    snprintf(d->why, sizeof(d->why), "nothing failed or missing (green or not due yet)");
}

/* Sets d->end at the first transfer/query stage whose scheduled instant on d is still to come
 * (today's query before its hour, say): DTS answers a manual run in the future with
 * INVALID_ARGUMENT, and the stage will run on its own schedule anyway. */
static void not_due(struct action_day *d, const struct action_world *w,
                    const struct link_pipeline *lp)
{
    int64_t now = clock_now_ms(w->rs.env.clock);

    d->end = STAGE_COUNT;
    for (int st = STAGE_TRANSFER; st < STAGE_COUNT; st++) {
        struct err e = ERR_INIT;
        int64_t rt;
        char when[TIME_RFC3339_LEN];
        if (!d->exists[st] ||
            days_run_time(&rt, lp, (enum stage)st, d->day, &w->res.snap, &e) != 0 || rt <= now)
            continue;
        d->end = st;
        snprintf(d->later, sizeof(d->later), "%s is not due until %s", stage_name(st),
                 time_format_local(rt, when, sizeof(when)));
        return;
    }
}

int action_plan_build(struct action_plan *p, const struct action_world *w, const char *pipeline,
                      const char *from, const char *to, int stage, bool all, struct err *e)
{
    int span = 0;

    memset(p, 0, sizeof(*p));
    p->lp = action_world_pipeline(w, pipeline);
    if (p->lp == NULL)
        return err_set(e, ERR_NOT_FOUND,
                       "no pipeline '%s' was found in what the clouds answer now (see 'pipetop "
                       "status' for the names)",
                       pipeline);
    if (time_day_diff(from, to ? to : from, &span, e) != 0)
        return -1;
    if (span < 0 || span >= DB_ACTION_MAX_DAYS)
        return err_set(e, ERR_USAGE, "the range %s .. %s is empty or too long", from, to);
    p->days = calloc((size_t)span + 1, sizeof(*p->days));
    if (p->days == NULL)
        return err_set(e, ERR_NOMEM, "out of memory planning %d days", span + 1);
    p->n = (size_t)span + 1;
    for (size_t i = 0; i < p->n; i++) {
        struct action_day *d = &p->days[i];
        if (time_day_add(from, (int)i, d->day, e) != 0)
            return -1;
        d->end = STAGE_COUNT;
        d->exists[STAGE_EXPORT] = p->lp->ddb != NULL || p->lp->aurora_cluster != NULL;
        d->exists[STAGE_TRANSFER] = p->lp->transfer != NULL;
        d->exists[STAGE_QUERY] = p->lp->query != NULL;
        judge_runs(d, w, pipeline);
        choose_first(d, stage, all);
        if (d->first < 0)
            continue;
        not_due(d, w, p->lp);
        if (d->first >= d->end) {
            snprintf(d->why, sizeof(d->why), "%s: it runs on its schedule", d->later);
            d->first = -1;
            continue;
        }
        p->n_run++;
        for (int st = d->first; st < d->end; st++)
            if (d->exists[st])
                p->stages |= 1u << st;
    }
    return 0;
}

void action_plan_skip_active(struct action_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct action_day *d = &p->days[i];
        if (!d->refused || !d->active)
            continue;
        d->refused = false;
        d->first = -1; /* why keeps "STAGE is already RUNNING per the service" */
    }
}

void action_plan_release(struct action_plan *p)
{
    free(p->days);
    memset(p, 0, sizeof(*p));
}

int action_plan_refusal(const struct action_plan *p, struct err *e)
{
    struct buf b = BUF_INIT(4096);
    int n = 0;

    for (size_t i = 0; i < p->n; i++)
        if (p->days[i].refused) {
            buf_printf(&b, "%s%s: %s", n++ ? "; " : "", p->days[i].day, p->days[i].why);
        }
    if (n > 0)
        err_set(e, ERR_REFUSED, "%s: refused before any call: %s", p->lp->p.name, buf_cstr(&b));
    buf_release(&b);
    return n > 0 ? -1 : 0;
}

void action_plan_stages_str(const struct action_plan *p, char *out, size_t n)
{
    size_t len = 0;

    out[0] = '\0';
    for (int st = 0; st < STAGE_COUNT && len < n; st++)
        if (p->stages & (1u << st))
            len += (size_t)snprintf(out + len, n - len, "%s%s", len ? " -> " : "", stage_name(st));
}

void action_plan_print(const struct action_plan *p, FILE *out)
{
    int dts_runs = 0, skipped = 0;

    fprintf(out, "%-10s  E T Q  what\n", "day");
    for (size_t i = 0; i < p->n; i++) {
        const struct action_day *d = &p->days[i];
        fprintf(out, "%-10s ", d->day);
        for (int st = 0; st < STAGE_COUNT; st++) {
            char c = !d->exists[st]                                   ? '-'
                     : d->first >= 0 && st >= d->first && st < d->end ? '>'
                                                                      : '.';
            fprintf(out, " %c", c);
            if (c == '>' && st != STAGE_EXPORT)
                dts_runs++;
        }
        if (d->refused)
            fprintf(out, "  REFUSED: %s\n", d->why);
        else if (d->first < 0)
            fprintf(out, "  skipped: %s\n", d->why), skipped++;
        else
            fprintf(out, "  from %s (now %s)%s%s%s\n", stage_name(d->first),
                    d->seen[d->first] ? run_state_name(d->state[d->first]) : "not known",
                    d->end < STAGE_COUNT ? "; stops there: " : "",
                    d->end < STAGE_COUNT ? d->later : "",
                    d->end < STAGE_COUNT ? " (it runs on its schedule)" : "");
    }
    fprintf(out, "%d day%s to run, %d skipped; '>' runs, '.' is kept, '-' has no such stage\n",
            p->n_run, p->n_run == 1 ? "" : "s", skipped);
    /* DTS starts one manual run per 15 s per config; each day waits for its chain. */
    fprintf(out,
            "ETA: at least %d s of DTS pacing (%d manual run%s, one per 15 s) plus the "
            "exports' and runs' own time\n",
            dts_runs * 15, dts_runs, dts_runs == 1 ? "" : "s");
}

int action_step_parse(const char *s, char day[TIME_DAY_LEN], enum stage *st, char *id, size_t n)
{
    char sday[16], sst[16], what[16];
    const char *rest;
    int used = 0;

    id[0] = '\0';
    if (s == NULL || sscanf(s, "%15s %15s %15s%n", sday, sst, what, &used) != 3 ||
        strlen(sday) != TIME_DAY_LEN - 1 || stage_parse(sst, st) != 0)
        return -1;
    snprintf(day, TIME_DAY_LEN, "%s", sday);
    if (strcmp(what, "succeeded") == 0) {
        *st = (enum stage)(*st + 1); /* STAGE_COUNT: the day is done */
    } else if (strcmp(what, "started") == 0) {
        rest = s + used;
        while (*rest == ' ')
            rest++;
        snprintf(id, n, "%s", rest);
    }
    return 0;
}

void action_plan_resume(struct action_plan *p, const char *step, int64_t step_ms)
{
    char rday[TIME_DAY_LEN], id[16];
    enum stage rst;

    if (action_step_parse(step, rday, &rst, id, sizeof(id)) != 0)
        return;
    p->resume_since_ms = step_ms;
    p->n_run = 0;
    p->stages = 0;
    for (size_t i = 0; i < p->n; i++) {
        struct action_day *d = &p->days[i];
        int cmp = strcmp(d->day, rday);
        if (cmp < 0) {
            d->first = -1;
            d->refused = false;
            snprintf(d->why, sizeof(d->why), "done before the interruption");
        } else if (cmp == 0) {
            d->first = rst < STAGE_COUNT ? (int)rst : -1;
            d->refused = false;
            snprintf(d->why, sizeof(d->why), "%s",
                     rst < STAGE_COUNT ? "" : "done before the interruption");
        }
        if (d->first < 0 || d->refused)
            continue;
        p->n_run++;
        for (int st = d->first; st < d->end; st++)
            if (d->exists[st])
                p->stages |= 1u << st;
    }
}
