/* Fuzz target: the AWS Query/XML answers of RDS and STS (DescribeExportTasks,
 * DescribeDBClusterSnapshots, StartExportTask, GetCallerIdentity, AssumeRole) and their error
 * bodies. Every parser sees every input; none may crash, leak or read out of bounds. */
#include "tests/fuzz/fuzz.h"

#include "core/apierr.h"
#include "core/aws_creds.h"
#include "core/rds.h"
#include "core/sts.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    struct err e = ERR_INIT;
    struct rds_export_tasks tasks;
    struct rds_cluster_snapshots snaps;
    struct rds_export_task task;
    struct sts_identity id;
    struct aws_creds creds = AWS_CREDS_INIT;
    struct apierr ae;
    char code[128];

    memset(&tasks, 0, sizeof(tasks));
    if (rds_parse_export_tasks(&tasks, body, size, &e) == 0)
        rds_export_tasks_release(&tasks);
    e = (struct err)ERR_INIT;
    memset(&snaps, 0, sizeof(snaps));
    if (rds_parse_cluster_snapshots(&snaps, body, size, &e) == 0)
        rds_cluster_snapshots_release(&snaps);
    e = (struct err)ERR_INIT;
    memset(&task, 0, sizeof(task));
    if (rds_parse_start_export_task(&task, body, size, &e) == 0)
        rds_export_task_release(&task);
    e = (struct err)ERR_INIT;
    rds_error(&e, "DescribeExportTasks", 400, NULL, body, size);
    e = (struct err)ERR_INIT;
    sts_parse_caller_identity(&id, body, size, &e);
    e = (struct err)ERR_INIT;
    sts_parse_assume_role(&creds, body, size, "fuzz", &e);
    aws_creds_release(&creds);
    e = (struct err)ERR_INIT;
    sts_parse_error(body, size, 403, "AssumeRole", code, &e);
    apierr_read_aws_query(&ae, 400, body, size);
    apierr_read_aws_xml(&ae, 400, NULL, body, size);
    return 0;
}
