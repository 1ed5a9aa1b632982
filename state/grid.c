/* state/grid.c: the stage-run queries (grid, runs list, day detail). SQL selects from the
 * indexes of migration 3; ordering by stage and by worst state is done here with the model's
 * own stage order and severity, so the database never has to know them. */
#include "state/grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/sql.h"

#define RUN_COLUMNS                                                                                \
    "r.pipeline, r.day, r.stage, r.attempt, r.state, r.raw_state, r.service_id, r.started_ms,"     \
    " r.ended_ms, r.updated_ms, r.error_code, r.error_message"

#define STAGE_ORDER "CASE r.stage WHEN 'export' THEN 0 WHEN 'transfer' THEN 1 ELSE 2 END"

/* The grid, one pipeline at a time: a loose scan of the primary key (pipeline, day, stage,
 * attempt) for the next pipeline name, then that pipeline's rows from since_day on, in key order.
 * Every row read is one that is shown and no row needs a second lookup (a single query over the
 * day index fetched each row from the primary key and looked up its latest attempt again). */
static const char sql_grid_first[] = "SELECT min(pipeline) FROM stage_runs";
static const char sql_grid_next[] = "SELECT min(pipeline) FROM stage_runs WHERE pipeline > ?1";
static const char sql_grid[] = "SELECT " RUN_COLUMNS " FROM stage_runs r"
                               " WHERE r.pipeline = ?1 AND r.day >= ?2"
                               " ORDER BY r.day, r.stage, r.attempt";

/* The failure states of run_state_is_failure(), by name. */
static const char sql_runs_failed[] =
    "SELECT " RUN_COLUMNS " FROM stage_runs r"
    " WHERE r.state IN ('FAILED', 'MISSING', 'STUCK', 'UPSTREAM_FAILED', 'CANCELLED')"
    " AND r.day >= ?1 ORDER BY r.day DESC, r.pipeline, " STAGE_ORDER ", r.attempt DESC";

/* Failed cells per pipeline: failed runs from the partial index (migration 8; its WHERE is this
 * IN list), kept when they are their cell's latest attempt (a primary-key lookup each). */
static const char sql_grid_failures[] =
    "SELECT r.pipeline, count(*) FROM stage_runs r"
    " WHERE r.state IN ('FAILED', 'MISSING', 'STUCK', 'UPSTREAM_FAILED', 'CANCELLED')"
    " AND r.day >= ?1 AND r.day <= ?2"
    " AND r.attempt = (SELECT max(m.attempt) FROM stage_runs m"
    " WHERE m.pipeline = r.pipeline AND m.day = r.day AND m.stage = r.stage)"
    " GROUP BY r.pipeline ORDER BY r.pipeline";

static const char sql_runs_all[] =
    "SELECT " RUN_COLUMNS " FROM stage_runs r WHERE r.day >= ?1"
    " ORDER BY r.day DESC, r.pipeline, " STAGE_ORDER ", r.attempt DESC";

static const char sql_day_runs[] = "SELECT " RUN_COLUMNS " FROM stage_runs r"
                                   " WHERE r.pipeline = ?1 AND r.day = ?2";

void db_stage_runs_free(struct stage_run *r, size_t n)
{
    for (size_t i = 0; r != NULL && i < n; i++)
        stage_run_release(&r[i]);
    free(r);
}

static int run_from_row(sqlite3_stmt *st, struct stage_run *r, struct err *e)
{
    const char *day = (const char *)sqlite3_column_text(st, 1);
    const char *stage = (const char *)sqlite3_column_text(st, 2);
    const char *state = (const char *)sqlite3_column_text(st, 4);

    snprintf(r->day, sizeof(r->day), "%s", day ? day : "");
    if (stage == NULL || stage_parse(stage, &r->stage) != 0)
        r->stage = STAGE_EXPORT; /* the CHECK constraint makes this unreachable */
    if (state == NULL || run_state_parse(state, &r->state) != 0)
        r->state = RS_MISSING;
    r->attempt = sqlite3_column_int(st, 3);
    r->started_ms = sql_col_i64(st, 7);
    r->ended_ms = sql_col_i64(st, 8);
    r->updated_ms = sql_col_i64(st, 9);
    if (sql_col_dup(st, 0, &r->pipeline, e) || sql_col_dup(st, 5, &r->raw_state, e) ||
        sql_col_dup(st, 6, &r->service_id, e) || sql_col_dup(st, 10, &r->error_code, e) ||
        sql_col_dup(st, 11, &r->error_message, e))
        return -1;
    return 0;
}

/* The array shrunk to its n runs: sql_grow doubles (and zeroes) the capacity, which for 135,000
 * runs leaves ~13 MB unused for as long as the dashboard holds the list. */
static struct stage_run *runs_fit(struct stage_run *arr, size_t n)
{
    struct stage_run *fit = n > 0 ? realloc(arr, n * sizeof(*arr)) : NULL;
    return fit != NULL ? fit : arr;
}

/* Steps st to the end, collecting at most limit rows (0: all). Resets st on every path. */
static int runs_collect(struct db *db, sqlite3_stmt *st, size_t limit, const char *what,
                        struct stage_run **out, size_t *n, struct err *e)
{
    struct stage_run *arr = NULL;
    size_t cap = 0, len = 0;
    int rc = SQLITE_DONE;

    while ((limit == 0 || len < limit) && (rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0 ||
            run_from_row(st, &arr[len++], e) != 0)
            goto fail;
    }
    if (limit != 0 && len == limit)
        rc = SQLITE_DONE;
    if (rc != SQLITE_DONE) {
        sql_fail(db, what, e);
        goto fail;
    }
    sql_done(st);
    *out = runs_fit(arr, len);
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_stage_runs_free(arr, len);
    return -1;
}

struct run_key {
    int worst; /* worst severity of the run's pipeline (failures-first only) */
    struct stage_run run;
};

static int run_key_cmp(const void *pa, const void *pb)
{
    const struct run_key *a = pa, *b = pb;
    int c;

    if (a->worst != b->worst)
        return a->worst > b->worst ? -1 : 1;
    if ((c = strcmp(a->run.pipeline, b->run.pipeline)) != 0)
        return c;
    if ((c = strcmp(a->run.day, b->run.day)) != 0)
        return c;
    if (a->run.stage != b->run.stage)
        return a->run.stage < b->run.stage ? -1 : 1;
    return a->run.attempt < b->run.attempt ? -1 : a->run.attempt > b->run.attempt;
}

/* Sorts runs by (pipeline, day, stage, attempt); with by_worst, worst pipelines first. */
static int runs_sort(struct stage_run *runs, size_t n, int by_worst, struct err *e)
{
    struct run_key *keys = calloc(n ? n : 1, sizeof(*keys));

    if (keys == NULL)
        return err_set(e, ERR_NOMEM, "history database: out of memory sorting runs");
    for (size_t i = 0; i < n; i++)
        keys[i].run = runs[i];
    qsort(keys, n, sizeof(*keys), run_key_cmp);
    if (by_worst) {
        /* keys are now grouped by pipeline: give each group its worst severity, sort again */
        for (size_t i = 0, j; i < n; i = j) {
            int worst = 0;
            for (j = i; j < n && strcmp(keys[j].run.pipeline, keys[i].run.pipeline) == 0; j++)
                if (run_state_severity(keys[j].run.state) > worst)
                    worst = run_state_severity(keys[j].run.state);
            for (size_t k = i; k < j; k++)
                keys[k].worst = worst;
        }
        qsort(keys, n, sizeof(*keys), run_key_cmp);
    }
    for (size_t i = 0; i < n; i++)
        runs[i] = keys[i].run;
    free(keys);
    return 0;
}

/* Appends the latest attempt of each (day, stage) of one pipeline's rows from st (in primary-key
 * order: day, stage by name, attempt), stages of a day in chain order. Resets st. */
static int grid_collect(struct db *db, sqlite3_stmt *st, struct stage_run **arr, size_t *cap,
                        size_t *len, struct err *e)
{
    size_t day_start = *len;
    int rc;

    while ((rc = sql_step(st)) == SQLITE_ROW) {
        struct stage_run r;
        size_t k;

        memset(&r, 0, sizeof(r));
        if (run_from_row(st, &r, e) != 0) {
            stage_run_release(&r);
            goto fail;
        }
        if (*len == day_start || strcmp((*arr)[day_start].day, r.day) != 0)
            day_start = *len;
        for (k = day_start; k < *len && (*arr)[k].stage != r.stage; k++)
            ;
        if (k < *len) {
            /* a later attempt of the same cell: it replaces the earlier one */
            stage_run_release(&(*arr)[k]);
            (*arr)[k] = r;
            continue;
        }
        if (sql_grow((void **)arr, cap, *len, sizeof(**arr), e) != 0) {
            stage_run_release(&r);
            goto fail;
        }
        /* stages of the day so far are in chain order: insert r at its place */
        size_t at = *len;
        while (at > day_start && (*arr)[at - 1].stage > r.stage) {
            (*arr)[at] = (*arr)[at - 1];
            at--;
        }
        (*arr)[at] = r;
        (*len)++;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "reading the grid", e);
        goto fail;
    }
    sql_done(st);
    return 0;
fail:
    sql_done(st);
    return -1;
}

int db_grid(struct db *db, const char *since_day, int flags, struct stage_run **out, size_t *n,
            struct err *e)
{
    struct stage_run *arr = NULL;
    size_t cap = 0, len = 0;
    char *name = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    for (;;) {
        sqlite3_stmt *st = sql_stmt(db, name == NULL ? sql_grid_first : sql_grid_next, e);
        if (st == NULL)
            goto fail;
        if (name != NULL)
            sql_bind_text(st, 1, name);
        free(name);
        name = NULL;
        rc = sql_step(st);
        if (rc != SQLITE_ROW) {
            sql_fail(db, "reading the grid", e);
            sql_done(st);
            goto fail;
        }
        if (sql_col_dup(st, 0, &name, e) != 0) {
            sql_done(st);
            goto fail;
        }
        sql_done(st);
        if (name == NULL) /* min() of no more rows */
            break;
        if ((st = sql_stmt(db, sql_grid, e)) == NULL)
            goto fail;
        sql_bind_text(st, 1, name);
        sql_bind_text(st, 2, since_day ? since_day : "");
        if (grid_collect(db, st, &arr, &cap, &len, e) != 0)
            goto fail;
    }
    if ((flags & DB_GRID_FAILURES_FIRST) && runs_sort(arr, len, 1, e) != 0)
        goto fail;
    *out = runs_fit(arr, len);
    *n = len;
    return 0;
fail:
    free(name);
    db_stage_runs_free(arr, len);
    return -1;
}

int db_list_runs(struct db *db, const char *since_day, int flags, size_t limit,
                 struct stage_run **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, (flags & DB_RUNS_FAILED) ? sql_runs_failed : sql_runs_all, e);

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, since_day ? since_day : "");
    return runs_collect(db, st, limit, "listing runs", out, n, e);
}

int db_day_runs(struct db *db, const char *pipeline, const char *day, struct stage_run **out,
                size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_day_runs, e);

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, pipeline);
    sql_bind_text(st, 2, day);
    if (runs_collect(db, st, 0, "reading a day's runs", out, n, e) != 0)
        return -1;
    if (runs_sort(*out, *n, 0, e) != 0) {
        db_stage_runs_free(*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

void db_grid_counts_free(struct grid_count *c, size_t n)
{
    for (size_t i = 0; c != NULL && i < n; i++)
        free(c[i].pipeline);
    free(c);
}

int db_grid_failures(struct db *db, const char *since_day, const char *until_day,
                     struct grid_count **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_grid_failures, e);
    struct grid_count *arr = NULL;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, since_day);
    sql_bind_text(st, 2, until_day);
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0 ||
            sql_col_dup(st, 0, &arr[len++].pipeline, e) != 0)
            goto fail;
        arr[len - 1].failed = sqlite3_column_int(st, 1);
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "counting failed cells", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_grid_counts_free(arr, len);
    return -1;
}
