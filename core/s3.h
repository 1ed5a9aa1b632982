/* core/s3.h: the Amazon S3 (rest-xml) client's wire layer for reading export output —
 * ListObjectsV2 and GetObject request builders (virtual-host or path-style addressing, keys
 * percent-encoded once with '/' kept), the ListBucketResult parser, S3 error XML, and parsers of
 * the DynamoDB export manifests read from S3 (manifest-summary.json, and manifest-files.json which
 * is JSON Lines). Builders return a filled struct http_request (the caller attaches the SigV4
 * prepare and submits it); no network here. Implemented in core/s3.c and core/s3_manifest.c. */
#ifndef CORE_S3_H
#define CORE_S3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/http.h"

struct s3_object {
    char *key;
    int64_t size;
    int64_t modified_ms; /* LastModified */
    char *etag;          /* without the surrounding quotes; may end in "-N" (multipart) */
    char *storage_class; /* NULL when absent */
};

/* One page of ListObjectsV2. */
struct s3_listing {
    char *bucket; /* Name */
    char *prefix; /* NULL when absent */
    struct s3_object *v;
    size_t n;
    char **common_prefixes; /* CommonPrefixes/Prefix, with a delimiter */
    size_t n_common_prefixes;
    int64_t key_count; /* KeyCount, -1 when absent */
    bool truncated;    /* IsTruncated */
    char *next_token;  /* NextContinuationToken; "" on the last page */
};

void s3_object_release(struct s3_object *o);
void s3_listing_release(struct s3_listing *l);

/* ---- request builders. base_url is the S3 endpoint without the bucket
 * ("https://s3.us-east-1.amazonaws.com", or an override such as "http://127.0.0.1:9000").
 * path_style puts the bucket in the path ({base}/{bucket}/...), as needed with an endpoint
 * override; otherwise the bucket is the host's first label ({scheme}{bucket}.{host}/...). A bucket
 * name with a '.' is always addressed path-style (TLS certificates cannot match it). Query
 * parameters are encoded the SigV4 way. On failure req is left empty. */

/* GET ?list-type=2[&prefix=][&delimiter=][&max-keys=][&continuation-token=]; NULL/0 omitted. */
int s3_build_list_objects(struct http_request *req, const char *base_url, bool path_style,
                          const char *bucket, const char *prefix, const char *delimiter,
                          int max_keys, const char *continuation_token, struct err *e);
/* GET /{key}: each key byte percent-encoded once (space %20, '+' %2B), '/' kept. range may be
 * NULL, else sent as the Range header ("bytes=0-1023"). */
int s3_build_get_object(struct http_request *req, const char *base_url, bool path_style,
                        const char *bucket, const char *key, const char *range, struct err *e);

/* A ListBucketResult body. IsTruncated true without a NextContinuationToken is ERR_PARSE (the
 * rest could not be fetched). On failure *out is empty. */
int s3_parse_list_objects(struct s3_listing *out, const char *body, size_t len, struct err *e);

/* A non-2xx answer into e: <Error><Code/><Message/>...</Error>, or only the status for a body-less
 * answer (HEAD); the x-amz-bucket-region header of a wrong-region answer is reported. h may be
 * NULL. Always -1. */
int s3_error(struct err *e, const char *operation, long status, const struct http_headers *h,
             const char *body, size_t len);

/* ---- DynamoDB export manifests (core/s3_manifest.c). */

/* manifest-summary.json. Times (ISO strings here) are epoch ms, 0 when absent; counts -1. */
struct ddb_manifest_summary {
    char *version;
    char *export_arn;
    int64_t start_ms;
    int64_t end_ms;
    char *table_arn;
    char *table_id;
    int64_t export_time_ms;
    char *s3_bucket;
    char *s3_prefix;
    char *s3_sse_algorithm;
    char *s3_sse_kms_key_id;
    char *manifest_files_key; /* manifestFilesS3Key */
    int64_t billed_size_bytes;
    int64_t item_count;
    char *output_format;
    char *export_type; /* NULL when absent (older exports) */
};

/* One line of manifest-files.json. */
struct ddb_manifest_file {
    char *data_key; /* dataFileS3Key */
    int64_t item_count;
    char *md5;  /* md5Checksum, base64 */
    char *etag; /* may be multipart ("...-N") */
};

struct ddb_manifest_files {
    struct ddb_manifest_file *v;
    size_t n;
};

void ddb_manifest_summary_release(struct ddb_manifest_summary *s);
void ddb_manifest_files_release(struct ddb_manifest_files *l);

int s3_parse_manifest_summary(struct ddb_manifest_summary *out, const char *body, size_t len,
                              struct err *e);
/* JSON Lines: one object per line; blank lines (and a final newline) are allowed. A bad line is
 * ERR_PARSE naming its line number. */
int s3_parse_manifest_files(struct ddb_manifest_files *out, const char *body, size_t len,
                            struct err *e);

#endif
