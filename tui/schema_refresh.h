/* tui/schema_refresh.h: re-reading one table's schema now — `pipetop schema refresh TABLE` and
 * the dashboard's `s` share it. A read in the cloud (BigQuery tables.get); locally a new schema
 * version (when it changed) and a row-count sample, and the audit rows (intent, outcome). */
#ifndef TUI_SCHEMA_REFRESH_H
#define TUI_SCHEMA_REFRESH_H

#include <stdio.h>

#include "core/err.h"
#include "tui/session.h"

/* name: "dataset.table" (the configured project) or "project.dataset.table". Prints the result
 * (rows, fields, whether the version is new, the difference from the previous one) to out. */
int schema_refresh_one(struct session *s, const char *name, FILE *out, struct err *e);

#endif
