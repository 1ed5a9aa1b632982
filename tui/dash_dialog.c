/* tui/dash_dialog.c: the confirmation dialog of the dashboard's operator actions, modal, drawn
 * over the focused view. While the action thread plans it says so; then it restates verb,
 * target, days (for a schema-apply: the exact fields the patch adds), stages and environment
 * with the preview (days x stages, ETA) and the answer keys — Cancel is the default: Enter, Esc
 * and n cancel, y proceeds; a span beyond GATE_TYPED_AFTER_DAYS days needs the pipeline's name
 * typed. A refusal (nothing was sent) is shown with its reason until dismissed. It never sends
 * anything itself. */
#include <string.h>

#include "tui/dash_int.h"
#include "tui/gate.h"

#define DIALOG_MAX_W 100

static bool typed_needed(const struct act_job *j)
{
    return j->kind != ACT_ABANDON && j->n_days > GATE_TYPED_AFTER_DAYS;
}

/* Puts text wrapped at width from row *y, at most max rows; advances *y. */
static void wrap(WINDOW *w, int *y, int x, const char *text, int width, int max, int role)
{
    const char *p = text;

    for (int i = 0; i < max && *p; i++) {
        size_t b = tui_fit_bytes(p, width), sp = b;
        char line[512];
        while (p[b] != '\0' && p[b] != ' ' && sp > 0 && p[sp - 1] != ' ')
            sp--; /* break at a space when the line has one */
        if (p[b] != '\0' && p[b] != ' ' && sp > 0)
            b = sp;
        if (i == max - 1 && p[b] != '\0')
            b = strlen(p); /* the last row: tui_put cuts it with an ellipsis */
        snprintf(line, sizeof(line), "%.*s", (int)(b < sizeof(line) - 1 ? b : sizeof(line) - 1), p);
        tui_put(w, (*y)++, x, line, width, role);
        p += b;
        while (*p == ' ')
            p++;
    }
}

static void field(WINDOW *w, int *y, int cols, const char *name, const char *value, int max)
{
    tui_put(w, *y, 2, name, 13, ROLE_HEAD);
    wrap(w, y, 15, value && value[0] ? value : "-", cols - 17, max, ROLE_NONE);
}

/* The preview's lines, as many as fit in rows (the rest counted). */
static void preview(WINDOW *w, int *y, int cols, const char *text, int rows)
{
    int total = 0, shown = 0;
    const char *p = text;

    for (const char *q = text; q && *q; q++)
        total += *q == '\n';
    while (p && *p && shown < rows) {
        const char *nl = strchr(p, '\n');
        char line[600];
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (shown == rows - 1 && total > rows) {
            snprintf(line, sizeof(line), "... %d more line%s", total - shown,
                     total - shown == 1 ? "" : "s");
            tui_put(w, (*y)++, 2, line, cols - 4, ROLE_DIM);
            return;
        }
        snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1),
                 p);
        tui_put(w, (*y)++, 2, line, cols - 4,
                strstr(line, "REFUSED")   ? ROLE_FAILED
                : strstr(line, "skipped") ? ROLE_DIM
                                          : ROLE_NONE);
        shown++;
        p = nl ? nl + 1 : NULL;
    }
}

void dash_dialog_draw(struct dash *d)
{
    const struct act_job *j = dash_job(d, d->dialog);
    int cols = COLS - 4 < DIALOG_MAX_W ? COLS - 4 : DIALOG_MAX_W, rows, y = 1;
    int top, left = (COLS - cols) / 2, avail, want = 13;
    char days[64], title[700], line[900];
    WINDOW *w;

    if (j == NULL)
        return;
    for (const char *q = j->preview; q && *q; q++) /* as tall as its content, at most the screen */
        want += *q == '\n';
    want += j->state != ACT_CONFIRM && j->why[0] ? 4 : 0;
    want += j->state == ACT_CONFIRM && typed_needed(j) ? 1 : 0;
    want += j->kind == ACT_SCHEMA_APPLY ? 2 : 0; /* the fields wrap */
    rows = want < LINES - 2 ? want : LINES - 2;
    top = (LINES - rows) / 2;
    w = derwin(stdscr, rows, cols, top, left);
    if (w == NULL)
        return;
    werase(w);
    wattrset(w, tui_attr(ROLE_NONE));
    box(w, 0, 0);
    if (strcmp(j->from, j->to) != 0)
        snprintf(days, sizeof(days), "%s .. %s", j->from, j->to);
    else
        snprintf(days, sizeof(days), "%s", j->from);
    snprintf(title, sizeof(title), " %s %s %s ",
             j->state == ACT_CONFIRM ? "Confirm:" : "Action:", j->verb, j->target);
    tui_puts(w, 0, 2, title, cols - 4, ROLE_HEAD);
    field(w, &y, cols, "verb", j->verb, 1);
    field(w, &y, cols, j->kind == ACT_SCHEMA || j->kind == ACT_SCHEMA_APPLY ? "table" : "pipeline",
          j->target, 1);
    if (j->kind == ACT_SCHEMA_APPLY)
        field(w, &y, cols, "adds", j->fields[0] ? j->fields : "(checking the newest export)", 2);
    else if (j->n_days > 0)
        snprintf(line, sizeof(line), "%s (%d day%s, %d to run)", days, j->n_days,
                 j->n_days == 1 ? "" : "s", j->n_run);
    else
        snprintf(line, sizeof(line), "%s", days);
    if (j->kind != ACT_SCHEMA_APPLY)
        field(w, &y, cols, "days", line, 1);
    field(w, &y, cols, "stages", j->stages[0] ? j->stages : "(planning)", 1);
    field(w, &y, cols, "environment", j->env[0] ? j->env : "(reading)", 3);
    y++;
    avail = rows - y - 4 - (j->state == ACT_CONFIRM && typed_needed(j));
    if (j->state == ACT_QUEUED || j->state == ACT_PLANNING) {
        tui_put(w, y++, 2,
                j->state == ACT_QUEUED ? "queued: another action is running; it is planned next"
                : j->kind == ACT_SCHEMA_APPLY
                    ? "checking the drift again from the newest export (nothing is sent)..."
                    : "reading the clouds to plan (nothing is sent)...",
                cols - 4, ROLE_ACTIVE);
    } else {
        if (j->state != ACT_CONFIRM && j->why[0]) {
            wrap(w, &y, 2, j->why, cols - 4, 4, j->state == ACT_NOTHING ? ROLE_OK : ROLE_FAILED);
            avail -= 4;
        }
        preview(w, &y, cols, j->preview, avail > 1 ? avail : 1);
    }
    y = rows - 3;
    if (j->state == ACT_CONFIRM && typed_needed(j)) {
        snprintf(line, sizeof(line),
                 "This spans %d days: type the name '%.300s' to proceed:", j->n_days, j->target);
        tui_put(w, y - 1, 2, line, cols - 4, ROLE_WARN);
        snprintf(line, sizeof(line), "> %.300s_", d->typed);
        tui_put(w, y++, 2, line, cols - 4, ROLE_NONE);
        tui_put(w, y, 2, "Enter checks the name   Esc cancels (the default)", cols - 4, ROLE_KEY);
    } else if (j->state == ACT_CONFIRM) {
        tui_put(w, y++, 2, "Proceed? Nothing has been sent yet.", cols - 4, ROLE_WARN);
        tui_put(w, y, 2, "y proceed   n / Enter / Esc cancel (the default)", cols - 4, ROLE_KEY);
    } else if (j->state == ACT_QUEUED || j->state == ACT_PLANNING) {
        tui_put(w, y + 1 - 1, 2, "Esc / n cancel", cols - 4, ROLE_KEY);
    } else {
        tui_put(w, y++, 2, "Nothing was sent.", cols - 4, ROLE_NONE);
        tui_put(w, y, 2, "Enter / Esc close", cols - 4, ROLE_KEY);
    }
    delwin(w);
}

static void cancel(struct dash *d, const struct act_job *j)
{
    if (actor_cancel(d->act, j->id))
        dash_msg(d, ROLE_NONE, "%s of %s cancelled; nothing was sent", j->verb, j->target);
    d->dialog = 0;
}

bool dash_dialog_key(struct dash *d, int ch)
{
    const struct act_job *j = dash_job(d, d->dialog);
    size_t len = strlen(d->typed);

    if (d->dialog == 0)
        return false;
    if (j == NULL || d->act == NULL) {
        d->dialog = 0;
        return true;
    }
    if (ch == KEY_RESIZE || ch == KEY_MOUSE || ch == 12)
        return ch != KEY_RESIZE && ch != 12;
    if (j->state != ACT_CONFIRM) {
        if (ch == 27 || ch == 'n' || ch == 'q' || ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
            if (act_state_is_final(j->state))
                d->dialog = 0;
            else
                cancel(d, j);
        }
        return true;
    }
    if (typed_needed(j)) {
        if (ch == 27) {
            cancel(d, j);
        } else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
            if (strcmp(d->typed, j->target) == 0 && actor_confirm(d->act, j->id)) {
                dash_msg(d, ROLE_ACTIVE, "%s of %s started (a: progress)", j->verb, j->target);
                d->dialog = 0; /* the strip and the panel show it from now on */
            } else {
                cancel(d, j);
            }
        } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
            while (len > 0 && ((unsigned char)d->typed[len - 1] & 0xC0) == 0x80)
                len--;
            d->typed[len > 0 ? len - 1 : 0] = '\0';
        } else if (ch >= 32 && ch <= 255 && len + 1 < sizeof(d->typed)) {
            d->typed[len] = (char)ch;
            d->typed[len + 1] = '\0';
        }
        return true;
    }
    if (ch == 'y' || ch == 'Y') {
        if (actor_confirm(d->act, j->id))
            dash_msg(d, ROLE_ACTIVE, "%s of %s started (a: progress)", j->verb, j->target);
        d->dialog = 0; /* the strip and the panel show it from now on */
    } else if (ch == 27 || ch == 'n' || ch == 'N' || ch == 'q' || ch == '\r' || ch == '\n' ||
               ch == KEY_ENTER) {
        cancel(d, j);
    }
    return true; /* every other key waits for an answer */
}
