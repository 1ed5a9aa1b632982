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
 * they land on that day as a further attempt. */
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

#endif
