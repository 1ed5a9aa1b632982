/* tests/fakecloud/control.c: the /_fake/... endpoints — health, faults set at run time,
 * request counts, peak concurrency, and test routes for the HTTP engine (echo, a big body, any
 * status). No cloud semantics here; the service modules own those. */
#include "tests/fakecloud/fakecloud.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

int fc_control_health(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    (void)req;
    return fc_respond_json(r, 200, json_pack("{s:s,s:i}", "status", "ok", "port", fc->port));
}

int fc_control_faults(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    char errbuf[256];
    json_error_t jerr;
    json_t *doc;

    if (strcmp(req->method, "GET") != 0) {
        doc = req->body_len ? json_loadb(req->body, req->body_len, 0, &jerr) : json_object();
        if (doc == NULL) {
            snprintf(errbuf, sizeof(errbuf), "faults: bad JSON: %s", jerr.text);
            return fc_respond_json(r, 400, json_pack("{s:s}", "error", errbuf));
        }
        if (fc_faults_load(fc, doc, errbuf, sizeof(errbuf)) != 0) {
            json_decref(doc);
            return fc_respond_json(r, 400, json_pack("{s:s}", "error", errbuf));
        }
        json_decref(doc);
    }
    return fc_respond_json(r, 200, fc_faults_json(fc));
}

int fc_control_calls(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    long n;

    (void)req;
    pthread_mutex_lock(&fc->lock);
    n = fc->n_calls;
    pthread_mutex_unlock(&fc->lock);
    return fc_respond_json(r, 200, json_pack("{s:I}", "count", (json_int_t)n));
}

/* GET: requests so far, in progress now, peak in progress; POST: also resets the peak. */
int fc_control_stats(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    long n;
    int active, peak;

    pthread_mutex_lock(&fc->lock);
    if (strcmp(req->method, "GET") != 0)
        fc->peak_active = fc->active;
    n = fc->n_calls;
    active = fc->active;
    peak = fc->peak_active;
    pthread_mutex_unlock(&fc->lock);
    return fc_respond_json(r, 200,
                           json_pack("{s:I,s:i,s:i}", "requests", (json_int_t)n, "active", active,
                                     "peak_active", peak));
}

static enum MHD_Result echo_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    json_object_set_new(cls, key, json_string(value ? value : ""));
    return MHD_YES;
}

/* Answers the request as it arrived: method, path, query, every header (unredacted: this is
 * what the client sent) and the body. */
int fc_control_echo(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    json_t *hdrs = json_object();
    json_t *body = json_stringn(req->body, req->body_len);

    (void)fc;
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, echo_header, hdrs);
    return fc_respond_json(r, 200,
                           json_pack("{s:s,s:s,s:s,s:o,s:o,s:I}", "method", req->method, "path",
                                     req->path, "query", req->query, "headers", hdrs, "body",
                                     body ? body : json_null(), "body_length",
                                     (json_int_t)req->body_len));
}

/* ?bytes=N: N bytes of 'x', streamed (Content-Length N). */
int fc_control_big(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    const char *v = fc_query_param(req, "bytes");
    unsigned long long n = v ? strtoull(v, NULL, 10) : 1024;

    (void)fc;
    if (n > (1ULL << 30))
        return fc_respond_error(r, "fake", 400, "INVALID_ARGUMENT", "bytes: at most 1 GiB");
    r->status = 200;
    r->generated = (size_t)n;
    snprintf(r->content_type, sizeof(r->content_type), "text/plain");
    if (n == 0)
        return fc_respond(r, 200, "text/plain", "", 0);
    return 0;
}

/* ?code=N[&retry_after=S][&body=TEXT]: answers status N with that body, else the request's
 * body, else {"status":N}. */
int fc_control_status(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    const char *code = fc_query_param(req, "code");
    const char *ra = fc_query_param(req, "retry_after");
    const char *body = fc_query_param(req, "body");
    long status = code ? strtol(code, NULL, 10) : 200;
    int rc;

    (void)fc;
    if (status < 200 || status > 599)
        return fc_respond_error(r, "fake", 400, "INVALID_ARGUMENT", "code: want 200..599");
    if (body)
        rc = fc_respond(r, (int)status, "application/json", body, strlen(body));
    else if (req->body_len)
        rc = fc_respond(r, (int)status, "application/json", req->body, req->body_len);
    else
        rc = fc_respond_json(r, (int)status, json_pack("{s:i}", "status", (int)status));
    if (rc == 0 && ra)
        rc = fc_respond_header(r, "Retry-After", ra);
    return rc;
}
