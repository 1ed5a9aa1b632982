/* tui/session.h: what every command that talks to the clouds sets up the same way — the config
 * (and its time zone), the history database, the log file, one HTTP client whose every call is
 * written to the call log (database and log file), the AWS config / credential provider /
 * region, and the Google credentials / project / location. Opening is tolerant: each part that
 * cannot be set up keeps its own error, so `pipetop doctor` can report them all and other
 * commands ask session_require() for the parts they need. A session is used from one thread
 * (the one that drives its HTTP client); it holds secrets only inside the credential providers.
 */
#ifndef TUI_SESSION_H
#define TUI_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/aws_config.h"
#include "core/aws_creds.h"
#include "core/config.h"
#include "core/err.h"
#include "core/gauth.h"
#include "core/http.h"
#include "core/log.h"
#include "state/db.h"

struct session_options {
    struct config_overrides ov; /* --config, --db, --read-only */
    long connect_timeout_ms;    /* HTTP connect timeout; 0 = the engine's default */
    long timeout_ms;            /* per attempt; 0 = the engine's default */
    int max_attempts;           /* 0 = the engine's default */
    /* When the config cannot be loaded, go on with the environment and the defaults (the
     * config's error stays in config_err): `pipetop doctor` checks everything else anyway. */
    bool config_fallback;
};

struct session {
    struct config *cfg;      /* NULL only when config_err is set and there was no fallback */
    struct err config_err;   /* why the config (or its time zone) could not be used */
    char config_path[1024];  /* the config file that was meant ("" when even that is unknown) */
    bool config_is_fallback; /* cfg holds only the environment and defaults */

    struct db *db; /* NULL: db_err */
    struct err db_err;
    struct log *log; /* NULL: log_err */
    struct err log_err;
    struct http_client *http; /* never NULL after session_open */

    struct aws_config *aws;               /* NULL: aws_err */
    struct aws_creds_provider *aws_creds; /* NULL: aws_err */
    struct err aws_err;
    const char *aws_region;        /* NULL when none is configured anywhere */
    const char *aws_region_source; /* "AWS_REGION", "profile prod in ~/.aws/config", ... */

    struct gauth *gauth; /* NULL: google_err */
    struct err google_err;

    int64_t calls_logged;    /* API calls written to the database */
    struct err call_log_err; /* the first failure writing one (the call itself went on) */
};

/* Sets everything up (no network call: credentials are fetched on first use). Returns 0 with
 * *out set even when parts failed (see the *_err members); -1 only when out of memory or when
 * no HTTP client can be made (*out NULL). Free with session_close(). */
int session_open(struct session **out, const struct session_options *opt, struct err *e);

/* Closes the database and log, frees the clients and wipes the credentials. NULL is a no-op. */
void session_close(struct session *s);

enum session_need {
    SESSION_NEED_CONFIG = 1 << 0,
    SESSION_NEED_DB = 1 << 1,
    SESSION_NEED_AWS = 1 << 2,
    SESSION_NEED_GOOGLE = 1 << 3,
};

/* 0 when every part in need (enum session_need bits) is usable, else -1 with the first part's
 * error copied into e (and written to the log file). */
int session_require(struct session *s, unsigned need, struct err *e);

/* The endpoint of an AWS service ("sts", "dynamodb", ...) in the session's region:
 * AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL / the profile, else the config's [aws]
 * endpoint_url, else AWS's own. -1 (ERR_CONFIG) without a region or AWS config. */
int session_aws_endpoint(const struct session *s, const char *service, struct aws_endpoint *out,
                         struct err *e);

/* The Google API endpoints in use (config, PIPETOP_*_ENDPOINT or Google's). Borrowed. */
const char *session_bigquery_endpoint(const struct session *s);
const char *session_dts_endpoint(const struct session *s);

/* The Google project: config [gcp] project, else GOOGLE_CLOUD_PROJECT / GCLOUD_PROJECT, the
 * credentials file's project_id or (after a token was obtained) the metadata server's. source
 * (size n) says which. NULL when none is known. Borrowed. */
const char *session_gcp_project(const struct session *s, char *source, size_t n);

/* The DTS location: config [gcp] location, or NULL. */
const char *session_gcp_location(const struct session *s);

/* Writes an error to the log file (no-op without one): "error: CONTEXT: MESSAGE". */
void session_log_error(struct session *s, const char *context, const struct err *e);

#endif
