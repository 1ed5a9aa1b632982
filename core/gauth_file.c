/* core/gauth_file.c: finding and reading Google credentials (ADC order of google-auth
 * _default.py) and describing them for `pipetop doctor`. No network here. Secret members are
 * wiped from every copy we control; no secret ever goes into an error message. */
#include "core/gauth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#define CRED_FILE_MAX (256 * 1024)

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void gauth_cred_release(struct gauth_cred *c)
{
    free(c->file);
    free(c->project_id);
    free(c->token_uri);
    free(c->client_email);
    free(c->private_key_id);
    jwt_key_free(c->key);
    free(c->client_id);
    wipe_free(c->client_secret);
    wipe_free(c->refresh_token);
    free(c->quota_project_id);
    free(c->metadata_host);
    memset(c, 0, sizeof(*c));
}

/* Reads the whole file (bounded) into *out; the caller wipes and frees it. */
static int read_file(char **out, unsigned int *mode, const char *path, struct err *e)
{
    struct stat st;
    struct buf b = BUF_INIT(CRED_FILE_MAX);
    char chunk[4096];
    size_t n;
    FILE *f = fopen(path, "rb");

    *out = NULL;
    if (!f)
        return err_set(e, ERR_IO, "cannot read Google credentials file %s: %s", path,
                       strerror(errno));
    *mode = fstat(fileno(f), &st) == 0 ? (unsigned int)(st.st_mode & 07777) : 0;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_append(&b, chunk, n)) {
            fclose(f);
            OPENSSL_cleanse(chunk, sizeof(chunk));
            OPENSSL_cleanse(b.data, b.len);
            buf_release(&b);
            return err_set(e, ERR_CONFIG, "Google credentials file %s is larger than %d KiB", path,
                           CRED_FILE_MAX / 1024);
        }
    }
    OPENSSL_cleanse(chunk, sizeof(chunk));
    if (ferror(f)) {
        fclose(f);
        OPENSSL_cleanse(b.data, b.len);
        buf_release(&b);
        return err_set(e, ERR_IO, "cannot read Google credentials file %s: read error", path);
    }
    fclose(f);
    *out = buf_detach(&b);
    if (!*out)
        return err_set(e, ERR_NOMEM, "reading %s: out of memory", path);
    return 0;
}

/* Copies member name (a string) into *dst. required: absence is an error naming file and member. */
static int member(char **dst, json_t *root, const char *name, int required, const char *path,
                  struct err *e)
{
    json_t *v = json_object_get(root, name);

    *dst = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return err_set(e, ERR_CONFIG, "Google credentials file %s has no \"%s\"", path, name);
        return 0;
    }
    if (!json_is_string(v) || (required && json_string_length(v) == 0))
        return err_set(e, ERR_CONFIG, "Google credentials file %s: \"%s\" is not a %sstring", path,
                       name, required ? "non-empty " : "");
    *dst = strdup(json_string_value(v));
    if (!*dst)
        return err_set(e, ERR_NOMEM, "reading %s: out of memory", path);
    return 0;
}

/* Overwrites a secret string held inside the parsed JSON before jansson frees it. */
static void wipe_member(json_t *root, const char *name)
{
    json_t *v = json_object_get(root, name);

    if (json_is_string(v))
        OPENSSL_cleanse((char *)json_string_value(v), json_string_length(v));
}

static int load_service_account(struct gauth_cred *c, json_t *root, const char *path, struct err *e)
{
    char *pem = NULL, what[600];
    int rc;

    c->kind = GAUTH_SERVICE_ACCOUNT;
    if (member(&c->client_email, root, "client_email", 1, path, e) ||
        member(&c->private_key_id, root, "private_key_id", 0, path, e) ||
        member(&c->project_id, root, "project_id", 0, path, e) ||
        member(&c->token_uri, root, "token_uri", 0, path, e) ||
        member(&pem, root, "private_key", 1, path, e))
        return -1;
    snprintf(what, sizeof(what), "the private_key in %s", path);
    rc = jwt_key_from_pem(&c->key, pem, what, e);
    wipe_free(pem);
    if (rc)
        err_prefix(e, "Google service-account key: ");
    return rc;
}

static int load_authorized_user(struct gauth_cred *c, json_t *root, const char *path, struct err *e)
{
    c->kind = GAUTH_AUTHORIZED_USER;
    if (member(&c->client_id, root, "client_id", 1, path, e) ||
        member(&c->client_secret, root, "client_secret", 1, path, e) ||
        member(&c->refresh_token, root, "refresh_token", 1, path, e) ||
        member(&c->quota_project_id, root, "quota_project_id", 0, path, e) ||
        member(&c->token_uri, root, "token_uri", 0, path, e))
        return -1;
    return 0;
}

static int load_json(struct gauth_cred *c, json_t *root, const char *path, struct err *e)
{
    const char *type = json_string_value(json_object_get(root, "type"));

    if (!json_is_object(root))
        return err_set(e, ERR_CONFIG, "Google credentials file %s is not a JSON object", path);
    if (!type)
        return err_set(e, ERR_CONFIG,
                       "Google credentials file %s has no \"type\" (expected service_account "
                       "or authorized_user)",
                       path);
    if (strcmp(type, "service_account") == 0)
        return load_service_account(c, root, path, e);
    if (strcmp(type, "authorized_user") == 0)
        return load_authorized_user(c, root, path, e);
    return err_set(e, ERR_CONFIG,
                   "Google credentials file %s has type \"%.64s\", which pipetop does not "
                   "support; use a service_account key file or run `gcloud auth "
                   "application-default login` (authorized_user)",
                   path, type);
}

int gauth_cred_load_file(struct gauth_cred *c, const char *path, struct err *e)
{
    char *text = NULL;
    json_t *root;
    json_error_t je;
    unsigned int mode = 0;
    int rc = -1;

    memset(c, 0, sizeof(*c));
    if (read_file(&text, &mode, path, e))
        return -1;
    root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    OPENSSL_cleanse(text, strlen(text));
    free(text);
    if (!root) {
        /* jansson quotes the text "near" the fault, which may be part of a secret: cut it */
        char *near = strstr(je.text, " near ");
        if (near)
            *near = '\0';
        return err_set(e, ERR_CONFIG,
                       "Google credentials file %s is not valid JSON (line %d column %d: %s)", path,
                       je.line, je.column, je.text);
    }
    c->file = strdup(path);
    c->mode = mode;
    if (!c->file)
        err_set(e, ERR_NOMEM, "reading %s: out of memory", path);
    else
        rc = load_json(c, root, path, e);
    if (rc == 0 && !c->token_uri && !(c->token_uri = strdup(GAUTH_GOOGLE_TOKEN_URI)))
        rc = err_set(e, ERR_NOMEM, "reading %s: out of memory", path);
    wipe_member(root, "private_key");
    wipe_member(root, "client_secret");
    wipe_member(root, "refresh_token");
    json_decref(root);
    if (rc)
        gauth_cred_release(c);
    return rc;
}

static int load_from_env(struct gauth_cred *c, const char *path, struct err *e)
{
    if (gauth_cred_load_file(c, path, e) == 0)
        return 0;
    err_prefix(e, "GOOGLE_APPLICATION_CREDENTIALS: ");
    return -1;
}

int gauth_cred_discover(struct gauth_cred *c, struct err *e)
{
    const char *env = getenv("GOOGLE_APPLICATION_CREDENTIALS");
    const char *sdk = getenv("CLOUDSDK_CONFIG"), *home = getenv("HOME");
    const char *host = getenv("GCE_METADATA_HOST");
    char adc[4096] = "";

    memset(c, 0, sizeof(*c));
    if (env && *env)
        return load_from_env(c, env, e);
    if (sdk && *sdk)
        snprintf(adc, sizeof(adc), "%s/application_default_credentials.json", sdk);
    else if (home && *home)
        snprintf(adc, sizeof(adc), "%s/.config/gcloud/application_default_credentials.json", home);
    if (*adc && access(adc, F_OK) == 0) {
        if (gauth_cred_load_file(c, adc, e))
            return -1;
        c->from_gcloud = 1;
        return 0;
    }
    if (!host || !*host)
        host = getenv("GCE_METADATA_ROOT"); /* legacy name */
    c->kind = GAUTH_METADATA;
    c->metadata_host = strdup(host && *host ? host : GAUTH_METADATA_DEFAULT_HOST);
    if (!c->metadata_host)
        return err_set(e, ERR_NOMEM, "Google credentials: out of memory");
    return 0;
}

const char *gauth_cred_describe(const struct gauth_cred *c, char *out, size_t n)
{
    if (c->kind == GAUTH_SERVICE_ACCOUNT)
        snprintf(out, n, "service account key %s (%s)", c->file, c->client_email);
    else if (c->kind == GAUTH_AUTHORIZED_USER && c->from_gcloud)
        snprintf(out, n, "gcloud ADC %s", c->file);
    else if (c->kind == GAUTH_AUTHORIZED_USER)
        snprintf(out, n, "authorized_user %s", c->file);
    else
        snprintf(out, n, "metadata server %s", c->metadata_host);
    return out;
}

const char *gauth_cred_warning(const struct gauth_cred *c, char *out, size_t n)
{
    if (!c->file || (c->mode & 077) == 0)
        return NULL;
    snprintf(out, n, "Google credentials file %s is %s by others (mode %04o); run `chmod 600 %s`",
             c->file, (c->mode & 022) ? "writable" : "readable", c->mode, c->file);
    return out;
}

/* Google's own token endpoints: oauth2.googleapis.com, accounts.google.com and any other
 * *.googleapis.com host. */
static int google_token_host(const char *uri)
{
    static const char suffix[] = ".googleapis.com";
    const char *h = strstr(uri, "://");
    size_t len;

    if (!h)
        return 0;
    h += 3;
    len = strcspn(h, ":/?#");
    if (len == strlen("accounts.google.com") && strncmp(h, "accounts.google.com", len) == 0)
        return 1;
    return len >= sizeof(suffix) - 1 &&
           strncmp(h + len - (sizeof(suffix) - 1), suffix, sizeof(suffix) - 1) == 0;
}

/* google-auth signs every assertion for https://oauth2.googleapis.com/token, even for old keys
 * whose token_uri is https://accounts.google.com/o/oauth2/token (API-NOTES §3.3); Google's
 * endpoints accept that audience. A token_uri on any other host (a private Google universe, a
 * proxy, the test cloud) is a different authorization server: RFC 7523 §3 says the audience
 * identifies the server the assertion is sent to, and such a server checks aud against its own
 * URI, so the assertion names the token_uri from the key file there. */
const char *gauth_cred_audience(const struct gauth_cred *c)
{
    if (!c->token_uri || google_token_host(c->token_uri))
        return GAUTH_GOOGLE_TOKEN_URI;
    return c->token_uri;
}
