/* core/gauth.h: Google Application Default Credentials as the client libraries find them
 * (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, the metadata server), OAuth 2 access tokens
 * obtained with the jwt-bearer or refresh-token grant, cached in memory and renewed before expiry,
 * and an http_prepare_fn that puts them on Google calls. Secrets (private key, client secret,
 * refresh token, access tokens, assertions) never reach error text or logs and are wiped on
 * release. */
#ifndef CORE_GAUTH_H
#define CORE_GAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/http.h"
#include "core/jwt.h"

#define GAUTH_GOOGLE_TOKEN_URI "https://oauth2.googleapis.com/token"
#define GAUTH_DEFAULT_SCOPES "https://www.googleapis.com/auth/cloud-platform"
#define GAUTH_METADATA_DEFAULT_HOST "metadata.google.internal"
/* A token is renewed this long before it expires. */
#define GAUTH_REFRESH_MARGIN_MS (5 * 60 * 1000)

enum gauth_kind {
    GAUTH_SERVICE_ACCOUNT, /* key file, jwt-bearer grant */
    GAUTH_AUTHORIZED_USER, /* gcloud user credentials, refresh-token grant */
    GAUTH_METADATA         /* GCE/GKE/Cloud Run metadata server */
};

/* Where credentials come from, parsed. Strings are owned; secrets are wiped by release. */
struct gauth_cred {
    enum gauth_kind kind;
    char *file;         /* the JSON file (NULL for the metadata server) */
    int from_gcloud;    /* found as gcloud's application_default_credentials.json */
    unsigned int mode;  /* permission bits of file (0 for the metadata server) */
    char *project_id;   /* key file's project_id (may be NULL) */
    char *token_uri;    /* where the grant is POSTed (never NULL for the two file kinds) */
    char *client_email; /* service_account */
    char *private_key_id;
    struct jwt_key *key; /* loaded from private_key; the PEM text itself is not kept */
    char *client_id;     /* authorized_user */
    char *client_secret;
    char *refresh_token;
    char *quota_project_id; /* sent as x-goog-user-project on API calls */
    char *metadata_host;    /* GAUTH_METADATA: host[:port] */
};

/* Reads a credential JSON file (service_account or authorized_user). Other types, missing
 * members, non-JSON and unreadable files fail with ERR_CONFIG / ERR_IO naming the file and the
 * member. A service-account private_key that is not an RSA PEM key fails here, not later. */
int gauth_cred_load_file(struct gauth_cred *c, const char *path, struct err *e);

/* Finds credentials in the client libraries' order: $GOOGLE_APPLICATION_CREDENTIALS (must exist
 * when set), $CLOUDSDK_CONFIG/application_default_credentials.json or
 * ~/.config/gcloud/application_default_credentials.json, else the metadata server
 * ($GCE_METADATA_HOST, default metadata.google.internal) — which is not contacted here; the
 * first token fetch probes it. */
int gauth_cred_discover(struct gauth_cred *c, struct err *e);

/* "service account key FILE (client_email)", "authorized_user FILE", "gcloud ADC FILE",
 * "metadata server HOST" into out (size n). Returns out. */
const char *gauth_cred_describe(const struct gauth_cred *c, char *out, size_t n);

/* A warning when the file holding secrets is readable or writable by group/others (as ssh
 * warns about keys): "... is readable by others (mode 0644); run `chmod 600 FILE`" into out,
 * or NULL when there is nothing to say. */
const char *gauth_cred_warning(const struct gauth_cred *c, char *out, size_t n);

/* The audience of the service-account assertion: Google's token endpoint for Google token URIs
 * (google-auth hard-codes it), else the key's own token_uri (see gauth_file.c). Borrowed. */
const char *gauth_cred_audience(const struct gauth_cred *c);

/* Wipes secrets and frees everything; c can be loaded again. */
void gauth_cred_release(struct gauth_cred *c);

/* An access token and when it stops being valid. */
struct gauth_token {
    char *access_token;    /* secret; NULL when none */
    int64_t expires_at_ms; /* wall-clock ms */
};

/* Parses a successful token answer {"access_token","expires_in" (number or string),
 * "token_type":"Bearer"} received at now_ms. -1 with ERR_PARSE naming `who` otherwise. */
int gauth_token_parse(struct gauth_token *t, const char *body, size_t len, int64_t now_ms,
                      const char *who, struct err *e);

/* True when t holds a token that is still good for at least GAUTH_REFRESH_MARGIN_MS. */
int gauth_token_fresh(const struct gauth_token *t, int64_t now_ms);

/* Wipes and frees the token. */
void gauth_token_release(struct gauth_token *t);

/* The jwt-bearer assertion for a service-account cred at now_ms: kid = private_key_id, iss =
 * client_email, scope, aud = gauth_cred_audience(), iat = now, exp = iat + 3600. Caller wipes
 * and frees *out. */
int gauth_assertion(char **out, const struct gauth_cred *c, const char *scopes, int64_t now_ms,
                    struct err *e);

/* Turns a refused token request (HTTP status, RFC 6749 §5.2 body) into an error saying what to
 * do. ERR_SERVICE for 5xx and the retryable OAuth errors, ERR_AUTH otherwise. Always -1. */
int gauth_token_error(struct err *e, const struct gauth_cred *c, long status, const char *body,
                      size_t len);

/* --- the credential provider --- */

struct gauth;

struct gauth_options {
    const char *scopes;        /* space-separated; NULL = GAUTH_DEFAULT_SCOPES */
    const struct clock *clock; /* NULL = system clock */
    http_on_call_fn on_call;   /* token calls are reported here too (redacted); may be NULL */
    void *on_call_ctx;
    long metadata_timeout_ms; /* connect+total timeout for the metadata server; 0 = 3000 */
    long timeout_ms;          /* token calls: total per attempt; 0 = the HTTP engine's default */
    long connect_timeout_ms;  /* token calls: connect; 0 = the HTTP engine's default */
    int max_attempts;         /* token calls: attempts; 0 = the HTTP engine's default */
};

/* Takes ownership of cred, also on failure (its fields are moved; the struct is left empty).
 * Creates the small HTTP client gauth uses for token calls. Free with gauth_free(). */
int gauth_new(struct gauth **out, struct gauth_cred *cred, const struct gauth_options *opt,
              struct err *e);

/* gauth_cred_discover() + gauth_new(). */
int gauth_new_default(struct gauth **out, const struct gauth_options *opt, struct err *e);

/* Wipes the cached token and the credentials and frees everything. NULL is a no-op. */
void gauth_free(struct gauth *g);

/* The credentials in use (borrowed). */
const struct gauth_cred *gauth_cred(const struct gauth *g);

/* Project id: $GOOGLE_CLOUD_PROJECT, $GCLOUD_PROJECT, the key file's project_id, or (metadata
 * source, after a token was obtained) the metadata server's project/project-id. NULL if none. */
const char *gauth_project(const struct gauth *g);

/* A valid access token (borrowed until the next gauth call), fetching or renewing it when it is
 * missing or within GAUTH_REFRESH_MARGIN_MS of expiry. Synchronous. */
int gauth_token(struct gauth *g, const char **token, struct err *e);

/* Drops the cached token (after a 401 from an API), so the next call fetches a new one. */
void gauth_invalidate(struct gauth *g);

/* http_prepare_fn: ctx is a struct gauth. Sets "Authorization: Bearer <token>" and, for user
 * credentials with a quota project, "x-goog-user-project". Token calls run on gauth's own HTTP
 * client, never on the client whose call is being prepared, so this is safe inside http_run. */
int gauth_prepare(void *ctx, struct http_request *req, int64_t now_ms, struct err *e);

#endif
