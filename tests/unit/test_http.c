/* tests/unit/test_http.c: the HTTP engine against the fake cloud on a random loopback port —
 * concurrency bound, retries (5xx, throttling shapes, resets, truncation), Retry-After, 4xx not
 * retried, size limit, loopback-only http://, per-attempt timeout, prepare per attempt, redacted
 * call records. No timing assertions: waits are checked in the call record's retry detail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include "core/http.h"
#include "core/http_retry.h"
#include "tests/unit/fakecloud_proc.h"

static struct fakecloud_proc fc;

struct calls {
    int n;
    struct api_call last;
};

static void on_call(void *ctx, const struct api_call *a)
{
    struct calls *k = ctx;
    struct err e = ERR_INIT;

    api_call_release(&k->last);
    k->last = *a;
    model_strdup(&k->last.service, a->service, &e);
    model_strdup(&k->last.operation, a->operation, &e);
    model_strdup(&k->last.method, a->method, &e);
    model_strdup(&k->last.url, a->url, &e);
    model_strdup(&k->last.error, a->error, &e);
    model_strdup(&k->last.command, a->command, &e);
    model_strdup(&k->last.retry_detail, a->retry_detail, &e);
    k->n++;
}

static struct http_client *client(struct calls *k, int max_in_flight)
{
    struct http_options o = {0};
    struct http_client *c = NULL;
    struct err e = ERR_INIT;

    o.max_in_flight = max_in_flight;
    o.backoff_base_ms = 10;
    o.backoff_cap_ms = 50;
    o.max_attempts = 3;
    o.timeout_ms = 10000;
    o.on_call = on_call;
    o.on_call_ctx = k;
    o.seed = 42;
    assert_int_equal(http_client_new(&c, &o, &e), 0);
    return c;
}

/* GET url_path on the fake cloud with the given client; returns http_do's result. */
static int get(struct http_client *c, const char *path, struct http_response *resp, struct err *e,
               int max_attempts, long timeout_ms)
{
    struct http_request req;
    char url[512];

    snprintf(url, sizeof(url), "%s%s", fc.url, path);
    assert_int_equal(http_request_init(&req, "fake", "test", "GET", url, e), 0);
    req.max_attempts = max_attempts;
    req.timeout_ms = timeout_ms;
    return http_do(c, &req, resp, e);
}

static int setup(void **state)
{
    (void)state;
    return fakecloud_start(&fc, "{\"aws\":{\"region\":\"eu-west-1\"}}");
}

static int teardown(void **state)
{
    (void)state;
    return fakecloud_stop(&fc) == 0 ? 0 : -1;
}

static void faults(const char *json)
{
    assert_int_equal(fakecloud_faults(&fc, json), 0);
}

static void count_done(void *ctx, struct http_request *req, struct http_response *resp,
                       const struct err *e)
{
    int *ok = ctx;
    (void)req;
    if (e->code == ERR_OK && resp->status == 200)
        (*ok)++;
}

static void test_concurrency_bound(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 16);
    struct err e = ERR_INIT;
    char url[256], *stats;
    int ok = 0;

    (void)state;
    faults("{\"fake\":{\"latency_ms\":600}}");
    snprintf(url, sizeof(url), "%s/_fake/stats", fc.url); /* POST: resets the peak */
    {
        struct http_request req;
        struct http_response resp;
        assert_int_equal(http_request_init(&req, "fake", "stats", "POST", url, &e), 0);
        assert_int_equal(http_do(c, &req, &resp, &e), 0);
        http_response_release(&resp);
    }
    for (int i = 0; i < 50; i++) {
        struct http_request req;
        snprintf(url, sizeof(url), "%s/_fake/echo?i=%d", fc.url, i);
        assert_int_equal(http_request_init(&req, "fake", "echo", "GET", url, &e), 0);
        assert_int_equal(http_submit(c, &req, count_done, &ok, &e), 0);
    }
    assert_int_equal(http_run(c, -1), 0);
    assert_int_equal(ok, 50);
    faults("{}");
    stats = fakecloud_get(&fc, "/_fake/stats");
    assert_non_null(stats);
    /* the server saw exactly max_in_flight requests at once at its peak, never more */
    assert_non_null(strstr(stats, "\"peak_active\":16"));
    free(stats);
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_retry_5xx_then_success(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_response resp;
    struct err e = ERR_INIT;

    (void)state;
    faults("{\"fake\":{\"error_5xx_rate\":1,\"max_faults\":2}}");
    assert_int_equal(get(c, "/_fake/echo", &resp, &e, 0, 0), 0);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.retries, 2);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.last.retries, 2);
    assert_int_equal(k.last.status, 200);
    assert_null(k.last.error);
    assert_non_null(k.last.retry_detail);
    assert_non_null(strstr(k.last.retry_detail, "retries: 2 (HTTP 503 UNAVAILABLE, waited "));
    assert_non_null(strstr(k.last.retry_detail, "(backoff)"));
    /* full jitter between 0 and the 50 ms cap */
    assert_non_null(strstr(k.last.retry_detail, "waited 0.0"));
    assert_true(resp.server_date_ms > 0);
    http_response_release(&resp);
    faults("{}");
    api_call_release(&k.last);
    http_client_free(c);
}

/* The seconds of the first "waited S.MMMs (Retry-After)" in a retry detail, -1 when none. */
static double waited_retry_after(const char *detail)
{
    const char *p = detail ? strstr(detail, "waited ") : NULL;
    double s;
    char tail[32];

    if (p == NULL || sscanf(p, "waited %lfs (%31[^)])", &s, tail) != 2 ||
        strcmp(tail, "Retry-After") != 0)
        return -1;
    return s;
}

static void test_retry_after_seconds(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_response resp;
    struct err e = ERR_INIT;

    (void)state;
    faults("{\"fake\":{\"throttle_rate\":1,\"max_faults\":1,\"retry_after_s\":1}}");
    assert_int_equal(get(c, "/_fake/echo", &resp, &e, 0, 0), 0);
    assert_int_equal(resp.retries, 1);
    assert_non_null(strstr(k.last.retry_detail, "HTTP 429 RESOURCE_EXHAUSTED"));
    assert_true(waited_retry_after(k.last.retry_detail) >= 1.0);
    http_response_release(&resp);
    faults("{}");
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_retry_after_http_date(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_response resp;
    struct err e = ERR_INIT;
    char path[256], date[64];
    time_t t = time(NULL) + 3;
    struct tm tm;

    (void)state;
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%a,%%20%d%%20%b%%20%Y%%20%H:%M:%S%%20GMT", &tm);
    snprintf(path, sizeof(path), "/_fake/status?code=503&retry_after=%s", date);
    assert_int_equal(get(c, path, &resp, &e, 2, 0), -1);
    assert_int_equal(e.code, ERR_SERVICE);
    assert_int_equal(e.http_status, 503);
    assert_non_null(strstr(e.msg, "after 2 attempts"));
    assert_int_equal(resp.retries, 1);
    assert_true(waited_retry_after(k.last.retry_detail) >= 1.0);
    http_response_release(&resp);
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_retry_after_too_long(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_response resp;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(get(c, "/_fake/status?code=429&retry_after=3600", &resp, &e, 0, 0), -1);
    assert_int_equal(e.code, ERR_SERVICE);
    assert_int_equal(resp.retries, 0);
    assert_non_null(strstr(e.msg, "asked to retry after 3600 s"));
    http_response_release(&resp);
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_backoff_full_jitter(void **state)
{
    uint64_t rng = 1;
    int64_t max_seen[6] = {0};

    (void)state;
    for (int i = 0; i < 2000; i++) {
        for (int r = 0; r < 6; r++) {
            int64_t w = http_retry_backoff_ms(&rng, 500, 20000, r);
            int64_t ceiling = 500LL << r;
            if (ceiling > 20000)
                ceiling = 20000;
            assert_true(w >= 0 && w <= ceiling);
            if (w > max_seen[r])
                max_seen[r] = w;
        }
    }
    /* the whole range is used: the largest of 2000 draws is near the ceiling */
    assert_true(max_seen[0] > 450 && max_seen[3] > 3600 && max_seen[5] > 14000);
    assert_true(http_retry_backoff_ms(&rng, 500, 20000, 40) <= 20000); /* capped */
}

static void test_4xx_not_retried(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_response resp;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(get(c, "/_fake/status?code=404", &resp, &e, 0, 0), -1);
    assert_int_equal(e.code, ERR_SERVICE);
    assert_int_equal(e.http_status, 404);
    assert_int_equal(resp.retries, 0);
    assert_non_null(strstr(e.msg, "fake test: HTTP 404"));
    assert_null(k.last.retry_detail);
    http_response_release(&resp);

    err_clear(&e);
    assert_int_equal(get(c, "/_fake/status?code=403", &resp, &e, 0, 0), -1);
    assert_int_equal(e.code, ERR_AUTH);
    assert_int_equal(resp.retries, 0);
    http_response_release(&resp);

    /* a 403 BigQuery quotaExceeded is final; a rateLimitExceeded is retried */
    err_clear(&e);
    assert_int_equal(get(c,
                         "/_fake/status?code=403&body=%7B%22error%22%3A%7B%22errors%22%3A%5B%7B%22"
                         "reason%22%3A%22quotaExceeded%22%7D%5D%7D%7D",
                         &resp, &e, 0, 0),
                     -1);
    assert_int_equal(e.code, ERR_SERVICE);
    assert_int_equal(resp.retries, 0);
    http_response_release(&resp);
    err_clear(&e);
    assert_int_equal(get(c,
                         "/_fake/status?code=403&body=%7B%22error%22%3A%7B%22errors%22%3A%5B%7B%22"
                         "reason%22%3A%22rateLimitExceeded%22%7D%5D%7D%7D",
                         &resp, &e, 2, 0),
                     -1);
    assert_int_equal(resp.retries, 1);
    assert_non_null(strstr(k.last.retry_detail, "HTTP 403 rateLimitExceeded"));
    http_response_release(&resp);
    api_call_release(&k.last);
    http_client_free(c);
}

/* DynamoDB throttling is a 400 with a JSON __type: retried; the unknown operation is not. */
static void test_dynamodb_throttle_shape(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_request req;
    struct http_response resp;
    struct err e = ERR_INIT;

    (void)state;
    faults("{\"dynamodb\":{\"throttle_rate\":1,\"max_faults\":1}}");
    assert_int_equal(http_request_init(&req, "dynamodb", "ListTables", "POST", fc.url, &e), 0);
    assert_int_equal(
        http_headers_set(&req.headers, "X-Amz-Target", "DynamoDB_20120810.NoSuchOperation", &e), 0);
    assert_int_equal(http_request_set_body(&req, "{}", 2, &e), 0);
    assert_int_equal(http_do(c, &req, &resp, &e), -1);
    assert_int_equal(resp.retries, 1);
    assert_int_equal(resp.status, 400);
    assert_non_null(strstr(k.last.retry_detail, "HTTP 400 ThrottlingException"));
    assert_int_equal(e.code, ERR_SERVICE);
    assert_non_null(strstr(e.msg, "UnknownOperationException"));
    http_response_release(&resp);
    faults("{}");
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_reset_and_truncate(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_response resp;
    struct err e = ERR_INIT;

    (void)state;
    faults("{\"fake\":{\"reset_rate\":1,\"max_faults\":1}}");
    assert_int_equal(get(c, "/_fake/echo", &resp, &e, 0, 0), 0);
    assert_int_equal(resp.retries, 1);
    http_response_release(&resp);

    faults("{\"fake\":{\"reset_rate\":1}}");
    assert_int_equal(get(c, "/_fake/echo", &resp, &e, 0, 0), -1);
    assert_int_equal(e.code, ERR_NETWORK);
    assert_int_equal(resp.status, 0);
    assert_int_equal(resp.retries, 2);
    assert_non_null(strstr(e.msg, "fake test: "));
    assert_non_null(strstr(e.msg, "127.0.0.1:"));
    assert_non_null(strstr(e.msg, "after 3 attempts"));
    http_response_release(&resp);

    err_clear(&e);
    faults("{\"fake\":{\"truncate_rate\":1}}");
    assert_int_equal(get(c, "/_fake/echo", &resp, &e, 0, 0), -1);
    assert_int_equal(e.code, ERR_NETWORK);
    assert_non_null(strstr(e.msg, "truncated response from 127.0.0.1:"));
    assert_non_null(strstr(e.msg, "after 3 attempts"));
    assert_non_null(strstr(k.last.retry_detail, "retries: 2 (truncated"));
    http_response_release(&resp);
    faults("{}");
    api_call_release(&k.last);
    http_client_free(c);
}

/* A request that must not run twice (startManualRuns) is repeated only after throttling; after
 * a cut body, a reset or a 5xx the service may have done it: one attempt, and the error says so
 * (chaos test finding: a truncated startManualRuns answer started a second DTS run). */
static int get_once(struct http_client *c, struct http_response *resp, struct err *e)
{
    struct http_request req;
    char url[512];

    snprintf(url, sizeof(url), "%s/_fake/echo", fc.url);
    assert_int_equal(http_request_init(&req, "fake", "test", "GET", url, e), 0);
    req.not_idempotent = 1;
    return http_do(c, &req, resp, e);
}

static void test_not_idempotent(void **state)
{
    static const char *const ambiguous[] = {"{\"fake\":{\"truncate_rate\":1}}",
                                            "{\"fake\":{\"reset_rate\":1}}",
                                            "{\"fake\":{\"error_5xx_rate\":1}}"};
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_response resp;
    struct err e = ERR_INIT;

    (void)state;
    for (size_t i = 0; i < sizeof(ambiguous) / sizeof(ambiguous[0]); i++) {
        err_clear(&e);
        faults(ambiguous[i]);
        assert_int_equal(get_once(c, &resp, &e), -1);
        assert_int_equal(resp.retries, 0);
        assert_non_null(strstr(e.msg, "the service may have carried it out"));
        http_response_release(&resp);
    }
    err_clear(&e);
    faults("{\"fake\":{\"throttle_rate\":1,\"max_faults\":1}}");
    assert_int_equal(get_once(c, &resp, &e), 0);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.retries, 1);
    http_response_release(&resp);
    faults("{}");
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_max_response(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_request req;
    struct http_response resp;
    struct err e = ERR_INIT;
    char url[256];

    (void)state;
    snprintf(url, sizeof(url), "%s/_fake/big?bytes=1000", fc.url);
    assert_int_equal(http_request_init(&req, "s3", "GetObject", "GET", url, &e), 0);
    req.max_response = 1000;
    assert_int_equal(http_do(c, &req, &resp, &e), 0);
    assert_int_equal(resp.body.len, 1000);
    http_response_release(&resp);

    snprintf(url, sizeof(url), "%s/_fake/big?bytes=200000", fc.url);
    assert_int_equal(http_request_init(&req, "s3", "GetObject", "GET", url, &e), 0);
    req.max_response = 1000;
    assert_int_equal(http_do(c, &req, &resp, &e), -1);
    assert_non_null(strstr(e.msg, "response from s3 GetObject exceeded 1000 bytes"));
    assert_int_equal(resp.retries, 0);
    http_response_release(&resp);
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_plain_http_only_loopback(void **state)
{
    static const char *refused[] = {
        "http://example.com/", "http://10.0.0.1:4566/", "http://localhost.example.com/",
        "http://128.0.0.1/",   "http://[::2]:80/",      "http://[::ffff:10.0.0.1]/",
        "ftp://127.0.0.1/",    "file:///etc/passwd",    "not a url"};
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_request req;
    struct err e = ERR_INIT;

    (void)state;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        err_clear(&e);
        assert_int_equal(http_request_init(&req, "sts", "GetCallerIdentity", "GET", refused[i], &e),
                         0);
        assert_int_equal(http_submit(c, &req, NULL, NULL, &e), -1);
        assert_int_equal(e.code, ERR_USAGE);
        http_request_release(&req);
    }
    assert_non_null(strstr(e.msg, "malformed URL"));
    err_clear(&e);
    assert_int_equal(
        http_request_init(&req, "sts", "GetCallerIdentity", "GET", "http://example.com/", &e), 0);
    assert_int_equal(http_submit(c, &req, NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "example.com"));
    assert_int_equal(http_run(c, 0), 0);
    assert_int_equal(k.n, 0); /* nothing was sent, nothing reported */

    /* every loopback spelling is accepted (a closed port: refused at connect, no usage error) */
    {
        static const char *ok[] = {"http://127.0.0.2:1/", "http://[::1]:1/",
                                   "http://[0:0:0:0:0:0:0:1]:1/", "http://LOCALHOST:1/",
                                   "https://example.com/"};
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
            err_clear(&e);
            assert_int_equal(http_request_init(&req, "sts", "x", "GET", ok[i], &e), 0);
            assert_int_equal(http_submit(c, &req, NULL, NULL, &e), 0);
        }
        http_client_free(c); /* drops the queued calls unsent */
        c = client(&k, 4);
    }
    /* a closed port is a network error after 3 connect attempts */
    err_clear(&e);
    assert_int_equal(
        http_request_init(&req, "sts", "GetCallerIdentity", "GET", "http://127.0.0.1:1/", &e), 0);
    {
        struct http_response resp;
        assert_int_equal(http_do(c, &req, &resp, &e), -1);
        assert_int_equal(e.code, ERR_NETWORK);
        assert_non_null(strstr(e.msg, "could not connect to 127.0.0.1:1"));
        http_response_release(&resp);
    }
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_stall_timeout(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_response resp;
    struct err e = ERR_INIT;

    (void)state;
    faults("{\"fake\":{\"stall_ms\":5000,\"max_faults\":2}}");
    assert_int_equal(get(c, "/_fake/echo", &resp, &e, 2, 300), -1);
    assert_int_equal(e.code, ERR_NETWORK);
    assert_non_null(strstr(e.msg, "timed out after 300 ms"));
    assert_non_null(strstr(e.msg, "after 2 attempts"));
    http_response_release(&resp);
    faults("{}");
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_call_record_redacted(void **state)
{
    static const char secret_body[] = "{\"access_token\":\"ya29.TOKENSECRET\"}";
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_request req;
    struct http_response resp;
    struct err e = ERR_INIT;
    char url[512];

    (void)state;
    snprintf(
        url, sizeof(url),
        "%s/_fake/status?code=400&X-Amz-Security-Token=SESSIONSECRET&X-Amz-Signature=SIGSECRET",
        fc.url);
    assert_int_equal(http_request_init(&req, "oauth2", "token", "POST", url, &e), 0);
    assert_int_equal(http_request_set_body(&req, secret_body, strlen(secret_body), &e), 0);
    req.command = strdup("curl -H 'Authorization: Bearer ya29.CMDSECRET' https://x/");
    assert_int_equal(http_headers_set(&req.headers, "Authorization", "Bearer ya29.HDRSECRET", &e),
                     0);
    assert_int_equal(http_do(c, &req, &resp, &e), -1);
    assert_int_equal(k.n, 1);
    assert_null(strstr(k.last.url, "SESSIONSECRET"));
    assert_null(strstr(k.last.url, "SIGSECRET"));
    assert_non_null(strstr(k.last.url, "X-Amz-Security-Token=REDACTED"));
    assert_non_null(strstr(k.last.url, "code=400"));
    assert_null(strstr(k.last.error, "SESSIONSECRET"));
    assert_null(strstr(k.last.error, "TOKENSECRET"));
    assert_null(strstr(e.msg, "TOKENSECRET"));
    assert_non_null(strstr(e.msg, "\"access_token\":\"REDACTED\""));
    assert_non_null(strstr(e.msg, "HTTP 400"));
    assert_null(strstr(k.last.command, "SECRET"));
    assert_non_null(strstr(k.last.command, "Bearer REDACTED"));
    assert_string_equal(k.last.service, "oauth2");
    assert_string_equal(k.last.method, "POST");
    assert_true(k.last.bytes_sent > 0 && k.last.bytes_received > 0);
    http_response_release(&resp);
    api_call_release(&k.last);
    http_client_free(c);
}

struct prep {
    int calls;
    int fail_at;
};

static int prepare(void *ctx, struct http_request *req, int64_t now_ms, struct err *e)
{
    struct prep *p = ctx;
    char v[32];

    (void)now_ms;
    p->calls++;
    if (p->calls == p->fail_at)
        return err_set(e, ERR_AUTH, "token refresh failed");
    snprintf(v, sizeof(v), "%d", p->calls);
    return http_headers_set(&req->headers, "X-Attempt", v, e);
}

static void test_prepare_each_attempt(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_request req;
    struct http_response resp;
    struct err e = ERR_INIT;
    struct prep p = {0, 0};
    char url[256];

    (void)state;
    faults("{\"fake\":{\"error_5xx_rate\":1,\"max_faults\":2}}");
    snprintf(url, sizeof(url), "%s/_fake/echo", fc.url);
    assert_int_equal(http_request_init(&req, "fake", "echo", "GET", url, &e), 0);
    req.prepare = prepare;
    req.prepare_ctx = &p;
    assert_int_equal(http_do(c, &req, &resp, &e), 0);
    assert_int_equal(p.calls, 3);
    assert_non_null(strstr(buf_cstr(&resp.body), "\"X-Attempt\":\"3\""));
    http_response_release(&resp);

    /* a failing prepare abandons the call without a retry */
    faults("{\"fake\":{\"error_5xx_rate\":1,\"max_faults\":1}}");
    p.calls = 0;
    p.fail_at = 2;
    assert_int_equal(http_request_init(&req, "fake", "echo", "GET", url, &e), 0);
    req.prepare = prepare;
    req.prepare_ctx = &p;
    assert_int_equal(http_do(c, &req, &resp, &e), -1);
    assert_int_equal(e.code, ERR_AUTH);
    assert_string_equal(e.msg, "token refresh failed");
    assert_int_equal(p.calls, 2);
    http_response_release(&resp);
    faults("{}");
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_post_body_and_headers(void **state)
{
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_request req;
    struct http_response resp;
    struct err e = ERR_INIT;
    char url[256];

    (void)state;
    snprintf(url, sizeof(url), "%s/_fake/echo", fc.url);
    assert_int_equal(http_request_init(&req, "fake", "echo", "PUT", url, &e), 0);
    assert_int_equal(http_headers_set(&req.headers, "Content-Type", "application/json", &e), 0);
    assert_int_equal(http_headers_set(&req.headers, "content-type", "text/plain", &e), 0);
    assert_int_equal(req.headers.n, 1);
    assert_string_equal(http_headers_get(&req.headers, "CONTENT-TYPE"), "text/plain");
    assert_int_equal(http_request_set_body(&req, "hello", 5, &e), 0);
    assert_int_equal(http_do(c, &req, &resp, &e), 0);
    assert_non_null(strstr(buf_cstr(&resp.body), "\"method\":\"PUT\""));
    assert_non_null(strstr(buf_cstr(&resp.body), "\"body\":\"hello\""));
    assert_non_null(strstr(buf_cstr(&resp.body), "\"Content-Type\":\"text/plain\""));
    assert_null(strstr(buf_cstr(&resp.body), "Expect"));
    assert_string_equal(http_headers_get(&resp.headers, "content-type"), "application/json");
    http_response_release(&resp);
    api_call_release(&k.last);
    http_client_free(c);
}

static void test_urlencode(void **state)
{
    struct buf b = BUF_INIT(1024);

    (void)state;
    assert_int_equal(http_urlencode(&b, "a b/c~d_e.f-g*h=ü", strlen("a b/c~d_e.f-g*h=ü"), 0), 0);
    assert_string_equal(buf_cstr(&b), "a%20b%2Fc~d_e.f-g%2Ah%3D%C3%BC");
    buf_reset(&b);
    assert_int_equal(http_urlencode(&b, "/bucket/key with space", 22, 1), 0);
    assert_string_equal(buf_cstr(&b), "/bucket/key%20with%20space");
    buf_release(&b);
}

static void test_retry_classify(void **state)
{
    static const struct {
        long status;
        const char *body;
        enum http_retry_kind want;
        const char *code;
    } cases[] = {
        {400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\"}",
         HTTP_RETRY_THROTTLED, "ThrottlingException"},
        {400,
         "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededExcep"
         "tion\",\"message\":\"x\"}",
         HTTP_RETRY_THROTTLED, "ProvisionedThroughputExceededException"},
        {400, "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"no\"}", HTTP_RETRY_NO,
         "ResourceNotFoundException"},
        {400,
         "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate "
         "exceeded</Message></Error></ErrorResponse>",
         HTTP_RETRY_THROTTLED, "Throttling"},
        {400, "<ErrorResponse><Error><Code>RequestLimitExceeded</Code></Error></ErrorResponse>",
         HTTP_RETRY_THROTTLED, "RequestLimitExceeded"},
        {404, "<ErrorResponse><Error><Code>ExportTaskNotFound</Code></Error></ErrorResponse>",
         HTTP_RETRY_NO, "ExportTaskNotFound"},
        {503, "<Error><Code>SlowDown</Code></Error>", HTTP_RETRY_THROTTLED, "SlowDown"},
        {429, "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}", HTTP_RETRY_THROTTLED,
         "RESOURCE_EXHAUSTED"},
        {403, "{\"error\":{\"errors\":[{\"reason\":\"rateLimitExceeded\"}]}}", HTTP_RETRY_THROTTLED,
         "rateLimitExceeded"},
        {403, "{\"error\":{\"errors\":[{\"reason\":\"quotaExceeded\"}]}}", HTTP_RETRY_NO,
         "quotaExceeded"},
        {403, "{\"error\":{\"code\":403,\"status\":\"PERMISSION_DENIED\"}}", HTTP_RETRY_NO,
         "PERMISSION_DENIED"},
        {500, "{\"error\":\"server_error\"}", HTTP_RETRY_TRANSIENT, "server_error"},
        {400, "{\"error\":\"invalid_grant\"}", HTTP_RETRY_NO, "invalid_grant"},
        {502, "<html>bad gateway</html>", HTTP_RETRY_TRANSIENT, ""},
        {504, "", HTTP_RETRY_TRANSIENT, ""},
        {400, "not json {", HTTP_RETRY_NO, ""},
        {200, "{\"__type\":\"ThrottlingException\"}", HTTP_RETRY_NO, ""},
    };
    char code[128];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum http_retry_kind k = http_retry_classify(cases[i].status, NULL, cases[i].body,
                                                     strlen(cases[i].body), code, sizeof(code));
        if (k != cases[i].want || strcmp(code, cases[i].code) != 0)
            fail_msg("case %zu: kind %d code \"%s\"", i, (int)k, code);
    }
    {
        struct http_headers h = {0};
        struct err e = ERR_INIT;
        assert_int_equal(
            http_headers_set(&h, "X-Amzn-ErrorType", "TooManyRequestsException:http://x", &e), 0);
        assert_int_equal(http_retry_classify(400, &h, "{}", 2, code, sizeof(code)),
                         HTTP_RETRY_THROTTLED);
        assert_string_equal(code, "TooManyRequestsException");
        http_headers_release(&h);
    }
}

/* A self-signed P-256 certificate for 127.0.0.1 and its key, as PEM files. */
static void write_self_signed(const char *cert_path, const char *key_path)
{
    EVP_PKEY *pk = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_NAME *name;
    FILE *f;

    assert_non_null(pk);
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, pk);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1, -1,
                               0);
    X509_set_issuer_name(x, name);
    assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
    assert_non_null(f = fopen(cert_path, "w"));
    assert_int_equal(PEM_write_X509(f, x), 1);
    fclose(f);
    assert_non_null(f = fopen(key_path, "w"));
    assert_int_equal(PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    X509_free(x);
    EVP_PKEY_free(pk);
}

/* TLS is always verified: a server with an untrusted (self-signed) certificate is refused. */
static void test_tls_always_verified(void **state)
{
    char dir[] = "/tmp/pipetop-tls-XXXXXX", cert[64], key[64];
    const char *args[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    struct fakecloud_proc tls;
    struct calls k = {0};
    struct http_client *c = client(&k, 4);
    struct http_request req;
    struct http_response resp;
    struct err e = ERR_INIT;
    char url[128];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    write_self_signed(cert, key);
    assert_int_equal(fakecloud_start_with(&tls, NULL, args), 0);
    assert_non_null(strstr(tls.url, "https://127.0.0.1:"));
    snprintf(url, sizeof(url), "%s/_fake/health", tls.url);
    assert_int_equal(http_request_init(&req, "sts", "GetCallerIdentity", "GET", url, &e), 0);
    assert_int_equal(http_do(c, &req, &resp, &e), -1);
    assert_int_equal(e.code, ERR_NETWORK);
    assert_non_null(strstr(e.msg, "TLS with 127.0.0.1:"));
    assert_non_null(strstr(e.msg, "after 1 attempt"));
    assert_int_equal(resp.status, 0);
    http_response_release(&resp);
    assert_int_equal(fakecloud_stop(&tls), 0);
    unlink(cert);
    unlink(key);
    rmdir(dir);
    api_call_release(&k.last);
    http_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_idempotent),
        cmocka_unit_test(test_urlencode),
        cmocka_unit_test(test_retry_classify),
        cmocka_unit_test(test_post_body_and_headers),
        cmocka_unit_test(test_concurrency_bound),
        cmocka_unit_test(test_retry_5xx_then_success),
        cmocka_unit_test(test_retry_after_seconds),
        cmocka_unit_test(test_retry_after_http_date),
        cmocka_unit_test(test_retry_after_too_long),
        cmocka_unit_test(test_backoff_full_jitter),
        cmocka_unit_test(test_4xx_not_retried),
        cmocka_unit_test(test_dynamodb_throttle_shape),
        cmocka_unit_test(test_reset_and_truncate),
        cmocka_unit_test(test_max_response),
        cmocka_unit_test(test_plain_http_only_loopback),
        cmocka_unit_test(test_stall_timeout),
        cmocka_unit_test(test_call_record_redacted),
        cmocka_unit_test(test_prepare_each_attempt),
        cmocka_unit_test(test_tls_always_verified),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
