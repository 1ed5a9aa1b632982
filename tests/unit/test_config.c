/* tests/unit/test_config.c: config loading: defaults, a full file, every error kind with its
 * line, secrets refused without echo, and flag > env > file > default precedence.
 * Data files live in tests/data/config/; the working directory is the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/config_check.h"
#include "core/strutil.h"

#define DATA "tests/data/config/"

static char home[64];

static void clean_env(void)
{
    static const char *const vars[] = {"XDG_CONFIG_HOME",     "XDG_STATE_HOME",
                                       "PIPETOP_CONFIG",      "PIPETOP_DB",
                                       "PIPETOP_TIMEZONE",    "PIPETOP_BIGQUERY_ENDPOINT",
                                       "PIPETOP_DTS_ENDPOINT"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    setenv("HOME", home, 1);
}

static int setup(void **state)
{
    (void)state;
    clean_env();
    return 0;
}

static struct config *load_ok(const char *path, bool read_only)
{
    struct config_overrides ov = {path, NULL, read_only};
    struct config *c = NULL;
    struct err e = ERR_INIT;

    if (config_load(&c, &ov, &e) != 0)
        fail_msg("config_load(%s): %s", path ? path : "(default)", e.msg);
    return c;
}

static char *origin(const struct config *c, const char *section, const char *key)
{
    static char buf[96];
    const struct config_origin *o = config_origin_of(c, section, key);

    assert_non_null(o);
    return config_origin_str(o, buf, sizeof(buf));
}

static void test_defaults_without_file(void **state)
{
    struct config *c = load_ok(NULL, false);
    char want[160];

    (void)state;
    assert_false(c->config_exists);
    snprintf(want, sizeof(want), "%s/.config/pipetop/config.ini", home);
    assert_string_equal(c->paths.config, want);
    snprintf(want, sizeof(want), "%s/.local/state/pipetop/history.db", home);
    assert_string_equal(c->paths.db, want);
    snprintf(want, sizeof(want), "%s/.local/state/pipetop/pipetop.log", home);
    assert_string_equal(c->paths.log, want);
    assert_string_equal(c->general.timezone, "local");
    assert_int_equal(c->general.days, 14);
    assert_int_equal(c->general.refresh_active_s, 30);
    assert_int_equal(c->general.refresh_idle_s, 300);
    assert_false(c->general.read_only);
    assert_int_equal(c->general.stuck_after_min, 120);
    assert_int_equal(c->general.api_log_retention_days, 30);
    assert_int_equal(c->general.api_log_max_rows, 100000);
    assert_int_equal(c->general.max_in_flight, 16);
    assert_int_equal(c->general.request_timeout_s, 60);
    assert_null(c->aws.region);
    assert_int_equal(c->aws.export_time_min, -1);
    assert_int_equal(c->aws.dynamodb_tables.n, 0);
    assert_string_equal(c->gcp.bigquery_endpoint, "https://bigquery.googleapis.com");
    assert_string_equal(c->gcp.dts_endpoint, "https://bigquerydatatransfer.googleapis.com");
    assert_int_equal(c->n_pipelines, 0);
    assert_string_equal(origin(c, "general", "days"), "default");
    config_free(c);
}

static void test_full_file(void **state)
{
    struct config *c = load_ok(DATA "full.ini", false);
    const struct config_pipeline *p;

    (void)state;
    assert_true(c->config_exists);
    assert_int_equal(c->paths.config_source, PATH_FLAG);
    assert_string_equal(c->general.timezone, "Asia/Tokyo");
    assert_string_equal(origin(c, "general", "timezone"), "file:3");
    assert_int_equal(c->general.days, 21);
    assert_int_equal(c->general.refresh_active_s, 15);
    assert_int_equal(c->general.refresh_idle_s, 600);
    assert_true(c->general.read_only);
    assert_int_equal(c->general.stuck_after_min, 90);
    assert_int_equal(c->general.api_log_retention_days, 7);
    assert_int_equal(c->general.api_log_max_rows, 5000);
    assert_int_equal(c->general.max_in_flight, 8);
    assert_string_equal(c->aws.profile, "data-prod");
    assert_string_equal(c->aws.region, "ap-northeast-1");
    assert_string_equal(origin(c, "aws", "region"), "file:15");
    assert_string_equal(c->aws.endpoint_url, "http://127.0.0.1:4566"); /* trailing / dropped */
    assert_int_equal(c->aws.export_time_min, 3 * 60 + 30);
    assert_int_equal(c->aws.dynamodb_tables.n, 3);
    assert_string_equal(c->aws.dynamodb_tables.items[1], "orders"); /* trimmed */
    assert_string_equal(c->aws.aurora_clusters.items[0], "billing-cluster");
    assert_string_equal(c->gcp.project, "acme-data-123");
    assert_string_equal(c->gcp.location, "asia-northeast1");
    assert_int_equal(c->gcp.datasets.n, 2);
    assert_string_equal(c->gcp.bigquery_endpoint, "http://localhost:8081");
    assert_string_equal(c->gcp.credentials, "/etc/pipetop/sa.json");
    assert_int_equal(c->n_pipelines, 2);
    p = config_pipeline_find(c, "users");
    assert_non_null(p);
    assert_int_equal(p->source_kind, SOURCE_DYNAMODB);
    assert_string_equal(p->source, "users");
    assert_null(p->source_table);
    assert_string_equal(p->export_bucket, "acme-exports");
    assert_string_equal(p->export_prefix, "dynamodb/users");
    assert_string_equal(p->query_config, "64a0cafe-0000-2f2f-8b8b-f4f5e80c1a2b");
    assert_string_equal(p->raw_table, "raw.users");
    assert_string_equal(p->table, "acme-data-123.mart.users");
    assert_int_equal(p->export_via, EXPORT_VIA_LAMBDA);
    assert_int_equal(p->origin[CONFIG_PK_SOURCE].line, 32);
    p = config_pipeline_find(c, "billing");
    assert_non_null(p);
    assert_int_equal(p->source_kind, SOURCE_AURORA);
    assert_string_equal(p->source, "billing-cluster");
    assert_string_equal(p->source_table, "invoices");
    assert_string_equal(p->export_prefix, "");
    assert_int_equal(p->export_via, EXPORT_VIA_NATIVE);
    assert_null(config_pipeline_find(c, "nope"));
    config_free(c);

    c = load_ok(DATA "pipeline_spaces.ini", false);
    assert_non_null(config_pipeline_find(c, "users"));
    config_free(c);
}

struct bad_case {
    const char *file;
    const char *want;   /* substring of the message, after the file name */
    const char *secret; /* must not appear in the message */
};

static const struct bad_case bad_cases[] = {
    {"unknown_section.ini", ":4: unknown section [awz]; did you mean [aws]?", NULL},
    {"unknown_key.ini", ":12: unknown key 'regoin' in [aws]; did you mean 'region'?", NULL},
    {"bad_bool.ini", ":2: bad value 'maybe' for read_only in [general]: expected true/false", NULL},
    {"bad_int.ini",
     ":2: bad value '14x' for days in [general]: expected a whole number from 1 "
     "to 90",
     NULL},
    {"int_range.ini", ":2: bad value '91' for days", NULL},
    {"timeout_range.ini",
     ":2: bad value '0' for request_timeout in [general]: expected seconds from 1 to 600", NULL},
    {"bad_zone.ini",
     ":2: bad value 'Mars/Olympus_Mons' for timezone in [general]: expected an "
     "IANA zone name",
     NULL},
    {"refresh_floor.ini",
     ":2: bad value '5' for refresh_active in [general]: expected seconds "
     "from 10 (the floor",
     NULL},
    {"refresh_idle_floor.ini", ":2: bad value '9' for refresh_idle", NULL},
    {"bad_source.ini",
     ":2: bad value 'mysql:users' for source in [pipeline users]: expected "
     "dynamodb:TABLE or aurora:CLUSTER[/TABLE]",
     NULL},
    {"bad_prefix.ini", ":3: bad value 'https://bucket/x' for export_prefix", NULL},
    {"bad_export_via.ini",
     ":3: bad value 'glue' for export_via in [pipeline users]: expected "
     "native or lambda",
     NULL},
    {"bad_table.ini", ":3: bad value 'users' for raw_table", NULL},
    {"pipeline_no_source.ini", ":1: [pipeline users] needs source =", NULL},
    {"lambda_without_function.ini",
     ":3: [pipeline users] has export_via = lambda but [aws] "
     "names no export_lambda",
     NULL},
    {"pipeline_unknown_key.ini", ":3: unknown key 'soruce_table' in [pipeline users]", NULL},
    {"bad_pipeline_name.ini", ":3: bad pipeline name 'a/b'", NULL},
    {"pipeline_no_name.ini", ":1: [pipeline] needs a name", NULL},
    {"secret_aws.ini", ":3: 'aws_secret_access_key' in [aws] looks like a secret", "wJalrXUtnFEMI"},
    {"secret_gcp.ini", ":3: 'private_key' in [gcp] looks like a secret", "MIIEvQIBADANBgkq"},
    {"secret_token.ini", ":2: 'refresh_token' in [gcp] looks like a secret", "SECRETREFRESH"},
    {"secret_client.ini", ":2: 'client_secret' in [gcp] looks like a secret", "GOCSPX"},
    {"credentials_inline.ini", ":2: bad value", "INLINEKEYVALUE"},
    {"duplicate_key.ini", ":3: 'days' is set twice in [general] (first at line 2)", NULL},
    {"duplicate_section.ini", ":7: section [general] appears a second time (first at line 1)",
     NULL},
    {"continuation.ini", ":3: indented line continues 'dynamodb_tables' in [aws]", NULL},
    {"syntax.ini", ":3: not a '[section]' or 'key = value' line", NULL},
    {"before_section.ini", ":1: 'days' comes before any section", NULL},
    {"http_not_loopback.ini", ":2: bad value 'http://bigquery.example.com' for bigquery_endpoint",
     NULL},
    {"bad_region.ini", ":2: bad value 'Tokyo' for region in [aws]: expected an AWS region", NULL},
    {"bad_time.ini", ":2: bad value '25:00' for export_time", NULL},
    {"rule_and_time.ini", ":3: [aws] has both export_rule (line 2) and export_time", NULL},
    {"bad_list.ini", ":2: bad item '' in dynamodb_tables in [aws]", NULL},
    {"empty_value.ini", ":2: days in [general] is empty", NULL},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *bc = &bad_cases[i];
        char path[128];
        struct config_overrides ov = {path, NULL, false};
        struct config *c = (struct config *)&ov; /* must be reset to NULL */
        struct err e = ERR_INIT;

        snprintf(path, sizeof(path), DATA "%s", bc->file);
        if (config_load(&c, &ov, &e) == 0)
            fail_msg("%s: loaded, expected an error", bc->file);
        assert_null(c);
        assert_int_equal(e.code, ERR_CONFIG);
        if (strncmp(e.msg, path, strlen(path)) != 0 || strstr(e.msg, bc->want) == NULL)
            fail_msg("%s: got \"%s\", want \"%s\"", bc->file, e.msg, bc->want);
        if (bc->secret != NULL && strstr(e.msg, bc->secret) != NULL)
            fail_msg("%s: the message echoes the secret: %s", bc->file, e.msg);
    }
}

static void test_long_line(void **state)
{
    char path[128], line[400];
    struct config_overrides ov = {path, NULL, false};
    struct config *c = NULL;
    struct err e = ERR_INIT;
    FILE *f;

    (void)state;
    snprintf(path, sizeof(path), "%s/long.ini", home);
    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "[aws]\nprofile = %s\n", line);
    fclose(f);
    assert_int_equal(config_load(&c, &ov, &e), -1);
    assert_non_null(strstr(e.msg, ":2: line is longer than"));
    assert_null(strstr(e.msg, "aaaaaaaaaa"));
    unlink(path);
}

static void test_precedence(void **state)
{
    struct config *c;

    (void)state;
    c = load_ok(DATA "overrides.ini", false);
    assert_string_equal(c->general.timezone, "UTC");
    assert_false(c->general.read_only);
    assert_string_equal(c->gcp.bigquery_endpoint, "https://bq.example.com");
    config_free(c);

    setenv("PIPETOP_TIMEZONE", "Asia/Tokyo", 1);
    setenv("PIPETOP_BIGQUERY_ENDPOINT", "http://127.0.0.1:9050/", 1);
    setenv("PIPETOP_DTS_ENDPOINT", "http://[::1]:9051", 1);
    c = load_ok(DATA "overrides.ini", true);
    assert_string_equal(c->general.timezone, "Asia/Tokyo");
    assert_string_equal(origin(c, "general", "timezone"), "env PIPETOP_TIMEZONE");
    assert_string_equal(c->gcp.bigquery_endpoint, "http://127.0.0.1:9050");
    assert_string_equal(origin(c, "gcp", "bigquery_endpoint"), "env PIPETOP_BIGQUERY_ENDPOINT");
    assert_string_equal(c->gcp.dts_endpoint, "http://[::1]:9051");
    assert_true(c->general.read_only);
    assert_string_equal(origin(c, "general", "read_only"), "flag --read-only");
    assert_string_equal(origin(c, "general", "days"), "default");
    config_free(c);
}

static void test_env_errors(void **state)
{
    struct config_overrides ov = {DATA "overrides.ini", NULL, false};
    struct config *c = NULL;
    struct err e = ERR_INIT;

    (void)state;
    setenv("PIPETOP_TIMEZONE", "Not/A_Zone", 1);
    assert_int_equal(config_load(&c, &ov, &e), -1);
    assert_non_null(strstr(e.msg, "PIPETOP_TIMEZONE: bad value 'Not/A_Zone' for timezone"));
    unsetenv("PIPETOP_TIMEZONE");

    err_clear(&e);
    setenv("PIPETOP_DTS_ENDPOINT", "http://dts.example.com", 1);
    assert_int_equal(config_load(&c, &ov, &e), -1);
    assert_non_null(strstr(e.msg, "PIPETOP_DTS_ENDPOINT: bad value"));
}

static void test_missing_named_file(void **state)
{
    struct config_overrides ov = {DATA "no-such-file.ini", NULL, false};
    struct config *c = NULL;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(config_load(&c, &ov, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_non_null(strstr(e.msg, "does not exist (named by --config)"));

    err_clear(&e);
    ov.config_path = NULL;
    setenv("PIPETOP_CONFIG", DATA "no-such-file.ini", 1);
    assert_int_equal(config_load(&c, &ov, &e), -1);
    assert_non_null(strstr(e.msg, "does not exist (named by PIPETOP_CONFIG)"));

    setenv("PIPETOP_CONFIG", DATA "full.ini", 1);
    c = load_ok(NULL, false);
    assert_int_equal(c->paths.config_source, PATH_ENV);
    assert_int_equal(c->general.days, 21);
    config_free(c);

    err_clear(&e);
    ov.config_path = DATA; /* a directory */
    assert_int_equal(config_load(&c, &ov, &e), -1);
    assert_non_null(strstr(e.msg, "is a directory, not a file"));
}

static void test_paths(void **state)
{
    struct config *c;
    struct config_overrides ov = {NULL, NULL, false};
    struct err e = ERR_INIT;

    (void)state;
    setenv("XDG_CONFIG_HOME", "relative/dir", 1); /* ignored: XDG paths must be absolute */
    setenv("XDG_STATE_HOME", "/var/tmp/pipetop-test-state", 1);
    setenv("PIPETOP_DB", "/tmp/x.db", 1);
    c = load_ok(NULL, false);
    assert_non_null(strstr(c->paths.config, "/.config/pipetop/config.ini"));
    assert_string_equal(c->paths.db, "/tmp/x.db");
    assert_int_equal(c->paths.db_source, PATH_ENV);
    assert_string_equal(c->paths.log, "/var/tmp/pipetop-test-state/pipetop/pipetop.log");
    config_free(c);

    ov.db_path = "/tmp/flag.db";
    assert_int_equal(config_load(&c, &ov, &e), 0);
    assert_string_equal(c->paths.db, "/tmp/flag.db");
    assert_int_equal(c->paths.db_source, PATH_FLAG);
    config_free(c);

    clean_env();
    unsetenv("HOME");
    ov.db_path = NULL;
    assert_int_equal(config_load(&c, &ov, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_non_null(strstr(e.msg, "HOME is not set"));
    assert_null(c);
}

static int count_setting(void *user, const char *section, const char *key, const char *value,
                         const struct config_origin *o)
{
    int *n = user;

    (void)o;
    (void)value;
    assert_non_null(section);
    assert_non_null(key);
    ++*n;
    return 0;
}

static void test_visit_and_json(void **state)
{
    struct config *c = load_ok(DATA "full.ini", false);
    struct err e = ERR_INIT;
    char *json = NULL;
    int n = 0;

    (void)state;
    assert_int_equal(config_visit(c, count_setting, &n), 0);
    assert_int_equal(n, 24 + 2 * CONFIG_PK_COUNT);
    assert_int_equal(config_to_json(c, &json, &e), 0);
    assert_non_null(strstr(json, "\"exists\": true"));
    assert_non_null(strstr(json, "\"value\": \"Asia/Tokyo\""));
    assert_non_null(strstr(json, "\"source\": \"file:3\""));
    assert_non_null(strstr(json, "\"value\": \"users,orders,events\""));
    assert_non_null(strstr(json, "\"value\": \"s3://acme-exports/dynamodb/users\""));
    assert_non_null(strstr(json, "\"value\": \"aurora:billing-cluster/invoices\""));
    free(json);
    config_free(c);
}

static void test_nearest(void **state)
{
    static const char *const words[] = {"status", "refresh", "runs", "region", "profile"};

    (void)state;
    assert_int_equal(str_distance("stauts", "status"), 1);
    assert_int_equal(str_distance("regoin", "region"), 1);
    assert_int_equal(str_distance("", "abc"), 3);
    assert_int_equal(str_distance("Region", "region"), 0);
    assert_string_equal(str_nearest("stauts", words, 5), "status");
    assert_string_equal(str_nearest("regoin", words, 5), "region");
    assert_string_equal(str_nearest("rnus", words, 5), "runs");
    assert_null(str_nearest("xyzzy", words, 5));
    assert_null(str_nearest("anything", words, 0));
}

/* Garbage in, an error or a config out: never a crash or a leak (run under make asan). */
static void test_garbage(void **state)
{
    static const char *const pieces[] = {"[general]\n",
                                         "[aws]\n",
                                         "[pipeline p]\n",
                                         "[pipeline  q ]\n",
                                         "[\n",
                                         "]\n",
                                         "days = 3\n",
                                         "days=\n",
                                         "=x\n",
                                         "  indented = 1\n",
                                         "source = aurora:c/t\n",
                                         "export_prefix = s3://bkt/x\n",
                                         "; comment\n",
                                         "\xef\xbb\xbf",
                                         "\x01\x02\n",
                                         "region = ap-northeast-1 ; inline\n",
                                         "\n",
                                         "datasets = a,b,,\n",
                                         "token = x\n"};
    unsigned seed = 12345;
    char path[128];
    struct config_overrides ov = {path, NULL, false};

    (void)state;
    snprintf(path, sizeof(path), "%s/garbage.ini", home);
    for (int round = 0; round < 300; round++) {
        FILE *f = fopen(path, "w");
        struct config *c = NULL;
        struct err e = ERR_INIT;
        int n;

        assert_non_null(f);
        seed = seed * 1103515245u + 12345u;
        n = (int)(seed >> 16) % 12;
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            fputs(pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))], f);
        }
        fclose(f);
        if (config_load(&c, &ov, &e) == 0)
            config_free(c);
        else
            assert_true(e.msg[0] != '\0');
    }
    unlink(path);
}

struct format_case {
    int (*check)(const char *v);
    const char *value;
    int ok;
};

static const struct format_case formats[] = {
    {check_url, "https://bigquery.googleapis.com", 1},
    {check_url, "https://bq.example.com:8443/base", 1},
    {check_url, "http://127.0.0.1:9050", 1},
    {check_url, "http://localhost:1", 1},
    {check_url, "http://[::1]:9051", 1},
    {check_url, "http://example.com", 0},
    {check_url, "http://127.0.0.1.evil.com", 0},
    {check_url, "https://host:abc", 0},
    {check_url, "https://host:", 0},
    {check_url, "https://user:pw@host", 0},
    {check_url, "ftp://host", 0},
    {check_url, "https://", 0},
    {check_url, "https://a b", 0},
    {check_region, "ap-northeast-1", 1},
    {check_region, "us-gov-west-1", 1},
    {check_region, "us-east", 0},
    {check_region, "AP-NORTHEAST-1", 0},
    {check_project, "acme-data-123", 1},
    {check_project, "example.com:acme-data", 1},
    {check_project, "Acme", 0},
    {check_project, "acme-", 0},
    {check_lambda, "nightly-export", 1},
    {check_lambda, "arn:aws:lambda:us-east-1:123456789012:function:x:prod", 1},
    {check_lambda, "nightly export", 0},
    {check_dts_config, "projects/p-1/locations/us/transferConfigs/abc-123", 1},
    {check_dts_config, "abc-123", 1},
    {check_dts_config, "projects/p/transferConfigs/x", 0},
    {check_bq_table, "raw.users", 1},
    {check_bq_table, "my-proj.raw.users", 1},
    {check_bq_table, "raw.ユーザー", 1},
    {check_bq_table, "users", 0},
    {check_bq_table, ".users", 0},
    {check_bq_table, "a.b.c.d", 0},
    {check_cluster, "billing-cluster", 1},
    {check_cluster, "1billing", 0},
    {check_cluster, "bill--ing", 0},
    {check_file_path, "/etc/sa.json", 1},
    {check_file_path, "{\"type\": 1}", 0},
};

static void test_formats(void **state)
{
    enum source_kind kind;
    const char *name, *table, *prefix;
    size_t len;

    (void)state;
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if ((formats[i].check(formats[i].value) == 0) != formats[i].ok)
            fail_msg("'%s' should be %s", formats[i].value, formats[i].ok ? "good" : "bad");
    assert_int_equal(check_source("aurora:c-1/t", &kind, &name, &len, &table), 0);
    assert_int_equal(kind, SOURCE_AURORA);
    assert_int_equal(len, 3);
    assert_string_equal(table, "t");
    assert_int_equal(check_source("aurora:c-1/", &kind, &name, &len, &table), -1);
    assert_int_equal(check_source("dynamodb:ab", &kind, &name, &len, &table), -1);
    assert_int_equal(check_s3_uri("s3://bkt/a/b", &len, &prefix), 0);
    assert_int_equal(len, 3);
    assert_string_equal(prefix, "a/b");
    assert_int_equal(check_s3_uri("s3://Bkt/a", &len, &prefix), -1);
    assert_int_equal(check_s3_uri("s3://", &len, &prefix), -1);
}

static void test_bool_int(void **state)
{
    int b;
    long v;

    (void)state;
    assert_int_equal(str_parse_bool("YES", &b), 0);
    assert_int_equal(b, 1);
    assert_int_equal(str_parse_bool("off", &b), 0);
    assert_int_equal(b, 0);
    assert_int_equal(str_parse_bool("2", &b), -1);
    assert_int_equal(str_parse_int("42", 1, 90, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(str_parse_int(" 42", 1, 90, &v), -1);
    assert_int_equal(str_parse_int("4 2", 1, 90, &v), -1);
    assert_int_equal(str_parse_int("99999999999999999999", 1, 90, &v), -1);
    assert_int_equal(str_parse_int("", 1, 90, &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults_without_file, setup),
        cmocka_unit_test_setup(test_full_file, setup),
        cmocka_unit_test_setup(test_errors, setup),
        cmocka_unit_test_setup(test_long_line, setup),
        cmocka_unit_test_setup(test_precedence, setup),
        cmocka_unit_test_setup(test_env_errors, setup),
        cmocka_unit_test_setup(test_missing_named_file, setup),
        cmocka_unit_test_setup(test_paths, setup),
        cmocka_unit_test_setup(test_visit_and_json, setup),
        cmocka_unit_test_setup(test_garbage, setup),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_bool_int),
    };
    int rc;

    snprintf(home, sizeof(home), "/tmp/pipetop-test-config-XXXXXX");
    if (mkdtemp(home) == NULL)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(home);
    return rc;
}
