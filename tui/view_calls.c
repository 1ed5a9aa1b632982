/* tui/view_calls.c: the command log panel (`@`) — every API call pipetop made: time, service
 * and operation, HTTP status, latency, retries and the equivalent aws/bq command line, newest
 * first, from db_call_list() once per history change. Secrets are never stored, so never shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/logs.h"
#include "tui/dash.h"
#include "tui/listview.h"

#define CALLS_MAX 20000

struct calls {
    struct listview lv;
    struct api_call *c;
    size_t n;
};

static const struct lv_col cols[] = {
    {"TIME", 16, 16, OUT_LEFT, false},     {"SERVICE", 3, 10, OUT_LEFT, false},
    {"OPERATION", 8, 24, OUT_LEFT, false}, {"STATUS", 3, 6, OUT_RIGHT, true},
    {"MS", 3, 6, OUT_RIGHT, true},         {"RETRY", 5, 5, OUT_RIGHT, true},
    {"COMMAND", 8, 0, OUT_LEFT, false},
};

static const struct key_help calls_keys[] = {LV_KEYS, {"Esc/q", "back", true}};

static bool failed(void *ctx, size_t row)
{
    const struct api_call *c = &((struct calls *)ctx)->c[row];
    return c->error != NULL || c->status == 0 || c->status >= 400;
}

static void cell(void *ctx, size_t row, size_t col, char *out, size_t n)
{
    const struct api_call *c = &((struct calls *)ctx)->c[row];

    switch (col) {
    case 0:
        out_time(c->at_ms, out, n);
        break;
    case 1:
        snprintf(out, n, "%s", c->service ? c->service : "");
        break;
    case 2:
        snprintf(out, n, "%s", c->operation ? c->operation : "");
        break;
    case 3:
        if (c->status > 0)
            snprintf(out, n, "%ld", c->status);
        else
            snprintf(out, n, "-");
        break;
    case 4:
        snprintf(out, n, "%lld", (long long)c->latency_ms);
        break;
    case 5:
        snprintf(out, n, "%d", c->retries);
        break;
    default:
        snprintf(out, n, "%s", c->command ? c->command : c->url ? c->url : "");
    }
}

static int role(void *ctx, size_t row, size_t col)
{
    if (col == 3)
        return failed(ctx, row) ? ROLE_FAILED : ROLE_OK;
    if (col == 5 && ((struct calls *)ctx)->c[row].retries > 0)
        return ROLE_WARN;
    return col == 6 ? ROLE_DIM : ROLE_NONE;
}

static void detail(void *ctx, size_t row, struct buf *b)
{
    const struct api_call *c = &((struct calls *)ctx)->c[row];

    buf_printf(b, "%s %s\n", c->method ? c->method : "", c->url ? c->url : "");
    buf_printf(b, "$ %s\n", c->command ? c->command : "(no equivalent aws/bq command)");
    buf_printf(b, "sent %lld B, received %lld B%s%s\n", (long long)c->bytes_sent,
               (long long)c->bytes_received, c->error ? "; error: " : "", c->error ? c->error : "");
    if (c->retry_detail)
        buf_printf(b, "%s\n", c->retry_detail);
}

static int calls_open(struct view *v)
{
    struct calls *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening the command log");
        return -1;
    }
    s->lv.sort_col = -1;
    v->priv = s;
    return 0;
}

static void calls_close(struct view *v)
{
    struct calls *s = v->priv;
    lv_release(&s->lv);
    db_calls_free(s->c, s->n);
    free(s);
}

static void calls_update(struct view *v)
{
    struct calls *s = v->priv;
    struct err e = ERR_INIT;
    struct lv_source src = {cols, sizeof(cols) / sizeof(cols[0]), 0, s, cell, role, failed, detail,
                            4};

    db_calls_free(s->c, s->n);
    s->c = NULL;
    s->n = 0;
    if (v->d->db != NULL && db_call_list(v->d->db, CALLS_MAX, &s->c, &s->n, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "command log: %s", e.msg);
    src.nrows = s->n;
    if (lv_load(&s->lv, &src) != 0)
        dash_msg(v->d, ROLE_BANNER, "out of memory loading the command log");
}

static void calls_draw(struct view *v, WINDOW *w, bool focused)
{
    struct calls *s = v->priv;
    (void)focused;
    lv_draw(&s->lv, w, v->d);
}

static enum key_result calls_key(struct view *v, int ch)
{
    struct calls *s = v->priv;
    return lv_key(&s->lv, v->d, ch);
}

static void calls_title(struct view *v, char *out, size_t n)
{
    struct calls *s = v->priv;
    snprintf(out, n, "command log: %zu of %zu calls (newest first)", s->lv.nidx, s->n);
}

const struct view_ops calls_view = {
    "calls",    calls_keys,   sizeof(calls_keys) / sizeof(calls_keys[0]),
    calls_open, calls_close,  calls_draw,
    calls_key,  calls_update, calls_title,
};
