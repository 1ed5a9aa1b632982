/* tests/fakecloud/world_pipe.c: pipelines from the scenario — each one's DTS transfer and
 * scheduled-query configs, raw and mart tables, and its history: per day an export, a transfer
 * run and a query run with the timelines the scenario's outcomes give. Outcomes are applied
 * later by fw_tick(), so coupling (no files → "No new files found") follows from the data. */
#include "tests/fakecloud/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fakecloud/world_int.h"

static const char *const stage_names[FW_N_STAGES] = {"export", "transfer", "query"};

static int gen_plan(struct fw_gen_ctx *g, struct fw_plan *p, json_t *v, const char *where)
{
    if (!json_is_string(v) || fw_plan_parse(p, json_string_value(v)) != 0)
        return fw_gen_bad(g,
                          "%s: unknown outcome (want OK, FAILED[:CODE]:message, MISSING, RUNNING, "
                          "STUCK, PENDING or CANCELLED)",
                          where);
    return 0;
}

static int gen_days(struct fw_gen_ctx *g, struct fw_pipeline *p, json_t *days, const char *where)
{
    static const char *const allowed[] = {"export", "transfer", "query", "items_factor", NULL};
    struct fw_world *w = g->w;
    const char *key;
    json_t *v;

    if (days != NULL && !json_is_object(days))
        return fw_gen_bad(g, "%s.days: want an object keyed by day offset", where);
    json_object_foreach(days, key, v)
    {
        char dw[128], *end;
        long off = strtol(key, &end, 10);
        struct fw_day_plan *d;
        json_t *f;
        snprintf(dw, sizeof(dw), "%s.days.%s", where, key);
        if (end == key || *end || off > 0 || off <= -w->n_days)
            return fw_gen_bad(g, "%s: want a day offset from %d to 0", dw, -(w->n_days - 1));
        if (fw_gen_keys(g, v, dw, allowed))
            return -1;
        d = &p->days[off + w->n_days - 1];
        for (int s = 0; s < FW_N_STAGES; s++) {
            char sw[160];
            snprintf(sw, sizeof(sw), "%s.%s", dw, stage_names[s]);
            fw_plan_release(&d->stage[s]);
            if ((f = json_object_get(v, stage_names[s])) && gen_plan(g, &d->stage[s], f, sw))
                return -1;
        }
        if ((f = json_object_get(v, "items_factor")) != NULL) {
            if (!json_is_number(f) || json_number_value(f) < 0)
                return fw_gen_bad(g, "%s.items_factor: want a number >= 0", dw);
            d->items_factor = json_number_value(f);
        }
    }
    return 0;
}

static int gen_cols(struct fw_gen_ctx *g, struct fw_pipeline *p, json_t *cols, const char *where)
{
    static const char *const dflt[][3] = {{"id", "INT64", "ID"},
                                          {"created_at", "TIMESTAMP", "作成日時"},
                                          {"updated_at", "TIMESTAMP", "更新日時"}};
    size_t i;
    json_t *c;

    if (cols != NULL && !json_is_array(cols))
        return fw_gen_bad(g, "%s.columns: want an array", where);
    p->n_cols = cols ? json_array_size(cols) : 3;
    if ((p->cols = calloc(p->n_cols + 1, sizeof(*p->cols))) == NULL)
        return fw_gen_bad(g, "out of memory");
    for (i = 0; cols == NULL && i < 3; i++) {
        p->cols[i].name = strdup(dflt[i][0]);
        p->cols[i].bq_type = strdup(dflt[i][1]);
        p->cols[i].description = strdup(dflt[i][2]);
        p->cols[i].type = strdup("S");
        p->cols[i].key = i == 0;
    }
    json_array_foreach(cols, i, c)
    {
        static const char *const allowed[] = {"name",       "type", "description",
                                              "policy_tag", "key",  NULL};
        char cw[128];
        int key;
        snprintf(cw, sizeof(cw), "%s.columns[%zu]", where, i);
        if (fw_gen_keys(g, c, cw, allowed) ||
            fw_gen_str(g, c, cw, "name", NULL, &p->cols[i].name) ||
            fw_gen_str(g, c, cw, "type", "STRING", &p->cols[i].bq_type) ||
            fw_gen_str(g, c, cw, "description", NULL, &p->cols[i].description) ||
            fw_gen_str(g, c, cw, "policy_tag", NULL, &p->cols[i].policy_tag) ||
            fw_gen_bool(g, c, cw, "key", 0, &key))
            return -1;
        if (p->cols[i].name == NULL)
            return fw_gen_bad(g, "%s.name: required", cw);
        p->cols[i].key = key;
        p->cols[i].type = strdup("S");
    }
    return 0;
}

static int gen_source(struct fw_gen_ctx *g, struct fw_pipeline *p, json_t *v, const char *where,
                      size_t pi)
{
    struct fw_world *w = g->w;
    json_t *src = json_object_get(v, "source");
    const char *ddb = json_string_value(json_object_get(src, "dynamodb"));
    const char *aur = json_string_value(json_object_get(src, "aurora"));
    const char *tab = json_string_value(json_object_get(src, "table"));
    long i, items, growth;

    if (ddb && !aur) {
        if ((i = fw_ddb_table_find(w, ddb)) < 0)
            return fw_gen_bad(g, "%s.source: no DynamoDB table \"%s\" in dynamodb.tables", where,
                              ddb);
        if (w->ddb_tables[i].pipeline >= 0)
            return fw_gen_bad(g, "%s.source: table \"%s\" already has a pipeline", where, ddb);
        p->source = FW_SRC_DYNAMODB;
        p->table = (size_t)i;
        w->ddb_tables[i].pipeline = (int)pi;
        p->items = w->ddb_tables[i].items0;
        p->items_growth = w->ddb_tables[i].items_growth;
        p->prefix = fw_printf("dynamodb/%s", ddb);
        return 0;
    }
    if (aur && !ddb && tab) {
        size_t k = 0;
        if ((i = fw_cluster_find(w, aur)) < 0)
            return fw_gen_bad(g, "%s.source: no Aurora cluster \"%s\"", where, aur);
        while (k < w->clusters[i].n_tables && strcmp(w->clusters[i].tables[k], tab) != 0)
            k++;
        if (k == w->clusters[i].n_tables)
            return fw_gen_bad(g, "%s.source: cluster \"%s\" has no table \"%s\"", where, aur, tab);
        p->source = FW_SRC_AURORA;
        p->cluster = (size_t)i;
        p->aurora_table = strdup(tab);
        p->prefix = fw_printf("aurora/%s", aur);
        if (fw_gen_int(g, v, where, "items", 50, 0, 100000000L, &items) ||
            fw_gen_int(g, v, where, "items_growth", 2, -1000000L, 1000000L, &growth))
            return -1;
        p->items = items;
        p->items_growth = growth;
        return gen_cols(g, p, json_object_get(v, "columns"), where);
    }
    return fw_gen_bad(g,
                      "%s.source: want {\"dynamodb\": \"TABLE\"} or {\"aurora\": \"CLUSTER\", "
                      "\"table\": \"TABLE\"}",
                      where);
}

static void uuidish(struct fw_world *w, char out[37])
{
    char h[33];
    fw_rand_hex(w, h, 32);
    snprintf(out, 37, "%.8s-0000-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16);
}

static long config_add(struct fw_world *w, size_t pi, enum fw_dts_kind kind, int local_min)
{
    struct fw_pipeline *p = &w->pipelines[pi];
    struct fw_dts_config *c = FW_PUSH(w, dts_configs, n_dts_configs, FW_CAP_DTS_CONFIGS);
    int64_t at = fw_local_at(w, 0, local_min);
    char id[37];

    if (c == NULL)
        return -1;
    w->n_dts_configs++;
    uuidish(w, id);
    c->config_id = strdup(id);
    c->name = fw_printf("projects/%s/locations/%s/transferConfigs/%s", w->project_number,
                        w->location, id);
    c->kind = kind;
    c->pipeline = (int)pi;
    c->hour = (int)(at / 3600000 % 24);
    c->minute = (int)(at / 60000 % 60);
    c->schedule = fw_printf("every day %02d:%02d", c->hour, c->minute);
    c->update_ms = w->built_ms - (int64_t)(w->n_days + 10) * 86400000;
    c->owner_email = fw_printf("pipetop-demo@%s.iam.gserviceaccount.com", w->project);
    c->params = json_object();
    if (!c->config_id || !c->name || !c->schedule || !c->owner_email || !c->params)
        return -1;
    if (kind == FW_DTS_S3) {
        char *path =
            p->source == FW_SRC_DYNAMODB
                ? fw_printf("s3://%s/%s/%s/*.json.gz", p->bucket, p->prefix, p->date_template)
                : fw_printf("s3://%s/%s/%s/*/%s/%s.%s/*/*.parquet", p->bucket, p->prefix,
                            p->date_template, w->clusters[p->cluster].database,
                            w->clusters[p->cluster].database, p->aurora_table);
        c->display_name = fw_printf("%s: S3 to %s.%s", p->name, w->raw_dataset, p->raw_id);
        c->dataset = strdup(w->raw_dataset);
        json_object_set_new(c->params, "data_path", json_string(path ? path : ""));
        json_object_set_new(c->params, "destination_table_name_template", json_string(p->raw_id));
        json_object_set_new(c->params, "file_format",
                            json_string(p->source == FW_SRC_DYNAMODB ? "JSON" : "PARQUET"));
        json_object_set_new(c->params, "write_disposition", json_string("WRITE_APPEND"));
        json_object_set_new(c->params, "max_bad_records", json_string("0"));
        json_object_set_new(c->params, "ignore_unknown_values",
                            json_string(p->ignore_unknown ? "true" : "false"));
        json_object_set_new(c->params, "access_key_id", json_string("AKIAFAKEDTSREADER001"));
        free(path);
    } else {
        char *cols = fw_sql_columns(w, pi), *sel = fw_sql_select(w, pi), *q;
        if (p->query_ddl)
            q = fw_printf("CREATE OR REPLACE TABLE %s.%s (\n%s\n)%s%s%s AS\nSELECT\n%s\nFROM %s.%s",
                          w->mart_dataset, p->mart_id, cols ? cols : "",
                          p->description ? " OPTIONS(description=\"" : "",
                          p->description ? p->description : "", p->description ? "\")" : "",
                          sel ? sel : "", w->raw_dataset, p->raw_id);
        else
            q = fw_printf("SELECT\n%s\nFROM %s.%s", sel ? sel : "", w->raw_dataset, p->raw_id);
        c->display_name = fw_printf("%s: %s.%s to %s.%s", p->name, w->raw_dataset, p->raw_id,
                                    w->mart_dataset, p->mart_id);
        json_object_set_new(c->params, "query", json_string(q ? q : ""));
        if (!p->query_ddl) {
            c->dataset = strdup(w->mart_dataset);
            json_object_set_new(c->params, "destination_table_name_template",
                                json_string(p->mart_id));
            json_object_set_new(c->params, "write_disposition", json_string("WRITE_TRUNCATE"));
            json_object_set_new(c->params, "partitioning_field", json_string(""));
        }
        free(cols);
        free(sel);
        free(q);
    }
    return c->display_name ? (long)(w->n_dts_configs - 1) : -1;
}

static int gen_one(struct fw_gen_ctx *g, json_t *v, size_t pi)
{
    static const char *const allowed[] = {
        "name",  "source",      "description",  "prefix",     "date_template",         "transfer",
        "query", "query_style", "raw_table",    "mart_table", "work_seconds",          "days",
        "rerun", "items",       "items_growth", "columns",    "ignore_unknown_values", NULL};
    struct fw_world *w = g->w;
    struct fw_pipeline *p = FW_PUSH(w, pipelines, n_pipelines, FW_CAP_PIPELINES);
    char where[64], *style = NULL, *prefix = NULL;
    json_t *rerun;
    long ws, ti;

    snprintf(where, sizeof(where), "pipelines[%zu]", pi);
    if (p == NULL)
        return fw_gen_bad(g, "out of memory");
    w->n_pipelines++;
    p->days = calloc((size_t)w->n_days, sizeof(*p->days));
    if (p->days == NULL)
        return fw_gen_bad(g, "out of memory");
    for (int d = 0; d < w->n_days; d++)
        p->days[d].items_factor = 1;
    if (fw_gen_keys(g, v, where, allowed) || fw_gen_str(g, v, where, "name", NULL, &p->name))
        return -1;
    if (p->name == NULL)
        return fw_gen_bad(g, "%s.name: required", where);
    if (gen_source(g, p, v, where, pi) ||
        fw_gen_str(g, v, where, "description", NULL, &p->description) ||
        fw_gen_str(g, v, where, "prefix", NULL, &prefix) ||
        fw_gen_str(g, v, where, "date_template", "{run_time|\"%Y-%m-%d\"}", &p->date_template) ||
        fw_gen_bool(g, v, where, "transfer", 1, &p->has_transfer) ||
        fw_gen_bool(g, v, where, "query", 1, &p->has_query) ||
        fw_gen_bool(g, v, where, "ignore_unknown_values", 1, &p->ignore_unknown) ||
        fw_gen_str(g, v, where, "query_style", "ddl", &style) ||
        fw_gen_str(g, v, where, "raw_table", p->name, &p->raw_id) ||
        fw_gen_str(g, v, where, "mart_table", p->name, &p->mart_id) ||
        fw_gen_int(g, v, where, "work_seconds", w->work_seconds, 0, 86400, &ws) ||
        gen_days(g, p, json_object_get(v, "days"), where)) {
        free(style);
        free(prefix);
        return -1;
    }
    if (prefix) {
        free(p->prefix);
        p->prefix = prefix;
    }
    p->query_ddl = strcmp(style, "template") != 0;
    if (strcmp(style, "ddl") != 0 && strcmp(style, "template") != 0) {
        free(style);
        return fw_gen_bad(g, "%s.query_style: want \"ddl\" or \"template\"", where);
    }
    free(style);
    p->work_seconds = (int)ws;
    p->bucket = strdup(w->export_bucket);
    if (p->prefix == NULL || p->bucket == NULL)
        return fw_gen_bad(g, "out of memory");
    {
        char *probe = fw_render_template(p->date_template, 0);
        if (probe == NULL)
            return fw_gen_bad(g, "%s.date_template: not a DTS runtime template", where);
        free(probe);
    }
    rerun = json_object_get(v, "rerun");
    if (fw_gen_keys(g, rerun, where, (const char *const[]){"export", "transfer", "query", NULL}))
        return -1;
    for (int s = 0; s < FW_N_STAGES; s++) {
        json_t *f = json_object_get(rerun, stage_names[s]);
        char sw[96];
        snprintf(sw, sizeof(sw), "%s.rerun.%s", where, stage_names[s]);
        if (f && gen_plan(g, &p->rerun[s], f, sw))
            return -1;
    }
    if (p->has_transfer) {
        if ((ti = fw_bq_raw_add(w, pi)) < 0)
            return fw_gen_bad(g, "%s: raw table \"%s\" could not be added", where, p->raw_id);
        p->raw_table = (size_t)ti;
        if ((ti = config_add(w, pi, FW_DTS_S3, w->transfer_min)) < 0)
            return fw_gen_bad(g, "out of memory");
        p->transfer_config = (size_t)ti;
    }
    if (p->has_query) {
        if (!p->has_transfer)
            return fw_gen_bad(g, "%s: a query needs the transfer's raw table", where);
        if ((ti = fw_bq_mart_add(w, pi)) < 0)
            return fw_gen_bad(g, "%s: mart table \"%s\" could not be added", where, p->mart_id);
        p->mart_table = (size_t)ti;
        if ((ti = config_add(w, pi, FW_DTS_QUERY, w->query_min)) < 0)
            return fw_gen_bad(g, "out of memory");
        p->query_config = (size_t)ti;
    }
    return 0;
}

char *fw_day_prefix(const struct fw_world *w, const struct fw_pipeline *p, int day)
{
    int64_t rt = fw_local_at(w, day, w->transfer_min);
    char *part = fw_render_template(p->date_template, rt), *out;

    out = part ? fw_printf("%s/%s", p->prefix, part) : NULL;
    free(part);
    return out;
}

long fw_items_on(const struct fw_world *w, const struct fw_pipeline *p, int day)
{
    int i = day + w->n_days - 1;
    double f = (i >= 0 && i < w->n_days) ? p->days[i].items_factor : 1;
    long n = p->items + p->items_growth * (i < 0 ? 0 : i);

    return n < 0 ? 0 : (long)((double)n * f);
}

/* The export of one cluster and day: the first pipeline of it that sets an outcome decides. */
static const struct fw_plan *cluster_plan(const struct fw_world *w, size_t c, int di)
{
    static const struct fw_plan ok = {FW_PLAN_OK, NULL, NULL};

    for (size_t i = 0; i < w->n_pipelines; i++) {
        const struct fw_pipeline *p = &w->pipelines[i];
        if (p->source == FW_SRC_AURORA && p->cluster == c &&
            (p->days[di].stage[FW_EXPORT].kind != FW_PLAN_OK))
            return &p->days[di].stage[FW_EXPORT];
    }
    return &ok;
}

static int exists(const struct fw_world *w, const struct fw_plan *p, int64_t at)
{
    if (p->kind == FW_PLAN_MISSING)
        return 0;
    return at <= w->built_ms || p->kind == FW_PLAN_RUNNING || p->kind == FW_PLAN_STUCK ||
           p->kind == FW_PLAN_PENDING;
}

static int history_day(struct fw_world *w, int di)
{
    int day = di - (w->n_days - 1);

    for (size_t c = 0; c < w->n_clusters; c++) {
        const struct fw_plan *pl = cluster_plan(w, c, di);
        int64_t at = fw_local_at(w, day, w->export_min);
        long snap = -1;
        char *id;
        int used = 0;
        for (size_t i = 0; i < w->n_pipelines; i++)
            used |= w->pipelines[i].source == FW_SRC_AURORA && w->pipelines[i].cluster == c;
        for (size_t s = 0; s < w->n_snapshots; s++)
            if (w->snapshots[s].cluster == c && w->snapshots[s].day == day)
                snap = (long)s;
        if (!used || snap < 0 || !exists(w, pl, at))
            continue;
        id = fw_printf("%s-%s", w->clusters[c].id, w->day[di]);
        if (id == NULL || fw_rds_export_add(w, c, (size_t)snap, day, at, pl, 20 * 60000, id) < 0) {
            free(id);
            return -1;
        }
        free(id);
    }
    for (size_t i = 0; i < w->n_pipelines; i++) {
        struct fw_pipeline *p = &w->pipelines[i];
        const struct fw_plan *pl = &p->days[di].stage[FW_EXPORT];
        int64_t at = fw_local_at(w, day, w->export_min) + (int64_t)(i % 60) * 1000;
        if (p->source == FW_SRC_DYNAMODB && exists(w, pl, at)) {
            char *prefix = fw_day_prefix(w, p, day);
            char *token = fw_printf("%s-%s", p->name, w->day[di]);
            long x = (prefix && token) ? fw_ddb_export_add(w, p->table, (int)i, day, at, at, pl,
                                                           (int64_t)(300 + i % 180) * 1000,
                                                           p->bucket, prefix, token)
                                       : -1;
            free(prefix);
            free(token);
            if (x < 0)
                return -1;
        }
        pl = &p->days[di].stage[FW_TRANSFER];
        at = fw_local_at(w, day, w->transfer_min);
        if (p->has_transfer && exists(w, pl, at) &&
            fw_dts_run_add(w, p->transfer_config, at, at + 4000 + (int64_t)(i % 50) * 100, 0, day,
                           pl, 150000) < 0)
            return -1;
        pl = &p->days[di].stage[FW_QUERY];
        at = fw_local_at(w, day, w->query_min);
        if (p->has_query && exists(w, pl, at) &&
            fw_dts_run_add(w, p->query_config, at, at + 2000, 0, day, pl, 45000) < 0)
            return -1;
    }
    return 0;
}

int fw_gen_pipelines(struct fw_gen_ctx *g, json_t *arr)
{
    struct fw_world *w = g->w;
    json_t *v;
    size_t i;

    if (arr != NULL && !json_is_array(arr))
        return fw_gen_bad(g, "pipelines: want an array");
    json_array_foreach(arr, i, v) if (gen_one(g, v, i)) return -1;
    for (int di = 0; di < w->n_days; di++)
        if (history_day(w, di) != 0)
            return fw_gen_bad(g, "out of memory while generating day %s", w->day[di]);
    return 0;
}
