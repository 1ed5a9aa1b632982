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
#include "tests/unit/fakecloud_proc.h"

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

/* Every truncation of a good key file fails cleanly (never crashes, never quotes the key), and
 * every truncation or byte change of a token answer is parsed or refused without a crash. */
static void test_truncations(void **state)
{
    static const char answer[] =
        "{\"access_token\":\"ya29.SECRETa\",\"expires_in\":\"3599\",\"token_type\":\"Bearer\"}";
    char path[] = "/tmp/test_gauth_truncXXXXXX", *text = NULL;
    int fd = mkstemp(path);
    FILE *f = fopen(DATA "sa_rfc7515.json", "rb");
    size_t len;

    (void)state;
    assert_true(fd >= 0 && f != NULL);
    text = malloc(8192);
    len = fread(text, 1, 8192, f);
    fclose(f);
    for (size_t n = 0; n < len - 2; n += 7) {
        struct gauth_cred c;
        struct err e = ERR_INIT;
        assert_int_equal(ftruncate(fd, 0), 0);
        assert_int_equal(pwrite(fd, text, n, 0), (ssize_t)n);
        assert_int_equal(gauth_cred_load_file(&c, path, &e), -1);
        assert_null(strstr(e.msg, "MII"));
    }
    for (size_t n = 0; n <= sizeof(answer) - 1; n++) {
        char copy[sizeof(answer)];
        struct gauth_token t = {0};
        struct err e = ERR_INIT;
        memcpy(copy, answer, sizeof(answer));
        if (gauth_token_parse(&t, answer, n, 0, "X", &e) == 0)
            gauth_token_release(&t);
        copy[n % (sizeof(answer) - 1)] ^= 0x5a;
        if (gauth_token_parse(&t, copy, sizeof(answer) - 1, 0, "X", &e) == 0)
            gauth_token_release(&t);
        assert_null(strstr(e.msg, "SECRET"));
    }
    free(text);
    close(fd);
    unlink(path);
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

/* --- against the fake cloud over real HTTP --- */

static struct fakecloud_proc fc;
/* One pipeline, so transferConfigs.list has a config (tests/scenarios/README.md). */
static char project_scenario[] =
    "{\"gcp\":{\"project\":\"p-gauth\",\"project_number\":\"4242\"},\"days\":2,"
    "\"dynamodb\":{\"tables\":[{\"name\":\"t\"}]},"
    "\"pipelines\":[{\"name\":\"t\",\"source\":{\"dynamodb\":\"t\"},\"query\":false}]}";

static int cloud_setup(void **state)
{
    (void)state;
    return fakecloud_start(&fc, project_scenario);
}

static int expiry_setup(void **state)
{
    static char shortlived[sizeof(project_scenario) + 32];
    char *brace = strstr(project_scenario, "\"project_number\"");

    (void)state;
    snprintf(shortlived, sizeof(shortlived), "%.*s\"token_ttl_s\":1,%s",
             (int)(brace - project_scenario), project_scenario, brace);
    return fakecloud_start(&fc, shortlived);
}

static int cloud_teardown(void **state)
{
    (void)state;
    return fakecloud_stop(&fc) == 0 ? 0 : -1;
}

static void env_only(const char *gac)
{
    unsetenv("GOOGLE_CLOUD_PROJECT");
    unsetenv("GCLOUD_PROJECT");
    unsetenv("GCE_METADATA_ROOT");
    setenv("HOME", "/nonexistent-home", 1);
    setenv("CLOUDSDK_CONFIG", "/nonexistent-gcloud", 1);
    setenv("GCE_METADATA_HOST", "127.0.0.1:1", 1);
    if (gac)
        setenv("GOOGLE_APPLICATION_CREDENTIALS", gac, 1);
    else
        unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
}

static void workdir_file(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", fc.workdir, name);
}

/* How many token requests the fake cloud has seen. */
static int token_calls(void)
{
    char *log = fakecloud_read_file(&fc, "calls.jsonl");
    int n = 0;

    for (const char *p = log; p && (p = strstr(p, "\"operation\":\"token\"")); p++)
        n++;
    free(log);
    return n;
}

/* GET transferConfigs with gauth_prepare; returns the HTTP status. */
static long dts_list(struct gauth *g, const struct clock *clk, struct err *e)
{
    struct http_options o = {0};
    struct http_client *hc = NULL;
    struct http_request req;
    struct http_response resp;
    char url[256];
    long status;

    o.clock = clk;
    o.max_attempts = 1;
    assert_int_equal(http_client_new(&hc, &o, e), 0);
    snprintf(url, sizeof(url), "%s/v1/projects/p-gauth/locations/us/transferConfigs", fc.url);
    assert_int_equal(http_request_init(&req, "dts", "transferConfigs.list", "GET", url, e), 0);
    req.prepare = g ? gauth_prepare : NULL;
    req.prepare_ctx = g;
    http_do(hc, &req, &resp, e);
    status = resp.status;
    if (status == 200)
        assert_non_null(
            strstr(buf_cstr(&resp.body), "projects/4242/locations/us/transferConfigs/"));
    if (status == 401) {
        assert_non_null(strstr(buf_cstr(&resp.body), "\"status\":\"UNAUTHENTICATED\""));
        assert_string_equal(http_headers_get(&resp.headers, "WWW-Authenticate"),
                            "Bearer realm=\"https://accounts.google.com/\"");
    }
    http_response_release(&resp);
    http_client_free(hc);
    return status;
}

static void test_cloud_service_account(void **state)
{
    struct gauth *g = NULL;
    struct err e = ERR_INIT;
    const char *t1, *t2;
    char sa[512], d[1400], expect[1400];
    char *copy;
    int before = token_calls();

    (void)state;
    workdir_file(sa, sizeof(sa), "service_account.json");
    env_only(sa);
    assert_int_equal(gauth_new_default(&g, NULL, &e), 0);
    snprintf(expect, sizeof(expect),
             "service account key %s (pipetop@p-gauth.iam.gserviceaccount.com)", sa);
    assert_string_equal(gauth_cred_describe(gauth_cred(g), d, sizeof(d)), expect);
    assert_string_equal(gauth_project(g), "p-gauth");
    assert_int_equal(dts_list(NULL, NULL, &e), 401); /* no token: Google's 401 */
    err_clear(&e);
    if (gauth_token(g, &t1, &e) != 0)
        fail_msg("%s", e.msg);
    assert_non_null(strstr(t1, "ya29.fake."));
    copy = strdup(t1);
    assert_int_equal(gauth_token(g, &t2, &e), 0); /* cached */
    assert_string_equal(copy, t2);
    assert_int_equal(dts_list(g, NULL, &e), 200);
    assert_int_equal(token_calls() - before, 1);
    free(copy);
    gauth_free(g);
}

/* The key file with another RSA key in private_key: Google's answer, and what to do. */
static void test_cloud_replaced_key(void **state)
{
    struct gauth_cred other;
    struct gauth *g = NULL;
    struct err e = ERR_INIT;
    char sa[512], replaced[512], expect[1200];
    json_t *doc, *rfc;
    const char *tok;

    (void)state;
    workdir_file(sa, sizeof(sa), "service_account.json");
    workdir_file(replaced, sizeof(replaced), "replaced_key.json");
    doc = json_load_file(sa, 0, NULL);
    rfc = json_load_file(DATA "sa_rfc7515.json", 0, NULL);
    assert_non_null(doc);
    assert_non_null(rfc);
    json_object_set(doc, "private_key", json_object_get(rfc, "private_key"));
    assert_int_equal(json_dump_file(doc, replaced, 0), 0);
    json_decref(doc);
    json_decref(rfc);
    assert_int_equal(gauth_cred_load_file(&other, replaced, &e), 0);
    assert_int_equal(gauth_new(&g, &other, NULL, &e), 0);
    assert_int_equal(gauth_token(g, &tok, &e), -1);
    assert_null(tok);
    snprintf(expect, sizeof(expect),
             "Google token endpoint refused the service-account key in %s: invalid_grant: Invalid "
             "JWT Signature. — is the key deleted or from another project?",
             replaced);
    assert_string_equal(e.msg, expect);
    assert_int_equal(e.code, ERR_AUTH);
    assert_int_equal(e.http_status, 400);
    assert_int_equal(dts_list(g, NULL, &e), 0); /* prepare refuses: no request is sent */
    gauth_free(g);
}

/* A token is renewed 5 minutes before expiry (fixed clock), and the renewed one works. */
static void test_cloud_renewal(void **state)
{
    struct gauth_options o = {0};
    struct clock clk;
    struct gauth *g = NULL;
    struct err e = ERR_INIT;
    int64_t now_ms = clock_now_ms(NULL) - 3400 * 1000LL;
    const char *t;
    char sa[512], *first;
    int before = token_calls();

    (void)state;
    workdir_file(sa, sizeof(sa), "service_account.json");
    env_only(sa);
    clock_fixed(&clk, &now_ms);
    o.clock = &clk;
    assert_int_equal(gauth_new_default(&g, &o, &e), 0);
    /* assertion from 56 minutes ago: still inside its hour, so Google accepts it */
    assert_int_equal(gauth_token(g, &t, &e), 0);
    first = strdup(t);
    now_ms += 3299 * 1000LL - 1; /* expires_in 3599 s: 1 ms before the 5-minute margin */
    assert_int_equal(gauth_token(g, &t, &e), 0);
    assert_string_equal(first, t);
    assert_int_equal(token_calls() - before, 1);
    now_ms += 1;
    assert_int_equal(dts_list(g, &clk, &e), 200); /* prepare renews */
    assert_int_equal(token_calls() - before, 2);
    assert_int_equal(gauth_token(g, &t, &e), 0);
    assert_string_not_equal(first, t);
    free(first);
    gauth_free(g);
}

static void test_cloud_authorized_user(void **state)
{
    struct gauth *g = NULL;
    struct gauth_cred c;
    struct err e = ERR_INIT;
    struct http_request req;
    char au[512], revoked[512], expect[1200];
    json_t *doc;
    const char *t;

    (void)state;
    workdir_file(au, sizeof(au), "authorized_user.json");
    env_only(au);
    assert_int_equal(gauth_new_default(&g, NULL, &e), 0);
    assert_int_equal(gauth_token(g, &t, &e), 0);
    assert_int_equal(http_request_init(&req, "dts", "x", "GET", "http://127.0.0.1:1/", &e), 0);
    assert_int_equal(gauth_prepare(g, &req, clock_now_ms(NULL), &e), 0);
    assert_non_null(strstr(http_headers_get(&req.headers, "Authorization"), "Bearer ya29.fake."));
    assert_string_equal(http_headers_get(&req.headers, "x-goog-user-project"), "p-gauth");
    http_request_release(&req);
    assert_int_equal(dts_list(g, NULL, &e), 200);
    gauth_free(g);

    workdir_file(revoked, sizeof(revoked), "revoked_user.json");
    doc = json_load_file(au, 0, NULL);
    json_object_set_new(doc, "refresh_token", json_string("1//0gREVOKED"));
    assert_int_equal(json_dump_file(doc, revoked, 0), 0);
    json_decref(doc);
    assert_int_equal(gauth_cred_load_file(&c, revoked, &e), 0);
    assert_int_equal(gauth_new(&g, &c, NULL, &e), 0);
    assert_int_equal(gauth_token(g, &t, &e), -1);
    snprintf(expect, sizeof(expect),
             "Google token endpoint refused the refresh token in %s: invalid_grant: Token has "
             "been expired or revoked. — run `gcloud auth application-default login` again",
             revoked);
    assert_string_equal(e.msg, expect);
    assert_null(strstr(e.msg, "REVOKED"));
    gauth_free(g);
}

static void test_cloud_metadata(void **state)
{
    struct gauth *g = NULL;
    struct err e = ERR_INIT;
    char host[64], d[256], expect[256];
    const char *t;

    (void)state;
    env_only(NULL);
    snprintf(host, sizeof(host), "127.0.0.1:%d", fc.port);
    setenv("GCE_METADATA_HOST", host, 1);
    assert_int_equal(gauth_new_default(&g, NULL, &e), 0);
    snprintf(expect, sizeof(expect), "metadata server %s", host);
    assert_string_equal(gauth_cred_describe(gauth_cred(g), d, sizeof(d)), expect);
    assert_null(gauth_project(g)); /* known once the metadata server was asked */
    if (gauth_token(g, &t, &e) != 0)
        fail_msg("%s", e.msg);
    assert_string_equal(gauth_project(g), "p-gauth");
    assert_int_equal(dts_list(g, NULL, &e), 200);
    gauth_free(g);

    setenv("GCE_METADATA_HOST", "127.0.0.1:1", 1); /* nothing listens there */
    err_clear(&e);
    assert_int_equal(gauth_new_default(&g, NULL, &e), 0);
    assert_int_equal(gauth_token(g, &t, &e), -1);
    assert_non_null(strstr(e.msg, "no Google credentials found"));
    assert_non_null(strstr(e.msg, "metadata server 127.0.0.1:1"));
    gauth_free(g);
}

/* The server expires tokens (scenario token_ttl_s 1): an expired token gets Google's 401, and
 * gauth_prepare fetches a new one (a 1-second token is never fresh for the 5-minute margin). */
static void test_cloud_expired_token(void **state)
{
    struct gauth *g = NULL;
    struct err e = ERR_INIT;
    struct http_options o = {0};
    struct http_client *hc = NULL;
    struct http_request req;
    struct http_response resp;
    char sa[512], auth[256], url[256];
    const char *t;

    (void)state;
    workdir_file(sa, sizeof(sa), "service_account.json");
    env_only(sa);
    assert_int_equal(gauth_new_default(&g, NULL, &e), 0);
    assert_int_equal(gauth_token(g, &t, &e), 0);
    snprintf(auth, sizeof(auth), "Bearer %s", t);
    usleep(1200 * 1000);
    o.max_attempts = 1;
    assert_int_equal(http_client_new(&hc, &o, &e), 0);
    snprintf(url, sizeof(url), "%s/v1/projects/p-gauth/locations/us/transferConfigs", fc.url);
    assert_int_equal(http_request_init(&req, "dts", "transferConfigs.list", "GET", url, &e), 0);
    assert_int_equal(http_headers_set(&req.headers, "Authorization", auth, &e), 0);
    assert_int_equal(http_do(hc, &req, &resp, &e), -1);
    assert_int_equal(resp.status, 401);
    http_response_release(&resp);
    http_client_free(hc);
    err_clear(&e);
    assert_int_equal(dts_list(g, NULL, &e), 200);
    gauth_free(g);
}

/* POSTs a jwt-bearer grant with the given claims signed by the fake's own key; returns the
 * HTTP status and the answer's error_description (or access_token) in out. */
static long post_assertion(const struct jwt_claims *cl, const char *kid, char *out, size_t n)
{
    struct gauth_cred c;
    struct err e = ERR_INIT;
    struct http_options o = {0};
    struct http_client *hc = NULL;
    struct http_request req;
    struct http_response resp;
    struct buf body = BUF_INIT(16384);
    char sa[512], url[128], *jwt = NULL;
    json_t *ans;
    long status;

    workdir_file(sa, sizeof(sa), "service_account.json");
    assert_int_equal(gauth_cred_load_file(&c, sa, &e), 0);
    assert_int_equal(jwt_google_assertion(&jwt, c.key, kid, cl, &e), 0);
    buf_puts(&body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
    buf_puts(&body, jwt);
    o.max_attempts = 1;
    assert_int_equal(http_client_new(&hc, &o, &e), 0);
    snprintf(url, sizeof(url), "%s/token", fc.url);
    assert_int_equal(http_request_init(&req, "oauth2", "token", "POST", url, &e), 0);
    assert_int_equal(http_request_set_body(&req, body.data, body.len, &e), 0);
    http_do(hc, &req, &resp, &e);
    status = resp.status;
    ans = json_loads(buf_cstr(&resp.body), 0, NULL);
    snprintf(out, n, "%s",
             json_string_value(
                 json_object_get(ans, status == 200 ? "token_type" : "error_description")));
    json_decref(ans);
    http_response_release(&resp);
    http_client_free(hc);
    buf_release(&body);
    free(jwt);
    gauth_cred_release(&c);
    return status;
}

/* The fake token endpoint is as strict as Google: every claim rule has its own answer. */
static void test_cloud_token_endpoint_strict(void **state)
{
    int64_t now = clock_now_ms(NULL) / 1000;
    char aud[128], out[300];
    struct jwt_claims ok = {
        "pipetop@p-gauth.iam.gserviceaccount.com", "s", aud, NULL, now, now + 3600};
    struct jwt_claims c;

    (void)state;
    snprintf(aud, sizeof(aud), "%s/token", fc.url);
    assert_int_equal(post_assertion(&ok, NULL, out, sizeof(out)), 200);
    assert_string_equal(out, "Bearer");
    c = ok;
    c.exp = now + 3601;
    assert_int_equal(post_assertion(&c, NULL, out, sizeof(out)), 400);
    assert_non_null(strstr(out, "Token must be a short-lived token (60 minutes)"));
    c = ok;
    c.iat = now + 600;
    c.exp = now + 1200;
    assert_int_equal(post_assertion(&c, NULL, out, sizeof(out)), 400);
    assert_non_null(strstr(out, "short-lived"));
    c = ok;
    c.aud = GAUTH_GOOGLE_TOKEN_URI;
    assert_int_equal(post_assertion(&c, NULL, out, sizeof(out)), 400);
    assert_string_equal(out, "Invalid JWT: Failed audience check.");
    c = ok;
    c.iss = "someone@else.iam.gserviceaccount.com";
    assert_int_equal(post_assertion(&c, NULL, out, sizeof(out)), 400);
    assert_string_equal(out, "Invalid grant: account not found");
    c = ok;
    c.scope = "";
    assert_int_equal(post_assertion(&c, NULL, out, sizeof(out)), 400);
    assert_string_equal(out, "Empty or missing scope not allowed.");
    assert_int_equal(
        post_assertion(&ok, "0000000000000000000000000000000000000000", out, sizeof(out)), 400);
    assert_string_equal(out, "Invalid JWT Signature.");
}

/* Plain http:// to the link-local metadata service only when a request asks for it. */
static void test_link_local_flag(void **state)
{
    static const struct {
        const char *url;
        int flag;
        int refused;
    } cases[] = {
        {"http://169.254.169.254/computeMetadata/v1/", 0, 1},
        {"http://metadata.google.internal/computeMetadata/v1/", 0, 1},
        {"http://10.1.2.3/computeMetadata/v1/", 1, 1},
        {"http://169.254.169.253/computeMetadata/v1/", 1, 1},
        {"http://169.254.169.254/computeMetadata/v1/", 1, 0},
    };
    struct http_options o = {0};
    struct http_client *hc = NULL;
    struct err e = ERR_INIT;

    (void)state;
    o.connect_timeout_ms = 200;
    o.timeout_ms = 300;
    o.max_attempts = 1;
    assert_int_equal(http_client_new(&hc, &o, &e), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_request req;
        struct http_response resp;
        struct err ce = ERR_INIT;
        assert_int_equal(http_request_init(&req, "metadata", "token", "GET", cases[i].url, &ce), 0);
        req.allow_insecure_link_local = cases[i].flag;
        assert_int_equal(http_do(hc, &req, &resp, &ce), -1); /* no metadata server here */
        if ((ce.code == ERR_USAGE) != cases[i].refused)
            fail_msg("%s flag=%d: [%d] %s", cases[i].url, cases[i].flag, ce.code, ce.msg);
        http_response_release(&resp);
    }
    http_client_free(hc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_service_account),
        cmocka_unit_test(test_sample_authorized_user),
        cmocka_unit_test(test_mode_warning),
        cmocka_unit_test(test_broken_files),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_discovery_order),
        cmocka_unit_test(test_assertion_vector),
        cmocka_unit_test(test_assertion_local_audience),
        cmocka_unit_test(test_token_parse),
        cmocka_unit_test(test_token_errors),
    };
    const struct CMUnitTest cloud[] = {
        cmocka_unit_test(test_cloud_service_account),
        cmocka_unit_test(test_cloud_replaced_key),
        cmocka_unit_test(test_cloud_renewal),
        cmocka_unit_test(test_cloud_authorized_user),
        cmocka_unit_test(test_cloud_metadata),
        cmocka_unit_test(test_link_local_flag),
        cmocka_unit_test(test_cloud_token_endpoint_strict),
    };
    const struct CMUnitTest expiry[] = {cmocka_unit_test(test_cloud_expired_token)};
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    failed += cmocka_run_group_tests(cloud, cloud_setup, cloud_teardown);
    return failed + cmocka_run_group_tests(expiry, expiry_setup, cloud_teardown);
}
