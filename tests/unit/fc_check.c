/* tests/unit/fc_check.c: helpers of the fake-cloud self-check tests (see fc_check.h): the test
 * scenario, clients, shape assertions and naive XML text extraction. */
#include "tests/unit/fc_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tests/unit/shape_check.h"

static json_t *demo;

static json_t *demo_doc(void)
{
    json_error_t e;

    if (demo == NULL)
        demo = json_load_file("tests/scenarios/demo.json", 0, &e);
    if (demo == NULL)
        fprintf(stderr, "cannot read tests/scenarios/demo.json: %s\n", e.text);
    return demo;
}

const char *fc_check_demo(const char *dotted)
{
    json_t *v = demo_doc();
    char part[64];

    while (v && *dotted) {
        size_t n = strcspn(dotted, ".");
        snprintf(part, sizeof(part), "%.*s", (int)n, dotted);
        v = json_object_get(v, part);
        dotted += n + (dotted[n] == '.');
    }
    return json_string_value(v);
}

char *fc_check_scenario(int page_size)
{
    json_t *d = json_deep_copy(demo_doc()), *aws;
    char *text;

    if (d == NULL)
        return NULL;
    aws = json_object_get(d, "aws");
    json_object_set_new(d, "work_seconds", json_integer(1));
    if (page_size)
        json_object_set_new(d, "page_size", json_integer(page_size));
    json_object_set_new(aws, "keys",
                        json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s,s:i}]", "access_key_id",
                                  FC_TEMP_AKID, "secret_access_key", FC_TEMP_SECRET,
                                  "session_token", FC_TEMP_TOKEN, "access_key_id", FC_OLD_AKID,
                                  "secret_access_key", FC_TEMP_SECRET, "session_token",
                                  FC_OLD_TOKEN, "expires_in_s", -60));
    text = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return text;
}

void fc_check_client(struct awsc *c, const struct fakecloud_proc *p)
{
    assert_int_equal(awsc_init(c, p->url, "AKIDFAKECLOUD0000001",
                               "fakecloudSecretKey/0000000000000000000000", NULL,
                               fc_check_demo("aws.region"), 0),
                     0);
}

static void show(const struct http_response *r)
{
    printf("status %ld body: %.600s\n", r->status, r->body.data ? buf_cstr(&r->body) : "");
}

json_t *fc_ok_json(json_t *model, const char *op, const struct http_response *r)
{
    char err[512] = "";
    json_t *doc;

    if (r->status != 200)
        show(r);
    assert_int_equal(r->status, 200);
    doc = json_loads(buf_cstr(&r->body), 0, NULL);
    assert_non_null(doc);
    if (shape_check_json(model, shape_output(model, op), doc, err, sizeof(err)) != 0) {
        printf("%s: %s\n", op, err);
        show(r);
        fail();
    }
    return doc;
}

void fc_ok_xml(json_t *model, const char *op, const char *shape, const struct http_response *r)
{
    char err[512] = "";

    if (r->status != 200)
        show(r);
    assert_int_equal(r->status, 200);
    if (shape_check_xml(model, op, shape ? shape : shape_output(model, op), buf_cstr(&r->body),
                        r->body.len, err, sizeof(err)) != 0) {
        printf("%s: %s\n", op ? op : shape, err);
        show(r);
        fail();
    }
}

void fc_err(json_t *model, const char *service, const char *op, const struct http_response *r,
            long status, const char *code)
{
    char got[128];

    awsc_error_code(service, r, got, sizeof(got));
    if (r->status != status || strcmp(got, code) != 0) {
        printf("%s %s: want %ld %s, got %ld %s\n", service, op, status, code, r->status, got);
        show(r);
    }
    assert_int_equal(r->status, status);
    assert_string_equal(got, code);
    if (!shape_error_known(model, op, code)) {
        printf("%s is not a documented error of %s %s\n", code, service, op);
        fail();
    }
}

size_t fc_xml_all(const char *xml, const char *tag, char **out, size_t max)
{
    char open[96], close[96];
    size_t n = 0;
    const char *p = xml;

    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    while (n < max && (p = strstr(p, open)) != NULL) {
        const char *e = strstr(p, close);
        if (e == NULL)
            break;
        p += strlen(open);
        out[n++] = strndup(p, (size_t)(e - p));
        p = e;
    }
    return n;
}

void fc_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
}

char *fc_form(const char *value)
{
    struct buf b = BUF_INIT(65536);

    http_urlencode(&b, value, strlen(value), 0);
    return buf_detach(&b);
}
