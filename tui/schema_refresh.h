/* tui/schema_refresh.h: re-reading one table's schema now — `pipetop schema refresh TABLE` and
 * the dashboard's `s` share it. A read in the cloud (BigQuery tables.get); locally a new schema
 * version (when it changed) and a row-count sample, and the audit rows (intent, outcome). */
#ifndef TUI_SCHEMA_REFRESH_H
#define TUI_SCHEMA_REFRESH_H

#include <stdio.h>

#include "core/err.h"
#include "core/model.h"
#include "tui/session.h"

/* name: "dataset.table" (the configured project) or "project.dataset.table". Prints the result
 * (rows, fields, whether the version is new, the difference from the previous one) to out. */
int schema_refresh_one(struct session *s, const char *name, FILE *out, struct err *e);

/* BigQuery tables.get of project p, dataset d, table t through the session, parsed into out
 * (and its etag into *etag, malloc'd, when etag is not NULL); the service's error in e. */
int schema_get_table(struct session *s, const char *p, const char *d, const char *t,
                     struct table_meta *out, char **etag, struct err *e);

#endif
