/* core/days_int.h: what core/days.c and core/days_when.c share — the working list of one
 * pipeline's runs before attempts are numbered, and the day rules. Internal to core/days. */
#ifndef CORE_DAYS_INT_H
#define CORE_DAYS_INT_H

#include <stdbool.h>

#include "core/days.h"
#include "core/schedule.h"

struct proto {
    enum stage stage;
    char day[TIME_DAY_LEN];
    enum run_state state;
    const char *raw; /* borrowed from the snapshot */
    const char *id;
    int64_t started, ended, updated;
    int64_t order_ms; /* attempts are numbered by this (start, else run time) */
    char *code;       /* owned */
    char *msg;        /* owned */
    int attempt;
};

struct dctx {
    const struct days_opts *o;
    const struct snapshot *s;
    const struct link_pipeline *lp;
    char first[TIME_DAY_LEN]; /* first day judged */
    char today[TIME_DAY_LEN];
    int64_t window_ms; /* local midnight starting `first` */
    int t_offset;      /* learned day offset of the transfer's unmatched runs */
    struct proto *v;
    size_t n;
    struct days_result *out;
    int nomem;
};

struct proto *dd_add(struct dctx *x, enum stage st, const char *day);
void dd_note(struct dctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The day of an export (ExportTime / SnapshotTime, else its start) in the zone; "" if unknown. */
void dd_export_day(const struct link_export *le, char out[TIME_DAY_LEN]);

/* The day of a transfer run of runTime t (the rule in core/days.h). *matched tells whether an
 * export decided it. */
void dd_transfer_day(struct dctx *x, int64_t t, char out[TIME_DAY_LEN], bool *matched);
/* Learns x->t_offset from the transfer's runs. */
void dd_learn_offset(struct dctx *x);
/* The day of a query run of runTime q. */
void dd_query_day(struct dctx *x, int64_t q, char out[TIME_DAY_LEN]);

/* Scheduled UTC instants of sd on the UTC dates around the judged days, ascending; *out is
 * malloc'd. -1 on ERR_NOMEM. */
int dd_instants(struct dctx *x, const struct schedule_daily *sd, int64_t **out, size_t *n);

/* Adds MISSING runs of the stages whose schedule says a run was due (core/days_when.c). */
void dd_missing(struct dctx *x);

#endif
