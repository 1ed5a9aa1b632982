/* tests/unit/test_link.c: lineage discovery over snapshot fixtures parsed by the real client
 * parsers — DynamoDB and Aurora sources, a query reading two raw tables in both pipelines,
 * CREATE OR REPLACE vs destination template, pinned sections, and unlinked objects listed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/days.h"
#include "core/link.h"
#include "core/sqlrefs.h"
#include "tests/unit/link_fixture.h"

static const struct link_pipeline *find(const struct link_graph *g, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->v[i].p.name, name) == 0)
            return &g->v[i];
    fail_msg("no pipeline %s", name);
    return NULL;
}

static const struct link_unlinked *find_unlinked(const struct link_graph *g, enum link_kind k,
                                                 const char *id)
{
    for (size_t i = 0; i < g->n_unlinked; i++)
        if (g->unlinked[i].kind == k && strcmp(g->unlinked[i].id, id) == 0)
            return &g->unlinked[i];
    fail_msg("no unlinked %s %s", link_kind_name(k), id);
    return NULL;
}

static void dump(const struct link_graph *g)
{
    for (size_t i = 0; i < g->n; i++) {
        const struct pipeline *p = &g->v[i].p;
        printf("pipeline %s [%s %s] exports=%zu t=%s q=%s raw=%s table=%s at s3://%s/%s\n", p->name,
               source_kind_name(p->source_kind), p->source, g->v[i].n_exports,
               p->transfer_config ? p->transfer_config : "-",
               p->query_config ? p->query_config : "-", p->raw_table ? p->raw_table : "-",
               p->table ? p->table : "-", p->export_bucket ? p->export_bucket : "-",
               p->export_prefix ? p->export_prefix : "-");
    }
    for (size_t i = 0; i < g->n_unlinked; i++)
        printf("unlinked %s %s: %s\n", link_kind_name(g->unlinked[i].kind), g->unlinked[i].id,
               g->unlinked[i].why);
}

#define CFG "projects/acme-data/locations/asia-northeast1/transferConfigs/"

static void test_dynamodb(void **state)
{
    struct snapshot s;
    struct config cfg;
    struct link_graph g;
    struct err e = ERR_INIT;
    const struct link_pipeline *lp;

    (void)state;
    lf_load(&s, "tests/data/link/tokyo.json");
    lf_config(&cfg);
    assert_int_equal(link_discover(&g, &s, &cfg, &e), 0);
    dump(&g);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.v[0].p.name, "events"); /* by name */
    assert_string_equal(g.v[1].p.name, "orders");
    assert_string_equal(g.v[2].p.name, "users");
    lp = find(&g, "users");
    assert_int_equal(lp->p.source_kind, SOURCE_DYNAMODB);
    assert_string_equal(lp->p.source, "users");
    assert_string_equal(lp->p.source_arn,
                        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/users");
    assert_false(lp->p.pinned);
    assert_int_equal(lp->n_exports, 3);
    assert_string_equal(lp->p.export_bucket, "acme-exports");
    assert_string_equal(lp->p.export_prefix, "dynamodb/users/");
    assert_string_equal(lp->p.transfer_config, CFG "t-users");
    assert_string_equal(lp->p.raw_table, "acme-data.raw.users");
    /* a query reading two raw tables belongs to both pipelines; CREATE OR REPLACE names the table
     */
    assert_string_equal(lp->p.query_config, CFG "q-user-orders");
    assert_string_equal(lp->p.table, "acme-data.mart.user_orders");
    lp = find(&g, "orders");
    assert_string_equal(lp->p.raw_table, "acme-data.raw.orders"); /* orders_{run_date} shards */
    assert_string_equal(lp->p.query_config, CFG "q-user-orders");
    assert_string_equal(lp->p.table, "acme-data.mart.user_orders");
    /* the destination template names the table when the query has no DDL */
    lp = find(&g, "events");
    assert_string_equal(lp->p.raw_table, "acme-data.raw.events");
    assert_string_equal(lp->p.query_config, CFG "q-events");
    assert_string_equal(lp->p.table, "acme-data.mart.events_flat");
    /* nothing dropped: the rest is listed with a reason */
    assert_int_equal(g.n_unlinked, 3);
    assert_non_null(strstr(find_unlinked(&g, LINK_DYNAMODB_EXPORTS, "sessions")->why,
                           "no amazon_s3 transfer config reads"));
    assert_non_null(strstr(find_unlinked(&g, LINK_TRANSFER, CFG "t-stray")->why,
                           "matches no DynamoDB or Aurora export"));
    assert_non_null(
        strstr(find_unlinked(&g, LINK_QUERY, CFG "q-lonely")->why, "acme-data.raw.nothing"));
    link_graph_release(&g);
    snapshot_release(&s);
}

/* One Aurora task covers two tables: a pipeline per table; one query reads both raw tables. */
static void test_aurora(void **state)
{
    struct snapshot s;
    struct config cfg;
    struct link_graph g;
    struct err e = ERR_INIT;
    const struct link_pipeline *lp;

    (void)state;
    lf_load(&s, "tests/data/link/billing.json");
    lf_config(&cfg);
    assert_int_equal(link_discover(&g, &s, &cfg, &e), 0);
    dump(&g);
    assert_int_equal(g.n, 2);
    lp = find(&g, "billing/appdb.invoices");
    assert_int_equal(lp->p.source_kind, SOURCE_AURORA);
    assert_string_equal(lp->p.source, "billing");
    assert_string_equal(lp->aurora_table, "appdb.invoices");
    assert_int_equal(lp->n_exports, 2); /* the snapshot task and the cluster task */
    assert_string_equal(lp->exports[0].key, "aurora/billing-20240515/appdb/appdb.invoices");
    assert_string_equal(lp->p.raw_table, "acme-data.raw.invoices");
    assert_string_equal(lp->p.query_config, CFG "q-billing");
    assert_string_equal(lp->p.table, "acme-data.mart.billing");
    lp = find(&g, "billing/appdb.payments");
    assert_int_equal(lp->n_exports, 2);
    assert_true(lp->exports[1].rds == find(&g, "billing/appdb.invoices")->exports[1].rds);
    assert_string_equal(lp->p.query_config, CFG "q-billing");
    assert_int_equal(g.n_unlinked, 1);
    assert_non_null(strstr(find_unlinked(&g, LINK_AURORA_EXPORT, "crm-20240516")->why,
                           "s3://acme-exports/crm"));
    link_graph_release(&g);
    snapshot_release(&s);
}

/* Pinned sections win: their name, their tables and configs; the rest is discovered. */
static void test_pinned(void **state)
{
    struct config_pipeline pins[3] = {
        {.name = (char *)"people",
         .source_kind = SOURCE_DYNAMODB,
         .source = (char *)"users",
         .export_bucket = (char *)"acme-exports",
         .export_prefix = (char *)"dynamodb/users/2024-05-16",
         .query_config = (char *)"q-lonely",
         .raw_table = (char *)"raw.users",
         .table = (char *)"mart.people"},
        {.name = (char *)"sess",
         .source_kind = SOURCE_DYNAMODB,
         .source = (char *)"sessions",
         .transfer_config = (char *)"t-stray"},
        {.name = (char *)"ghost",
         .source_kind = SOURCE_DYNAMODB,
         .source = (char *)"ghost",
         .query_config = (char *)"q-none"},
    };
    struct snapshot s;
    struct config cfg;
    struct link_graph g;
    struct err e = ERR_INIT;
    const struct link_pipeline *lp;

    (void)state;
    lf_load(&s, "tests/data/link/tokyo.json");
    lf_config(&cfg);
    cfg.pipelines = pins;
    cfg.n_pipelines = 3;
    assert_int_equal(link_discover(&g, &s, &cfg, &e), 0);
    dump(&g);
    assert_int_equal(g.n, 5); /* events ghost orders people sess: no "users" besides "people" */
    lp = find(&g, "people");
    assert_true(lp->p.pinned);
    assert_string_equal(lp->p.source, "users");
    assert_int_equal(lp->n_exports, 1); /* only those under the pinned export_prefix */
    assert_string_equal(lp->exports[0].key, "dynamodb/users/2024-05-16/AWSDynamoDB/03/data");
    assert_string_equal(lp->p.export_prefix, "dynamodb/users/2024-05-16");
    assert_string_equal(lp->p.transfer_config, CFG "t-users"); /* discovered */
    assert_string_equal(lp->p.raw_table, "acme-data.raw.users");
    assert_string_equal(lp->p.query_config, CFG "q-lonely"); /* pinned over the join query */
    assert_string_equal(lp->p.table, "acme-data.mart.people");
    lp = find(&g, "orders");
    assert_false(lp->p.pinned);
    assert_string_equal(lp->p.query_config, CFG "q-user-orders");
    lp = find(&g, "sess");
    assert_string_equal(lp->p.transfer_config, CFG "t-stray");
    assert_string_equal(lp->p.raw_table, "acme-data.raw.legacy");
    lp = find(&g, "ghost");
    assert_null(lp->transfer);
    assert_string_equal(lp->p.query_config, "q-none");
    for (size_t i = 0; i < g.n_unlinked; i++)
        assert_true(g.unlinked[i].kind == LINK_PINNED);
    assert_int_equal(g.n_unlinked, 2);
    assert_non_null(strstr(g.unlinked[0].why, "DynamoDB table ghost"));
    assert_non_null(strstr(g.unlinked[1].why, "query config q-none"));
    link_graph_release(&g);
    snapshot_release(&s);
}

/* Table references of scheduled queries: comments and strings skipped, every quoting form. */
static void test_sqlrefs(void **state)
{
    static const char *q =
        "/* FROM raw.no1 */ create or replace table `p-1`.`mart`.`x` as select \"JOIN raw.no2\", "
        "r'''FROM raw.no3''' from raw.a AS a # FROM raw.no4\n join `p-1.raw.b` b using (id) "
        "JOIN raw.a x WHERE EXTRACT(DAY FROM ts) > 0; INSERT INTO mart.log SELECT 1; "
        "CREATE TEMP TABLE t AS SELECT 1";
    struct sql_refs r;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(sqlrefs_parse(&r, q, &e), 0);
    assert_int_equal(r.n_reads, 2);
    assert_null(r.reads[0].project);
    assert_string_equal(r.reads[0].dataset, "raw");
    assert_string_equal(r.reads[0].table, "a");
    assert_string_equal(r.reads[1].project, "p-1");
    assert_string_equal(r.reads[1].table, "b");
    assert_int_equal(r.n_writes, 2);
    assert_string_equal(r.writes[0].project, "p-1");
    assert_string_equal(r.writes[0].dataset, "mart");
    assert_string_equal(r.writes[0].table, "x");
    assert_string_equal(r.writes[1].table, "log");
    sqlrefs_release(&r);
    assert_int_equal(sqlrefs_parse(&r, "SELECT 'unterminated FROM raw.x", &e), 0);
    assert_int_equal(r.n_reads, 0);
    sqlrefs_release(&r);
    assert_int_equal(sqlrefs_parse(&r, NULL, &e), 0);
}

/* Objects with every optional field absent: linked or listed, never a crash. */
static void test_sparse_objects(void **state)
{
    struct snapshot s;
    struct config cfg;
    struct link_graph g;
    struct days_result r;
    struct days_opts o;
    struct err e = ERR_INIT;

    (void)state;
    snapshot_init(&s);
    s.n_ddb = 2;
    s.ddb = calloc(2, sizeof(*s.ddb));
    s.ddb[1].table.name = strdup("t");
    s.ddb[1].n_exports = 1;
    s.ddb[1].exports = calloc(1, sizeof(*s.ddb[1].exports));
    s.n_rds_tasks = 1;
    s.rds_tasks = calloc(1, sizeof(*s.rds_tasks));
    s.n_dts = 4;
    s.dts = calloc(4, sizeof(*s.dts));
    s.dts[0].config.cfg.name = strdup("projects/p/locations/l/transferConfigs/a");
    s.dts[0].config.cfg.data_source_id = strdup("amazon_s3");
    s.dts[1].config.cfg.name = strdup("projects/p/locations/l/transferConfigs/b");
    s.dts[1].config.cfg.data_source_id = strdup("amazon_s3");
    s.dts[1].config.cfg.data_path = strdup("s3://b/{run_time|\"%Y");
    s.dts[1].config.cfg.schedule = strdup("every day 04:00");
    s.dts[1].n_runs = 1;
    s.dts[1].runs = calloc(1, sizeof(*s.dts[1].runs));
    s.dts[2].config.cfg.name = strdup("projects/p/locations/l/transferConfigs/c");
    s.dts[2].config.cfg.data_source_id = strdup("scheduled_query");
    s.export_rule.present = true;
    assert_non_null(s.ddb[1].exports);
    assert_non_null(s.dts[1].runs);
    lf_config(&cfg);
    cfg.gcp.project = NULL;
    assert_int_equal(link_discover(&g, &s, &cfg, &e), 0);
    dump(&g);
    assert_int_equal(g.n, 0);
    assert_non_null(
        strstr(find_unlinked(&g, LINK_TRANSFER, "projects/p/locations/l/transferConfigs/a")->why,
               "not an s3://BUCKET/KEY path"));
    assert_non_null(
        strstr(find_unlinked(&g, LINK_TRANSFER, "projects/p/locations/l/transferConfigs/b")->why,
               "closing quote"));
    assert_non_null(
        strstr(find_unlinked(&g, LINK_QUERY, "projects/p/locations/l/transferConfigs/c")->why,
               "no FROM/JOIN table found"));
    find_unlinked(&g, LINK_DYNAMODB_EXPORTS, "t");
    find_unlinked(&g, LINK_AURORA_EXPORT, "");
    days_opts_init(&o, &cfg, &s, 1715968800000LL);
    assert_int_equal(days_build(&r, &g, &s, &o, &e), 0);
    assert_int_equal(r.n, 0);
    days_result_release(&r);
    link_graph_release(&g);
    /* the same objects pinned into pipelines */
    struct config_pipeline pins[2] = {
        {.name = (char *)"x",
         .source_kind = SOURCE_DYNAMODB,
         .source = (char *)"t",
         .transfer_config = (char *)"b",
         .query_config = (char *)"c"},
        {.name = (char *)"y",
         .source_kind = SOURCE_AURORA,
         .source = (char *)"cl",
         .export_bucket = (char *)"b",
         .export_prefix = (char *)""},
    };
    cfg.pipelines = pins;
    cfg.n_pipelines = 2;
    assert_int_equal(link_discover(&g, &s, &cfg, &e), 0);
    dump(&g);
    assert_int_equal(g.n, 2);
    assert_int_equal(days_build(&r, &g, &s, &o, &e), 0);
    for (size_t i = 0; i < r.n; i++)
        assert_true(r.runs[i].attempt >= 1 && r.runs[i].pipeline != NULL);
    days_result_release(&r);
    link_graph_release(&g);
    snapshot_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamodb),       cmocka_unit_test(test_aurora),
        cmocka_unit_test(test_pinned),         cmocka_unit_test(test_sqlrefs),
        cmocka_unit_test(test_sparse_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
