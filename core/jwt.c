/* core/jwt.c: RS256 compact JWS over OpenSSL EVP (base64, PEM, SHA-256 RSA) and jansson.
 * Base64 is OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock with the url alphabet translated; there is
 * no hand-written table. Never puts key bytes, signatures or assertions into error text. */
#include "core/jwt.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/jsonx.h"

struct jwt_key {
    EVP_PKEY *pkey;
    int is_private;
};

int jwt_b64url_encode(struct buf *out, const void *data, size_t len)
{
    size_t cap = 4 * ((len + 2) / 3) + 1;
    unsigned char *tmp;
    int n, rc = -1;

    if (len > (size_t)(INT32_MAX / 2))
        return -1;
    tmp = malloc(cap);
    if (!tmp)
        return -1;
    n = EVP_EncodeBlock(tmp, data, (int)len);
    while (n > 0 && tmp[n - 1] == '=')
        n--;
    for (int i = 0; i < n; i++) {
        if (tmp[i] == '+')
            tmp[i] = '-';
        else if (tmp[i] == '/')
            tmp[i] = '_';
    }
    rc = buf_append(out, tmp, (size_t)n);
    free(tmp);
    return rc;
}

static int b64url_char_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

int jwt_b64url_decode(struct buf *out, const char *s, size_t len)
{
    unsigned char *in = NULL, *bin = NULL;
    size_t pad, n;
    int got, rc = -1;

    while (len > 0 && s[len - 1] == '=')
        len--;
    if (len % 4 == 1 || len > (size_t)(INT32_MAX / 2))
        return -1;
    pad = (4 - len % 4) % 4;
    in = malloc(len + pad + 1);
    bin = malloc((len + pad) / 4 * 3 + 1);
    if (!in || !bin)
        goto out;
    for (size_t i = 0; i < len; i++) {
        if (!b64url_char_ok(s[i]))
            goto out;
        in[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : (unsigned char)s[i];
    }
    memset(in + len, '=', pad);
    n = len + pad;
    got = n ? EVP_DecodeBlock(bin, in, (int)n) : 0;
    if (got < 0 || (size_t)got < pad)
        goto out;
    rc = buf_append(out, bin, (size_t)got - pad);
out:
    free(in);
    free(bin);
    return rc;
}

/* Refuses encrypted PEM instead of letting OpenSSL prompt on the terminal. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static int key_load(struct jwt_key **out, const char *pem, const char *what, int private_key,
                    struct err *e)
{
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    struct jwt_key *k = NULL;
    unsigned long ossl;

    *out = NULL;
    if (!pem || !*pem)
        return err_set(e, ERR_CONFIG, "%s is empty", what);
    ERR_clear_error();
    bio = BIO_new_mem_buf(pem, -1);
    if (!bio)
        return err_set(e, ERR_NOMEM, "%s: out of memory", what);
    pkey = private_key ? PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL)
                       : PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL);
    BIO_free(bio);
    if (!pkey) {
        ossl = ERR_peek_last_error();
        ERR_clear_error();
        return err_set(e, ERR_CONFIG, "%s is not a readable PEM %s key (%s)", what,
                       private_key ? "private" : "public",
                       ossl ? ERR_reason_error_string(ossl) : "no PEM block found");
    }
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        EVP_PKEY_free(pkey);
        return err_set(e, ERR_CONFIG, "%s is not an RSA key (RS256 needs RSA)", what);
    }
    k = calloc(1, sizeof(*k));
    if (!k) {
        EVP_PKEY_free(pkey);
        return err_set(e, ERR_NOMEM, "%s: out of memory", what);
    }
    k->pkey = pkey;
    k->is_private = private_key;
    *out = k;
    return 0;
}

int jwt_key_from_pem(struct jwt_key **out, const char *pem, const char *what, struct err *e)
{
    return key_load(out, pem, what, 1, e);
}

int jwt_key_public_from_pem(struct jwt_key **out, const char *pem, const char *what, struct err *e)
{
    return key_load(out, pem, what, 0, e);
}

void jwt_key_free(struct jwt_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k);
}

int jwt_sign_rs256(struct buf *out, const struct jwt_key *k, const void *input, size_t len,
                   struct err *e)
{
    EVP_MD_CTX *md = NULL;
    unsigned char *sig = NULL;
    size_t siglen = 0;
    int rc = -1;

    if (!k || !k->is_private)
        return err_set(e, ERR_INTERNAL, "RS256 signing needs a private key");
    md = EVP_MD_CTX_new();
    if (!md)
        return err_set(e, ERR_NOMEM, "RS256 signing: out of memory");
    if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
        EVP_DigestSign(md, NULL, &siglen, input, len) != 1) {
        err_set(e, ERR_INTERNAL, "RS256 signing failed in OpenSSL");
        goto out;
    }
    sig = malloc(siglen);
    if (!sig) {
        err_set(e, ERR_NOMEM, "RS256 signing: out of memory");
        goto out;
    }
    if (EVP_DigestSign(md, sig, &siglen, input, len) != 1) {
        err_set(e, ERR_INTERNAL, "RS256 signing failed in OpenSSL");
        goto out;
    }
    if (jwt_b64url_encode(out, sig, siglen)) {
        err_set(e, ERR_NOMEM, "RS256 signature does not fit the buffer");
        goto out;
    }
    rc = 0;
out:
    ERR_clear_error();
    free(sig);
    EVP_MD_CTX_free(md);
    return rc;
}

static int header_is_rs256(const struct buf *hdr)
{
    json_t *root = json_loadb(hdr->data ? hdr->data : "", hdr->len, 0, NULL);
    const char *alg = json_string_value(json_object_get(root, "alg"));
    int ok = json_is_object(root) && alg && strcmp(alg, "RS256") == 0;

    json_decref(root);
    return ok;
}

int jwt_verify_rs256(const char *jws, const struct jwt_key *k, char **claims_json, struct err *e)
{
    struct buf hdr = BUF_INIT(8192), claims = BUF_INIT(65536), sig = BUF_INIT(1024);
    const char *dot1 = jws ? strchr(jws, '.') : NULL;
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    EVP_MD_CTX *md = NULL;
    int rc = -1;

    if (claims_json)
        *claims_json = NULL;
    if (!dot2 || strchr(dot2 + 1, '.')) {
        err_set(e, ERR_AUTH, "not a compact JWS (three base64url parts separated by '.')");
        goto out;
    }
    if (jwt_b64url_decode(&hdr, jws, (size_t)(dot1 - jws)) ||
        jwt_b64url_decode(&claims, dot1 + 1, (size_t)(dot2 - dot1 - 1)) ||
        jwt_b64url_decode(&sig, dot2 + 1, strlen(dot2 + 1))) {
        err_set(e, ERR_AUTH, "JWS part is not valid base64url");
        goto out;
    }
    if (!header_is_rs256(&hdr)) {
        err_set(e, ERR_AUTH, "JWS header is not JSON with alg RS256");
        goto out;
    }
    md = EVP_MD_CTX_new();
    if (!md) {
        err_set(e, ERR_NOMEM, "RS256 verification: out of memory");
        goto out;
    }
    if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
        EVP_DigestVerify(md, (const unsigned char *)buf_cstr(&sig), sig.len,
                         (const unsigned char *)jws, (size_t)(dot2 - jws)) != 1) {
        err_set(e, ERR_AUTH, "RS256 signature does not verify");
        goto out;
    }
    if (claims_json) {
        *claims_json = buf_detach(&claims);
        if (!*claims_json) {
            err_set(e, ERR_NOMEM, "RS256 verification: out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    ERR_clear_error();
    EVP_MD_CTX_free(md);
    buf_release(&hdr);
    buf_release(&claims);
    buf_release(&sig);
    return rc;
}

int jwt_encode_rs256(char **out, const struct jwt_key *k, const char *header_json,
                     const char *claims_json, struct err *e)
{
    struct buf b = BUF_INIT(1 << 20);

    *out = NULL;
    if (jwt_b64url_encode(&b, header_json, strlen(header_json)) || buf_putc(&b, '.') ||
        jwt_b64url_encode(&b, claims_json, strlen(claims_json)) || buf_putc(&b, '.')) {
        buf_release(&b);
        return err_set(e, ERR_NOMEM, "JWT too large or out of memory");
    }
    /* the signature is computed over "h.c" before anything is appended after the '.' */
    if (jwt_sign_rs256(&b, k, b.data, b.len - 1, e)) {
        buf_release(&b);
        return -1;
    }
    *out = buf_detach(&b);
    if (!*out)
        return err_set(e, ERR_NOMEM, "JWT: out of memory");
    return 0;
}

/* Compact JSON with members in insertion order; caller frees. */
static char *dump_compact(json_t *obj)
{
    return obj ? jsonx_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
}

int jwt_google_assertion(char **out, const struct jwt_key *k, const char *kid,
                         const struct jwt_claims *c, struct err *e)
{
    json_t *hdr = json_object(), *cl = json_object();
    char *hj = NULL, *cj = NULL;
    int rc = -1, bad = !hdr || !cl;

    *out = NULL;
    if (!c->iss || !c->scope || !c->aud) {
        err_set(e, ERR_INTERNAL, "JWT claims need iss, scope and aud");
        goto out;
    }
    bad = bad || json_object_set_new(hdr, "alg", json_string("RS256")) ||
          json_object_set_new(hdr, "typ", json_string("JWT"));
    if (kid && *kid)
        bad = bad || json_object_set_new(hdr, "kid", json_string(kid));
    bad = bad || json_object_set_new(cl, "iss", json_string(c->iss)) ||
          json_object_set_new(cl, "scope", json_string(c->scope)) ||
          json_object_set_new(cl, "aud", json_string(c->aud));
    if (c->sub)
        bad = bad || json_object_set_new(cl, "sub", json_string(c->sub));
    bad = bad || json_object_set_new(cl, "iat", json_integer(c->iat)) ||
          json_object_set_new(cl, "exp", json_integer(c->exp));
    if (!bad) {
        hj = dump_compact(hdr);
        cj = dump_compact(cl);
    }
    if (bad || !hj || !cj) {
        err_set(e, ERR_PARSE, "JWT header/claims cannot be encoded (not UTF-8?)");
        goto out;
    }
    rc = jwt_encode_rs256(out, k, hj, cj, e);
out:
    json_decref(hdr);
    json_decref(cl);
    free(hj);
    free(cj);
    return rc;
}
