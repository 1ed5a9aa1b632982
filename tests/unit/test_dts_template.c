/* tests/unit/test_dts_template.c: DTS runtime templates rendered in UTC (every form, offsets
 * across midnight), bad templates with their position, data_path patterns against export
 * prefixes, and destination table templates; cases in tests/data/link/templates.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/dts_template.h"
#include "core/timeutil.h"

static json_t *cases(const char *key)
{
    static json_t *root;
    json_error_t je;

    if (root == NULL)
        root = json_load_file("tests/data/link/templates.json", 0, &je);
    assert_non_null(root);
    return json_object_get(root, key);
}

static void test_render(void **state)
{
    size_t i;
    json_t *c;

    (void)state;
    json_array_foreach(cases("render"), i, c)
    {
        struct err e = ERR_INIT;
        int64_t at;
        char *out = NULL;
        assert_int_equal(
            time_parse_rfc3339(json_string_value(json_object_get(c, "run_time")), &at, &e), 0);
        assert_int_equal(
            dts_template_render(&out, json_string_value(json_object_get(c, "t")), at, &e), 0);
        assert_string_equal(out, json_string_value(json_object_get(c, "out")));
        free(out);
    }
}

static void test_bad(void **state)
{
    size_t i;
    json_t *c;

    (void)state;
    json_array_foreach(cases("bad"), i, c)
    {
        const char *t = json_string_value(json_object_get(c, "t"));
        char want[64], *out = (char *)"x";
        struct err e = ERR_INIT, e2 = ERR_INIT;
        struct dts_pattern p;

        snprintf(want, sizeof(want),
                 "at position %d:", (int)json_integer_value(json_object_get(c, "pos")));
        assert_int_equal(dts_template_render(&out, t, 0, &e), -1);
        assert_null(out);
        assert_int_equal(e.code, ERR_PARSE);
        if (strstr(e.msg, want) == NULL || strstr(e.msg, t) == NULL ||
            strstr(e.msg, json_string_value(json_object_get(c, "says"))) == NULL)
            fail_msg("%s: got \"%s\", want %s", t, e.msg, want);
        assert_int_equal(dts_pattern_compile(&p, t, &e2), -1);
        assert_string_equal(e.msg, e2.msg);
        assert_null(p.v);
    }
}

static void test_prefix(void **state)
{
    size_t i;
    json_t *c;

    (void)state;
    json_array_foreach(cases("prefix"), i, c)
    {
        struct err e = ERR_INIT;
        struct dts_pattern p;
        const char *path = json_string_value(json_object_get(c, "path"));
        const char *key = json_string_value(json_object_get(c, "key"));
        assert_int_equal(dts_pattern_compile(&p, path, &e), 0);
        if (dts_pattern_reads_prefix(&p, key) != json_is_true(json_object_get(c, "reads")))
            fail_msg("%s vs %s: want %s", path, key,
                     json_is_true(json_object_get(c, "reads")) ? "reads" : "does not read");
        dts_pattern_release(&p);
    }
}

/* The pattern of a template matches everything the template renders to, on any day. */
static void test_render_matches_pattern(void **state)
{
    size_t i;
    json_t *c;

    (void)state;
    json_array_foreach(cases("render"), i, c)
    {
        struct err e = ERR_INIT;
        struct dts_pattern p;
        const char *t = json_string_value(json_object_get(c, "t"));
        assert_int_equal(dts_pattern_compile(&p, t, &e), 0);
        for (int64_t at = 0; at < 400LL * 86400000; at += 86400000LL * 37 + 3600000LL * 5) {
            char *out = NULL;
            assert_int_equal(dts_template_render(&out, t, at, &e), 0);
            if (!dts_pattern_match(&p, out))
                fail_msg("%s rendered %s which its pattern does not match", t, out);
            free(out);
        }
        dts_pattern_release(&p);
    }
}

static void test_table_base(void **state)
{
    size_t i;
    json_t *c;

    (void)state;
    json_array_foreach(cases("table"), i, c)
    {
        struct err e = ERR_INIT;
        char *out = NULL;
        const char *t = json_string_value(json_object_get(c, "t"));
        json_t *want = json_object_get(c, "base");
        if (json_is_null(want)) {
            assert_int_equal(dts_table_base(&out, t, &e), -1);
            assert_int_equal(e.code, ERR_PARSE);
            assert_non_null(strstr(e.msg, t));
        } else {
            assert_int_equal(dts_table_base(&out, t, &e), 0);
            assert_string_equal(out, json_string_value(want));
        }
        free(out);
    }
}

static void test_s3_split_and_dir(void **state)
{
    struct err e = ERR_INIT;
    char *b, *k;

    (void)state;
    assert_int_equal(dts_s3_split("s3://acme/dynamodb/users/{run_date}/*", &b, &k, &e), 0);
    assert_string_equal(b, "acme");
    assert_string_equal(k, "dynamodb/users/{run_date}/*");
    free(b);
    assert_int_equal(dts_template_literal_dir(&b, k, &e), 0);
    assert_string_equal(b, "dynamodb/users/");
    free(b);
    free(k);
    assert_int_equal(dts_s3_split("s3://acme", &b, &k, &e), 0);
    assert_string_equal(k, "");
    free(b);
    free(k);
    assert_int_equal(dts_s3_split("s3://{run_date}/x", &b, &k, &e), -1);
    assert_non_null(strstr(e.msg, "plain name"));
    assert_null(b);
    e = (struct err)ERR_INIT;
    assert_int_equal(dts_s3_split("gs://x/y", &b, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "gs://x/y"));
    assert_true(dts_template_has_params("a/{run_date}"));
    assert_false(dts_template_has_params("a/*"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),     cmocka_unit_test(test_bad),
        cmocka_unit_test(test_prefix),     cmocka_unit_test(test_render_matches_pattern),
        cmocka_unit_test(test_table_base), cmocka_unit_test(test_s3_split_and_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
