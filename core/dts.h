/* core/dts.h: the BigQuery Data Transfer Service v1 client's wire layer — request builders for
 * transferConfigs.list/get, runs.list/get, runs.transferLogs.list and startManualRuns, and parsers
 * of their JSON answers into the model (struct transfer_config) and DTS-specific structs. Builders
 * return a filled struct http_request (the caller adds the bearer-token prepare and submits it);
 * nothing here touches the network. Every list parser returns the page and its next page token
 * ("" = last page). Implemented in core/dts.c (builders, errors) and core/dts_parse.c (parsers). */
#ifndef CORE_DTS_H
#define CORE_DTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/http.h"
#include "core/model.h"

#define DTS_DEFAULT_ENDPOINT "https://bigquerydatatransfer.googleapis.com"

/* A transfer config: the model view plus what DTS says about its scheduling and last error. */
struct dts_config {
    struct transfer_config cfg; /* schedule = `schedule`, else scheduleOptionsV2's time-based one */
    bool manual_only;           /* scheduleOptions.disableAutoScheduling or a manualSchedule */
    bool event_driven;          /* scheduleOptionsV2.eventDrivenSchedule */
    int64_t schedule_start_ms;  /* scheduleOptions(V2) startTime / endTime; 0 when absent */
    int64_t schedule_end_ms;
    char *write_disposition; /* params.write_disposition, NULL when absent */
    char *dataset_region;
    int error_code; /* TransferConfig.error (google.rpc.Code number); 0 when none */
    char *error_message;
};

/* A TransferRun. Times are epoch ms, 0 when absent. state is DTS's own word, kept even when
 * unknown to pipetop (see dts_run_state()). */
struct dts_run {
    char *name; /* projects/P/locations/L/transferConfigs/C/runs/R */
    int64_t run_time_ms;
    int64_t schedule_time_ms;
    int64_t start_ms;
    int64_t end_ms;
    int64_t update_ms;
    char *state;
    int error_code; /* errorStatus.code, 0 when none */
    char *error_message;
    char *data_source_id;
    char *destination_dataset;
    char *schedule; /* empty or NULL for manual runs */
};

/* A TransferMessage of runs.transferLogs.list. */
struct dts_message {
    int64_t time_ms;
    char *severity; /* INFO | WARNING | ERROR | ... (raw) */
    char *text;
};

struct dts_configs {
    struct dts_config *v;
    size_t n;
    char *next_page_token; /* "" on the last page */
};
struct dts_runs {
    struct dts_run *v;
    size_t n;
    char *next_page_token;
};
struct dts_messages {
    struct dts_message *v;
    size_t n;
    char *next_page_token;
};

void dts_config_release(struct dts_config *c);
void dts_run_release(struct dts_run *r);
void dts_message_release(struct dts_message *m);
void dts_configs_release(struct dts_configs *l);
void dts_runs_release(struct dts_runs *l);
void dts_messages_release(struct dts_messages *l);

/* The normalized state of a DTS TransferState word; -1 for one pipetop does not know
 * (TRANSFER_STATE_UNSPECIFIED or a new value), which callers keep as the raw state. */
int dts_run_state(const char *state, enum run_state *out);

/* ---- request builders: endpoint is DTS_DEFAULT_ENDPOINT or an override (no path). Names are
 * full resource names ("projects/p/locations/us/transferConfigs/c"). page_size 0 = the service's
 * default; page_token NULL or "" = the first page. On failure req is left empty (released). */

/* GET {endpoint}/v1/projects/{p}/locations/{l}/transferConfigs?dataSourceIds=..&pageSize&pageToken
 * data_source_ids: NULL-terminated list, may be NULL. */
int dts_build_list_configs(struct http_request *req, const char *endpoint, const char *project,
                           const char *location, const char *const *data_source_ids, int page_size,
                           const char *page_token, struct err *e);
int dts_build_get_config(struct http_request *req, const char *endpoint, const char *config_name,
                         struct err *e);
/* GET {endpoint}/v1/{config}/runs?states=..&runAttempt=LATEST&pageSize&pageToken. states:
 * NULL-terminated list of TransferState names, may be NULL; latest_only sends runAttempt=LATEST. */
int dts_build_list_runs(struct http_request *req, const char *endpoint, const char *config_name,
                        const char *const *states, bool latest_only, int page_size,
                        const char *page_token, struct err *e);
int dts_build_get_run(struct http_request *req, const char *endpoint, const char *run_name,
                      struct err *e);
/* GET {endpoint}/v1/{run}/transferLogs?messageTypes=..; message_types may be NULL (all). */
int dts_build_list_logs(struct http_request *req, const char *endpoint, const char *run_name,
                        const char *const *message_types, int page_size, const char *page_token,
                        struct err *e);
/* POST {endpoint}/v1/{config}:startManualRuns with exactly one of requestedRunTime (run_time_ms)
 * or requestedTimeRange [range_ms[0], range_ms[1]); pass NULL for the other. Both or neither,
 * or an empty range, is ERR_USAGE. */
int dts_build_start_manual_runs(struct http_request *req, const char *endpoint,
                                const char *config_name, const int64_t *run_time_ms,
                                const int64_t range_ms[2], struct err *e);

/* ---- parsers of 2xx bodies. On failure *out is empty and e says which call and field. */
int dts_parse_config(struct dts_config *out, const char *body, size_t len, struct err *e);
int dts_parse_configs(struct dts_configs *out, const char *body, size_t len, struct err *e);
int dts_parse_run(struct dts_run *out, const char *body, size_t len, struct err *e);
int dts_parse_runs(struct dts_runs *out, const char *body, size_t len, struct err *e);
/* The {"runs": [...]} answer of startManualRuns (next_page_token is ""). */
int dts_parse_manual_runs(struct dts_runs *out, const char *body, size_t len, struct err *e);
int dts_parse_messages(struct dts_messages *out, const char *body, size_t len, struct err *e);

/* A non-2xx answer of operation ("runs.list") into e (see core/apierr.h); h (unused by Google
 * errors) may be NULL, for one signature across the clients. Always -1. */
int dts_error(struct err *e, const char *operation, long status, const struct http_headers *h,
              const char *body, size_t len);

#endif
