/* core/reqbuild.c: shared request-building pieces of the API clients: SigV4-style percent
 * encoding (through http_urlencode), JSON bodies through jansson, shell-quoted command lines.
 * Never sends, signs or logs anything. */
#include "core/reqbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

int reqbuild_param(struct buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return 0;
    if (b->len > 0 && buf_putc(b, '&') != 0)
        return -1;
    if (http_urlencode(b, name, strlen(name), 0) != 0 || buf_putc(b, '=') != 0)
        return -1;
    return http_urlencode(b, value, strlen(value), 0);
}

int reqbuild_param_long(struct buf *b, const char *name, long long value)
{
    char num[32];

    snprintf(num, sizeof(num), "%lld", value);
    return reqbuild_param(b, name, num);
}

int reqbuild_path(struct buf *b, const char *s, int keep_slash)
{
    return http_urlencode(b, s, strlen(s), keep_slash);
}

int reqbuild_base(struct buf *b, const char *endpoint, struct err *e)
{
    size_t n;

    if (endpoint == NULL ||
        (strncmp(endpoint, "https://", 8) != 0 && strncmp(endpoint, "http://", 7) != 0))
        return err_set(e, ERR_USAGE, "endpoint \"%s\" is not an http:// or https:// URL",
                       endpoint ? endpoint : "");
    n = strlen(endpoint);
    while (n > 0 && endpoint[n - 1] == '/')
        n--;
    if (buf_append(b, endpoint, n) != 0)
        return err_set(e, ERR_NOMEM, "endpoint URL too long");
    return 0;
}

int reqbuild_finish(struct http_request *req, const char *service, const char *operation,
                    const char *method, struct buf *url, const char *body, size_t body_len,
                    const char *const *headers, struct buf *command, struct err *e)
{
    memset(req, 0, sizeof(*req));
    if (url->toobig || (command && command->toobig))
        return reqbuild_toobig(e, operation);
    if (url->failed || (command && command->failed))
        return err_set(e, ERR_NOMEM, "%s: out of memory building the request", operation);
    if (http_request_init(req, service, operation, method, buf_cstr(url), e) != 0)
        return -1;
    if (body != NULL && http_request_set_body(req, body, body_len, e) != 0)
        goto fail;
    for (size_t i = 0; headers && headers[i]; i += 2)
        if (http_headers_set(&req->headers, headers[i], headers[i + 1], e) != 0)
            goto fail;
    if (command != NULL && command->len > 0) {
        req->command = buf_detach(command);
        if (req->command == NULL) {
            err_set(e, ERR_NOMEM, "%s: out of memory", operation);
            goto fail;
        }
    }
    return 0;
fail:
    http_request_release(req);
    return -1;
}

int reqbuild_json(char **out, const json_t *body, struct err *e)
{
    *out = jsonx_dumps(body, JSON_PRESERVE_ORDER);
    if (*out == NULL)
        return err_set(e, ERR_NOMEM, "out of memory serialising a JSON request body");
    return 0;
}

static int needs_quotes(const char *s)
{
    if (*s == '\0')
        return 1;
    for (; *s; s++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.,/:=@+%", *s))
            return 1;
    return 0;
}

int reqbuild_arg(struct buf *cmd, const char *word)
{
    if (buf_putc(cmd, ' ') != 0)
        return -1;
    if (!needs_quotes(word))
        return buf_puts(cmd, word);
    if (buf_putc(cmd, '\'') != 0)
        return -1;
    for (const char *p = word; *p; p++) {
        if (*p == '\'' ? buf_puts(cmd, "'\\''") : buf_putc(cmd, *p))
            return -1;
    }
    return buf_putc(cmd, '\'');
}

int reqbuild_opt(struct buf *cmd, const char *flag, const char *value)
{
    if (value == NULL)
        return 0;
    if (reqbuild_arg(cmd, flag) != 0)
        return -1;
    return reqbuild_arg(cmd, value);
}

int reqbuild_aws_endpoint(struct buf *cmd, const char *endpoint)
{
    const char *host = strstr(endpoint, "://");
    size_t n;

    host = host ? host + 3 : endpoint;
    n = strcspn(host, ":/");
    if ((n >= 14 && strncmp(host + n - 14, ".amazonaws.com", 14) == 0) ||
        (n >= 17 && strncmp(host + n - 17, ".amazonaws.com.cn", 17) == 0))
        return 0;
    return reqbuild_opt(cmd, "--endpoint-url", endpoint);
}

int reqbuild_toobig(struct err *e, const char *call)
{
    return err_set(e, ERR_NOMEM, "%s: the request is too large to build (limit %u bytes)", call,
                   REQBUILD_MAX);
}

int reqbuild_aws_json(struct http_request *req, const char *service, const char *operation,
                      const char *endpoint, const char *target, const char *content_type,
                      const json_t *body, struct buf *cmd, struct err *e)
{
    const char *headers[] = {"Content-Type", content_type, "X-Amz-Target", target, NULL};
    struct buf url = BUF_INIT(REQBUILD_MAX);
    char *text = NULL;
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if (body == NULL) {
        err_set(e, ERR_NOMEM, "%s %s: out of memory building the request", service, operation);
        goto out;
    }
    if (reqbuild_base(&url, endpoint, e) != 0 || reqbuild_json(&text, body, e) != 0)
        goto out;
    if (buf_putc(&url, '/') != 0) {
        reqbuild_toobig(e, operation);
        goto out;
    }
    rc =
        reqbuild_finish(req, service, operation, "POST", &url, text, strlen(text), headers, cmd, e);
out:
    buf_release(&url);
    buf_release(cmd);
    free(text);
    return rc;
}
