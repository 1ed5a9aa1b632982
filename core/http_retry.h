/* core/http_retry.h: which HTTP answers the engine retries (API-NOTES §0): throttling in each
 * protocol's own shape (JSON __type, XML <Code>, Google status/reason), 429 and 5xx. Internal to
 * the HTTP engine (core/http*.c); pure functions of the answer, no I/O. */
#ifndef CORE_HTTP_RETRY_H
#define CORE_HTTP_RETRY_H

#include <stddef.h>
#include <stdint.h>

#include "core/http.h"

enum http_retry_kind {
    HTTP_RETRY_NO = 0,    /* final: success or an error retrying cannot fix */
    HTTP_RETRY_THROTTLED, /* the service asked us to slow down */
    HTTP_RETRY_TRANSIENT  /* 5xx or a transient error code */
};

/* Classifies an answer. code (code_size bytes) receives the service's error code when one was
 * found ("ThrottlingException", "SlowDown", "rateLimitExceeded"), else "". */
enum http_retry_kind http_retry_classify(long status, const struct http_headers *headers,
                                         const char *body, size_t len, char *code,
                                         size_t code_size);

/* The service's error code from a JSON, XML or header error shape into code; "" when none. */
void http_retry_error_code(const struct http_headers *headers, const char *body, size_t len,
                           char *code, size_t code_size);

/* splitmix64: the next pseudo-random number from *state. */
uint64_t http_retry_rand(uint64_t *state);

/* Full-jitter backoff for retry number retry (0 = the first retry): a uniform random wait in
 * [0, min(cap_ms, base_ms * 2^retry)] milliseconds. */
int64_t http_retry_backoff_ms(uint64_t *rng, long base_ms, long cap_ms, int retry);

/* Sets e for a final HTTP error answer: "<service> <operation>: HTTP <status> <code>[ after N
 * attempts] from <redacted URL>[ hint]: <first 200 characters of the redacted body>[note]".
 * ERR_AUTH for 401/403 that are not throttling or quota, else ERR_SERVICE. */
void http_retry_error(struct err *e, const struct http_request *req, long status, const char *code,
                      enum http_retry_kind kind, int attempts, const char *body, const char *note);

#endif
