/* core/snapshot.h: everything one refresh read from the clouds, as the clients parsed it, before
 * linking. The collector (core/collect.c) fills it through the HTTP engine; the linker
 * (core/link.c) turns it into pipelines and stage runs per day. A snapshot never holds secrets.
 * Where a source could not be read, a gap says what is missing and why: consumers must not read
 * an absent list as "nothing exists". */
#ifndef CORE_SNAPSHOT_H
#define CORE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bq.h"
#include "core/ddb.h"
#include "core/dts.h"
#include "core/err.h"
#include "core/events.h"
#include "core/model.h"
#include "core/rds.h"

/* One DynamoDB table with its PITR window and its exports (all pages of ListExports, each
 * described). */
struct snap_ddb_table {
    struct ddb_table table;
    struct ddb_pitr pitr;
    bool have_pitr;
    struct ddb_export *exports;
    size_t n_exports;
    bool exports_complete; /* every page of ListExports was read and every export described */
};

/* The export schedule: the EventBridge rule that fires the export Lambda (config
 * [aws] export_rule), when one is configured and could be read. */
struct snap_export_rule {
    struct events_rule rule;
    bool present;
};

/* A transfer config with its runs (all attempts in the window, every page). */
struct snap_dts_config {
    struct dts_config config;
    struct dts_run *runs;
    size_t n_runs;
    bool runs_complete; /* every page of runs.list was read */
};

/* Something the refresh could not read: which source ("dynamodb ListExports users",
 * "dts runs.list projects/…/transferConfigs/abc") and the error it got. */
struct snap_gap {
    char *what;
    struct err err;
};

struct snapshot {
    int64_t taken_ms;
    int64_t window_start_ms; /* runs older than this were not asked for */

    struct snap_ddb_table *ddb;
    size_t n_ddb;
    struct rds_export_task *rds_tasks;
    size_t n_rds_tasks;
    struct rds_cluster_snapshot *rds_snapshots;
    size_t n_rds_snapshots;
    struct snap_export_rule export_rule;

    struct snap_dts_config *dts;
    size_t n_dts;
    struct table_meta *tables; /* tables.get of every table in the configured datasets */
    size_t n_tables;

    struct snap_gap *gaps;
    size_t n_gaps;
};

void snapshot_init(struct snapshot *s);
void snapshot_release(struct snapshot *s);

/* Records that `what` could not be read (copies what and e). Returns -1 only when memory runs
 * out. */
int snapshot_add_gap(struct snapshot *s, const char *what, const struct err *e);

#endif
