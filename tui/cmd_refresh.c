/* tui/cmd_refresh.c: `pipetop refresh [--json]`: one refresh, synchronously, through the shared
 * session (tui/session.h), then its report: counts, duration and every gap with its error.
 * Exit 0 when complete, 4 when partial (a source could not be read), 3 when credentials or
 * config kept a source from being read, 6 when the history database could not be written. */
#include "tui/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/refresh_report.h"
#include "tui/exitcode.h"
#include "tui/refresh.h"
#include "tui/session.h"

/* The endpoint of service, or NULL when the AWS side cannot give one (its error goes to why,
 * first one kept). */
static const char *aws_url(struct session *s, const char *service, struct aws_endpoint *ep,
                           struct err *why)
{
    struct err e = ERR_INIT;

    if (s->aws_creds == NULL)
        return NULL;
    if (session_aws_endpoint(s, service, ep, &e) != 0) {
        if (why->code == ERR_OK)
            *why = e;
        return NULL;
    }
    return ep->url;
}

static void print_text(const struct refresh_report *r)
{
    double secs = (double)(r->ended_ms - r->started_ms) / 1000.0;

    printf("refresh %lld: %s in %.2fs\n", (long long)r->id, refresh_status_name(r->status),
           secs < 0 ? 0.0 : secs);
    printf("  API calls          %d", r->calls);
    if (r->reused > 0)
        printf(" (%d finished export%s read from history instead)", r->reused,
               r->reused == 1 ? "" : "s");
    printf("\n");
    printf("  pipelines          %zu (%zu stage runs)\n", r->pipelines, r->stage_runs);
    printf("  transfer configs   %zu (%zu runs)\n", r->configs, r->runs);
    printf("  exports            %zu DynamoDB, %zu Aurora\n", r->exports, r->export_tasks);
    printf("  tables             %zu (%zu new schema version%s, %zu row-count sample%s)\n",
           r->tables, r->new_schemas, r->new_schemas == 1 ? "" : "s", r->samples,
           r->samples == 1 ? "" : "s");
    if (r->n_unlinked > 0) {
        printf("unlinked (%zu):\n", r->n_unlinked);
        for (size_t i = 0; i < r->n_unlinked; i++)
            printf("  %s\n", r->unlinked[i]);
    }
    for (size_t i = 0; i < r->n_notes; i++)
        printf("note: %s\n", r->notes[i]);
    if (r->n_gaps == 0)
        return;
    printf("not read (%zu):\n", r->n_gaps);
    for (size_t i = 0; i < r->n_gaps; i++)
        printf("  %s: %s\n", r->gaps[i].what, r->gaps[i].err.msg);
}

/* 3 when a gap is about credentials or config (the user must fix something), else 4. */
static int gaps_exit_code(const struct refresh_report *r)
{
    for (size_t i = 0; i < r->n_gaps; i++)
        if (r->gaps[i].err.code == ERR_AUTH || r->gaps[i].err.code == ERR_CONFIG)
            return EXIT_CONFIG;
    return r->n_gaps > 0 ? EXIT_NETWORK : EXIT_OK;
}

static int report(const struct cli *cli, const struct refresh_report *r)
{
    struct err e = ERR_INIT;
    char *json = NULL;

    if (!cli->json) {
        print_text(r);
    } else if (refresh_report_json(r, &json, &e) == 0) {
        printf("%s\n", json);
        free(json);
    } else {
        fprintf(stderr, "pipetop: %s\n", e.msg);
        return exit_code_for(e.code);
    }
    for (size_t i = 0; cli->json && i < r->n_gaps; i++)
        fprintf(stderr, "pipetop: not read: %s: %s\n", r->gaps[i].what, r->gaps[i].err.msg);
    return gaps_exit_code(r);
}

int cmd_refresh(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct session_options so = {{cli->config_path, cli->db_path, cli->read_only}, 0, 0, 0, false};
    struct aws_endpoint ddb, rds, events;
    struct refresh_report r;
    struct refresh_env env = {0};
    struct session *s = NULL;
    struct err e = ERR_INIT, aws_why = ERR_INIT;
    char src[160];
    int rc;

    (void)cmd;
    (void)a;
    memset(&r, 0, sizeof(r));
    if (session_open(&s, &so, &e) != 0 ||
        session_require(s, SESSION_NEED_CONFIG | SESSION_NEED_DB, &e) != 0) {
        fprintf(stderr, "pipetop: %s\n", e.msg);
        session_close(s);
        return exit_code_for(e.code);
    }
    env.cfg = s->cfg;
    env.db = s->db;
    env.http = s->http;
    env.aws_creds = s->aws_creds;
    env.aws_err = &s->aws_err;
    env.aws_region = s->aws_region;
    env.ddb_endpoint = aws_url(s, "dynamodb", &ddb, &aws_why);
    env.rds_endpoint = aws_url(s, "rds", &rds, &aws_why);
    env.events_endpoint = aws_url(s, "events", &events, &aws_why);
    if (s->aws_creds != NULL && aws_why.code != ERR_OK) {
        env.aws_creds = NULL; /* no usable endpoint: report why instead of calling */
        env.aws_err = &aws_why;
    }
    env.gauth = s->gauth;
    env.google_err = &s->google_err;
    env.gcp_project = session_gcp_project(s, src, sizeof(src));
    env.gcp_location = session_gcp_location(s);
    env.dts_endpoint = session_dts_endpoint(s);
    env.bq_endpoint = session_bigquery_endpoint(s);
    if (refresh_run(&env, &r, &e) != 0) {
        session_log_error(s, "refresh", &e);
        fprintf(stderr, "pipetop: refresh failed, nothing was stored: %s\n", e.msg);
        rc = exit_code_for(e.code);
    } else {
        for (size_t i = 0; i < r.n_gaps; i++)
            session_log_error(s, r.gaps[i].what, &r.gaps[i].err);
        rc = report(cli, &r);
    }
    refresh_report_release(&r);
    session_close(s);
    return rc;
}
