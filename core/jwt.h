/* core/jwt.h: compact JWS with RS256 (RFC 7515/7518) for Google's jwt-bearer grant (RFC 7523):
 * base64url without padding, RSASSA-PKCS1-v1_5 SHA-256 signing and verification through OpenSSL
 * EVP, and the Google assertion built with jansson in a fixed member order so the bytes are
 * reproducible. Never logs or puts key material, signatures or assertions into error text. */
#ifndef CORE_JWT_H
#define CORE_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* An RSA key (private, or public only) loaded from PEM. Opaque. */
struct jwt_key;

/* Appends base64url (RFC 4648 §5) of data without '=' padding to out. Returns -1 when out is
 * full or memory runs out. */
int jwt_b64url_encode(struct buf *out, const void *data, size_t len);

/* Appends the bytes of base64url text s (len chars, padding optional) to out. Returns -1 on a
 * character outside the alphabet, an impossible length, or a full buffer. */
int jwt_b64url_decode(struct buf *out, const char *s, size_t len);

/* Loads a private key from PEM text (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE
 * KEY"). what names the source for the message ("the private_key of FILE"). -1 with ERR_CONFIG
 * when it is not an RSA private key in PEM. Free with jwt_key_free(). */
int jwt_key_from_pem(struct jwt_key **out, const char *pem, const char *what, struct err *e);

/* Loads a public key ("BEGIN PUBLIC KEY") from PEM text. Same rules as jwt_key_from_pem. */
int jwt_key_public_from_pem(struct jwt_key **out, const char *pem, const char *what, struct err *e);

/* Frees the key (OpenSSL clears private key material). NULL is a no-op. */
void jwt_key_free(struct jwt_key *k);

/* Signs input (len bytes) with RS256 and appends the base64url signature to out. -1 with
 * ERR_INTERNAL when OpenSSL fails, ERR_NOMEM when out is full. */
int jwt_sign_rs256(struct buf *out, const struct jwt_key *k, const void *input, size_t len,
                   struct err *e);

/* Checks a compact JWS "h.c.s" with RS256 against the key (public or private). Returns 0 when
 * the header says alg RS256 and the signature verifies; -1 with ERR_AUTH otherwise. When
 * claims_json is not NULL it receives the decoded claims text (caller frees). */
int jwt_verify_rs256(const char *jws, const struct jwt_key *k, char **claims_json, struct err *e);

/* Builds "b64url(header_json).b64url(claims_json).b64url(signature)" (caller frees *out). */
int jwt_encode_rs256(char **out, const struct jwt_key *k, const char *header_json,
                     const char *claims_json, struct err *e);

/* The claims of a Google service-account assertion. sub is NULL unless domain-wide delegation. */
struct jwt_claims {
    const char *iss;   /* client_email */
    const char *scope; /* space-separated scopes */
    const char *aud;   /* the token endpoint */
    const char *sub;   /* may be NULL */
    int64_t iat;       /* seconds since the epoch */
    int64_t exp;       /* iat + at most 3600 */
};

/* The header {"alg":"RS256","typ":"JWT"[,"kid":kid]} and claims {"iss","scope","aud"[,"sub"],
 * "iat","exp"} as compact JSON in exactly that member order (what google-auth sends). kid may be
 * NULL or "". Caller frees *out. */
int jwt_google_assertion(char **out, const struct jwt_key *k, const char *kid,
                         const struct jwt_claims *c, struct err *e);

#endif
