/* tests/fakecloud/rds.c: RDS DescribeExportTasks, StartExportTask and
 * DescribeDBClusterSnapshots in the Query protocol (XML in the 2014-10-31 namespace, Marker
 * pages, MaxRecords 20..100, lower-case status filter values, MissingParameter for required
 * members). Export state comes from the world's timelines: STARTING, IN_PROGRESS, COMPLETE... */
#include "tests/fakecloud/aws.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILTERS 8
#define MAX_VALUES 16

struct filter {
    char *name;
    char *values[MAX_VALUES];
    int n;
};

static void filters_release(struct filter *f, int n)
{
    for (int i = 0; i < n; i++) {
        free(f[i].name);
        for (int k = 0; k < f[i].n; k++)
            free(f[i].values[k]);
    }
}

/* Filters.Filter.N.Name / Filters.Filter.N.Values.Value.M. Returns the count. */
static int filters_read(struct fc_request *req, struct filter *f)
{
    int n = 0;
    char key[96];

    for (int i = 1; n < MAX_FILTERS; i++) {
        snprintf(key, sizeof(key), "Filters.Filter.%d.Name", i);
        if ((f[n].name = aws_param(req, key)) == NULL)
            break;
        f[n].n = 0;
        for (int k = 1; f[n].n < MAX_VALUES; k++) {
            snprintf(key, sizeof(key), "Filters.Filter.%d.Values.Value.%d", i, k);
            if ((f[n].values[f[n].n] = aws_param(req, key)) == NULL)
                break;
            f[n].n++;
        }
        n++;
    }
    return n;
}

static int filter_match(const struct filter *f, const char *value)
{
    for (int k = 0; k < f->n; k++)
        if (value && strcmp(f->values[k], value) == 0)
            return 1;
    return 0;
}

/* MaxRecords: absent → 100; outside 20..100 → InvalidParameterValue. */
static int max_records(struct fc_request *req, struct fc_response *r, long *out)
{
    char *v = aws_param(req, "MaxRecords"), *end = NULL;
    long n = v ? strtol(v, &end, 10) : 100;
    int bad = v && (end == v || *end || n < 20 || n > 100);

    if (bad)
        aws_error(r, "rds", 400, "InvalidParameterValue",
                  "Invalid value %s for MaxRecords. Must be between 20 and 100", v);
    free(v);
    *out = n;
    return bad ? -1 : 0;
}

static const char *task_status(const struct fw_rds_export *x, int64_t now)
{
    switch (fw_status_at(&x->work, now)) {
    case FW_PENDING:
        return "STARTING";
    case FW_RUNNING:
        return "IN_PROGRESS";
    case FW_SUCCEEDED:
        return "COMPLETE";
    case FW_FAILED:
        return "FAILED";
    default:
        return "CANCELED";
    }
}

static void task_xml(struct buf *b, const struct fw_rds_export *x, int64_t now)
{
    enum fw_state s = fw_status_at(&x->work, now);

    aws_xml_text(b, "ExportTaskIdentifier", x->id);
    aws_xml_text(b, "SourceArn", x->source_arn);
    if (x->n_export_only) {
        buf_puts(b, "<ExportOnly>");
        for (size_t i = 0; i < x->n_export_only; i++)
            aws_xml_text(b, "member", x->export_only[i]);
        buf_puts(b, "</ExportOnly>");
    }
    aws_xml_time(b, "SnapshotTime", x->snapshot_time_ms);
    if (s != FW_PENDING)
        aws_xml_time(b, "TaskStartTime", x->work.start_ms);
    if (s >= FW_SUCCEEDED)
        aws_xml_time(b, "TaskEndTime", x->work.end_ms);
    aws_xml_text(b, "S3Bucket", x->bucket);
    aws_xml_text(b, "S3Prefix", x->prefix);
    aws_xml_text(b, "IamRoleArn", x->iam_role);
    aws_xml_text(b, "KmsKeyId", x->kms_key);
    aws_xml_text(b, "Status", task_status(x, now));
    aws_xml_long(b, "PercentProgress", fw_rds_percent(x, now));
    aws_xml_long(b, "TotalExtractedDataInGB", s == FW_SUCCEEDED ? x->total_gb : 0);
    if (s == FW_FAILED)
        aws_xml_text(b, "FailureCause", x->work.error_message);
    if (s == FW_SUCCEEDED)
        aws_xml_text(b, "WarningMessage", x->warning);
    aws_xml_text(b, "SourceType", x->source_type);
}

static int task_matches(const struct fw_rds_export *x, int64_t now, const char *id, const char *arn,
                        const char *type, const struct filter *f, int nf)
{
    char status[16];
    size_t i;

    if ((id && strcmp(id, x->id) != 0) || (arn && strcmp(arn, x->source_arn) != 0) ||
        (type && strcmp(type, x->source_type) != 0))
        return 0;
    /* the status filter takes lower-case values (upper-case ones match nothing) */
    for (i = 0; task_status(x, now)[i] && i + 1 < sizeof(status); i++)
        status[i] = (char)tolower((unsigned char)task_status(x, now)[i]);
    status[i] = '\0';
    for (int k = 0; k < nf; k++) {
        const char *n = f[k].name;
        const char *v = strcmp(n, "export-task-identifier") == 0 ? x->id
                        : strcmp(n, "s3-bucket") == 0            ? x->bucket
                        : strcmp(n, "source-arn") == 0           ? x->source_arn
                                                                 : status;
        if (!filter_match(&f[k], v))
            return 0;
    }
    return 1;
}

static int check_filters(struct fc_response *r, const struct filter *f, int nf)
{
    static const char *const names[] = {"export-task-identifier", "s3-bucket", "source-arn",
                                        "status", NULL};
    for (int k = 0; k < nf; k++) {
        int i = 0;
        while (names[i] && strcmp(names[i], f[k].name) != 0)
            i++;
        if (names[i] == NULL) {
            aws_error(r, "rds", 400, "InvalidParameterValue", "Unrecognized filter name: %s.",
                      f[k].name);
            return -1;
        }
        if (f[k].n == 0) {
            aws_error(r, "rds", 400, "InvalidParameterCombination",
                      "Filter %s must have at least one value.", f[k].name);
            return -1;
        }
    }
    return 0;
}

int rds_describe_export_tasks(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    struct filter f[MAX_FILTERS];
    struct buf b = BUF_INIT(FC_MAX_BODY);
    char *id = aws_param(req, "ExportTaskIdentifier"), *arn = aws_param(req, "SourceArn");
    char *type = aws_param(req, "SourceType"), *marker = aws_param(req, "Marker");
    char tok[FW_TOKEN_MAX];
    int nf = filters_read(req, f), rc = 0;
    size_t start = 0, shown = 0, i, page;
    long max;

    if (aws_begin(&c, fc, req, r, "rds"))
        goto out;
    if (max_records(req, r, &max) != 0 || check_filters(r, f, nf) != 0)
        goto done;
    if (marker && fw_token_parse(marker, "rds.DescribeExportTasks", &start) != 0) {
        rc = aws_error(r, "rds", 400, "InvalidParameterValue", "The marker %s is not valid.",
                       marker);
        goto done;
    }
    if (id && fw_rds_export_find(c.w, id) < 0) {
        rc = aws_error(r, "rds", 404, "ExportTaskNotFound",
                       "The export task with the ID %s was not found.", id);
        goto done;
    }
    page = fw_page(c.w, (size_t)max);
    buf_puts(&b, "<ExportTasks>");
    for (i = start; i < c.w->n_rds_exports; i++) {
        const struct fw_rds_export *x = &c.w->rds_exports[i];
        if (x->work.created_ms > c.now || !task_matches(x, c.now, id, arn, type, f, nf))
            continue;
        if (shown == page)
            break;
        buf_puts(&b, "<ExportTask>");
        task_xml(&b, x, c.now);
        buf_puts(&b, "</ExportTask>");
        shown++;
    }
    buf_puts(&b, "</ExportTasks>");
    if (i < c.w->n_rds_exports) {
        fw_token_make(tok, "rds.DescribeExportTasks", i);
        aws_xml_text(&b, "Marker", tok);
    }
    rc = aws_query_ok(r, "rds", "DescribeExportTasks", &b);
done:
    aws_end(&c);
out:
    filters_release(f, nf);
    free(id);
    free(arn);
    free(type);
    free(marker);
    buf_release(&b);
    return rc;
}

int rds_start_export_task(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    static const char *const required[] = {"ExportTaskIdentifier", "SourceArn", "S3BucketName",
                                           "IamRoleArn", "KmsKeyId"};
    char *v[5] = {NULL}, *prefix = aws_param(req, "S3Prefix"), *only[32], key[64];
    struct aws_call c;
    struct fw_rds_export_req q;
    struct fw_error e;
    struct buf b = BUF_INIT(65536);
    size_t n_only = 0;
    long x;
    int rc = 0;

    for (int i = 0; i < 5; i++)
        v[i] = aws_param(req, required[i]);
    for (int i = 1; n_only < 32; i++) {
        snprintf(key, sizeof(key), "ExportOnly.member.%d", i);
        if ((only[n_only] = aws_param(req, key)) == NULL)
            break;
        n_only++;
    }
    if (aws_begin(&c, fc, req, r, "rds"))
        goto out;
    for (int i = 0; i < 5; i++) {
        if (v[i] == NULL || v[i][0] == '\0') {
            rc = aws_error(r, "rds", 400, "MissingParameter",
                           "The request must contain the parameter %s", required[i]);
            goto done;
        }
    }
    memset(&q, 0, sizeof(q));
    q.id = v[0];
    q.source_arn = v[1];
    q.bucket = v[2];
    q.iam_role = v[3];
    q.kms_key = v[4];
    q.prefix = prefix;
    q.export_only = (const char *const *)only;
    q.n_export_only = n_only;
    if ((x = fw_rds_export_start(c.w, &q, c.now, &e)) < 0) {
        rc = aws_fw_error(r, "rds", &e);
        goto done;
    }
    task_xml(&b, &c.w->rds_exports[x], c.now);
    rc = aws_query_ok(r, "rds", "StartExportTask", &b);
done:
    aws_end(&c);
out:
    for (int i = 0; i < 5; i++)
        free(v[i]);
    for (size_t i = 0; i < n_only; i++)
        free(only[i]);
    free(prefix);
    buf_release(&b);
    return rc;
}

static void snapshot_xml(struct buf *b, const struct fw_world *w, const struct fw_snapshot *s)
{
    const struct fw_cluster *c = &w->clusters[s->cluster];

    buf_puts(b, "<DBClusterSnapshot><AvailabilityZones>");
    aws_xml_text(b, "AvailabilityZone", "us-east-1a");
    buf_puts(b, "</AvailabilityZones>");
    aws_xml_text(b, "DBClusterSnapshotIdentifier", s->id);
    aws_xml_text(b, "DBClusterIdentifier", c->id);
    aws_xml_time(b, "SnapshotCreateTime", s->create_ms);
    aws_xml_text(b, "Engine", c->engine);
    aws_xml_text(b, "EngineMode", "provisioned");
    aws_xml_long(b, "AllocatedStorage", 1);
    aws_xml_text(b, "Status", s->status);
    aws_xml_long(b, "Port", strcmp(c->engine, "aurora-postgresql") == 0 ? 5432 : 3306);
    aws_xml_text(b, "VpcId", "vpc-0fakec10ud000001");
    aws_xml_time(b, "ClusterCreateTime", c->created_ms);
    aws_xml_text(b, "MasterUsername", "admin");
    aws_xml_text(b, "EngineVersion", c->engine_version);
    aws_xml_text(b, "LicenseModel",
                 strcmp(c->engine, "aurora-postgresql") == 0 ? "postgresql-license"
                                                             : "general-public-license");
    aws_xml_text(b, "SnapshotType", s->type);
    aws_xml_long(b, "PercentProgress", 100);
    aws_xml_bool(b, "StorageEncrypted", 1);
    aws_xml_text(b, "KmsKeyId", w->kms_key);
    aws_xml_text(b, "DBClusterSnapshotArn", s->arn);
    aws_xml_bool(b, "IAMDatabaseAuthenticationEnabled", 0);
    buf_puts(b, "<TagList/></DBClusterSnapshot>");
}

int rds_describe_db_cluster_snapshots(struct fakecloud *fc, struct fc_request *req,
                                      struct fc_response *r)
{
    struct aws_call c;
    struct buf b = BUF_INIT(FC_MAX_BODY);
    char *cl = aws_param(req, "DBClusterIdentifier"), *type = aws_param(req, "SnapshotType");
    char *sid = aws_param(req, "DBClusterSnapshotIdentifier"), *marker = aws_param(req, "Marker");
    char tok[FW_TOKEN_MAX];
    size_t start = 0, shown = 0, i, page;
    long max, ci = -1;
    int rc = 0;

    if (aws_begin(&c, fc, req, r, "rds"))
        goto out;
    if (max_records(req, r, &max) != 0)
        goto done;
    if (marker && fw_token_parse(marker, "rds.DescribeDBClusterSnapshots", &start) != 0) {
        rc = aws_error(r, "rds", 400, "InvalidParameterValue", "The marker %s is not valid.",
                       marker);
        goto done;
    }
    if (type && strcmp(type, "automated") != 0 && strcmp(type, "manual") != 0 &&
        strcmp(type, "shared") != 0 && strcmp(type, "public") != 0 &&
        strcmp(type, "awsbackup") != 0) {
        rc = aws_error(r, "rds", 400, "InvalidParameterValue",
                       "Invalid snapshot type: %s. Valid values are automated, manual, shared, "
                       "public and awsbackup.",
                       type);
        goto done;
    }
    if (sid) {
        long s = fw_snapshot_find(c.w, sid);
        if (s < 0 || c.w->snapshots[s].deleted) {
            rc = aws_error(r, "rds", 404, "DBClusterSnapshotNotFoundFault",
                           "DBClusterSnapshot %s not found.", sid);
            goto done;
        }
    }
    if (cl)
        ci = fw_cluster_find(c.w, cl);
    page = fw_page(c.w, (size_t)max);
    buf_puts(&b, "<DBClusterSnapshots>");
    for (i = start; i < c.w->n_snapshots; i++) {
        const struct fw_snapshot *s = &c.w->snapshots[i];
        if (s->deleted || (cl && (ci < 0 || s->cluster != (size_t)ci)) ||
            (type && strcmp(type, s->type) != 0) ||
            (sid && strcmp(sid, s->id) != 0 && strcmp(sid, s->arn) != 0))
            continue;
        if (shown == page)
            break;
        snapshot_xml(&b, c.w, s);
        shown++;
    }
    buf_puts(&b, "</DBClusterSnapshots>");
    if (i < c.w->n_snapshots) {
        fw_token_make(tok, "rds.DescribeDBClusterSnapshots", i);
        aws_xml_text(&b, "Marker", tok);
    }
    rc = aws_query_ok(r, "rds", "DescribeDBClusterSnapshots", &b);
done:
    aws_end(&c);
out:
    free(cl);
    free(type);
    free(sid);
    free(marker);
    buf_release(&b);
    return rc;
}
