/* tests/fakecloud/lambda.c: Lambda Invoke of the export function
 * (POST /2015-03-31/functions/{name or ARN}/invocations): RequestResponse, Event and DryRun,
 * the function's JSON result or an Unhandled error object (X-Amz-Function-Error, HTTP 200),
 * X-Amz-Log-Result for LogType Tail, ResourceNotFoundException for other functions. */
#include "tests/fakecloud/aws.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The {name} segment of the path (already percent-decoded by the server). */
static void function_name(const char *path, char *out, size_t n)
{
    const char *p = path + strlen("/2015-03-31/functions/");
    const char *end = strstr(p, "/invocations");
    size_t len = end ? (size_t)(end - p) : strlen(p);

    if (len >= n)
        len = n - 1;
    memcpy(out, p, len);
    out[len] = '\0';
}

static void log_tail(struct fc_response *r, const char *fn, const char *result)
{
    char text[1024], b64[1400], id[37];
    int n;

    aws_request_id(id);
    n = snprintf(text, sizeof(text),
                 "START RequestId: %s Version: $LATEST\n%.600s\nEND RequestId: %s\n"
                 "REPORT RequestId: %s\tDuration: 812.40 ms\tFunction: %s\n",
                 id, result, id, id, fn);
    if (n < 0 || (size_t)n >= sizeof(text))
        n = (int)strlen(text);
    EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)text, n);
    fc_respond_header(r, "X-Amz-Log-Result", b64);
}

int lambda_invoke(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    struct fw_error e;
    char name[512], *result = NULL;
    const char *type = fc_header(req, "X-Amz-Invocation-Type");
    const char *logt = fc_header(req, "X-Amz-Log-Type");
    const char *qual = fc_query_param(req, "Qualifier");
    int ferr = 0;
    long fn;

    function_name(req->path, name, sizeof(name));
    if (aws_begin(&c, fc, req, r, "lambda"))
        return 0;
    if (type && strcmp(type, "RequestResponse") != 0 && strcmp(type, "Event") != 0 &&
        strcmp(type, "DryRun") != 0) {
        aws_error(r, "lambda", 400, "InvalidParameterValueException", "Invalid invocation type: %s",
                  type);
        goto done;
    }
    if ((fn = fw_lambda_find(c.w, name)) < 0 || (qual && strcmp(qual, "$LATEST") != 0)) {
        aws_error(r, "lambda", 404, "ResourceNotFoundException",
                  "Function not found: arn:aws:lambda:%s:%s:function:%s%s%s", c.w->region,
                  c.w->account_id, strncmp(name, "arn:", 4) == 0 ? "" : name, qual ? ":" : "",
                  qual ? qual : "");
        goto done;
    }
    if (type && strcmp(type, "DryRun") == 0) {
        fc_respond(r, 204, "application/json", "", 0);
        goto done;
    }
    if (fw_lambda_invoke(c.w, (size_t)fn, req->body, req->body_len, c.now, &result, &ferr, &e) !=
        0) {
        aws_fw_error(r, "lambda", &e);
        goto done;
    }
    if (type && strcmp(type, "Event") == 0) {
        fc_respond(r, 202, "application/json", "", 0);
    } else {
        fc_respond(r, 200, "application/json", result, strlen(result));
        fc_respond_header(r, "X-Amz-Executed-Version", "$LATEST");
        if (ferr)
            fc_respond_header(r, "X-Amz-Function-Error", "Unhandled");
        if (logt && strcmp(logt, "Tail") == 0)
            log_tail(r, c.w->lambdas[fn].name, result);
    }
    {
        char id[37];
        aws_request_id(id);
        fc_respond_header(r, "x-amzn-RequestId", id);
    }
done:
    free(result);
    aws_end(&c);
    return 0;
}
