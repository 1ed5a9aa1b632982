/* tui/usage.c: the --help texts, built from the command table so they always list the real
 * options. Writes only to the stream it is given. */
#include "tui/cmd.h"

#include <string.h>

static const struct cli_opt global_opts[] = {
    {"--config", "FILE",
     "config file (default $XDG_CONFIG_HOME/pipetop/config.ini; "
     "env PIPETOP_CONFIG)"},
    {"--db", "FILE",
     "history database (default $XDG_STATE_HOME/pipetop/history.db; "
     "env PIPETOP_DB)"},
    {"--read-only", NULL, "make every change (rerun, schema apply) impossible"},
    {"--json", NULL, "machine-readable output, for commands that have it"}, /* JSON_OPT */
    {"--no-color", NULL, "no colours (NO_COLOR is honoured too)"},
};

#define JSON_OPT 3 /* index of --json above */

static void print_opt(FILE *out, const struct cli_opt *o)
{
    char left[40];

    snprintf(left, sizeof(left), "%s%s%s", o->name, o->arg != NULL ? " " : "",
             o->arg != NULL ? o->arg : "");
    fprintf(out, "  %-18s %s\n", left, o->help);
}

void usage_main(FILE *out)
{
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);

    fprintf(out, "Usage: pipetop [OPTIONS] [COMMAND [ARGS...]]\n\n"
                 "A terminal console for an AWS -> BigQuery data platform: did each day's export,\n"
                 "transfer and query run? With no command, opens the dashboard.\n\n"
                 "Commands:\n");
    for (size_t i = 1; i < n; i++)
        fprintf(out, "  %-18s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(out, "  %-18s %s\n", "help [COMMAND]", "this text, or a command's options");
    fprintf(out, "\nOptions (before or after the command):\n");
    for (size_t i = 0; i < sizeof(global_opts) / sizeof(global_opts[0]); i++)
        print_opt(out, &global_opts[i]);
    fprintf(out, "  %-18s %s\n", "-h, --help", "this text; after a command, that command's help");
    fprintf(out, "  %-18s %s\n", "-V, --version", "version and git revision");
    fprintf(out, "\nExit codes: 0 ok, 1 failed runs found, 2 usage, 3 config or credentials,\n"
                 "4 network or service, 5 refused (read-only or a guard), 6 local file or\n"
                 "database, 69 not built yet in this version, 70 internal error.\n"
                 "\nRun 'pipetop COMMAND --help' for a command's options.\n");
}

void usage_command(FILE *out, const struct cli_cmd *cmd)
{
    const char *sp = cmd->name[0] != '\0' ? " " : "";

    fprintf(out, "Usage: pipetop%s%s%s%s\n\n%s.\n", sp, cmd->name, cmd->synopsis[0] ? " " : "",
            cmd->synopsis, cmd->summary);
    if (cmd->details != NULL)
        fprintf(out, "\n%s\n", cmd->details);
    if (cmd->nopts > 0 || cmd->json) {
        fprintf(out, "\nOptions:\n");
        for (size_t i = 0; i < cmd->nopts; i++)
            print_opt(out, &cmd->opts[i]);
        if (cmd->json)
            print_opt(out, &global_opts[JSON_OPT]);
    }
    fprintf(out, "\nGlobal options: --config FILE, --db FILE, --read-only, --no-color "
                 "(see 'pipetop --help').\n");
}
