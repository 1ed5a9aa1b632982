/* tests/fakecloud/bq_schema.h: BigQuery table schema rules used by tables.patch (additive
 * changes only) and tables.get (selectedFields). Never changes the schemas it is given. */
#ifndef TESTS_FAKECLOUD_BQ_SCHEMA_H
#define TESTS_FAKECLOUD_BQ_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

/* Checks new_fields (the whole schema sent with a patch) against the table's old_fields.
 * table is "project:dataset.table" for the message. Returns 0 when the change is additive, else
 * -1 with BigQuery's 400 `invalid` message in msg. */
int fc_bq_schema_check_patch(const char *table, json_t *old_fields, json_t *new_fields, char *msg,
                             size_t n);

/* The fields named in `selected` ("a,b.c", as tables.get selectedFields), as a new array. */
json_t *fc_bq_schema_select(json_t *fields, const char *selected);

#endif
