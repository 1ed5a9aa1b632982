/* core/s3.c: S3 ListObjectsV2 / GetObject request builders (virtual-host or path-style, keys
 * encoded once), the ListBucketResult parser (expat, local names) and the S3 error reader. Builds
 * and reads only: never sends, signs or pages. */
#include "core/s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apierr.h"
#include "core/reqbuild.h"
#include "core/xmlx.h"

void s3_object_release(struct s3_object *o)
{
    free(o->key);
    free(o->etag);
    free(o->storage_class);
    memset(o, 0, sizeof(*o));
}

void s3_listing_release(struct s3_listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        s3_object_release(&l->v[i]);
    free(l->v);
    for (size_t i = 0; i < l->n_common_prefixes; i++)
        free(l->common_prefixes[i]);
    free(l->common_prefixes);
    free(l->bucket);
    free(l->prefix);
    free(l->next_token);
    memset(l, 0, sizeof(*l));
}

/* Whether host (up to ':' or '/') is a DNS name a bucket label can be put in front of: not an IP
 * literal and not localhost. */
static bool has_dns_name(const char *host)
{
    size_t n = strcspn(host, ":/");

    if (*host == '[' || (n == 9 && strncmp(host, "localhost", 9) == 0))
        return false;
    return strspn(host, "0123456789.") < n;
}

/* {base}/{bucket} (path-style) or {scheme}{bucket}.{host} into url, without a trailing '/'. */
static int bucket_url(struct buf *url, const char *base_url, bool path_style, const char *bucket,
                      struct err *e)
{
    struct buf base = BUF_INIT(REQBUILD_MAX);
    const char *host;
    int rc = -1;

    if (bucket == NULL || *bucket == '\0' || strchr(bucket, '/'))
        return err_set(e, ERR_USAGE, "s3: \"%s\" is not a bucket name", bucket ? bucket : "");
    if (reqbuild_base(&base, base_url, e) != 0)
        goto out;
    host = strstr(buf_cstr(&base), "://") + 3;
    if (path_style || strchr(bucket, '.') || !has_dns_name(host)) {
        if (buf_append(url, base.data, base.len) || buf_putc(url, '/') ||
            reqbuild_path(url, bucket, 0))
            goto big;
    } else {
        if (buf_append(url, base.data, (size_t)(host - base.data)) || buf_puts(url, bucket) ||
            buf_putc(url, '.') || buf_puts(url, host))
            goto big;
    }
    rc = 0;
    goto out;
big:
    reqbuild_toobig(e, "s3");
out:
    buf_release(&base);
    return rc;
}

int s3_build_list_objects(struct http_request *req, const char *base_url, bool path_style,
                          const char *bucket, const char *prefix, const char *delimiter,
                          int max_keys, const char *continuation_token, struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), q = BUF_INIT(REQBUILD_MAX),
               cmd = BUF_INIT(REQBUILD_MAX);
    const char *token = continuation_token && *continuation_token ? continuation_token : NULL;
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if (bucket_url(&url, base_url, path_style, bucket, e) != 0)
        goto out;
    if (reqbuild_param(&q, "list-type", "2") || reqbuild_param(&q, "prefix", prefix) ||
        reqbuild_param(&q, "delimiter", delimiter) ||
        (max_keys > 0 && reqbuild_param_long(&q, "max-keys", max_keys)) ||
        reqbuild_param(&q, "continuation-token", token) || buf_puts(&url, "/?") ||
        buf_append(&url, q.data, q.len))
        goto big;
    if (buf_puts(&cmd, "aws s3api list-objects-v2") || reqbuild_opt(&cmd, "--bucket", bucket) ||
        reqbuild_opt(&cmd, "--prefix", prefix) || reqbuild_opt(&cmd, "--delimiter", delimiter) ||
        (max_keys > 0 && buf_printf(&cmd, " --max-keys %d", max_keys)) ||
        reqbuild_opt(&cmd, "--continuation-token", token) || reqbuild_aws_endpoint(&cmd, base_url))
        goto big;
    rc = reqbuild_finish(req, "s3", "ListObjectsV2", "GET", &url, NULL, 0, NULL, &cmd, e);
    goto out;
big:
    reqbuild_toobig(e, "s3 ListObjectsV2");
out:
    buf_release(&url);
    buf_release(&q);
    buf_release(&cmd);
    return rc;
}

int s3_build_get_object(struct http_request *req, const char *base_url, bool path_style,
                        const char *bucket, const char *key, const char *range, struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), cmd = BUF_INIT(REQBUILD_MAX),
               src = BUF_INIT(REQBUILD_MAX);
    const char *headers[] = {"Range", range, NULL};
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if (key == NULL || *key == '\0') {
        err_set(e, ERR_USAGE, "s3 GetObject: an object key is required");
        goto out;
    }
    if (bucket_url(&url, base_url, path_style, bucket, e) != 0)
        goto out;
    if (buf_putc(&url, '/') || reqbuild_path(&url, key, 1))
        goto big;
    if (buf_printf(&src, "s3://%s/%s", bucket, key) || buf_puts(&cmd, "aws s3 cp") ||
        reqbuild_arg(&cmd, buf_cstr(&src)) || reqbuild_arg(&cmd, "-") ||
        reqbuild_aws_endpoint(&cmd, base_url))
        goto big;
    rc = reqbuild_finish(req, "s3", "GetObject", "GET", &url, NULL, 0, range ? headers : NULL, &cmd,
                         e);
    goto out;
big:
    reqbuild_toobig(e, "s3 GetObject");
out:
    buf_release(&url);
    buf_release(&cmd);
    buf_release(&src);
    return rc;
}

static int read_object(struct s3_object *o, const struct xml_node *n, const char *call,
                       const char *path, struct err *e)
{
    size_t len;

    if (xml_get_str(n, "Key", 1, &o->key, call, path, e) ||
        xml_get_int64(n, "Size", 1, &o->size, call, path, e) ||
        xml_get_time(n, "LastModified", 0, &o->modified_ms, call, path, e) ||
        xml_get_str(n, "ETag", 0, &o->etag, call, path, e) ||
        xml_get_str(n, "StorageClass", 0, &o->storage_class, call, path, e))
        return -1;
    if (o->etag && (len = strlen(o->etag)) >= 2 && o->etag[0] == '"' && o->etag[len - 1] == '"') {
        memmove(o->etag, o->etag + 1, len - 2);
        o->etag[len - 2] = '\0';
    }
    return 0;
}

static size_t count_of(const struct xml_node *root, const char *name)
{
    size_t n = 0;

    for (const struct xml_node *c = xml_child(root, name); c; c = xml_next_same(c))
        n++;
    return n;
}

static int read_listing(struct s3_listing *l, const struct xml_node *root, const char *call,
                        struct err *e)
{
    const struct xml_node *c;
    char path[64];
    int truncated = 0;
    size_t i = 0;

    l->key_count = -1;
    if (strcmp(root->name, "ListBucketResult") != 0)
        return err_set(e, ERR_PARSE,
                       "%s: the answer's root element is <%s>, expected "
                       "<ListBucketResult>",
                       call, root->name);
    if (xml_get_str(root, "Name", 0, &l->bucket, call, "ListBucketResult", e) ||
        xml_get_str(root, "Prefix", 0, &l->prefix, call, "ListBucketResult", e) ||
        xml_get_int64(root, "KeyCount", 0, &l->key_count, call, "ListBucketResult", e) ||
        xml_get_bool(root, "IsTruncated", 0, &truncated, call, "ListBucketResult", e) ||
        xml_get_str(root, "NextContinuationToken", 0, &l->next_token, call, "ListBucketResult", e))
        return -1;
    l->truncated = truncated != 0;
    if (xml_child_text(root, "EncodingType") != NULL)
        return err_set(e, ERR_PARSE,
                       "%s: the listing has EncodingType %s (encoded keys), which "
                       "pipetop never asks for",
                       call, xml_child_text(root, "EncodingType"));
    if (l->truncated && (l->next_token == NULL || *l->next_token == '\0'))
        return err_set(e, ERR_PARSE,
                       "%s: IsTruncated is true but NextContinuationToken is "
                       "missing, so the rest of the listing cannot be read",
                       call);
    if (!l->truncated) { /* a token without truncation means nothing more to read */
        free(l->next_token);
        l->next_token = NULL;
    }
    if (l->next_token == NULL && (l->next_token = strdup("")) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", call);
    if ((l->n = count_of(root, "Contents")) > 0 && (l->v = calloc(l->n, sizeof(*l->v))) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", call);
    for (c = xml_child(root, "Contents"); c; c = xml_next_same(c), i++) {
        snprintf(path, sizeof(path), "Contents[%zu]", i);
        if (read_object(&l->v[i], c, call, path, e) != 0)
            return -1;
    }
    if ((i = count_of(root, "CommonPrefixes")) > 0 &&
        (l->common_prefixes = calloc(i, sizeof(char *))) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", call);
    for (c = xml_child(root, "CommonPrefixes"); c; c = xml_next_same(c)) {
        snprintf(path, sizeof(path), "CommonPrefixes[%zu]", l->n_common_prefixes);
        if (xml_get_str(c, "Prefix", 1, &l->common_prefixes[l->n_common_prefixes], call, path, e) !=
            0)
            return -1;
        l->n_common_prefixes++;
    }
    return 0;
}

int s3_parse_list_objects(struct s3_listing *out, const char *body, size_t len, struct err *e)
{
    const char *call = "s3 ListObjectsV2";
    struct xml_node *root = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if (xml_parse(&root, call, body, len, e) != 0)
        return -1;
    rc = read_listing(out, root, call, e);
    if (rc != 0)
        s3_listing_release(out);
    xml_free(root);
    return rc;
}

int s3_error(struct err *e, const char *operation, long status, const struct http_headers *h,
             const char *body, size_t len)
{
    char where[96];

    snprintf(where, sizeof(where), "s3 %s", operation);
    return apierr_aws_xml(e, where, status, h, body, len);
}
