/* tests/unit/clients_testutil.c: file reading and request/error assertions for the client unit
 * tests. Linked into every unit test binary. */
#include "tests/unit/clients_testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

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
