/* tui/view_grid_int.h: what the Grid's two files share (tui/view_grid.c: loading, drawing;
 * tui/view_grid_key.c: its keys and operator actions). Not for other views. */
#ifndef TUI_VIEW_GRID_INT_H
#define TUI_VIEW_GRID_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/timeutil.h"
#include "tui/dash.h"

#define CELL_W 4

struct gcell {
    signed char state[STAGE_COUNT]; /* enum run_state, -1: no run */
    unsigned char attempts[STAGE_COUNT];
};

struct grid {
    char (*days)[TIME_DAY_LEN]; /* newest first */
    int ndays;
    char **names;
    int *worst; /* per pipeline: the worst severity, -1 when nothing ran */
    bool *failing;
    size_t npipes;
    struct gcell *cells; /* npipes * ndays */
    size_t *rows;        /* pipelines shown, in order */
    size_t nrows;
    size_t sel, top; /* in rows */
    int col, left;   /* day index */
    int page;
    bool by_worst; /* `o`: failures first */
    bool rev;
    char filter[128];
    bool fail_only;
    unsigned gen;
    int namew;
};

static inline struct gcell *cell_at(struct grid *g, size_t p, int day)
{
    return &g->cells[p * (size_t)g->ndays + (size_t)day];
}

/* Recomputes the rows shown (filter, failures only, sort). */
void grid_refilter(struct grid *g, const struct dash *d);
enum key_result grid_key(struct view *v, int ch);

#endif
