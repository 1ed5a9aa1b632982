/* tests/fakecloud/world_gen.c: reads the scenario JSON (tests/scenarios/README.md) into the
 * world: the clock and days, DynamoDB tables, Aurora clusters and their daily snapshots, the
 * BigQuery datasets; AWS identity is in world_gen_aws.c, pipelines in world_pipe.c. Every bad
 * key or value is reported with its path; nothing is guessed. */
#include "tests/fakecloud/world.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fakecloud/world_int.h"

int fw_gen_bad(struct fw_gen_ctx *g, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(g->err, g->errlen, "scenario: ");

    va_start(ap, fmt);
    if (n > 0 && (size_t)n < g->errlen)
        vsnprintf(g->err + n, g->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

int fw_gen_keys(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *const *allowed)
{
    const char *key;
    json_t *v;

    if (obj == NULL)
        return 0;
    if (!json_is_object(obj))
        return fw_gen_bad(g, "%s: want an object", where);
    json_object_foreach(obj, key, v)
    {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (allowed[i] == NULL)
            return fw_gen_bad(g, "%s: unknown key \"%s\"", where, key);
    }
    return 0;
}

int fw_gen_str(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *key,
               const char *dflt, char **out)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v != NULL && !json_is_string(v))
        return fw_gen_bad(g, "%s.%s: want a string", where, key);
    if (v == NULL && dflt == NULL)
        return 0;
    *out = strdup(v ? json_string_value(v) : dflt);
    return *out ? 0 : fw_gen_bad(g, "out of memory");
}

int fw_gen_int(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *key, long dflt,
               long lo, long hi, long *out)
{
    json_t *v = json_object_get(obj, key);

    *out = dflt;
    if (v == NULL)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return fw_gen_bad(g, "%s.%s: want a whole number from %ld to %ld", where, key, lo, hi);
    *out = (long)json_integer_value(v);
    return 0;
}

int fw_gen_bool(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *key, int dflt,
                int *out)
{
    json_t *v = json_object_get(obj, key);

    *out = dflt;
    if (v == NULL)
        return 0;
    if (!json_is_boolean(v))
        return fw_gen_bad(g, "%s.%s: want true or false", where, key);
    *out = json_is_true(v);
    return 0;
}

int fw_gen_hhmm(struct fw_gen_ctx *g, json_t *obj, const char *where, const char *key,
                const char *dflt, int *out)
{
    json_t *v = json_object_get(obj, key);
    const char *s = v ? json_string_value(v) : dflt;
    int h, m;
    char extra;

    if (s == NULL || sscanf(s, "%2d:%2d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 ||
        m > 59)
        return fw_gen_bad(g, "%s.%s: want \"HH:MM\"", where, key);
    *out = h * 60 + m;
    return 0;
}

int64_t fw_local_at(const struct fw_world *w, int day, int min)
{
    struct err e = ERR_INIT;
    char d[TIME_DAY_LEN];
    int64_t ms = 0;

    if (time_day_add(w->day[w->n_days - 1], day, d, &e) != 0 ||
        time_local_at(d, min / 60, min % 60, 0, &ms, &e) != 0)
        return 0;
    return ms;
}

static int gen_days(struct fw_gen_ctx *g, json_t *root)
{
    struct fw_world *w = g->w;
    struct err e = ERR_INIT;
    long days, off, page, work;
    char today[TIME_DAY_LEN];

    if (fw_gen_str(g, root, "", "timezone", "UTC", &w->timezone) ||
        fw_gen_int(g, json_object_get(root, "generate"), "generate", "days",
                   json_object_get(root, "generate") ? 90 : 14, 1, 400, &days) ||
        fw_gen_int(g, root, "", "days", days, 1, 400, &days) ||
        fw_gen_int(g, root, "", "clock_offset_s", 0, -864000000L, 864000000L, &off) ||
        fw_gen_int(g, root, "", "page_size", 0, 0, 1000, &page) ||
        fw_gen_int(g, root, "", "work_seconds", 3, 0, 86400, &work))
        return -1;
    if (time_zone_use(w->timezone, &e) != 0)
        return fw_gen_bad(g, "timezone: %s", e.msg);
    w->n_days = (int)days;
    w->clock_offset_ms = (w->fc->has_clock_offset ? w->fc->clock_offset_s : off) * 1000;
    w->page_size = (int)(w->fc->has_page_size ? w->fc->page_size : page);
    w->work_seconds = (int)work;
    w->built_ms = fw_now(w);
    w->day = calloc((size_t)days, sizeof(*w->day));
    if (w->day == NULL)
        return fw_gen_bad(g, "out of memory");
    time_day_of(w->built_ms, today);
    for (int i = 0; i < w->n_days; i++)
        if (time_day_add(today, i - (w->n_days - 1), w->day[i], &e) != 0)
            return fw_gen_bad(g, "days: %s", e.msg);
    return 0;
}

static const char *const ddb_types[] = {"S", "N",  "B",  "BOOL", "NULL", "M",
                                        "L", "SS", "NS", "BS",   NULL};

static int gen_attr(struct fw_gen_ctx *g, struct fw_attr *a, json_t *v, const char *where)
{
    static const char *const allowed[] = {"name",       "type",      "key",     "description",
                                          "policy_tag", "since_day", "bq_type", NULL};
    char *key = NULL;
    long since;
    size_t t = 0;

    if (fw_gen_keys(g, v, where, allowed) || fw_gen_str(g, v, where, "name", NULL, &a->name) ||
        fw_gen_str(g, v, where, "type", "S", &a->type) ||
        fw_gen_str(g, v, where, "key", NULL, &key) ||
        fw_gen_str(g, v, where, "description", NULL, &a->description) ||
        fw_gen_str(g, v, where, "policy_tag", NULL, &a->policy_tag) ||
        fw_gen_str(g, v, where, "bq_type", NULL, &a->bq_type) ||
        fw_gen_int(g, v, where, "since_day", -100000, -100000, 0, &since)) {
        free(key);
        return -1;
    }
    a->since_day = (int)since;
    a->key = key == NULL ? 0 : strcmp(key, "HASH") == 0 ? 1 : strcmp(key, "RANGE") == 0 ? 2 : -1;
    free(key);
    if (a->name == NULL)
        return fw_gen_bad(g, "%s.name: required", where);
    if (a->key < 0)
        return fw_gen_bad(g, "%s.key: want \"HASH\" or \"RANGE\"", where);
    while (ddb_types[t] && strcmp(ddb_types[t], a->type) != 0)
        t++;
    if (ddb_types[t] == NULL)
        return fw_gen_bad(g, "%s.type: want one of S N B BOOL NULL M L SS NS BS", where);
    if (a->key && strcmp(a->type, "S") != 0 && strcmp(a->type, "N") != 0 &&
        strcmp(a->type, "B") != 0)
        return fw_gen_bad(g, "%s: key attributes must be S, N or B", where);
    return 0;
}

static int gen_ddb_table(struct fw_gen_ctx *g, json_t *v, size_t i)
{
    static const char *const allowed[] = {"name",         "pitr",       "pitr_days", "items",
                                          "items_growth", "attributes", NULL};
    struct fw_world *w = g->w;
    struct fw_ddb_table *t = FW_PUSH(w, ddb_tables, n_ddb_tables, FW_CAP_DDB_TABLES);
    char where[64], hex[33];
    json_t *attrs, *a;
    long days, items, growth;
    size_t k;
    int hash = 0;

    snprintf(where, sizeof(where), "dynamodb.tables[%zu]", i);
    if (t == NULL)
        return fw_gen_bad(g, "out of memory");
    w->n_ddb_tables++;
    t->pipeline = -1;
    if (fw_gen_keys(g, v, where, allowed) || fw_gen_str(g, v, where, "name", NULL, &t->name) ||
        fw_gen_bool(g, v, where, "pitr", 1, &t->pitr_enabled) ||
        fw_gen_int(g, v, where, "pitr_days", 35, 1, 35, &days) ||
        fw_gen_int(g, v, where, "items", 20, 0, 100000000L, &items) ||
        fw_gen_int(g, v, where, "items_growth", 1, -1000000L, 1000000L, &growth))
        return -1;
    if (t->name == NULL)
        return fw_gen_bad(g, "%s.name: required", where);
    if (fw_ddb_table_find(w, t->name) != (long)(w->n_ddb_tables - 1))
        return fw_gen_bad(g, "%s: table \"%s\" declared twice", where, t->name);
    t->pitr_days = (int)days;
    t->items0 = items;
    t->items_growth = growth;
    t->item_count = items + growth * (w->n_days - 1);
    if (t->item_count < 0)
        t->item_count = 0;
    t->size_bytes = t->item_count * 212;
    t->created_ms = w->built_ms - (int64_t)(w->n_days + 30) * 86400000;
    t->pitr_enabled_ms = t->created_ms;
    fw_rand_hex(w, hex, 32);
    t->table_id =
        fw_printf("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
    t->arn = fw_printf("arn:aws:dynamodb:%s:%s:table/%s", w->region, w->account_id, t->name);
    attrs = json_object_get(v, "attributes");
    if (attrs != NULL && !json_is_array(attrs))
        return fw_gen_bad(g, "%s.attributes: want an array", where);
    t->n_attrs = attrs ? json_array_size(attrs) : 1;
    t->attrs = calloc(t->n_attrs, sizeof(*t->attrs));
    if (t->attrs == NULL || t->table_id == NULL || t->arn == NULL)
        return fw_gen_bad(g, "out of memory");
    if (attrs == NULL) {
        t->attrs[0].name = strdup("id");
        t->attrs[0].type = strdup("S");
        t->attrs[0].key = 1;
        t->attrs[0].since_day = -100000;
        return (t->attrs[0].name && t->attrs[0].type) ? 0 : fw_gen_bad(g, "out of memory");
    }
    json_array_foreach(attrs, k, a)
    {
        char aw[128];
        snprintf(aw, sizeof(aw), "%s.attributes[%zu]", where, k);
        if (gen_attr(g, &t->attrs[k], a, aw))
            return -1;
        hash += t->attrs[k].key == 1;
    }
    if (hash != 1)
        return fw_gen_bad(g, "%s.attributes: want exactly one \"key\": \"HASH\"", where);
    return 0;
}

static int gen_cluster(struct fw_gen_ctx *g, json_t *v, size_t i)
{
    static const char *const allowed[] = {
        "id", "engine", "database", "tables", "snapshot_at", "deleted_snapshot_days", NULL};
    struct fw_world *w = g->w;
    struct fw_cluster *c = FW_PUSH(w, clusters, n_clusters, FW_CAP_CLUSTERS);
    char where[64];
    json_t *tables, *t, *del;
    size_t k;
    int at;

    snprintf(where, sizeof(where), "aurora.clusters[%zu]", i);
    if (c == NULL)
        return fw_gen_bad(g, "out of memory");
    w->n_clusters++;
    if (fw_gen_keys(g, v, where, allowed) || fw_gen_str(g, v, where, "id", NULL, &c->id) ||
        fw_gen_str(g, v, where, "engine", "aurora-mysql", &c->engine) ||
        fw_gen_hhmm(g, v, where, "snapshot_at", "02:00", &at))
        return -1;
    if (c->id == NULL)
        return fw_gen_bad(g, "%s.id: required", where);
    if (fw_gen_str(g, v, where, "database", c->id, &c->database))
        return -1;
    c->engine_version =
        strdup(strcmp(c->engine, "aurora-postgresql") == 0 ? "15.4" : "8.0.mysql_aurora.3.05.2");
    c->arn = fw_printf("arn:aws:rds:%s:%s:cluster:%s", w->region, w->account_id, c->id);
    c->created_ms = w->built_ms - (int64_t)(w->n_days + 60) * 86400000;
    tables = json_object_get(v, "tables");
    if (tables != NULL && !json_is_array(tables))
        return fw_gen_bad(g, "%s.tables: want an array of names", where);
    c->n_tables = json_array_size(tables);
    c->tables = calloc(c->n_tables + 1, sizeof(char *));
    if (c->tables == NULL || c->arn == NULL || c->engine_version == NULL)
        return fw_gen_bad(g, "out of memory");
    json_array_foreach(tables, k, t)
    {
        if (!json_is_string(t))
            return fw_gen_bad(g, "%s.tables[%zu]: want a string", where, k);
        if ((c->tables[k] = strdup(json_string_value(t))) == NULL)
            return fw_gen_bad(g, "out of memory");
    }
    del = json_object_get(v, "deleted_snapshot_days");
    if (del != NULL && !json_is_array(del))
        return fw_gen_bad(g, "%s.deleted_snapshot_days: want an array of day offsets", where);
    for (int d = -(w->n_days - 1); d <= 0; d++) {
        int64_t when = fw_local_at(w, d, at);
        struct fw_snapshot *s;
        char name[64];
        time_t tt = (time_t)(when / 1000);
        struct tm tm;
        if (when > w->built_ms)
            continue;
        if ((s = FW_PUSH(w, snapshots, n_snapshots, FW_CAP_SNAPSHOTS)) == NULL)
            return fw_gen_bad(g, "out of memory");
        w->n_snapshots++;
        gmtime_r(&tt, &tm);
        strftime(name, sizeof(name), "%Y-%m-%d-%H-%M", &tm);
        s->id = fw_printf("rds:%s-%s", c->id, name);
        s->arn = fw_printf("arn:aws:rds:%s:%s:cluster-snapshot:%s", w->region, w->account_id,
                           s->id ? s->id : "");
        s->cluster = w->n_clusters - 1;
        s->create_ms = when;
        s->status = strdup("available");
        s->type = strdup("automated");
        s->day = d;
        json_array_foreach(del, k, t) if (json_is_integer(t) && json_integer_value(t) == d)
            s->deleted = 1;
        if (!s->id || !s->arn || !s->status || !s->type)
            return fw_gen_bad(g, "out of memory");
    }
    return 0;
}

static int gen_lists(struct fw_gen_ctx *g, json_t *root, json_t *tables)
{
    static const char *const ddb_allowed[] = {"tables", NULL};
    static const char *const aur_allowed[] = {"clusters", NULL};
    json_t *aur = json_object_get(root, "aurora"), *v;
    size_t i;

    if (fw_gen_keys(g, json_object_get(root, "dynamodb"), "dynamodb", ddb_allowed) ||
        fw_gen_keys(g, aur, "aurora", aur_allowed))
        return -1;
    if (tables != NULL && !json_is_array(tables))
        return fw_gen_bad(g, "dynamodb.tables: want an array");
    json_array_foreach(tables, i, v) if (gen_ddb_table(g, v, i)) return -1;
    v = json_object_get(aur, "clusters");
    if (v != NULL && !json_is_array(v))
        return fw_gen_bad(g, "aurora.clusters: want an array");
    json_array_foreach(v, i, tables) if (gen_cluster(g, tables, i)) return -1;
    return 0;
}

static int gen_gcp(struct fw_gen_ctx *g, json_t *root)
{
    static const char *const allowed[] = {"project", "project_number", "location", "token_ttl_s",
                                          NULL};
    static const char *const bq_allowed[] = {"raw_dataset", "mart_dataset", "datasets", "tables",
                                             NULL};
    struct fw_world *w = g->w;
    json_t *gcp = json_object_get(root, "gcp"), *bq = json_object_get(root, "bigquery"), *v;
    char *raw = NULL, *mart = NULL;
    long r, m;
    size_t i;
    int rc = -1;

    if (fw_gen_keys(g, gcp, "gcp", allowed) || fw_gen_keys(g, bq, "bigquery", bq_allowed) ||
        fw_gen_str(g, gcp, "gcp", "project_number", "123456789012", &w->project_number) ||
        fw_gen_str(g, bq, "bigquery", "raw_dataset", "raw", &raw) ||
        fw_gen_str(g, bq, "bigquery", "mart_dataset", "mart", &mart))
        goto out;
    w->project = strdup(w->fc->scen.gcp_project);
    w->location = strdup(w->fc->scen.gcp_location);
    r = fw_dataset_add(w, raw, "Raw tables loaded from S3 by BigQuery Data Transfer Service",
                       "raw");
    m = fw_dataset_add(w, mart, "分析用テーブル (analyst-facing tables)", "mart");
    if (!w->project || !w->location || r < 0 || m < 0) {
        fw_gen_bad(g, "out of memory");
        goto out;
    }
    w->raw_dataset = w->datasets[r].id;
    w->mart_dataset = w->datasets[m].id;
    json_array_foreach(json_object_get(bq, "datasets"), i, v)
    {
        const char *id = json_string_value(json_object_get(v, "id"));
        if (id == NULL) {
            fw_gen_bad(g, "bigquery.datasets[%zu].id: required", i);
            goto out;
        }
        if (fw_dataset_add(w, id, json_string_value(json_object_get(v, "description")),
                           json_string_value(json_object_get(v, "friendly_name"))) < 0) {
            fw_gen_bad(g, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    free(raw);
    free(mart);
    return rc;
}

int fw_gen_build(struct fw_world *w, json_t *root, char *errbuf, size_t errlen)
{
    static const char *const allowed[] = {
        "timezone",    "days",     "page_size", "clock_offset_s", "work_seconds",
        "seed",        "aws",      "gcp",       "export",         "dynamodb",
        "aurora",      "bigquery", "pipelines", "generate",       "faults",
        "description", NULL};
    struct fw_gen_ctx g = {w, errbuf, errlen};
    json_t *tables = json_object_get(json_object_get(root, "dynamodb"), "tables");
    json_t *pipes = json_object_get(root, "pipelines");
    json_t *gen_tables = NULL, *gen_pipes = NULL;
    long seed;
    int rc = -1;

    if (fw_gen_keys(&g, root, "(top level)", allowed) ||
        fw_gen_int(&g, root, "", "seed", 1, 0, 0x7fffffffL, &seed))
        return -1;
    w->rng = (uint64_t)seed * 0x2545F4914F6CDD1DULL + 1;
    if (gen_days(&g, root) || fw_gen_aws(&g, json_object_get(root, "aws")) ||
        fw_gen_export(&g, json_object_get(root, "export")) || gen_gcp(&g, root))
        return -1;
    if (json_object_get(root, "generate")) {
        if (fw_gen_large(&g, json_object_get(root, "generate"), &gen_tables, &gen_pipes))
            goto out;
        tables = gen_tables;
        pipes = gen_pipes;
    }
    if (gen_lists(&g, root, tables) || fw_gen_pipelines(&g, pipes) ||
        fw_gen_bq_extra(&g, json_object_get(json_object_get(root, "bigquery"), "tables")))
        goto out;
    rc = 0;
out:
    json_decref(gen_tables);
    json_decref(gen_pipes);
    return rc;
}
