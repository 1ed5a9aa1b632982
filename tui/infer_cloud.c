/* tui/infer_cloud.c: infer_src_cloud() (tui/infer_src.h) — the session, DescribeExport or a
 * ListObjectsV2 search for the newest manifest-summary.json, the data streamed from S3
 * (core/infer_s3.h), and DescribeTable for the key attributes. Read calls only. */
#include "tui/infer_src.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws_sign.h"
#include "core/bq.h"
#include "core/gauth.h"
#include "core/ddb.h"
#include "core/infer_s3.h"
#include "core/listall.h"
#include "tui/exitcode.h"
#include "tui/session.h"

struct cloud {
    struct session *ss;
    const struct aws_creds *creds;
    struct aws_endpoint s3ep, ddbep;
    struct aws_signer s3sign, ddbsign;
    struct infer_s3 s3;
};

/* POSTs a built DynamoDB request; the body into *resp on 2xx. */
static int ddb_call(struct cloud *c, struct http_request *req, const char *op,
                    struct http_response *resp, struct err *e)
{
    req->prepare = aws_sign_prepare;
    req->prepare_ctx = &c->ddbsign;
    memset(resp, 0, sizeof(*resp));
    if (http_do(c->ss->http, req, resp, e) == 0)
        return 0;
    if (resp->status >= 300) {
        err_clear(e);
        ddb_error(e, op, resp->status, &resp->headers, resp->body.data, resp->body.len);
    }
    http_response_release(resp);
    return -1;
}

static void read_keys(struct cloud *c, struct infer_src *s)
{
    struct http_request req;
    struct http_response resp;
    struct ddb_table t = {0};
    struct err e = ERR_INIT;

    if (ddb_build_describe_table(&req, c->ddbep.url, s->ddb_table, &e) ||
        ddb_call(c, &req, "DescribeTable", &resp, &e)) {
        infer_src_note(s, "key attributes unknown (DescribeTable %s: %s); use --keys", s->ddb_table,
                       e.msg);
        return;
    }
    if (ddb_parse_describe_table(&t, resp.body.data, resp.body.len, &e) == 0) {
        for (int want = 0; want < 2; want++)
            for (size_t i = 0; i < t.n_keys; i++)
                if (t.keys[i].key_type && t.keys[i].attribute &&
                    strcmp(t.keys[i].key_type, want ? "RANGE" : "HASH") == 0 && s->n_keys < 2)
                    s->keys[s->n_keys++] = strdup(t.keys[i].attribute);
    }
    ddb_table_release(&t);
    http_response_release(&resp);
}

/* The table name of an ARN "...:table/NAME[/export/ID]". */
static void table_of_arn(char *out, size_t n, const char *arn)
{
    const char *t = arn ? strstr(arn, ":table/") : NULL;
    size_t len;

    out[0] = '\0';
    if (t == NULL)
        return;
    t += 7;
    len = strcspn(t, "/");
    snprintf(out, n, "%.*s", (int)len, t);
}

static int from_arn(struct cloud *c, struct infer_src *s, const char *arn, char **bucket,
                    char **key, struct err *e)
{
    struct http_request req;
    struct http_response resp;
    struct ddb_export x = {0};
    int rc = -1;

    if (ddb_build_describe_export(&req, c->ddbep.url, arn, e) ||
        ddb_call(c, &req, "DescribeExport", &resp, e))
        return -1;
    if (ddb_parse_describe_export(&x, resp.body.data, resp.body.len, e) == 0) {
        if (x.status == NULL || strcmp(x.status, "COMPLETED") != 0)
            err_set(e, ERR_NOT_FOUND, "export %s is %s, not COMPLETED: it has no files to read",
                    arn, x.status ? x.status : "of unknown status");
        else if (x.s3_bucket == NULL || x.manifest == NULL)
            err_set(e, ERR_PARSE, "DescribeExport %s: no S3 bucket or manifest in the answer", arn);
        else if ((*bucket = strdup(x.s3_bucket)) != NULL && (*key = strdup(x.manifest)) != NULL)
            rc = 0;
        else
            err_set(e, ERR_NOMEM, "out of memory");
    }
    snprintf(s->export_arn, sizeof(s->export_arn), "%s", arn);
    ddb_export_release(&x);
    http_response_release(&resp);
    return rc;
}

/* The newest manifest-summary.json under prefix (or prefix itself when it names one). */
static int find_summary(struct cloud *c, const char *bucket, const char *prefix, char **key,
                        struct err *e)
{
    struct listall_s3_objects q = {0};
    const char *suffix = "manifest-summary.json";
    size_t ls = strlen(suffix), lp = strlen(prefix);
    const struct s3_object *best = NULL;
    int rc = -1;

    if (lp >= ls && strcmp(prefix + lp - ls, suffix) == 0)
        return (*key = strdup(prefix)) ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    q.base_url = c->s3ep.url;
    q.path_style = c->s3ep.s3_path_style;
    q.bucket = bucket;
    q.prefix = prefix;
    struct pager_spec spec;
    listall_s3_objects(&spec, &q, aws_sign_prepare, &c->s3sign);
    if (pager_run(c->ss->http, &spec, NULL, e) == 0) {
        for (size_t i = 0; i < q.result.n; i++) {
            const struct s3_object *o = &q.result.v[i];
            size_t lk = strlen(o->key);
            if (lk >= ls && strcmp(o->key + lk - ls, suffix) == 0 &&
                (best == NULL || o->modified_ms > best->modified_ms ||
                 (o->modified_ms == best->modified_ms && strcmp(o->key, best->key) > 0)))
                best = o;
        }
        if (best == NULL)
            err_set(e, ERR_NOT_FOUND, "no %s under s3://%s/%s: not a DynamoDB export location",
                    suffix, bucket, prefix);
        else if ((*key = strdup(best->key)) != NULL)
            rc = 0;
    }
    s3_listing_release(&q.result);
    return rc;
}

static int open_cloud(struct cloud *c, struct err *e)
{
    if (session_aws_endpoint(c->ss, "s3", &c->s3ep, e) ||
        session_aws_endpoint(c->ss, "dynamodb", &c->ddbep, e) ||
        aws_creds_provider_get(c->ss->aws_creds, &c->creds, e))
        return -1;
    c->s3sign = (struct aws_signer){c->creds, c->ss->aws_region, "s3", 0};
    c->ddbsign = (struct aws_signer){c->creds, c->ss->aws_region, "dynamodb", 0};
    c->s3 = (struct infer_s3){c->ss->http, c->s3ep.url, c->s3ep.s3_path_style != 0,
                              aws_sign_prepare, &c->s3sign};
    return 0;
}

int infer_src_read(struct infer_src *s, struct session *ss, struct infer *in, const char *s3loc,
                   const char *arn, bool keys, struct err *e)
{
    struct cloud c;
    struct ddb_manifest_summary sum = {0};
    char *bucket = NULL, *key = NULL;
    int rc = -1;

    memset(&c, 0, sizeof(c));
    c.ss = ss;
    if (open_cloud(&c, e))
        goto out;
    if (arn != NULL) {
        table_of_arn(s->ddb_table, sizeof(s->ddb_table), arn);
        if (from_arn(&c, s, arn, &bucket, &key, e))
            goto out;
    } else {
        const char *b = s3loc + 5, *slash = strchr(b, '/');
        bucket = slash ? strndup(b, (size_t)(slash - b)) : strdup(b);
        if (bucket == NULL || find_summary(&c, bucket, slash ? slash + 1 : "", &key, e))
            goto out;
    }
    if (infer_s3_add_export(&c.s3, in, bucket, key, &sum, e))
        goto out;
    if (*s->ddb_table == '\0')
        table_of_arn(s->ddb_table, sizeof(s->ddb_table), sum.table_arn);
    if (*s->export_arn == '\0' && sum.export_arn)
        snprintf(s->export_arn, sizeof(s->export_arn), "%s", sum.export_arn);
    if (keys && *s->ddb_table)
        read_keys(&c, s);
    rc = 0;
out:
    ddb_manifest_summary_release(&sum);
    free(bucket);
    free(key);
    return rc;
}

/* The descriptions of the table the flat output defines, read with tables.get when Google is
 * usable; otherwise (or when it does not exist yet) a note says none were kept. */
static void read_existing(struct infer_src *s, struct session *ss)
{
    char src[160], p[256], d[256], t[512];
    const char *a = strchr(s->table, '.'), *b = a ? strchr(a + 1, '.') : NULL;
    const char *proj = session_gcp_project(ss, src, sizeof(src));
    struct http_request req;
    struct http_response resp;
    struct table_meta m;
    struct err e = ERR_INIT;

    if (ss->gauth == NULL || a == NULL || (b == NULL && proj == NULL)) {
        infer_src_note(s,
                       "no descriptions kept: %s was not read (no Google credentials or "
                       "project)",
                       s->table);
        return;
    }
    snprintf(p, sizeof(p), "%.*s", b ? (int)(a - s->table) : 255, b ? s->table : proj);
    snprintf(d, sizeof(d), "%.*s", b ? (int)(b - a - 1) : (int)(a - s->table),
             b ? a + 1 : s->table);
    snprintf(t, sizeof(t), "%s", b ? b + 1 : a + 1);
    memset(&resp, 0, sizeof(resp));
    memset(&m, 0, sizeof(m));
    if (bq_build_get_table(&req, session_bigquery_endpoint(ss), p, d, t, &e) != 0)
        return;
    req.prepare = gauth_prepare;
    req.prepare_ctx = ss->gauth;
    if (http_do(ss->http, &req, &resp, &e) == 0 &&
        bq_parse_table(&m, NULL, resp.body.data, resp.body.len, &e) == 0) {
        s->existing = m.fields;
        s->n_existing = m.n_fields;
        m.fields = NULL;
        m.n_fields = 0;
    } else {
        infer_src_note(s, "no descriptions kept: %s.%s.%s could not be read (HTTP %ld)", p, d, t,
                       resp.status);
    }
    table_meta_release(&m);
    http_response_release(&resp);
}

int infer_src_cloud(struct infer_src *s, const struct cli *cli, struct infer *in, const char *s3loc,
                    const char *arn, const char *table_opt, bool flat, struct err *e)
{
    struct session_options so = {{cli->config_path, cli->db_path, cli->read_only}, 0, 0, 0, false};
    struct session *ss = NULL;
    int rc = -1;

    if (session_open(&ss, &so, e) == 0 &&
        session_require(ss, SESSION_NEED_CONFIG | SESSION_NEED_AWS, e) == 0 &&
        infer_src_read(s, ss, in, s3loc, arn, true, e) == 0)
        rc = infer_src_names(s, cli, table_opt, *s->ddb_table ? s->ddb_table : NULL, flat, e);
    if (rc == 0 && flat)
        read_existing(s, ss);
    if (rc != 0 && ss != NULL)
        session_log_error(ss, "schema infer", e);
    session_close(ss);
    return rc == 0 ? 0 : exit_code_for(e->code);
}
