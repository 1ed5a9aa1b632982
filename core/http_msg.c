/* core/http_msg.c: the plain-data half of core/http.h — header lists, requests, responses and
 * RFC 3986 percent-encoding. No libcurl here (that is core/http.c) and no network I/O. */
#include "core/http.h"

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int http_headers_set(struct http_headers *h, const char *name, const char *value, struct err *e)
{
    char *v;
    size_t i;

    v = strdup(value ? value : "");
    if (v == NULL)
        return err_set(e, ERR_NOMEM, "out of memory setting header %s", name);
    for (i = 0; i < h->n; i++) {
        if (strcasecmp(h->name[i], name) == 0) {
            free(h->value[i]);
            h->value[i] = v;
            return 0;
        }
    }
    if (h->n >= HTTP_MAX_HEADERS) {
        free(v);
        return err_set(e, ERR_NOMEM, "too many headers (at most %d) setting %s", HTTP_MAX_HEADERS,
                       name);
    }
    h->name[h->n] = strdup(name);
    if (h->name[h->n] == NULL) {
        free(v);
        return err_set(e, ERR_NOMEM, "out of memory setting header %s", name);
    }
    h->value[h->n] = v;
    h->n++;
    return 0;
}

const char *http_headers_get(const struct http_headers *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcasecmp(h->name[i], name) == 0)
            return h->value[i];
    return NULL;
}

void http_headers_release(struct http_headers *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->name[i]);
        if (h->value[i] != NULL) /* Authorization, tokens: wiped before the memory is reused */
            OPENSSL_cleanse(h->value[i], strlen(h->value[i]));
        free(h->value[i]);
        h->name[i] = NULL;
        h->value[i] = NULL;
    }
    h->n = 0;
}

int http_request_init(struct http_request *req, const char *service, const char *operation,
                      const char *method, const char *url, struct err *e)
{
    memset(req, 0, sizeof(*req));
    req->service = service ? service : "http";
    req->operation = operation ? operation : "request";
    req->method = strdup(method ? method : "GET");
    req->url = strdup(url ? url : "");
    if (req->method == NULL || req->url == NULL) {
        http_request_release(req);
        return err_set(e, ERR_NOMEM, "out of memory preparing %s %s", req->service, req->operation);
    }
    return 0;
}

int http_request_set_body(struct http_request *req, const void *body, size_t len, struct err *e)
{
    char *copy = malloc(len + 1);

    if (copy == NULL)
        return err_set(e, ERR_NOMEM, "out of memory copying a %zu-byte body for %s %s", len,
                       req->service, req->operation);
    if (len)
        memcpy(copy, body, len);
    copy[len] = '\0';
    free(req->body);
    req->body = copy;
    req->body_len = len;
    return 0;
}

void http_request_release(struct http_request *req)
{
    if (req == NULL)
        return;
    free(req->method);
    free(req->url);
    /* Bodies carry secrets (token grants, assertions): wipe before freeing, like header values. */
    if (req->body != NULL)
        OPENSSL_cleanse(req->body, req->body_len);
    free(req->body);
    free(req->command);
    http_headers_release(&req->headers);
    req->method = NULL;
    req->url = NULL;
    req->body = NULL;
    req->body_len = 0;
    req->command = NULL;
}

void http_response_release(struct http_response *r)
{
    if (r == NULL)
        return;
    http_headers_release(&r->headers);
    buf_release(&r->body);
    r->status = 0;
}

int http_urlencode(struct buf *out, const char *s, size_t len, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        int plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~' ||
                    (keep_slash && ch == '/');
        if (plain) {
            if (buf_putc(out, (char)ch) != 0)
                return -1;
        } else {
            char esc[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            if (buf_append(out, esc, 3) != 0)
                return -1;
        }
    }
    return 0;
}
