/* tests/unit/test_db.c: opening the history database — file and directory modes, pragmas,
 * every migration path against a fresh schema, refusal of a newer schema without touching the
 * file, read-only opens, and crash safety (SIGKILL in the middle of a transaction). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "state/db.h"
#include "state/runs.h"
#include "state/sql.h"

struct fixture {
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/pipetop-test-db-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/history.db", f->dir);
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
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Every schema object's SQL and the user_version, as one string. */
static char *schema_dump(struct db *db)
{
    struct buf b = BUF_INIT(1 << 20);
    sqlite3_stmt *st;
    int v = -1;
    struct err e = ERR_INIT;

    assert_int_equal(db_schema_version(db, &v, &e), 0);
    buf_printf(&b, "user_version=%d\n", v);
    assert_int_equal(sqlite3_prepare_v2(db->h,
                                        "SELECT type, name, tbl_name, coalesce(sql, '')"
                                        " FROM sqlite_master ORDER BY type, name",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        buf_printf(&b, "%s %s %s: %s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                   sqlite3_column_text(st, 2), sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    return buf_detach(&b);
}

static char *pragma_text(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    char *out = NULL;

    assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_non_null(out);
    return out;
}

static void test_modes(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *db;
    struct stat sb;
    char path[200], dir[300];
    mode_t old = umask(0); /* the modes must not depend on a friendly umask */

    snprintf(dir, 120, "%s/state/pipetop", f->dir);
    snprintf(path, sizeof(path), "%.150s/history.db", dir);
    assert_int_equal(db_open(&db, path, 0, &e), 0);
    umask(old);
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(dir, sizeof(dir), "%s/state", f->dir);
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    snprintf(dir, sizeof(dir), "%s-wal", path); /* sqlite gives the WAL the db file's mode */
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    db_close(db);
}

static void test_existing_file_and_pragmas(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *db;
    char *s;
    int fd = open(f->path, O_CREAT | O_WRONLY, 0640), v;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(db_open(&db, f->path, 0, &e), 0);
    assert_int_equal(db_schema_version(db, &v, &e), 0);
    assert_int_equal(v, db_schema_known());
    assert_true(db_schema_known() >= 3);
    s = pragma_text(db, "PRAGMA journal_mode");
    assert_string_equal(s, "wal");
    free(s);
    s = pragma_text(db, "PRAGMA foreign_keys");
    assert_string_equal(s, "1");
    free(s);
    s = pragma_text(db, "PRAGMA synchronous");
    assert_string_equal(s, "1"); /* NORMAL */
    free(s);
    db_close(db);
    /* an existing file keeps its mode */
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
    /* and reopening an up-to-date database changes nothing */
    assert_int_equal(db_open(&db, f->path, 0, &e), 0);
    db_close(db);
}

static void test_every_migration_path(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *db;
    char *fresh, *got, path[200];
    struct pipeline p = {.name = (char *)"users", .source_kind = SOURCE_DYNAMODB};

    assert_int_equal(db_open(&db, f->path, 0, &e), 0);
    fresh = schema_dump(db);
    db_close(db);
    for (int k = 0; k < db_schema_known(); k++) {
        snprintf(path, sizeof(path), "%s/v%d.db", f->dir, k);
        assert_int_equal(db_open(&db, path, DB_NO_MIGRATE, &e), 0);
        if (k > 0) {
            assert_int_equal(db_migrate_to(db, k, &e), 0);
            /* data written at version k survives the upgrade */
            assert_int_equal(db_put_pipeline(db, &p, 1, &e), 0);
        }
        got = schema_dump(db);
        assert_string_not_equal(got, fresh);
        free(got);
        db_close(db);

        assert_int_equal(db_open(&db, path, 0, &e), 0);
        got = schema_dump(db);
        assert_string_equal(got, fresh);
        free(got);
        if (k > 0) {
            struct pipeline *ps;
            size_t n;
            assert_int_equal(db_list_pipelines(db, &ps, &n, &e), 0);
            assert_int_equal(n, 1);
            assert_string_equal(ps[0].name, "users");
            db_pipelines_free(ps, n);
        }
        /* no going back */
        if (db_schema_known() > 1) {
            struct err e2 = ERR_INIT;
            assert_int_equal(db_migrate_to(db, 1, &e2), -1);
            assert_int_equal(e2.code, ERR_REFUSED);
        }
        db_close(db);
    }
    assert_int_equal(e.code, ERR_OK);
    free(fresh);
}

/* Two processes creating and migrating the same new file at once: both succeed, the steps are
 * applied once (each re-reads user_version under the write lock). */
static void test_concurrent_first_open(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *db;
    char *fresh, *got, path[200];
    pid_t pids[2];
    int status;

    assert_int_equal(db_open(&db, f->path, 0, &e), 0);
    fresh = schema_dump(db);
    db_close(db);
    for (int round = 0; round < 4; round++) {
        snprintf(path, sizeof(path), "%s/race%d/history.db", f->dir, round);
        for (int i = 0; i < 2; i++) {
            pids[i] = fork();
            assert_true(pids[i] >= 0);
            if (pids[i] == 0) {
                struct err ce = ERR_INIT;
                struct db *cdb;
                if (db_open(&cdb, path, 0, &ce) != 0) {
                    fprintf(stderr, "child: %s\n", ce.msg);
                    _exit(1);
                }
                db_close(cdb);
                _exit(0);
            }
        }
        for (int i = 0; i < 2; i++) {
            assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        assert_int_equal(db_open(&db, path, DB_READONLY, &e), 0);
        got = schema_dump(db);
        assert_string_equal(got, fresh);
        free(got);
        db_close(db);
    }
    free(fresh);
}

static unsigned char *file_bytes(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *p;
    long len;

    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    p = malloc((size_t)len + 1);
    assert_int_equal(fread(p, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return p;
}

static void test_newer_schema_refused_untouched(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *db = NULL;
    unsigned char *before, *after;
    size_t nb, na;
    char want[160], wal[200];
    struct stat sb1, sb2;
    sqlite3 *h;

    assert_int_equal(db_open(&db, f->path, 0, &e), 0);
    db_close(db);
    /* a future pipetop's file: schema 99, in WAL mode, checkpointed on close */
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    snprintf(wal, sizeof(wal), "%s-wal", f->path);
    assert_int_not_equal(access(wal, F_OK), 0);
    before = file_bytes(f->path, &nb);
    assert_int_equal(stat(f->path, &sb1), 0);

    for (int flags = 0; flags <= DB_READONLY; flags += DB_READONLY) {
        struct err e2 = ERR_INIT;
        assert_int_equal(db_open(&db, f->path, flags, &e2), -1);
        assert_null(db);
        assert_int_equal(e2.code, ERR_DB);
        snprintf(want, sizeof(want),
                 "was written by a newer pipetop (schema 99, this build knows %d); upgrade "
                 "pipetop or use --db to point at another file",
                 db_schema_known());
        assert_non_null(strstr(e2.msg, want));
        assert_non_null(strstr(e2.msg, f->path));
    }
    after = file_bytes(f->path, &na);
    assert_int_equal(stat(f->path, &sb2), 0);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb);
    assert_true(sb1.st_mtim.tv_sec == sb2.st_mtim.tv_sec &&
                sb1.st_mtim.tv_nsec == sb2.st_mtim.tv_nsec);
    assert_int_not_equal(access(wal, F_OK), 0);
    free(before);
    free(after);
}

static void test_readonly(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *db, *ro;
    struct pipeline p = {.name = (char *)"orders", .source_kind = SOURCE_AURORA};
    struct pipeline *ps;
    size_t n;

    assert_int_equal(db_open(&ro, f->path, DB_READONLY, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_int_not_equal(access(f->path, F_OK), 0); /* a reader never creates the file */
    err_clear(&e);

    /* an old schema is refused by a reader (the next writer upgrades it) */
    assert_int_equal(db_open(&db, f->path, DB_NO_MIGRATE, &e), 0);
    assert_int_equal(db_migrate_to(db, 1, &e), 0);
    db_close(db);
    assert_int_equal(db_open(&ro, f->path, DB_READONLY, &e), -1);
    assert_int_equal(e.code, ERR_DB);
    assert_non_null(strstr(e.msg, "is at schema 1"));
    err_clear(&e);

    assert_int_equal(db_open(&db, f->path, 0, &e), 0);
    assert_int_equal(db_open(&ro, f->path, DB_READONLY, &e), 0);
    assert_int_equal(db_put_pipeline(db, &p, 5, &e), 0);
    assert_int_equal(db_list_pipelines(ro, &ps, &n, &e), 0); /* sees the writer's commit */
    assert_int_equal(n, 1);
    db_pipelines_free(ps, n);
    assert_int_equal(db_put_pipeline(ro, &p, 6, &e), -1);
    assert_int_equal(e.code, ERR_DB);
    assert_non_null(strstr(e.msg, "read-only"));
    db_close(ro);
    db_close(db);
}

static void test_transaction_isolation(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *w, *r;
    struct pipeline p = {.name = (char *)"a", .source_kind = SOURCE_DYNAMODB};
    struct pipeline *ps;
    size_t n;

    assert_int_equal(db_open(&w, f->path, 0, &e), 0);
    assert_int_equal(db_open(&r, f->path, DB_READONLY, &e), 0);
    assert_int_equal(db_begin(w, &e), 0);
    assert_int_equal(db_put_pipeline(w, &p, 1, &e), 0);
    p.name = (char *)"b";
    assert_int_equal(db_put_pipeline(w, &p, 1, &e), 0);
    assert_int_equal(db_list_pipelines(r, &ps, &n, &e), 0);
    assert_int_equal(n, 0); /* nothing of an open refresh is visible */
    db_pipelines_free(ps, n);
    assert_int_equal(db_commit(w, &e), 0);
    assert_int_equal(db_list_pipelines(r, &ps, &n, &e), 0);
    assert_int_equal(n, 2);
    db_pipelines_free(ps, n);
    /* a rolled-back refresh leaves nothing */
    assert_int_equal(db_begin(w, &e), 0);
    p.name = (char *)"c";
    assert_int_equal(db_put_pipeline(w, &p, 1, &e), 0);
    db_rollback(w);
    assert_int_equal(db_list_pipelines(r, &ps, &n, &e), 0);
    assert_int_equal(n, 2);
    db_pipelines_free(ps, n);
    db_close(r);
    db_close(w);
}

static void test_not_a_database(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *db = NULL;
    FILE *fp = fopen(f->path, "wb");

    assert_non_null(fp);
    for (int i = 0; i < 300; i++)
        fputs("this is not an SQLite database\n", fp);
    fclose(fp);
    for (int flags = 0; flags <= DB_READONLY; flags += DB_READONLY) {
        struct err e2 = ERR_INIT;
        assert_int_equal(db_open(&db, f->path, flags, &e2), -1);
        assert_null(db);
        assert_int_equal(e2.code, ERR_DB);
        assert_non_null(strstr(e2.msg, f->path));
        assert_non_null(strstr(e2.msg, "not a database"));
    }
    assert_int_equal(db_open(&db, "", 0, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    err_clear(&e);
    assert_int_equal(db_open(&db, "/proc/no/such/dir/history.db", 0, &e), -1);
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.msg, "/proc/no"));
}

static int64_t count_rows(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t n = -1;

    assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The child: one committed transaction of 500 runs, then a large one that never commits. It
 * tells the parent (one byte on the pipe) once the large one has spilled into the WAL. */
static void sigkill_child(const char *path, int wfd)
{
    struct err e = ERR_INIT;
    struct db *db;
    struct stage_run r = {0};
    struct pipeline p = {.source_kind = SOURCE_DYNAMODB};
    int i;

    if (db_open(&db, path, 0, &e) != 0)
        _exit(2);
    sqlite3_exec(db->h, "PRAGMA cache_size = -256", NULL, NULL, NULL); /* spill early */
    p.name = (char *)"committed";
    if (db_begin(db, &e) || db_put_pipeline(db, &p, 1, &e))
        _exit(3);
    r.pipeline = p.name;
    r.raw_state = (char *)"COMPLETED";
    for (i = 0; i < 500; i++) {
        snprintf(r.day, sizeof(r.day), "2024-%02d-%02d", 1 + i / 28 % 12, 1 + i % 28);
        r.stage = (enum stage)(i % 3);
        r.attempt = 1 + i / 336;
        if (db_put_stage_run(db, &r, &e))
            _exit(4);
    }
    if (db_commit(db, &e))
        _exit(5);
    p.name = (char *)"uncommitted";
    if (db_begin(db, &e) || db_put_pipeline(db, &p, 1, &e))
        _exit(6);
    r.pipeline = p.name;
    r.error_message = (char *)"a long error message so the rows fill pages quickly ........";
    for (i = 0; i < 1000000; i++) {
        snprintf(r.day, sizeof(r.day), "2024-%02d-%02d", 1 + i / 28 % 12, 1 + i % 28);
        r.stage = (enum stage)(i % 3);
        r.attempt = 1 + i / 336;
        if (db_put_stage_run(db, &r, &e))
            _exit(7);
        if (i == 30000 && write(wfd, "k", 1) != 1)
            _exit(8);
    }
    for (;;)
        pause(); /* never commit */
}

static void test_sigkill_mid_transaction(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *db;
    int fds[2], status;
    char c;
    pid_t pid;
    char *s, wal[200];
    struct stat sb;

    assert_int_equal(db_open(&db, f->path, 0, &e), 0); /* create and migrate first */
    db_close(db);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        sigkill_child(f->path, fds[1]);
        _exit(9);
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], &c, 1), 1); /* the child is inside the big transaction */
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(fds[0]);
    /* the uncommitted transaction did reach the WAL (pages spilled from the small cache), so
     * recovery has real uncommitted frames to ignore */
    snprintf(wal, sizeof(wal), "%s-wal", f->path);
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size > (1 << 20));

    assert_int_equal(db_open(&db, f->path, 0, &e), 0);
    s = pragma_text(db, "PRAGMA integrity_check");
    assert_string_equal(s, "ok");
    free(s);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM stage_runs WHERE pipeline = 'committed'"),
                     500);
    assert_int_equal(
        count_rows(db, "SELECT count(*) FROM stage_runs WHERE pipeline = 'uncommitted'"), 0);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM pipelines"), 1);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_existing_file_and_pragmas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_migration_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_first_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigkill_mid_transaction, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
