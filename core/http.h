/* core/http.h: the HTTP engine — the only module that touches libcurl (core/http.c).
 * Many requests in flight on one curl multi handle, retries with backoff and full jitter for what
 * is retryable, Retry-After honoured, bounded response sizes, TLS always verified and plain http://
 * refused except to loopback hosts. Every finished call is reported as a struct api_call through
 * the client's on_call callback, with secrets redacted. Not thread-safe: one client per thread. */
#ifndef CORE_HTTP_H
#define CORE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/model.h"

#define HTTP_MAX_HEADERS 32

/* Request and response headers: "Name" and "value" pairs, owned by the struct. */
struct http_headers {
    char *name[HTTP_MAX_HEADERS];
    char *value[HTTP_MAX_HEADERS];
    size_t n;
};

/* Adds or replaces (case-insensitive name) a header. Returns -1 (ERR_NOMEM) when full/OOM. */
int http_headers_set(struct http_headers *h, const char *name, const char *value, struct err *e);
/* The value of the first header named name (case-insensitive), or NULL. Borrowed. */
const char *http_headers_get(const struct http_headers *h, const char *name);
void http_headers_release(struct http_headers *h);

struct http_request;

/* Called before every attempt (the first and each retry) to add authentication: SigV4 needs a
 * fresh X-Amz-Date, a Google call a valid bearer token. May replace headers in req->headers.
 * Returns 0, or -1 with e set to abandon the call (no retry). */
typedef int (*http_prepare_fn)(void *ctx, struct http_request *req, int64_t now_ms, struct err *e);

struct http_request {
    const char *service;   /* for the call log and retry rules: "sts" "rds" "dynamodb" "s3"
                              "lambda" "events" "dts" "bigquery" "oauth2" "metadata" "imds" */
    const char *operation; /* "GetCallerIdentity", "transferConfigs.list", ... */
    char *method;          /* "GET" "POST" "PUT" "PATCH" "DELETE" "HEAD" */
    char *url;
    struct http_headers headers;
    char *body; /* may be NULL */
    size_t body_len;
    char *command;           /* equivalent aws/bq command line for the log; NULL when none */
    http_prepare_fn prepare; /* may be NULL */
    void *prepare_ctx;
    int max_attempts;    /* 0 = the client's default */
    long timeout_ms;     /* total per attempt; 0 = the client's default */
    size_t max_response; /* 0 = the client's default */
    /* Also allow plain http:// to the link-local instance metadata service — host
     * 169.254.169.254 or metadata.google.internal, nothing else — which only speaks http (GCE
     * metadata server, EC2 IMDS). Set only by the credential providers for those calls. */
    int allow_insecure_link_local;
    /* A repeat could do the work twice (DTS startManualRuns has no idempotency token): retried
     * only after throttling (the service refused it) or when no connection was made; after any
     * other failure — a timeout, a reset, a cut body, a 5xx — the service may have done it, so
     * the call fails at once and its error says so. */
    int not_idempotent;
};

/* Fills req (method, url copied; headers empty). Free with http_request_release(). */
int http_request_init(struct http_request *req, const char *service, const char *operation,
                      const char *method, const char *url, struct err *e);
/* Copies body (len bytes) into the request. */
int http_request_set_body(struct http_request *req, const void *body, size_t len, struct err *e);
void http_request_release(struct http_request *req);

struct http_response {
    long status; /* 0 when no HTTP answer arrived */
    struct http_headers headers;
    struct buf body;
    int retries;            /* attempts beyond the first */
    int64_t latency_ms;     /* of the whole call, retries and waits included */
    int64_t server_date_ms; /* the Date header, 0 when absent */
};

void http_response_release(struct http_response *r);

/* Report of one finished call (after its retries). The record is borrowed for the callback. */
typedef void (*http_on_call_fn)(void *ctx, const struct api_call *call);

struct http_options {
    int max_in_flight;         /* default 16 */
    long connect_timeout_ms;   /* default 10000 */
    long timeout_ms;           /* default 60000 per attempt */
    size_t max_response;       /* default 64 MiB */
    int max_attempts;          /* default 4 (first try + 3 retries) */
    long backoff_base_ms;      /* default 500 */
    long backoff_cap_ms;       /* default 20000 */
    const struct clock *clock; /* NULL = system clock (wall time for signing and Date) */
    http_on_call_fn on_call;   /* may be NULL */
    void *on_call_ctx;
    unsigned int seed; /* jitter seed; 0 = from time and pid */
};

struct http_client;

int http_client_new(struct http_client **out, const struct http_options *opt, struct err *e);
void http_client_free(struct http_client *c);

/* Called when a submitted call has finished (after retries). resp is borrowed; e is the call's
 * error (code ERR_OK on a 2xx answer). */
typedef void (*http_done_fn)(void *ctx, struct http_request *req, struct http_response *resp,
                             const struct err *e);

/* Queues req (ownership passes to the client, which releases it after done() returns).
 * Returns -1 (ERR_USAGE) for a URL that is not https:// or http:// to a loopback host. */
int http_submit(struct http_client *c, struct http_request *req, http_done_fn done, void *ctx,
                struct err *e);

/* Drives transfers until none is in flight or pending, or timeout_ms passes (-1 = no limit).
 * Returns the number of calls still unfinished. */
int http_run(struct http_client *c, long timeout_ms);

/* One call, synchronously: submits req (taking ownership) and runs until it finishes. resp is
 * filled even on error when an answer arrived. Returns 0 on a 2xx answer, else -1 with e set
 * (ERR_NETWORK for transport failures, ERR_SERVICE / ERR_AUTH for HTTP errors). */
int http_do(struct http_client *c, struct http_request *req, struct http_response *resp,
            struct err *e);

/* Percent-encodes s with the RFC 3986 unreserved set (and keeps '/' when keep_slash). */
int http_urlencode(struct buf *out, const char *s, size_t len, int keep_slash);

/* Redacts secrets from text meant for a log or the screen: Authorization values,
 * X-Amz-Security-Token, access/refresh tokens, JWT assertions, private keys, secret keys.
 * Writes the redacted copy into out. */
int http_redact(struct buf *out, const char *text);

#endif
