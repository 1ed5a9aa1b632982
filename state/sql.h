/* state/sql.h: what the state/ files share and nobody outside state/ sees — the struct db
 * itself, the prepared-statement cache and small bind/column helpers. Only state/ includes this
 * header; it is the one place (with its .c files) that speaks SQL. */
#ifndef STATE_SQL_H
#define STATE_SQL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SQL_CACHE_MAX 64

struct sql_cached {
    const char *sql; /* static text; compared by address, then by content */
    sqlite3_stmt *st;
};

struct db {
    sqlite3 *h;
    char *path;
    int flags;
    int in_txn;   /* db_begin() was called and neither commit nor rollback yet */
    int sp_began; /* sql_savepoint() began the transaction (rather than nesting in one) */
    int64_t call_max_rows;
    int call_max_days;
    struct sql_cached cache[SQL_CACHE_MAX];
    size_t n_cache;
};

/* A ready statement for sql (prepared once, then reused): reset, bindings cleared. Returns NULL
 * and sets e (ERR_DB, naming the statement's first words) when it does not prepare. Pass it to
 * sql_done() when finished, on every path, so no read snapshot stays open. */
sqlite3_stmt *sql_stmt(struct db *db, const char *sql, struct err *e);
void sql_done(sqlite3_stmt *st);
void sql_cache_clear(struct db *db);

/* Runs statements that return no rows (migrations, BEGIN/COMMIT). -1 with ERR_DB. */
int sql_exec(struct db *db, const char *sql, const char *what, struct err *e);

/* A savepoint around a group of writes, so they land together both inside db_begin() and
 * outside it. sql_release(db, 0, e) rolls the group back; it returns -1 if the release fails. */
int sql_savepoint(struct db *db, struct err *e);
int sql_release(struct db *db, int ok, struct err *e);

/* Steps a statement expected to finish without rows (INSERT/UPDATE/DELETE). */
int sql_step_done(struct db *db, sqlite3_stmt *st, const char *what, struct err *e);

/* ERR_DB (ERR_REFUSED for a constraint, ERR_DB otherwise) with sqlite's message and the path. */
int sql_fail(struct db *db, const char *what, struct err *e);

/* Binding: NULL text binds SQL NULL. 1-based indexes as sqlite counts them. A bind that fails
 * (out of memory) is remembered until the next sql_stmt(): the statement's sql_step() then fails
 * with that code instead of running with a missing parameter. */
int sql_bind_text(sqlite3_stmt *st, int i, const char *s);
int sql_bind_i64(sqlite3_stmt *st, int i, int64_t v);

/* sqlite3_step(), or the code of a failed bind since the statement was taken from sql_stmt(). */
int sql_step(sqlite3_stmt *st);

/* The column as a heap copy in *out (NULL for SQL NULL). -1 with ERR_NOMEM. */
int sql_col_dup(sqlite3_stmt *st, int col, char **out, struct err *e);
int64_t sql_col_i64(sqlite3_stmt *st, int col);

/* Grows *arr (elements of size sz) so that index n fits; *cap tracks the capacity. Zeroes new
 * elements. -1 with ERR_NOMEM. */
int sql_grow(void **arr, size_t *cap, size_t n, size_t sz, struct err *e);

#endif
