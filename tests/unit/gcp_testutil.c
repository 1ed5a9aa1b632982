/* tests/unit/gcp_testutil.c: the Google self-check's plumbing — the fake cloud started with the
 * demo scenario, a bearer token from core/gauth (the service-account key file the fake wrote,
 * jwt-bearer grant against its /token), calls over core/http without retries, and checks of
 * every answer against the discovery documents and Google's error shapes. Never sends a query:
 * only the metadata calls pipetop makes (plus the refused ones the tests ask for). */
#include "tests/unit/gcp_testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/gauth.h"
#include "core/http.h"
#include "core/timeutil.h"

#define GT_DEMO "tests/scenarios/demo.json"
#define GT_FALLBACK "tests/data/fakecloud/gcp-selfcheck.json"

static struct discovery *dts_doc, *bq_doc;

int gt_init(void)
{
    const char *env = getenv("PIPETOP_SHARED");
    char path[1024];
    struct err e = ERR_INIT;

    snprintf(path, sizeof(path), "%s/reference/google-discovery/bigquerydatatransfer.v1.json",
             env && *env ? env : "../shared");
    if (discovery_load(&dts_doc, path, &e) != 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/reference/google-discovery/bigquery.v2.json",
             env && *env ? env : "../shared");
    if (discovery_load(&bq_doc, path, &e) != 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "%s (set PIPETOP_SHARED to the shared folder)\n", e.msg);
    return -1;
}

void gt_fini(void)
{
    discovery_free(dts_doc);
    discovery_free(bq_doc);
    dts_doc = bq_doc = NULL;
}

static void copy_str(char *out, size_t n, json_t *obj, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(obj, key));
    snprintf(out, n, "%s", v ? v : dflt);
}

static char *scenario_text(struct gt *g, int paged)
{
    const char *file = access(GT_DEMO, R_OK) == 0 ? GT_DEMO : GT_FALLBACK;
    json_error_t jerr;
    json_t *root = json_load_file(file, 0, &jerr), *gcp;
    char *text;

    if (root == NULL) {
        fprintf(stderr, "%s: %s (line %d)\n", file, jerr.text, jerr.line);
        return NULL;
    }
    if (json_object_get(root, "gcp") == NULL)
        json_object_set_new(root, "gcp", json_object());
    gcp = json_object_get(root, "gcp");
    if (paged) {
        json_object_set_new(root, "page_size", json_integer(1));
        json_object_set_new(gcp, "token_ttl_s", json_integer(2));
    }
    copy_str(g->project, sizeof(g->project), gcp, "project", "fake-project");
    copy_str(g->project_number, sizeof(g->project_number), gcp, "project_number", "123456789012");
    copy_str(g->location, sizeof(g->location), gcp, "location", "us");
    text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return text;
}

int gt_start(struct gt *g, int paged)
{
    struct http_options ho = {0};
    struct gauth_cred cred;
    struct err e = ERR_INIT;
    char *text, path[512];

    memset(g, 0, sizeof(*g));
    g->paged = paged;
    g->dts = dts_doc;
    g->bq = bq_doc;
    if ((text = scenario_text(g, paged)) == NULL)
        return -1;
    if (fakecloud_start(&g->proc, text) != 0) {
        free(text);
        return -1;
    }
    free(text);
    memset(&cred, 0, sizeof(cred));
    snprintf(path, sizeof(path), "%s/service_account.json", g->proc.workdir);
    ho.max_attempts = 1;
    if (gauth_cred_load_file(&cred, path, &e) != 0 || gauth_new(&g->auth, &cred, NULL, &e) != 0 ||
        http_client_new(&g->http, &ho, &e) != 0) {
        fprintf(stderr, "gcp self-check: %s\n", e.msg);
        gauth_cred_release(&cred);
        gt_stop(g);
        return -1;
    }
    return 0;
}

int gt_stop(struct gt *g)
{
    int rc = g->proc.pid > 0 ? fakecloud_stop(&g->proc) : 0;

    http_client_free(g->http);
    gauth_free(g->auth);
    json_decref(g->configs);
    free(g->dump);
    g->http = NULL;
    g->auth = NULL;
    g->configs = NULL;
    g->dump = NULL;
    return rc;
}

const char *gt_dts_url(struct gt *g, const char *project, const char *suffix)
{
    snprintf(g->url, sizeof(g->url), "%s/v1/projects/%s/locations/%s%s", g->proc.url, project,
             g->location, suffix);
    return g->url;
}

const char *gt_bq_url(struct gt *g, const char *suffix)
{
    snprintf(g->url, sizeof(g->url), "%s/bigquery/v2/projects/%s%s", g->proc.url, g->project,
             suffix);
    return g->url;
}

json_t *gt_call(struct gt *g, const char *method, const char *url, const char *body,
                const char *bearer, const char *if_match)
{
    struct http_request req;
    struct http_response resp;
    struct err e = ERR_INIT;
    char hdr[512];
    json_t *doc = NULL;

    assert_int_equal(http_request_init(&req, "fake", "gcp-selfcheck", method, url, &e), 0);
    if (bearer == NULL) {
        req.prepare = gauth_prepare;
        req.prepare_ctx = g->auth;
    } else if (*bearer) {
        snprintf(hdr, sizeof(hdr), "Bearer %s", bearer);
        assert_int_equal(http_headers_set(&req.headers, "Authorization", hdr, &e), 0);
    }
    if (if_match)
        assert_int_equal(http_headers_set(&req.headers, "If-Match", if_match, &e), 0);
    if (body) {
        assert_int_equal(http_headers_set(&req.headers, "Content-Type", "application/json", &e), 0);
        assert_int_equal(http_request_set_body(&req, body, strlen(body), &e), 0);
    }
    http_do(g->http, &req, &resp, &e);
    g->status = resp.status;
    if (resp.body.len)
        doc = json_loadb(buf_cstr(&resp.body), resp.body.len, 0, NULL);
    if (resp.status == 0)
        fail_msg("%s %s: no answer: %s", method, url, e.msg);
    http_response_release(&resp);
    return doc;
}

static void validate(struct gt *g, enum gt_svc svc, const char *method_id, json_t *doc,
                     const char *where)
{
    struct discovery *d = svc == GT_DTS ? g->dts : g->bq;
    const char *schema = discovery_response_schema(d, method_id);
    struct err e = ERR_INIT;

    if (schema == NULL)
        fail_msg("no response schema for %s", method_id);
    if (discovery_check(d, schema, doc, &e) != 0)
        fail_msg("%s (%s): %s\n%s", where, method_id, e.msg, gt_dump(g, doc));
}

static const char *svc_url(struct gt *g, enum gt_svc svc, const char *path)
{
    return svc == GT_DTS ? gt_dts_url(g, g->project, path) : gt_bq_url(g, path);
}

json_t *gt_ok_hdr(struct gt *g, enum gt_svc svc, const char *method, const char *path,
                  const char *body, const char *method_id, const char *if_match)
{
    json_t *doc = gt_call(g, method, svc_url(g, svc, path), body, NULL, if_match);

    if (g->status != 200 || doc == NULL)
        fail_msg("%s %s: status %ld, %s", method, path, g->status, gt_dump(g, doc));
    validate(g, svc, method_id, doc, path);
    return doc;
}

json_t *gt_ok(struct gt *g, enum gt_svc svc, const char *method, const char *path, const char *body,
              const char *method_id)
{
    return gt_ok_hdr(g, svc, method, path, body, method_id, NULL);
}

static json_t *page(struct gt *g, enum gt_svc svc, const char *path, const char *query,
                    const char *token, const char *method_id)
{
    struct buf u = BUF_INIT(8192), enc = BUF_INIT(1024);
    json_t *doc;

    buf_printf(&u, "%s", path);
    if (query && *query)
        buf_printf(&u, "?%s", query);
    if (token) {
        http_urlencode(&enc, token, strlen(token), 0);
        buf_printf(&u, "%spageToken=%s", query && *query ? "&" : "?", buf_cstr(&enc));
    }
    doc = gt_ok(g, svc, "GET", buf_cstr(&u), NULL, method_id);
    buf_release(&u);
    buf_release(&enc);
    return doc;
}

json_t *gt_list_all(struct gt *g, enum gt_svc svc, const char *path, const char *query,
                    const char *field, const char *method_id)
{
    json_t *all = json_array(), *doc = NULL, *items, *item;
    char *token = NULL;
    size_t i;

    for (int n = 0; n < 20000; n++) {
        doc = page(g, svc, path, query, token, method_id);
        items = json_object_get(doc, field);
        if (items && json_array_size(items) == 0)
            fail_msg("%s: an empty %s array is sent instead of omitted", path, field);
        json_array_foreach(items, i, item)
        {
            json_array_append(all, item);
        }
        free(token);
        token = json_string_value(json_object_get(doc, "nextPageToken"))
                    ? strdup(json_string_value(json_object_get(doc, "nextPageToken")))
                    : NULL;
        json_decref(doc);
        if (token == NULL || *token == '\0')
            break;
    }
    free(token);
    return all;
}

void gt_assert_pages(struct gt *g, enum gt_svc svc, const char *path, const char *field,
                     const char *method_id)
{
    char *token = NULL;
    size_t pages = 0, items = 0;
    json_t *doc;

    do {
        doc = page(g, svc, path, svc == GT_DTS ? "pageSize=50" : "maxResults=50", token, method_id);
        assert_true(json_array_size(json_object_get(doc, field)) <= 1);
        items += json_array_size(json_object_get(doc, field));
        pages++;
        free(token);
        token = json_string_value(json_object_get(doc, "nextPageToken"))
                    ? strdup(json_string_value(json_object_get(doc, "nextPageToken")))
                    : NULL;
        json_decref(doc);
    } while (token && pages < 20000);
    free(token);
    assert_true(items >= 2);
    assert_int_equal(pages, items);
}

const char *gt_error_message(json_t *err)
{
    const char *m = json_string_value(json_object_get(json_object_get(err, "error"), "message"));
    return m ? m : "";
}

const char *gt_error_status(json_t *err)
{
    const char *s = json_string_value(json_object_get(json_object_get(err, "error"), "status"));
    return s ? s : "";
}

/* {"error":{"code":http,"message":"...","status":...}} with nothing else than details/errors. */
static void check_error(struct gt *g, json_t *doc, long http, const char *where)
{
    json_t *err = json_object_get(doc, "error");
    const char *k;
    json_t *v;

    if (!json_is_object(err))
        fail_msg("%s: no error object: %s", where, gt_dump(g, doc));
    assert_int_equal(json_object_size(doc), 1);
    assert_int_equal(json_integer_value(json_object_get(err, "code")), http);
    assert_true(json_is_integer(json_object_get(err, "code")));
    assert_true(json_is_string(json_object_get(err, "message")));
    assert_true(strlen(gt_error_message(doc)) > 0);
    json_object_foreach(err, k, v)
    {
        if (strcmp(k, "code") && strcmp(k, "message") && strcmp(k, "status") &&
            strcmp(k, "details") && strcmp(k, "errors"))
            fail_msg("%s: unexpected member error.%s", where, k);
    }
}

json_t *gt_dts_error(struct gt *g, const char *method, const char *path, const char *body,
                     long http, const char *status)
{
    json_t *doc = gt_call(g, method, gt_dts_url(g, g->project, path), body, NULL, NULL), *d;
    size_t i;

    if (g->status != http)
        fail_msg("%s %s: status %ld, wanted %ld: %s", method, path, g->status, http,
                 gt_dump(g, doc));
    check_error(g, doc, http, path);
    assert_string_equal(gt_error_status(doc), status);
    json_array_foreach(json_object_get(json_object_get(doc, "error"), "details"), i, d)
    {
        assert_true(json_is_string(json_object_get(d, "@type")));
    }
    return doc;
}

json_t *gt_bq_error_hdr(struct gt *g, const char *method, const char *path, const char *body,
                        long http, const char *reason, const char *if_match)
{
    json_t *doc = gt_call(g, method, gt_bq_url(g, path), body, NULL, if_match), *errs, *item;
    struct err e = ERR_INIT;
    size_t i;

    if (g->status != http)
        fail_msg("%s %s: status %ld, wanted %ld: %s", method, path, g->status, http,
                 gt_dump(g, doc));
    check_error(g, doc, http, path);
    errs = json_object_get(json_object_get(doc, "error"), "errors");
    assert_true(json_array_size(errs) >= 1);
    /* the legacy errors[] entries: ErrorProto plus "domain" (not in the discovery schema) */
    json_array_foreach(errs, i, item)
    {
        json_t *copy = json_deep_copy(item);
        assert_true(json_is_string(json_object_get(item, "domain")));
        json_object_del(copy, "domain");
        if (discovery_check(g->bq, "ErrorProto", copy, &e) != 0)
            fail_msg("%s: %s", path, e.msg);
        json_decref(copy);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "reason")),
                        reason);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "domain")),
                        "global");
    return doc;
}

json_t *gt_bq_error(struct gt *g, const char *method, const char *path, const char *body, long http,
                    const char *reason)
{
    return gt_bq_error_hdr(g, method, path, body, http, reason, NULL);
}

const char *gt_last_segment(const char *name)
{
    const char *s = name ? strrchr(name, '/') : NULL;
    return s ? s + 1 : "";
}

const char *gt_config_id(struct gt *g, const char *source, int n)
{
    json_t *c;
    size_t i;

    if (g->configs == NULL)
        g->configs = gt_list_all(g, GT_DTS, "/transferConfigs", "", "transferConfigs",
                                 "bigquerydatatransfer.projects.locations.transferConfigs.list");
    json_array_foreach(g->configs, i, c)
    {
        const char *ds = json_string_value(json_object_get(c, "dataSourceId"));
        if (ds && strcmp(ds, source) == 0 && n-- == 0)
            return gt_last_segment(json_string_value(json_object_get(c, "name")));
    }
    fail_msg("no %s transfer config in the scenario", source);
    return "";
}

static int two_fields(json_t *table)
{
    return json_array_size(json_object_get(json_object_get(table, "schema"), "fields")) >= 2;
}

json_t *gt_first_record(json_t *fields)
{
    json_t *f;
    size_t i;

    json_array_foreach(fields, i, f)
    {
        const char *type = json_string_value(json_object_get(f, "type"));
        if (type && strcmp(type, "RECORD") == 0)
            return f;
    }
    return NULL;
}

static int has_record(json_t *table)
{
    return gt_first_record(json_object_get(json_object_get(table, "schema"), "fields")) != NULL;
}

/* The first table (over every dataset) for which want() holds. */
static void find_table(struct gt *g, char *path, size_t n, int (*want)(json_t *), const char *what)
{
    json_t *ds = gt_list_all(g, GT_BQ, "/datasets", "", "datasets", "bigquery.datasets.list");
    json_t *d, *tables, *t, *got;
    char p[512];
    size_t i, k;

    path[0] = '\0';
    json_array_foreach(ds, i, d)
    {
        const char *id =
            json_string_value(json_object_get(json_object_get(d, "datasetReference"), "datasetId"));
        snprintf(p, sizeof(p), "/datasets/%s/tables", id);
        tables = gt_list_all(g, GT_BQ, p, "", "tables", "bigquery.tables.list");
        json_array_foreach(tables, k, t)
        {
            if (path[0])
                break;
            snprintf(p, sizeof(p), "/datasets/%s/tables/%s", id,
                     json_string_value(
                         json_object_get(json_object_get(t, "tableReference"), "tableId")));
            got = gt_ok(g, GT_BQ, "GET", p, NULL, "bigquery.tables.get");
            if (want(got))
                snprintf(path, n, "%s", p);
            json_decref(got);
        }
        json_decref(tables);
    }
    json_decref(ds);
    if (!path[0])
        fail_msg("no table %s in the scenario", what);
}

void gt_some_table(struct gt *g, char *path, size_t n)
{
    find_table(g, path, n, two_fields, "with two or more fields");
}

void gt_record_table(struct gt *g, char *path, size_t n)
{
    find_table(g, path, n, has_record, "with a RECORD field");
}

void gt_failed_query_run(struct gt *g, char *cfg, size_t n, json_t **run)
{
    char path[512];
    json_t *runs;

    *run = NULL;
    for (int i = 0; !*run; i++) {
        const char *id = gt_config_id(g, "scheduled_query", i); /* fails past the last one */
        snprintf(path, sizeof(path), "/transferConfigs/%s/runs", id);
        runs = gt_list_all(g, GT_DTS, path, "states=FAILED&runAttempt=LATEST", "transferRuns",
                           "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
        if (json_array_size(runs)) {
            *run = json_incref(json_array_get(runs, 0));
            snprintf(cfg, n, "%s", id);
        }
        json_decref(runs);
    }
}

void gt_query_table(struct gt *g, const char *cfg, char *path, size_t n)
{
    char p[512], name[256];
    json_t *c, *params;
    const char *q, *tmpl, *ds;
    size_t len;

    snprintf(p, sizeof(p), "/transferConfigs/%s", cfg);
    c = gt_ok(g, GT_DTS, "GET", p, NULL,
              "bigquerydatatransfer.projects.locations.transferConfigs.get");
    params = json_object_get(c, "params");
    q = json_string_value(json_object_get(params, "query"));
    tmpl = json_string_value(json_object_get(params, "destination_table_name_template"));
    ds = json_string_value(json_object_get(c, "destinationDatasetId"));
    if (q && strstr(q, "CREATE OR REPLACE TABLE ")) {
        /* DDL: CREATE OR REPLACE TABLE [`][project.]dataset.table[`] ( ... */
        const char *s = strstr(q, "CREATE OR REPLACE TABLE ") + strlen("CREATE OR REPLACE TABLE ");
        char *dot;
        s += *s == '`';
        len = strcspn(s, "` (\n");
        snprintf(name, sizeof(name), "%.*s", (int)len, s);
        if ((dot = strchr(name, '.')) != NULL && strchr(dot + 1, '.') != NULL)
            memmove(name, dot + 1, strlen(dot + 1) + 1);
        dot = strchr(name, '.');
        assert_non_null(dot);
        *dot = '\0';
        snprintf(path, n, "/datasets/%s/tables/%s", name, dot + 1);
    } else {
        assert_non_null(tmpl);
        assert_non_null(ds);
        len = strcspn(tmpl, "${");
        snprintf(path, n, "/datasets/%s/tables/%.*s", ds, (int)len, tmpl);
    }
    json_decref(c);
}

json_t *gt_wait_final(struct gt *g, const char *run_name)
{
    char url[1024];
    json_t *doc = NULL;

    snprintf(url, sizeof(url), "%s/v1/%s", g->proc.url, run_name);
    for (int i = 0; i < 300; i++) {
        const char *st;
        json_decref(doc);
        doc = gt_call(g, "GET", url, NULL, NULL, NULL);
        assert_int_equal(g->status, 200);
        validate(g, GT_DTS, "bigquerydatatransfer.projects.locations.transferConfigs.runs.get", doc,
                 run_name);
        st = json_string_value(json_object_get(doc, "state"));
        if (st && (strcmp(st, "SUCCEEDED") == 0 || strcmp(st, "FAILED") == 0 ||
                   strcmp(st, "CANCELLED") == 0))
            return doc;
        usleep(300 * 1000);
    }
    fail_msg("run %s did not finish in 90 s", run_name);
    return doc;
}

char *gt_fresh_token(struct gt *g)
{
    const char *tok = NULL;
    struct err e = ERR_INIT;

    if (gauth_token(g->auth, &tok, &e) != 0)
        fail_msg("token: %s", e.msg);
    return strdup(tok);
}

int64_t gt_now_ms(void)
{
    return clock_now_ms(NULL);
}

const char *gt_rfc3339(int64_t ms, char out[40])
{
    return time_format_utc(ms, out, 40);
}

int64_t gt_parse_time(const char *s)
{
    struct err e = ERR_INIT;
    int64_t ms = 0;

    if (s == NULL || time_parse_rfc3339(s, &ms, &e) != 0)
        fail_msg("not an RFC 3339 time: %s", s ? s : "(null)");
    return ms;
}

int64_t gt_parse_ms(json_t *s)
{
    const char *v = json_string_value(s);
    char *end;
    long long n;

    if (v == NULL)
        fail_msg("epoch milliseconds are not a string");
    n = strtoll(v, &end, 10);
    assert_true(*end == '\0' && end != v);
    return n;
}

int gt_is_non_ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

int gt_has_non_ascii_description(json_t *schema)
{
    json_t *f;
    size_t i;

    json_array_foreach(json_object_get(schema, "fields"), i, f)
    {
        if (gt_is_non_ascii(json_string_value(json_object_get(f, "description"))) ||
            gt_has_non_ascii_description(f))
            return 1;
    }
    return 0;
}

const char *gt_dump(struct gt *g, json_t *v)
{
    free(g->dump);
    g->dump = v ? json_dumps(v, JSON_COMPACT) : NULL;
    return g->dump ? g->dump : "(no JSON body)";
}

char *gt_schema_body(json_t *fields)
{
    json_t *body = json_pack("{s:{s:O}}", "schema", "fields", fields);
    char *text = json_dumps(body, JSON_COMPACT);

    json_decref(body);
    return text;
}
