/* tui/listview.h: the scrolling, filterable, sortable table most views are made of (runs,
 * exports, tables, schema, audit, calls, day detail). Rows come from the view's own arrays
 * through callbacks; the list keeps an index of the rows that pass the filter, refiltered
 * incrementally (a longer filter searches only the previous matches) and never re-queried on a
 * keystroke. Only the visible rows are formatted and drawn. */
#ifndef TUI_LISTVIEW_H
#define TUI_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "tui/view.h"

#define LV_MAX_COLS 10

struct lv_col {
    const char *title;
    int min, max; /* display columns; the last column takes what is left */
    enum out_align align;
    bool numeric; /* sorts by the number the cell starts with */
};

struct lv_source {
    const struct lv_col *cols;
    size_t ncols;
    size_t nrows;
    void *ctx;
    /* The text of a cell into out (size n). */
    void (*cell)(void *ctx, size_t row, size_t col, char *out, size_t n);
    /* The role of a cell (ROLE_NONE for plain); NULL: plain. */
    int (*role)(void *ctx, size_t row, size_t col);
    /* Whether the row is a failure (n/N, f); NULL: none is. */
    bool (*failed)(void *ctx, size_t row);
    /* The selected row's details for the pane under the list; NULL: no pane. */
    void (*detail)(void *ctx, size_t row, struct buf *out);
    int detail_lines; /* height of that pane */
};

struct listview {
    struct lv_source src;
    char **search; /* per row: its cells joined, for the filter */
    size_t *idx;   /* rows that pass, in display order */
    size_t nidx;
    size_t sel, top; /* positions in idx */
    int sort_col;    /* -1: the source's own order */
    bool sort_rev;
    char filter[128];
    bool fail_only;
    unsigned gen;
    int width[LV_MAX_COLS];
    int page; /* rows shown at the last draw */
};

/* (Re)loads the rows of src; keeps the selection on the same row number where it can. -1 when
 * out of memory. */
int lv_load(struct listview *lv, const struct lv_source *src);
void lv_release(struct listview *lv);

/* Applies the dashboard's sticky filter and failures-only switch when they changed. */
void lv_sync(struct listview *lv, const struct dash *d);

/* Draws the header, the visible rows and the detail pane in w. */
void lv_draw(struct listview *lv, WINDOW *w, const struct dash *d);

/* Navigation (arrows, hjkl, PgUp/PgDn, Home/End, n/N, o/O, mouse). KR_UNHANDLED for others. */
enum key_result lv_key(struct listview *lv, struct dash *d, int ch);

/* The selected source row, or (size_t)-1 when the list is empty. */
size_t lv_current(const struct listview *lv);

/* The keys lv_key handles, for the views' help tables. */
#define LV_KEYS                                                                                    \
    {"j/k ↑/↓", "move", false}, {"PgUp/PgDn", "page", false}, {"Home/End", "first/last", false},   \
        {"n/N", "next/previous failure", true}, {"o", "sort by next column", true},                \
        {"O", "reverse the sort", false},                                                          \
    {                                                                                              \
        "f", "failures only (toggle)", false                                                       \
    }

#endif
