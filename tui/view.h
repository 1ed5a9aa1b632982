/* tui/view.h: one screen that draws itself and handles keys (tmux's window_mode, htop's Panel).
 * Each view lives in its own file and exports `const struct view_ops NAME_view`; the screen
 * manager (tui/dash.c) owns the only key loop and the stack of open views. Views read the
 * history database through state/ in on_update only, never on a keystroke. */
#ifndef TUI_VIEW_H
#define TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/curses.h"

struct dash;
struct view;

enum key_result {
    KR_UNHANDLED = 0, /* the screen manager tries its global keys */
    KR_HANDLED,       /* redraw */
    KR_CLOSE,         /* pop this view */
};

struct key_help {
    const char *key;  /* "Enter", "n/N" */
    const char *what; /* "open the day", "next/previous failure" */
    bool hint;        /* also shown in the hint bar */
};

struct view_ops {
    const char *name; /* "grid": also its `:` command */
    const struct key_help *keys;
    size_t nkeys;
    int (*open)(struct view *v); /* allocate v->priv; -1 with d->msg set on failure */
    void (*close)(struct view *v);
    void (*draw)(struct view *v, WINDOW *w, bool focused); /* w: the view's region */
    enum key_result (*key)(struct view *v, int ch);
    void (*on_update)(struct view *v); /* the history changed (or first open): re-query */
    void (*title)(struct view *v, char *out, size_t n);
};

struct view {
    const struct view_ops *ops;
    struct dash *d;
    void *priv;
    char arg[512]; /* what the view shows: "pipeline\tday", a table name, ... */
};

/* The views. */
extern const struct view_ops grid_view, day_view, runs_view, exports_view, tables_view, schema_view,
    audit_view, history_view, calls_view, help_view, actions_view;

#endif
