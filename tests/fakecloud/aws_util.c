/* tests/fakecloud/aws_util.c: answers in the AWS protocols — JSON 1.0/1.1 with x-amzn-RequestId
 * and DynamoDB's x-amz-crc32 (zlib crc32 of the body), the Query XML envelope, S3 XML with
 * x-amz-request-id — plus Query parameters and XML escaping. Never reads the world. */
#include "tests/fakecloud/aws.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/timeutil.h"

void aws_request_id(char out[37])
{
    static unsigned long seq;
    unsigned long n = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
    unsigned long t = (unsigned long)time(NULL);

    snprintf(out, 37, "%08lx-%04lx-4fc4-9331-%012lx", t & 0xffffffffUL, n & 0xffff,
             (n * 2654435761UL) & 0xffffffffffffUL);
}

void aws_http_date(int64_t ms, char out[40])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static int add_ids(struct fc_response *r, const char *service)
{
    char id[37], crc[16];

    aws_request_id(id);
    if (strcmp(service, "s3") == 0)
        return fc_respond_header(r, "x-amz-request-id", id) ||
               fc_respond_header(r, "x-amz-id-2", "ZmFrZWNsb3VkL2lkLTI=");
    if (fc_respond_header(r, "x-amzn-RequestId", id))
        return -1;
    if (strcmp(service, "dynamodb") == 0) {
        snprintf(crc, sizeof(crc), "%lu",
                 (unsigned long)crc32(0L, (const Bytef *)(r->body ? r->body : ""), (uInt)r->len));
        return fc_respond_header(r, "x-amz-crc32", crc);
    }
    return 0;
}

int aws_error(struct fc_response *r, const char *service, int http, const char *code,
              const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (fc_respond_error(r, service, http, code, msg) != 0)
        return -1;
    return add_ids(r, service);
}

int aws_fw_error(struct fc_response *r, const char *service, const struct fw_error *e)
{
    return aws_error(r, service, e->http, e->code, "%s", e->message);
}

int aws_json_ok(struct fc_response *r, const char *service, json_t *doc)
{
    if (fc_respond_json(r, 200, doc) != 0)
        return -1;
    if (strcmp(service, "dynamodb") == 0)
        snprintf(r->content_type, sizeof(r->content_type), "application/x-amz-json-1.0");
    else if (strcmp(service, "events") == 0)
        snprintf(r->content_type, sizeof(r->content_type), "application/x-amz-json-1.1");
    return add_ids(r, service);
}

int aws_query_ok(struct fc_response *r, const char *service, const char *op,
                 const struct buf *result)
{
    struct buf b = BUF_INIT(FC_MAX_BODY);
    char id[37];
    int rc;

    aws_request_id(id);
    buf_printf(&b, "<%sResponse xmlns=\"%s\">\n  <%sResult>\n", op,
               strcmp(service, "sts") == 0 ? AWS_NS_STS : AWS_NS_RDS, op);
    buf_append(&b, buf_cstr(result), result->len);
    buf_printf(&b,
               "\n  </%sResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n"
               "  </ResponseMetadata>\n</%sResponse>\n",
               op, id, op);
    rc = b.toobig ? -1 : fc_respond(r, 200, "text/xml", buf_cstr(&b), b.len);
    buf_release(&b);
    return rc ? rc : fc_respond_header(r, "x-amzn-RequestId", id);
}

int aws_xml_ok(struct fc_response *r, const struct buf *body)
{
    if (body->toobig || fc_respond(r, 200, "application/xml", buf_cstr(body), body->len) != 0)
        return -1;
    return add_ids(r, "s3");
}

char *aws_param(const struct fc_request *req, const char *name)
{
    char *v = fc_form_param(req, name);
    const char *q;

    if (v != NULL)
        return v;
    q = fc_query_param(req, name);
    return q ? strdup(q) : NULL;
}

json_t *aws_json_body(const struct fc_request *req, struct fc_response *r, const char *service)
{
    json_error_t jerr;
    json_t *doc =
        json_loadb(req->body_len ? req->body : "{}", req->body_len ? req->body_len : 2, 0, &jerr);

    if (doc == NULL || !json_is_object(doc)) {
        json_decref(doc);
        aws_error(r, service, 400, "SerializationException",
                  "Start of structure or map found where not expected (%s)",
                  doc ? "not an object" : jerr.text);
        return NULL;
    }
    return doc;
}

void aws_xml_escape(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        default:
            buf_putc(b, *s);
        }
    }
}

void aws_xml_text(struct buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    buf_printf(b, "<%s>", name);
    aws_xml_escape(b, value);
    buf_printf(b, "</%s>", name);
}

void aws_xml_time(struct buf *b, const char *name, int64_t ms)
{
    char t[TIME_RFC3339_LEN];
    aws_xml_text(b, name, time_format_utc(ms, t, sizeof(t)));
}

void aws_xml_long(struct buf *b, const char *name, long long v)
{
    buf_printf(b, "<%s>%lld</%s>", name, v, name);
}

void aws_xml_bool(struct buf *b, const char *name, int v)
{
    buf_printf(b, "<%s>%s</%s>", name, v ? "true" : "false", name);
}

json_t *aws_json_time(int64_t ms)
{
    return json_real((double)ms / 1000.0);
}
