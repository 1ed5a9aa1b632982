/* tests/unit/test_core_util.c: the error type, the bounded buffer, the clock and the model's
 * names, glyphs and ownership helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/model.h"

static void test_err_first_wins(void **state)
{
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(err_set(&e, ERR_NETWORK, "first %d", 1), -1);
    assert_int_equal(err_set(&e, ERR_PARSE, "second"), -1);
    assert_int_equal(e.code, ERR_NETWORK);
    assert_string_equal(e.msg, "first 1");
    err_prefix(&e, "refresh %s: ", "users");
    assert_string_equal(e.msg, "refresh users: first 1");
    err_clear(&e);
    assert_int_equal(e.code, ERR_OK);
    assert_int_equal(err_set_http(&e, ERR_SERVICE, 503, "busy"), -1);
    assert_int_equal(e.http_status, 503);
    assert_int_equal(err_set(NULL, ERR_IO, "no target"), -1);
    assert_string_equal(err_code_name(ERR_AUTH), "auth");
}

static void test_err_prefix_truncates(void **state)
{
    struct err e = ERR_INIT;
    char big[2 * ERR_MSG_MAX];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    err_set(&e, ERR_IO, "%s", big);
    assert_int_equal(strlen(e.msg), ERR_MSG_MAX - 1);
    err_prefix(&e, "ctx: ");
    assert_int_equal(strlen(e.msg), ERR_MSG_MAX - 1);
    assert_memory_equal(e.msg, "ctx: xxx", 8);
}

static void test_buf_bounded(void **state)
{
    struct buf b = BUF_INIT(10);

    (void)state;
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_puts(&b, "hello"), 0);
    assert_int_equal(buf_printf(&b, "%d", 1234), 0);
    assert_string_equal(buf_cstr(&b), "hello1234");
    assert_int_equal(buf_puts(&b, "xy"), -1); /* 11 > 10 */
    assert_true(b.toobig);
    assert_string_equal(buf_cstr(&b), "hello1234"); /* unchanged */
    assert_int_equal(buf_putc(&b, '!'), 0);
    assert_int_equal(b.len, 10);
    assert_int_equal(buf_printf(&b, "%s", "z"), -1);
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.toobig, 0);
    char *s = (buf_puts(&b, "abc"), buf_detach(&b));
    assert_string_equal(s, "abc");
    free(s);
    assert_null(b.data);
    buf_release(&b);
}

static void test_buf_huge_request(void **state)
{
    struct buf b = BUF_INIT(1 << 20);

    (void)state;
    assert_int_equal(buf_append(&b, "x", (size_t)-1), -1);
    assert_true(b.toobig);
    buf_release(&b);
}

static void test_clock(void **state)
{
    struct clock c;
    int64_t now = 1715889600000LL;

    (void)state;
    clock_fixed(&c, &now);
    assert_true(clock_now_ms(&c) == 1715889600000LL);
    now += 5;
    assert_true(clock_now_ms(&c) == 1715889600005LL);
    assert_true(clock_now_ms(NULL) > 1700000000000LL);
    assert_true(clock_mono_ms() >= 0);
}

static void test_states(void **state)
{
    enum run_state s;
    enum stage st;

    (void)state;
    for (int i = 0; i < RS_COUNT; i++) {
        assert_int_equal(run_state_parse(run_state_name((enum run_state)i), &s), 0);
        assert_int_equal(s, i);
        assert_non_null(run_state_glyph(s));
        for (int j = 0; j < RS_COUNT; j++) /* glyphs and ASCII glyphs are unique */
            if (j != i) {
                assert_string_not_equal(run_state_glyph(s), run_state_glyph((enum run_state)j));
                assert_true(run_state_ascii(s) != run_state_ascii((enum run_state)j));
            }
    }
    assert_int_equal(run_state_parse("succeeded", &s), -1);
    assert_true(run_state_severity(RS_FAILED) > run_state_severity(RS_RUNNING));
    assert_true(run_state_severity(RS_RUNNING) > run_state_severity(RS_SUCCEEDED));
    assert_true(run_state_is_failure(RS_UPSTREAM_FAILED));
    assert_false(run_state_is_failure(RS_PENDING));
    assert_true(run_state_is_active(RS_RUNNING));
    assert_int_equal(stage_parse("transfer", &st), 0);
    assert_int_equal(st, STAGE_TRANSFER);
    assert_int_equal(stage_parse("q", &st), 0);
    assert_int_equal(st, STAGE_QUERY);
    assert_int_equal(stage_parse("load", &st), -1);
    assert_int_equal(stage_letter(STAGE_EXPORT), 'E');
}

static void test_schema_copy(void **state)
{
    struct err e = ERR_INIT;
    char tag[] = "projects/p/locations/l/taxonomies/1/policyTags/2";
    char *tags[] = {tag};
    char city[] = "city", str[] = "STRING", nullable[] = "NULLABLE", rec[] = "RECORD";
    char d_city[] = "市区町村", email[] = "email", d_email[] = "メール", address[] = "address";
    struct schema_field inner = {
        .name = city, .type = str, .mode = nullable, .description = d_city};
    struct schema_field top[2] = {
        {.name = email,
         .type = str,
         .mode = nullable,
         .description = d_email,
         .policy_tags = tags,
         .n_policy_tags = 1},
        {.name = address, .type = rec, .mode = nullable, .fields = &inner, .n_fields = 1},
    };
    char p[] = "p", ds[] = "mart", tid[] = "users";
    struct table_meta t = {.project = p, .dataset = ds, .table_id = tid};
    struct schema_field *copy;
    char *name;

    (void)state;
    assert_int_equal(schema_fields_copy(&copy, top, 2, &e), 0);
    assert_string_equal(copy[0].policy_tags[0], tag);
    assert_string_equal(copy[1].fields[0].description, "市区町村");
    assert_ptr_not_equal(copy[1].fields, &inner);
    schema_fields_free(copy, 2);
    assert_int_equal(table_full_name(&name, &t, &e), 0);
    assert_string_equal(name, "p.mart.users");
    free(name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_first_wins), cmocka_unit_test(test_err_prefix_truncates),
        cmocka_unit_test(test_buf_bounded),    cmocka_unit_test(test_buf_huge_request),
        cmocka_unit_test(test_clock),          cmocka_unit_test(test_states),
        cmocka_unit_test(test_schema_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
