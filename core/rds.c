/* core/rds.c: RDS Query-protocol request builders (form bodies with Filters.Filter.N and
 * ExportOnly.member.N as botocore serialises them), their `aws rds` command lines, ownership of
 * the RDS structs and the error reader. Builds requests only: never sends, signs or pages. */
#include "core/rds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apierr.h"
#include "core/reqbuild.h"

#define RDS_FORM "application/x-www-form-urlencoded; charset=utf-8"

void rds_export_task_release(struct rds_export_task *t)
{
    char **s[] = {
        &t->id,         &t->source_arn, &t->s3_bucket,     &t->s3_prefix,       &t->iam_role_arn,
        &t->kms_key_id, &t->status,     &t->failure_cause, &t->warning_message, &t->source_type};

    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        free(*s[i]);
    for (size_t i = 0; i < t->n_export_only; i++)
        free(t->export_only[i]);
    free(t->export_only);
    memset(t, 0, sizeof(*t));
}

void rds_export_tasks_release(struct rds_export_tasks *l)
{
    for (size_t i = 0; i < l->n; i++)
        rds_export_task_release(&l->v[i]);
    free(l->v);
    free(l->marker);
    memset(l, 0, sizeof(*l));
}

void rds_cluster_snapshot_release(struct rds_cluster_snapshot *s)
{
    free(s->arn);
    free(s->id);
    free(s->cluster_id);
    free(s->status);
    free(s->type);
    free(s->engine);
    memset(s, 0, sizeof(*s));
}

void rds_cluster_snapshots_release(struct rds_cluster_snapshots *l)
{
    for (size_t i = 0; i < l->n; i++)
        rds_cluster_snapshot_release(&l->v[i]);
    free(l->v);
    free(l->marker);
    memset(l, 0, sizeof(*l));
}

int rds_export_state(const char *status, enum run_state *out)
{
    static const struct {
        const char *word;
        enum run_state rs;
    } map[] = {{"COMPLETE", RS_SUCCEEDED},  {"FAILED", RS_FAILED},
               {"STARTING", RS_PENDING},    {"IN_PROGRESS", RS_RUNNING},
               {"CANCELING", RS_CANCELLED}, {"CANCELED", RS_CANCELLED}};

    for (size_t i = 0; status && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(status, map[i].word) == 0) {
            *out = map[i].rs;
            return 0;
        }
    }
    return -1;
}

/* Filters.Filter.N.Name=..&Filters.Filter.N.Values.Value.M=.. and " --filters Name=..,Values=..".
 */
static int add_filters(struct buf *form, struct buf *cmd, const struct rds_filter *f, size_t n)
{
    char key[96];

    if (n > 0 && buf_puts(cmd, " --filters"))
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct buf arg = BUF_INIT(REQBUILD_MAX);
        int rc;

        snprintf(key, sizeof(key), "Filters.Filter.%zu.Name", i + 1);
        rc = reqbuild_param(form, key, f[i].name) || buf_printf(&arg, "Name=%s,Values=", f[i].name);
        for (size_t j = 0; rc == 0 && f[i].values && f[i].values[j]; j++) {
            snprintf(key, sizeof(key), "Filters.Filter.%zu.Values.Value.%zu", i + 1, j + 1);
            rc = reqbuild_param(form, key, f[i].values[j]) || (j > 0 && buf_putc(&arg, ',')) ||
                 buf_puts(&arg, f[i].values[j]);
        }
        rc = rc || reqbuild_arg(cmd, buf_cstr(&arg));
        buf_release(&arg);
        if (rc)
            return -1;
    }
    return 0;
}

static int finish(struct http_request *req, const char *op, const char *endpoint, struct buf *form,
                  struct buf *cmd, int big, struct err *e)
{
    const char *headers[] = {"Content-Type", RDS_FORM, NULL};
    struct buf url = BUF_INIT(REQBUILD_MAX);
    int rc = -1;

    if (form->failed && !form->toobig)
        err_set(e, ERR_NOMEM, "%s: out of memory building the request", op);
    else if (big || form->toobig || reqbuild_aws_endpoint(cmd, endpoint) != 0)
        reqbuild_toobig(e, op);
    else if (reqbuild_base(&url, endpoint, e) == 0 && buf_putc(&url, '/') == 0)
        rc = reqbuild_finish(req, "rds", op, "POST", &url, buf_cstr(form), form->len, headers, cmd,
                             e);
    buf_release(&url);
    buf_release(form);
    buf_release(cmd);
    return rc;
}

static int start(struct http_request *req, struct buf *form, const char *action)
{
    memset(req, 0, sizeof(*req));
    return reqbuild_param(form, "Action", action) || reqbuild_param(form, "Version", "2014-10-31");
}

int rds_build_describe_export_tasks(struct http_request *req, const char *endpoint,
                                    const char *task_id, const char *source_arn,
                                    const struct rds_filter *filters, size_t n_filters,
                                    const char *marker, int max_records, const char *source_type,
                                    struct err *e)
{
    struct buf form = BUF_INIT(REQBUILD_MAX), cmd = BUF_INIT(REQBUILD_MAX);
    int big = start(req, &form, "DescribeExportTasks");

    big = big || reqbuild_param(&form, "ExportTaskIdentifier", task_id) ||
          reqbuild_param(&form, "SourceArn", source_arn) ||
          buf_puts(&cmd, "aws rds describe-export-tasks") ||
          reqbuild_opt(&cmd, "--export-task-identifier", task_id) ||
          reqbuild_opt(&cmd, "--source-arn", source_arn) ||
          add_filters(&form, &cmd, filters, n_filters) ||
          reqbuild_param(&form, "Marker", marker && *marker ? marker : NULL) ||
          (max_records > 0 && reqbuild_param_long(&form, "MaxRecords", max_records)) ||
          reqbuild_param(&form, "SourceType", source_type) ||
          (max_records > 0 && buf_printf(&cmd, " --max-records %d", max_records)) ||
          reqbuild_opt(&cmd, "--marker", marker && *marker ? marker : NULL) ||
          reqbuild_opt(&cmd, "--source-type", source_type);
    return finish(req, "DescribeExportTasks", endpoint, &form, &cmd, big, e);
}

int rds_build_describe_cluster_snapshots(struct http_request *req, const char *endpoint,
                                         const char *cluster_id, const char *snapshot_type,
                                         const struct rds_filter *filters, size_t n_filters,
                                         int max_records, const char *marker, struct err *e)
{
    struct buf form = BUF_INIT(REQBUILD_MAX), cmd = BUF_INIT(REQBUILD_MAX);
    int big = start(req, &form, "DescribeDBClusterSnapshots");

    big = big || reqbuild_param(&form, "DBClusterIdentifier", cluster_id) ||
          reqbuild_param(&form, "SnapshotType", snapshot_type) ||
          buf_puts(&cmd, "aws rds describe-db-cluster-snapshots") ||
          reqbuild_opt(&cmd, "--db-cluster-identifier", cluster_id) ||
          reqbuild_opt(&cmd, "--snapshot-type", snapshot_type) ||
          add_filters(&form, &cmd, filters, n_filters) ||
          (max_records > 0 && reqbuild_param_long(&form, "MaxRecords", max_records)) ||
          reqbuild_param(&form, "Marker", marker && *marker ? marker : NULL) ||
          (max_records > 0 && buf_printf(&cmd, " --max-records %d", max_records)) ||
          reqbuild_opt(&cmd, "--marker", marker && *marker ? marker : NULL);
    return finish(req, "DescribeDBClusterSnapshots", endpoint, &form, &cmd, big, e);
}

int rds_build_start_export_task(struct http_request *req, const char *endpoint,
                                const struct rds_export_request *r, struct err *e)
{
    struct buf form = BUF_INIT(REQBUILD_MAX), cmd = BUF_INIT(REQBUILD_MAX);
    const char *need[] = {r->id, r->source_arn, r->s3_bucket, r->iam_role_arn, r->kms_key_id};
    const char *names[] = {"ExportTaskIdentifier", "SourceArn", "S3BucketName", "IamRoleArn",
                           "KmsKeyId"};
    char key[64];
    int big;

    memset(req, 0, sizeof(*req));
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
        if (need[i] == NULL || *need[i] == '\0')
            return err_set(e, ERR_USAGE, "rds StartExportTask: %s is required", names[i]);
    big = start(req, &form, "StartExportTask") || buf_puts(&cmd, "aws rds start-export-task");
    for (size_t i = 0; !big && i < sizeof(need) / sizeof(need[0]); i++)
        big = reqbuild_param(&form, names[i], need[i]);
    big = big || reqbuild_param(&form, "S3Prefix", r->s3_prefix) ||
          reqbuild_opt(&cmd, "--export-task-identifier", r->id) ||
          reqbuild_opt(&cmd, "--source-arn", r->source_arn) ||
          reqbuild_opt(&cmd, "--s3-bucket-name", r->s3_bucket) ||
          reqbuild_opt(&cmd, "--iam-role-arn", r->iam_role_arn) ||
          reqbuild_opt(&cmd, "--kms-key-id", r->kms_key_id) ||
          reqbuild_opt(&cmd, "--s3-prefix", r->s3_prefix);
    if (!big && r->export_only && r->export_only[0])
        big = buf_puts(&cmd, " --export-only");
    for (size_t i = 0; !big && r->export_only && r->export_only[i]; i++) {
        snprintf(key, sizeof(key), "ExportOnly.member.%zu", i + 1);
        big =
            reqbuild_param(&form, key, r->export_only[i]) || reqbuild_arg(&cmd, r->export_only[i]);
    }
    if (finish(req, "StartExportTask", endpoint, &form, &cmd, big, e) != 0)
        return -1;
    /* A repeat after a cut answer gets ExportTaskAlreadyExists for a task that did start:
     * report the doubt instead (the resume adopts the task). */
    req->not_idempotent = 1;
    return 0;
}

int rds_error(struct err *e, const char *operation, long status, const struct http_headers *h,
              const char *body, size_t len)
{
    (void)h;
    char where[96];

    snprintf(where, sizeof(where), "rds %s", operation);
    return apierr_aws_query(e, where, status, body, len);
}
