/* core/schema_diff.h: the difference between two versions of a table's schema — fields added,
 * removed and changed (type, mode, description, policy tags), nested RECORD fields included,
 * each named by its dotted path. Pure: no I/O. */
#ifndef CORE_SCHEMA_DIFF_H
#define CORE_SCHEMA_DIFF_H
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/model.h"

struct schema_diff_count {
    int added, removed, changed;
};

/* Appends one line per difference to out ("+ path TYPE MODE", "- path TYPE MODE",
 * "~ path: type A -> B, mode ..., description ...") and counts them. -1 (ERR_NOMEM). */
int schema_diff(const struct schema_field *old, size_t n_old, const struct schema_field *new_f,
                size_t n_new, struct buf *out, struct schema_diff_count *count, struct err *e);
#endif
