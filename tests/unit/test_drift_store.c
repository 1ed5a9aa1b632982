/* tests/unit/test_drift_store.c: the drift-check store (state/drift.h): a check is stored with
 * its items in order and read back by table (db_get_drift), a newer check replaces the row and
 * all of its items, db_list_drift lists every check without items, and an unchecked table is
 * "not found", not an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state/db.h"
#include "state/drift.h"

static struct db *open_tmp(char *dir, size_t n)
{
    char path[128];
    struct db *db = NULL;
    struct err e = ERR_INIT;

    snprintf(dir, n, "/tmp/pipetop-test-drift-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/history.db", dir);
    assert_int_equal(db_open(&db, path, 0, &e), 0);
    return db;
}

static void close_tmp(struct db *db, const char *dir)
{
    static const char *const files[] = {"history.db", "history.db-wal", "history.db-shm"};
    char path[160];

    db_close(db);
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void test_put_get_replace(void **state)
{
    char dir[64];
    struct db *db = open_tmp(dir, sizeof(dir));
    struct err e = ERR_INIT;
    char k_new[] = "new", k_changed[] = "changed", k_gone[] = "gone", p_ref[] = "referral_code",
         p_age[] = "age", p_legacy[] = "legacy", d_s[] = "S", d_also[] = "now also S";
    char users[] = "p.raw.users", voices[] = "p.raw.voices", text[] = "diff text",
         arn[] = "arn:aws:dynamodb:r:1:table/users/export/x";
    struct db_drift_item items[] = {
        {k_new, p_ref, d_s}, {k_changed, p_age, d_also}, {k_gone, p_legacy, NULL}};
    struct db_drift d = {users, 1000, arn, 1, 1, 1, text, items, 3};
    struct db_drift got, *list = NULL;
    size_t n = 0;
    bool found = true;

    (void)state;
    assert_int_equal(db_get_drift(db, "p.raw.users", &got, &found, &e), 0);
    assert_false(found);
    assert_null(got.table);

    assert_int_equal(db_put_drift(db, &d, &e), 0);
    d.table = voices;
    d.n_items = 0;
    d.new_attrs = d.changed = d.gone = 0;
    assert_int_equal(db_put_drift(db, &d, &e), 0);

    assert_int_equal(db_get_drift(db, "p.raw.users", &got, &found, &e), 0);
    assert_true(found);
    assert_string_equal(got.table, "p.raw.users");
    assert_int_equal(got.checked_ms, 1000);
    assert_string_equal(got.export_arn, "arn:aws:dynamodb:r:1:table/users/export/x");
    assert_int_equal(got.new_attrs, 1);
    assert_int_equal(got.n_items, 3);
    assert_string_equal(got.items[0].kind, "new");
    assert_string_equal(got.items[0].path, "referral_code");
    assert_string_equal(got.items[0].detail, "S");
    assert_string_equal(got.items[1].path, "age");
    assert_string_equal(got.items[2].kind, "gone");
    assert_null(got.items[2].detail);
    db_drift_release(&got);

    /* a newer check of users: one item left, the others are gone with the old check */
    d.table = users;
    d.checked_ms = 2000;
    d.items = &items[1];
    d.n_items = 1;
    d.changed = 1;
    assert_int_equal(db_put_drift(db, &d, &e), 0);
    assert_int_equal(db_get_drift(db, "p.raw.users", &got, &found, &e), 0);
    assert_true(found);
    assert_int_equal(got.checked_ms, 2000);
    assert_int_equal(got.new_attrs, 0);
    assert_int_equal(got.n_items, 1);
    assert_string_equal(got.items[0].path, "age");
    db_drift_release(&got);

    assert_int_equal(db_list_drift(db, &list, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].table, "p.raw.users");
    assert_string_equal(list[1].table, "p.raw.voices");
    assert_null(list[0].items);
    db_drifts_free(list, n);
    close_tmp(db, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_replace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
