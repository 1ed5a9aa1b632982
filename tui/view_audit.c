/* tui/view_audit.c: History/Audit — every action's intent and outcome rows, newest first, from
 * db_audit_list() once per history change, plus the latest refreshes in the detail pane.
 * Refused or failed outcomes count as failures for n/N and f. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/logs.h"
#include "tui/dash.h"
#include "tui/listview.h"

struct audit {
    struct listview lv;
    struct audit_entry *a;
    size_t n;
};

static const struct lv_col cols[] = {
    {"TIME", 16, 16, OUT_LEFT, false},        {"PHASE", 7, 7, OUT_LEFT, false},
    {"VERB", 6, 14, OUT_LEFT, false},         {"TARGET", 8, 28, OUT_LEFT, false},
    {"DAY", 3, 10, OUT_LEFT, false},          {"RESULT", 6, 8, OUT_LEFT, false},
    {"USER / DETAIL", 8, 0, OUT_LEFT, false},
};

static const struct key_help audit_keys[] = {LV_KEYS};

static void cell(void *ctx, size_t row, size_t col, char *out, size_t n)
{
    const struct audit_entry *a = &((struct audit *)ctx)->a[row];

    switch (col) {
    case 0:
        out_time(a->at_ms, out, n);
        break;
    case 1:
        snprintf(out, n, "%s", a->phase ? a->phase : "");
        break;
    case 2:
        snprintf(out, n, "%s", a->verb ? a->verb : "");
        break;
    case 3:
        snprintf(out, n, "%s", a->target ? a->target : "");
        break;
    case 4:
        snprintf(out, n, "%s", a->day ? a->day : "-");
        break;
    case 5:
        snprintf(out, n, "%s", a->result ? a->result : "-");
        break;
    default:
        snprintf(out, n, "%s %s", a->user ? a->user : "", a->detail ? a->detail : "");
    }
}

static bool failed(void *ctx, size_t row)
{
    const struct audit_entry *a = &((struct audit *)ctx)->a[row];
    return a->result != NULL &&
           (strcmp(a->result, "failed") == 0 || strcmp(a->result, "refused") == 0);
}

static int role(void *ctx, size_t row, size_t col)
{
    const struct audit_entry *a = &((struct audit *)ctx)->a[row];
    if (col != 5 || a->result == NULL)
        return ROLE_NONE;
    return failed(ctx, row) ? ROLE_FAILED : strcmp(a->result, "ok") == 0 ? ROLE_OK : ROLE_WARN;
}

static void detail(void *ctx, size_t row, struct buf *b)
{
    const struct audit_entry *a = &((struct audit *)ctx)->a[row];

    buf_printf(b, "%s %s %s%s%s%s%s in %s by %s\n", a->phase ? a->phase : "",
               a->verb ? a->verb : "", a->target ? a->target : "", a->day ? " " : "",
               a->day ? a->day : "", a->stage ? " " : "", a->stage ? a->stage : "",
               a->environment ? a->environment : "-", a->user ? a->user : "-");
    buf_printf(b, "%s\n", a->detail ? a->detail : "");
}

static int audit_open(struct view *v)
{
    struct audit *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening the audit log");
        return -1;
    }
    s->lv.sort_col = -1;
    v->priv = s;
    return 0;
}

static void audit_close(struct view *v)
{
    struct audit *s = v->priv;
    lv_release(&s->lv);
    db_audit_free(s->a, s->n);
    free(s);
}

static void audit_update(struct view *v)
{
    struct audit *s = v->priv;
    struct err e = ERR_INIT;
    struct lv_source src = {cols, sizeof(cols) / sizeof(cols[0]), 0, s, cell, role, failed, detail,
                            3};

    db_audit_free(s->a, s->n);
    s->a = NULL;
    s->n = 0;
    if (v->d->db != NULL && db_audit_list(v->d->db, 0, &s->a, &s->n, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "audit: %s", e.msg);
    src.nrows = s->n;
    if (lv_load(&s->lv, &src) != 0)
        dash_msg(v->d, ROLE_BANNER, "out of memory loading the audit log");
}

static void audit_draw(struct view *v, WINDOW *w, bool focused)
{
    struct audit *s = v->priv;
    (void)focused;
    lv_draw(&s->lv, w, v->d);
}

static enum key_result audit_key(struct view *v, int ch)
{
    struct audit *s = v->priv;
    return lv_key(&s->lv, v->d, ch);
}

static void audit_title(struct view *v, char *out, size_t n)
{
    struct audit *s = v->priv;
    snprintf(out, n, "audit: %zu of %zu rows", s->lv.nidx, s->n);
}

const struct view_ops audit_view = {
    "audit",    audit_keys,   sizeof(audit_keys) / sizeof(audit_keys[0]),
    audit_open, audit_close,  audit_draw,
    audit_key,  audit_update, audit_title,
};
