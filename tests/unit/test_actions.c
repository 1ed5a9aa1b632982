/* tests/unit/test_actions.c: persisted actions and their lease — two connections on the same
 * file can never both claim a (pipeline, day, stage); finishing releases the claim; an action
 * whose process died is reported as such and can be adopted or abandoned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/actions.h"
#include "state/db.h"

struct fixture {
    char dir[64];
    char path[128];
    struct db *a, *b; /* two connections, as two pipetop processes would have */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = ERR_INIT;

    snprintf(f->dir, sizeof(f->dir), "/tmp/pipetop-test-actions-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/history.db", f->dir);
    if (db_open(&f->a, f->path, 0, &e) != 0 || db_open(&f->b, f->path, 0, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->a);
    db_close(f->b);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static struct db_action rerun(const char *target, const char *from, const char *to, unsigned stages)
{
    struct db_action a = {.kind = DB_ACTION_RERUN, .target = (char *)target, .stages = stages};
    snprintf(a.day_from, sizeof(a.day_from), "%s", from);
    snprintf(a.day_to, sizeof(a.day_to), "%s", to);
    return a;
}

#define ALL_STAGES ((1u << STAGE_EXPORT) | (1u << STAGE_TRANSFER) | (1u << STAGE_QUERY))

static void test_lease_two_connections(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db_action a1 = rerun("users", "2024-05-14", "2024-05-16", ALL_STAGES);
    struct db_action a2 = rerun("users", "2024-05-16", "2024-05-18", 1u << STAGE_TRANSFER);
    struct db_action a3 = rerun("users", "2024-05-17", "2024-05-18", 1u << STAGE_TRANSFER);
    struct db_action got;
    int64_t id1, id2, id3;

    assert_int_equal(db_action_create(f->a, &a1, 100, &id1, &e), 0);
    assert_true(id1 > 0);
    /* the other connection overlaps on (users, 2024-05-16, transfer) */
    assert_int_equal(db_action_create(f->b, &a2, 101, &id2, &e), -1);
    assert_int_equal(e.code, ERR_REFUSED);
    assert_true(id2 == 0);
    assert_non_null(strstr(e.msg, "users 2024-05-16 transfer is already being handled by action"));
    assert_non_null(strstr(e.msg, "wait for it to finish"));
    err_clear(&e);
    /* nothing of the refused action was written */
    struct db_action *list;
    size_t n;
    assert_int_equal(db_action_list(f->b, false, &list, &n, &e), 0);
    assert_int_equal(n, 1);
    db_actions_free(list, n);
    /* no overlap: fine, from either connection */
    assert_int_equal(db_action_create(f->b, &a3, 102, &id3, &e), 0);

    /* finishing the first releases its claims; then the overlapping one can claim */
    assert_int_equal(db_action_update(f->a, id1, DB_ACTION_RUNNING, "2024-05-14 export", 103, &e),
                     0);
    assert_int_equal(db_action_create(f->b, &a2, 104, &id2, &e), -1);
    err_clear(&e);
    assert_int_equal(db_action_update(f->a, id1, DB_ACTION_DONE, NULL, 105, &e), 0);
    a2.day_from[9] = '6';
    a2.day_to[9] = '6';
    assert_int_equal(db_action_create(f->b, &a2, 106, &id2, &e), 0);

    assert_int_equal(db_action_get(f->b, id1, &got, &e), 0);
    assert_int_equal(got.status, DB_ACTION_DONE);
    assert_string_equal(got.step, "2024-05-14 export"); /* kept when not given */
    assert_int_equal(got.stages, ALL_STAGES);
    assert_string_equal(got.day_from, "2024-05-14");
    assert_string_equal(got.day_to, "2024-05-16");
    assert_true(got.created_ms == 100 && got.updated_ms == 105);
    assert_true(got.owner_pid == (long)getpid());
    db_action_release(&got);

    /* a finished action cannot move again */
    assert_int_equal(db_action_update(f->a, id1, DB_ACTION_RUNNING, NULL, 107, &e), -1);
    assert_int_equal(e.code, ERR_REFUSED);
    err_clear(&e);
    assert_int_equal(db_action_list(f->a, true, &list, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_true(list[0].id == id2 && list[1].id == id3);
    db_actions_free(list, n);
}

static void test_schema_apply_and_checks(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db_action s = {.kind = DB_ACTION_SCHEMA_APPLY, .target = (char *)"p.raw.users"};
    struct db_action bad = rerun("users", "2024-05-16", "2024-05-14", ALL_STAGES);
    int64_t id;

    assert_int_equal(db_action_create(f->a, &s, 1, &id, &e), 0);
    assert_int_equal(db_action_create(f->b, &s, 2, &id, &e), -1);
    assert_int_equal(e.code, ERR_REFUSED);
    err_clear(&e);
    assert_int_equal(db_action_create(f->a, &bad, 1, &id, &e), -1); /* backwards */
    assert_int_equal(e.code, ERR_USAGE);
    err_clear(&e);
    bad = rerun("users", "2024-05-14", "2024-05-14", 0);
    assert_int_equal(db_action_create(f->a, &bad, 1, &id, &e), -1); /* no stage */
    assert_int_equal(e.code, ERR_USAGE);
    err_clear(&e);
    bad = rerun("users", "2024-02-30", "2024-03-01", ALL_STAGES);
    assert_int_equal(db_action_create(f->a, &bad, 1, &id, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    err_clear(&e);
    /* not inside a refresh transaction: the claim needs its own BEGIN IMMEDIATE */
    bad = rerun("users", "2024-05-14", "2024-05-14", ALL_STAGES);
    assert_int_equal(db_begin(f->a, &e), 0);
    assert_int_equal(db_action_create(f->a, &bad, 1, &id, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    db_rollback(f->a);
}

/* An action whose owner died: reported as such, refused to others until adopted/abandoned. */
static void test_dead_owner(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db_action a = rerun("orders", "2024-05-10", "2024-05-11", 1u << STAGE_QUERY);
    struct db_action got;
    int64_t id = 0, id2;
    int fds[2], status;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct db *db;
        close(fds[0]);
        if (db_open(&db, f->path, 0, &e) != 0 || db_action_create(db, &a, 50, &id, &e) != 0 ||
            db_action_update(db, id, DB_ACTION_RUNNING, "2024-05-10 query", 51, &e) != 0)
            _exit(1);
        if (write(fds[1], &id, sizeof(id)) != sizeof(id))
            _exit(2);
        _exit(0); /* "crashes" without finishing */
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], &id, sizeof(id)), sizeof(id));
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    assert_int_equal(db_action_get(f->a, id, &got, &e), 0);
    assert_int_equal(got.status, DB_ACTION_RUNNING);
    assert_false(db_action_owner_alive(&got));
    db_action_release(&got);

    assert_int_equal(db_action_create(f->a, &a, 60, &id2, &e), -1);
    assert_int_equal(e.code, ERR_REFUSED);
    assert_non_null(strstr(e.msg, "which is no longer running"));
    assert_non_null(strstr(e.msg, "resume it or abandon it"));
    err_clear(&e);
    /* not ours: cannot be moved along until adopted */
    assert_int_equal(db_action_update(f->a, id, DB_ACTION_DONE, NULL, 61, &e), -1);
    assert_int_equal(e.code, ERR_REFUSED);
    assert_non_null(strstr(e.msg, "adopt it"));
    err_clear(&e);
    assert_int_equal(db_action_adopt(f->a, id, 62, &e), 0);
    assert_int_equal(db_action_get(f->a, id, &got, &e), 0);
    assert_true(got.owner_pid == (long)getpid());
    assert_string_equal(got.step, "2024-05-10 query");
    db_action_release(&got);
    /* now owned by this (live) process, which may abandon it from any connection */
    assert_int_equal(db_action_abandon(f->b, id, 63, &e), 0);
    assert_int_equal(db_action_create(f->a, &a, 64, &id2, &e), 0);
    assert_int_equal(db_action_abandon(f->a, id, 65, &e), -1); /* already abandoned */
    assert_int_equal(e.code, ERR_REFUSED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lease_two_connections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_apply_and_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_owner, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
