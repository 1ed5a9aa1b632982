/* tui/cmd_drift.c: `pipetop schema refresh TABLE --from-export [--apply] [--yes]`: infers the
 * raw schema of the newest export of the DynamoDB pipeline loading TABLE, compares it with the
 * table (tables.get), prints and stores the drift, and with --apply patches in the new fields
 * only — through the gate (read-only refusal first, confirmation, audit intent and outcome) with
 * the table's etag — then re-reads the table and records its new schema version. Never removes
 * or retypes a field. The check and the apply are tui/drift_apply.c, shared with the dashboard. */
#include "tui/cmd.h"

#include <stdio.h>

#include "tui/drift_apply.h"
#include "tui/exitcode.h"
#include "tui/gate.h"
#include "tui/session.h"

/* --apply: the gate (confirmation or --yes), then the shared apply. */
static int apply(struct session *s, struct drift_check *c, bool yes, bool *drifted, struct err *e)
{
    char env[1200], detail[1500];

    drift_apply_detail(c, detail, sizeof(detail));
    gate_environment(s, env, sizeof(env));
    struct gate_request gr = {.verb = "schema-apply",
                              .target = c->full,
                              .stages = detail,
                              .environment = env,
                              .yes = yes};
    if (gate_confirm(&gr, stderr, e) != 0)
        return -1;
    return drift_apply(s, c, env, stdout, drifted, e);
}

static int run(struct session *s, const struct cli *cli, const struct cli_args *a, bool *drifted,
               struct err *e)
{
    struct drift_check c;
    int rc = -1;

    (void)cli;
    drift_check_init(&c);
    if (drift_check_run(s, a->pos[0], &c, e))
        goto out;
    fputs(buf_cstr(&c.text), stdout);
    *drifted = drift_check_drifted(&c);
    if (a->val[1] != NULL && c.dr.n_added == 0)
        printf("nothing to add: %s already has every field the export has\n", c.full);
    else if (a->val[1] != NULL && apply(s, &c, a->val[2] != NULL, drifted, e))
        goto out;
    rc = 0;
out:
    drift_check_release(&c);
    return rc;
}

int cmd_schema_drift(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct session_options so = {{cli->config_path, cli->db_path, cli->read_only}, 0, 0, 0, false};
    struct session *s = NULL;
    struct err e = ERR_INIT;
    bool drifted = false;
    int rc;

    (void)cmd;
    if (session_open(&s, &so, &e) != 0 || session_require(s, SESSION_NEED_CONFIG, &e) != 0 ||
        (a->val[1] != NULL && gate_writable(s->cfg, "schema refresh --apply", &e) != 0) ||
        session_require(s, SESSION_NEED_DB | SESSION_NEED_AWS | SESSION_NEED_GOOGLE, &e) != 0 ||
        run(s, cli, a, &drifted, &e) != 0) {
        fprintf(stderr, "pipetop: schema refresh %s --from-export: %s\n", a->pos[0], e.msg);
        if (s != NULL)
            session_log_error(s, "schema refresh --from-export", &e);
        rc = exit_code_for(e.code);
    } else {
        rc = drifted ? EXIT_FAILURES : EXIT_OK;
    }
    session_close(s);
    return rc;
}
