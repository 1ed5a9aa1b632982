/* core/aws_creds_fetch.c: the network half of the AWS credential chain — EC2 instance metadata
 * (IMDSv2) and STS AssumeRole for role profiles — and the refreshing credential cache.
 * Secrets fetched here are kept only in struct aws_creds and wiped when replaced. */
#include "core/aws_creds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/http.h"
#include "core/sts.h"

#define IMDS_TIMEOUT_MS 2000
#define REFRESH_MARGIN_MS (10 * 60 * 1000)

struct aws_creds_provider {
    const struct aws_config *cfg;
    struct http_client *http;
    const struct clock *clock;
    int skip_env;
    struct aws_creds creds;
};

/* One IMDS request; body copied into out (NUL-terminated). */
static int imds_get(struct http_client *http, const char *method, const char *url, const char *op,
                    const char *hname, const char *hval, struct buf *out, struct err *e)
{
    struct http_request req;
    struct http_response resp;
    struct err he = ERR_INIT;
    int rc = -1;

    memset(&resp, 0, sizeof(resp));
    if (http_request_init(&req, "imds", op, method, url, e))
        return -1;
    if (http_headers_set(&req.headers, hname, hval, e)) {
        http_request_release(&req);
        return -1;
    }
    req.timeout_ms = IMDS_TIMEOUT_MS;
    req.max_attempts = 2;
    req.allow_insecure_link_local = 1; /* IMDS is plain http on a link-local address */
    req.max_response = 65536;
    if (http_do(http, &req, &resp, &he) != 0) {
        if (resp.status == 404)
            err_set_http(e, ERR_AUTH, 404, "EC2 instance metadata %s: HTTP 404 (%s)", op,
                         strcmp(op, "ListRoles") == 0 || strcmp(op, "GetRoleCredentials") == 0
                             ? "no IAM role is attached to this instance"
                             : "IMDSv2 not available");
        else if (resp.status > 0)
            err_set_http(e, ERR_SERVICE, resp.status, "EC2 instance metadata %s: HTTP %ld", op,
                         resp.status);
        else
            err_set(e, ERR_NETWORK,
                    "EC2 instance metadata at %s is not reachable (not on EC2?): %s", url, he.msg);
        goto out;
    }
    if (buf_append(out, resp.body.data ? resp.body.data : "", resp.body.len)) {
        err_set(e, ERR_NOMEM, "EC2 instance metadata %s: answer too large", op);
        goto out;
    }
    rc = 0;
out:
    http_response_release(&resp);
    return rc;
}

int aws_imds_fetch(struct http_client *http, struct aws_creds *out, struct err *e)
{
    char base[512], url[1024];
    struct buf token = BUF_INIT(4096), role = BUF_INIT(1024), doc = BUF_INIT(65536);
    size_t n;
    int rc = -1;

    aws_imds_endpoint(base, sizeof(base));
    snprintf(url, sizeof(url), "%s/latest/api/token", base);
    if (imds_get(http, "PUT", url, "GetToken", "X-aws-ec2-metadata-token-ttl-seconds", "21600",
                 &token, e))
        goto out;
    snprintf(url, sizeof(url), "%s/latest/meta-data/iam/security-credentials/", base);
    if (imds_get(http, "GET", url, "ListRoles", "X-aws-ec2-metadata-token", buf_cstr(&token), &role,
                 e))
        goto out;
    n = strcspn(buf_cstr(&role), "\r\n");
    if (n == 0) {
        err_set(e, ERR_AUTH, "EC2 instance metadata: no IAM role is attached to this instance");
        goto out;
    }
    role.data[n] = '\0';
    snprintf(url, sizeof(url), "%s/latest/meta-data/iam/security-credentials/%s", base, role.data);
    if (imds_get(http, "GET", url, "GetRoleCredentials", "X-aws-ec2-metadata-token",
                 buf_cstr(&token), &doc, e))
        goto out;
    rc = aws_imds_parse_credentials(out, doc.data, doc.len, role.data, e);
out:
    if (doc.data)
        crypto_cleanse(doc.data, doc.len);
    if (token.data)
        crypto_cleanse(token.data, token.len);
    buf_release(&token);
    buf_release(&role);
    buf_release(&doc);
    return rc;
}

/* Runs the whole chain once into out. */
static int resolve(struct aws_creds_provider *p, struct aws_creds *out, struct err *e)
{
    struct aws_creds_plan plan;
    struct aws_creds cur = AWS_CREDS_INIT, next = AWS_CREDS_INIT;
    struct aws_endpoint ep;
    const char *region;
    int rc = -1;

    if (aws_creds_plan(&plan, p->cfg, p->skip_env, e))
        return -1;
    if (plan.next == AWS_CREDS_IMDS) {
        if (aws_imds_fetch(p->http, &plan.base, e)) {
            if (plan.n_roles == 0)
                err_prefix(e, "no AWS credentials found (tried %s; then EC2 instance metadata): ",
                           plan.tried);
            goto out;
        }
    }
    if (aws_creds_copy(&cur, &plan.base, e))
        goto out;
    region = aws_config_region(p->cfg, NULL);
    if (region == NULL)
        region = "us-east-1"; /* STS answers in every region; the CLI falls back the same way */
    for (size_t i = 0; i < plan.n_roles; i++) {
        if (aws_config_endpoint(p->cfg, "sts", region, &ep, e) ||
            sts_assume_role(p->http, ep.url, region, &cur, &plan.roles[i], clock_now_ms(p->clock),
                            &next, e))
            goto out;
        aws_creds_release(&cur);
        cur = next;
        memset(&next, 0, sizeof(next));
    }
    aws_creds_release(out);
    *out = cur;
    memset(&cur, 0, sizeof(cur));
    rc = 0;
out:
    aws_creds_release(&cur);
    aws_creds_release(&next);
    aws_creds_plan_release(&plan);
    return rc;
}

int aws_creds_provider_new(struct aws_creds_provider **out, const struct aws_config *cfg,
                           int skip_env, struct http_client *http, const struct clock *clock,
                           struct err *e)
{
    struct aws_creds_provider *p = calloc(1, sizeof(*p));

    *out = NULL;
    if (p == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    p->cfg = cfg;
    p->http = http;
    p->clock = clock;
    p->skip_env = skip_env;
    *out = p;
    return 0;
}

void aws_creds_provider_free(struct aws_creds_provider *p)
{
    if (p == NULL)
        return;
    aws_creds_release(&p->creds);
    free(p);
}

int aws_creds_provider_get(struct aws_creds_provider *p, const struct aws_creds **out,
                           struct err *e)
{
    int64_t now = clock_now_ms(p->clock);
    struct err re = ERR_INIT;

    *out = NULL;
    if (aws_creds_expiring(&p->creds, now, REFRESH_MARGIN_MS)) {
        if (resolve(p, &p->creds, &re) != 0) {
            if (aws_creds_expiring(&p->creds, now, 0)) {
                err_set_http(e, re.code, re.http_status, "%s", re.msg);
                return -1;
            }
            /* the refresh failed but the old credentials are still valid for a while */
        }
    }
    *out = &p->creds;
    return 0;
}
