/* state/drift.c: storing and listing schema-drift checks (state/drift.h). Upserts only;
 * never touches the tables' own rows or schema versions. */
#include "state/drift.h"

#include <stdlib.h>
#include <string.h>

#include "state/sql.h"

static const char sql_put[] =
    "INSERT OR REPLACE INTO table_drift"
    " (table_name, checked_ms, export_arn, new_attrs, changed, gone, detail)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_list[] = "SELECT table_name, checked_ms, export_arn, new_attrs, changed,"
                               " gone, detail FROM table_drift ORDER BY table_name";

int db_put_drift(struct db *db, const struct db_drift *d, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_put, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, d->table);
    sql_bind_i64(st, 2, d->checked_ms);
    sql_bind_text(st, 3, d->export_arn);
    sql_bind_i64(st, 4, d->new_attrs);
    sql_bind_i64(st, 5, d->changed);
    sql_bind_i64(st, 6, d->gone);
    sql_bind_text(st, 7, d->detail);
    rc = sql_step_done(db, st, "storing a drift check", e);
    sql_done(st);
    if (rc != 0)
        err_prefix(e, "table %s: ", d->table ? d->table : "?");
    return rc;
}

void db_drifts_free(struct db_drift *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        free(v[i].table);
        free(v[i].export_arn);
        free(v[i].detail);
    }
    free(v);
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
        d->checked_ms = sql_col_i64(st, 1);
        d->new_attrs = (int)sql_col_i64(st, 3);
        d->changed = (int)sql_col_i64(st, 4);
        d->gone = (int)sql_col_i64(st, 5);
        if (sql_col_dup(st, 0, &d->table, e) || sql_col_dup(st, 2, &d->export_arn, e) ||
            sql_col_dup(st, 6, &d->detail, e)) {
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
