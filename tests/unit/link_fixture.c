/* tests/unit/link_fixture.c: snapshot fixtures for the linking and day tests, parsed by the
 * same client parsers a refresh uses (see link_fixture.h). */
#include "tests/unit/link_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "tests/unit/clients_testutil.h"

static void *grow(void *v, size_t n, size_t size)
{
    void *nv = realloc(v, (n + 1) * size);

    assert_non_null(nv);
    memset((char *)nv + n * size, 0, size);
    return nv;
}

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);

    assert_non_null(s);
    return s;
}

#define PARSE(fn, out, j)                                                                          \
    do {                                                                                           \
        struct err pe_ = ERR_INIT;                                                                 \
        char *body_ = dump(j);                                                                     \
        if (fn(out, body_, strlen(body_), &pe_) != 0)                                              \
            fail_msg("%s: %s", #fn, pe_.msg);                                                      \
        free(body_);                                                                               \
    } while (0)

static void load_ddb(struct snapshot *s, json_t *list)
{
    size_t i, j;
    json_t *t, *x;

    json_array_foreach(list, i, t)
    {
        struct snap_ddb_table *d;
        s->ddb = grow(s->ddb, s->n_ddb, sizeof(*s->ddb));
        d = &s->ddb[s->n_ddb++];
        PARSE(ddb_parse_describe_table, &d->table, json_object_get(t, "table"));
        json_array_foreach(json_object_get(t, "exports"), j, x)
        {
            d->exports = grow(d->exports, d->n_exports, sizeof(*d->exports));
            PARSE(ddb_parse_describe_export, &d->exports[d->n_exports], x);
            d->n_exports++;
        }
    }
}

static void load_dts(struct snapshot *s, json_t *list)
{
    size_t i;
    json_t *c;

    json_array_foreach(list, i, c)
    {
        struct snap_dts_config *d;
        struct dts_runs runs;
        s->dts = grow(s->dts, s->n_dts, sizeof(*s->dts));
        d = &s->dts[s->n_dts++];
        PARSE(dts_parse_config, &d->config, json_object_get(c, "config"));
        PARSE(dts_parse_runs, &runs, json_object_get(c, "runs"));
        d->runs = runs.v;
        d->n_runs = runs.n;
        runs.v = NULL;
        runs.n = 0;
        dts_runs_release(&runs);
    }
}

void lf_load(struct snapshot *s, const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    const char *xml;

    if (root == NULL)
        fail_msg("%s: %s (line %d)", path, je.text, je.line);
    snapshot_init(s);
    load_ddb(s, json_object_get(root, "ddb"));
    load_dts(s, json_object_get(root, "dts"));
    if (json_object_get(root, "rule") != NULL) {
        PARSE(events_parse_rule, &s->export_rule.rule, json_object_get(root, "rule"));
        s->export_rule.present = true;
    }
    xml = json_string_value(json_object_get(root, "rds_xml"));
    if (xml != NULL) {
        size_t len;
        char *body = ct_read(xml, &len);
        struct rds_export_tasks tasks;
        struct err e = ERR_INIT;
        if (rds_parse_export_tasks(&tasks, body, len, &e) != 0)
            fail_msg("%s: %s", xml, e.msg);
        s->rds_tasks = tasks.v;
        s->n_rds_tasks = tasks.n;
        tasks.v = NULL;
        tasks.n = 0;
        rds_export_tasks_release(&tasks);
        free(body);
    }
    json_decref(root);
}

void lf_config(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->general.timezone = (char *)"Asia/Tokyo";
    c->general.days = 4;
    c->general.stuck_after_min = 120;
    c->aws.export_time_min = -1;
    c->gcp.project = (char *)"acme-data";
}
