/* tests/fakecloud/world_gcp.c: the world's BigQuery schema change (world.h fw_bq_patch_schema),
 * kept with the Google handlers: BigQuery's additive-only rules (bq_schema.c) decide, and a
 * change that passes replaces the fields, bumps the generation (new etag) and lastModifiedTime.
 * Never changes the table when the rules refuse. Callers hold fc->world_lock. */
#include "tests/fakecloud/world.h"

#include <string.h>

#include "tests/fakecloud/bq_schema.h"

int fw_bq_patch_schema(struct fw_world *w, size_t table, json_t *fields, int64_t now_ms,
                       struct fw_error *e)
{
    struct fw_bq_table *t = &w->bq_tables[table];
    char name[800], msg[1024];
    json_t *copy;

    snprintf(name, sizeof(name), "%s:%s.%s", w->project, w->datasets[t->dataset].id, t->id);
    if (fc_bq_schema_check_patch(name, t->schema_fields, fields, msg, sizeof(msg)) != 0)
        return fw_fail(e, 400, "invalid", "%s", msg);
    copy = json_deep_copy(fields);
    if (copy == NULL)
        return fw_fail(e, 500, "internalError", "out of memory patching %s", name);
    json_decref(t->schema_fields);
    t->schema_fields = copy;
    t->generation++;
    t->modified_ms = now_ms;
    return 0;
}
