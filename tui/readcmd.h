/* tui/readcmd.h: what every read command (status, runs, tables, schema, history, audit, calls)
 * does first: load the config, select the locale and time zone, open the history database
 * read-only, decide on colour and width; and the "data as of" line they print last. */
#ifndef TUI_READCMD_H
#define TUI_READCMD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "state/db.h"
#include "tui/cmd.h"

struct readcmd {
    struct config *cfg;
    struct db *db;
    bool color; /* stdout is a terminal, no NO_COLOR, no --no-color */
    int width;  /* terminal columns */
    int64_t now_ms;
    int64_t as_of_ms; /* end of the last finished refresh (start of a running one); 0: none */
    char refresh_status[16]; /* "ok", "partial", "failed", "running" or "" */
};

/* Loads the config and opens the database read-only (never created, never migrated). Prints
 * the error and returns -1 with the exit code in *rc: a missing database is EXIT_LOCAL with
 * "run `pipetop refresh` first". */
int readcmd_open(struct readcmd *r, const struct cli *cli, int *rc);
void readcmd_close(struct readcmd *r);

/* Prints "pipetop: MSG" on stderr and returns the exit code for e. */
int readcmd_fail(const struct err *e);

/* Prints json and a newline on stdout and frees it. Returns EXIT_OK. */
int readcmd_print_json(char *json);

/* "data as of 2024-05-17 05:00 (3m ago, refresh ok) from FILE" or "no refresh recorded in
 * FILE yet: run `pipetop refresh`", on stdout. */
void readcmd_print_as_of(const struct readcmd *r);

#endif
