/* tui/drift_hint.h: what pipetop adds when a DynamoDB pipeline's transfer failed: BigQuery's JSON
 * load error ("JSON table encountered too many errors … errors[] collection") does not say which
 * field it choked on, and DTS does not pass the load job's errors[] on. The stored drift check
 * of the pipeline's raw table (state/drift.h) does: the attributes the export has and the table
 * lacks, when they were found, and the command that adds them. Reads the history database only. */
#ifndef TUI_DRIFT_HINT_H
#define TUI_DRIFT_HINT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "tui/session.h"

/* Writes the hint for a failed transfer of p (error text why) into out (size n): "" when p is
 * not a DynamoDB pipeline with a raw table, or when nothing stored or said points at drift.
 * Returns whether a hint was written. */
bool drift_hint(struct session *s, const struct pipeline *p, const char *why, char *out, size_t n);

#endif
