/* core/config.c: the [general]/[aws]/[gcp] key table, defaults, environment and flag overrides,
 * and the walk `pipetop info` prints. Precedence: flag > env > file > default.
 * Never stores a secret and never echoes the value of a key that looks like one. */
#include "core/config.h"
#include "core/config_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config_check.h"
#include "core/strutil.h"
#include "core/timeutil.h"

static int check_zone(const char *v)
{
    struct err ignored = ERR_INIT;
    return time_zone_check(v, &ignored);
}

#define G(f) offsetof(struct config, general.f)
#define A(f) offsetof(struct config, aws.f)
#define P(f) offsetof(struct config, gcp.f)
static const struct key_def keys[] = {
    {"general", "timezone", K_STR, G(timezone), check_zone, 0, 0, "local", "PIPETOP_TIMEZONE",
     "an IANA zone name such as Asia/Tokyo or UTC, or 'local'"},
    {"general", "days", K_INT, G(days), NULL, 1, 90, "14", NULL, "a whole number from 1 to 90"},
    {"general", "refresh_active", K_INT, G(refresh_active_s), NULL, 10, 86400, "30", NULL,
     "seconds from 10 (the floor: pipetop never polls faster) to 86400"},
    {"general", "refresh_idle", K_INT, G(refresh_idle_s), NULL, 10, 86400, "300", NULL,
     "seconds from 10 (the floor: pipetop never polls faster) to 86400"},
    {"general", "read_only", K_BOOL, G(read_only), NULL, 0, 0, "false", NULL,
     "true/false, yes/no, on/off or 1/0"},
    {"general", "stuck_after", K_INT, G(stuck_after_min), NULL, 1, 10080, "120", NULL,
     "minutes from 1 to 10080 (a week)"},
    {"general", "api_log_retention_days", K_INT, G(api_log_retention_days), NULL, 1, 3650, "30",
     NULL, "days from 1 to 3650"},
    {"general", "api_log_max_rows", K_INT, G(api_log_max_rows), NULL, 100, 100000000, "100000",
     NULL, "a row count from 100 to 100000000"},
    {"general", "max_in_flight", K_INT, G(max_in_flight), NULL, 1, 64, "16", NULL,
     "concurrent requests from 1 to 64"},
    {"general", "request_timeout", K_INT, G(request_timeout_s), NULL, 1, 600, "60", NULL,
     "seconds from 1 to 600 that one attempt of an API call may take"},
    {"aws", "profile", K_STR, A(profile), check_word, 0, 0, NULL, NULL,
     "a profile name from ~/.aws/config (no spaces)"},
    {"aws", "region", K_STR, A(region), check_region, 0, 0, NULL, NULL,
     "an AWS region such as ap-northeast-1"},
    {"aws", "endpoint_url", K_STR, A(endpoint_url), check_url, 0, 0, NULL, NULL,
     "an https:// URL (http:// only for localhost/127.0.0.1/[::1])"},
    {"aws", "export_rule", K_STR, A(export_rule), check_rule_name, 0, 0, NULL, NULL,
     "an EventBridge rule name (letters, digits, . _ -; at most 64)"},
    {"aws", "export_lambda", K_STR, A(export_lambda), check_lambda, 0, 0, NULL, NULL,
     "a Lambda function name or arn:aws:lambda:REGION:ACCOUNT:function:NAME"},
    {"aws", "export_time", K_HHMM, A(export_time_min), NULL, 0, 0, NULL, NULL,
     "a local time HH:MM from 00:00 to 23:59"},
    {"aws", "dynamodb_tables", K_LIST, A(dynamodb_tables), check_ddb_table, 0, 0, NULL, NULL,
     "a comma-separated list of DynamoDB table names"},
    {"aws", "aurora_clusters", K_LIST, A(aurora_clusters), check_cluster, 0, 0, NULL, NULL,
     "a comma-separated list of Aurora cluster identifiers"},
    {"gcp", "project", K_STR, P(project), check_project, 0, 0, NULL, NULL,
     "a project id such as my-project-123"},
    {"gcp", "location", K_STR, P(location), check_location, 0, 0, NULL, NULL,
     "a Data Transfer location such as us, eu or asia-northeast1"},
    {"gcp", "datasets", K_LIST, P(datasets), check_dataset, 0, 0, NULL, NULL,
     "a comma-separated list of dataset ids (letters, digits, _)"},
    {"gcp", "bigquery_endpoint", K_STR, P(bigquery_endpoint), check_url, 0, 0,
     "https://bigquery.googleapis.com", "PIPETOP_BIGQUERY_ENDPOINT",
     "an https:// URL (http:// only for localhost/127.0.0.1/[::1])"},
    {"gcp", "dts_endpoint", K_STR, P(dts_endpoint), check_url, 0, 0,
     "https://bigquerydatatransfer.googleapis.com", "PIPETOP_DTS_ENDPOINT",
     "an https:// URL (http:// only for localhost/127.0.0.1/[::1])"},
    {"gcp", "credentials", K_STR, P(credentials), check_file_path, 0, 0, NULL, NULL,
     "the path of a service account or authorized_user key file (not its contents)"},
};
#undef G
#undef A
#undef P
#define NKEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(NKEYS <= CONFIG_MAX_KEYS, "CONFIG_MAX_KEYS too small");

const struct key_def *config_keys(size_t *n)
{
    *n = NKEYS;
    return keys;
}

static const char *const secret_words[] = {"secret", "password",   "passwd",         "private_key",
                                           "token",  "access_key", "credential_json"};

int config_secret_key(const char *key)
{
    for (size_t i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
        if (strstr(key, secret_words[i]) != NULL)
            return 1;
    return 0;
}

int config_secret_error(const char *where, const char *section, const char *key, struct err *e)
{
    return err_set(e, ERR_CONFIG,
                   "%s: '%s' in [%s] looks like a secret; the config file never holds secrets "
                   "(value not shown). Put AWS keys in ~/.aws/credentials or AWS_* variables, and "
                   "Google credentials in a key file named by [gcp] credentials or Application "
                   "Default Credentials; then delete this line",
                   where, key, section);
}

const char *config_value_shown(const char *value)
{
    if (value[0] == '{' || value[0] == '"' || strstr(value, "PRIVATE KEY") != NULL ||
        strstr(value, "private_key") != NULL || strlen(value) > 200)
        return "(value not shown: it looks like key material)";
    return value;
}

static void list_release(struct config_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static char *trimmed_dup(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *out = malloc(n + 1);
    if (out != NULL) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

static int set_list(struct config_list *out, const struct key_def *k, const char *value,
                    const char *where, struct err *e)
{
    struct config_list l = {NULL, 0};
    const char *p = value;

    for (;;) {
        size_t n = strcspn(p, ",");
        char *item = trimmed_dup(p, n);
        char **grown = item != NULL ? realloc(l.items, (l.n + 1) * sizeof(*grown)) : NULL;
        if (grown == NULL) {
            free(item);
            list_release(&l);
            return err_set(e, ERR_NOMEM, "out of memory reading %s", k->key);
        }
        l.items = grown;
        l.items[l.n++] = item;
        if (k->check(item)) {
            err_set(e, ERR_CONFIG, "%s: bad item '%s' in %s in [%s]: expected %s", where,
                    config_value_shown(item), k->key, k->section, k->allowed);
            list_release(&l);
            return -1;
        }
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    list_release(out);
    *out = l;
    return 0;
}

static int set_value(struct config *c, const struct key_def *k, const char *value,
                     const char *where, struct err *e)
{
    char *field = (char *)c + k->off;
    long n;
    int b, minutes;

    if (*value == '\0')
        return err_set(e, ERR_CONFIG, "%s: %s in [%s] is empty: expected %s (or delete the line)",
                       where, k->key, k->section, k->allowed);
    switch (k->kind) {
    case K_INT:
        if (str_parse_int(value, k->min, k->max, &n))
            goto bad;
        *(int *)(void *)field = (int)n;
        return 0;
    case K_BOOL:
        if (str_parse_bool(value, &b))
            goto bad;
        *(bool *)field = b != 0;
        return 0;
    case K_HHMM:
        if (check_hhmm(value, &minutes))
            goto bad;
        *(int *)(void *)field = minutes;
        return 0;
    case K_LIST:
        return set_list((struct config_list *)(void *)field, k, value, where, e);
    case K_STR:
        if (k->check != NULL && k->check(value))
            goto bad;
        char *s = strdup(value), **slot = (char **)(void *)field;
        if (s == NULL)
            return err_set(e, ERR_NOMEM, "out of memory reading %s", k->key);
        if (k->check == check_url) /* a base URL: paths are appended to it */
            for (size_t len = strlen(s); len > 0 && s[len - 1] == '/'; len--)
                s[len - 1] = '\0';
        free(*slot);
        *slot = s;
        return 0;
    }
bad:
    return err_set(e, ERR_CONFIG, "%s: bad value '%s' for %s in [%s]: expected %s", where,
                   config_value_shown(value), k->key, k->section, k->allowed);
}

int config_set_key(struct config *c, const char *section, const char *key, const char *value,
                   const struct config_origin *o, const char *where, struct err *e)
{
    const char *names[NKEYS];
    size_t n = 0;

    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        if (strcmp(keys[i].key, key) == 0) {
            if (set_value(c, &keys[i], value, where, e))
                return -1;
            c->origin[i] = *o;
            return 0;
        }
        names[n++] = keys[i].key;
    }
    if (config_secret_key(key))
        return config_secret_error(where, section, key, e);
    const char *near = str_nearest(key, names, n);
    if (near != NULL)
        return err_set(e, ERR_CONFIG, "%s: unknown key '%s' in [%s]; did you mean '%s'?", where,
                       key, section, near);
    return err_set(e, ERR_CONFIG, "%s: unknown key '%s' in [%s] (see `pipetop info` for the keys)",
                   where, key, section);
}

const struct config_origin *config_origin_of(const struct config *c, const char *section,
                                             const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].key, key) == 0)
            return &c->origin[i];
    return NULL;
}

int config_key_line(const struct config *c, const char *section, const char *key)
{
    const struct config_origin *o = config_origin_of(c, section, key);

    return o != NULL && o->source == CONFIG_SRC_FILE ? o->line : 0;
}

static int apply_defaults(struct config *c, struct err *e)
{
    static const struct config_origin def = {CONFIG_SRC_DEFAULT, 0, NULL};

    c->aws.export_time_min = -1;
    for (size_t i = 0; i < NKEYS; i++) {
        c->origin[i] = def;
        if (keys[i].def != NULL && set_value(c, &keys[i], keys[i].def, "default", e))
            return -1;
    }
    return 0;
}

static int apply_env(struct config *c, struct err *e)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const char *v = keys[i].env != NULL ? getenv(keys[i].env) : NULL;
        if (v == NULL || *v == '\0')
            continue;
        if (set_value(c, &keys[i], v, keys[i].env, e))
            return -1;
        c->origin[i] = (struct config_origin){CONFIG_SRC_ENV, 0, keys[i].env};
    }
    return 0;
}

/* Opens the config file; a missing file at the default path means "defaults" (f stays NULL). */
static int open_config(struct config *c, FILE **f, struct err *e)
{
    const char *path = c->paths.config;
    struct stat st;

    *f = fopen(path, "r");
    if (*f == NULL) {
        if (errno == ENOENT && c->paths.config_source == PATH_DEFAULT)
            return 0;
        if (errno == ENOENT)
            return err_set(e, ERR_CONFIG, "config file %s does not exist (named by %s)", path,
                           c->paths.config_source == PATH_FLAG ? "--config" : "PIPETOP_CONFIG");
        return err_set(e, ERR_IO, "cannot read config file %s: %s", path, strerror(errno));
    }
    if (fstat(fileno(*f), &st) != 0 || S_ISDIR(st.st_mode)) { /* /dev/null is fine */
        fclose(*f);
        *f = NULL;
        return err_set(e, ERR_CONFIG, "config file %s is a directory, not a file", path);
    }
    c->config_exists = true;
    return 0;
}

int config_load(struct config **out, const struct config_overrides *ov, struct err *e)
{
    struct config *c = calloc(1, sizeof(*c));
    FILE *f = NULL;

    *out = NULL;
    if (c == NULL)
        return err_set(e, ERR_NOMEM, "out of memory loading the config");
    if (apply_defaults(c, e) ||
        paths_resolve(&c->paths, ov != NULL ? ov->config_path : NULL,
                      ov != NULL ? ov->db_path : NULL, e) ||
        open_config(c, &f, e))
        goto fail;
    if (f != NULL) {
        int rc = config_read_file(c, f, c->paths.config, e);
        fclose(f);
        if (rc)
            goto fail;
    }
    if (apply_env(c, e))
        goto fail;
    if (ov != NULL && ov->read_only) {
        for (size_t i = 0; i < NKEYS; i++)
            if (keys[i].off == offsetof(struct config, general.read_only))
                c->origin[i] = (struct config_origin){CONFIG_SRC_FLAG, 0, "--read-only"};
        c->general.read_only = true;
    }
    *out = c;
    return 0;
fail:
    config_free(c);
    return -1;
}

void config_free(struct config *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < NKEYS; i++) {
        char *field = (char *)c + keys[i].off;
        if (keys[i].kind == K_STR)
            free(*(char **)(void *)field);
        else if (keys[i].kind == K_LIST)
            list_release((struct config_list *)(void *)field);
    }
    for (size_t i = 0; i < c->n_pipelines; i++)
        config_pipeline_release(&c->pipelines[i]);
    free(c->pipelines);
    paths_release(&c->paths);
    free(c);
}

const struct config_pipeline *config_pipeline_find(const struct config *c, const char *name)
{
    for (size_t i = 0; i < c->n_pipelines; i++)
        if (strcmp(c->pipelines[i].name, name) == 0)
            return &c->pipelines[i];
    return NULL;
}
