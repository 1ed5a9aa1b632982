/* tests/unit/test_sts.c: STS request bodies and response parsing without a network: the XML
 * in tests/data/aws/sts (element names checked against the botocore STS model) and every error
 * case of the Query protocol tests in ../shared/reference/aws-protocol-tests/output/query.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/sts.h"

static char shared_dir[4096];

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    data[n] = '\0';
    *len = (size_t)n;
    fclose(f);
    return data;
}

static json_t *load_ref(const char *rel)
{
    char p[4200];
    json_error_t jerr;
    json_t *j;

    snprintf(p, sizeof(p), "%s/reference/%s", shared_dir, rel);
    j = json_load_file(p, 0, &jerr);
    if (j == NULL)
        printf("cannot load %s: %s\n", p, jerr.text);
    assert_non_null(j);
    return j;
}

static void test_model_names(void **state)
{
    json_t *m = load_ref("aws-models/sts/service-2.json");
    json_t *ops = json_object_get(m, "operations"), *shapes = json_object_get(m, "shapes");
    const char *cred[] = {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"};
    const char *who[] = {"Account", "Arn", "UserId"};

    (void)state;
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(ops, "GetCallerIdentity"), "output"), "resultWrapper")),
        "GetCallerIdentityResult");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(ops, "AssumeRole"), "output"), "resultWrapper")),
        "AssumeRoleResult");
    for (size_t i = 0; i < 4; i++)
        assert_non_null(json_object_get(
            json_object_get(json_object_get(shapes, "Credentials"), "members"), cred[i]));
    for (size_t i = 0; i < 3; i++)
        assert_non_null(json_object_get(
            json_object_get(json_object_get(shapes, "GetCallerIdentityResponse"), "members"),
            who[i]));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(m, "metadata"), "apiVersion")),
        STS_API_VERSION);
    json_decref(m);
}

static void test_bodies(void **state)
{
    struct buf b = BUF_INIT(4096);
    struct err e = ERR_INIT;
    struct aws_role r = {0};
    char arn[] = "arn:aws:iam::123456789012:role/console", sess[] = "ops team", ext[] = "x+y";

    (void)state;
    assert_int_equal(sts_build_get_caller_identity(&b, &e), 0);
    assert_string_equal(buf_cstr(&b), "Action=GetCallerIdentity&Version=2011-06-15");
    buf_reset(&b);
    r.role_arn = arn;
    assert_int_equal(sts_build_assume_role(&b, &r, "pipetop-1", &e), 0);
    assert_string_equal(buf_cstr(&b),
                        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam"
                        "%3A%3A123456789012%3Arole%2Fconsole&RoleSessionName=pipetop-1");
    buf_reset(&b);
    r.session_name = sess;
    r.external_id = ext;
    r.duration_s = 1800;
    assert_int_equal(sts_build_assume_role(&b, &r, "pipetop-1", &e), 0);
    assert_non_null(strstr(buf_cstr(&b), "&RoleSessionName=ops%20team&ExternalId=x%2By"
                                         "&DurationSeconds=1800"));
    buf_release(&b);
}

static void test_caller_identity(void **state)
{
    struct sts_identity id;
    struct err e = ERR_INIT;
    size_t len;
    char *xml = slurp("tests/data/aws/sts/get-caller-identity.xml", &len);

    (void)state;
    assert_int_equal(sts_parse_caller_identity(&id, xml, len, &e), 0);
    assert_string_equal(id.account, "123456789012");
    assert_string_equal(id.arn, "arn:aws:sts::123456789012:assumed-role/console/ops");
    assert_string_equal(id.user_id, "AROA3XFRBF535PLBIFPI4:ops");
    /* truncated document */
    assert_int_equal(sts_parse_caller_identity(&id, xml, len / 2, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_non_null(strstr(e.msg, "not valid XML"));
    free(xml);

    e = (struct err)ERR_INIT;
    assert_int_equal(sts_parse_caller_identity(&id, "<a><b/></a>", 11, &e), -1);
    assert_string_equal(e.msg, "STS GetCallerIdentity: the response has no "
                               "GetCallerIdentityResult/Arn element");
}

static void test_assume_role(void **state)
{
    struct aws_creds c = AWS_CREDS_INIT;
    struct err e = ERR_INIT;
    size_t len;
    char *xml = slurp("tests/data/aws/sts/assume-role.xml", &len), *cut;

    (void)state;
    assert_int_equal(sts_parse_assume_role(&c, xml, len, "assume role X", &e), 0);
    assert_string_equal(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
    assert_string_equal(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    assert_string_equal(c.session_token, "IQoJb3JpZ2luX2VjEXAMPLETOKEN+/=");
    assert_true(c.expires_ms == 1573306481000LL);
    assert_string_equal(c.source, "assume role X");
    aws_creds_release(&c);

    /* no Expiration: an error that does not quote the secret */
    cut = strstr(xml, "<Expiration>");
    memcpy(cut, "<Expiratio_>", 12);
    memcpy(strstr(cut, "</Expiration>"), "</Expiratio_>", 13);
    assert_int_equal(sts_parse_assume_role(&c, xml, len, "x", &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_null(strstr(e.msg, "EXAMPLEKEY"));
    assert_null(c.secret_access_key);
    free(xml);
}

static void test_error_document(void **state)
{
    struct err e = ERR_INIT;
    size_t len;
    char code[128];
    char *xml = slurp("tests/data/aws/sts/error-invalid-client-token.xml", &len);

    (void)state;
    assert_int_equal(sts_parse_error(xml, len, 403, "GetCallerIdentity", code, &e), -1);
    assert_int_equal(e.code, ERR_AUTH);
    assert_int_equal(e.http_status, 403);
    assert_string_equal(code, "InvalidClientTokenId");
    assert_string_equal(e.msg, "STS GetCallerIdentity: HTTP 403 InvalidClientTokenId: The "
                               "security token included in the request is invalid. (request id "
                               "4b5a4f2e-0000-4000-8000-000000000000) - the access key ID is not "
                               "known to AWS; check which credentials are in use (pipetop doctor) "
                               "and that they are still active");
    free(xml);

    e = (struct err)ERR_INIT;
    assert_int_equal(sts_parse_error("<html>bad gateway</html>", 24, 502, "AssumeRole", code, &e),
                     -1);
    assert_int_equal(e.code, ERR_SERVICE);
    assert_string_equal(code, "");
    assert_string_equal(e.msg, "STS AssumeRole: HTTP 502 without an AWS error document");
    e = (struct err)ERR_INIT;
    assert_int_equal(sts_parse_error("", 0, 403, "AssumeRole", NULL, &e), -1);
    assert_int_equal(e.code, ERR_AUTH);
}

/* Every error case of the botocore Query protocol tests: code and message come through. */
static void test_protocol_error_cases(void **state)
{
    json_t *suite = load_ref("aws-protocol-tests/output/query.json"), *group, *c;
    size_t i, j, n = 0;

    (void)state;
    json_array_foreach(suite, i, group)
    {
        json_array_foreach(json_object_get(group, "cases"), j, c)
        {
            const char *want = json_string_value(json_object_get(c, "errorCode"));
            const char *msg = json_string_value(json_object_get(c, "errorMessage"));
            json_t *resp = json_object_get(c, "response");
            const char *body = json_string_value(json_object_get(resp, "body"));
            long status = (long)json_integer_value(json_object_get(resp, "status_code"));
            struct err e = ERR_INIT;
            char code[128];
            if (want == NULL)
                continue;
            assert_int_equal(sts_parse_error(body, strlen(body), status, "Op", code, &e), -1);
            assert_string_equal(code, want);
            assert_non_null(strstr(e.msg, want));
            if (msg)
                assert_non_null(strstr(e.msg, msg));
            assert_int_equal(e.http_status, status);
            n++;
        }
    }
    printf("query protocol error cases: %zu passed\n", n);
    assert_true(n >= 3);
    json_decref(suite);
}

/* Every prefix of every sample must be handled without a crash or leak (run under ASan). */
static void test_truncated_inputs(void **state)
{
    static const char *const files[] = {"tests/data/aws/sts/get-caller-identity.xml",
                                        "tests/data/aws/sts/assume-role.xml",
                                        "tests/data/aws/sts/error-invalid-client-token.xml"};
    (void)state;
    for (size_t f = 0; f < 3; f++) {
        size_t len;
        char *xml = slurp(files[f], &len);
        for (size_t n = 0; n < len; n++) {
            struct sts_identity id;
            struct aws_creds c = AWS_CREDS_INIT;
            struct err e = ERR_INIT;
            char *cut = malloc(n + 1);
            assert_non_null(cut);
            memcpy(cut, xml, n); /* exactly n bytes, no terminator within the length */
            (void)sts_parse_caller_identity(&id, cut, n, &e);
            e = (struct err)ERR_INIT;
            if (sts_parse_assume_role(&c, cut, n, "x", &e) == 0)
                aws_creds_release(&c);
            e = (struct err)ERR_INIT;
            assert_int_equal(sts_parse_error(cut, n, 400, "Op", NULL, &e), -1);
            assert_true(e.code == ERR_SERVICE || e.code == ERR_AUTH);
            free(cut);
        }
        free(xml);
    }
}

int main(void)
{
    const char *env = getenv("PIPETOP_SHARED");
    struct stat st;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_names),      cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_caller_identity),  cmocka_unit_test(test_assume_role),
        cmocka_unit_test(test_error_document),   cmocka_unit_test(test_protocol_error_cases),
        cmocka_unit_test(test_truncated_inputs),
    };
    snprintf(shared_dir, sizeof(shared_dir), "%s", env && *env ? env : "../shared");
    if (stat(shared_dir, &st) != 0) {
        fprintf(stderr, "test_sts: shared reference folder %s not found (set PIPETOP_SHARED)\n",
                shared_dir);
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
