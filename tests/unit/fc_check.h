/* tests/unit/fc_check.h: shared steps of the fake-cloud self-check tests — start the fake cloud
 * with tests/scenarios/demo.json (adjusted for tests), a signed client for it, and assertions
 * that an answer matches its operation's botocore output shape or is a documented error.
 * Test support only (cmocka assertions). */
#ifndef TESTS_UNIT_FC_CHECK_H
#define TESTS_UNIT_FC_CHECK_H

#include <jansson.h>
#include <stddef.h>

#include "core/http.h"
#include "tests/unit/aws_client.h"
#include "tests/unit/fakecloud_proc.h"

/* The test world: demo.json with work_seconds 1, a temporary key (FC_TEMP_*) and an expired
 * one (FC_OLD_*), and page_size as given (0 = none). malloc'd JSON text. */
char *fc_check_scenario(int page_size);

#define FC_TEMP_AKID "ASIAFAKETEMPORARY001"
#define FC_TEMP_SECRET "tempSecret/0000000000000000000000000000"
#define FC_TEMP_TOKEN "FwoGZXIvYXdzEFAKETOKEN0001"
#define FC_OLD_AKID "ASIAFAKEEXPIRED00001"
#define FC_OLD_TOKEN "FwoGZXIvYXdzEFAKETOKEN0002"

/* Reads a value from the demo scenario (e.g. "aws.region"). Borrowed from a cached copy. */
const char *fc_check_demo(const char *dotted);

/* A client with the scenario's main key for server p. */
void fc_check_client(struct awsc *c, const struct fakecloud_proc *p);

/* Asserts a 200 answer whose body matches op's output shape (JSON protocols). Returns the
 * parsed body (json_decref it). */
json_t *fc_ok_json(json_t *model, const char *op, const struct http_response *r);
/* Asserts a 200 answer with the Query envelope (op given) or a REST-XML root (op NULL, shape). */
void fc_ok_xml(json_t *model, const char *op, const char *shape, const struct http_response *r);
/* Asserts status and error code, and that the code is documented for op. */
void fc_err(json_t *model, const char *service, const char *op, const struct http_response *r,
            long status, const char *code);

/* Every <tag>text</tag> of an XML body, in order: count returned, texts malloc'd into out. */
size_t fc_xml_all(const char *xml, const char *tag, char **out, size_t max);
void fc_strv_free(char **v, size_t n);
/* application/x-www-form-urlencoded value encoding. malloc'd. */
char *fc_form(const char *value);

#endif
