/* tests/fakecloud/world_tick.c: time passing — fw_tick() finds every piece of work that has
 * ended and applies its side effects once, in the order the work ended: a finished export
 * writes its S3 objects, a transfer run loads the files its data_path matches (modified since
 * the config's last success, as WRITE_APPEND does) or logs "No new files found", a query run
 * rewrites the mart table. A JSON load with ignore_unknown_values "false" fails, as BigQuery
 * does, when a DynamoDB export file it loads has an attribute (or a type descriptor of one) the
 * raw table's Item RECORD lacks (the load job's "No such field: Item.x"); nothing is loaded
 * then and the config's last success stays where it was. Never answers requests itself. */
#include "tests/fakecloud/world.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fakecloud/world_int.h"

struct due {
    int64_t end;
    int kind; /* 0 ddb export, 1 rds export, 2 dts run */
    size_t i;
};

static int due_cmp(const void *a, const void *b)
{
    const struct due *x = a, *y = b;

    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int collect(struct due **list, size_t *n, size_t *cap, struct fw_work *wk, int kind,
                   size_t i, int64_t now, int64_t *next)
{
    if (wk->applied || wk->end_ms == FW_NEVER)
        return 0;
    if (wk->end_ms > now) {
        if (wk->end_ms < *next)
            *next = wk->end_ms;
        return 0;
    }
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        struct due *p = realloc(*list, nc * sizeof(*p));
        if (p == NULL)
            return -1;
        *list = p;
        *cap = nc;
    }
    (*list)[(*n)++] = (struct due){wk->end_ms, kind, i};
    return 0;
}

void fw_tick(struct fw_world *w, int64_t now_ms)
{
    struct due *list = NULL;
    size_t n = 0, cap = 0;
    int64_t next = FW_NEVER;
    int rc = 0;

    if (now_ms < w->next_due_ms)
        return;
    for (size_t i = 0; rc == 0 && i < w->n_ddb_exports; i++)
        rc = collect(&list, &n, &cap, &w->ddb_exports[i].work, 0, i, now_ms, &next);
    for (size_t i = 0; rc == 0 && i < w->n_rds_exports; i++)
        rc = collect(&list, &n, &cap, &w->rds_exports[i].work, 1, i, now_ms, &next);
    for (size_t i = 0; rc == 0 && i < w->n_dts_runs; i++)
        rc = collect(&list, &n, &cap, &w->dts_runs[i].work, 2, i, now_ms, &next);
    if (rc != 0) { /* out of memory: try again on the next request */
        free(list);
        return;
    }
    qsort(list, n, sizeof(*list), due_cmp);
    for (size_t k = 0; k < n; k++) {
        switch (list[k].kind) {
        case 0:
            w->ddb_exports[list[k].i].work.applied = 1;
            fw_apply_ddb_export(w, list[k].i);
            break;
        case 1:
            w->rds_exports[list[k].i].work.applied = 1;
            fw_apply_rds_export(w, list[k].i);
            break;
        default:
            w->dts_runs[list[k].i].work.applied = 1;
            fw_apply_dts_run(w, list[k].i);
        }
    }
    free(list);
    w->next_due_ms = next;
}

static void random_name(struct fw_world *w, char *out, size_t n)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyz234567";

    for (size_t i = 0; i + 1 < n; i++)
        out[i] = set[fw_rand(w) % 32];
    out[n - 1] = '\0';
}

void fw_apply_ddb_export(struct fw_world *w, size_t xi)
{
    struct fw_ddb_export *x = &w->ddb_exports[xi];
    char *base = fw_printf("%s%sAWSDynamoDB/%s/", x->prefix ? x->prefix : "",
                           x->prefix && *x->prefix ? "/" : "", x->export_id);
    int64_t t0 = x->work.start_ms, t1 = x->work.end_ms;
    long parts = x->item_count > 400 ? 2 : 1;
    char key[1200], name[27];

    if (base == NULL)
        return;
    snprintf(key, sizeof(key), "%s_started", base);
    fw_object_add(w, x->bucket, key, t0 + 1000, FW_GEN_EMPTY, xi, 0);
    if (x->work.final == FW_SUCCEEDED) {
        for (long p = 0; p < parts; p++) {
            long o;
            random_name(w, name, sizeof(name));
            snprintf(key, sizeof(key), "%sdata/%s.json.gz", base, name);
            o = fw_object_add(w, x->bucket, key, t1 - 20000 + p, FW_GEN_DDB_DATA, xi, (int)p);
            if (o >= 0)
                w->objects[o].items = x->item_count / parts + (p < x->item_count % parts ? 1 : 0);
        }
        snprintf(key, sizeof(key), "%smanifest-files.json", base);
        fw_object_add(w, x->bucket, key, t1 - 2000, FW_GEN_DDB_FILES, xi, 0);
        snprintf(key, sizeof(key), "%smanifest-files.checksum", base);
        fw_object_add(w, x->bucket, key, t1 - 2000, FW_GEN_DDB_CHECKSUM, xi, 1);
        snprintf(key, sizeof(key), "%smanifest-summary.json", base);
        fw_object_add(w, x->bucket, key, t1 - 1000, FW_GEN_DDB_SUMMARY, xi, 0);
        snprintf(key, sizeof(key), "%smanifest-summary.checksum", base);
        fw_object_add(w, x->bucket, key, t1 - 1000, FW_GEN_DDB_CHECKSUM, xi, 0);
    }
    free(base);
}

void fw_apply_rds_export(struct fw_world *w, size_t xi)
{
    struct fw_rds_export *x = &w->rds_exports[xi];
    const struct fw_cluster *c = &w->clusters[x->cluster];
    int64_t t1 = x->work.end_ms;
    char key[1200], h[33];

    if (x->work.final != FW_SUCCEEDED)
        return;
    for (size_t t = 0; t < c->n_tables; t++) {
        long items = 50, o;
        for (size_t i = 0; i < w->n_pipelines; i++)
            if (w->pipelines[i].source == FW_SRC_AURORA && w->pipelines[i].cluster == x->cluster &&
                strcmp(w->pipelines[i].aurora_table, c->tables[t]) == 0)
                items = fw_items_on(w, &w->pipelines[i], x->day);
        fw_rand_hex(w, h, 32);
        snprintf(key, sizeof(key),
                 "%s/%s/%s/%s.%s/1/part-00000-%.8s-%.4s-%.4s-%.4s-%.12s-c000.gz.parquet", x->prefix,
                 x->id, c->database, c->database, c->tables[t], h, h + 8, h + 12, h + 16, h + 20);
        o = fw_object_add(w, x->bucket, key, t1 - 60000 + (int64_t)t, FW_GEN_PARQUET, xi, (int)t);
        if (o >= 0)
            w->objects[o].items = items;
    }
    snprintf(key, sizeof(key), "%s/%s/export_info_%s.json", x->prefix, x->id, x->id);
    fw_object_add(w, x->bucket, key, t1 - 1000, FW_GEN_RDS_INFO, xi, 0);
    snprintf(key, sizeof(key), "%s/%s/export_tables_info_%s_from_1_to_%zu.json", x->prefix, x->id,
             x->id, c->n_tables);
    fw_object_add(w, x->bucket, key, t1 - 1000, FW_GEN_RDS_INFO, xi, 1);
}

/* The member named name of a wire "fields" array, or NULL. */
static json_t *member(json_t *fields, const char *name)
{
    size_t i;
    json_t *f;

    json_array_foreach(fields, i, f)
    {
        const char *n = json_string_value(json_object_get(f, "name"));
        if (n != NULL && strcmp(n, name) == 0)
            return f;
    }
    return NULL;
}

/* The first field a DynamoDB export data object holds that the raw table t lacks
 * ("Item.referral_code", or "Item.age.S" for a new type descriptor), malloc'd; NULL if none.
 * The items of export day D have every attribute whose since_day <= D. */
static char *unknown_field(const struct fw_world *w, const struct fw_bq_table *t,
                           const struct fw_s3_object *o)
{
    const struct fw_ddb_export *x;
    const struct fw_ddb_table *dt;
    json_t *item;

    if (o->gen != FW_GEN_DDB_DATA || o->ref >= w->n_ddb_exports)
        return NULL;
    x = &w->ddb_exports[o->ref];
    dt = &w->ddb_tables[x->table];
    item = member(t->schema_fields, "Item");
    for (size_t k = 0; k < dt->n_attrs; k++) {
        const struct fw_attr *a = &dt->attrs[k];
        json_t *f;
        if (a->since_day > x->day)
            continue;
        if ((f = member(json_object_get(item, "fields"), a->name)) == NULL)
            return fw_printf("Item.%s", a->name);
        if (member(json_object_get(f, "fields"), a->type) == NULL)
            return fw_printf("Item.%s.%s", a->name, a->type);
    }
    return NULL;
}

/* The objects a transfer run loads: matching the rendered data_path, visible when the run
 * started, and (WRITE_APPEND) modified after the config's last successful run. With strict
 * (ignore_unknown_values false), *bad gets the first field a loaded file has that raw lacks
 * and *bad_key that file's key (both malloc'd). */
static long load_files(struct fw_world *w, struct fw_dts_run *run, const char *path, long *rows,
                       const struct fw_bq_table *raw, int strict, char **bad, char **bad_key)
{
    struct fw_dts_config *c = &w->dts_configs[run->config];
    const char *wd = json_string_value(json_object_get(run->params, "write_disposition"));
    int append = wd == NULL || strcmp(wd, "WRITE_TRUNCATE") != 0;
    char bucket[256], litbuf[1024];
    const char *slash, *star;
    const char *pat;
    size_t lit;
    long n = 0, i;
    int flags;

    *rows = 0;
    if (strncmp(path, "s3://", 5) != 0 || (slash = strchr(path + 5, '/')) == NULL ||
        (size_t)(slash - path - 5) >= sizeof(bucket))
        return 0;
    memcpy(bucket, path + 5, (size_t)(slash - path - 5));
    bucket[slash - path - 5] = '\0';
    pat = slash + 1;
    star = strchr(pat, '*');
    lit = star ? (size_t)(star - pat) : strlen(pat);
    flags = (star && strchr(star + 1, '*')) ? FNM_PATHNAME : 0;
    if (lit >= sizeof(litbuf))
        return 0;
    memcpy(litbuf, pat, lit);
    litbuf[lit] = '\0';
    for (i = fw_object_lower_bound(w, bucket, litbuf); i >= 0; i = fw_object_next(w, i)) {
        struct fw_s3_object *o = &w->objects[i];
        if (strcmp(o->bucket, bucket) != 0 || strncmp(o->key, pat, lit) != 0)
            break;
        if (fnmatch(pat, o->key, flags) != 0 || o->modified_ms > run->work.start_ms ||
            (append && o->modified_ms <= c->last_success_ms))
            continue;
        n++;
        *rows += o->items;
        if (strict && raw != NULL && *bad == NULL && (*bad = unknown_field(w, raw, o)) != NULL)
            *bad_key = fw_printf("s3://%s/%s", o->bucket, o->key);
    }
    return n;
}

/* The load job of the run fails on a field of file key that the raw table lacks, as a BigQuery JSON
 * load with max_bad_records 0 does: the run FAILED (INVALID_ARGUMENT) with the job's error result
 * as its errorStatus and ERROR log — the summary only ("JSON table encountered too many errors …
 * Please look into the errors[] collection"): DTS does not pass the per-row error ("No such
 * field: Item.x") on, which only the load job's errors[] holds. Nothing loaded. */
static void fail_transfer(struct fw_world *w, size_t ri, long files, const char *key)
{
    struct fw_dts_run *run = &w->dts_runs[ri];
    int64_t end = run->work.end_ms;
    char h[33], *text, *job;

    text = fw_printf("Moving data from Amazon S3 to Google Cloud complete: Moved %ld object(s).",
                     files);
    fw_dts_msg_add(w, ri, end - 60000, "INFO", text ? text : "Moved objects.");
    free(text);
    fw_rand_hex(w, h, 32);
    job =
        fw_printf("%s:bqts_%.8s-0000-%.4s-%.4s-%.12s", w->project_number, h, h + 8, h + 12, h + 16);
    text = fw_printf(
        "Job %s (table %s) failed with error INVALID_ARGUMENT: Error while reading data, error "
        "message: JSON table encountered too many errors, giving up. Rows: 1; errors: 1. Please "
        "look into the errors[] collection for more details. File: %s",
        job ? job : "?",
        json_string_value(json_object_get(run->params, "destination_table_name_template")),
        key ? key : "?");
    fw_dts_msg_add(w, ri, end - 1000, "ERROR", text ? text : "Error while reading data.");
    free(run->work.error_code);
    free(run->work.error_message);
    run->work.error_code = strdup("3"); /* google.rpc INVALID_ARGUMENT */
    run->work.error_message = text;
    run->work.final = FW_FAILED;
    free(job);
}

static void apply_transfer(struct fw_world *w, size_t ri)
{
    struct fw_dts_run *run = &w->dts_runs[ri];
    struct fw_dts_config *c = &w->dts_configs[run->config];
    char *path = fw_render_template(json_string_value(json_object_get(run->params, "data_path")),
                                    run->run_time_ms);
    int64_t end = run->work.end_ms;
    long files, rows = 0;
    char *text = NULL, h[33], *bad = NULL, *bad_key = NULL;
    const char *fmt = json_string_value(json_object_get(run->params, "file_format"));
    const char *iu = json_string_value(json_object_get(run->params, "ignore_unknown_values"));
    struct fw_pipeline *pl = c->pipeline >= 0 ? &w->pipelines[c->pipeline] : NULL;
    const struct fw_bq_table *raw = pl && pl->has_transfer && pl->source == FW_SRC_DYNAMODB
                                        ? &w->bq_tables[pl->raw_table]
                                        : NULL;

    if (path == NULL)
        return;
    files = load_files(w, run, path, &rows, raw,
                       fmt && strcmp(fmt, "JSON") == 0 && !(iu && strcmp(iu, "true") == 0), &bad,
                       &bad_key);
    if (bad != NULL) {
        fail_transfer(w, ri, files, bad_key);
        free(bad);
        free(bad_key);
        free(path);
        return;
    }
    if (files == 0) {
        text = fw_printf("Moving data from Amazon S3 to Google Cloud complete: Moved 0 object(s). "
                         "No new files found matching %s.",
                         path);
        fw_dts_msg_add(w, ri, end - 1000, "INFO", text ? text : "No new files found.");
    } else {
        struct fw_pipeline *p = c->pipeline >= 0 ? &w->pipelines[c->pipeline] : NULL;
        text = fw_printf(
            "Moving data from Amazon S3 to Google Cloud complete: Moved %ld object(s).", files);
        fw_dts_msg_add(w, ri, end - 60000, "INFO", text ? text : "Moved objects.");
        free(text);
        fw_rand_hex(w, h, 32);
        text = fw_printf(
            "Job %s:bqts_%.8s-0000-%.4s-%.4s-%.12s (table %s) completed successfully. "
            "Number of records: %ld, with errors: 0.",
            w->project_number, h, h + 8, h + 12, h + 16,
            json_string_value(json_object_get(run->params, "destination_table_name_template")),
            rows);
        fw_dts_msg_add(w, ri, end - 1000, "INFO", text ? text : "Job completed.");
        if (p && p->has_transfer) {
            struct fw_bq_table *t = &w->bq_tables[p->raw_table];
            t->num_rows += rows;
            t->num_bytes += (long long)rows * 212;
            t->modified_ms = end;
            t->generation++;
            p->last_loaded_items = rows;
        }
    }
    free(text);
    free(path);
    c->last_success_ms = run->work.start_ms;
}

static void apply_query(struct fw_world *w, size_t ri)
{
    struct fw_dts_run *run = &w->dts_runs[ri];
    struct fw_dts_config *c = &w->dts_configs[run->config];
    struct fw_pipeline *p = c->pipeline >= 0 ? &w->pipelines[c->pipeline] : NULL;
    char h[17], *text;

    fw_rand_hex(w, h, 16);
    text = fw_printf("Job %s:scheduled_query_%s completed successfully.", w->project, h);
    fw_dts_msg_add(w, ri, run->work.end_ms - 1000, "INFO", text ? text : "Job completed.");
    free(text);
    if (p && p->has_query) {
        struct fw_bq_table *t = &w->bq_tables[p->mart_table];
        t->num_rows = p->last_loaded_items;
        t->num_bytes = (long long)p->last_loaded_items * 96;
        t->modified_ms = run->work.end_ms;
        t->generation++;
    }
}

void fw_apply_dts_run(struct fw_world *w, size_t ri)
{
    struct fw_dts_run *run = &w->dts_runs[ri];
    char *text;

    switch (run->work.final) {
    case FW_SUCCEEDED:
        if (w->dts_configs[run->config].kind == FW_DTS_S3)
            apply_transfer(w, ri);
        else
            apply_query(w, ri);
        break;
    case FW_FAILED:
        text = w->dts_configs[run->config].kind == FW_DTS_QUERY
                   ? fw_printf("Error code %s : %s", run->work.error_code, run->work.error_message)
                   : fw_printf("%s", run->work.error_message);
        fw_dts_msg_add(w, ri, run->work.end_ms, "ERROR", text ? text : "Transfer run failed.");
        free(text);
        break;
    default:
        fw_dts_msg_add(w, ri, run->work.end_ms, "INFO", "Transfer run was cancelled.");
    }
}
