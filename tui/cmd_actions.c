/* tui/cmd_actions.c: `pipetop actions [--all]`: the persisted actions (state/actions.h) — the
 * running and interrupted ones (an active action whose process is gone), or all with --all —
 * with their step. Reads the history database only; resuming or abandoning is `pipetop rerun`'s
 * (same target and days; --abandon). Exit 0, or 1 when an interrupted action is listed. */
#include "tui/cmd.h"

#include <stdio.h>

#include "core/timeutil.h"
#include "state/actions.h"
#include "tui/exitcode.h"
#include "tui/session.h"

static const char *status_word(const struct db_action *a)
{
    if (db_action_status_is_active(a->status) && !db_action_owner_alive(a))
        return "interrupted";
    return db_action_status_name(a->status);
}

int cmd_actions(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct session_options so = {{cli->config_path, cli->db_path, cli->read_only}, 0, 0, 0, false};
    struct session *s = NULL;
    struct db_action *v = NULL;
    struct err e = ERR_INIT;
    size_t n = 0;
    int rc = EXIT_OK;

    (void)cmd;
    if (session_open(&s, &so, &e) != 0 ||
        session_require(s, SESSION_NEED_CONFIG | SESSION_NEED_DB, &e) != 0 ||
        db_action_list(s->db, a->val[0] == NULL, &v, &n, &e) != 0) {
        fprintf(stderr, "pipetop: actions: %s\n", e.msg);
        rc = exit_code_for(e.code);
        goto out;
    }
    if (n == 0)
        printf("no %saction\n", a->val[0] == NULL ? "running or interrupted " : "");
    else
        printf("%-5s %-8s %-16s %-23s %-11s %-8s %s\n", "ID", "KIND", "TARGET", "DAYS", "STATUS",
               "PID", "STEP");
    for (size_t i = 0; i < n; i++) {
        char days[32], when[40];
        snprintf(days, sizeof(days), "%s..%s", v[i].day_from, v[i].day_to);
        time_format_local(v[i].updated_ms, when, sizeof(when));
        printf("%-5lld %-8s %-16s %-23s %-11s %-8ld %s (%s)\n", (long long)v[i].id,
               db_action_kind_name(v[i].kind), v[i].target ? v[i].target : "", days,
               status_word(&v[i]), v[i].owner_pid, v[i].step ? v[i].step : "", when);
        if (db_action_status_is_active(v[i].status) && !db_action_owner_alive(&v[i]))
            rc = EXIT_FAILURES;
    }
    if (rc == EXIT_FAILURES)
        printf("resume an interrupted action with 'pipetop rerun TARGET --date FROM --to TO' "
               "(stages that already started are not started again), or give it up with "
               "--abandon\n");
out:
    db_actions_free(v, n);
    session_close(s);
    return rc;
}
