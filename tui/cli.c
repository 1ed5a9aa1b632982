/* tui/cli.c: the front door: global options, command dispatch, config loading and the shared
 * error/usage printing of every command. Prints errors as one "pipetop: ..." line on stderr;
 * returns documented exit codes (tui/exitcode.h) and never calls exit(). */
#include "tui/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "tui/cmd.h"
#include "tui/exitcode.h"

int cli_usage_error(const struct cli_cmd *cmd, const char *reason)
{
    const char *sp = cmd->name[0] != '\0' ? " " : "";

    fprintf(stderr, "pipetop%s%s: %s (try 'pipetop%s%s --help')\n", sp, cmd->name, reason, sp,
            cmd->name);
    return EXIT_USAGE;
}

int cli_not_built(const struct cli_cmd *cmd)
{
    if (cmd->name[0] == '\0')
        fprintf(stderr, "pipetop: the dashboard is not built yet in this version\n");
    else
        fprintf(stderr, "pipetop: '%s' is not built yet in this version\n", cmd->name);
    return EXIT_UNAVAILABLE;
}

int cli_load_config(const struct cli *cli, struct config **out, int *rc)
{
    struct config_overrides ov = {cli->config_path, cli->db_path, cli->read_only};
    struct err e = ERR_INIT;

    *out = NULL;
    if (config_load(out, &ov, &e) == 0 && time_zone_use((*out)->general.timezone, &e) == 0)
        return 0;
    config_free(*out);
    *out = NULL;
    fprintf(stderr, "pipetop: %s\n", e.msg);
    *rc = exit_code_for(e.code);
    return -1;
}

static int unknown_command(const char *name)
{
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);
    const char *cands[32];
    size_t k = 0;

    for (size_t i = 0; i < n && k < 31; i++)
        if (cmds[i].name[0] != '\0' && strchr(cmds[i].name, ' ') == NULL)
            cands[k++] = cmds[i].name;
    cands[k++] = "help";
    const char *near = str_nearest(name, cands, k);
    if (near != NULL)
        fprintf(stderr, "pipetop: unknown command '%s'; did you mean '%s'?\n", name, near);
    else
        fprintf(stderr, "pipetop: unknown command '%s' (see 'pipetop --help')\n", name);
    return EXIT_USAGE;
}

/* "schema refresh" / "schema infer" when argv[i] is schema and a subcommand follows. */
static const struct cli_cmd *find_command(int argc, char **argv, int *i)
{
    char two[64];

    if (strcmp(argv[*i], "schema") == 0 && *i + 1 < argc &&
        (strcmp(argv[*i + 1], "refresh") == 0 || strcmp(argv[*i + 1], "infer") == 0)) {
        snprintf(two, sizeof(two), "schema %s", argv[*i + 1]);
        ++*i;
        return cli_command_find(two);
    }
    return cli_command_find(argv[*i]);
}

/* pipetop help [COMMAND [SUBCOMMAND]] */
static int help_command(int argc, char **argv, int i)
{
    const struct cli_cmd *cmd;

    if (i >= argc) {
        usage_main(stdout);
        return EXIT_OK;
    }
    cmd = find_command(argc, argv, &i);
    if (cmd == NULL)
        return unknown_command(argv[i]);
    usage_command(stdout, cmd);
    return EXIT_OK;
}

static int global_error(const char *arg, int rc, struct err *e)
{
    static const char *const known[] = {"--config",   "--db",   "--read-only", "--json",
                                        "--no-color", "--help", "--version"};
    char name[64];
    const char *near;

    if (rc < 0) {
        fprintf(stderr, "pipetop: %s (see 'pipetop --help')\n", e->msg);
        return EXIT_USAGE;
    }
    snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
    near = str_nearest(name, known, sizeof(known) / sizeof(known[0]));
    if (near != NULL)
        fprintf(stderr, "pipetop: unknown option '%s'; did you mean '%s'?\n", name, near);
    else
        fprintf(stderr, "pipetop: unknown option '%s' (see 'pipetop --help')\n", name);
    return EXIT_USAGE;
}

int cli_main(int argc, char **argv)
{
    struct cli cli = {NULL, NULL, false, false, false};
    struct cli_args args;
    struct err e = ERR_INIT;
    const struct cli_cmd *cmd;
    bool help = false;
    int i = 1, rc;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage_main(stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("pipetop %s (git %s)\n", PIPETOP_VERSION, PIPETOP_REVISION);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        rc = cli_parse_global(&cli, argc, argv, &i, &e);
        if (rc == 1 && cli_opt_index(cli_commands(&(size_t){0}), argv[i]) >= 0)
            break; /* the dashboard's own options (--mouse, --offline) */
        if (rc != 0)
            return global_error(argv[i], rc, &e);
    }
    if (i >= argc || argv[i][0] == '-') {
        cmd = cli_commands(&(size_t){0}); /* the dashboard */
    } else if (strcmp(argv[i], "help") == 0) {
        return help_command(argc, argv, i + 1);
    } else if (strcmp(argv[i], "__complete") == 0) {
        return cmd_complete(&cli, argc - i - 1, argv + i + 1);
    } else {
        cmd = find_command(argc, argv, &i);
        if (cmd == NULL)
            return unknown_command(argv[i]);
        i++;
    }
    if (cli_parse(&cli, cmd, argc - i, argv + i, &args, &help, &e))
        return cli_usage_error(cmd, e.msg);
    if (help) {
        usage_command(stdout, cmd);
        return EXIT_OK;
    }
    return cmd->run(&cli, cmd, &args);
}
