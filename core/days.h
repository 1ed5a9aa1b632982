/* core/days.h: stage runs per pipeline and day (DESIGN §2) from a linked snapshot — which day
 * each export, transfer run and query run belongs to, its normalized state, MISSING where a
 * schedule says a run should exist, STUCK, UPSTREAM_FAILED along the chain, and attempt numbers.
 * Pure: the time is given, nothing is read or written.
 *
 * The day rule (the grid's columns): a day D is the calendar date, in the configured zone, on
 * which a nightly chain takes its export.
 *  - Export: D = the day of its ExportTime (DynamoDB) / SnapshotTime (Aurora; TaskStartTime when
 *    absent) in the zone.
 *  - Transfer run: its data_path rendered for its runTime (UTC, as DTS does) names export
 *    prefixes; D = the day of the export(s) it reads when they all share one day. Otherwise (no
 *    runtime template, no export found) D = the zone day of runTime shifted by the offset the
 *    config's matched runs show (0 when none matched), so a -24h template stays consistent.
 *  - Query run: D = the day of the latest run or scheduled run of the pipeline's transfer whose
 *    runTime is at or before the query's runTime and less than 24 h before it; the zone day of
 *    its runTime when there is none.
 * Manual reruns keep the runTime of the day they redo (startManualRuns requestedRunTime), so
 * they land on that day as a further attempt.
 *
 * Attempts: every run of a (pipeline, day, stage) is one attempt, numbered 1..n by start time;
 * the highest is what the grid shows. Along the chain, a transfer attempt (not MISSING) is
 * UPSTREAM_FAILED when the export attempt it ran after (the latest one of that day started at or
 * before it, else the day's first) is FAILED, MISSING, STUCK, CANCELLED or UPSTREAM_FAILED; a
 * query attempt likewise after its transfer (after the export when the day has no transfer run).
 * raw_state keeps the service's word. Unknown service words count as PENDING.
 * Callers: select the zone first (time_zone_use); the snapshot must hold every run of the days
 * it covers (attempts are counted within it). */
#ifndef CORE_DAYS_H
#define CORE_DAYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "core/events.h"
#include "core/link.h"
#include "core/model.h"
#include "core/snapshot.h"

#define DAYS_DEFAULT_GRACE_MS (60LL * 60 * 1000)

struct days_opts {
    int64_t now_ms;
    int64_t grace_ms;    /* MISSING only once the scheduled instant + grace has passed */
    int stuck_after_min; /* RUNNING/PENDING without an update for longer: STUCK */
    int days;            /* days judged when the snapshot has no window_start_ms */
    int export_time_min; /* [aws] export_time (minutes after local midnight), -1 = none */
    const struct events_rule *export_rule; /* the rule that fires the exports, NULL = none */
};

/* Options from the config ([general] stuck_after, days; [aws] export_time) and the snapshot's
 * export rule, with DAYS_DEFAULT_GRACE_MS. */
void days_opts_init(struct days_opts *o, const struct config *cfg, const struct snapshot *s,
                    int64_t now_ms);

struct days_result {
    struct stage_run *runs; /* by pipeline, day, stage (E, T, Q), attempt */
    size_t n;
    char **notes; /* what could not be judged and why ("MISSING exports not computed: ...") */
    size_t n_notes;
};

/* Stage runs of every pipeline of g for the days the snapshot fully covers: from the first local
 * midnight at or after s->window_start_ms (or today - (days - 1) when it is 0) to today.
 * MISSING is computed only where no gap of the snapshot concerns that service. Returns -1 only
 * for ERR_NOMEM (out empty). Release with days_result_release(). */
int days_build(struct days_result *out, const struct link_graph *g, const struct snapshot *s,
               const struct days_opts *o, struct err *e);
void days_result_release(struct days_result *r);

/* The runTime of the transfer (STAGE_TRANSFER) or query (STAGE_QUERY) run of pipeline lp for
 * day, by the day rule above: the runTime of that day's latest run when there is one, else the
 * scheduled instant that falls on the day — what startManualRuns' requestedRunTime needs to redo
 * the day, and what renders the data_path the day's transfer reads. Returns -1 (ERR_NOT_FOUND,
 * saying why) when the pipeline has no such config or neither exists; ERR_USAGE for a bad day. */
int days_run_time(int64_t *out, const struct link_pipeline *lp, enum stage st, const char *day,
                  const struct snapshot *s, struct err *e);

#endif
