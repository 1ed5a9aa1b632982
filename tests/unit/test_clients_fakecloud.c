/* tests/unit/test_clients_fakecloud.c: the Google clients end to end against the fake cloud —
 * a service-account token from its token endpoint (core/gauth), then transferConfigs.list and
 * datasets.list followed page by page (core/pager + core/listall) with page size 1, so the fake
 * cloud's opaque page tokens, omitted arrays and error shapes meet the real parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/gauth.h"
#include "core/listall.h"
#include "tests/unit/clients_testutil.h"
#include "tests/unit/fakecloud_proc.h"

/* The world (tests/scenarios/README.md): pipeline orders (an amazon_s3 transfer into raw.orders_raw
 * at 04:00 UTC and its scheduled query), pipeline users (a transfer only), and an extra dataset. */
static const char scenario[] =
    "{\"gcp\":{\"project\":\"example-project\",\"project_number\":\"123456789012\"},"
    "\"days\":3,\"export\":{\"transfer_at\":\"04:00\"},"
    "\"dynamodb\":{\"tables\":[{\"name\":\"orders\"},{\"name\":\"users\"}]},"
    "\"pipelines\":[{\"name\":\"orders\",\"source\":{\"dynamodb\":\"orders\"},"
    "\"raw_table\":\"orders_raw\"},"
    "{\"name\":\"users\",\"source\":{\"dynamodb\":\"users\"},\"query\":false}],"
    "\"bigquery\":{\"datasets\":[{\"id\":\"tmp\",\"friendly_name\":\"分析\"}]}}";

static struct fakecloud_proc fc;
static struct gauth *g;

static int setup(void **state)
{
    struct gauth_cred cred;
    struct err e = ERR_INIT;
    char path[512];

    (void)state;
    if (fakecloud_start(&fc, scenario) != 0)
        return -1;
    memset(&cred, 0, sizeof(cred));
    snprintf(path, sizeof(path), "%s/service_account.json", fc.workdir);
    if (gauth_cred_load_file(&cred, path, &e) != 0 || gauth_new(&g, &cred, NULL, &e) != 0) {
        fprintf(stderr, "gauth: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gauth_free(g);
    return fakecloud_stop(&fc);
}

static struct http_client *client(void)
{
    struct http_options o = {0};
    struct http_client *c = NULL;
    struct err e = ERR_INIT;

    o.max_attempts = 2;
    o.backoff_base_ms = 10;
    assert_int_equal(http_client_new(&c, &o, &e), 0);
    return c;
}

static void test_transfer_configs_paged(void **state)
{
    struct http_client *c = client();
    struct listall_dts_configs q = {0};
    const char *s3[] = {"amazon_s3", NULL};
    struct pager_spec spec;
    struct err e = ERR_INIT;
    int pages = 0;

    (void)state;
    q.endpoint = fc.url;
    q.project = "example-project";
    q.location = "us";
    q.page_size = 1;
    listall_dts_configs(&spec, &q, gauth_prepare, g);
    if (pager_run(c, &spec, &pages, &e) != 0)
        fail_msg("%s", e.msg);
    assert_int_equal(q.result.n, 3);
    assert_true(pages >= 3);
    assert_memory_equal(q.result.v[0].cfg.name,
                        "projects/123456789012/locations/us/transferConfigs/",
                        strlen("projects/123456789012/locations/us/transferConfigs/"));
    assert_string_equal(q.result.v[0].cfg.schedule, "every day 04:00");
    assert_string_equal(q.result.v[0].cfg.destination_table_template, "orders_raw");
    assert_non_null(strstr(q.result.v[1].cfg.query, "FROM raw.orders_raw"));
    assert_false(q.result.v[2].cfg.disabled);
    dts_configs_release(&q.result);

    q.data_source_ids = s3; /* repeated dataSourceIds filter */
    listall_dts_configs(&spec, &q, gauth_prepare, g);
    assert_int_equal(pager_run(c, &spec, NULL, &e), 0);
    assert_int_equal(q.result.n, 2);
    dts_configs_release(&q.result);

    q.project = "someone-elses"; /* the fake cloud answers PERMISSION_DENIED like DTS */
    listall_dts_configs(&spec, &q, gauth_prepare, g);
    assert_int_equal(pager_run(c, &spec, NULL, &e), -1);
    ct_assert_err(&e, ERR_AUTH, "dts transferConfigs.list: HTTP 403 PERMISSION_DENIED", NULL);
    dts_configs_release(&q.result);
    http_client_free(c);
}

static void test_datasets_paged(void **state)
{
    struct http_client *c = client();
    struct listall_bq_datasets q = {0};
    struct pager_spec spec;
    struct err e = ERR_INIT;
    int pages = 0;

    (void)state;
    q.endpoint = fc.url;
    q.project = "example-project";
    q.max_results = 2;
    listall_bq_datasets(&spec, &q, gauth_prepare, g);
    if (pager_run(c, &spec, &pages, &e) != 0)
        fail_msg("%s", e.msg);
    assert_int_equal(pages, 2);
    assert_int_equal(q.result.n, 3);
    assert_string_equal(q.result.v[1].dataset_id, "mart");
    assert_string_equal(q.result.v[2].dataset_id, "tmp");
    assert_string_equal(q.result.v[2].friendly_name, "分析");
    assert_string_equal(q.result.v[2].project, "example-project");
    bq_datasets_release(&q.result);

    q.project = "no-such-project";
    listall_bq_datasets(&spec, &q, gauth_prepare, g);
    assert_int_equal(pager_run(c, &spec, NULL, &e), -1);
    ct_assert_err(&e, ERR_NOT_FOUND, "bigquery datasets.list: HTTP 404", "notFound",
                  "Not found: Project no-such-project", NULL);
    bq_datasets_release(&q.result);
    http_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transfer_configs_paged),
        cmocka_unit_test(test_datasets_paged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
