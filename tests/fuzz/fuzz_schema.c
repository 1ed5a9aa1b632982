/* Fuzz target: table schemas as JSON (a BigQuery tables.get answer, {"fields": [...]} or a bare
 * field array): parsing into schema_field trees and canonicalizing. */
#include "tests/fuzz/fuzz.h"

#include "core/model.h"
#include "core/schema.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct schema_field *fields = NULL;
    size_t n = 0;
    char *canon = NULL;
    char hex[SCHEMA_HASH_HEX];
    struct err e = ERR_INIT;

    if (s == NULL)
        return 0;
    if (schema_from_json(s, &fields, &n, &e) == 0) {
        char *json = NULL;
        struct err e2 = ERR_INIT;
        if (schema_to_json(fields, n, &json, &e2) == 0)
            free(json);
        schema_fields_free(fields, n);
    }
    e = (struct err)ERR_INIT;
    if (schema_canonicalize(s, &canon, hex, &e) == 0)
        free(canon);
    free(s);
    return 0;
}
