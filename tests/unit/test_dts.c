/* tests/unit/test_dts.c: the DTS v1 wire layer — parsers over the reference samples and the
 * synthetic files in tests/data/dts, the request builders' exact URLs and bodies, and Google
 * error bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/apierr.h"
#include "core/dts.h"
#include "tests/unit/clients_testutil.h"

#define EP DTS_DEFAULT_ENDPOINT
#define CFG "projects/123456789012/locations/us/transferConfigs/65f2a1b0"

static void test_config_sample(void **state)
{
    size_t len;
    char *body =
        ct_reference("samples/bigquerydatatransfer/transfer-config-amazon-s3.synthetic.json", &len);
    struct dts_config c;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(dts_parse_config(&c, body, len, &e), 0);
    assert_string_equal(c.cfg.name, "projects/123456789012/locations/us/transferConfigs/"
                                    "65f2a1b0-0000-2f3a-9c41-14c14ef1c5a2");
    assert_string_equal(c.cfg.data_source_id, "amazon_s3");
    assert_string_equal(c.cfg.destination_dataset, "raw_dynamodb");
    assert_string_equal(c.cfg.schedule, "every day 04:00");
    assert_string_equal(c.cfg.data_path,
                        "s3://example-exports/dynamodb/Orders/"
                        "{run_time-24h|\"%Y-%m-%d\"}/AWSDynamoDB/*/data/*.json.gz");
    assert_string_equal(c.cfg.destination_table_template, "orders_raw${run_time-24h|\"%Y%m%d\"}");
    assert_null(c.cfg.query);
    assert_string_equal(c.cfg.state, "SUCCEEDED");
    assert_false(c.cfg.disabled);
    assert_int_equal(c.cfg.updated_ms, 1709284364517LL); /* 2024-03-01T09:12:44.517834Z */
    assert_int_equal(c.cfg.next_run_ms, 1709352000000LL);
    assert_string_equal(c.write_disposition, "WRITE_TRUNCATE");
    assert_string_equal(c.dataset_region, "us");
    assert_false(c.manual_only);
    assert_int_equal(c.error_code, 0);
    dts_config_release(&c);
    free(body);
}

static void test_configs_list_sample(void **state)
{
    size_t len;
    char *body = ct_reference(
        "samples/bigquerydatatransfer/transfer-configs-list-scheduled-query.synthetic.json", &len);
    struct dts_configs l;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(dts_parse_configs(&l, body, len, &e), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.next_page_token, "CgkI3NW-rgYQ2Ak");
    assert_string_equal(l.v[0].cfg.data_source_id, "scheduled_query");
    assert_non_null(strstr(l.v[0].cfg.query, "FROM `example-project.raw_dynamodb.orders_raw_*`"));
    assert_string_equal(l.v[0].cfg.state, "FAILED");
    assert_int_equal(l.v[0].error_code, 3);
    assert_string_equal(l.v[0].error_message, "Query error: Unrecognized name: amount at [1:95]");
    dts_configs_release(&l);
    free(body);
}

static void test_configs_mixed_schedules(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/dts/transfer-configs-list-mixed.json", &len);
    struct dts_configs l;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(dts_parse_configs(&l, body, len, &e), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.next_page_token, "");                  /* absent = last page */
    assert_string_equal(l.v[0].cfg.schedule, "every day 19:30"); /* from scheduleOptionsV2 */
    assert_string_equal(l.v[0].cfg.display_name, "注文 raw load (V2 schedule)");
    assert_int_equal(l.v[0].schedule_start_ms, 1704067200000LL);
    assert_string_equal(l.v[0].cfg.state, "RUNNING");
    assert_null(l.v[1].cfg.schedule); /* "" means none */
    assert_true(l.v[1].manual_only);
    assert_true(l.v[1].cfg.disabled);
    assert_string_equal(l.v[1].cfg.state, "TRANSFER_STATE_SOMETHING_NEW"); /* kept raw */
    assert_int_equal(l.v[1].error_code, 7);
    assert_true(l.v[2].event_driven);
    assert_false(l.v[2].manual_only);
    dts_configs_release(&l);
    free(body);
}

static void test_runs_sample(void **state)
{
    size_t len;
    char *body =
        ct_reference("samples/bigquerydatatransfer/transfer-runs-list.synthetic.json", &len);
    struct dts_runs l;
    struct err e = ERR_INIT;
    enum run_state rs;

    (void)state;
    assert_int_equal(dts_parse_runs(&l, body, len, &e), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.next_page_token, "CgwI6-yUrwYQwIyL3wISJDY1ZmJkNWMx");
    assert_string_equal(l.v[0].state, "SUCCEEDED");
    assert_int_equal(dts_run_state(l.v[0].state, &rs), 0);
    assert_int_equal(rs, RS_SUCCEEDED);
    assert_int_equal(l.v[0].start_ms, 1709265608339LL); /* .339581 truncated to ms */
    assert_int_equal(l.v[0].run_time_ms, 1709265600000LL);
    assert_string_equal(l.v[0].schedule, "every day 04:00");
    assert_string_equal(l.v[1].state, "FAILED");
    assert_int_equal(l.v[1].error_code, 9);
    assert_non_null(strstr(l.v[1].error_message, "Failed to start BigQuery job"));
    assert_string_equal(l.v[2].state, "PENDING");
    assert_int_equal(l.v[2].start_ms, 0);
    assert_null(l.v[2].schedule);
    dts_runs_release(&l);
    free(body);
}

static void test_run_get_and_unknown_state(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/dts/transfer-run-get.json", &len);
    struct dts_run r;
    struct dts_runs l;
    struct err e = ERR_INIT;
    enum run_state rs;

    (void)state;
    assert_int_equal(dts_parse_run(&r, body, len, &e), 0);
    assert_string_equal(r.state, "RUNNING");
    assert_int_equal(r.end_ms, 1709265792011LL);
    dts_run_release(&r);
    free(body);

    body = ct_read("tests/data/dts/transfer-runs-unknown-state-last-page.json", &len);
    assert_int_equal(dts_parse_runs(&l, body, len, &e), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.next_page_token, "");
    assert_string_equal(l.v[0].state, "TRANSFER_STATE_UNSPECIFIED");
    assert_int_equal(dts_run_state(l.v[0].state, &rs), -1);
    assert_int_equal(l.v[0].run_time_ms, 1709352000123LL); /* 9 fraction digits */
    assert_string_equal(l.v[0].error_message, "内部エラー");
    dts_runs_release(&l);
    free(body);
}

static void test_logs_and_manual_runs_samples(void **state)
{
    size_t len;
    char *body =
        ct_reference("samples/bigquerydatatransfer/transfer-logs-list.synthetic.json", &len);
    struct dts_messages m;
    struct dts_runs r;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(dts_parse_messages(&m, body, len, &e), 0);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.next_page_token, ""); /* "" = done */
    assert_string_equal(m.v[0].severity, "INFO");
    assert_int_equal(m.v[0].time_ms, 1709265608612LL);
    assert_non_null(strstr(m.v[0].text, "Moved 4 object(s)"));
    assert_string_equal(m.v[2].severity, "WARNING");
    dts_messages_release(&m);
    free(body);

    body = ct_reference("samples/bigquerydatatransfer/start-manual-runs.response.synthetic.json",
                        &len);
    assert_int_equal(dts_parse_manual_runs(&r, body, len, &e), 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.v[2].state, "PENDING");
    assert_int_equal(r.v[2].run_time_ms, 1709182800000LL); /* 2024-02-29T05:00:00Z */
    dts_runs_release(&r);
    free(body);
}

static void parse_runs_fails(const char *file, enum err_code code, const char *n1, const char *n2)
{
    size_t len;
    char *body = ct_read(file, &len);
    struct dts_runs l;
    struct err e = ERR_INIT;

    assert_int_equal(dts_parse_runs(&l, body, len, &e), -1);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
    assert_null(l.next_page_token);
    ct_assert_err(&e, code, n1, n2, NULL);
    free(body);
}

static void test_malformed(void **state)
{
    size_t len;
    char *body;
    struct dts_runs l;
    struct err e = ERR_INIT;

    (void)state;
    parse_runs_fails("tests/data/dts/transfer-runs-wrong-type.json", ERR_PARSE,
                     "dts runs.list: transferRuns[3].state is a number, expected a string", "");
    parse_runs_fails("tests/data/dts/transfer-runs-truncated.json", ERR_PARSE,
                     "dts runs.list: the response is not valid JSON", "line 1");
    parse_runs_fails("tests/data/dts/transfer-runs-bad-time.json", ERR_PARSE,
                     "dts runs.list: transferRuns[0].runTime", "2024-02-30");
    parse_runs_fails("tests/data/dts/top-level-array.json", ERR_PARSE,
                     "dts runs.list: the response is an array, expected a JSON object", "");
    body = ct_read("tests/data/dts/empty-object.json", &len); /* omitted list = no runs */
    assert_int_equal(dts_parse_runs(&l, body, len, &e), 0);
    assert_int_equal(l.n, 0);
    assert_string_equal(l.next_page_token, "");
    dts_runs_release(&l);
    free(body);
    assert_int_equal(dts_parse_runs(&l, "", 0, &e), -1);
    ct_assert_err(&e, ERR_PARSE, "empty", NULL);
}

static void test_build_lists(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;
    const char *ids[] = {"amazon_s3", "scheduled_query", NULL};
    const char *states[] = {"FAILED", "CANCELLED", NULL};
    const char *types[] = {"ERROR", "WARNING", NULL};

    (void)state;
    assert_int_equal(dts_build_list_configs(&req, EP "/", "my-proj", "us", ids, 2, "ab+c/d=", &e),
                     0);
    ct_assert_req(&req, "GET",
                  EP "/v1/projects/my-proj/locations/us/transferConfigs?dataSourceIds=amazon_s3"
                     "&dataSourceIds=scheduled_query&pageSize=2&pageToken=ab%2Bc%2Fd%3D",
                  NULL);
    assert_string_equal(req.service, "dts");
    assert_string_equal(req.operation, "transferConfigs.list");
    assert_string_equal(req.command, "bq ls --transfer_config --transfer_location us --project_id "
                                     "my-proj --filter dataSourceIds:amazon_s3,scheduled_query");
    http_request_release(&req);

    assert_int_equal(dts_build_list_runs(&req, EP, CFG, states, true, 0, NULL, &e), 0);
    ct_assert_req(&req, "GET",
                  EP "/v1/" CFG "/runs?states=FAILED&states=CANCELLED&runAttempt=LATEST", NULL);
    assert_string_equal(req.command, "bq ls --transfer_run --run_attempt LATEST --filter "
                                     "states:FAILED,CANCELLED " CFG);
    http_request_release(&req);

    assert_int_equal(dts_build_list_runs(&req, EP, CFG, NULL, false, 1000, "tok", &e), 0);
    ct_assert_req(&req, "GET", EP "/v1/" CFG "/runs?pageSize=1000&pageToken=tok", NULL);
    http_request_release(&req);

    assert_int_equal(dts_build_list_logs(&req, EP, CFG "/runs/r1", types, 0, NULL, &e), 0);
    ct_assert_req(&req, "GET",
                  EP "/v1/" CFG "/runs/r1/transferLogs?messageTypes=ERROR&messageTypes=WARNING",
                  NULL);
    http_request_release(&req);

    assert_int_equal(dts_build_get_config(&req, "http://127.0.0.1:8080", CFG, &e), 0);
    ct_assert_req(&req, "GET", "http://127.0.0.1:8080/v1/" CFG, NULL);
    assert_string_equal(req.command, "bq show --format=prettyjson --transfer_config " CFG);
    http_request_release(&req);

    assert_int_equal(dts_build_get_run(&req, EP, CFG "/runs/r1", &e), 0);
    ct_assert_req(&req, "GET", EP "/v1/" CFG "/runs/r1", NULL);
    http_request_release(&req);

    assert_int_equal(dts_build_get_run(&req, "ftp://x", CFG, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "ftp://x", NULL);
}

static void assert_json_body(const struct http_request *req, const char *sample)
{
    size_t len;
    char *want_text = ct_reference(sample, &len);
    json_t *want = json_loadb(want_text, len, 0, NULL);
    json_t *got = json_loadb(req->body, req->body_len, 0, NULL);

    assert_non_null(want);
    assert_non_null(got);
    assert_true(json_equal(want, got));
    json_decref(want);
    json_decref(got);
    free(want_text);
}

static void test_build_start_manual_runs(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;
    int64_t when = 1709179200000LL; /* 2024-02-29T04:00:00Z */
    int64_t range[2] = {1708992000000LL, 1709251200000LL};

    (void)state;
    assert_int_equal(dts_build_start_manual_runs(&req, EP, CFG, &when, NULL, &e), 0);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.url, EP "/v1/" CFG ":startManualRuns");
    ct_assert_header(&req, "Content-Type", "application/json");
    assert_json_body(&req, "samples/bigquerydatatransfer/"
                           "start-manual-runs.request.run-time.synthetic.json");
    assert_string_equal(req.command, "bq mk --transfer_run --run_time 2024-02-29T04:00:00Z " CFG);
    http_request_release(&req);

    assert_int_equal(dts_build_start_manual_runs(&req, EP, CFG, NULL, range, &e), 0);
    assert_json_body(&req, "samples/bigquerydatatransfer/"
                           "start-manual-runs.request.time-range.synthetic.json");
    http_request_release(&req);

    assert_int_equal(dts_build_start_manual_runs(&req, EP, CFG, &when, range, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "exactly one", NULL);
    err_clear(&e);
    assert_int_equal(dts_build_start_manual_runs(&req, EP, CFG, NULL, NULL, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "exactly one", NULL);
    err_clear(&e);
    range[1] = range[0];
    assert_int_equal(dts_build_start_manual_runs(&req, EP, CFG, NULL, range, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "start before it ends", NULL);
}

static void error_case(const char *file, long status, enum err_code code, const char *n1,
                       const char *n2)
{
    size_t len;
    char *body = ct_read(file, &len);
    struct err e = ERR_INIT;

    assert_int_equal(dts_error(&e, "runs.list", status, NULL, body, len), -1);
    ct_assert_err(&e, code, "dts runs.list: HTTP", n1, n2, NULL);
    assert_int_equal(e.http_status, status);
    free(body);
}

/* A long Japanese message is cut on a character boundary, never inside a UTF-8 sequence. */
static void test_error_utf8_cut(void **state)
{
    struct buf body = BUF_INIT(1 << 16);
    struct apierr ae;

    (void)state;
    buf_puts(&body, "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"message\":\"");
    for (int i = 0; i < 400; i++)
        buf_puts(&body, "\xe3\x81\x82"); /* あ */
    buf_puts(&body, "\"}}");
    apierr_read_google(&ae, 400, body.data, body.len);
    assert_true(strlen(ae.message) > 0);
    assert_int_equal(strlen(ae.message) % 3, 0);
    apierr_read_aws_json(&ae, 400, NULL, "\xe3\x81\x82\xe3\x81\x82 not json",
                         strlen("\xe3\x81\x82\xe3\x81\x82 not json"));
    assert_string_equal(ae.message, "\xe3\x81\x82\xe3\x81\x82 not json");
    buf_reset(&body);
    for (int i = 0; i < 400; i++) /* an unparsable body is quoted, cut to whole characters */
        buf_puts(&body, "\xe3\x81\x82");
    apierr_read_google(&ae, 502, body.data, body.len);
    assert_int_equal(strcmp(ae.message + strlen(ae.message) - 3, "..."), 0);
    assert_int_equal((strlen(ae.message) - 3) % 3, 0);
    buf_release(&body);
}

static void test_errors(void **state)
{
    (void)state;
    error_case("tests/data/google/error-permission-denied.json", 403, ERR_AUTH,
               "PERMISSION_DENIED/IAM_PERMISSION_DENIED: The caller does not have permission",
               "IAM permission");
    error_case("tests/data/google/error-rate-limit.json", 403, ERR_SERVICE, "rateLimitExceeded",
               "retry later");
    error_case("tests/data/google/error-unauthenticated.json", 401, ERR_AUTH, "UNAUTHENTICATED",
               "GOOGLE_APPLICATION_CREDENTIALS");
    error_case("tests/data/google/error-dts-not-found.json", 404, ERR_NOT_FOUND, "NOT_FOUND",
               "Requested entity was not found.");
    error_case("tests/data/google/error-502.html", 502, ERR_SERVICE, "HTTP 502: <html><head>",
               "502 Bad Gateway");
    error_case(CT_REFERENCE "samples/bigquery/error-404-not-found.doc-example.json", 404,
               ERR_NOT_FOUND, "HTTP 404 notFound: Not Found: Dataset myproject:foo", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_sample),
        cmocka_unit_test(test_configs_list_sample),
        cmocka_unit_test(test_configs_mixed_schedules),
        cmocka_unit_test(test_runs_sample),
        cmocka_unit_test(test_run_get_and_unknown_state),
        cmocka_unit_test(test_logs_and_manual_runs_samples),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_build_lists),
        cmocka_unit_test(test_build_start_manual_runs),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_error_utf8_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
