/* tui/session.c: sets up what a cloud-talking command needs — config, history database, log
 * file, the HTTP client that writes every call to both, AWS and Google credentials — keeping
 * each part's failure instead of stopping at the first. Holds no secret itself: credentials
 * live in their providers (wiped on close); calls reach the logs already redacted by core/http.
 */
#include "tui/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "state/logs.h"

static void on_call(void *ctx, const struct api_call *c)
{
    struct session *s = ctx;
    struct err e = ERR_INIT;

    log_call(s->log, c);
    if (s->db == NULL)
        return;
    if (db_call_add(s->db, c, &e) == 0) {
        s->calls_logged++;
    } else if (s->call_log_err.code == ERR_OK) {
        s->call_log_err = e;
        log_error(s->log, "writing the API call log", &e);
    }
}

static void open_config(struct session *s, const struct session_options *opt)
{
    struct config_overrides ov = opt->ov;
    struct paths p = PATHS_INIT;
    struct err pe = ERR_INIT;

    if (config_load(&s->cfg, &ov, &s->config_err) == 0) {
        snprintf(s->config_path, sizeof(s->config_path), "%s", s->cfg->paths.config);
        time_zone_use(s->cfg->general.timezone, &s->config_err);
        return;
    }
    if (paths_resolve(&p, ov.config_path, ov.db_path, &pe) == 0)
        snprintf(s->config_path, sizeof(s->config_path), "%s", p.config);
    paths_release(&p);
    if (!opt->config_fallback)
        return;
    /* An empty file: the environment and the defaults, with the same --db / PIPETOP_DB. */
    ov.config_path = "/dev/null";
    if (config_load(&s->cfg, &ov, &pe) != 0)
        s->cfg = NULL;
    s->config_is_fallback = s->cfg != NULL;
}

/* Per attempt: the caller's limit, or [general] request_timeout when that is shorter. */
static long attempt_timeout_ms(const struct session *s, const struct session_options *opt)
{
    long cfg = s->cfg ? (long)s->cfg->general.request_timeout_s * 1000 : 0;

    return cfg > 0 && (opt->timeout_ms <= 0 || cfg < opt->timeout_ms) ? cfg : opt->timeout_ms;
}

static void open_http(struct session *s, const struct session_options *opt, struct err *e)
{
    struct http_options ho = {0};

    ho.max_in_flight = s->cfg ? s->cfg->general.max_in_flight : 0;
    ho.connect_timeout_ms = opt->connect_timeout_ms;
    ho.timeout_ms = attempt_timeout_ms(s, opt);
    ho.max_attempts = opt->max_attempts;
    ho.on_call = on_call;
    ho.on_call_ctx = s;
    http_client_new(&s->http, &ho, e);
}

static void open_aws(struct session *s)
{
    struct aws_config_options ao = {NULL, NULL, NULL};

    if (s->cfg != NULL) {
        ao.profile = s->cfg->aws.profile;
        ao.region_fallback = s->cfg->aws.region;
    }
    if (aws_config_load(&s->aws, &ao, &s->aws_err) != 0)
        return;
    s->aws_region = aws_config_region(s->aws, &s->aws_region_source);
    aws_creds_provider_new(&s->aws_creds, s->aws, ao.profile != NULL, s->http, NULL, &s->aws_err);
}

static void open_google(struct session *s, const struct session_options *opt)
{
    struct gauth_options go = {0};
    const char *file = s->cfg ? s->cfg->gcp.credentials : NULL;
    struct gauth_cred c;

    go.on_call = on_call;
    go.on_call_ctx = s;
    go.timeout_ms = attempt_timeout_ms(s, opt);
    go.connect_timeout_ms = opt->connect_timeout_ms;
    go.max_attempts = opt->max_attempts;
    if (file == NULL) {
        gauth_new_default(&s->gauth, &go, &s->google_err);
        return;
    }
    if (gauth_cred_load_file(&c, file, &s->google_err) != 0)
        return;
    if (gauth_new(&s->gauth, &c, &go, &s->google_err) != 0)
        gauth_cred_release(&c);
}

int session_open(struct session **out, const struct session_options *opt, struct err *e)
{
    struct session *s = calloc(1, sizeof(*s));

    *out = NULL;
    if (s == NULL)
        return err_set(e, ERR_NOMEM, "out of memory setting up");
    open_config(s, opt);
    if (s->cfg == NULL) {
        err_set(&s->db_err, ERR_CONFIG, "the history database was not opened: no usable config");
        err_set(&s->log_err, ERR_CONFIG, "the log file was not opened: no usable config");
    } else {
        log_open(&s->log, s->cfg->paths.log, 0, &s->log_err);
        if (db_open(&s->db, s->cfg->paths.db, 0, &s->db_err) == 0)
            db_set_call_retention(s->db, s->cfg->general.api_log_max_rows,
                                  s->cfg->general.api_log_retention_days);
    }
    open_http(s, opt, e);
    if (s->http == NULL) {
        session_close(s);
        return -1;
    }
    if (s->config_err.code != ERR_OK)
        log_error(s->log, "config", &s->config_err);
    if (s->db_err.code != ERR_OK)
        log_error(s->log, "history database", &s->db_err);
    open_aws(s);
    open_google(s, opt);
    *out = s;
    return 0;
}

void session_close(struct session *s)
{
    if (s == NULL)
        return;
    aws_creds_provider_free(s->aws_creds);
    aws_config_free(s->aws);
    gauth_free(s->gauth);
    http_client_free(s->http);
    db_close(s->db);
    log_close(s->log);
    config_free(s->cfg);
    free(s);
}

int session_require(struct session *s, unsigned need, struct err *e)
{
    const struct err *why = NULL;
    const char *part = NULL;

    if ((need & SESSION_NEED_CONFIG) && s->config_err.code != ERR_OK)
        why = &s->config_err, part = "config";
    else if ((need & SESSION_NEED_DB) && s->db == NULL)
        why = &s->db_err, part = "history database";
    else if ((need & SESSION_NEED_AWS) && s->aws_creds == NULL)
        why = &s->aws_err, part = "AWS credentials";
    else if ((need & SESSION_NEED_GOOGLE) && s->gauth == NULL)
        why = &s->google_err, part = "Google credentials";
    if (why == NULL)
        return 0;
    log_error(s->log, part, why);
    return err_set(e, why->code ? why->code : ERR_INTERNAL, "%s", why->msg);
}

int session_aws_endpoint(const struct session *s, const char *service, struct aws_endpoint *out,
                         struct err *e)
{
    const char *cfg_url = s->cfg ? s->cfg->aws.endpoint_url : NULL;

    if (s->aws == NULL)
        return err_set(e, ERR_CONFIG, "%s endpoint: the AWS configuration is not usable: %s",
                       service, s->aws_err.msg);
    if (s->aws_region == NULL)
        return err_set(e, ERR_CONFIG,
                       "%s endpoint: no AWS region is configured; set AWS_REGION, region in the "
                       "profile (~/.aws/config) or [aws] region in the pipetop config",
                       service);
    if (aws_config_endpoint(s->aws, service, s->aws_region, out, e) != 0)
        return -1;
    if (!out->overridden && cfg_url != NULL) {
        snprintf(out->url, sizeof(out->url), "%.*s", (int)strcspn(cfg_url, "\n"), cfg_url);
        while (out->url[0] && out->url[strlen(out->url) - 1] == '/')
            out->url[strlen(out->url) - 1] = '\0';
        snprintf(out->source, sizeof(out->source), "pipetop config [aws] endpoint_url");
        out->overridden = 1;
        out->s3_path_style = 1;
    }
    return 0;
}

const char *session_bigquery_endpoint(const struct session *s)
{
    const char *v = s->cfg ? s->cfg->gcp.bigquery_endpoint : NULL;
    return v ? v : "https://bigquery.googleapis.com";
}

const char *session_dts_endpoint(const struct session *s)
{
    const char *v = s->cfg ? s->cfg->gcp.dts_endpoint : NULL;
    return v ? v : "https://bigquerydatatransfer.googleapis.com";
}

const char *session_gcp_project(const struct session *s, char *source, size_t n)
{
    const struct gauth_cred *c;
    const char *p, *env;

    snprintf(source, n, "nowhere");
    if (s->cfg != NULL && s->cfg->gcp.project != NULL) {
        char from[96];
        config_origin_str(config_origin_of(s->cfg, "gcp", "project"), from, sizeof(from));
        snprintf(source, n, "[gcp] project, %s", from);
        return s->cfg->gcp.project;
    }
    if (s->gauth == NULL || (p = gauth_project(s->gauth)) == NULL)
        return NULL;
    c = gauth_cred(s->gauth);
    if ((env = getenv("GOOGLE_CLOUD_PROJECT")) != NULL && strcmp(env, p) == 0)
        snprintf(source, n, "GOOGLE_CLOUD_PROJECT");
    else if ((env = getenv("GCLOUD_PROJECT")) != NULL && strcmp(env, p) == 0)
        snprintf(source, n, "GCLOUD_PROJECT");
    else if (c->project_id != NULL && strcmp(c->project_id, p) == 0)
        snprintf(source, n, "project_id of %s", c->file ? c->file : "the credentials");
    else
        snprintf(source, n, "the metadata server");
    return p;
}

const char *session_gcp_location(const struct session *s)
{
    return s->cfg ? s->cfg->gcp.location : NULL;
}

void session_log_error(struct session *s, const char *context, const struct err *e)
{
    log_error(s->log, context, e);
}
