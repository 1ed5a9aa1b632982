/* tests/unit/clients_testutil.h: helpers of the API client unit tests — read a test data file or
 * a reference sample (a missing file fails the test), and check a request's parts. */
#ifndef TESTS_UNIT_CLIENTS_TESTUTIL_H
#define TESTS_UNIT_CLIENTS_TESTUTIL_H

#include <stddef.h>

#include "core/err.h"
#include "core/http.h"

#define CT_REFERENCE "../shared/reference/"

/* The whole file (NUL-terminated; caller frees); fails the running test when unreadable. */
char *ct_read(const char *path, size_t *len);
/* A file under ../shared/reference/. */
char *ct_reference(const char *rel, size_t *len);

/* Asserts that e is set with code and that its message contains every NULL-terminated needle. */
void ct_assert_err(const struct err *e, enum err_code code, ...) __attribute__((sentinel));

/* Asserts req's method, url, header value (NULL header name = skip) and body (NULL = none). */
void ct_assert_req(const struct http_request *req, const char *method, const char *url,
                   const char *body);
void ct_assert_header(const struct http_request *req, const char *name, const char *value);

/* Asserts that req has the URL, body and pre-signing headers (Host excepted: libcurl sets it) of
 * the vector called name in ../shared/reference/aws-sigv4-derived-vectors.json. */
void ct_assert_sigv4_vector(const struct http_request *req, const char *name);

/* Runs every error case of ../shared/reference/aws-protocol-tests/output/<file> through read and
 * asserts the code (and the message when the case gives one). Returns the number of cases. */
struct apierr;
typedef void (*ct_error_reader)(struct apierr *out, long status, const struct http_headers *h,
                                const char *body, size_t len);
int ct_protocol_errors(const char *file, ct_error_reader read);

#endif
