/* tests/unit/discovery_check.h: checks a JSON answer against a Google discovery document
 * (../shared/reference/google-discovery/NAME.json) by walking its `schemas`: every member must be
 * a known property, of the declared type (int64/uint64 as decimal strings, google-datetime as
 * RFC 3339, enums within their list). Test support only; never changes the value it checks. */
#ifndef TESTS_UNIT_DISCOVERY_CHECK_H
#define TESTS_UNIT_DISCOVERY_CHECK_H

#include <jansson.h>

#include "core/err.h"

struct discovery;

/* Loads the discovery document at path. Returns -1 (ERR_IO/ERR_PARSE) with the reason. */
int discovery_load(struct discovery **out, const char *path, struct err *e);
void discovery_free(struct discovery *d);

/* The response schema id of a method ("bigquery.tables.get" → "Table"), or NULL when the
 * document has no such method or the method returns nothing. Borrowed. */
const char *discovery_response_schema(const struct discovery *d, const char *method_id);

/* The `enum` list of a method's query parameter, or NULL. Borrowed. */
json_t *discovery_param_enum(const struct discovery *d, const char *method_id, const char *param);

/* Checks value against the schema with id `schema`. Returns -1 (ERR_PARSE) naming the JSON path
 * of the first member that is unknown or of the wrong type/format/enum value. */
int discovery_check(const struct discovery *d, const char *schema, const json_t *value,
                    struct err *e);

#endif
