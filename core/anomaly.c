/* core/anomaly.c: daily row-count values and their z-score against earlier days
 * (core/anomaly.h). Never reads the clock or the database; the caller gives the samples. */
#include "core/anomaly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dated {
    char day[TIME_DAY_LEN];
    int64_t at_ms;
    int64_t rows;
};

static int by_time(const void *a, const void *b)
{
    const struct dated *x = a, *y = b;

    return x->at_ms < y->at_ms ? -1 : x->at_ms > y->at_ms;
}

int anomaly_daily(struct anomaly_day **out, size_t *n_out, const struct rowcount_sample *s,
                  size_t n, struct err *e)
{
    struct dated *d;
    size_t k = 0;

    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return 0;
    d = calloc(n, sizeof(*d));
    *out = calloc(n, sizeof(**out));
    if (d == NULL || *out == NULL) {
        free(d);
        free(*out);
        *out = NULL;
        return err_set(e, ERR_NOMEM, "row-count history: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        time_day_of(s[i].at_ms, d[i].day);
        d[i].at_ms = s[i].at_ms;
        d[i].rows = s[i].rows;
    }
    qsort(d, n, sizeof(*d), by_time);
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && strcmp((*out)[k - 1].day, d[i].day) == 0) {
            (*out)[k - 1].rows = d[i].rows; /* a later sample of the same day wins */
            continue;
        }
        memcpy((*out)[k].day, d[i].day, TIME_DAY_LEN);
        (*out)[k].rows = d[i].rows;
        k++;
    }
    free(d);
    *n_out = k;
    return 0;
}

void anomaly_judge(struct anomaly *out, const int64_t *history, size_t n, int64_t value)
{
    double sum = 0, sq = 0;

    memset(out, 0, sizeof(*out));
    out->value = value;
    out->n = n;
    if (n < ANOMALY_MIN_POINTS) {
        out->insufficient = true;
        snprintf(out->reason, sizeof(out->reason), "insufficient history (%zu days, need %d)", n,
                 ANOMALY_MIN_POINTS);
        return;
    }
    for (size_t i = 0; i < n; i++)
        sum += (double)history[i];
    out->mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += ((double)history[i] - out->mean) * ((double)history[i] - out->mean);
    out->stddev = sqrt(sq / (double)(n - 1));
    if (out->stddev > 0)
        out->z = ((double)value - out->mean) / out->stddev;
    else if ((double)value != out->mean)
        out->z = (double)value > out->mean ? INFINITY : -INFINITY;
    if (n < ANOMALY_MIN_FLAG) {
        snprintf(out->reason, sizeof(out->reason), "not enough history to flag (%zu days, need %d)",
                 n, ANOMALY_MIN_FLAG);
        return;
    }
    out->flagged = fabs(out->z) >= ANOMALY_Z;
    if (out->stddev == 0 && out->flagged)
        snprintf(out->reason, sizeof(out->reason),
                 "%lld rows after %zu days of exactly %.0f (no variance before)", (long long)value,
                 n, out->mean);
    else if (out->flagged)
        snprintf(out->reason, sizeof(out->reason),
                 "%lld rows is %.1f standard deviations from the mean %.0f of %zu days",
                 (long long)value, out->z, out->mean, n);
    else
        snprintf(out->reason, sizeof(out->reason), "within %.0f standard deviations (%zu days)",
                 ANOMALY_Z, n);
}

int anomaly_of_samples(struct anomaly *out, const struct rowcount_sample *s, size_t n,
                       struct err *e)
{
    struct anomaly_day *d;
    int64_t *hist;
    size_t k;

    if (anomaly_daily(&d, &k, s, n, e))
        return -1;
    if (k == 0) {
        anomaly_judge(out, NULL, 0, 0);
        out->value = -1;
        return 0;
    }
    hist = calloc(k, sizeof(*hist));
    if (hist == NULL) {
        free(d);
        return err_set(e, ERR_NOMEM, "row-count history: out of memory");
    }
    for (size_t i = 0; i + 1 < k; i++)
        hist[i] = d[i].rows;
    anomaly_judge(out, hist, k - 1, d[k - 1].rows);
    memcpy(out->day, d[k - 1].day, TIME_DAY_LEN);
    free(hist);
    free(d);
    return 0;
}

int anomaly_series(struct anomaly **out, size_t *n_out, const struct rowcount_sample *s, size_t n,
                   struct err *e)
{
    struct anomaly_day *d;
    int64_t *vals;
    size_t k;

    *out = NULL;
    *n_out = 0;
    if (anomaly_daily(&d, &k, s, n, e))
        return -1;
    if (k == 0)
        return 0;
    vals = calloc(k, sizeof(*vals));
    *out = calloc(k, sizeof(**out));
    if (vals == NULL || *out == NULL) {
        free(vals);
        free(*out);
        free(d);
        *out = NULL;
        return err_set(e, ERR_NOMEM, "row-count history: out of memory");
    }
    for (size_t i = 0; i < k; i++)
        vals[i] = d[i].rows;
    for (size_t i = 0; i < k; i++) {
        anomaly_judge(&(*out)[i], vals, i, vals[i]);
        memcpy((*out)[i].day, d[i].day, TIME_DAY_LEN);
    }
    *n_out = k;
    free(vals);
    free(d);
    return 0;
}
