/* core/sigv4.h: AWS Signature Version 4 as a pure function of (request, credentials, time).
 * No I/O, no clock, no globals: the caller passes the time, so tests can assert the exact
 * Authorization header. Secrets are only read; the results never contain the secret key. */
#ifndef CORE_SIGV4_H
#define CORE_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/http.h"

enum sigv4_flags {
    SIGV4_NORMALIZE_PATH = 1 << 0, /* remove "." / ".." segments and collapse "//" (not S3) */
    SIGV4_S3_PATH = 1 << 1,        /* path is used as sent: existing %XX kept, only bytes outside
                                      the unreserved set and '/' encoded; no second encoding */
    SIGV4_CONTENT_SHA256 = 1 << 2, /* add and sign x-amz-content-sha256 (S3, "sign_body") */
    SIGV4_OMIT_SESSION_TOKEN = 1 << 3, /* session token is added after signing, not signed */
    SIGV4_PRESIGN = 1 << 4,            /* query-string (presigned URL) signing */
};

/* Every AWS service but S3, and S3. */
#define SIGV4_FLAGS_DEFAULT SIGV4_NORMALIZE_PATH
#define SIGV4_FLAGS_S3 (SIGV4_S3_PATH | SIGV4_CONTENT_SHA256)

struct sigv4_input {
    const char *method;                 /* "GET" ... */
    const char *path;                   /* as sent (percent-encoded); "" means "/" */
    const char *query;                  /* raw query string without '?', may be NULL */
    const struct http_headers *headers; /* must include Host; may be NULL (then no Host) */
    const void *body;                   /* may be NULL */
    size_t body_len;
    const char *payload_hash; /* hex SHA-256 or "UNSIGNED-PAYLOAD"; NULL = hash body */
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" for long-term credentials */
    const char *region;        /* "us-east-1" */
    const char *service;       /* signing name: "rds" "dynamodb" "s3" "lambda" "events" "sts" */
    int64_t time_ms;           /* signing time, ms since the Unix epoch (UTC) */
    unsigned flags;            /* enum sigv4_flags */
    long expires_s;            /* SIGV4_PRESIGN only: X-Amz-Expires (1..604800) */
};

#define SIGV4_MAX_ADD 4

struct sigv4_result {
    char amz_date[17];     /* 20150830T123600Z */
    char payload_hash[65]; /* the hash that was signed (or "UNSIGNED-PAYLOAD") */
    char signature[65];
    struct buf canonical_request;
    struct buf string_to_sign;
    struct buf signed_headers; /* "host;x-amz-date" */
    struct buf authorization;  /* header mode: the Authorization value */
    struct buf query;          /* presign mode: the complete query string to send (no '?') */
    /* Header mode: the headers to set on the request, in this order: X-Amz-Date,
     * X-Amz-Security-Token (when a token is given), x-amz-content-sha256 (SIGV4_CONTENT_SHA256),
     * Authorization. Names are static strings; values point into this result, except the
     * token, which points at the caller's input->session_token. */
    const char *add_name[SIGV4_MAX_ADD];
    const char *add_value[SIGV4_MAX_ADD];
    size_t n_add;
};

#define SIGV4_RESULT_MAX 1048576

/* Signs in. Fills out (call sigv4_result_release() afterwards, also after an error).
 * Returns 0, or -1 with e set (ERR_USAGE for missing inputs, ERR_NOMEM, ERR_INTERNAL when
 * OpenSSL fails). */
int sigv4_sign(struct sigv4_result *out, const struct sigv4_input *in, struct err *e);

void sigv4_result_release(struct sigv4_result *r);

/* The SigV4 signing key kSigning for (secret, yyyymmdd, region, service). Returns 0 or -1. */
int sigv4_signing_key(unsigned char out[32], const char *secret, const char *date,
                      const char *region, const char *service);

/* Appends s (len bytes) percent-encoded with the SigV4 unreserved set A-Z a-z 0-9 - _ . ~
 * (upper-case hex); '/' is kept when keep_slash. Returns 0 or -1 (buffer limit). */
int sigv4_uri_encode(struct buf *out, const char *s, size_t len, int keep_slash);

/* Splits an http(s) URL into the Host header value as libcurl sends it (the port only when it
 * is not the scheme's default), the path ("/" when empty) and the query (after '?', "" when
 * none), into caller buffers. Returns 0, or -1 (ERR_USAGE) for something that is not an
 * http(s) URL, has user info, or does not fit. */
int sigv4_split_url(const char *url, char *host, size_t host_n, char *path, size_t path_n,
                    char *query, size_t query_n, struct err *e);

#endif
