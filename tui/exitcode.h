/* tui/exitcode.h: the process exit codes pipetop documents (README "Exit codes").
 * Scripts rely on these numbers: never renumber, only add. */
#ifndef TUI_EXITCODE_H
#define TUI_EXITCODE_H

#include "core/err.h"

enum exit_code {
    EXIT_OK = 0,
    EXIT_FAILURES = 1,     /* the command worked and found failed runs (status, runs) */
    EXIT_USAGE = 2,        /* bad command line, or a named thing that does not exist */
    EXIT_CONFIG = 3,       /* config file, credentials or authentication */
    EXIT_NETWORK = 4,      /* a cloud service could not be reached or answered with an error */
    EXIT_REFUSED = 5,      /* a guard said no: read-only, already running, outside a window */
    EXIT_LOCAL = 6,        /* local file system or history database */
    EXIT_UNAVAILABLE = 69, /* the command is not built yet in this version (EX_UNAVAILABLE) */
    EXIT_INTERNAL = 70     /* a bug or out of memory (EX_SOFTWARE) */
};

/* The exit code for an error of that code. */
int exit_code_for(enum err_code code);

#endif
