/* state/drift.h: the last schema-drift check of each raw table in the history database (what
 * `pipetop schema refresh TABLE --from-export` found), so `pipetop tables` and the Tables view
 * can mark drifted tables. One row per table, replaced by each check. */
#ifndef STATE_DRIFT_H
#define STATE_DRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "state/db.h"

struct db_drift {
    char *table; /* project.dataset.table */
    int64_t checked_ms;
    char *export_arn; /* may be NULL */
    int new_attrs, changed, gone;
    char *detail; /* the diff as printed; may be NULL */
};

/* Inserts or replaces the check of d->table. */
int db_put_drift(struct db *db, const struct db_drift *d, struct err *e);
/* Every stored check, by table name. Free with db_drifts_free. */
int db_list_drift(struct db *db, struct db_drift **out, size_t *n, struct err *e);
void db_drifts_free(struct db_drift *v, size_t n);

#endif
