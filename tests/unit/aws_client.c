/* tests/unit/aws_client.c: signed calls to the fake cloud through core/http and core/aws_sign,
 * exactly as pipetop makes them, plus deliberate mis-signing for negative tests. Never prints
 * a secret. */
#include "tests/unit/aws_client.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws_sign.h"
#include "core/clock.h"

static int64_t offset_now(void *ctx)
{
    return clock_now_ms(NULL) + *(const int64_t *)ctx;
}

int awsc_init(struct awsc *c, const char *url, const char *akid, const char *secret,
              const char *token, const char *region, int64_t offset_ms)
{
    struct http_options opt;
    struct err e = ERR_INIT;

    memset(c, 0, sizeof(*c));
    c->creds = (struct aws_creds)AWS_CREDS_INIT;
    snprintf(c->url, sizeof(c->url), "%s", url);
    snprintf(c->region, sizeof(c->region), "%s", region);
    c->offset_ms = offset_ms;
    c->clk.now_ms = offset_now;
    c->clk.ctx = &c->offset_ms;
    memset(&opt, 0, sizeof(opt));
    opt.clock = &c->clk;
    opt.max_attempts = 1;
    opt.timeout_ms = 20000;
    if (aws_creds_set(&c->creds, akid, secret, token, 0, "test", &e) != 0 ||
        http_client_new(&c->http, &opt, &e) != 0) {
        fprintf(stderr, "awsc_init: %s\n", e.msg);
        return -1;
    }
    return 0;
}

void awsc_release(struct awsc *c)
{
    http_client_free(c->http);
    aws_creds_release(&c->creds);
}

static int send(struct awsc *c, const char *service, const char *op, const char *method,
                const char *path, const char *body, const char *ctype, const char *target, int sign,
                struct http_response *resp)
{
    struct http_request req;
    struct aws_signer signer;
    struct err e = ERR_INIT;
    char url[4096];

    memset(resp, 0, sizeof(*resp));
    snprintf(url, sizeof(url), "%s%s", c->url, path);
    if (http_request_init(&req, service, op, method, url, &e) != 0)
        return -1;
    if ((body && http_request_set_body(&req, body, strlen(body), &e) != 0) ||
        (ctype && http_headers_set(&req.headers, "Content-Type", ctype, &e) != 0) ||
        (target && http_headers_set(&req.headers, "X-Amz-Target", target, &e) != 0)) {
        http_request_release(&req);
        return -1;
    }
    signer.creds = &c->creds;
    signer.region = c->region;
    signer.service = c->sign_service ? c->sign_service : service;
    signer.flags = 0;
    if (sign) {
        req.prepare = aws_sign_prepare;
        req.prepare_ctx = &signer;
    }
    req.max_attempts = 1;
    http_do(c->http, &req, resp, &e); /* non-2xx answers are what negative tests want */
    http_request_release(&req);
    return resp->status > 0 ? 0 : -1;
}

int awsc_json(struct awsc *c, const char *service, const char *target, const char *body,
              struct http_response *resp)
{
    return send(c, service, target, "POST", "/", body ? body : "{}",
                strcmp(service, "dynamodb") == 0 ? "application/x-amz-json-1.0"
                                                 : "application/x-amz-json-1.1",
                target, 1, resp);
}

int awsc_query(struct awsc *c, const char *service, const char *form, struct http_response *resp)
{
    return send(c, service, "query", "POST", "/", form,
                "application/x-www-form-urlencoded; charset=utf-8", NULL, 1, resp);
}

int awsc_rest(struct awsc *c, const char *service, const char *method, const char *path,
              const char *body, struct http_response *resp)
{
    return send(c, service, "rest", method, path, body, body ? "application/json" : NULL, NULL, 1,
                resp);
}

int awsc_unsigned(struct awsc *c, const char *service, const char *target, const char *body,
                  struct http_response *resp)
{
    return send(c, service, "unsigned", "POST", "/", body ? body : "{}",
                "application/x-amz-json-1.0", target, 0, resp);
}

static void xml_code(const char *body, char *out, size_t n)
{
    const char *a = strstr(body, "<Code>"), *b = a ? strstr(a, "</Code>") : NULL;
    size_t len;

    if (a == NULL || b == NULL)
        return;
    a += 6;
    len = (size_t)(b - a) < n - 1 ? (size_t)(b - a) : n - 1;
    memcpy(out, a, len);
    out[len] = '\0';
}

void awsc_error_code(const char *service, const struct http_response *resp, char *out, size_t n)
{
    const char *body = resp->body.data ? buf_cstr(&resp->body) : "";

    out[0] = '\0';
    if (strcmp(service, "lambda") == 0) {
        const char *t = http_headers_get(&resp->headers, "X-Amzn-ErrorType");
        snprintf(out, n, "%.*s", t ? (int)strcspn(t, ":") : 0, t ? t : "");
    } else if (strcmp(service, "dynamodb") == 0 || strcmp(service, "events") == 0) {
        json_t *doc = json_loads(body, 0, NULL);
        const char *t = json_string_value(json_object_get(doc, "__type"));
        const char *h = t ? strrchr(t, '#') : NULL;
        snprintf(out, n, "%s", h ? h + 1 : (t ? t : ""));
        json_decref(doc);
    } else {
        xml_code(body, out, n);
    }
}
