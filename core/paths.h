/* core/paths.h: where pipetop's files live, by the XDG base directory convention.
 * Config: --config > PIPETOP_CONFIG > $XDG_CONFIG_HOME/pipetop/config.ini (~/.config).
 * Database: --db > PIPETOP_DB > $XDG_STATE_HOME/pipetop/history.db (~/.local/state).
 * Log: $XDG_STATE_HOME/pipetop/pipetop.log. Resolving never creates anything. */
#ifndef CORE_PATHS_H
#define CORE_PATHS_H

#include <sys/types.h>

#include "core/err.h"

enum path_source { PATH_DEFAULT = 0, PATH_ENV, PATH_FLAG };

struct paths {
    char *config; /* config file; it may not exist */
    enum path_source config_source;
    char *db; /* history database */
    enum path_source db_source;
    char *log; /* log file */
};

#define PATHS_INIT                                                                                 \
    {                                                                                              \
        NULL, PATH_DEFAULT, NULL, PATH_DEFAULT, NULL                                               \
    }

/* Resolves every path. config_flag / db_flag are the --config / --db values or NULL. Returns -1
 * with ERR_CONFIG when a default is needed and neither the XDG variable nor HOME gives an
 * absolute directory, or when a variable names an empty path; ERR_USAGE when a flag is given an
 * empty path. On error *out holds
 * nothing (release it anyway: that is safe). */
int paths_resolve(struct paths *out, const char *config_flag, const char *db_flag, struct err *e);

void paths_release(struct paths *p);

/* "default", "env PIPETOP_CONFIG", "flag --config" style words for info output. */
const char *path_source_name(enum path_source s);

/* Creates the directory that will hold file (and its parents) with the given mode when missing.
 * Returns -1 (ERR_IO, naming the directory and the system's reason) on failure. */
int paths_make_parent(const char *file, mode_t mode, struct err *e);

#endif
