/* core/config.h: pipetop's resolved settings: defaults, then config.ini (via inih), then
 * environment variables, then command-line flags; each value remembers where it came from.
 * The config never holds a secret: keys that look like one are refused at load time. */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/model.h"
#include "core/paths.h"

#define CONFIG_MAX_KEYS 32

enum config_source { CONFIG_SRC_DEFAULT = 0, CONFIG_SRC_FILE, CONFIG_SRC_ENV, CONFIG_SRC_FLAG };

struct config_origin {
    enum config_source source;
    int line;         /* config file line, when source is CONFIG_SRC_FILE */
    const char *name; /* the variable or flag ("PIPETOP_TIMEZONE", "--read-only"); static */
};

struct config_list {
    char **items; /* NULL when empty */
    size_t n;
};

struct config_general {
    char *timezone;             /* IANA name, or "local" (the default) */
    int days;                   /* days the grid shows: 1..90, default 14 */
    int refresh_active_s;       /* poll interval while something runs: >= 10, default 30 */
    int refresh_idle_s;         /* poll interval when all is settled: >= 10, default 300 */
    bool read_only;             /* mutations impossible */
    int stuck_after_min;        /* minutes without progress before STUCK: default 120 */
    int api_log_retention_days; /* API call log kept this long: default 30 */
    int api_log_max_rows;       /* and at most this many rows: default 100000 */
    int max_in_flight;          /* concurrent HTTP requests: 1..64, default 16 */
    int request_timeout_s;      /* one attempt of an API call: 1..600 s, default 60 */
};

struct config_aws {
    char *profile;      /* NULL: the AWS chain decides (AWS_PROFILE, "default") */
    char *region;       /* NULL: AWS_REGION / AWS_DEFAULT_REGION / profile */
    char *endpoint_url; /* NULL: AWS_ENDPOINT_URL* or the real endpoints */
    char *export_rule;  /* EventBridge rule that fires the export Lambda */
    char *export_lambda;
    int export_time_min;                /* minutes after local midnight, or -1 when unset */
    struct config_list dynamodb_tables; /* only these tables, when not empty */
    struct config_list aurora_clusters; /* only these clusters, when not empty */
};

struct config_gcp {
    char *project;
    char *location; /* DTS location: "us", "asia-northeast1", ... */
    struct config_list datasets;
    char *bigquery_endpoint; /* default https://bigquery.googleapis.com */
    char *dts_endpoint;      /* default https://bigquerydatatransfer.googleapis.com */
    char *credentials;       /* a key file's path (never its contents); NULL: ADC */
};

enum export_via { EXPORT_VIA_NATIVE = 0, EXPORT_VIA_LAMBDA };

/* Keys of a [pipeline NAME] section, in the order the origin[] array uses. */
enum config_pipeline_key {
    CONFIG_PK_SOURCE = 0,
    CONFIG_PK_EXPORT_PREFIX,
    CONFIG_PK_TRANSFER_CONFIG,
    CONFIG_PK_QUERY_CONFIG,
    CONFIG_PK_RAW_TABLE,
    CONFIG_PK_TABLE,
    CONFIG_PK_EXPORT_VIA,
    CONFIG_PK_COUNT
};

/* A pinned pipeline: [pipeline NAME]. Strings are NULL when not given. */
struct config_pipeline {
    char *name;
    int line; /* line of the section's first key */
    enum source_kind source_kind;
    char *source;        /* DynamoDB table or Aurora cluster identifier */
    char *source_table;  /* Aurora table after '/', or NULL */
    char *export_bucket; /* from export_prefix s3://BUCKET/PREFIX */
    char *export_prefix; /* PREFIX without leading '/', may be "" */
    char *transfer_config;
    char *query_config;
    char *raw_table; /* [project.]dataset.table */
    char *table;
    enum export_via export_via;
    struct config_origin origin[CONFIG_PK_COUNT];
};

/* What the command line adds on top of file and environment. */
struct config_overrides {
    const char *config_path; /* --config, or NULL */
    const char *db_path;     /* --db, or NULL */
    bool read_only;          /* --read-only given */
};

struct config {
    struct paths paths;
    bool config_exists; /* false: no file at the default path, defaults in use */
    struct config_general general;
    struct config_aws aws;
    struct config_gcp gcp;
    struct config_pipeline *pipelines;
    size_t n_pipelines;
    struct config_origin origin[CONFIG_MAX_KEYS]; /* per [general]/[aws]/[gcp] key, internal */
};

/* Resolves paths, reads the config file if there is one, applies PIPETOP_TIMEZONE,
 * PIPETOP_BIGQUERY_ENDPOINT, PIPETOP_DTS_ENDPOINT and the overrides. Returns -1 with ERR_CONFIG
 * and "FILE:LINE: what is wrong" on any unknown section or key, bad value, secret, or missing
 * --config/PIPETOP_CONFIG file; ERR_IO when the file cannot be read; ERR_NOMEM. *out is NULL on
 * error; the caller frees a loaded config with config_free(). Does not select the time zone:
 * call time_zone_use(cfg->general.timezone, e) afterwards. */
int config_load(struct config **out, const struct config_overrides *ov, struct err *e);

void config_free(struct config *c);

/* The pinned pipeline with that name, or NULL. Borrowed. */
const struct config_pipeline *config_pipeline_find(const struct config *c, const char *name);

/* Called once per setting, in file order of sections: [general], [aws], [gcp], then each
 * [pipeline NAME]. value is NULL when unset (the service chain decides), lists are joined with
 * ",". Returning non-zero from fn stops the walk and config_visit returns that value. */
typedef int (*config_visit_fn)(void *user, const char *section, const char *key, const char *value,
                               const struct config_origin *origin);
int config_visit(const struct config *c, config_visit_fn fn, void *user);

/* Where a [general]/[aws]/[gcp] setting came from, or NULL for an unknown key. Borrowed. */
const struct config_origin *config_origin_of(const struct config *c, const char *section,
                                             const char *key);

/* "default", "file:12", "env PIPETOP_TIMEZONE", "flag --read-only". Returns out. */
char *config_origin_str(const struct config_origin *o, char *out, size_t n);

/* The whole resolved config as JSON text for `pipetop info --json` (core/config_json.c):
 * {"version", "revision", "config": {"path", "exists", "source"}, "database": {"path", "source"},
 *  "log": {"path"}, "settings": {"general"|"aws"|"gcp": {KEY: {"value", "source"}}},
 *  "pipelines": [{"name", "settings": {KEY: {"value", "source"}}}]}; values are strings or null.
 * *out is malloc'd (caller frees). Returns -1 (ERR_NOMEM) when out of memory. */
int config_to_json(const struct config *c, char **out, struct err *e);

/* "native" / "lambda". */
const char *export_via_name(enum export_via v);

#endif
