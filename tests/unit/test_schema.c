/* tests/unit/test_schema.c: canonical schema JSON (round trips, nested RECORDs, Japanese
 * descriptions, tables.get input), its SHA-256, and clear ERR_PARSE errors on bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/schema.h"

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = calloc(1, (size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return s;
}

static void test_tables_get(void **state)
{
    struct err e = ERR_INIT;
    struct schema_field *f;
    size_t n;
    char *text = read_text("tests/data/schema/tables-get.json"), *json;
    char hash[SCHEMA_HASH_HEX];

    (void)state;
    assert_int_equal(schema_from_json(text, &f, &n, &e), 0);
    assert_int_equal(n, 5);
    assert_string_equal(f[0].name, "pk");
    assert_string_equal(f[0].mode, "REQUIRED");
    assert_string_equal(f[1].description, "Item.ts.N as seconds");
    assert_int_equal(f[2].n_policy_tags, 1);
    assert_string_equal(f[2].policy_tags[0],
                        "projects/example-project/locations/us/taxonomies/111/policyTags/222");
    assert_int_equal(f[3].n_fields, 2);
    assert_string_equal(f[3].fields[1].name, "zip");
    assert_string_equal(f[3].fields[1].type, "INTEGER");
    assert_string_equal(f[4].mode, "REPEATED");
    assert_int_equal(schema_to_json(f, n, &json, &e), 0);
    assert_string_equal(
        json, "[{\"name\":\"pk\",\"type\":\"STRING\",\"mode\":\"REQUIRED\"},"
              "{\"name\":\"ts\",\"type\":\"TIMESTAMP\",\"mode\":\"NULLABLE\","
              "\"description\":\"Item.ts.N as seconds\"},"
              "{\"name\":\"amount\",\"type\":\"NUMERIC\",\"mode\":\"NULLABLE\",\"policyTags\":"
              "{\"names\":[\"projects/example-project/locations/us/taxonomies/111/policyTags/"
              "222\"]}},"
              "{\"name\":\"address\",\"type\":\"RECORD\",\"mode\":\"NULLABLE\",\"fields\":["
              "{\"name\":\"city\",\"type\":\"STRING\",\"mode\":\"NULLABLE\"},"
              "{\"name\":\"zip\",\"type\":\"INTEGER\",\"mode\":\"NULLABLE\"}]},"
              "{\"name\":\"tags\",\"type\":\"STRING\",\"mode\":\"REPEATED\"}]");
    /* SHA-256 of exactly that text, as `printf %s "$json" | sha256sum` computes it */
    assert_int_equal(schema_hash(json, hash, &e), 0);
    assert_string_equal(hash, "4ca70cd095ed426d5be206f611ad3ac9661dd7d82fadcb4a6af71c84962e7d5c");
    free(json);
    schema_fields_free(f, n);
    free(text);
}

/* parse -> canonical -> parse -> canonical gives the same text and hash. */
static void test_round_trip_japanese(void **state)
{
    struct err e = ERR_INIT;
    struct schema_field *f, *g;
    size_t n, m;
    char *text = read_text("tests/data/schema/users-ja.json"), *j1, *j2;
    char h1[SCHEMA_HASH_HEX], h2[SCHEMA_HASH_HEX];

    (void)state;
    assert_int_equal(schema_from_json(text, &f, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(f[0].description, "ユーザーID（主キー）");
    assert_null(f[1].fields[0].mode); /* absent in the input */
    assert_string_equal(f[1].fields[1].fields[0].description, "都道府県");
    assert_int_equal(schema_to_json(f, n, &j1, &e), 0);
    assert_non_null(strstr(j1, "\"description\":\"都道府県\"")); /* UTF-8 kept, not \u-escaped */
    assert_non_null(strstr(j1, "{\"name\":\"display_name\",\"type\":\"STRING\",\"mode\":"
                               "\"NULLABLE\",\"description\":\"表示名\",\"policyTags\""));
    assert_null(strstr(j1, "maxLength"));
    assert_int_equal(schema_from_json(j1, &g, &m, &e), 0);
    assert_int_equal(schema_to_json(g, m, &j2, &e), 0);
    assert_string_equal(j1, j2);
    assert_int_equal(schema_hash(j1, h1, &e), 0);
    assert_int_equal(schema_hash(j2, h2, &e), 0);
    assert_string_equal(h1, h2);

    /* a changed description changes the hash */
    free(g[1].fields[1].fields[0].description);
    g[1].fields[1].fields[0].description = strdup("都道府県名");
    free(j2);
    assert_int_equal(schema_to_json(g, m, &j2, &e), 0);
    assert_int_equal(schema_hash(j2, h2, &e), 0);
    assert_string_not_equal(h1, h2);
    assert_int_equal(e.code, ERR_OK);
    free(j1);
    free(j2);
    schema_fields_free(f, n);
    schema_fields_free(g, m);
    free(text);
}

static void test_hash_vector(void **state)
{
    struct err e = ERR_INIT;
    char h[SCHEMA_HASH_HEX];

    (void)state;
    /* FIPS 180-2 example: SHA-256("abc") */
    assert_int_equal(schema_hash("abc", h, &e), 0);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(schema_hash("[]", h, &e), 0);
    assert_string_equal(h, "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945");
}

static void test_canonicalize_forms(void **state)
{
    struct err e = ERR_INIT;
    char *a, *b, *c;
    char ha[SCHEMA_HASH_HEX], hb[SCHEMA_HASH_HEX], hc[SCHEMA_HASH_HEX];

    (void)state;
    /* the same schema as an array, as tables.get's schema, with keys in another order */
    assert_int_equal(schema_canonicalize("[{\"name\":\"a\",\"type\":\"STRING\"}]", &a, ha, &e), 0);
    assert_int_equal(
        schema_canonicalize("{\"fields\":[{\"type\":\"STRING\",\"name\":\"a\"}]}", &b, hb, &e), 0);
    assert_int_equal(schema_canonicalize("{\"schema\":{\"fields\":[{\"mode\":\"NULLABLE\","
                                         "\"type\":\"STRING\",\"name\":\"a\"}]}}",
                                         &c, hc, &e),
                     0);
    assert_string_equal(a, "[{\"name\":\"a\",\"type\":\"STRING\",\"mode\":\"NULLABLE\"}]");
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_string_equal(ha, hb);
    assert_string_equal(ha, hc);
    free(a);
    free(b);
    free(c);
}

static void test_malformed(void **state)
{
    char *text = read_text("tests/data/schema/bad.txt");
    char *line = text, *next, *tab;
    int cases = 0;

    (void)state;
    for (; line && *line; line = next) {
        struct err e = ERR_INIT;
        struct schema_field *f = (void *)1;
        size_t n = 99;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '#')
            continue;
        tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        assert_int_equal(schema_from_json(line, &f, &n, &e), -1);
        assert_int_equal(e.code, ERR_PARSE);
        assert_null(f);
        assert_int_equal(n, 0);
        if (strstr(e.msg, tab + 1) == NULL)
            fail_msg("input %s: message \"%s\" lacks \"%s\"", line, e.msg, tab + 1);
        assert_non_null(strstr(e.msg, "schema JSON"));
        cases++;
    }
    assert_true(cases >= 12);
    free(text);
}

static void test_deep_nesting(void **state)
{
    struct buf b = BUF_INIT(1 << 20);
    struct err e = ERR_INIT;
    struct schema_field *f;
    size_t n;

    (void)state;
    for (int i = 0; i < 40; i++)
        assert_int_equal(buf_printf(&b, "[{\"name\":\"r%d\",\"type\":\"RECORD\",\"fields\":", i),
                         0);
    assert_int_equal(buf_puts(&b, "[]"), 0);
    for (int i = 0; i < 40; i++)
        assert_int_equal(buf_puts(&b, "}]"), 0);
    assert_int_equal(schema_from_json(buf_cstr(&b), &f, &n, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_non_null(strstr(e.msg, "deeper than"));
    buf_release(&b);
}

static void test_to_json_rejects_unnamed(void **state)
{
    struct err e = ERR_INIT;
    struct schema_field f = {0};
    char *json = (void *)1;

    (void)state;
    f.type = (char *)"STRING";
    assert_int_equal(schema_to_json(&f, 1, &json, &e), -1);
    assert_null(json);
    assert_int_equal(e.code, ERR_USAGE);
    assert_non_null(strstr(e.msg, "no name"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_get),
        cmocka_unit_test(test_round_trip_japanese),
        cmocka_unit_test(test_hash_vector),
        cmocka_unit_test(test_canonicalize_forms),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_to_json_rejects_unnamed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
