/* tests/fakecloud/google_auth.c: fake Google OAuth 2 — key generation, the token endpoint
 * (RFC 7523 jwt-bearer checked like Google: RS256 signature, kid, iss, aud = this token_uri,
 * scope, iat/exp within 5 min of skew and exp - iat <= 3600; the RFC 6749 refresh_token grant),
 * the GCE metadata token, and bearer checks. Error bodies are Google's. Test support only. */
#include "tests/fakecloud/google.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "core/clock.h"
#include "core/jwt.h"

#define MAX_TOKENS 4096
#define SKEW_S 300
#define JWT_BEARER "urn:ietf:params:oauth:grant-type:jwt-bearer"

struct issued {
    char token[64];
    int64_t expires_ms;
};

struct gworld {
    struct jwt_key *key;
    char *pem;
    char key_id[41];
    char client_email[256];
    char client_id[64];
    char client_secret[32];
    char refresh_token[72];
    int ttl_s;
    struct issued tokens[MAX_TOKENS];
    size_t next; /* ring index */
};

static void random_hex(char *out, size_t nbytes)
{
    unsigned char r[64];

    RAND_bytes(r, (int)nbytes);
    for (size_t i = 0; i < nbytes; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* A fresh RSA-2048 key as PKCS#8 PEM (caller frees). */
static char *generate_pem(void)
{
    EVP_PKEY *pkey = EVP_RSA_gen(2048);
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL, *pem = NULL;
    long n;

    if (pkey && bio && PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) == 1) {
        n = BIO_get_mem_data(bio, &data);
        if (n > 0)
            pem = strndup(data, (size_t)n);
    }
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    return pem;
}

int fc_google_init(struct fakecloud *fc, void **world)
{
    struct gworld *g = calloc(1, sizeof(*g));
    json_t *gcp = json_object_get(fc->scen.root, "gcp");
    json_int_t ttl = json_integer_value(json_object_get(gcp, "token_ttl_s"));
    struct err e = ERR_INIT;

    *world = NULL;
    if (g == NULL)
        return -1;
    g->ttl_s = ttl > 0 && ttl < 86400 ? (int)ttl : 3599;
    random_hex(g->key_id, 20);
    random_hex(g->client_secret, 12);
    random_hex(g->refresh_token, 32);
    snprintf(g->client_id, sizeof(g->client_id), "764086051850-fake.apps.googleusercontent.com");
    snprintf(g->client_email, sizeof(g->client_email), "pipetop@%.200s.iam.gserviceaccount.com",
             fc->scen.gcp_project);
    g->pem = generate_pem();
    if (g->pem == NULL || jwt_key_from_pem(&g->key, g->pem, "the generated key", &e) != 0) {
        fprintf(stderr, "fakecloud: google: RSA key generation failed %s\n", e.msg);
        fc_google_fini(fc, g);
        return -1;
    }
    *world = g;
    return 0;
}

void fc_google_fini(struct fakecloud *fc, void *world)
{
    struct gworld *g = world;

    (void)fc;
    if (g == NULL)
        return;
    jwt_key_free(g->key);
    free(g->pem);
    free(g);
}

static struct gworld *world_of(const struct fakecloud *fc)
{
    for (size_t i = 0; i < fc_n_modules && i < sizeof(fc->world) / sizeof(fc->world[0]); i++)
        if (strcmp(fc_modules[i].name, "google") == 0)
            return fc->world[i];
    return NULL;
}

static void token_uri(const struct fakecloud *fc, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%u/token", fc->port);
}

static int write_json(json_t *obj, const char *workdir, const char *name)
{
    char path[1200];
    int rc;

    snprintf(path, sizeof(path), "%s/%s", workdir, name);
    rc = obj ? json_dump_file(obj, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    json_decref(obj);
    if (rc == 0)
        rc = chmod(path, 0600);
    if (rc)
        fprintf(stderr, "fakecloud: cannot write %s\n", path);
    return rc ? -1 : 0;
}

int fc_google_write_credentials(const struct fakecloud *fc)
{
    const struct gworld *g = world_of(fc);
    const char *proj = fc->scen.gcp_project;
    char uri[64];
    json_t *sa, *au;

    if (g == NULL)
        return -1;
    token_uri(fc, uri, sizeof(uri));
    sa = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "service_account",
                   "project_id", proj, "private_key_id", g->key_id, "private_key", g->pem,
                   "client_email", g->client_email, "client_id", "100000000000000000001",
                   "auth_uri", "https://accounts.google.com/o/oauth2/auth", "token_uri", uri,
                   "universe_domain", "googleapis.com");
    au = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", "authorized_user", "client_id",
                   g->client_id, "client_secret", g->client_secret, "refresh_token",
                   g->refresh_token, "quota_project_id", proj, "token_uri", uri);
    if (write_json(sa, fc->workdir, "service_account.json") != 0) {
        json_decref(au);
        return -1;
    }
    return write_json(au, fc->workdir, "authorized_user.json");
}

/* Records a new random token and answers {"access_token","expires_in","token_type"}. */
static int issue(struct fakecloud *fc, struct gworld *g, struct fc_response *r)
{
    unsigned char rnd[24];
    struct buf b64 = BUF_INIT(64);
    char tok[64];
    struct issued *t;

    RAND_bytes(rnd, sizeof(rnd));
    jwt_b64url_encode(&b64, rnd, sizeof(rnd));
    snprintf(tok, sizeof(tok), "ya29.fake.%s", buf_cstr(&b64));
    buf_release(&b64);
    pthread_mutex_lock(&fc->world_lock);
    t = &g->tokens[g->next++ % MAX_TOKENS];
    snprintf(t->token, sizeof(t->token), "%s", tok);
    t->expires_ms = clock_now_ms(NULL) + (int64_t)g->ttl_s * 1000;
    pthread_mutex_unlock(&fc->world_lock);
    return fc_respond_json(r, 200,
                           json_pack("{s:s, s:i, s:s}", "access_token", tok, "expires_in", g->ttl_s,
                                     "token_type", "Bearer"));
}

/* The kid of the JWS header matches our key id (absent is allowed, as Google allows it). */
static int kid_ok(const struct gworld *g, const char *jws)
{
    struct buf h = BUF_INIT(4096);
    const char *dot = strchr(jws, '.');
    json_t *hdr = NULL, *kid;
    int ok = 0;

    if (dot && jwt_b64url_decode(&h, jws, (size_t)(dot - jws)) == 0)
        hdr = json_loads(buf_cstr(&h), 0, NULL);
    kid = json_object_get(hdr, "kid");
    ok = json_is_object(hdr) &&
         (kid == NULL || (json_is_string(kid) && strcmp(json_string_value(kid), g->key_id) == 0));
    json_decref(hdr);
    buf_release(&h);
    return ok;
}

/* The claim checks, in Google's order; NULL when the assertion is acceptable. */
static const char *claims_problem(const struct gworld *g, json_t *c, const char *uri,
                                  const char **code)
{
    const char *iss = json_string_value(json_object_get(c, "iss"));
    const char *aud = json_string_value(json_object_get(c, "aud"));
    const char *scope = json_string_value(json_object_get(c, "scope"));
    json_t *jiat = json_object_get(c, "iat"), *jexp = json_object_get(c, "exp");
    json_int_t iat = json_integer_value(jiat), exp = json_integer_value(jexp);
    json_int_t now = clock_now_ms(NULL) / 1000;

    *code = "invalid_grant";
    if (iss == NULL || strcmp(iss, g->client_email) != 0)
        return "Invalid grant: account not found";
    if (aud == NULL || strcmp(aud, uri) != 0)
        return "Invalid JWT: Failed audience check.";
    if (!json_is_integer(jiat) || !json_is_integer(jexp) || exp <= iat || exp - iat > 3600 ||
        iat > now + SKEW_S || exp < now - SKEW_S)
        return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
               "timeframe. Check your iat and exp values in the JWT claim.";
    *code = "invalid_scope";
    if (scope == NULL || *scope == '\0')
        return "Empty or missing scope not allowed.";
    return NULL;
}

static int jwt_bearer(struct fakecloud *fc, struct gworld *g, const char *assertion,
                      struct fc_response *r)
{
    struct err e = ERR_INIT;
    char *claims = NULL, uri[64];
    const char *problem, *code;
    json_t *c;
    int rc;

    if (assertion == NULL)
        return fc_respond_error(r, "oauth2", 400, "invalid_request",
                                "Missing required parameter: assertion");
    if (!kid_ok(g, assertion) || jwt_verify_rs256(assertion, g->key, &claims, &e) != 0)
        return fc_respond_error(r, "oauth2", 400, "invalid_grant", "Invalid JWT Signature.");
    c = json_loads(claims, 0, NULL);
    free(claims);
    token_uri(fc, uri, sizeof(uri));
    problem = claims_problem(g, c, uri, &code);
    json_decref(c);
    if (problem)
        rc = fc_respond_error(r, "oauth2", 400, code, problem);
    else
        rc = issue(fc, g, r);
    return rc;
}

static int refresh_grant(struct fakecloud *fc, struct gworld *g, struct fc_request *req,
                         struct fc_response *r)
{
    char *id = fc_form_param(req, "client_id"), *secret = fc_form_param(req, "client_secret");
    char *rt = fc_form_param(req, "refresh_token");
    int rc;

    if (id == NULL || secret == NULL || strcmp(id, g->client_id) != 0 ||
        strcmp(secret, g->client_secret) != 0)
        rc = fc_respond_error(r, "oauth2", 401, "invalid_client", "Unauthorized");
    else if (rt == NULL || strcmp(rt, g->refresh_token) != 0)
        rc = fc_respond_error(r, "oauth2", 400, "invalid_grant",
                              "Token has been expired or revoked.");
    else
        rc = issue(fc, g, r);
    free(id);
    free(secret);
    free(rt);
    return rc;
}

int fc_google_token(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct gworld *g = world_of(fc);
    char *grant = fc_form_param(req, "grant_type"), *assertion = NULL, msg[200];
    int rc;

    if (g == NULL) {
        rc = -1;
    } else if (grant == NULL) {
        rc = fc_respond_error(r, "oauth2", 400, "invalid_request",
                              "Missing required parameter: grant_type");
    } else if (strcmp(grant, JWT_BEARER) == 0) {
        assertion = fc_form_param(req, "assertion");
        rc = jwt_bearer(fc, g, assertion, r);
    } else if (strcmp(grant, "refresh_token") == 0) {
        rc = refresh_grant(fc, g, req, r);
    } else {
        snprintf(msg, sizeof(msg), "Invalid grant_type: %.100s", grant);
        rc = fc_respond_error(r, "oauth2", 400, "unsupported_grant_type", msg);
    }
    free(grant);
    free(assertion);
    return rc;
}

/* The metadata server answers only requests with Metadata-Flavor: Google, and always says
 * Metadata-Flavor: Google itself. */
static int metadata_refused(struct fc_request *req, struct fc_response *r)
{
    const char *flavor = fc_header(req, "Metadata-Flavor");

    if (flavor && strcmp(flavor, "Google") == 0)
        return 0;
    fc_respond(r, 403, "text/html; charset=UTF-8", "Missing required header: Metadata-Flavor\n",
               strlen("Missing required header: Metadata-Flavor\n"));
    fc_respond_header(r, "Metadata-Flavor", "Google");
    return 1;
}

int fc_google_metadata_token(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct gworld *g = world_of(fc);

    if (g == NULL)
        return -1;
    if (metadata_refused(req, r))
        return 0;
    if (issue(fc, g, r) != 0)
        return -1;
    return fc_respond_header(r, "Metadata-Flavor", "Google");
}

int fc_google_metadata_project(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    const char *p = fc->scen.gcp_project;

    if (metadata_refused(req, r))
        return 0;
    if (fc_respond(r, 200, "application/text", p, strlen(p)) != 0)
        return -1;
    return fc_respond_header(r, "Metadata-Flavor", "Google");
}

int fc_google_authorize(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    static const char msg[] =
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project.";
    struct gworld *g = world_of(fc);
    const char *auth = fc_header(req, "Authorization"), *tok = NULL;
    int64_t now = clock_now_ms(NULL);
    int ok = 0;

    if (auth && strncmp(auth, "Bearer ", 7) == 0)
        tok = auth + 7;
    pthread_mutex_lock(&fc->world_lock);
    for (size_t i = 0; g && tok && *tok && i < MAX_TOKENS && !ok; i++)
        ok = strcmp(g->tokens[i].token, tok) == 0 && now < g->tokens[i].expires_ms;
    pthread_mutex_unlock(&fc->world_lock);
    if (ok)
        return 0;
    fc_google_error(r, 401, "UNAUTHENTICATED", NULL, msg);
    fc_respond_header(r, "WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
    return 1;
}

int fc_google_error(struct fc_response *r, int code, const char *status, const char *reason,
                    const char *message)
{
    json_t *err = json_object(), *root = json_object();

    /* member order as Google sends it: code, message, errors (BigQuery v2 only), status */
    json_object_set_new(err, "code", json_integer(code));
    json_object_set_new(err, "message", json_string(message));
    if (reason)
        json_object_set_new(err, "errors",
                            json_pack("[{s:s, s:s, s:s}]", "message", message, "domain", "global",
                                      "reason", reason));
    json_object_set_new(err, "status", json_string(status));
    json_object_set_new(root, "error", err);
    return fc_respond_json(r, code, root);
}
