/* state/known.h: descriptions of finished cloud items (a DynamoDB export that COMPLETED or
 * FAILED) as the service answered them, kept so that the next refresh reads them from here
 * instead of asking again: a finished item can no longer change. state/ stores the text only;
 * core/ made it and core/ parses it. Rows are written once and never updated. */
#ifndef STATE_KNOWN_H
#define STATE_KNOWN_H

#include <stdint.h>

#include "core/err.h"
#include "state/db.h"

/* Stores (kind, id) -> body unless it is already stored (first seen at seen_ms). */
int db_known_put(struct db *db, const char *kind, const char *id, const char *body, int64_t seen_ms,
                 struct err *e);

/* Called for each stored item of kind, by id; a non-zero return stops the walk and is returned
 * by db_known_each (with e untouched). */
typedef int (*db_known_fn)(void *ctx, const char *id, const char *body);

/* Walks the stored items of kind. Returns 0, fn's non-zero value, or -1 with e set (ERR_DB). */
int db_known_each(struct db *db, const char *kind, db_known_fn fn, void *ctx, struct err *e);

/* Deletes the items first stored before before_ms (a DynamoDB export leaves ListExports after
 * 90 days, so its description is never asked for again). *n (may be NULL) gets the count. */
int db_known_prune(struct db *db, int64_t before_ms, int64_t *n, struct err *e);

#endif
