/* tests/unit/test_session.c: the session layer (tui/session.c) — a good config gives every part;
 * a broken one keeps its error and (with config_fallback) goes on with the environment and
 * defaults; session_require names the first missing part; every HTTP call (here one refused by
 * a closed loopback port) lands in the history database and the log file, redacted; the AWS
 * endpoint and Google project follow the documented order. Private temporary directories only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "state/logs.h"
#include "tui/session.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    char path[256];

    (void)state;
    for (const char *const *v =
             (const char *const[]){"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION",
                                   "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "GCLOUD_PROJECT",
                                   "PIPETOP_DB", "XDG_CONFIG_HOME", NULL};
         *v; v++)
        unsetenv(*v);
    setenv("HOME", dir, 1);
    setenv("XDG_STATE_HOME", dir, 1);
    snprintf(path, sizeof(path), "%s/config.ini", dir);
    setenv("PIPETOP_CONFIG", path, 1);
    snprintf(path, sizeof(path), "%s/no-such-aws-file", dir);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDSESSIONTEST00001", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "sessionTestSecretKey/000000000000000000", 1);
    setenv("AWS_REGION", "ap-northeast-1", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json", 1);
    setenv("GOOGLE_CLOUD_PROJECT", "env-project", 1);
    return 0;
}

/* A loopback port nobody listens on. */
static int closed_port(void)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

static void test_good_config_and_call_log(void **state)
{
    struct session_options so = {{NULL, NULL, false}, 2000, 2000, 1, false};
    struct session *s = NULL;
    struct err e = ERR_INIT;
    struct http_request req;
    struct http_response resp;
    struct api_call *calls = NULL;
    struct aws_endpoint ep;
    size_t n = 0;
    char url[128], path[256], src[256], *text;
    FILE *f;

    (void)state;
    write_file("config.ini", "[general]\ntimezone = UTC\n[aws]\nendpoint_url = "
                             "http://127.0.0.1:9/\n[gcp]\nlocation = us\n");
    assert_int_equal(session_open(&s, &so, &e), 0);
    assert_int_equal(s->config_err.code, ERR_OK);
    assert_non_null(s->db);
    assert_non_null(s->log);
    assert_non_null(s->aws_creds);
    assert_string_equal(s->aws_region, "ap-northeast-1");
    assert_string_equal(s->aws_region_source, "AWS_REGION");
    assert_null(s->gauth); /* the key file does not exist */
    assert_int_equal(s->google_err.code == ERR_OK, 0);
    assert_int_equal(
        session_require(s, SESSION_NEED_CONFIG | SESSION_NEED_DB | SESSION_NEED_AWS, &e), 0);
    assert_int_equal(session_require(s, SESSION_NEED_GOOGLE, &e), -1);
    assert_non_null(strstr(e.msg, "/nonexistent/key.json"));
    assert_null(session_gcp_project(s, src, sizeof(src))); /* no gauth, no [gcp] project */
    assert_string_equal(session_gcp_location(s), "us");
    /* [aws] endpoint_url is used when no AWS_ENDPOINT_URL* says otherwise */
    assert_int_equal(session_aws_endpoint(s, "sts", &ep, &e), 0);
    assert_string_equal(ep.url, "http://127.0.0.1:9");
    setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:10", 1);
    assert_int_equal(session_aws_endpoint(s, "sts", &ep, &e), 0);
    assert_string_equal(ep.url, "http://127.0.0.1:10");
    unsetenv("AWS_ENDPOINT_URL_STS");

    /* one refused call, with a secret in its URL: into the database and the log, redacted */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/x?access_token=ya29.sessionSECRET",
             closed_port());
    assert_int_equal(http_request_init(&req, "dts", "transferConfigs.list", "GET", url, &e), 0);
    assert_int_equal(http_do(s->http, &req, &resp, &e), -1);
    http_response_release(&resp);
    assert_int_equal(s->calls_logged, 1);
    assert_int_equal(db_call_list(s->db, 0, &calls, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(calls[0].operation, "transferConfigs.list");
    assert_null(strstr(calls[0].url, "sessionSECRET"));
    assert_non_null(calls[0].error);
    db_calls_free(calls, n);
    snprintf(path, sizeof(path), "%s/pipetop/pipetop.log", dir);
    session_close(s);
    f = fopen(path, "r");
    assert_non_null(f);
    text = calloc(1, 65536);
    assert_true(fread(text, 1, 65535, f) > 0);
    fclose(f);
    assert_non_null(strstr(text, "call: dts transferConfigs.list GET http://127.0.0.1:"));
    assert_null(strstr(text, "sessionSECRET"));
    free(text);
}

static void test_broken_config(void **state)
{
    struct session_options so = {{NULL, NULL, false}, 0, 0, 0, false};
    struct session *s = NULL;
    struct err e = ERR_INIT;
    char src[256];

    (void)state;
    write_file("config.ini", "[general]\nno_such_key = 1\n");
    assert_int_equal(session_open(&s, &so, &e), 0);
    assert_int_equal(s->config_err.code, ERR_CONFIG);
    assert_non_null(strstr(s->config_err.msg, "config.ini:2"));
    assert_null(s->cfg);
    assert_null(s->db);
    assert_non_null(strstr(s->config_path, "/config.ini"));
    assert_int_equal(session_require(s, SESSION_NEED_CONFIG, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_non_null(s->aws_creds); /* the AWS side does not need pipetop's config */
    session_close(s);

    so.config_fallback = true;
    assert_int_equal(session_open(&s, &so, &e), 0);
    assert_int_equal(s->config_err.code, ERR_CONFIG);
    assert_non_null(s->cfg); /* environment and defaults */
    assert_true(s->config_is_fallback);
    assert_non_null(s->db);
    assert_non_null(strstr(s->config_path, "/config.ini"));
    assert_null(session_gcp_project(s, src, sizeof(src)));
    session_close(s);
    session_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_good_config_and_call_log, setup),
        cmocka_unit_test_setup(test_broken_config, setup),
    };
    char cmd[128];
    int rc;

    snprintf(dir, sizeof(dir), "/tmp/pipetop-session-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0 && rc == 0)
        rc = 1;
    return rc;
}
