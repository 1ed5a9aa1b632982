/* core/aws_config.c: loads ~/.aws/credentials and ~/.aws/config with inih and answers which
 * profile, region and endpoints apply, in the AWS CLI's order. Never touches the network and
 * never prints a value: secrets read from the files are wiped when the config is freed. */
#include "core/aws_config.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/crypto.h"

struct ini_entry {
    char *section;
    char *key;
    char *value;
};

struct ini_file {
    char *path;        /* expanded */
    char display[512]; /* ~/... */
    int present;
    int is_config; /* sections are "profile NAME" except "default" */
    struct ini_entry *ent;
    size_t n, cap;
    int oom;
};

struct aws_config {
    struct ini_file cred, conf;
    char *profile;
    const char *profile_source;
    char *region_opt, *region_fallback;
    char *warn[AWS_CONFIG_MAX_WARNINGS];
    size_t n_warn;
};

char *aws_config_expand_home(const char *path)
{
    const char *home = getenv("HOME");
    struct buf b = BUF_INIT(8192);

    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home && *home) {
        if (buf_puts(&b, home) || buf_puts(&b, path + 1))
            goto fail;
    } else if (buf_puts(&b, path)) {
        goto fail;
    }
    return buf_detach(&b);
fail:
    buf_release(&b);
    return NULL;
}

void aws_config_display_path(char *out, size_t n, const char *path)
{
    const char *home = getenv("HOME");
    size_t hl = home ? strlen(home) : 0;

    if (hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/')
        snprintf(out, n, "~%s", path + hl);
    else
        snprintf(out, n, "%s", path);
}

static int on_ini_entry(void *user, const char *section, const char *name, const char *value)
{
    struct ini_file *f = user;
    struct ini_entry *ne;

    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        if (f->n >= 100000 || (ne = realloc(f->ent, cap * sizeof(*ne))) == NULL) {
            f->oom = 1;
            return 0;
        }
        f->ent = ne;
        f->cap = cap;
    }
    ne = &f->ent[f->n];
    ne->section = strdup(section);
    ne->key = strdup(name);
    ne->value = strdup(value ? value : "");
    if (!ne->section || !ne->key || !ne->value) {
        free(ne->section);
        free(ne->key);
        free(ne->value);
        f->oom = 1;
        return 0;
    }
    f->n++;
    return 1;
}

static void ini_file_release(struct ini_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->ent[i].section);
        free(f->ent[i].key);
        crypto_free_secret(f->ent[i].value);
    }
    free(f->ent);
    free(f->path);
    memset(f, 0, sizeof(*f));
}

/* Parses f->path. Absent is fine; anything else that stops us reading it is an error. */
static int ini_file_load(struct ini_file *f, struct err *e)
{
    bool use_stack = ini_use_stack, allow_realloc = ini_allow_realloc;
    int max_line = ini_max_line, rc;
    struct stat st;
    FILE *fp = fopen(f->path, "r");

    if (fp == NULL) {
        if (errno == ENOENT)
            return 0;
        return err_set(e, ERR_IO, "cannot read %s: %s", f->display, strerror(errno));
    }
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return err_set(e, ERR_IO, "cannot read %s: %s", f->display, strerror(EISDIR));
    }
    f->present = 1;
    /* session tokens are longer than inih's 200-byte default line */
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = 65536;
    rc = ini_parse_file(fp, on_ini_entry, f);
    ini_use_stack = use_stack;
    ini_allow_realloc = allow_realloc;
    ini_max_line = max_line;
    fclose(fp);
    if (f->oom)
        return err_set(e, ERR_NOMEM, "out of memory reading %s", f->display);
    if (rc > 0)
        return err_set(e, ERR_CONFIG,
                       "%s:%d: not valid INI (expected \"[section]\" or \"key = value\"); fix "
                       "or remove that line",
                       f->display, rc);
    if (rc < 0)
        return err_set(e, ERR_IO, "cannot read %s", f->display);
    return 0;
}

static int ini_file_init(struct ini_file *f, const char *env, const char *dflt, int is_config)
{
    const char *p = getenv(env);

    f->is_config = is_config;
    f->path = aws_config_expand_home(p && *p ? p : dflt);
    if (f->path == NULL)
        return -1;
    aws_config_display_path(f->display, sizeof(f->display), f->path);
    return 0;
}

/* The profile a section names, or NULL when it is not a profile section. */
static const char *section_profile(const struct ini_file *f, const char *section)
{
    if (!f->is_config)
        return section;
    if (strcmp(section, "default") == 0)
        return section;
    if (strncmp(section, "profile ", 8) == 0) {
        const char *p = section + 8;
        while (*p == ' ')
            p++;
        return p;
    }
    return NULL;
}

static const char *ini_get(const struct ini_file *f, const char *profile, const char *key)
{
    const char *found = NULL;

    for (size_t i = 0; i < f->n; i++) {
        const char *p = section_profile(f, f->ent[i].section);
        if (p && strcmp(p, profile) == 0 && strcmp(f->ent[i].key, key) == 0)
            found = f->ent[i].value; /* the last one wins */
    }
    return found;
}

static int ini_has_profile(const struct ini_file *f, const char *profile)
{
    for (size_t i = 0; i < f->n; i++) {
        const char *p = section_profile(f, f->ent[i].section);
        if (p && strcmp(p, profile) == 0)
            return 1;
    }
    return 0;
}

int aws_config_has_profile(const struct aws_config *c, const char *profile)
{
    return ini_has_profile(&c->cred, profile) || ini_has_profile(&c->conf, profile);
}

/* "default, dev, prod" — every profile either file defines, each once. */
static void list_profiles(const struct aws_config *c, struct buf *out)
{
    const struct ini_file *fs[2] = {&c->cred, &c->conf};

    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < fs[k]->n; i++) {
            const char *p = section_profile(fs[k], fs[k]->ent[i].section);
            int seen = 0;
            if (p == NULL)
                continue;
            for (int k2 = 0; k2 <= k && !seen; k2++)
                for (size_t j = 0; j < (k2 == k ? i : fs[k2]->n) && !seen; j++) {
                    const char *q = section_profile(fs[k2], fs[k2]->ent[j].section);
                    seen = q && strcmp(p, q) == 0;
                }
            if (!seen)
                buf_printf(out, "%s%s", out->len ? ", " : "", p);
        }
    }
}

/* Like ssh's "UNPROTECTED PRIVATE KEY FILE": a warning, not an error. */
static void check_mode(struct aws_config *c)
{
    struct stat st;
    struct buf b = BUF_INIT(2048);

    if (!c->cred.present || stat(c->cred.path, &st) != 0 || !(st.st_mode & 077))
        return;
    if (c->n_warn < AWS_CONFIG_MAX_WARNINGS &&
        buf_printf(&b,
                   "WARNING: UNPROTECTED CREDENTIALS FILE: %s is accessible by group or others "
                   "(mode %04o); secret keys in it can be read by other users. Run: chmod 600 %s",
                   c->cred.display, (unsigned)(st.st_mode & 07777), c->cred.display) == 0)
        c->warn[c->n_warn++] = buf_detach(&b);
    buf_release(&b);
}

static int choose_profile(struct aws_config *c, const struct aws_config_options *opt, struct err *e)
{
    const char *p = NULL;

    if (opt && opt->profile && *opt->profile) {
        p = opt->profile;
        c->profile_source = "the --profile option";
    } else if (getenv("AWS_DEFAULT_PROFILE") && *getenv("AWS_DEFAULT_PROFILE")) {
        p = getenv("AWS_DEFAULT_PROFILE");
        c->profile_source = "AWS_DEFAULT_PROFILE";
    } else if (getenv("AWS_PROFILE") && *getenv("AWS_PROFILE")) {
        p = getenv("AWS_PROFILE");
        c->profile_source = "AWS_PROFILE";
    } else {
        p = "default";
        c->profile_source = "the default";
    }
    c->profile = strdup(p);
    if (c->profile == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (strcmp(c->profile_source, "the default") != 0 && !aws_config_has_profile(c, p)) {
        struct buf names = BUF_INIT(4096);
        list_profiles(c, &names);
        err_set(
            e, ERR_CONFIG, "profile \"%s\" (from %s) is not in %s%s or %s%s; profiles there: %s", p,
            c->profile_source, c->cred.display, c->cred.present ? "" : " (absent)", c->conf.display,
            c->conf.present ? "" : " (absent)", names.len ? buf_cstr(&names) : "none");
        buf_release(&names);
        return -1;
    }
    return 0;
}

int aws_config_load(struct aws_config **out, const struct aws_config_options *opt, struct err *e)
{
    struct aws_config *c = calloc(1, sizeof(*c));

    *out = NULL;
    if (c == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (ini_file_init(&c->cred, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", 0) ||
        ini_file_init(&c->conf, "AWS_CONFIG_FILE", "~/.aws/config", 1)) {
        err_set(e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (opt && opt->region && *opt->region && (c->region_opt = strdup(opt->region)) == NULL)
        goto oom;
    if (opt && opt->region_fallback && *opt->region_fallback &&
        (c->region_fallback = strdup(opt->region_fallback)) == NULL)
        goto oom;
    if (ini_file_load(&c->cred, e) || ini_file_load(&c->conf, e) || choose_profile(c, opt, e))
        goto fail;
    check_mode(c);
    *out = c;
    return 0;
oom:
    err_set(e, ERR_NOMEM, "out of memory");
fail:
    aws_config_free(c);
    return -1;
}

void aws_config_free(struct aws_config *c)
{
    if (c == NULL)
        return;
    ini_file_release(&c->cred);
    ini_file_release(&c->conf);
    free(c->profile);
    free(c->region_opt);
    free(c->region_fallback);
    for (size_t i = 0; i < c->n_warn; i++)
        free(c->warn[i]);
    free(c);
}

const char *aws_config_profile(const struct aws_config *c)
{
    return c->profile;
}

const char *aws_config_credentials_path(const struct aws_config *c)
{
    return c->cred.display;
}

const char *aws_config_config_path(const struct aws_config *c)
{
    return c->conf.display;
}

size_t aws_config_warnings(const struct aws_config *c, const char *const **list)
{
    *list = (const char *const *)c->warn;
    return c->n_warn;
}

const char *aws_config_get(const struct aws_config *c, const char *profile, const char *key,
                           const char **where)
{
    const char *v;

    if (profile == NULL)
        profile = c->profile;
    if ((v = ini_get(&c->cred, profile, key)) != NULL) {
        if (where)
            *where = "shared credentials file";
        return v;
    }
    if ((v = ini_get(&c->conf, profile, key)) != NULL) {
        if (where)
            *where = "config file";
        return v;
    }
    return NULL;
}

const char *aws_config_region(const struct aws_config *c, const char **source)
{
    const char *v, *src;

    if (c->region_opt) {
        v = c->region_opt;
        src = "the --region option";
    } else if ((v = getenv("AWS_REGION")) && *v) {
        src = "AWS_REGION";
    } else if ((v = getenv("AWS_DEFAULT_REGION")) && *v) {
        src = "AWS_DEFAULT_REGION";
    } else if ((v = aws_config_get(c, NULL, "region", &src)) && *v) {
        src = "profile";
    } else if ((v = c->region_fallback) != NULL) {
        src = "pipetop config [aws] region";
    } else {
        v = NULL;
        src = "nowhere";
    }
    if (source)
        *source = src;
    return v;
}

const char *aws_config_nested_get(const struct aws_config *c, const char *section, const char *key,
                                  const char *subkey)
{
    size_t sl = strlen(subkey);

    for (size_t i = 0; i < c->conf.n; i++) {
        const struct ini_entry *en = &c->conf.ent[i];
        const char *v = en->value;
        if (strcmp(en->section, section) != 0 || strcmp(en->key, key) != 0)
            continue;
        if (strncmp(v, subkey, sl) != 0)
            continue;
        v += sl;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v != '=')
            continue;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        return v;
    }
    return NULL;
}
