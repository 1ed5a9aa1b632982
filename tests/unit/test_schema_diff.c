/* tests/unit/test_schema_diff.c: schema version differences (core/schema_diff.h) — added,
 * removed and changed fields (type, mode, description, policy tags), nested RECORD paths, no
 * difference for equal schemas and for an absent mode vs NULLABLE — and the resume points of
 * persisted actions (tui/action.h action_step_parse). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/schema.h"
#include "core/schema_diff.h"
#include "tui/action.h"

static void diff_json(const char *a, const char *b, struct buf *out, struct schema_diff_count *c)
{
    struct schema_field *fa = NULL, *fb = NULL;
    size_t na = 0, nb = 0;
    struct err e = ERR_INIT;

    assert_int_equal(schema_from_json(a, &fa, &na, &e), 0);
    assert_int_equal(schema_from_json(b, &fb, &nb, &e), 0);
    assert_int_equal(schema_diff(fa, na, fb, nb, out, c, &e), 0);
    schema_fields_free(fa, na);
    schema_fields_free(fb, nb);
}

static void test_equal(void **state)
{
    struct buf out = BUF_INIT(4096);
    struct schema_diff_count c;
    const char *s = "[{\"name\":\"id\",\"type\":\"STRING\",\"mode\":\"REQUIRED\"},"
                    "{\"name\":\"x\",\"type\":\"INT64\"}]";
    const char *t = "[{\"name\":\"id\",\"type\":\"STRING\",\"mode\":\"REQUIRED\"},"
                    "{\"name\":\"x\",\"type\":\"INT64\",\"mode\":\"NULLABLE\"}]";

    (void)state;
    diff_json(s, t, &out, &c);
    assert_int_equal(c.added + c.removed + c.changed, 0);
    assert_int_equal(out.len, 0);
    buf_release(&out);
}

static void test_changes(void **state)
{
    struct buf out = BUF_INIT(4096);
    struct schema_diff_count c;
    const char *a = "[{\"name\":\"id\",\"type\":\"STRING\"},"
                    "{\"name\":\"old\",\"type\":\"BOOL\"},"
                    "{\"name\":\"Item\",\"type\":\"RECORD\",\"fields\":["
                    "{\"name\":\"age\",\"type\":\"STRING\",\"description\":\"年齢\"}]}]";
    const char *b = "[{\"name\":\"id\",\"type\":\"STRING\",\"mode\":\"REQUIRED\"},"
                    "{\"name\":\"Item\",\"type\":\"RECORD\",\"fields\":["
                    "{\"name\":\"age\",\"type\":\"INT64\",\"description\":\"年齢 (歳)\"},"
                    "{\"name\":\"plan\",\"type\":\"STRING\"}]},"
                    "{\"name\":\"new\",\"type\":\"DATE\"}]";

    (void)state;
    diff_json(a, b, &out, &c);
    assert_int_equal(c.added, 2);
    assert_int_equal(c.removed, 1);
    assert_int_equal(c.changed, 2);
    assert_non_null(strstr(buf_cstr(&out), "~ id: mode NULLABLE -> REQUIRED\n"));
    assert_non_null(strstr(buf_cstr(&out), "~ Item.age: type STRING -> INT64, description"));
    assert_non_null(strstr(buf_cstr(&out), "+ Item.plan STRING NULLABLE\n"));
    assert_non_null(strstr(buf_cstr(&out), "+ new DATE NULLABLE\n"));
    assert_non_null(strstr(buf_cstr(&out), "- old BOOL NULLABLE\n"));
    buf_release(&out);
}

static void test_step_parse(void **state)
{
    char day[TIME_DAY_LEN], id[128];
    enum stage st;

    (void)state;
    assert_int_equal(action_step_parse("2026-11-22 transfer started projects/p/runs/r", day, &st,
                                       id, sizeof(id)),
                     0);
    assert_string_equal(day, "2026-11-22");
    assert_int_equal(st, STAGE_TRANSFER);
    assert_string_equal(id, "projects/p/runs/r");
    assert_int_equal(
        action_step_parse("2026-11-22 export succeeded arn:x", day, &st, id, sizeof(id)), 0);
    assert_int_equal(st, STAGE_TRANSFER); /* go on with the next stage */
    assert_string_equal(id, "");
    assert_int_equal(action_step_parse("2026-11-22 query succeeded r", day, &st, id, sizeof(id)),
                     0);
    assert_int_equal(st, STAGE_COUNT); /* the day is done */
    assert_int_equal(action_step_parse("2026-11-22 query starting", day, &st, id, sizeof(id)), 0);
    assert_int_equal(st, STAGE_QUERY);
    assert_string_equal(id, "");
    assert_int_equal(action_step_parse("planned", day, &st, id, sizeof(id)), -1);
    assert_int_equal(action_step_parse(NULL, day, &st, id, sizeof(id)), -1);
    assert_int_equal(action_step_parse("2026-11-22 load started x", day, &st, id, sizeof(id)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_step_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
