/* state/tables.h: BigQuery table metadata, its schema versions and row-count samples in the
 * history database. Schema JSON and its hash are computed by core/schema.h; state/ only stores
 * and compares them: a new version row is written only when the hash differs from the latest. */
#ifndef STATE_TABLES_H
#define STATE_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "state/db.h"

#define DB_HASH_LEN 65 /* 64 hex digits + NUL */

/* Inserts or updates the table t ("project.dataset.table" is its key; t->fields is ignored).
 * With schema_json and schema_hash (both or neither), records a new schema version when the
 * hash differs from the table's latest one; *new_version (may be NULL) says whether it did.
 * Atomic: the table row and its schema version are written together or not at all. */
int db_put_table(struct db *db, const struct table_meta *t, const char *schema_json,
                 const char *schema_hash, int64_t seen_ms, int *new_version, struct err *e);

/* Inserts or replaces the sample (s->table, s->at_ms). */
int db_add_rowcount_sample(struct db *db, const struct rowcount_sample *s, struct err *e);

/* A stored table: its metadata (fields empty: read them from the latest schema version), when
 * pipetop last saw it and how many schema versions it has had. */
struct db_table {
    struct table_meta meta;
    int64_t seen_ms;
    int n_schema_versions;
};

struct db_schema_version {
    int64_t id;
    char *table; /* project.dataset.table */
    char hash[DB_HASH_LEN];
    char *schema_json; /* canonical JSON, as core/schema.h made it */
    int64_t first_seen_ms;
};

void db_tables_free(struct db_table *t, size_t n);
void db_schema_versions_free(struct db_schema_version *v, size_t n);
void db_rowcount_samples_free(struct rowcount_sample *s, size_t n);

/* Every stored table, by full name (project.dataset.table). */
int db_list_tables(struct db *db, struct db_table **out, size_t *n, struct err *e);

/* One table by its full name; ERR_NOT_FOUND when pipetop has never seen it. */
int db_get_table(struct db *db, const char *full_name, struct db_table *out, struct err *e);

/* The table's schema versions, newest first (the first element is the current schema). */
int db_schema_versions(struct db *db, const char *table, struct db_schema_version **out, size_t *n,
                       struct err *e);

/* The table's row-count samples with at_ms >= since_ms, oldest first (for sparklines). */
int db_rowcount_history(struct db *db, const char *table, int64_t since_ms,
                        struct rowcount_sample **out, size_t *n, struct err *e);

#endif
