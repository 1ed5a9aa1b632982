/* state/grid.h: the stage-run queries the grid, the runs list, the day detail and
 * `pipetop status` are drawn from. Each is answered from an index (see the EXPLAIN QUERY PLAN
 * test). Results are arrays the caller owns and frees with db_stage_runs_free(). */
#ifndef STATE_GRID_H
#define STATE_GRID_H

#include <stddef.h>

#include "core/err.h"
#include "core/model.h"
#include "state/db.h"

void db_stage_runs_free(struct stage_run *r, size_t n);

enum db_grid_flags {
    DB_GRID_FAILURES_FIRST = 1 << 0, /* pipelines whose worst cell is worst come first */
};

/* The grid: for every (pipeline, day >= since_day, stage) the latest attempt only (its attempt
 * field is then the number of attempts). Ordered by pipeline name, day, stage; with
 * DB_GRID_FAILURES_FIRST, pipelines are ordered by their worst state (run_state_severity), then
 * name. */
int db_grid(struct db *db, const char *since_day, int flags, struct stage_run **out, size_t *n,
            struct err *e);

/* How many cells of a pipeline are failed (run_state_is_failure of the cell's latest attempt). */
struct grid_count {
    char *pipeline;
    int failed;
};
/* Failed cells per pipeline over since_day..until_day (inclusive), pipelines without one left
 * out, in pipeline-name order. Read from the failed runs alone (the partial index of migration
 * 8), so it costs nothing like reading the grid. Free with db_grid_counts_free(). */
int db_grid_failures(struct db *db, const char *since_day, const char *until_day,
                     struct grid_count **out, size_t *n, struct err *e);
void db_grid_counts_free(struct grid_count *c, size_t n);

enum db_runs_flags {
    DB_RUNS_FAILED = 1 << 0, /* only runs whose state is a failure (run_state_is_failure) */
};

/* The runs list: every attempt with day >= since_day (NULL: all days), newest day first, then
 * pipeline, stage in chain order (E, T, Q), newest attempt first. At most limit rows (0: no limit).
 */
int db_list_runs(struct db *db, const char *since_day, int flags, size_t limit,
                 struct stage_run **out, size_t *n, struct err *e);

/* The runs of one pipeline-day (every stage, every attempt), stage then attempt ascending. */
int db_day_runs(struct db *db, const char *pipeline, const char *day, struct stage_run **out,
                size_t *n, struct err *e);

#endif
