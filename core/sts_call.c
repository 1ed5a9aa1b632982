/* core/sts_call.c: the STS calls themselves — a SigV4-signed Query POST through core/http,
 * answered by the parsers of core/sts.c. An HTTP error becomes AWS's own code and message.
 * Never puts credentials in the request log's command line or in error text. */
#include "core/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws_sign.h"
#include "core/http.h"

static int sts_call(struct http_client *http, const char *endpoint, const char *region,
                    const struct aws_creds *creds, const char *operation, const char *command,
                    const struct buf *body, struct http_response *resp, struct err *e)
{
    struct http_request req;
    struct aws_signer signer = {creds, region, "sts", 0};
    struct err he = ERR_INIT;
    char url[1100];

    memset(resp, 0, sizeof(*resp));
    snprintf(url, sizeof(url), "%s/", endpoint);
    if (http_request_init(&req, "sts", operation, "POST", url, e))
        return -1;
    if (http_headers_set(&req.headers, "Content-Type",
                         "application/x-www-form-urlencoded; charset=utf-8", e) ||
        http_request_set_body(&req, body->data, body->len, e)) {
        http_request_release(&req);
        return -1;
    }
    req.command = strdup(command); /* NULL on OOM only loses the log line */
    req.prepare = aws_sign_prepare;
    req.prepare_ctx = &signer;
    if (http_do(http, &req, resp, &he) == 0)
        return 0;
    if (resp->status >= 300)
        return sts_parse_error(resp->body.data, resp->body.len, resp->status, operation, NULL, e);
    return err_set_http(e, he.code ? he.code : ERR_NETWORK, he.http_status, "STS %s at %s: %s",
                        operation, endpoint, he.msg);
}

int sts_get_caller_identity(struct http_client *http, const char *endpoint, const char *region,
                            const struct aws_creds *creds, struct sts_identity *out, struct err *e)
{
    struct buf body = BUF_INIT(256);
    struct http_response resp;
    int rc = -1;

    memset(&resp, 0, sizeof(resp));
    if (sts_build_get_caller_identity(&body, e))
        goto out;
    if (sts_call(http, endpoint, region, creds, "GetCallerIdentity", "aws sts get-caller-identity",
                 &body, &resp, e))
        goto out;
    rc = sts_parse_caller_identity(out, resp.body.data, resp.body.len, e);
out:
    http_response_release(&resp);
    buf_release(&body);
    return rc;
}

int sts_assume_role(struct http_client *http, const char *endpoint, const char *region,
                    const struct aws_creds *creds, const struct aws_role *role, int64_t now_ms,
                    struct aws_creds *out, struct err *e)
{
    struct buf body = BUF_INIT(4096), cmd = BUF_INIT(4096), src = BUF_INIT(1024);
    struct http_response resp;
    char session[64];
    int rc = -1;

    memset(&resp, 0, sizeof(resp));
    snprintf(session, sizeof(session), "pipetop-%lld", (long long)(now_ms / 1000));
    if (sts_build_assume_role(&body, role, session, e))
        goto out;
    buf_printf(&cmd, "aws sts assume-role --role-arn %s --role-session-name %s", role->role_arn,
               role->session_name ? role->session_name : session);
    if (sts_call(http, endpoint, region, creds, "AssumeRole", buf_cstr(&cmd), &body, &resp, e)) {
        err_prefix(e, "assume role %s (profile %s): ", role->role_arn,
                   role->profile ? role->profile : "?");
        goto out;
    }
    buf_printf(&src, "assume role %s via profile %s (source: %s)", role->role_arn,
               role->profile ? role->profile : "?", creds->source);
    rc = sts_parse_assume_role(out, resp.body.data, resp.body.len, buf_cstr(&src), e);
out:
    http_response_release(&resp);
    buf_release(&body);
    buf_release(&cmd);
    buf_release(&src);
    return rc;
}
