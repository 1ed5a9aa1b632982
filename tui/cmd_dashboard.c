/* tui/cmd_dashboard.c: `pipetop` with no command: loads the config, then hands over to the
 * dashboard (tui/dash.h). Refuses a stdin/stdout that is not a terminal with a plain message
 * instead of drawing escape codes into a pipe. */
#include "tui/cmd.h"

#include <stdio.h>
#include <unistd.h>

#include "tui/dash.h"
#include "tui/exitcode.h"

int cmd_dashboard(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct config_overrides ov = {cli->config_path, cli->db_path, cli->read_only};
    struct dash_options opt = {cli->no_color, a->val[cli_opt_index(cmd, "--mouse")] != NULL,
                               a->val[cli_opt_index(cmd, "--offline")] != NULL};
    struct config *cfg = NULL;
    int rc;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "pipetop: the dashboard needs a terminal; for text output use "
                        "'pipetop status' (see 'pipetop --help')\n");
        return EXIT_USAGE;
    }
    if (cli_load_config(cli, &cfg, &rc))
        return rc;
    rc = dash_run(cfg, cfg->paths.db, &ov, &opt);
    config_free(cfg);
    return rc;
}
