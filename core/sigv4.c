/* core/sigv4.c: AWS Signature Version 4 — canonical request, string to sign, signature, the
 * Authorization header or a presigned query. Pure: no clock, no I/O, no global state.
 * It must never put the secret key into any output, and never hand-roll SHA-256 or HMAC. */
#include "core/sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/crypto.h"
#include "core/sigv4_canon.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_MAX_HDRS (HTTP_MAX_HEADERS + 4)

struct sv_hdr {
    char *name;  /* lower-case */
    char *value; /* trimmed, whitespace collapsed */
    size_t order;
};

/* Headers that proxies or libcurl may change, and the ones the signer sets itself. */
static int never_signed(const char *lname)
{
    static const char *const skip[] = {
        "authorization",     "connection", "expect",     "user-agent",          "x-amzn-trace-id",
        "transfer-encoding", "te",         "keep-alive", "proxy-authorization", "upgrade",
        "proxy-connection",  "x-amz-date"};
    for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
        if (strcmp(lname, skip[i]) == 0)
            return 1;
    return 0;
}

static char *canonical_value(const char *v)
{
    size_t n = strlen(v), j = 0;
    char *r = malloc(n + 1);
    int space = 0;

    if (r == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = 1;
            continue;
        }
        if (space && j > 0)
            r[j++] = ' ';
        space = 0;
        r[j++] = c;
    }
    r[j] = '\0';
    return r;
}

static int hdr_add(struct sv_hdr *h, size_t *n, const char *name, const char *value)
{
    size_t l = strlen(name);

    if (*n == SIGV4_MAX_HDRS)
        return -1;
    h[*n].name = malloc(l + 1);
    h[*n].value = canonical_value(value ? value : "");
    if (h[*n].name == NULL || h[*n].value == NULL) {
        free(h[*n].name);
        free(h[*n].value);
        return -1;
    }
    for (size_t i = 0; i <= l; i++)
        h[*n].name[i] = (char)tolower((unsigned char)name[i]);
    h[*n].order = *n;
    (*n)++;
    return 0;
}

static int hdr_cmp(const void *a, const void *b)
{
    const struct sv_hdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Collects the headers to sign, adds the signer's own, writes canonical headers and the
 * signed-header list. */
static int canonical_headers(struct sigv4_result *out, struct buf *ch, const struct sigv4_input *in,
                             const char *token)
{
    struct sv_hdr h[SIGV4_MAX_HDRS];
    size_t n = 0;
    int rc = -1, presign = (in->flags & SIGV4_PRESIGN) != 0;
    int add_token = token && !presign && !(in->flags & SIGV4_OMIT_SESSION_TOKEN);
    int add_sha = !presign && (in->flags & SIGV4_CONTENT_SHA256);

    for (size_t i = 0; in->headers && i < in->headers->n; i++) {
        const char *name = in->headers->name[i];
        if (name == NULL || (strcasecmp(name, "x-amz-security-token") == 0 && token) ||
            (strcasecmp(name, "x-amz-content-sha256") == 0 && add_sha))
            continue;
        if (hdr_add(h, &n, name, in->headers->value[i]))
            goto out;
        if (never_signed(h[n - 1].name)) {
            n--;
            free(h[n].name);
            free(h[n].value);
        }
    }
    if ((!presign && hdr_add(h, &n, "x-amz-date", out->amz_date)) ||
        (add_token && hdr_add(h, &n, "x-amz-security-token", token)) ||
        (add_sha && hdr_add(h, &n, "x-amz-content-sha256", out->payload_hash)))
        goto out;
    if (n > 1)
        qsort(h, n, sizeof(h[0]), hdr_cmp);
    for (size_t i = 0; i < n; i++) {
        int same = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;
        if (same) {
            if (buf_putc(ch, ',') || buf_puts(ch, h[i].value))
                goto out;
            continue;
        }
        if ((i > 0 && buf_putc(ch, '\n')) || buf_puts(ch, h[i].name) || buf_putc(ch, ':') ||
            buf_puts(ch, h[i].value))
            goto out;
        if ((out->signed_headers.len > 0 && buf_putc(&out->signed_headers, ';')) ||
            buf_puts(&out->signed_headers, h[i].name))
            goto out;
    }
    if (n > 0 && buf_putc(ch, '\n'))
        goto out;
    rc = 0;
out:
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    return rc;
}

int sigv4_signing_key(unsigned char out[32], const char *secret, const char *date,
                      const char *region, const char *service)
{
    struct buf k = BUF_INIT(4096);
    unsigned char a[CRYPTO_SHA256_LEN], b[CRYPTO_SHA256_LEN];
    int rc = -1;

    if (buf_puts(&k, "AWS4") || buf_puts(&k, secret))
        goto out;
    if (crypto_hmac_sha256(a, k.data, k.len, date, strlen(date)) ||
        crypto_hmac_sha256(b, a, sizeof(a), region, strlen(region)) ||
        crypto_hmac_sha256(a, b, sizeof(b), service, strlen(service)) ||
        crypto_hmac_sha256(out, a, sizeof(a), "aws4_request", 12))
        goto out;
    rc = 0;
out:
    crypto_cleanse(a, sizeof(a));
    crypto_cleanse(b, sizeof(b));
    if (k.data)
        crypto_cleanse(k.data, k.len);
    buf_release(&k);
    return rc;
}

static void result_init(struct sigv4_result *r)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->canonical_request, SIGV4_RESULT_MAX);
    buf_init(&r->string_to_sign, 4096);
    buf_init(&r->signed_headers, 8192);
    buf_init(&r->authorization, 16384);
    buf_init(&r->query, SIGV4_RESULT_MAX);
}

void sigv4_result_release(struct sigv4_result *r)
{
    if (r == NULL)
        return;
    buf_release(&r->canonical_request);
    buf_release(&r->string_to_sign);
    buf_release(&r->signed_headers);
    buf_release(&r->authorization);
    buf_release(&r->query);
    r->n_add = 0;
}

static int check_input(const struct sigv4_input *in, struct err *e)
{
    const char *missing = NULL;

    if (in->method == NULL || !in->method[0])
        missing = "method";
    else if (in->access_key_id == NULL || !in->access_key_id[0])
        missing = "access key id";
    else if (in->secret_access_key == NULL || !in->secret_access_key[0])
        missing = "secret access key";
    else if (in->region == NULL || !in->region[0])
        missing = "region";
    else if (in->service == NULL || !in->service[0])
        missing = "service signing name";
    if (missing)
        return err_set(e, ERR_USAGE, "sigv4: cannot sign without a %s", missing);
    if (in->time_ms < 0)
        return err_set(e, ERR_USAGE, "sigv4: signing time before 1970");
    if ((in->flags & SIGV4_PRESIGN) && (in->expires_s < 1 || in->expires_s > 604800))
        return err_set(e, ERR_USAGE, "sigv4: presigned URL expiry %ld s is outside 1..604800",
                       in->expires_s);
    return 0;
}

static int set_times(struct sigv4_result *out, int64_t time_ms, struct err *e)
{
    time_t t = (time_t)(time_ms / 1000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out->amz_date, sizeof(out->amz_date), "%Y%m%dT%H%M%SZ", &tm) != 16)
        return err_set(e, ERR_USAGE, "sigv4: signing time %lld ms cannot be formatted",
                       (long long)time_ms);
    return 0;
}

/* The X-Amz-* query parameters of a presigned request, added before sorting. */
static int presign_params(struct sigv4_params *ps, const struct sigv4_input *in,
                          const struct sigv4_result *out, const char *scope, const char *token)
{
    struct buf v = BUF_INIT(16384);
    char exp[24];
    int rc = -1, n;

    n = snprintf(exp, sizeof(exp), "%ld", in->expires_s);
    if (n < 0 || (size_t)n >= sizeof(exp))
        goto out;
    if (buf_printf(&v, "%s/%s", in->access_key_id, scope) ||
        sigv4_params_add(ps, "X-Amz-Algorithm", 15, SIGV4_ALGORITHM, strlen(SIGV4_ALGORITHM)) ||
        sigv4_params_add(ps, "X-Amz-Credential", 16, v.data, v.len) ||
        sigv4_params_add(ps, "X-Amz-Date", 10, out->amz_date, strlen(out->amz_date)) ||
        sigv4_params_add(ps, "X-Amz-Expires", 13, exp, strlen(exp)) ||
        sigv4_params_add(ps, "X-Amz-SignedHeaders", 19, out->signed_headers.data,
                         out->signed_headers.len))
        goto out;
    if (token && !(in->flags & SIGV4_OMIT_SESSION_TOKEN) &&
        sigv4_params_add(ps, "X-Amz-Security-Token", 20, token, strlen(token)))
        goto out;
    rc = 0;
out:
    buf_release(&v);
    return rc;
}

static int build_request(struct sigv4_result *out, const struct sigv4_input *in, const char *scope,
                         const char *token, struct err *e)
{
    struct buf ch = BUF_INIT(SIGV4_RESULT_MAX), cq = BUF_INIT(SIGV4_RESULT_MAX);
    struct sigv4_params ps = {NULL, 0, 0};
    struct buf *cr = &out->canonical_request;
    int rc = -1;

    if (canonical_headers(out, &ch, in, token))
        goto nomem;
    if (sigv4_params_parse(&ps, in->query) ||
        ((in->flags & SIGV4_PRESIGN) && presign_params(&ps, in, out, scope, token)))
        goto nomem;
    if (sigv4_params_write(&cq, &ps))
        goto nomem;
    if (buf_puts(cr, in->method) || buf_putc(cr, '\n'))
        goto nomem;
    if (sigv4_canon_path(cr, in->path, in->flags, e))
        goto out;
    if (buf_putc(cr, '\n') || buf_append(cr, buf_cstr(&cq), cq.len) || buf_putc(cr, '\n') ||
        buf_append(cr, buf_cstr(&ch), ch.len) || buf_putc(cr, '\n') ||
        buf_append(cr, buf_cstr(&out->signed_headers), out->signed_headers.len) ||
        buf_putc(cr, '\n') || buf_puts(cr, out->payload_hash))
        goto nomem;
    if ((in->flags & SIGV4_PRESIGN) && buf_append(&out->query, buf_cstr(&cq), cq.len))
        goto nomem;
    rc = 0;
    goto out;
nomem:
    err_set(e, ERR_NOMEM, "sigv4: out of memory or request too large to sign (%s %s)", in->method,
            in->path ? in->path : "/");
out:
    sigv4_params_release(&ps);
    buf_release(&ch);
    buf_release(&cq);
    return rc;
}

static int finish(struct sigv4_result *out, const struct sigv4_input *in, const char *scope,
                  const char *token)
{
    int presign = (in->flags & SIGV4_PRESIGN) != 0;
    size_t k = 0;

    if (presign) {
        if (buf_printf(&out->query, "%sX-Amz-Signature=%s", out->query.len ? "&" : "",
                       out->signature))
            return -1;
        if (token && (in->flags & SIGV4_OMIT_SESSION_TOKEN) &&
            (buf_puts(&out->query, "&X-Amz-Security-Token=") ||
             sigv4_uri_encode(&out->query, token, strlen(token), 0)))
            return -1;
        return 0;
    }
    if (buf_printf(&out->authorization,
                   SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                   in->access_key_id, scope, buf_cstr(&out->signed_headers), out->signature))
        return -1;
    out->add_name[k] = "X-Amz-Date";
    out->add_value[k++] = out->amz_date;
    if (token) {
        out->add_name[k] = "X-Amz-Security-Token";
        out->add_value[k++] = token;
    }
    if (in->flags & SIGV4_CONTENT_SHA256) {
        out->add_name[k] = "x-amz-content-sha256";
        out->add_value[k++] = out->payload_hash;
    }
    out->add_name[k] = "Authorization";
    out->add_value[k++] = buf_cstr(&out->authorization);
    out->n_add = k;
    return 0;
}

int sigv4_sign(struct sigv4_result *out, const struct sigv4_input *in, struct err *e)
{
    unsigned char key[CRYPTO_SHA256_LEN], sig[CRYPTO_SHA256_LEN];
    char date[9], scope[256], crhash[CRYPTO_SHA256_HEX_LEN];
    const char *token = in->session_token && in->session_token[0] ? in->session_token : NULL;
    int rc = -1, n;

    result_init(out);
    if (check_input(in, e) || set_times(out, in->time_ms, e))
        return -1;
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';
    n = snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", date, in->region, in->service);
    if (n < 0 || (size_t)n >= sizeof(scope))
        return err_set(e, ERR_USAGE, "sigv4: region or service name too long");
    if (in->payload_hash) {
        if (strlen(in->payload_hash) >= sizeof(out->payload_hash))
            return err_set(e, ERR_USAGE, "sigv4: payload hash is not a SHA-256 hex digest");
        memcpy(out->payload_hash, in->payload_hash, strlen(in->payload_hash) + 1);
    } else if (crypto_sha256_hex(out->payload_hash, in->body, in->body ? in->body_len : 0)) {
        return err_set(e, ERR_INTERNAL, "sigv4: SHA-256 failed in OpenSSL");
    }
    if (build_request(out, in, scope, token, e))
        return -1;
    if (crypto_sha256_hex(crhash, out->canonical_request.data, out->canonical_request.len))
        return err_set(e, ERR_INTERNAL, "sigv4: SHA-256 failed in OpenSSL");
    if (buf_printf(&out->string_to_sign, SIGV4_ALGORITHM "\n%s\n%s\n%s", out->amz_date, scope,
                   crhash))
        return err_set(e, ERR_NOMEM, "sigv4: out of memory");
    if (sigv4_signing_key(key, in->secret_access_key, date, in->region, in->service) ||
        crypto_hmac_sha256(sig, key, sizeof(key), out->string_to_sign.data,
                           out->string_to_sign.len)) {
        err_set(e, ERR_INTERNAL, "sigv4: HMAC-SHA-256 failed in OpenSSL");
        goto out;
    }
    crypto_hex(out->signature, sig, sizeof(sig));
    if (finish(out, in, scope, token)) {
        err_set(e, ERR_NOMEM, "sigv4: out of memory");
        goto out;
    }
    rc = 0;
out:
    crypto_cleanse(key, sizeof(key));
    return rc;
}
