/* state/runs.c: pipelines, stage runs and transfer configs: idempotent upserts and the grid /
 * runs-list queries. States and stages are stored by name (readable with the sqlite3 shell);
 * a name this build does not know reads back as MISSING / is skipped, never as a crash. */
#include "state/runs.h"

#include <stdlib.h>
#include <string.h>

#include "state/sql.h"

static const char sql_put_pipeline[] =
    "INSERT INTO pipelines (name, source_kind, source, source_arn, export_bucket, export_prefix,"
    " transfer_config, query_config, raw_table, final_table, pinned, seen_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    " ON CONFLICT (name) DO UPDATE SET source_kind = excluded.source_kind,"
    " source = excluded.source, source_arn = excluded.source_arn,"
    " export_bucket = excluded.export_bucket, export_prefix = excluded.export_prefix,"
    " transfer_config = excluded.transfer_config, query_config = excluded.query_config,"
    " raw_table = excluded.raw_table, final_table = excluded.final_table,"
    " pinned = excluded.pinned, seen_ms = max(seen_ms, excluded.seen_ms)";

int db_put_pipeline(struct db *db, const struct pipeline *p, int64_t seen_ms, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_put_pipeline, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, p->name);
    sql_bind_text(st, 2, source_kind_name(p->source_kind));
    sql_bind_text(st, 3, p->source);
    sql_bind_text(st, 4, p->source_arn);
    sql_bind_text(st, 5, p->export_bucket);
    sql_bind_text(st, 6, p->export_prefix);
    sql_bind_text(st, 7, p->transfer_config);
    sql_bind_text(st, 8, p->query_config);
    sql_bind_text(st, 9, p->raw_table);
    sql_bind_text(st, 10, p->table);
    sql_bind_i64(st, 11, p->pinned ? 1 : 0);
    sql_bind_i64(st, 12, seen_ms);
    rc = sql_step_done(db, st, "storing a pipeline", e);
    sql_done(st);
    if (rc != 0)
        err_prefix(e, "pipeline %s: ", p->name ? p->name : "(no name)");
    return rc;
}

static const char sql_put_run[] =
    "INSERT OR REPLACE INTO stage_runs (pipeline, day, stage, attempt, state, raw_state,"
    " service_id, started_ms, ended_ms, updated_ms, error_code, error_message)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

int db_put_stage_run(struct db *db, const struct stage_run *r, struct err *e)
{
    sqlite3_stmt *st;
    int rc;

    if ((unsigned)r->stage >= STAGE_COUNT || r->attempt < 1)
        return err_set(e, ERR_INTERNAL, "stage run %s %s: bad stage or attempt %d",
                       r->pipeline ? r->pipeline : "?", r->day, r->attempt);
    st = sql_stmt(db, sql_put_run, e);
    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, r->pipeline);
    sql_bind_text(st, 2, r->day);
    sql_bind_text(st, 3, stage_name(r->stage));
    sql_bind_i64(st, 4, r->attempt);
    sql_bind_text(st, 5, run_state_name(r->state));
    sql_bind_text(st, 6, r->raw_state);
    sql_bind_text(st, 7, r->service_id);
    sql_bind_i64(st, 8, r->started_ms);
    sql_bind_i64(st, 9, r->ended_ms);
    sql_bind_i64(st, 10, r->updated_ms);
    sql_bind_text(st, 11, r->error_code);
    sql_bind_text(st, 12, r->error_message);
    rc = sql_step_done(db, st, "storing a stage run", e);
    sql_done(st);
    if (rc != 0)
        err_prefix(e, "%s %s %s attempt %d: ", r->pipeline ? r->pipeline : "?", r->day,
                   stage_name(r->stage), r->attempt);
    return rc;
}

static const char sql_put_config[] =
    "INSERT INTO transfer_configs (name, display_name, data_source_id, destination_dataset,"
    " schedule, data_path, destination_table_template, query, state, disabled, updated_ms,"
    " next_run_ms, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    " ON CONFLICT (name) DO UPDATE SET display_name = excluded.display_name,"
    " data_source_id = excluded.data_source_id,"
    " destination_dataset = excluded.destination_dataset, schedule = excluded.schedule,"
    " data_path = excluded.data_path,"
    " destination_table_template = excluded.destination_table_template,"
    " query = excluded.query, state = excluded.state, disabled = excluded.disabled,"
    " updated_ms = excluded.updated_ms, next_run_ms = excluded.next_run_ms,"
    " seen_ms = max(seen_ms, excluded.seen_ms)";

int db_put_transfer_config(struct db *db, const struct transfer_config *c, int64_t seen_ms,
                           struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_put_config, e);
    int rc;

    if (st == NULL)
        return -1;
    sql_bind_text(st, 1, c->name);
    sql_bind_text(st, 2, c->display_name);
    sql_bind_text(st, 3, c->data_source_id);
    sql_bind_text(st, 4, c->destination_dataset);
    sql_bind_text(st, 5, c->schedule);
    sql_bind_text(st, 6, c->data_path);
    sql_bind_text(st, 7, c->destination_table_template);
    sql_bind_text(st, 8, c->query);
    sql_bind_text(st, 9, c->state);
    sql_bind_i64(st, 10, c->disabled ? 1 : 0);
    sql_bind_i64(st, 11, c->updated_ms);
    sql_bind_i64(st, 12, c->next_run_ms);
    sql_bind_i64(st, 13, seen_ms);
    rc = sql_step_done(db, st, "storing a transfer config", e);
    sql_done(st);
    if (rc != 0)
        err_prefix(e, "transfer config %s: ", c->name ? c->name : "(no name)");
    return rc;
}

void db_pipelines_free(struct pipeline *p, size_t n)
{
    for (size_t i = 0; p != NULL && i < n; i++)
        pipeline_release(&p[i]);
    free(p);
}

void db_transfer_configs_free(struct transfer_config *c, size_t n)
{
    for (size_t i = 0; c != NULL && i < n; i++)
        transfer_config_release(&c[i]);
    free(c);
}

static const char sql_list_pipelines[] =
    "SELECT name, source_kind, source, source_arn, export_bucket, export_prefix,"
    " transfer_config, query_config, raw_table, final_table, pinned FROM pipelines"
    " ORDER BY name";

static int pipeline_from_row(sqlite3_stmt *st, struct pipeline *p, struct err *e)
{
    const char *kind = (const char *)sqlite3_column_text(st, 1);
    if (kind == NULL || source_kind_parse(kind, &p->source_kind) != 0)
        p->source_kind = SOURCE_UNKNOWN;
    p->pinned = sqlite3_column_int(st, 10) != 0;
    if (sql_col_dup(st, 0, &p->name, e) || sql_col_dup(st, 2, &p->source, e) ||
        sql_col_dup(st, 3, &p->source_arn, e) || sql_col_dup(st, 4, &p->export_bucket, e) ||
        sql_col_dup(st, 5, &p->export_prefix, e) || sql_col_dup(st, 6, &p->transfer_config, e) ||
        sql_col_dup(st, 7, &p->query_config, e) || sql_col_dup(st, 8, &p->raw_table, e) ||
        sql_col_dup(st, 9, &p->table, e))
        return -1;
    return 0;
}

int db_list_pipelines(struct db *db, struct pipeline **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_list_pipelines, e);
    struct pipeline *arr = NULL;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0 ||
            pipeline_from_row(st, &arr[len++], e) != 0)
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "listing pipelines", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_pipelines_free(arr, len);
    return -1;
}

static const char sql_list_configs[] =
    "SELECT name, display_name, data_source_id, destination_dataset, schedule, data_path,"
    " destination_table_template, query, state, disabled, updated_ms, next_run_ms"
    " FROM transfer_configs ORDER BY name";

static int config_from_row(sqlite3_stmt *st, struct transfer_config *c, struct err *e)
{
    c->disabled = sqlite3_column_int(st, 9) != 0;
    c->updated_ms = sql_col_i64(st, 10);
    c->next_run_ms = sql_col_i64(st, 11);
    if (sql_col_dup(st, 0, &c->name, e) || sql_col_dup(st, 1, &c->display_name, e) ||
        sql_col_dup(st, 2, &c->data_source_id, e) ||
        sql_col_dup(st, 3, &c->destination_dataset, e) || sql_col_dup(st, 4, &c->schedule, e) ||
        sql_col_dup(st, 5, &c->data_path, e) ||
        sql_col_dup(st, 6, &c->destination_table_template, e) || sql_col_dup(st, 7, &c->query, e) ||
        sql_col_dup(st, 8, &c->state, e))
        return -1;
    return 0;
}

int db_list_transfer_configs(struct db *db, struct transfer_config **out, size_t *n, struct err *e)
{
    sqlite3_stmt *st = sql_stmt(db, sql_list_configs, e);
    struct transfer_config *arr = NULL;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    while ((rc = sql_step(st)) == SQLITE_ROW) {
        if (sql_grow((void **)&arr, &cap, len, sizeof(*arr), e) != 0 ||
            config_from_row(st, &arr[len++], e) != 0)
            goto fail;
    }
    if (rc != SQLITE_DONE) {
        sql_fail(db, "listing transfer configs", e);
        goto fail;
    }
    sql_done(st);
    *out = arr;
    *n = len;
    return 0;
fail:
    sql_done(st);
    db_transfer_configs_free(arr, len);
    return -1;
}
