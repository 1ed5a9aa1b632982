/* tests/unit/test_paths.c: XDG resolution order and paths_make_parent(). Uses a private
 * temporary directory as HOME; never touches the real one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/paths.h"

static char home[64];

static int setup(void **state)
{
    (void)state;
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("XDG_STATE_HOME");
    unsetenv("PIPETOP_CONFIG");
    unsetenv("PIPETOP_DB");
    setenv("HOME", home, 1);
    return 0;
}

static void test_order(void **state)
{
    struct paths p = PATHS_INIT;
    struct err e = ERR_INIT;
    char want[160];

    (void)state;
    assert_int_equal(paths_resolve(&p, NULL, NULL, &e), 0);
    snprintf(want, sizeof(want), "%s/.config/pipetop/config.ini", home);
    assert_string_equal(p.config, want);
    assert_int_equal(p.config_source, PATH_DEFAULT);
    paths_release(&p);

    setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
    setenv("XDG_STATE_HOME", "/xdg/state", 1);
    assert_int_equal(paths_resolve(&p, NULL, NULL, &e), 0);
    assert_string_equal(p.config, "/xdg/config/pipetop/config.ini");
    assert_string_equal(p.db, "/xdg/state/pipetop/history.db");
    assert_string_equal(p.log, "/xdg/state/pipetop/pipetop.log");
    paths_release(&p);

    setenv("PIPETOP_CONFIG", "/env/c.ini", 1);
    setenv("PIPETOP_DB", "/env/h.db", 1);
    assert_int_equal(paths_resolve(&p, NULL, NULL, &e), 0);
    assert_string_equal(p.config, "/env/c.ini");
    assert_int_equal(p.config_source, PATH_ENV);
    assert_string_equal(p.db, "/env/h.db");
    paths_release(&p);

    assert_int_equal(paths_resolve(&p, "flag.ini", "flag.db", &e), 0);
    assert_string_equal(p.config, "flag.ini");
    assert_int_equal(p.config_source, PATH_FLAG);
    assert_string_equal(p.db, "flag.db");
    assert_int_equal(p.db_source, PATH_FLAG);
    assert_string_equal(path_source_name(p.db_source), "flag");
    paths_release(&p);

    assert_int_equal(paths_resolve(&p, "", NULL, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    assert_non_null(strstr(e.msg, "--config was given an empty file name"));
    assert_null(p.config);

    err_clear(&e);
    setenv("PIPETOP_DB", "", 1);
    assert_int_equal(paths_resolve(&p, NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "PIPETOP_DB is set but empty"));
}

static void test_no_home(void **state)
{
    struct paths p = PATHS_INIT;
    struct err e = ERR_INIT;

    (void)state;
    unsetenv("HOME");
    assert_int_equal(paths_resolve(&p, NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "HOME is not set"));

    err_clear(&e);
    setenv("HOME", "relative", 1);
    assert_int_equal(paths_resolve(&p, NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "HOME is not an absolute path"));

    /* With every directory given, HOME is not needed. */
    unsetenv("HOME");
    setenv("XDG_CONFIG_HOME", "/c", 1);
    setenv("XDG_STATE_HOME", "/s", 1);
    assert_int_equal(paths_resolve(&p, NULL, NULL, &e), 0);
    paths_release(&p);
}

static void test_make_parent(void **state)
{
    struct err e = ERR_INIT;
    char file[160], dir[160], blocker[160];
    struct stat st;
    FILE *f;

    (void)state;
    snprintf(file, sizeof(file), "%s/a/b/c/history.db", home);
    assert_int_equal(paths_make_parent(file, 0700, &e), 0);
    snprintf(dir, sizeof(dir), "%s/a/b/c", home);
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(paths_make_parent(file, 0700, &e), 0); /* already there */
    assert_int_equal(paths_make_parent("history.db", 0700, &e), 0);

    snprintf(blocker, sizeof(blocker), "%s/plain", home);
    f = fopen(blocker, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(file, sizeof(file), "%s/plain/sub/x.db", home);
    assert_int_equal(paths_make_parent(file, 0700, &e), -1);
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.msg, "cannot create directory"));

    unlink(blocker);
    rmdir(dir);
    snprintf(dir, sizeof(dir), "%s/a/b", home);
    rmdir(dir);
    snprintf(dir, sizeof(dir), "%s/a", home);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_order, setup),
        cmocka_unit_test_setup(test_no_home, setup),
        cmocka_unit_test_setup(test_make_parent, setup),
    };
    int rc;

    snprintf(home, sizeof(home), "/tmp/pipetop-test-paths-XXXXXX");
    if (mkdtemp(home) == NULL)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(home);
    return rc;
}
