/* tui/engine_action.h: the dashboard's action thread — rerun, backfill, resume and abandon of
 * persisted actions (tui/action.h, state/actions.h) and schema refresh (tui/schema_refresh.h),
 * one job at a time, on a thread with a session of its own, so the UI thread never waits on the
 * network and refreshes go on meanwhile. A mutating job is planned first (a fresh read, the
 * checks that refuse before any call, the preview) and then waits for the user's answer in the
 * UI's dialog: it runs only after actor_confirm(). The UI reads copies of the jobs (their
 * progress step by step) and is woken through a pipe it polls. */
#ifndef TUI_ENGINE_ACTION_H
#define TUI_ENGINE_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "core/model.h"

#define ACTOR_MAX_JOBS 32 /* kept for the progress panel; the oldest finished one goes first */

struct actor;

/* ACT_SCHEMA: schema refresh (a read, runs at once); ACT_SCHEMA_APPLY: the drift check of a raw
 * table again, then (confirmed) the additive tables.patch (tui/drift_apply.h). */
enum act_kind {
    ACT_RERUN = 0,
    ACT_BACKFILL,
    ACT_RESUME,
    ACT_ABANDON,
    ACT_SCHEMA,
    ACT_SCHEMA_APPLY
};

enum act_state {
    ACT_QUEUED = 0, /* waiting for the thread (another job is running) */
    ACT_PLANNING,   /* reading the clouds, checking */
    ACT_CONFIRM,    /* planned: waits for actor_confirm() or actor_cancel() */
    ACT_RUNNING,
    ACT_DONE,      /* every stage SUCCEEDED (or the schema was read, the action abandoned) */
    ACT_FAILED,    /* a stage failed, or the clouds could not be read: why says which */
    ACT_REFUSED,   /* a check said no before any mutating call: why says which */
    ACT_NOTHING,   /* nothing to run: every day green or not due */
    ACT_CANCELLED, /* the user said no: nothing was sent */
};

/* A copy of one job for the UI (actor_jobs). */
struct act_job {
    int id;
    enum act_kind kind;
    enum act_state state;
    char verb[16]; /* "rerun", "backfill", "resume", "abandon", "schema refresh", "schema-apply" */
    char target[512];                          /* pipeline or table */
    char from[TIME_DAY_LEN], to[TIME_DAY_LEN]; /* "" for a schema refresh */
    int64_t action_id; /* the persisted action (state/actions.h); 0 before the claim */
    char stages[64];   /* "export → transfer → query" */
    char fields[1024]; /* schema-apply: the fields the patch adds, "Item.x RECORD NULLABLE, …" */
    int n_days, n_run;
    char env[1400]; /* gate_environment() */
    char why[1200]; /* the refusal or failure, with the service's words */
    char *preview;  /* action_plan_print's text (or what abandon will do); may be NULL */
    char *log;      /* the progress, one step a line; may be NULL */
    int64_t started_ms, ended_ms;
};

const char *act_state_name(enum act_state s); /* "planning", "running", ... */
bool act_state_is_final(enum act_state s);

/* Opens the thread's session (in the caller's thread: no network call) and starts it. wake_fd:
 * the read end of its wake-up pipe (non-blocking). -1 when it cannot. */
int actor_start(struct actor **out, const struct config_overrides *ov, int *wake_fd, struct err *e);

/* Queues a job. target: pipeline (rerun, backfill), table (schema, schema-apply); from/to: the days
 * (to only for a backfill); action_id: the interrupted action to resume or abandon. Returns the
 * job's id, or -1 with e when the thread cannot take it. */
int actor_request(struct actor *a, enum act_kind k, const char *target, const char *from,
                  const char *to, int64_t action_id, struct err *e);

/* The answer to a job in ACT_CONFIRM: run it, or drop it (audited; nothing is sent). false
 * when the job is not waiting for an answer. */
bool actor_confirm(struct actor *a, int job);
bool actor_cancel(struct actor *a, int job);

/* Copies of the jobs, oldest first (free with act_jobs_free). *gen grows with every change. */
int actor_jobs(struct actor *a, struct act_job **out, size_t *n, unsigned *gen);
void act_jobs_free(struct act_job *v, size_t n);

void actor_drain(struct actor *a);

/* Stops the thread; false when it is still inside a call after wait_ms (a running action is
 * left to the process exit: it stays in the database as interrupted, to be resumed). */
bool actor_stop(struct actor *a, int wait_ms);

#endif
