/* tui/cmd_audit.c: `pipetop audit`: the audit log of the history database, newest first: an
 * intent row before every mutating call and an outcome row after it. Text or JSON. Reads the
 * database only. */
#include "tui/cmd.h"

#include <string.h>

#include "core/report_json.h"
#include "state/logs.h"
#include "tui/exitcode.h"
#include "tui/out.h"
#include "tui/readcmd.h"

static const struct out_col cols[] = {
    {"TIME", 16, 16, 0, OUT_LEFT},  {"PHASE", 5, 7, 0, OUT_LEFT}, {"VERB", 4, 14, 0, OUT_LEFT},
    {"TARGET", 6, 30, 0, OUT_LEFT}, {"DAY", 3, 10, 2, OUT_LEFT},  {"STAGE", 5, 8, 3, OUT_LEFT},
    {"RESULT", 6, 8, 0, OUT_LEFT},  {"USER", 4, 12, 4, OUT_LEFT}, {"DETAIL", 10, 0, 1, OUT_LEFT},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static enum out_role result_role(const char *result)
{
    if (result == NULL)
        return ROLE_NONE;
    if (strcmp(result, "ok") == 0)
        return ROLE_OK;
    if (strcmp(result, "failed") == 0)
        return ROLE_FAILED;
    return ROLE_WARN;
}

int cmd_audit(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct readcmd r;
    struct audit_entry *list = NULL;
    size_t n = 0;
    struct err e = ERR_INIT;
    struct out_table t;
    int rc;

    (void)cmd;
    (void)a;
    if (readcmd_open(&r, cli, &rc))
        return rc;
    out_table_init(&t, cols, NCOLS);
    if (db_audit_list(r.db, 0, &list, &n, &e) != 0) {
        rc = readcmd_fail(&e);
        goto out;
    }
    if (cli->json) {
        char *json = NULL;
        rc = report_audit_json(list, n, &json, &e) == 0 ? readcmd_print_json(json)
                                                        : readcmd_fail(&e);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char at[32];
        const char *cells[NCOLS] = {out_time(list[i].at_ms, at, sizeof(at)),
                                    list[i].phase,
                                    list[i].verb,
                                    list[i].target,
                                    list[i].day,
                                    list[i].stage,
                                    list[i].result != NULL ? list[i].result : "-",
                                    list[i].user,
                                    list[i].detail};
        const enum out_role roles[NCOLS] = {[6] = result_role(list[i].result)};
        if (out_table_add(&t, cells, roles) != 0) {
            err_set(&e, ERR_NOMEM, "audit: out of memory");
            rc = readcmd_fail(&e);
            goto out;
        }
    }
    if (n == 0)
        printf("(the audit log is empty: no action has been taken from this database)\n");
    else if (out_table_print(stdout, &t, r.width, r.color) > 0)
        printf("(some columns left out to fit %d columns; --json has them all)\n", r.width);
    rc = EXIT_OK;
out:
    out_table_release(&t);
    db_audit_free(list, n);
    readcmd_close(&r);
    return rc;
}
