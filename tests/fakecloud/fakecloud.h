/* tests/fakecloud/fakecloud.h: the fake cloud — one loopback HTTP server (libmicrohttpd) that
 * answers in the real wire formats of STS, RDS, DynamoDB, S3, Lambda, EventBridge, DTS, BigQuery
 * and OAuth2, logs every request to calls.jsonl and injects faults. Test support only: it must
 * never listen beyond 127.0.0.1.
 *
 * Adding a service operation (the handler API):
 *   1. write `int my_handler(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)`
 *      in its own file (tests/fakecloud/<service>.c); it fills r with fc_respond*(), returns 0
 *      (or -1: the server answers 500 in the service's error shape);
 *   2. add one line to fc_routes[] in routes.c: {"dynamodb", "ListExports", NULL, handler, 0}.
 *      For X-Amz-Target services (dynamodb, events) and Query services (sts, rds) `match` is the
 *      operation name; for REST services (s3, lambda, bigquery, dts, oauth2, fake) it is
 *      "METHOD /path/pattern": METHOD may be "*", each pattern segment is an fnmatch(3) glob
 *      ("*", "*:startManualRuns") and a final "**" matches one or more remaining segments; then
 *      `operation` names the operation for the call log ("tables.get").
 *   3. state that lives across requests (the scenario's world) is set up by an fc_modules[]
 *      entry's init() (routes.c) and kept in fc->world; handlers run concurrently on many threads:
 *      hold fc->world_lock while touching it.
 * Faults (faults.c) are applied before the handler runs, so every route gets them for free.
 * The scenario world (accounts, tables, exports, runs, objects) is tests/fakecloud/world.h,
 * module index FW_MODULE_INDEX; AWS handlers start with aws_begin() (aws.h), which locks the
 * world, ticks it and verifies the SigV4 signature. */
#ifndef TESTS_FAKECLOUD_FAKECLOUD_H
#define TESTS_FAKECLOUD_FAKECLOUD_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FC_MAX_SERVICES 16
#define FC_MAX_RESP_HEADERS 16
#define FC_MAX_BODY ((size_t)32 << 20)

/* Fault knobs, global or for one service (scenario "faults" object or POST /_fake/faults). */
struct fc_faults {
    long latency_ms;      /* added to every answer (not counted as a fault) */
    double throttle_rate; /* 0..1: the protocol's own throttling answer */
    double error_5xx_rate;
    double reset_rate;    /* close the connection with a TCP reset, no answer */
    double truncate_rate; /* Content-Length larger than the body sent, then close */
    long stall_ms;        /* hold the answer this long (counted as a fault): every request, or
                           * only a stall_rate share of them when stall_rate > 0 */
    double stall_rate;    /* 0..1; 0 with stall_ms > 0 = every request stalls */
    long retry_after_s;   /* Retry-After on throttling and 503 answers; 0 = no header */
    long max_faults;      /* stop injecting after this many faults; 0 = no limit */
    long faults_done;
};

struct fc_scenario {
    char *aws_access_key_id;
    char *aws_secret_access_key;
    char *aws_session_token; /* NULL when none */
    char *aws_region;
    char *aws_account_id;
    char *gcp_project;
    char *gcp_location;
    json_t *root; /* the whole scenario document, for the service modules' own sections */
};

struct fakecloud {
    struct fc_scenario scen;
    char workdir[1024];
    unsigned short port;
    unsigned int seed;
    char *tls_cert;      /* PEM (--tls-cert): serve https:// instead of http:// */
    char *tls_key;       /* PEM (--tls-key) */
    long clock_offset_s; /* --clock-offset-s: overrides the scenario's clock_offset_s */
    int has_clock_offset;
    long page_size; /* --page-size: overrides the scenario's page_size */
    int has_page_size;

    pthread_mutex_t lock; /* faults, rng, counters, calls file */
    struct fc_faults global;
    char svc_name[FC_MAX_SERVICES][64]; /* "SERVICE" or "SERVICE:OPERATION" */
    struct fc_faults svc[FC_MAX_SERVICES];
    int n_svc;
    uint64_t rng;
    FILE *calls; /* DIR/calls.jsonl */
    long n_calls;
    int active, peak_active; /* requests being handled now / at most at once */

    pthread_mutex_t world_lock; /* held by handlers touching world */
    void *world[8];             /* per-module state (fc_modules[] index) */
    void *daemon;               /* struct MHD_Daemon */
};

/* One request as a handler sees it. Strings are borrowed for the call. */
struct fc_request {
    struct fakecloud *fc;
    const char *method;
    const char *path;    /* decoded path, no query */
    const char *query;   /* raw query string without '?', "" when none */
    const char *raw_uri; /* the request target exactly as sent (path still percent-encoded) */
    const char *body;    /* NUL-terminated; body_len bytes */
    size_t body_len;
    const char *service;   /* as routed: "dynamodb", "s3", "fake", ... */
    const char *operation; /* as routed */
    void *conn;            /* struct MHD_Connection */
};

struct fc_response {
    int status;
    char *body; /* malloc'd, freed by the server */
    size_t len;
    size_t generated; /* when body is NULL: this many bytes of 'x' streamed (big answers) */
    char content_type[96];
    char *hdr_name[FC_MAX_RESP_HEADERS];
    char *hdr_value[FC_MAX_RESP_HEADERS];
    int n_hdr;
    int reset;         /* fault: close with RST, answer nothing */
    int truncate;      /* fault: announce len, send half, close */
    const char *fault; /* for calls.jsonl: "throttle", "5xx", ... or NULL */
};

typedef int (*fc_handler_fn)(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);

struct fc_route {
    const char *service;
    const char *match;
    const char *operation; /* NULL: the operation is the match itself (target/query services) */
    fc_handler_fn handler;
    int flags; /* FC_NO_FAULTS: never fault-injected (control endpoints) */
};
#define FC_NO_FAULTS 1

/* Per-service state: init() after the scenario is loaded (fc->world[i]), fini() at exit. */
struct fc_module {
    const char *name;
    int (*init)(struct fakecloud *fc, void **world);
    void (*fini)(struct fakecloud *fc, void *world);
};

extern const struct fc_route fc_routes[];
extern const size_t fc_n_routes;
extern const struct fc_module fc_modules[];
extern const size_t fc_n_modules;

/* routes.c: service/operation of a request; the route to run (NULL: unknown operation). */
const struct fc_route *fc_route_find(struct fc_request *req, char *op, size_t op_size);
/* Answers an unknown operation the way the service would. */
void fc_route_unknown(struct fc_request *req, struct fc_response *r);

/* Request helpers (server.c). Returned strings are borrowed, or malloc'd where noted. */
const char *fc_header(const struct fc_request *req, const char *name);
const char *fc_query_param(const struct fc_request *req, const char *name);
/* A field of an application/x-www-form-urlencoded body, decoded; malloc'd (free it) or NULL. */
char *fc_form_param(const struct fc_request *req, const char *name);
/* The body parsed as JSON (json_decref it), or NULL when it is empty or not JSON. */
json_t *fc_request_json(const struct fc_request *req);

/* respond.c: fill a response. Each returns 0, or -1 when memory runs out. */
int fc_respond(struct fc_response *r, int status, const char *content_type, const char *body,
               size_t len);
int fc_respond_json(struct fc_response *r, int status, json_t *doc); /* takes doc */
int fc_respond_header(struct fc_response *r, const char *name, const char *value);
/* An error in the service's own shape: JSON __type (dynamodb, events), XML ErrorResponse (sts,
 * rds), S3 <Error>, Lambda X-Amzn-ErrorType, Google {"error":{code,message,status}}, OAuth2
 * {"error","error_description"}. code is the service's code ("ThrottlingException",
 * "RESOURCE_EXHAUSTED"). */
int fc_respond_error(struct fc_response *r, const char *service, int status, const char *code,
                     const char *message);
void fc_response_release(struct fc_response *r);

/* faults.c */
int fc_faults_load(struct fakecloud *fc, json_t *faults, char *errbuf, size_t errlen);
/* Decides and applies faults for one request: may sleep (latency, stall), may fill r with a
 * throttle/5xx answer or mark it reset/truncate. Returns 1 when r is the answer, else 0. */
int fc_faults_apply(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
json_t *fc_faults_json(struct fakecloud *fc);
/* Sleeps ms in short slices, returning early when the server stops. */
void fc_sleep_ms(long ms);
extern volatile int fc_stopping;

/* control.c: the /_fake/... endpoints (health, faults, calls, stats, echo, big, status). */
int fc_control_health(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_control_faults(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_control_calls(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_control_stats(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_control_echo(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_control_big(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_control_status(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);

/* scenario.c */
int fc_scenario_load(struct fc_scenario *s, const char *path, char *errbuf, size_t errlen);
void fc_scenario_release(struct fc_scenario *s);

/* server.c */
int fc_server_start(struct fakecloud *fc, unsigned short port, char *errbuf, size_t errlen);
void fc_server_stop(struct fakecloud *fc);

/* datehdr.c: "Sun, 06 Nov 1994 08:49:37 GMT" of the fake's clock (real + clock offset). */
void fc_http_date(struct fakecloud *fc, char *out, size_t n);

/* env.c: DIR/env.sh — the export lines pointing a client at this server. */
int fc_env_write(const struct fakecloud *fc, const char *path);
void fc_env_lines(const struct fakecloud *fc, FILE *f);

#endif
