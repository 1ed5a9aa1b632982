/* tui/view_grid.c: the Grid, the dashboard's home: rows = pipelines, columns = days (newest
 * first), each cell the export/transfer/query glyphs coloured by state. The latest attempt per
 * stage comes from db_grid() once per history change; scrolling, filtering, sorting and n/N run
 * on the in-memory cells. Only visible rows and columns are drawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "state/grid.h"
#include "tui/dash.h"

#define NAME_MIN 12
#define NAME_MAX 28
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

static struct gcell *cell_at(struct grid *g, size_t p, int day)
{
    return &g->cells[p * (size_t)g->ndays + (size_t)day];
}

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

static void grid_refilter(struct grid *g, const struct dash *d)
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

static enum key_result grid_key(struct view *v, int ch)
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
