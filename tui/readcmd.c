/* tui/readcmd.c: the common start and end of the read commands. Opens the history database
 * read-only, so a read command can never change it, and reads "as of" from its refresh log.
 * Never makes a network call. */
#include "tui/readcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "state/logs.h"
#include "tui/exitcode.h"
#include "tui/out.h"

int readcmd_fail(const struct err *e)
{
    fprintf(stderr, "pipetop: %s\n", e->msg);
    if (e->code == ERR_NOT_FOUND)
        return EXIT_USAGE;
    return exit_code_for(e->code);
}

static int as_of(struct readcmd *r, struct err *e)
{
    struct db_refresh *list = NULL;
    size_t n = 0;

    if (db_list_refreshes(r->db, 20, &list, &n, e) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (list[i].status == DB_REFRESH_RUNNING && i + 1 < n)
            continue; /* a newer refresh still running (or dead): the data is of the last end */
        r->as_of_ms = list[i].ended_ms > 0 ? list[i].ended_ms : list[i].started_ms;
        snprintf(r->refresh_status, sizeof(r->refresh_status), "%s",
                 db_refresh_status_name(list[i].status));
        break;
    }
    db_refreshes_free(list, n);
    return 0;
}

int readcmd_open(struct readcmd *r, const struct cli *cli, int *rc)
{
    struct err e = ERR_INIT;

    memset(r, 0, sizeof(*r));
    out_locale();
    if (cli_load_config(cli, &r->cfg, rc))
        return -1;
    r->color = out_color_wanted(cli->no_color);
    r->width = out_term_width();
    r->now_ms = clock_now_ms(NULL);
    if (db_open(&r->db, r->cfg->paths.db, DB_READONLY, &e) != 0 || as_of(r, &e) != 0) {
        fprintf(stderr, "pipetop: %s\n", e.msg);
        *rc = e.code == ERR_NOT_FOUND ? EXIT_LOCAL : exit_code_for(e.code);
        readcmd_close(r);
        return -1;
    }
    return 0;
}

void readcmd_close(struct readcmd *r)
{
    db_close(r->db);
    config_free(r->cfg);
    r->db = NULL;
    r->cfg = NULL;
}

int readcmd_print_json(char *json)
{
    printf("%s\n", json);
    free(json);
    return EXIT_OK;
}

void readcmd_print_as_of(const struct readcmd *r)
{
    char t[32], age[32], line[1200];
    struct buf b = BUF_INIT(4096);

    if (r->as_of_ms <= 0)
        snprintf(line, sizeof(line), "no refresh recorded in %s yet: run `pipetop refresh`",
                 db_path(r->db));
    else
        snprintf(line, sizeof(line), "data as of %s (%s, refresh %s) from %s",
                 out_time(r->as_of_ms, t, sizeof(t)),
                 time_format_age(r->now_ms, r->as_of_ms, age, sizeof(age)), r->refresh_status,
                 db_path(r->db));
    out_cut(&b, line, r->width);
    printf("%s\n", buf_cstr(&b));
    buf_release(&b);
}
