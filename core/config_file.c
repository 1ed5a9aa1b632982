/* core/config_file.c: reads config.ini with inih (ini_parse_stream) and applies each key.
 * Line numbers come from our own fgets-style reader (Debian's inih handler gets none), which
 * also refuses over-long lines instead of letting inih split them. Never echoes secrets. */
#include "core/config_int.h"

#include <ctype.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_check.h"
#include "core/strutil.h"

struct seen_section {
    char *name;
    int line;
};

struct file_ctx {
    struct config *c;
    FILE *f;
    const char *path;
    int line;         /* line of the text the reader returned last */
    int indented;     /* that line began with blank space (inih: a continuation line) */
    int section_line; /* the last line that began with '[' (a section header) */
    int stop;         /* an error is recorded: end the parse */
    int err_line;     /* the line the recorded error is about */
    struct err err;
    char where[600];
    char last_section[256];
    struct seen_section *seen;
    size_t n_seen;
};

static char *reader(char *str, int num, void *stream)
{
    struct file_ctx *x = stream;
    size_t n;

    if (x->stop || fgets(str, num, x->f) == NULL)
        return NULL;
    x->line++;
    n = strlen(str);
    if (n > 0 && str[n - 1] != '\n' && n == (size_t)num - 1) {
        int next = getc(x->f);
        if (next != EOF) {
            err_set(&x->err, ERR_CONFIG, "%s:%d: line is longer than %d characters", x->path,
                    x->line, num - 3);
            x->err_line = x->line;
            x->stop = 1;
            return NULL;
        }
    }
    x->indented = str[0] == ' ' || str[0] == '\t';
    if (str[strspn(str, " \t")] == '[')
        x->section_line = x->line;
    return str;
}

void config_pipeline_release(struct config_pipeline *p)
{
    free(p->name);
    free(p->source);
    free(p->source_table);
    free(p->export_bucket);
    free(p->export_prefix);
    free(p->transfer_config);
    free(p->query_config);
    free(p->raw_table);
    free(p->table);
}

static char *dup_n(const char *s, size_t n, struct err *e)
{
    char *out = malloc(n + 1);

    if (out == NULL) {
        err_set(e, ERR_NOMEM, "out of memory reading the config");
        return NULL;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

static struct config_pipeline *pipeline_get(struct file_ctx *x, const char *name)
{
    struct config *c = x->c;
    struct config_pipeline *grown, *p;

    for (size_t i = 0; i < c->n_pipelines; i++)
        if (strcmp(c->pipelines[i].name, name) == 0)
            return &c->pipelines[i];
    if (check_pipeline_name(name)) {
        err_set(&x->err, ERR_CONFIG,
                "%s:%d: bad pipeline name '%s': use letters, digits, _ . - (at most 64)", x->path,
                x->section_line, name);
        return NULL;
    }
    grown = realloc(c->pipelines, (c->n_pipelines + 1) * sizeof(*grown));
    if (grown == NULL) {
        err_set(&x->err, ERR_NOMEM, "out of memory reading the config");
        return NULL;
    }
    c->pipelines = grown;
    p = &c->pipelines[c->n_pipelines];
    memset(p, 0, sizeof(*p));
    p->source_kind = SOURCE_UNKNOWN;
    p->line = x->section_line;
    p->name = dup_n(name, strlen(name), &x->err);
    if (p->name == NULL)
        return NULL;
    c->n_pipelines++;
    return p;
}

static const char *const pipeline_keys[CONFIG_PK_COUNT] = {
    "source",    "export_prefix", "transfer_config", "query_config",
    "raw_table", "table",         "export_via"};

static const char *const pipeline_allowed[CONFIG_PK_COUNT] = {
    "dynamodb:TABLE or aurora:CLUSTER[/TABLE]",
    "s3://BUCKET/PREFIX",
    "a transfer config id or projects/P/locations/L/transferConfigs/ID",
    "a transfer config id or projects/P/locations/L/transferConfigs/ID",
    "dataset.table or project.dataset.table",
    "dataset.table or project.dataset.table",
    "native or lambda"};

static int pipeline_value(struct file_ctx *x, struct config_pipeline *p, int k, const char *v)
{
    const char *name, *table, *prefix;
    size_t len;
    char **slot = NULL;

    switch (k) {
    case CONFIG_PK_SOURCE:
        if (check_source(v, &p->source_kind, &name, &len, &table))
            return -1;
        p->source = dup_n(name, len, &x->err);
        if (p->source != NULL && table != NULL)
            p->source_table = dup_n(table, strlen(table), &x->err);
        return 0;
    case CONFIG_PK_EXPORT_PREFIX:
        if (check_s3_uri(v, &len, &prefix))
            return -1;
        p->export_bucket = dup_n(v + 5, len, &x->err);
        p->export_prefix = dup_n(prefix, strlen(prefix), &x->err);
        return 0;
    case CONFIG_PK_TRANSFER_CONFIG:
    case CONFIG_PK_QUERY_CONFIG:
        if (check_dts_config(v))
            return -1;
        slot = k == CONFIG_PK_TRANSFER_CONFIG ? &p->transfer_config : &p->query_config;
        break;
    case CONFIG_PK_RAW_TABLE:
    case CONFIG_PK_TABLE:
        if (check_bq_table(v))
            return -1;
        slot = k == CONFIG_PK_RAW_TABLE ? &p->raw_table : &p->table;
        break;
    case CONFIG_PK_EXPORT_VIA:
        if (strcmp(v, "native") != 0 && strcmp(v, "lambda") != 0)
            return -1;
        p->export_via = strcmp(v, "lambda") == 0 ? EXPORT_VIA_LAMBDA : EXPORT_VIA_NATIVE;
        return 0;
    }
    *slot = dup_n(v, strlen(v), &x->err);
    return 0;
}

static int pipeline_key(struct file_ctx *x, const char *pname, const char *key, const char *v)
{
    struct config_pipeline *p = pipeline_get(x, pname);

    if (p == NULL)
        return -1;
    for (int k = 0; k < CONFIG_PK_COUNT; k++) {
        if (strcmp(key, pipeline_keys[k]) != 0)
            continue;
        if (p->origin[k].source == CONFIG_SRC_FILE)
            return err_set(&x->err, ERR_CONFIG,
                           x->indented ? "%s: indented line continues '%s' in [pipeline %s] "
                                         "(first at line %d); values must fit on one line"
                                       : "%s: '%s' is set twice in [pipeline %s] (first at "
                                         "line %d)",
                           x->where, key, pname, p->origin[k].line);
        if (*v == '\0' || pipeline_value(x, p, k, v))
            return err_set(&x->err, ERR_CONFIG,
                           "%s: bad value '%s' for %s in [pipeline %s]: expected %s", x->where,
                           config_value_shown(v), key, pname, pipeline_allowed[k]);
        if (x->err.code != ERR_OK)
            return -1;
        p->origin[k] = (struct config_origin){CONFIG_SRC_FILE, x->line, NULL};
        return 0;
    }
    if (config_secret_key(key))
        return config_secret_error(x->where, "pipeline", key, &x->err);
    const char *near = str_nearest(key, pipeline_keys, CONFIG_PK_COUNT);
    if (near != NULL)
        return err_set(&x->err, ERR_CONFIG,
                       "%s: unknown key '%s' in [pipeline %s]; did you mean '%s'?", x->where, key,
                       pname, near);
    return err_set(&x->err, ERR_CONFIG, "%s: unknown key '%s' in [pipeline %s]", x->where, key,
                   pname);
}

/* Records the section on its first key; a section seen before under another run is a mistake. */
static int section_enter(struct file_ctx *x, const char *section)
{
    struct seen_section *grown;

    if (strcmp(section, x->last_section) == 0)
        return 0;
    for (size_t i = 0; i < x->n_seen; i++)
        if (strcmp(x->seen[i].name, section) == 0)
            return err_set(&x->err, ERR_CONFIG,
                           "%s:%d: section [%s] appears a second time (first at line %d); "
                           "merge them",
                           x->path, x->section_line, section, x->seen[i].line);
    grown = realloc(x->seen, (x->n_seen + 1) * sizeof(*grown));
    if (grown == NULL)
        return err_set(&x->err, ERR_NOMEM, "out of memory reading the config");
    x->seen = grown;
    x->seen[x->n_seen].name = dup_n(section, strlen(section), &x->err);
    if (x->seen[x->n_seen].name == NULL)
        return -1;
    x->seen[x->n_seen++].line = x->section_line;
    snprintf(x->last_section, sizeof(x->last_section), "%s", section);
    return 0;
}

static int unknown_section(struct file_ctx *x, const char *section)
{
    static const char *const names[] = {"general", "aws", "gcp", "pipeline"};
    char first[64];
    size_t n = strcspn(section, " \t");

    snprintf(first, sizeof(first), "%.*s", (int)(n < sizeof(first) ? n : sizeof(first) - 1),
             section);
    if (strcmp(first, "pipeline") == 0)
        return err_set(&x->err, ERR_CONFIG, "%s:%d: [pipeline] needs a name: [pipeline NAME]",
                       x->path, x->section_line);
    const char *near = str_nearest(first, names, 4);
    return err_set(&x->err, ERR_CONFIG,
                   "%s:%d: unknown section [%s]%s%s%s (sections: [general], [aws], [gcp], "
                   "[pipeline NAME])",
                   x->path, x->section_line, section, near != NULL ? "; did you mean [" : "",
                   near != NULL ? near : "", near != NULL ? "]?" : "");
}

static int handle(struct file_ctx *x, const char *section, const char *key, const char *value)
{
    struct config_origin o = {CONFIG_SRC_FILE, x->line, NULL};
    int line;

    snprintf(x->where, sizeof(x->where), "%s:%d", x->path, x->line);
    if (*section == '\0')
        return err_set(&x->err, ERR_CONFIG,
                       "%s: '%s' comes before any section; put it under [general], [aws], [gcp] "
                       "or [pipeline NAME]",
                       x->where, key);
    if (section_enter(x, section))
        return -1;
    if (strncmp(section, "pipeline", 8) == 0 && (section[8] == ' ' || section[8] == '\t')) {
        char name[256];
        const char *p = section + 9;
        size_t n;
        while (*p == ' ' || *p == '\t')
            p++;
        n = strlen(p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == 0)
            return unknown_section(x, section);
        snprintf(name, sizeof(name), "%.*s", (int)n, p);
        return pipeline_key(x, name, key, value);
    }
    if (strcmp(section, "general") != 0 && strcmp(section, "aws") != 0 &&
        strcmp(section, "gcp") != 0) {
        if (config_secret_key(key))
            return config_secret_error(x->where, section, key, &x->err);
        return unknown_section(x, section);
    }
    line = config_key_line(x->c, section, key);
    if (line > 0)
        return err_set(&x->err, ERR_CONFIG,
                       x->indented ? "%s: indented line continues '%s' in [%s] (first at line "
                                     "%d); values must fit on one line"
                                   : "%s: '%s' is set twice in [%s] (first at line %d)",
                       x->where, key, section, line);
    return config_set_key(x->c, section, key, value, &o, x->where, &x->err);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct file_ctx *x = user;

    if (x->stop)
        return 0;
    if (handle(x, section, name, value != NULL ? value : "") == 0)
        return 1;
    x->stop = 1;
    x->err_line = x->line;
    return 0;
}

/* Rules that join two keys, checked once everything is read. */
static int cross_check(struct config *c, const char *path, struct err *e)
{
    int rule = config_key_line(c, "aws", "export_rule");
    int at = config_key_line(c, "aws", "export_time");

    if (rule > 0 && at > 0)
        return err_set(e, ERR_CONFIG,
                       "%s:%d: [aws] has both export_rule (line %d) and export_time; keep one: "
                       "the rule's schedule, or a fixed local time",
                       path, at, rule);
    for (size_t i = 0; i < c->n_pipelines; i++) {
        const struct config_pipeline *p = &c->pipelines[i];
        if (p->source == NULL)
            return err_set(e, ERR_CONFIG,
                           "%s:%d: [pipeline %s] needs source = dynamodb:TABLE or "
                           "aurora:CLUSTER[/TABLE]",
                           path, p->line, p->name);
        if (p->export_via == EXPORT_VIA_LAMBDA && c->aws.export_lambda == NULL)
            return err_set(e, ERR_CONFIG,
                           "%s:%d: [pipeline %s] has export_via = lambda but [aws] names no "
                           "export_lambda",
                           path, p->origin[CONFIG_PK_EXPORT_VIA].line, p->name);
    }
    return 0;
}

int config_read_file(struct config *c, FILE *f, const char *path, struct err *e)
{
    struct file_ctx x;
    int rc;

    memset(&x, 0, sizeof(x));
    x.c = c;
    x.f = f;
    x.path = path;
    rc = ini_parse_stream(reader, &x, handler, &x);
    for (size_t i = 0; i < x.n_seen; i++)
        free(x.seen[i].name);
    free(x.seen);
    if (rc == -2)
        return err_set(e, ERR_NOMEM, "out of memory reading %s", path);
    if (rc > 0 && (x.err.code == ERR_OK || rc < x.err_line))
        return err_set(e, ERR_CONFIG,
                       "%s:%d: not a '[section]' or 'key = value' line (comments start with ; or "
                       "#)",
                       path, rc);
    if (x.err.code != ERR_OK) {
        *e = x.err;
        return -1;
    }
    if (ferror(f))
        return err_set(e, ERR_IO, "cannot read config file %s", path);
    return cross_check(c, path, e);
}
