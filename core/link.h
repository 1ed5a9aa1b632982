/* core/link.h: lineage discovery (DESIGN §2) — which export, transfer config, raw table,
 * scheduled query and final table make up each pipeline, from one refresh's snapshot and the
 * pinned [pipeline NAME] sections of the config. Pure: no I/O, no clock. What cannot be linked
 * is returned as unlinked objects with the reason, never dropped. Day-by-day stage runs are
 * core/days.h's business; it reads the links made here. */
#ifndef CORE_LINK_H
#define CORE_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/err.h"
#include "core/model.h"
#include "core/snapshot.h"

/* Where one source's exports land: a DynamoDB export, or one table of an Aurora export task. */
struct link_export {
    const struct ddb_export *ddb;      /* exactly one of ddb / rds is set */
    const struct rds_export_task *rds; /* the task (it may cover other tables too) */
    const char *bucket;                /* borrowed from the export */
    /* its data files are under key + "/" (malloc'd): DynamoDB "{S3Prefix}/AWSDynamoDB/{id}/data",
     * Aurora "{S3Prefix}/{task id}" or "{S3Prefix}/{task id}/{database}/{schema}.{table}" */
    char *key;
};

/* A linked pipeline: the model row plus the snapshot objects it was linked from (borrowed from
 * the snapshot; NULL when that stage is not known). */
struct link_pipeline {
    struct pipeline p;
    const struct snap_ddb_table *ddb; /* DynamoDB source */
    char *aurora_cluster;             /* Aurora source: cluster identifier */
    char *aurora_table;               /* ExportOnly-style "db.table", NULL = all tables */
    struct link_export *exports;      /* every export of the source, snapshot order */
    size_t n_exports;
    const struct snap_dts_config *transfer; /* amazon_s3 */
    const struct snap_dts_config *query;    /* scheduled_query */
};

enum link_kind {
    LINK_DYNAMODB_EXPORTS = 0, /* a DynamoDB table's exports that no transfer reads */
    LINK_AURORA_EXPORT,        /* an Aurora export task (or one of its tables) nobody loads */
    LINK_TRANSFER,             /* an amazon_s3 transfer config not tied to one source */
    LINK_QUERY,                /* a scheduled query reading no known raw table */
    LINK_PINNED                /* a pinned name that matched nothing in the snapshot */
};

struct link_unlinked {
    enum link_kind kind;
    char *id;  /* table name, task id, transfer config name, query config name, pinned name */
    char *why; /* one sentence: what was looked for and what the operator can do */
};

struct link_graph {
    struct link_pipeline *v; /* by name */
    size_t n;
    struct link_unlinked *unlinked; /* by kind, then id */
    size_t n_unlinked;
};

/* Links s under cfg (cfg->pipelines are pinned; cfg->gcp.project names the BigQuery project).
 * Returns -1 only for ERR_NOMEM (g is then empty); everything that cannot be linked is in
 * g->unlinked. The graph borrows from s: keep s alive while g is used. */
int link_discover(struct link_graph *g, const struct snapshot *s, const struct config *cfg,
                  struct err *e);
void link_graph_release(struct link_graph *g);

const char *link_kind_name(enum link_kind k); /* "dynamodb-exports", "aurora-export", ... */

/* The cluster identifier of an Aurora export task: the cluster of its source ARN, or of its
 * cluster snapshot (looked up in snaps; an automated "rds:CLUSTER-YYYY-MM-DD-HH-MM" snapshot
 * name otherwise). malloc'd (caller frees); NULL when it cannot be told or memory runs out. */
char *link_rds_cluster(const struct rds_export_task *t, const struct rds_cluster_snapshot *snaps,
                       size_t n_snaps);

#endif
