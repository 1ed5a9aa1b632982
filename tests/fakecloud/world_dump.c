/* tests/fakecloud/world_dump.c: GET /_fake/world — a summary of the world as it is now (counts,
 * each pipeline's per-day stage states, BigQuery row counts) for tests and for people reading
 * a scenario. Read-only; never shows a secret. */
#include "tests/fakecloud/world.h"

#include <string.h>

#include "tests/fakecloud/world_int.h"

static const char *ddb_state(const struct fw_world *w, size_t pi, int day, int64_t now)
{
    const char *s = NULL;

    for (size_t i = 0; i < w->n_ddb_exports; i++)
        if (w->ddb_exports[i].pipeline == (int)pi && w->ddb_exports[i].day == day)
            s = fw_state_name(fw_status_at(&w->ddb_exports[i].work, now));
    return s;
}

static const char *rds_state(const struct fw_world *w, size_t cluster, int day, int64_t now)
{
    const char *s = NULL;

    for (size_t i = 0; i < w->n_rds_exports; i++)
        if (w->rds_exports[i].cluster == cluster && w->rds_exports[i].day == day)
            s = fw_state_name(fw_status_at(&w->rds_exports[i].work, now));
    return s;
}

static const char *run_state(const struct fw_world *w, int has, size_t config, int day, int64_t now)
{
    const char *s = NULL;

    for (size_t i = 0; has && i < w->n_dts_runs; i++)
        if (w->dts_runs[i].config == config && w->dts_runs[i].day == day)
            s = fw_state_name(fw_status_at(&w->dts_runs[i].work, now));
    return s;
}

static json_t *pipeline_json(const struct fw_world *w, size_t pi, int64_t now)
{
    const struct fw_pipeline *p = &w->pipelines[pi];
    json_t *days = json_array();

    for (int d = -(w->n_days - 1); d <= 0; d++) {
        const char *e = p->source == FW_SRC_DYNAMODB ? ddb_state(w, pi, d, now)
                                                     : rds_state(w, p->cluster, d, now);
        const char *t = run_state(w, p->has_transfer, p->transfer_config, d, now);
        const char *q = run_state(w, p->has_query, p->query_config, d, now);
        json_array_append_new(days, json_pack("{s:s,s:s?,s:s?,s:s?}", "date", fw_day(w, d),
                                              "export", e, "transfer", t, "query", q));
    }
    return json_pack("{s:s,s:s,s:o}", "name", p->name, "source",
                     p->source == FW_SRC_DYNAMODB ? "dynamodb" : "aurora", "days", days);
}

int fw_control_world(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    json_t *doc, *pipes, *tables;
    char now_s[TIME_RFC3339_LEN];
    int64_t now;

    (void)req;
    if (w == NULL)
        return fc_respond_error(r, "fake", 404, "NOT_FOUND", "no world loaded");
    pthread_mutex_lock(&fc->world_lock);
    now = fw_now(w);
    fw_tick(w, now);
    pipes = json_array();
    tables = json_array();
    for (size_t i = 0; i < w->n_pipelines && i < 50; i++) /* the first 50: a summary */
        json_array_append_new(pipes, pipeline_json(w, i, now));
    for (size_t i = 0; i < w->n_bq_tables && i < 2000; i++)
        json_array_append_new(tables, json_pack("{s:s,s:s,s:I,s:I}", "dataset",
                                                w->datasets[w->bq_tables[i].dataset].id, "id",
                                                w->bq_tables[i].id, "num_rows",
                                                (json_int_t)w->bq_tables[i].num_rows, "modified_ms",
                                                (json_int_t)w->bq_tables[i].modified_ms));
    doc =
        json_pack("{s:s,s:s,s:i,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:o,s:o}", "now",
                  time_format_utc(now, now_s, sizeof(now_s)), "timezone", w->timezone, "page_size",
                  w->page_size, "counts", "ddb_tables", (json_int_t)w->n_ddb_tables, "ddb_exports",
                  (json_int_t)w->n_ddb_exports, "clusters", (json_int_t)w->n_clusters, "snapshots",
                  (json_int_t)w->n_snapshots, "rds_exports", (json_int_t)w->n_rds_exports,
                  "objects", (json_int_t)w->n_objects, "dts_configs", (json_int_t)w->n_dts_configs,
                  "dts_runs", (json_int_t)w->n_dts_runs, "bq_tables", (json_int_t)w->n_bq_tables,
                  "keys", (json_int_t)w->n_keys, "pipelines", pipes, "tables", tables);
    pthread_mutex_unlock(&fc->world_lock);
    return fc_respond_json(r, 200, doc);
}
