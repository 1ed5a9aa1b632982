/* core/crypto.h: the few hash helpers the signers need, all through OpenSSL EVP/HMAC.
 * Nothing here is hand-written crypto; secrets passed in are never copied or logged. */
#ifndef CORE_CRYPTO_H
#define CORE_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_SHA256_HEX_LEN 65 /* 64 hex digits and the NUL */

/* SHA-256 of data. Returns 0, or -1 when OpenSSL fails. */
int crypto_sha256(unsigned char out[CRYPTO_SHA256_LEN], const void *data, size_t len);

/* Lower-case hex SHA-256 of data into out (NUL-terminated). Returns 0 or -1. */
int crypto_sha256_hex(char out[CRYPTO_SHA256_HEX_LEN], const void *data, size_t len);

/* HMAC-SHA-256(key, data). Returns 0, or -1 when OpenSSL fails. */
int crypto_hmac_sha256(unsigned char out[CRYPTO_SHA256_LEN], const void *key, size_t key_len,
                       const void *data, size_t len);

/* Lower-case hex of n bytes into out, which must hold 2 * n + 1 chars. */
void crypto_hex(char *out, const unsigned char *in, size_t n);

/* Overwrites n bytes at p with zeros in a way the compiler cannot drop (OPENSSL_cleanse). */
void crypto_cleanse(void *p, size_t n);

/* Zeroes and frees a NUL-terminated secret string; NULL is a no-op. */
void crypto_free_secret(char *s);

#endif
