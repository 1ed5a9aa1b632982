/* core/http.c: the HTTP engine on one libcurl multi handle (contract in core/http.h): a queue of
 * calls, at most max_in_flight on the wire, retries with full-jitter backoff or Retry-After while
 * other transfers keep running, bounded responses, one api_call record per finished call.
 * The only file that includes curl/curl.h. Never disables TLS verification, never sends plain
 * http:// beyond loopback, never blocks waiting for a retry. */
#include "core/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/http_retry.h"

#define RETRY_AFTER_LIMIT_MS 60000 /* a longer Retry-After fails the call instead of waiting */
#define CONNECT_ATTEMPTS 3         /* "could not connect" is retried at most this often */
#define MAYBE_DONE                                                                                 \
    " (not repeated: the service may have carried it out; check before starting it again)"
#define EASY_POOL 16

struct call {
    struct call *next;
    struct http_client *client;
    struct http_request req;
    http_done_fn done;
    void *ctx;
    CURL *easy;
    struct curl_slist *slist;
    struct http_response resp;
    int attempts; /* attempts started */
    int max_attempts;
    long timeout_ms;
    size_t max_response;
    int64_t at_ms, start_mono, due_mono;
    int64_t bytes_sent, bytes_received;
    int toobig;
    char hostport[300];
    char note[128]; /* why a retry was refused, for the error */
    int loopback;   /* the host is 127.0.0.0/8, ::1 or localhost: never through a proxy */
    char errbuf[CURL_ERROR_SIZE];
    struct buf retry_log; /* "HTTP 503 SlowDown, waited 1.000s (Retry-After); ..." */
};

struct http_client {
    CURLM *multi;
    struct http_options opt;
    struct call *waiting;      /* queued or waiting to retry, in submission order */
    struct call *waiting_last; /* its last call (NULL when empty): appends are O(1) */
    struct call *running;      /* on the wire */
    int in_flight;
    uint64_t rng;
    CURL *pool[EASY_POOL];
    int n_pool;
    char user_agent[64];
};

static int setup_easy(struct call *call);
static void finish(struct call *call, const struct err *e);

int http_client_new(struct http_client **out, const struct http_options *opt, struct err *e)
{
    struct http_client *c;

    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(e, ERR_INTERNAL, "libcurl failed to initialise");
    c = calloc(1, sizeof(*c));
    if (c == NULL || (c->multi = curl_multi_init()) == NULL) {
        free(c);
        curl_global_cleanup();
        return err_set(e, ERR_NOMEM, "out of memory creating the HTTP client");
    }
    if (opt)
        c->opt = *opt;
    c->opt.max_in_flight = c->opt.max_in_flight > 0 ? c->opt.max_in_flight : 16;
    c->opt.connect_timeout_ms = c->opt.connect_timeout_ms > 0 ? c->opt.connect_timeout_ms : 10000;
    c->opt.timeout_ms = c->opt.timeout_ms > 0 ? c->opt.timeout_ms : 60000;
    c->opt.max_response = c->opt.max_response ? c->opt.max_response : (size_t)64 << 20;
    c->opt.max_attempts = c->opt.max_attempts > 0 ? c->opt.max_attempts : 4;
    c->opt.backoff_base_ms = c->opt.backoff_base_ms > 0 ? c->opt.backoff_base_ms : 500;
    c->opt.backoff_cap_ms = c->opt.backoff_cap_ms > 0 ? c->opt.backoff_cap_ms : 20000;
    c->rng = c->opt.seed ? c->opt.seed : (uint64_t)clock_mono_ms() ^ ((uint64_t)getpid() << 32);
    snprintf(c->user_agent, sizeof(c->user_agent), "pipetop/%s", PIPETOP_VERSION);
    curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->opt.max_in_flight);
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->opt.max_in_flight * 2);
    *out = c;
    return 0;
}

static void call_free(struct call *call)
{
    struct http_client *c = call->client;

    if (call->easy) {
        if (c->n_pool < EASY_POOL)
            c->pool[c->n_pool++] = call->easy;
        else
            curl_easy_cleanup(call->easy);
    }
    curl_slist_free_all(call->slist);
    http_request_release(&call->req);
    http_response_release(&call->resp);
    buf_release(&call->retry_log);
    free(call);
}

void http_client_free(struct http_client *c)
{
    struct call *call;

    if (c == NULL)
        return;
    while ((call = c->running) != NULL) {
        c->running = call->next;
        curl_multi_remove_handle(c->multi, call->easy);
        call_free(call);
    }
    while ((call = c->waiting) != NULL) {
        c->waiting = call->next;
        call_free(call);
    }
    c->waiting_last = NULL;
    while (c->n_pool > 0)
        curl_easy_cleanup(c->pool[--c->n_pool]);
    curl_multi_cleanup(c->multi);
    free(c);
    curl_global_cleanup();
}

/* localhost, 127.0.0.0/8 or ::1 (curl gives IPv6 hosts in brackets). */
static int is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    char v6[64];
    size_t n = strlen(host);

    if (strcasecmp(host, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (n < 3 || n - 2 >= sizeof(v6) || host[0] != '[' || host[n - 1] != ']')
        return 0;
    memcpy(v6, host + 1, n - 2);
    v6[n - 2] = '\0';
    return inet_pton(AF_INET6, v6, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* The link-local instance metadata service (only when the request asks for it). */
static int metadata_host(const struct call *call, const char *host)
{
    return call->req.allow_insecure_link_local &&
           (strcmp(host, "169.254.169.254") == 0 || strcasecmp(host, "[fd00:ec2::254]") == 0 ||
            strcasecmp(host, "metadata.google.internal") == 0);
}

/* Plain http:// only to 127.0.0.0/8, ::1 or localhost, or (per request) the link-local metadata
 * service. Fills hostport for error messages. */
static int check_url(struct call *call, struct err *e)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    int rc = -1;

    if (u == NULL)
        return err_set(e, ERR_NOMEM, "out of memory parsing a URL");
    if (curl_url_set(u, CURLUPART_URL, call->req.url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        err_set(e, ERR_USAGE, "%s %s: malformed URL \"%.200s\"", call->req.service,
                call->req.operation, call->req.url);
        goto out;
    }
    snprintf(call->hostport, sizeof(call->hostport), "%s:%s", host, port);
    call->loopback = is_loopback(host);
    if (strcasecmp(scheme, "https") == 0 ||
        (strcasecmp(scheme, "http") == 0 && (call->loopback || metadata_host(call, host)))) {
        rc = 0;
    } else {
        err_set(e, ERR_USAGE,
                "%s %s: refusing %s://%s: only https://, or http:// to a loopback host "
                "(127.0.0.1, ::1, localhost), is allowed; check the endpoint setting",
                call->req.service, call->req.operation, scheme, host);
    }
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return rc;
}

/* Appends call to the waiting queue. A refresh of the large world queues some 44,000
 * DescribeExport calls at once: walking the list for its end on every submit was quadratic. */
static void waiting_append(struct http_client *c, struct call *call)
{
    call->next = NULL;
    if (c->waiting_last != NULL)
        c->waiting_last->next = call;
    else
        c->waiting = call;
    c->waiting_last = call;
}

int http_submit(struct http_client *c, struct http_request *req, http_done_fn done, void *ctx,
                struct err *e)
{
    struct call *call = calloc(1, sizeof(*call));

    if (call == NULL) {
        http_request_release(req);
        return err_set(e, ERR_NOMEM, "out of memory queueing %s %s", req->service, req->operation);
    }
    call->req = *req; /* the request's contents move into the call */
    memset(req, 0, sizeof(*req));
    req->service = call->req.service;
    req->operation = call->req.operation;
    call->client = c;
    call->done = done;
    call->ctx = ctx;
    call->max_attempts = call->req.max_attempts > 0 ? call->req.max_attempts : c->opt.max_attempts;
    call->timeout_ms = call->req.timeout_ms > 0 ? call->req.timeout_ms : c->opt.timeout_ms;
    call->max_response = call->req.max_response ? call->req.max_response : c->opt.max_response;
    buf_init(&call->resp.body, call->max_response);
    buf_init(&call->retry_log, 4096);
    if (check_url(call, e) != 0) {
        call_free(call);
        return -1;
    }
    call->at_ms = clock_now_ms(c->opt.clock);
    call->start_mono = call->due_mono = clock_mono_ms();
    waiting_append(c, call);
    return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct call *call = ud;

    if (buf_append(&call->resp.body, p, size * n) != 0) {
        call->toobig = call->resp.body.toobig;
        return 0;
    }
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct call *call = ud;
    size_t len = size * n, nl;
    char line[8192];
    char *colon, *v, *end;

    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new status line: a fresh set */
        http_headers_release(&call->resp.headers);
        return len;
    }
    nl = len < sizeof(line) ? len : sizeof(line) - 1;
    memcpy(line, p, nl);
    line[nl] = '\0';
    colon = strchr(line, ':');
    if (colon == NULL)
        return len;
    *colon = '\0';
    v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    end = v + strlen(v);
    while (end > v && strchr(" \t\r\n", end[-1]))
        *--end = '\0';
    http_headers_set(&call->resp.headers, line, v, NULL); /* a 33rd header is dropped */
    return len;
}

static int build_headers(struct call *call, struct err *e)
{
    struct curl_slist *s = NULL, *t;
    struct buf line = BUF_INIT(65536);
    struct http_headers *h = &call->req.headers;

    curl_slist_free_all(call->slist);
    call->slist = NULL;
    for (size_t i = 0; i <= h->n; i++) {
        buf_reset(&line);
        if (i == h->n ? buf_puts(&line, "Expect:")
                      : buf_printf(&line, "%s%s %s", h->name[i], h->value[i][0] ? ":" : ";",
                                   h->value[i]) != 0)
            goto fail;
        if ((t = curl_slist_append(s, buf_cstr(&line))) == NULL)
            goto fail;
        s = t;
    }
    buf_release(&line);
    call->slist = s;
    return 0;
fail:
    buf_release(&line);
    curl_slist_free_all(s);
    return err_set(e, ERR_NOMEM, "%s %s: out of memory building request headers", call->req.service,
                   call->req.operation);
}

/* Starts the next attempt: fresh authentication, fresh response, onto the multi handle. */
static void start_attempt(struct call *call)
{
    struct http_client *c = call->client;
    struct err e = ERR_INIT;

    call->attempts++;
    if (call->req.prepare &&
        call->req.prepare(call->req.prepare_ctx, &call->req, clock_now_ms(c->opt.clock), &e) != 0) {
        finish(call, &e);
        return;
    }
    if (call->easy == NULL)
        call->easy = c->n_pool > 0 ? c->pool[--c->n_pool] : curl_easy_init();
    http_response_release(&call->resp);
    buf_init(&call->resp.body, call->max_response);
    call->toobig = 0;
    call->errbuf[0] = '\0';
    if (call->easy == NULL || build_headers(call, &e) != 0 || setup_easy(call) != 0 ||
        curl_multi_add_handle(c->multi, call->easy) != CURLM_OK) {
        err_set(&e, ERR_NOMEM, "%s %s: could not start the transfer", call->req.service,
                call->req.operation);
        finish(call, &e);
        return;
    }
    call->next = c->running;
    c->running = call;
    c->in_flight++;
}

static int setup_easy(struct call *call)
{
    CURL *h = call->easy;
    const char *m = call->req.method;
    CURLcode rc = CURLE_OK;

    curl_easy_reset(h);
#define SET(opt, val)                                                                              \
    if (rc == CURLE_OK)                                                                            \
    rc = curl_easy_setopt(h, opt, val)
    SET(CURLOPT_URL, call->req.url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
    SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, call->client->opt.connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, call->timeout_ms);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)call->max_response);
    SET(CURLOPT_USERAGENT, call->client->user_agent);
    SET(CURLOPT_ERRORBUFFER, call->errbuf);
    SET(CURLOPT_HTTPHEADER, call->slist);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, call);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, call);
    SET(CURLOPT_PRIVATE, call);
    if (call->loopback) { /* a proxy cannot reach our loopback; proxy env vars apply elsewhere */
        SET(CURLOPT_NOPROXY, "*");
    } else { /* wait for a TLS connection to tell whether HTTP/2 can carry this transfer too */
        SET(CURLOPT_PIPEWAIT, 1L);
    }
    if (strcmp(m, "HEAD") == 0) {
        SET(CURLOPT_NOBODY, 1L);
    } else if (strcmp(m, "GET") == 0 && call->req.body == NULL) {
        SET(CURLOPT_HTTPGET, 1L);
    } else {
        if (strcmp(m, "POST") != 0)
            SET(CURLOPT_CUSTOMREQUEST, m);
        if (strcmp(m, "POST") == 0 || call->req.body != NULL) {
            SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->req.body_len);
            SET(CURLOPT_POSTFIELDS, call->req.body ? call->req.body : "");
        }
    }
#undef SET
    return rc == CURLE_OK ? 0 : -1;
}

/* What a transport failure was, in words a person can act on. */
static void describe_curl(const struct call *call, CURLcode rc, char *out, size_t size)
{
    const char *hp = call->hostport, *detail = call->errbuf[0] ? call->errbuf : "";

    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        snprintf(out, size,
                 "could not connect to %.150s (%.250s); check the endpoint setting and the network",
                 hp, detail);
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        snprintf(out, size,
                 "could not resolve the host of %.150s (%.250s); check DNS or the endpoint", hp,
                 detail);
        break;
    case CURLE_OPERATION_TIMEDOUT:
        if (strstr(detail, "onnection timed out") != NULL)
            snprintf(out, size, "timed out after %ld ms connecting to %.150s",
                     call->client->opt.connect_timeout_ms, hp);
        else
            snprintf(out, size, "timed out after %ld ms talking to %.150s", call->timeout_ms, hp);
        break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        if (strstr(detail, "reset") != NULL)
            snprintf(out, size, "connection reset by %.150s", hp);
        else
            snprintf(out, size, "connection to %.150s failed (%.250s)", hp, detail);
        break;
    case CURLE_GOT_NOTHING:
        snprintf(out, size, "connection closed by %.150s without an answer", hp);
        break;
    case CURLE_PARTIAL_FILE:
        snprintf(out, size, "truncated response from %.150s (%.250s)", hp, detail);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
        snprintf(out, size,
                 "TLS with %.150s failed (%.250s); check the system CA certificates and proxy", hp,
                 detail[0] ? detail : curl_easy_strerror(rc));
        break;
    default:
        snprintf(out, size, "%s talking to %.150s%s%.250s", curl_easy_strerror(rc), hp,
                 detail[0] ? ": " : "", detail);
    }
}

static int curl_retryable(const struct call *call, CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        return call->attempts < CONNECT_ATTEMPTS;
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return 1;
    default:
        return 0;
    }
}

/* Retry-After in ms (delta seconds or an HTTP-date), -1 when absent or unreadable. */
static int64_t retry_after_ms(const struct call *call)
{
    const char *v = http_headers_get(&call->resp.headers, "Retry-After");
    const char *date = http_headers_get(&call->resp.headers, "Date");
    char *end;
    long long secs;
    time_t at, now;

    if (v == NULL || *v == '\0')
        return -1;
    secs = strtoll(v, &end, 10);
    if (end != v && *end == '\0')
        return secs < 0 ? 0 : secs * 1000;
    at = curl_getdate(v, NULL);
    if (at < 0)
        return -1;
    now = date ? curl_getdate(date, NULL) : -1;
    if (now < 0)
        now = (time_t)(clock_now_ms(call->client->opt.clock) / 1000);
    return at > now ? (int64_t)(at - now) * 1000 : 0;
}

/* Queues the next attempt after a wait; reason says why ("HTTP 503 SlowDown"). Returns -1 when
 * the service asked for a longer wait than we accept (call->note says so; the call fails). */
static int schedule_retry(struct call *call, const char *reason)
{
    struct http_client *c = call->client;
    int64_t wait = retry_after_ms(call);
    int honoured = wait >= 0;

    if (wait > RETRY_AFTER_LIMIT_MS && wait > c->opt.backoff_cap_ms) {
        snprintf(call->note, sizeof(call->note),
                 " (the service asked to retry after %lld s; not waiting that long)",
                 (long long)(wait / 1000));
        return -1;
    }
    if (!honoured)
        wait = http_retry_backoff_ms(&c->rng, c->opt.backoff_base_ms, c->opt.backoff_cap_ms,
                                     call->attempts - 1);
    buf_printf(&call->retry_log, "%s%s, waited %lld.%03llds (%s)", call->retry_log.len ? "; " : "",
               reason, (long long)(wait / 1000), (long long)(wait % 1000),
               honoured ? "Retry-After" : "backoff");
    call->due_mono = clock_mono_ms() + wait;
    waiting_append(c, call);
    return 0;
}

/* One attempt ended: finish the call, or queue its retry. */
static void attempt_done(struct call *call, CURLcode rc)
{
    struct err e = ERR_INIT;
    char what[600], code[128] = "", reason[200];
    curl_off_t up = 0, down = 0;
    long status = 0, hdr = 0, reqsize = 0;
    enum http_retry_kind kind;

    curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(call->easy, CURLINFO_SIZE_UPLOAD_T, &up);
    curl_easy_getinfo(call->easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
    curl_easy_getinfo(call->easy, CURLINFO_HEADER_SIZE, &hdr);
    curl_easy_getinfo(call->easy, CURLINFO_REQUEST_SIZE, &reqsize);
    call->bytes_sent += up + reqsize;
    call->bytes_received += down + hdr;
    call->resp.status = rc == CURLE_OK ? status : 0;
    if (rc == CURLE_OK) {
        kind = http_retry_classify(status, &call->resp.headers, call->resp.body.data,
                                   call->resp.body.len, code, sizeof(code));
        if (status >= 200 && status < 300) {
            finish(call, &e);
            return;
        }
        snprintf(reason, sizeof(reason), "HTTP %ld%s%s", status, code[0] ? " " : "", code);
        if (kind != HTTP_RETRY_NO && (!call->req.not_idempotent || kind == HTTP_RETRY_THROTTLED) &&
            call->attempts < call->max_attempts && schedule_retry(call, reason) == 0)
            return;
        if (kind == HTTP_RETRY_TRANSIENT && call->req.not_idempotent)
            snprintf(call->note, sizeof(call->note), "%s", MAYBE_DONE);
        http_retry_error(&e, &call->req, status, code, kind, call->attempts,
                         buf_cstr(&call->resp.body), call->note);
    } else if (call->toobig || rc == CURLE_FILESIZE_EXCEEDED) {
        err_set(&e, ERR_SERVICE, "response from %s %s exceeded %zu bytes (from %s)",
                call->req.service, call->req.operation, call->max_response, call->hostport);
    } else {
        describe_curl(call, rc, what, sizeof(what));
        bool maybe_done = call->req.not_idempotent && rc != CURLE_COULDNT_CONNECT;
        if (curl_retryable(call, rc) && !maybe_done && call->attempts < call->max_attempts &&
            schedule_retry(call, what) == 0)
            return;
        err_set(&e, ERR_NETWORK, "%s %s: %s after %d attempt%s%s", call->req.service,
                call->req.operation, what, call->attempts, call->attempts == 1 ? "" : "s",
                maybe_done ? MAYBE_DONE : "");
    }
    finish(call, &e);
}

static void report_call(struct call *call, const struct err *e)
{
    struct http_client *c = call->client;
    struct api_call rec = {0};
    struct buf url = BUF_INIT(65536), msg = BUF_INIT(4096), cmd = BUF_INIT(65536);
    struct buf detail = BUF_INIT(8192);

    if (c->opt.on_call == NULL)
        return;
    http_redact(&url, call->req.url);
    if (e->code != ERR_OK)
        http_redact(&msg, e->msg);
    if (call->req.command)
        http_redact(&cmd, call->req.command);
    if (call->retry_log.len)
        buf_printf(&detail, "retries: %d (%s)", call->attempts - 1, buf_cstr(&call->retry_log));
    rec.at_ms = call->at_ms;
    rec.service = (char *)call->req.service;
    rec.operation = (char *)call->req.operation;
    rec.method = call->req.method;
    rec.url = (char *)buf_cstr(&url);
    rec.status = call->resp.status;
    rec.latency_ms = call->resp.latency_ms;
    rec.bytes_sent = call->bytes_sent;
    rec.bytes_received = call->bytes_received;
    rec.retries = call->resp.retries;
    rec.error = e->code != ERR_OK ? (char *)buf_cstr(&msg) : NULL;
    rec.command = call->req.command ? (char *)buf_cstr(&cmd) : NULL;
    rec.retry_detail = call->retry_log.len ? (char *)buf_cstr(&detail) : NULL;
    c->opt.on_call(c->opt.on_call_ctx, &rec);
    buf_release(&url);
    buf_release(&msg);
    buf_release(&cmd);
    buf_release(&detail);
}

static void finish(struct call *call, const struct err *e)
{
    const char *date = http_headers_get(&call->resp.headers, "Date");
    time_t t = date ? curl_getdate(date, NULL) : -1;

    call->resp.retries = call->attempts > 1 ? call->attempts - 1 : 0;
    call->resp.latency_ms = clock_mono_ms() - call->start_mono;
    call->resp.server_date_ms = t > 0 ? (int64_t)t * 1000 : 0;
    report_call(call, e);
    if (call->done)
        call->done(call->ctx, &call->req, &call->resp, e);
    call_free(call);
}

/* Starts every queued call that is due while slots are free; *next_due gets the earliest
 * monotonic time a waiting call becomes due (INT64_MAX when none waits). */
static void start_due(struct http_client *c, int64_t *next_due)
{
    struct call **p, *call;
    int64_t now;

restart:
    now = clock_mono_ms();
    *next_due = INT64_MAX;
    /* No free slot: nothing can start, and a finishing call calls this again (drive() polls at
     * most 1 s). Scanning the whole queue here on every turn was quadratic with 44,000 queued. */
    if (c->in_flight >= c->opt.max_in_flight)
        return;
    for (p = &c->waiting; *p; p = &(*p)->next) {
        call = *p;
        if (call->due_mono <= now && c->in_flight < c->opt.max_in_flight) {
            *p = call->next;
            if (call == c->waiting_last) /* p is the previous call's next, or the head */
                c->waiting_last =
                    p == &c->waiting
                        ? NULL
                        : (struct call *)(void *)((char *)p - offsetof(struct call, next));
            call->next = NULL;
            start_attempt(call); /* may finish the call and queue new ones */
            goto restart;
        }
        if (call->due_mono > now && call->due_mono < *next_due) /* due ones wait for a slot */
            *next_due = call->due_mono;
    }
}

static void collect(struct http_client *c)
{
    CURLMsg *m;
    int left;

    while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
        struct call *call = NULL, **p;
        CURLcode rc = m->data.result;
        CURL *easy = m->easy_handle;

        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&call);
        curl_multi_remove_handle(c->multi, easy);
        for (p = &c->running; *p; p = &(*p)->next) {
            if (*p == call) {
                *p = call->next;
                break;
            }
        }
        call->next = NULL;
        c->in_flight--;
        attempt_done(call, rc);
    }
}

/* Drives the client until *flag is set (when flag is not NULL), nothing is left, or deadline
 * (monotonic ms, -1 = none) passes. */
static int drive(struct http_client *c, int64_t deadline, const int *flag)
{
    int64_t next_due, now;
    int running;
    long wait;

    for (;;) {
        start_due(c, &next_due);
        if ((flag && *flag) || (c->in_flight == 0 && c->waiting == NULL))
            break;
        curl_multi_perform(c->multi, &running);
        collect(c);
        start_due(c, &next_due);
        if ((flag && *flag) || (c->in_flight == 0 && c->waiting == NULL))
            break;
        now = clock_mono_ms();
        if (deadline >= 0 && now >= deadline)
            break;
        if (curl_multi_timeout(c->multi, &wait) != CURLM_OK || wait < 0 || wait > 1000)
            wait = 1000;
        if (next_due != INT64_MAX && next_due - now < wait)
            wait = next_due > now ? (long)(next_due - now) : 0;
        if (deadline >= 0 && deadline - now < wait)
            wait = (long)(deadline - now);
        curl_multi_poll(c->multi, NULL, 0, (int)wait, NULL);
    }
    running = c->in_flight;
    for (struct call *w = c->waiting; w; w = w->next)
        running++;
    return running;
}

int http_run(struct http_client *c, long timeout_ms)
{
    return drive(c, timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms, NULL);
}

struct do_state {
    int finished;
    struct http_response *resp;
    struct err err;
};

static void do_done(void *ctx, struct http_request *req, struct http_response *resp,
                    const struct err *e)
{
    struct do_state *st = ctx;

    (void)req;
    st->finished = 1;
    *st->resp = *resp; /* move: the client releases an emptied response */
    memset(resp, 0, sizeof(*resp));
    st->err = *e;
}

int http_do(struct http_client *c, struct http_request *req, struct http_response *resp,
            struct err *e)
{
    struct do_state st = {0, resp, ERR_INIT};

    memset(resp, 0, sizeof(*resp));
    if (http_submit(c, req, do_done, &st, e) != 0)
        return -1;
    drive(c, -1, &st.finished);
    if (st.err.code == ERR_OK)
        return 0;
    return err_set_http(e, st.err.code, st.err.http_status, "%s", st.err.msg);
}
