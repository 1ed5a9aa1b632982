/* tui/refresh_session.c: a refresh on the shared session (tui/session.h): the endpoints and
 * credentials a refresh_env borrows, and the logging of what could not be read. Used by
 * `pipetop refresh`, `pipetop status` and the dashboard's engine thread alike. */
#include "tui/refresh.h"

#include <string.h>

#include "tui/session.h"

/* The endpoint of service, or NULL when the AWS side cannot give one (the first reason is kept
 * in why). */
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

void refresh_setup_from_session(struct refresh_setup *rs, struct session *s)
{
    struct refresh_env *env = &rs->env;

    memset(rs, 0, sizeof(*rs));
    env->cfg = s->cfg;
    env->db = s->db;
    env->http = s->http;
    env->aws_creds = s->aws_creds;
    env->aws_err = &s->aws_err;
    env->aws_region = s->aws_region;
    env->ddb_endpoint = aws_url(s, "dynamodb", &rs->ddb, &rs->aws_why);
    env->rds_endpoint = aws_url(s, "rds", &rs->rds, &rs->aws_why);
    env->events_endpoint = aws_url(s, "events", &rs->events, &rs->aws_why);
    if (s->aws_creds != NULL && rs->aws_why.code != ERR_OK) {
        env->aws_creds = NULL; /* no usable endpoint: report why instead of calling */
        env->aws_err = &rs->aws_why;
    }
    env->gauth = s->gauth;
    env->google_err = &s->google_err;
    env->gcp_project = session_gcp_project(s, rs->project_source, sizeof(rs->project_source));
    env->gcp_location = session_gcp_location(s);
    env->dts_endpoint = session_dts_endpoint(s);
    env->bq_endpoint = session_bigquery_endpoint(s);
}

int refresh_session_run(struct session *s, struct refresh_report *out, struct err *e)
{
    struct refresh_setup rs;

    refresh_setup_from_session(&rs, s);
    if (refresh_run(&rs.env, out, e) != 0) {
        session_log_error(s, "refresh", e);
        return -1;
    }
    for (size_t i = 0; i < out->n_gaps; i++)
        session_log_error(s, out->gaps[i].what, &out->gaps[i].err);
    return 0;
}
