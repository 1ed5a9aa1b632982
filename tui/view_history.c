/* tui/view_history.c: History — every refresh pipetop made (newest first): when it started, how
 * long it took, how it ended and its summary (calls, rows, gaps), from db_list_refreshes() once
 * per history change. Failed and partial refreshes count as failures for n/N and f. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/logs.h"
#include "tui/dash.h"
#include "tui/listview.h"

#define HISTORY_MAX 5000

struct history {
    struct listview lv;
    struct db_refresh *r;
    size_t n;
};

static const struct lv_col cols[] = {
    {"#", 2, 7, OUT_RIGHT, true},        {"STARTED", 16, 16, OUT_LEFT, false},
    {"TOOK", 4, 8, OUT_RIGHT, false},    {"STATUS", 6, 8, OUT_LEFT, false},
    {"SUMMARY", 10, 0, OUT_LEFT, false},
};

static const struct key_help history_keys[] = {LV_KEYS};

static void cell(void *ctx, size_t row, size_t col, char *out, size_t n)
{
    const struct db_refresh *r = &((struct history *)ctx)->r[row];

    switch (col) {
    case 0:
        snprintf(out, n, "%lld", (long long)r->id);
        break;
    case 1:
        out_time(r->started_ms, out, n);
        break;
    case 2:
        out_duration(r->ended_ms > 0 ? r->ended_ms - r->started_ms : -1, out, n);
        break;
    case 3:
        snprintf(out, n, "%s", db_refresh_status_name(r->status));
        break;
    default:
        snprintf(out, n, "%s", r->summary ? r->summary : "");
    }
}

static bool failed(void *ctx, size_t row)
{
    enum db_refresh_status s = ((struct history *)ctx)->r[row].status;
    return s == DB_REFRESH_FAILED || s == DB_REFRESH_PARTIAL;
}

static int role(void *ctx, size_t row, size_t col)
{
    enum db_refresh_status s = ((struct history *)ctx)->r[row].status;
    if (col != 3)
        return col == 0 ? ROLE_DIM : ROLE_NONE;
    return s == DB_REFRESH_OK        ? ROLE_OK
           : s == DB_REFRESH_RUNNING ? ROLE_ACTIVE
           : s == DB_REFRESH_PARTIAL ? ROLE_WARN
                                     : ROLE_FAILED;
}

static void detail(void *ctx, size_t row, struct buf *b)
{
    const struct db_refresh *r = &((struct history *)ctx)->r[row];

    buf_printf(b, "refresh %lld: %s\n%s\n", (long long)r->id, db_refresh_status_name(r->status),
               r->summary ? r->summary : "");
}

static int history_open(struct view *v)
{
    struct history *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening the refresh history");
        return -1;
    }
    s->lv.sort_col = -1;
    v->priv = s;
    return 0;
}

static void history_close(struct view *v)
{
    struct history *s = v->priv;
    lv_release(&s->lv);
    db_refreshes_free(s->r, s->n);
    free(s);
}

static void history_update(struct view *v)
{
    struct history *s = v->priv;
    struct err e = ERR_INIT;
    struct lv_source src = {cols, sizeof(cols) / sizeof(cols[0]), 0, s, cell, role, failed, detail,
                            4};

    db_refreshes_free(s->r, s->n);
    s->r = NULL;
    s->n = 0;
    if (v->d->db != NULL && db_list_refreshes(v->d->db, HISTORY_MAX, &s->r, &s->n, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "history: %s", e.msg);
    src.nrows = s->n;
    if (lv_load(&s->lv, &src) != 0)
        dash_msg(v->d, ROLE_BANNER, "out of memory loading the refresh history");
}

static void history_draw(struct view *v, WINDOW *w, bool focused)
{
    struct history *s = v->priv;
    (void)focused;
    lv_draw(&s->lv, w, v->d);
}

static enum key_result history_key(struct view *v, int ch)
{
    struct history *s = v->priv;
    return lv_key(&s->lv, v->d, ch);
}

static void history_title(struct view *v, char *out, size_t n)
{
    struct history *s = v->priv;
    snprintf(out, n, "history: %zu of %zu refreshes", s->lv.nidx, s->n);
}

const struct view_ops history_view = {
    "history",    history_keys,   sizeof(history_keys) / sizeof(history_keys[0]),
    history_open, history_close,  history_draw,
    history_key,  history_update, history_title,
};
