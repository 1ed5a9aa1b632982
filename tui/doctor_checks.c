/* tui/doctor_checks.c: the checks of `pipetop doctor` that need no answer from a service:
 * the config, the history database and log file, which AWS credentials and region are in use,
 * which Google credentials, a Google access token (the token endpoint's own error when refused)
 * and the project/location. Never prints or stores a secret: access key ids are shown by their
 * last four characters only, and the token itself never leaves gauth. */
#include "tui/doctor.h"

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "state/db.h"

void doctor_check_config(struct doctor *d)
{
    const struct session *s = d->s;
    const char *path = s->config_path[0] ? s->config_path : "(unknown)";

    if (s->config_err.code != ERR_OK)
        checklist_add(&d->list, "config", CHECK_FAIL, ERR_CONFIG,
                      "fix the place named above, then run `pipetop info` to see every setting "
                      "and where it came from",
                      "%s%s", s->config_err.msg,
                      s->config_is_fallback
                          ? " (the checks below use the environment and the defaults)"
                          : "");
    else if (!s->cfg->config_exists)
        checklist_add(&d->list, "config", CHECK_OK, ERR_OK, NULL,
                      "no config file at %s: defaults in use (time zone %s)", path,
                      time_zone_name());
    else
        checklist_add(&d->list, "config", CHECK_OK, ERR_OK, NULL,
                      "%s is valid: %zu pinned pipeline%s, time zone %s", path, s->cfg->n_pipelines,
                      s->cfg->n_pipelines == 1 ? "" : "s", time_zone_name());
}

void doctor_check_files(struct doctor *d)
{
    struct session *s = d->s;
    struct err e = ERR_INIT;
    int v = 0;

    if (s->db == NULL)
        checklist_add(&d->list, "history database", CHECK_FAIL, s->db_err.code,
                      "check the file's directory and permissions, or choose another file with "
                      "--db or PIPETOP_DB",
                      "%s", s->db_err.msg);
    else if (db_schema_version(s->db, &v, &e) != 0)
        checklist_add(&d->list, "history database", CHECK_FAIL, e.code,
                      "move the file aside; pipetop creates a new one", "%s: %s", db_path(s->db),
                      e.msg);
    else
        checklist_add(&d->list, "history database", CHECK_OK, ERR_OK, NULL, "%s (schema v%d)",
                      db_path(s->db), v);
    if (s->log == NULL)
        checklist_add(&d->list, "log file", CHECK_WARN, s->log_err.code,
                      "check the permissions of its directory; pipetop works without it", "%s",
                      s->log_err.msg);
    else
        checklist_add(&d->list, "log file", CHECK_OK, ERR_OK, NULL, "%s", log_path(s->log));
}

/* "…ABCD": enough to tell keys apart, as `aws configure list` shows them. */
static const char *key_tail(const char *akid, char *out, size_t n)
{
    size_t len = akid ? strlen(akid) : 0;

    snprintf(out, n, "...%s", len >= 4 ? akid + len - 4 : "");
    return out;
}

void doctor_check_aws(struct doctor *d)
{
    struct session *s = d->s;
    const char *const *warn = NULL;
    size_t nw = 0;
    struct err e = ERR_INIT;
    struct check *c;
    char tail[16];

    if (s->aws != NULL)
        nw = aws_config_warnings(s->aws, &warn);
    if (s->aws_creds == NULL) {
        checklist_add(&d->list, "AWS credentials", CHECK_FAIL, s->aws_err.code,
                      "fix the file named above, or set AWS_PROFILE to a profile that exists", "%s",
                      s->aws_err.msg);
    } else if (aws_creds_provider_get(s->aws_creds, &d->creds, &e) != 0) {
        d->creds = NULL;
        session_log_error(s, "AWS credentials", &e);
        checklist_add(&d->list, "AWS credentials", CHECK_FAIL, e.code,
                      "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a "
                      "profile in ~/.aws/credentials or ~/.aws/config, or run where an instance "
                      "role is attached",
                      "%s", e.msg);
    } else {
        c = checklist_add(&d->list, "AWS credentials", nw ? CHECK_WARN : CHECK_OK, ERR_OK,
                          nw ? warn[0] : NULL, "%s (access key %s%s)", d->creds->source,
                          key_tail(d->creds->access_key_id, tail, sizeof(tail)),
                          d->creds->session_token ? ", with a session token" : "");
        for (size_t i = 1; c != NULL && i < nw; i++)
            snprintf(c->remedy + strlen(c->remedy), sizeof(c->remedy) - strlen(c->remedy), "; %s",
                     warn[i]);
    }
    if (s->aws_region != NULL)
        checklist_add(&d->list, "AWS region", CHECK_OK, ERR_OK, NULL, "%s (from %s)", s->aws_region,
                      s->aws_region_source);
    else
        checklist_add(&d->list, "AWS region", CHECK_FAIL, ERR_CONFIG,
                      "set AWS_REGION, region in the profile's section of ~/.aws/config, or "
                      "[aws] region in the pipetop config",
                      "no region is configured%s",
                      s->aws ? ""
                             : " (the AWS configuration did "
                               "not load)");
}

static void check_token(struct doctor *d)
{
    struct session *s = d->s;
    const struct gauth_cred *c = gauth_cred(s->gauth);
    struct err e = ERR_INIT;
    const char *tok = NULL;
    char remedy[512];

    if (gauth_token(s->gauth, &tok, &e) == 0) {
        d->have_token = true;
        checklist_add(&d->list, "Google token", CHECK_OK, ERR_OK, NULL,
                      "access token obtained from %s",
                      c->kind == GAUTH_METADATA ? "the metadata server" : c->token_uri);
        return;
    }
    session_log_error(s, "Google token", &e);
    if (c->kind == GAUTH_SERVICE_ACCOUNT)
        snprintf(remedy, sizeof(remedy),
                 "create a new key for %s (`gcloud iam service-accounts keys create KEY.json "
                 "--iam-account=%s`) and point GOOGLE_APPLICATION_CREDENTIALS (or [gcp] "
                 "credentials) at it; check the system clock",
                 c->client_email, c->client_email);
    else if (c->kind == GAUTH_AUTHORIZED_USER)
        snprintf(remedy, sizeof(remedy), "run `gcloud auth application-default login` again");
    else
        snprintf(remedy, sizeof(remedy),
                 "attach a service account to this instance, or set "
                 "GOOGLE_APPLICATION_CREDENTIALS to a key file");
    checklist_add(&d->list, "Google token", CHECK_FAIL, e.code, remedy, "%s", e.msg);
}

static void check_project(struct doctor *d)
{
    const char *p, *loc;
    char src[512];

    p = session_gcp_project(d->s, src, sizeof(src));
    loc = session_gcp_location(d->s);
    snprintf(d->location, sizeof(d->location), "%s", loc ? loc : "");
    if (p == NULL) {
        checklist_add(&d->list, "Google project", CHECK_FAIL, ERR_CONFIG,
                      "set [gcp] project in the pipetop config (or GOOGLE_CLOUD_PROJECT)",
                      "no project is configured and the credentials name none");
        return;
    }
    snprintf(d->project, sizeof(d->project), "%s", p);
    checklist_add(&d->list, "Google project", CHECK_OK, ERR_OK, NULL,
                  "%s (from %s); DTS location %s", p, src, loc ? loc : "not configured");
}

void doctor_check_google(struct doctor *d)
{
    struct session *s = d->s;
    char desc[1200], warn[600];
    const char *w;

    if (s->gauth == NULL) {
        checklist_add(&d->list, "Google credentials", CHECK_FAIL, s->google_err.code,
                      "set GOOGLE_APPLICATION_CREDENTIALS (or [gcp] credentials) to a "
                      "service-account key file, or run `gcloud auth application-default login`",
                      "%s", s->google_err.msg);
        checklist_add(&d->list, "Google token", CHECK_FAIL, ERR_AUTH, NULL,
                      "not tried: no Google credentials");
    } else {
        gauth_cred_describe(gauth_cred(s->gauth), desc, sizeof(desc));
        w = gauth_cred_warning(gauth_cred(s->gauth), warn, sizeof(warn));
        checklist_add(&d->list, "Google credentials", w ? CHECK_WARN : CHECK_OK, ERR_OK, w, "%s",
                      desc);
        check_token(d);
    }
    check_project(d);
}
