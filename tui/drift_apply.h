/* tui/drift_apply.h: the one drift check and additive apply behind `pipetop schema refresh TABLE
 * --from-export [--apply]` and the dashboard's `A`: infer the raw schema of the newest export of
 * the DynamoDB pipeline loading TABLE, compare it with the table (tables.get, reads), store the
 * drift; then — after the caller's gate (read-only refusal, confirmation) — patch in the new
 * fields only (tables.patch with the table's etag, audited intent before and outcome after),
 * record the new schema version and store the check again. Never removes or retypes a field,
 * never asks anything itself. */
#ifndef TUI_DRIFT_APPLY_H
#define TUI_DRIFT_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/infer.h"
#include "core/infer_drift.h"
#include "core/model.h"
#include "tui/session.h"

struct drift_check {
    char p[300], d[300], t[600], full[1300]; /* the raw table */
    struct pipeline pl;                      /* the pipeline loading it */
    char export_arn[512];                    /* the export it was compared with */
    struct schema_field *raw;                /* the schema inferred from that export */
    size_t n_raw;
    struct table_meta m; /* the table as read */
    char *etag;          /* its etag (If-Match of the patch) */
    struct drift dr;     /* the drift found */
    struct buf text;     /* the drift as printed (and stored) */
};

void drift_check_init(struct drift_check *c);
void drift_check_release(struct drift_check *c);

/* Reads and compares (S3, DynamoDB DescribeExport, BigQuery tables.get: reads only), fills c
 * (c->text: the printout) and stores the check in the history database. name: dataset.table
 * (the configured project) or project.dataset.table. 0, or -1 with e. */
int drift_check_run(struct session *s, const char *name, struct drift_check *c, struct err *e);

/* Whether the check leaves drift (new or changed attributes). */
bool drift_check_drifted(const struct drift_check *c);

/* "Item.referral_code RECORD NULLABLE, Item.referral_code.S STRING NULLABLE": the exact fields
 * the patch adds (c->dr.merged minus the table's), into out (size n). Returns how many. */
int drift_added_fields(const struct drift_check *c, char *out, size_t n);

/* "tables.patch adding 1 field(s): referral_code": what the gate restates and the audit says. */
void drift_apply_detail(const struct drift_check *c, char *out, size_t n);

/* The patch of a checked table, the caller's gate already passed: audit intent (failing to
 * record it stops before any call), tables.patch with c->etag, audit outcome; then the re-read,
 * the new schema version, "applied: …" and the drift check again (stored, printed) to out.
 * env: gate_environment(). *drifted: drift remains after. 0, or -1 with e (a 412 says the table
 * changed since it was read). */
int drift_apply(struct session *s, struct drift_check *c, const char *env, FILE *out, bool *drifted,
                struct err *e);

#endif
