/* state/drift.c: storing and listing schema-drift checks and their items (state/drift.h).
 * Upserts only; never touches the tables' own rows or schema versions. */
#include "state/drift.h"

#include <stdlib.h>
#include <string.h>

#include "state/sql.h"

static const char sql_put[] =
    "INSERT OR REPLACE INTO table_drift"
    " (table_name, checked_ms, export_arn, new_attrs, changed, gone, detail)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_del_items[] = "DELETE FROM table_drift_items WHERE table_name = ?1";
static const char sql_put_item[] = "INSERT INTO table_drift_items (table_name, seq, kind, path,"
                                   " detail) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_get[] = "SELECT table_name, checked_ms, export_arn, new_attrs, changed,"
                              " gone, detail FROM table_drift WHERE table_name = ?1";
static const char sql_items[] = "SELECT kind, path, detail FROM table_drift_items"
                                " WHERE table_name = ?1 ORDER BY seq";
static const char sql_list[] = "SELECT table_name, checked_ms, export_arn, new_attrs, changed,"
                               " gone, detail FROM table_drift ORDER BY table_name";

static int put_items(struct db *db, const struct db_drift *d, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_del_items, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, d->table);
    rc = sql_step_done(db, st, "replacing drift items", e);
    sql_done(st);
    for (size_t i = 0; rc == 0 && i < d->n_items; i++) {
        if ((st = sql_stmt(db, sql_put_item, e)) == NULL)
            return -1;
        sql_bind_text(st, 1, d->table);
        sql_bind_i64(st, 2, (int64_t)i);
        sql_bind_text(st, 3, d->items[i].kind);
        sql_bind_text(st, 4, d->items[i].path);
        sql_bind_text(st, 5, d->items[i].detail);
        rc = sql_step_done(db, st, "storing a drift item", e);
        sql_done(st);
    }
    return rc;
}

int db_put_drift(struct db *db, const struct db_drift *d, struct err *e)
{
    sqlite3_stmt *st;
    int rc;

    if (sql_savepoint(db, e) != 0)
        return -1;
    if ((st = sql_stmt(db, sql_put, e)) == NULL) {
        sql_release(db, 0, e);
        return -1;
    }
    sql_bind_text(st, 1, d->table);
    sql_bind_i64(st, 2, d->checked_ms);
    sql_bind_text(st, 3, d->export_arn);
    sql_bind_i64(st, 4, d->new_attrs);
    sql_bind_i64(st, 5, d->changed);
    sql_bind_i64(st, 6, d->gone);
    sql_bind_text(st, 7, d->detail);
    rc = sql_step_done(db, st, "storing a drift check", e);
    sql_done(st);
    if (rc == 0)
        rc = put_items(db, d, e);
    if (rc != 0) {
        struct err re = ERR_INIT;
        sql_release(db, 0, &re);
    } else {
        rc = sql_release(db, 1, e);
    }
    if (rc != 0)
        err_prefix(e, "table %s: ", d->table ? d->table : "?");
    return rc;
}

void db_drift_release(struct db_drift *d)
{
    if (d == NULL)
        return;
    free(d->table);
    free(d->export_arn);
    free(d->detail);
    for (size_t i = 0; d->items != NULL && i < d->n_items; i++) {
        free(d->items[i].kind);
        free(d->items[i].path);
        free(d->items[i].detail);
    }
    free(d->items);
    memset(d, 0, sizeof(*d));
}

void db_drifts_free(struct db_drift *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        db_drift_release(&v[i]);
    free(v);
}

/* The columns of sql_get / sql_list into d. */
static int row_of(sqlite3_stmt *st, struct db_drift *d, struct err *e)
{
    d->checked_ms = sql_col_i64(st, 1);
    d->new_attrs = (int)sql_col_i64(st, 3);
    d->changed = (int)sql_col_i64(st, 4);
    d->gone = (int)sql_col_i64(st, 5);
    return sql_col_dup(st, 0, &d->table, e) || sql_col_dup(st, 2, &d->export_arn, e) ||
                   sql_col_dup(st, 6, &d->detail, e)
               ? -1
               : 0;
}

static int get_items(struct db *db, struct db_drift *d, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_items, e);
    size_t cap = 0;
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, d->table);
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        struct db_drift_item *it;
        if (sql_grow((void **)&d->items, &cap, d->n_items, sizeof(*d->items), e) != 0) {
            sql_done(st);
            return -1;
        }
        it = &d->items[d->n_items++];
        if (sql_col_dup(st, 0, &it->kind, e) || sql_col_dup(st, 1, &it->path, e) ||
            sql_col_dup(st, 2, &it->detail, e)) {
            sql_done(st);
            return -1;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : sql_fail(db, "reading drift items", e);
    sql_done(st);
    return rc;
}

int db_get_drift(struct db *db, const char *table, struct db_drift *out, bool *found, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_get, e);
    int rc;

    memset(out, 0, sizeof(*out));
    *found = false;
    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, table);
    rc = sql_step(st);
    if (rc == SQLITE_ROW) {
        *found = true;
        rc = row_of(st, out, e);
    } else {
        rc = rc == SQLITE_DONE ? 0 : sql_fail(db, "reading a drift check", e);
    }
    sql_done(st);
    if (rc == 0 && *found)
        rc = get_items(db, out, e);
    if (rc != 0) {
        db_drift_release(out);
        *found = false;
        err_prefix(e, "table %s: ", table);
    }
    return rc;
}

int db_list_drift(struct db *db, struct db_drift **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_list, e);
    struct db_drift *v = NULL;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            struct db_drift *nv = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof(*nv));
            if (nv == NULL) {
                rc = err_set(e, ERR_NOMEM, "out of memory listing drift checks");
                goto out;
            }
            v = nv;
        }
        struct db_drift *d = &v[*n];
        memset(d, 0, sizeof(*d));
        (*n)++;
        if (row_of(st, d, e) != 0) {
            rc = -1;
            goto out;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : sql_fail(db, "listing drift checks", e);
out:
    sql_done(st);
    if (rc != 0) {
        db_drifts_free(v, *n);
        *n = 0;
        return -1;
    }
    *out = v;
    return 0;
}
