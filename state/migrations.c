/* state/migrations.c: the SQL of every schema step. v1 is the base schema of DESIGN §2 and §6,
 * v2 the cross-process lease on (pipeline, day, stage) for actions, v3 the indexes the dashboard's
 * queries are answered from, v4 each API call's retries with their causes and waits, v5 the
 * finished items a refresh need not ask for again, v6 the last schema-drift check of each raw
 * table (schema refresh --from-export). Never edit a released step; append a new
 * one. */
#include "state/migrations.h"

static const char v1_base[] =
    "CREATE TABLE pipelines ("
    " name TEXT PRIMARY KEY,"
    " source_kind TEXT NOT NULL,"
    " source TEXT, source_arn TEXT, export_bucket TEXT, export_prefix TEXT,"
    " transfer_config TEXT, query_config TEXT, raw_table TEXT, final_table TEXT,"
    " pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),"
    " seen_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE stage_runs ("
    " pipeline TEXT NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,"
    " day TEXT NOT NULL CHECK (length(day) = 10),"
    " stage TEXT NOT NULL CHECK (stage IN ('export', 'transfer', 'query')),"
    " attempt INTEGER NOT NULL CHECK (attempt >= 1),"
    " state TEXT NOT NULL, raw_state TEXT, service_id TEXT,"
    " started_ms INTEGER NOT NULL DEFAULT 0, ended_ms INTEGER NOT NULL DEFAULT 0,"
    " updated_ms INTEGER NOT NULL DEFAULT 0,"
    " error_code TEXT, error_message TEXT,"
    " PRIMARY KEY (pipeline, day, stage, attempt)) WITHOUT ROWID;"
    "CREATE TABLE transfer_configs ("
    " name TEXT PRIMARY KEY, display_name TEXT, data_source_id TEXT,"
    " destination_dataset TEXT, schedule TEXT, data_path TEXT,"
    " destination_table_template TEXT, query TEXT, state TEXT,"
    " disabled INTEGER NOT NULL DEFAULT 0, updated_ms INTEGER NOT NULL DEFAULT 0,"
    " next_run_ms INTEGER NOT NULL DEFAULT 0, seen_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE bq_tables ("
    " full_name TEXT PRIMARY KEY,"
    " project TEXT NOT NULL, dataset TEXT NOT NULL, table_id TEXT NOT NULL,"
    " type TEXT, description TEXT,"
    " num_rows INTEGER NOT NULL DEFAULT -1, num_bytes INTEGER NOT NULL DEFAULT -1,"
    " created_ms INTEGER NOT NULL DEFAULT 0, modified_ms INTEGER NOT NULL DEFAULT 0,"
    " seen_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE schema_versions ("
    " id INTEGER PRIMARY KEY,"
    " table_name TEXT NOT NULL REFERENCES bq_tables(full_name) ON DELETE CASCADE,"
    " hash TEXT NOT NULL CHECK (length(hash) = 64),"
    " schema_json TEXT NOT NULL,"
    " first_seen_ms INTEGER NOT NULL);"
    "CREATE INDEX schema_versions_table ON schema_versions(table_name, id);"
    "CREATE TABLE rowcount_samples ("
    " table_name TEXT NOT NULL, at_ms INTEGER NOT NULL,"
    " num_rows INTEGER NOT NULL, num_bytes INTEGER NOT NULL,"
    " PRIMARY KEY (table_name, at_ms)) WITHOUT ROWID;"
    "CREATE TABLE refreshes ("
    " id INTEGER PRIMARY KEY, started_ms INTEGER NOT NULL, ended_ms INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),"
    " summary TEXT);"
    "CREATE TABLE actions ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('rerun', 'backfill', 'schema-apply')),"
    " target TEXT NOT NULL, day_from TEXT, day_to TEXT, stages TEXT,"
    " status TEXT NOT NULL"
    "  CHECK (status IN ('pending', 'running', 'done', 'failed', 'abandoned')),"
    " step TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
    " owner_pid INTEGER NOT NULL, owner_host TEXT NOT NULL);"
    "CREATE TABLE audit_log ("
    " id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL,"
    " action_id INTEGER REFERENCES actions(id) ON DELETE SET NULL,"
    " phase TEXT NOT NULL CHECK (phase IN ('intent', 'outcome')),"
    " verb TEXT NOT NULL, target TEXT, day TEXT, stage TEXT, environment TEXT,"
    " result TEXT, detail TEXT, user_name TEXT);"
    "CREATE INDEX audit_log_at ON audit_log(at_ms, id);"
    "CREATE TABLE api_calls ("
    " id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL,"
    " service TEXT, operation TEXT, method TEXT, url TEXT,"
    " status INTEGER NOT NULL DEFAULT 0, latency_ms INTEGER NOT NULL DEFAULT 0,"
    " bytes_sent INTEGER NOT NULL DEFAULT 0, bytes_received INTEGER NOT NULL DEFAULT 0,"
    " retries INTEGER NOT NULL DEFAULT 0, error TEXT, command TEXT);"
    "CREATE INDEX api_calls_at ON api_calls(at_ms, id);";

/* The lease: while an action is pending or running, one row per (target, day, stage) it covers;
 * the partial UNIQUE index makes a second claim on the same triple fail, across processes. */
static const char v2_action_claims[] =
    "CREATE TABLE action_claims ("
    " action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,"
    " target TEXT NOT NULL, day TEXT NOT NULL, stage TEXT NOT NULL,"
    " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    " PRIMARY KEY (action_id, target, day, stage)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX action_claims_active ON action_claims(target, day, stage)"
    " WHERE active = 1;"
    "CREATE INDEX actions_status ON actions(status, id);";

/* The dashboard: the grid and runs list select by day; failures by state and day. */
static const char v3_dashboard_indexes[] =
    "CREATE INDEX stage_runs_day ON stage_runs(day, pipeline, stage, attempt);"
    "CREATE INDEX stage_runs_state_day ON stage_runs(state, day);";

/* The call log: "retries: 2 (HTTP 429 RESOURCE_EXHAUSTED, waited 1.000s (Retry-After); ...)". */
static const char v4_call_retry_detail[] = "ALTER TABLE api_calls ADD COLUMN retry_detail TEXT;";

/* Descriptions of finished cloud items, so a refresh does not ask for them again. */
static const char v5_finished_items[] =
    "CREATE TABLE finished_items ("
    " kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, seen_ms INTEGER NOT NULL,"
    " PRIMARY KEY (kind, id)) WITHOUT ROWID;";

/* The last drift check of a raw table against its newest export (counts and the diff text). */
static const char v6_table_drift[] =
    "CREATE TABLE table_drift ("
    " table_name TEXT PRIMARY KEY, checked_ms INTEGER NOT NULL, export_arn TEXT,"
    " new_attrs INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0,"
    " gone INTEGER NOT NULL DEFAULT 0, detail TEXT) WITHOUT ROWID;";

/* The items of each table's last drift check, one row per attribute (kind new|changed|gone), in
 * the order the check listed them; replaced with the table_drift row. */
static const char v7_table_drift_items[] =
    "CREATE TABLE table_drift_items ("
    " table_name TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,"
    " detail TEXT, PRIMARY KEY (table_name, seq)) WITHOUT ROWID;";

const struct migration migrations[] = {
    {1, "base schema", v1_base},
    {2, "action claims", v2_action_claims},
    {3, "dashboard indexes", v3_dashboard_indexes},
    {4, "call retry detail", v4_call_retry_detail},
    {5, "finished items", v5_finished_items},
    {6, "table drift", v6_table_drift},
    {7, "table drift items", v7_table_drift_items},
};

const size_t migrations_count = sizeof(migrations) / sizeof(migrations[0]);
