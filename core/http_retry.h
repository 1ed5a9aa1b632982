/* core/http_retry.h: which HTTP answers the engine retries (API-NOTES §0): throttling in each
 * protocol's own shape (JSON __type, XML <Code>, Google status/reason), 429 and 5xx. Internal to
 * the HTTP engine (core/http*.c); pure functions of the answer, no I/O. */
#ifndef CORE_HTTP_RETRY_H
#define CORE_HTTP_RETRY_H

#include <stddef.h>

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

#endif
