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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamodb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
