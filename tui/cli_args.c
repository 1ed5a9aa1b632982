/* tui/cli_args.c: the option parser for `pipetop [GLOBAL...] COMMAND [ARGS...]`.
 * Long options as "--name value" or "--name=value", "--" ends options, global options may sit
 * anywhere. Unknown options get the nearest valid one suggested. Never prints anything. */
#include "tui/cmd.h"

#include <string.h>

#include "core/strutil.h"

static const char *const globals[] = {"--config", "--db", "--read-only", "--json", "--no-color"};
#define NGLOBALS (sizeof(globals) / sizeof(globals[0]))

/* Copies the "--name" part of "--name=value" into name; returns the value or NULL. */
static const char *split(const char *arg, char *name, size_t n)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);

    if (len >= n)
        len = n - 1;
    memcpy(name, arg, len);
    name[len] = '\0';
    return eq != NULL ? eq + 1 : NULL;
}

/* The value of option name at argv[*i]: after '=', or the next word (advancing *i). */
static int take_value(const char *name, const char *inline_val, int argc, char **argv, int *i,
                      const char **out, struct err *e)
{
    if (inline_val != NULL)
        *out = inline_val;
    else if (*i + 1 < argc)
        *out = argv[++*i];
    else
        return err_set(e, ERR_USAGE, "%s needs a value", name);
    return 0;
}

int cli_parse_global(struct cli *cli, int argc, char **argv, int *i, struct err *e)
{
    char name[64];
    const char *v = split(argv[*i], name, sizeof(name));
    bool *sw = NULL;

    if (strcmp(name, "--config") == 0)
        return take_value(name, v, argc, argv, i, &cli->config_path, e);
    if (strcmp(name, "--db") == 0)
        return take_value(name, v, argc, argv, i, &cli->db_path, e);
    if (strcmp(name, "--read-only") == 0)
        sw = &cli->read_only;
    else if (strcmp(name, "--json") == 0)
        sw = &cli->json;
    else if (strcmp(name, "--no-color") == 0)
        sw = &cli->no_color;
    if (sw == NULL)
        return 1;
    if (v != NULL)
        return err_set(e, ERR_USAGE, "%s takes no value", name);
    *sw = true;
    return 0;
}

int cli_opt_index(const struct cli_cmd *cmd, const char *name)
{
    for (size_t k = 0; k < cmd->nopts; k++)
        if (strcmp(cmd->opts[k].name, name) == 0)
            return (int)k;
    return -1;
}

static int unknown_option(const struct cli_cmd *cmd, const char *name, struct err *e)
{
    const char *cands[CLI_MAX_OPTS + NGLOBALS + 1];
    size_t n = 0;

    for (size_t k = 0; k < cmd->nopts; k++)
        cands[n++] = cmd->opts[k].name;
    for (size_t k = 0; k < NGLOBALS; k++)
        if (strcmp(globals[k], "--json") != 0 || cmd->json)
            cands[n++] = globals[k];
    cands[n++] = "--help";
    const char *near = str_nearest(name, cands, n);
    if (near != NULL)
        return err_set(e, ERR_USAGE, "unknown option '%s'; did you mean '%s'?", name, near);
    return err_set(e, ERR_USAGE, "unknown option '%s'", name);
}

static int command_option(const struct cli_cmd *cmd, struct cli_args *out, int argc, char **argv,
                          int *i, int k, const char *inline_val, struct err *e)
{
    const char *name = cmd->opts[k].name, *v = "";

    if (cmd->opts[k].arg != NULL) {
        if (take_value(name, inline_val, argc, argv, i, &v, e))
            return -1;
    } else if (inline_val != NULL) {
        return err_set(e, ERR_USAGE, "%s takes no value", name);
    }
    if (out->val[k] != NULL)
        return err_set(e, ERR_USAGE, "%s given twice", name);
    out->val[k] = v;
    return 0;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int cli_parse(struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv,
              struct cli_args *out, bool *help, struct err *e)
{
    bool options = true;

    memset(out, 0, sizeof(*out));
    *help = wants_help(argc, argv);
    if (*help)
        return 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options && strcmp(a, "--") == 0) {
            options = false;
        } else if (options && a[0] == '-' && a[1] != '\0') {
            char name[64];
            const char *v = split(a, name, sizeof(name));
            int k = cli_opt_index(cmd, name), rc;
            if (k >= 0) {
                if (command_option(cmd, out, argc, argv, &i, k, v, e))
                    return -1;
                continue;
            }
            rc = cli_parse_global(cli, argc, argv, &i, e);
            if (rc < 0)
                return -1;
            if (rc > 0)
                return unknown_option(cmd, name, e);
        } else {
            if (out->npos >= CLI_MAX_POS)
                return err_set(e, ERR_USAGE, "too many arguments (at most %d)", CLI_MAX_POS);
            out->pos[out->npos++] = a;
        }
    }
    if (cli->json && !cmd->json)
        return err_set(e, ERR_USAGE, "--json is not available for this command");
    if (out->npos < cmd->min_pos)
        return err_set(e, ERR_USAGE, "missing argument: %s", cmd->synopsis);
    if (cmd->max_pos >= 0 && out->npos > cmd->max_pos)
        return err_set(e, ERR_USAGE, "unexpected argument '%s'", out->pos[cmd->max_pos]);
    return 0;
}
