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

#endif
