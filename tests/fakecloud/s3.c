/* tests/fakecloud/s3.c: S3 ListObjectsV2, GetObject and HeadObject, path-style
 * (/bucket?list-type=2, /bucket/key), serving the objects finished exports wrote: prefix,
 * delimiter + CommonPrefixes, max-keys, start-after, opaque continuation tokens (with + / =),
 * encoding-type=url, ETag/Last-Modified/Range on objects, NoSuchBucket/NoSuchKey. */
#include "tests/fakecloud/aws.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sigv4.h"

/* Continuation tokens: base64("s3|K|key") resumes after key, "s3|P|prefix" after every key
 * under that common prefix. */
static void token_make(char *out, size_t n, char mode, const char *key)
{
    size_t kl = strlen(key), rl = kl + 5;
    char *raw = malloc(rl + 1);

    out[0] = '\0';
    if (raw == NULL || 4 * ((rl + 2) / 3) + 1 > n) {
        free(raw);
        return;
    }
    snprintf(raw, rl + 1, "s3|%c|%s", mode, key);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)raw, (int)rl);
    free(raw);
}

static int token_parse(const char *tok, char *mode, char **key)
{
    size_t len = strlen(tok);
    unsigned char *raw = malloc(len + 1);
    int n;

    if (raw == NULL || len == 0 || len % 4 != 0 ||
        (n = EVP_DecodeBlock(raw, (const unsigned char *)tok, (int)len)) < 5) {
        free(raw);
        return -1;
    }
    while (n > 0 && raw[n - 1] == '\0') /* padding decodes to NULs */
        n--;
    raw[n] = '\0';
    if (strncmp((char *)raw, "s3|", 3) != 0 || (raw[3] != 'K' && raw[3] != 'P') || raw[4] != '|') {
        free(raw);
        return -1;
    }
    *mode = (char)raw[3];
    *key = strdup((char *)raw + 5);
    free(raw);
    return *key ? 0 : -1;
}

/* "/bucket/key" → bucket (into out) and key (pointer into path, "" when none). */
static const char *split(const char *path, char *bucket, size_t n)
{
    const char *p = path + 1, *slash = strchr(p, '/');
    size_t bl = slash ? (size_t)(slash - p) : strlen(p);

    if (bl >= n)
        bl = n - 1;
    memcpy(bucket, p, bl);
    bucket[bl] = '\0';
    return slash ? slash + 1 : "";
}

static void put(struct buf *b, const char *name, const char *v, int url)
{
    if (!url) {
        aws_xml_text(b, name, v);
        return;
    }
    buf_printf(b, "<%s>", name);
    sigv4_uri_encode(b, v, strlen(v), 1);
    buf_printf(b, "</%s>", name);
}

static int owner_ok(struct aws_call *c, struct fc_request *req, struct fc_response *r)
{
    const char *owner = fc_header(req, "x-amz-expected-bucket-owner");

    if (owner && strcmp(owner, c->w->account_id) != 0) {
        aws_error(r, "s3", 403, "AccessDenied", "Access Denied");
        return 0;
    }
    return 1;
}

struct list_q {
    const char *bucket, *prefix, *delim, *start_after;
    long max;
    char mode;   /* resume mode from the token, 0 = none */
    char *after; /* resume key or common prefix */
    int url;
};

static void list_body(struct aws_call *c, const struct list_q *q, const char *token, struct buf *b)
{
    const struct fw_world *w = c->w;
    size_t plen = strlen(q->prefix), dl = q->delim ? strlen(q->delim) : 0;
    long i;
    struct buf items = BUF_INIT(FC_MAX_BODY);
    char *last = NULL, last_mode = 'K', next[2048];
    long count = 0;
    int truncated = 0;
    const char *from = q->prefix;

    if (q->start_after && strcmp(q->start_after, from) > 0)
        from = q->start_after;
    if (q->after && strcmp(q->after, from) > 0)
        from = q->after;
    for (i = fw_object_lower_bound(w, q->bucket, from); i >= 0; i = fw_object_next(w, i)) {
        struct fw_s3_object *o = &c->w->objects[i];
        const char *k = o->key, *d;
        const unsigned char *data;
        size_t len;
        if (strcmp(o->bucket, q->bucket) != 0 || strncmp(k, q->prefix, plen) != 0)
            break;
        if ((q->start_after && strcmp(k, q->start_after) <= 0) ||
            (q->mode == 'K' && strcmp(k, q->after) <= 0) ||
            (q->mode == 'P' && strncmp(k, q->after, strlen(q->after)) == 0) ||
            o->modified_ms > c->now)
            continue;
        d = dl ? strstr(k + plen, q->delim) : NULL;
        if (d && last && last_mode == 'P' && strncmp(k, last, strlen(last)) == 0)
            continue; /* the common prefix already listed */
        if (count == q->max) {
            truncated = 1;
            break;
        }
        free(last);
        if (d) {
            last = strndup(k, (size_t)(d - k) + dl);
            last_mode = 'P';
            buf_puts(&items, "<CommonPrefixes>");
            put(&items, "Prefix", last ? last : "", q->url);
            buf_puts(&items, "</CommonPrefixes>");
        } else {
            last = strdup(k);
            last_mode = 'K';
            if (fw_s3_body(c->w, (size_t)i, &data, &len) != 0)
                break;
            buf_puts(&items, "<Contents>");
            put(&items, "Key", k, q->url);
            aws_xml_time(&items, "LastModified", o->modified_ms);
            aws_xml_text(&items, "ETag", o->etag);
            aws_xml_long(&items, "Size", (long long)len);
            aws_xml_text(&items, "StorageClass", "STANDARD");
            buf_puts(&items, "</Contents>");
        }
        count++;
    }
    buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"%s\">",
               AWS_NS_S3);
    aws_xml_text(b, "Name", q->bucket);
    put(b, "Prefix", q->prefix, q->url);
    if (q->delim)
        put(b, "Delimiter", q->delim, q->url);
    aws_xml_long(b, "MaxKeys", q->max);
    if (q->url)
        aws_xml_text(b, "EncodingType", "url");
    aws_xml_long(b, "KeyCount", count);
    aws_xml_bool(b, "IsTruncated", truncated);
    if (token)
        aws_xml_text(b, "ContinuationToken", token);
    if (truncated) {
        token_make(next, sizeof(next), last_mode, last ? last : "");
        aws_xml_text(b, "NextContinuationToken", next);
    }
    if (q->start_after)
        put(b, "StartAfter", q->start_after, q->url);
    buf_append(b, buf_cstr(&items), items.len);
    buf_puts(b, "</ListBucketResult>");
    free(last);
    buf_release(&items);
}

int s3_bucket_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    struct list_q q;
    struct buf b = BUF_INIT(FC_MAX_BODY);
    char bucket[256], *end = NULL;
    const char *lt = fc_query_param(req, "list-type"), *mk = fc_query_param(req, "max-keys");
    const char *tok = fc_query_param(req, "continuation-token");
    const char *enc = fc_query_param(req, "encoding-type");

    memset(&q, 0, sizeof(q));
    split(req->path, bucket, sizeof(bucket));
    if (aws_begin(&c, fc, req, r, "s3"))
        return 0;
    q.bucket = bucket;
    q.prefix = fc_query_param(req, "prefix") ? fc_query_param(req, "prefix") : "";
    q.delim = fc_query_param(req, "delimiter");
    if (q.delim && q.delim[0] == '\0')
        q.delim = NULL;
    q.start_after = fc_query_param(req, "start-after");
    q.max = mk ? strtol(mk, &end, 10) : 1000;
    if (fw_bucket_find(c.w, bucket) < 0)
        aws_error(r, "s3", 404, "NoSuchBucket", "The specified bucket does not exist");
    else if (!owner_ok(&c, req, r))
        ;
    else if (lt == NULL || strcmp(lt, "2") != 0)
        aws_error(r, "s3", 400, "InvalidArgument",
                  "This fake cloud serves ListObjectsV2 only (list-type=2)");
    else if (mk && (end == mk || *end || q.max < 0 || q.max > 2147483647L))
        aws_error(r, "s3", 400, "InvalidArgument",
                  "Provided max-keys not an integer or within integer range");
    else if (enc && strcmp(enc, "url") != 0)
        aws_error(r, "s3", 400, "InvalidArgument", "Invalid Encoding Method specified in Request");
    else if (tok && token_parse(tok, &q.mode, &q.after) != 0)
        aws_error(r, "s3", 400, "InvalidArgument", "The continuation token provided is incorrect");
    else {
        if (q.max > 1000)
            q.max = 1000;
        if (q.max > 0)
            q.max = (long)fw_page(c.w, (size_t)q.max);
        q.url = enc != NULL;
        list_body(&c, &q, tok, &b);
        aws_xml_ok(r, &b);
    }
    aws_end(&c);
    free(q.after);
    buf_release(&b);
    return 0;
}

/* Range: bytes=a-b | bytes=a- | bytes=-n. 0 = none, 1 = range set, -1 = unsatisfiable. */
static int range(const char *h, size_t len, size_t *from, size_t *to)
{
    unsigned long long a, b;
    char dash;

    if (h == NULL)
        return 0;
    if (sscanf(h, "bytes=%llu-%llu", &a, &b) == 2) {
        if (a > b || a >= len)
            return -1;
        *from = (size_t)a;
        *to = b >= len ? len - 1 : (size_t)b;
        return 1;
    }
    if (sscanf(h, "bytes=%llu%c", &a, &dash) == 2 && dash == '-') {
        if (a >= len)
            return -1;
        *from = (size_t)a;
        *to = len - 1;
        return 1;
    }
    if (sscanf(h, "bytes=-%llu", &b) == 1) {
        if (b == 0 || len == 0)
            return -1;
        *from = b >= len ? 0 : len - (size_t)b;
        *to = len - 1;
        return 1;
    }
    return 0; /* an unreadable Range is ignored, as S3 does */
}

static void object_headers(struct fc_response *r, const struct fw_s3_object *o)
{
    char date[40];

    aws_http_date(o->modified_ms, date);
    fc_respond_header(r, "ETag", o->etag);
    fc_respond_header(r, "Last-Modified", date);
    fc_respond_header(r, "Accept-Ranges", "bytes");
    fc_respond_header(r, "x-amz-server-side-encryption", "AES256");
}

int s3_object_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    char bucket[256], cr[96];
    const char *key = split(req->path, bucket, sizeof(bucket));
    int head = strcmp(req->method, "HEAD") == 0, rg;
    const unsigned char *data;
    size_t len, from = 0, to = 0;
    long o;

    if (aws_begin(&c, fc, req, r, "s3"))
        return 0;
    if (fw_bucket_find(c.w, bucket) < 0 || !owner_ok(&c, req, r) ||
        (o = fw_object_find(c.w, bucket, key)) < 0 || c.w->objects[o].modified_ms > c.now) {
        if (r->status == 0)
            aws_error(r, "s3", 404, fw_bucket_find(c.w, bucket) < 0 ? "NoSuchBucket" : "NoSuchKey",
                      fw_bucket_find(c.w, bucket) < 0 ? "The specified bucket does not exist"
                                                      : "The specified key does not exist.");
        if (head) { /* HEAD errors carry no body */
            free(r->body);
            r->body = NULL;
            r->len = 0;
        }
        goto done;
    }
    if (fw_s3_body(c.w, (size_t)o, &data, &len) != 0) {
        aws_error(r, "s3", 500, "InternalError", "could not generate the object");
        goto done;
    }
    rg = range(fc_header(req, "Range"), len, &from, &to);
    if (rg < 0) {
        aws_error(r, "s3", 416, "InvalidRange", "The requested range is not satisfiable");
        goto done;
    }
    if (rg > 0) {
        fc_respond(r, 206, c.w->objects[o].content_type, (const char *)data + from, to - from + 1);
        snprintf(cr, sizeof(cr), "bytes %zu-%zu/%zu", from, to, len);
        fc_respond_header(r, "Content-Range", cr);
    } else {
        fc_respond(r, 200, c.w->objects[o].content_type, (const char *)data, len);
    }
    object_headers(r, &c.w->objects[o]);
    {
        char id[37];
        aws_request_id(id);
        fc_respond_header(r, "x-amz-request-id", id);
    }
done:
    aws_end(&c);
    return 0;
}
