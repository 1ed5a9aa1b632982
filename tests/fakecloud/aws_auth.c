/* tests/fakecloud/aws_auth.c: SigV4 verification as AWS does it — the signature is recomputed
 * with core/sigv4 from the request as received (raw path, query, the signed headers, the body)
 * and the key's secret, then compared; scope, clock skew (15 min against the fake's clock),
 * session tokens and their expiry are checked first, each failing with the protocol's own code.
 * Never puts a secret or a signature in an answer. */
#include "tests/fakecloud/aws.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/crypto.h"
#include "core/sigv4.h"

enum proto { P_JSON, P_QUERY, P_S3, P_LAMBDA };

static enum proto proto_of(const char *service)
{
    if (strcmp(service, "sts") == 0 || strcmp(service, "rds") == 0)
        return P_QUERY;
    if (strcmp(service, "s3") == 0)
        return P_S3;
    if (strcmp(service, "lambda") == 0)
        return P_LAMBDA;
    return P_JSON;
}

enum failure {
    F_MISSING,
    F_MALFORMED,
    F_UNKNOWN_KEY,
    F_BAD_TOKEN,
    F_EXPIRED,
    F_SIGNATURE,
    F_SKEW,
    F_SCOPE,
};

/* Codes per failure and protocol: JSON, Query, S3, Lambda. */
static const struct {
    const char *code[4];
    int http[4];
} codes[] = {
    [F_MISSING] = {{"MissingAuthenticationTokenException", "MissingAuthenticationToken",
                    "AccessDenied", "MissingAuthenticationTokenException"},
                   {400, 403, 403, 403}},
    [F_MALFORMED] = {{"IncompleteSignatureException", "IncompleteSignature",
                      "AuthorizationHeaderMalformed", "IncompleteSignatureException"},
                     {400, 400, 400, 403}},
    [F_UNKNOWN_KEY] = {{"UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId",
                        "UnrecognizedClientException"},
                       {400, 403, 403, 403}},
    [F_BAD_TOKEN] = {{"UnrecognizedClientException", "InvalidClientTokenId", "InvalidToken",
                      "UnrecognizedClientException"},
                     {400, 403, 400, 403}},
    [F_EXPIRED] = {{"ExpiredTokenException", "ExpiredToken", "ExpiredToken",
                    "ExpiredTokenException"},
                   {400, 403, 400, 403}},
    [F_SIGNATURE] = {{"InvalidSignatureException", "SignatureDoesNotMatch", "SignatureDoesNotMatch",
                      "InvalidSignatureException"},
                     {400, 403, 403, 403}},
    [F_SKEW] = {{"InvalidSignatureException", "SignatureDoesNotMatch", "RequestTimeTooSkewed",
                 "InvalidSignatureException"},
                {400, 403, 403, 403}},
    [F_SCOPE] = {{"InvalidSignatureException", "SignatureDoesNotMatch",
                  "AuthorizationHeaderMalformed", "InvalidSignatureException"},
                 {400, 403, 400, 403}},
};

static int fail(struct fc_response *r, const char *service, enum failure f, const char *msg)
{
    enum proto p = proto_of(service);
    aws_error(r, service, codes[f].http[p], codes[f].code[p], "%s", msg);
    return 1;
}

struct auth_hdr {
    char akid[128], date[16], region[64], service[64];
    char signed_headers[1024];
    char signature[80];
};

/* Authorization: AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/SVC/aws4_request,
 *                SignedHeaders=a;b, Signature=hex */
static int parse_auth(const char *v, struct auth_hdr *a)
{
    const char *cred, *sh, *sig;
    char scope_end[32];
    size_t n;

    memset(a, 0, sizeof(*a));
    if (strncmp(v, "AWS4-HMAC-SHA256 ", 17) != 0)
        return -1;
    cred = strstr(v, "Credential=");
    sh = strstr(v, "SignedHeaders=");
    sig = strstr(v, "Signature=");
    if (!cred || !sh || !sig)
        return -1;
    cred += 11;
    n = strcspn(cred, ", ");
    {
        char c[512];
        if (n >= sizeof(c))
            return -1;
        memcpy(c, cred, n);
        c[n] = '\0';
        if (sscanf(c, "%127[^/]/%15[^/]/%63[^/]/%63[^/]/%31s", a->akid, a->date, a->region,
                   a->service, scope_end) != 5 ||
            strcmp(scope_end, "aws4_request") != 0)
            return -1;
    }
    sh += 14;
    n = strcspn(sh, ", ");
    if (n == 0 || n >= sizeof(a->signed_headers))
        return -1;
    memcpy(a->signed_headers, sh, n);
    sig += 10;
    n = strcspn(sig, ", ");
    if (n != 64)
        return -1;
    memcpy(a->signature, sig, n);
    return 0;
}

static int parse_amz_date(const char *s, int64_t *ms)
{
    struct tm tm;
    char z;

    memset(&tm, 0, sizeof(tm));
    if (s == NULL || strlen(s) != 16 ||
        sscanf(s, "%4d%2d%2dT%2d%2d%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &z) != 7 ||
        z != 'Z')
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *ms = (int64_t)timegm(&tm) * 1000;
    return 0;
}

static void amz(int64_t ms, char out[17])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static int check_skew(struct fw_world *w, struct fc_response *r, const char *service,
                      const char *xdate, int64_t t, int64_t now)
{
    char a[17], b[17], msg[256];

    if (t < now - w->skew_limit_ms) {
        amz(now - w->skew_limit_ms, a);
        amz(now, b);
        if (proto_of(service) == P_S3)
            snprintf(msg, sizeof(msg),
                     "The difference between the request time and the current time is too "
                     "large.");
        else
            snprintf(msg, sizeof(msg),
                     "Signature expired: %s is now earlier than %s (%s - 15 min.)", xdate, a, b);
        return fail(r, service, F_SKEW, msg);
    }
    if (t > now + w->skew_limit_ms) {
        amz(now + w->skew_limit_ms, a);
        amz(now, b);
        if (proto_of(service) == P_S3)
            snprintf(msg, sizeof(msg),
                     "The difference between the request time and the current time is too "
                     "large.");
        else
            snprintf(msg, sizeof(msg),
                     "Signature not yet current: %s is still later than %s (%s + 15 min.)", xdate,
                     a, b);
        return fail(r, service, F_SKEW, msg);
    }
    return 0;
}

/* Recomputes the signature over the headers the client says it signed. */
static int recompute(struct fc_request *req, const struct auth_hdr *a, const struct fw_key *k,
                     int64_t t, const char *service, char sig[65], struct fc_response *r)
{
    struct http_headers h;
    struct sigv4_input in;
    struct sigv4_result out;
    struct err e = ERR_INIT;
    char path[4096], list[1024], *save = NULL, *name;
    const char *token = fc_header(req, "X-Amz-Security-Token");
    size_t pl = strcspn(req->raw_uri, "?");
    int s3 = strcmp(service, "s3") == 0, token_signed = 0, sha_signed = 0, rc = -1;

    memset(&h, 0, sizeof(h));
    memset(&in, 0, sizeof(in));
    if (pl >= sizeof(path))
        return fail(r, service, F_SIGNATURE, "request path too long to verify");
    memcpy(path, req->raw_uri, pl);
    path[pl] = '\0';
    snprintf(list, sizeof(list), "%s", a->signed_headers);
    for (name = strtok_r(list, ";", &save); name; name = strtok_r(NULL, ";", &save)) {
        const char *v = fc_header(req, name);
        if (strcmp(name, "x-amz-date") == 0)
            continue;
        if (strcmp(name, "x-amz-security-token") == 0) {
            token_signed = 1;
            continue;
        }
        if (strcmp(name, "x-amz-content-sha256") == 0 && s3) {
            sha_signed = 1;
            continue;
        }
        if (http_headers_set(&h, name, v ? v : "", &e) != 0)
            goto out;
    }
    in.method = req->method;
    in.path = path;
    in.query = req->query;
    in.headers = &h;
    in.body = req->body;
    in.body_len = req->body_len;
    in.payload_hash = s3 ? fc_header(req, "x-amz-content-sha256") : NULL;
    in.access_key_id = k->access_key_id;
    in.secret_access_key = k->secret_access_key;
    in.session_token = token;
    in.region = a->region;
    in.service = a->service;
    in.time_ms = t;
    in.flags = s3 ? SIGV4_S3_PATH : SIGV4_FLAGS_DEFAULT;
    if (sha_signed)
        in.flags |= SIGV4_CONTENT_SHA256;
    if (token && !token_signed)
        in.flags |= SIGV4_OMIT_SESSION_TOKEN;
    if (sigv4_sign(&out, &in, &e) == 0) {
        memcpy(sig, out.signature, 65);
        rc = strcmp(buf_cstr(&out.signed_headers), a->signed_headers) == 0 ? 0 : -1;
        if (rc != 0)
            sig[0] = '\0';
    }
    sigv4_result_release(&out);
out:
    http_headers_release(&h);
    return rc == 0 ? 0 : (sig[0] = '\0', 0);
}

static int s3_payload(struct fc_request *req, struct fc_response *r)
{
    const char *sha = fc_header(req, "x-amz-content-sha256");
    char hex[CRYPTO_SHA256_HEX_LEN];

    if (sha == NULL) {
        aws_error(r, "s3", 400, "InvalidRequest",
                  "Missing required header for this request: x-amz-content-sha256");
        return 1;
    }
    if (strcmp(sha, "UNSIGNED-PAYLOAD") == 0)
        return 0;
    if (crypto_sha256_hex(hex, req->body ? req->body : "", req->body_len) != 0 ||
        strcmp(hex, sha) != 0) {
        aws_error(r, "s3", 400, "XAmzContentSHA256Mismatch",
                  "The provided 'x-amz-content-sha256' header does not match what was computed.");
        return 1;
    }
    return 0;
}

int aws_auth(struct fw_world *w, struct fc_request *req, const char *service, int64_t now,
             long *key, struct fc_response *r)
{
    const char *auth = fc_header(req, "Authorization"), *xdate = fc_header(req, "X-Amz-Date");
    const char *token = fc_header(req, "X-Amz-Security-Token");
    struct auth_hdr a;
    char msg[512], sig[65] = "";
    const struct fw_key *k;
    int64_t t;
    long ki;

    if (auth == NULL)
        return fail(r, service, F_MISSING,
                    proto_of(service) == P_S3 ? "Access Denied"
                                              : "Request is missing Authentication Token");
    if (parse_auth(auth, &a) != 0)
        return fail(r, service, F_MALFORMED,
                    "Authorization header requires 'Credential', 'Signature' and "
                    "'SignedHeaders' parameters (AWS4-HMAC-SHA256).");
    if (xdate == NULL || parse_amz_date(xdate, &t) != 0)
        return fail(r, service, F_MALFORMED,
                    "Authorization header requires existence of either a 'X-Amz-Date' or a "
                    "'Date' header.");
    if (strncmp(xdate, a.date, 8) != 0 || strlen(a.date) != 8) {
        snprintf(msg, sizeof(msg),
                 "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                 "date from HTTP: '%s' != '%.8s', from '%s'.",
                 a.date, xdate, xdate);
        return fail(r, service, F_SIGNATURE, msg);
    }
    /* STS's global endpoint also takes us-east-1, as the real one does */
    if (strcmp(a.region, w->region) != 0 &&
        !(strcmp(service, "sts") == 0 && strcmp(a.region, "us-east-1") == 0)) {
        if (proto_of(service) == P_S3)
            snprintf(msg, sizeof(msg),
                     "The authorization header is malformed; the region '%s' is wrong; "
                     "expecting '%s'",
                     a.region, w->region);
        else
            snprintf(msg, sizeof(msg), "Credential should be scoped to a valid region, not '%s'. ",
                     a.region);
        return fail(r, service, F_SCOPE, msg);
    }
    if (strcmp(a.service, service) != 0) {
        snprintf(msg, sizeof(msg), "Credential should be scoped to correct service: '%s'. ",
                 service);
        return fail(r, service, F_SCOPE, msg);
    }
    if (check_skew(w, r, service, xdate, t, now))
        return 1;
    if ((ki = fw_key_find(w, a.akid)) < 0)
        return fail(r, service, F_UNKNOWN_KEY,
                    proto_of(service) == P_S3
                        ? "The AWS Access Key Id you provided does not exist in our records."
                        : "The security token included in the request is invalid.");
    k = &w->keys[ki];
    if ((k->session_token == NULL) != (token == NULL) ||
        (token && strcmp(token, k->session_token) != 0))
        return fail(r, service, F_BAD_TOKEN,
                    proto_of(service) == P_S3
                        ? "The provided token is malformed or otherwise invalid."
                        : "The security token included in the request is invalid.");
    if (k->expires_ms && now >= k->expires_ms)
        return fail(r, service, F_EXPIRED,
                    proto_of(service) == P_S3 ? "The provided token has expired."
                                              : "The security token included in the request is "
                                                "expired");
    if (proto_of(service) == P_S3 && s3_payload(req, r))
        return 1;
    recompute(req, &a, k, t, service, sig, r);
    if (sig[0] == '\0' || CRYPTO_memcmp(sig, a.signature, 64) != 0)
        return fail(r, service, F_SIGNATURE,
                    proto_of(service) == P_S3
                        ? "The request signature we calculated does not match the signature you "
                          "provided. Check your key and signing method."
                        : "The request signature we calculated does not match the signature you "
                          "provided. Check your AWS Secret Access Key and signing method. Consult "
                          "the service documentation for details.");
    *key = ki;
    return 0;
}

int aws_begin(struct aws_call *c, struct fakecloud *fc, struct fc_request *req,
              struct fc_response *r, const char *service)
{
    memset(c, 0, sizeof(*c));
    c->fc = fc;
    c->service = service;
    c->w = fw_get(fc);
    if (c->w == NULL) {
        aws_error(r, service, 500, "InternalFailure", "the fake cloud has no world loaded");
        return 1;
    }
    pthread_mutex_lock(&fc->world_lock);
    c->now = fw_now(c->w);
    fw_tick(c->w, c->now);
    if (aws_auth(c->w, req, service, c->now, &c->key, r) != 0) {
        pthread_mutex_unlock(&fc->world_lock);
        return 1;
    }
    return 0;
}

void aws_end(struct aws_call *c)
{
    pthread_mutex_unlock(&c->fc->world_lock);
}
