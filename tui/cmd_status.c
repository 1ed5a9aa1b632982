/* tui/cmd_status.c: `pipetop status`: the grid of pipelines x the last N days from the history
 * database, as text (one E/T/Q glyph triple per cell, readable without colour) or as the
 * `status --json` contract (core/report_json.h). Exits 1 when a shown cell failed. Without
 * --offline it refreshes the history database first (what could not be read is said on stderr,
 * and the grid shows what the database has); with --offline it reads the database alone. The
 * output always says how old the data is. */
#include "tui/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/refresh_report.h"
#include "core/report_json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "state/grid.h"
#include "state/runs.h"
#include "tui/exitcode.h"
#include "tui/out.h"
#include "tui/readcmd.h"
#include "tui/refresh.h"
#include "tui/session.h"

#define DAY_COL 6 /* "MM-DD" and a space */

struct grid {
    char (*days)[TIME_DAY_LEN];
    size_t n_days;
    struct pipeline *pipes;
    size_t n_pipes;
    struct stage_run *cells;
    size_t n_cells;
    int *fails; /* failed cells of each pipeline over all the days asked for */
};

static void grid_release(struct grid *g)
{
    free(g->days);
    free(g->fails);
    db_pipelines_free(g->pipes, g->n_pipes);
    db_stage_runs_free(g->cells, g->n_cells);
}

/* The first of g->days the text grid has room for in r->width columns (the oldest ones are left
 * out), and the width of the name column. */
static size_t first_shown(const struct readcmd *r, const struct grid *g, int *namew_out)
{
    int namew = 8, tailw = 10;
    size_t shown;

    for (size_t i = 0; i < g->n_pipes; i++) {
        int w = out_width(g->pipes[i].name);
        namew = w > namew ? w : namew;
    }
    namew = namew > 28 ? 28 : namew;
    long fit = (r->width - namew - 1 - tailw) / DAY_COL;
    shown = fit < 1 ? 1 : (size_t)fit < g->n_days ? (size_t)fit : g->n_days;
    if (namew_out != NULL)
        *namew_out = namew;
    return g->n_days - shown;
}

/* How many failed cells each pipeline has over all the days asked for (counted in SQL from the
 * failed runs alone), matched to the pipelines by name (both lists are in name order). */
static int count_failures(struct grid *g, struct readcmd *r, struct err *e)
{
    struct grid_count *c = NULL;
    size_t n = 0, p = 0;

    if (db_grid_failures(r->db, g->days[0], g->days[g->n_days - 1], &c, &n, e) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int cmp = 0;
        while (p < g->n_pipes && (cmp = strcmp(g->pipes[p].name, c[i].pipeline)) < 0)
            p++;
        if (p < g->n_pipes && cmp == 0)
            g->fails[p] = c[i].failed;
    }
    db_grid_counts_free(c, n);
    return 0;
}

/* Loads the days, the pipelines, the failure counts over all the days, and the cells of the days
 * shown: all of them for --json, those that fit the width for text. */
static int grid_load(struct grid *g, struct readcmd *r, int days, bool all_days, struct err *e)
{
    char today[TIME_DAY_LEN];

    memset(g, 0, sizeof(*g));
    g->days = calloc((size_t)days, sizeof(*g->days));
    if (g->days == NULL)
        return err_set(e, ERR_NOMEM, "status: out of memory");
    time_day_of(r->now_ms, today);
    for (int i = 0; i < days; i++)
        if (time_day_add(today, i - (days - 1), g->days[i], e) != 0)
            return -1;
    g->n_days = (size_t)days;
    if (db_list_pipelines(r->db, &g->pipes, &g->n_pipes, e) != 0)
        return -1;
    g->fails = calloc(g->n_pipes ? g->n_pipes : 1, sizeof(*g->fails));
    if (g->fails == NULL)
        return err_set(e, ERR_NOMEM, "status: out of memory");
    if (count_failures(g, r, e) != 0)
        return -1;
    return db_grid(r->db, g->days[all_days ? 0 : first_shown(r, g, NULL)], 0, &g->cells,
                   &g->n_cells, e);
}

static void put_cell(struct buf *b, const struct grid *g, const struct pipeline *p, const char *day,
                     bool color)
{
    for (int s = 0; s < STAGE_COUNT; s++) {
        const struct stage_run *c = report_cell_find(g->cells, g->n_cells, p->name, day, s);
        if (c == NULL) {
            buf_puts(b, report_stage_applies(p, (enum stage)s) ? " " : "-");
            continue;
        }
        out_role_on(b, out_role_of(c->state), color);
        buf_puts(b, out_glyph(c->state));
        out_role_off(b, out_role_of(c->state), color);
    }
    buf_puts(b, "   ");
}

static void print_legend(const struct readcmd *r)
{
    static const enum run_state order[] = {RS_SUCCEEDED, RS_FAILED,         RS_RUNNING,
                                           RS_PENDING,   RS_STUCK,          RS_MISSING,
                                           RS_CANCELLED, RS_UPSTREAM_FAILED};
    struct buf b = BUF_INIT(4096);
    int col = 0;

    buf_puts(&b, "cells: export transfer query;");
    col = out_width(buf_cstr(&b));
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) + 2; i++) {
        char item[48];
        if (i < sizeof(order) / sizeof(order[0]))
            snprintf(item, sizeof(item), "%s %s", out_glyph(order[i]), run_state_name(order[i]));
        else
            snprintf(item, sizeof(item), "%s", i == 8 ? "- no such stage" : "blank: no run known");
        int w = out_width(item);
        if (col + 1 + w > r->width) {
            buf_puts(&b, "\n ");
            col = 1;
        }
        buf_printf(&b, " %s", item);
        col += 1 + w;
    }
    printf("%s\n", buf_cstr(&b));
    buf_release(&b);
}

/* The zone's name for the header and --json: the configured one, or for "local" what TZ or
 * /etc/localtime says (a path under zoneinfo/), else "local". */
static const char *zone_label(char *buf, size_t n)
{
    const char *z = time_zone_name(), *tz = getenv("TZ"), *at;
    ssize_t len;

    if (strcmp(z, "local") != 0)
        return z;
    if (tz != NULL && tz[0] != '\0')
        return tz[0] == ':' ? tz + 1 : tz;
    len = readlink("/etc/localtime", buf, n - 1);
    if (len <= 0)
        return z;
    buf[len] = '\0';
    at = strstr(buf, "zoneinfo/");
    return at != NULL ? at + 9 : z;
}

static void print_text(const struct readcmd *r, const struct grid *g)
{
    int namew;
    size_t first = first_shown(r, g, &namew);
    struct buf b = BUF_INIT(1 << 20);

    char zbuf[256];
    printf("pipetop status: %zu pipeline%s, %s to %s (%s)\n", g->n_pipes,
           g->n_pipes == 1 ? "" : "s", g->days[first], g->days[g->n_days - 1],
           zone_label(zbuf, sizeof(zbuf)));
    out_fit_role(&b, "PIPELINE", namew, OUT_LEFT, ROLE_HEAD, r->color);
    buf_putc(&b, ' ');
    for (size_t d = first; d < g->n_days; d++)
        buf_printf(&b, "%-*.5s", d + 1 < g->n_days ? DAY_COL : 5, g->days[d] + 5);
    printf("%s\n", buf_cstr(&b));
    for (size_t i = 0; i < g->n_pipes; i++) {
        int fails = g->fails[i];
        buf_reset(&b);
        out_fit(&b, g->pipes[i].name, namew, OUT_LEFT);
        buf_putc(&b, ' ');
        for (size_t d = first; d < g->n_days; d++)
            put_cell(&b, g, &g->pipes[i], g->days[d], r->color);
        if (fails > 0) {
            char note[32];
            snprintf(note, sizeof(note), "%d failed", fails);
            out_role_on(&b, ROLE_FAILED, r->color);
            buf_puts(&b, note);
            out_role_off(&b, ROLE_FAILED, r->color);
        }
        while (b.len > 0 && b.data[b.len - 1] == ' ')
            b.data[--b.len] = '\0';
        printf("%s\n", buf_cstr(&b));
    }
    buf_release(&b);
    if (g->n_pipes == 0)
        printf("(no pipelines in the history database yet)\n");
    if (first > 0)
        printf(
            "(%zu older day%s left out to fit %d columns; the count of failures covers all %zu)\n",
            first, first == 1 ? "" : "s", r->width, g->n_days);
    print_legend(r);
}

/* The refresh status runs before answering. Problems are said on stderr and never stop status:
 * the grid then shows what the history database has, with its age. Returns an exit code only
 * when the history database itself cannot be used (nothing to show), else -1. */
static int refresh_first(const struct cli *cli)
{
    struct session_options so = {{cli->config_path, cli->db_path, cli->read_only}, 0, 0, 0, false};
    struct session *s = NULL;
    struct refresh_report r;
    struct err e = ERR_INIT;
    int rc = -1;

    memset(&r, 0, sizeof(r));
    if (session_open(&s, &so, &e) != 0 ||
        session_require(s, SESSION_NEED_CONFIG | SESSION_NEED_DB, &e) != 0) {
        fprintf(stderr, "pipetop: %s\n", e.msg);
        rc = exit_code_for(e.code);
    } else if (refresh_session_run(s, &r, &e) != 0) {
        fprintf(stderr, "pipetop: refresh failed, showing history: %s\n", e.msg);
    } else {
        for (size_t i = 0; i < r.n_gaps; i++)
            fprintf(stderr, "pipetop: not read: %s: %s\n", r.gaps[i].what, r.gaps[i].err.msg);
        if (r.n_gaps > 0)
            fprintf(stderr, "pipetop: the refresh was partial; what could not be read shows its "
                            "last known state\n");
    }
    refresh_report_release(&r);
    session_close(s);
    return rc;
}

int cmd_status(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct readcmd r;
    struct grid g;
    struct err e = ERR_INIT;
    long days = 0;
    int rc = EXIT_OK, fails = 0;

    if (a->val[0] != NULL && str_parse_int(a->val[0], 1, 90, &days))
        return cli_usage_error(cmd, "--days needs a whole number from 1 to 90");
    if (a->val[1] == NULL && (rc = refresh_first(cli)) >= 0)
        return rc;
    rc = EXIT_OK;
    if (readcmd_open(&r, cli, &rc))
        return rc;
    if (days == 0)
        days = r.cfg->general.days;
    if (grid_load(&g, &r, (int)days, cli->json, &e) != 0) {
        rc = readcmd_fail(&e);
        goto out;
    }
    for (size_t i = 0; i < g.n_pipes; i++)
        fails += g.fails[i];
    if (cli->json) {
        char zbuf[256];
        struct report_status rs = {r.as_of_ms,
                                   zone_label(zbuf, sizeof(zbuf)),
                                   (const char(*)[TIME_DAY_LEN])g.days,
                                   g.n_days,
                                   g.pipes,
                                   g.n_pipes,
                                   g.cells,
                                   g.n_cells};
        char *json = NULL;
        if (report_status_json(&rs, &json, &e) != 0) {
            rc = readcmd_fail(&e);
            goto out;
        }
        readcmd_print_json(json);
    } else {
        print_text(&r, &g);
        readcmd_print_as_of(&r);
    }
    rc = fails > 0 ? EXIT_FAILURES : EXIT_OK;
out:
    grid_release(&g);
    readcmd_close(&r);
    return rc;
}
