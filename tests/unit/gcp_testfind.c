/* tests/unit/gcp_testfind.c: the Google self-check's finders — a transfer config of a data
 * source, a table with two fields or a RECORD, a failed scheduled-query day and the table its
 * query writes — read from the running fake through the same validated calls, and polling a
 * run until it ends. Fails the running cmocka test when the scenario lacks what is asked for. */
#include "tests/unit/gcp_testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

const char *gt_config_id(struct gt *g, const char *source, int n)
{
    json_t *c;
    size_t i;

    if (g->configs == NULL)
        g->configs = gt_list_all(g, GT_DTS, "/transferConfigs", "", "transferConfigs",
                                 "bigquerydatatransfer.projects.locations.transferConfigs.list");
    json_array_foreach(g->configs, i, c)
    {
        const char *ds = json_string_value(json_object_get(c, "dataSourceId"));
        if (ds && strcmp(ds, source) == 0 && n-- == 0)
            return gt_last_segment(json_string_value(json_object_get(c, "name")));
    }
    fail_msg("no %s transfer config in the scenario", source);
    return "";
}

static int two_fields(json_t *table)
{
    return json_array_size(json_object_get(json_object_get(table, "schema"), "fields")) >= 2;
}

json_t *gt_first_record(json_t *fields)
{
    json_t *f;
    size_t i;

    json_array_foreach(fields, i, f)
    {
        const char *type = json_string_value(json_object_get(f, "type"));
        if (type && strcmp(type, "RECORD") == 0)
            return f;
    }
    return NULL;
}

static int has_record(json_t *table)
{
    return gt_first_record(json_object_get(json_object_get(table, "schema"), "fields")) != NULL;
}

/* The first table (over every dataset) for which want() holds. */
static void find_table(struct gt *g, char *path, size_t n, int (*want)(json_t *), const char *what)
{
    json_t *ds = gt_list_all(g, GT_BQ, "/datasets", "", "datasets", "bigquery.datasets.list");
    json_t *d, *tables, *t, *got;
    char p[512];
    size_t i, k;

    path[0] = '\0';
    json_array_foreach(ds, i, d)
    {
        const char *id =
            json_string_value(json_object_get(json_object_get(d, "datasetReference"), "datasetId"));
        snprintf(p, sizeof(p), "/datasets/%s/tables", id);
        tables = gt_list_all(g, GT_BQ, p, "", "tables", "bigquery.tables.list");
        json_array_foreach(tables, k, t)
        {
            if (path[0])
                break;
            snprintf(p, sizeof(p), "/datasets/%s/tables/%s", id,
                     json_string_value(
                         json_object_get(json_object_get(t, "tableReference"), "tableId")));
            got = gt_ok(g, GT_BQ, "GET", p, NULL, "bigquery.tables.get");
            if (want(got))
                snprintf(path, n, "%s", p);
            json_decref(got);
        }
        json_decref(tables);
    }
    json_decref(ds);
    if (!path[0])
        fail_msg("no table %s in the scenario", what);
}

void gt_some_table(struct gt *g, char *path, size_t n)
{
    find_table(g, path, n, two_fields, "with two or more fields");
}

void gt_record_table(struct gt *g, char *path, size_t n)
{
    find_table(g, path, n, has_record, "with a RECORD field");
}

void gt_failed_query_run(struct gt *g, char *cfg, size_t n, json_t **run)
{
    char path[512];
    json_t *runs;

    *run = NULL;
    for (int i = 0; !*run; i++) {
        const char *id = gt_config_id(g, "scheduled_query", i); /* fails past the last one */
        snprintf(path, sizeof(path), "/transferConfigs/%s/runs", id);
        runs = gt_list_all(g, GT_DTS, path, "states=FAILED&runAttempt=LATEST", "transferRuns",
                           "bigquerydatatransfer.projects.locations.transferConfigs.runs.list");
        if (json_array_size(runs)) {
            *run = json_incref(json_array_get(runs, 0));
            snprintf(cfg, n, "%s", id);
        }
        json_decref(runs);
    }
}

void gt_query_table(struct gt *g, const char *cfg, char *path, size_t n)
{
    char p[512], name[256];
    json_t *c, *params;
    const char *q, *tmpl, *ds;
    size_t len;

    snprintf(p, sizeof(p), "/transferConfigs/%s", cfg);
    c = gt_ok(g, GT_DTS, "GET", p, NULL,
              "bigquerydatatransfer.projects.locations.transferConfigs.get");
    params = json_object_get(c, "params");
    q = json_string_value(json_object_get(params, "query"));
    tmpl = json_string_value(json_object_get(params, "destination_table_name_template"));
    ds = json_string_value(json_object_get(c, "destinationDatasetId"));
    if (q && strstr(q, "CREATE OR REPLACE TABLE ")) {
        /* DDL: CREATE OR REPLACE TABLE [`][project.]dataset.table[`] ( ... */
        const char *s = strstr(q, "CREATE OR REPLACE TABLE ") + strlen("CREATE OR REPLACE TABLE ");
        char *dot;
        s += *s == '`';
        len = strcspn(s, "` (\n");
        snprintf(name, sizeof(name), "%.*s", (int)len, s);
        if ((dot = strchr(name, '.')) != NULL && strchr(dot + 1, '.') != NULL)
            memmove(name, dot + 1, strlen(dot + 1) + 1);
        dot = strchr(name, '.');
        assert_non_null(dot);
        *dot = '\0';
        snprintf(path, n, "/datasets/%s/tables/%s", name, dot + 1);
    } else {
        assert_non_null(tmpl);
        assert_non_null(ds);
        len = strcspn(tmpl, "${");
        snprintf(path, n, "/datasets/%s/tables/%.*s", ds, (int)len, tmpl);
    }
    json_decref(c);
}

json_t *gt_wait_final(struct gt *g, const char *run_name)
{
    char url[1024];
    json_t *doc = NULL;

    snprintf(url, sizeof(url), "%s/v1/%s", g->proc.url, run_name);
    for (int i = 0; i < 300; i++) {
        const char *st;
        json_decref(doc);
        doc = gt_call(g, "GET", url, NULL, NULL, NULL);
        assert_int_equal(g->status, 200);
        gt_validate(g, GT_DTS, "bigquerydatatransfer.projects.locations.transferConfigs.runs.get",
                    doc, run_name);
        st = json_string_value(json_object_get(doc, "state"));
        if (st && (strcmp(st, "SUCCEEDED") == 0 || strcmp(st, "FAILED") == 0 ||
                   strcmp(st, "CANCELLED") == 0))
            return doc;
        usleep(300 * 1000);
    }
    fail_msg("run %s did not finish in 90 s", run_name);
    return doc;
}
