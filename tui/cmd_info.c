/* tui/cmd_info.c: `pipetop info`: the files in use and every resolved setting with its source.
 * Reads only the config (which never holds secrets); makes no network call, opens no database. */
#include "tui/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "tui/exitcode.h"

struct text_walk {
    char last[160];
};

static int print_setting(void *user, const char *section, const char *key, const char *value,
                         const struct config_origin *o)
{
    struct text_walk *w = user;
    char src[96];

    if (strcmp(section, w->last) != 0) {
        printf("\n[%s]\n", section);
        snprintf(w->last, sizeof(w->last), "%s", section);
    }
    config_origin_str(o, src, sizeof(src));
    printf("  %-24s %-44s %s\n", key, value != NULL ? value : "(unset)", src);
    return 0;
}

static void print_path(const char *label, const char *path, enum path_source s, const char *var,
                       const char *flag)
{
    printf("%-14s %s", label, path);
    if (s == PATH_ENV)
        printf("  (env %s)", var);
    else if (s == PATH_FLAG)
        printf("  (flag %s)", flag);
}

static int info_text(const struct config *cfg)
{
    struct text_walk w = {""};

    printf("pipetop %s (git %s)\n\n", PIPETOP_VERSION, PIPETOP_REVISION);
    print_path("config file", cfg->paths.config, cfg->paths.config_source, "PIPETOP_CONFIG",
               "--config");
    printf("%s\n", cfg->config_exists ? "" : "  (not found: defaults in use)");
    print_path("database", cfg->paths.db, cfg->paths.db_source, "PIPETOP_DB", "--db");
    printf("\n");
    printf("%-14s %s\n", "log file", cfg->paths.log);
    printf("%-14s %s\n", "time zone", time_zone_name());
    printf("%-14s %zu\n", "pinned", cfg->n_pipelines); /* [pipeline NAME] sections */
    config_visit(cfg, print_setting, &w);
    return EXIT_OK;
}

int cmd_info(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct config *cfg = NULL;
    struct err e = ERR_INIT;
    char *json = NULL;
    int rc;

    (void)cmd;
    (void)a;
    if (cli_load_config(cli, &cfg, &rc))
        return rc;
    if (!cli->json) {
        rc = info_text(cfg);
    } else if (config_to_json(cfg, &json, &e) == 0) {
        printf("%s\n", json);
        rc = EXIT_OK;
    } else {
        fprintf(stderr, "pipetop: %s\n", e.msg);
        rc = exit_code_for(e.code);
    }
    free(json);
    config_free(cfg);
    return rc;
}
