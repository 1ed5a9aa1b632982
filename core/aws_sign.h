/* core/aws_sign.h: SigV4 for requests of the HTTP engine — an http_prepare_fn that signs each
 * attempt with the time the engine passes in (so a retry gets a fresh X-Amz-Date). It sets
 * Host itself so what is signed is what libcurl sends. Never logs or copies the secret. */
#ifndef CORE_AWS_SIGN_H
#define CORE_AWS_SIGN_H

#include <stdint.h>

#include "core/aws_creds.h"
#include "core/err.h"
#include "core/http.h"

struct aws_signer {
    const struct aws_creds *creds; /* borrowed; must outlive the request */
    const char *region;            /* borrowed: "eu-west-1" */
    const char *service;           /* signing name: "sts" "rds" "dynamodb" "s3" ... */
    unsigned flags;                /* enum sigv4_flags; 0 = derived from service */
};

/* http_prepare_fn: ctx is a struct aws_signer. Sets Host, X-Amz-Date, X-Amz-Security-Token,
 * x-amz-content-sha256 (S3) and Authorization on req. Returns 0, or -1 with e set (ERR_AUTH
 * without credentials, ERR_USAGE for a URL it cannot parse). */
int aws_sign_prepare(void *ctx, struct http_request *req, int64_t now_ms, struct err *e);

#endif
