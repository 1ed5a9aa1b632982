/* core/link.c: lineage discovery (core/link.h) — pinned [pipeline NAME] sections first, then one
 * pipeline per amazon_s3 transfer config that reads exactly one source's exports, then the
 * scheduled queries that read those raw tables. Anything left over becomes an unlinked object
 * with its reason. Never guesses between two candidates: ambiguity is reported, not resolved. */
#include "core/link.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/link_int.h"
#include "core/sqlrefs.h"

struct ctx {
    const struct snapshot *s;
    const struct config *cfg;
    struct link_graph *g;
    struct link_transfer *tr;
    size_t n_tr;
    int nomem;
};

const char *link_kind_name(enum link_kind k)
{
    static const char *const names[] = {"dynamodb-exports", "aurora-export", "transfer", "query",
                                        "pinned"};
    return (unsigned)k <= LINK_PINNED ? names[k] : "?";
}

static void unlinked(struct ctx *x, enum link_kind kind, const char *id, char *why)
{
    lk_unlinked(x->g, kind, id, why, &x->nomem);
}

static struct link_pipeline *add_pipeline(struct ctx *x, const char *name)
{
    struct link_graph *g = x->g;
    struct link_pipeline *v = realloc(g->v, (g->n + 1) * sizeof(*v));

    if (v == NULL) {
        x->nomem = 1;
        return NULL;
    }
    g->v = v;
    memset(&v[g->n], 0, sizeof(v[g->n]));
    v[g->n].p.name = lk_strdup(name, &x->nomem);
    return &v[g->n++];
}

static bool name_taken(const struct link_graph *g, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->v[i].p.name && strcmp(g->v[i].p.name, name) == 0)
            return true;
    return false;
}

/* A transfer config named by its full name or its id (what follows "transferConfigs/"). */
static bool config_is(const char *name, const char *pin)
{
    const char *slash = strrchr(name, '/');

    return strcmp(name, pin) == 0 || (slash != NULL && strcmp(slash + 1, pin) == 0);
}

static bool cand_is(const struct link_cand *c, const struct link_pipeline *lp)
{
    if (c->kind == SOURCE_DYNAMODB)
        return lp->ddb != NULL && c->ddb == lp->ddb;
    if (lp->aurora_cluster == NULL || strcmp(c->cluster, lp->aurora_cluster) != 0)
        return false;
    if (lp->aurora_table == NULL)
        return true;
    return c->table != NULL && lk_aurora_table_eq(c->table, lp->aurora_table);
}

static char *cand_name(struct ctx *x, const struct link_cand *c)
{
    if (c->kind == SOURCE_DYNAMODB)
        return lk_strdup(c->ddb->table.name, &x->nomem);
    if (c->table != NULL)
        return lk_printf(&x->nomem, "%s/%s", c->cluster, c->table);
    return lk_strdup(c->cluster, &x->nomem);
}

static int by_config_name(const void *a, const void *b)
{
    const struct link_transfer *x = a, *y = b;

    return strcmp(x->c->config.cfg.name, y->c->config.cfg.name);
}

static bool is_source(const struct snap_dts_config *c, const char *id)
{
    return c->config.cfg.data_source_id && strcmp(c->config.cfg.data_source_id, id) == 0;
}

/* Compiles every amazon_s3 config's data_path and finds the sources it reads. */
static void load_transfers(struct ctx *x)
{
    x->tr = calloc(x->s->n_dts ? x->s->n_dts : 1, sizeof(*x->tr));
    if (x->tr == NULL) {
        x->nomem = 1;
        return;
    }
    for (size_t i = 0; i < x->s->n_dts; i++) {
        const struct snap_dts_config *c = &x->s->dts[i];
        struct link_transfer *t = &x->tr[x->n_tr];
        struct err e = ERR_INIT;
        if (!is_source(c, "amazon_s3") || c->config.cfg.name == NULL)
            continue;
        t->c = c;
        x->n_tr++;
        if (dts_s3_split(c->config.cfg.data_path, &t->bucket, &t->key, &e) ||
            dts_pattern_compile(&t->pat, t->key, &e)) {
            x->nomem |= e.code == ERR_NOMEM;
            t->error = lk_strdup(e.msg, &x->nomem);
            continue;
        }
        if (lk_candidates(t, x->s))
            x->nomem = 1;
    }
    qsort(x->tr, x->n_tr, sizeof(*x->tr), by_config_name);
}

static void set_source_fields(struct ctx *x, struct link_pipeline *lp)
{
    if (lp->ddb != NULL) {
        lp->p.source_kind = SOURCE_DYNAMODB;
        lp->p.source = lk_strdup(lp->ddb->table.name, &x->nomem);
        lp->p.source_arn = lk_strdup(lp->ddb->table.arn, &x->nomem);
    } else if (lp->aurora_cluster != NULL) {
        lp->p.source_kind = SOURCE_AURORA;
        lp->p.source = lk_strdup(lp->aurora_cluster, &x->nomem);
    }
}

static void claim(struct ctx *x, struct link_pipeline *lp, struct link_transfer *t)
{
    t->claimed = true;
    lp->transfer = t->c;
    lp->p.transfer_config = lk_strdup(t->c->config.cfg.name, &x->nomem);
}

/* The pinned pipelines, in config order. */
static void pinned(struct ctx *x)
{
    for (size_t i = 0; i < x->cfg->n_pipelines && !x->nomem; i++) {
        const struct config_pipeline *cp = &x->cfg->pipelines[i];
        struct link_pipeline *lp = add_pipeline(x, cp->name);
        if (lp == NULL)
            return;
        lp->p.pinned = true;
        if (cp->source_kind == SOURCE_DYNAMODB) {
            for (size_t k = 0; k < x->s->n_ddb; k++)
                if (x->s->ddb[k].table.name && strcmp(x->s->ddb[k].table.name, cp->source) == 0)
                    lp->ddb = &x->s->ddb[k];
            if (lp->ddb == NULL)
                unlinked(x, LINK_PINNED, cp->name,
                         lk_printf(&x->nomem,
                                   "[pipeline %s] names DynamoDB table %s, which this refresh "
                                   "did not read (check the name and [aws] dynamodb_tables)",
                                   cp->name, cp->source));
        } else {
            lp->aurora_cluster = lk_strdup(cp->source, &x->nomem);
            lp->aurora_table = lk_strdup(cp->source_table, &x->nomem);
        }
        set_source_fields(x, lp);
        lp->p.source_kind = cp->source_kind;
        if (lp->p.source == NULL)
            lp->p.source = lk_strdup(cp->source, &x->nomem);
        lp->p.export_bucket = lk_strdup(cp->export_bucket, &x->nomem);
        lp->p.export_prefix = lk_strdup(cp->export_prefix, &x->nomem);
        if (cp->transfer_config != NULL) {
            for (size_t k = 0; k < x->n_tr && lp->transfer == NULL; k++)
                if (config_is(x->tr[k].c->config.cfg.name, cp->transfer_config))
                    claim(x, lp, &x->tr[k]);
            if (lp->transfer == NULL) {
                lp->p.transfer_config = lk_strdup(cp->transfer_config, &x->nomem);
                unlinked(x, LINK_PINNED, cp->name,
                         lk_printf(&x->nomem,
                                   "[pipeline %s] names transfer config %s, which is not among "
                                   "the amazon_s3 transfer configs read",
                                   cp->name, cp->transfer_config));
            }
            continue;
        }
        for (size_t k = 0; k < x->n_tr && lp->transfer == NULL; k++)
            for (size_t c = 0; c < x->tr[k].n_cands && !x->tr[k].claimed; c++)
                if (cand_is(&x->tr[k].cands[c], lp))
                    claim(x, lp, &x->tr[k]);
    }
}

/* The pipeline whose source is candidate c, or NULL. */
static struct link_pipeline *owner_of(struct ctx *x, const struct link_cand *c)
{
    for (size_t i = 0; i < x->g->n; i++)
        if (cand_is(c, &x->g->v[i]))
            return &x->g->v[i];
    return NULL;
}

static void discovered(struct ctx *x)
{
    for (size_t k = 0; k < x->n_tr && !x->nomem; k++) {
        struct link_transfer *t = &x->tr[k];
        const char *name = t->c->config.cfg.name;
        if (t->claimed)
            continue;
        if (t->error != NULL) {
            unlinked(x, LINK_TRANSFER, name,
                     lk_printf(&x->nomem, "its data_path %s cannot be used: %s",
                               t->c->config.cfg.data_path ? t->c->config.cfg.data_path : "(none)",
                               t->error));
            continue;
        }
        if (t->n_cands == 0) {
            unlinked(x, LINK_TRANSFER, name,
                     lk_printf(&x->nomem,
                               "its data_path %s matches no DynamoDB or Aurora export read; pin "
                               "it with [pipeline NAME] source and transfer_config",
                               t->c->config.cfg.data_path));
            continue;
        }
        if (t->n_cands > 1) {
            char *a = cand_name(x, &t->cands[0]), *b = cand_name(x, &t->cands[1]);
            unlinked(x, LINK_TRANSFER, name,
                     lk_printf(&x->nomem,
                               "its data_path %s matches the exports of %s and %s%s; pin the "
                               "one it loads with [pipeline NAME] transfer_config",
                               t->c->config.cfg.data_path, a ? a : "?", b ? b : "?",
                               t->n_cands > 2 ? " and more" : ""));
            free(a);
            free(b);
            continue;
        }
        struct link_pipeline *lp = owner_of(x, &t->cands[0]);
        if (lp != NULL && lp->transfer == NULL && lp->p.transfer_config == NULL) {
            claim(x, lp, t);
            continue;
        }
        if (lp != NULL) {
            unlinked(x, LINK_TRANSFER, name,
                     lk_printf(&x->nomem,
                               "it also loads the exports of %s, whose pipeline uses %s; pin "
                               "the one to follow with [pipeline NAME] transfer_config",
                               lp->p.name, lp->p.transfer_config));
            continue;
        }
        char *pname = cand_name(x, &t->cands[0]);
        if (pname == NULL)
            return;
        for (int n = 2; name_taken(x->g, pname) && !x->nomem; n++) {
            char *again = lk_printf(&x->nomem, "%s~%d", pname, n);
            free(pname);
            pname = again;
        }
        lp = add_pipeline(x, pname);
        free(pname);
        if (lp == NULL)
            return;
        if (t->cands[0].kind == SOURCE_DYNAMODB) {
            lp->ddb = t->cands[0].ddb;
        } else {
            lp->aurora_cluster = lk_strdup(t->cands[0].cluster, &x->nomem);
            lp->aurora_table = lk_strdup(t->cands[0].table, &x->nomem);
        }
        set_source_fields(x, lp);
        claim(x, lp, t);
    }
}

/* Exports, export location and raw table of every pipeline. */
static void fill(struct ctx *x)
{
    for (size_t i = 0; i < x->g->n && !x->nomem; i++) {
        struct link_pipeline *lp = &x->g->v[i];
        const struct config_pipeline *cp =
            lp->p.pinned ? config_pipeline_find(x->cfg, lp->p.name) : NULL;
        if (lk_collect_exports(lp, x->s, lp->p.export_bucket, lp->p.export_prefix))
            x->nomem = 1;
        if (lp->p.export_bucket == NULL && lp->transfer != NULL) {
            char *key = NULL;
            struct err e = ERR_INIT;
            if (dts_s3_split(lp->transfer->config.cfg.data_path, &lp->p.export_bucket, &key, &e) ==
                    0 &&
                dts_template_literal_dir(&lp->p.export_prefix, key, &e) != 0)
                x->nomem = 1;
            free(key);
        }
        if (cp != NULL && cp->raw_table != NULL)
            lp->p.raw_table =
                lk_full_table(x->cfg, cp->raw_table,
                              lp->transfer ? lp->transfer->config.cfg.name : NULL, &x->nomem);
        else if (lp->transfer != NULL)
            lp->p.raw_table = lk_destination(x->cfg, &lp->transfer->config, &x->nomem);
    }
}

static int by_name(const void *a, const void *b)
{
    const struct link_pipeline *x = a, *y = b;

    return strcmp(x->p.name, y->p.name);
}

static int by_kind_id(const void *a, const void *b)
{
    const struct link_unlinked *x = a, *y = b;

    int c;

    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    c = strcmp(x->id, y->id);
    return c != 0 ? c : strcmp(x->why, y->why);
}

int link_discover(struct link_graph *g, const struct snapshot *s, const struct config *cfg,
                  struct err *e)
{
    struct ctx x = {s, cfg, g, NULL, 0, 0};

    memset(g, 0, sizeof(*g));
    load_transfers(&x);
    if (!x.nomem)
        pinned(&x);
    if (!x.nomem)
        discovered(&x);
    if (!x.nomem)
        fill(&x);
    if (!x.nomem)
        lk_link_queries(g, s, cfg, &x.nomem);
    if (!x.nomem)
        lk_unlinked_exports(g, s, &x.nomem);
    for (size_t i = 0; i < x.n_tr; i++) {
        free(x.tr[i].bucket);
        free(x.tr[i].key);
        free(x.tr[i].error);
        dts_pattern_release(&x.tr[i].pat);
        for (size_t c = 0; c < x.tr[i].n_cands; c++)
            lk_cand_release(&x.tr[i].cands[c]);
        free(x.tr[i].cands);
    }
    free(x.tr);
    if (x.nomem) {
        link_graph_release(g);
        return err_set(e, ERR_NOMEM, "linking pipelines: out of memory");
    }
    for (size_t i = 0; i < g->n; i++)
        if (g->v[i].p.name == NULL) {
            link_graph_release(g);
            return err_set(e, ERR_NOMEM, "linking pipelines: out of memory");
        }
    if (g->n > 1)
        qsort(g->v, g->n, sizeof(*g->v), by_name);
    if (g->n_unlinked > 1)
        qsort(g->unlinked, g->n_unlinked, sizeof(*g->unlinked), by_kind_id);
    return 0;
}

void link_graph_release(struct link_graph *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->n; i++) {
        struct link_pipeline *lp = &g->v[i];
        pipeline_release(&lp->p);
        free(lp->aurora_cluster);
        free(lp->aurora_table);
        for (size_t j = 0; j < lp->n_exports; j++)
            free(lp->exports[j].key);
        free(lp->exports);
    }
    free(g->v);
    for (size_t i = 0; i < g->n_unlinked; i++) {
        free(g->unlinked[i].id);
        free(g->unlinked[i].why);
    }
    free(g->unlinked);
    memset(g, 0, sizeof(*g));
}
