/* tui/view_runs.c: the Runs list (every attempt of every stage, newest day first) and the
 * Exports list (the export stage only, with its export ARN / task id), from db_list_runs() once
 * per history change; filter, sort and n/N work on the in-memory rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/grid.h"
#include "tui/dash.h"
#include "tui/listview.h"

struct runs {
    struct listview lv;
    struct stage_run *r;
    size_t n;
    size_t *keep; /* rows shown (exports: stage E only) */
    size_t nkeep;
    bool exports;
    struct dash *d;
};

static const struct lv_col cols[] = {
    {"DAY", 10, 10, OUT_LEFT, false},  {"PIPELINE", 8, 24, OUT_LEFT, false},
    {"STG", 3, 3, OUT_LEFT, false},    {"TRY", 3, 3, OUT_RIGHT, true},
    {"STATE", 8, 18, OUT_LEFT, false}, {"STARTED", 16, 16, OUT_LEFT, false},
    {"TOOK", 5, 8, OUT_RIGHT, false},  {"ID / ERROR", 10, 0, OUT_LEFT, false},
};

static const struct key_help runs_keys[] = {LV_KEYS, {"Enter", "the day of this run", true}};

static const struct stage_run *row_run(struct runs *u, size_t row)
{
    return &u->r[u->keep[row]];
}

static void cell(void *ctx, size_t row, size_t col, char *out, size_t n)
{
    struct runs *u = ctx;
    const struct stage_run *r = row_run(u, row);

    switch (col) {
    case 0:
        snprintf(out, n, "%s", r->day);
        break;
    case 1:
        snprintf(out, n, "%s", r->pipeline);
        break;
    case 2:
        snprintf(out, n, "%c", stage_letter(r->stage));
        break;
    case 3:
        snprintf(out, n, "%d", r->attempt);
        break;
    case 4:
        snprintf(out, n, "%s %s", dash_glyph(u->d, r->state), run_state_name(r->state));
        break;
    case 5:
        out_time(r->started_ms, out, n);
        break;
    case 6:
        out_duration(r->ended_ms > 0 && r->started_ms > 0 ? r->ended_ms - r->started_ms : -1, out,
                     n);
        break;
    default:
        snprintf(out, n, "%s",
                 r->error_message && !u->exports ? r->error_message
                 : r->service_id                 ? r->service_id
                                                 : "-");
    }
}

static int role(void *ctx, size_t row, size_t col)
{
    struct runs *u = ctx;
    return col == 4 ? (int)out_role_of(row_run(u, row)->state) : col == 0 ? ROLE_DIM : ROLE_NONE;
}

static bool failed(void *ctx, size_t row)
{
    return run_state_is_failure(row_run(ctx, row)->state);
}

static void detail(void *ctx, size_t row, struct buf *b)
{
    struct runs *u = ctx;
    const struct stage_run *r = row_run(u, row);

    buf_printf(b, "%s %s %s attempt %d: %s (service said %s)\n", r->pipeline, r->day,
               stage_name(r->stage), r->attempt, run_state_name(r->state),
               r->raw_state ? r->raw_state : "nothing");
    buf_printf(b, "id     %s\n", r->service_id ? r->service_id : "-");
    if (r->error_code || r->error_message)
        buf_printf(b, "error  %s%s%s\n", r->error_code ? r->error_code : "",
                   r->error_code && r->error_message ? ": " : "",
                   r->error_message ? r->error_message : "");
}

static int runs_open(struct view *v)
{
    struct runs *u = calloc(1, sizeof(*u));

    if (u == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening %s", v->ops->name);
        return -1;
    }
    u->lv.sort_col = -1;
    u->exports = strcmp(v->ops->name, "exports") == 0;
    u->d = v->d;
    v->priv = u;
    return 0;
}

static void runs_close(struct view *v)
{
    struct runs *u = v->priv;
    lv_release(&u->lv);
    db_stage_runs_free(u->r, u->n);
    free(u->keep);
    free(u);
}

static void runs_update(struct view *v)
{
    struct runs *u = v->priv;
    struct err e = ERR_INIT;
    struct lv_source src = {cols, sizeof(cols) / sizeof(cols[0]), 0, u, cell, role, failed, detail,
                            3};

    db_stage_runs_free(u->r, u->n);
    free(u->keep);
    u->r = NULL;
    u->keep = NULL;
    u->n = u->nkeep = 0;
    if (v->d->db != NULL && db_list_runs(v->d->db, NULL, 0, 0, &u->r, &u->n, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "%s: %s", v->ops->name, e.msg);
    u->keep = calloc(u->n + 1, sizeof(*u->keep));
    if (u->keep == NULL)
        u->n = 0;
    for (size_t i = 0; i < u->n; i++)
        if (!u->exports || u->r[i].stage == STAGE_EXPORT)
            u->keep[u->nkeep++] = i;
    src.nrows = u->nkeep;
    if (lv_load(&u->lv, &src) != 0)
        dash_msg(v->d, ROLE_BANNER, "out of memory loading %s", v->ops->name);
}

static void runs_draw(struct view *v, WINDOW *w, bool focused)
{
    struct runs *u = v->priv;
    (void)focused;
    lv_draw(&u->lv, w, v->d);
}

static enum key_result runs_key(struct view *v, int ch)
{
    struct runs *u = v->priv;
    size_t r;

    lv_sync(&u->lv, v->d);
    r = lv_current(&u->lv);
    char arg[512];

    if ((ch == '\r' || ch == '\n' || ch == KEY_ENTER) && r != (size_t)-1) {
        snprintf(arg, sizeof(arg), "%s\t%s", row_run(u, r)->pipeline, row_run(u, r)->day);
        dash_push(v->d, &day_view, arg);
        return KR_HANDLED;
    }
    return lv_key(&u->lv, v->d, ch);
}

static void runs_title(struct view *v, char *out, size_t n)
{
    struct runs *u = v->priv;
    snprintf(out, n, "%s: %zu of %zu", v->ops->name, u->lv.nidx, u->nkeep);
}

const struct view_ops runs_view = {
    "runs",    runs_keys,   sizeof(runs_keys) / sizeof(runs_keys[0]),
    runs_open, runs_close,  runs_draw,
    runs_key,  runs_update, runs_title,
};

const struct view_ops exports_view = {
    "exports", runs_keys,   sizeof(runs_keys) / sizeof(runs_keys[0]),
    runs_open, runs_close,  runs_draw,
    runs_key,  runs_update, runs_title,
};
