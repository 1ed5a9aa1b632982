/* tests/unit/test_aws_fetch.c: the network half of the AWS chain end to end through core/http:
 * IMDSv2, STS GetCallerIdentity and AssumeRole (with refresh before expiry) against a loopback
 * server in this file that checks each SigV4 signature by re-signing what it received, and
 * answers the way IMDS and STS do (including STS's error XML). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/aws_config.h"
#include "core/aws_creds.h"
#include "core/http.h"
#include "core/sigv4.h"
#include "core/sts.h"

struct server {
    struct MHD_Daemon *d;
    int port;
    pthread_mutex_t lock;
    int sts_calls, imds_calls;
    char expiration[32]; /* AssumeRole and IMDS Expiration */
    char last_action[64];
    char last_auth_key[64];
};

static struct server srv;

struct key {
    const char *id, *secret, *arn;
};

static const struct key keys[] = {
    {"AKIDDEFAULT", "secretdefault", "arn:aws:iam::123456789012:user/default"},
    {"ASIAIMDS", "imdssecret", "arn:aws:sts::123456789012:assumed-role/web-role/i-0abc"},
    {"ASIAASSUMED", "assumedsecret", "arn:aws:sts::123456789012:assumed-role/console/ops"},
};

static int answer(struct MHD_Connection *c, unsigned status, const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    int rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static int sts_error(struct MHD_Connection *c, unsigned status, const char *code, const char *msg)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>"
             "Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-1</RequestId>"
             "</ErrorResponse>",
             code, msg);
    return answer(c, status, body);
}

/* Re-signs the request as received; NULL when the signature is right, else the error code. */
static const char *check_sigv4(struct MHD_Connection *c, const char *method, const char *url,
                               const char *body, size_t len, const struct key **who)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *date = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Date");
    char ak[64], scope_date[16], region[32], service[32], signed_h[512], sig[65], *save, *name;
    struct http_headers h = {{0}, {0}, 0};
    struct sigv4_input in = {0};
    struct sigv4_result out;
    struct err e = ERR_INIT;
    struct tm tm = {0};
    const char *bad = NULL;

    if (!auth || !date ||
        sscanf(auth,
               "AWS4-HMAC-SHA256 Credential=%63[^/]/%15[^/]/%31[^/]/%31[^/]/aws4_request, "
               "SignedHeaders=%511[^,], Signature=%64s",
               ak, scope_date, region, service, signed_h, sig) != 6)
        return "IncompleteSignature";
    *who = NULL;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(keys[i].id, ak) == 0)
            *who = &keys[i];
    if (*who == NULL)
        return "InvalidClientTokenId";
    if (strptime(date, "%Y%m%dT%H%M%SZ", &tm) == NULL)
        return "IncompleteSignature";
    for (name = strtok_r(signed_h, ";", &save); name; name = strtok_r(NULL, ";", &save)) {
        const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
        if (strcmp(name, "x-amz-date") == 0 || v == NULL)
            continue;
        h.name[h.n] = name;
        h.value[h.n++] = (char *)v;
    }
    in.method = method;
    in.path = url;
    in.query = "";
    in.headers = &h;
    in.body = body;
    in.body_len = len;
    in.access_key_id = ak;
    in.secret_access_key = (*who)->secret;
    in.session_token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Security-Token");
    in.region = region;
    in.service = service;
    in.time_ms = (int64_t)timegm(&tm) * 1000;
    in.flags = SIGV4_FLAGS_DEFAULT;
    if (sigv4_sign(&out, &in, &e) != 0 || strcmp(out.signature, sig) != 0)
        bad = "SignatureDoesNotMatch";
    sigv4_result_release(&out);
    if (!bad && strcmp((*who)->id, "AKIDDEFAULT") != 0 && in.session_token == NULL)
        bad = "InvalidClientTokenId"; /* temporary keys need their token */
    return bad;
}

static int on_sts(struct MHD_Connection *c, const char *url, const char *body, size_t len)
{
    const struct key *who = NULL;
    const char *bad = check_sigv4(c, "POST", url, body, len, &who);
    char xml[2048];

    pthread_mutex_lock(&srv.lock);
    srv.sts_calls++;
    snprintf(srv.last_auth_key, sizeof(srv.last_auth_key), "%s", who ? who->id : "");
    snprintf(srv.last_action, sizeof(srv.last_action), "%.*s", (int)strcspn(body, "&"), body);
    pthread_mutex_unlock(&srv.lock);
    if (bad)
        return sts_error(c, 403, bad,
                         strcmp(bad, "SignatureDoesNotMatch") == 0
                             ? "The request signature we calculated does not match the "
                               "signature you provided."
                             : "The security token included in the request is invalid.");
    if (strncmp(body, "Action=GetCallerIdentity&", 25) == 0) {
        snprintf(xml, sizeof(xml),
                 "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                 "<GetCallerIdentityResult><Arn>%s</Arn><UserId>U1</UserId><Account>123456789012"
                 "</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
                 who->arn);
        return answer(c, 200, xml);
    }
    if (strncmp(body, "Action=AssumeRole&", 18) == 0 &&
        strstr(body, "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fconsole")) {
        snprintf(xml, sizeof(xml),
                 "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                 "<AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMED</AccessKeyId>"
                 "<SecretAccessKey>assumedsecret</SecretAccessKey><SessionToken>assumedtoken"
                 "</SessionToken><Expiration>%s</Expiration></Credentials></AssumeRoleResult>"
                 "</AssumeRoleResponse>",
                 srv.expiration);
        return answer(c, 200, xml);
    }
    return sts_error(c, 403, "AccessDenied", "not authorized to perform sts:AssumeRole");
}

static int on_imds(struct MHD_Connection *c, const char *method, const char *url)
{
    const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-aws-ec2-metadata-token");
    char json[1024];

    pthread_mutex_lock(&srv.lock);
    srv.imds_calls++;
    pthread_mutex_unlock(&srv.lock);
    if (strcmp(url, "/latest/api/token") == 0) {
        if (strcmp(method, "PUT") != 0 ||
            !MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                         "X-aws-ec2-metadata-token-ttl-seconds"))
            return answer(c, 400, "");
        return answer(c, 200, "IMDSTOKEN");
    }
    if (tok == NULL || strcmp(tok, "IMDSTOKEN") != 0)
        return answer(c, 401, "");
    if (strcmp(url, "/latest/meta-data/iam/security-credentials/") == 0)
        return answer(c, 200, "web-role");
    if (strcmp(url, "/latest/meta-data/iam/security-credentials/web-role") == 0) {
        snprintf(json, sizeof(json),
                 "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAIMDS\","
                 "\"SecretAccessKey\":\"imdssecret\",\"Token\":\"imdstoken\",\"Expiration\":"
                 "\"%s\"}",
                 srv.expiration);
        return answer(c, 200, json);
    }
    return answer(c, 404, "");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct buf *b = *con_cls;

    (void)cls;
    (void)version;
    if (b == NULL) {
        b = calloc(1, sizeof(*b));
        if (b == NULL)
            return MHD_NO;
        buf_init(b, 1 << 20);
        *con_cls = b;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        buf_append(b, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (strncmp(url, "/latest/", 8) == 0)
        return on_imds(c, method, url) == MHD_YES ? MHD_YES : MHD_NO;
    return on_sts(c, url, buf_cstr(b), b->len) == MHD_YES ? MHD_YES : MHD_NO;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    struct buf *b = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (b) {
        buf_release(b);
        free(b);
    }
}

static int start_server(void **state)
{
    struct sockaddr_in sa;

    (void)state;
    memset(&srv, 0, sizeof(srv));
    pthread_mutex_init(&srv.lock, NULL);
    snprintf(srv.expiration, sizeof(srv.expiration), "2030-01-01T00:00:00Z");
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, NULL,
                             MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                             MHD_OPTION_END);
    if (srv.d == NULL)
        return -1;
    srv.port = MHD_get_daemon_info(srv.d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return 0;
}

static int stop_server(void **state)
{
    (void)state;
    MHD_stop_daemon(srv.d);
    pthread_mutex_destroy(&srv.lock);
    return 0;
}

static struct buf call_log = BUF_INIT(1 << 20);

/* Every field of every call record, as the history database would get them. */
static void record_call(void *ctx, const struct api_call *c)
{
    (void)ctx;
    buf_printf(&call_log, "%s %s %s %s %ld %s %s %s\n", c->service, c->operation, c->method, c->url,
               c->status, c->error ? c->error : "-", c->command ? c->command : "-",
               c->retry_detail ? c->retry_detail : "-");
}

static void assert_no_secrets(const char *text)
{
    static const char *const secrets[] = {"secretdefault", "WRONGSECRET",   "imdssecret",
                                          "imdstoken",     "assumedsecret", "assumedtoken"};
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
        if (strstr(text, secrets[i]))
            fail_msg("secret %s appears in: %s", secrets[i], text);
    }
}

static char tmpdir[256], cred_path[300], conf_path[300], base_url[64];

static const char *const aws_vars[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(aws_vars) / sizeof(aws_vars[0]); i++)
        unsetenv(aws_vars[i]);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/pipetop-awsf-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(cred_path, sizeof(cred_path), "%s/credentials", tmpdir);
    snprintf(conf_path, sizeof(conf_path), "%s/config", tmpdir);
    snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%d", srv.port);
    setenv("HOME", tmpdir, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
    setenv("AWS_CONFIG_FILE", conf_path, 1);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base_url, 1);
    setenv("AWS_ENDPOINT_URL_STS", base_url, 1);
    srv.sts_calls = srv.imds_calls = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_true(call_log.len > 0); /* the check below saw the calls */
    if (getenv("SHOW_CALLS"))
        fputs(buf_cstr(&call_log), stdout);
    assert_no_secrets(buf_cstr(&call_log));
    buf_release(&call_log);
    unlink(cred_path);
    unlink(conf_path);
    rmdir(tmpdir);
    return 0;
}

static struct http_client *client(void)
{
    struct http_options opt;
    struct http_client *c = NULL;
    struct err e = ERR_INIT;

    memset(&opt, 0, sizeof(opt));
    opt.max_attempts = 1;
    opt.on_call = record_call;
    assert_int_equal(http_client_new(&c, &opt, &e), 0);
    return c;
}

static void test_caller_identity(void **state)
{
    struct http_client *http = client();
    struct aws_creds c = AWS_CREDS_INIT;
    struct sts_identity id;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(aws_creds_set(&c, "AKIDDEFAULT", "secretdefault", NULL, 0, "test", &e), 0);
    assert_int_equal(sts_get_caller_identity(http, base_url, "eu-west-1", &c, &id, &e), 0);
    assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/default");
    assert_string_equal(id.account, "123456789012");
    assert_string_equal(srv.last_action, "Action=GetCallerIdentity");

    assert_int_equal(aws_creds_set(&c, "AKIDDEFAULT", "WRONGSECRET", NULL, 0, "test", &e), 0);
    assert_int_equal(sts_get_caller_identity(http, base_url, "eu-west-1", &c, &id, &e), -1);
    assert_int_equal(e.code, ERR_AUTH);
    assert_int_equal(e.http_status, 403);
    assert_non_null(strstr(e.msg, "STS GetCallerIdentity: HTTP 403 SignatureDoesNotMatch: The "
                                  "request signature we calculated"));
    assert_no_secrets(e.msg);

    e = (struct err)ERR_INIT;
    assert_int_equal(aws_creds_set(&c, "AKIDUNKNOWN", "x", NULL, 0, "test", &e), 0);
    assert_int_equal(sts_get_caller_identity(http, base_url, "eu-west-1", &c, &id, &e), -1);
    assert_non_null(strstr(e.msg, "InvalidClientTokenId"));
    aws_creds_release(&c);
    http_client_free(http);
}

static void test_imds_provider(void **state)
{
    struct http_client *http = client();
    struct aws_config *cfg;
    struct aws_creds_provider *p;
    const struct aws_creds *c;
    struct sts_identity id;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(aws_config_load(&cfg, NULL, &e), 0);
    assert_int_equal(aws_creds_provider_new(&p, cfg, 0, http, NULL, &e), 0);
    assert_int_equal(aws_creds_provider_get(p, &c, &e), 0);
    assert_string_equal(c->access_key_id, "ASIAIMDS");
    assert_string_equal(c->session_token, "imdstoken");
    assert_string_equal(c->source, "EC2 instance metadata (role web-role)");
    assert_int_equal(srv.imds_calls, 3);
    /* the IMDS credentials sign with their token */
    assert_int_equal(sts_get_caller_identity(http, base_url, "us-east-1", c, &id, &e), 0);
    assert_string_equal(id.arn, "arn:aws:sts::123456789012:assumed-role/web-role/i-0abc");
    aws_creds_provider_free(p);
    aws_config_free(cfg);
    http_client_free(http);
}

static void test_assume_role_refresh(void **state)
{
    struct http_client *http = client();
    struct aws_config *cfg;
    struct aws_creds_provider *p;
    const struct aws_creds *c;
    struct sts_identity id;
    struct err e = ERR_INIT;
    struct clock clk;
    int64_t now = 1893452400000LL; /* 2029-12-31T23:00:00Z, an hour before expiry */

    (void)state;
    clock_fixed(&clk, &now);
    write_file(cred_path, "[default]\naws_access_key_id = AKIDDEFAULT\n"
                          "aws_secret_access_key = secretdefault\n");
    write_file(conf_path, "[profile admin]\nregion = eu-west-1\n"
                          "role_arn = arn:aws:iam::123456789012:role/console\n"
                          "source_profile = default\nrole_session_name = ops\n");
    setenv("AWS_PROFILE", "admin", 1);
    assert_int_equal(aws_config_load(&cfg, NULL, &e), 0);
    assert_int_equal(aws_creds_provider_new(&p, cfg, 0, http, &clk, &e), 0);
    assert_int_equal(aws_creds_provider_get(p, &c, &e), 0);
    assert_string_equal(c->access_key_id, "ASIAASSUMED");
    assert_string_equal(c->session_token, "assumedtoken");
    assert_string_equal(c->source, "assume role arn:aws:iam::123456789012:role/console via "
                                   "profile admin (source: shared credentials file "
                                   "~/credentials [profile default])");
    assert_int_equal(srv.sts_calls, 1);
    assert_string_equal(srv.last_auth_key, "AKIDDEFAULT");

    /* cached while fresh */
    assert_int_equal(aws_creds_provider_get(p, &c, &e), 0);
    assert_int_equal(srv.sts_calls, 1);
    /* refreshed within 10 minutes of Expiration */
    now = 1893455700000LL; /* 23:55 */
    assert_int_equal(aws_creds_provider_get(p, &c, &e), 0);
    assert_int_equal(srv.sts_calls, 2);

    assert_int_equal(sts_get_caller_identity(http, base_url, "eu-west-1", c, &id, &e), 0);
    assert_string_equal(id.arn, "arn:aws:sts::123456789012:assumed-role/console/ops");
    assert_string_equal(srv.last_auth_key, "ASIAASSUMED");
    aws_creds_provider_free(p);
    aws_config_free(cfg);
    http_client_free(http);
}

static void test_role_denied(void **state)
{
    struct http_client *http = client();
    struct aws_config *cfg;
    struct aws_creds_provider *p;
    const struct aws_creds *c;
    struct err e = ERR_INIT;

    (void)state;
    write_file(cred_path, "[default]\naws_access_key_id = AKIDDEFAULT\n"
                          "aws_secret_access_key = secretdefault\n");
    write_file(conf_path, "[profile other]\nrole_arn = arn:aws:iam::999999999999:role/x\n"
                          "source_profile = default\n");
    setenv("AWS_PROFILE", "other", 1);
    assert_int_equal(aws_config_load(&cfg, NULL, &e), 0);
    assert_int_equal(aws_creds_provider_new(&p, cfg, 0, http, NULL, &e), 0);
    assert_int_equal(aws_creds_provider_get(p, &c, &e), -1);
    assert_int_equal(e.code, ERR_AUTH);
    assert_non_null(strstr(e.msg, "assume role arn:aws:iam::999999999999:role/x (profile other): "
                                  "STS AssumeRole: HTTP 403 AccessDenied"));
    assert_null(c);
    aws_creds_provider_free(p);
    aws_config_free(cfg);
    http_client_free(http);
}

static void test_imds_unreachable(void **state)
{
    struct http_client *http = client();
    struct aws_config *cfg;
    struct aws_creds_provider *p;
    const struct aws_creds *c;
    struct err e = ERR_INIT;

    (void)state;
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    assert_int_equal(aws_config_load(&cfg, NULL, &e), 0);
    assert_int_equal(aws_creds_provider_new(&p, cfg, 0, http, NULL, &e), 0);
    assert_int_equal(aws_creds_provider_get(p, &c, &e), -1);
    assert_int_equal(e.code, ERR_NETWORK);
    assert_non_null(strstr(e.msg, "no AWS credentials found (tried environment "
                                  "(AWS_ACCESS_KEY_ID not set); profile default in"));
    assert_non_null(strstr(e.msg, "EC2 instance metadata at http://127.0.0.1:1/latest/api/token "
                                  "is not reachable"));
    aws_creds_provider_free(p);
    aws_config_free(cfg);
    http_client_free(http);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_caller_identity), T(test_imds_provider),    T(test_assume_role_refresh),
        T(test_role_denied),     T(test_imds_unreachable),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
