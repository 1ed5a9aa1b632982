/* tui/drift_hint.c: the drift hint after a failed DynamoDB transfer (tui/drift_hint.h). */
#include "tui/drift_hint.h"

#include <stdio.h>
#include <string.h>

#include "state/drift.h"
#include "tui/out.h"

/* project.dataset.table of the raw table (raw_table may lack the project). */
static void full_name(struct session *s, const char *raw, char *out, size_t n)
{
    const char *a = strchr(raw, '.');
    char src[160];
    const char *project = session_gcp_project(s, src, sizeof(src));

    if (a != NULL && strchr(a + 1, '.') == NULL && project != NULL)
        snprintf(out, n, "%s.%s", project, raw);
    else
        snprintf(out, n, "%s", raw);
}

bool drift_hint(struct session *s, const struct pipeline *p, const char *why, char *out, size_t n)
{
    struct db_drift d;
    struct err e = ERR_INIT;
    char full[700], when[48];
    bool found = false, json_load = why != NULL && (strstr(why, "JSON table encountered") != NULL ||
                                                    strstr(why, "No such field") != NULL);
    size_t used;

    out[0] = '\0';
    if (s == NULL || s->db == NULL || p == NULL || p->source_kind != SOURCE_DYNAMODB ||
        p->raw_table == NULL)
        return false;
    full_name(s, p->raw_table, full, sizeof(full));
    if (db_get_drift(s->db, full, &d, &found, &e) != 0)
        found = false;
    if (found && d.new_attrs > 0) {
        used = (size_t)snprintf(out, n,
                                "%s lacks %d attribute(s) that the newest export has (found %s by "
                                "schema refresh --from-export):",
                                full, d.new_attrs, out_time(d.checked_ms, when, sizeof(when)));
        for (size_t i = 0; i < d.n_items && used < n; i++)
            if (strcmp(d.items[i].kind, "new") == 0)
                used += (size_t)snprintf(out + used, n - used, " %s", d.items[i].path);
        if (used < n)
            snprintf(
                out + used, n - used,
                "; a JSON load fails on them. Add them (NULLABLE) with `pipetop schema refresh "
                "%s --from-export --apply`, then rerun the transfer",
                full);
    } else if (json_load) {
        snprintf(out, n,
                 "the load's own error names no field; if the export has attributes %s lacks, "
                 "`pipetop schema refresh %s --from-export` lists them",
                 full, full);
    }
    if (found)
        db_drift_release(&d);
    return out[0] != '\0';
}
