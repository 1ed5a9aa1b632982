/* tests/unit/test_out.c: the width-aware text helpers of tui/out.h in a UTF-8 locale: display
 * width of Japanese and combining characters, truncation by display width at odd widths (never
 * splitting a character, never separating a combining mark), padding, control characters,
 * invalid UTF-8, value formats, sparklines and the fitted table; and the ASCII fallbacks in the
 * C locale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/out.h"

static int utf8_locale(void **state)
{
    (void)state;
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL && setlocale(LC_CTYPE, "en_US.UTF-8") == NULL)
        return -1;
    return 0;
}

static int c_locale(void **state)
{
    (void)state;
    return setlocale(LC_CTYPE, "C") == NULL ? -1 : 0;
}

static char *fit(const char *s, int width, enum out_align a)
{
    static char out[256];
    struct buf b = BUF_INIT(4096);

    assert_int_equal(out_fit(&b, s, width, a), 0);
    snprintf(out, sizeof(out), "%s", buf_cstr(&b));
    buf_release(&b);
    return out;
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(out_width(""), 0);
    assert_int_equal(out_width(NULL), 0);
    assert_int_equal(out_width("abc"), 3);
    assert_int_equal(out_width("\u65e5\u672c\u8a9e"), 6);       /* 日本語 */
    assert_int_equal(out_width("Cafe\u0301"), 4);               /* e + combining acute */
    assert_int_equal(out_width("\uff08\u500b\u4eba\uff09"), 8); /* fullwidth parens */
    assert_int_equal(out_width("a\tb\nc\033[31m"), 10);         /* controls count 1 each */
    assert_int_equal(out_width("\xff\xfe"), 2);                 /* invalid bytes: 1 each */
    assert_int_equal(out_width("\xe6\x97"), 1);                 /* a cut sequence: 1 */
    assert_int_equal(out_width("\u2713\u2717\u25b6"), 3);       /* state glyphs */
}

static void test_fit_ascii(void **state)
{
    (void)state;
    assert_string_equal(fit("abc", 5, OUT_LEFT), "abc  ");
    assert_string_equal(fit("abc", 5, OUT_RIGHT), "  abc");
    assert_string_equal(fit("abcdef", 5, OUT_LEFT), "abcd\u2026");
    assert_string_equal(fit("abcdef", 5, OUT_RIGHT), "abcd\u2026");
    assert_string_equal(fit("abcdef", 1, OUT_LEFT), "\u2026");
    assert_string_equal(fit("abcdef", 0, OUT_LEFT), "");
    assert_string_equal(fit("abc", 3, OUT_LEFT), "abc");
}

static void test_fit_wide(void **state)
{
    const char *ja = "\u30e1\u30fc\u30eb\u30a2\u30c9\u30ec\u30b9"; /* メールアドレス: 14 cols */
    (void)state;
    /* Width 7: 3 wide characters (6) + "…" (1). */
    assert_string_equal(fit(ja, 7, OUT_LEFT), "\u30e1\u30fc\u30eb\u2026");
    /* Width 8 (even): 3 characters + "…" = 7, one space of padding, no half character. */
    assert_string_equal(fit(ja, 8, OUT_LEFT), "\u30e1\u30fc\u30eb\u2026 ");
    assert_int_equal(out_width(fit(ja, 8, OUT_LEFT)), 8);
    for (int w = 0; w <= 16; w++) {
        char *s = fit(ja, w, OUT_LEFT);
        assert_int_equal(out_width(s), w);
        /* Every byte sequence is whole UTF-8: the width of every prefix is defined. */
        assert_int_equal(mbstowcs(NULL, s, 0) != (size_t)-1, 1);
    }
    assert_string_equal(fit(ja, 14, OUT_LEFT), ja);
    assert_string_equal(fit("\u65e5\u672c", 1, OUT_LEFT), "\u2026");
    assert_string_equal(fit("\u65e5\u672c", 2, OUT_LEFT), "\u2026 ");
    assert_string_equal(fit("\u65e5\u672c", 3, OUT_LEFT), "\u65e5\u2026");
    assert_string_equal(fit("\u65e5\u672c", 3, OUT_RIGHT), "\u65e5\u2026");
    assert_string_equal(fit("a\u65e5", 2, OUT_LEFT), "a\u2026");
}

static void test_fit_combining(void **state)
{
    (void)state;
    /* "Café" with a combining accent is 4 columns: it fits 4 exactly and keeps the accent. */
    assert_string_equal(fit("Cafe\u0301", 4, OUT_LEFT), "Cafe\u0301");
    assert_string_equal(fit("Cafe\u0301", 6, OUT_RIGHT), "  Cafe\u0301");
    /* Cut after "Caf": the accent never lands on the ellipsis, and never alone. */
    assert_string_equal(fit("Cafe\u0301s", 4, OUT_LEFT), "Caf\u2026");
    assert_string_equal(fit("e\u0301e\u0301e\u0301e\u0301", 3, OUT_LEFT), "e\u0301e\u0301\u2026");
}

static void test_fit_controls(void **state)
{
    (void)state;
    /* Data from services never reaches the terminal as control characters or escapes. */
    assert_string_equal(fit("a\nb\tc", 5, OUT_LEFT), "a b c");
    assert_string_equal(fit("\033[2Jx", 5, OUT_LEFT), " [2Jx");
    assert_string_equal(fit("\xff"
                            "ab",
                            3, OUT_LEFT),
                        "?ab");
    assert_string_equal(fit("\xe6\x97", 3, OUT_LEFT), "?  ");
}

static void test_cut(void **state)
{
    struct buf b = BUF_INIT(4096);
    (void)state;
    assert_int_equal(out_cut(&b, "abc", 10), 0);
    assert_string_equal(buf_cstr(&b), "abc");
    buf_reset(&b);
    assert_int_equal(out_cut(&b, "\u65e5\u672c\u8a9e", 5), 0);
    assert_string_equal(buf_cstr(&b), "\u65e5\u672c\u2026");
    buf_release(&b);
}

static void test_formats(void **state)
{
    char s[64];
    (void)state;
    assert_string_equal(out_duration(45000, s, sizeof(s)), "45s");
    assert_string_equal(out_duration(192000, s, sizeof(s)), "3m12s");
    assert_string_equal(out_duration(3720000, s, sizeof(s)), "1h02m");
    assert_string_equal(out_duration(-1, s, sizeof(s)), "-");
    assert_string_equal(out_bytes(512, s, sizeof(s)), "512 B");
    assert_string_equal(out_bytes(1536, s, sizeof(s)), "1.5 KiB");
    assert_string_equal(out_bytes(3LL << 30, s, sizeof(s)), "3.0 GiB");
    assert_string_equal(out_bytes(-1, s, sizeof(s)), "-");
    assert_string_equal(out_count(0, s, sizeof(s)), "0");
    assert_string_equal(out_count(999, s, sizeof(s)), "999");
    assert_string_equal(out_count(1234567, s, sizeof(s)), "1,234,567");
    assert_string_equal(out_count(-1, s, sizeof(s)), "-");
    assert_string_equal(out_count(1234567, s, 4), "1,2");
}

static void test_sparkline(void **state)
{
    const int64_t v[] = {10, 20, 30, 40, 50, 60, 70, 80};
    const int64_t flat[] = {5, 5, 5};
    struct buf b = BUF_INIT(4096);
    (void)state;
    assert_int_equal(out_sparkline(&b, v, 8, 30), 0);
    assert_string_equal(buf_cstr(&b), "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
    buf_reset(&b);
    assert_int_equal(out_sparkline(&b, v, 8, 3), 0); /* the last 3 values, rescaled */
    assert_string_equal(buf_cstr(&b), "\u2581\u2585\u2588");
    buf_reset(&b);
    assert_int_equal(out_sparkline(&b, flat, 3, 30), 0);
    assert_string_equal(buf_cstr(&b), "\u2584\u2584\u2584");
    buf_release(&b);
}

static void test_table(void **state)
{
    static const struct out_col cols[] = {
        {"NAME", 4, 30, 0, OUT_LEFT}, {"N", 1, 5, 0, OUT_RIGHT}, {"NOTE", 4, 0, 1, OUT_LEFT}};
    const char *r1[] = {"\u6ce8\u6587\u5c65\u6b74", "12", "first row note"};
    const char *r2[] = {"users", "3", NULL};
    struct out_table t;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    (void)state;

    out_table_init(&t, cols, 3);
    assert_int_equal(out_table_add(&t, r1, NULL), 0);
    assert_int_equal(out_table_add(&t, r2, NULL), 0);
    assert_int_equal(out_table_print(f, &t, 80, false), 0);
    assert_int_equal(out_table_print(f, &t, 12, false), 1); /* NOTE is left out */
    fclose(f);
    assert_string_equal(text, "NAME      N NOTE\n"
                              "\u6ce8\u6587\u5c65\u6b74 12 first row note\n"
                              "users     3\n"
                              "NAME      N\n"
                              "\u6ce8\u6587\u5c65\u6b74 12\n"
                              "users     3\n");
    free(text);
    out_table_release(&t);
}

static void test_ascii_fallback(void **state)
{
    struct buf b = BUF_INIT(4096);
    const int64_t v[] = {1, 8};
    (void)state;
    assert_false(out_utf8());
    assert_string_equal(fit("abcdef", 5, OUT_LEFT), "ab...");
    assert_string_equal(out_glyph(RS_FAILED), "X");
    assert_string_equal(out_glyph(RS_SUCCEEDED), "+");
    /* Undecodable in C: each UTF-8 character is one "?" and never split. */
    assert_string_equal(fit("\u65e5\u672c\u8a9e", 3, OUT_LEFT), "???");
    assert_int_equal(out_sparkline(&b, v, 2, 10), 0);
    assert_string_equal(buf_cstr(&b), " #");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest utf8[] = {
        cmocka_unit_test(test_width),        cmocka_unit_test(test_fit_ascii),
        cmocka_unit_test(test_fit_wide),     cmocka_unit_test(test_fit_combining),
        cmocka_unit_test(test_fit_controls), cmocka_unit_test(test_cut),
        cmocka_unit_test(test_formats),      cmocka_unit_test(test_sparkline),
        cmocka_unit_test(test_table),
    };
    const struct CMUnitTest ascii[] = {cmocka_unit_test(test_ascii_fallback)};
    int rc = cmocka_run_group_tests_name("out (UTF-8)", utf8, utf8_locale, NULL);
    return rc + cmocka_run_group_tests_name("out (C locale)", ascii, c_locale, NULL);
}
