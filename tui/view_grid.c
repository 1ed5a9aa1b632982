/* tui/view_grid.c: the Grid, the dashboard's home: rows = pipelines, columns = days (newest
 * first), each cell the export/transfer/query glyphs coloured by state. The latest attempt per
 * stage comes from db_grid() once per history change; scrolling, filtering, sorting and n/N run
 * on the in-memory cells. Only visible rows and columns are drawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "state/grid.h"
#include "tui/view_grid_int.h"

#define NAME_MIN 12
#define NAME_MAX 28

static const struct key_help grid_keys[] = {
    {"Enter", "day detail", true},
    {"n/N", "next/prev failure", true},
    {"h/l ←/→", "newer/older day", false},
    {"j/k ↑/↓", "pipeline", false},
    {"PgUp/PgDn", "page", false},
    {"Home/End", "first/last pipeline", false},
    {"o", "sort: name / failures first", false},
    {"O", "reverse the sort", false},
    {"f", "failures only", false},
};

static void grid_clear(struct grid *g)
{
    for (size_t i = 0; i < g->npipes; i++)
        free(g->names[i]);
    free(g->names);
    free(g->worst);
    free(g->failing);
    free(g->cells);
    free(g->rows);
    free(g->days);
    g->names = NULL;
    g->worst = NULL;
    g->failing = NULL;
    g->cells = NULL;
    g->rows = NULL;
    g->days = NULL;
    g->npipes = g->nrows = 0;
    g->ndays = 0;
}

static int grid_open(struct view *v)
{
    v->priv = calloc(1, sizeof(struct grid));
    if (v->priv == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening the grid");
        return -1;
    }
    return 0;
}

static void grid_close(struct view *v)
{
    grid_clear(v->priv);
    free(v->priv);
}

static int cmp_name(const void *a, const void *b, void *ctx)
{
    const struct grid *g = ctx;
    return strcmp(g->names[*(const size_t *)a], g->names[*(const size_t *)b]);
}

static int cmp_worst(const void *a, const void *b, void *ctx)
{
    const struct grid *g = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (g->worst[x] != g->worst[y])
        return g->worst[x] > g->worst[y] ? -1 : 1;
    return strcmp(g->names[x], g->names[y]);
}

void grid_refilter(struct grid *g, const struct dash *d)
{
    size_t cur = g->sel < g->nrows ? g->rows[g->sel] : (size_t)-1;

    g->nrows = 0;
    for (size_t p = 0; p < g->npipes; p++)
        if ((!d->failures_only || g->failing[p]) && dash_match(d, g->names[p]))
            g->rows[g->nrows++] = p;
    qsort_r(g->rows, g->nrows, sizeof(*g->rows), g->by_worst ? cmp_worst : cmp_name, g);
    if (g->rev)
        for (size_t i = 0; i < g->nrows / 2; i++) {
            size_t t = g->rows[i];
            g->rows[i] = g->rows[g->nrows - 1 - i];
            g->rows[g->nrows - 1 - i] = t;
        }
    g->sel = 0;
    for (size_t i = 0; i < g->nrows; i++)
        if (g->rows[i] == cur)
            g->sel = i;
    snprintf(g->filter, sizeof(g->filter), "%s", d->filter);
    g->fail_only = d->failures_only;
}

static int find_pipe(struct grid *g, const char *name, size_t hint)
{
    if (hint < g->npipes && strcmp(g->names[hint], name) == 0)
        return (int)hint;
    return -1;
}

/* Groups db_grid's rows (ordered by pipeline, day, stage) into the cell array. */
static int grid_fill(struct grid *g, struct dash *d, const struct stage_run *r, size_t n)
{
    size_t np = 0;

    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(r[i].pipeline, r[i - 1].pipeline) != 0)
            np++;
    g->names = calloc(np + 1, sizeof(*g->names));
    g->worst = calloc(np + 1, sizeof(*g->worst));
    g->failing = calloc(np + 1, sizeof(*g->failing));
    g->rows = calloc(np + 1, sizeof(*g->rows));
    g->cells = malloc((np + 1) * (size_t)g->ndays * sizeof(*g->cells));
    if (!g->names || !g->worst || !g->failing || !g->rows || !g->cells)
        return -1;
    memset(g->cells, -1, (np + 1) * (size_t)g->ndays * sizeof(*g->cells));
    d->any_active = false;
    for (size_t i = 0; i < n; i++) {
        int day, p = g->npipes > 0 ? find_pipe(g, r[i].pipeline, g->npipes - 1) : -1;
        struct err e = ERR_INIT;
        if (p < 0) {
            p = (int)g->npipes;
            g->names[g->npipes] = strdup(r[i].pipeline);
            if (g->names[g->npipes++] == NULL)
                return -1;
            g->worst[p] = -1;
        }
        if (time_day_diff(r[i].day, g->days[0], &day, &e) != 0 || day < 0 || day >= g->ndays)
            continue;
        struct gcell *c = cell_at(g, (size_t)p, day);
        c->state[r[i].stage] = (signed char)r[i].state;
        c->attempts[r[i].stage] = (unsigned char)(r[i].attempt > 255 ? 255 : r[i].attempt);
        if (run_state_severity(r[i].state) > g->worst[p])
            g->worst[p] = run_state_severity(r[i].state);
        if (run_state_is_failure(r[i].state))
            g->failing[p] = true;
        if (run_state_is_active(r[i].state))
            d->any_active = true;
    }
    return 0;
}

static void grid_update(struct view *v)
{
    struct grid *g = v->priv;
    struct dash *d = v->d;
    struct stage_run *r = NULL;
    size_t n = 0;
    struct err e = ERR_INIT;
    char today[TIME_DAY_LEN];
    size_t cur_pipe = g->sel < g->nrows ? g->rows[g->sel] : (size_t)-1;
    char *cur_name = cur_pipe != (size_t)-1 ? strdup(g->names[cur_pipe]) : NULL;

    grid_clear(g);
    g->ndays = d->cfg->general.days > 0 ? d->cfg->general.days : 14;
    g->days = calloc((size_t)g->ndays, sizeof(*g->days));
    if (g->days == NULL)
        goto oom;
    time_day_of(dash_now_ms(d), today);
    for (int i = 0; i < g->ndays; i++)
        time_day_add(today, -i, g->days[i], &e);
    if (d->db != NULL && db_grid(d->db, g->days[g->ndays - 1], 0, &r, &n, &e) != 0)
        dash_msg(d, ROLE_BANNER, "grid: %s", e.msg);
    if (grid_fill(g, d, r, n) != 0)
        goto oom;
    db_stage_runs_free(r, n);
    g->namew = NAME_MIN;
    for (size_t p = 0; p < g->npipes; p++) {
        int w = out_width(g->names[p]);
        if (w > g->namew)
            g->namew = w < NAME_MAX ? w : NAME_MAX;
    }
    g->sel = 0;
    grid_refilter(g, d);
    for (size_t i = 0; cur_name != NULL && i < g->nrows; i++)
        if (strcmp(g->names[g->rows[i]], cur_name) == 0)
            g->sel = i;
    free(cur_name);
    if (g->col >= g->ndays)
        g->col = g->ndays - 1;
    return;
oom:
    db_stage_runs_free(r, n);
    free(cur_name);
    grid_clear(g);
    dash_msg(d, ROLE_BANNER, "out of memory loading the grid");
}

static int stage_role(int st)
{
    return st < 0 ? ROLE_DIM : (int)out_role_of((enum run_state)st);
}

static void draw_cell(struct view *v, WINDOW *w, int y, int x, const struct gcell *c, bool sel)
{
    for (int s = 0; s < STAGE_COUNT; s++) {
        const char *gl = c->state[s] < 0 ? (v->d->utf8 ? "·" : ".")
                                         : dash_glyph(v->d, (enum run_state)c->state[s]);
        tui_put(w, y, x + s, gl, 1, sel ? ROLE_SELECTED : stage_role(c->state[s]));
    }
}

static void describe(struct view *v, struct grid *g, char *out, size_t n)
{
    size_t p;
    struct gcell *c;
    const struct db_action *a;
    int k;

    if (g->nrows == 0) {
        snprintf(out, n, "%s",
                 g->npipes == 0 ? "no pipelines recorded yet"
                                : "no pipeline matches: / to change the filter, f for all");
        return;
    }
    p = g->rows[g->sel];
    c = cell_at(g, p, g->col);
    a = dash_inflight(v->d, g->names[p], g->days[g->col]);
    k = snprintf(out, n, "%s %s:", g->names[p], g->days[g->col]);
    for (int s = 0; s < STAGE_COUNT && k > 0 && (size_t)k < n; s++) {
        if (c->state[s] < 0)
            k += snprintf(out + k, n - (size_t)k, "  %c -", stage_letter((enum stage)s));
        else
            k += snprintf(out + k, n - (size_t)k, "  %c %s %s%s", stage_letter((enum stage)s),
                          dash_glyph(v->d, (enum run_state)c->state[s]),
                          run_state_name((enum run_state)c->state[s]),
                          c->attempts[s] > 1 ? " (retried)" : "");
    }
    if (a != NULL && k > 0 && (size_t)k < n)
        snprintf(out + k, n - (size_t)k, "  %s action #%lld (a: progress)",
                 db_action_owner_alive(a) ? "» in flight:" : "interrupted:", (long long)a->id);
}

static void grid_draw(struct view *v, WINDOW *w, bool focused)
{
    struct grid *g = v->priv;
    int rows, cols, ncols, list_h, x0;
    char line[512];
    (void)focused;

    if (strcmp(g->filter, v->d->filter) != 0 || g->fail_only != v->d->failures_only)
        grid_refilter(g, v->d);
    getmaxyx(w, rows, cols);
    x0 = g->namew + 1;
    ncols = (cols - x0) / CELL_W;
    if (ncols > g->ndays)
        ncols = g->ndays;
    if (g->col < g->left)
        g->left = g->col;
    if (g->col >= g->left + ncols)
        g->left = g->col - ncols + 1;
    list_h = rows - 2;
    g->page = list_h;
    if (g->sel < g->top)
        g->top = g->sel;
    if (g->sel >= g->top + (size_t)list_h)
        g->top = g->sel - (size_t)list_h + 1;
    tui_put(w, 0, 0, "PIPELINE", g->namew, ROLE_HEAD);
    for (int i = 0; i < ncols; i++) {
        int day = g->left + i;
        snprintf(line, sizeof(line), "%s", g->days[day] + 8);
        tui_put(w, 0, x0 + i * CELL_W, line, CELL_W, day == 0 ? ROLE_ACTIVE : ROLE_HEAD);
    }
    for (int i = 0; i < list_h && g->top + (size_t)i < g->nrows; i++) {
        size_t pos = g->top + (size_t)i, p = g->rows[pos];
        tui_put(w, 1 + i, 0, g->names[p], g->namew,
                pos == g->sel   ? ROLE_HEAD
                : g->failing[p] ? ROLE_FAILED
                                : ROLE_NONE);
        for (int k = 0; k < ncols; k++) {
            draw_cell(v, w, 1 + i, x0 + k * CELL_W, cell_at(g, p, g->left + k),
                      pos == g->sel && g->left + k == g->col);
            if (dash_inflight(v->d, g->names[p], g->days[g->left + k]) != NULL)
                tui_put(w, 1 + i, x0 + k * CELL_W + 3, v->d->utf8 ? "»" : ">", 1, ROLE_ACTIVE);
        }
    }
    describe(v, g, line, sizeof(line));
    tui_put(w, rows - 1, 0, line, cols, ROLE_NONE);
}

static void grid_title(struct view *v, char *out, size_t n)
{
    struct grid *g = v->priv;
    size_t failing = 0;

    for (size_t p = 0; p < g->npipes; p++)
        failing += g->failing[p];
    if (g->nrows != g->npipes)
        snprintf(out, n, "grid %zu of %zu pipelines, %zu failing", g->nrows, g->npipes, failing);
    else
        snprintf(out, n, "grid %zu pipelines, %zu failing", g->npipes, failing);
}

const struct view_ops grid_view = {
    "grid",    grid_keys,   sizeof(grid_keys) / sizeof(grid_keys[0]),
    grid_open, grid_close,  grid_draw,
    grid_key,  grid_update, grid_title,
};
