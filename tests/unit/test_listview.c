/* tests/unit/test_listview.c: the dashboard's list engine without a terminal — the sticky
 * filter (case-insensitive, incremental when it grows, widened again when it shrinks),
 * failures only, numeric and text sorting with reversal, n/N failure jumps, the selection kept
 * on reload — and tui_fit_bytes cutting UTF-8 by display width. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tui/dash.h"
#include "tui/listview.h"

struct row {
    const char *name;
    const char *count;
    bool failed;
};

static const struct row rows[] = {
    {"alpha", "10", false},  {"Beta", "9", true},       {"gamma", "1,200", false},
    {"注文履歴", "3", true}, {"alphabet", "40", false},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const struct lv_col cols[] = {{"NAME", 4, 20, OUT_LEFT, false},
                                     {"COUNT", 3, 8, OUT_RIGHT, true}};

static void cell(void *ctx, size_t r, size_t c, char *out, size_t n)
{
    (void)ctx;
    snprintf(out, n, "%s", c == 0 ? rows[r].name : rows[r].count);
}

static bool failed(void *ctx, size_t r)
{
    (void)ctx;
    return rows[r].failed;
}

static void load(struct listview *lv)
{
    struct lv_source src = {cols, 2, NROWS, NULL, cell, NULL, failed, NULL, 0};
    memset(lv, 0, sizeof(*lv));
    lv->sort_col = -1;
    assert_int_equal(lv_load(lv, &src), 0);
}

static void test_filter(void **state)
{
    struct listview lv;
    struct dash d;
    (void)state;

    memset(&d, 0, sizeof(d));
    load(&lv);
    assert_int_equal(lv.nidx, NROWS);
    snprintf(d.filter, sizeof(d.filter), "AL");
    lv_sync(&lv, &d);
    assert_int_equal(lv.nidx, 2); /* alpha, alphabet: case-insensitive */
    snprintf(d.filter, sizeof(d.filter), "alphab");
    lv_sync(&lv, &d); /* narrower: searched within the previous matches */
    assert_int_equal(lv.nidx, 1);
    assert_int_equal(lv_current(&lv), 4);
    snprintf(d.filter, sizeof(d.filter), "a");
    lv_sync(&lv, &d); /* wider again: every row is searched */
    assert_int_equal(lv.nidx, 4);
    snprintf(d.filter, sizeof(d.filter), "履歴");
    lv_sync(&lv, &d);
    assert_int_equal(lv.nidx, 1);
    assert_int_equal(lv_current(&lv), 3);
    d.filter[0] = '\0';
    d.failures_only = true;
    lv_sync(&lv, &d);
    assert_int_equal(lv.nidx, 2);
    snprintf(d.filter, sizeof(d.filter), "zzz");
    lv_sync(&lv, &d);
    assert_int_equal(lv.nidx, 0);
    assert_true(lv_current(&lv) == (size_t)-1);
    lv_release(&lv);
}

static void test_sort_and_jump(void **state)
{
    struct listview lv;
    struct dash d;
    (void)state;

    memset(&d, 0, sizeof(d));
    load(&lv);
    assert_int_equal(lv_key(&lv, &d, 'o'), KR_HANDLED); /* by NAME */
    assert_int_equal(lv.sort_col, 0);
    assert_int_equal(lv.idx[0], 1); /* "Beta" sorts before the lower-case names (byte order) */
    assert_int_equal(lv_key(&lv, &d, 'o'), KR_HANDLED); /* by COUNT, numerically */
    assert_int_equal(lv.idx[0], 3);                     /* 3 */
    assert_int_equal(lv.idx[NROWS - 1], 2);             /* 1,200 */
    assert_int_equal(lv_key(&lv, &d, 'O'), KR_HANDLED); /* reversed */
    assert_int_equal(lv.idx[0], 2);
    lv.sel = 0;
    assert_int_equal(lv_key(&lv, &d, 'n'), KR_HANDLED);
    assert_true(rows[lv_current(&lv)].failed);
    size_t first = lv.sel;
    lv_key(&lv, &d, 'n');
    assert_true(rows[lv_current(&lv)].failed);
    assert_int_not_equal(lv.sel, first);
    lv_key(&lv, &d, 'n'); /* wraps around */
    assert_int_equal(lv.sel, first);
    lv_key(&lv, &d, KEY_END);
    assert_int_equal(lv.sel, NROWS - 1);
    lv_key(&lv, &d, KEY_HOME);
    assert_int_equal(lv.sel, 0);
    assert_int_equal(lv_key(&lv, &d, 'z'), KR_UNHANDLED);
    lv_release(&lv);
}

static void test_reload_keeps_selection(void **state)
{
    struct listview lv;
    struct lv_source src = {cols, 2, NROWS, NULL, cell, NULL, failed, NULL, 0};
    (void)state;

    load(&lv);
    lv.sel = 3;
    assert_int_equal(lv_load(&lv, &src), 0);
    assert_int_equal(lv.sel, 3);
    src.nrows = 2; /* fewer rows: the selection stays inside */
    assert_int_equal(lv_load(&lv, &src), 0);
    assert_int_equal(lv.sel, 1);
    lv_release(&lv);
}

static void test_fit_bytes(void **state)
{
    (void)state;
    assert_int_equal(tui_fit_bytes("abcdef", 4), 4);
    assert_int_equal(tui_fit_bytes("abc", 10), 3);
    /* 注文 are 3 bytes and 2 columns each: 3 columns hold one of them, never half */
    assert_int_equal(tui_fit_bytes("注文履歴", 3), 3);
    assert_int_equal(tui_fit_bytes("注文履歴", 4), 6);
    assert_int_equal(tui_fit_bytes("a注", 2), 1);
    /* a character wider than the width still advances (wrapping never loops) */
    assert_int_equal(tui_fit_bytes("注", 1), 3);
    assert_int_equal(tui_fit_bytes("", 5), 0);
    /* an invalid byte counts as one column and is never merged with what follows */
    assert_int_equal(tui_fit_bytes("\xff"
                                   "ab",
                                   2),
                     2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_sort_and_jump),
        cmocka_unit_test(test_reload_keeps_selection),
        cmocka_unit_test(test_fit_bytes),
    };
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
        setlocale(LC_CTYPE, "en_US.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
