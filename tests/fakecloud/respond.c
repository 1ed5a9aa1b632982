/* tests/fakecloud/respond.c: building answers, and errors in each service's own wire shape
 * (API-NOTES §0: JSON __type, query-protocol XML, S3 XML, Lambda headers, google.rpc.Status,
 * RFC 6749 OAuth2). Never invents a shape a real service would not send. */
#include "tests/fakecloud/fakecloud.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

int fc_respond(struct fc_response *r, int status, const char *content_type, const char *body,
               size_t len)
{
    char *copy = malloc(len + 1);

    if (copy == NULL)
        return -1;
    if (len)
        memcpy(copy, body, len);
    copy[len] = '\0';
    free(r->body);
    r->body = copy;
    r->len = len;
    r->status = status;
    snprintf(r->content_type, sizeof(r->content_type), "%s", content_type);
    return 0;
}

int fc_respond_json(struct fc_response *r, int status, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    int rc;

    json_decref(doc);
    if (text == NULL)
        return -1;
    rc = fc_respond(r, status, "application/json", text, strlen(text));
    free(text);
    return rc;
}

int fc_respond_header(struct fc_response *r, const char *name, const char *value)
{
    if (r->n_hdr >= FC_MAX_RESP_HEADERS)
        return -1;
    r->hdr_name[r->n_hdr] = strdup(name);
    r->hdr_value[r->n_hdr] = strdup(value);
    if (r->hdr_name[r->n_hdr] == NULL || r->hdr_value[r->n_hdr] == NULL) {
        free(r->hdr_name[r->n_hdr]);
        free(r->hdr_value[r->n_hdr]);
        return -1;
    }
    r->n_hdr++;
    return 0;
}

static void xml_escape(struct buf *b, const char *s)
{
    for (; *s; s++) {
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

static int respond_xml_error(struct fc_response *r, const char *service, int status,
                             const char *code, const char *message)
{
    struct buf b = BUF_INIT(65536);
    int rc;

    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (strcmp(service, "s3") == 0) {
        buf_puts(&b, "<Error><Code>");
        xml_escape(&b, code);
        buf_puts(&b, "</Code><Message>");
        xml_escape(&b, message);
        buf_puts(&b, "</Message><RequestId>FAKE0REQUEST0ID</RequestId>"
                     "<HostId>ZmFrZWNsb3Vk</HostId></Error>");
    } else {
        buf_printf(&b, "<ErrorResponse xmlns=\"%s\"><Error><Type>%s</Type><Code>",
                   strcmp(service, "sts") == 0 ? "https://sts.amazonaws.com/doc/2011-06-15/"
                                               : "http://rds.amazonaws.com/doc/2014-10-31/",
                   status >= 500 ? "Receiver" : "Sender");
        xml_escape(&b, code);
        buf_puts(&b, "</Code><Message>");
        xml_escape(&b, message);
        buf_puts(&b, "</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"
                     "</RequestId></ErrorResponse>");
    }
    rc = b.toobig ? -1 : fc_respond(r, status, "text/xml", buf_cstr(&b), b.len);
    buf_release(&b);
    return rc;
}

int fc_respond_error(struct fc_response *r, const char *service, int status, const char *code,
                     const char *message)
{
    char type[256];
    int rc;

    if (strcmp(service, "sts") == 0 || strcmp(service, "rds") == 0 || strcmp(service, "s3") == 0)
        return respond_xml_error(r, service, status, code, message);
    if (strcmp(service, "dynamodb") == 0 || strcmp(service, "events") == 0) {
        snprintf(type, sizeof(type), "%s%s",
                 strcmp(service, "dynamodb") == 0 ? "com.amazonaws.dynamodb.v20120810#" : "", code);
        rc = fc_respond_json(r, status, json_pack("{s:s,s:s}", "__type", type, "message", message));
        if (rc == 0)
            snprintf(r->content_type, sizeof(r->content_type), "application/x-amz-json-1.%c",
                     strcmp(service, "dynamodb") == 0 ? '0' : '1');
        return rc;
    }
    if (strcmp(service, "lambda") == 0) {
        rc = fc_respond_json(
            r, status,
            json_pack("{s:s,s:s}", "Type", status >= 500 ? "Service" : "User", "message", message));
        return rc ? rc : fc_respond_header(r, "X-Amzn-ErrorType", code);
    }
    if (strcmp(service, "oauth2") == 0)
        return fc_respond_json(r, status,
                               json_pack("{s:s,s:s}", "error", code, "error_description", message));
    return fc_respond_json(r, status,
                           json_pack("{s:{s:i,s:s,s:s}}", "error", "code", status, "message",
                                     message, "status", code));
}

void fc_response_release(struct fc_response *r)
{
    free(r->body);
    for (int i = 0; i < r->n_hdr; i++) {
        free(r->hdr_name[i]);
        free(r->hdr_value[i]);
    }
    memset(r, 0, sizeof(*r));
}
