/* tests/unit/test_known.c: the finished-items store (state/known.h): stored once and never
 * overwritten, read back by kind in id order, the walk stops when asked, and it joins an open
 * transaction (rolled back with it). */
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
#include "state/known.h"

struct seen {
    char text[512];
    int stop_at; /* stop after this many (0: never) */
    int n;
};

static int collect(void *ctx, const char *id, const char *body)
{
    struct seen *s = ctx;
    size_t used = strlen(s->text);

    snprintf(s->text + used, sizeof(s->text) - used, "%s=%s;", id, body);
    s->n++;
    return s->stop_at != 0 && s->n >= s->stop_at ? 7 : 0;
}

static struct db *open_tmp(char *dir, size_t n)
{
    char path[128];
    struct db *db = NULL;
    struct err e = ERR_INIT;

    snprintf(dir, n, "/tmp/pipetop-test-known-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/history.db", dir);
    assert_int_equal(db_open(&db, path, 0, &e), 0);
    return db;
}

static void close_tmp(struct db *db, const char *dir)
{
    char path[160];

    db_close(db);
    snprintf(path, sizeof(path), "%s/history.db", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/history.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/history.db-shm", dir);
    unlink(path);
    rmdir(dir);
}

static void test_put_once_and_walk(void **state)
{
    char dir[64];
    struct db *db = open_tmp(dir, sizeof(dir));
    struct err e = ERR_INIT;
    struct seen s = {"", 0, 0};

    (void)state;
    assert_int_equal(db_known_put(db, "k", "b-arn", "{\"x\":2}", 10, &e), 0);
    assert_int_equal(db_known_put(db, "k", "a-arn", "{\"x\":1}", 10, &e), 0);
    assert_int_equal(db_known_put(db, "other", "c", "{}", 10, &e), 0);
    /* a second put of the same item keeps the first body */
    assert_int_equal(db_known_put(db, "k", "a-arn", "{\"x\":99}", 20, &e), 0);
    assert_int_equal(db_known_each(db, "k", collect, &s, &e), 0);
    assert_string_equal(s.text, "a-arn={\"x\":1};b-arn={\"x\":2};");
    s = (struct seen){"", 1, 0};
    assert_int_equal(db_known_each(db, "k", collect, &s, &e), 7);
    assert_int_equal(s.n, 1);
    {
        int64_t n = -1;
        struct seen left = {"", 0, 0};
        assert_int_equal(db_known_prune(db, 15, &n, &e), 0);
        assert_int_equal(n, 3); /* all were first stored at 10 */
        assert_int_equal(db_known_each(db, "k", collect, &left, &e), 0);
        assert_int_equal(left.n, 0);
    }
    assert_int_equal(db_known_put(db, "k", NULL, "{}", 1, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    close_tmp(db, dir);
}

static void test_rolled_back_with_transaction(void **state)
{
    char dir[64];
    struct db *db = open_tmp(dir, sizeof(dir));
    struct err e = ERR_INIT;
    struct seen s = {"", 0, 0};

    (void)state;
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(db_known_put(db, "k", "x", "{}", 1, &e), 0);
    db_rollback(db);
    assert_int_equal(db_known_each(db, "k", collect, &s, &e), 0);
    assert_int_equal(s.n, 0);
    close_tmp(db, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_once_and_walk),
        cmocka_unit_test(test_rolled_back_with_transaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
