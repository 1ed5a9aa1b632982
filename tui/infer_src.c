/* tui/infer_src.c: the data and names behind `pipetop schema infer` (tui/infer_src.h): S3
 * export data through the session, the key schema from DescribeTable, the table names from the
 * configured pipelines. GET/Describe calls only. */
#include "tui/infer_src.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws_sign.h"
#include "core/ddb.h"
#include "core/infer_s3.h"
#include "tui/exitcode.h"
#include "tui/session.h"

void infer_src_init(struct infer_src *s)
{
    memset(s, 0, sizeof(*s));
}

void infer_src_release(struct infer_src *s)
{
    for (size_t i = 0; i < s->n_keys; i++)
        free(s->keys[i]);
    for (size_t i = 0; i < s->n_notes; i++)
        free(s->notes[i]);
    schema_fields_free(s->existing, s->n_existing);
    memset(s, 0, sizeof(*s));
}

void infer_src_note(struct infer_src *s, const char *fmt, ...)
{
    char buf[600];
    va_list ap;

    if (s->n_notes == INFER_SRC_NOTES)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ((s->notes[s->n_notes] = strdup(buf)) != NULL)
        s->n_notes++;
}

/* "dataset.table" of "[project.]dataset.table". */
static const char *short_name(const char *t)
{
    const char *a = strchr(t, '.'), *b = a ? strchr(a + 1, '.') : NULL;
    return b ? a + 1 : t;
}

static bool same_table(const char *a, const char *b)
{
    return a && b && strcmp(short_name(a), short_name(b)) == 0;
}

int infer_src_names(struct infer_src *s, const struct cli *cli, const char *table_opt,
                    const char *ddb_table, bool flat, struct err *e)
{
    struct config_overrides ov = {cli->config_path, cli->db_path, cli->read_only};
    struct config *cfg = NULL;
    const struct config_pipeline *p = NULL;
    struct err ce = ERR_INIT;

    if (config_load(&cfg, &ov, &ce) == 0) {
        for (size_t i = 0; i < cfg->n_pipelines && p == NULL; i++) {
            const struct config_pipeline *c = &cfg->pipelines[i];
            if (table_opt ? (same_table(c->table, table_opt) || same_table(c->raw_table, table_opt))
                          : (ddb_table && c->source && strcmp(c->source, ddb_table) == 0))
                p = c;
        }
    }
    if (table_opt != NULL)
        snprintf(s->table, sizeof(s->table), "%s", table_opt);
    else if (p != NULL)
        snprintf(s->table, sizeof(s->table), "%s", flat && p->table ? p->table : p->raw_table);
    else {
        snprintf(s->table, sizeof(s->table), "%s.%s", flat ? "mart" : "raw",
                 *s->ddb_table ? s->ddb_table : "TABLE");
        infer_src_note(s, "no --table and no configured pipeline: the table is named %s", s->table);
    }
    if (table_opt != NULL && !flat) /* --table names the raw table itself */
        snprintf(s->raw_table, sizeof(s->raw_table), "%s", table_opt);
    else if (p != NULL && p->raw_table != NULL)
        snprintf(s->raw_table, sizeof(s->raw_table), "%s", p->raw_table);
    else {
        const char *dot = strrchr(s->table, '.');
        snprintf(s->raw_table, sizeof(s->raw_table), "raw.%.500s", dot ? dot + 1 : s->table);
        if (flat)
            infer_src_note(s, "no configured pipeline names %s: the query reads raw table %s",
                           s->table, s->raw_table);
    }
    config_free(cfg);
    (void)e;
    return 0;
}
