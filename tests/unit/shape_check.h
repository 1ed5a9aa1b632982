/* tests/unit/shape_check.h: validates service answers against the official botocore models in
 * ../shared/reference/aws-models: JSON bodies (keys are members, types right, required members
 * present, recursively) and XML bodies (element names are members or list items, values parse
 * as their types), and error codes against an operation's documented errors plus the common
 * ones. Test support only; a Google-discovery twin can mirror this API. */
#ifndef TESTS_UNIT_SHAPE_CHECK_H
#define TESTS_UNIT_SHAPE_CHECK_H

#include <jansson.h>
#include <stddef.h>

/* Loads $PIPETOP_SHARED/reference/aws-models/<service>/service-2.json ($PIPETOP_SHARED
 * defaults to ../shared). NULL (message on stderr) when missing. */
json_t *shape_model_load(const char *service);

/* The output shape name of an operation ("ListExportsOutput"), or NULL. Borrowed. */
const char *shape_output(json_t *model, const char *op);

/* Checks a JSON-protocol body against shape. 0, or -1 with the first problem in err
 * ("ExportSummaries[0].ExportStatus: want string"). Members located in headers are skipped. */
int shape_check_json(json_t *model, const char *shape, json_t *value, char *err, size_t n);

/* Checks an XML body: for the Query protocol pass the operation (the <OpResponse><OpResult>
 * wrapper is verified and its content checked against the output shape); for REST-XML pass
 * op = NULL and the body's root element is checked against shape. */
int shape_check_xml(json_t *model, const char *op, const char *shape, const char *xml, size_t len,
                    char *err, size_t n);

/* 1 when code is documented for op (its error shapes' names or error.code) or is one of the
 * errors every operation of that protocol can return (auth, validation, throttling). */
int shape_error_known(json_t *model, const char *op, const char *code);

#endif
