/* tests/unit/test_lambda_events.c: the Lambda Invoke and EventBridge wire layers (the derived
 * SigV4 vector's double-encoding case, function errors on HTTP 200, rest-json error cases of the
 * AWS protocol tests) and the schedule parsers of core/schedule.h (DTS and EventBridge forms). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/apierr.h"
#include "core/events.h"
#include "core/lambda.h"
#include "core/schedule.h"
#include "tests/unit/clients_testutil.h"

#define LAMBDA "https://lambda.us-east-1.amazonaws.com"
#define EVENTS "https://events.ap-northeast-1.amazonaws.com"
#define FN_ARN "arn:aws:lambda:us-east-1:123456789012:function:export-trigger"

static void test_invoke_build(void **state)
{
    struct http_request req;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(lambda_build_invoke(&req, LAMBDA, FN_ARN, NULL, "Event",
                                         "{\"mode\": \"backfill\", \"date\": \"2015-08-29\"}", &e),
                     0);
    ct_assert_sigv4_vector(&req, "lambda-invoke-arn-double-encoding");
    assert_string_equal(req.service, "lambda");
    assert_string_equal(req.command,
                        "aws lambda invoke --function-name " FN_ARN
                        " --invocation-type Event --cli-binary-format raw-in-base64-out --payload "
                        "'{\"mode\": \"backfill\", \"date\": \"2015-08-29\"}' out.json");
    http_request_release(&req);

    assert_int_equal(lambda_build_invoke(&req, "http://127.0.0.1:4566", "export-trigger", "live",
                                         NULL, NULL, &e),
                     0);
    ct_assert_req(&req, "POST",
                  "http://127.0.0.1:4566/2015-03-31/functions/export-trigger/invocations"
                  "?Qualifier=live",
                  "{}");
    ct_assert_header(&req, "X-Amz-Invocation-Type", "RequestResponse");
    http_request_release(&req);

    assert_int_equal(lambda_build_invoke(&req, LAMBDA, "f", NULL, "Async", NULL, &e), -1);
    ct_assert_err(&e, ERR_USAGE, "invocation type \"Async\"", NULL);
    err_clear(&e);
    assert_int_equal(lambda_build_invoke(&req, LAMBDA, "f", NULL, NULL, "{date:", &e), -1);
    ct_assert_err(&e, ERR_USAGE, "not valid JSON", NULL);
}

static void test_invoke_answers(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/lambda/function-error-unhandled.json", &len);
    struct http_headers h;
    struct lambda_result r;
    struct err e = ERR_INIT;

    (void)state;
    memset(&h, 0, sizeof(h));
    assert_int_equal(http_headers_set(&h, "X-Amz-Function-Error", "Unhandled", NULL), 0);
    assert_int_equal(http_headers_set(&h, "X-Amz-Executed-Version", "$LATEST", NULL), 0);
    assert_int_equal(lambda_read_invoke(&r, "export-trigger", 200, &h, body, len, &e), -1);
    assert_true(r.function_error);
    assert_string_equal(r.error_kind, "Unhandled");
    assert_string_equal(r.error_type, "InvalidExportTimeException");
    assert_string_equal(r.executed_version, "$LATEST");
    ct_assert_err(&e, ERR_SERVICE, "the function export-trigger failed (Unhandled)",
                  "InvalidExportTimeException: An error occurred", NULL);
    assert_int_equal(e.http_status, 200);
    lambda_result_release(&r);
    free(body);
    http_headers_release(&h);

    body = ct_read("tests/data/lambda/ok-response.json", &len);
    err_clear(&e);
    assert_int_equal(lambda_read_invoke(&r, "export-trigger", 200, NULL, body, len, &e), 0);
    assert_false(r.function_error);
    assert_int_equal(r.payload_len, len);
    assert_string_equal(r.payload, body);
    lambda_result_release(&r);
    free(body);

    assert_int_equal(lambda_read_invoke(&r, "export-trigger", 202, NULL, NULL, 0, &e), 0);
    assert_null(r.payload);
    assert_int_equal(r.status, 202);
    lambda_result_release(&r);

    assert_int_equal(http_headers_set(&h, "X-Amz-Function-Error", "Handled", NULL), 0);
    assert_int_equal(lambda_read_invoke(&r, "f", 200, &h, "\"boom\"", 6, &e), -1);
    ct_assert_err(&e, ERR_SERVICE, "failed (Handled): \"boom\"", NULL);
    lambda_result_release(&r);
    http_headers_release(&h);
}

static void read_json(struct apierr *out, long status, const struct http_headers *h,
                      const char *body, size_t len)
{
    apierr_read_aws_json(out, status, h, body, len);
}

static void test_lambda_errors(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/lambda/error-resource-not-found.json", &len);
    struct http_headers h;
    struct err e = ERR_INIT;

    (void)state;
    assert_true(ct_protocol_errors("rest-json.json", read_json) >= 10);
    memset(&h, 0, sizeof(h));
    assert_int_equal(http_headers_set(&h, "X-Amzn-ErrorType",
                                      "ResourceNotFoundException:http://internal.amazon.com/",
                                      NULL),
                     0);
    assert_int_equal(http_headers_set(&h, "x-amzn-RequestId", "req-1", NULL), 0);
    assert_int_equal(lambda_error(&e, "Invoke", 404, &h, body, len), -1);
    ct_assert_err(&e, ERR_NOT_FOUND,
                  "lambda Invoke: HTTP 404 ResourceNotFoundException: Function not found",
                  "(request id req-1)", NULL);
    http_headers_release(&h);
    free(body);

    err_clear(&e);
    body = (char *)"{\"Type\":\"User\",\"message\":\"Rate exceeded\","
                   "\"__type\":\"TooManyRequestsException\"}";
    assert_int_equal(lambda_error(&e, "Invoke", 429, NULL, body, strlen(body)), -1);
    ct_assert_err(&e, ERR_SERVICE, "TooManyRequestsException: Rate exceeded", "retry later", NULL);
}

#define USERS_ARN "arn:aws:dynamodb:ap-northeast-1:210987654321:table/users"

/* The export function's contract: the event pipetop sends and the answer it reads. */
static void test_export_contract(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/lambda/export-answer.json", &len), *p = NULL;
    struct lambda_export_answer a;
    const char *id;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(lambda_export_payload(&p, "2026-12-03", "users", NULL, &e), 0);
    assert_string_equal(p, "{\"date\":\"2026-12-03\",\"table\":\"users\"}");
    free(p);
    assert_int_equal(lambda_export_payload(&p, "2026-12-03", NULL, "appdb", &e), 0);
    assert_string_equal(p, "{\"date\":\"2026-12-03\",\"cluster\":\"appdb\"}");
    free(p);
    assert_int_equal(lambda_export_payload(&p, "2026-12-3", "users", NULL, &e), -1);
    assert_null(p);
    ct_assert_err(&e, ERR_USAGE, "\"2026-12-3\" is not a day", NULL);
    err_clear(&e);
    assert_int_equal(lambda_export_payload(&p, "2026-12-03", "users", "appdb", &e), -1);
    ct_assert_err(&e, ERR_USAGE, "exactly one table or cluster", NULL);
    err_clear(&e);

    assert_int_equal(lambda_parse_export_answer(&a, "nightly-export", body, len, &e), 0);
    assert_int_equal(a.status_code, 200);
    assert_string_equal(a.date, "2026-12-03");
    assert_int_equal(a.n, 4);
    assert_string_equal(a.v[3].source, "voices");
    assert_string_equal(a.v[3].error, "InvalidExportTimeException");
    /* users, not users2 (the ARN is followed by /export/) */
    assert_int_equal(
        lambda_export_pick(&id, &a, "nightly-export", "2026-12-03", USERS_ARN, "users", NULL, &e),
        0);
    assert_string_equal(id, USERS_ARN "/export/01733200000000-0a1b2c3d");
    assert_int_equal(
        lambda_export_pick(&id, &a, "nightly-export", "2026-12-03", NULL, NULL, "appdb", &e), 0);
    assert_string_equal(id, "appdb-2026-12-03-rerun-1");
    /* the function says it could not start voices' export: its words */
    assert_int_equal(lambda_export_pick(&id, &a, "nightly-export", "2026-12-03",
                                        "arn:aws:dynamodb:ap-northeast-1:210987654321:table/voices",
                                        "voices", NULL, &e),
                     -1);
    assert_null(id);
    ct_assert_err(&e, ERR_SERVICE, "nightly-export could not start the export of voices",
                  "InvalidExportTimeException: Export time", NULL);
    err_clear(&e);
    /* nothing of this table in the answer: nothing to wait for */
    assert_int_equal(lambda_export_pick(&id, &a, "nightly-export", "2026-12-03",
                                        "arn:aws:dynamodb:ap-northeast-1:210987654321:table/orders",
                                        "orders", NULL, &e),
                     -1);
    ct_assert_err(&e, ERR_SERVICE, "named no export of it", "--stage transfer", NULL);
    err_clear(&e);
    a.status_code = 500;
    assert_int_equal(
        lambda_export_pick(&id, &a, "nightly-export", "2026-12-03", USERS_ARN, "users", NULL, &e),
        -1);
    ct_assert_err(&e, ERR_SERVICE, "statusCode 500", NULL);
    err_clear(&e);
    lambda_export_answer_release(&a);
    free(body);

    /* "exports" stands for "started" */
    body = ct_read("tests/data/lambda/ok-response.json", &len);
    assert_int_equal(lambda_parse_export_answer(&a, "export-trigger", body, len, &e), 0);
    assert_int_equal(lambda_export_pick(&id, &a, "export-trigger", "2026-12-03",
                                        "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
                                        "Orders", NULL, &e),
                     0);
    lambda_export_answer_release(&a);
    free(body);

    body = ct_read("tests/data/lambda/export-answer-bad-entry.json", &len);
    assert_int_equal(lambda_parse_export_answer(&a, "nightly-export", body, len, &e), -1);
    assert_int_equal(a.n, 0);
    ct_assert_err(&e, ERR_PARSE, "export Lambda nightly-export", "started[1] is a number", NULL);
    err_clear(&e);
    free(body);
    assert_int_equal(lambda_parse_export_answer(&a, "nightly-export", "[]", 2, &e), -1);
    ct_assert_err(&e, ERR_PARSE, NULL);
    err_clear(&e);
    assert_int_equal(lambda_parse_export_answer(&a, "nightly-export", "{\"started\":{}}", 14, &e),
                     -1);
    ct_assert_err(&e, ERR_PARSE, "started", NULL);
}

static void test_events(void **state)
{
    size_t len;
    char *body = ct_read("tests/data/events/describe-rule.json", &len);
    struct events_rule r;
    struct events_targets t;
    struct http_request req;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(events_parse_rule(&r, body, len, &e), 0);
    assert_string_equal(r.schedule, "cron(0 18 * * ? *)");
    assert_string_equal(r.state, "ENABLED");
    assert_string_equal(r.description, "毎晩 03:00 JST のエクスポート");
    events_rule_release(&r);
    free(body);

    body = ct_read("tests/data/events/describe-rule-pattern.json", &len);
    assert_int_equal(events_parse_rule(&r, body, len, &e), 0);
    assert_null(r.schedule);
    events_rule_release(&r);
    free(body);

    body = ct_read("tests/data/events/describe-rule-wrong-type.json", &len);
    assert_int_equal(events_parse_rule(&r, body, len, &e), -1);
    assert_null(r.name);
    ct_assert_err(&e, ERR_PARSE,
                  "events DescribeRule: ScheduleExpression is an array, expected a string", NULL);
    free(body);

    err_clear(&e);
    body = ct_read("tests/data/events/list-targets.json", &len);
    assert_int_equal(events_parse_targets(&t, body, len, &e), 0);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.next_token, "t2");
    assert_string_equal(t.v[0].arn, "arn:aws:lambda:ap-northeast-1:123456789012:function:"
                                    "export-trigger");
    assert_string_equal(t.v[0].input, "{\"tables\":[\"Orders\",\"Users\"]}");
    assert_null(t.v[1].input);
    events_targets_release(&t);
    free(body);

    assert_int_equal(events_build_describe_rule(&req, EVENTS, "nightly-export", NULL, &e), 0);
    ct_assert_req(&req, "POST", EVENTS "/", "{\"Name\": \"nightly-export\"}");
    ct_assert_header(&req, "X-Amz-Target", "AWSEvents.DescribeRule");
    ct_assert_header(&req, "Content-Type", "application/x-amz-json-1.1");
    assert_string_equal(req.command, "aws events describe-rule --name nightly-export");
    http_request_release(&req);

    assert_int_equal(
        events_build_list_targets(&req, EVENTS, "nightly-export", "default", 100, "t2", &e), 0);
    ct_assert_req(&req, "POST", EVENTS "/",
                  "{\"Rule\": \"nightly-export\", \"EventBusName\": \"default\", \"Limit\": 100, "
                  "\"NextToken\": \"t2\"}");
    ct_assert_header(&req, "X-Amz-Target", "AWSEvents.ListTargetsByRule");
    http_request_release(&req);

    body = ct_read("tests/data/events/error-rule-not-found.json", &len);
    assert_int_equal(events_error(&e, "DescribeRule", 400, NULL, body, len), -1);
    ct_assert_err(&e, ERR_NOT_FOUND, "events DescribeRule: HTTP 400 ResourceNotFoundException",
                  "does not exist", NULL);
    free(body);
}

static void aws_daily(const char *expr, int64_t anchor, int hh, int mm, unsigned days)
{
    struct schedule_daily s;
    struct err e = ERR_INIT;

    if (schedule_parse_aws(&s, expr, anchor, &e) != 0)
        fail_msg("%s: %s", expr, e.msg);
    assert_int_equal(s.hour, hh);
    assert_int_equal(s.minute, mm);
    assert_int_equal(s.weekdays, days);
}

static void aws_not_daily(const char *expr, int64_t anchor, const char *why)
{
    struct schedule_daily s;
    struct err e = ERR_INIT;

    assert_int_equal(schedule_parse_aws(&s, expr, anchor, &e), -1);
    ct_assert_err(&e, ERR_CONFIG, expr, why, NULL);
}

static void test_schedule_aws(void **state)
{
    (void)state;
    aws_daily("cron(0 18 * * ? *)", 0, 18, 0, SCHEDULE_EVERY_DAY);
    aws_daily("cron(30 3 ? * * *)", 0, 3, 30, SCHEDULE_EVERY_DAY);
    aws_daily("cron(05 00 ? * MON-FRI *)", 0, 0, 5, 0x3e);
    aws_daily("cron(15 1 ? * SUN,wed,7 *)", 0, 1, 15, 0x49);
    aws_daily("cron(0 9 ? * 2-3 *)", 0, 9, 0, 0x06);
    aws_daily("rate(1 day)", 1709262000000LL, 3, 0, SCHEDULE_EVERY_DAY); /* 2024-03-01T03:00Z */
    aws_daily("rate(24 hours)", 1709265630000LL, 4, 0, SCHEDULE_EVERY_DAY);
    aws_not_daily("rate(1 day)", 0, "does not say at what time of day");
    aws_not_daily("rate(6 hours)", 0, "does not fire once a day");
    aws_not_daily("rate(2 days)", 0, "does not fire once a day");
    aws_not_daily("cron(0 */6 * * ? *)", 0, "fixed time");
    aws_not_daily("cron(0 18 1 * ? *)", 0, "monthly");
    aws_not_daily("cron(0 18 ? * MON#1 *)", 0, "monthly");
    aws_not_daily("cron(0 18 * * ? 2024)", 0, "fixed time");
    aws_not_daily("cron(0 18 * * ?)", 0, "6 cron fields");
    aws_not_daily("cron(0 24 * * ? *)", 0, "fixed time");
    aws_not_daily("at(2024-03-01T00:00:00)", 0, "not cron(...) or rate(...)");
    aws_not_daily("", 0, "not cron");
}

static void dts_daily(const char *sched, int64_t anchor, int hh, int mm, unsigned days)
{
    struct schedule_daily s;
    struct err e = ERR_INIT;

    if (schedule_parse_dts(&s, sched, anchor, &e) != 0)
        fail_msg("%s: %s", sched, e.msg);
    assert_int_equal(s.hour, hh);
    assert_int_equal(s.minute, mm);
    assert_int_equal(s.weekdays, days);
}

static void dts_not_daily(const char *sched, int64_t anchor, const char *why)
{
    struct schedule_daily s;
    struct err e = ERR_INIT;

    assert_int_equal(schedule_parse_dts(&s, sched, anchor, &e), -1);
    ct_assert_err(&e, ERR_CONFIG, why, NULL);
}

static void test_schedule_dts(void **state)
{
    struct schedule_daily s = {4, 0, 0x22};

    (void)state;
    dts_daily("every day 04:00", 0, 4, 0, SCHEDULE_EVERY_DAY);
    dts_daily("every day 19:30", 0, 19, 30, SCHEDULE_EVERY_DAY);
    dts_daily("every mon,wed 09:05", 0, 9, 5, 0x0a);
    dts_daily("every Saturday 23:59", 0, 23, 59, 0x40);
    dts_daily("every 24 hours", 1709352000000LL, 4, 0, SCHEDULE_EVERY_DAY);
    dts_daily("every 1440 minutes", 1709353800000LL, 4, 30, SCHEDULE_EVERY_DAY);
    dts_not_daily("every 24 hours", 0, "does not say at what time of day");
    dts_not_daily("every 6 hours", 0, "fires every 6 hours, not once a day");
    dts_not_daily("every 15 minutes", 0, "not once a day");
    dts_not_daily("1st,3rd monday of month 15:30", 0, "not of a form pipetop can place");
    dts_not_daily("every day 25:00", 0, "not of a form");
    dts_not_daily("every day 4:0", 0, "not of a form");
    dts_not_daily("every funday 04:00", 0, "not of a form");
    dts_not_daily("", 0, "no schedule");
    assert_true(schedule_fires_on(&s, 1));
    assert_true(schedule_fires_on(&s, 5));
    assert_false(schedule_fires_on(&s, 0));
    assert_false(schedule_fires_on(&s, 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invoke_build),    cmocka_unit_test(test_invoke_answers),
        cmocka_unit_test(test_export_contract), cmocka_unit_test(test_lambda_errors),
        cmocka_unit_test(test_events),          cmocka_unit_test(test_schedule_aws),
        cmocka_unit_test(test_schedule_dts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
