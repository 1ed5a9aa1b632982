/* tests/unit/http_bridge.c: WEAK stand-ins for the request/header helpers of core/http.h, so the
 * client unit tests link while core/http.c (written on another branch) has not been merged. They
 * follow the contract in core/http.h exactly. Once core/http.c is in libcore.a its strong
 * definitions win wherever http.o is linked; delete this file after that merge. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/http.h"

#define WEAK __attribute__((weak))

WEAK int http_headers_set(struct http_headers *h, const char *name, const char *value,
                          struct err *e)
{
    char *v;

    for (size_t i = 0; i < h->n; i++) {
        if (strcasecmp(h->name[i], name) == 0) {
            if ((v = strdup(value)) == NULL)
                return err_set(e, ERR_NOMEM, "out of memory setting header %s", name);
            free(h->value[i]);
            h->value[i] = v;
            return 0;
        }
    }
    if (h->n >= HTTP_MAX_HEADERS)
        return err_set(e, ERR_NOMEM, "too many headers (adding %s)", name);
    h->name[h->n] = strdup(name);
    h->value[h->n] = strdup(value);
    if (h->name[h->n] == NULL || h->value[h->n] == NULL) {
        free(h->name[h->n]);
        free(h->value[h->n]);
        return err_set(e, ERR_NOMEM, "out of memory setting header %s", name);
    }
    h->n++;
    return 0;
}

WEAK const char *http_headers_get(const struct http_headers *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcasecmp(h->name[i], name) == 0)
            return h->value[i];
    return NULL;
}

WEAK void http_headers_release(struct http_headers *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->name[i]);
        free(h->value[i]);
    }
    h->n = 0;
}

WEAK int http_request_init(struct http_request *req, const char *service, const char *operation,
                           const char *method, const char *url, struct err *e)
{
    memset(req, 0, sizeof(*req));
    req->service = service;
    req->operation = operation;
    req->method = strdup(method);
    req->url = strdup(url);
    if (req->method == NULL || req->url == NULL) {
        free(req->method);
        free(req->url);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    return 0;
}

WEAK int http_request_set_body(struct http_request *req, const void *body, size_t len,
                               struct err *e)
{
    char *p = malloc(len + 1);

    if (p == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    memcpy(p, body, len);
    p[len] = '\0';
    free(req->body);
    req->body = p;
    req->body_len = len;
    return 0;
}

WEAK void http_request_release(struct http_request *req)
{
    free(req->method);
    free(req->url);
    free(req->body);
    free(req->command);
    http_headers_release(&req->headers);
    memset(req, 0, sizeof(*req));
}

WEAK int http_urlencode(struct buf *out, const char *s, size_t len, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keep_slash && c == '/')) {
            if (buf_putc(out, (char)c) != 0)
                return -1;
        } else if (buf_putc(out, '%') || buf_putc(out, hex[c >> 4]) || buf_putc(out, hex[c & 15])) {
            return -1;
        }
    }
    return 0;
}
