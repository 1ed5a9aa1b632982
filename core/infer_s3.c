/* core/infer_s3.c: export data read from S3 for inference — manifest-summary.json ->
 * manifest-files.json -> each data file, the data files streamed with ranged GetObject calls of
 * INFER_S3_RANGE bytes each through the inflate reader, so memory stays bounded whatever the
 * object size. Only GET calls; never writes to S3. */
#include "core/infer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/infer_s3.h"

static int get(struct infer_s3 *s, const char *bucket, const char *key, const char *range,
               size_t max, struct http_response *resp, struct err *e)
{
    struct http_request req;
    char cmd[1200];

    memset(resp, 0, sizeof(*resp));
    if (s3_build_get_object(&req, s->base_url, s->path_style, bucket, key, range, e))
        return -1;
    req.prepare = s->prepare;
    req.prepare_ctx = s->prepare_ctx;
    req.max_response = max;
    snprintf(cmd, sizeof(cmd), "aws s3api get-object --bucket %s --key %s%s%s -", bucket, key,
             range ? " --range " : "", range ? range : "");
    free(req.command); /* the builder's line has no --range */
    req.command = strdup(cmd);
    if (http_do(s->http, &req, resp, e) != 0) {
        if (resp->status >= 300) {
            struct err se = ERR_INIT;
            s3_error(&se, "GetObject", resp->status, &resp->headers, resp->body.data,
                     resp->body.len);
            err_clear(e);
            err_set_http(e, se.code, se.http_status, "s3://%s/%s: %s", bucket, key, se.msg);
        }
        http_response_release(resp);
        return -1;
    }
    return 0;
}

int infer_s3_get_small(struct infer_s3 *s, const char *bucket, const char *key, size_t max,
                       struct buf *out, struct err *e)
{
    struct http_response resp;

    if (get(s, bucket, key, NULL, max, &resp, e))
        return -1;
    *out = resp.body;
    resp.body = (struct buf)BUF_INIT(0);
    http_response_release(&resp);
    return 0;
}

struct line_ctx {
    struct infer *in;
    const char *key;
};

static int on_line(void *ctx, const char *line, size_t len, int64_t lineno, struct err *e)
{
    struct line_ctx *c = ctx;
    char where[1100];

    snprintf(where, sizeof(where), "%s line %lld", c->key, (long long)lineno);
    if (infer_add_line(c->in, line, len, where, e))
        return -1;
    return infer_done(c->in) ? 1 : 0;
}

/* The total size from "Content-Range: bytes a-b/total", or -1. */
static long long range_total(const struct http_response *r)
{
    const char *cr = http_headers_get(&r->headers, "Content-Range");
    const char *slash = cr ? strrchr(cr, '/') : NULL;
    return slash && slash[1] != '*' ? strtoll(slash + 1, NULL, 10) : -1;
}

int infer_s3_add_object(struct infer_s3 *s, struct infer *in, const char *bucket, const char *key,
                        struct err *e)
{
    struct infer_reader *r = NULL;
    struct line_ctx c = {in, key};
    long long off = 0, total = -1;
    int rc = -1;

    if (infer_reader_new(&r, key, on_line, &c, e))
        return -1;
    while (total < 0 || off < total) {
        struct http_response resp;
        char range[64];
        snprintf(range, sizeof(range), "bytes=%lld-%lld", off, off + INFER_S3_RANGE - 1);
        if (get(s, bucket, key, range, INFER_S3_RANGE + 1024, &resp, e))
            goto out;
        if (resp.status == 200) /* the whole object: the server ignored Range */
            total = (long long)resp.body.len;
        else if ((total = range_total(&resp)) < 0)
            total = off + (long long)resp.body.len;
        int fr = resp.body.len ? infer_reader_feed(r, resp.body.data, resp.body.len, e) : 0;
        off += (long long)resp.body.len;
        bool empty = resp.body.len == 0;
        http_response_release(&resp);
        if (fr < 0)
            goto out;
        if (fr > 0 || empty)
            break;
    }
    rc = infer_reader_finish(r, e);
out:
    infer_reader_free(r);
    return rc;
}

int infer_s3_add_export(struct infer_s3 *s, struct infer *in, const char *bucket,
                        const char *summary_key, struct ddb_manifest_summary *summary,
                        struct err *e)
{
    struct buf b = BUF_INIT(0);
    struct ddb_manifest_files mf = {0};
    int rc = -1;

    memset(summary, 0, sizeof(*summary));
    if (infer_s3_get_small(s, bucket, summary_key, 1u << 20, &b, e) ||
        s3_parse_manifest_summary(summary, buf_cstr(&b), b.len, e))
        goto out;
    if (summary->manifest_files_key == NULL) {
        err_set(e, ERR_PARSE, "s3://%s/%s: no manifestFilesS3Key", bucket, summary_key);
        goto out;
    }
    buf_release(&b);
    if (infer_s3_get_small(s, bucket, summary->manifest_files_key, 64u << 20, &b, e) ||
        s3_parse_manifest_files(&mf, buf_cstr(&b), b.len, e))
        goto out;
    for (size_t i = 0; i < mf.n && !infer_done(in); i++)
        if (mf.v[i].data_key == NULL || infer_s3_add_object(s, in, bucket, mf.v[i].data_key, e))
            goto out;
    rc = 0;
out:
    if (rc != 0 && e->code == ERR_OK)
        err_set(e, ERR_PARSE, "s3://%s/%s: a manifest line has no dataFileS3Key", bucket,
                summary_key);
    ddb_manifest_files_release(&mf);
    buf_release(&b);
    return rc;
}
