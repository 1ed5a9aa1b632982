/* core/link_query.c: the BigQuery side of linking — raw and final table names, and which
 * scheduled queries read a pipeline's raw table (a query reading two raw tables belongs to both
 * pipelines). Pinned query configs win; the first query by name follows an unpinned pipeline. */
#include "core/link_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/sqlrefs.h"

void lk_unlinked(struct link_graph *g, enum link_kind kind, const char *id, char *why, int *nomem)
{
    struct link_unlinked *v;

    if (why == NULL) {
        *nomem = 1;
        return;
    }
    v = realloc(g->unlinked, (g->n_unlinked + 1) * sizeof(*v));
    if (v == NULL) {
        free(why);
        *nomem = 1;
        return;
    }
    g->unlinked = v;
    v[g->n_unlinked].kind = kind;
    v[g->n_unlinked].id = lk_strdup(id ? id : "", nomem);
    v[g->n_unlinked].why = why;
    if (v[g->n_unlinked].id == NULL) {
        free(why);
        *nomem = 1;
        return;
    }
    g->n_unlinked++;
}

char *lk_project(const struct config *cfg, const char *config_name, int *nomem)
{
    if (cfg->gcp.project != NULL)
        return lk_strdup(cfg->gcp.project, nomem);
    if (config_name != NULL && strncmp(config_name, "projects/", 9) == 0)
        return lk_printf(nomem, "%.*s", (int)strcspn(config_name + 9, "/"), config_name + 9);
    return NULL;
}

char *lk_full_table(const struct config *cfg, const char *t, const char *config_name, int *nomem)
{
    const char *d1 = strchr(t, '.');
    char *proj, *out;

    if (d1 != NULL && strchr(d1 + 1, '.') != NULL)
        return lk_strdup(t, nomem);
    proj = lk_project(cfg, config_name, nomem);
    out = proj ? lk_printf(nomem, "%s.%s", proj, t) : lk_strdup(t, nomem);
    free(proj);
    return out;
}

char *lk_destination(const struct config *cfg, const struct dts_config *c, int *nomem)
{
    struct err ignore = ERR_INIT;
    char *base = NULL, *out;

    if (c->cfg.destination_dataset == NULL || c->cfg.destination_table_template == NULL)
        return NULL;
    if (dts_table_base(&base, c->cfg.destination_table_template, &ignore)) {
        *nomem |= ignore.code == ERR_NOMEM;
        return NULL;
    }
    char *t = lk_printf(nomem, "%s.%s", c->cfg.destination_dataset, base);
    out = t ? lk_full_table(cfg, t, c->cfg.name, nomem) : NULL;
    free(t);
    free(base);
    return out;
}

/* The length of a table name without a shard suffix: "users_*", "users_20240516" -> "users". */
static size_t base_len(const char *t)
{
    size_t n = strlen(t);

    if (n > 0 && t[n - 1] == '*')
        n--;
    else if (n > 9 && t[n - 9] == '_' && strspn(t + n - 8, "0123456789") == 8)
        n -= 9;
    while (n > 0 && t[n - 1] == '_')
        n--;
    return n;
}

static bool numeric(const char *s)
{
    return s != NULL && *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* Whether reference r (in a query of project qproj) names the table `full`. Project numbers
 * (DTS names carry them) are not compared with project ids. */
static bool ref_is(const struct sql_table_ref *r, const char *qproj, const char *full)
{
    struct sql_table_ref f;
    struct err ignore = ERR_INIT;
    const char *rp = r->project ? r->project : qproj;
    bool same;

    if (full == NULL || sqlrefs_table(&f, full, &ignore) != 0)
        return false;
    size_t rn = base_len(r->table);
    same = strcmp(r->dataset, f.dataset) == 0 && rn == base_len(f.table) &&
           strncmp(r->table, f.table, rn) == 0;
    if (same && rp != NULL && f.project != NULL && !numeric(rp) && !numeric(f.project))
        same = strcmp(rp, f.project) == 0;
    sql_table_ref_release(&f);
    return same;
}

static char *ref_text(const struct sql_table_ref *r, const char *qproj, int *nomem)
{
    const char *p = r->project ? r->project : qproj;

    return p ? lk_printf(nomem, "%s.%s.%s", p, r->dataset, r->table)
             : lk_printf(nomem, "%s.%s", r->dataset, r->table);
}

static bool config_is(const char *name, const char *pin)
{
    const char *slash = strrchr(name, '/');

    return strcmp(name, pin) == 0 || (slash != NULL && strcmp(slash + 1, pin) == 0);
}

/* The final table a query writes: its DDL/DML target, else its destination. */
static char *final_table(const struct config *cfg, const struct snap_dts_config *q,
                         const struct sql_refs *refs, int *nomem)
{
    if (refs->n_writes > 0) {
        char *proj = lk_project(cfg, q->config.cfg.name, nomem);
        char *t = ref_text(&refs->writes[0], proj, nomem);
        free(proj);
        return t;
    }
    return lk_destination(cfg, &q->config, nomem);
}

/* A scheduled query with its references and how many pipelines' raw tables it reads. */
struct qinfo {
    const struct snap_dts_config *q;
    struct sql_refs refs;
    char *proj;
    size_t hits;
};

static bool reads_raw(const struct qinfo *qi, const struct link_pipeline *lp)
{
    for (size_t r = 0; r < qi->refs.n_reads; r++)
        if (ref_is(&qi->refs.reads[r], qi->proj, lp->p.raw_table))
            return true;
    return false;
}

static void link_one(struct link_graph *g, const struct config *cfg, struct qinfo *qi, int *nomem)
{
    const char *name = qi->q->config.cfg.name, *taken_by = NULL;
    bool linked = false;

    for (size_t i = 0; i < g->n; i++) {
        struct link_pipeline *lp = &g->v[i];
        const struct config_pipeline *cp =
            lp->p.pinned ? config_pipeline_find(cfg, lp->p.name) : NULL;
        bool mine;
        if (cp != NULL && cp->query_config != NULL) {
            mine = config_is(name, cp->query_config);
        } else {
            mine = reads_raw(qi, lp);
            if (mine && lp->query != NULL) {
                taken_by = lp->p.name;
                mine = false;
            }
        }
        if (!mine)
            continue;
        linked = true;
        if (lp->query == NULL) {
            lp->query = qi->q;
            free(lp->p.query_config);
            lp->p.query_config = lk_strdup(name, nomem);
            if (lp->p.table == NULL)
                lp->p.table = final_table(cfg, qi->q, &qi->refs, nomem);
        }
    }
    if (linked)
        return;
    if (taken_by != NULL) {
        lk_unlinked(g, LINK_QUERY, name,
                    lk_printf(nomem,
                              "it reads the raw table of pipeline %s, which follows another "
                              "scheduled query; pin it with [pipeline NAME] query_config",
                              taken_by),
                    nomem);
        return;
    }
    char *first = qi->refs.n_reads ? ref_text(&qi->refs.reads[0], qi->proj, nomem) : NULL;
    lk_unlinked(g, LINK_QUERY, name,
                lk_printf(nomem,
                          "it reads no raw table loaded by a linked transfer (%s%s); pin it "
                          "with [pipeline NAME] query_config",
                          first ? "it reads " : "no FROM/JOIN table found", first ? first : ""),
                nomem);
    free(first);
}

/* Queries reading fewer pipelines' raw tables first (a table's own flattening query before a
 * join over several), then by name. */
static int by_hits_name(const void *a, const void *b)
{
    const struct qinfo *x = a, *y = b;

    if (x->hits != y->hits)
        return x->hits < y->hits ? -1 : 1;
    return strcmp(x->q->config.cfg.name, y->q->config.cfg.name);
}

void lk_link_queries(struct link_graph *g, const struct snapshot *s, const struct config *cfg,
                     int *nomem)
{
    struct qinfo *q = calloc(s->n_dts ? s->n_dts : 1, sizeof(*q));
    size_t n = 0;

    if (q == NULL) {
        *nomem = 1;
        return;
    }
    for (size_t i = 0; i < s->n_dts && !*nomem; i++) {
        const struct snap_dts_config *c = &s->dts[i];
        struct err e = ERR_INIT;
        if (c->config.cfg.data_source_id == NULL || c->config.cfg.name == NULL ||
            strcmp(c->config.cfg.data_source_id, "scheduled_query") != 0)
            continue;
        q[n].q = c;
        q[n].proj = lk_project(cfg, c->config.cfg.name, nomem);
        if (sqlrefs_parse(&q[n].refs, c->config.cfg.query, &e) != 0)
            *nomem = 1;
        for (size_t k = 0; k < g->n; k++)
            q[n].hits += reads_raw(&q[n], &g->v[k]);
        n++;
    }
    qsort(q, n, sizeof(*q), by_hits_name);
    for (size_t i = 0; i < n && !*nomem; i++)
        link_one(g, cfg, &q[i], nomem);
    for (size_t i = 0; i < n; i++) {
        sqlrefs_release(&q[i].refs);
        free(q[i].proj);
    }
    free(q);
    for (size_t i = 0; i < g->n && !*nomem; i++) {
        struct link_pipeline *lp = &g->v[i];
        const struct config_pipeline *cp =
            lp->p.pinned ? config_pipeline_find(cfg, lp->p.name) : NULL;
        if (cp == NULL)
            continue;
        if (cp->table != NULL) {
            free(lp->p.table);
            lp->p.table =
                lk_full_table(cfg, cp->table, lp->query ? lp->query->config.cfg.name : NULL, nomem);
        }
        if (cp->query_config != NULL && lp->query == NULL) {
            lp->p.query_config = lk_strdup(cp->query_config, nomem);
            lk_unlinked(g, LINK_PINNED, cp->name,
                        lk_printf(nomem,
                                  "[pipeline %s] names query config %s, which is not among the "
                                  "scheduled queries read",
                                  cp->name, cp->query_config),
                        nomem);
        }
    }
}
