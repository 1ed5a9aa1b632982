/* core/crypto.c: SHA-256 and HMAC-SHA-256 through OpenSSL, hex output, secret wiping.
 * Must never implement a primitive itself nor keep a copy of key material. */
#include "core/crypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

int crypto_sha256(unsigned char out[CRYPTO_SHA256_LEN], const void *data, size_t len)
{
    unsigned int n = 0;
    static const char empty[1] = {0};

    if (EVP_Digest(data ? data : empty, len, out, &n, EVP_sha256(), NULL) != 1 ||
        n != CRYPTO_SHA256_LEN)
        return -1;
    return 0;
}

int crypto_sha256_hex(char out[CRYPTO_SHA256_HEX_LEN], const void *data, size_t len)
{
    unsigned char md[CRYPTO_SHA256_LEN];

    if (crypto_sha256(md, data, len) != 0)
        return -1;
    crypto_hex(out, md, sizeof(md));
    return 0;
}

int crypto_hmac_sha256(unsigned char out[CRYPTO_SHA256_LEN], const void *key, size_t key_len,
                       const void *data, size_t len)
{
    unsigned int n = 0;
    static const unsigned char empty[1] = {0};

    if (key_len > 0x7fffffff)
        return -1;
    if (HMAC(EVP_sha256(), key ? key : empty, (int)key_len, data ? data : empty, len, out, &n) ==
            NULL ||
        n != CRYPTO_SHA256_LEN)
        return -1;
    return 0;
}

void crypto_hex(char *out, const unsigned char *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void crypto_cleanse(void *p, size_t n)
{
    if (p != NULL && n > 0)
        OPENSSL_cleanse(p, n);
}

void crypto_free_secret(char *s)
{
    if (s == NULL)
        return;
    crypto_cleanse(s, strlen(s));
    free(s);
}
