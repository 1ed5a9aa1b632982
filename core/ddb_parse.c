/* core/ddb_parse.c: DynamoDB JSON 1.0 answers into pipetop's structs through core/jsonx. Epoch
 * seconds are read with json_number_value (fractions and exponents), never as integers; a value
 * of the wrong type is an ERR_PARSE naming the call and the field. */
#include "core/ddb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

typedef int (*read_fn)(void *out, const json_t *root, const struct jloc *at, struct err *e);
typedef void (*release_fn)(void *out);

static int parse(const char *op, const char *body, size_t len, read_fn fn, release_fn rel,
                 void *out, struct err *e)
{
    char call[96];
    struct jloc at = {call, ""};
    json_t *root;
    int rc;

    snprintf(call, sizeof(call), "dynamodb %s", op);
    if (jsonx_load(&root, call, body, len, e) != 0)
        return -1;
    rc = fn(out, root, &at, e);
    if (rc != 0)
        rel(out);
    json_decref(root);
    return rc;
}

/* obj[key] as the object to read next; *sub gets its path. */
static int enter(const json_t *obj, const char *key, int required, const json_t **o,
                 struct jloc *sub, char *path, size_t n, const struct jloc *at, struct err *e)
{
    if (jsonx_object(obj, key, required, o, at, e) != 0)
        return -1;
    sub->call = at->call;
    sub->path = jsonx_path(path, n, at, key, -1);
    return 0;
}

static int read_names(void *out, const json_t *root, const struct jloc *at, struct err *e)
{
    struct ddb_table_names *l = out;
    const json_t *arr;
    char path[128];

    if (jsonx_array(root, "TableNames", 0, &arr, at, e) ||
        jsonx_page_token(root, "LastEvaluatedTableName", &l->next, at, e))
        return -1;
    if (arr == NULL || json_array_size(arr) == 0)
        return 0;
    if ((l->v = calloc(json_array_size(arr), sizeof(char *))) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", at->call);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        if (!json_is_string(v))
            return err_set(e, ERR_PARSE, "%s: %s is %s, expected a string", at->call,
                           jsonx_path(path, sizeof(path), at, "TableNames", (long)i),
                           jsonx_type_name(v));
        if ((l->v[i] = strdup(json_string_value(v))) == NULL)
            return err_set(e, ERR_NOMEM, "%s: out of memory", at->call);
        l->n = i + 1;
    }
    return 0;
}

static int read_key(void *item, const json_t *o, const struct jloc *at, struct err *e)
{
    struct ddb_key_element *k = item;
    return jsonx_str(o, "AttributeName", 1, &k->attribute, at, e) ||
                   jsonx_str(o, "KeyType", 1, &k->key_type, at, e)
               ? -1
               : 0;
}

static void release_key(void *item)
{
    struct ddb_key_element *k = item;
    free(k->attribute);
    free(k->key_type);
}

static int read_table(void *out, const json_t *root, const struct jloc *at, struct err *e)
{
    struct ddb_table *t = out;
    const json_t *o;
    char path[64];
    struct jloc tat;
    void *keys = NULL;

    t->item_count = -1;
    t->size_bytes = -1;
    if (enter(root, "Table", 1, &o, &tat, path, sizeof(path), at, e) ||
        jsonx_str(o, "TableName", 1, &t->name, &tat, e) ||
        jsonx_str(o, "TableArn", 0, &t->arn, &tat, e) ||
        jsonx_str(o, "TableId", 0, &t->id, &tat, e) ||
        jsonx_str(o, "TableStatus", 0, &t->status, &tat, e) ||
        jsonx_int64(o, "ItemCount", 0, &t->item_count, &tat, e) ||
        jsonx_int64(o, "TableSizeBytes", 0, &t->size_bytes, &tat, e) ||
        jsonx_epoch_ms(o, "CreationDateTime", 0, &t->created_ms, &tat, e) ||
        jsonx_list(o, "KeySchema", sizeof(*t->keys), read_key, release_key, &keys, &t->n_keys, &tat,
                   e))
        return -1;
    t->keys = keys;
    return 0;
}

static int read_pitr(void *out, const json_t *root, const struct jloc *at, struct err *e)
{
    struct ddb_pitr *p = out;
    const json_t *cb, *pt;
    char p1[64], p2[128];
    struct jloc cat, pat;
    int64_t days = 0;

    if (enter(root, "ContinuousBackupsDescription", 1, &cb, &cat, p1, sizeof(p1), at, e) ||
        jsonx_str(cb, "ContinuousBackupsStatus", 1, &p->backups_status, &cat, e) ||
        enter(cb, "PointInTimeRecoveryDescription", 0, &pt, &pat, p2, sizeof(p2), &cat, e))
        return -1;
    if (pt == NULL)
        return 0;
    if (jsonx_str(pt, "PointInTimeRecoveryStatus", 0, &p->pitr_status, &pat, e) ||
        jsonx_int64(pt, "RecoveryPeriodInDays", 0, &days, &pat, e) ||
        jsonx_epoch_ms(pt, "EarliestRestorableDateTime", 0, &p->earliest_ms, &pat, e) ||
        jsonx_epoch_ms(pt, "LatestRestorableDateTime", 0, &p->latest_ms, &pat, e))
        return -1;
    p->recovery_days = (int)days;
    return 0;
}

static int read_summary(void *item, const json_t *o, const struct jloc *at, struct err *e)
{
    struct ddb_export_summary *s = item;
    return jsonx_str(o, "ExportArn", 1, &s->arn, at, e) ||
                   jsonx_str(o, "ExportStatus", 0, &s->status, at, e) ||
                   jsonx_str(o, "ExportType", 0, &s->type, at, e)
               ? -1
               : 0;
}

static void release_summary(void *item)
{
    struct ddb_export_summary *s = item;
    free(s->arn);
    free(s->status);
    free(s->type);
}

static int read_summaries(void *out, const json_t *root, const struct jloc *at, struct err *e)
{
    struct ddb_export_summaries *l = out;
    void *v = NULL;

    if (jsonx_page_token(root, "NextToken", &l->next_token, at, e) ||
        jsonx_list(root, "ExportSummaries", sizeof(*l->v), read_summary, release_summary, &v, &l->n,
                   at, e))
        return -1;
    l->v = v;
    return 0;
}

static int read_export(void *out, const json_t *root, const struct jloc *at, struct err *e)
{
    struct ddb_export *x = out;
    const json_t *o, *inc;
    char p1[64], p2[128];
    struct jloc xat, iat;

    x->billed_size_bytes = -1;
    x->item_count = -1;
    if (enter(root, "ExportDescription", 1, &o, &xat, p1, sizeof(p1), at, e) ||
        jsonx_str(o, "ExportArn", 1, &x->arn, &xat, e) ||
        jsonx_str(o, "ExportStatus", 0, &x->status, &xat, e) ||
        jsonx_epoch_ms(o, "StartTime", 0, &x->start_ms, &xat, e) ||
        jsonx_epoch_ms(o, "EndTime", 0, &x->end_ms, &xat, e) ||
        jsonx_str(o, "ExportManifest", 0, &x->manifest, &xat, e) ||
        jsonx_str(o, "TableArn", 0, &x->table_arn, &xat, e) ||
        jsonx_str(o, "TableId", 0, &x->table_id, &xat, e) ||
        jsonx_epoch_ms(o, "ExportTime", 0, &x->export_time_ms, &xat, e) ||
        jsonx_str(o, "ClientToken", 0, &x->client_token, &xat, e) ||
        jsonx_str(o, "S3Bucket", 0, &x->s3_bucket, &xat, e) ||
        jsonx_str(o, "S3BucketOwner", 0, &x->s3_bucket_owner, &xat, e) ||
        jsonx_str(o, "S3Prefix", 0, &x->s3_prefix, &xat, e) ||
        jsonx_str(o, "S3SseAlgorithm", 0, &x->s3_sse_algorithm, &xat, e) ||
        jsonx_str(o, "S3SseKmsKeyId", 0, &x->s3_sse_kms_key_id, &xat, e) ||
        jsonx_str(o, "FailureCode", 0, &x->failure_code, &xat, e) ||
        jsonx_str(o, "FailureMessage", 0, &x->failure_message, &xat, e) ||
        jsonx_str(o, "ExportFormat", 0, &x->export_format, &xat, e) ||
        jsonx_int64(o, "BilledSizeBytes", 0, &x->billed_size_bytes, &xat, e) ||
        jsonx_int64(o, "ItemCount", 0, &x->item_count, &xat, e) ||
        jsonx_str(o, "ExportType", 0, &x->export_type, &xat, e) ||
        enter(o, "IncrementalExportSpecification", 0, &inc, &iat, p2, sizeof(p2), &xat, e))
        return -1;
    if (inc != NULL &&
        (jsonx_epoch_ms(inc, "ExportFromTime", 0, &x->incremental_from_ms, &iat, e) ||
         jsonx_epoch_ms(inc, "ExportToTime", 0, &x->incremental_to_ms, &iat, e) ||
         jsonx_str(inc, "ExportViewType", 0, &x->incremental_view_type, &iat, e)))
        return -1;
    return 0;
}

#define RELEASE(name, type, fn)                                                                    \
    static void name(void *p)                                                                      \
    {                                                                                              \
        fn((type *)p);                                                                             \
    }
RELEASE(rel_names, struct ddb_table_names, ddb_table_names_release)
RELEASE(rel_table, struct ddb_table, ddb_table_release)
RELEASE(rel_pitr, struct ddb_pitr, ddb_pitr_release)
RELEASE(rel_summaries, struct ddb_export_summaries, ddb_export_summaries_release)
RELEASE(rel_export, struct ddb_export, ddb_export_release)

int ddb_parse_list_tables(struct ddb_table_names *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse("ListTables", body, len, read_names, rel_names, out, e);
}

int ddb_parse_describe_table(struct ddb_table *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse("DescribeTable", body, len, read_table, rel_table, out, e);
}

int ddb_parse_continuous_backups(struct ddb_pitr *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse("DescribeContinuousBackups", body, len, read_pitr, rel_pitr, out, e);
}

int ddb_parse_list_exports(struct ddb_export_summaries *out, const char *body, size_t len,
                           struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse("ListExports", body, len, read_summaries, rel_summaries, out, e);
}

int ddb_parse_describe_export(struct ddb_export *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse("DescribeExport", body, len, read_export, rel_export, out, e);
}

int ddb_parse_export_table(struct ddb_export *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse("ExportTableToPointInTime", body, len, read_export, rel_export, out, e);
}
