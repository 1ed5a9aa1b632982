/* tests/unit/test_timeutil.c: RFC 3339 parsing/formatting and day bucketing across zones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/timeutil.h"

static void test_parse_forms(void **state)
{
    struct err e = ERR_INIT;
    int64_t ms;

    (void)state;
    assert_int_equal(time_parse_rfc3339("2024-05-16T20:00:00Z", &ms, &e), 0);
    assert_true(ms == 1715889600000LL);
    assert_int_equal(time_parse_rfc3339("2024-03-01T04:00:08.339581Z", &ms, &e), 0);
    assert_true(ms == 1709265608339LL);
    assert_int_equal(time_parse_rfc3339("2024-05-17T05:00:00+09:00", &ms, &e), 0);
    assert_true(ms == 1715889600000LL);
    assert_int_equal(time_parse_rfc3339("2024-05-16T15:30:00-04:30", &ms, &e), 0);
    assert_true(ms == 1715889600000LL);
    assert_int_equal(time_parse_rfc3339("2024-02-29T00:00:00.000000000Z", &ms, &e), 0);
}

static void test_parse_rejects(void **state)
{
    static const char *bad[] = {"",
                                "2024-05-16",
                                "2024-05-16T20:00:00",
                                "2023-02-29T00:00:00Z",
                                "2024-13-01T00:00:00Z",
                                "2024-05-16T24:00:00Z",
                                "2024-05-16T20:00:00.Z",
                                "2024-05-16T20:00:00.1234567890Z",
                                "2024-05-16T20:00:00+0900",
                                "2024-05-16T20:00:00Zjunk"};
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct err e = ERR_INIT;
        int64_t ms;
        assert_int_equal(time_parse_rfc3339(bad[i], &ms, &e), -1);
        assert_int_equal(e.code, ERR_PARSE);
        assert_non_null(strstr(e.msg, "RFC 3339"));
    }
}

static void test_format_utc(void **state)
{
    char buf[TIME_RFC3339_LEN];

    (void)state;
    assert_string_equal(time_format_utc(1715889600000LL, buf, sizeof(buf)), "2024-05-16T20:00:00Z");
    assert_string_equal(time_format_utc(1709265608339LL, buf, sizeof(buf)),
                        "2024-03-01T04:00:08.339Z");
    assert_string_equal(time_format_utc(-1, buf, sizeof(buf)), "1969-12-31T23:59:59.999Z");
}

static void test_day_in_tokyo(void **state)
{
    struct err e = ERR_INIT;
    char day[TIME_DAY_LEN];
    char buf[TIME_RFC3339_LEN];

    (void)state;
    assert_int_equal(time_zone_use("Asia/Tokyo", &e), 0);
    time_day_of(1715889600000LL, day); /* 2024-05-16 20:00 UTC */
    assert_string_equal(day, "2024-05-17");
    assert_string_equal(time_format_local(1715889600000LL, buf, sizeof(buf)),
                        "2024-05-17T05:00:00+09:00");
    time_day_of(1715889600000LL - 5 * 3600 * 1000LL - 1, day); /* 23:59:59.999 JST */
    assert_string_equal(day, "2024-05-16");

    assert_int_equal(time_zone_use("UTC", &e), 0);
    time_day_of(1715889600000LL, day);
    assert_string_equal(day, "2024-05-16");
}

static void test_dst_zone(void **state)
{
    struct err e = ERR_INIT;
    int64_t ms;
    char day[TIME_DAY_LEN];

    (void)state;
    assert_int_equal(time_zone_use("America/New_York", &e), 0);
    /* 2024-03-10 is 23 hours long in New York. */
    assert_int_equal(time_local_at("2024-03-10", 0, 0, 0, &ms, &e), 0);
    int64_t next;
    assert_int_equal(time_local_at("2024-03-11", 0, 0, 0, &next, &e), 0);
    assert_true(next - ms == 23LL * 3600 * 1000);
    time_day_of(next - 1, day);
    assert_string_equal(day, "2024-03-10");
    assert_int_equal(time_zone_use("UTC", &e), 0);
}

static void test_unknown_zone(void **state)
{
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(time_zone_use("Asia/Tokio", &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_non_null(strstr(e.msg, "Asia/Tokio"));
    err_clear(&e);
    assert_int_equal(time_zone_use("../../etc/passwd", &e), -1);
}

static void test_day_arithmetic(void **state)
{
    struct err e = ERR_INIT;
    char out[TIME_DAY_LEN];
    int d;

    (void)state;
    assert_int_equal(time_day_add("2024-02-28", 1, out, &e), 0);
    assert_string_equal(out, "2024-02-29");
    assert_int_equal(time_day_add("2024-03-01", -1, out, &e), 0);
    assert_string_equal(out, "2024-02-29");
    assert_int_equal(time_day_add("2024-12-31", 1, out, &e), 0);
    assert_string_equal(out, "2025-01-01");
    assert_int_equal(time_day_diff("2024-01-01", "2024-12-31", &d, &e), 0);
    assert_int_equal(d, 365);
    assert_int_equal(time_day_valid("2024-02-30", &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
}

static void test_utc_at_and_epoch(void **state)
{
    struct err e = ERR_INIT;
    int64_t ms;

    (void)state;
    assert_int_equal(time_utc_at("2024-02-29", 4, 0, 0, &ms, &e), 0);
    char buf[TIME_RFC3339_LEN];
    assert_string_equal(time_format_utc(ms, buf, sizeof(buf)), "2024-02-29T04:00:00Z");
    assert_true(time_from_epoch_seconds(1.700000000123E9) == 1700000000123LL);
}

static void test_age(void **state)
{
    char buf[32];

    (void)state;
    assert_string_equal(time_format_age(100000, 99000, buf, sizeof(buf)), "just now");
    assert_string_equal(time_format_age(200000, 20000, buf, sizeof(buf)), "3m ago");
    assert_string_equal(time_format_age(0, 7200000, buf, sizeof(buf)), "in 2h");
    assert_string_equal(time_format_age(5 * 86400000LL, 0, buf, sizeof(buf)), "5d ago");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_format_utc),
        cmocka_unit_test(test_day_in_tokyo),
        cmocka_unit_test(test_dst_zone),
        cmocka_unit_test(test_unknown_zone),
        cmocka_unit_test(test_day_arithmetic),
        cmocka_unit_test(test_utc_at_and_epoch),
        cmocka_unit_test(test_age),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
