/* core/infer_s3.h: reading a DynamoDB export's data from S3 into the inference (core/infer.h):
 * the manifests (small, read whole with a bound) and each data file streamed by ranged
 * GetObject calls of INFER_S3_RANGE bytes. GET only; never writes. Implemented in
 * core/infer_s3.c. */
#ifndef CORE_INFER_S3_H
#define CORE_INFER_S3_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/http.h"
#include "core/infer.h"
#include "core/s3.h"

#define INFER_S3_RANGE (8u << 20) /* bytes per ranged GetObject */

struct infer_s3 {
    struct http_client *http;
    const char *base_url; /* the S3 endpoint (aws_endpoint.url) */
    bool path_style;
    http_prepare_fn prepare; /* SigV4 (aws_sign_prepare) */
    void *prepare_ctx;
};

/* A whole object of at most max bytes into *out (caller releases). */
int infer_s3_get_small(struct infer_s3 *s, const char *bucket, const char *key, size_t max,
                       struct buf *out, struct err *e);
/* One data file (gzip or plain), streamed in ranges. */
int infer_s3_add_object(struct infer_s3 *s, struct infer *in, const char *bucket, const char *key,
                        struct err *e);
/* A whole export from its manifest-summary.json key; *summary is filled (caller releases). */
int infer_s3_add_export(struct infer_s3 *s, struct infer *in, const char *bucket,
                        const char *summary_key, struct ddb_manifest_summary *summary,
                        struct err *e);

#endif
