/* tests/unit/clients_testutil.c: file reading and request/error assertions for the client unit
 * tests. Linked into every unit test binary. */
#include "tests/unit/clients_testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/apierr.h"

char *ct_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n = 0;

    if (f == NULL)
        fail_msg("cannot open test data %s", path);
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        fail_msg("cannot size %s", path);
    data = malloc((size_t)n + 1);
    assert_non_null(data);
    if (fread(data, 1, (size_t)n, f) != (size_t)n)
        fail_msg("short read of %s", path);
    fclose(f);
    data[n] = '\0';
    if (len)
        *len = (size_t)n;
    return data;
}

char *ct_reference(const char *rel, size_t *len)
{
    char path[512];

    snprintf(path, sizeof(path), "%s%s", CT_REFERENCE, rel);
    return ct_read(path, len);
}

void ct_assert_err(const struct err *e, enum err_code code, ...)
{
    va_list ap;
    const char *needle;

    if (e->code != code)
        fail_msg("expected error code %s, got %s: %s", err_code_name(code), err_code_name(e->code),
                 e->msg);
    va_start(ap, code);
    while ((needle = va_arg(ap, const char *)) != NULL) {
        if (strstr(e->msg, needle) == NULL) {
            va_end(ap);
            fail_msg("error message \"%s\" lacks \"%s\"", e->msg, needle);
        }
    }
    va_end(ap);
}

void ct_assert_req(const struct http_request *req, const char *method, const char *url,
                   const char *body)
{
    assert_string_equal(req->method, method);
    assert_string_equal(req->url, url);
    if (body == NULL) {
        assert_null(req->body);
    } else {
        assert_non_null(req->body);
        assert_int_equal(req->body_len, strlen(body));
        assert_memory_equal(req->body, body, req->body_len);
    }
}

void ct_assert_header(const struct http_request *req, const char *name, const char *value)
{
    const char *v = http_headers_get(&req->headers, name);

    if (value == NULL) {
        assert_null(v);
        return;
    }
    if (v == NULL)
        fail_msg("header %s missing", name);
    assert_string_equal(v, value);
}

static json_t *load_reference_json(const char *rel)
{
    size_t len;
    char *text = ct_reference(rel, &len);
    json_error_t jerr;
    json_t *j = json_loadb(text, len, 0, &jerr);

    if (j == NULL)
        fail_msg("%s: %s", rel, jerr.text);
    free(text);
    return j;
}

void ct_assert_sigv4_vector(const struct http_request *req, const char *name)
{
    json_t *root = load_reference_json("aws-sigv4-derived-vectors.json");
    json_t *vectors = json_object_get(root, "vectors"), *v = NULL, *item, *headers, *val;
    const char *key;
    size_t i;

    json_array_foreach(vectors, i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "name")), name) == 0)
            v = item;
    }
    if (v == NULL)
        fail_msg("no vector %s", name);
    assert_string_equal(req->method, json_string_value(json_object_get(v, "method")));
    assert_string_equal(req->url, json_string_value(json_object_get(v, "url")));
    if (json_string_length(json_object_get(v, "body")) == 0) {
        assert_true(req->body == NULL || req->body_len == 0);
    } else {
        assert_non_null(req->body);
        assert_string_equal(req->body, json_string_value(json_object_get(v, "body")));
    }
    headers = json_object_get(v, "request_headers_before_signing");
    json_object_foreach(headers, key, val)
    {
        if (strcasecmp(key, "Host") != 0)
            ct_assert_header(req, key, json_string_value(val));
    }
    json_decref(root);
}

int ct_protocol_errors(const char *file, ct_error_reader read)
{
    char rel[256];
    json_t *root, *suite, *c, *resp, *hv;
    size_t i, j;
    const char *hk;
    int count = 0;

    snprintf(rel, sizeof(rel), "aws-protocol-tests/output/%s", file);
    root = load_reference_json(rel);
    json_array_foreach(root, i, suite)
    {
        json_array_foreach(json_object_get(suite, "cases"), j, c)
        {
            const char *code = json_string_value(json_object_get(c, "errorCode"));
            const char *msg = json_string_value(json_object_get(c, "errorMessage"));
            const char *body;
            struct http_headers h;
            struct apierr ae;

            if (code == NULL)
                continue;
            memset(&h, 0, sizeof(h));
            resp = json_object_get(c, "response");
            json_object_foreach(json_object_get(resp, "headers"), hk, hv)
            {
                assert_int_equal(http_headers_set(&h, hk, json_string_value(hv), NULL), 0);
            }
            body = json_string_value(json_object_get(resp, "body"));
            read(&ae, (long)json_integer_value(json_object_get(resp, "status_code")), &h, body,
                 body ? strlen(body) : 0);
            if (strcmp(ae.code, code) != 0)
                fail_msg("%s %s: code \"%s\", expected \"%s\"", file,
                         json_string_value(json_object_get(c, "id")), ae.code, code);
            if (msg != NULL)
                assert_string_equal(ae.message, msg);
            http_headers_release(&h);
            count++;
        }
    }
    json_decref(root);
    return count;
}
