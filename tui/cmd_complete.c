/* tui/cmd_complete.c: the hidden `pipetop __complete WHAT` the shell completions call:
 * "pipelines" and "tables" print one name a line from the history database; "commands" prints
 * the command words. Never prints an error (a completion must stay quiet): a missing database
 * completes nothing. Reads the database only. */
#include "tui/cmd.h"

#include <string.h>

#include "core/model.h"
#include "state/runs.h"
#include "state/tables.h"
#include "tui/exitcode.h"

static void print_pipelines(struct db *db)
{
    struct pipeline *p = NULL;
    size_t n = 0;
    struct err e = ERR_INIT;

    if (db_list_pipelines(db, &p, &n, &e) != 0)
        return;
    for (size_t i = 0; i < n; i++)
        printf("%s\n", p[i].name);
    db_pipelines_free(p, n);
}

static void print_tables(struct db *db)
{
    struct db_table *t = NULL;
    size_t n = 0;
    struct err e = ERR_INIT;

    if (db_list_tables(db, &t, &n, &e) != 0)
        return;
    for (size_t i = 0; i < n; i++)
        printf("%s.%s\n", t[i].meta.dataset, t[i].meta.table_id);
    db_tables_free(t, n);
}

int cmd_complete(struct cli *cli, int argc, char **argv)
{
    struct config *cfg = NULL;
    struct config_overrides ov = {cli->config_path, cli->db_path, false};
    struct db *db = NULL;
    struct err e = ERR_INIT;

    if (argc < 1)
        return EXIT_USAGE;
    if (strcmp(argv[0], "commands") == 0) {
        size_t n;
        const struct cli_cmd *cmds = cli_commands(&n);
        for (size_t i = 1; i < n; i++)
            if (strchr(cmds[i].name, ' ') == NULL)
                printf("%s\n", cmds[i].name);
        printf("help\n");
        return EXIT_OK;
    }
    if (strcmp(argv[0], "pipelines") != 0 && strcmp(argv[0], "tables") != 0)
        return EXIT_USAGE;
    if (config_load(&cfg, &ov, &e) != 0 || db_open(&db, cfg->paths.db, DB_READONLY, &e) != 0) {
        config_free(cfg);
        return EXIT_OK;
    }
    if (strcmp(argv[0], "pipelines") == 0)
        print_pipelines(db);
    else
        print_tables(db);
    db_close(db);
    config_free(cfg);
    return EXIT_OK;
}
