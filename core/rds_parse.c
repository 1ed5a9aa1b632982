/* core/rds_parse.c: RDS Query-protocol XML answers (<{Op}Response><{Op}Result>...) into pipetop's
 * structs through core/xmlx (expat, local names). A missing wrapper or a malformed value is an
 * ERR_PARSE naming the call and the element path; nothing is skipped silently. */
#include "core/rds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmlx.h"

/* The <{op}Result> element of the answer, checking the <{op}Response> envelope. */
static int result_of(const struct xml_node *root, const char *op, const struct xml_node **res,
                     const char *call, struct err *e)
{
    char name[96];

    snprintf(name, sizeof(name), "%sResponse", op);
    if (strcmp(root->name, name) != 0)
        return err_set(e, ERR_PARSE, "%s: the answer's root element is <%s>, expected <%s>", call,
                       root->name, name);
    snprintf(name, sizeof(name), "%sResult", op);
    if ((*res = xml_child(root, name)) == NULL)
        return err_set(e, ERR_PARSE, "%s: %sResponse.%s is missing", call, op, name);
    return 0;
}

static int read_members(struct rds_export_task *t, const struct xml_node *list, const char *call,
                        const char *path, struct err *e)
{
    size_t n = 0;

    for (const struct xml_node *m = xml_child(list, "member"); m; m = xml_next_same(m))
        n++;
    if (n == 0)
        return 0;
    if ((t->export_only = calloc(n, sizeof(char *))) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", call);
    for (const struct xml_node *m = xml_child(list, "member"); m; m = xml_next_same(m)) {
        if ((t->export_only[t->n_export_only] = strdup(m->text)) == NULL)
            return err_set(e, ERR_NOMEM, "%s: out of memory at %s", call, path);
        t->n_export_only++;
    }
    return 0;
}

static int read_task(struct rds_export_task *t, const struct xml_node *n, const char *call,
                     const char *path, struct err *e)
{
    const struct xml_node *only = xml_child(n, "ExportOnly");

    t->percent_progress = -1;
    t->extracted_gb = -1;
    if (xml_get_str(n, "ExportTaskIdentifier", 1, &t->id, call, path, e) ||
        xml_get_str(n, "SourceArn", 0, &t->source_arn, call, path, e) ||
        xml_get_time(n, "SnapshotTime", 0, &t->snapshot_ms, call, path, e) ||
        xml_get_time(n, "TaskStartTime", 0, &t->start_ms, call, path, e) ||
        xml_get_time(n, "TaskEndTime", 0, &t->end_ms, call, path, e) ||
        xml_get_str(n, "S3Bucket", 0, &t->s3_bucket, call, path, e) ||
        xml_get_str(n, "S3Prefix", 0, &t->s3_prefix, call, path, e) ||
        xml_get_str(n, "IamRoleArn", 0, &t->iam_role_arn, call, path, e) ||
        xml_get_str(n, "KmsKeyId", 0, &t->kms_key_id, call, path, e) ||
        xml_get_str(n, "Status", 0, &t->status, call, path, e) ||
        xml_get_int64(n, "PercentProgress", 0, &t->percent_progress, call, path, e) ||
        xml_get_int64(n, "TotalExtractedDataInGB", 0, &t->extracted_gb, call, path, e) ||
        xml_get_str(n, "FailureCause", 0, &t->failure_cause, call, path, e) ||
        xml_get_str(n, "WarningMessage", 0, &t->warning_message, call, path, e) ||
        xml_get_str(n, "SourceType", 0, &t->source_type, call, path, e))
        return -1;
    return only ? read_members(t, only, call, path, e) : 0;
}

static int read_snapshot(struct rds_cluster_snapshot *s, const struct xml_node *n, const char *call,
                         const char *path, struct err *e)
{
    if (xml_get_str(n, "DBClusterSnapshotIdentifier", 1, &s->id, call, path, e) ||
        xml_get_str(n, "DBClusterSnapshotArn", 0, &s->arn, call, path, e) ||
        xml_get_str(n, "DBClusterIdentifier", 0, &s->cluster_id, call, path, e) ||
        xml_get_time(n, "SnapshotCreateTime", 0, &s->created_ms, call, path, e) ||
        xml_get_str(n, "Status", 0, &s->status, call, path, e) ||
        xml_get_str(n, "SnapshotType", 0, &s->type, call, path, e) ||
        xml_get_str(n, "Engine", 0, &s->engine, call, path, e))
        return -1;
    return 0;
}

/* The items <list><item/>...</list> of res, each read into an array element by the reader. */
struct list_spec {
    const char *op, *list, *item;
    size_t size;
    int (*read)(void *item, const struct xml_node *n, const char *call, const char *path,
                struct err *e);
    void (*release)(void *item);
};

static int read_page(const struct list_spec *s, const char *body, size_t len, void **v, size_t *n,
                     char **marker, struct err *e)
{
    char call[96], path[160];
    struct xml_node *root = NULL;
    const struct xml_node *res, *list, *it;
    size_t count = 0, i = 0;
    char *items = NULL;
    int rc = -1;

    snprintf(call, sizeof(call), "rds %s", s->op);
    if (xml_parse(&root, call, body, len, e) || result_of(root, s->op, &res, call, e))
        goto out;
    if (xml_get_str(res, "Marker", 0, marker, call, "Result", e))
        goto out;
    if (*marker == NULL && (*marker = strdup("")) == NULL) {
        err_set(e, ERR_NOMEM, "%s: out of memory", call);
        goto out;
    }
    list = xml_child(res, s->list);
    for (it = xml_child(list, s->item); it; it = xml_next_same(it))
        count++;
    if (count > 0 && (items = calloc(count, s->size)) == NULL) {
        err_set(e, ERR_NOMEM, "%s: out of memory", call);
        goto out;
    }
    for (it = xml_child(list, s->item); it; it = xml_next_same(it), i++) {
        snprintf(path, sizeof(path), "%s.%s[%zu]", s->list, s->item, i);
        if (s->read(items + i * s->size, it, call, path, e) != 0) {
            i++;
            goto out;
        }
    }
    *v = items;
    *n = count;
    items = NULL;
    rc = 0;
out:
    for (size_t j = 0; items && j < i; j++)
        s->release(items + j * s->size);
    free(items);
    if (rc != 0) {
        free(*marker);
        *marker = NULL;
    }
    xml_free(root);
    return rc;
}

static int read_task_v(void *item, const struct xml_node *n, const char *call, const char *path,
                       struct err *e)
{
    return read_task(item, n, call, path, e);
}
static int read_snapshot_v(void *item, const struct xml_node *n, const char *call, const char *path,
                           struct err *e)
{
    return read_snapshot(item, n, call, path, e);
}
static void release_task_v(void *item)
{
    rds_export_task_release(item);
}
static void release_snapshot_v(void *item)
{
    rds_cluster_snapshot_release(item);
}

int rds_parse_export_tasks(struct rds_export_tasks *out, const char *body, size_t len,
                           struct err *e)
{
    static const struct list_spec spec = {"DescribeExportTasks", "ExportTasks",
                                          "ExportTask",          sizeof(struct rds_export_task),
                                          read_task_v,           release_task_v};
    void *v = NULL;

    memset(out, 0, sizeof(*out));
    if (read_page(&spec, body, len, &v, &out->n, &out->marker, e) != 0)
        return -1;
    out->v = v;
    return 0;
}

int rds_parse_cluster_snapshots(struct rds_cluster_snapshots *out, const char *body, size_t len,
                                struct err *e)
{
    static const struct list_spec spec = {
        "DescribeDBClusterSnapshots",        "DBClusterSnapshots", "DBClusterSnapshot",
        sizeof(struct rds_cluster_snapshot), read_snapshot_v,      release_snapshot_v};
    void *v = NULL;

    memset(out, 0, sizeof(*out));
    if (read_page(&spec, body, len, &v, &out->n, &out->marker, e) != 0)
        return -1;
    out->v = v;
    return 0;
}

int rds_parse_start_export_task(struct rds_export_task *out, const char *body, size_t len,
                                struct err *e)
{
    const char *call = "rds StartExportTask";
    struct xml_node *root = NULL;
    const struct xml_node *res;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (xml_parse(&root, call, body, len, e) == 0 &&
        result_of(root, "StartExportTask", &res, call, e) == 0)
        rc = read_task(out, res, call, "StartExportTaskResult", e);
    if (rc != 0)
        rds_export_task_release(out);
    xml_free(root);
    return rc;
}
