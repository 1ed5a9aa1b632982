/* tests/unit/test_listall.c: following pages to the end through the real HTTP engine against a
 * scripted libmicrohttpd server on a random loopback port — DTS pageToken, RDS Marker in the
 * form body, S3 continuation-token; a repeated token, a page limit, an error answer and a bad
 * body mid-list stop with errors naming the call; two pagers run concurrently on one client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <cmocka.h>

#include "core/listall.h"
#include "tests/unit/clients_testutil.h"

#define MAX_STEPS 8
#define LINE 6144

/* One scripted answer: given to the first unused step whose match text occurs in the request
 * ("PATH?k=v&k=v" with decoded values, then a space and the body). */
struct step {
    const char *match;
    int status;
    const char *body;
    int used;
    char seen[LINE]; /* the request it answered */
};

struct server {
    struct MHD_Daemon *d;
    char url[64];
    struct step steps[MAX_STEPS];
    size_t n;
    pthread_mutex_t lock;
};

struct upload {
    char data[8192];
    size_t len;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
    char *line = cls;
    size_t n = strlen(line);

    (void)kind;
    snprintf(line + n, LINE - n, "%s%s=%s", line[n - 1] == '?' ? "" : "&", k, v ? v : "");
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    struct server *s = cls;
    struct upload *up = *con_cls;
    char line[LINE];
    struct step *hit = NULL;
    struct MHD_Response *r;
    enum MHD_Result rc;

    (void)method;
    (void)version;
    if (up == NULL) {
        *con_cls = calloc(1, sizeof(struct upload));
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*data_size > 0) {
        size_t n = *data_size < sizeof(up->data) - 1 - up->len ? *data_size
                                                               : sizeof(up->data) - 1 - up->len;
        memcpy(up->data + up->len, data, n);
        up->len += n;
        *data_size = 0;
        return MHD_YES;
    }
    snprintf(line, sizeof(line), "%s?", url);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, line);
    snprintf(line + strlen(line), sizeof(line) - strlen(line), " %.4000s", up->data);
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->n && hit == NULL; i++)
        if (!s->steps[i].used && strstr(line, s->steps[i].match))
            hit = &s->steps[i];
    if (hit) {
        hit->used = 1;
        memcpy(hit->seen, line, sizeof(line));
    }
    pthread_mutex_unlock(&s->lock);
    r = MHD_create_response_from_buffer(hit ? strlen(hit->body) : 12,
                                        (void *)(hit ? hit->body : "no such step"),
                                        MHD_RESPMEM_PERSISTENT);
    rc = MHD_queue_response(conn, hit ? (unsigned)hit->status : 599, r);
    MHD_destroy_response(r);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

static void server_start(struct server *s)
{
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    pthread_mutex_init(&s->lock, NULL);
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                            on_request, s, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED,
                            on_completed, s, MHD_OPTION_END);
    assert_non_null(s->d);
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    assert_non_null(info);
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", (unsigned)info->port);
}

static void server_stop(struct server *s)
{
    MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->lock);
    for (size_t i = 0; i < s->n; i++)
        free((char *)s->steps[i].body);
}

static void step(struct server *s, const char *match, int status, const char *body)
{
    assert_true(s->n < MAX_STEPS);
    s->steps[s->n].match = match;
    s->steps[s->n].status = status;
    s->steps[s->n].body = strdup(body);
    s->n++;
}

/* A step whose body is a file under tests/data/ or (ref:) ../shared/reference/. */
static void step_file(struct server *s, const char *match, int status, const char *file)
{
    char path[256];
    char *body;

    if (strncmp(file, "ref:", 4) == 0) {
        body = ct_reference(file + 4, NULL);
    } else {
        snprintf(path, sizeof(path), "tests/data/%s", file);
        body = ct_read(path, NULL);
    }
    step(s, match, status, body);
    free(body);
}

static struct http_client *client(void)
{
    struct http_options o = {0};
    struct http_client *c = NULL;
    struct err e = ERR_INIT;

    o.max_attempts = 1;
    o.timeout_ms = 10000;
    assert_int_equal(http_client_new(&c, &o, &e), 0);
    return c;
}

#define RUN1                                                                                       \
    "{\"name\":\"projects/1/locations/us/transferConfigs/c/runs/r%d\",\"state\":\"FAILED\"}"

static void test_dts_runs_all_pages(void **state)
{
    struct server s = {0};
    struct http_client *c = client();
    struct listall_dts_runs q = {0};
    const char *states[] = {"FAILED", NULL};
    struct pager_spec spec;
    struct err e = ERR_INIT;
    int pages = 0;

    (void)state;
    server_start(&s);
    step(&s, "pageToken=p3", 200, "{}"); /* last page: no runs, no token */
    step(&s, "pageToken=p2+/=", 200,
         "{\"transferRuns\":[{\"name\":\"projects/1/locations/us/transferConfigs/c/runs/r3\","
         "\"state\":\"SUCCEEDED\"}],\"nextPageToken\":\"p3\"}");
    step(&s, "runAttempt=LATEST", 200,
         "{\"transferRuns\":[{\"name\":\"projects/1/locations/us/transferConfigs/c/runs/r1\","
         "\"state\":\"FAILED\"},{\"name\":\"projects/1/locations/us/transferConfigs/c/runs/r2\","
         "\"state\":\"FAILED\"}],\"nextPageToken\":\"p2+/=\"}");
    q.endpoint = s.url;
    q.config_name = "projects/1/locations/us/transferConfigs/c";
    q.states = states;
    q.latest_only = true;
    q.page_size = 2;
    listall_dts_runs(&spec, &q, NULL, NULL);
    assert_int_equal(pager_run(c, &spec, &pages, &e), 0);
    assert_int_equal(pages, 3);
    assert_int_equal(q.result.n, 3);
    assert_string_equal(q.result.v[0].name, "projects/1/locations/us/transferConfigs/c/runs/r1");
    assert_string_equal(q.result.v[2].state, "SUCCEEDED");
    assert_non_null(strstr(s.steps[2].seen, "/v1/projects/1/locations/us/transferConfigs/c/runs?"
                                            "states=FAILED&runAttempt=LATEST&pageSize=2"));
    assert_null(strstr(s.steps[2].seen, "pageToken"));
    assert_true(s.steps[0].used && s.steps[1].used);
    dts_runs_release(&q.result);
    server_stop(&s);
    http_client_free(c);
}

static void test_stops(void **state)
{
    struct server s = {0};
    struct http_client *c = client();
    struct listall_dts_runs q = {0};
    struct pager_spec spec;
    struct err e = ERR_INIT;
    char page[512];

    (void)state;
    server_start(&s);
    snprintf(page, sizeof(page), "{\"transferRuns\":[" RUN1 "],\"nextPageToken\":\"same\"}", 1);
    step(&s, "/runs", 200, page);
    step(&s, "pageToken=same", 200, page);
    q.endpoint = s.url;
    q.config_name = "projects/1/locations/us/transferConfigs/c";
    listall_dts_runs(&spec, &q, NULL, NULL);
    assert_int_equal(pager_run(c, &spec, NULL, &e), -1);
    ct_assert_err(&e, ERR_SERVICE, "dts runs.list: the service returned the same page token twice",
                  NULL);
    assert_int_equal(q.result.n, 2); /* pages read before the stop are kept */
    dts_runs_release(&q.result);

    /* a page limit */
    s.steps[0].used = 0;
    err_clear(&e);
    listall_dts_runs(&spec, &q, NULL, NULL);
    spec.max_pages = 1;
    assert_int_equal(pager_run(c, &spec, NULL, &e), -1);
    ct_assert_err(&e, ERR_SERVICE, "more than 1 pages", "incomplete", NULL);
    dts_runs_release(&q.result);
    server_stop(&s);

    /* an error answer, then a malformed page, mid-list */
    memset(&s, 0, sizeof(s));
    server_start(&s);
    snprintf(page, sizeof(page), "{\"transferRuns\":[" RUN1 "],\"nextPageToken\":\"t2\"}", 1);
    step(&s, "pageToken=t2", 404,
         "{\"error\":{\"code\":404,\"message\":\"gone\","
         "\"status\":\"NOT_FOUND\"}}");
    step(&s, "/runs", 200, page);
    err_clear(&e);
    listall_dts_runs(&spec, &q, NULL, NULL);
    assert_int_equal(pager_run(c, &spec, NULL, &e), -1);
    ct_assert_err(&e, ERR_NOT_FOUND, "dts runs.list: HTTP 404 NOT_FOUND: gone", NULL);
    assert_int_equal(e.http_status, 404);
    dts_runs_release(&q.result);
    server_stop(&s);

    memset(&s, 0, sizeof(s));
    server_start(&s);
    step(&s, "pageToken=t2", 200, "{\"transferRuns\":[{\"name\":\"x\",\"state\":7}]}");
    step(&s, "/runs", 200, page);
    err_clear(&e);
    listall_dts_runs(&spec, &q, NULL, NULL);
    assert_int_equal(pager_run(c, &spec, NULL, &e), -1);
    ct_assert_err(&e, ERR_PARSE, "dts runs.list: transferRuns[0].state is a number", NULL);
    assert_int_equal(q.result.n, 1);
    dts_runs_release(&q.result);
    server_stop(&s);
    http_client_free(c);
}

static void test_rds_marker_and_s3_token(void **state)
{
    struct server s = {0};
    struct http_client *c = client();
    struct listall_rds_export_tasks rq = {0};
    struct listall_s3_objects sq = {0};
    struct pager_spec spec;
    struct err e = ERR_INIT;

    (void)state;
    server_start(&s);
    step_file(&s, "Marker=ZXhhbXBsZS1tYXJrZXI%3D", 200, "rds/describe-export-tasks-empty.xml");
    step_file(&s, "Action=DescribeExportTasks", 200,
              "ref:samples/rds-export/describe-export-tasks.synthetic.xml");
    step_file(&s, "continuation-token=1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", 200,
              "s3/list-objects-last.xml");
    step_file(&s, "list-type=2", 200, "s3/list-objects-page1.xml");
    rq.endpoint = s.url;
    rq.max_records = 20;
    listall_rds_export_tasks(&spec, &rq, NULL, NULL);
    assert_int_equal(pager_run(c, &spec, NULL, &e), 0);
    assert_int_equal(rq.result.n, 2);
    assert_true(s.steps[0].used);
    assert_non_null(strstr(s.steps[0].seen, "MaxRecords=20"));
    rds_export_tasks_release(&rq.result);

    sq.base_url = s.url;
    sq.path_style = true;
    sq.bucket = "example-exports";
    sq.prefix = "dynamodb/Orders/2024-02-29/";
    sq.delimiter = "/";
    listall_s3_objects(&spec, &sq, NULL, NULL);
    assert_int_equal(pager_run(c, &spec, NULL, &e), 0);
    assert_int_equal(sq.result.n, 2);
    assert_int_equal(sq.result.n_common_prefixes, 1);
    assert_string_equal(sq.result.bucket, "example-exports");
    assert_non_null(strstr(s.steps[2].seen, "/example-exports/?list-type=2"));
    s3_listing_release(&sq.result);
    server_stop(&s);
    http_client_free(c);
}

struct outcome {
    int done, pages;
    struct err err;
};

static void on_done(void *ctx, int pages, const struct err *e)
{
    struct outcome *o = ctx;

    o->done++;
    o->pages = pages;
    o->err = *e;
}

/* pager_start's done gets the spec's ctx, which is the query: keep an outcome beside it. */
struct dts_q_with_outcome {
    struct listall_dts_configs q; /* first: the spec's ctx points here */
    struct outcome o;
};

static void done_configs(void *ctx, int pages, const struct err *e)
{
    on_done(&((struct dts_q_with_outcome *)ctx)->o, pages, e);
}

static void test_concurrent(void **state)
{
    struct server s = {0};
    struct http_client *c = client();
    struct dts_q_with_outcome a = {0}, b = {0};
    struct pager_spec sa, sb;
    struct err e = ERR_INIT;
    const char *s3[] = {"amazon_s3", NULL}, *sq[] = {"scheduled_query", NULL};

    (void)state;
    server_start(&s);
    step(&s, "dataSourceIds=amazon_s3&pageToken=a2", 200,
         "{\"transferConfigs\":[{\"name\":\"projects/p/locations/us/transferConfigs/a2\"}]}");
    step(&s, "dataSourceIds=amazon_s3", 200,
         "{\"transferConfigs\":[{\"name\":\"projects/p/locations/us/transferConfigs/a1\"}],"
         "\"nextPageToken\":\"a2\"}");
    step(&s, "dataSourceIds=scheduled_query", 200,
         "{\"transferConfigs\":[{\"name\":\"projects/p/locations/us/transferConfigs/b1\"}]}");
    a.q.endpoint = b.q.endpoint = s.url;
    a.q.project = b.q.project = "p";
    a.q.location = b.q.location = "us";
    a.q.data_source_ids = s3;
    b.q.data_source_ids = sq;
    listall_dts_configs(&sa, &a.q, NULL, NULL);
    listall_dts_configs(&sb, &b.q, NULL, NULL);
    sa.done = sb.done = done_configs;
    assert_int_equal(pager_start(c, &sa, &e), 0);
    assert_int_equal(pager_start(c, &sb, &e), 0);
    assert_int_equal(http_run(c, -1), 0);
    assert_int_equal(a.o.done, 1);
    assert_int_equal(b.o.done, 1);
    assert_int_equal(a.o.err.code, ERR_OK);
    assert_int_equal(a.o.pages, 2);
    assert_int_equal(b.o.pages, 1);
    assert_int_equal(a.q.result.n, 2);
    assert_string_equal(a.q.result.v[1].cfg.name, "projects/p/locations/us/transferConfigs/a2");
    assert_int_equal(b.q.result.n, 1);
    dts_configs_release(&a.q.result);
    dts_configs_release(&b.q.result);
    server_stop(&s);
    http_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dts_runs_all_pages),
        cmocka_unit_test(test_stops),
        cmocka_unit_test(test_rds_marker_and_s3_token),
        cmocka_unit_test(test_concurrent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
