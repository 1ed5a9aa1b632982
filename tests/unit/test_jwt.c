/* tests/unit/test_jwt.c: base64url, RS256 against RFC 7515 A.2 and the derived Google
 * jwt-bearer assertion in ../shared/reference/vectors.json (missing file = failure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/jwt.h"

static json_t *vectors;

static int load_vectors(void **state)
{
    const char *shared = getenv("PIPETOP_SHARED");
    char path[1024];
    json_error_t je;

    (void)state;
    snprintf(path, sizeof(path), "%s/reference/vectors.json", shared ? shared : "../shared");
    vectors = json_load_file(path, 0, &je);
    if (!vectors)
        fprintf(stderr, "cannot load %s: %s\n", path, je.text);
    return vectors ? 0 : -1;
}

static int free_vectors(void **state)
{
    (void)state;
    json_decref(vectors);
    return 0;
}

static const char *vec(const char *group, const char *key)
{
    const char *s = json_string_value(json_object_get(json_object_get(vectors, group), key));
    assert_non_null(s);
    return s;
}

static void test_b64url_roundtrip(void **state)
{
    static const unsigned char bytes[] = {0xfb, 0xff, 0xfe, 0x00, 0x3e, 0x3f, 0x61};
    struct buf b = BUF_INIT(1024), d = BUF_INIT(1024);

    (void)state;
    for (size_t n = 0; n <= sizeof(bytes); n++) {
        buf_reset(&b);
        buf_reset(&d);
        assert_int_equal(jwt_b64url_encode(&b, bytes, n), 0);
        assert_null(strpbrk(buf_cstr(&b), "+/="));
        assert_int_equal(jwt_b64url_decode(&d, b.data ? b.data : "", b.len), 0);
        assert_int_equal(d.len, n);
        if (n)
            assert_memory_equal(d.data, bytes, n);
    }
    buf_reset(&b);
    assert_int_equal(jwt_b64url_encode(&b, "\xfb\xff", 2), 0);
    assert_string_equal(buf_cstr(&b), "-_8");
    assert_int_equal(jwt_b64url_decode(&d, "ab+c", 4), -1);
    assert_int_equal(jwt_b64url_decode(&d, "abcde", 5), -1);
    assert_int_equal(jwt_b64url_decode(&d, "ab c", 4), -1);
    buf_release(&b);
    buf_release(&d);
}

static void test_rfc7515_a2(void **state)
{
    const char *g = "jws_rs256_rfc7515_appendix_a2";
    struct jwt_key *k = NULL;
    struct err e = ERR_INIT;
    struct buf b = BUF_INIT(4096);
    const char *input = vec(g, "signing_input_ascii");
    char *jws = NULL, *claims = NULL;

    (void)state;
    assert_int_equal(
        jwt_key_from_pem(&k, vec(g, "rsa_private_key_pem_pkcs8_derived"), "RFC key", &e), 0);
    assert_int_equal(jwt_b64url_encode(&b, vec(g, "protected_header_utf8"),
                                       strlen(vec(g, "protected_header_utf8"))),
                     0);
    assert_string_equal(buf_cstr(&b), vec(g, "protected_header_b64url"));
    buf_reset(&b);
    assert_int_equal(jwt_sign_rs256(&b, k, input, strlen(input), &e), 0);
    assert_string_equal(buf_cstr(&b), vec(g, "signature_b64url"));
    assert_int_equal(
        jwt_encode_rs256(&jws, k, vec(g, "protected_header_utf8"), vec(g, "payload_utf8"), &e), 0);
    assert_string_equal(jws, vec(g, "compact_jws"));
    assert_int_equal(jwt_verify_rs256(jws, k, &claims, &e), 0);
    assert_string_equal(claims, vec(g, "payload_utf8"));
    free(claims);
    /* one flipped signature character must fail */
    jws[strlen(jws) - 2] = jws[strlen(jws) - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(jwt_verify_rs256(jws, k, NULL, &e), -1);
    assert_int_equal(e.code, ERR_AUTH);
    free(jws);
    buf_release(&b);
    jwt_key_free(k);
}

static void test_google_assertion(void **state)
{
    const char *g = "google_jwt_bearer_assertion_derived";
    const char *a2 = "jws_rs256_rfc7515_appendix_a2";
    struct jwt_key *k = NULL;
    struct err e = ERR_INIT;
    struct jwt_claims c = {"console@example-project.iam.gserviceaccount.com",
                           "https://www.googleapis.com/auth/bigquery "
                           "https://www.googleapis.com/auth/cloud-platform",
                           "https://oauth2.googleapis.com/token",
                           NULL,
                           1440938160,
                           1440941760};
    json_t *req = json_object_get(json_object_get(vectors, g), "token_request");
    char *jwt = NULL;

    (void)state;
    assert_int_equal(jwt_key_from_pem(&k, vec(a2, "rsa_private_key_pem_pkcs8_derived"), "key", &e),
                     0);
    assert_int_equal(
        jwt_google_assertion(&jwt, k, "0123456789abcdef0123456789abcdef01234567", &c, &e), 0);
    assert_string_equal(jwt, vec(g, "assertion"));
    /* the token POST body: the assertion is all base64url, which form encoding keeps as is */
    {
        struct buf body = BUF_INIT(8192);
        buf_puts(&body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
        buf_puts(&body, "&assertion=");
        buf_puts(&body, jwt);
        assert_string_equal(buf_cstr(&body), json_string_value(json_object_get(req, "body")));
        buf_release(&body);
    }
    free(jwt);
    jwt_key_free(k);
}

/* A token whose header says another algorithm ("none", HS256) never verifies. */
static void test_verify_rejects_other_alg(void **state)
{
    const char *a2 = "jws_rs256_rfc7515_appendix_a2";
    static const char *headers[] = {"{\"alg\":\"none\"}", "{\"alg\":\"HS256\"}", "[]", "x"};
    struct jwt_key *k = NULL;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(jwt_key_from_pem(&k, vec(a2, "rsa_private_key_pem_pkcs8_derived"), "key", &e),
                     0);
    for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
        char *jws = NULL, *dot;
        struct buf b = BUF_INIT(4096);
        struct err ve = ERR_INIT;
        /* a valid RS256 signature over the same claims, with the header swapped */
        assert_int_equal(jwt_encode_rs256(&jws, k, "{\"alg\":\"RS256\"}", "{}", &e), 0);
        dot = strchr(jws, '.');
        jwt_b64url_encode(&b, headers[i], strlen(headers[i]));
        buf_puts(&b, dot);
        assert_int_equal(jwt_verify_rs256(buf_cstr(&b), k, NULL, &ve), -1);
        assert_int_equal(ve.code, ERR_AUTH);
        buf_release(&b);
        free(jws);
    }
    jwt_key_free(k);
}

static void test_bad_keys(void **state)
{
    static const char *bad[] = {"", "not a pem",
                                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n"
                                "-----END ENCRYPTED PRIVATE KEY-----\n"};
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct jwt_key *k = (struct jwt_key *)1;
        struct err e = ERR_INIT;
        assert_int_equal(jwt_key_from_pem(&k, bad[i], "the private_key of F", &e), -1);
        assert_null(k);
        assert_int_equal(e.code, ERR_CONFIG);
        assert_non_null(strstr(e.msg, "the private_key of F"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64url_roundtrip), cmocka_unit_test(test_rfc7515_a2),
        cmocka_unit_test(test_google_assertion), cmocka_unit_test(test_verify_rejects_other_alg),
        cmocka_unit_test(test_bad_keys),
    };
    return cmocka_run_group_tests(tests, load_vectors, free_vectors);
}
