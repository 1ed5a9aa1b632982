/* tui/refresh.h: one refresh, end to end — credentials, the concurrent collection
 * (core/collect.h), linking, and storing everything in ONE history-database transaction with
 * its refreshes row. It lives in tui/ because it joins core/ (clouds, no SQL) and state/ (SQL,
 * no network); the dashboard's engine thread and `pipetop refresh` both call it. It never
 * prints: the caller reports from struct refresh_report. */
#ifndef TUI_REFRESH_H
#define TUI_REFRESH_H

#include <stddef.h>
#include <stdint.h>

#include "core/aws_creds.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"
#include "core/gauth.h"
#include "core/http.h"
#include "core/refresh_report.h"
#include "state/db.h"

/* What a refresh runs on; all borrowed. A part that could not be set up is NULL with its
 * error (aws_err, google_err): its sources are then reported as gaps. */
struct refresh_env {
    const struct config *cfg;
    struct db *db;
    struct http_client *http;
    const struct clock *clock; /* NULL: the system clock */

    struct aws_creds_provider *aws_creds;
    const struct err *aws_err;
    const char *aws_region;
    const char *ddb_endpoint, *rds_endpoint, *events_endpoint;

    struct gauth *gauth;
    const struct err *google_err;
    const char *gcp_project, *gcp_location;
    const char *dts_endpoint, *bq_endpoint;

    int page_size; /* 0: the services' defaults */
};

/* Runs one refresh synchronously. Returns 0 when what was read is stored (out->status says
 * whether it was complete; the refreshes row gets the same status and summary), -1 with e set
 * when nothing could be stored (the database failed, or memory ran out); out is filled as far
 * as it got either way. Release out with refresh_report_release() (core/refresh_report.h). */
int refresh_run(const struct refresh_env *env, struct refresh_report *out, struct err *e);

#endif
