/* core/report_json.h: the machine output (--json) of the read commands, built with jansson from
 * model structs: the `status --json` contract of DESIGN §5, and the runs, tables, history, audit
 * and calls lists. Pure functions of their input; never reads a clock, a file or the network. */
#ifndef CORE_REPORT_JSON_H
#define CORE_REPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/anomaly.h"
#include "core/err.h"
#include "core/model.h"
#include "core/timeutil.h"

/* Whether stage s applies to pipeline p: export when a source or an export prefix is known,
 * transfer when it has a transfer config, query when it has a scheduled query. */
bool report_stage_applies(const struct pipeline *p, enum stage s);

/* The cell (pipeline, day, stage) in cells sorted by pipeline, day, stage (db_grid's order
 * without DB_GRID_FAILURES_FIRST), or NULL. */
const struct stage_run *report_cell_find(const struct stage_run *cells, size_t n,
                                         const char *pipeline, const char *day, enum stage s);

/* Everything `pipetop status` shows. */
struct report_status {
    int64_t as_of_ms;     /* end of the last finished refresh (its start while one runs); 0: none */
    const char *timezone; /* the configured zone's name */
    const char (*days)[TIME_DAY_LEN]; /* oldest first */
    size_t n_days;
    const struct pipeline *pipelines;
    size_t n_pipelines;
    const struct stage_run *cells; /* latest attempt per (pipeline, day, stage); attempt = count */
    size_t n_cells;
};

/* The status --json document (DESIGN §5) into *out (caller frees):
 * {"as_of", "timezone", "pipelines": [{"name", "source": {"kind", "name", "arn", "export_bucket",
 *  "export_prefix"} | null, "transfer_config", "query_config", "raw_table", "table", "pinned",
 *  "days": [{"date", "export", "transfer", "query"}]}]} where each stage is
 * {"state", "raw_state", "id", "started", "ended", "attempts", "error", "error_code"} or null.
 * null: the stage does not apply to the pipeline (see report_stage_applies) and nothing was
 * recorded for it. An applicable stage with nothing recorded that day is an object with state
 * null and attempts 0 ("no run known, none known to be due"); MISSING is a state the linker
 * records when the schedule says a run is due. as_of is null when no refresh ever finished.
 * -1 (ERR_NOMEM) with *out NULL. */
int report_status_json(const struct report_status *r, char **out, struct err *e);

/* {"runs": [{"pipeline", "date", "stage", "attempt", "state", "raw_state", "id", "started",
 * "ended", "duration_s", "error_code", "error"}]}: every run given, in the given order. */
int report_runs_json(const struct stage_run *runs, size_t n, char **out, struct err *e);

/* One table as `pipetop tables` and `pipetop history` show it. */
struct report_table {
    const struct table_meta *meta;
    int64_t seen_ms;
    int n_schema_versions;
    const struct rowcount_sample *samples; /* oldest first */
    size_t n_samples;
    const struct anomaly *anomaly; /* the latest day judged (core/anomaly.h); NULL: not judged */
};

/* One schema version as `pipetop history` shows it. */
struct report_schema_version {
    const char *hash;
    int64_t first_seen_ms;
    size_t n_fields; /* top-level fields */
};

/* {"as_of", "tables": [{"table", "project", "dataset", "table_id", "type", "description", "rows",
 * "bytes", "created", "modified", "seen", "schema_versions", "rowcounts": [{"at", "rows"}],
 * "anomaly": {"date", "rows", "flagged", "insufficient", "z", "mean", "stddev",
 * "history_days", "reason"} | null}]}. z is null when history is insufficient or when it is
 * infinite (every earlier day equal, and this one differs: the reason says so). */
int report_tables_json(const struct report_table *t, size_t n, int64_t as_of_ms, char **out,
                       struct err *e);

/* {"table", "rowcounts": [{"at", "rows", "bytes"}], "schema_versions": [{"hash", "first_seen",
 * "fields"}]} for one table, appended to the array in *doc ({"tables": [...]}), created on the
 * first call; report_history_finish turns it into text. */
struct report_history {
    void *root; /* json_t *, owned */
};
int report_history_add(struct report_history *h, const struct report_table *t,
                       const struct report_schema_version *v, size_t n_versions, struct err *e);
int report_history_finish(struct report_history *h, char **out, struct err *e);
void report_history_release(struct report_history *h);

/* {"audit": [{"id", "at", "action_id", "phase", "verb", "target", "date", "stage", "environment",
 * "result", "detail", "user"}]}. */
int report_audit_json(const struct audit_entry *a, size_t n, char **out, struct err *e);

/* {"calls": [{"at", "service", "operation", "method", "url", "status", "latency_ms",
 * "bytes_sent", "bytes_received", "retries", "retry_detail", "error", "command"}]}. */
int report_calls_json(const struct api_call *c, size_t n, char **out, struct err *e);

/* An RFC 3339 time in the configured zone, or JSON null for 0 (as a json_t *). Internal to the
 * report files; declared for core/report_lists.c. */
void *report_time(int64_t ms);
/* Dumps root (indented, keys in insertion order) into *out and drops the reference. */
int report_dump(void *root, char **out, struct err *e);

#endif
