/* core/gauth.c: the Google credential provider — fetches access tokens (jwt-bearer grant,
 * refresh-token grant, metadata server), caches them until GAUTH_REFRESH_MARGIN_MS before expiry,
 * and prepares Google API calls. Token calls go through gauth's own small http_client: a prepare
 * callback runs inside http_run of the caller's client, and driving that same client again from
 * there would re-enter its multi handle, so gauth never touches the caller's client. The fetch is
 * synchronous (about once an hour) and blocks the caller's loop for that one call. */
#include "core/gauth.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define JWT_BEARER_GRANT "urn:ietf:params:oauth:grant-type:jwt-bearer"
#define METADATA_TOKEN_PATH "/computeMetadata/v1/instance/service-accounts/default/token"
#define METADATA_PROJECT_PATH "/computeMetadata/v1/project/project-id"

struct gauth {
    struct gauth_cred cred;
    char *scopes;
    char *env_project; /* GOOGLE_CLOUD_PROJECT / GCLOUD_PROJECT at creation */
    char *metadata_project;
    const struct clock *clock;
    long metadata_timeout_ms;
    struct http_client *hc; /* token calls only */
    struct gauth_token tok;
    char desc[1200];
};

static void wipe_buf(struct buf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->len);
    buf_release(b);
}

static void wipe_str(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

int gauth_new(struct gauth **out, struct gauth_cred *cred, const struct gauth_options *opt,
              struct err *e)
{
    struct http_options ho = {0};
    const char *proj = getenv("GOOGLE_CLOUD_PROJECT");
    struct gauth *g;

    *out = NULL;
    if (!proj || !*proj)
        proj = getenv("GCLOUD_PROJECT");
    g = calloc(1, sizeof(*g));
    if (!g)
        return err_set(e, ERR_NOMEM, "Google credentials: out of memory");
    g->cred = *cred;
    memset(cred, 0, sizeof(*cred));
    g->clock = opt ? opt->clock : NULL;
    g->metadata_timeout_ms = opt && opt->metadata_timeout_ms > 0 ? opt->metadata_timeout_ms : 3000;
    g->scopes = strdup(opt && opt->scopes ? opt->scopes : GAUTH_DEFAULT_SCOPES);
    g->env_project = proj && *proj ? strdup(proj) : NULL;
    ho.max_in_flight = 1;
    ho.clock = g->clock;
    ho.on_call = opt ? opt->on_call : NULL;
    ho.on_call_ctx = opt ? opt->on_call_ctx : NULL;
    ho.timeout_ms = opt ? opt->timeout_ms : 0;
    ho.connect_timeout_ms = opt ? opt->connect_timeout_ms : 0;
    ho.max_attempts = opt ? opt->max_attempts : 0;
    if (g->cred.kind == GAUTH_METADATA)
        ho.connect_timeout_ms = g->metadata_timeout_ms;
    if (!g->scopes || (proj && *proj && !g->env_project)) {
        gauth_free(g);
        return err_set(e, ERR_NOMEM, "Google credentials: out of memory");
    }
    if (http_client_new(&g->hc, &ho, e)) {
        gauth_free(g);
        return -1;
    }
    gauth_cred_describe(&g->cred, g->desc, sizeof(g->desc));
    *out = g;
    return 0;
}

int gauth_new_default(struct gauth **out, const struct gauth_options *opt, struct err *e)
{
    struct gauth_cred c;

    *out = NULL;
    if (gauth_cred_discover(&c, e))
        return -1;
    if (gauth_new(out, &c, opt, e)) {
        gauth_cred_release(&c);
        return -1;
    }
    return 0;
}

void gauth_free(struct gauth *g)
{
    if (!g)
        return;
    http_client_free(g->hc);
    gauth_token_release(&g->tok);
    gauth_cred_release(&g->cred);
    free(g->scopes);
    free(g->env_project);
    free(g->metadata_project);
    free(g);
}

const struct gauth_cred *gauth_cred(const struct gauth *g)
{
    return &g->cred;
}

const char *gauth_project(const struct gauth *g)
{
    if (g->env_project)
        return g->env_project;
    if (g->cred.project_id && *g->cred.project_id)
        return g->cred.project_id;
    return g->metadata_project;
}

void gauth_invalidate(struct gauth *g)
{
    gauth_token_release(&g->tok);
}

/* Appends "&name=value" (no '&' first) with the value form-encoded. */
static int form_add(struct buf *b, const char *name, const char *value)
{
    if ((b->len && buf_putc(b, '&')) || buf_puts(b, name) || buf_putc(b, '='))
        return -1;
    return http_urlencode(b, value, strlen(value), 0);
}

static int grant_body(struct gauth *g, struct buf *body, int64_t now_ms, struct err *e)
{
    const struct gauth_cred *c = &g->cred;
    char *assertion = NULL;
    int bad;

    if (c->kind == GAUTH_AUTHORIZED_USER) {
        bad = form_add(body, "grant_type", "refresh_token") ||
              form_add(body, "client_id", c->client_id) ||
              form_add(body, "client_secret", c->client_secret) ||
              form_add(body, "refresh_token", c->refresh_token);
    } else {
        if (gauth_assertion(&assertion, c, g->scopes, now_ms, e))
            return -1;
        bad = form_add(body, "grant_type", JWT_BEARER_GRANT) ||
              form_add(body, "assertion", assertion);
        wipe_str(assertion);
    }
    if (bad)
        return err_set(e, ERR_NOMEM, "token request for %s: out of memory", g->desc);
    return 0;
}

/* Sends req on gauth's client. On an HTTP error answer the caller explains it (resp->status set,
 * returns 1); a transport failure is reported into e (returns -1). */
static int token_send(struct gauth *g, struct http_request *req, struct http_response *resp,
                      const char *where, struct err *e)
{
    struct err he = ERR_INIT;

    memset(resp, 0, sizeof(*resp));
    if (http_do(g->hc, req, resp, &he) == 0)
        return 0;
    if (resp->status > 0)
        return 1;
    err_set(e, he.code == ERR_OK ? ERR_NETWORK : he.code, "cannot reach %s for %s: %s", where,
            g->desc, he.msg);
    return -1;
}

static void response_release(struct http_response *resp)
{
    wipe_buf(&resp->body);
    http_response_release(resp);
}

static int fetch_with_grant(struct gauth *g, int64_t now_ms, struct err *e)
{
    const struct gauth_cred *c = &g->cred;
    struct http_request req;
    struct http_response resp;
    struct buf body = BUF_INIT(64 * 1024);
    const char *op = c->kind == GAUTH_AUTHORIZED_USER ? "token.refresh" : "token.jwt-bearer";
    int rc;

    if (grant_body(g, &body, now_ms, e))
        goto fail;
    if (http_request_init(&req, "oauth2", op, "POST", c->token_uri, e))
        goto fail;
    if (http_headers_set(&req.headers, "Content-Type", "application/x-www-form-urlencoded", e) ||
        http_request_set_body(&req, body.data, body.len, e)) {
        http_request_release(&req);
        goto fail;
    }
    wipe_buf(&body);
    rc = token_send(g, &req, &resp, c->token_uri, e);
    if (rc > 0)
        gauth_token_error(e, c, resp.status, resp.body.data, resp.body.len);
    else if (rc == 0)
        rc = gauth_token_parse(&g->tok, resp.body.data, resp.body.len, now_ms, c->token_uri, e);
    response_release(&resp);
    return rc ? -1 : 0;
fail:
    wipe_buf(&body);
    return -1;
}

/* GET http://HOST/PATH with Metadata-Flavor: Google; checks the answer echoes the header. */
static int metadata_get(struct gauth *g, const char *path, const char *op,
                        struct http_response *resp, struct err *e)
{
    struct http_request req;
    struct buf url = BUF_INIT(2048);
    const char *host = g->cred.metadata_host, *flavor;
    int rc;

    memset(resp, 0, sizeof(*resp));
    if (buf_printf(&url, "http://%s%s", host, path)) {
        buf_release(&url);
        return err_set(e, ERR_CONFIG, "GCE_METADATA_HOST %.200s is too long", host);
    }
    rc = http_request_init(&req, "metadata", op, "GET", buf_cstr(&url), e);
    buf_release(&url);
    if (rc)
        return -1;
    req.timeout_ms = g->metadata_timeout_ms;
    req.max_attempts = 2;
    req.allow_insecure_link_local = 1; /* metadata.google.internal / 169.254.169.254: http only */
    if (http_headers_set(&req.headers, "Metadata-Flavor", "Google", e)) {
        http_request_release(&req);
        return -1;
    }
    rc = token_send(g, &req, resp, host, e);
    if (rc > 0)
        return gauth_token_error(e, &g->cred, resp->status, resp->body.data, resp->body.len);
    if (rc < 0) {
        err_prefix(e, "no Google credentials found (GOOGLE_APPLICATION_CREDENTIALS is not set, no "
                      "gcloud ADC file, and the metadata server did not answer) — set "
                      "GOOGLE_APPLICATION_CREDENTIALS to a service-account key or run `gcloud "
                      "auth application-default login`: ");
        return -1;
    }
    flavor = http_headers_get(&resp->headers, "Metadata-Flavor");
    if (!flavor || strcmp(flavor, "Google") != 0)
        return err_set(e, ERR_AUTH,
                       "%s answered without \"Metadata-Flavor: Google\": it is not a Google "
                       "metadata server (check GCE_METADATA_HOST)",
                       host);
    return 0;
}

static int fetch_from_metadata(struct gauth *g, int64_t now_ms, struct err *e)
{
    struct http_response resp;
    int rc = metadata_get(g, METADATA_TOKEN_PATH, "token", &resp, e);
    char where[1100];

    snprintf(where, sizeof(where), "metadata server %s", g->cred.metadata_host);
    if (rc == 0)
        rc = gauth_token_parse(&g->tok, resp.body.data, resp.body.len, now_ms, where, e);
    response_release(&resp);
    if (rc || g->env_project || g->metadata_project)
        return rc;
    /* The project id is plain text; without it gauth_project() stays NULL and callers say so. */
    if (metadata_get(g, METADATA_PROJECT_PATH, "project-id", &resp, NULL) == 0 && resp.body.len)
        g->metadata_project = strndup(resp.body.data, resp.body.len);
    response_release(&resp);
    return 0;
}

static int fetch(struct gauth *g, int64_t now_ms, struct err *e)
{
    gauth_token_release(&g->tok);
    if (g->cred.kind == GAUTH_METADATA)
        return fetch_from_metadata(g, now_ms, e);
    return fetch_with_grant(g, now_ms, e);
}

int gauth_token(struct gauth *g, const char **token, struct err *e)
{
    int64_t now = clock_now_ms(g->clock);

    *token = NULL;
    if (!gauth_token_fresh(&g->tok, now) && fetch(g, now, e))
        return -1;
    *token = g->tok.access_token;
    return 0;
}

int gauth_prepare(void *ctx, struct http_request *req, int64_t now_ms, struct err *e)
{
    struct gauth *g = ctx;
    struct buf auth = BUF_INIT(16 * 1024);
    int rc = -1;

    if (!gauth_token_fresh(&g->tok, now_ms) && fetch(g, now_ms, e))
        return -1;
    if (buf_puts(&auth, "Bearer ") || buf_puts(&auth, g->tok.access_token)) {
        err_set(e, ERR_NOMEM, "Authorization header: out of memory");
        goto out;
    }
    if (http_headers_set(&req->headers, "Authorization", buf_cstr(&auth), e))
        goto out;
    if (g->cred.kind == GAUTH_AUTHORIZED_USER && g->cred.quota_project_id &&
        http_headers_set(&req->headers, "x-goog-user-project", g->cred.quota_project_id, e))
        goto out;
    rc = 0;
out:
    wipe_buf(&auth);
    return rc;
}
