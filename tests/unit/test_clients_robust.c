/* tests/unit/test_clients_robust.c: every client parser fed every prefix of its sample answers
 * and single-byte corruptions of them: each call must return 0 (and release cleanly) or -1 with
 * an error code and a message — never crash, leak or read out of bounds (run under ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/bq.h"
#include "core/ddb.h"
#include "core/dts.h"
#include "core/events.h"
#include "core/rds.h"
#include "core/s3.h"
#include "tests/unit/clients_testutil.h"

#define WRAP(name, type, parse, release)                                                           \
    static int name(const char *b, size_t n, struct err *e)                                        \
    {                                                                                              \
        type out;                                                                                  \
        int rc = parse(&out, b, n, e);                                                             \
        if (rc == 0)                                                                               \
            release(&out);                                                                         \
        return rc;                                                                                 \
    }

WRAP(p_dts_config, struct dts_config, dts_parse_config, dts_config_release)
WRAP(p_dts_configs, struct dts_configs, dts_parse_configs, dts_configs_release)
WRAP(p_dts_runs, struct dts_runs, dts_parse_runs, dts_runs_release)
WRAP(p_dts_messages, struct dts_messages, dts_parse_messages, dts_messages_release)
WRAP(p_bq_tables, struct bq_tables, bq_parse_tables, bq_tables_release)
WRAP(p_bq_datasets, struct bq_datasets, bq_parse_datasets, bq_datasets_release)
WRAP(p_ddb_export, struct ddb_export, ddb_parse_describe_export, ddb_export_release)
WRAP(p_ddb_exports, struct ddb_export_summaries, ddb_parse_list_exports,
     ddb_export_summaries_release)
WRAP(p_ddb_table, struct ddb_table, ddb_parse_describe_table, ddb_table_release)
WRAP(p_ddb_pitr, struct ddb_pitr, ddb_parse_continuous_backups, ddb_pitr_release)
WRAP(p_rds_tasks, struct rds_export_tasks, rds_parse_export_tasks, rds_export_tasks_release)
WRAP(p_rds_snaps, struct rds_cluster_snapshots, rds_parse_cluster_snapshots,
     rds_cluster_snapshots_release)
WRAP(p_s3_list, struct s3_listing, s3_parse_list_objects, s3_listing_release)
WRAP(p_manifest, struct ddb_manifest_summary, s3_parse_manifest_summary,
     ddb_manifest_summary_release)
WRAP(p_files, struct ddb_manifest_files, s3_parse_manifest_files, ddb_manifest_files_release)
WRAP(p_rule, struct events_rule, events_parse_rule, events_rule_release)
WRAP(p_targets, struct events_targets, events_parse_targets, events_targets_release)

static int p_bq_table(const char *b, size_t n, struct err *e)
{
    struct table_meta t;
    char *etag;
    int rc = bq_parse_table(&t, &etag, b, n, e);

    if (rc == 0) {
        table_meta_release(&t);
        free(etag);
    }
    return rc;
}

static const struct {
    const char *file; /* under tests/data/, or "ref:" + a path under ../shared/reference/ */
    int (*parse)(const char *b, size_t n, struct err *e);
} cases[] = {
    {"ref:samples/bigquerydatatransfer/transfer-config-amazon-s3.synthetic.json", p_dts_config},
    {"dts/transfer-configs-list-mixed.json", p_dts_configs},
    {"ref:samples/bigquerydatatransfer/transfer-runs-list.synthetic.json", p_dts_runs},
    {"ref:samples/bigquerydatatransfer/transfer-logs-list.synthetic.json", p_dts_messages},
    {"bq/tables-get-nested-ja.json", p_bq_table},
    {"ref:samples/bigquery/tables-get.synthetic.json", p_bq_table},
    {"bq/tables-list-page.json", p_bq_tables},
    {"bq/datasets-list-page1.json", p_bq_datasets},
    {"ddb/describe-export-failed-incremental.json", p_ddb_export},
    {"ddb/list-exports-page1.json", p_ddb_exports},
    {"ddb/describe-table.json", p_ddb_table},
    {"ddb/continuous-backups-enabled.json", p_ddb_pitr},
    {"ref:samples/rds-export/describe-export-tasks.synthetic.xml", p_rds_tasks},
    {"rds/describe-export-tasks-last-page-prefixed.xml", p_rds_tasks},
    {"rds/describe-db-cluster-snapshots.xml", p_rds_snaps},
    {"s3/list-objects-page1.xml", p_s3_list},
    {"ref:samples/dynamodb-export/manifest-summary.json", p_manifest},
    {"s3/manifest-files-3.jsonl", p_files},
    {"events/describe-rule.json", p_rule},
    {"events/list-targets.json", p_targets},
};

static void check(int (*parse)(const char *, size_t, struct err *), const char *b, size_t n,
                  const char *file, size_t at)
{
    struct err e = ERR_INIT;
    int rc = parse(b, n, &e);

    if (rc == 0 && e.code == ERR_OK)
        return;
    if (rc != -1 || e.code == ERR_OK || e.msg[0] == '\0')
        fail_msg("%s (variant at %zu): rc %d, code %s, message \"%s\"", file, at, rc,
                 err_code_name(e.code), e.msg);
}

static void test_prefixes_and_corruption(void **state)
{
    static const char flips[] = {'"', '<', '{', '}', ']', '\0', 'x', '9', '\n'};

    (void)state;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char path[300];
        size_t len;
        char *body, *copy;

        if (strncmp(cases[c].file, "ref:", 4) == 0) {
            body = ct_reference(cases[c].file + 4, &len);
        } else {
            snprintf(path, sizeof(path), "tests/data/%s", cases[c].file);
            body = ct_read(path, &len);
        }
        check(cases[c].parse, body, len, cases[c].file, len);
        for (size_t n = 0; n < len; n++) { /* every truncation, in an exact-size heap copy */
            copy = malloc(n ? n : 1);
            assert_non_null(copy);
            memcpy(copy, body, n);
            check(cases[c].parse, copy, n, cases[c].file, n);
            free(copy);
        }
        copy = malloc(len);
        assert_non_null(copy);
        for (size_t i = 0; i < len; i += 3) { /* one corrupted byte at a time */
            memcpy(copy, body, len);
            copy[i] = flips[i % sizeof(flips)];
            check(cases[c].parse, copy, len, cases[c].file, i);
        }
        free(copy);
        free(body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefixes_and_corruption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
