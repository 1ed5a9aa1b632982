/* core/lambda.c: Lambda Invoke — the request (path label encoded once here; the signer encodes
 * the canonical URI again, as non-S3 services require) and its answer, including function errors
 * reported with HTTP 200. Never sends or signs; never logs the payload's content elsewhere. */
#include "core/lambda.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apierr.h"
#include "core/reqbuild.h"

void lambda_result_release(struct lambda_result *r)
{
    free(r->error_kind);
    free(r->error_type);
    free(r->error_message);
    free(r->executed_version);
    free(r->payload);
    memset(r, 0, sizeof(*r));
}

int lambda_build_invoke(struct http_request *req, const char *endpoint, const char *function,
                        const char *qualifier, const char *invocation_type, const char *payload,
                        struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), cmd = BUF_INIT(REQBUILD_MAX),
               q = BUF_INIT(REQBUILD_MAX);
    const char *type = invocation_type ? invocation_type : "RequestResponse";
    const char *headers[] = {"Content-Type", "application/json", "X-Amz-Invocation-Type", type,
                             NULL};
    const char *body = payload ? payload : "{}";
    json_t *check;
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if (function == NULL || *function == '\0')
        return err_set(e, ERR_USAGE, "lambda Invoke: a function name is required");
    if (strcmp(type, "RequestResponse") && strcmp(type, "Event") && strcmp(type, "DryRun"))
        return err_set(e, ERR_USAGE,
                       "lambda Invoke: invocation type \"%s\" is not "
                       "RequestResponse, Event or DryRun",
                       type);
    if ((check = json_loads(body, JSON_DECODE_ANY, NULL)) == NULL)
        return err_set(e, ERR_USAGE, "lambda Invoke: the payload for %s is not valid JSON",
                       function);
    json_decref(check);
    if (reqbuild_base(&url, endpoint, e) != 0)
        goto out;
    if (buf_puts(&url, "/2015-03-31/functions/") || reqbuild_path(&url, function, 0) ||
        buf_puts(&url, "/invocations") || reqbuild_param(&q, "Qualifier", qualifier) ||
        (q.len && (buf_putc(&url, '?') || buf_append(&url, q.data, q.len))))
        goto big;
    if (buf_puts(&cmd, "aws lambda invoke") || reqbuild_opt(&cmd, "--function-name", function) ||
        reqbuild_opt(&cmd, "--qualifier", qualifier) ||
        reqbuild_opt(&cmd, "--invocation-type", type) ||
        buf_puts(&cmd, " --cli-binary-format raw-in-base64-out") ||
        reqbuild_opt(&cmd, "--payload", body) || reqbuild_aws_endpoint(&cmd, endpoint) ||
        buf_puts(&cmd, " out.json"))
        goto big;
    rc = reqbuild_finish(req, "lambda", "Invoke", "POST", &url, body, strlen(body), headers, &cmd,
                         e);
    goto out;
big:
    reqbuild_toobig(e, "lambda Invoke");
out:
    buf_release(&url);
    buf_release(&cmd);
    buf_release(&q);
    return rc;
}

static int dup_into(char **dst, const char *src)
{
    if (src == NULL)
        return 0;
    return (*dst = strdup(src)) == NULL ? -1 : 0;
}

/* errorType / errorMessage of the function's error payload, when it is such an object. */
static int read_function_error(struct lambda_result *r)
{
    json_t *o = r->payload ? json_loadb(r->payload, r->payload_len, 0, NULL) : NULL;
    int rc = 0;

    if (json_is_object(o)) {
        const json_t *t = json_object_get(o, "errorType"), *m = json_object_get(o, "errorMessage");
        rc = dup_into(&r->error_type, json_string_value(t)) ||
             dup_into(&r->error_message, json_string_value(m));
    }
    json_decref(o);
    return rc ? -1 : 0;
}

int lambda_read_invoke(struct lambda_result *out, const char *function, long status,
                       const struct http_headers *h, const char *body, size_t len, struct err *e)
{
    const char *kind = h ? http_headers_get(h, "X-Amz-Function-Error") : NULL;

    memset(out, 0, sizeof(*out));
    out->status = status;
    if (body != NULL && len > 0) {
        if ((out->payload = malloc(len + 1)) == NULL)
            return err_set(e, ERR_NOMEM, "lambda Invoke: out of memory");
        memcpy(out->payload, body, len);
        out->payload[len] = '\0';
        out->payload_len = len;
    }
    if (h && dup_into(&out->executed_version, http_headers_get(h, "X-Amz-Executed-Version")))
        return err_set(e, ERR_NOMEM, "lambda Invoke: out of memory");
    if (kind == NULL)
        return 0;
    out->function_error = true;
    if (dup_into(&out->error_kind, kind) || read_function_error(out))
        return err_set(e, ERR_NOMEM, "lambda Invoke: out of memory");
    return err_set_http(
        e, ERR_SERVICE, status,
        "lambda Invoke: the function %s failed (%s): %s%s%s — see its CloudWatch "
        "logs",
        function, kind, out->error_type ? out->error_type : "", out->error_type ? ": " : "",
        out->error_message ? out->error_message : (out->payload ? out->payload : "(no payload)"));
}

int lambda_error(struct err *e, const char *operation, long status, const struct http_headers *h,
                 const char *body, size_t len)
{
    char where[96];

    snprintf(where, sizeof(where), "lambda %s", operation);
    return apierr_aws_json(e, where, status, h, body, len);
}
