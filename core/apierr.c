/* core/apierr.c: error answers of AWS (query, json, rest-json, rest-xml) and Google APIs into a
 * struct err. Reads with expat and jansson only; never fails on a malformed body (it is quoted,
 * sanitised and cut short instead) and never puts request headers or credentials in a message. */
#include "core/apierr.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/xmlx.h"

/* Drops an incomplete UTF-8 sequence left at the end of s by a cut. */
static void utf8_trim(char *s)
{
    size_t n = strlen(s), i = n, need;
    unsigned char lead;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80 && n - i < 3)
        i--;
    if (i == 0 || ((unsigned char)s[i - 1] & 0x80) == 0)
        return;
    lead = (unsigned char)s[i - 1];
    need = (lead & 0xe0) == 0xc0 ? 2 : (lead & 0xf0) == 0xe0 ? 3 : (lead & 0xf8) == 0xf0 ? 4 : 1;
    if (n - (i - 1) < need)
        s[i - 1] = '\0';
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
    utf8_trim(dst);
}

/* The AWS error code without namespace ("aws.x#Foo") and without a ":http://..." suffix. */
static void copy_code(char *dst, size_t n, const char *src)
{
    const char *hash = strrchr(src, '#');
    size_t len;

    if (hash)
        src = hash + 1;
    len = strcspn(src, ":");
    snprintf(dst, n, "%.*s", (int)len, src);
}

/* A printable start of a body that could not be read, for the message. */
static void quote_body(char *dst, size_t n, const char *body, size_t len)
{
    size_t j = 0;

    for (size_t i = 0; i < len && j + 4 < n && j < 160; i++) {
        unsigned char c = (unsigned char)body[i];
        if (c < 0x20 || c == 0x7f)
            c = ' ';
        if (c == ' ' && j > 0 && dst[j - 1] == ' ')
            continue;
        dst[j++] = (char)c;
    }
    dst[j] = '\0';
    utf8_trim(dst);
    j = strlen(dst);
    if (j > 0 && j < len)
        memcpy(dst + j, "...", 4);
}

static void init(struct apierr *out, long status)
{
    memset(out, 0, sizeof(*out));
    out->status = status;
}

void apierr_read_aws_query(struct apierr *out, long status, const char *body, size_t len)
{
    struct xml_node *root = NULL;
    const struct xml_node *er;

    init(out, status);
    if (xml_parse(&root, "error", body, len, NULL) != 0) {
        quote_body(out->message, sizeof(out->message), body, len);
        return;
    }
    er = strcmp(root->name, "Error") == 0 ? root : xml_child(root, "Error");
    if (er != NULL) {
        copy(out->code, sizeof(out->code), xml_child_text(er, "Code"));
        copy(out->message, sizeof(out->message), xml_child_text(er, "Message"));
    }
    copy(out->request_id, sizeof(out->request_id), xml_child_text(root, "RequestId"));
    if (er == NULL)
        quote_body(out->message, sizeof(out->message), body, len);
    xml_free(root);
}

void apierr_read_aws_xml(struct apierr *out, long status, const struct http_headers *h,
                         const char *body, size_t len)
{
    const char *v;

    if (body != NULL && len > 0) {
        apierr_read_aws_query(out, status, body, len);
    } else {
        init(out, status);
        copy(out->message, sizeof(out->message), "(no body in the answer)");
    }
    if (h == NULL)
        return;
    if (out->request_id[0] == '\0' && (v = http_headers_get(h, "x-amz-request-id")) != NULL)
        copy(out->request_id, sizeof(out->request_id), v);
    /* S3 sends x-amz-bucket-region on many answers; it matters only on a wrong-region one */
    if ((v = http_headers_get(h, "x-amz-bucket-region")) != NULL &&
        (status == 301 || strcmp(out->code, "PermanentRedirect") == 0 ||
         strcmp(out->code, "AuthorizationHeaderMalformed") == 0 ||
         strcmp(out->code, "IllegalLocationConstraintException") == 0))
        copy(out->region, sizeof(out->region), v);
}

static const char *jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

void apierr_read_aws_json(struct apierr *out, long status, const struct http_headers *h,
                          const char *body, size_t len)
{
    const char *hdr = h ? http_headers_get(h, "x-amzn-errortype") : NULL;
    const char *code = NULL, *msg = NULL, *rid = h ? http_headers_get(h, "x-amzn-requestid") : NULL;
    json_t *root = NULL;

    init(out, status);
    if (body != NULL && len > 0) {
        root = json_loadb(body, len, 0, NULL);
        if (json_is_object(root)) {
            code = jstr(root, "__type");
            if (code == NULL)
                code = jstr(root, "code");
            if (code == NULL)
                code = jstr(root, "Code");
            msg = jstr(root, "message");
            if (msg == NULL)
                msg = jstr(root, "Message");
            if (msg == NULL)
                msg = jstr(root, "errorMessage");
        } else {
            quote_body(out->message, sizeof(out->message), body, len);
        }
    }
    if (hdr != NULL && *hdr)
        code = hdr;
    if (code != NULL)
        copy_code(out->code, sizeof(out->code), code);
    if (msg != NULL)
        copy(out->message, sizeof(out->message), msg);
    if (rid != NULL)
        copy(out->request_id, sizeof(out->request_id), rid);
    json_decref(root);
}

static void read_google_error(struct apierr *out, const json_t *er)
{
    const json_t *list;
    size_t i;
    const json_t *item;

    copy(out->code, sizeof(out->code), jstr(er, "status"));
    copy(out->message, sizeof(out->message), jstr(er, "message"));
    list = json_object_get(er, "errors");
    json_array_foreach(list, i, item)
    {
        if (jstr(item, "reason")) {
            copy(out->reason, sizeof(out->reason), jstr(item, "reason"));
            break;
        }
    }
    list = json_object_get(er, "details");
    json_array_foreach(list, i, item)
    {
        if (out->reason[0] == '\0' && jstr(item, "reason"))
            copy(out->reason, sizeof(out->reason), jstr(item, "reason"));
    }
    if (out->code[0] == '\0' && out->reason[0] != '\0')
        copy(out->code, sizeof(out->code), out->reason);
}

void apierr_read_google(struct apierr *out, long status, const char *body, size_t len)
{
    json_t *root = NULL;
    const json_t *er;

    init(out, status);
    if (body == NULL || len == 0) {
        copy(out->message, sizeof(out->message), "(no body in the answer)");
        return;
    }
    root = json_loadb(body, len, 0, NULL);
    er = json_object_get(root, "error");
    if (json_is_object(er)) {
        read_google_error(out, er);
    } else if (json_is_string(er)) { /* OAuth 2.0 (RFC 6749 5.2) */
        copy(out->code, sizeof(out->code), json_string_value(er));
        copy(out->message, sizeof(out->message), jstr(root, "error_description"));
    } else {
        quote_body(out->message, sizeof(out->message), body, len);
    }
    json_decref(root);
}

static int in_list(const char *code, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(code, *list) == 0)
            return 1;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *const auth_codes[] = {"AccessDenied",
                                         "AccessDeniedException",
                                         "UnrecognizedClientException",
                                         "InvalidClientTokenId",
                                         "InvalidSignatureException",
                                         "SignatureDoesNotMatch",
                                         "ExpiredToken",
                                         "ExpiredTokenException",
                                         "MissingAuthenticationToken",
                                         "IncompleteSignature",
                                         "AuthFailure",
                                         "InvalidAccessKeyId",
                                         "UNAUTHENTICATED",
                                         "PERMISSION_DENIED",
                                         "invalid_grant",
                                         "invalid_client",
                                         "unauthorized_client",
                                         "RequestTimeTooSkewed",
                                         NULL};

static const char *const throttle_codes[] = {"Throttling",
                                             "ThrottlingException",
                                             "ThrottledException",
                                             "RequestThrottledException",
                                             "TooManyRequestsException",
                                             "ProvisionedThroughputExceededException",
                                             "RequestLimitExceeded",
                                             "BandwidthLimitExceeded",
                                             "RequestThrottled",
                                             "SlowDown",
                                             "RESOURCE_EXHAUSTED",
                                             "rateLimitExceeded",
                                             NULL};

static enum err_code classify(const struct apierr *ae)
{
    const char *c = ae->code;

    if (strcmp(ae->reason, "rateLimitExceeded") == 0 || strcmp(ae->reason, "quotaExceeded") == 0)
        return ERR_SERVICE;
    if (ae->status == 404 || ends_with(c, "NotFound") || ends_with(c, "NotFoundException") ||
        ends_with(c, "NotFoundFault") || strcmp(c, "NoSuchKey") == 0 ||
        strcmp(c, "NoSuchBucket") == 0 || strcmp(c, "NOT_FOUND") == 0)
        return ERR_NOT_FOUND;
    if (ae->status == 401 || in_list(c, auth_codes))
        return ERR_AUTH;
    if (ae->status == 403 && !in_list(c, throttle_codes))
        return ERR_AUTH;
    return ERR_SERVICE;
}

/* What the user can do, when it is obvious from the answer. */
static const char *hint(const struct apierr *ae, enum err_code code)
{
    const char *c = ae->code, *m = ae->message;

    if (strcmp(ae->reason, "quotaExceeded") == 0)
        return "the BigQuery quota is used up; wait for it to reset before retrying";
    if (in_list(c, throttle_codes) || strcmp(ae->reason, "rateLimitExceeded") == 0 ||
        ae->status == 429)
        return "the service is throttling requests; retry later or refresh less often";
    if (strcmp(c, "ExpiredToken") == 0 || strcmp(c, "ExpiredTokenException") == 0)
        return "the session token has expired: refresh the AWS credentials";
    if (strcmp(c, "RequestTimeTooSkewed") == 0 || strstr(m, "Signature expired") != NULL)
        return "the system clock is off: synchronise it (NTP)";
    if (strcmp(c, "PointInTimeRecoveryUnavailableException") == 0)
        return "enable point-in-time recovery (PITR) on the table";
    if (strcmp(c, "InvalidExportTimeException") == 0)
        return "the export time is outside the table's PITR window";
    if (ae->region[0] != '\0')
        return "the bucket is in another region: set the AWS region to the bucket's";
    if (strcmp(c, "UNAUTHENTICATED") == 0 || strcmp(c, "invalid_grant") == 0)
        return "check the Google credentials (GOOGLE_APPLICATION_CREDENTIALS or "
               "`gcloud auth application-default login`)";
    if (strcmp(c, "PERMISSION_DENIED") == 0 ||
        (code == ERR_AUTH && strcmp(ae->reason, "accessDenied") == 0))
        return "the Google account lacks an IAM permission for this call";
    if (code == ERR_AUTH)
        return "check the credentials and the permissions they grant for this call";
    return NULL;
}

int apierr_set(struct err *e, const char *call, const struct apierr *ae)
{
    enum err_code code = classify(ae);
    const char *h = hint(ae, code);
    char rid[128] = "";

    if (ae->request_id[0] != '\0')
        snprintf(rid, sizeof(rid), " (request id %s)", ae->request_id);
    if (ae->region[0] != '\0')
        snprintf(rid + strlen(rid), sizeof(rid) - strlen(rid), " (bucket region %s)", ae->region);
    return err_set_http(
        e, code, ae->status, "%s: HTTP %ld%s%s%s%s: %s%s%s%s", call, ae->status,
        ae->code[0] ? " " : "", ae->code, ae->reason[0] && strcmp(ae->reason, ae->code) ? "/" : "",
        ae->reason[0] && strcmp(ae->reason, ae->code) ? ae->reason : "",
        ae->message[0] ? ae->message : "(no message)", rid, h ? " — " : "", h ? h : "");
}

int apierr_aws_query(struct err *e, const char *call, long status, const char *body, size_t len)
{
    struct apierr ae;
    apierr_read_aws_query(&ae, status, body, len);
    return apierr_set(e, call, &ae);
}

int apierr_aws_json(struct err *e, const char *call, long status, const struct http_headers *h,
                    const char *body, size_t len)
{
    struct apierr ae;
    apierr_read_aws_json(&ae, status, h, body, len);
    return apierr_set(e, call, &ae);
}

int apierr_aws_xml(struct err *e, const char *call, long status, const struct http_headers *h,
                   const char *body, size_t len)
{
    struct apierr ae;
    apierr_read_aws_xml(&ae, status, h, body, len);
    return apierr_set(e, call, &ae);
}

int apierr_google(struct err *e, const char *call, long status, const char *body, size_t len)
{
    struct apierr ae;
    apierr_read_google(&ae, status, body, len);
    return apierr_set(e, call, &ae);
}
