/* state/logs.h: the append-only logs of the history database — refreshes (one row per refresh),
 * the audit log (an intent row before every mutating call, an outcome row after it) and the API
 * call log (bounded by db_set_call_retention()). Callers redact secrets before they get here. */
#ifndef STATE_LOGS_H
#define STATE_LOGS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "state/db.h"

enum db_refresh_status {
    DB_REFRESH_RUNNING = 0,
    DB_REFRESH_OK,
    DB_REFRESH_PARTIAL,
    DB_REFRESH_FAILED
};

struct db_refresh {
    int64_t id;
    int64_t started_ms;
    int64_t ended_ms; /* 0 while running (or when the process died during it) */
    enum db_refresh_status status;
    char *summary;
};

const char *db_refresh_status_name(enum db_refresh_status s); /* "running", "ok", ... */

/* Records the start of a refresh; *id names it for db_refresh_finish. */
int db_refresh_start(struct db *db, int64_t started_ms, int64_t *id, struct err *e);

/* Records how refresh id ended. ERR_NOT_FOUND for an unknown id. */
int db_refresh_finish(struct db *db, int64_t id, int64_t ended_ms, enum db_refresh_status status,
                      const char *summary, struct err *e);

/* The latest refreshes, newest first; free with db_refreshes_free. */
int db_list_refreshes(struct db *db, size_t limit, struct db_refresh **out, size_t *n,
                      struct err *e);
void db_refreshes_free(struct db_refresh *r, size_t n);

/* Appends an audit row (a->id is ignored; the new row's id goes to *id, which may be NULL).
 * a->phase must be "intent" or "outcome"; a->action_id 0 means no action. */
int db_audit_add(struct db *db, const struct audit_entry *a, int64_t *id, struct err *e);

/* The newest audit rows, newest first, at most limit (0: all). Free with db_audit_free. */
int db_audit_list(struct db *db, size_t limit, struct audit_entry **out, size_t *n, struct err *e);
void db_audit_free(struct audit_entry *a, size_t n);

/* Appends a call and, in the same transaction, prunes the log to the retention set with
 * db_set_call_retention() (age counted back from c->at_ms). */
int db_call_add(struct db *db, const struct api_call *c, struct err *e);

/* The newest calls, newest first, at most limit (0: all). Free with db_calls_free. */
int db_call_list(struct db *db, size_t limit, struct api_call **out, size_t *n, struct err *e);
void db_calls_free(struct api_call *c, size_t n);

#endif
