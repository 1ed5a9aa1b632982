/* core/lambda.h: the AWS Lambda (rest-json) Invoke call used to re-trigger the export function —
 * request builder (function name or ARN percent-encoded as one path segment, invocation type,
 * JSON payload) and the reading of its answer, where X-Amz-Function-Error on an HTTP 200 means
 * the function itself failed. Builds and reads only; the caller attaches the SigV4 prepare. */
#ifndef CORE_LAMBDA_H
#define CORE_LAMBDA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/http.h"

/* What an Invoke answered. */
struct lambda_result {
    long status;            /* 200 RequestResponse, 202 Event, 204 DryRun */
    bool function_error;    /* X-Amz-Function-Error was present */
    char *error_kind;       /* its value: Unhandled | Handled */
    char *error_type;       /* payload errorType, when the payload is the function's error */
    char *error_message;    /* payload errorMessage */
    char *executed_version; /* X-Amz-Executed-Version, NULL when absent */
    char *payload;          /* the response payload (NUL-terminated copy), NULL when empty */
    size_t payload_len;
};

void lambda_result_release(struct lambda_result *r);

/* POST {endpoint}/2015-03-31/functions/{FunctionName}/invocations[?Qualifier=q] with
 * X-Amz-Invocation-Type: invocation_type (RequestResponse | Event | DryRun), Content-Type
 * application/json and payload as the body (must be JSON; NULL = "{}"). The name may be a name,
 * name:alias or an ARN (':' is sent as %3A). On failure req is left empty. */
int lambda_build_invoke(struct http_request *req, const char *endpoint, const char *function,
                        const char *qualifier, const char *invocation_type, const char *payload,
                        struct err *e);

/* Reads a 2xx answer of function. Returns 0 when the function ran (or was queued) without error;
 * -1 with ERR_SERVICE naming the function, errorType and errorMessage when X-Amz-Function-Error
 * says it failed (out is filled either way; release it). h may be NULL. */
int lambda_read_invoke(struct lambda_result *out, const char *function, long status,
                       const struct http_headers *h, const char *body, size_t len, struct err *e);

/* A non-2xx answer of operation into e (code from X-Amzn-ErrorType, else the body). -1. */
int lambda_error(struct err *e, const char *operation, long status, const struct http_headers *h,
                 const char *body, size_t len);

/* ---- the export function's contract (core/lambda_export.c) ----------------------------------
 * pipetop's rerun invokes the pipeline's export Lambda with the event
 *   {"date":"YYYY-MM-DD","table":"TABLE"}     (a DynamoDB pipeline), or
 *   {"date":"YYYY-MM-DD","cluster":"CLUSTER"} (an Aurora pipeline)
 * and reads from its answer what it started:
 *   {"statusCode":200,"date":"YYYY-MM-DD","started":[EXPORT ARN | TASK ID |
 *    {"table"|"cluster":NAME,"error":CODE,"message":TEXT}, ...]}
 * ("exports" is read where "started" is absent). */

/* The event for day (YYYY-MM-DD) and exactly one of table / cluster, into *out (malloc'd,
 * compact JSON). -1 (ERR_USAGE / ERR_NOMEM) with *out NULL. */
int lambda_export_payload(char **out, const char *day, const char *table, const char *cluster,
                          struct err *e);

/* One entry of "started": id (an export ARN or task id) when it started, else source (the table
 * or cluster name), error and message. */
struct lambda_export_entry {
    char *id;
    char *source;
    char *error;
    char *message;
};

struct lambda_export_answer {
    long status_code; /* "statusCode", 0 when absent */
    char *date;       /* NULL when absent */
    struct lambda_export_entry *v;
    size_t n;
};

void lambda_export_answer_release(struct lambda_export_answer *a);

/* Reads the function's answer (function names it in errors). -1 with ERR_PARSE (and out
 * empty) when it is not such an object: not JSON, "started" not an array, an entry neither a
 * string nor an object with a string "error". */
int lambda_parse_export_answer(struct lambda_export_answer *out, const char *function,
                               const char *body, size_t len, struct err *e);

/* The id of the export the answer started for the pipeline's source (table_arn and table for
 * DynamoDB: the entry under "TABLE_ARN/export/"; cluster for Aurora: the one task id, or the one
 * starting with "CLUSTER-" when there are several). *id is borrowed from a. -1 with ERR_SERVICE
 * (function, source, day and the function's words) when the answer reports the source's export
 * failed, statusCode is not 2xx, or it names no export (or several) of the source. */
int lambda_export_pick(const char **id, const struct lambda_export_answer *a, const char *function,
                       const char *day, const char *table_arn, const char *table,
                       const char *cluster, struct err *e);

#endif
