/* tests/unit/test_discovery_check.c: the discovery-shape validator used by the fake cloud's
 * Google self-check — the reference samples pass, and each kind of wire mistake (unknown member,
 * int64 sent as a number, bad timestamp, enum value outside the list, wrong JSON type deep in a
 * nested RECORD) is caught and named by its JSON path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "tests/unit/discovery_check.h"

static char shared[512];
static struct discovery *dts, *bq;

static json_t *sample(const char *rel)
{
    char path[1024];
    json_error_t jerr;
    json_t *doc;

    snprintf(path, sizeof(path), "%s/reference/samples/%s", shared, rel);
    doc = json_load_file(path, 0, &jerr);
    if (doc == NULL)
        fail_msg("%s: %s", path, jerr.text);
    return doc;
}

static void ok(struct discovery *d, const char *schema, json_t *doc)
{
    struct err e = ERR_INIT;

    if (discovery_check(d, schema, doc, &e) != 0)
        fail_msg("%s: %s", schema, e.msg);
}

static void bad(struct discovery *d, const char *schema, json_t *doc, const char *where)
{
    struct err e = ERR_INIT;

    assert_int_equal(discovery_check(d, schema, doc, &e), -1);
    if (strstr(e.msg, where) == NULL)
        fail_msg("wanted %s in: %s", where, e.msg);
}

static void test_samples_pass(void **state)
{
    const struct {
        const char *file, *schema;
        int bq;
    } cases[] = {
        {"bigquerydatatransfer/transfer-config-amazon-s3.synthetic.json", "TransferConfig", 0},
        {"bigquerydatatransfer/transfer-configs-list-scheduled-query.synthetic.json",
         "ListTransferConfigsResponse", 0},
        {"bigquerydatatransfer/transfer-runs-list.synthetic.json", "ListTransferRunsResponse", 0},
        {"bigquerydatatransfer/transfer-logs-list.synthetic.json", "ListTransferLogsResponse", 0},
        {"bigquerydatatransfer/start-manual-runs.response.synthetic.json",
         "StartManualTransferRunsResponse", 0},
        {"bigquerydatatransfer/start-manual-runs.request.time-range.synthetic.json",
         "StartManualTransferRunsRequest", 0},
        {"bigquery/tables-get.synthetic.json", "Table", 1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *doc = sample(cases[i].file);
        ok(cases[i].bq ? bq : dts, cases[i].schema, doc);
        json_decref(doc);
    }
}

static void test_method_lookup(void **state)
{
    (void)state;
    assert_string_equal(discovery_response_schema(bq, "bigquery.tables.get"), "Table");
    assert_string_equal(discovery_response_schema(bq, "bigquery.datasets.list"), "DatasetList");
    assert_string_equal(
        discovery_response_schema(
            dts, "bigquerydatatransfer.projects.locations.transferConfigs.runs.list"),
        "ListTransferRunsResponse");
    assert_null(discovery_response_schema(bq, "bigquery.nothing.here"));
    assert_true(json_array_size(discovery_param_enum(
                    dts, "bigquerydatatransfer.projects.locations.transferConfigs.runs.list",
                    "states")) == 6);
}

static void test_mistakes_caught(void **state)
{
    json_t *t = sample("bigquery/tables-get.synthetic.json");
    json_t *runs = sample("bigquerydatatransfer/transfer-runs-list.synthetic.json");
    json_t *c, *run0;

    (void)state;
    c = json_deep_copy(t);
    json_object_set_new(c, "numRows", json_integer(48211)); /* int64 as a number */
    bad(bq, "Table", c, "Table.numRows");
    json_decref(c);

    c = json_deep_copy(t);
    json_object_set_new(c, "numRows", json_string("4.8e4"));
    bad(bq, "Table", c, "Table.numRows");
    json_decref(c);

    c = json_deep_copy(t);
    json_object_set_new(c, "rowCount", json_string("1")); /* not a Table member */
    bad(bq, "Table", c, "Table.rowCount");
    json_decref(c);

    c = json_deep_copy(t);
    json_object_set_new(
        json_array_get(
            json_object_get(
                json_array_get(json_object_get(json_object_get(c, "schema"), "fields"), 3),
                "fields"),
            1),
        "mode", json_integer(1)); /* deep inside the RECORD */
    bad(bq, "Table", c, "Table.schema.fields[3].fields[1].mode");
    json_decref(c);

    c = json_deep_copy(runs);
    run0 = json_array_get(json_object_get(c, "transferRuns"), 0);
    json_object_set_new(run0, "state", json_string("DONE")); /* not in the enum */
    bad(dts, "ListTransferRunsResponse", c, "transferRuns[0].state");
    json_object_set_new(run0, "state", json_string("SUCCEEDED"));
    json_object_set_new(run0, "runTime", json_string("2024-03-01 4am"));
    bad(dts, "ListTransferRunsResponse", c, "transferRuns[0].runTime");
    json_object_set_new(run0, "runTime", json_integer(1709265600000));
    bad(dts, "ListTransferRunsResponse", c, "transferRuns[0].runTime");
    json_decref(c);

    c = json_deep_copy(runs);
    json_object_set_new(c, "transferRuns", json_object()); /* an object for an array */
    bad(dts, "ListTransferRunsResponse", c, "transferRuns");
    json_decref(c);

    json_decref(t);
    json_decref(runs);
}

int main(void)
{
    const char *env = getenv("PIPETOP_SHARED");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_pass),
        cmocka_unit_test(test_method_lookup),
        cmocka_unit_test(test_mistakes_caught),
    };
    struct err e = ERR_INIT;
    char path[1024];
    int rc;

    snprintf(shared, sizeof(shared), "%s", env && *env ? env : "../shared");
    snprintf(path, sizeof(path), "%s/reference/google-discovery/bigquerydatatransfer.v1.json",
             shared);
    if (discovery_load(&dts, path, &e) != 0) {
        fprintf(stderr, "test_discovery_check: %s (set PIPETOP_SHARED)\n", e.msg);
        return 1;
    }
    snprintf(path, sizeof(path), "%s/reference/google-discovery/bigquery.v2.json", shared);
    if (discovery_load(&bq, path, &e) != 0) {
        fprintf(stderr, "test_discovery_check: %s (set PIPETOP_SHARED)\n", e.msg);
        return 1;
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    discovery_free(dts);
    discovery_free(bq);
    return rc;
}
