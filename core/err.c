/* core/err.c: setting and naming errors. Never allocates: reporting must work when memory
 * has run out. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int err_vset(struct err *e, enum err_code code, long status, const char *fmt, va_list ap)
{
    if (e == NULL || e->code != ERR_OK)
        return -1;
    e->code = code == ERR_OK ? ERR_INTERNAL : code;
    e->http_status = status;
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    return -1;
}

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, code, 0, fmt, ap);
    va_end(ap);
    return -1;
}

int err_set_http(struct err *e, enum err_code code, long http_status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, code, http_status, fmt, ap);
    va_end(ap);
    return -1;
}

void err_prefix(struct err *e, const char *fmt, ...)
{
    char prefix[ERR_MSG_MAX];
    size_t plen, mlen;
    va_list ap;
    int n;

    if (e == NULL || e->code == ERR_OK)
        return;
    va_start(ap, fmt);
    n = vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    plen = strlen(prefix);
    mlen = strlen(e->msg);
    if (plen >= sizeof(e->msg) - 1)
        plen = sizeof(e->msg) - 1;
    if (plen + mlen > sizeof(e->msg) - 1)
        mlen = sizeof(e->msg) - 1 - plen;
    memmove(e->msg + plen, e->msg, mlen);
    memcpy(e->msg, prefix, plen);
    e->msg[plen + mlen] = '\0';
}

void err_clear(struct err *e)
{
    if (e == NULL)
        return;
    e->code = ERR_OK;
    e->http_status = 0;
    e->msg[0] = '\0';
}

const char *err_code_name(enum err_code code)
{
    switch (code) {
    case ERR_OK:
        return "ok";
    case ERR_USAGE:
        return "usage";
    case ERR_CONFIG:
        return "config";
    case ERR_AUTH:
        return "auth";
    case ERR_NETWORK:
        return "network";
    case ERR_SERVICE:
        return "service";
    case ERR_PARSE:
        return "parse";
    case ERR_IO:
        return "io";
    case ERR_DB:
        return "database";
    case ERR_NOMEM:
        return "memory";
    case ERR_NOT_FOUND:
        return "not-found";
    case ERR_REFUSED:
        return "refused";
    case ERR_INTERNAL:
        return "internal";
    }
    return "unknown";
}
