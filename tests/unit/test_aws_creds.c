/* tests/unit/test_aws_creds.c: the network-free AWS credential chain, profiles, broken files,
 * the permission warning, region and endpoint resolution, and the IMDS document parser.
 * Every test starts from a clean AWS_* environment and its own temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/aws_config.h"
#include "core/aws_creds.h"

static char tmpdir[256], cred_path[300], conf_path[300];

static const char *const aws_vars[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_RDS",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL_LAMBDA",
    "AWS_ENDPOINT_URL_EVENTBRIDGE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
};

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(aws_vars) / sizeof(aws_vars[0]); i++)
        unsetenv(aws_vars[i]);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/pipetop-aws-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(cred_path, sizeof(cred_path), "%s/credentials", tmpdir);
    snprintf(conf_path, sizeof(conf_path), "%s/config", tmpdir);
    setenv("HOME", tmpdir, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
    setenv("AWS_CONFIG_FILE", conf_path, 1);
    return 0;
}

static int teardown(void **state)
{
    char p[400];
    (void)state;
    unlink(cred_path);
    unlink(conf_path);
    snprintf(p, sizeof(p), "%s/adir", tmpdir);
    rmdir(p);
    rmdir(tmpdir);
    return 0;
}

static const char CREDS[] = "[default]\n"
                            "aws_access_key_id = AKIDDEFAULT\n"
                            "aws_secret_access_key = secretdefault\n"
                            "\n"
                            "[prod]\n"
                            "aws_access_key_id = AKIDPROD\n"
                            "aws_secret_access_key = secretprod\n"
                            "aws_session_token = tokenprod\n";

static const char CONFIG[] = "[default]\n"
                             "region = us-east-1\n"
                             "[profile prod]\n"
                             "region = eu-west-1\n"
                             "[profile admin]\n"
                             "role_arn = arn:aws:iam::123456789012:role/console\n"
                             "source_profile = default\n"
                             "role_session_name = ops\n"
                             "external_id = xyz\n"
                             "duration_seconds = 1800\n"
                             "[profile chained]\n"
                             "role_arn = arn:aws:iam::210987654321:role/reader\n"
                             "source_profile = admin\n"
                             "[profile dev]\n"
                             "aws_access_key_id = AKIDDEV\n"
                             "aws_secret_access_key = secretdev\n"
                             "[profile local]\n"
                             "endpoint_url = http://localhost:4566/\n"
                             "services = local-dev\n"
                             "aws_access_key_id = AKIDLOCAL\n"
                             "aws_secret_access_key = secretlocal\n"
                             "[services local-dev]\n"
                             "dynamodb =\n"
                             "  endpoint_url = http://localhost:8000\n"
                             "eventbridge =\n"
                             "  endpoint_url = http://127.0.0.1:9999\n"
                             "[profile nosource]\n"
                             "role_arn = arn:aws:iam::123456789012:role/x\n"
                             "[profile process]\n"
                             "credential_process = /bin/get-creds\n";

static void write_both(void)
{
    write_file(cred_path, CREDS, 0600);
    write_file(conf_path, CONFIG, 0600);
}

/* Loads the config and plans; returns the plan's rc and leaves e set on failure. */
static int plan_for(const char *profile_opt, struct aws_creds_plan *plan, struct err *e)
{
    struct aws_config *cfg = NULL;
    struct aws_config_options opt = {profile_opt, NULL, NULL};
    int rc;

    if (aws_config_load(&cfg, &opt, e) != 0)
        return -2;
    rc = aws_creds_plan(plan, cfg, profile_opt != NULL, e);
    aws_config_free(cfg);
    return rc;
}

static void test_env_wins(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;

    (void)state;
    write_both();
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
    setenv("AWS_SECURITY_TOKEN", "legacytoken", 1);
    setenv("AWS_PROFILE", "prod", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), 0);
    assert_int_equal(plan.next, AWS_CREDS_READY);
    assert_string_equal(plan.base.access_key_id, "AKIDENV");
    assert_string_equal(plan.base.secret_access_key, "secretenv");
    assert_string_equal(plan.base.session_token, "legacytoken");
    assert_string_equal(plan.base.source, "environment");
    aws_creds_plan_release(&plan);

    setenv("AWS_SESSION_TOKEN", "newtoken", 1);
    setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), 0);
    assert_string_equal(plan.base.session_token, "newtoken");
    assert_true(plan.base.expires_ms == 1893456000000LL);
    aws_creds_plan_release(&plan);

    /* an explicit --profile skips the environment, like Session(profile=...) */
    assert_int_equal(plan_for("prod", &plan, &e), 0);
    assert_string_equal(plan.base.access_key_id, "AKIDPROD");
    aws_creds_plan_release(&plan);
}

static void test_env_partial(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;

    (void)state;
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_string_equal(e.msg, "AWS_ACCESS_KEY_ID is set in the environment but "
                               "AWS_SECRET_ACCESS_KEY is not; set both, or unset it to use a "
                               "profile");
}

static void test_profiles(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;
    char want[600];

    (void)state;
    write_both();
    assert_int_equal(plan_for(NULL, &plan, &e), 0);
    assert_int_equal(plan.next, AWS_CREDS_READY);
    assert_string_equal(plan.base.access_key_id, "AKIDDEFAULT");
    assert_null(plan.base.session_token);
    assert_string_equal(plan.base.source,
                        "shared credentials file ~/credentials [profile default]");
    aws_creds_plan_release(&plan);

    setenv("AWS_PROFILE", "prod", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), 0);
    assert_string_equal(plan.base.access_key_id, "AKIDPROD");
    assert_string_equal(plan.base.session_token, "tokenprod");
    aws_creds_plan_release(&plan);

    /* botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE */
    setenv("AWS_DEFAULT_PROFILE", "dev", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), 0);
    assert_string_equal(plan.base.access_key_id, "AKIDDEV");
    snprintf(want, sizeof(want), "config file ~/config [profile dev]");
    assert_string_equal(plan.base.source, want);
    aws_creds_plan_release(&plan);
}

static void test_unknown_profile(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;

    (void)state;
    write_both();
    setenv("AWS_PROFILE", "staging", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -2);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_string_equal(e.msg, "profile \"staging\" (from AWS_PROFILE) is not in ~/credentials "
                               "or ~/config; profiles there: default, prod, admin, chained, dev, "
                               "local, nosource, process");
}

static void test_missing_secret(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;

    (void)state;
    write_file(cred_path, "[prod]\naws_access_key_id = AKIDPROD\n", 0600);
    setenv("AWS_PROFILE", "prod", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_string_equal(e.msg, "[prod] in ~/credentials has aws_access_key_id but no "
                               "aws_secret_access_key; add the missing line");

    e = (struct err)ERR_INIT;
    write_file(conf_path, "[profile x]\naws_secret_access_key = s\n", 0600);
    setenv("AWS_PROFILE", "x", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_string_equal(e.msg, "[profile x] in ~/config has aws_secret_access_key but no "
                               "aws_access_key_id; add the missing line");
}

static void test_bad_ini(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;

    (void)state;
    write_file(cred_path, "[default]\naws_access_key_id = A\nthis line is wrong\n", 0600);
    assert_int_equal(plan_for(NULL, &plan, &e), -2);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_string_equal(e.msg, "~/credentials:3: not valid INI (expected \"[section]\" or "
                               "\"key = value\"); fix or remove that line");

    e = (struct err)ERR_INIT;
    write_file(cred_path, "[default\n", 0600);
    assert_int_equal(plan_for(NULL, &plan, &e), -2);
    assert_non_null(strstr(e.msg, "~/credentials:1: not valid INI"));
}

static void test_unreadable(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;
    char dir[400];

    (void)state;
    snprintf(dir, sizeof(dir), "%s/adir", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    setenv("AWS_CONFIG_FILE", dir, 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -2);
    assert_int_equal(e.code, ERR_IO);
    assert_string_equal(e.msg, "cannot read ~/adir: Is a directory");
    if (geteuid() != 0) { /* root reads anything; mode 000 only stops other users */
        e = (struct err)ERR_INIT;
        write_file(cred_path, CREDS, 0000);
        assert_int_equal(plan_for(NULL, &plan, &e), -2);
        assert_string_equal(e.msg, "cannot read ~/credentials: Permission denied");
    }
}

static void test_permission_warning(void **state)
{
    struct aws_config *cfg;
    struct err e = ERR_INIT;
    const char *const *w;

    (void)state;
    write_file(cred_path, CREDS, 0644);
    assert_int_equal(aws_config_load(&cfg, NULL, &e), 0);
    assert_int_equal(aws_config_warnings(cfg, &w), 1);
    assert_string_equal(w[0], "WARNING: UNPROTECTED CREDENTIALS FILE: ~/credentials is "
                              "accessible by group or others (mode 0644); secret keys in it can "
                              "be read by other users. Run: chmod 600 ~/credentials");
    aws_config_free(cfg);

    assert_int_equal(chmod(cred_path, 0600), 0);
    assert_int_equal(aws_config_load(&cfg, NULL, &e), 0);
    assert_int_equal(aws_config_warnings(cfg, &w), 0);
    aws_config_free(cfg);
}

static void test_assume_role_plan(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;

    (void)state;
    write_both();
    setenv("AWS_PROFILE", "admin", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), 0);
    assert_int_equal(plan.next, AWS_CREDS_ASSUME_ROLE);
    assert_string_equal(plan.base.access_key_id, "AKIDDEFAULT");
    assert_int_equal(plan.n_roles, 1);
    assert_string_equal(plan.roles[0].role_arn, "arn:aws:iam::123456789012:role/console");
    assert_string_equal(plan.roles[0].session_name, "ops");
    assert_string_equal(plan.roles[0].external_id, "xyz");
    assert_int_equal(plan.roles[0].duration_s, 1800);
    assert_string_equal(plan.roles[0].profile, "admin");
    aws_creds_plan_release(&plan);

    setenv("AWS_PROFILE", "chained", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), 0);
    assert_int_equal(plan.next, AWS_CREDS_ASSUME_ROLE);
    assert_int_equal(plan.n_roles, 2);
    assert_string_equal(plan.roles[0].role_arn, "arn:aws:iam::123456789012:role/console");
    assert_string_equal(plan.roles[1].role_arn, "arn:aws:iam::210987654321:role/reader");
    assert_null(plan.roles[1].session_name);
    aws_creds_plan_release(&plan);
}

static void test_role_errors(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;

    (void)state;
    write_both();
    setenv("AWS_PROFILE", "nosource", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_string_equal(e.msg, "profile nosource has role_arn but neither source_profile nor "
                               "credential_source; add source_profile = <profile with keys>");

    e = (struct err)ERR_INIT;
    setenv("AWS_PROFILE", "process", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_non_null(strstr(e.msg, "credential_process, which pipetop does not support"));

    e = (struct err)ERR_INIT;
    write_file(conf_path,
               "[profile a]\nrole_arn = arn:1\nsource_profile = b\n"
               "[profile b]\nrole_arn = arn:2\nsource_profile = a\n",
               0600);
    setenv("AWS_PROFILE", "a", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_non_null(strstr(e.msg, "chain is longer than 4 profiles (a loop?)"));

    e = (struct err)ERR_INIT;
    write_file(conf_path, "[profile a]\nrole_arn = arn:1\nsource_profile = ghost\n", 0600);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_string_equal(e.msg,
                        "profile a: source_profile \"ghost\" is not in ~/credentials or ~/config");
}

static void test_imds_step(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;
    char url[256];

    (void)state;
    /* no files, no environment: IMDS is next */
    assert_int_equal(plan_for(NULL, &plan, &e), 0);
    assert_int_equal(plan.next, AWS_CREDS_IMDS);
    aws_creds_plan_release(&plan);

    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_int_equal(e.code, ERR_AUTH);
    assert_string_equal(e.msg, "no AWS credentials found: tried environment (AWS_ACCESS_KEY_ID "
                               "not set); profile default in ~/credentials and ~/config (no "
                               "keys); EC2 instance metadata (AWS_EC2_METADATA_DISABLED=true). "
                               "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add keys to "
                               "profile default (aws configure)");

    aws_imds_endpoint(url, sizeof(url));
    assert_string_equal(url, "http://169.254.169.254");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6", 1);
    aws_imds_endpoint(url, sizeof(url));
    assert_string_equal(url, "http://[fd00:ec2::254]");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:8111/", 1);
    aws_imds_endpoint(url, sizeof(url));
    assert_string_equal(url, "http://127.0.0.1:8111");
}

static int parse_str(struct aws_creds *c, const char *json, struct err *e)
{
    return aws_imds_parse_credentials(c, json, strlen(json), "web", e);
}

static void test_imds_parse(void **state)
{
    static const char ok[] =
        "{\"Code\":\"Success\",\"LastUpdated\":\"2024-03-01T04:00:00Z\",\"Type\":\"AWS-HMAC\","
        "\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"imdssecret\",\"Token\":\"imdstok\","
        "\"Expiration\":\"2024-03-01T10:00:00Z\"}";
    struct aws_creds c = AWS_CREDS_INIT;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(aws_imds_parse_credentials(&c, ok, strlen(ok), "web", &e), 0);
    assert_string_equal(c.access_key_id, "ASIAEXAMPLE");
    assert_string_equal(c.secret_access_key, "imdssecret");
    assert_string_equal(c.session_token, "imdstok");
    assert_true(c.expires_ms == 1709287200000LL);
    assert_string_equal(c.source, "EC2 instance metadata (role web)");
    assert_false(aws_creds_expiring(&c, 1709287200000LL - 600000, 300000));
    assert_true(aws_creds_expiring(&c, 1709287200000LL - 200000, 300000));
    aws_creds_release(&c);
    assert_null(c.secret_access_key);
    assert_true(aws_creds_expiring(&c, 0, 0));

    assert_int_equal(parse_str(&c, "{\"Code\":\"Failed\",\"Message\":\"no\"}", &e), -1);
    assert_int_equal(e.code, ERR_AUTH);
    e = (struct err)ERR_INIT;
    assert_int_equal(parse_str(&c, "{\"SecretAccessKey\":\"leak", &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_null(strstr(e.msg, "leak"));
    e = (struct err)ERR_INIT;
    assert_int_equal(parse_str(&c, "{\"Code\":\"Success\"}", &e), -1);
    assert_non_null(strstr(e.msg, "lack AccessKeyId"));
}

static void test_region(void **state)
{
    struct aws_config *cfg;
    struct aws_config_options opt = {NULL, NULL, "ap-south-1"};
    struct err e = ERR_INIT;
    const char *src;

    (void)state;
    write_both();
    setenv("AWS_PROFILE", "prod", 1);
    assert_int_equal(aws_config_load(&cfg, &opt, &e), 0);
    assert_string_equal(aws_config_region(cfg, &src), "eu-west-1");
    assert_string_equal(src, "profile");
    setenv("AWS_DEFAULT_REGION", "us-west-2", 1);
    assert_string_equal(aws_config_region(cfg, &src), "us-west-2");
    assert_string_equal(src, "AWS_DEFAULT_REGION");
    setenv("AWS_REGION", "eu-central-1", 1);
    assert_string_equal(aws_config_region(cfg, &src), "eu-central-1");
    assert_string_equal(src, "AWS_REGION");
    aws_config_free(cfg);

    opt.region = "sa-east-1";
    assert_int_equal(aws_config_load(&cfg, &opt, &e), 0);
    assert_string_equal(aws_config_region(cfg, &src), "sa-east-1");
    aws_config_free(cfg);

    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
    setenv("AWS_PROFILE", "dev", 1);
    opt.region = NULL;
    assert_int_equal(aws_config_load(&cfg, &opt, &e), 0);
    assert_string_equal(aws_config_region(cfg, &src), "ap-south-1");
    assert_string_equal(src, "pipetop config [aws] region");
    aws_config_free(cfg);
}

static void endpoint_is(struct aws_config *cfg, const char *svc, const char *url,
                        const char *source, int path_style)
{
    struct aws_endpoint ep;
    struct err e = ERR_INIT;

    assert_int_equal(aws_config_endpoint(cfg, svc, "eu-west-1", &ep, &e), 0);
    assert_string_equal(ep.url, url);
    assert_string_equal(ep.source, source);
    assert_int_equal(ep.s3_path_style, path_style);
    assert_int_equal(ep.overridden, strcmp(source, "default") != 0);
}

static void test_endpoints(void **state)
{
    struct aws_config *cfg;
    struct aws_endpoint ep;
    struct err e = ERR_INIT;

    (void)state;
    write_both();
    assert_int_equal(aws_config_load(&cfg, NULL, &e), 0);
    endpoint_is(cfg, "dynamodb", "https://dynamodb.eu-west-1.amazonaws.com", "default", 0);
    endpoint_is(cfg, "events", "https://events.eu-west-1.amazonaws.com", "default", 0);
    endpoint_is(cfg, "s3", "https://s3.eu-west-1.amazonaws.com", "default", 0);
    assert_int_equal(aws_config_endpoint(cfg, "sts", "cn-north-1", &ep, &e), 0);
    assert_string_equal(ep.url, "https://sts.cn-north-1.amazonaws.com.cn");
    assert_int_equal(aws_config_endpoint(cfg, "ec2", "eu-west-1", &ep, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    e = (struct err)ERR_INIT;
    assert_int_equal(aws_config_endpoint(cfg, "sts", NULL, &ep, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    e = (struct err)ERR_INIT;

    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4000/", 1);
    endpoint_is(cfg, "rds", "http://127.0.0.1:4000", "AWS_ENDPOINT_URL", 0);
    endpoint_is(cfg, "s3", "http://127.0.0.1:4000", "AWS_ENDPOINT_URL", 1);
    setenv("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:5000", 1);
    endpoint_is(cfg, "events", "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_EVENTBRIDGE", 0);
    endpoint_is(cfg, "lambda", "http://127.0.0.1:4000", "AWS_ENDPOINT_URL", 0);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    endpoint_is(cfg, "events", "https://events.eu-west-1.amazonaws.com", "default", 0);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    setenv("AWS_ENDPOINT_URL_STS", "ftp://nope", 1);
    assert_int_equal(aws_config_endpoint(cfg, "sts", "eu-west-1", &ep, &e), -1);
    assert_string_equal(e.msg, "sts endpoint \"ftp://nope\" from AWS_ENDPOINT_URL_STS is not an "
                               "http:// or https:// URL");
    aws_config_free(cfg);

    /* profile endpoint_url and its services section */
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_EVENTBRIDGE");
    unsetenv("AWS_ENDPOINT_URL_STS");
    setenv("AWS_PROFILE", "local", 1);
    assert_int_equal(aws_config_load(&cfg, NULL, &e), 0);
    endpoint_is(cfg, "dynamodb", "http://localhost:8000",
                "[services local-dev] dynamodb in ~/config", 0);
    endpoint_is(cfg, "events", "http://127.0.0.1:9999",
                "[services local-dev] eventbridge in ~/config", 0);
    endpoint_is(cfg, "s3", "http://localhost:4566",
                "endpoint_url of profile local in the config file", 1);
    setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:7000", 1);
    endpoint_is(cfg, "dynamodb", "http://127.0.0.1:7000", "AWS_ENDPOINT_URL_DYNAMODB", 0);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", 1);
    endpoint_is(cfg, "s3", "https://s3.eu-west-1.amazonaws.com", "default", 0);
    aws_config_free(cfg);
}

static void test_no_secret_in_messages(void **state)
{
    struct aws_creds_plan plan;
    struct err e = ERR_INIT;

    (void)state;
    write_file(cred_path, "[default]\naws_secret_access_key = SUPERSECRET\n", 0644);
    assert_int_equal(plan_for(NULL, &plan, &e), -1);
    assert_null(strstr(e.msg, "SUPERSECRET"));
}

/* Random bytes, long lines and stray brackets: loading either works or fails cleanly. */
static void test_garbage_files(void **state)
{
    static const char alphabet[] = "[]= \t\n;#abc\xc3\xa9\x01profile default aws_access_key_id";
    unsigned int seed = 12345;

    (void)state;
    for (int round = 0; round < 60; round++) {
        size_t n = (size_t)(rand_r(&seed) % 3000);
        char *text = malloc(n + 1);
        struct aws_config *cfg = NULL;
        struct aws_creds_plan plan;
        struct err e = ERR_INIT;
        assert_non_null(text);
        for (size_t i = 0; i < n; i++)
            text[i] = round % 3 == 0 ? (char)(rand_r(&seed) % 255 + 1)
                                     : alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
        text[n] = '\0';
        write_file(round % 2 ? cred_path : conf_path, text, 0600);
        if (aws_config_load(&cfg, NULL, &e) == 0) {
            if (aws_creds_plan(&plan, cfg, 1, &e) == 0)
                aws_creds_plan_release(&plan);
            aws_config_free(cfg);
        } else {
            assert_true(e.code == ERR_CONFIG || e.code == ERR_IO);
        }
        free(text);
        unlink(cred_path);
        unlink(conf_path);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_env_wins),        T(test_env_partial),        T(test_profiles),
        T(test_unknown_profile), T(test_missing_secret),     T(test_bad_ini),
        T(test_unreadable),      T(test_permission_warning), T(test_assume_role_plan),
        T(test_role_errors),     T(test_imds_step),          T(test_imds_parse),
        T(test_region),          T(test_endpoints),          T(test_no_secret_in_messages),
        T(test_garbage_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
