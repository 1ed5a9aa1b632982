/* core/http_retry.c: retry rules for HTTP answers (API-NOTES §0.1, §0.2). Reads error codes
 * with jansson (JSON protocols, Google) and expat (query/rest-xml protocols). Never retries a
 * client error that is not throttling, and never retries a BigQuery quotaExceeded. */
#include "core/http_retry.h"

#include <expat.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* botocore retries/standard.py _THROTTLED_ERROR_CODES (API-NOTES §0.2) and Google's. */
static const char *const throttle_codes[] = {"Throttling",
                                             "ThrottlingException",
                                             "ThrottledException",
                                             "RequestThrottledException",
                                             "TooManyRequestsException",
                                             "ProvisionedThroughputExceededException",
                                             "TransactionInProgressException",
                                             "RequestLimitExceeded",
                                             "BandwidthLimitExceeded",
                                             "LimitExceededException",
                                             "RequestThrottled",
                                             "SlowDown",
                                             "PriorRequestNotComplete",
                                             "EC2ThrottledException",
                                             "rateLimitExceeded",
                                             "RESOURCE_EXHAUSTED"};

static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "backendError",  "internal_failure",
    "server_error",   "temporarily_unavailable", "InternalError", "ServiceUnavailable"};

static int in_list(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(code, list[i]) == 0)
            return 1;
    return 0;
}

static void copy_code(char *code, size_t size, const char *s, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(code, s, n);
    code[n] = '\0';
}

/* "com.amazonaws.dynamodb.v20120810#ThrottlingException" → "ThrottlingException";
 * "ResourceNotFoundException:http://..." → "ResourceNotFoundException". */
static void aws_code(char *code, size_t size, const char *s)
{
    const char *hash = strrchr(s, '#');
    const char *start = hash ? hash + 1 : s;
    copy_code(code, size, start, strcspn(start, ":"));
}

/* Google errors[]/details[] reasons: a quotaExceeded anywhere wins over rateLimitExceeded. */
static void google_reason(json_t *arr, char *code, size_t size)
{
    size_t i;
    json_t *item;

    json_array_foreach(arr, i, item)
    {
        const char *r = json_string_value(json_object_get(item, "reason"));
        if (r == NULL)
            continue;
        if (code[0] == '\0' || strcmp(r, "quotaExceeded") == 0 ||
            (strcmp(r, "rateLimitExceeded") == 0 && strcmp(code, "quotaExceeded") != 0))
            copy_code(code, size, r, strlen(r));
    }
}

static void json_code(const char *body, size_t len, char *code, size_t size)
{
    json_t *root = json_loadb(body, len, 0, NULL), *err;
    const char *s;

    if (root == NULL)
        return;
    if ((s = json_string_value(json_object_get(root, "__type"))) != NULL ||
        (s = json_string_value(json_object_get(root, "code"))) != NULL ||
        (s = json_string_value(json_object_get(root, "Code"))) != NULL) {
        aws_code(code, size, s);
    } else if ((err = json_object_get(root, "error")) != NULL && json_is_object(err)) {
        google_reason(json_object_get(err, "errors"), code, size);
        google_reason(json_object_get(err, "details"), code, size);
        if (code[0] == '\0' && (s = json_string_value(json_object_get(err, "status"))) != NULL)
            copy_code(code, size, s, strlen(s));
    } else if ((s = json_string_value(err)) != NULL) { /* OAuth2: {"error":"invalid_grant"} */
        copy_code(code, size, s, strlen(s));
    }
    json_decref(root);
}

struct xml_code {
    int depth_in_code; /* >0 while inside the first <Code> */
    int done;
    struct buf text;
};

static void XMLCALL xml_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xml_code *x = ud;
    (void)attrs;
    if (x->depth_in_code)
        x->depth_in_code++;
    else if (!x->done && strcmp(name, "Code") == 0)
        x->depth_in_code = 1;
}

static void XMLCALL xml_end(void *ud, const XML_Char *name)
{
    struct xml_code *x = ud;
    (void)name;
    if (x->depth_in_code && --x->depth_in_code == 0)
        x->done = 1;
}

static void XMLCALL xml_text(void *ud, const XML_Char *s, int len)
{
    struct xml_code *x = ud;
    if (x->depth_in_code == 1 && len > 0)
        buf_append(&x->text, s, (size_t)len);
}

static void xml_code_of(const char *body, size_t len, char *code, size_t size)
{
    struct xml_code x = {0, 0, BUF_INIT(256)};
    XML_Parser p = XML_ParserCreate(NULL);

    if (p == NULL)
        return;
    XML_SetUserData(p, &x);
    XML_SetElementHandler(p, xml_start, xml_end);
    XML_SetCharacterDataHandler(p, xml_text);
    XML_Parse(p, body, (int)(len > 1048576 ? 1048576 : len), 1);
    if (x.done)
        copy_code(code, size, buf_cstr(&x.text), x.text.len);
    XML_ParserFree(p);
    buf_release(&x.text);
}

void http_retry_error_code(const struct http_headers *headers, const char *body, size_t len,
                           char *code, size_t code_size)
{
    const char *hdr = headers ? http_headers_get(headers, "X-Amzn-ErrorType") : NULL;
    size_t i = 0;

    if (code_size == 0)
        return;
    code[0] = '\0';
    if (hdr != NULL && hdr[0] != '\0') {
        aws_code(code, code_size, hdr);
        return;
    }
    if (body == NULL)
        return;
    while (i < len && strchr(" \t\r\n", body[i]))
        i++;
    if (i < len && body[i] == '{')
        json_code(body + i, len - i, code, code_size);
    else if (i < len && body[i] == '<')
        xml_code_of(body + i, len - i, code, code_size);
}

enum http_retry_kind http_retry_classify(long status, const struct http_headers *headers,
                                         const char *body, size_t len, char *code, size_t code_size)
{
    if (code_size)
        code[0] = '\0';
    if (status >= 200 && status < 300)
        return HTTP_RETRY_NO;
    http_retry_error_code(headers, body, len, code, code_size);
    if (strcmp(code, "quotaExceeded") == 0)
        return HTTP_RETRY_NO;
    if (in_list(code, throttle_codes, sizeof(throttle_codes) / sizeof(throttle_codes[0])))
        return HTTP_RETRY_THROTTLED;
    if (status == 429)
        return HTTP_RETRY_THROTTLED;
    if (in_list(code, transient_codes, sizeof(transient_codes) / sizeof(transient_codes[0])))
        return HTTP_RETRY_TRANSIENT;
    if (status == 500 || status == 502 || status == 503 || status == 504)
        return HTTP_RETRY_TRANSIENT;
    return HTTP_RETRY_NO;
}

uint64_t http_retry_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int64_t http_retry_backoff_ms(uint64_t *rng, long base_ms, long cap_ms, int retry)
{
    int64_t ceiling = base_ms > 0 ? base_ms : 1;

    while (retry-- > 0 && ceiling < cap_ms)
        ceiling *= 2;
    if (ceiling > cap_ms)
        ceiling = cap_ms > 0 ? cap_ms : 0;
    return (int64_t)(http_retry_rand(rng) % (uint64_t)(ceiling + 1));
}

void http_retry_error(struct err *e, const struct http_request *req, long status, const char *code,
                      enum http_retry_kind kind, int attempts, const char *body, const char *note)
{
    struct buf red = BUF_INIT(8192), url = BUF_INIT(4096);
    char snippet[256], tries[48] = "";
    size_t n = 0;
    int auth = (status == 401 || status == 403) && kind == HTTP_RETRY_NO &&
               strcmp(code, "quotaExceeded") != 0;
    const char *hint = !auth ? ""
                       : status == 401
                           ? " (credentials rejected: check or refresh them)"
                           : " (access denied: check the permissions of these credentials)";

    if (attempts > 1)
        snprintf(tries, sizeof(tries), " after %d attempts", attempts);
    http_redact(&url, req->url);
    if (body && *body)
        http_redact(&red, body); /* stops quietly at 8 KiB: only 200 characters are shown */
    for (const char *p = buf_cstr(&red); *p && n < 200; p++)
        snippet[n++] = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
    snippet[n] = '\0';
    err_set_http(
        e, auth ? ERR_AUTH : ERR_SERVICE, status, "%s %s: HTTP %ld%s%.100s%s from %.160s%s: %s%s%s",
        req->service, req->operation, status, code[0] ? " " : "", code, tries, buf_cstr(&url), hint,
        snippet[0] ? snippet : "(empty body)", red.len > 200 ? "..." : "", note ? note : "");
    buf_release(&red);
    buf_release(&url);
}
