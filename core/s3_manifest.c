/* core/s3_manifest.c: the manifests a DynamoDB export writes to S3 — manifest-summary.json (one
 * object, ISO timestamps) and manifest-files.json (JSON Lines, one object per line) — read through
 * core/jsonx. A bad line is an ERR_PARSE naming its number; no line is skipped silently. */
#include "core/s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

void ddb_manifest_summary_release(struct ddb_manifest_summary *s)
{
    char **f[] = {&s->version,          &s->export_arn,        &s->table_arn,
                  &s->table_id,         &s->s3_bucket,         &s->s3_prefix,
                  &s->s3_sse_algorithm, &s->s3_sse_kms_key_id, &s->manifest_files_key,
                  &s->output_format,    &s->export_type};

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        free(*f[i]);
    memset(s, 0, sizeof(*s));
}

static void file_release(struct ddb_manifest_file *f)
{
    free(f->data_key);
    free(f->md5);
    free(f->etag);
}

void ddb_manifest_files_release(struct ddb_manifest_files *l)
{
    for (size_t i = 0; i < l->n; i++)
        file_release(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static int read_summary(struct ddb_manifest_summary *s, const json_t *o, const struct jloc *at,
                        struct err *e)
{
    s->billed_size_bytes = -1;
    s->item_count = -1;
    if (jsonx_str(o, "version", 0, &s->version, at, e) ||
        jsonx_str(o, "exportArn", 1, &s->export_arn, at, e) ||
        jsonx_rfc3339_ms(o, "startTime", 0, &s->start_ms, at, e) ||
        jsonx_rfc3339_ms(o, "endTime", 0, &s->end_ms, at, e) ||
        jsonx_str(o, "tableArn", 0, &s->table_arn, at, e) ||
        jsonx_str(o, "tableId", 0, &s->table_id, at, e) ||
        jsonx_rfc3339_ms(o, "exportTime", 0, &s->export_time_ms, at, e) ||
        jsonx_str(o, "s3Bucket", 0, &s->s3_bucket, at, e) ||
        jsonx_str(o, "s3Prefix", 0, &s->s3_prefix, at, e) ||
        jsonx_str(o, "s3SseAlgorithm", 0, &s->s3_sse_algorithm, at, e) ||
        jsonx_str(o, "s3SseKmsKeyId", 0, &s->s3_sse_kms_key_id, at, e) ||
        jsonx_str(o, "manifestFilesS3Key", 1, &s->manifest_files_key, at, e) ||
        jsonx_int64(o, "billedSizeBytes", 0, &s->billed_size_bytes, at, e) ||
        jsonx_int64(o, "itemCount", 0, &s->item_count, at, e) ||
        jsonx_str(o, "outputFormat", 0, &s->output_format, at, e) ||
        jsonx_str(o, "exportType", 0, &s->export_type, at, e))
        return -1;
    return 0;
}

int s3_parse_manifest_summary(struct ddb_manifest_summary *out, const char *body, size_t len,
                              struct err *e)
{
    struct jloc at = {"manifest-summary.json", ""};
    json_t *root;
    int rc;

    memset(out, 0, sizeof(*out));
    if (jsonx_load(&root, at.call, body, len, e) != 0)
        return -1;
    rc = read_summary(out, root, &at, e);
    if (rc != 0)
        ddb_manifest_summary_release(out);
    json_decref(root);
    return rc;
}

static int read_line(struct ddb_manifest_file *f, const char *line, size_t len, size_t lineno,
                     struct err *e)
{
    char call[64];
    struct jloc at = {call, ""};
    json_t *o;
    int rc;

    snprintf(call, sizeof(call), "manifest-files.json line %zu", lineno);
    if (jsonx_load(&o, call, line, len, e) != 0)
        return -1;
    rc = jsonx_str(o, "dataFileS3Key", 1, &f->data_key, &at, e) ||
         jsonx_int64(o, "itemCount", 1, &f->item_count, &at, e) ||
         jsonx_str(o, "md5Checksum", 0, &f->md5, &at, e) ||
         jsonx_str(o, "etag", 0, &f->etag, &at, e);
    json_decref(o);
    return rc ? -1 : 0;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

int s3_parse_manifest_files(struct ddb_manifest_files *out, const char *body, size_t len,
                            struct err *e)
{
    size_t lines = 0, pos = 0, lineno = 0;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < len; i++)
        lines += body[i] == '\n';
    if ((out->v = calloc(lines + 1, sizeof(*out->v))) == NULL)
        return err_set(e, ERR_NOMEM, "manifest-files.json: out of memory");
    while (pos < len) {
        const char *nl = memchr(body + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - body) : len;

        lineno++;
        if (!blank(body + pos, end - pos)) {
            if (read_line(&out->v[out->n], body + pos, end - pos, lineno, e) != 0) {
                file_release(&out->v[out->n]);
                ddb_manifest_files_release(out);
                return -1;
            }
            out->n++;
        }
        pos = end + 1;
    }
    if (out->n == 0) {
        free(out->v);
        out->v = NULL;
    }
    return 0;
}
