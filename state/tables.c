/* state/tables.c: table metadata, schema versions (a new row only when the hash changes) and
 * row-count samples. It never parses schema JSON: that is core/schema.c's job. */
#include "state/tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/sql.h"

static const char sql_put_table[] =
    "INSERT INTO bq_tables (full_name, project, dataset, table_id, type, description, num_rows,"
    " num_bytes, created_ms, modified_ms, seen_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    " ON CONFLICT (full_name) DO UPDATE SET type = excluded.type,"
    " description = excluded.description, num_rows = excluded.num_rows,"
    " num_bytes = excluded.num_bytes, created_ms = excluded.created_ms,"
    " modified_ms = excluded.modified_ms, seen_ms = max(seen_ms, excluded.seen_ms)";

static const char sql_latest_hash[] =
    "SELECT hash FROM schema_versions WHERE table_name = ?1 ORDER BY id DESC LIMIT 1";

static const char sql_add_version[] = "INSERT INTO schema_versions (table_name, hash,"
                                      " schema_json, first_seen_ms) VALUES (?1, ?2, ?3, ?4)";

/* Writes a version row unless the latest version of the table has the same hash. */
static int table_put_schema(struct db *db, const char *name, const char *json, const char *hash,
                            int64_t seen_ms, int *added, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_latest_hash, e);
    int same = 0, rc;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, name);
    rc = sql_step(st);
    if (rc == SQLITE_ROW)
        same = strcmp((const char *)sqlite3_column_text(st, 0), hash) == 0;
    sql_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_fail(db, "reading the latest schema version", e);
    if (same)
        return 0;
    if ((st = sql_stmt(db, sql_add_version, e)) == NULL)
        return -1;
    sql_bind_text(st, 1, name);
    sql_bind_text(st, 2, hash);
    sql_bind_text(st, 3, json);
    sql_bind_i64(st, 4, seen_ms);
    rc = sql_step_done(db, st, "storing a schema version", e);
    sql_done(st);
    if (rc == 0)
        *added = 1;
    return rc;
}

int db_put_table(struct db *db, const struct table_meta *t, const char *schema_json,
                 const char *schema_hash, int64_t seen_ms, int *new_version, struct err *e)
{
    sqlite3_stmt *st;
    char *name = NULL;
    int added = 0, ok = 0;

    if (new_version != NULL)
        *new_version = 0;
    if ((schema_json == NULL) != (schema_hash == NULL) ||
        (schema_hash != NULL && strlen(schema_hash) != DB_HASH_LEN - 1))
        return err_set(e, ERR_INTERNAL,
                       "db_put_table: schema JSON and a 64-digit hash go "
                       "together");
    if (table_full_name(&name, t, e) != 0)
        return -1;
    if (sql_savepoint(db, e) != 0)
        goto out;
    if ((st = sql_stmt(db, sql_put_table, e)) == NULL)
        goto release;
    sql_bind_text(st, 1, name);
    sql_bind_text(st, 2, t->project);
    sql_bind_text(st, 3, t->dataset);
    sql_bind_text(st, 4, t->table_id);
    sql_bind_text(st, 5, t->type);
    sql_bind_text(st, 6, t->description);
    sql_bind_i64(st, 7, t->num_rows);
    sql_bind_i64(st, 8, t->num_bytes);
    sql_bind_i64(st, 9, t->created_ms);
    sql_bind_i64(st, 10, t->modified_ms);
    sql_bind_i64(st, 11, seen_ms);
    ok = sql_step_done(db, st, "storing table metadata", e) == 0;
    sql_done(st);
    if (ok && schema_json != NULL)
        ok = table_put_schema(db, name, schema_json, schema_hash, seen_ms, &added, e) == 0;
release:
    if (sql_release(db, ok, e) != 0)
        ok = 0;
out:
    if (!ok)
        err_prefix(e, "table %s: ", name ? name : "?");
    else if (new_version != NULL)
        *new_version = added;
    free(name);
    return ok ? 0 : -1;
}

static const char sql_add_sample[] = "INSERT OR REPLACE INTO rowcount_samples (table_name, at_ms,"
                                     " num_rows, num_bytes) VALUES (?1, ?2, ?3, ?4)";

int db_add_rowcount_sample(struct db *db, const struct rowcount_sample *s, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_add_sample, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, s->table);
    sql_bind_i64(st, 2, s->at_ms);
    sql_bind_i64(st, 3, s->rows);
    sql_bind_i64(st, 4, s->bytes);
    rc = sql_step_done(db, st, "storing a row-count sample", e);
    sql_done(st);
    if (rc != 0)
        err_prefix(e, "table %s: ", s->table ? s->table : "?");
    return rc;
}

void db_tables_free(struct db_table *t, size_t n)
{
    for (size_t i = 0; t != NULL && i < n; i++)
        table_meta_release(&t[i].meta);
    free(t);
}

void db_schema_versions_free(struct db_schema_version *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        free(v[i].table);
        free(v[i].schema_json);
    }
    free(v);
}

void db_rowcount_samples_free(struct rowcount_sample *s, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++)
        rowcount_sample_release(&s[i]);
    free(s);
}

#define TABLE_COLUMNS                                                                              \
    "t.project, t.dataset, t.table_id, t.type, t.description, t.num_rows, t.num_bytes,"            \
    " t.created_ms, t.modified_ms, t.seen_ms,"                                                     \
    " (SELECT count(*) FROM schema_versions v WHERE v.table_name = t.full_name)"

static const char sql_list_tables[] =
    "SELECT " TABLE_COLUMNS " FROM bq_tables t ORDER BY t.full_name";
static const char sql_get_table[] = "SELECT " TABLE_COLUMNS " FROM bq_tables t"
                                    " WHERE t.full_name = ?1";

static int table_from_row(sqlite3_stmt *st, struct db_table *t, struct err *e)
{
    t->meta.num_rows = sql_col_i64(st, 5);
    t->meta.num_bytes = sql_col_i64(st, 6);
    t->meta.created_ms = sql_col_i64(st, 7);
    t->meta.modified_ms = sql_col_i64(st, 8);
    t->seen_ms = sql_col_i64(st, 9);
    t->n_schema_versions = sqlite3_column_int(st, 10);
    if (sql_col_dup(st, 0, &t->meta.project, e) || sql_col_dup(st, 1, &t->meta.dataset, e) ||
        sql_col_dup(st, 2, &t->meta.table_id, e) || sql_col_dup(st, 3, &t->meta.type, e) ||
        sql_col_dup(st, 4, &t->meta.description, e))
        return -1;
    return 0;
}

int db_list_tables(struct db *db, struct db_table **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_list_tables, e);
    struct db_table *arr = NULL;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0 ||
            table_from_row(st, &arr[len++], e) != 0)
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "listing tables", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_tables_free(arr, len);
    return -1;
}

int db_get_table(struct db *db, const char *full_name, struct db_table *out, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_get_table, e);
    int rc, ret = -1;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, full_name);
    rc = sql_step(st);
    if (rc == SQLITE_ROW)
        ret = table_from_row(st, out, e);
    else if (rc == SQLITE_DONE)
        err_set(e, ERR_NOT_FOUND,
                "table %s is not in the history database; run `pipetop "
                "refresh` or check the name (project.dataset.table)",
                full_name);
    else
        sql_fail(db, "reading a table", e);
    sql_done(st);
    if (ret != 0)
        table_meta_release(&out->meta);
    return ret;
}

static const char sql_versions[] = "SELECT id, table_name, hash, schema_json, first_seen_ms"
                                   " FROM schema_versions WHERE table_name = ?1 ORDER BY id DESC";

int db_schema_versions(struct db *db, const char *table, struct db_schema_version **out, size_t *n,
                       struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_versions, e);
    struct db_schema_version *arr = NULL, *v;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, table);
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0)
            goto fail;
        v = &arr[len++];
        v->id = sql_col_i64(st, 0);
        snprintf(v->hash, sizeof(v->hash), "%s", (const char *)sqlite3_column_text(st, 2));
        v->first_seen_ms = sql_col_i64(st, 4);
        if (sql_col_dup(st, 1, &v->table, e) || sql_col_dup(st, 3, &v->schema_json, e))
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "reading schema versions", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_schema_versions_free(arr, len);
    return -1;
}

static const char sql_samples[] = "SELECT table_name, at_ms, num_rows, num_bytes"
                                  " FROM rowcount_samples WHERE table_name = ?1 AND at_ms >= ?2"
                                  " ORDER BY at_ms";

int db_rowcount_history(struct db *db, const char *table, int64_t since_ms,
                        struct rowcount_sample **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_samples, e);
    struct rowcount_sample *arr = NULL, *s;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, table);
    sql_bind_i64(st, 2, since_ms);
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0)
            goto fail;
        s = &arr[len++];
        s->at_ms = sql_col_i64(st, 1);
        s->rows = sql_col_i64(st, 2);
        s->bytes = sql_col_i64(st, 3);
        if (sql_col_dup(st, 0, &s->table, e))
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "reading row-count history", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_rowcount_samples_free(arr, len);
    return -1;
}
