/* tests/unit/test_redact.c: http_redact() on every secret form it must catch (headers, query
 * strings, form bodies, JSON, XML, PEM keys, bare JWTs) and on text it must leave alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/http.h"
#include "core/http_retry.h"

static const struct {
    const char *in;
    const char *out;
} cases[] = {
    /* Authorization: the scheme stays, everything after it goes */
    {"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
     "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06"
     "b5924a6f2b5d7\r\nHost: example.amazonaws.com",
     "Authorization: AWS4-HMAC-SHA256 REDACTED\r\nHost: example.amazonaws.com"},
    {"authorization: Bearer ya29.a0AfH6SMBx", "authorization: Bearer REDACTED"},
    {"Authorization: opaquetoken", "Authorization: REDACTED"},
    {"{\"Authorization\":\"Bearer ya29.abc\",\"x\":1}",
     "{\"Authorization\":\"Bearer REDACTED\",\"x\":1}"},
    /* session tokens and signatures: headers and query strings */
    {"X-Amz-Security-Token: IQoJb3JpZ2luX2VjEJr//////////wEaCXVz",
     "X-Amz-Security-Token: REDACTED"},
    {"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F2024"
     "&X-Amz-Security-Token=FQoGZXIvYXdzE%2B&X-Amz-Signature=abcdef0123&X-Amz-Expires=60",
     "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F2024"
     "&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Expires=60"},
    {"x-amz-security-token:abc def", "x-amz-security-token:REDACTED def"},
    /* OAuth2: JSON answers and form bodies */
    {"{\"access_token\": \"ya29.c.b0Aaek\", \"expires_in\": 3599, \"token_type\": \"Bearer\"}",
     "{\"access_token\": \"REDACTED\", \"expires_in\": 3599, \"token_type\": \"Bearer\"}"},
    {"{\"refresh_token\":\"1//0gabc\",\"id_token\":\"eyJhbGciOi.eyJzdWIi.c2ln\"}",
     "{\"refresh_token\":\"REDACTED\",\"id_token\":\"REDACTED\"}"},
    {"grant_type=refresh_token&refresh_token=1%2F%2F0gabc&client_id=123.apps&client_secret=GOCSPX-"
     "x",
     "grant_type=refresh_token&refresh_token=REDACTED&client_id=123.apps&client_secret=REDACTED"},
    {"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="
     "eyJhbGciOiJSUzI1NiJ9"
     ".eyJpc3MiOiJzYUBwLmlhbSJ9.c2lnbmF0dXJl",
     "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=REDACTED"},
    {"{\"client_secret\": \"d-FL95Q19q7MQmFpd7hHD0Ty\", \"type\": \"authorized_user\"}",
     "{\"client_secret\": \"REDACTED\", \"type\": \"authorized_user\"}"},
    /* a bare JWT anywhere */
    {"token eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln-_x end", "token REDACTED end"},
    /* service account keys: the JSON field and a raw PEM block */
    {"{\"private_key_id\": \"abc123\", \"private_key\": \"-----BEGIN PRIVATE "
     "KEY-----\\nMIIEvQIBADAN"
     "\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"sa@p.iam.gserviceaccount.com\"}",
     "{\"private_key_id\": \"abc123\", \"private_key\": \"REDACTED\", \"client_email\": "
     "\"sa@p.iam.gserviceaccount.com\"}"},
    {"key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE "
     "KEY-----\n",
     "key:\n-----BEGIN RSA PRIVATE KEY-----REDACTED-----END RSA PRIVATE KEY-----\n"},
    {"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
     "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"},
    /* AWS secret keys and session tokens: STS XML, IMDS JSON, credential files */
    {"<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG"
     "</SecretAccessKey><SessionToken>AQoDYXdzEJr</SessionToken><Expiration>2024-01-01T00:00:00Z"
     "</Expiration></Credentials>",
     "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>REDACTED"
     "</SecretAccessKey><SessionToken>REDACTED</SessionToken><Expiration>2024-01-01T00:00:00Z"
     "</Expiration></Credentials>"},
    {"{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAX\",\"SecretAccessKey\":\"abc/def\",\"Token\":"
     "\"IQo\\\"J\",\"Expiration\":\"2024\"}",
     "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAX\",\"SecretAccessKey\":\"REDACTED\",\"Token\":"
     "\"REDACTED\",\"Expiration\":\"2024\"}"},
    {"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\naws_session_token=AQoD\nregion = us-east-1",
     "aws_secret_access_key = REDACTED\naws_session_token=REDACTED\nregion = us-east-1"},
    /* nothing to redact: left exactly as it was */
    {"GET /bigquery/v2/projects/p/datasets?pageToken=abc&maxResults=10",
     "GET /bigquery/v2/projects/p/datasets?pageToken=abc&maxResults=10"},
    {"{\"nextPageToken\":\"CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA\",\"token_uri\":\"https://oauth2/"
     "token\"}",
     "{\"nextPageToken\":\"CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA\",\"token_uri\":\"https://oauth2/"
     "token\"}"},
    {"dynamodb ListExports: connection reset by 127.0.0.1:4566 after 3 attempts",
     "dynamodb ListExports: connection reset by 127.0.0.1:4566 after 3 attempts"},
    {"X-Amz-Security-Token=&x=1", "X-Amz-Security-Token=&x=1"},
    {"", ""},
    {"日本語のテーブル access_token=abc", "日本語のテーブル access_token=REDACTED"},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf out = BUF_INIT(65536);
        assert_int_equal(http_redact(&out, cases[i].in), 0);
        if (strcmp(buf_cstr(&out), cases[i].out) != 0)
            fail_msg("case %zu:\n  in:   %s\n  got:  %s\n  want: %s", i, cases[i].in,
                     buf_cstr(&out), cases[i].out);
        buf_release(&out);
    }
}

static void test_bounded_output(void **state)
{
    struct buf out = BUF_INIT(8);

    (void)state;
    assert_int_equal(http_redact(&out, "a long text that does not fit"), -1);
    assert_true(out.toobig);
    buf_release(&out);
}

/* Random text made of the pieces the parsers look for: no crash, no overrun (run under ASan),
 * and every "Authorization: Bearer tok" header line loses its token. */
static void test_random_pieces(void **state)
{
    static const char *pieces[] = {"access_token",
                                   "=",
                                   "\"",
                                   ":",
                                   "<",
                                   ">",
                                   "-----BEGIN ",
                                   "PRIVATE KEY-----",
                                   "-----END ",
                                   "eyJ",
                                   ".",
                                   "\\",
                                   "Token",
                                   " ",
                                   "\n",
                                   "{",
                                   "}",
                                   "&",
                                   "abc",
                                   "SecretAccessKey",
                                   "Code",
                                   "__type",
                                   "#",
                                   "error"};
    uint64_t rng = 12345;
    char text[512], code[64];

    (void)state;
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        int count = (int)(http_retry_rand(&rng) % 40);
        struct buf out = BUF_INIT(1 << 16);
        for (int i = 0; i < count; i++) {
            const char *p = pieces[http_retry_rand(&rng) % (sizeof(pieces) / sizeof(pieces[0]))];
            size_t l = strlen(p);
            if (n + l >= sizeof(text))
                break;
            memcpy(text + n, p, l);
            n += l;
        }
        text[n] = '\0';
        assert_int_equal(http_redact(&out, text), 0);
        http_retry_classify(400, NULL, text, n, code, sizeof(code));
        http_retry_classify(503, NULL, text, n / 2, code, sizeof(code));
        buf_release(&out);
    }
    {
        struct buf out = BUF_INIT(1 << 16);
        assert_int_equal(http_redact(&out, "x\nAuthorization: Bearer tok123\ny"), 0);
        assert_null(strstr(buf_cstr(&out), "tok123"));
        buf_release(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_bounded_output),
        cmocka_unit_test(test_random_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
