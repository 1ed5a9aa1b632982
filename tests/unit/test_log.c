/* tests/unit/test_log.c: the log file (core/log.c) and the doctor report list (core/checklist.c):
 * modes 0700/0600, timestamped one-line entries, every secret spelling redacted, rotation to
 * FILE.1 past the size bound, reopening after another process rotated, and the report's JSON.
 * Works in a private temporary directory. */
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

#include <jansson.h>

#include "core/checklist.h"
#include "core/log.h"

static char dir[64];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s = calloc(1, 1 << 20);
    size_t n;

    assert_non_null(f);
    n = fread(s, 1, (1 << 20) - 1, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void test_modes_and_lines(void **state)
{
    struct log *l = NULL;
    struct err e = ERR_INIT;
    struct stat st;
    char path[128], *text;

    (void)state;
    snprintf(path, sizeof(path), "%s/new/pipetop/pipetop.log", dir);
    assert_int_equal(log_open(&l, path, 0, &e), 0);
    assert_string_equal(log_path(l), path);
    log_printf(l, "info", "hello %d", 42);
    log_printf(l, "info", "two\nlines");
    log_close(l);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/new/pipetop", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/new/pipetop/pipetop.log", dir);
    text = slurp(path);
    /* "2026-...Z pid=N info: hello 42\n" then the folded line */
    assert_non_null(strstr(text, "Z pid="));
    assert_non_null(strstr(text, " info: hello 42\n"));
    assert_non_null(strstr(text, " info: two lines\n"));
    free(text);
}

static void test_redacted(void **state)
{
    static const char *const secrets[] = {"ya29.fakeTOKENvalue", "wJalrXUtnFEMI/K7MDENG",
                                          "MIIEvQIBADANBgkqhkiG9w0BAQ", "FQoGZXIvYXdzSESSION",
                                          "eyJhbGciOiJSUzI1NiJ9.eyJpc3Mi.c2ln"};
    struct api_call c = {0};
    struct log *l = NULL;
    struct err e = ERR_INIT;
    char path[128], *text;

    (void)state;
    snprintf(path, sizeof(path), "%s/redact.log", dir);
    assert_int_equal(log_open(&l, path, 0, &e), 0);
    log_printf(l, "info", "Authorization: Bearer %s", secrets[0]);
    log_printf(l, "info", "aws_secret_access_key = %s", secrets[1]);
    log_printf(l, "info",
               "{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n%s\\n-----END "
               "PRIVATE KEY-----\\n\"}",
               secrets[2]);
    log_printf(l, "info", "X-Amz-Security-Token: %s", secrets[3]);
    log_printf(l, "info", "grant_type=jwt-bearer&assertion=%s", secrets[4]);
    c.service = (char *)"dts";
    c.operation = (char *)"transferConfigs.list";
    c.method = (char *)"GET";
    c.url = (char *)"https://x/v1/p?access_token=ya29.fakeTOKENvalue";
    c.status = 200;
    c.retry_detail =
        (char *)"retries: 1 (HTTP 429 RESOURCE_EXHAUSTED, waited 1.000s (Retry-After))";
    log_call(l, &c);
    e = (struct err)ERR_INIT;
    err_set(&e, ERR_AUTH, "refused: Authorization: AWS4-HMAC-SHA256 Signature=%s", secrets[1]);
    log_error(l, "sts", &e);
    assert_null(log_failed(l));
    log_close(l);
    text = slurp(path);
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        assert_null(strstr(text, secrets[i]));
    assert_non_null(strstr(text, "call: dts transferConfigs.list GET "));
    assert_non_null(strstr(text, "waited 1.000s (Retry-After)"));
    assert_non_null(strstr(text, "error: sts: refused"));
    free(text);
}

static void test_rotation(void **state)
{
    struct log *l = NULL, *other = NULL;
    struct err e = ERR_INIT;
    struct stat st;
    char path[128], old[160];

    (void)state;
    snprintf(path, sizeof(path), "%s/rot.log", dir);
    snprintf(old, sizeof(old), "%s.1", path);
    assert_int_equal(log_open(&l, path, 400, &e), 0);
    assert_int_equal(log_open(&other, path, 400, &e), 0);
    for (int i = 0; i < 20; i++)
        log_printf(i % 2 ? l : other, "info", "line %02d of some length to fill the file", i);
    assert_null(log_failed(l));
    assert_null(log_failed(other));
    log_close(l);
    log_close(other);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size <= 400);
    assert_int_equal(stat(old, &st), 0);
    assert_true(st.st_size <= 400);
    char *text = slurp(path);
    assert_non_null(strstr(text, "line 19"));
    free(text);
}

static void test_open_fails(void **state)
{
    struct log *l = NULL;
    struct err e = ERR_INIT;
    char path[128];

    (void)state;
    snprintf(path, sizeof(path), "%s/file", dir);
    fclose(fopen(path, "w"));
    snprintf(path, sizeof(path), "%s/file/sub/pipetop.log", dir); /* parent is a file */
    assert_int_equal(log_open(&l, path, 0, &e), -1);
    assert_null(l);
    assert_int_equal(e.code, ERR_IO);
    log_printf(NULL, "info", "a NULL log is a no-op");
    log_close(NULL);
}

static void test_checklist_json(void **state)
{
    struct checklist l = {0};
    struct err e = ERR_INIT;
    json_t *root, *c;
    char *json = NULL;
    size_t n[3];

    (void)state;
    checklist_add(&l, "config", CHECK_OK, ERR_OK, NULL, "%s is valid", "/x/config.ini");
    checklist_add(&l, "clock", CHECK_WARN, ERR_OK, "fix NTP", "your clock is %d s ahead", 90);
    assert_true(checklist_ok(&l));
    checklist_add(&l, "AWS identity", CHECK_FAIL, ERR_AUTH, "check the secret",
                  "SignatureDoesNotMatch: bad \xff byte");
    assert_false(checklist_ok(&l));
    checklist_count(&l, n);
    assert_true(n[0] == 1 && n[1] == 1 && n[2] == 1);
    assert_int_equal(checklist_to_json(&l, &json, &e), 0);
    root = json_loads(json, 0, NULL);
    assert_non_null(root);
    assert_true(json_is_false(json_object_get(root, "ok")));
    assert_int_equal(json_array_size(json_object_get(root, "checks")), 3);
    c = json_array_get(json_object_get(root, "checks"), 1);
    assert_string_equal(json_string_value(json_object_get(c, "name")), "clock");
    assert_true(json_is_true(json_object_get(c, "ok")));
    assert_string_equal(json_string_value(json_object_get(c, "status")), "warn");
    assert_string_equal(json_string_value(json_object_get(c, "remedy")), "fix NTP");
    c = json_array_get(json_object_get(root, "checks"), 2);
    assert_string_equal(json_string_value(json_object_get(c, "status")), "fail");
    assert_string_equal(json_string_value(json_object_get(c, "detail")),
                        "SignatureDoesNotMatch: bad ? byte");
    json_decref(root);
    free(json);
    for (int i = 0; i < CHECKLIST_MAX + 2; i++)
        checklist_add(&l, "x", CHECK_OK, ERR_OK, NULL, "filler");
    assert_int_equal(l.n, CHECKLIST_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes_and_lines), cmocka_unit_test(test_redacted),
        cmocka_unit_test(test_rotation),        cmocka_unit_test(test_open_fails),
        cmocka_unit_test(test_checklist_json),
    };
    int rc;

    snprintf(dir, sizeof(dir), "/tmp/pipetop-log-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    umask(022);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            rc = rc ? rc : 1;
    }
    return rc;
}
