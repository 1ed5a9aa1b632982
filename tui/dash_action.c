/* tui/dash_action.c: the dashboard's side of operator actions: starting the action thread
 * (tui/engine_action.h), asking it for jobs (read-only refuses the mutating ones first, naming
 * where it was set), taking copies of its jobs when it wakes the UI (opening the confirmation
 * dialog when a plan is ready, a refresh when an action ended), the active actions of every
 * process for the Grid's mark, and the one-line progress strip every view shows. A finished
 * schema-apply makes every open view read the stored drift check again. */
#include <stdlib.h>
#include <string.h>

#include "tui/dash_int.h"
#include "tui/gate.h"

#define STRIP_KEEP_MS 120000 /* a finished action stays in the strip this long */

void dash_action_start(struct dash *d, const struct config_overrides *ov)
{
    struct err e = ERR_INIT;

    d->act_fd = -1;
    if (actor_start(&d->act, ov, &d->act_fd, &e) != 0) {
        d->act = NULL;
        snprintf(d->act_err, sizeof(d->act_err), "%s", e.msg);
    }
}

void dash_action_stop(struct dash *d, bool *stopped)
{
    if (!actor_stop(d->act, 1500))
        *stopped = false;
    d->act = NULL;
    act_jobs_free(d->jobs, d->njobs);
    d->jobs = NULL;
    d->njobs = 0;
    db_actions_free(d->inflight, d->ninflight);
    d->inflight = NULL;
    d->ninflight = 0;
}

void dash_inflight_load(struct dash *d)
{
    struct err e = ERR_INIT;

    db_actions_free(d->inflight, d->ninflight);
    d->inflight = NULL;
    d->ninflight = 0;
    if (d->db != NULL && db_action_list(d->db, true, &d->inflight, &d->ninflight, &e) != 0)
        dash_msg(d, ROLE_WARN, "the actions in flight could not be read: %s", e.msg);
}

const struct db_action *dash_inflight(const struct dash *d, const char *pipeline, const char *day)
{
    for (size_t i = 0; i < d->ninflight; i++) {
        const struct db_action *a = &d->inflight[i];
        if (a->target != NULL && strcmp(a->target, pipeline) == 0 &&
            strcmp(a->day_from, day) <= 0 && strcmp(a->day_to, day) >= 0)
            return a;
    }
    return NULL;
}

/* At start: actions interrupted by a crash or exit are named, with where to resume them. */
void dash_interrupted_msg(struct dash *d)
{
    size_t n = 0;
    const struct db_action *first = NULL;

    for (size_t i = 0; i < d->ninflight; i++)
        if (!db_action_owner_alive(&d->inflight[i]) && n++ == 0)
            first = &d->inflight[i];
    if (n > 0)
        dash_msg(d, ROLE_WARN,
                 "%zu interrupted action%s (#%lld %s %s %s..%s at '%s'): press a to resume or "
                 "abandon",
                 n, n == 1 ? "" : "s", (long long)first->id, db_action_kind_name(first->kind),
                 first->target ? first->target : "", first->day_from, first->day_to,
                 first->step ? first->step : "");
}

const struct act_job *dash_job(const struct dash *d, int id)
{
    for (size_t i = 0; i < d->njobs; i++)
        if (d->jobs[i].id == id)
            return &d->jobs[i];
    return NULL;
}

static void job_ended(struct dash *d, const struct act_job *j)
{
    if (j->kind == ACT_SCHEMA_APPLY) {
        if (j->state == ACT_DONE || j->state == ACT_NOTHING)
            dash_msg(d, ROLE_OK, "schema-apply of %s: %s", j->target, j->why);
        else if (j->state != ACT_CANCELLED)
            dash_msg(d, ROLE_WARN, "%s", j->why);
        /* the stored drift check changed: every open view reads it again */
        for (int i = 0; i < d->depth; i++)
            d->stack[i]->ops->on_update(d->stack[i]);
        d->want_refresh = true;
        return;
    }
    if (j->kind == ACT_SCHEMA)
        dash_msg(d, j->state == ACT_DONE ? ROLE_OK : ROLE_WARN, "schema refresh of %s: %s",
                 j->target, j->state == ACT_DONE ? "done (a: the result)" : j->why);
    else if (j->state == ACT_DONE && j->kind == ACT_ABANDON)
        dash_msg(d, ROLE_OK, "%s", j->why);
    else if (j->state == ACT_DONE)
        dash_msg(d, ROLE_OK, "%s of %s %s: every stage SUCCEEDED; refreshing", j->verb, j->target,
                 j->from);
    else if (j->state == ACT_FAILED && j->action_id > 0)
        dash_msg(d, ROLE_FAILED, "%s of %s %s", j->verb, j->target, j->why);
    if (j->action_id > 0 || j->kind == ACT_SCHEMA)
        d->want_refresh = true; /* the day turns green (or shows the failure) */
}

void dash_action_poll(struct dash *d)
{
    struct act_job *v = NULL;
    size_t n = 0;
    unsigned gen, sig = 0;

    if (d->act == NULL)
        return;
    actor_drain(d->act);
    if (actor_jobs(d->act, &v, &n, &gen) != 0 || gen == d->jobs_gen) {
        act_jobs_free(v, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct act_job *old = dash_job(d, v[i].id);
        sig = sig * 31u + (unsigned)v[i].id * 16u + (unsigned)v[i].state;
        if (act_state_is_final(v[i].state) && (old == NULL || !act_state_is_final(old->state)))
            job_ended(d, &v[i]);
        if (v[i].state == ACT_RUNNING && d->dialog == v[i].id)
            d->dialog = 0; /* confirmed: the strip and the panel show it now */
    }
    act_jobs_free(d->jobs, d->njobs);
    d->jobs = v;
    d->njobs = n;
    d->jobs_gen = gen;
    if (sig != d->jobs_sig) { /* a job changed state: the database's actions did too */
        d->jobs_sig = sig;
        dash_inflight_load(d);
        for (int i = 0; i < d->depth; i++)
            if (d->stack[i]->ops == &actions_view || d->stack[i]->ops == &grid_view)
                d->stack[i]->ops->on_update(d->stack[i]);
    }
    if (d->want_refresh && d->eng != NULL && engine_request_refresh(d->eng))
        d->want_refresh = false;
}

void dash_action(struct dash *d, enum act_kind k, const char *target, const char *from,
                 const char *to, int64_t action_id)
{
    static const char *const verbs[] = {"rerun",   "backfill",       "resume",
                                        "abandon", "schema refresh", "schema-apply"};
    struct err e = ERR_INIT;
    int id;

    if ((k == ACT_RERUN || k == ACT_BACKFILL || k == ACT_RESUME || k == ACT_SCHEMA_APPLY) &&
        gate_writable(d->cfg, verbs[k], &e) != 0) {
        dash_msg(d, ROLE_WARN, "%s", e.msg);
        return;
    }
    if (d->act == NULL) {
        dash_msg(d, ROLE_WARN, "%s needs the clouds: %s", verbs[k],
                 d->act_err[0] ? d->act_err : "not with --offline");
        return;
    }
    if (d->dialog != 0) {
        dash_msg(d, ROLE_WARN, "answer the open confirmation first");
        return;
    }
    id = actor_request(d->act, k, target, from, to, action_id, &e);
    if (id < 0) {
        dash_msg(d, ROLE_WARN, "%s: %s", verbs[k], e.msg);
        return;
    }
    if (k == ACT_SCHEMA) {
        dash_msg(d, ROLE_ACTIVE, "schema refresh of %s: reading its metadata (a: progress)",
                 target);
        return;
    }
    d->dialog = id; /* the dialog shows "planning" until the thread has read the clouds */
    d->typed[0] = '\0';
    dash_action_poll(d);
}

/* r, R, s, A, a where the focused view did not take them. */
void dash_action_key(struct dash *d, int ch)
{
    struct err e = ERR_INIT;

    if (ch == 'a') {
        if (d->stack[d->depth - 1]->ops != &actions_view)
            dash_push(d, &actions_view, NULL);
        return;
    }
    if (ch != 's' && gate_writable(d->cfg,
                                   ch == 'r'   ? "rerun"
                                   : ch == 'A' ? "schema-apply"
                                               : "backfill",
                                   &e) != 0)
        dash_msg(d, ROLE_WARN, "%s", e.msg);
    else if (ch == 's')
        dash_msg(d, ROLE_NONE, "s refreshes a table's schema: select one in :tables or its schema");
    else if (ch == 'A')
        dash_msg(d, ROLE_NONE,
                 "A applies a raw table's drift: select a DRIFT table in :tables or "
                 "open its schema");
    else if (ch == 'r')
        dash_msg(d, ROLE_NONE,
                 "r reruns a pipeline's day: select a cell in the grid or open a day");
    else
        dash_msg(d, ROLE_NONE,
                 "R backfills a pipeline: select the newest day of the range in the grid");
}

const struct key_help *dash_action_keys(const struct dash *d, const char *view, size_t *n)
{
    static const struct key_help grid_w[] = {
        {"r", "rerun", true}, {"R", "backfill", true}, {"a", "actions", true}};
    static const struct key_help day_w[] = {{"r", "rerun the day", true}, {"a", "actions", true}};
    static const struct key_help table_k[] = {{"s", "schema refresh", true},
                                              {"a", "actions", true}};
    /* A is in the hint bar (first) only when the selected table has drift: dash_draw.c */
    static const struct key_help table_w[] = {
        {"s", "schema refresh", true},
        {"A", "apply drift: add the export's new fields (NULLABLE) to the raw table", false},
        {"a", "actions", true}};
    static const struct key_help any[] = {{"a", "actions", true}};
    bool ro = d->cfg->general.read_only;

    if (strcmp(view, "tables") == 0 || strcmp(view, "schema") == 0) {
        *n = ro ? 2 : 3;
        return ro ? table_k : table_w;
    }
    if (!ro && strcmp(view, "grid") == 0) {
        *n = 3;
        return grid_w;
    }
    if (!ro && strcmp(view, "day") == 0) {
        *n = 2;
        return day_w;
    }
    *n = 1;
    return any;
}

bool dash_action_running(const struct dash *d)
{
    for (size_t i = 0; i < d->njobs; i++)
        if (d->jobs[i].state == ACT_RUNNING)
            return true;
    return false;
}

static const struct act_job *strip_job(const struct dash *d)
{
    const struct act_job *best = NULL;

    for (size_t i = 0; i < d->njobs; i++) {
        const struct act_job *j = &d->jobs[i];
        if (j->state == ACT_RUNNING || j->state == ACT_QUEUED || j->state == ACT_PLANNING)
            best = j; /* the newest one in progress wins */
        else if ((best == NULL || act_state_is_final(best->state)) &&
                 act_state_is_final(j->state) && j->state != ACT_CANCELLED &&
                 d->now_ms - j->ended_ms < STRIP_KEEP_MS)
            best = j;
    }
    return best;
}

int dash_strip_lines(const struct dash *d)
{
    return strip_job(d) != NULL && d->stack[d->depth - 1]->ops != &actions_view ? 1 : 0;
}

/* The last line of text (without its newline) into out. */
static void last_line(const char *text, char *out, size_t n)
{
    size_t len = text ? strlen(text) : 0;
    const char *p;

    while (len > 0 && text[len - 1] == '\n')
        len--;
    p = text + len;
    while (p > text && p[-1] != '\n')
        p--;
    snprintf(out, n, "%.*s", (int)(text + len - p), p ? p : "");
}

void dash_strip_draw(struct dash *d, int row)
{
    const struct act_job *j = strip_job(d);
    char step[600], line[1200];
    int role;

    if (j == NULL)
        return;
    last_line(j->log, step, sizeof(step));
    if (act_state_is_final(j->state) && j->why[0])
        snprintf(step, sizeof(step), "%.590s", j->why);
    snprintf(line, sizeof(line), " %s #%d %s%s%s%s%s: %s | %s | a: progress", j->verb, j->id,
             j->target, j->from[0] ? " " : "", j->from, strcmp(j->from, j->to) != 0 ? ".." : "",
             strcmp(j->from, j->to) != 0 ? j->to : "", act_state_name(j->state), step);
    role = j->state == ACT_DONE           ? ROLE_OK
           : j->state == ACT_FAILED       ? ROLE_FAILED
           : act_state_is_final(j->state) ? ROLE_WARN
                                          : ROLE_ACTIVE;
    tui_put(stdscr, row, 0, line, COLS, role);
}
