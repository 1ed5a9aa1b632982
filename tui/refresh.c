/* tui/refresh.c: one refresh (tui/refresh.h): credentials first (never inside the HTTP
 * client's callbacks), the known finished items from history, the collection, then every write
 * in one transaction together with the refresh's own row, so readers never see half a refresh.
 * Idempotent: storing what the clouds said twice leaves the same rows. */
#include "tui/refresh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collect.h"
#include "core/days.h"
#include "core/link.h"
#include "core/schema.h"
#include "state/known.h"
#include "state/logs.h"
#include "state/runs.h"
#include "state/tables.h"

static int known_add(void *ctx, const char *id, const char *body)
{
    struct err e = ERR_INIT;
    return collect_cache_add(ctx, COLLECT_KIND_DDB_EXPORT, id, body, strlen(body), &e) != 0;
}

/* One table: its row, a schema version when the schema changed, and a row-count sample taken at
 * the table's last modification (so reading an unchanged table again rewrites the same sample).
 */
static int store_table(struct db *db, const struct table_meta *t, int64_t now_ms,
                       struct refresh_report *r, struct err *e)
{
    char *json = NULL, hash[SCHEMA_HASH_HEX];
    struct rowcount_sample smp = {NULL, 0, 0, 0};
    int added = 0, rc = -1;

    if (schema_to_json(t->fields, t->n_fields, &json, e) != 0 || schema_hash(json, hash, e) != 0)
        goto out;
    if (db_put_table(db, t, json, hash, now_ms, &added, e) != 0)
        goto out;
    r->tables++;
    r->new_schemas += added ? 1 : 0;
    if (t->num_rows >= 0) {
        if (table_full_name(&smp.table, t, e) != 0)
            goto out;
        smp.at_ms = t->modified_ms > 0 ? t->modified_ms : now_ms;
        smp.rows = t->num_rows;
        smp.bytes = t->num_bytes >= 0 ? t->num_bytes : 0;
        if (db_add_rowcount_sample(db, &smp, e) != 0)
            goto out;
        r->samples++;
    }
    rc = 0;
out:
    free(smp.table);
    free(json);
    return rc;
}

/* The linker's pipelines and the stage runs of their days. Pipelines first: a run refers to
 * its pipeline. */
static int store_linked(struct db *db, const struct link_graph *g, const struct days_result *d,
                        int64_t seen_ms, struct refresh_report *r, struct err *e)
{
    for (size_t i = 0; i < g->n; i++) {
        if (db_put_pipeline(db, &g->v[i].p, seen_ms, e) != 0)
            return -1;
        r->pipelines++;
    }
    for (size_t i = 0; i < d->n; i++) {
        if (db_put_stage_run(db, &d->runs[i], e) != 0)
            return -1;
        r->stage_runs++;
    }
    return 0;
}

/* What the linker could not place and what the day judgement could not decide, for the report. */
static int report_links(struct refresh_report *r, const struct link_graph *g,
                        const struct days_result *d, struct err *e)
{
    char line[1024];

    for (size_t i = 0; i < g->n_unlinked; i++) {
        const struct link_unlinked *u = &g->unlinked[i];
        snprintf(line, sizeof(line), "%s %s: %s", link_kind_name(u->kind), u->id ? u->id : "",
                 u->why ? u->why : "");
        if (refresh_report_add(&r->unlinked, &r->n_unlinked, line, e) != 0)
            return -1;
    }
    for (size_t i = 0; i < d->n_notes; i++)
        if (refresh_report_add(&r->notes, &r->n_notes, d->notes[i], e) != 0)
            return -1;
    return 0;
}

/* Finished descriptions are kept this long after they were first stored: ListExports stops
 * listing an export after 90 days, so an older description is never needed again. */
#define KNOWN_KEEP_MS (120LL * 24 * 60 * 60 * 1000)

/* Everything the collection read, inside the open transaction. */
static int store_all(struct db *db, const struct collect_result *c, const struct link_graph *g,
                     const struct days_result *d, struct refresh_report *r, struct err *e)
{
    const struct snapshot *s = &c->snap;

    for (size_t i = 0; i < s->n_dts; i++) {
        if (db_put_transfer_config(db, &s->dts[i].config.cfg, s->taken_ms, e) != 0)
            return -1;
        r->configs++;
        r->runs += s->dts[i].n_runs;
    }
    for (size_t i = 0; i < s->n_tables; i++)
        if (store_table(db, &s->tables[i], s->taken_ms, r, e) != 0)
            return -1;
    for (size_t i = 0; i < c->fresh.n; i++)
        if (db_known_put(db, c->fresh.v[i].kind, c->fresh.v[i].id, c->fresh.v[i].body, s->taken_ms,
                         e) != 0)
            return -1;
    if (db_known_prune(db, s->taken_ms - KNOWN_KEEP_MS, NULL, e) != 0)
        return -1;
    for (size_t i = 0; i < s->n_ddb; i++)
        r->exports += s->ddb[i].n_exports;
    r->export_tasks = s->n_rds_tasks;
    return store_linked(db, g, d, s->taken_ms, r, e);
}

static enum db_refresh_status db_status(enum refresh_status s)
{
    return s == REFRESH_OK        ? DB_REFRESH_OK
           : s == REFRESH_PARTIAL ? DB_REFRESH_PARTIAL
                                  : DB_REFRESH_FAILED;
}

/* Nothing at all was read: every source is a gap. */
static int read_nothing(const struct snapshot *s)
{
    return s->n_gaps > 0 && s->n_ddb == 0 && s->n_rds_tasks == 0 && s->n_dts == 0 &&
           s->n_tables == 0 && !s->export_rule.present;
}

static void fill_input(struct collect_input *in, const struct refresh_env *env,
                       const struct collect_cache *known, int64_t now_ms)
{
    memset(in, 0, sizeof(*in));
    in->cfg = env->cfg;
    in->http = env->http;
    in->now_ms = now_ms;
    in->aws_err = env->aws_err;
    in->aws_region = env->aws_region;
    in->ddb_endpoint = env->ddb_endpoint;
    in->rds_endpoint = env->rds_endpoint;
    in->events_endpoint = env->events_endpoint;
    in->gauth = env->gauth;
    in->google_err = env->google_err;
    in->gcp_project = env->gcp_project;
    in->gcp_location = env->gcp_location;
    in->dts_endpoint = env->dts_endpoint;
    in->bq_endpoint = env->bq_endpoint;
    in->known = known;
    in->page_size = env->page_size;
}

int refresh_run(const struct refresh_env *env, struct refresh_report *out, struct err *e)
{
    struct collect_cache known = {NULL, 0};
    struct collect_result res;
    struct collect_input in;
    struct link_graph graph;
    struct days_result days;
    struct days_opts dopts;
    struct err aws_err = ERR_INIT, txn_err = ERR_INIT;
    const struct aws_creds *creds = NULL;
    char summary[600];
    int rc = -1;

    memset(out, 0, sizeof(*out));
    memset(&res, 0, sizeof(res));
    memset(&graph, 0, sizeof(graph));
    memset(&days, 0, sizeof(days));
    out->started_ms = clock_now_ms(env->clock);
    out->status = REFRESH_FAILED;
    if (db_refresh_start(env->db, out->started_ms, &out->id, e) != 0)
        return -1;
    if (db_known_each(env->db, COLLECT_KIND_DDB_EXPORT, known_add, &known, e) != 0) {
        if (e->code == ERR_OK)
            err_set(e, ERR_NOMEM, "out of memory reading finished exports from history");
        goto finish;
    }
    fill_input(&in, env, &known, out->started_ms);
    /* Credentials before any call is submitted: the provider may itself make calls. */
    if (env->aws_creds != NULL && aws_creds_provider_get(env->aws_creds, &creds, &aws_err) != 0) {
        creds = NULL;
        in.aws_err = &aws_err;
    }
    in.aws_creds = creds;
    if (collect_run(&res, &in, e) != 0)
        goto finish;
    out->calls = res.calls;
    out->reused = res.reused;
    if (refresh_report_copy_gaps(out, &res.snap, e) != 0)
        goto finish;
    /* Linking and judging days are pure: done before the transaction, which then only writes. */
    days_opts_init(&dopts, env->cfg, &res.snap, res.snap.taken_ms);
    if (link_discover(&graph, &res.snap, env->cfg, e) != 0 ||
        days_build(&days, &graph, &res.snap, &dopts, e) != 0 ||
        report_links(out, &graph, &days, e) != 0)
        goto finish;
    if (db_begin(env->db, e) != 0)
        goto finish;
    if (store_all(env->db, &res, &graph, &days, out, e) != 0) {
        db_rollback(env->db);
        goto finish;
    }
    out->status = read_nothing(&res.snap) ? REFRESH_FAILED
                  : res.snap.n_gaps > 0   ? REFRESH_PARTIAL
                                          : REFRESH_OK;
    out->ended_ms = clock_now_ms(env->clock);
    refresh_report_summary(out, summary, sizeof(summary));
    if (db_refresh_finish(env->db, out->id, out->ended_ms, db_status(out->status), summary, e) !=
            0 ||
        db_commit(env->db, e) != 0) {
        db_rollback(env->db);
        out->status = REFRESH_FAILED;
        goto finish;
    }
    rc = 0;
finish:
    if (rc != 0) {
        /* Outside the rolled-back transaction: the refresh row says it failed and why. */
        out->ended_ms = clock_now_ms(env->clock);
        snprintf(summary, sizeof(summary), "not stored: %s", e->msg);
        db_refresh_finish(env->db, out->id, out->ended_ms, DB_REFRESH_FAILED, summary, &txn_err);
    }
    days_result_release(&days);
    link_graph_release(&graph);
    collect_result_release(&res);
    collect_cache_release(&known);
    return rc;
}
