/* tui/view_grid_key.c: the Grid's keys — moving, n/N to the next failed cell, sorting, Enter
 * for the day detail, the mouse — and its operator keys: r reruns the selected day, R backfills
 * up to it (tui/dash.h dash_action: the dialog, the action thread). */
#include <stdio.h>
#include <string.h>

#include "tui/view_grid_int.h"

/* r: rerun the selected day; R: backfill from the oldest failed or missing day shown before
 * it, up to it (the plan skips the green days). */
static void grid_action(struct view *v, struct grid *g, int ch)
{
    size_t p = g->rows[g->sel];
    int from = g->col;

    for (int k = g->ndays - 1; ch == 'R' && k > g->col && from == g->col; k--)
        for (int s = 0; s < STAGE_COUNT; s++)
            if (cell_at(g, p, k)->state[s] >= 0 &&
                run_state_is_failure((enum run_state)cell_at(g, p, k)->state[s]))
                from = k;
    dash_action(v->d, ch == 'r' ? ACT_RERUN : ACT_BACKFILL, g->names[p], g->days[from],
                ch == 'r' ? NULL : g->days[g->col], 0);
}

/* Moves to the next (dir 1) or previous (-1) cell with a failed stage, row by row. */
static void next_failure(struct view *v, struct grid *g, int dir)
{
    size_t total = g->nrows * (size_t)g->ndays, at = g->sel * (size_t)g->ndays + (size_t)g->col;

    for (size_t k = 1; k <= total; k++) {
        size_t i = (at + (dir > 0 ? k : total - k)) % total;
        struct gcell *c = cell_at(g, g->rows[i / (size_t)g->ndays], (int)(i % (size_t)g->ndays));
        for (int s = 0; s < STAGE_COUNT; s++)
            if (c->state[s] >= 0 && run_state_is_failure((enum run_state)c->state[s])) {
                g->sel = i / (size_t)g->ndays;
                g->col = (int)(i % (size_t)g->ndays);
                return;
            }
    }
    dash_msg(v->d, ROLE_OK, "no failures in the grid");
}

enum key_result grid_key(struct view *v, int ch)
{
    struct grid *g = v->priv;
    size_t last, page = g->page > 1 ? (size_t)g->page - 1 : 1;
    char arg[512];

    if (strcmp(g->filter, v->d->filter) != 0 || g->fail_only != v->d->failures_only)
        grid_refilter(g, v->d); /* keys typed before the next draw act on the filtered rows */
    last = g->nrows > 0 ? g->nrows - 1 : 0;

    switch (ch) {
    case KEY_UP:
    case 'k':
        g->sel = g->sel > 0 ? g->sel - 1 : 0;
        break;
    case KEY_DOWN:
    case 'j':
        g->sel = g->sel < last ? g->sel + 1 : last;
        break;
    case KEY_LEFT:
    case 'h':
        g->col = g->col > 0 ? g->col - 1 : 0;
        break;
    case KEY_RIGHT:
    case 'l':
        g->col = g->col + 1 < g->ndays ? g->col + 1 : g->col;
        break;
    case KEY_PPAGE:
        g->sel = g->sel > page ? g->sel - page : 0;
        break;
    case KEY_NPAGE:
        g->sel = g->sel + page < last ? g->sel + page : last;
        break;
    case KEY_HOME:
    case 'g':
        g->sel = 0;
        break;
    case KEY_END:
    case 'G':
        g->sel = last;
        break;
    case 'n':
    case 'N':
        if (g->nrows > 0)
            next_failure(v, g, ch == 'n' ? 1 : -1);
        break;
    case 'o':
    case 'O':
        if (ch == 'o')
            g->by_worst = !g->by_worst;
        else
            g->rev = !g->rev;
        grid_refilter(g, v->d);
        dash_msg(v->d, ROLE_NONE, "sorted by %s%s", g->by_worst ? "worst state" : "name",
                 g->rev ? ", reversed" : "");
        break;
    case '\r':
    case '\n':
    case KEY_ENTER:
        if (g->nrows == 0)
            break;
        snprintf(arg, sizeof(arg), "%s\t%s", g->names[g->rows[g->sel]], g->days[g->col]);
        dash_push(v->d, &day_view, arg);
        break;
    case 'r':
    case 'R':
        if (g->nrows == 0)
            return KR_UNHANDLED;
        grid_action(v, g, ch);
        break;
    case KEY_MOUSE: {
        MEVENT me;
        if (getmouse(&me) != OK)
            break;
        if (me.bstate & BUTTON4_PRESSED)
            g->sel = g->sel > 3 ? g->sel - 3 : 0;
        else if (me.bstate & BUTTON5_PRESSED)
            g->sel = g->sel + 3 < last ? g->sel + 3 : last;
        else if (me.y > v->d->view_top && g->top + (size_t)(me.y - v->d->view_top - 1) < g->nrows) {
            g->sel = g->top + (size_t)(me.y - v->d->view_top - 1);
            if (me.x > g->namew && g->left + (me.x - g->namew - 1) / CELL_W < g->ndays)
                g->col = g->left + (me.x - g->namew - 1) / CELL_W;
        }
        break;
    }
    default:
        return KR_UNHANDLED;
    }
    return KR_HANDLED;
}
