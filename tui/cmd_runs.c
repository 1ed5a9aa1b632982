/* tui/cmd_runs.c: `pipetop runs`: every stage run (all attempts) in the history database, newest
 * day first, as a table fitted to the terminal (errors cut to fit) or as JSON (errors in full).
 * Exits 1 when a listed run failed. Reads the database only. */
#include "tui/cmd.h"

#include <string.h>

#include "core/report_json.h"
#include "core/timeutil.h"
#include "state/grid.h"
#include "tui/exitcode.h"
#include "tui/out.h"
#include "tui/readcmd.h"

static const struct out_col cols[] = {
    {"DAY", 10, 10, 0, OUT_LEFT},     {"PIPELINE", 8, 24, 0, OUT_LEFT},
    {"STAGE", 5, 8, 0, OUT_LEFT},     {"#", 1, 3, 0, OUT_RIGHT},
    {"STATE", 6, 15, 0, OUT_LEFT},    {"RAW", 6, 12, 3, OUT_LEFT},
    {"STARTED", 16, 16, 2, OUT_LEFT}, {"TOOK", 5, 7, 4, OUT_RIGHT},
    {"ID", 8, 40, 5, OUT_LEFT},       {"ERROR", 12, 0, 1, OUT_LEFT},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static int add_run(struct out_table *t, const struct stage_run *r)
{
    char att[16], started[32], took[32];
    const char *err = r->error_message != NULL ? r->error_message : r->error_code;
    enum out_role roles[NCOLS] = {0};

    snprintf(att, sizeof(att), "%d", r->attempt);
    out_time(r->started_ms, started, sizeof(started));
    out_duration(r->started_ms > 0 && r->ended_ms >= r->started_ms ? r->ended_ms - r->started_ms
                                                                   : -1,
                 took, sizeof(took));
    const char *cells[NCOLS] = {r->day,
                                r->pipeline,
                                stage_name(r->stage),
                                att,
                                run_state_name(r->state),
                                r->raw_state,
                                started,
                                took,
                                r->service_id,
                                err != NULL ? err : ""};
    roles[4] = out_role_of(r->state);
    return out_table_add(t, cells, roles);
}

int cmd_runs(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct readcmd r;
    struct stage_run *runs = NULL;
    size_t n = 0;
    struct err e = ERR_INIT;
    struct out_table t;
    int rc, fails = 0;

    if (a->val[1] != NULL && time_day_valid(a->val[1], &e) != 0)
        return cli_usage_error(cmd, "--since needs a date YYYY-MM-DD");
    if (readcmd_open(&r, cli, &rc))
        return rc;
    out_table_init(&t, cols, NCOLS);
    if (db_list_runs(r.db, a->val[1], a->val[0] != NULL ? DB_RUNS_FAILED : 0, 0, &runs, &n, &e)) {
        rc = readcmd_fail(&e);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        fails += run_state_is_failure(runs[i].state);
    if (cli->json) {
        char *json = NULL;
        if (report_runs_json(runs, n, &json, &e) != 0) {
            rc = readcmd_fail(&e);
            goto out;
        }
        readcmd_print_json(json);
    } else {
        for (size_t i = 0; i < n; i++)
            if (add_run(&t, &runs[i]) != 0) {
                err_set(&e, ERR_NOMEM, "runs: out of memory");
                rc = readcmd_fail(&e);
                goto out;
            }
        if (n == 0)
            printf("(no %sruns%s%s in the history database)\n", a->val[0] != NULL ? "failed " : "",
                   a->val[1] != NULL ? " since " : "", a->val[1] != NULL ? a->val[1] : "");
        else if (out_table_print(stdout, &t, r.width, r.color) > 0)
            printf("(some columns left out to fit %d columns; --json has them all)\n", r.width);
        readcmd_print_as_of(&r);
    }
    rc = fails > 0 ? EXIT_FAILURES : EXIT_OK;
out:
    out_table_release(&t);
    db_stage_runs_free(runs, n);
    readcmd_close(&r);
    return rc;
}
