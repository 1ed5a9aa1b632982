/* core/aws_creds.c: credential values, and the network-free part of the AWS credential chain
 * (environment, then the profile's keys or its role settings). Never copies a secret into an
 * error message or a source description, and wipes every secret it frees. */
#include "core/aws_creds.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/crypto.h"
#include "core/timeutil.h"

static char *dup_or_null(const char *s, int *oom)
{
    char *r;

    if (s == NULL || *s == '\0')
        return NULL;
    r = strdup(s);
    if (r == NULL)
        *oom = 1;
    return r;
}

int aws_creds_set(struct aws_creds *c, const char *access_key_id, const char *secret,
                  const char *token, int64_t expires_ms, const char *source, struct err *e)
{
    int oom = 0;

    aws_creds_release(c);
    c->access_key_id = dup_or_null(access_key_id, &oom);
    c->secret_access_key = dup_or_null(secret, &oom);
    c->session_token = dup_or_null(token, &oom);
    c->expires_ms = expires_ms;
    snprintf(c->source, sizeof(c->source), "%s", source ? source : "");
    if (oom) {
        aws_creds_release(c);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    return 0;
}

int aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src, struct err *e)
{
    if (dst == src)
        return 0;
    return aws_creds_set(dst, src->access_key_id, src->secret_access_key, src->session_token,
                         src->expires_ms, src->source, e);
}

void aws_creds_release(struct aws_creds *c)
{
    if (c == NULL)
        return;
    free(c->access_key_id);
    crypto_free_secret(c->secret_access_key);
    crypto_free_secret(c->session_token);
    c->access_key_id = c->secret_access_key = c->session_token = NULL;
    c->expires_ms = 0;
    c->source[0] = '\0';
}

int aws_creds_expiring(const struct aws_creds *c, int64_t now_ms, int64_t margin_ms)
{
    if (c == NULL || c->access_key_id == NULL || c->secret_access_key == NULL)
        return 1;
    return c->expires_ms != 0 && c->expires_ms - margin_ms <= now_ms;
}

static void role_release(struct aws_role *r)
{
    free(r->role_arn);
    free(r->session_name);
    free(r->external_id);
    free(r->profile);
    memset(r, 0, sizeof(*r));
}

void aws_creds_plan_release(struct aws_creds_plan *plan)
{
    if (plan == NULL)
        return;
    aws_creds_release(&plan->base);
    for (size_t i = 0; i < plan->n_roles; i++)
        role_release(&plan->roles[i]);
    plan->n_roles = 0;
}

static void tried(struct aws_creds_plan *p, const char *what)
{
    size_t l = strlen(p->tried);
    snprintf(p->tried + l, sizeof(p->tried) - l, "%s%s", l ? "; " : "", what);
}

/* Step 1: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. 1 = found. */
static int from_env(struct aws_creds *out, struct err *e)
{
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    const char *tok = getenv("AWS_SESSION_TOKEN"), *exp = getenv("AWS_CREDENTIAL_EXPIRATION");
    int64_t exp_ms = 0;

    ak = ak && *ak ? ak : NULL;
    sk = sk && *sk ? sk : NULL;
    if (!ak && !sk)
        return 0;
    if (!ak || !sk)
        return err_set(e, ERR_CONFIG,
                       "%s is set in the environment but %s is not; set both, or unset it to "
                       "use a profile",
                       ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                       ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    if (tok == NULL || !*tok)
        tok = getenv("AWS_SECURITY_TOKEN");
    if (exp && *exp && time_parse_rfc3339(exp, &exp_ms, e)) {
        err_prefix(e, "AWS_CREDENTIAL_EXPIRATION: ");
        return -1;
    }
    if (aws_creds_set(out, ak, sk, tok, exp_ms, "environment", e))
        return -1;
    return 1;
}

/* "[prod] in ~/.aws/credentials" or "[profile prod] in ~/.aws/config". */
static void section_name(char *out, size_t n, const struct aws_config *cfg, const char *profile,
                         const char *where)
{
    int conf = where && strcmp(where, "config file") == 0;

    snprintf(out, n, "[%s%s] in %s", conf && strcmp(profile, "default") ? "profile " : "", profile,
             conf ? aws_config_config_path(cfg) : aws_config_credentials_path(cfg));
}

/* The profile's own keys. 1 = found, 0 = none, -1 = half a key pair. */
static int from_profile_keys(struct aws_creds *out, const struct aws_config *cfg,
                             const char *profile, struct err *e)
{
    const char *wa = NULL, *ws = NULL, *wt = NULL;
    const char *ak = aws_config_get(cfg, profile, "aws_access_key_id", &wa);
    const char *sk = aws_config_get(cfg, profile, "aws_secret_access_key", &ws);
    const char *tok = aws_config_get(cfg, profile, "aws_session_token", &wt);
    char sect[700], src[800];

    ak = ak && *ak ? ak : NULL;
    sk = sk && *sk ? sk : NULL;
    if (!ak && !sk)
        return 0;
    if (!ak || !sk || strcmp(wa, ws) != 0) {
        int have_ak = ak && (!sk || strcmp(wa, "shared credentials file") == 0);
        section_name(sect, sizeof(sect), cfg, profile, have_ak ? wa : ws);
        return err_set(e, ERR_CONFIG, "%s has %s but no %s; add the missing line", sect,
                       have_ak ? "aws_access_key_id" : "aws_secret_access_key",
                       have_ak ? "aws_secret_access_key" : "aws_access_key_id");
    }
    if (tok == NULL || !*tok)
        tok = aws_config_get(cfg, profile, "aws_security_token", &wt);
    snprintf(src, sizeof(src), "%s %s [profile %s]", wa,
             strcmp(wa, "config file") == 0 ? aws_config_config_path(cfg)
                                            : aws_config_credentials_path(cfg),
             profile);
    if (aws_creds_set(out, ak, sk, tok, 0, src, e))
        return -1;
    return 1;
}

static int unsupported(const struct aws_config *cfg, const char *profile, struct err *e)
{
    static const char *const keys[] = {"credential_process", "sso_session", "sso_start_url",
                                       "web_identity_token_file", "mfa_serial"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (aws_config_get(cfg, profile, keys[i], NULL))
            return err_set(e, ERR_CONFIG,
                           "profile %s uses %s, which pipetop does not support; use access "
                           "keys, role_arn with source_profile, or environment variables",
                           profile, keys[i]);
    return 0;
}

static int add_role(struct aws_creds_plan *plan, const struct aws_config *cfg, const char *profile,
                    const char *arn, struct err *e)
{
    struct aws_role *r = &plan->roles[plan->n_roles];
    const char *dur = aws_config_get(cfg, profile, "duration_seconds", NULL);
    int oom = 0;
    char *end = NULL;

    memset(r, 0, sizeof(*r));
    r->role_arn = dup_or_null(arn, &oom);
    r->session_name = dup_or_null(aws_config_get(cfg, profile, "role_session_name", NULL), &oom);
    r->external_id = dup_or_null(aws_config_get(cfg, profile, "external_id", NULL), &oom);
    r->profile = dup_or_null(profile, &oom);
    plan->n_roles++;
    if (oom)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (dur && *dur) {
        r->duration_s = strtol(dur, &end, 10);
        if (*end || r->duration_s < 900 || r->duration_s > 43200)
            return err_set(e, ERR_CONFIG,
                           "profile %s: duration_seconds \"%s\" is not a number of seconds "
                           "between 900 and 43200",
                           profile, dur);
    }
    return 0;
}

/* The source of a role profile's credentials. 1 = found. */
static int resolve(struct aws_creds_plan *plan, const struct aws_config *cfg, const char *profile,
                   int depth, struct err *e);

static int role_source(struct aws_creds_plan *plan, const struct aws_config *cfg,
                       const char *profile, int depth, struct err *e)
{
    const char *src = aws_config_get(cfg, profile, "source_profile", NULL);
    const char *cs = aws_config_get(cfg, profile, "credential_source", NULL);
    int r;

    if (src && *src && cs && *cs)
        return err_set(e, ERR_CONFIG,
                       "profile %s sets both source_profile and credential_source; keep one",
                       profile);
    if (src && *src) {
        if (!aws_config_has_profile(cfg, src))
            return err_set(e, ERR_CONFIG, "profile %s: source_profile \"%s\" is not in %s or %s",
                           profile, src, aws_config_credentials_path(cfg),
                           aws_config_config_path(cfg));
        r = strcmp(src, profile) == 0 ? from_profile_keys(&plan->base, cfg, src, e)
                                      : resolve(plan, cfg, src, depth + 1, e);
        if (r == 0)
            return err_set(e, ERR_CONFIG,
                           "profile %s: its source_profile %s has no credentials (no "
                           "aws_access_key_id / aws_secret_access_key, no role_arn)",
                           profile, src);
        return r;
    }
    if (cs && strcasecmp(cs, "Environment") == 0) {
        r = from_env(&plan->base, e);
        if (r == 0)
            return err_set(e, ERR_CONFIG,
                           "profile %s: credential_source = Environment but "
                           "AWS_ACCESS_KEY_ID is not set",
                           profile);
        return r;
    }
    if (cs && strcasecmp(cs, "Ec2InstanceMetadata") == 0) {
        plan->next = AWS_CREDS_IMDS;
        return 1;
    }
    if (cs && *cs)
        return err_set(e, ERR_CONFIG,
                       "profile %s: credential_source \"%s\" is not supported (use Environment "
                       "or Ec2InstanceMetadata, or source_profile)",
                       profile, cs);
    return err_set(e, ERR_CONFIG,
                   "profile %s has role_arn but neither source_profile nor credential_source; "
                   "add source_profile = <profile with keys>",
                   profile);
}

static int resolve(struct aws_creds_plan *plan, const struct aws_config *cfg, const char *profile,
                   int depth, struct err *e)
{
    const char *arn = aws_config_get(cfg, profile, "role_arn", NULL);
    int r;

    if (depth >= AWS_ROLE_CHAIN_MAX)
        return err_set(e, ERR_CONFIG,
                       "profile %s: role_arn/source_profile chain is longer than %d profiles "
                       "(a loop?)",
                       profile, AWS_ROLE_CHAIN_MAX);
    if (arn == NULL || !*arn) {
        r = from_profile_keys(&plan->base, cfg, profile, e);
        if (r == 0 && unsupported(cfg, profile, e))
            return -1;
        return r;
    }
    if (unsupported(cfg, profile, e) || role_source(plan, cfg, profile, depth, e) < 0)
        return -1;
    if (add_role(plan, cfg, profile, arn, e))
        return -1;
    if (plan->next == AWS_CREDS_READY)
        plan->next = AWS_CREDS_ASSUME_ROLE;
    return 1;
}

int aws_creds_plan(struct aws_creds_plan *plan, const struct aws_config *cfg, int skip_env,
                   struct err *e)
{
    const char *profile = aws_config_profile(cfg);
    char what[1200];
    int r;

    memset(plan, 0, sizeof(*plan));
    plan->next = AWS_CREDS_READY;
    if (!skip_env) {
        r = from_env(&plan->base, e);
        if (r != 0)
            return r < 0 ? -1 : 0;
        tried(plan, "environment (AWS_ACCESS_KEY_ID not set)");
    }
    r = resolve(plan, cfg, profile, 0, e);
    if (r < 0) {
        aws_creds_plan_release(plan);
        return -1;
    }
    if (r > 0)
        return 0;
    snprintf(what, sizeof(what), "profile %s in %s and %s (no keys)", profile,
             aws_config_credentials_path(cfg), aws_config_config_path(cfg));
    tried(plan, what);
    if (aws_imds_disabled()) {
        tried(plan, "EC2 instance metadata (AWS_EC2_METADATA_DISABLED=true)");
        return err_set(e, ERR_AUTH,
                       "no AWS credentials found: tried %s. Set AWS_ACCESS_KEY_ID and "
                       "AWS_SECRET_ACCESS_KEY, or add keys to profile %s (aws configure)",
                       plan->tried, profile);
    }
    plan->next = AWS_CREDS_IMDS;
    return 0;
}

void aws_imds_endpoint(char *out, size_t n)
{
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    size_t l;

    if (ep && *ep)
        snprintf(out, n, "%s", ep);
    else if (mode && strcasecmp(mode, "IPv6") == 0)
        snprintf(out, n, "http://[fd00:ec2::254]");
    else
        snprintf(out, n, "http://169.254.169.254");
    l = strlen(out);
    while (l > 0 && out[l - 1] == '/')
        out[--l] = '\0';
}

int aws_imds_disabled(void)
{
    const char *v = getenv("AWS_EC2_METADATA_DISABLED");
    return v && strcasecmp(v, "true") == 0;
}

int aws_imds_parse_credentials(struct aws_creds *out, const char *json, size_t len,
                               const char *role, struct err *e)
{
    json_error_t jerr;
    json_t *j = json_loadb(json, len, 0, &jerr);
    const char *code, *ak, *sk, *tok, *exp;
    int64_t exp_ms = 0;
    char src[600];
    int rc = -1;

    if (j == NULL || !json_is_object(j)) {
        /* jerr.text may quote the document, which holds secrets: give the position only */
        err_set(e, ERR_PARSE,
                "EC2 instance metadata: credentials for role %s are not a JSON object (line "
                "%d column %d)",
                role, j ? 0 : jerr.line, j ? 0 : jerr.column);
        goto out;
    }
    code = json_string_value(json_object_get(j, "Code"));
    if (code && strcmp(code, "Success") != 0) {
        err_set(e, ERR_AUTH, "EC2 instance metadata: credentials for role %s: Code %s (%s)", role,
                code,
                json_string_value(json_object_get(j, "Message"))
                    ? json_string_value(json_object_get(j, "Message"))
                    : "no message");
        goto out;
    }
    ak = json_string_value(json_object_get(j, "AccessKeyId"));
    sk = json_string_value(json_object_get(j, "SecretAccessKey"));
    tok = json_string_value(json_object_get(j, "Token"));
    exp = json_string_value(json_object_get(j, "Expiration"));
    if (!ak || !sk || !*ak || !*sk) {
        err_set(e, ERR_PARSE,
                "EC2 instance metadata: credentials for role %s lack AccessKeyId or "
                "SecretAccessKey",
                role);
        goto out;
    }
    if (exp && time_parse_rfc3339(exp, &exp_ms, e)) {
        err_prefix(e, "EC2 instance metadata Expiration: ");
        goto out;
    }
    snprintf(src, sizeof(src), "EC2 instance metadata (role %s)", role);
    rc = aws_creds_set(out, ak, sk, tok, exp_ms, src, e);
out:
    json_decref(j);
    return rc;
}
