/* core/aws_creds.h: AWS credentials and the credential chain in the AWS CLI's order:
 * environment, the profile (keys, or role_arn + source_profile -> STS AssumeRole), then EC2
 * instance metadata (IMDSv2). The part that needs no network (aws_creds_plan) is separate from
 * the part that does (aws_creds_provider, in core/aws_creds_fetch.c). Secrets live only in
 * memory, are never formatted into messages, and are wiped by aws_creds_release(). */
#ifndef CORE_AWS_CREDS_H
#define CORE_AWS_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include "core/aws_config.h"
#include "core/clock.h"
#include "core/err.h"

struct aws_creds {
    char *access_key_id;
    char *secret_access_key; /* secret */
    char *session_token;     /* secret; NULL for long-term keys */
    int64_t expires_ms;      /* 0 = does not expire */
    char source[512];        /* "environment", "shared credentials file ~/.aws/credentials
                                [profile prod]", "EC2 instance metadata (role r)", ... */
};

#define AWS_CREDS_INIT                                                                             \
    {                                                                                              \
        NULL, NULL, NULL, 0,                                                                       \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/* Sets all fields (copies; token may be NULL or ""). Returns 0 or -1 (ERR_NOMEM). */
int aws_creds_set(struct aws_creds *c, const char *access_key_id, const char *secret,
                  const char *token, int64_t expires_ms, const char *source, struct err *e);
int aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src, struct err *e);
/* Wipes the secrets (OPENSSL_cleanse) and frees; the struct is AWS_CREDS_INIT afterwards. */
void aws_creds_release(struct aws_creds *c);
/* Whether c is missing or expires within margin_ms of now_ms. */
int aws_creds_expiring(const struct aws_creds *c, int64_t now_ms, int64_t margin_ms);

#define AWS_ROLE_CHAIN_MAX 4

struct aws_role {
    char *role_arn;
    char *session_name; /* NULL = "pipetop-<time>" */
    char *external_id;  /* may be NULL */
    long duration_s;    /* 0 = the service default (1 h) */
    char *profile;      /* the profile that names the role */
};

enum aws_creds_next {
    AWS_CREDS_READY,       /* base holds the credentials */
    AWS_CREDS_ASSUME_ROLE, /* base holds the source credentials; assume roles[0..n) in order */
    AWS_CREDS_IMDS,        /* fetch from instance metadata, then assume roles[0..n) if any */
};

struct aws_creds_plan {
    enum aws_creds_next next;
    struct aws_creds base;
    struct aws_role roles[AWS_ROLE_CHAIN_MAX];
    size_t n_roles;
    char tried[512]; /* the sources looked at, for "no credentials" messages */
};

/* The chain without the network: environment (skipped when options->profile was given), then
 * the profile in cfg. Returns 0 with plan filled, or -1 with e set: ERR_CONFIG for a broken
 * profile ("[prod] in ~/.aws/credentials has aws_access_key_id but no aws_secret_access_key",
 * role_arn without a source, an unsupported credential method), ERR_AUTH when nothing is
 * found and instance metadata is disabled. Release with aws_creds_plan_release(). */
int aws_creds_plan(struct aws_creds_plan *plan, const struct aws_config *cfg, int skip_env,
                   struct err *e);
void aws_creds_plan_release(struct aws_creds_plan *plan);

/* IMDS base URL: AWS_EC2_METADATA_SERVICE_ENDPOINT, the IPv6 address when
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6, else http://169.254.169.254 (no trailing '/'). */
void aws_imds_endpoint(char *out, size_t n);
/* Whether AWS_EC2_METADATA_DISABLED=true. */
int aws_imds_disabled(void);
/* Parses the credentials document of /latest/meta-data/iam/security-credentials/ROLE.
 * Returns 0, or -1 (ERR_PARSE for a malformed document, ERR_AUTH when Code is not Success). */
int aws_imds_parse_credentials(struct aws_creds *out, const char *json, size_t len,
                               const char *role, struct err *e);

struct http_client;
struct aws_creds_provider;

/* Fetches credentials from EC2 instance metadata with IMDSv2 (PUT token, GET role name, GET
 * credentials), short timeouts. Returns 0, or -1 with e set (ERR_NETWORK when the service is not
 * reachable, ERR_AUTH when no role is attached). core/aws_creds_fetch.c; needs core/http. */
int aws_imds_fetch(struct http_client *http, struct aws_creds *out, struct err *e);

/* A credential cache over the whole chain: resolves on first use and again when the
 * credentials are within 10 minutes of expiring (assumed roles, IMDS). cfg, http and clock are
 * borrowed (clock NULL = system clock). skip_env as for aws_creds_plan. */
int aws_creds_provider_new(struct aws_creds_provider **out, const struct aws_config *cfg,
                           int skip_env, struct http_client *http, const struct clock *clock,
                           struct err *e);
void aws_creds_provider_free(struct aws_creds_provider *p);

/* Current credentials, refreshed first when needed (this may make network calls: call it
 * before submitting requests, never from inside an http callback). *out is borrowed until the
 * next call. When a refresh fails but the old credentials have not expired yet, they are
 * returned. Returns 0, or -1 with e set. */
int aws_creds_provider_get(struct aws_creds_provider *p, const struct aws_creds **out,
                           struct err *e);

#endif
