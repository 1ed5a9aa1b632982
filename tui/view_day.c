/* tui/view_day.c: Day detail — every attempt of every stage of one pipeline-day (Enter on a grid
 * cell): ids, times, attempts, the service's raw state and error, the selected run in full
 * below the list. Read from db_day_runs() when the history changes; never from the network. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/grid.h"
#include "tui/dash.h"
#include "tui/listview.h"

struct day {
    struct listview lv;
    struct stage_run *r;
    size_t n;
    char pipeline[256], day[TIME_DAY_LEN];
    struct dash *d;
};

static const struct lv_col cols[] = {
    {"STAGE", 10, 10, OUT_LEFT, false},     {"TRY", 3, 3, OUT_RIGHT, true},
    {"STATE", 8, 18, OUT_LEFT, false},      {"RAW", 6, 14, OUT_LEFT, false},
    {"STARTED", 16, 16, OUT_LEFT, false},   {"TOOK", 6, 8, OUT_RIGHT, false},
    {"ID / ERROR", 10, 0, OUT_LEFT, false},
};

static const struct key_help day_keys[] = {{"L", "fetch the selected transfer run's logs", true},
                                           LV_KEYS,
                                           {"Esc/q", "back to the grid", true}};

static void cell(void *ctx, size_t row, size_t col, char *out, size_t n)
{
    struct day *y = ctx;
    const struct stage_run *r = &y->r[row];

    switch (col) {
    case 0:
        snprintf(out, n, "%c %s", stage_letter(r->stage), stage_name(r->stage));
        break;
    case 1:
        snprintf(out, n, "%d", r->attempt);
        break;
    case 2:
        snprintf(out, n, "%s %s", dash_glyph(y->d, r->state), run_state_name(r->state));
        break;
    case 3:
        snprintf(out, n, "%s", r->raw_state ? r->raw_state : "-");
        break;
    case 4:
        out_time(r->started_ms, out, n);
        break;
    case 5:
        out_duration(r->ended_ms > 0 && r->started_ms > 0 ? r->ended_ms - r->started_ms : -1, out,
                     n);
        break;
    default:
        snprintf(out, n, "%s",
                 r->error_message ? r->error_message
                 : r->service_id  ? r->service_id
                                  : "-");
    }
}

static int role(void *ctx, size_t row, size_t col)
{
    struct day *y = ctx;
    return col == 2 || (col == 6 && y->r[row].error_message) ? (int)out_role_of(y->r[row].state)
                                                             : ROLE_NONE;
}

static bool failed(void *ctx, size_t row)
{
    struct day *y = ctx;
    return run_state_is_failure(y->r[row].state);
}

/* The transfer run's logs as the engine has them: fetched on demand with L. */
static void logs_detail(struct dash *d, const struct stage_run *r, struct buf *b)
{
    char *text = NULL;

    if (r->service_id == NULL) {
        buf_puts(b, "transfer logs: no DTS run id is known for this run\n");
        return;
    }
    if (d->eng == NULL) {
        buf_puts(b, "transfer logs: not fetched with --offline (the engine is off)\n");
        return;
    }
    switch (engine_logs(d->eng, r->service_id, &text)) {
    case LOGS_NONE:
        buf_puts(b, "transfer logs: press L to fetch them\n");
        break;
    case LOGS_PENDING:
        buf_puts(b, "transfer logs: fetching (after the refresh in progress, if any)...\n");
        break;
    case LOGS_READY:
        buf_printf(b, "transfer logs:\n%s", text != NULL ? text : "");
        break;
    case LOGS_FAILED:
        buf_printf(b, "transfer logs could not be fetched: %s\n", text != NULL ? text : "");
        break;
    }
    free(text);
}

static void detail(void *ctx, size_t row, struct buf *b)
{
    struct day *y = ctx;
    const struct stage_run *r = &y->r[row];
    char t1[40], t2[40], t3[40];

    buf_printf(b, "%s %s, attempt %d: %s %s (service said %s)\n", stage_name(r->stage), r->day,
               r->attempt, dash_glyph(y->d, r->state), run_state_name(r->state),
               r->raw_state ? r->raw_state : "nothing");
    buf_printf(b, "id       %s\n", r->service_id ? r->service_id : "-");
    buf_printf(b, "started  %s   ended %s   updated %s\n", out_time(r->started_ms, t1, sizeof(t1)),
               out_time(r->ended_ms, t2, sizeof(t2)), out_time(r->updated_ms, t3, sizeof(t3)));
    if (r->error_code || r->error_message)
        buf_printf(b, "error    %s%s%s\n", r->error_code ? r->error_code : "",
                   r->error_code && r->error_message ? ": " : "",
                   r->error_message ? r->error_message : "");
    if (r->stage == STAGE_TRANSFER)
        logs_detail(y->d, r, b);
}

static int day_open(struct view *v)
{
    struct day *y = calloc(1, sizeof(*y));
    const char *tab = strchr(v->arg, '\t');

    if (y == NULL || tab == NULL) {
        free(y);
        dash_msg(v->d, ROLE_BANNER, "cannot open the day detail");
        return -1;
    }
    snprintf(y->pipeline, sizeof(y->pipeline), "%.*s", (int)(tab - v->arg), v->arg);
    snprintf(y->day, sizeof(y->day), "%s", tab + 1);
    y->lv.sort_col = -1;
    y->d = v->d;
    v->priv = y;
    return 0;
}

static void day_close(struct view *v)
{
    struct day *y = v->priv;
    lv_release(&y->lv);
    db_stage_runs_free(y->r, y->n);
    free(y);
}

static void day_update(struct view *v)
{
    struct day *y = v->priv;
    struct err e = ERR_INIT;
    struct lv_source src = {cols, sizeof(cols) / sizeof(cols[0]), 0, y, cell, role, failed, detail,
                            10};

    db_stage_runs_free(y->r, y->n);
    y->r = NULL;
    y->n = 0;
    if (v->d->db != NULL && db_day_runs(v->d->db, y->pipeline, y->day, &y->r, &y->n, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "day detail: %s", e.msg);
    src.nrows = y->n;
    if (lv_load(&y->lv, &src) != 0)
        dash_msg(v->d, ROLE_BANNER, "out of memory loading the day detail");
}

static void day_draw(struct view *v, WINDOW *w, bool focused)
{
    struct day *y = v->priv;
    (void)focused;
    lv_draw(&y->lv, w, v->d);
}

static enum key_result day_key(struct view *v, int ch)
{
    struct day *y = v->priv;
    size_t r;

    lv_sync(&y->lv, v->d);
    r = lv_current(&y->lv);

    if (ch == 'r') {
        dash_action(v->d, ACT_RERUN, y->pipeline, y->day, NULL, 0);
        return KR_HANDLED;
    }
    if (ch != 'L')
        return lv_key(&y->lv, v->d, ch);
    if (r == (size_t)-1 || y->r[r].stage != STAGE_TRANSFER || y->r[r].service_id == NULL)
        dash_msg(v->d, ROLE_WARN, "L fetches transfer logs: select a transfer run first");
    else if (v->d->eng == NULL)
        dash_msg(v->d, ROLE_WARN, "transfer logs are not fetched with --offline");
    else if (!engine_request_logs(v->d->eng, y->r[r].service_id))
        dash_msg(v->d, ROLE_WARN, "transfer logs: the engine is not ready (%s)", v->d->es.detail);
    else
        dash_msg(v->d, ROLE_NONE, "fetching the transfer logs of %s", y->r[r].service_id);
    return KR_HANDLED;
}

static void day_title(struct view *v, char *out, size_t n)
{
    struct day *y = v->priv;
    snprintf(out, n, "day %s %s: %zu runs", y->pipeline, y->day, y->n);
}

const struct view_ops day_view = {
    "day",    day_keys,   sizeof(day_keys) / sizeof(day_keys[0]),
    day_open, day_close,  day_draw,
    day_key,  day_update, day_title,
};
