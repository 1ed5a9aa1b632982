/* tests/unit/test_gauth.c: Google credential files (samples from ../shared/reference and broken
 * ones in tests/data/gauth), ADC discovery order, the jwt-bearer assertion with a fixed clock
 * against the derived vector, token answers and error messages, renewal timing. No network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/gauth.h"

#define DATA "tests/data/gauth/"

static char samples[1024];
static json_t *vectors;

static int setup(void **state)
{
    const char *shared = getenv("PIPETOP_SHARED");
    char path[1200];

    (void)state;
    snprintf(samples, sizeof(samples), "%s/reference/samples/google-credentials",
             shared ? shared : "../shared");
    snprintf(path, sizeof(path), "%s/reference/vectors.json", shared ? shared : "../shared");
    vectors = json_load_file(path, 0, NULL);
    if (!vectors)
        fprintf(stderr, "cannot load %s\n", path);
    return vectors ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(vectors);
    return 0;
}

static void test_sample_service_account(void **state)
{
    struct gauth_cred c;
    struct err e = ERR_INIT;
    char path[1200], d[1400], expect[1400];

    (void)state;
    snprintf(path, sizeof(path), "%s/service_account.json", samples);
    assert_int_equal(gauth_cred_load_file(&c, path, &e), 0);
    assert_int_equal(c.kind, GAUTH_SERVICE_ACCOUNT);
    assert_string_equal(c.client_email, "service-account@example.com");
    assert_string_equal(c.project_id, "example-project");
    assert_string_equal(c.private_key_id, "1");
    assert_non_null(c.key); /* PKCS#1 "BEGIN RSA PRIVATE KEY" loads too */
    assert_string_equal(c.token_uri, "https://accounts.google.com/o/oauth2/token");
    /* old Google token_uri: google-auth still signs for oauth2.googleapis.com */
    assert_string_equal(gauth_cred_audience(&c), GAUTH_GOOGLE_TOKEN_URI);
    snprintf(expect, sizeof(expect), "service account key %s (service-account@example.com)", path);
    assert_string_equal(gauth_cred_describe(&c, d, sizeof(d)), expect);
    gauth_cred_release(&c);
}

static void test_sample_authorized_user(void **state)
{
    static const char *files[] = {"authorized_user.json", "authorized_user_cloud_sdk.json"};
    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct gauth_cred c;
        struct err e = ERR_INIT;
        char path[1200], d[1400], expect[1400];
        snprintf(path, sizeof(path), "%s/%s", samples, files[i]);
        assert_int_equal(gauth_cred_load_file(&c, path, &e), 0);
        assert_int_equal(c.kind, GAUTH_AUTHORIZED_USER);
        assert_string_equal(c.client_secret, "secret");
        assert_string_equal(c.refresh_token, "alabalaportocala");
        assert_null(c.quota_project_id);
        assert_string_equal(c.token_uri, GAUTH_GOOGLE_TOKEN_URI);
        snprintf(expect, sizeof(expect), "authorized_user %s", path);
        assert_string_equal(gauth_cred_describe(&c, d, sizeof(d)), expect);
        gauth_cred_release(&c);
    }
}

struct broken {
    const char *file;
    enum err_code code;
    const char *needle;
};

static void test_mode_warning(void **state)
{
    struct gauth_cred c;
    struct err e = ERR_INIT;
    char w[1024], path[] = "/tmp/test_gauth_modeXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

    (void)state;
    assert_non_null(f);
    fputs("{\"type\":\"authorized_user\",\"client_id\":\"a\",\"client_secret\":\"b\","
          "\"refresh_token\":\"c\"}",
          f);
    fclose(f);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(gauth_cred_load_file(&c, path, &e), 0);
    assert_null(gauth_cred_warning(&c, w, sizeof(w)));
    gauth_cred_release(&c);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(gauth_cred_load_file(&c, path, &e), 0);
    assert_non_null(gauth_cred_warning(&c, w, sizeof(w)));
    assert_non_null(strstr(w, "is readable by others (mode 0644); run `chmod 600 /tmp/test_gauth"));
    gauth_cred_release(&c);
    unlink(path);
}

static void test_broken_files(void **state)
{
    static const struct broken cases[] = {
        {"not_json.json", ERR_CONFIG, "is not valid JSON (line 1"},
        {"array.json", ERR_CONFIG, "is not a JSON object"},
        {"no_type.json", ERR_CONFIG, "has no \"type\""},
        {"external_account.json", ERR_CONFIG, "type \"external_account\", which pipetop does not"},
        {"sa_missing_private_key.json", ERR_CONFIG, "has no \"private_key\""},
        {"sa_bad_pem.json", ERR_CONFIG, "the private_key in " DATA "sa_bad_pem.json is not a"},
        {"sa_email_not_string.json", ERR_CONFIG, "\"client_email\" is not a non-empty string"},
        {"sa_truncated.json", ERR_CONFIG, "is not valid JSON"},
        {"au_missing_refresh_token.json", ERR_CONFIG, "has no \"refresh_token\""},
        {"does_not_exist.json", ERR_IO, "cannot read Google credentials file"},
        {"gcloud", ERR_IO, "cannot read Google credentials file " DATA "gcloud"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct gauth_cred c;
        struct err e = ERR_INIT;
        char path[256];
        snprintf(path, sizeof(path), DATA "%s", cases[i].file);
        assert_int_equal(gauth_cred_load_file(&c, path, &e), -1);
        if (e.code != cases[i].code || !strstr(e.msg, cases[i].needle))
            fail_msg("%s: got [%d] %s", cases[i].file, e.code, e.msg);
        assert_non_null(strstr(e.msg, DATA));
        assert_null(strstr(e.msg, "SECRET"));
        assert_null(c.file);
        assert_null(c.key);
    }
}

static void test_discovery_order(void **state)
{
    struct gauth_cred c;
    struct err e = ERR_INIT;
    char d[1400];

    (void)state;
    setenv("HOME", "/nonexistent-home", 1);
    unsetenv("CLOUDSDK_CONFIG");
    unsetenv("GCE_METADATA_ROOT");
    setenv("GOOGLE_APPLICATION_CREDENTIALS", DATA "sa_rfc7515.json", 1);
    setenv("GCE_METADATA_HOST", "127.0.0.1:9", 1);
    assert_int_equal(gauth_cred_discover(&c, &e), 0);
    assert_int_equal(c.kind, GAUTH_SERVICE_ACCOUNT);
    assert_false(c.from_gcloud);
    gauth_cred_release(&c);

    setenv("GOOGLE_APPLICATION_CREDENTIALS", DATA "does_not_exist.json", 1);
    setenv("CLOUDSDK_CONFIG", DATA "gcloud", 1);
    assert_int_equal(gauth_cred_discover(&c, &e), -1); /* set but broken: no fallback */
    assert_non_null(strstr(e.msg, "GOOGLE_APPLICATION_CREDENTIALS: cannot read"));

    unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
    err_clear(&e);
    assert_int_equal(gauth_cred_discover(&c, &e), 0);
    assert_int_equal(c.kind, GAUTH_AUTHORIZED_USER);
    assert_true(c.from_gcloud);
    assert_string_equal(c.quota_project_id, "quota-proj");
    assert_string_equal(gauth_cred_describe(&c, d, sizeof(d)),
                        "gcloud ADC " DATA "gcloud/application_default_credentials.json");
    gauth_cred_release(&c);

    setenv("CLOUDSDK_CONFIG", DATA "gcloud-broken", 1);
    assert_int_equal(gauth_cred_discover(&c, &e), -1);
    assert_non_null(strstr(e.msg, "gcloud-broken/application_default_credentials.json is not"));

    setenv("CLOUDSDK_CONFIG", DATA "no-such-dir", 1);
    err_clear(&e);
    assert_int_equal(gauth_cred_discover(&c, &e), 0);
    assert_int_equal(c.kind, GAUTH_METADATA);
    assert_string_equal(gauth_cred_describe(&c, d, sizeof(d)), "metadata server 127.0.0.1:9");
    gauth_cred_release(&c);

    unsetenv("GCE_METADATA_HOST");
    assert_int_equal(gauth_cred_discover(&c, &e), 0);
    assert_string_equal(c.metadata_host, "metadata.google.internal");
    gauth_cred_release(&c);
    unsetenv("CLOUDSDK_CONFIG");
}

static void test_assertion_vector(void **state)
{
    json_t *v = json_object_get(vectors, "google_jwt_bearer_assertion_derived");
    struct gauth_cred c;
    struct err e = ERR_INIT;
    char *a = NULL;

    (void)state;
    assert_int_equal(gauth_cred_load_file(&c, DATA "sa_rfc7515.json", &e), 0);
    assert_int_equal(gauth_assertion(&a, &c,
                                     "https://www.googleapis.com/auth/bigquery "
                                     "https://www.googleapis.com/auth/cloud-platform",
                                     1440938160999LL, &e),
                     0);
    assert_string_equal(a, json_string_value(json_object_get(v, "assertion")));
    free(a);
    gauth_cred_release(&c);
}

static void test_assertion_local_audience(void **state)
{
    struct gauth_cred c;
    struct err e = ERR_INIT;
    char *a = NULL, *claims = NULL;
    json_t *cl;

    (void)state;
    assert_int_equal(gauth_cred_load_file(&c, DATA "sa_local_token_uri.json", &e), 0);
    assert_string_equal(gauth_cred_audience(&c), "http://127.0.0.1:8123/token");
    assert_int_equal(gauth_assertion(&a, &c, "s1 s2", 1700000000000LL, &e), 0);
    assert_int_equal(jwt_verify_rs256(a, c.key, &claims, &e), 0);
    cl = json_loads(claims, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(cl, "aud")),
                        "http://127.0.0.1:8123/token");
    assert_string_equal(json_string_value(json_object_get(cl, "scope")), "s1 s2");
    assert_int_equal(json_integer_value(json_object_get(cl, "iat")), 1700000000);
    assert_int_equal(json_integer_value(json_object_get(cl, "exp")), 1700003600);
    json_decref(cl);
    free(claims);
    free(a);
    gauth_cred_release(&c);
}

static void test_token_parse(void **state)
{
    static const char *good[] = {
        "{\"access_token\":\"ya29.a\",\"expires_in\":3599,\"token_type\":\"Bearer\"}",
        "{\"access_token\":\"ya29.a\",\"expires_in\":\"3599\",\"token_type\":\"Bearer\"}",
        "{\"access_token\":\"ya29.a\",\"expires_in\":3599.0,\"scope\":\"x\",\"id_token\":\"i\"}",
    };
    static const char *bad[] = {"",
                                "<html>",
                                "[]",
                                "{\"expires_in\":3599}",
                                "{\"access_token\":\"\",\"expires_in\":1}",
                                "{\"access_token\":\"ya29.SECRET\",\"expires_in\":\"soon\"}",
                                "{\"access_token\":\"ya29.SECRET\",\"expires_in\":-5}",
                                "{\"access_token\":\"ya29.SECRET\",\"token_type\":\"MAC\"}"};
    struct gauth_token t = {0};
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        struct err e = ERR_INIT;
        assert_int_equal(gauth_token_parse(&t, good[i], strlen(good[i]), 1000000, "X", &e), 0);
        assert_string_equal(t.access_token, "ya29.a");
        assert_true(t.expires_at_ms == 1000000 + 3599000LL);
        /* fresh until 5 minutes before expiry, then renewed */
        assert_true(gauth_token_fresh(&t, 1000000));
        assert_true(gauth_token_fresh(&t, t.expires_at_ms - GAUTH_REFRESH_MARGIN_MS - 1));
        assert_false(gauth_token_fresh(&t, t.expires_at_ms - GAUTH_REFRESH_MARGIN_MS));
        assert_false(gauth_token_fresh(&t, t.expires_at_ms + 1));
        gauth_token_release(&t);
        assert_false(gauth_token_fresh(&t, 0));
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct err e = ERR_INIT;
        assert_int_equal(gauth_token_parse(&t, bad[i], strlen(bad[i]), 0, "the endpoint", &e), -1);
        assert_null(t.access_token);
        assert_non_null(strstr(e.msg, "the endpoint"));
        assert_null(strstr(e.msg, "SECRET"));
    }
}

static void expect_error(const struct gauth_cred *c, long status, const char *body,
                         enum err_code code, const char *msg)
{
    struct err e = ERR_INIT;
    assert_int_equal(gauth_token_error(&e, c, status, body, strlen(body)), -1);
    if (e.code != code || !strstr(e.msg, msg))
        fail_msg("HTTP %ld %s: got [%d] %s", status, body, e.code, e.msg);
    assert_int_equal(e.http_status, status);
}

static void test_token_errors(void **state)
{
    struct gauth_cred sa, au, md = {0};
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(gauth_cred_load_file(&sa, DATA "sa_rfc7515.json", &e), 0);
    assert_int_equal(
        gauth_cred_load_file(&au, DATA "gcloud/application_default_credentials.json", &e), 0);
    md.kind = GAUTH_METADATA;
    md.metadata_host = (char *)"169.254.169.254";
    expect_error(&sa, 400,
                 "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}",
                 ERR_AUTH,
                 "Google token endpoint refused the service-account key in " DATA
                 "sa_rfc7515.json: invalid_grant: Invalid JWT Signature. — is the key deleted or "
                 "from another project?");
    expect_error(&sa, 400,
                 "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT: Token must "
                 "be a short-lived token (60 minutes) and in a reasonable timeframe.\"}",
                 ERR_AUTH, "check this machine's clock");
    expect_error(&au, 400,
                 "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or "
                 "revoked.\"}",
                 ERR_AUTH,
                 "refused the refresh token in " DATA "gcloud/application_default_credentials"
                 ".json: invalid_grant: Token has been expired or revoked. — run `gcloud auth "
                 "application-default login` again");
    expect_error(&sa, 401, "{\"error\":\"invalid_client\",\"error_description\":\"x\"}", ERR_AUTH,
                 "invalid_client: x — is the service account deleted or disabled");
    expect_error(&au, 401, "{\"error\":\"invalid_client\"}", ERR_AUTH,
                 "invalid_client — client_id/client_secret are wrong");
    expect_error(&sa, 400, "{\"error\":\"unauthorized_client\"}", ERR_AUTH,
                 "unauthorized_client — this client may not use this grant");
    expect_error(&sa, 400, "{\"error\":\"invalid_scope\"}", ERR_AUTH,
                 "invalid_scope — the requested OAuth scopes are not allowed");
    expect_error(&sa, 503, "<html>busy</html>", ERR_SERVICE,
                 "Google token endpoint https://oauth2.googleapis.com/token is unavailable (HTTP "
                 "503); try again later");
    expect_error(&sa, 400, "{\"error\":\"temporarily_unavailable\"}", ERR_SERVICE,
                 "unavailable (HTTP 400: temporarily_unavailable)");
    expect_error(&sa, 404, "Not Found", ERR_AUTH, "answered HTTP 404 without an OAuth error");
    expect_error(&md, 404, "not found", ERR_AUTH,
                 "metadata server 169.254.169.254 refused the token request (HTTP 404) — is a "
                 "service account attached");
    gauth_cred_release(&sa);
    gauth_cred_release(&au);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_service_account),
        cmocka_unit_test(test_sample_authorized_user),
        cmocka_unit_test(test_mode_warning),
        cmocka_unit_test(test_broken_files),
        cmocka_unit_test(test_discovery_order),
        cmocka_unit_test(test_assertion_vector),
        cmocka_unit_test(test_assertion_local_audience),
        cmocka_unit_test(test_token_parse),
        cmocka_unit_test(test_token_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
