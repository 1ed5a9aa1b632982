/* core/link_src.c: the source side of linking — which DynamoDB table or Aurora cluster/table a
 * transfer's data_path reads (by matching its pattern against every export's S3 location), the
 * exports that belong to a source, and the exports no pipeline took. Pure; reads only the
 * snapshot. */
#include "core/link_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *lk_strdup(const char *s, int *nomem)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    if (d == NULL)
        *nomem = 1;
    return d;
}

char *lk_printf(int *nomem, const char *fmt, ...)
{
    va_list ap;
    char *out = NULL;

    va_start(ap, fmt);
    if (vasprintf(&out, fmt, ap) < 0) {
        out = NULL;
        *nomem = 1;
    }
    va_end(ap);
    return out;
}

void lk_cand_release(struct link_cand *c)
{
    free(c->cluster);
    free(c->table);
    memset(c, 0, sizeof(*c));
}

char *link_rds_cluster(const struct rds_export_task *t, const struct rds_cluster_snapshot *snaps,
                       size_t n_snaps)
{
    const char *arn = t->source_arn, *p;

    if (arn == NULL)
        return NULL;
    if ((p = strstr(arn, ":cluster:")) != NULL)
        return strdup(p + 9);
    for (size_t i = 0; i < n_snaps; i++)
        if (snaps[i].arn && strcmp(snaps[i].arn, arn) == 0 && snaps[i].cluster_id)
            return strdup(snaps[i].cluster_id);
    if ((p = strstr(arn, ":cluster-snapshot:rds:")) != NULL) {
        /* automated snapshot: rds:CLUSTER-YYYY-MM-DD-HH-MM */
        size_t n = strlen(p + 22);
        if (n > 17 && p[22 + n - 17] == '-')
            return strndup(p + 22, n - 17);
    }
    return NULL;
}

bool lk_aurora_table_eq(const char *member, const char *want)
{
    const char *dot;

    if (strcmp(member, want) == 0)
        return true;
    if (strchr(want, '.') != NULL)
        return false;
    dot = strrchr(member, '.');
    return dot != NULL && strcmp(dot + 1, want) == 0;
}

bool lk_task_covers(const struct rds_export_task *t, const char *table)
{
    if (t->n_export_only == 0 || table == NULL)
        return true;
    for (size_t i = 0; i < t->n_export_only; i++) {
        const char *m = t->export_only[i];
        size_t dbn = strcspn(table, ".");
        if (lk_aurora_table_eq(m, table))
            return true;
        if (strchr(m, '.') == NULL && strlen(m) == dbn && strncmp(m, table, dbn) == 0)
            return true; /* the whole database */
    }
    return false;
}

/* "prefix/id" or "prefix/id/db/schema.table" for member (MySQL "db.t" -> "db/db.t", PostgreSQL
 * "db.s.t" -> "db/s.t"). */
static char *aurora_key(const struct rds_export_task *t, const char *member, int *nomem)
{
    const char *pre = t->s3_prefix ? t->s3_prefix : "";
    size_t pn = strlen(pre);
    const char *sep = (pn > 0 && pre[pn - 1] != '/') ? "/" : "";
    const char *id = t->id ? t->id : "";

    if (member == NULL || strchr(member, '.') == NULL)
        return lk_printf(nomem, "%s%s%s", pre, sep, id);
    size_t dbn = strcspn(member, ".");
    const char *rest = member + dbn + 1;
    if (strchr(rest, '.') != NULL) /* db.schema.table */
        return lk_printf(nomem, "%s%s%s/%.*s/%s", pre, sep, id, (int)dbn, member, rest);
    return lk_printf(nomem, "%s%s%s/%.*s/%s", pre, sep, id, (int)dbn, member, member);
}

/* The Aurora table a data_path key names: the first literal segment pair "db/x.y" (x.y being
 * "db.table" for MySQL, "schema.table" for PostgreSQL). NULL when there is none. */
static char *table_from_key(const char *key, int *nomem)
{
    const char *a = key;

    while (*a != '\0') {
        size_t an = strcspn(a, "/");
        const char *b = a + an;
        if (*b != '/')
            break;
        b++;
        size_t bn = strcspn(b, "/");
        bool lit = strcspn(a, "{*") > an + 1 + bn;
        const char *dot = memchr(b, '.', bn);
        if (lit && an > 0 && dot != NULL && b[bn] == '/') {
            if (bn > an && strncmp(b, a, an) == 0 && b[an] == '.')
                return lk_printf(nomem, "%.*s", (int)bn, b);
            return lk_printf(nomem, "%.*s.%.*s", (int)an, a, (int)bn, b);
        }
        a = b;
    }
    return NULL;
}

static bool same_cand(const struct link_cand *a, const struct link_cand *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == SOURCE_DYNAMODB)
        return a->ddb == b->ddb;
    return strcmp(a->cluster, b->cluster) == 0 &&
           ((a->table == NULL && b->table == NULL) ||
            (a->table && b->table && strcmp(a->table, b->table) == 0));
}

static int add_cand(struct link_transfer *t, struct link_cand *c)
{
    for (size_t i = 0; i < t->n_cands; i++)
        if (same_cand(&t->cands[i], c)) {
            lk_cand_release(c);
            return 0;
        }
    struct link_cand *v = realloc(t->cands, (t->n_cands + 1) * sizeof(*v));
    if (v == NULL) {
        lk_cand_release(c);
        return -1;
    }
    t->cands = v;
    v[t->n_cands++] = *c;
    return 0;
}

static bool reads(const struct link_transfer *t, const char *bucket, const char *key)
{
    return bucket != NULL && strcmp(bucket, t->bucket) == 0 &&
           dts_pattern_reads_prefix(&t->pat, key ? key : "");
}

static int aurora_cands(struct link_transfer *t, const struct snapshot *s)
{
    int nomem = 0;

    for (size_t i = 0; i < s->n_rds_tasks && !nomem; i++) {
        const struct rds_export_task *task = &s->rds_tasks[i];
        char *base = aurora_key(task, NULL, &nomem);
        bool hit = base && reads(t, task->s3_bucket, base), found = false;
        free(base);
        if (!hit)
            continue;
        char *cluster = link_rds_cluster(task, s->rds_snapshots, s->n_rds_snapshots);
        if (cluster == NULL)
            continue;
        for (size_t m = 0; m < task->n_export_only && !nomem; m++) {
            char *k = aurora_key(task, task->export_only[m], &nomem);
            if (k && strchr(task->export_only[m], '.') && reads(t, task->s3_bucket, k)) {
                struct link_cand c = {SOURCE_AURORA, NULL, lk_strdup(cluster, &nomem),
                                      lk_strdup(task->export_only[m], &nomem)};
                found = true;
                nomem |= add_cand(t, &c);
            }
            free(k);
        }
        if (!found) {
            char *table = table_from_key(t->key, &nomem);
            if (table == NULL || lk_task_covers(task, table)) {
                struct link_cand c = {SOURCE_AURORA, NULL, lk_strdup(cluster, &nomem), table};
                nomem |= add_cand(t, &c);
            } else {
                free(table);
            }
        }
        free(cluster);
    }
    return nomem ? -1 : 0;
}

/* Where a DynamoDB export's data files are: "{S3Prefix}/AWSDynamoDB/{exportId}/data" (the id
 * is the last part of the export ARN). */
static char *ddb_key(const struct ddb_export *x, int *nomem)
{
    const char *pre = x->s3_prefix ? x->s3_prefix : "";
    const char *id = x->arn ? strrchr(x->arn, '/') : NULL;
    size_t pn = strlen(pre);

    while (pn > 0 && pre[pn - 1] == '/')
        pn--;
    return lk_printf(nomem, "%.*s%sAWSDynamoDB/%s/data", (int)pn, pre, pn ? "/" : "",
                     id ? id + 1 : "*");
}

int lk_candidates(struct link_transfer *t, const struct snapshot *s)
{
    int nomem = 0;

    for (size_t i = 0; i < s->n_ddb && !nomem; i++) {
        const struct snap_ddb_table *d = &s->ddb[i];
        for (size_t j = 0; j < d->n_exports; j++) {
            char *key = ddb_key(&d->exports[j], &nomem);
            bool hit = key != NULL && reads(t, d->exports[j].s3_bucket, key);
            free(key);
            if (hit) {
                struct link_cand c = {SOURCE_DYNAMODB, d, NULL, NULL};
                if (add_cand(t, &c))
                    return -1;
                break;
            }
        }
    }
    return nomem ? -1 : aurora_cands(t, s);
}

static bool under_pin(const char *bucket, const char *key, const char *pin_bucket,
                      const char *pin_prefix)
{
    if (pin_bucket == NULL)
        return true;
    if (bucket == NULL || strcmp(bucket, pin_bucket) != 0)
        return false;
    return pin_prefix == NULL || strncmp(key ? key : "", pin_prefix, strlen(pin_prefix)) == 0;
}

static int push_export(struct link_pipeline *lp, const struct ddb_export *dx,
                       const struct rds_export_task *rx, const char *bucket, char *key)
{
    struct link_export *v = realloc(lp->exports, (lp->n_exports + 1) * sizeof(*v));

    if (v == NULL || key == NULL) {
        free(key);
        if (v != NULL)
            lp->exports = v;
        return -1;
    }
    lp->exports = v;
    v[lp->n_exports].ddb = dx;
    v[lp->n_exports].rds = rx;
    v[lp->n_exports].bucket = bucket;
    v[lp->n_exports].key = key;
    lp->n_exports++;
    return 0;
}

int lk_collect_exports(struct link_pipeline *lp, const struct snapshot *s, const char *pin_bucket,
                       const char *pin_prefix)
{
    int nomem = 0;

    if (lp->ddb != NULL) {
        for (size_t j = 0; j < lp->ddb->n_exports; j++) {
            const struct ddb_export *x = &lp->ddb->exports[j];
            if (under_pin(x->s3_bucket, x->s3_prefix, pin_bucket, pin_prefix) &&
                push_export(lp, x, NULL, x->s3_bucket, ddb_key(x, &nomem)))
                return -1;
        }
        return 0;
    }
    if (lp->aurora_cluster == NULL)
        return 0;
    for (size_t i = 0; i < s->n_rds_tasks; i++) {
        const struct rds_export_task *t = &s->rds_tasks[i];
        char *cluster = link_rds_cluster(t, s->rds_snapshots, s->n_rds_snapshots);
        bool mine = cluster != NULL && strcmp(cluster, lp->aurora_cluster) == 0 &&
                    lk_task_covers(t, lp->aurora_table) &&
                    under_pin(t->s3_bucket, t->s3_prefix, pin_bucket, pin_prefix);
        free(cluster);
        if (!mine)
            continue;
        const char *member = NULL;
        for (size_t m = 0; m < t->n_export_only && lp->aurora_table; m++)
            if (lk_aurora_table_eq(t->export_only[m], lp->aurora_table))
                member = t->export_only[m];
        if (member == NULL)
            member = lp->aurora_table; /* whole-database or whole-cluster task */
        if (push_export(lp, NULL, t, t->s3_bucket, aurora_key(t, member, &nomem)))
            return -1;
    }
    return 0;
}

void lk_unlinked_exports(struct link_graph *g, const struct snapshot *s, int *nomem)
{
    for (size_t i = 0; i < s->n_ddb; i++) {
        const struct snap_ddb_table *d = &s->ddb[i];
        bool owned = false;
        for (size_t k = 0; k < g->n; k++)
            owned |= g->v[k].ddb == d;
        if (owned || d->table.name == NULL)
            continue;
        if (d->n_exports == 0) {
            lk_unlinked(g, LINK_DYNAMODB_EXPORTS, d->table.name,
                        lk_printf(nomem, "the table has no exports in the window"), nomem);
            continue;
        }
        const struct ddb_export *last = &d->exports[d->n_exports - 1];
        lk_unlinked(g, LINK_DYNAMODB_EXPORTS, d->table.name,
                    lk_printf(nomem,
                              "%zu export(s) (e.g. to s3://%s/%s) that no amazon_s3 transfer "
                              "config reads; pin one with [pipeline %s] transfer_config",
                              d->n_exports, last->s3_bucket ? last->s3_bucket : "?",
                              last->s3_prefix ? last->s3_prefix : "", d->table.name),
                    nomem);
    }
    for (size_t i = 0; i < s->n_rds_tasks; i++) {
        const struct rds_export_task *t = &s->rds_tasks[i];
        bool owned = false;
        for (size_t k = 0; k < g->n; k++)
            for (size_t j = 0; j < g->v[k].n_exports; j++)
                owned |= g->v[k].exports[j].rds == t;
        if (!owned)
            lk_unlinked(
                g, LINK_AURORA_EXPORT, t->id,
                lk_printf(nomem,
                          "Aurora export to s3://%s/%s that no amazon_s3 transfer config "
                          "reads; pin it with [pipeline NAME] source = aurora:CLUSTER/TABLE",
                          t->s3_bucket ? t->s3_bucket : "?", t->s3_prefix ? t->s3_prefix : ""),
                nomem);
    }
}
