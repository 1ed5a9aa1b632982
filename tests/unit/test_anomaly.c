/* tests/unit/test_anomaly.c: row-count anomalies — daily values (last sample of a day in the
 * zone in use), a tenfold jump flagged with 14 earlier days, too little history, zero variance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/anomaly.h"

#define DAY_MS 86400000LL
#define T0 1715731200000LL /* 2024-05-15T00:00:00Z = 09:00 in Tokyo */

/* days samples at T0 + i days with the given rows. */
static struct rowcount_sample *series(const int64_t *rows, size_t n)
{
    struct rowcount_sample *s = calloc(n, sizeof(*s));

    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        s[i].at_ms = T0 + (int64_t)i * DAY_MS;
        s[i].rows = rows[i];
    }
    return s;
}

static void test_tenfold_jump_flagged(void **state)
{
    int64_t rows[15] = {1000, 1010, 990, 1005, 1002, 998,  1012, 987,
                        1001, 1003, 996, 1008, 999,  1004, 10040};
    struct rowcount_sample *s = series(rows, 15);
    struct anomaly a;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(anomaly_of_samples(&a, s, 15, &e), 0);
    assert_true(a.flagged);
    assert_false(a.insufficient);
    assert_int_equal(a.n, 14);
    assert_true(a.z > 100);
    assert_true(fabs(a.mean - 1001.0) < 1.0);
    assert_string_equal(a.day, "2024-05-29");
    assert_true(a.value == 10040);
    assert_non_null(strstr(a.reason, "standard deviations"));
    /* one day less: z still computed, not flagged */
    assert_int_equal(anomaly_of_samples(&a, s + 1, 14, &e), 0);
    assert_false(a.flagged);
    assert_int_equal(a.n, 13);
    assert_true(a.z > 100);
    assert_non_null(strstr(a.reason, "not enough history to flag (13 days"));
    /* an ordinary day with 14 days behind it */
    rows[14] = 1006;
    free(s);
    s = series(rows, 15);
    assert_int_equal(anomaly_of_samples(&a, s, 15, &e), 0);
    assert_false(a.flagged);
    assert_true(fabs(a.z) < 3);
    free(s);
}

static void test_insufficient(void **state)
{
    int64_t rows[4] = {10, 20, 1000, 5};
    struct rowcount_sample *s = series(rows, 4);
    struct anomaly a;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(anomaly_of_samples(&a, s, 3, &e), 0);
    assert_true(a.insufficient);
    assert_false(a.flagged);
    assert_int_equal(a.n, 2);
    assert_non_null(strstr(a.reason, "insufficient history"));
    /* 4 earlier days: z computed */
    anomaly_judge(&a, rows, 4, 5000);
    assert_false(a.insufficient);
    assert_true(a.z > 3);
    assert_false(a.flagged);
    assert_int_equal(anomaly_of_samples(&a, s, 0, &e), 0);
    assert_true(a.insufficient);
    assert_string_equal(a.day, "");
    free(s);
}

static void test_zero_variance(void **state)
{
    int64_t flat[14];
    struct anomaly a;

    (void)state;
    for (int i = 0; i < 14; i++)
        flat[i] = 500;
    anomaly_judge(&a, flat, 14, 500);
    assert_false(a.flagged);
    assert_true(a.z == 0);
    anomaly_judge(&a, flat, 14, 501);
    assert_true(a.flagged);
    assert_true(isinf(a.z) && a.z > 0);
    assert_non_null(strstr(a.reason, "no variance"));
    anomaly_judge(&a, flat, 14, 0);
    assert_true(a.flagged && a.z < 0);
    anomaly_judge(&a, flat, 6, 900);
    assert_false(a.flagged);
    assert_true(isinf(a.z));
}

/* Several samples a day: the last one counts; days are counted in the zone in use. */
static void test_daily_values(void **state)
{
    struct rowcount_sample s[4] = {
        {NULL, T0 + 3600000, 7, 0},                   /* 2024-05-15 10:00 JST */
        {NULL, T0 - 3600000, 5, 0},                   /* 2024-05-15 08:00 JST */
        {NULL, T0 + 15 * 3600000 + 60000, 9, 0},      /* 2024-05-16 00:01 JST */
        {NULL, T0 + 14 * 3600000 + 59 * 60000, 8, 0}, /* 2024-05-15 23:59 JST */
    };
    struct anomaly_day *d;
    size_t n;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(time_zone_use("Asia/Tokyo", &e), 0);
    assert_int_equal(anomaly_daily(&d, &n, s, 4, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].day, "2024-05-15");
    assert_true(d[0].rows == 8);
    assert_string_equal(d[1].day, "2024-05-16");
    assert_true(d[1].rows == 9);
    free(d);
    assert_int_equal(time_zone_use("UTC", &e), 0);
    assert_int_equal(anomaly_daily(&d, &n, s, 4, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].day, "2024-05-14");
    assert_true(d[1].rows == 9);
    free(d);
}

/* Each day judged against the days before it: only the jump is flagged. */
static void test_series(void **state)
{
    int64_t rows[16] = {100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100, 102, 98, 1000, 101};
    struct rowcount_sample *s = series(rows, 16);
    struct anomaly *a;
    size_t n;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(anomaly_series(&a, &n, s, 16, &e), 0);
    assert_int_equal(n, 16);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a[i].n, i);
        assert_int_equal(a[i].insufficient, i < 4);
        assert_int_equal(a[i].flagged, i == 14);
    }
    assert_string_equal(a[14].day, "2024-05-29");
    free(a);
    free(s);
    assert_int_equal(anomaly_series(&a, &n, NULL, 0, &e), 0);
    assert_null(a);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tenfold_jump_flagged),
        cmocka_unit_test(test_insufficient),
        cmocka_unit_test(test_zero_variance),
        cmocka_unit_test(test_daily_values),
        cmocka_unit_test(test_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
