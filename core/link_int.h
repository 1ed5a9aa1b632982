/* core/link_int.h: what core/link.c and core/link_src.c share — the candidate sources of a
 * transfer config and the export locations of a source. Internal to linking; not for other
 * modules. */
#ifndef CORE_LINK_INT_H
#define CORE_LINK_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/dts_template.h"
#include "core/link.h"

/* A source a transfer's data_path reads from. */
struct link_cand {
    enum source_kind kind;
    const struct snap_ddb_table *ddb; /* SOURCE_DYNAMODB */
    char *cluster;                    /* SOURCE_AURORA */
    char *table;                      /* SOURCE_AURORA: "db.table", NULL = all tables */
};

struct link_transfer {
    const struct snap_dts_config *c;
    char *bucket;
    char *key;
    struct dts_pattern pat;
    char *error; /* why its data_path could not be used; NULL when fine */
    struct link_cand *cands;
    size_t n_cands;
    bool claimed;
};

char *lk_strdup(const char *s, int *nomem);
char *lk_printf(int *nomem, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lk_cand_release(struct link_cand *c);

/* Whether an ExportOnly-style member ("appdb.orders", "appdb.public.orders") names the table
 * want ("appdb.orders" or just "orders"). */
bool lk_aurora_table_eq(const char *member, const char *want);

/* Whether task t exports table ("db.table"; NULL = the whole cluster). */
bool lk_task_covers(const struct rds_export_task *t, const char *table);

/* Computes t->cands from the snapshot's exports (t->pat must be compiled). -1 on ERR_NOMEM. */
int lk_candidates(struct link_transfer *t, const struct snapshot *s);

/* Fills lp->exports with the source's exports: a DynamoDB table's, or every Aurora task of
 * lp->aurora_cluster covering lp->aurora_table. pin_bucket/pin_prefix (may be NULL) keep only
 * exports under s3://pin_bucket/pin_prefix. -1 on ERR_NOMEM. */
int lk_collect_exports(struct link_pipeline *lp, const struct snapshot *s, const char *pin_bucket,
                       const char *pin_prefix);

/* Appends an unlinked object (takes why; a NULL why means memory ran out). */
void lk_unlinked(struct link_graph *g, enum link_kind kind, const char *id, char *why, int *nomem);

/* The BigQuery project of tables named by DTS config `config_name`: [gcp] project, else the
 * config's own ("projects/P/..."); NULL when neither is known. */
char *lk_project(const struct config *cfg, const char *config_name, int *nomem);

/* "project.dataset.table" from "[project.]dataset.table". */
char *lk_full_table(const struct config *cfg, const char *t, const char *config_name, int *nomem);

/* "project.dataset.base" of a config's destination dataset and table template; NULL when it has
 * none or the template is malformed. */
char *lk_destination(const struct config *cfg, const struct dts_config *c, int *nomem);

/* Links the scheduled_query configs of s to the pipelines of g by the raw tables they read, and
 * sets each pipeline's final table. */
void lk_link_queries(struct link_graph *g, const struct snapshot *s, const struct config *cfg,
                     int *nomem);

/* Lists the DynamoDB tables and Aurora export tasks no pipeline of g took. */
void lk_unlinked_exports(struct link_graph *g, const struct snapshot *s, int *nomem);

#endif
