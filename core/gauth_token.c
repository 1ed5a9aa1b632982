/* core/gauth_token.c: OAuth 2 token answers — the success shape (RFC 6749 §5.1, expires_in as a
 * number or a string) and the error shape (§5.2) turned into messages that say what to do.
 * Never copies an answer body into error text (it may hold a token). */
#include "core/gauth.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

void gauth_token_release(struct gauth_token *t)
{
    if (t->access_token) {
        OPENSSL_cleanse(t->access_token, strlen(t->access_token));
        free(t->access_token);
    }
    t->access_token = NULL;
    t->expires_at_ms = 0;
}

int gauth_token_fresh(const struct gauth_token *t, int64_t now_ms)
{
    return t->access_token && now_ms + GAUTH_REFRESH_MARGIN_MS < t->expires_at_ms;
}

/* expires_in as seconds: a JSON integer, a real, or a decimal string. -1 when unusable. */
static int64_t expires_in_seconds(json_t *v)
{
    const char *s;
    char *end;
    long long n;

    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_real(v))
        return (int64_t)json_real_value(v);
    s = json_string_value(v);
    if (!s || !*s)
        return -1;
    errno = 0;
    n = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    return n;
}

int gauth_token_parse(struct gauth_token *t, const char *body, size_t len, int64_t now_ms,
                      const char *who, struct err *e)
{
    json_t *root = json_loadb(body ? body : "", len, 0, NULL);
    json_t *tok = json_object_get(root, "access_token");
    json_t *exp = json_object_get(root, "expires_in");
    const char *type = json_string_value(json_object_get(root, "token_type"));
    int64_t secs = exp ? expires_in_seconds(exp) : 3600;
    int rc = -1;

    t->access_token = NULL;
    t->expires_at_ms = 0;
    if (!json_is_object(root))
        err_set(e, ERR_PARSE, "the token answer from %s is not a JSON object", who);
    else if (!json_is_string(tok) || json_string_length(tok) == 0)
        err_set(e, ERR_PARSE, "the token answer from %s has no access_token", who);
    else if (type && strcasecmp(type, "Bearer") != 0)
        err_set(e, ERR_PARSE, "the token answer from %s has token_type \"%.32s\", not Bearer", who,
                type);
    else if (secs <= 0 || secs > 366LL * 86400)
        err_set(e, ERR_PARSE, "the token answer from %s has no usable expires_in", who);
    else if (!(t->access_token = strdup(json_string_value(tok))))
        err_set(e, ERR_NOMEM, "token from %s: out of memory", who);
    else {
        t->expires_at_ms = now_ms + secs * 1000;
        rc = 0;
    }
    if (json_is_string(tok))
        OPENSSL_cleanse((char *)json_string_value(tok), json_string_length(tok));
    json_decref(root);
    return rc;
}

static int is_retryable(long status, const char *code)
{
    return status >= 500 || status == 429 ||
           (code && (strcmp(code, "internal_failure") == 0 || strcmp(code, "server_error") == 0 ||
                     strcmp(code, "temporarily_unavailable") == 0));
}

/* What the user can do about an OAuth error code, for this kind of credentials. */
static const char *remedy(const struct gauth_cred *c, const char *code, const char *desc)
{
    int sa = c->kind == GAUTH_SERVICE_ACCOUNT;

    if (strcmp(code, "invalid_grant") == 0) {
        if (!sa)
            return "run `gcloud auth application-default login` again";
        if (desc && (strstr(desc, "short-lived") || strstr(desc, "iat") || strstr(desc, "exp")))
            return "check this machine's clock (the assertion's iat/exp were refused)";
        return "is the key deleted or from another project?";
    }
    if (strcmp(code, "invalid_client") == 0)
        return sa ? "is the service account deleted or disabled, or the key from another "
                    "project?"
                  : "client_id/client_secret are wrong; run `gcloud auth "
                    "application-default login` again";
    if (strcmp(code, "unauthorized_client") == 0)
        return "this client may not use this grant; check the key type and any domain-wide "
               "delegation setup";
    if (strcmp(code, "invalid_scope") == 0)
        return "the requested OAuth scopes are not allowed for these credentials";
    return "check the credentials file";
}

int gauth_token_error(struct err *e, const struct gauth_cred *c, long status, const char *body,
                      size_t len)
{
    json_t *root = json_loadb(body ? body : "", len, 0, NULL);
    const char *code = json_string_value(json_object_get(root, "error"));
    const char *desc = json_string_value(json_object_get(root, "error_description"));
    const char *what = c->kind == GAUTH_SERVICE_ACCOUNT   ? "the service-account key in"
                       : c->kind == GAUTH_AUTHORIZED_USER ? "the refresh token in"
                                                          : "the metadata server";
    const char *where = c->kind == GAUTH_METADATA ? c->metadata_host : c->file;
    const char *uri = c->kind == GAUTH_METADATA ? c->metadata_host : c->token_uri;

    if (c->kind == GAUTH_METADATA) {
        err_set_http(e, is_retryable(status, NULL) ? ERR_SERVICE : ERR_AUTH, status,
                     "metadata server %s refused the token request (HTTP %ld)%s", where, status,
                     status == 404 ? " — is a service account attached to this instance?" : "");
    } else if (is_retryable(status, code)) {
        err_set_http(e, ERR_SERVICE, status,
                     "Google token endpoint %s is unavailable (HTTP %ld%s%.64s%s%.200s); try "
                     "again later",
                     uri, status, code ? ": " : "", code ? code : "", desc ? ": " : "",
                     desc ? desc : "");
    } else if (code) {
        err_set_http(e, ERR_AUTH, status, "Google token endpoint refused %s %s: %.64s%s%.200s — %s",
                     what, where, code, desc ? ": " : "", desc ? desc : "", remedy(c, code, desc));
    } else {
        err_set_http(e, ERR_AUTH, status,
                     "Google token endpoint %s answered HTTP %ld without an OAuth error for %s "
                     "%s — is token_uri right?",
                     uri, status, what, where);
    }
    json_decref(root);
    return -1;
}

int gauth_assertion(char **out, const struct gauth_cred *c, const char *scopes, int64_t now_ms,
                    struct err *e)
{
    struct jwt_claims cl = {0};

    *out = NULL;
    if (c->kind != GAUTH_SERVICE_ACCOUNT || !c->key)
        return err_set(e, ERR_INTERNAL, "a jwt-bearer assertion needs a service-account key");
    cl.iss = c->client_email;
    cl.scope = scopes;
    cl.aud = gauth_cred_audience(c);
    cl.iat = now_ms / 1000;
    cl.exp = cl.iat + 3600;
    if (jwt_google_assertion(out, c->key, c->private_key_id, &cl, e)) {
        err_prefix(e, "signing the assertion for %s: ", c->file);
        return -1;
    }
    return 0;
}
