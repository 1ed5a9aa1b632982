/* core/collect_int.h: what the collector's files share (core/collect.c, collect_aws.c,
 * collect_gcp.c) and nobody else sees: the state of one collection while its calls are in
 * flight. Callbacks run on the thread that drives http_run; they may submit, never run. */
#ifndef CORE_COLLECT_INT_H
#define CORE_COLLECT_INT_H

#include "core/aws_sign.h"
#include "core/collect.h"
#include "core/pager.h"

struct coll {
    const struct collect_input *in;
    struct collect_result *out;
    struct aws_signer sign_ddb, sign_rds, sign_events;
    const struct collect_cached **known; /* in->known sorted by (kind, id) */
    size_t n_known;
    struct err fatal; /* out of memory while collecting: the whole collection fails */
};

/* Records a gap "what: the error" (what is printf-style). Out of memory goes to c->fatal. */
void coll_gap(struct coll *c, const struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records an out-of-memory (or other fatal) error; the first one wins. */
void coll_fatal(struct coll *c, const struct err *e);

/* Starts a pager (spec->done is required); when it cannot start, spec->done is called at once
 * with the error, so the done callback is the one place that records gaps and frees. */
void coll_pager(struct coll *c, const struct pager_spec *spec);
/* Counts the calls of a finished list: its pages, and the failed one. */
void coll_pages_done(struct coll *c, int pages, const struct err *e);

/* Submits req with done and counts the call. When it cannot be submitted (req is released,
 * done is not called) the gap is recorded under what and -1 returned: the caller frees ctx. */
int coll_submit(struct coll *c, struct http_request *req, http_done_fn done, void *ctx,
                const char *what_fmt, ...) __attribute__((format(printf, 5, 6)));

/* The finished description of (kind, id) from history, or NULL. Borrowed. */
const struct collect_cached *coll_known(const struct coll *c, const char *kind, const char *id);

/* The error of a finished call: the service's own error reader for an HTTP answer (with the
 * attempts it took), else the engine's transport error. */
typedef int (*coll_error_fn)(struct err *e, const char *operation, long status,
                             const struct http_headers *h, const char *body, size_t len);
void coll_call_error(struct err *out, coll_error_fn reader, const struct http_request *req,
                     const struct http_response *resp, const struct err *call_err);

/* Whether name is in the list (or the list is empty: everything is wanted). */
int coll_wanted(const struct config_list *l, const char *name);

/* The sources of each cloud (core/collect_aws.c, collect_ddb.c, collect_gcp.c). */
void coll_start_aws(struct coll *c);
void coll_start_ddb(struct coll *c);
void coll_start_gcp(struct coll *c);
/* After http_run: filters, sorts and compacts what arrived. */
void coll_finish_aws(struct coll *c);
void coll_finish_ddb(struct coll *c);
void coll_finish_gcp(struct coll *c);

#endif
