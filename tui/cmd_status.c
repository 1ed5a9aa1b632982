/* tui/cmd_status.c: `pipetop status`: the grid of pipelines x the last N days from the history
 * database, as text (one E/T/Q glyph triple per cell, readable without colour) or as the
 * `status --json` contract (core/report_json.h). Exits 1 when a shown cell failed. Reads only
 * the database: `pipetop refresh` is what fills it, and the output says how old the data is. */
#include "tui/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/report_json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "state/grid.h"
#include "state/runs.h"
#include "tui/exitcode.h"
#include "tui/out.h"
#include "tui/readcmd.h"

#define DAY_COL 6 /* "MM-DD" and a space */

struct grid {
    char (*days)[TIME_DAY_LEN];
    size_t n_days;
    struct pipeline *pipes;
    size_t n_pipes;
    struct stage_run *cells;
    size_t n_cells;
};

static void grid_release(struct grid *g)
{
    free(g->days);
    db_pipelines_free(g->pipes, g->n_pipes);
    db_stage_runs_free(g->cells, g->n_cells);
}

static int grid_load(struct grid *g, struct readcmd *r, int days, struct err *e)
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
    return db_grid(r->db, g->days[0], 0, &g->cells, &g->n_cells, e);
}

/* How many failed cells pipeline p has over all the days asked for. */
static int failures_of(const struct grid *g, const struct pipeline *p)
{
    int n = 0;

    for (size_t d = 0; d < g->n_days; d++)
        for (int s = 0; s < STAGE_COUNT; s++) {
            const struct stage_run *c =
                report_cell_find(g->cells, g->n_cells, p->name, g->days[d], (enum stage)s);
            n += c != NULL && run_state_is_failure(c->state);
        }
    return n;
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
    int namew = 8, tailw = 10;
    size_t shown, first;
    struct buf b = BUF_INIT(1 << 20);

    for (size_t i = 0; i < g->n_pipes; i++) {
        int w = out_width(g->pipes[i].name);
        namew = w > namew ? w : namew;
    }
    namew = namew > 28 ? 28 : namew;
    long fit = (r->width - namew - 1 - tailw) / DAY_COL;
    shown = fit < 1 ? 1 : (size_t)fit < g->n_days ? (size_t)fit : g->n_days;
    first = g->n_days - shown;
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
        int fails = failures_of(g, &g->pipes[i]);
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

int cmd_status(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct readcmd r;
    struct grid g;
    struct err e = ERR_INIT;
    long days = 0;
    int rc = EXIT_OK, fails = 0;

    if (a->val[0] != NULL && str_parse_int(a->val[0], 1, 90, &days))
        return cli_usage_error(cmd, "--days needs a whole number from 1 to 90");
    if (readcmd_open(&r, cli, &rc))
        return rc;
    if (days == 0)
        days = r.cfg->general.days;
    if (grid_load(&g, &r, (int)days, &e) != 0) {
        rc = readcmd_fail(&e);
        goto out;
    }
    if (a->val[1] == NULL)
        fprintf(stderr,
                "pipetop: status answers from the history database; this version does "
                "not refresh it first (run `pipetop refresh`; --offline hides this note)\n");
    for (size_t i = 0; i < g.n_pipes; i++)
        fails += failures_of(&g, &g.pipes[i]);
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
