/* core/paths.c: XDG resolution of the config file, history database and log file.
 * Reads only the environment; creates directories only when paths_make_parent() is asked to.
 * Relative XDG_* values are ignored, as the XDG base directory specification says. */
#include "core/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *join(const char *a, const char *b, const char *c, struct err *e)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);

    if (s == NULL) {
        err_set(e, ERR_NOMEM, "out of memory building a file path");
        return NULL;
    }
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* $VAR/pipetop/file if VAR is absolute, else $HOME/fallback/pipetop/file. */
static char *xdg_file(const char *var, const char *fallback, const char *file, struct err *e)
{
    const char *dir = getenv(var);
    const char *home = getenv("HOME");
    char *base, *out;

    if (dir != NULL && dir[0] == '/')
        return join(dir, "/pipetop/", file, e);
    if (home == NULL || home[0] != '/') {
        err_set(e, ERR_CONFIG,
                "cannot find where %s belongs: HOME is %s and %s is not set to an absolute "
                "directory; set HOME or %s",
                file, home == NULL ? "not set" : "not an absolute path", var, var);
        return NULL;
    }
    base = join(home, "/", fallback, e);
    if (base == NULL)
        return NULL;
    out = join(base, "/pipetop/", file, e);
    free(base);
    return out;
}

/* flag > env > XDG default; an empty flag or variable value is a mistake, not "unset". */
static int pick(char **out, enum path_source *src, const char *flag, const char *flag_name,
                const char *env_name, const char *xdg_var, const char *fallback, const char *file,
                struct err *e)
{
    const char *env = getenv(env_name);

    if (flag != NULL) {
        if (*flag == '\0')
            return err_set(e, ERR_USAGE, "%s was given an empty file name", flag_name);
        *src = PATH_FLAG;
        *out = join(flag, "", "", e);
    } else if (env != NULL) {
        if (*env == '\0')
            return err_set(e, ERR_CONFIG, "%s is set but empty; unset it or name a file", env_name);
        *src = PATH_ENV;
        *out = join(env, "", "", e);
    } else {
        *src = PATH_DEFAULT;
        *out = xdg_file(xdg_var, fallback, file, e);
    }
    return *out == NULL ? -1 : 0;
}

int paths_resolve(struct paths *out, const char *config_flag, const char *db_flag, struct err *e)
{
    struct paths p = PATHS_INIT;

    *out = p;
    if (pick(&p.config, &p.config_source, config_flag, "--config", "PIPETOP_CONFIG",
             "XDG_CONFIG_HOME", ".config", "config.ini", e) ||
        pick(&p.db, &p.db_source, db_flag, "--db", "PIPETOP_DB", "XDG_STATE_HOME", ".local/state",
             "history.db", e))
        goto fail;
    p.log = xdg_file("XDG_STATE_HOME", ".local/state", "pipetop.log", e);
    if (p.log == NULL)
        goto fail;
    *out = p;
    return 0;
fail:
    paths_release(&p);
    return -1;
}

void paths_release(struct paths *p)
{
    if (p == NULL)
        return;
    free(p->config);
    free(p->db);
    free(p->log);
    p->config = p->db = p->log = NULL;
}

const char *path_source_name(enum path_source s)
{
    switch (s) {
    case PATH_ENV:
        return "env";
    case PATH_FLAG:
        return "flag";
    case PATH_DEFAULT:
        break;
    }
    return "default";
}

int paths_make_parent(const char *file, mode_t mode, struct err *e)
{
    char dir[4096];
    size_t n = strlen(file);

    if (n >= sizeof(dir))
        return err_set(e, ERR_IO, "path too long: %.64s...", file);
    memcpy(dir, file, n + 1);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0; /* current directory or root */
    *slash = '\0';
    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, mode) != 0 && errno != EEXIST)
            return err_set(e, ERR_IO, "cannot create directory %s: %s", dir, strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, mode) != 0 && errno != EEXIST)
        return err_set(e, ERR_IO, "cannot create directory %s: %s", dir, strerror(errno));
    return 0;
}
