/* state/known.c: the finished-items store (state/known.h): insert-once rows keyed by
 * (kind, id). No parsing of the bodies here. */
#include "state/known.h"

#include "state/sql.h"

static const char sql_known_put[] =
    "INSERT INTO finished_items (kind, id, body, seen_ms) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (kind, id) DO NOTHING";
static const char sql_known_prune[] = "DELETE FROM finished_items WHERE seen_ms < ?1";
static const char sql_known_each[] =
    "SELECT id, body FROM finished_items WHERE kind = ?1 ORDER BY id";

int db_known_put(struct db *db, const char *kind, const char *id, const char *body, int64_t seen_ms,
                 struct err *e)
{
    sqlite3_stmt *st;
    int rc;

    if (kind == NULL || id == NULL || body == NULL)
        return err_set(e, ERR_INTERNAL, "storing a finished item: kind, id and body are needed");
    if ((st = sql_stmt(db, sql_known_put, e)) == NULL)
        return -1;
    sql_bind_text(st, 1, kind);
    sql_bind_text(st, 2, id);
    sql_bind_text(st, 3, body);
    sql_bind_i64(st, 4, seen_ms);
    rc = sql_step_done(db, st, "storing a finished item", e);
    sql_done(st);
    if (rc != 0)
        err_prefix(e, "%s %s: ", kind, id);
    return rc;
}

int db_known_each(struct db *db, const char *kind, db_known_fn fn, void *ctx, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_known_each, e);
    int rc, stop = 0;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, kind);
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *body = (const char *)sqlite3_column_text(st, 1);
        if (id != NULL && body != NULL && (stop = fn(ctx, id, body)) != 0)
            break;
    }
    if (stop == 0 && rc != SQLITE_DONE) {
        sql_fail(db, "reading finished items", e);
        sql_done(st);
        return -1;
    }
    sql_done(st);
    return stop;
}

int db_known_prune(struct db *db, int64_t before_ms, int64_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_known_prune, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, before_ms);
    rc = sql_step_done(db, st, "pruning finished items", e);
    sql_done(st);
    if (rc == 0 && n != NULL)
        *n = sqlite3_changes(db->h);
    return rc;
}
