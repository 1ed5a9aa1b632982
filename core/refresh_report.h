/* core/refresh_report.h: what one refresh did — counts, how it ended and each gap (what could
 * not be read, and why) — as plain data, with its one-line summary and its `--json` form.
 * Filled by the refresh orchestration (tui/refresh.c); printed by `pipetop refresh`. Holds no
 * secrets: gap messages are the clients' redacted error text. */
#ifndef CORE_REFRESH_REPORT_H
#define CORE_REFRESH_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/snapshot.h"

enum refresh_status {
    REFRESH_OK = 0,  /* every source was read and everything is stored */
    REFRESH_PARTIAL, /* some sources could not be read (gaps); the rest is stored */
    REFRESH_FAILED   /* nothing could be read, or nothing could be stored */
};

struct refresh_report {
    int64_t id; /* the history database's refresh row; 0 when none */
    int64_t started_ms, ended_ms;
    enum refresh_status status;
    int calls;  /* API requests the collection made (pages, describes, gets) */
    int reused; /* finished descriptions read from history instead of asked again */
    size_t configs, runs, exports, export_tasks;
    size_t tables, new_schemas, samples;
    size_t pipelines, stage_runs; /* from the linker (core/link.h, core/days.h) */
    struct snap_gap *gaps;        /* owned */
    size_t n_gaps;
    char **unlinked; /* "KIND ID: why" of what the linker could not place (owned) */
    size_t n_unlinked;
    char **notes; /* what the day judgement could not decide, and why (owned) */
    size_t n_notes;
};

/* Appends a copy of text to the list (*v, *n). -1 (ERR_NOMEM). */
int refresh_report_add(char ***v, size_t *n, const char *text, struct err *e);

/* "ok", "partial", "failed" */
const char *refresh_status_name(enum refresh_status s);

/* Copies the snapshot's gaps into r. -1 (ERR_NOMEM). */
int refresh_report_copy_gaps(struct refresh_report *r, const struct snapshot *s, struct err *e);

void refresh_report_release(struct refresh_report *r);

/* "calls 12, reused 56, transfer configs 8, ..." into out (size n). */
void refresh_report_summary(const struct refresh_report *r, char *out, size_t n);

/* The report as JSON text (caller frees): {"id", "status", "started", "ended", "duration_ms",
 * "calls", "reused", "transfer_configs", "runs", "exports", "export_tasks", "tables",
 * "new_schema_versions", "rowcount_samples", "pipelines", "stage_runs",
 * "gaps": [{"what", "error", "code", "http_status"}], "unlinked": [TEXT], "notes": [TEXT]}.
 * -1 (ERR_NOMEM). */
int refresh_report_json(const struct refresh_report *r, char **out, struct err *e);

#endif
