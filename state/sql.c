/* state/sql.c: the prepared-statement cache and the bind/column/error helpers every state/ file
 * uses. Statements are prepared once per connection and reused; a statement is always reset
 * after use so that no reader keeps an old snapshot (and the WAL can be checkpointed). */
#include "state/sql.h"

#include <stdlib.h>
#include <string.h>

/* The first failed bind since the last sql_stmt() on this thread (each thread uses its own
 * connection); sql_step() reports it rather than running a statement with a NULL parameter. */
static _Thread_local int bind_failed;

/* The first few words of a statement, for error messages. */
static void sql_head(const char *sql, char *out, size_t n)
{
    size_t i = 0;
    while (*sql == ' ' || *sql == '\n')
        sql++;
    for (; sql[i] && i + 1 < n && i < 48; i++)
        out[i] = sql[i] == '\n' ? ' ' : sql[i];
    out[i] = '\0';
}

sqlite3_stmt *sql_stmt(struct db *db, const char *sql, struct err *e)
{
    sqlite3_stmt *st = NULL;
    char head[64];

    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < db->n_cache; i++) {
            if (pass == 0 ? db->cache[i].sql == sql : strcmp(db->cache[i].sql, sql) == 0) {
                st = db->cache[i].st;
                sqlite3_reset(st);
                sqlite3_clear_bindings(st);
                bind_failed = SQLITE_OK;
                return st;
            }
        }
    }
    if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        sql_head(sql, head, sizeof(head));
        err_set(e, ERR_DB, "history database %s: cannot prepare \"%s...\": %s", db->path, head,
                sqlite3_errmsg(db->h));
        sqlite3_finalize(st);
        return NULL;
    }
    if (db->n_cache == SQL_CACHE_MAX) {
        /* Full: evict the oldest entry (not expected with the fixed set of statements). */
        sqlite3_finalize(db->cache[0].st);
        memmove(&db->cache[0], &db->cache[1], sizeof(db->cache[0]) * (SQL_CACHE_MAX - 1));
        db->n_cache--;
    }
    db->cache[db->n_cache].sql = sql;
    db->cache[db->n_cache].st = st;
    db->n_cache++;
    bind_failed = SQLITE_OK;
    return st;
}

void sql_done(sqlite3_stmt *st)
{
    if (st != NULL) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

void sql_cache_clear(struct db *db)
{
    for (size_t i = 0; i < db->n_cache; i++)
        sqlite3_finalize(db->cache[i].st);
    db->n_cache = 0;
}

int sql_fail(struct db *db, const char *what, struct err *e)
{
    int rc = sqlite3_extended_errcode(db->h);

    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return err_set(e, ERR_DB,
                       "history database %s: %s: %s (another pipetop process holds the write lock;"
                       " try again in a moment)",
                       db->path, what, sqlite3_errmsg(db->h));
    if ((rc & 0xff) == SQLITE_NOMEM)
        return err_set(e, ERR_NOMEM, "history database %s: %s: out of memory", db->path, what);
    if ((rc & 0xff) == SQLITE_READONLY)
        return err_set(e, ERR_DB,
                       "history database %s: %s: %s (opened read-only, or no write "
                       "permission on the file or its directory)",
                       db->path, what, sqlite3_errmsg(db->h));
    return err_set(e, ERR_DB, "history database %s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
}

int sql_exec(struct db *db, const char *sql, const char *what, struct err *e)
{
    if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(db, what, e);
    return 0;
}

int sql_savepoint(struct db *db, struct err *e)
{
    /* Outside a transaction take the write lock first (BEGIN IMMEDIATE): a deferred transaction
     * that reads before it writes could fail with SQLITE_BUSY_SNAPSHOT instead of waiting. */
    db->sp_began = sqlite3_get_autocommit(db->h) != 0;
    if (db->sp_began)
        return sql_exec(db, "BEGIN IMMEDIATE", "starting a write", e);
    return sql_exec(db, "SAVEPOINT store", "starting a write", e);
}

int sql_release(struct db *db, int ok, struct err *e)
{
    if (ok && sql_exec(db, db->sp_began ? "COMMIT" : "RELEASE store", "finishing a write", e) == 0)
        return 0;
    if (db->sp_began) {
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    } else {
        sqlite3_exec(db->h, "ROLLBACK TO store", NULL, NULL, NULL);
        sqlite3_exec(db->h, "RELEASE store", NULL, NULL, NULL);
    }
    return -1;
}

int sql_step(sqlite3_stmt *st)
{
    return bind_failed != SQLITE_OK ? bind_failed : sqlite3_step(st);
}

int sql_step_done(struct db *db, sqlite3_stmt *st, const char *what, struct err *e)
{
    int rc = sql_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        sql_fail(db, what, e);
        sqlite3_reset(st);
        return -1;
    }
    return 0;
}

static int bind_result(int rc)
{
    if (rc != SQLITE_OK && bind_failed == SQLITE_OK)
        bind_failed = rc;
    return rc;
}

int sql_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL)
        return bind_result(sqlite3_bind_null(st, i));
    return bind_result(sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT));
}

int sql_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
    return bind_result(sqlite3_bind_int64(st, i, v));
}

int sql_col_dup(sqlite3_stmt *st, int col, char **out, struct err *e)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    *out = NULL;
    if (t == NULL)
        return 0;
    *out = strdup((const char *)t);
    if (*out == NULL)
        return err_set(e, ERR_NOMEM, "history database: out of memory copying a column");
    return 0;
}

int64_t sql_col_i64(sqlite3_stmt *st, int col)
{
    return sqlite3_column_int64(st, col);
}

int sql_grow(void **arr, size_t *cap, size_t n, size_t sz, struct err *e)
{
    size_t ncap;
    char *p;

    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 16;
    while (ncap <= n)
        ncap *= 2;
    p = realloc(*arr, ncap * sz);
    if (p == NULL)
        return err_set(e, ERR_NOMEM, "history database: out of memory growing a result list");
    memset(p + *cap * sz, 0, (ncap - *cap) * sz);
    *arr = p;
    *cap = ncap;
    return 0;
}
