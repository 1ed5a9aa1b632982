/* tui/cmd_calls.c: `pipetop calls [--limit N]`: the API call log of the history database, newest
 * first: time, service, operation, HTTP status, latency, retries, and under each call its retry
 * detail and the equivalent aws/bq command line. Records are redacted before they are stored;
 * this prints them as stored. Text or JSON. Reads the database only. */
#include "tui/cmd.h"

#include <string.h>

#include "core/report_json.h"
#include "core/strutil.h"
#include "state/logs.h"
#include "tui/exitcode.h"
#include "tui/out.h"
#include "tui/readcmd.h"

#define DEFAULT_LIMIT 50

static void print_call(const struct readcmd *r, const struct api_call *c)
{
    struct buf b = BUF_INIT(1 << 16);
    char at[32], status[16], lat[32];
    enum out_role role =
        c->error != NULL || c->status >= 400 || c->status == 0 ? ROLE_FAILED : ROLE_NONE;

    snprintf(status, sizeof(status), c->status > 0 ? "%ld" : "-", c->status);
    snprintf(lat, sizeof(lat), "%lldms", (long long)c->latency_ms);
    buf_printf(&b, "%s ", out_time(c->at_ms, at, sizeof(at)));
    out_fit(&b, c->service, 10, OUT_LEFT);
    buf_putc(&b, ' ');
    out_fit(&b, c->operation, 24, OUT_LEFT);
    buf_putc(&b, ' ');
    out_fit_role(&b, status, 3, OUT_RIGHT, role, r->color);
    buf_putc(&b, ' ');
    out_fit(&b, lat, 8, OUT_RIGHT);
    if (c->retries > 0)
        buf_printf(&b, "  %d retr%s", c->retries, c->retries == 1 ? "y" : "ies");
    printf("%s\n", buf_cstr(&b));
    const char *more[] = {c->error, c->retry_detail, c->command};
    const char *lead[] = {"    error: ", "    ", "    $ "};
    for (int i = 0; i < 3; i++) {
        if (more[i] == NULL || more[i][0] == '\0')
            continue;
        buf_reset(&b);
        buf_puts(&b, lead[i]);
        out_cut(&b, more[i], r->width - out_width(lead[i]));
        printf("%s\n", buf_cstr(&b));
    }
    buf_release(&b);
}

int cmd_calls(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct readcmd r;
    struct api_call *list = NULL;
    size_t n = 0;
    struct err e = ERR_INIT;
    long limit = DEFAULT_LIMIT;
    int rc;

    if (a->val[0] != NULL && str_parse_int(a->val[0], 0, 1000000, &limit))
        return cli_usage_error(cmd, "--limit needs a whole number from 0 (all) to 1000000");
    if (readcmd_open(&r, cli, &rc))
        return rc;
    if (db_call_list(r.db, (size_t)limit, &list, &n, &e) != 0) {
        rc = readcmd_fail(&e);
        goto out;
    }
    if (cli->json) {
        char *json = NULL;
        rc = report_calls_json(list, n, &json, &e) == 0 ? readcmd_print_json(json)
                                                        : readcmd_fail(&e);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        print_call(&r, &list[i]);
    if (n == 0)
        printf("(the API call log is empty)\n");
    else if ((long)n == limit)
        printf("(the newest %ld calls; --limit N for more, --limit 0 for all)\n", limit);
    rc = EXIT_OK;
out:
    db_calls_free(list, n);
    readcmd_close(&r);
    return rc;
}
