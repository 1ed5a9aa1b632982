/* tui/cmd.h: the command table behind `pipetop COMMAND`: each command's options, positional
 * arguments and run function, the parsed global options, and the option parser.
 * Commands print results on stdout and errors on stderr; they never exit() themselves. */
#ifndef TUI_CMD_H
#define TUI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/config.h"
#include "core/err.h"

#define CLI_MAX_OPTS 8
#define CLI_MAX_POS 64

struct cli_opt {
    const char *name; /* "--days" */
    const char *arg;  /* "N" for an option with a value, NULL for a switch */
    const char *help;
};

/* Options given after the command word, in the order of the command's opts[]. */
struct cli_args {
    const char *val[CLI_MAX_OPTS]; /* the value, "" for a given switch, NULL when absent */
    const char *pos[CLI_MAX_POS];
    int npos;
};

/* Global options: accepted before or after the command. */
struct cli {
    const char *config_path; /* --config */
    const char *db_path;     /* --db */
    bool read_only;          /* --read-only */
    bool json;               /* --json (only for commands that have json set) */
    bool no_color;           /* --no-color */
};

struct cli_cmd;
typedef int (*cli_run_fn)(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);

struct cli_cmd {
    const char *name;     /* "status", "schema refresh"; "" for the dashboard */
    const char *synopsis; /* what follows the name in usage lines */
    const char *summary;  /* one line for `pipetop --help` */
    const char *details;  /* paragraph(s) for `pipetop CMD --help`, or NULL */
    const struct cli_opt *opts;
    size_t nopts;
    int min_pos, max_pos; /* positional argument counts; max_pos -1 = no limit */
    bool json;            /* accepts --json */
    cli_run_fn run;
};

/* All commands, the dashboard ("") first; n is set to the count. */
const struct cli_cmd *cli_commands(size_t *n);

/* The command called name ("schema refresh" for subcommands), or NULL. */
const struct cli_cmd *cli_command_find(const char *name);

/* Parses argv[0..argc) (the words after the command) against cmd's options and the global
 * ones. Returns -1 (ERR_USAGE, a one-line reason) for an unknown option (with the nearest one),
 * a missing value, or a wrong number of positional arguments. *help is set for --help/-h. */
int cli_parse(struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv,
              struct cli_args *out, bool *help, struct err *e);

/* Parses one global option at argv[*i] (advancing *i past its value). Returns 1 when argv[*i]
 * is not a global option, 0 when it was one, -1 (ERR_USAGE) when its value is missing. */
int cli_parse_global(struct cli *cli, int argc, char **argv, int *i, struct err *e);

/* The index of option name in cmd->opts, or -1. */
int cli_opt_index(const struct cli_cmd *cmd, const char *name);

/* Loads the config the globals point at and selects its time zone. Prints the error as
 * "pipetop: ..." and returns -1 with the exit code in *rc on failure. */
int cli_load_config(const struct cli *cli, struct config **out, int *rc);

/* Prints "pipetop: 'NAME' is not built yet in this version" and returns EXIT_UNAVAILABLE. */
int cli_not_built(const struct cli_cmd *cmd);

/* Prints "pipetop CMD: reason (try 'pipetop CMD --help')" and returns EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *reason);

/* Usage text: the command list, or one command's options. */
void usage_main(FILE *out);
void usage_command(FILE *out, const struct cli_cmd *cmd);

/* The commands (tui/cmd_*.c). */
int cmd_info(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_dashboard(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_status(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_runs(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_tables(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_schema(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_history(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_audit(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_calls(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_schema_infer(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);

/* The hidden `pipetop __complete pipelines|tables|commands` of the shell completions: one name
 * a line on stdout, nothing on stderr (a missing database completes nothing). */
int cmd_complete(struct cli *cli, int argc, char **argv);
int cmd_doctor(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_refresh(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
/* `pipetop rerun` (tui/cmd_rerun.c), after the argument checks of tui/commands.c. */
int cmd_rerun(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
/* `pipetop schema refresh TABLE` without --from-export/--apply (tui/cmd_schema_refresh.c). */
/* `pipetop actions [--all]` (tui/cmd_actions.c). */
int cmd_actions(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
int cmd_schema_refresh(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);
/* `pipetop schema refresh TABLE --from-export [--apply] [--yes]` (tui/cmd_drift.c). */
int cmd_schema_drift(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a);

#endif
