/* Fuzz target: the AWS JSON answers pipetop reads (DynamoDB ListTables, DescribeTable,
 * DescribeContinuousBackups, ListExports, DescribeExport, ExportTableToPointInTime; EventBridge
 * DescribeRule, ListTargetsByRule; Lambda Invoke and the export function's answer) and their
 * JSON error bodies. */
#include "tests/fuzz/fuzz.h"

#include "core/apierr.h"
#include "core/ddb.h"
#include "core/events.h"
#include "core/lambda.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    struct err e = ERR_INIT;
    struct ddb_table_names names;
    struct ddb_table table;
    struct ddb_pitr pitr;
    struct ddb_export_summaries sums;
    struct ddb_export x;
    struct events_rule rule;
    struct events_targets targets;
    struct lambda_result lr;
    struct lambda_export_answer la;
    const char *picked;
    struct apierr ae;

    memset(&names, 0, sizeof(names));
    if (ddb_parse_list_tables(&names, body, size, &e) == 0)
        ddb_table_names_release(&names);
    e = (struct err)ERR_INIT;
    memset(&table, 0, sizeof(table));
    if (ddb_parse_describe_table(&table, body, size, &e) == 0)
        ddb_table_release(&table);
    e = (struct err)ERR_INIT;
    memset(&pitr, 0, sizeof(pitr));
    if (ddb_parse_continuous_backups(&pitr, body, size, &e) == 0)
        ddb_pitr_release(&pitr);
    e = (struct err)ERR_INIT;
    memset(&sums, 0, sizeof(sums));
    if (ddb_parse_list_exports(&sums, body, size, &e) == 0)
        ddb_export_summaries_release(&sums);
    e = (struct err)ERR_INIT;
    memset(&x, 0, sizeof(x));
    if (ddb_parse_describe_export(&x, body, size, &e) == 0)
        ddb_export_release(&x);
    e = (struct err)ERR_INIT;
    memset(&x, 0, sizeof(x));
    if (ddb_parse_export_table(&x, body, size, &e) == 0)
        ddb_export_release(&x);
    e = (struct err)ERR_INIT;
    ddb_error(&e, "DescribeExport", 400, NULL, body, size);
    e = (struct err)ERR_INIT;
    memset(&rule, 0, sizeof(rule));
    if (events_parse_rule(&rule, body, size, &e) == 0)
        events_rule_release(&rule);
    e = (struct err)ERR_INIT;
    memset(&targets, 0, sizeof(targets));
    if (events_parse_targets(&targets, body, size, &e) == 0)
        events_targets_release(&targets);
    e = (struct err)ERR_INIT;
    events_error(&e, "DescribeRule", 400, NULL, body, size);
    e = (struct err)ERR_INIT;
    memset(&lr, 0, sizeof(lr));
    lambda_read_invoke(&lr, "fuzz-fn", 200, NULL, body, size, &e);
    lambda_result_release(&lr);
    e = (struct err)ERR_INIT;
    if (lambda_parse_export_answer(&la, "fuzz-fn", body, size, &e) == 0) {
        lambda_export_pick(&picked, &la, "fuzz-fn", "2026-12-03",
                           "arn:aws:dynamodb:us-east-1:123456789012:table/t", "t", NULL, &e);
        lambda_export_pick(&picked, &la, "fuzz-fn", "2026-12-03", NULL, NULL, "c", &e);
        lambda_export_answer_release(&la);
    }
    e = (struct err)ERR_INIT;
    lambda_error(&e, "Invoke", 404, NULL, body, size);
    apierr_read_aws_json(&ae, 400, NULL, body, size);
    return 0;
}
