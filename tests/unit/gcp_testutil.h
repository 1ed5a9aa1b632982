/* tests/unit/gcp_testutil.h: helpers of the fake cloud's Google self-check — start the fake with
 * tests/scenarios/demo.json, get a token through core/gauth, call DTS/BigQuery over core/http,
 * validate answers with discovery_check and errors with Google's shapes (failing the running
 * cmocka test on any mismatch). Test support only. */
#ifndef TESTS_UNIT_GCP_TESTUTIL_H
#define TESTS_UNIT_GCP_TESTUTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/unit/discovery_check.h"
#include "tests/unit/fakecloud_proc.h"

enum gt_svc { GT_DTS, GT_BQ };

struct gauth;
struct http_client;

struct gt {
    struct fakecloud_proc proc;
    struct gauth *auth;
    struct http_client *http;
    struct discovery *dts, *bq;
    char project[64], project_number[32], location[32];
    int paged;
    long status; /* of the last call */
    json_t *configs;
    char url[2048];
    char *dump;
};

/* Loads the discovery documents (../shared or $PIPETOP_SHARED). 0 or -1 with a message. */
int gt_init(void);
void gt_fini(void);
/* Starts the fake with demo.json (paged: page_size 1, token_ttl_s 2) and a gauth provider. */
int gt_start(struct gt *g, int paged);
int gt_stop(struct gt *g);

const char *gt_dts_url(struct gt *g, const char *project, const char *suffix);
const char *gt_bq_url(struct gt *g, const char *suffix);
/* One call; bearer NULL = a token from core/gauth, "" = no Authorization, else that token.
 * Sets g->status; returns the parsed JSON answer (NULL when the body is not JSON). */
json_t *gt_call(struct gt *g, const char *method, const char *url, const char *body,
                const char *bearer, const char *if_match);
/* A 200 answer to path (after the service prefix), validated as method_id's response. */
json_t *gt_ok(struct gt *g, enum gt_svc svc, const char *method, const char *path, const char *body,
              const char *method_id);
json_t *gt_ok_hdr(struct gt *g, enum gt_svc svc, const char *method, const char *path,
                  const char *body, const char *method_id, const char *if_match);
/* Every item of field over all pages of path?query (each page validated). */
json_t *gt_list_all(struct gt *g, enum gt_svc svc, const char *path, const char *query,
                    const char *field, const char *method_id);
/* Page size 1: each page has exactly one item and the page count equals the item count. */
void gt_assert_pages(struct gt *g, enum gt_svc svc, const char *path, const char *field,
                     const char *method_id);
/* An error answer in DTS's google.rpc.Status shape / BigQuery's errors[] shape. */
json_t *gt_dts_error(struct gt *g, const char *method, const char *path, const char *body,
                     long http, const char *status);
json_t *gt_bq_error(struct gt *g, const char *method, const char *path, const char *body, long http,
                    const char *reason);
json_t *gt_bq_error_hdr(struct gt *g, const char *method, const char *path, const char *body,
                        long http, const char *reason, const char *if_match);
const char *gt_error_message(json_t *err);
const char *gt_error_status(json_t *err);

const char *gt_last_segment(const char *name);
/* The id of the n-th transfer config of that data source. */
const char *gt_config_id(struct gt *g, const char *source, int n);
/* "/datasets/D/tables/T" of a table with at least two schema fields. */
void gt_some_table(struct gt *g, char *path, size_t n);
/* A FAILED run of a scheduled_query config (its config id into cfg, the run into *run). */
void gt_failed_query_run(struct gt *g, char *cfg, size_t n, json_t **run);
/* "/datasets/D/tables/T" of the table a scheduled_query config writes (DDL or template). */
void gt_query_table(struct gt *g, const char *cfg, char *path, size_t n);
/* "/datasets/D/tables/T" of a table whose schema has a RECORD field; the first RECORD. */
void gt_record_table(struct gt *g, char *path, size_t n);
json_t *gt_first_record(json_t *fields);
/* Polls runs.get on the run until it is SUCCEEDED/FAILED/CANCELLED (fails after 90 s). */
json_t *gt_wait_final(struct gt *g, const char *run_name);
char *gt_fresh_token(struct gt *g);

int64_t gt_now_ms(void);
const char *gt_rfc3339(int64_t ms, char out[40]);
int64_t gt_parse_time(const char *s);
int64_t gt_parse_ms(json_t *s);
int gt_is_non_ascii(const char *s);
int gt_has_non_ascii_description(json_t *schema);
const char *gt_dump(struct gt *g, json_t *v);
char *gt_schema_body(json_t *fields);

#endif
