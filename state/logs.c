/* state/logs.c: refreshes, the audit log and the API call log. Rows are only appended (and
 * call rows pruned by retention); nothing here ever stores a secret it was not given. */
#include "state/logs.h"

#include <stdlib.h>
#include <string.h>

#include "state/sql.h"

static const char *const refresh_status_names[] = {"running", "ok", "partial", "failed"};

const char *db_refresh_status_name(enum db_refresh_status s)
{
    return (unsigned)s <= DB_REFRESH_FAILED ? refresh_status_names[s] : "failed";
}

static enum db_refresh_status refresh_status_parse(const char *s)
{
    for (int i = 0; s != NULL && i <= DB_REFRESH_FAILED; i++)
        if (strcmp(s, refresh_status_names[i]) == 0)
            return (enum db_refresh_status)i;
    return DB_REFRESH_FAILED;
}

static const char sql_refresh_start[] = "INSERT INTO refreshes (started_ms, status)"
                                        " VALUES (?1, 'running')";
static const char sql_refresh_finish[] =
    "UPDATE refreshes SET ended_ms = ?2, status = ?3, summary = ?4 WHERE id = ?1";
static const char sql_refresh_list[] = "SELECT id, started_ms, ended_ms, status, summary"
                                       " FROM refreshes ORDER BY id DESC LIMIT ?1";

int db_refresh_start(struct db *db, int64_t started_ms, int64_t *id, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_refresh_start, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, started_ms);
    rc = sql_step_done(db, st, "recording a refresh", e);
    sql_done(st);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(db->h);
    return rc;
}

int db_refresh_finish(struct db *db, int64_t id, int64_t ended_ms, enum db_refresh_status status,
                      const char *summary, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_refresh_finish, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, id);
    sql_bind_i64(st, 2, ended_ms);
    sql_bind_text(st, 3, db_refresh_status_name(status));
    sql_bind_text(st, 4, summary);
    rc = sql_step_done(db, st, "recording the end of a refresh", e);
    sql_done(st);
    if (rc == 0 && sqlite3_changes(db->h) == 0)
        return err_set(e, ERR_NOT_FOUND, "history database: no refresh %lld", (long long)id);
    return rc;
}

void db_refreshes_free(struct db_refresh *r, size_t n)
{
    for (size_t i = 0; r != NULL && i < n; i++)
        free(r[i].summary);
    free(r);
}

int db_list_refreshes(struct db *db, size_t limit, struct db_refresh **out, size_t *n,
                      struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_refresh_list, e);
    struct db_refresh *arr = NULL, *r;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, limit ? (int64_t)limit : -1);
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0)
            goto fail;
        r = &arr[len++];
        r->id = sql_col_i64(st, 0);
        r->started_ms = sql_col_i64(st, 1);
        r->ended_ms = sql_col_i64(st, 2);
        r->status = refresh_status_parse((const char *)sqlite3_column_text(st, 3));
        if (sql_col_dup(st, 4, &r->summary, e) != 0)
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "listing refreshes", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_refreshes_free(arr, len);
    return -1;
}

static const char sql_audit_add[] =
    "INSERT INTO audit_log (at_ms, action_id, phase, verb, target, day, stage, environment,"
    " result, detail, user_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_audit_list[] =
    "SELECT id, at_ms, action_id, phase, verb, target, day, stage, environment, result, detail,"
    " user_name FROM audit_log ORDER BY at_ms DESC, id DESC LIMIT ?1";

int db_audit_add(struct db *db, const struct audit_entry *a, int64_t *id, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_audit_add, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, a->at_ms);
    if (a->action_id > 0)
        sql_bind_i64(st, 2, a->action_id);
    sql_bind_text(st, 3, a->phase);
    sql_bind_text(st, 4, a->verb);
    sql_bind_text(st, 5, a->target);
    sql_bind_text(st, 6, a->day);
    sql_bind_text(st, 7, a->stage);
    sql_bind_text(st, 8, a->environment);
    sql_bind_text(st, 9, a->result);
    sql_bind_text(st, 10, a->detail);
    sql_bind_text(st, 11, a->user);
    rc = sql_step_done(db, st, "writing the audit log", e);
    sql_done(st);
    if (rc == 0 && id != NULL)
        *id = sqlite3_last_insert_rowid(db->h);
    return rc;
}

void db_audit_free(struct audit_entry *a, size_t n)
{
    for (size_t i = 0; a != NULL && i < n; i++)
        audit_entry_release(&a[i]);
    free(a);
}

static int audit_from_row(sqlite3_stmt *st, struct audit_entry *a, struct err *e)
{
    a->id = sql_col_i64(st, 0);
    a->at_ms = sql_col_i64(st, 1);
    a->action_id = sql_col_i64(st, 2);
    if (sql_col_dup(st, 3, &a->phase, e) || sql_col_dup(st, 4, &a->verb, e) ||
        sql_col_dup(st, 5, &a->target, e) || sql_col_dup(st, 6, &a->day, e) ||
        sql_col_dup(st, 7, &a->stage, e) || sql_col_dup(st, 8, &a->environment, e) ||
        sql_col_dup(st, 9, &a->result, e) || sql_col_dup(st, 10, &a->detail, e) ||
        sql_col_dup(st, 11, &a->user, e))
        return -1;
    return 0;
}

int db_audit_list(struct db *db, size_t limit, struct audit_entry **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_audit_list, e);
    struct audit_entry *arr = NULL;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, limit ? (int64_t)limit : -1);
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0 ||
            audit_from_row(st, &arr[len++], e) != 0)
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "reading the audit log", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_audit_free(arr, len);
    return -1;
}

static const char sql_call_add[] =
    "INSERT INTO api_calls (at_ms, service, operation, method, url, status, latency_ms,"
    " bytes_sent, bytes_received, retries, error, command, retry_detail)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
/* Keeps at most ?1 rows: the call just inserted (in the same savepoint) has the highest id, ids
 * are given in order, so the newest ?1 calls are those above its id - ?1. A seek on the primary
 * key: the former "ORDER BY id DESC LIMIT 1 OFFSET ?1" stepped back over all 20,000 kept rows on
 * every call, and made a 60,000-call refresh of the large world mostly reading its own log. */
static const char sql_call_prune_rows[] =
    "DELETE FROM api_calls WHERE id <= last_insert_rowid() - ?1";
static const char sql_call_prune_age[] = "DELETE FROM api_calls WHERE at_ms < ?1";
static const char sql_call_list[] =
    "SELECT at_ms, service, operation, method, url, status, latency_ms, bytes_sent,"
    " bytes_received, retries, error, command, retry_detail FROM api_calls"
    " ORDER BY at_ms DESC, id DESC LIMIT ?1";

static int call_insert(struct db *db, const struct api_call *c, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_call_add, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, c->at_ms);
    sql_bind_text(st, 2, c->service);
    sql_bind_text(st, 3, c->operation);
    sql_bind_text(st, 4, c->method);
    sql_bind_text(st, 5, c->url);
    sql_bind_i64(st, 6, c->status);
    sql_bind_i64(st, 7, c->latency_ms);
    sql_bind_i64(st, 8, c->bytes_sent);
    sql_bind_i64(st, 9, c->bytes_received);
    sql_bind_i64(st, 10, c->retries);
    sql_bind_text(st, 11, c->error);
    sql_bind_text(st, 12, c->command);
    sql_bind_text(st, 13, c->retry_detail);
    rc = sql_step_done(db, st, "writing the call log", e);
    sql_done(st);
    return rc;
}

static int call_prune(struct db *db, const char *sql, int64_t arg, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, arg);
    rc = sql_step_done(db, st, "pruning the call log", e);
    sql_done(st);
    return rc;
}

int db_call_add(struct db *db, const struct api_call *c, struct err *e)
{
    int ok;

    if (sql_savepoint(db, e) != 0)
        return -1;
    ok = call_insert(db, c, e) == 0;
    if (ok && db->call_max_rows > 0)
        ok = call_prune(db, sql_call_prune_rows, db->call_max_rows, e) == 0;
    if (ok && db->call_max_days > 0)
        ok = call_prune(db, sql_call_prune_age, c->at_ms - db->call_max_days * 86400000LL, e) == 0;
    return sql_release(db, ok, e);
}

void db_calls_free(struct api_call *c, size_t n)
{
    for (size_t i = 0; c != NULL && i < n; i++)
        api_call_release(&c[i]);
    free(c);
}

static int call_from_row(sqlite3_stmt *st, struct api_call *c, struct err *e)
{
    c->at_ms = sql_col_i64(st, 0);
    c->status = (long)sql_col_i64(st, 5);
    c->latency_ms = sql_col_i64(st, 6);
    c->bytes_sent = sql_col_i64(st, 7);
    c->bytes_received = sql_col_i64(st, 8);
    c->retries = sqlite3_column_int(st, 9);
    if (sql_col_dup(st, 1, &c->service, e) || sql_col_dup(st, 2, &c->operation, e) ||
        sql_col_dup(st, 3, &c->method, e) || sql_col_dup(st, 4, &c->url, e) ||
        sql_col_dup(st, 10, &c->error, e) || sql_col_dup(st, 11, &c->command, e) ||
        sql_col_dup(st, 12, &c->retry_detail, e))
        return -1;
    return 0;
}

int db_call_list(struct db *db, size_t limit, struct api_call **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_call_list, e);
    struct api_call *arr = NULL;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, limit ? (int64_t)limit : -1);
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0 ||
            call_from_row(st, &arr[len++], e) != 0)
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "reading the call log", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_calls_free(arr, len);
    return -1;
}
