/* core/days_when.c: when things happen — the day a transfer or query run belongs to (the rule in
 * core/days.h), the instants a schedule fires, and MISSING runs where a due run does not exist.
 * Never invents a run for an instant that has not passed, is outside the judged window, or
 * comes before the object existed. */
#include "core/days_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dts_template.h"

#define DAY_MS 86400000LL

void dd_export_day(const struct link_export *le, char out[TIME_DAY_LEN])
{
    int64_t t = le->ddb ? (le->ddb->export_time_ms ? le->ddb->export_time_ms : le->ddb->start_ms)
                        : (le->rds->snapshot_ms ? le->rds->snapshot_ms : le->rds->start_ms);

    out[0] = '\0';
    if (t != 0)
        time_day_of(t, out);
}

/* The single day of the exports the data_path reads at run time t; false when none or several. */
static bool matched_day(struct dctx *x, int64_t t, char out[TIME_DAY_LEN])
{
    const char *path = x->lp->transfer->config.cfg.data_path;
    struct err ignore = ERR_INIT;
    struct dts_pattern pat;
    char *rendered = NULL, *bucket = NULL, *key = NULL;
    bool found = false, ok = true;

    if (!dts_template_has_params(path) || dts_template_render(&rendered, path, t, &ignore) ||
        dts_s3_split(rendered, &bucket, &key, &ignore) || dts_pattern_compile(&pat, key, &ignore)) {
        x->nomem |= ignore.code == ERR_NOMEM;
        free(rendered);
        free(bucket);
        free(key);
        return false;
    }
    for (size_t i = 0; i < x->lp->n_exports && ok; i++) {
        const struct link_export *le = &x->lp->exports[i];
        char d[TIME_DAY_LEN];
        if (le->bucket == NULL || strcmp(le->bucket, bucket) != 0 ||
            !dts_pattern_reads_prefix(&pat, le->key))
            continue;
        dd_export_day(le, d);
        if (d[0] == '\0')
            continue;
        if (found && strcmp(d, out) != 0)
            ok = false;
        memcpy(out, d, TIME_DAY_LEN);
        found = true;
    }
    dts_pattern_release(&pat);
    free(rendered);
    free(bucket);
    free(key);
    return found && ok;
}

static void shifted_day(int64_t t, int offset, char out[TIME_DAY_LEN])
{
    char d[TIME_DAY_LEN];
    struct err ignore = ERR_INIT;

    time_day_of(t, d);
    if (offset == 0 || time_day_add(d, offset, out, &ignore) != 0)
        memcpy(out, d, TIME_DAY_LEN);
}

void dd_transfer_day(struct dctx *x, int64_t t, char out[TIME_DAY_LEN], bool *matched)
{
    *matched = x->lp->transfer != NULL && matched_day(x, t, out);
    if (!*matched)
        shifted_day(t, x->t_offset, out);
}

void dd_learn_offset(struct dctx *x)
{
    int count[5] = {0}; /* offsets -2..2 */
    const struct snap_dts_config *c = x->lp->transfer;

    x->t_offset = 0;
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_runs; i++) {
        char m[TIME_DAY_LEN], own[TIME_DAY_LEN];
        struct err ignore = ERR_INIT;
        int diff;
        if (c->runs[i].run_time_ms == 0 || !matched_day(x, c->runs[i].run_time_ms, m))
            continue;
        time_day_of(c->runs[i].run_time_ms, own);
        if (time_day_diff(own, m, &diff, &ignore) == 0 && diff >= -2 && diff <= 2)
            count[diff + 2]++;
    }
    for (int d = 0, best = 0; d < 5; d++) /* ties go to the offset nearest 0 */
        if (count[d] > best || (count[d] == best && best > 0 && abs(d - 2) < abs(x->t_offset))) {
            best = count[d];
            x->t_offset = d - 2;
        }
}

void dd_query_day(struct dctx *x, int64_t q, char out[TIME_DAY_LEN])
{
    const struct snap_dts_config *c = x->lp->transfer;
    struct schedule_daily sd;
    struct err ignore = ERR_INIT;
    int64_t best = 0, *inst = NULL;
    size_t n = 0;
    bool matched;

    if (c != NULL) {
        for (size_t i = 0; i < c->n_runs; i++) {
            int64_t t = c->runs[i].run_time_ms;
            if (t != 0 && t <= q && q - t < DAY_MS && t > best)
                best = t;
        }
        if (c->config.cfg.schedule != NULL && !c->config.manual_only &&
            schedule_parse_dts(&sd, c->config.cfg.schedule,
                               c->config.cfg.next_run_ms ? c->config.cfg.next_run_ms
                                                         : c->config.schedule_start_ms,
                               &ignore) == 0 &&
            dd_instants(x, &sd, &inst, &n) == 0) {
            for (size_t i = 0; i < n; i++)
                if (inst[i] <= q && q - inst[i] < DAY_MS && inst[i] > best)
                    best = inst[i];
            free(inst);
        }
    }
    if (best != 0)
        dd_transfer_day(x, best, out, &matched);
    else
        time_day_of(q, out);
}

static int utc_weekday(int64_t ms)
{
    int64_t d = ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS);

    return (int)(((d % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
}

int dd_instants(struct dctx *x, const struct schedule_daily *sd, int64_t **out, size_t *n)
{
    char d[TIME_DAY_LEN];
    struct err ignore = ERR_INIT;
    int span = 0;

    *out = NULL;
    *n = 0;
    if (time_day_diff(x->first, x->today, &span, &ignore) != 0 || span < 0 || span > 3660)
        return 0;
    *out = calloc((size_t)span + 5, sizeof(**out));
    if (*out == NULL)
        return -1;
    for (int i = -2; i <= span + 2; i++) {
        int64_t at;
        if (time_day_add(x->first, i, d, &ignore) != 0 ||
            time_utc_at(d, sd->hour, sd->minute, 0, &at, &ignore) != 0)
            continue;
        if (schedule_fires_on(sd, utc_weekday(at)))
            (*out)[(*n)++] = at;
    }
    return 0;
}
