/* Fuzz target: the table references pipetop reads out of scheduled-query SQL, and single
 * "project.dataset.table" references. */
#include "tests/fuzz/fuzz.h"

#include "core/sqlrefs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct sql_refs refs;
    struct sql_table_ref ref;
    struct err e = ERR_INIT;

    if (s == NULL)
        return 0;
    memset(&refs, 0, sizeof(refs));
    if (sqlrefs_parse(&refs, s, &e) == 0)
        sqlrefs_release(&refs);
    e = (struct err)ERR_INIT;
    memset(&ref, 0, sizeof(ref));
    if (sqlrefs_table(&ref, s, &e) == 0)
        sql_table_ref_release(&ref);
    free(s);
    return 0;
}
