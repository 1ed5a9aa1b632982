/* tui/view_actions.c: `a` / `:actions` — the progress panel: this dashboard's actions (newest
 * first: queued, planning, running, finished, with the service's error on failure) after the
 * active actions of other processes or interrupted ones from the history database; below, the
 * selected one step by step. u resumes an interrupted action, x abandons it — both through the
 * confirmation dialog and the action thread. The jobs live in the thread, so the panel shows
 * the same whenever it is opened again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "tui/dash.h"

struct item {
    const struct act_job *job;   /* or */
    const struct db_action *act; /* an active action no job of this dashboard runs */
};

struct actions {
    size_t sel, top;
    struct item *items;
    size_t n;
};

static const struct key_help actions_keys[] = {
    {"j/k ↑/↓", "select", false},
    {"u", "resume an interrupted action", true},
    {"x", "abandon an interrupted action", true},
};

static int actions_open(struct view *v)
{
    v->priv = calloc(1, sizeof(struct actions));
    if (v->priv == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening the actions");
        return -1;
    }
    return 0;
}

static void actions_close(struct view *v)
{
    struct actions *s = v->priv;
    free(s->items);
    free(s);
}

static void actions_update(struct view *v)
{
    (void)v; /* the items are rebuilt from the dashboard's copies on every draw and key */
}

static void build(struct view *v, struct actions *s)
{
    struct dash *d = v->d;

    free(s->items);
    s->n = 0;
    s->items = calloc(d->njobs + d->ninflight + 1, sizeof(*s->items));
    if (s->items == NULL)
        return;
    for (size_t i = 0; i < d->ninflight; i++) { /* first: they may need an answer */
        bool mine = false;
        for (size_t k = 0; k < d->njobs; k++)
            mine |=
                d->jobs[k].action_id == d->inflight[i].id && !act_state_is_final(d->jobs[k].state);
        if (!mine)
            s->items[s->n++].act = &d->inflight[i];
    }
    for (size_t i = d->njobs; i-- > 0;)
        s->items[s->n++].job = &d->jobs[i];
    if (s->sel >= s->n)
        s->sel = s->n > 0 ? s->n - 1 : 0;
}

static void row_text(const struct item *it, char *out, size_t n, int *role)
{
    const struct act_job *j = it->job;
    const struct db_action *a = it->act;

    char days[32];

    if (j != NULL) {
        char id[24] = "";
        if (j->action_id > 0)
            snprintf(id, sizeof(id), "#%lld", (long long)j->action_id);
        snprintf(days, sizeof(days), "%s%s%s", j->from, strcmp(j->from, j->to) ? ".." : "",
                 strcmp(j->from, j->to) ? j->to : "");
        snprintf(out, n, "%-6s %-14s %-20s %-22s %-13s %.400s", id, j->verb, j->target, days,
                 act_state_name(j->state), j->why);
        *role = j->state == ACT_DONE                                  ? ROLE_OK
                : j->state == ACT_FAILED || j->state == ACT_REFUSED   ? ROLE_FAILED
                : j->state == ACT_RUNNING || j->state == ACT_PLANNING ? ROLE_ACTIVE
                                                                      : ROLE_NONE;
        return;
    }
    bool alive = db_action_owner_alive(a);
    snprintf(days, sizeof(days), "%s..%s", a->day_from, a->day_to);
    snprintf(out, n, "#%-5lld %-14s %-20s %-22s %-13s %s", (long long)a->id,
             db_action_kind_name(a->kind), a->target ? a->target : "", days,
             alive ? "in flight" : "INTERRUPTED", a->step ? a->step : "");
    *role = alive ? ROLE_ACTIVE : ROLE_WARN;
}

/* The last rows lines of text, from row y. */
static void tail(WINDOW *w, int y, int rows, int cols, const char *text)
{
    int total = 0, skip;
    const char *p = text;

    for (const char *q = text; q && *q; q++)
        total += *q == '\n';
    skip = total > rows ? total - rows : 0;
    for (int i = 0; p && *p; i++) {
        const char *nl = strchr(p, '\n');
        char line[700];
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (i >= skip) {
            snprintf(line, sizeof(line), "%.*s", (int)(len < 699 ? len : 699), p);
            tui_put(w, y++, 1, line, cols - 1,
                    strstr(line, "FAILED") || strstr(line, "failed")         ? ROLE_FAILED
                    : strstr(line, "SUCCEEDED") || strstr(line, "COMPLETED") ? ROLE_OK
                                                                             : ROLE_NONE);
            if (--rows == 0)
                return;
        }
        p = nl ? nl + 1 : NULL;
    }
}

static void detail(struct view *v, const struct item *it, WINDOW *w, int y, int rows, int cols)
{
    char line[1600], when[40];
    int list_end = y;

    if (it->act != NULL) {
        const struct db_action *a = it->act;
        time_format_local(a->updated_ms, when, sizeof(when));
        snprintf(line, sizeof(line),
                 "action #%lld %s %s %s..%s, process %ld on %s; last step '%s' (%s)",
                 (long long)a->id, db_action_kind_name(a->kind), a->target ? a->target : "",
                 a->day_from, a->day_to, a->owner_pid, a->owner_host ? a->owner_host : "?",
                 a->step ? a->step : "", when);
        tui_put(w, y++, 0, line, cols, ROLE_NONE);
        tui_put(w, y, 0,
                db_action_owner_alive(a)
                    ? "it runs in another process: wait for it (its days are not started twice)"
                : v->d->cfg->general.read_only
                    ? "interrupted: x abandons it (read-only mode: it cannot be resumed here)"
                    : "interrupted: u resumes it (a started stage is waited on, not started "
                      "again), x abandons it",
                cols, ROLE_WARN);
        return;
    }
    const struct act_job *j = it->job;
    snprintf(line, sizeof(line), "%s %s %s%s%s: %s%s%.900s", j->verb, j->target, j->from,
             strcmp(j->from, j->to) ? ".." : "", strcmp(j->from, j->to) ? j->to : "",
             act_state_name(j->state), j->why[0] ? " — " : "", j->why);
    for (const char *p = line; *p && rows > 1 && y < list_end + 4; rows--) { /* wrapped */
        size_t b = tui_fit_bytes(p, cols);
        char part[700];
        snprintf(part, sizeof(part), "%.*s", (int)(b < sizeof(part) - 1 ? b : sizeof(part) - 1), p);
        tui_put(w, y++, 0, part, cols,
                j->state == ACT_FAILED || j->state == ACT_REFUSED ? ROLE_FAILED : ROLE_HEAD);
        p += b;
    }
    if (j->log != NULL)
        tail(w, y, rows - 1, cols, j->log);
    else if (j->preview != NULL)
        tail(w, y, rows - 1, cols, j->preview);
}

static void actions_draw(struct view *v, WINDOW *w, bool focused)
{
    struct actions *s = v->priv;
    int rows, cols, list_h;
    (void)focused;

    build(v, s);
    getmaxyx(w, rows, cols);
    list_h = s->n + 1 < (size_t)rows / 3 ? (int)s->n + 1 : rows / 3;
    if (list_h < 2)
        list_h = 2;
    tui_put(w, 0, 0,
            "ACTION VERB           TARGET               DAYS                   STATE         WHY",
            cols, ROLE_HEAD);
    if (s->n == 0) {
        tui_put(w, 1, 0,
                "no actions yet: r on a grid cell reruns a day, R backfills, s in :tables "
                "refreshes a schema",
                cols, ROLE_DIM);
        return;
    }
    if (s->sel < s->top)
        s->top = s->sel;
    if (s->sel >= s->top + (size_t)(list_h - 1))
        s->top = s->sel - (size_t)(list_h - 1) + 1;
    for (int i = 0; i < list_h - 1 && s->top + (size_t)i < s->n; i++) {
        char line[1200];
        int role;
        row_text(&s->items[s->top + (size_t)i], line, sizeof(line), &role);
        tui_put(w, 1 + i, 0, line, cols, s->top + (size_t)i == s->sel ? ROLE_SELECTED : role);
    }
    mvwhline(w, list_h, 0, ACS_HLINE, cols);
    detail(v, &s->items[s->sel], w, list_h + 1, rows - list_h - 1, cols);
}

static enum key_result actions_key(struct view *v, int ch)
{
    struct actions *s = v->priv;
    const struct db_action *a;

    build(v, s);
    switch (ch) {
    case 'k':
    case KEY_UP:
        s->sel = s->sel > 0 ? s->sel - 1 : 0;
        return KR_HANDLED;
    case 'j':
    case KEY_DOWN:
        s->sel = s->sel + 1 < s->n ? s->sel + 1 : s->sel;
        return KR_HANDLED;
    case 'u':
    case 'x':
        a = s->sel < s->n ? s->items[s->sel].act : NULL;
        if (a == NULL || db_action_owner_alive(a)) {
            dash_msg(v->d, ROLE_WARN, "%c %s an interrupted action: select one (INTERRUPTED)", ch,
                     ch == 'u' ? "resumes" : "abandons");
            return KR_HANDLED;
        }
        dash_action(v->d, ch == 'u' ? ACT_RESUME : ACT_ABANDON, a->target, a->day_from, a->day_to,
                    a->id);
        return KR_HANDLED;
    default:
        return KR_UNHANDLED;
    }
}

static void actions_title(struct view *v, char *out, size_t n)
{
    size_t running = 0, interrupted = 0;

    for (size_t i = 0; i < v->d->njobs; i++)
        running += v->d->jobs[i].state == ACT_RUNNING;
    for (size_t i = 0; i < v->d->ninflight; i++)
        interrupted += !db_action_owner_alive(&v->d->inflight[i]);
    snprintf(out, n, "actions: %zu running, %zu interrupted, %zu this session", running,
             interrupted, v->d->njobs);
}

const struct view_ops actions_view = {
    "actions",    actions_keys,   sizeof(actions_keys) / sizeof(actions_keys[0]),
    actions_open, actions_close,  actions_draw,
    actions_key,  actions_update, actions_title,
};
