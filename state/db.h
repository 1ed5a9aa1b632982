/* state/db.h: opening the history database (SQLite, WAL), its schema migrations and its
 * transactions. state/ is the only layer that speaks SQL; callers see struct db and the store
 * functions of state/runs.h, state/tables.h, state/logs.h and state/actions.h.
 * A struct db is one connection: use it from one thread at a time (open one per thread). */
#ifndef STATE_DB_H
#define STATE_DB_H

#include <stdint.h>

#include "core/err.h"

struct db;

enum db_flags {
    DB_READONLY = 1 << 0,   /* a reader (the dashboard's UI thread): never writes, never migrates */
    DB_NO_MIGRATE = 1 << 1, /* open (creating the file if needed) but leave the schema as it is;
                               for `pipetop doctor` and for migrating step by step */
};

/* Opens (and for writers creates) the database at path. The parent directories are created
 * mode 0700 when missing; a new file is created mode 0600 (an existing file keeps its mode).
 * Writers get WAL, synchronous=NORMAL, foreign keys and a 5 s busy timeout, and the schema is
 * migrated to db_schema_known(). A database whose schema is newer than this build knows is
 * refused (ERR_DB) and not modified in any way; a reader refuses a database that is older (the
 * next writer upgrades it) or missing (ERR_NOT_FOUND). On error *out is NULL. */
int db_open(struct db **out, const char *path, int flags, struct err *e);

/* Closes the connection and frees db; rolls back an open transaction. NULL is a no-op. */
void db_close(struct db *db);

/* The schema version this build creates and understands. */
int db_schema_known(void);

/* The database's schema version (PRAGMA user_version). */
int db_schema_version(struct db *db, int *out, struct err *e);

/* Applies migration steps until the schema is at version (1..db_schema_known()). Each step runs
 * in its own BEGIN IMMEDIATE transaction together with setting user_version, so a crash leaves
 * the file at a whole version. A version below the current one is refused (no downgrades). */
int db_migrate_to(struct db *db, int version, struct err *e);

/* One write transaction (BEGIN IMMEDIATE): one refresh = one transaction, so readers never see
 * half a refresh. The store functions called in between join it; called outside one, each is
 * its own transaction. db_rollback is safe to call when no transaction is open. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);

/* The API call log keeps at most max_rows rows (0 = no row limit) and none older than max_days
 * before the newest call (0 = no age limit); db_call_add prunes in the same transaction.
 * Defaults: 20000 rows, 30 days. */
void db_set_call_retention(struct db *db, int64_t max_rows, int max_days);

/* The path the database was opened at. Borrowed. */
const char *db_path(const struct db *db);

#endif
