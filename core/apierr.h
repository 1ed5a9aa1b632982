/* core/apierr.h: the error answers of every protocol pipetop speaks, read into one shape and
 * turned into a struct err that names the call, the HTTP status, the service's code and message,
 * and what the user can do. AWS Query XML (RDS, STS), AWS JSON 1.0/1.1 and rest-json (DynamoDB,
 * EventBridge, Lambda), S3 rest-xml, and Google's google.rpc.Status / legacy BigQuery bodies.
 * Reading never fails: a body that is not the expected shape is quoted (sanitised) instead. */
#ifndef CORE_APIERR_H
#define CORE_APIERR_H

#include <stddef.h>

#include "core/err.h"
#include "core/http.h"

struct apierr {
    long status;
    char code[128];      /* "ExportTaskNotFound", "ResourceNotFoundException", "NOT_FOUND" */
    char reason[64];     /* Google: errors[0].reason or details[].reason ("notFound") */
    char message[320];   /* the service's message, or a sanitised start of an unparsable body */
    char request_id[96]; /* when the answer carries one */
    char region[40];     /* S3: x-amz-bucket-region of a wrong-region answer (301 and the
                            codes S3 uses for it), else "" */
};

/* Each reader fills out from one error answer; h may be NULL. */
void apierr_read_aws_query(struct apierr *out, long status, const char *body, size_t len);
void apierr_read_aws_json(struct apierr *out, long status, const struct http_headers *h,
                          const char *body, size_t len);
void apierr_read_aws_xml(struct apierr *out, long status, const struct http_headers *h,
                         const char *body, size_t len);
void apierr_read_google(struct apierr *out, long status, const char *body, size_t len);

/* Sets e from a read answer: ERR_NOT_FOUND for 404 / *NotFound* codes, ERR_AUTH for 401 and for
 * credential/permission codes (403 except Google rate and quota reasons), else ERR_SERVICE; the
 * message is "CALL: HTTP S CODE: MESSAGE (request id R) — HINT". Always returns -1. */
int apierr_set(struct err *e, const char *call, const struct apierr *ae);

/* Shorthands: read and set in one step. Always return -1. */
int apierr_aws_query(struct err *e, const char *call, long status, const char *body, size_t len);
int apierr_aws_json(struct err *e, const char *call, long status, const struct http_headers *h,
                    const char *body, size_t len);
int apierr_aws_xml(struct err *e, const char *call, long status, const struct http_headers *h,
                   const char *body, size_t len);
int apierr_google(struct err *e, const char *call, long status, const char *body, size_t len);

#endif
