/* core/sts.h: AWS STS over the Query protocol (API 2011-06-15) — GetCallerIdentity ("who am
 * I") and AssumeRole. Request bodies and response parsing are pure (core/sts.c, expat); the
 * calls themselves go through core/http with SigV4 (core/sts_call.c). Secrets in responses are
 * handed over in a struct aws_creds and never appear in error text. */
#ifndef CORE_STS_H
#define CORE_STS_H

#include <stddef.h>
#include <stdint.h>

#include "core/aws_creds.h"
#include "core/buf.h"
#include "core/err.h"

struct http_client;

#define STS_API_VERSION "2011-06-15"

struct sts_identity {
    char account[64];
    char arn[2048];
    char user_id[512];
};

/* "Action=GetCallerIdentity&Version=2011-06-15". Returns 0 or -1 (ERR_NOMEM). */
int sts_build_get_caller_identity(struct buf *body, struct err *e);

/* The AssumeRole form body for role (RoleArn, RoleSessionName — role->session_name or
 * default_session —, ExternalId, DurationSeconds), each value form-encoded. */
int sts_build_assume_role(struct buf *body, const struct aws_role *role,
                          const char *default_session, struct err *e);

/* Parses a GetCallerIdentityResponse. Returns 0, or -1 (ERR_PARSE: not XML, or no Arn). */
int sts_parse_caller_identity(struct sts_identity *out, const char *xml, size_t len, struct err *e);

/* Parses an AssumeRoleResponse into out (AccessKeyId, SecretAccessKey, SessionToken,
 * Expiration); source is copied into out->source. Returns 0 or -1 (ERR_PARSE). */
int sts_parse_assume_role(struct aws_creds *out, const char *xml, size_t len, const char *source,
                          struct err *e);

/* Sets e from a Query-protocol error body (<ErrorResponse><Error><Type/><Code/><Message/>
 * </Error><RequestId/></ErrorResponse>): "STS <operation>: HTTP <status> <Code>: <Message>"
 * plus what to do. ERR_AUTH for credential errors (InvalidClientTokenId,
 * SignatureDoesNotMatch, ExpiredToken, AccessDenied, ...), else ERR_SERVICE. A body that is not
 * such XML gives the status alone. Always returns -1. code (may be NULL, 128 bytes) receives the
 * error code or "". */
int sts_parse_error(const char *xml, size_t len, long http_status, const char *operation,
                    char *code, struct err *e);

/* Whether an AWS error code means the credentials were refused. */
int sts_is_auth_error(const char *code);

/* The calls (core/sts_call.c, need core/http). endpoint is the STS base URL
 * (aws_config_endpoint "sts"); creds sign the request with region. */
int sts_get_caller_identity(struct http_client *http, const char *endpoint, const char *region,
                            const struct aws_creds *creds, struct sts_identity *out, struct err *e);
int sts_assume_role(struct http_client *http, const char *endpoint, const char *region,
                    const struct aws_creds *creds, const struct aws_role *role, int64_t now_ms,
                    struct aws_creds *out, struct err *e);

#endif
