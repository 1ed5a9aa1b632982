/* tests/fakecloud/gcp_http.c: request and answer plumbing shared by the DTS and BigQuery
 * handlers: repeated query parameters, page sizes and the world's opaque page tokens, and
 * the two Google error shapes with the front end's wording for malformed parameters. Never
 * accepts a page token it did not make. */
#include "tests/fakecloud/gcp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "tests/fakecloud/world.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i] == '+' ? ' ' : s[i];
        }
    }
    *o = '\0';
    return out;
}

char **gcp_query_all(const struct fc_request *req, const char *name)
{
    const char *p = req->query;
    size_t n = 0;
    char **v = calloc(1, sizeof(*v));

    while (v && p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        char *key = decode(p, eq ? (size_t)(eq - p) : len);
        if (key && strcmp(key, name) == 0) {
            char **nv = realloc(v, (n + 2) * sizeof(*v));
            if (nv == NULL) {
                free(key);
                gcp_strv_free(v);
                return NULL;
            }
            v = nv;
            v[n++] = eq ? decode(eq + 1, len - (size_t)(eq - p) - 1) : strdup("");
            v[n] = NULL;
        }
        free(key);
        p = amp ? amp + 1 : NULL;
    }
    return v;
}

void gcp_strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

int gcp_dts_error(struct fc_response *r, int http, const char *status, const char *message,
                  const char *field)
{
    json_t *err = json_pack("{s:i,s:s,s:s}", "code", http, "message", message, "status", status);

    if (err && field)
        json_object_set_new(err, "details",
                            json_pack("[{s:s,s:[{s:s,s:s}]}]", "@type",
                                      "type.googleapis.com/google.rpc.BadRequest",
                                      "fieldViolations", "field", field, "description", message));
    return fc_respond_json(r, http, json_pack("{s:o*}", "error", err));
}

static const char *bq_status(int http, const char *reason)
{
    if (http == 404)
        return "NOT_FOUND";
    if (http == 403)
        return "PERMISSION_DENIED";
    if (http == 412 || strcmp(reason, "failedPrecondition") == 0)
        return "FAILED_PRECONDITION";
    if (http == 401)
        return "UNAUTHENTICATED";
    return "INVALID_ARGUMENT";
}

int gcp_bq_error(struct fc_response *r, int http, const char *reason, const char *message)
{
    return fc_respond_json(r, http,
                           json_pack("{s:{s:i,s:s,s:[{s:s,s:s,s:s}],s:s}}", "error", "code", http,
                                     "message", message, "errors", "message", message, "domain",
                                     "global", "reason", reason, "status",
                                     bq_status(http, reason)));
}

/* The front end's answer to a malformed parameter (either service). */
static int bad_param(struct fc_response *r, int bq, const char *field, const char *type,
                     const char *value)
{
    char msg[512];

    snprintf(msg, sizeof(msg), "Invalid value at '%s' (%s), \"%.200s\"", field, type, value);
    return bq ? gcp_bq_error(r, 400, "invalid", msg)
              : gcp_dts_error(r, 400, "INVALID_ARGUMENT", msg, field);
}

int gcp_page_parse(const struct fc_request *req, struct fc_response *r, const struct fw_world *w,
                   int bq, size_t max_allowed, size_t dflt, const char *kind, struct gcp_page *pg)
{
    const char *size = fc_query_param(req, bq ? "maxResults" : "pageSize");
    const char *tok = fc_query_param(req, "pageToken");
    long long v = 0;
    char *end = NULL;
    char msg[256];

    pg->offset = 0;
    pg->size = dflt;
    pg->kind = kind;
    if (size && *size) {
        errno = 0;
        v = strtoll(size, &end, 10);
        if (errno || *end || (bq && v < 0)) {
            bad_param(r, bq, bq ? "max_results" : "page_size",
                      bq ? "type.googleapis.com/google.protobuf.UInt32Value" : "TYPE_INT32", size);
            return -1;
        }
        if (v < 0 || (!bq && (size_t)v > max_allowed)) {
            snprintf(msg, sizeof(msg), "Page size must be between 0 and %zu, got %lld.",
                     max_allowed, v);
            gcp_dts_error(r, 400, "INVALID_ARGUMENT", msg, "page_size");
            return -1;
        }
        if (v > 0)
            pg->size = (size_t)v > max_allowed ? max_allowed : (size_t)v;
    }
    pg->size = fw_page(w, pg->size);
    if (pg->size == 0)
        pg->size = 1;
    if (tok && *tok && fw_token_parse(tok, kind, &pg->offset) != 0) {
        snprintf(msg, sizeof(msg), "Invalid page token: %.100s", tok);
        if (bq)
            gcp_bq_error(r, 400, "invalid", msg);
        else
            gcp_dts_error(r, 400, "INVALID_ARGUMENT", msg, "page_token");
        return -1;
    }
    return 0;
}

void gcp_page_finish(json_t *out, const struct gcp_page *pg, size_t total)
{
    char tok[FW_TOKEN_MAX];

    if (total <= pg->offset + pg->size)
        return;
    fw_token_make(tok, pg->kind, pg->offset + pg->size);
    json_object_set_new(out, "nextPageToken", json_string(tok));
}

/* google.rpc.Code name → HTTP status. */
static int rpc_http(const char *code)
{
    static const struct {
        const char *name;
        int http;
    } map[] = {
        {"INVALID_ARGUMENT", 400},  {"FAILED_PRECONDITION", 400}, {"OUT_OF_RANGE", 400},
        {"NOT_FOUND", 404},         {"ALREADY_EXISTS", 409},      {"ABORTED", 409},
        {"PERMISSION_DENIED", 403}, {"UNAUTHENTICATED", 401},     {"RESOURCE_EXHAUSTED", 429},
        {"UNIMPLEMENTED", 501},     {"UNAVAILABLE", 503},         {"DEADLINE_EXCEEDED", 504}};

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].name, code) == 0)
            return map[i].http;
    return 500;
}

int gcp_dts_fw_error(struct fc_response *r, const struct fw_error *e)
{
    int http = e->http ? e->http : rpc_http(e->code);
    return gcp_dts_error(r, http, e->code[0] ? e->code : "INTERNAL", e->message, NULL);
}

const char *gcp_time(int64_t ms, char *out, size_t n)
{
    return time_format_utc(ms, out, n);
}
