/* core/ddb.c: DynamoDB JSON 1.0 request builders (exact X-Amz-Target, Content-Type and body),
 * their `aws dynamodb` command lines, ownership of the DynamoDB structs and the error reader.
 * Builds requests only: never sends, signs or pages. */
#include "core/ddb.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apierr.h"
#include "core/reqbuild.h"

#define DDB_JSON "application/x-amz-json-1.0"

void ddb_table_release(struct ddb_table *t)
{
    free(t->name);
    free(t->arn);
    free(t->id);
    free(t->status);
    for (size_t i = 0; i < t->n_keys; i++) {
        free(t->keys[i].attribute);
        free(t->keys[i].key_type);
    }
    free(t->keys);
    memset(t, 0, sizeof(*t));
}

void ddb_pitr_release(struct ddb_pitr *p)
{
    free(p->backups_status);
    free(p->pitr_status);
    memset(p, 0, sizeof(*p));
}

void ddb_export_release(struct ddb_export *x)
{
    char **s[] = {&x->arn,
                  &x->status,
                  &x->manifest,
                  &x->table_arn,
                  &x->table_id,
                  &x->client_token,
                  &x->s3_bucket,
                  &x->s3_bucket_owner,
                  &x->s3_prefix,
                  &x->s3_sse_algorithm,
                  &x->s3_sse_kms_key_id,
                  &x->failure_code,
                  &x->failure_message,
                  &x->export_format,
                  &x->export_type,
                  &x->incremental_view_type};

    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        free(*s[i]);
    memset(x, 0, sizeof(*x));
}

void ddb_table_names_release(struct ddb_table_names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->next);
    memset(l, 0, sizeof(*l));
}

void ddb_export_summaries_release(struct ddb_export_summaries *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].arn);
        free(l->v[i].status);
        free(l->v[i].type);
    }
    free(l->v);
    free(l->next_token);
    memset(l, 0, sizeof(*l));
}

int ddb_export_state(const char *status, enum run_state *out)
{
    if (status == NULL)
        return -1;
    if (strcmp(status, "IN_PROGRESS") == 0)
        *out = RS_RUNNING;
    else if (strcmp(status, "COMPLETED") == 0)
        *out = RS_SUCCEEDED;
    else if (strcmp(status, "FAILED") == 0)
        *out = RS_FAILED;
    else
        return -1;
    return 0;
}

/* Sends body (taken over) as operation op with the command line in cmd. */
static int call(struct http_request *req, const char *op, const char *endpoint, json_t *body,
                struct buf *cmd, struct err *e)
{
    char target[64];
    int rc;

    snprintf(target, sizeof(target), "DynamoDB_20120810.%s", op);
    if (cmd->toobig)
        rc = reqbuild_toobig(e, op);
    else if (reqbuild_aws_endpoint(cmd, endpoint) != 0)
        rc = reqbuild_toobig(e, op);
    else
        rc = reqbuild_aws_json(req, "dynamodb", op, endpoint, target, DDB_JSON, body, cmd, e);
    buf_release(cmd);
    json_decref(body);
    return rc;
}

static int need(const char *v, const char *op, const char *what, struct http_request *req,
                struct err *e)
{
    memset(req, 0, sizeof(*req));
    if (v != NULL && *v != '\0')
        return 0;
    return err_set(e, ERR_USAGE, "dynamodb %s: %s is required", op, what);
}

int ddb_build_list_tables(struct http_request *req, const char *endpoint,
                          const char *exclusive_start, int limit, struct err *e)
{
    struct buf cmd = BUF_INIT(REQBUILD_MAX);
    json_t *body = json_object();

    memset(req, 0, sizeof(*req));
    if (body && exclusive_start && *exclusive_start &&
        json_object_set_new(body, "ExclusiveStartTableName", json_string(exclusive_start)))
        cmd.toobig = 1;
    if (body && limit > 0 && json_object_set_new(body, "Limit", json_integer(limit)))
        cmd.toobig = 1;
    if (buf_puts(&cmd, "aws dynamodb list-tables") ||
        (limit > 0 && buf_printf(&cmd, " --limit %d", limit)) ||
        reqbuild_opt(&cmd, "--exclusive-start-table-name",
                     exclusive_start && *exclusive_start ? exclusive_start : NULL))
        cmd.toobig = 1;
    return call(req, "ListTables", endpoint, body, &cmd, e);
}

static int by_table(struct http_request *req, const char *op, const char *cli, const char *endpoint,
                    const char *table, struct err *e)
{
    struct buf cmd = BUF_INIT(REQBUILD_MAX);

    if (need(table, op, "a table name", req, e) != 0)
        return -1;
    if (buf_puts(&cmd, cli) || reqbuild_opt(&cmd, "--table-name", table))
        cmd.toobig = 1;
    return call(req, op, endpoint, json_pack("{s:s}", "TableName", table), &cmd, e);
}

int ddb_build_describe_table(struct http_request *req, const char *endpoint, const char *table,
                             struct err *e)
{
    return by_table(req, "DescribeTable", "aws dynamodb describe-table", endpoint, table, e);
}

int ddb_build_describe_continuous_backups(struct http_request *req, const char *endpoint,
                                          const char *table, struct err *e)
{
    return by_table(req, "DescribeContinuousBackups", "aws dynamodb describe-continuous-backups",
                    endpoint, table, e);
}

int ddb_build_list_exports(struct http_request *req, const char *endpoint, const char *table_arn,
                           int max_results, const char *next_token, struct err *e)
{
    struct buf cmd = BUF_INIT(REQBUILD_MAX);
    json_t *body;

    memset(req, 0, sizeof(*req));
    if (max_results < 0 || max_results > DDB_EXPORT_LIST_MAX)
        return err_set(e, ERR_USAGE, "dynamodb ListExports: MaxResults must be 1..%d, not %d",
                       DDB_EXPORT_LIST_MAX, max_results);
    body = json_object();
    if (body && table_arn && json_object_set_new(body, "TableArn", json_string(table_arn)))
        cmd.toobig = 1;
    if (body && max_results > 0 &&
        json_object_set_new(body, "MaxResults", json_integer(max_results)))
        cmd.toobig = 1;
    if (body && next_token && *next_token &&
        json_object_set_new(body, "NextToken", json_string(next_token)))
        cmd.toobig = 1;
    if (buf_puts(&cmd, "aws dynamodb list-exports") || reqbuild_opt(&cmd, "--table-arn", table_arn))
        cmd.toobig = 1;
    if (max_results > 0 && buf_printf(&cmd, " --max-results %d", max_results))
        cmd.toobig = 1;
    if (next_token && *next_token && reqbuild_opt(&cmd, "--next-token", next_token))
        cmd.toobig = 1;
    return call(req, "ListExports", endpoint, body, &cmd, e);
}

int ddb_build_describe_export(struct http_request *req, const char *endpoint,
                              const char *export_arn, struct err *e)
{
    struct buf cmd = BUF_INIT(REQBUILD_MAX);

    if (need(export_arn, "DescribeExport", "an export ARN", req, e) != 0)
        return -1;
    if (buf_puts(&cmd, "aws dynamodb describe-export") ||
        reqbuild_opt(&cmd, "--export-arn", export_arn))
        cmd.toobig = 1;
    return call(req, "DescribeExport", endpoint, json_pack("{s:s}", "ExportArn", export_arn), &cmd,
                e);
}

static int set_str(json_t *o, struct buf *cmd, const char *key, const char *flag, const char *v)
{
    if (v == NULL)
        return 0;
    if (json_object_set_new(o, key, json_string(v)) != 0 || reqbuild_opt(cmd, flag, v) != 0)
        return -1;
    return 0;
}

int ddb_build_export_table(struct http_request *req, const char *endpoint,
                           const struct ddb_export_request *r, struct err *e)
{
    struct buf cmd = BUF_INIT(REQBUILD_MAX);
    json_t *body, *when;
    char num[32];

    if (need(r->table_arn, "ExportTableToPointInTime", "the table ARN", req, e) ||
        need(r->s3_bucket, "ExportTableToPointInTime", "the S3 bucket", req, e))
        return -1;
    if (strncmp(r->table_arn, "arn:", 4) != 0)
        return err_set(e, ERR_USAGE,
                       "dynamodb ExportTableToPointInTime: \"%s\" is not a table ARN (arn:...)",
                       r->table_arn);
    body = json_object();
    if (body == NULL || buf_puts(&cmd, "aws dynamodb export-table-to-point-in-time") ||
        set_str(body, &cmd, "TableArn", "--table-arn", r->table_arn) ||
        set_str(body, &cmd, "S3Bucket", "--s3-bucket", r->s3_bucket) ||
        set_str(body, &cmd, "S3BucketOwner", "--s3-bucket-owner", r->s3_bucket_owner) ||
        set_str(body, &cmd, "S3Prefix", "--s3-prefix", r->s3_prefix))
        cmd.toobig = 1;
    if (body && r->export_time_ms != 0) {
        /* whole seconds as an integer (as the SDKs send them), else fractional seconds */
        if (r->export_time_ms % 1000 == 0) {
            when = json_integer(r->export_time_ms / 1000);
            snprintf(num, sizeof(num), "%lld", (long long)(r->export_time_ms / 1000));
        } else {
            when = json_real((double)r->export_time_ms / 1000.0);
            snprintf(num, sizeof(num), "%.3f", (double)r->export_time_ms / 1000.0);
        }
        if (json_object_set_new(body, "ExportTime", when) ||
            reqbuild_opt(&cmd, "--export-time", num))
            cmd.toobig = 1;
    }
    if (body == NULL || set_str(body, &cmd, "ExportFormat", "--export-format", "DYNAMODB_JSON") ||
        set_str(body, &cmd, "ClientToken", "--client-token", r->client_token))
        cmd.toobig = 1;
    return call(req, "ExportTableToPointInTime", endpoint, body, &cmd, e);
}

int ddb_error(struct err *e, const char *operation, long status, const struct http_headers *h,
              const char *body, size_t len)
{
    char where[96];

    snprintf(where, sizeof(where), "dynamodb %s", operation);
    return apierr_aws_json(e, where, status, h, body, len);
}
