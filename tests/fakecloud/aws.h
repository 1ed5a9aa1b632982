/* tests/fakecloud/aws.h: what every AWS handler of the fake cloud shares — SigV4 verification
 * exactly as AWS answers failures, the start of a handler (lock, tick, authenticate), answers
 * in the JSON, Query and REST-XML protocols (request ids, x-amz-crc32), Query parameters and a
 * small XML writer. Never logs or echoes a secret. */
#ifndef TESTS_FAKECLOUD_AWS_H
#define TESTS_FAKECLOUD_AWS_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "tests/fakecloud/fakecloud.h"
#include "tests/fakecloud/world.h"

#define AWS_NS_RDS "http://rds.amazonaws.com/doc/2014-10-31/"
#define AWS_NS_STS "https://sts.amazonaws.com/doc/2011-06-15/"
#define AWS_NS_S3 "http://s3.amazonaws.com/doc/2006-03-01/"

/* One AWS call being handled: the world (locked), the caller's key, the fake's "now". */
struct aws_call {
    struct fakecloud *fc;
    struct fw_world *w;
    long key;
    int64_t now;
    const char *service; /* "dynamodb" "events" "sts" "rds" "s3" "lambda" */
};

/* Locks the world, ticks it and verifies the request's SigV4 signature for service (also the
 * signing name). Returns 0 with c filled and the world locked (finish with aws_end()), or 1
 * when r already holds the answer (an auth error, no world) and nothing is locked. */
int aws_begin(struct aws_call *c, struct fakecloud *fc, struct fc_request *req,
              struct fc_response *r, const char *service);
void aws_end(struct aws_call *c);

/* SigV4 verification alone (world locked by the caller): 0 and *key, or 1 with r filled. */
int aws_auth(struct fw_world *w, struct fc_request *req, const char *service, int64_t now,
             long *key, struct fc_response *r);

/* An error in the service's shape with its request-id headers (and x-amz-crc32 for
 * DynamoDB). Returns 0 or -1 (no memory). */
int aws_error(struct fc_response *r, const char *service, int http, const char *code,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int aws_fw_error(struct fc_response *r, const char *service, const struct fw_error *e);

/* 200 with doc as the JSON 1.0 (dynamodb) / 1.1 (events) / rest-json (lambda) body. Takes doc. */
int aws_json_ok(struct fc_response *r, const char *service, json_t *doc);
/* 200 with the Query envelope <OpResponse xmlns><OpResult>result</OpResult>
 * <ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>. */
int aws_query_ok(struct fc_response *r, const char *service, const char *op,
                 const struct buf *result);
/* 200 text/xml with body (S3), x-amz-request-id and x-amz-id-2 headers. */
int aws_xml_ok(struct fc_response *r, const struct buf *body);

/* A Query-protocol parameter: from the form body, else the query string. malloc'd or NULL. */
char *aws_param(const struct fc_request *req, const char *name);
/* The JSON body of a JSON-protocol request, or NULL with r filled (SerializationException). */
json_t *aws_json_body(const struct fc_request *req, struct fc_response *r, const char *service);

/* XML writing: <name>escaped value</name> (nothing when value is NULL). */
void aws_xml_escape(struct buf *b, const char *s);
void aws_xml_text(struct buf *b, const char *name, const char *value);
void aws_xml_time(struct buf *b, const char *name, int64_t ms); /* ISO 8601, UTC */
void aws_xml_long(struct buf *b, const char *name, long long v);
void aws_xml_bool(struct buf *b, const char *name, int v);

/* Epoch seconds as a JSON number (AWS JSON protocols' timestamps). */
json_t *aws_json_time(int64_t ms);
/* A request id: 8-4-4-4-12 hex. */
void aws_request_id(char out[37]);
/* "Thu, 01 Jan 2026 00:00:00 GMT" */
void aws_http_date(int64_t ms, char out[40]);

/* ---- the handlers, one file per service (routes in routes.c) ---- */
int sts_get_caller_identity(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int sts_assume_role(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int rds_describe_export_tasks(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int rds_start_export_task(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int rds_describe_db_cluster_snapshots(struct fakecloud *fc, struct fc_request *req,
                                      struct fc_response *r);
int ddb_list_tables(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int ddb_describe_table(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int ddb_describe_continuous_backups(struct fakecloud *fc, struct fc_request *req,
                                    struct fc_response *r);
int ddb_list_exports(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int ddb_describe_export(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int ddb_export_table(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int s3_bucket_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int s3_object_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int lambda_invoke(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int events_describe_rule(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int events_list_targets(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);

#endif
