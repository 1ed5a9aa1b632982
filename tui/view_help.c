/* tui/view_help.c: `?` — every key of the view it was opened from (a key that is also a key
 * everywhere, like the lists' `f`, only once, there), then the global keys and the `:`
 * commands. Static text; reads nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/dash.h"

static const struct key_help global_keys[] = {
    {"?", "this help", true},
    {"/", "filter (sticky across views; Enter keeps it, Esc restores)", true},
    {":", "command: grid tables runs exports audit history calls actions help q (Tab completes)",
     true},
    {"@", "command log: every API call", true},
    {"f", "failures only (toggle)", true},
    {"Ctrl-R", "refresh now", true},
    {"Ctrl-L", "redraw the screen", true},
    {"Esc/q", "back; q on the grid quits", true},
};

static const struct key_help help_keys[] = {{"j/k", "scroll", true}, {"Esc/q", "close", true}};

struct help {
    const struct view_ops *of;
    int top, lines;
};

static int help_open(struct view *v)
{
    struct help *h = calloc(1, sizeof(*h));

    if (h == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening help");
        return -1;
    }
    for (int i = v->d->depth - 1; i >= 0; i--)
        if (strcmp(v->d->stack[i]->ops->name, v->arg) == 0)
            h->of = v->d->stack[i]->ops;
    v->priv = h;
    return 0;
}

static void help_close(struct view *v)
{
    free(v->priv);
}

static void help_update(struct view *v)
{
    (void)v;
}

/* Whether key k is one of the keys everywhere (listed once, in that section). */
static bool is_global(const struct key_help *k)
{
    for (size_t i = 0; i < sizeof(global_keys) / sizeof(global_keys[0]); i++)
        if (strcmp(k->key, global_keys[i].key) == 0 && strcmp(k->what, global_keys[i].what) == 0)
            return true;
    return false;
}

static int section(WINDOW *w, int y, int skip, int rows, int cols, const char *title,
                   const struct key_help *k, size_t n)
{
    if (y - skip >= 0 && y - skip < rows)
        tui_put(w, y - skip, 0, title, cols, ROLE_HEAD);
    y++;
    for (size_t i = 0; i < n; i++, y++) {
        if (k != global_keys && is_global(&k[i])) {
            y--;
            continue;
        }
        if (y - skip < 0 || y - skip >= rows)
            continue;
        tui_put(w, y - skip, 2, k[i].key, 12, ROLE_ACTIVE);
        tui_put(w, y - skip, 15, k[i].what, cols - 15, ROLE_NONE);
    }
    return y + 1;
}

static void help_draw(struct view *v, WINDOW *w, bool focused)
{
    struct help *h = v->priv;
    int rows, cols, y = 0;
    char t[128];
    (void)focused;

    getmaxyx(w, rows, cols);
    if (h->of != NULL) {
        snprintf(t, sizeof(t), "Keys of the %s view", h->of->name);
        y = section(w, y, h->top, rows, cols, t, h->of->keys, h->of->nkeys);
    }
    if (h->of != NULL) {
        size_t na;
        const struct key_help *k = dash_action_keys(v->d, h->of->name, &na);
        y = section(w, y, h->top, rows, cols,
                    v->d->cfg->general.read_only
                        ? "Operator actions (read-only mode: rerun and backfill are off)"
                        : "Operator actions (confirmed first; Cancel is the default)",
                    k, na);
    }
    y = section(w, y, h->top, rows, cols, "Keys everywhere", global_keys,
                sizeof(global_keys) / sizeof(global_keys[0]));
    h->lines = y;
}

static enum key_result help_key(struct view *v, int ch)
{
    struct help *h = v->priv;

    if (ch == 'j' || ch == KEY_DOWN)
        h->top = h->top + 1 < h->lines ? h->top + 1 : h->top;
    else if (ch == 'k' || ch == KEY_UP)
        h->top = h->top > 0 ? h->top - 1 : 0;
    else if (ch == '?')
        return KR_CLOSE;
    else
        return KR_UNHANDLED;
    return KR_HANDLED;
}

static void help_title(struct view *v, char *out, size_t n)
{
    snprintf(out, n, "help: %s", v->arg);
}

const struct view_ops help_view = {
    "help",    help_keys,   sizeof(help_keys) / sizeof(help_keys[0]),
    help_open, help_close,  help_draw,
    help_key,  help_update, help_title,
};
