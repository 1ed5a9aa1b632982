/* state/drift.h: the last schema-drift check of each raw table in the history database (what
 * `pipetop schema refresh TABLE --from-export` found), so `pipetop tables` and the Tables view
 * can mark drifted tables and the Schema view can show the diff. One row per table with its
 * items (one per attribute), replaced by each check. */
#ifndef STATE_DRIFT_H
#define STATE_DRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "state/db.h"

struct db_drift_item {
    char *kind;   /* "new" "changed" "gone" (drift_kind_name) */
    char *path;   /* "referral_code", "prefs.M.theme" */
    char *detail; /* "S", "now also N"; may be NULL */
};

struct db_drift {
    char *table; /* project.dataset.table */
    int64_t checked_ms;
    char *export_arn; /* may be NULL */
    int new_attrs, changed, gone;
    char *detail;                /* the diff as printed; may be NULL */
    struct db_drift_item *items; /* db_get_drift only (db_list_drift leaves them NULL) */
    size_t n_items;
};

/* Inserts or replaces the check of d->table together with its items, in one savepoint. */
int db_put_drift(struct db *db, const struct db_drift *d, struct err *e);
/* Every stored check, by table name, without items. Free with db_drifts_free. */
int db_list_drift(struct db *db, struct db_drift **out, size_t *n, struct err *e);
void db_drifts_free(struct db_drift *v, size_t n);
/* The stored check of table (project.dataset.table) with its items into *out; *found false
 * (and *out zeroed) when the table was never checked. Release with db_drift_release. */
int db_get_drift(struct db *db, const char *table, struct db_drift *out, bool *found,
                 struct err *e);
void db_drift_release(struct db_drift *d);

#endif
