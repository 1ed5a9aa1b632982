/* tests/unit/test_report.c: core/report_json: which stages apply to a pipeline, the cell lookup
 * over db_grid's order, and the status --json document: key order of the DESIGN §5 contract,
 * null for a stage that does not apply, an empty object (state null, 0 attempts) for an
 * applicable stage without a run, times in the configured zone, as_of null without a refresh;
 * and the lists (runs, audit, calls) keeping full texts and nulls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report_json.h"

static struct pipeline pipe_full = {(char *)"users",
                                    SOURCE_DYNAMODB,
                                    (char *)"users",
                                    NULL,
                                    (char *)"b",
                                    (char *)"exports/u",
                                    (char *)"tc/users",
                                    (char *)"tq/users",
                                    (char *)"p.raw.users",
                                    (char *)"p.mart.users",
                                    false};
static struct pipeline pipe_noquery = {
    (char *)"orders",    SOURCE_AURORA, (char *)"shop",         NULL, NULL, NULL,
    (char *)"tc/orders", NULL,          (char *)"p.raw.orders", NULL, true};
static struct pipeline pipe_unlinked = {(char *)"lonely",    SOURCE_UNKNOWN, NULL, NULL, NULL, NULL,
                                        (char *)"tc/lonely", NULL,           NULL, NULL, false};

static void test_applies(void **state)
{
    (void)state;
    assert_true(report_stage_applies(&pipe_full, STAGE_EXPORT));
    assert_true(report_stage_applies(&pipe_full, STAGE_QUERY));
    assert_true(report_stage_applies(&pipe_noquery, STAGE_TRANSFER));
    assert_false(report_stage_applies(&pipe_noquery, STAGE_QUERY));
    assert_false(report_stage_applies(&pipe_unlinked, STAGE_EXPORT));
    assert_true(report_stage_applies(&pipe_unlinked, STAGE_TRANSFER));
}

static struct stage_run cell(const char *p, const char *day, enum stage s, enum run_state st)
{
    struct stage_run r = {0};
    r.pipeline = (char *)p;
    snprintf(r.day, sizeof(r.day), "%s", day);
    r.stage = s;
    r.attempt = 1;
    r.state = st;
    return r;
}

static void test_cell_find(void **state)
{
    struct stage_run c[] = {
        cell("a", "2024-05-01", STAGE_EXPORT, RS_SUCCEEDED),
        cell("a", "2024-05-01", STAGE_QUERY, RS_FAILED),
        cell("a", "2024-05-02", STAGE_TRANSFER, RS_RUNNING),
        cell("b", "2024-05-01", STAGE_EXPORT, RS_MISSING),
    };
    (void)state;
    assert_ptr_equal(report_cell_find(c, 4, "a", "2024-05-01", STAGE_QUERY), &c[1]);
    assert_ptr_equal(report_cell_find(c, 4, "a", "2024-05-02", STAGE_TRANSFER), &c[2]);
    assert_ptr_equal(report_cell_find(c, 4, "b", "2024-05-01", STAGE_EXPORT), &c[3]);
    assert_null(report_cell_find(c, 4, "a", "2024-05-01", STAGE_TRANSFER));
    assert_null(report_cell_find(c, 4, "c", "2024-05-01", STAGE_EXPORT));
    assert_null(report_cell_find(c, 0, "a", "2024-05-01", STAGE_EXPORT));
}

static void test_status_json(void **state)
{
    struct err e = ERR_INIT;
    const char days[2][TIME_DAY_LEN] = {"2024-05-16", "2024-05-17"};
    struct pipeline pipes[] = {pipe_noquery, pipe_full};
    struct stage_run c[] = {
        cell("orders", "2024-05-17", STAGE_TRANSFER, RS_RUNNING),
        cell("users", "2024-05-16", STAGE_EXPORT, RS_FAILED),
    };
    struct report_status rs = {0, "Asia/Tokyo", days, 2, pipes, 2, c, 2};
    char *json = NULL;
    (void)state;

    assert_int_equal(time_zone_use("Asia/Tokyo", &e), 0);
    c[0].started_ms = 1715907600000; /* 2024-05-17T01:00:00Z */
    c[0].raw_state = (char *)"RUNNING";
    c[1].error_code = (char *)"ExportFailed";
    c[1].error_message = (char *)"PITR window \"closed\"";
    c[1].attempt = 3;
    assert_int_equal(report_status_json(&rs, &json, &e), 0);
    /* Compact the indentation away to compare the structure. */
    size_t o = 0;
    for (size_t i = 0; json[i] != '\0'; i++)
        if (json[i] != '\n' &&
            !(json[i] == ' ' && (i == 0 || json[i - 1] == ' ' || json[i - 1] == '\n')))
            json[o++] = json[i];
    json[o] = '\0';
    assert_non_null(strstr(json, "{\"as_of\": null,\"timezone\": \"Asia/Tokyo\",\"pipelines\": ["
                                 "{\"name\": \"orders\",\"source\": {\"kind\": \"aurora\","
                                 "\"name\": \"shop\""));
    /* orders: no query stage at all, null; no run of the transfer on 05-16: empty object. */
    assert_non_null(strstr(json, "{\"date\": \"2024-05-16\",\"export\": {\"state\": null,"
                                 "\"raw_state\": null,\"id\": null,\"started\": null,"
                                 "\"ended\": null,\"attempts\": 0,\"error\": null,"
                                 "\"error_code\": null},\"transfer\": {\"state\": null,"));
    assert_non_null(strstr(json, "\"query\": null}"));
    assert_non_null(strstr(json, "\"transfer\": {\"state\": \"RUNNING\",\"raw_state\": "
                                 "\"RUNNING\",\"id\": null,\"started\": "
                                 "\"2024-05-17T10:00:00+09:00\",\"ended\": null,"
                                 "\"attempts\": 1,"));
    assert_non_null(strstr(json, "\"export\": {\"state\": \"FAILED\",\"raw_state\": null,"
                                 "\"id\": null,\"started\": null,\"ended\": null,"
                                 "\"attempts\": 3,\"error\": \"PITR window \\\"closed\\\"\","
                                 "\"error_code\": \"ExportFailed\"}"));
    assert_non_null(strstr(json, "\"pinned\": true"));
    free(json);
}

static void test_lists(void **state)
{
    struct err e = ERR_INIT;
    struct stage_run r = cell("users", "2024-05-16", STAGE_QUERY, RS_UPSTREAM_FAILED);
    struct api_call c = {0};
    struct audit_entry a = {0};
    char *json = NULL;
    (void)state;

    assert_int_equal(time_zone_use("UTC", &e), 0);
    r.started_ms = 1000;
    r.ended_ms = 3500;
    assert_int_equal(report_runs_json(&r, 1, &json, &e), 0);
    assert_non_null(strstr(json, "\"stage\": \"query\""));
    assert_non_null(strstr(json, "\"state\": \"UPSTREAM_FAILED\""));
    assert_non_null(strstr(json, "\"duration_s\": 2.5"));
    free(json);
    c.service = (char *)"dts";
    c.status = 0;
    c.error = (char *)"connection refused";
    assert_int_equal(report_calls_json(&c, 1, &json, &e), 0);
    assert_non_null(strstr(json, "\"status\": null"));
    assert_non_null(strstr(json, "\"error\": \"connection refused\""));
    assert_non_null(strstr(json, "\"retry_detail\": null"));
    free(json);
    a.phase = (char *)"intent";
    a.verb = (char *)"rerun";
    assert_int_equal(report_audit_json(&a, 1, &json, &e), 0);
    assert_non_null(strstr(json, "\"action_id\": null"));
    assert_non_null(strstr(json, "\"phase\": \"intent\""));
    free(json);
    assert_int_equal(report_runs_json(NULL, 0, &json, &e), 0);
    assert_string_equal(json, "{\n  \"runs\": []\n}");
    free(json);
}

static void test_tables_anomaly(void **state)
{
    struct err e = ERR_INIT;
    struct table_meta m = {(char *)"p", (char *)"d", (char *)"t", NULL, NULL, 10,
                           -1,          0,           0,           NULL, 0};
    const int64_t flat[14] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
    struct anomaly a, few;
    struct report_table t[2] = {{&m, 0, 1, NULL, 0, &a}, {&m, 0, 1, NULL, 0, &few}};
    char *json = NULL;
    (void)state;

    anomaly_judge(&a, flat, 14, 9); /* every earlier day equal, this one not: z infinite */
    snprintf(a.day, sizeof(a.day), "2024-05-17");
    anomaly_judge(&few, flat, 2, 9);
    assert_true(a.flagged);
    assert_int_equal(report_tables_json(t, 2, 0, &json, &e), 0);
    assert_non_null(strstr(json, "\"flagged\": true,\n        \"insufficient\": false,\n"
                                 "        \"z\": null,"));
    assert_non_null(strstr(json, "\"insufficient\": true,\n        \"z\": null,\n"
                                 "        \"mean\": null,"));
    assert_non_null(strstr(json, "\"rows\": 10,\n      \"bytes\": null,"));
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_applies),        cmocka_unit_test(test_cell_find),
        cmocka_unit_test(test_status_json),    cmocka_unit_test(test_lists),
        cmocka_unit_test(test_tables_anomaly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
