/* core/infer_drift.h: schema drift between the raw schema inferred from an export
 * (core/infer.h) and a raw BigQuery table's schema — attributes new in the export (a load would
 * reject them), attributes whose descriptors changed, attributes no longer seen — and the
 * additive patch: the table's schema with only the new fields appended (never a removal, a
 * type change or a REQUIRED field). Implemented in core/infer_drift.c; no I/O. */
#ifndef CORE_INFER_DRIFT_H
#define CORE_INFER_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/model.h"

enum drift_kind { DRIFT_NEW, DRIFT_CHANGED, DRIFT_GONE };

struct drift_item {
    enum drift_kind kind;
    char *path;   /* "referral_code", "prefs.M.theme", "tags" */
    char *detail; /* "S" (descriptors seen), "now also N", "N is INTEGER in the table, STRING..." */
    bool fixable; /* the patch adds what it needs */
};

struct drift {
    struct drift_item *v;
    size_t n;
    int n_new, n_changed, n_gone;
    int n_added;                 /* fields the patch adds */
    struct schema_field *merged; /* the table's schema plus the new fields */
    size_t n_merged;
};

/* Compares the inferred raw schema (its "Item" RECORD) with the table's fields. */
int drift_compute(const struct schema_field *inferred, size_t n_inferred,
                  const struct schema_field *table, size_t n_table, struct drift *out,
                  struct err *e);
void drift_release(struct drift *d);
const char *drift_kind_name(enum drift_kind k); /* "new" "changed" "gone" */

#endif
