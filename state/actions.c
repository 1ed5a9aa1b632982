/* state/actions.c: persisted actions and their claims on (target, day, stage). Claims are made
 * in one BEGIN IMMEDIATE transaction with the action row; the partial UNIQUE index of migration
 * 2 is what makes a second claim fail, even from another process. It never runs an action. */
#include "state/actions.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state/sql.h"

static const char *const kind_names[] = {"rerun", "backfill", "schema-apply"};
static const char *const status_names[] = {"pending", "running", "done", "failed", "abandoned"};

const char *db_action_kind_name(enum db_action_kind k)
{
    return (unsigned)k <= DB_ACTION_SCHEMA_APPLY ? kind_names[k] : "?";
}

const char *db_action_status_name(enum db_action_status s)
{
    return (unsigned)s <= DB_ACTION_ABANDONED ? status_names[s] : "?";
}

bool db_action_status_is_active(enum db_action_status s)
{
    return s == DB_ACTION_PENDING || s == DB_ACTION_RUNNING;
}

void db_action_release(struct db_action *a)
{
    if (a == NULL)
        return;
    free(a->target);
    free(a->step);
    free(a->owner_host);
    a->target = a->step = a->owner_host = NULL;
}

void db_actions_free(struct db_action *a, size_t n)
{
    for (size_t i = 0; a != NULL && i < n; i++)
        db_action_release(&a[i]);
    free(a);
}

static void host_name(char *out, size_t n)
{
    if (gethostname(out, n) != 0)
        snprintf(out, n, "localhost");
    out[n - 1] = '\0';
}

bool db_action_owner_alive(const struct db_action *a)
{
    char host[256];

    host_name(host, sizeof(host));
    if (a->owner_host == NULL || strcmp(a->owner_host, host) != 0)
        return true;
    if (a->owner_pid == (long)getpid())
        return true;
    return a->owner_pid > 0 && (kill((pid_t)a->owner_pid, 0) == 0 || errno == EPERM);
}

/* ---- reading ---- */

#define ACTION_COLUMNS                                                                             \
    "id, kind, target, day_from, day_to, stages, status, step, created_ms, updated_ms,"            \
    " owner_pid, owner_host"

static const char sql_action_get[] = "SELECT " ACTION_COLUMNS " FROM actions WHERE id = ?1";
static const char sql_action_list[] = "SELECT " ACTION_COLUMNS " FROM actions ORDER BY id DESC";
static const char sql_action_active[] =
    "SELECT " ACTION_COLUMNS " FROM actions WHERE status IN ('pending', 'running')"
    " ORDER BY id DESC";

static int name_index(const char *s, const char *const *names, int n)
{
    for (int i = 0; s != NULL && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static unsigned stages_parse(const char *s)
{
    unsigned mask = 0;
    for (int i = 0; s != NULL && i < STAGE_COUNT; i++)
        if (strstr(s, stage_name((enum stage)i)) != NULL)
            mask |= 1u << i;
    return mask;
}

static int action_from_row(sqlite3_stmt *st, struct db_action *a, struct err *e)
{
    const char *from = (const char *)sqlite3_column_text(st, 3);
    const char *to = (const char *)sqlite3_column_text(st, 4);
    int k = name_index((const char *)sqlite3_column_text(st, 1), kind_names, 3);
    int s = name_index((const char *)sqlite3_column_text(st, 6), status_names, 5);

    a->id = sql_col_i64(st, 0);
    a->kind = k < 0 ? DB_ACTION_RERUN : (enum db_action_kind)k;
    a->status = s < 0 ? DB_ACTION_ABANDONED : (enum db_action_status)s;
    snprintf(a->day_from, sizeof(a->day_from), "%s", from ? from : "");
    snprintf(a->day_to, sizeof(a->day_to), "%s", to ? to : "");
    a->stages = stages_parse((const char *)sqlite3_column_text(st, 5));
    a->created_ms = sql_col_i64(st, 8);
    a->updated_ms = sql_col_i64(st, 9);
    a->owner_pid = (long)sql_col_i64(st, 10);
    if (sql_col_dup(st, 2, &a->target, e) || sql_col_dup(st, 7, &a->step, e) ||
        sql_col_dup(st, 11, &a->owner_host, e))
        return -1;
    return 0;
}

int db_action_get(struct db *db, int64_t id, struct db_action *out, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_action_get, e);
    int rc, ret = -1;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, id);
    rc = sql_step(st);
    if (rc == SQLITE_ROW)
        ret = action_from_row(st, out, e);
    else if (rc == SQLITE_DONE)
        err_set(e, ERR_NOT_FOUND, "there is no action #%lld in the history database",
                (long long)id);
    else
        sql_fail(db, "reading an action", e);
    sql_done(st);
    if (ret != 0)
        db_action_release(out);
    return ret;
}

int db_action_list(struct db *db, bool active_only, struct db_action **out, size_t *n,
                   struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, active_only ? sql_action_active : sql_action_list, e);
    struct db_action *arr = NULL;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0 ||
            action_from_row(st, &arr[len++], e) != 0)
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "listing actions", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_actions_free(arr, len);
    return -1;
}

/* ---- creating and claiming ---- */

static const char sql_action_add[] =
    "INSERT INTO actions (kind, target, day_from, day_to, stages, status, step, created_ms,"
    " updated_ms, owner_pid, owner_host) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?7, ?8, "
    "?9)";
static const char sql_claim_add[] = "INSERT INTO action_claims (action_id, target, day, stage)"
                                    " VALUES (?1, ?2, ?3, ?4)";
static const char sql_claim_holder[] =
    "SELECT " ACTION_COLUMNS " FROM actions WHERE id = (SELECT action_id FROM action_claims"
    " WHERE target = ?1 AND day = ?2 AND stage = ?3 AND active = 1)";
static const char sql_claims_release[] =
    "UPDATE action_claims SET active = 0 WHERE action_id = ?1 AND active = 1";

/* The error for a triple already claimed: who holds it and what to do. */
static int claim_refused(struct db *db, const char *target, const char *day, const char *stage,
                         struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_claim_holder, e);
    struct db_action h = {0};
    int found = 0;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, target);
    sql_bind_text(st, 2, day);
    sql_bind_text(st, 3, stage);
    if (sql_step(st) == SQLITE_ROW)
        found = action_from_row(st, &h, NULL) == 0;
    sql_done(st);
    if (!found) {
        db_action_release(&h);
        return err_set(e, ERR_REFUSED, "%s %s %s is already claimed by another action", target, day,
                       stage);
    }
    err_set(e, ERR_REFUSED,
            "%s %s %s is already being handled by action #%lld (%s, %s, pid %ld on %s%s); %s",
            target, *day ? day : "-", stage, (long long)h.id, db_action_kind_name(h.kind),
            db_action_status_name(h.status), h.owner_pid, h.owner_host ? h.owner_host : "?",
            db_action_owner_alive(&h) ? "" : ", which is no longer running",
            db_action_owner_alive(&h) ? "wait for it to finish"
                                      : "resume it or abandon it before starting another");
    db_action_release(&h);
    return -1;
}

static int claim_one(struct db *db, int64_t id, const char *target, const char *day,
                     const char *stage, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_claim_add, e);
    int rc, xrc;

    if (st == NULL)
        return -1;
    sql_bind_i64(st, 1, id);
    sql_bind_text(st, 2, target);
    sql_bind_text(st, 3, day);
    sql_bind_text(st, 4, stage);
    rc = sql_step(st);
    xrc = sqlite3_extended_errcode(db->h);
    sql_done(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (xrc == SQLITE_CONSTRAINT_UNIQUE || xrc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return claim_refused(db, target, day, stage, e);
    return sql_fail(db, "claiming a stage", e);
}

/* Claims every (day, stage) of a, or the table for a schema-apply. */
static int claim_all(struct db *db, int64_t id, const struct db_action *a, int ndays, struct err *e)
{
    char day[TIME_DAY_LEN];

    if (a->kind == DB_ACTION_SCHEMA_APPLY)
        return claim_one(db, id, a->target, "", "schema", e);
    for (int d = 0; d < ndays; d++) {
        if (time_day_add(a->day_from, d, day, e) != 0)
            return -1;
        for (int s = 0; s < STAGE_COUNT; s++)
            if ((a->stages & (1u << s)) &&
                claim_one(db, id, a->target, day, stage_name((enum stage)s), e) != 0)
                return -1;
    }
    return 0;
}

static int action_check(const struct db_action *a, int *ndays, struct err *e)
{
    *ndays = 0;
    if (a->target == NULL || *a->target == '\0' || (unsigned)a->kind > DB_ACTION_SCHEMA_APPLY)
        return err_set(e, ERR_USAGE, "an action needs a kind and a target");
    if (a->kind == DB_ACTION_SCHEMA_APPLY)
        return 0;
    if (time_day_valid(a->day_from, e) != 0 || time_day_valid(a->day_to, e) != 0 ||
        time_day_diff(a->day_from, a->day_to, ndays, e) != 0)
        return -1;
    if (++*ndays < 1 || *ndays > DB_ACTION_MAX_DAYS)
        return err_set(e, ERR_USAGE, "day range %s..%s must run forward and span at most %d days",
                       a->day_from, a->day_to, DB_ACTION_MAX_DAYS);
    if ((a->stages & ((1u << STAGE_COUNT) - 1)) == 0)
        return err_set(e, ERR_USAGE, "action on %s: no stage given", a->target);
    return 0;
}

static int action_insert(struct db *db, const struct db_action *a, int64_t now_ms, int64_t *id,
                         struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_action_add, e);
    char host[256], stages[64] = "";
    int rc;

    if (st == NULL)
        return -1;
    for (int s = 0; s < STAGE_COUNT; s++)
        if (a->stages & (1u << s))
            snprintf(stages + strlen(stages), sizeof(stages) - strlen(stages), "%s%s",
                     *stages ? "," : "", stage_name((enum stage)s));
    host_name(host, sizeof(host));
    sql_bind_text(st, 1, db_action_kind_name(a->kind));
    sql_bind_text(st, 2, a->target);
    sql_bind_text(st, 3, a->kind == DB_ACTION_SCHEMA_APPLY ? NULL : a->day_from);
    sql_bind_text(st, 4, a->kind == DB_ACTION_SCHEMA_APPLY ? NULL : a->day_to);
    sql_bind_text(st, 5, stages);
    sql_bind_text(st, 6, a->step);
    sql_bind_i64(st, 7, now_ms);
    sql_bind_i64(st, 8, (int64_t)getpid());
    sql_bind_text(st, 9, host);
    rc = sql_step_done(db, st, "recording an action", e);
    sql_done(st);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(db->h);
    return rc;
}

int db_action_create(struct db *db, const struct db_action *a, int64_t now_ms, int64_t *id,
                     struct err *e)
{
    int ndays;

    *id = 0;
    if (action_check(a, &ndays, e) != 0)
        return -1;
    if (db->in_txn)
        return err_set(e, ERR_INTERNAL, "db_action_create needs its own transaction");
    if (sql_exec(db, "BEGIN IMMEDIATE", "starting to claim an action", e) != 0)
        return -1;
    if (action_insert(db, a, now_ms, id, e) != 0 || claim_all(db, *id, a, ndays, e) != 0 ||
        sql_exec(db, "COMMIT", "claiming an action", e) != 0) {
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
        *id = 0;
        return -1;
    }
    return 0;
}

/* ---- moving an action along ---- */

static const char sql_action_set[] =
    "UPDATE actions SET status = ?2, step = coalesce(?3, step), updated_ms = ?4 WHERE id = ?1";
static const char sql_action_owner[] =
    "UPDATE actions SET owner_pid = ?2, owner_host = ?3, updated_ms = ?4 WHERE id = ?1";

enum action_op { OP_UPDATE, OP_ADOPT, OP_ABANDON };

/* Whether op may be applied to a by this process; sets e when not. */
static int action_allowed(const struct db_action *a, enum action_op op, struct err *e)
{
    char host[256];
    bool mine;

    host_name(host, sizeof(host));
    mine = a->owner_pid == (long)getpid() && a->owner_host && strcmp(a->owner_host, host) == 0;
    if (!db_action_status_is_active(a->status))
        return err_set(e, ERR_REFUSED, "action #%lld on %s is already %s", (long long)a->id,
                       a->target, db_action_status_name(a->status));
    if (op == OP_UPDATE && !mine)
        return err_set(e, ERR_REFUSED,
                       "action #%lld on %s belongs to pid %ld on %s; adopt it before resuming it",
                       (long long)a->id, a->target, a->owner_pid, a->owner_host);
    if (op != OP_UPDATE && !mine && db_action_owner_alive(a))
        return err_set(e, ERR_REFUSED,
                       "action #%lld on %s is still being run by pid %ld on %s; wait for it "
                       "or stop that pipetop first",
                       (long long)a->id, a->target, a->owner_pid, a->owner_host);
    return 0;
}

static int action_write(struct db *db, int64_t id, enum action_op op, enum db_action_status status,
                        const char *step, int64_t now_ms, struct err *e)
{
    sqlite3_stmt *st;
    char host[256];
    int rc;

    if (op == OP_ADOPT) {
        if ((st = sql_stmt(db, sql_action_owner, e)) == NULL)
            return -1;
        host_name(host, sizeof(host));
        sql_bind_i64(st, 1, id);
        sql_bind_i64(st, 2, (int64_t)getpid());
        sql_bind_text(st, 3, host);
        sql_bind_i64(st, 4, now_ms);
    } else {
        if ((st = sql_stmt(db, sql_action_set, e)) == NULL)
            return -1;
        sql_bind_i64(st, 1, id);
        sql_bind_text(st, 2, db_action_status_name(status));
        sql_bind_text(st, 3, step);
        sql_bind_i64(st, 4, now_ms);
    }
    rc = sql_step_done(db, st, "updating an action", e);
    sql_done(st);
    if (rc != 0 || db_action_status_is_active(status) || op == OP_ADOPT)
        return rc;
    if ((st = sql_stmt(db, sql_claims_release, e)) == NULL)
        return -1;
    sql_bind_i64(st, 1, id);
    rc = sql_step_done(db, st, "releasing an action's claims", e);
    sql_done(st);
    return rc;
}

static int action_apply(struct db *db, int64_t id, enum action_op op, enum db_action_status status,
                        const char *step, int64_t now_ms, struct err *e)
{
    struct db_action a;
    int ok;

    if ((unsigned)status > DB_ACTION_ABANDONED)
        return err_set(e, ERR_INTERNAL, "action #%lld: bad status %d", (long long)id, status);
    if (sql_savepoint(db, e) != 0)
        return -1;
    ok = db_action_get(db, id, &a, e) == 0;
    if (ok) {
        ok = action_allowed(&a, op, e) == 0 &&
             action_write(db, id, op, status, step, now_ms, e) == 0;
        db_action_release(&a);
    }
    return sql_release(db, ok, e);
}

int db_action_update(struct db *db, int64_t id, enum db_action_status status, const char *step,
                     int64_t now_ms, struct err *e)
{
    return action_apply(db, id, OP_UPDATE, status, step, now_ms, e);
}

int db_action_adopt(struct db *db, int64_t id, int64_t now_ms, struct err *e)
{
    return action_apply(db, id, OP_ADOPT, DB_ACTION_PENDING, NULL, now_ms, e);
}

int db_action_abandon(struct db *db, int64_t id, int64_t now_ms, struct err *e)
{
    return action_apply(db, id, OP_ABANDON, DB_ACTION_ABANDONED, NULL, now_ms, e);
}
