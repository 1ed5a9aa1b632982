/* tests/fakecloud/gcp.h: the Google side of the fake cloud — DTS v1 (dts.c, dts_runs.c) and
 * BigQuery v2 (bq.c, bq_schema.c) handlers, and what they share (gcp_http.c): repeated query
 * parameters, page tokens, and errors in DTS's google.rpc.Status form and BigQuery v2's legacy
 * errors[] form. Never answers a query job: pipetop reads metadata only. */
#ifndef TESTS_FAKECLOUD_GCP_H
#define TESTS_FAKECLOUD_GCP_H

#include <stddef.h>
#include <stdint.h>

#include "tests/fakecloud/fakecloud.h"

/* All values of a (possibly repeated) query parameter, percent-decoded, in order: a NULL-ended
 * malloc'd array of malloc'd strings (free with gcp_strv_free); an empty array when absent. */
char **gcp_query_all(const struct fc_request *req, const char *name);
void gcp_strv_free(char **v);

/* A DTS error: {"error":{"code","message","status","details"?}}. field/description, when given,
 * add a google.rpc.BadRequest field violation as the front end does for a malformed parameter. */
int gcp_dts_error(struct fc_response *r, int http, const char *status, const char *message,
                  const char *field);
/* A BigQuery v2 error: code, message, errors[{message, domain "global", reason}], status. */
int gcp_bq_error(struct fc_response *r, int http, const char *reason, const char *message);

/* Page size/offset of a list call. The page size parameter (pageSize or maxResults) must be a
 * whole number in 0..max_allowed (0 = dflt); the scenario's forced page size (fw_page) caps it.
 * The page token must be one this list made (fw_token_*, kind names the list). On a bad value
 * fills r with the service's error (bq: BigQuery form) and returns -1. */
struct fw_world;
struct gcp_page {
    size_t offset, size;
    const char *kind;
};
int gcp_page_parse(const struct fc_request *req, struct fc_response *r, const struct fw_world *w,
                   int bq, size_t max_allowed, size_t dflt, const char *kind, struct gcp_page *pg);
/* Sets nextPageToken on out when total > offset + size. */
void gcp_page_finish(json_t *out, const struct gcp_page *pg, size_t total);

/* An fw_error from the world as a DTS error (google.rpc code name in e->code). */
struct fw_error;
int gcp_dts_fw_error(struct fc_response *r, const struct fw_error *e);

/* "2024-03-01T04:00:08.339Z" (RFC 3339 UTC, milliseconds) into out. */
const char *gcp_time(int64_t ms, char *out, size_t n);

/* A DTS resource path /v1/projects/P/locations/L/transferConfigs[/C[/runs[/R]]]... resolved in
 * the world: depth 0 = the location, 1 = a config, 2 = a run of that config. On a bad
 * project/location/id fills r with the DTS error and returns -1. Caller holds fc->world_lock. */
struct fc_dts_ref {
    size_t cfg, run;
};
int fc_dts_resolve(struct fw_world *w, const struct fc_request *req, struct fc_response *r,
                   int depth, struct fc_dts_ref *ref);
/* 1 when p names the world's project by id or number. */
int gcp_project_ok(const struct fw_world *w, const char *p);

/* dts_json.c: wire JSON (new references) of config i / run r at now; ownerInfo only for get. */
struct fw_dts_run;
json_t *fc_dts_config_json(const struct fw_world *w, size_t i, int64_t now, int with_owner);
json_t *fc_dts_run_json(const struct fw_world *w, size_t r, int64_t now);
/* A run exists from its creation on; its updateTime is its latest event up to now. */
int fc_dts_run_visible(const struct fw_dts_run *run, int64_t now);
int64_t fc_dts_run_updated(const struct fw_dts_run *run, int64_t now);

/* bq.c: path segments of /bigquery/v2/projects/P/... (count, or -1 with a 404 for another
 * project); the table a tables.get/patch path names (index, or -1 with BigQuery's 404); the
 * Table resource of table i (stats: numRows/numBytes...; selected: selectedFields or NULL). */
int fc_bq_path(const struct fw_world *w, const struct fc_request *req, struct fc_response *r,
               char seg[][256], int max);
long fc_bq_table_of(const struct fw_world *w, const struct fc_request *req, struct fc_response *r);
json_t *fc_bq_table_json(const struct fw_world *w, size_t i, int stats, const char *selected);

/* The handlers (route lines in routes.c). */
int fc_dts_configs_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_dts_configs_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_dts_start_manual_runs(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_dts_runs_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_dts_runs_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_dts_logs_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_bq_datasets_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_bq_tables_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_bq_tables_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_bq_tables_patch(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_bq_jobs_refuse(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);

#endif
