/* state/runs.h: storing pipelines, their stage runs and the DTS transfer configs in the
 * history database, and listing pipelines and configs (the grid queries are in state/grid.h).
 * Writes are idempotent upserts: storing the same refresh twice leaves the same rows. */
#ifndef STATE_RUNS_H
#define STATE_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "state/db.h"

/* Inserts or replaces the pipeline named p->name; seen_ms records when it was last discovered. */
int db_put_pipeline(struct db *db, const struct pipeline *p, int64_t seen_ms, struct err *e);

/* Inserts or replaces the run (pipeline, day, stage, attempt). The pipeline must already be
 * stored (ERR_DB otherwise: a foreign key). */
int db_put_stage_run(struct db *db, const struct stage_run *r, struct err *e);

/* Inserts or replaces the config named c->name. */
int db_put_transfer_config(struct db *db, const struct transfer_config *c, int64_t seen_ms,
                           struct err *e);

/* Result lists: the caller owns the array and frees it with the matching *_free function. */
void db_pipelines_free(struct pipeline *p, size_t n);
void db_transfer_configs_free(struct transfer_config *c, size_t n);

/* Every stored pipeline, by name. */
int db_list_pipelines(struct db *db, struct pipeline **out, size_t *n, struct err *e);

/* Every stored transfer config, by name. */
int db_list_transfer_configs(struct db *db, struct transfer_config **out, size_t *n, struct err *e);

#endif
