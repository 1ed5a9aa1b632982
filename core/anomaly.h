/* core/anomaly.h: row-count anomalies of a table from its daily samples — the last sample of
 * each day (in the zone in use) is that day's value; the latest day is judged by its z-score
 * against the earlier days. Pure arithmetic over given samples: no I/O, no clock. */
#ifndef CORE_ANOMALY_H
#define CORE_ANOMALY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "core/timeutil.h"

#define ANOMALY_MIN_POINTS 4 /* fewer earlier days: "insufficient history", no z */
#define ANOMALY_MIN_FLAG 14  /* fewer earlier days: z computed but never flagged */
#define ANOMALY_Z 3.0        /* |z| at or above this flags the day */

/* One day's value: the rows of the last sample taken that day. */
struct anomaly_day {
    char day[TIME_DAY_LEN];
    int64_t rows;
};

struct anomaly {
    char day[TIME_DAY_LEN]; /* the day judged ("" when there were no samples) */
    int64_t value;          /* its row count */
    size_t n;               /* earlier days it was compared with */
    bool insufficient;      /* n < ANOMALY_MIN_POINTS: z, mean, stddev are 0 */
    bool flagged;
    double z;      /* (value - mean) / stddev; +-INFINITY when stddev is 0 and value != mean */
    double mean;   /* of the earlier days */
    double stddev; /* sample standard deviation (n - 1) of the earlier days */
    char reason[160];
};

/* The daily values of samples (any order; samples of other tables are the caller's business),
 * oldest day first. *out is malloc'd (caller frees; NULL when n is 0). Returns -1 (ERR_NOMEM). */
int anomaly_daily(struct anomaly_day **out, size_t *n_out, const struct rowcount_sample *s,
                  size_t n, struct err *e);

/* Judges value against history[0..n) (the earlier days' values):
 *  n < 4: insufficient ("insufficient history (N days)");
 *  4 <= n < 14: z is computed, never flagged ("not enough history to flag (N days)");
 *  n >= 14: flagged when |z| >= 3.
 * Zero variance (every earlier day equal): z is 0 when value equals them, else +-INFINITY, which
 * flags only with n >= 14 (writers of JSON must print an infinite z as null, with the reason). */
void anomaly_judge(struct anomaly *out, const int64_t *history, size_t n, int64_t value);

/* The latest day of samples judged against every earlier day. No samples: insufficient, n 0.
 * Returns -1 (ERR_NOMEM) only. */
int anomaly_of_samples(struct anomaly *out, const struct rowcount_sample *s, size_t n,
                       struct err *e);

/* Every day of samples judged against all the days before it, oldest day first (out[i] judges
 * day i; the first days are "insufficient history"). *out is malloc'd (caller frees; NULL when
 * there are no samples). Returns -1 (ERR_NOMEM) only. */
int anomaly_series(struct anomaly **out, size_t *n_out, const struct rowcount_sample *s, size_t n,
                   struct err *e);

#endif
