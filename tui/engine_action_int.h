/* tui/engine_action_int.h: what the action thread's two files share (tui/engine_action.c: the
 * thread, the queue and the UI's copies; tui/engine_action_job.c: the work of one job). */
#ifndef TUI_ENGINE_ACTION_INT_H
#define TUI_ENGINE_ACTION_INT_H

#include <pthread.h>
#include <stdio.h>

#include "core/buf.h"
#include "state/actions.h"
#include "tui/action.h"
#include "tui/drift_apply.h"
#include "tui/engine_action.h"
#include "tui/session.h"

struct job {
    struct act_job pub; /* under the actor's mutex; preview and log live in the bufs */
    struct buf preview, log;
    bool confirmed, cancelled;
    /* the thread's alone, between planning and running */
    struct action_world w;
    bool have_world;
    struct action_plan p;
    struct db_action old; /* the action resumed or abandoned */
    bool have_old;
    struct drift_check *dc; /* schema-apply: the check the confirmed patch applies */
};

struct actor {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int pipe[2];
    bool stop, started, exited;
    struct session *s; /* opened by actor_start, then the thread's alone */
    struct job *jobs[ACTOR_MAX_JOBS];
    size_t n;
    int next_id;
    unsigned gen;
};

/* Under the mutex: sets the job's state (and why, when not NULL), bumps gen, wakes the UI. */
void actor_set(struct actor *a, struct job *j, enum act_state st, const char *why);
/* A FILE* whose lines go to buf (under the mutex, waking the UI): action_run's progress. */
FILE *actor_stream(struct actor *a, struct buf *b);

/* The thread's work, without the mutex held. */
void job_prepare(struct actor *a, struct job *j);
void job_run(struct actor *a, struct job *j);
void job_cancelled(struct actor *a, struct job *j);
void job_release(struct job *j);

#endif
