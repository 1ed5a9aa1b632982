/* tui/action.h: the action runner behind `pipetop rerun` (one day or a backfill) and the
 * dashboard's r/R keys: a fresh read of the clouds (never a mutation) to plan which stages of
 * which days run, the checks that refuse before any mutating call (PITR window, deleted
 * snapshot, a stage already PENDING/RUNNING), the exact start calls (printable for --dry-run),
 * and the chain itself — each stage started only after the previous one SUCCEEDED, persisted
 * step by step (state/actions.h) with the started service id, audited before and after each
 * call. The caller passes the gate (tui/gate.h) first; nothing here asks the user. */
#ifndef TUI_ACTION_H
#define TUI_ACTION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/aws_sign.h"
#include "core/collect.h"
#include "core/days.h"
#include "core/err.h"
#include "core/http.h"
#include "core/link.h"
#include "tui/refresh.h"
#include "tui/session.h"

/* One fresh read of everything, linked and judged per day. */
struct action_world {
    struct session *s; /* borrowed */
    struct refresh_setup rs;
    const struct aws_creds *creds; /* NULL when AWS is not usable (rs.env.aws_err says why) */
    struct aws_endpoint lambda_ep;
    struct aws_signer ddb_signer, rds_signer, lambda_signer;
    struct collect_result res;
    struct link_graph graph;
    struct days_result days;
    struct rds_cluster_snapshots snaps; /* DescribeDBClusterSnapshots of the planned cluster */
    bool have_snaps;
};

/* Reads the clouds (read-only calls) so that the days from `from` on are covered. */
int action_world_load(struct action_world *w, struct session *s, const char *from, struct err *e);
void action_world_release(struct action_world *w);
const struct link_pipeline *action_world_pipeline(const struct action_world *w, const char *name);

struct action_day {
    char day[TIME_DAY_LEN];
    bool exists[STAGE_COUNT]; /* the pipeline has this stage */
    bool seen[STAGE_COUNT];   /* a run (or MISSING) is known for the day */
    enum run_state state[STAGE_COUNT];
    int attempts[STAGE_COUNT];
    const char *service_id[STAGE_COUNT]; /* of the latest attempt, borrowed from the world */
    int64_t started_ms[STAGE_COUNT];     /* when the latest attempt started (0: unknown) */
    int first;                           /* the stage the chain starts at; -1: nothing runs */
    int end;         /* the chain stops before this stage: STAGE_COUNT, or the first stage whose
                      * scheduled instant that day is still to come (DTS refuses a manual run in
                      * the future; it runs on its schedule) */
    char later[160]; /* when end < STAGE_COUNT: "query is not due until 2026-12-08T05:00+09:00" */
    char why[600];   /* why nothing runs, or why it is refused */
    bool refused;    /* a check said no (why says which) */
    bool active;     /* refused: a stage is PENDING/RUNNING per the service */
};

struct action_plan {
    const struct link_pipeline *lp; /* borrowed from the world */
    struct action_day *days;
    size_t n;
    int n_run;               /* days with something to run */
    unsigned stages;         /* bit (1u << stage) of every stage that runs on some day */
    int64_t resume_since_ms; /* resuming: when the interrupted action wrote its step */
};

/* Plans pipeline over [from, to]: each day starts at its first failed or missing stage (or at
 * `stage` when >= 0; with all, green days run from the export too). -1 (ERR_NOT_FOUND) for an
 * unknown pipeline. Refusals (a stage PENDING/RUNNING per the service, PITR window, deleted
 * snapshot, no export time) are marked per day; action_plan_refusal() reports the first. */
int action_plan_build(struct action_plan *p, const struct action_world *w, const char *pipeline,
                      const char *from, const char *to, int stage, bool all, struct err *e);
void action_plan_release(struct action_plan *p);
/* Marks the days whose export cannot be started as refused (PITR window, deleted snapshot, no
 * export time, no export Lambda for export_via = lambda), from what the world read and, for Aurora,
 * a fresh DescribeDBClusterSnapshots of the cluster (read-only): before any mutating call. */
int action_plan_check(struct action_world *w, struct action_plan *p);
/* For a backfill: days refused only because a stage of theirs is PENDING/RUNNING per the
 * service are skipped instead (never started twice), so the other days can run. */
void action_plan_skip_active(struct action_plan *p);
/* -1 (ERR_REFUSED) naming every refused day and why; 0 when none is. */
int action_plan_refusal(const struct action_plan *p, struct err *e);
/* The preview: days x stages (E T Q, '>' = runs, '.' = kept, '-' = no such stage), green days
 * skipped, and an ETA from DTS's pacing (one manual run per 15 s per config). */
void action_plan_print(const struct action_plan *p, FILE *out);
/* "export → transfer → query" for the stages that run. */
void action_plan_stages_str(const struct action_plan *p, char *out, size_t n);

/* The pipeline's config says its export is done by the export Lambda (export_via = lambda). */
bool action_export_via_lambda(const struct action_world *w, const struct action_plan *p);

/* Builds the start call of stage st for day d (nothing is sent): ExportTableToPointInTime /
 * StartExportTask / Lambda Invoke / startManualRuns, with the signer or bearer prepare set. */
int action_build_start(struct http_request *req, struct action_world *w,
                       const struct action_plan *p, const struct action_day *d, enum stage st,
                       struct err *e);
/* Prints every start call the plan would make (method, URL, body, equivalent command). */
int action_print_dry_run(struct action_world *w, const struct action_plan *p, FILE *out,
                         struct err *e);

/* The resume point in an action's step ("DAY STAGE starting|started ID|succeeded ID"): the
 * day, the stage to go on with (STAGE_COUNT when that day is done) and the id a started stage
 * is to be waited on ("" when it is to be started). -1 when step names none. */
int action_step_parse(const char *step, char day[TIME_DAY_LEN], enum stage *st, char *id, size_t n);
/* Adjusts a fresh plan to resume an action at step, written at step_ms: earlier days are done,
 * the step's day goes on at its stage (not refused for the stage it waits on). */
void action_plan_resume(struct action_plan *p, const char *step, int64_t step_ms);

/* What a run reports. */
struct action_result {
    char failed_day[TIME_DAY_LEN]; /* "" when nothing failed */
    int failed_stage;              /* -1 when nothing failed */
    struct err failure;            /* the service's error */
    int started;                   /* stages started */
};

/* Runs the plan under action id (already created and claimed; resume_step is the step of an
 * adopted action, or NULL). Progress goes to out. Returns 0 when every stage SUCCEEDED, -1 with
 * e (and res) saying which stage failed and the service's error; the action ends done/failed. */
int action_run(struct action_world *w, const struct action_plan *p, const char *verb,
               const char *environment, int64_t action_id, const char *resume_step, FILE *out,
               struct action_result *res, struct err *e);
#endif
