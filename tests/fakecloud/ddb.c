/* tests/fakecloud/ddb.c: DynamoDB ListTables, DescribeTable, DescribeContinuousBackups,
 * ListExports, DescribeExport and ExportTableToPointInTime (JSON 1.0, epoch-second timestamps,
 * x-amz-crc32). Input is validated as DynamoDB does ("1 validation error detected: ..."), and
 * exports obey the PITR window and ClientToken idempotency through the world. */
#include "tests/fakecloud/aws.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int invalid(struct fc_response *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int invalid(struct fc_response *r, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return aws_error(r, "dynamodb", 400, "ValidationException", "1 validation error detected: %s",
                     msg);
}

/* A string member: absent → NULL; present but not a string → -1 (answered). */
static int member_str(json_t *in, const char *key, const char **out, struct fc_response *r)
{
    json_t *v = json_object_get(in, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        aws_error(r, "dynamodb", 400, "SerializationException",
                  "NUMBER_VALUE cannot be converted to String (member %s)", key);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

/* An integer member within [lo, hi]; absent → dflt. -1 when answered with an error. */
static int member_int(json_t *in, const char *key, const char *wire, long lo, long hi, long dflt,
                      long *out, struct fc_response *r)
{
    json_t *v = json_object_get(in, key);

    *out = dflt;
    if (v == NULL)
        return 0;
    if (!json_is_integer(v)) {
        aws_error(r, "dynamodb", 400, "SerializationException",
                  "STRING_VALUE can not be converted to an Integer (member %s)", key);
        return -1;
    }
    *out = (long)json_integer_value(v);
    if (*out < lo) {
        invalid(r,
                "Value '%ld' at '%s' failed to satisfy constraint: Member must have value "
                "greater than or equal to %ld",
                *out, wire, lo);
        return -1;
    }
    if (*out > hi) {
        invalid(r,
                "Value '%ld' at '%s' failed to satisfy constraint: Member must have value less "
                "than or equal to %ld",
                *out, wire, hi);
        return -1;
    }
    return 0;
}

int ddb_list_tables(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    json_t *in = NULL, *names;
    const char *start = NULL;
    long limit;
    size_t i = 0, page, n = 0;

    if (aws_begin(&c, fc, req, r, "dynamodb"))
        return 0;
    if ((in = aws_json_body(req, r, "dynamodb")) == NULL ||
        member_str(in, "ExclusiveStartTableName", &start, r) ||
        member_int(in, "Limit", "limit", 1, 100, 100, &limit, r))
        goto done;
    page = fw_page(c.w, (size_t)limit);
    names = json_array();
    /* tables are listed in name order, as DynamoDB does */
    for (;;) {
        const char *best = NULL;
        for (size_t k = 0; k < c.w->n_ddb_tables; k++) {
            const char *nm = c.w->ddb_tables[k].name;
            if ((start == NULL || strcmp(nm, start) > 0) && (best == NULL || strcmp(nm, best) < 0))
                best = nm;
        }
        if (best == NULL || n == page)
            break;
        json_array_append_new(names, json_string(best));
        start = best;
        n++;
        i++;
    }
    {
        json_t *out = json_pack("{s:o}", "TableNames", names);
        int more = 0;
        for (size_t k = 0; start && k < c.w->n_ddb_tables; k++)
            more |= strcmp(c.w->ddb_tables[k].name, start) > 0;
        if (more && n == page)
            json_object_set_new(out, "LastEvaluatedTableName", json_string(start));
        aws_json_ok(r, "dynamodb", out);
    }
done:
    json_decref(in);
    aws_end(&c);
    return 0;
}

static json_t *table_json(const struct fw_world *w, const struct fw_ddb_table *t)
{
    json_t *defs = json_array(), *keys = json_array();

    for (int kind = 1; kind <= 2; kind++)
        for (size_t i = 0; i < t->n_attrs; i++)
            if (t->attrs[i].key == kind) {
                json_array_append_new(defs,
                                      json_pack("{s:s,s:s}", "AttributeName", t->attrs[i].name,
                                                "AttributeType", t->attrs[i].type));
                json_array_append_new(keys,
                                      json_pack("{s:s,s:s}", "AttributeName", t->attrs[i].name,
                                                "KeyType", kind == 1 ? "HASH" : "RANGE"));
            }
    (void)w;
    return json_pack("{s:o,s:s,s:o,s:s,s:o,s:{s:i,s:i,s:i},s:I,s:I,s:s,s:s,s:{s:s,s:o},s:b}",
                     "AttributeDefinitions", defs, "TableName", t->name, "KeySchema", keys,
                     "TableStatus", "ACTIVE", "CreationDateTime", aws_json_time(t->created_ms),
                     "ProvisionedThroughput", "NumberOfDecreasesToday", 0, "ReadCapacityUnits", 0,
                     "WriteCapacityUnits", 0, "TableSizeBytes", (json_int_t)t->size_bytes,
                     "ItemCount", (json_int_t)t->item_count, "TableArn", t->arn, "TableId",
                     t->table_id, "BillingModeSummary", "BillingMode", "PAY_PER_REQUEST",
                     "LastUpdateToPayPerRequestDateTime", aws_json_time(t->created_ms),
                     "DeletionProtectionEnabled", 0);
}

/* TableName member: required, 3..255 chars of [a-zA-Z0-9_.-] (or an ARN where allowed). */
static int table_name(json_t *in, struct fc_response *r, const char **name, int arn_ok)
{
    if (member_str(in, "TableName", name, r))
        return -1;
    if (*name == NULL) {
        invalid(r, "Value null at 'tableName' failed to satisfy constraint: Member must not be "
                   "null");
        return -1;
    }
    if (!arn_ok &&
        (strlen(*name) < 3 || strlen(*name) > 255 ||
         strspn(*name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
             strlen(*name))) {
        invalid(r,
                "Value '%s' at 'tableName' failed to satisfy constraint: Member must satisfy "
                "regular expression pattern: [a-zA-Z0-9_.-]+",
                *name);
        return -1;
    }
    return 0;
}

int ddb_describe_table(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    json_t *in;
    const char *name;
    long t;

    if (aws_begin(&c, fc, req, r, "dynamodb"))
        return 0;
    if ((in = aws_json_body(req, r, "dynamodb")) != NULL && table_name(in, r, &name, 1) == 0) {
        if ((t = fw_ddb_table_find(c.w, name)) < 0)
            aws_error(r, "dynamodb", 400, "ResourceNotFoundException",
                      "Requested resource not found: Table: %s not found", name);
        else
            aws_json_ok(r, "dynamodb",
                        json_pack("{s:o}", "Table", table_json(c.w, &c.w->ddb_tables[t])));
    }
    json_decref(in);
    aws_end(&c);
    return 0;
}

int ddb_describe_continuous_backups(struct fakecloud *fc, struct fc_request *req,
                                    struct fc_response *r)
{
    struct aws_call c;
    json_t *in, *pitr;
    const char *name;
    long ti;

    if (aws_begin(&c, fc, req, r, "dynamodb"))
        return 0;
    if ((in = aws_json_body(req, r, "dynamodb")) != NULL && table_name(in, r, &name, 1) == 0) {
        if ((ti = fw_ddb_table_find(c.w, name)) < 0) {
            aws_error(r, "dynamodb", 400, "TableNotFoundException", "Table not found: %s", name);
        } else {
            const struct fw_ddb_table *t = &c.w->ddb_tables[ti];
            int64_t earliest = c.now - (int64_t)t->pitr_days * 86400000;
            if (earliest < t->pitr_enabled_ms)
                earliest = t->pitr_enabled_ms;
            pitr = t->pitr_enabled
                       ? json_pack("{s:s,s:i,s:o,s:o}", "PointInTimeRecoveryStatus", "ENABLED",
                                   "RecoveryPeriodInDays", t->pitr_days,
                                   "EarliestRestorableDateTime", aws_json_time(earliest),
                                   "LatestRestorableDateTime", aws_json_time(c.now - 5 * 60000))
                       : json_pack("{s:s}", "PointInTimeRecoveryStatus", "DISABLED");
            aws_json_ok(r, "dynamodb",
                        json_pack("{s:{s:s,s:o}}", "ContinuousBackupsDescription",
                                  "ContinuousBackupsStatus", "ENABLED",
                                  "PointInTimeRecoveryDescription", pitr));
        }
    }
    json_decref(in);
    aws_end(&c);
    return 0;
}

static const char *export_status(const struct fw_ddb_export *x, int64_t now)
{
    enum fw_state s = fw_status_at(&x->work, now);
    return s == FW_SUCCEEDED                     ? "COMPLETED"
           : s == FW_FAILED || s == FW_CANCELLED ? "FAILED"
                                                 : "IN_PROGRESS";
}

static json_t *export_json(const struct fw_world *w, const struct fw_ddb_export *x, int64_t now)
{
    enum fw_state s = fw_status_at(&x->work, now);
    const struct fw_ddb_table *t = &w->ddb_tables[x->table];
    json_t *d =
        json_pack("{s:s,s:s,s:o,s:s,s:s,s:o,s:s,s:s,s:s,s:s}", "ExportArn", x->arn, "ExportStatus",
                  export_status(x, now), "StartTime", aws_json_time(x->work.created_ms), "TableArn",
                  t->arn, "TableId", t->table_id, "ExportTime", aws_json_time(x->export_time_ms),
                  "S3Bucket", x->bucket, "S3BucketOwner", w->account_id, "ExportFormat",
                  x->export_format, "ExportType", x->export_type);

    if (d == NULL)
        return NULL;
    if (x->client_token)
        json_object_set_new(d, "ClientToken", json_string(x->client_token));
    if (x->prefix)
        json_object_set_new(d, "S3Prefix", json_string(x->prefix));
    if (x->sse)
        json_object_set_new(d, "S3SseAlgorithm", json_string(x->sse));
    if (s >= FW_SUCCEEDED)
        json_object_set_new(d, "EndTime", aws_json_time(x->work.end_ms));
    if (s == FW_SUCCEEDED) {
        json_object_set_new(d, "ExportManifest", json_string(x->manifest_key));
        json_object_set_new(d, "BilledSizeBytes", json_integer(x->billed_bytes));
        json_object_set_new(d, "ItemCount", json_integer(x->item_count));
    }
    if (s == FW_FAILED || s == FW_CANCELLED) {
        json_object_set_new(d, "FailureCode",
                            json_string(x->work.error_code ? x->work.error_code : "UNKNOWN"));
        json_object_set_new(d, "FailureMessage",
                            json_string(x->work.error_message ? x->work.error_message
                                                              : "The export was cancelled."));
    }
    return d;
}

int ddb_list_exports(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    json_t *in, *list, *out;
    const char *arn = NULL, *next = NULL;
    char tok[FW_TOKEN_MAX];
    size_t start = 0, page, shown = 0, i, n;
    long max;

    if (aws_begin(&c, fc, req, r, "dynamodb"))
        return 0;
    if ((in = aws_json_body(req, r, "dynamodb")) == NULL || member_str(in, "TableArn", &arn, r) ||
        member_str(in, "NextToken", &next, r) ||
        member_int(in, "MaxResults", "maxResults", 1, 25, 25, &max, r))
        goto done;
    if (next && fw_token_parse(next, "ddb.ListExports", &start) != 0) {
        aws_error(r, "dynamodb", 400, "ValidationException", "Invalid NextToken: %s", next);
        goto done;
    }
    page = fw_page(c.w, (size_t)max);
    list = json_array();
    n = c.w->n_ddb_exports;
    /* newest first; only the past 90 days, as DynamoDB keeps them */
    for (i = start; i < n; i++) {
        const struct fw_ddb_export *x = &c.w->ddb_exports[n - 1 - i];
        if ((arn && strcmp(c.w->ddb_tables[x->table].arn, arn) != 0) ||
            x->work.created_ms > c.now || c.now - x->work.created_ms > 90LL * 86400000)
            continue;
        if (shown == page)
            break;
        json_array_append_new(list,
                              json_pack("{s:s,s:s,s:s}", "ExportArn", x->arn, "ExportStatus",
                                        export_status(x, c.now), "ExportType", x->export_type));
        shown++;
    }
    out = json_pack("{s:o}", "ExportSummaries", list);
    if (i < n) {
        fw_token_make(tok, "ddb.ListExports", i);
        json_object_set_new(out, "NextToken", json_string(tok));
    }
    aws_json_ok(r, "dynamodb", out);
done:
    json_decref(in);
    aws_end(&c);
    return 0;
}

int ddb_describe_export(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    json_t *in;
    const char *arn = NULL;
    long x;

    if (aws_begin(&c, fc, req, r, "dynamodb"))
        return 0;
    if ((in = aws_json_body(req, r, "dynamodb")) != NULL &&
        member_str(in, "ExportArn", &arn, r) == 0) {
        if (arn == NULL)
            invalid(r, "Value null at 'exportArn' failed to satisfy constraint: Member must not "
                       "be null");
        else if (strlen(arn) < 37)
            invalid(r,
                    "Value '%s' at 'exportArn' failed to satisfy constraint: Member must have "
                    "length greater than or equal to 37",
                    arn);
        else if ((x = fw_ddb_export_find(c.w, arn)) < 0 ||
                 c.w->ddb_exports[x].work.created_ms > c.now)
            aws_error(r, "dynamodb", 400, "ExportNotFoundException", "Export not found: %s", arn);
        else
            aws_json_ok(r, "dynamodb",
                        json_pack("{s:o}", "ExportDescription",
                                  export_json(c.w, &c.w->ddb_exports[x], c.now)));
    }
    json_decref(in);
    aws_end(&c);
    return 0;
}

static int enum_ok(const char *v, const char *a, const char *b)
{
    return v == NULL || strcmp(v, a) == 0 || strcmp(v, b) == 0;
}

int ddb_export_table(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    struct fw_ddb_export_req q;
    struct fw_error e;
    json_t *in, *t;
    char *fp = NULL;
    long x;

    memset(&q, 0, sizeof(q));
    if (aws_begin(&c, fc, req, r, "dynamodb"))
        return 0;
    if ((in = aws_json_body(req, r, "dynamodb")) == NULL ||
        member_str(in, "TableArn", &q.table_arn, r) || member_str(in, "S3Bucket", &q.bucket, r) ||
        member_str(in, "S3Prefix", &q.prefix, r) ||
        member_str(in, "ClientToken", &q.client_token, r) ||
        member_str(in, "ExportFormat", &q.export_format, r) ||
        member_str(in, "ExportType", &q.export_type, r) ||
        member_str(in, "S3SseAlgorithm", &q.sse, r))
        goto done;
    if (q.table_arn == NULL || q.bucket == NULL) {
        invalid(r, "Value null at '%s' failed to satisfy constraint: Member must not be null",
                q.table_arn == NULL ? "tableArn" : "s3Bucket");
        goto done;
    }
    if (strncmp(q.table_arn, "arn:", 4) != 0) {
        aws_error(r, "dynamodb", 400, "ValidationException",
                  "Invalid TableArn: %s is not a valid table ARN", q.table_arn);
        goto done;
    }
    if (!enum_ok(q.export_format, "DYNAMODB_JSON", "ION") ||
        !enum_ok(q.export_type, "FULL_EXPORT", "INCREMENTAL_EXPORT") ||
        !enum_ok(q.sse, "AES256", "KMS")) {
        invalid(r, "Value at 'exportFormat', 'exportType' or 's3SseAlgorithm' failed to satisfy "
                   "constraint: Member must satisfy enum value set");
        goto done;
    }
    if (q.export_type && strcmp(q.export_type, "INCREMENTAL_EXPORT") == 0) {
        aws_error(r, "dynamodb", 400, "ValidationException",
                  "IncrementalExportSpecification is not supported by this fake cloud: use "
                  "FULL_EXPORT");
        goto done;
    }
    if (q.client_token && strchr(q.client_token, '$')) {
        invalid(r,
                "Value '%s' at 'clientToken' failed to satisfy constraint: Member must satisfy "
                "regular expression pattern: ^[^\\$]+$",
                q.client_token);
        goto done;
    }
    if ((t = json_object_get(in, "ExportTime")) != NULL) {
        if (!json_is_number(t) || !isfinite(json_number_value(t))) {
            aws_error(r, "dynamodb", 400, "SerializationException",
                      "class java.lang.String can not be converted to milliseconds since epoch");
            goto done;
        }
        q.has_export_time = 1;
        q.export_time_ms = (int64_t)llround(json_number_value(t) * 1000.0);
    }
    fp = fw_ddb_fingerprint(&q);
    q.fingerprint = fp ? fp : "";
    if ((x = fw_ddb_export_start(c.w, &q, c.now, &e)) < 0)
        aws_fw_error(r, "dynamodb", &e);
    else
        aws_json_ok(
            r, "dynamodb",
            json_pack("{s:o}", "ExportDescription", export_json(c.w, &c.w->ddb_exports[x], c.now)));
done:
    free(fp);
    json_decref(in);
    aws_end(&c);
    return 0;
}
