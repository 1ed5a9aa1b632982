/* core/err.h: the one error type every fallible function takes as its last parameter.
 * Caller-owned and fixed-size; the first error set wins; setting one never allocates.
 * Messages say what failed, where, what the service said and what the user can do. */
#ifndef CORE_ERR_H
#define CORE_ERR_H

enum err_code {
    ERR_OK = 0,
    ERR_USAGE,     /* the user asked for something malformed */
    ERR_CONFIG,    /* config or credential file is wrong */
    ERR_AUTH,      /* credentials missing or rejected */
    ERR_NETWORK,   /* could not reach a service (DNS, connect, TLS, timeout, reset) */
    ERR_SERVICE,   /* the service answered with an error */
    ERR_PARSE,     /* a response or file did not have the expected shape */
    ERR_IO,        /* local file system */
    ERR_DB,        /* history database */
    ERR_NOMEM,     /* allocation failed or a bounded buffer hit its limit */
    ERR_NOT_FOUND, /* a named thing does not exist */
    ERR_REFUSED,   /* a guard said no (read-only, already running, outside a window) */
    ERR_INTERNAL
};

#define ERR_MSG_MAX 512

struct err {
    enum err_code code;
    long http_status; /* 0 when no HTTP answer is involved */
    char msg[ERR_MSG_MAX];
};

#define ERR_INIT                                                                                   \
    {                                                                                              \
        ERR_OK, 0,                                                                                 \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/* Records code and a printf-style message unless an error is already set (the first wins).
 * Always returns -1 so callers can write `return err_set(e, ...)`. e may be NULL. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like err_set, and records the HTTP status the service answered with. */
int err_set_http(struct err *e, enum err_code code, long http_status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prepends context ("refresh users: ") to an error already set; no-op when none is set. */
void err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void err_clear(struct err *e);

/* Stable lower-case name of a code ("network", "auth", ...); never NULL. */
const char *err_code_name(enum err_code code);

#endif
