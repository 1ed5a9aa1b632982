/* core/collect.h: one refresh's reading of the clouds into a struct snapshot (core/snapshot.h):
 * every list call follows its pages to the end, calls that depend on earlier answers are
 * submitted from the completion of those answers, all on one HTTP client with many calls in
 * flight. A source that cannot be read becomes a gap; everything else is still collected.
 * Incremental: descriptions of finished items that the history database already holds (passed
 * in as `known`) are parsed from there instead of being asked for again. Never touches the
 * database itself (core/ has no SQL) and never holds a secret in what it returns. */
#ifndef CORE_COLLECT_H
#define CORE_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/aws_creds.h"
#include "core/config.h"
#include "core/err.h"
#include "core/gauth.h"
#include "core/http.h"
#include "core/snapshot.h"

/* The kind of a cached description: DynamoDB DescribeExport answers. */
#define COLLECT_KIND_DDB_EXPORT "dynamodb.DescribeExport"

/* The 2xx answer of a describe call for an item that has finished (a DynamoDB export that is
 * COMPLETED or FAILED): it can never change, so the next refresh may read it from history. */
struct collect_cached {
    char *kind; /* COLLECT_KIND_* */
    char *id;   /* the item's id (the export ARN) */
    char *body; /* the answer body, as the service sent it */
};

struct collect_cache {
    struct collect_cached *v;
    size_t n;
};

/* Appends a copy of (kind, id, body[0..len)). -1 (ERR_NOMEM). */
int collect_cache_add(struct collect_cache *c, const char *kind, const char *id, const char *body,
                      size_t len, struct err *e);
void collect_cache_release(struct collect_cache *c);

/* What a collection needs. Strings and objects are borrowed for the duration of collect_run().
 * A part whose credentials are missing (aws_creds / gauth NULL) is not asked: each of its
 * sources becomes a gap carrying aws_err / google_err. Credentials are obtained by the caller
 * BEFORE collect_run (aws_creds_provider_get must not run inside the HTTP client's callbacks). */
struct collect_input {
    const struct config *cfg; /* [general] days, [aws] tables/clusters/rule, [gcp] datasets */
    struct http_client *http;
    int64_t now_ms;

    const struct aws_creds *aws_creds; /* NULL: no AWS sources (aws_err says why) */
    const struct err *aws_err;
    const char *aws_region;
    const char *ddb_endpoint; /* no trailing '/' */
    const char *rds_endpoint;
    const char *events_endpoint;

    struct gauth *gauth; /* NULL: no Google sources (google_err says why) */
    const struct err *google_err;
    const char *gcp_project;
    const char *gcp_location; /* DTS location; NULL: the DTS sources are a config gap */
    const char *dts_endpoint;
    const char *bq_endpoint;

    const struct collect_cache *known; /* finished descriptions from history; may be NULL */
    int page_size;                     /* 0: each service's default page size */
};

struct collect_result {
    struct snapshot snap;
    struct collect_cache fresh; /* finished descriptions read this time, to be stored */
    int calls;                  /* API requests made (pages, describes, gets; not retries) */
    int reused;                 /* descriptions read from `known` instead of asked again */
};

/* Reads every source into out (out is initialised here; release it with
 * collect_result_release() also after a failure). Per-source failures are gaps in out->snap, not
 * errors. Returns -1 only when memory runs out or the input is unusable (ERR_USAGE). */
int collect_run(struct collect_result *out, const struct collect_input *in, struct err *e);

void collect_result_release(struct collect_result *r);

/* The start of the runs window of a collection at now_ms for `days` days: the local midnight
 * `days` days before today's (one spare day, so a run whose UTC run time falls on the day
 * before in the configured zone is still read). */
int64_t collect_window_start(int64_t now_ms, int days);

#endif
