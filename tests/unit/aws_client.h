/* tests/unit/aws_client.h: a small AWS client for tests of the fake cloud — the real HTTP
 * engine and the real SigV4 signer (core/aws_sign) pointed at a loopback URL, with knobs to
 * sign wrongly on purpose (other secret, region, service, a skewed clock). One attempt per call,
 * no retries. Test support only. */
#ifndef TESTS_UNIT_AWS_CLIENT_H
#define TESTS_UNIT_AWS_CLIENT_H

#include <stdint.h>

#include "core/aws_creds.h"
#include "core/http.h"

struct awsc {
    struct http_client *http;
    struct aws_creds creds;
    char url[64];
    char region[32];
    const char *sign_service; /* NULL: the service called; else sign with this name */
    int64_t offset_ms;        /* signing clock = real clock + offset */
    struct clock clk;
};

int awsc_init(struct awsc *c, const char *url, const char *akid, const char *secret,
              const char *token, const char *region, int64_t offset_ms);
void awsc_release(struct awsc *c);

/* JSON 1.0 (dynamodb) / 1.1 (events): POST / with X-Amz-Target target. */
int awsc_json(struct awsc *c, const char *service, const char *target, const char *body,
              struct http_response *resp);
/* Query protocol (sts, rds): POST / with the form body. */
int awsc_query(struct awsc *c, const char *service, const char *form, struct http_response *resp);
/* REST (s3, lambda): method and path with query ("/bucket?list-type=2"), optional body. */
int awsc_rest(struct awsc *c, const char *service, const char *method, const char *path,
              const char *body, struct http_response *resp);
/* Unsigned request (no Authorization at all). */
int awsc_unsigned(struct awsc *c, const char *service, const char *target, const char *body,
                  struct http_response *resp);

/* The error code of an answer in the service's protocol ("" when none). */
void awsc_error_code(const char *service, const struct http_response *resp, char *out, size_t n);

#endif
