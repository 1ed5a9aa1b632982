/* tui/cmd_schema_refresh.c: `pipetop schema refresh TABLE`: re-reads the table's metadata now
 * (BigQuery tables.get, a read), stores it with a new schema version when the schema changed and
 * a row-count sample, in one transaction, and prints the difference from the previous version.
 * Audited as verb schema-refresh (intent, outcome) though it changes nothing in the cloud.
 * --from-export / --apply belong to the schema inference (tui/commands.c says not built). */
#include "tui/cmd.h"

#include "tui/exitcode.h"
#include "tui/schema_refresh.h"
#include "tui/session.h"

int cmd_schema_refresh(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct session_options so = {{cli->config_path, cli->db_path, cli->read_only}, 0, 0, 0, false};
    struct session *s = NULL;
    struct err e = ERR_INIT;
    int rc = EXIT_OK;

    (void)cmd;
    if (session_open(&s, &so, &e) != 0 ||
        session_require(s, SESSION_NEED_CONFIG | SESSION_NEED_DB | SESSION_NEED_GOOGLE, &e) != 0 ||
        schema_refresh_one(s, a->pos[0], stdout, &e) != 0) {
        fprintf(stderr, "pipetop: schema refresh %s: %s\n", a->pos[0], e.msg);
        if (s != NULL)
            session_log_error(s, "schema refresh", &e);
        rc = exit_code_for(e.code);
    }
    session_close(s);
    return rc;
}
