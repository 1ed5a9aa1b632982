/* tests/unit/test_drift_apply.c: what the schema-apply confirmation lists (tui/drift_apply.h
 * drift_added_fields): exactly the fields the additive patch adds — a new attribute RECORD and
 * its descriptor member, a new member of an existing attribute, each with its type and mode —
 * and nothing of the table that is kept; none when there is no drift; the list is cut, not
 * overrun, in a small buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/schema.h"
#include "tui/drift_apply.h"

#define TABLE                                                                                      \
    "[{\"name\":\"Item\",\"type\":\"RECORD\",\"fields\":["                                         \
    "{\"name\":\"user_id\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"S\",\"type\":\"STRING\"}]}" \
    ","                                                                                            \
    "{\"name\":\"age\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"N\",\"type\":\"STRING\"}]}]}]"

/* The export: user_id as before, age now also S, a new referral_code (S). */
#define EXPORT                                                                                     \
    "[{\"name\":\"Item\",\"type\":\"RECORD\",\"fields\":["                                         \
    "{\"name\":\"user_id\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"S\",\"type\":\"STRING\"}]}" \
    ","                                                                                            \
    "{\"name\":\"age\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"N\",\"type\":\"STRING\"},"      \
    "{\"name\":\"S\",\"type\":\"STRING\"}]},"                                                      \
    "{\"name\":\"referral_code\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"S\",\"type\":"        \
    "\"STRING\"}]}]}]"

static void check(struct drift_check *c, const char *table, const char *export_json)
{
    struct err e = ERR_INIT;
    struct schema_field *inf = NULL;
    size_t n_inf = 0;

    drift_check_init(c);
    assert_int_equal(schema_from_json(table, &c->m.fields, &c->m.n_fields, &e), 0);
    assert_int_equal(schema_from_json(export_json, &inf, &n_inf, &e), 0);
    assert_int_equal(drift_compute(inf, n_inf, c->m.fields, c->m.n_fields, &c->dr, &e), 0);
    schema_fields_free(inf, n_inf);
}

static void test_lists_exactly_the_added_fields(void **state)
{
    struct drift_check c;
    char out[512];
    (void)state;

    check(&c, TABLE, EXPORT);
    assert_int_equal(drift_added_fields(&c, out, sizeof(out)), 3);
    assert_string_equal(out, "Item.age.S STRING NULLABLE, Item.referral_code RECORD NULLABLE, "
                             "Item.referral_code.S STRING NULLABLE");
    assert_int_equal(c.dr.n_added, 2); /* the patch appends two fields (one nests a third) */
    drift_check_release(&c);
}

static void test_none_without_drift(void **state)
{
    struct drift_check c;
    char out[64];
    (void)state;

    check(&c, TABLE, TABLE);
    assert_int_equal(drift_added_fields(&c, out, sizeof(out)), 0);
    assert_string_equal(out, "");
    drift_check_release(&c);
}

static void test_small_buffer_is_cut(void **state)
{
    struct drift_check c;
    char out[24];
    (void)state;

    check(&c, TABLE, EXPORT);
    memset(out, 'x', sizeof(out));
    assert_int_equal(drift_added_fields(&c, out, 20), 3);
    assert_int_equal(strlen(out), 19);
    assert_int_equal(out[20], 'x');
    drift_check_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists_exactly_the_added_fields),
        cmocka_unit_test(test_none_without_drift),
        cmocka_unit_test(test_small_buffer_is_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
