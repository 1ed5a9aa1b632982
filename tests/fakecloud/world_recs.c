/* tests/fakecloud/world_recs.c: adding records that carry work — DynamoDB exports, RDS export
 * tasks and DTS runs — with ids shaped like the real ones, their timelines and first log lines.
 * Used both for the generated history and for work started through the API. */
#include "tests/fakecloud/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tests/fakecloud/world_int.h"

int fw_rpc_code(const char *name)
{
    static const char *const names[] = {"OK",
                                        "CANCELLED",
                                        "UNKNOWN",
                                        "INVALID_ARGUMENT",
                                        "DEADLINE_EXCEEDED",
                                        "NOT_FOUND",
                                        "ALREADY_EXISTS",
                                        "PERMISSION_DENIED",
                                        "RESOURCE_EXHAUSTED",
                                        "FAILED_PRECONDITION",
                                        "ABORTED",
                                        "OUT_OF_RANGE",
                                        "UNIMPLEMENTED",
                                        "INTERNAL",
                                        "UNAVAILABLE",
                                        "DATA_LOSS",
                                        "UNAUTHENTICATED"};
    for (int i = 0; name && i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return 2;
}

char *fw_ddb_fingerprint(const struct fw_ddb_export_req *q)
{
    return fw_printf("TableArn=%s|S3Bucket=%s|S3Prefix=%s|ExportTime=%lld|ExportFormat=%s|"
                     "ExportType=%s|S3SseAlgorithm=%s",
                     q->table_arn ? q->table_arn : "", q->bucket ? q->bucket : "",
                     q->prefix ? q->prefix : "",
                     q->has_export_time ? (long long)q->export_time_ms : -1LL,
                     q->export_format ? q->export_format : "DYNAMODB_JSON",
                     q->export_type ? q->export_type : "FULL_EXPORT", q->sse ? q->sse : "");
}

long fw_ddb_export_add(struct fw_world *w, size_t table, int pipeline, int day,
                       int64_t export_time_ms, int64_t start_ms, const struct fw_plan *plan,
                       int64_t dur_ms, const char *bucket, const char *prefix,
                       const char *client_token)
{
    struct fw_ddb_export *x = FW_PUSH(w, ddb_exports, n_ddb_exports, FW_CAP_DDB_EXPORTS);
    struct fw_ddb_export_req q;
    char hex[9];
    int64_t built = fw_now(w) > w->built_ms ? fw_now(w) : w->built_ms;

    if (x == NULL)
        return -1;
    w->n_ddb_exports++;
    fw_rand_hex(w, hex, 8);
    x->export_id = fw_printf("%014lld-%s", (long long)start_ms, hex);
    x->arn = fw_printf("%s/export/%s", w->ddb_tables[table].arn, x->export_id);
    x->table = table;
    x->export_time_ms = export_time_ms;
    x->bucket = strdup(bucket);
    x->prefix = fw_strdup(prefix);
    x->client_token = fw_strdup(client_token);
    x->manifest_key = fw_printf("%s%sAWSDynamoDB/%s/manifest-summary.json", prefix ? prefix : "",
                                prefix && *prefix ? "/" : "", x->export_id);
    x->export_type = strdup("FULL_EXPORT");
    x->export_format = strdup("DYNAMODB_JSON");
    x->sse = strdup("AES256");
    x->day = day;
    x->pipeline = pipeline;
    x->item_count = pipeline >= 0 ? fw_items_on(w, &w->pipelines[pipeline], day)
                                  : w->ddb_tables[table].item_count;
    x->billed_bytes = x->item_count * 212;
    memset(&q, 0, sizeof(q));
    q.table_arn = w->ddb_tables[table].arn;
    q.bucket = bucket;
    q.prefix = prefix;
    q.client_token = client_token;
    q.has_export_time = 1;
    q.export_time_ms = export_time_ms;
    x->fingerprint = fw_ddb_fingerprint(&q);
    if (!x->export_id || !x->arn || !x->bucket || !x->manifest_key || !x->export_type ||
        !x->export_format || !x->sse || !x->fingerprint || (prefix && !x->prefix) ||
        (client_token && !x->client_token) ||
        fw_work_from_plan(&x->work, plan, start_ms, start_ms, dur_ms, built, "UNKNOWN",
                          "Failed to export the table due to an internal error") != 0)
        return -1;
    fw_due(w, &x->work);
    return (long)(w->n_ddb_exports - 1);
}

long fw_rds_export_add(struct fw_world *w, size_t cluster, size_t snapshot, int day,
                       int64_t start_ms, const struct fw_plan *plan, int64_t dur_ms, const char *id)
{
    struct fw_rds_export *x = FW_PUSH(w, rds_exports, n_rds_exports, FW_CAP_RDS_EXPORTS);
    int64_t built = fw_now(w) > w->built_ms ? fw_now(w) : w->built_ms;

    if (x == NULL)
        return -1;
    w->n_rds_exports++;
    x->id = strdup(id);
    x->source_arn = strdup(w->snapshots[snapshot].arn);
    x->source_type = strdup("SNAPSHOT");
    x->bucket = strdup(w->export_bucket);
    x->pipeline = -1;
    for (size_t i = 0; i < w->n_pipelines && x->pipeline < 0; i++)
        if (w->pipelines[i].source == FW_SRC_AURORA && w->pipelines[i].cluster == cluster)
            x->pipeline = (int)i;
    x->prefix = x->pipeline >= 0 ? fw_day_prefix(w, &w->pipelines[x->pipeline], day)
                                 : fw_printf("aurora/%s/%s", w->clusters[cluster].id,
                                             fw_day(w, day) ? fw_day(w, day) : "undated");
    x->iam_role = strdup(w->role_arn);
    x->kms_key = strdup(w->kms_key);
    x->snapshot_time_ms = w->snapshots[snapshot].create_ms;
    x->total_gb = 1 + (long)(fw_rand(w) % 4);
    x->cluster = cluster;
    x->day = day;
    x->warning = strdup("{\"skippedTables\":[],\"warnings\":[]}");
    if (!x->id || !x->source_arn || !x->source_type || !x->bucket || !x->prefix || !x->iam_role ||
        !x->kms_key || !x->warning ||
        fw_work_from_plan(&x->work, plan, start_ms, start_ms, dur_ms, built, "ExportFailed",
                          "The export failed: an internal error occurred while writing to S3.") !=
            0)
        return -1;
    fw_due(w, &x->work);
    return (long)(w->n_rds_exports - 1);
}

int fw_dts_msg_add(struct fw_world *w, size_t r, int64_t when, const char *severity,
                   const char *text)
{
    struct fw_dts_run *run = &w->dts_runs[r];
    struct fw_dts_msg *m = realloc(run->msgs, (run->n_msgs + 1) * sizeof(*m));

    if (m == NULL)
        return -1;
    run->msgs = m;
    m += run->n_msgs;
    m->time_ms = when;
    m->severity = strdup(severity);
    m->text = strdup(text);
    if (m->severity == NULL || m->text == NULL) {
        free(m->severity);
        free(m->text);
        return -1;
    }
    run->n_msgs++;
    return 0;
}

size_t fw_dts_msgs_visible(const struct fw_dts_run *run, int64_t now_ms)
{
    size_t n = 0;

    while (n < run->n_msgs && run->msgs[n].time_ms <= now_ms)
        n++;
    return n;
}

long fw_dts_run_add(struct fw_world *w, size_t config, int64_t run_time_ms, int64_t start_ms,
                    int manual, int day, const struct fw_plan *plan, int64_t dur_ms)
{
    struct fw_dts_config *c = &w->dts_configs[config];
    struct fw_dts_run *run = FW_PUSH(w, dts_runs, n_dts_runs, FW_CAP_DTS_RUNS);
    int64_t built = fw_now(w) > w->built_ms ? fw_now(w) : w->built_ms;
    int s3 = c->kind == FW_DTS_S3;
    char h[33], code[16];
    long r;
    char *text;

    if (run == NULL)
        return -1;
    r = (long)w->n_dts_runs++;
    fw_rand_hex(w, h, 32);
    run->run_id = fw_printf("%.8s-0000-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16);
    run->name = fw_printf("%s/runs/%s", c->name, run->run_id ? run->run_id : "");
    run->config = config;
    run->run_time_ms = run_time_ms;
    run->schedule_time_ms = manual ? start_ms : run_time_ms;
    run->manual = manual;
    run->day = day;
    run->params = json_incref(c->params);
    if (!run->run_id || !run->name ||
        fw_work_from_plan(&run->work, plan, manual ? start_ms : run_time_ms, start_ms, dur_ms,
                          built, s3 ? "INTERNAL" : "INVALID_ARGUMENT",
                          s3 ? "Transfer run failed due to an internal error."
                             : "Query error: Syntax error") != 0)
        return -1;
    if (run->work.error_code) {
        snprintf(code, sizeof(code), "%d", fw_rpc_code(run->work.error_code));
        free(run->work.error_code);
        if ((run->work.error_code = strdup(code)) == NULL)
            return -1;
    }
    fw_due(w, &run->work);
    if (run->work.start_ms == FW_NEVER)
        return r;
    if (s3) {
        char *path = fw_render_template(json_string_value(json_object_get(c->params, "data_path")),
                                        run_time_ms);
        text = fw_printf(
            "Starting transfer from Amazon S3 for data path %s to table %s.", path ? path : "?",
            json_string_value(json_object_get(c->params, "destination_table_name_template")));
        free(path);
    } else {
        text = fw_printf("Starting to process scheduled query run for run_time %lld ms.",
                         (long long)run_time_ms);
    }
    if (text == NULL || fw_dts_msg_add(w, (size_t)r, w->dts_runs[r].work.start_ms, "INFO", text)) {
        free(text);
        return -1;
    }
    free(text);
    return r;
}
