/* state/actions.h: persisted actions (rerun, backfill, schema-apply) and the lease that keeps
 * two pipetop processes on this machine from ever running the same (pipeline, day, stage): an
 * action claims every triple it covers when it is created, inside one BEGIN IMMEDIATE
 * transaction, and a UNIQUE index over active claims refuses a second claim. An interrupted
 * action stays pending/running with its claims; it is found again by db_action_list. */
#ifndef STATE_ACTIONS_H
#define STATE_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "state/db.h"

enum db_action_kind { DB_ACTION_RERUN = 0, DB_ACTION_BACKFILL, DB_ACTION_SCHEMA_APPLY };

enum db_action_status {
    DB_ACTION_PENDING = 0,
    DB_ACTION_RUNNING,
    DB_ACTION_DONE,
    DB_ACTION_FAILED,
    DB_ACTION_ABANDONED
};

#define DB_ACTION_MAX_DAYS 366 /* the longest day range one action may claim */

struct db_action {
    int64_t id;
    enum db_action_kind kind;
    char *target;                /* pipeline, or project.dataset.table for schema-apply */
    char day_from[TIME_DAY_LEN]; /* "" for schema-apply */
    char day_to[TIME_DAY_LEN];   /* inclusive; "" for schema-apply */
    unsigned stages;             /* bit (1u << STAGE_x) per stage covered; 0 for schema-apply */
    enum db_action_status status;
    char *step; /* where the chain is, free text ("2024-05-16 transfer: waiting"); may be NULL */
    int64_t created_ms;
    int64_t updated_ms;
    long owner_pid;   /* the process running it */
    char *owner_host; /* and its host name */
};

const char *db_action_kind_name(enum db_action_kind k);     /* "rerun", ... */
const char *db_action_status_name(enum db_action_status s); /* "pending", ... */
bool db_action_status_is_active(enum db_action_status s);   /* pending or running */
void db_action_release(struct db_action *a);
void db_actions_free(struct db_action *a, size_t n);

/* Creates an action owned by this process (pid, host name) with status pending and claims every
 * (target, day, stage) it covers, all in one BEGIN IMMEDIATE transaction (so it must not be
 * called inside db_begin). Reads kind, target, day_from, day_to, stages and step from a. If any
 * triple is claimed by an active action, nothing is written and the error (ERR_REFUSED) names
 * it, its owner and whether that process still runs. *id receives the new action's id. */
int db_action_create(struct db *db, const struct db_action *a, int64_t now_ms, int64_t *id,
                     struct err *e);

/* Moves an active action owned by this process to status (with step, may be NULL). A terminal
 * status (done, failed, abandoned) releases its claims in the same transaction. ERR_NOT_FOUND
 * for an unknown id, ERR_REFUSED when it is finished or owned by another process. */
int db_action_update(struct db *db, int64_t id, enum db_action_status status, const char *step,
                     int64_t now_ms, struct err *e);

/* Takes over an interrupted action (its owner process is gone) so this process can resume it.
 * ERR_REFUSED when its owner still runs or when it is finished. */
int db_action_adopt(struct db *db, int64_t id, int64_t now_ms, struct err *e);

/* Marks an active action abandoned and releases its claims. ERR_REFUSED when another process
 * on this host that still runs owns it. */
int db_action_abandon(struct db *db, int64_t id, int64_t now_ms, struct err *e);

/* One action; ERR_NOT_FOUND when there is none. Release *out with db_action_release. */
int db_action_get(struct db *db, int64_t id, struct db_action *out, struct err *e);

/* Actions newest first; active_only: pending and running ones (interrupted ones included). */
int db_action_list(struct db *db, bool active_only, struct db_action **out, size_t *n,
                   struct err *e);

/* Whether the owner process of a may still run: true for another host (it cannot be checked),
 * otherwise whether the pid exists. */
bool db_action_owner_alive(const struct db_action *a);

#endif
