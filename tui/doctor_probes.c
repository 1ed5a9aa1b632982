/* tui/doctor_probes.c: the network half of `pipetop doctor` — STS GetCallerIdentity, DTS
 * transferConfigs.list (pageSize=1) and BigQuery datasets.list (maxResults=1) in flight
 * together on the session's HTTP client, bounded by DOCTOR_DEADLINE_MS, then the clock compared
 * with each answer's Date header. Errors are each service's own code and message. */
#include "tui/doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bq.h"
#include "core/clock.h"
#include "core/dts.h"
#include "core/sts.h"

#define SKEW_WARN_MS (60 * 1000)
#define SKEW_FAIL_MS (5 * 60 * 1000)

static void probe_done(void *ctx, struct http_request *req, struct http_response *resp,
                       const struct err *e)
{
    struct probe *p = ctx;

    (void)req;
    p->done = true;
    p->resp = *resp; /* move: the engine releases an emptied response */
    memset(resp, 0, sizeof(*resp));
    p->err = *e;
    p->local_ms = clock_now_ms(NULL);
}

/* Submits req for p and adds p's line (to be filled when it finishes). */
static void submit(struct doctor *d, struct probe *p, const char *name, struct http_request *req)
{
    struct err e = ERR_INIT;

    p->line = checklist_add(&d->list, name, CHECK_FAIL, ERR_NETWORK,
                            "check the network, any proxy settings and the endpoint",
                            "%s %s: no answer within %d s from %.300s", req->service,
                            req->operation, DOCTOR_DEADLINE_MS / 1000, req->url);
    if (http_submit(d->s->http, req, probe_done, p, &e) != 0) {
        if (p->line != NULL)
            snprintf(p->line->detail, sizeof(p->line->detail), "%s", e.msg);
        return;
    }
    p->submitted = true;
}

static void not_tried(struct doctor *d, const char *name, enum err_code code, const char *why)
{
    checklist_add(&d->list, name, CHECK_FAIL, code, NULL, "not tried: %s", why);
}

void doctor_probe_sts(struct doctor *d)
{
    struct session *s = d->s;
    struct buf body = BUF_INIT(256);
    struct http_request req;
    struct err e = ERR_INIT;
    char url[1100];

    if (d->creds == NULL || s->aws_region == NULL) {
        not_tried(d, "AWS identity", ERR_AUTH,
                  d->creds ? "no AWS region" : "no usable AWS credentials");
        return;
    }
    if (session_aws_endpoint(s, "sts", &d->sts_ep, &e) != 0) {
        checklist_add(&d->list, "AWS identity", CHECK_FAIL, e.code,
                      "fix AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL or the profile's endpoint_url",
                      "%s", e.msg);
        return;
    }
    snprintf(url, sizeof(url), "%s/", d->sts_ep.url);
    d->signer = (struct aws_signer){d->creds, s->aws_region, "sts", 0};
    if (sts_build_get_caller_identity(&body, &e) != 0 ||
        http_request_init(&req, "sts", "GetCallerIdentity", "POST", url, &e) != 0) {
        buf_release(&body);
        checklist_add(&d->list, "AWS identity", CHECK_FAIL, e.code, NULL, "%s", e.msg);
        return;
    }
    if (http_headers_set(&req.headers, "Content-Type",
                         "application/x-www-form-urlencoded; charset=utf-8", &e) == 0 &&
        http_request_set_body(&req, body.data, body.len, &e) == 0) {
        req.command = strdup("aws sts get-caller-identity");
        req.prepare = aws_sign_prepare;
        req.prepare_ctx = &d->signer;
        submit(d, &d->sts, "AWS identity", &req);
    } else {
        http_request_release(&req);
        checklist_add(&d->list, "AWS identity", CHECK_FAIL, e.code, NULL, "%s", e.msg);
    }
    buf_release(&body);
}

void doctor_probe_google(struct doctor *d)
{
    struct session *s = d->s;
    struct http_request req;
    struct err e = ERR_INIT;
    const char *why = !d->have_token ? "no Google access token" : "no Google project";
    enum err_code code = !d->have_token ? ERR_AUTH : ERR_CONFIG;

    if (!d->have_token || d->project[0] == '\0') {
        not_tried(d, "DTS", code, why);
        not_tried(d, "BigQuery", code, why);
        return;
    }
    if (d->location[0] == '\0')
        checklist_add(&d->list, "DTS", CHECK_FAIL, ERR_CONFIG,
                      "set [gcp] location in the pipetop config to where the transfer configs "
                      "live (us, eu, asia-northeast1, ...)",
                      "not configured: no DTS location, so transfer configs cannot be listed");
    else if (dts_build_list_configs(&req, session_dts_endpoint(s), d->project, d->location, NULL, 1,
                                    NULL, &e) != 0)
        checklist_add(&d->list, "DTS", CHECK_FAIL, e.code, NULL, "%s", e.msg);
    else {
        req.prepare = gauth_prepare;
        req.prepare_ctx = s->gauth;
        submit(d, &d->dts, "DTS", &req);
    }
    e = (struct err)ERR_INIT;
    if (bq_build_list_datasets(&req, session_bigquery_endpoint(s), d->project, 1, NULL, &e) != 0) {
        checklist_add(&d->list, "BigQuery", CHECK_FAIL, e.code, NULL, "%s", e.msg);
        return;
    }
    req.prepare = gauth_prepare;
    req.prepare_ctx = s->gauth;
    submit(d, &d->bq, "BigQuery", &req);
}

static void set_line(struct check *c, enum check_status st, enum err_code code, const char *remedy,
                     const char *detail)
{
    if (c == NULL)
        return;
    c->status = st;
    c->code = code;
    snprintf(c->remedy, sizeof(c->remedy), "%s", remedy ? remedy : "");
    snprintf(c->detail, sizeof(c->detail), "%s", detail);
}

/* What to do about an STS error code (AWS's own word). */
static const char *sts_remedy(const char *code, const char *msg, const struct aws_creds *creds)
{
    static char buf[512];

    if (strstr(msg, "Signature expired") != NULL || strcmp(code, "RequestTimeTooSkewed") == 0)
        return "this computer's clock is more than 15 minutes off AWS's (see the clock line): "
               "fix NTP (`timedatectl set-ntp true`)";
    if (strcmp(code, "SignatureDoesNotMatch") == 0 || strcmp(code, "IncompleteSignature") == 0) {
        snprintf(buf, sizeof(buf),
                 "the secret access key from %.300s does not belong to its access key id (or the "
                 "clock is far off): copy the secret again or create a new access key",
                 creds->source);
        return buf;
    }
    if (strcmp(code, "InvalidClientTokenId") == 0 ||
        strcmp(code, "UnrecognizedClientException") == 0)
        return "the access key id is unknown to AWS (deleted, deactivated or from another "
               "partition): use an active key";
    if (strcmp(code, "ExpiredToken") == 0 || strcmp(code, "RequestExpired") == 0)
        return "the temporary credentials expired: get new ones (aws sso login, or refresh "
               "AWS_SESSION_TOKEN) and check the clock";
    if (strcmp(code, "AccessDenied") == 0)
        return "GetCallerIdentity needs no permission, so a policy with an explicit deny or an "
               "SCP is in the way: ask the account's administrator";
    return "see AWS's message above";
}

static void finish_sts(struct doctor *d)
{
    struct probe *p = &d->sts;
    struct sts_identity id;
    struct err e = ERR_INIT;
    char code[128] = "", detail[1280];

    if (!p->done)
        return;
    if (p->err.code == ERR_OK &&
        sts_parse_caller_identity(&id, p->resp.body.data, p->resp.body.len, &e) == 0) {
        snprintf(detail, sizeof(detail), "account %s, %.900s (STS at %.200s)", id.account, id.arn,
                 d->sts_ep.url);
        set_line(p->line, CHECK_OK, ERR_OK, NULL, detail);
        return;
    }
    if (p->err.code == ERR_OK) { /* a 2xx answer we could not read */
        set_line(p->line, CHECK_FAIL, ERR_SERVICE, "is the STS endpoint really AWS STS?", e.msg);
    } else if (p->resp.status >= 300) {
        sts_parse_error(p->resp.body.data, p->resp.body.len, p->resp.status, "GetCallerIdentity",
                        code, &e);
        set_line(p->line, CHECK_FAIL, e.code, sts_remedy(code, e.msg, d->creds), e.msg);
    } else {
        err_set(&e, ERR_NETWORK, "STS at %.300s (endpoint from %.160s): %.600s", d->sts_ep.url,
                d->sts_ep.source, p->err.msg);
        set_line(p->line, CHECK_FAIL, ERR_NETWORK,
                 "check the network, proxy settings (HTTPS_PROXY, NO_PROXY) and the endpoint",
                 e.msg);
    }
    session_log_error(d->s, "AWS identity", &e);
}

/* What to do about a Google API error for this call. */
static const char *google_remedy(enum err_code code, bool dts)
{
    if (code == ERR_AUTH)
        return dts ? "grant the credentials' identity a role with bigquery.transfers.get on the "
                     "project (e.g. roles/bigquery.admin), and enable the BigQuery Data Transfer "
                     "API"
                   : "grant the credentials' identity a role with bigquery.datasets.get on the "
                     "project (e.g. roles/bigquery.metadataViewer)";
    if (code == ERR_NOT_FOUND)
        return dts ? "check [gcp] project and [gcp] location" : "check [gcp] project";
    if (code == ERR_NETWORK)
        return "check the network, proxy settings (HTTPS_PROXY, NO_PROXY) and the endpoint";
    return "see Google's message above; try again later if it is temporary";
}

static void finish_dts(struct doctor *d)
{
    struct probe *p = &d->dts;
    struct dts_configs l = {0};
    struct err e = ERR_INIT;
    char detail[1280];

    if (!p->done)
        return;
    if (p->err.code != ERR_OK) {
        if (p->resp.status >= 300)
            dts_error(&e, "transferConfigs.list", p->resp.status, &p->resp.headers,
                      p->resp.body.data, p->resp.body.len);
        else
            e = p->err;
        set_line(p->line, CHECK_FAIL, e.code, google_remedy(e.code, true), e.msg);
        session_log_error(d->s, "DTS", &e);
        return;
    }
    if (dts_parse_configs(&l, p->resp.body.data, p->resp.body.len, &e) != 0) {
        set_line(p->line, CHECK_FAIL, ERR_SERVICE, "is PIPETOP_DTS_ENDPOINT really DTS?", e.msg);
        return;
    }
    /* An empty location is normal for a new project, so not a warning; the hint stays. */
    snprintf(detail, sizeof(detail), "projects/%s/locations/%s reachable: %s", d->project,
             d->location,
             l.n ? "transfer configs are listed"
                 : "no transfer configs there yet (if you expected some, check [gcp] location)");
    set_line(p->line, CHECK_OK, ERR_OK, NULL, detail);
    dts_configs_release(&l);
}

static void finish_bq(struct doctor *d)
{
    struct probe *p = &d->bq;
    struct bq_datasets l = {0};
    struct err e = ERR_INIT;
    char detail[1280];

    if (!p->done)
        return;
    if (p->err.code != ERR_OK) {
        if (p->resp.status >= 300)
            bq_error(&e, "datasets.list", p->resp.status, &p->resp.headers, p->resp.body.data,
                     p->resp.body.len);
        else
            e = p->err;
        set_line(p->line, CHECK_FAIL, e.code, google_remedy(e.code, false), e.msg);
        session_log_error(d->s, "BigQuery", &e);
        return;
    }
    if (bq_parse_datasets(&l, p->resp.body.data, p->resp.body.len, &e) != 0) {
        set_line(p->line, CHECK_FAIL, ERR_SERVICE, "is PIPETOP_BIGQUERY_ENDPOINT really BigQuery?",
                 e.msg);
        return;
    }
    snprintf(detail, sizeof(detail), "project %s reachable: %s%s", d->project,
             l.n ? "datasets are listed, e.g. " : "no datasets yet", l.n ? l.v[0].dataset_id : "");
    set_line(p->line, CHECK_OK, ERR_OK, NULL, detail);
    bq_datasets_release(&l);
}

/* The local clock minus the server's Date (positive: ours is ahead); false without a Date. */
static bool skew_of(const struct probe *p, int64_t *out)
{
    if (!p->done || p->resp.server_date_ms <= 0)
        return false;
    /* Date has whole seconds: a server half a second ahead still looks up to 1 s behind. */
    *out = p->local_ms - p->resp.server_date_ms;
    return true;
}

static void describe_skew(char *out, size_t n, int64_t skew_ms, const char *who)
{
    int64_t a = skew_ms < 0 ? -skew_ms : skew_ms;

    if (a < 2000)
        snprintf(out, n, "in step with %s (within 2 s)", who);
    else if (a >= 120000) /* Date has whole seconds: round to the nearest minute */
        snprintf(out, n, "your clock is %lld minutes %s %s", (long long)((a + 30000) / 60000),
                 skew_ms > 0 ? "ahead of" : "behind", who);
    else
        snprintf(out, n, "your clock is %lld s %s %s", (long long)(a / 1000),
                 skew_ms > 0 ? "ahead of" : "behind", who);
}

static void check_clock(struct doctor *d)
{
    int64_t aws = 0, g = 0, t;
    bool have_aws = skew_of(&d->sts, &aws), have_g = false;
    char a_txt[160] = "", g_txt[160] = "";
    int64_t worst;
    enum check_status st;

    if (skew_of(&d->dts, &t))
        g = t, have_g = true;
    if (skew_of(&d->bq, &t) && (!have_g || llabs(t) > llabs(g)))
        g = t, have_g = true;
    if (!have_aws && !have_g) {
        checklist_add(&d->list, "clock", CHECK_WARN, ERR_OK,
                      "run doctor again once AWS or Google answers",
                      "not compared: no server answered with a Date header");
        return;
    }
    if (have_aws)
        describe_skew(a_txt, sizeof(a_txt), aws, "AWS");
    if (have_g)
        describe_skew(g_txt, sizeof(g_txt), g, "Google");
    worst = have_aws && (!have_g || llabs(aws) >= llabs(g)) ? aws : g;
    st = llabs(worst) > SKEW_FAIL_MS   ? CHECK_FAIL
         : llabs(worst) > SKEW_WARN_MS ? CHECK_WARN
                                       : CHECK_OK;
    checklist_add(&d->list, "clock", st, ERR_CONFIG,
                  st == CHECK_OK ? NULL
                                 : "SigV4 requests are refused beyond 15 minutes and Google "
                                   "tokens beyond 5; fix NTP (`timedatectl set-ntp true`)",
                  "%s%s%s (from the servers' Date headers)", a_txt, have_aws && have_g ? "; " : "",
                  g_txt);
}

/* A call abandoned at the deadline never reaches the call log: say so in the log file. */
static void log_unanswered(struct doctor *d, const struct probe *p)
{
    struct err e = ERR_INIT;

    if (!p->submitted || p->done || p->line == NULL)
        return;
    err_set(&e, ERR_NETWORK, "%s", p->line->detail);
    session_log_error(d->s, p->line->name, &e);
}

void doctor_probes_finish(struct doctor *d)
{
    int64_t end = clock_mono_ms() + DOCTOR_DEADLINE_MS, left;

    while ((left = end - clock_mono_ms()) > 0 && http_run(d->s->http, (long)left) > 0)
        ;
    finish_sts(d);
    finish_dts(d);
    finish_bq(d);
    log_unanswered(d, &d->sts);
    log_unanswered(d, &d->dts);
    log_unanswered(d, &d->bq);
    check_clock(d);
}

void doctor_release(struct doctor *d)
{
    http_response_release(&d->sts.resp);
    http_response_release(&d->dts.resp);
    http_response_release(&d->bq.resp);
}
