/* tests/fakecloud/world_mut.c: the changes handlers make to the world — DynamoDB exports
 * (PITR window, ClientToken idempotency), RDS export tasks (snapshot must exist, unique ids),
 * the export Lambda (starts a day's exports), STS AssumeRole keys and DTS manual runs — each
 * checked the way the real service checks it, failing with the service's own code. */
#include "tests/fakecloud/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fakecloud/world_int.h"

#define TOKEN_WINDOW_MS (8LL * 3600 * 1000)

static void fmt_time(int64_t ms, char *out, size_t n)
{
    time_format_utc(ms, out, n);
}

long fw_ddb_export_start(struct fw_world *w, const struct fw_ddb_export_req *q, int64_t now_ms,
                         struct fw_error *e)
{
    long ti = fw_ddb_table_find(w, q->table_arn);
    struct fw_ddb_table *t;
    const struct fw_pipeline *p;
    int64_t earliest, at = q->has_export_time ? q->export_time_ms : now_ms;
    char a[TIME_RFC3339_LEN], b[TIME_RFC3339_LEN], c[TIME_RFC3339_LEN];
    const struct fw_plan *plan;
    struct fw_plan ok = {FW_PLAN_OK, NULL, NULL};
    int day;
    char dayname[TIME_DAY_LEN];

    if (ti < 0 || strcmp(w->ddb_tables[ti].arn, q->table_arn) != 0)
        return fw_fail(e, 400, "TableNotFoundException", "Table not found: %s", q->table_arn);
    t = &w->ddb_tables[ti];
    if (q->client_token) {
        for (size_t i = 0; i < w->n_ddb_exports; i++) {
            struct fw_ddb_export *x = &w->ddb_exports[i];
            int64_t done = fw_status_at(&x->work, now_ms) >= FW_SUCCEEDED ? x->work.end_ms : now_ms;
            if (x->client_token == NULL || strcmp(x->client_token, q->client_token) != 0 ||
                now_ms - done > TOKEN_WINDOW_MS)
                continue;
            if (strcmp(x->fingerprint, q->fingerprint) == 0)
                return (long)i;
            return fw_fail(e, 400, "ExportConflictException",
                           "There was a conflict when attempting to export: the ClientToken %s "
                           "was already used with different parameters",
                           q->client_token);
        }
    }
    if (!t->pitr_enabled)
        return fw_fail(e, 400, "PointInTimeRecoveryUnavailableException",
                       "Point in time recovery is not enabled for table '%s'", t->name);
    earliest = now_ms - (int64_t)t->pitr_days * 86400000;
    if (earliest < t->pitr_enabled_ms)
        earliest = t->pitr_enabled_ms;
    if (at < earliest || at > now_ms) {
        fmt_time(at, a, sizeof(a));
        fmt_time(earliest, b, sizeof(b));
        fmt_time(now_ms, c, sizeof(c));
        return fw_fail(e, 400, "InvalidExportTimeException",
                       "Export time %s is outside the point in time recovery window of table "
                       "'%s' (earliest restorable %s, latest restorable %s)",
                       a, t->name, b, c);
    }
    time_day_of(at, dayname);
    if (fw_day_offset(w, dayname, &day) != 0)
        day = 0;
    p = t->pipeline >= 0 ? &w->pipelines[t->pipeline] : NULL;
    plan = p && p->rerun[FW_EXPORT].kind != FW_PLAN_OK ? &p->rerun[FW_EXPORT] : &ok;
    {
        long x = fw_ddb_export_add(w, (size_t)ti, t->pipeline, day, at, now_ms, plan,
                                   (int64_t)(p ? p->work_seconds : w->work_seconds) * 1000,
                                   q->bucket, q->prefix, q->client_token);
        if (x < 0)
            return fw_fail(e, 500, "InternalServerError", "out of memory");
        free(w->ddb_exports[x].fingerprint);
        w->ddb_exports[x].fingerprint = strdup(q->fingerprint);
        free(w->ddb_exports[x].sse);
        w->ddb_exports[x].sse = fw_strdup(q->sse);
        if (w->ddb_exports[x].fingerprint == NULL)
            return fw_fail(e, 500, "InternalServerError", "out of memory");
        /* a PENDING plan never starts; a started export is IN_PROGRESS at once */
        return x;
    }
}

long fw_rds_export_start(struct fw_world *w, const struct fw_rds_export_req *q, int64_t now_ms,
                         struct fw_error *e)
{
    long s = fw_snapshot_find(w, q->source_arn), x;
    const struct fw_pipeline *p = NULL;
    struct fw_plan ok = {FW_PLAN_OK, NULL, NULL};
    const struct fw_plan *plan = &ok;

    if (fw_rds_export_find(w, q->id) >= 0)
        return fw_fail(e, 400, "ExportTaskAlreadyExists",
                       "Cannot start export task because a task with the identifier %s already "
                       "exists.",
                       q->id);
    if (strstr(q->source_arn, ":cluster:") != NULL && fw_cluster_find(w, q->source_arn) < 0)
        return fw_fail(e, 404, "DBClusterNotFoundFault", "DBCluster %s not found.", q->source_arn);
    if (strstr(q->source_arn, ":cluster:") != NULL)
        return fw_fail(e, 400, "InvalidExportSourceState",
                       "This fake cloud exports cluster snapshots only; export a snapshot of %s.",
                       q->source_arn);
    if (s < 0 || w->snapshots[s].deleted || strcmp(w->snapshots[s].arn, q->source_arn) != 0)
        return fw_fail(e, 404, "DBClusterSnapshotNotFoundFault", "DBClusterSnapshot %s not found.",
                       q->source_arn);
    if (fw_role_find(w, q->iam_role) < 0 && strcmp(q->iam_role, w->role_arn) != 0)
        return fw_fail(e, 400, "IamRoleNotFound", "The IAM role %s was not found.", q->iam_role);
    for (size_t i = 0; i < w->n_pipelines; i++)
        if (w->pipelines[i].source == FW_SRC_AURORA &&
            w->pipelines[i].cluster == w->snapshots[s].cluster && p == NULL)
            p = &w->pipelines[i];
    if (p && p->rerun[FW_EXPORT].kind != FW_PLAN_OK)
        plan = &p->rerun[FW_EXPORT];
    x = fw_rds_export_add(w, w->snapshots[s].cluster, (size_t)s, w->snapshots[s].day, now_ms, plan,
                          (int64_t)(p ? p->work_seconds : w->work_seconds) * 1000, q->id);
    if (x < 0)
        return fw_fail(e, 500, "InternalFailure", "out of memory");
    {
        struct fw_rds_export *r = &w->rds_exports[x];
        free(r->bucket);
        free(r->prefix);
        free(r->iam_role);
        free(r->kms_key);
        r->bucket = strdup(q->bucket);
        r->prefix = fw_strdup(q->prefix ? q->prefix : "");
        r->iam_role = strdup(q->iam_role);
        r->kms_key = strdup(q->kms_key);
        if (q->n_export_only && (r->export_only = calloc(q->n_export_only, sizeof(char *)))) {
            for (size_t i = 0; i < q->n_export_only; i++)
                r->export_only[i] = strdup(q->export_only[i]);
            r->n_export_only = q->n_export_only;
        }
        if (!r->bucket || !r->prefix || !r->iam_role || !r->kms_key)
            return fw_fail(e, 500, "InternalFailure", "out of memory");
    }
    fw_bucket_add(w, q->bucket);
    return x;
}

int fw_rds_percent(const struct fw_rds_export *x, int64_t now_ms)
{
    enum fw_state s = fw_status_at(&x->work, now_ms);

    if (s == FW_PENDING)
        return 0;
    if (s == FW_SUCCEEDED)
        return 100;
    if (s != FW_RUNNING || x->work.end_ms == FW_NEVER)
        return s == FW_RUNNING ? 42 : 0;
    return (int)((now_ms - x->work.start_ms) * 100 / (x->work.end_ms - x->work.start_ms + 1));
}

/* The event an invoke payload carries: the day ({"date":"YYYY-MM-DD"}, an EventBridge event's
 * "time", or today) and, optionally, the one DynamoDB "table" or Aurora "cluster" to export
 * (absent: every pipeline, as the nightly run does). -1 with e set (the message the function
 * throws) for anything else: not an object, a member of the wrong type, a bad date, an unknown
 * table or cluster — what a real handler does with an event it cannot read. */
struct invoke_event {
    int day;
    long table;   /* index into ddb_tables, -1 = all */
    long cluster; /* index into clusters, -1 = all */
};

static int invoke_event(struct fw_world *w, json_t *ev, int64_t now_ms, struct invoke_event *out,
                        struct fw_error *e)
{
    json_t *jd = json_object_get(ev, "date"), *jt = json_object_get(ev, "table"),
           *jc = json_object_get(ev, "cluster");
    const char *date = json_string_value(jd);
    const char *time = json_string_value(json_object_get(ev, "time"));
    struct err er = ERR_INIT;
    char d[TIME_DAY_LEN];
    int64_t ms;

    out->table = out->cluster = -1;
    if (!json_is_object(ev))
        return fw_fail(e, 200, "BadEvent", "the event must be a JSON object");
    if ((jd && !json_is_string(jd)) || (jt && !json_is_string(jt)) || (jc && !json_is_string(jc)))
        return fw_fail(e, 200, "BadEvent", "\"date\", \"table\" and \"cluster\" must be strings");
    if (jt && jc)
        return fw_fail(e, 200, "BadEvent", "give \"table\" or \"cluster\", not both");
    if (jt && ((out->table = fw_ddb_table_find(w, json_string_value(jt))) < 0 ||
               strcmp(w->ddb_tables[out->table].name, json_string_value(jt)) != 0))
        return fw_fail(e, 200, "BadEvent", "no DynamoDB table \"%s\" is exported by this function",
                       json_string_value(jt));
    if (jc && (out->cluster = fw_cluster_find(w, json_string_value(jc))) < 0)
        return fw_fail(e, 200, "BadEvent", "no Aurora cluster \"%s\" is exported by this function",
                       json_string_value(jc));
    if (date == NULL && time != NULL) {
        if (time_parse_rfc3339(time, &ms, &er) != 0)
            return fw_fail(e, 200, "BadEvent", "cannot read event time \"%s\"", time);
        time_day_of(ms, d);
        date = d;
    } else if (date == NULL) {
        time_day_of(now_ms, d);
        date = d;
    }
    if (time_day_valid(date, &er) != 0 || fw_day_offset(w, date, &out->day) != 0)
        return fw_fail(e, 200, "BadEvent", "\"date\" must be YYYY-MM-DD, got \"%s\"", date);
    return 0;
}

/* The function's answer for an export it could not start. */
static json_t *start_error(const char *what, const char *name, const struct fw_error *fe)
{
    return json_pack("{s:s,s:s,s:s}", what, name, "error", fe->code, "message", fe->message);
}

/* The day's DynamoDB exports: ExportTime = the day's nightly export time (now at the latest),
 * into the same day prefix as the nightly ones. */
static void invoke_ddb(struct fw_world *w, const struct invoke_event *ev, int64_t now_ms,
                       json_t *started)
{
    for (size_t i = 0; i < w->n_pipelines; i++) {
        struct fw_pipeline *p = &w->pipelines[i];
        struct fw_ddb_export_req q;
        struct fw_error fe;
        char *prefix, *fp;
        long x;
        if (p->source != FW_SRC_DYNAMODB || ev->cluster >= 0 ||
            (ev->table >= 0 && p->table != (size_t)ev->table))
            continue;
        prefix = fw_day_prefix(w, p, ev->day);
        memset(&q, 0, sizeof(q));
        q.table_arn = w->ddb_tables[p->table].arn;
        q.bucket = p->bucket;
        q.prefix = prefix;
        q.has_export_time = 1;
        q.export_time_ms = fw_local_at(w, ev->day, w->export_min) + (int64_t)(i % 60) * 1000;
        if (q.export_time_ms > now_ms)
            q.export_time_ms = now_ms;
        fp = fw_ddb_fingerprint(&q);
        q.fingerprint = fp ? fp : "";
        x = fw_ddb_export_start(w, &q, now_ms, &fe);
        if (x >= 0) {
            w->ddb_exports[x].day = ev->day; /* the data day the function was asked for */
            json_array_append_new(started, json_string(w->ddb_exports[x].arn));
        } else {
            json_array_append_new(started, start_error("table", w->ddb_tables[p->table].name, &fe));
        }
        free(prefix);
        free(fp);
    }
}

/* One Aurora export per cluster from the day's snapshot. */
static void invoke_rds(struct fw_world *w, const struct invoke_event *ev, int64_t now_ms,
                       json_t *started)
{
    for (size_t c = 0; c < w->n_clusters; c++) {
        struct fw_rds_export_req q;
        struct fw_error fe = {0, "NoMemory", "out of memory"};
        char *id = NULL;
        long snap = -1, x;
        if (ev->table >= 0 || (ev->cluster >= 0 && (size_t)ev->cluster != c))
            continue;
        for (size_t s = 0; s < w->n_snapshots; s++)
            if (w->snapshots[s].cluster == c && w->snapshots[s].day == ev->day)
                snap = (long)s;
        if (snap < 0) {
            if (ev->cluster >= 0) {
                fw_fail(&fe, 404, "DBClusterSnapshotNotFoundFault",
                        "no snapshot of cluster %s was taken on %s", w->clusters[c].id,
                        fw_day(w, ev->day) ? fw_day(w, ev->day) : "that day");
                json_array_append_new(started, start_error("cluster", w->clusters[c].id, &fe));
            }
            continue;
        }
        for (int n = 1; id == NULL || fw_rds_export_find(w, id) >= 0; n++) {
            free(id);
            id = fw_printf("%s-%s-rerun-%d", w->clusters[c].id, fw_day(w, ev->day), n);
            if (id == NULL)
                break;
        }
        memset(&q, 0, sizeof(q));
        q.id = id;
        q.source_arn = w->snapshots[snap].arn;
        q.bucket = w->export_bucket;
        q.iam_role = w->role_arn;
        q.kms_key = w->kms_key;
        x = id ? fw_rds_export_start(w, &q, now_ms, &fe) : -1;
        if (x >= 0) {
            /* the same per-day prefix the nightly export writes */
            struct fw_rds_export *r = &w->rds_exports[x];
            char *pre =
                r->pipeline >= 0 ? fw_day_prefix(w, &w->pipelines[r->pipeline], ev->day) : NULL;
            if (pre) {
                free(r->prefix);
                r->prefix = pre;
            }
            json_array_append_new(started, json_string(r->id));
        } else {
            json_array_append_new(started, start_error("cluster", w->clusters[c].id, &fe));
        }
        free(id);
    }
}

int fw_lambda_invoke(struct fw_world *w, size_t fn, const char *payload, size_t len, int64_t now_ms,
                     char **result, int *function_error, struct fw_error *e)
{
    json_error_t jerr;
    json_t *ev = len ? json_loadb(payload, len, JSON_DECODE_ANY, &jerr) : json_object();
    json_t *out = NULL, *started = json_array();
    struct invoke_event iev;
    struct fw_error fe;

    *result = NULL;
    *function_error = 0;
    if (ev == NULL || started == NULL) {
        json_decref(started);
        json_decref(ev);
        return fw_fail(e, 400, "InvalidRequestContentException",
                       "Could not parse request body into json: %s", jerr.text);
    }
    if (w->lambdas[fn].fail_message || invoke_event(w, ev, now_ms, &iev, &fe) != 0) {
        const char *msg = w->lambdas[fn].fail_message ? w->lambdas[fn].fail_message : fe.message;
        out = json_pack("{s:s,s:s,s:[s]}", "errorMessage", msg, "errorType", "Error", "stackTrace",
                        "    at exportHandler (/var/task/index.js:42:11)");
        *function_error = 1;
        goto done;
    }
    invoke_ddb(w, &iev, now_ms, started);
    invoke_rds(w, &iev, now_ms, started);
    out = json_pack("{s:i,s:s,s:O}", "statusCode", 200, "date",
                    fw_day(w, iev.day) ? fw_day(w, iev.day) : "", "started", started);
done:
    json_decref(started);
    json_decref(ev);
    *result = out ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    return *result ? 0 : fw_fail(e, 500, "ServiceException", "out of memory");
}

long fw_sts_assume(struct fw_world *w, const char *role_arn, const char *session_name,
                   long duration_s, size_t caller_key, int64_t now_ms, struct fw_error *e)
{
    long r = fw_role_find(w, role_arn);
    struct fw_key *k;
    char ak[17], sk[41], tok[97];

    (void)caller_key;
    if (r < 0)
        return fw_fail(e, 403, "AccessDenied",
                       "User: %s is not authorized to perform: sts:AssumeRole on resource: %s",
                       w->keys[caller_key].arn, role_arn);
    if (duration_s < 900 || duration_s > w->roles[r].max_session_s)
        return fw_fail(e, 400, "ValidationError",
                       "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                       "role.");
    if ((k = FW_PUSH(w, keys, n_keys, FW_CAP_KEYS)) == NULL)
        return fw_fail(e, 500, "InternalFailure", "out of memory");
    w->n_keys++;
    fw_rand_hex(w, ak, 16);
    fw_rand_hex(w, sk, 40);
    fw_rand_hex(w, tok, 96);
    for (char *p = ak; *p; p++)
        *p = (char)(*p >= 'a' ? *p - 'a' + 'A' : *p);
    k->access_key_id = fw_printf("ASIA%s", ak);
    k->secret_access_key = strdup(sk);
    k->session_token = fw_printf("FwoGZXIvYXdzE%s", tok);
    k->expires_ms = now_ms + (int64_t)duration_s * 1000;
    k->arn = fw_printf("arn:aws:sts::%s:assumed-role/%s/%s", w->account_id, w->roles[r].name,
                       session_name);
    k->user_id = fw_printf("%s:%s", w->roles[r].role_id, session_name);
    if (!k->access_key_id || !k->secret_access_key || !k->session_token || !k->arn || !k->user_id)
        return fw_fail(e, 500, "InternalFailure", "out of memory");
    return (long)(w->n_keys - 1);
}

int64_t fw_dts_run_time(const struct fw_world *w, size_t config, int day_offset)
{
    const struct fw_dts_config *c = &w->dts_configs[config];
    const struct fw_pipeline *p = c->pipeline >= 0 ? &w->pipelines[c->pipeline] : NULL;
    int min = c->kind == FW_DTS_S3 ? w->transfer_min : w->query_min;

    (void)p;
    return fw_local_at(w, day_offset, min);
}

size_t fw_dts_range_run_times(const struct fw_world *w, size_t config, int64_t start_ms,
                              int64_t end_ms, int64_t *out, size_t max)
{
    const struct fw_dts_config *c = &w->dts_configs[config];
    int64_t day_ms = 86400000, tod = ((int64_t)c->hour * 60 + c->minute) * 60000;
    int64_t t = (start_ms / day_ms) * day_ms + tod;
    size_t n = 0;

    if (c->kind == FW_DTS_QUERY) /* scheduled queries: both ends truncated to 00:00 UTC */
        end_ms = (end_ms / day_ms) * day_ms;
    else if (t < start_ms)
        t += day_ms;
    for (; t < end_ms && n < max; t += day_ms)
        out[n++] = t;
    return n;
}

long fw_dts_start_runs(struct fw_world *w, size_t config, const int64_t *run_times, size_t n,
                       int64_t now_ms, struct fw_error *e)
{
    struct fw_dts_config *c = &w->dts_configs[config];
    const struct fw_pipeline *p = c->pipeline >= 0 ? &w->pipelines[c->pipeline] : NULL;
    struct fw_plan ok = {FW_PLAN_OK, NULL, NULL};
    const struct fw_plan *plan = &ok;
    int stage = c->kind == FW_DTS_S3 ? FW_TRANSFER : FW_QUERY;
    int64_t dur = (int64_t)(p ? p->work_seconds : w->work_seconds) * 1000;
    long first = -1;

    if (c->disabled)
        return fw_fail(e, 400, "FAILED_PRECONDITION",
                       "Cannot schedule runs for a disabled transfer config: %s", c->name);
    if (p && p->rerun[stage].kind != FW_PLAN_OK)
        plan = &p->rerun[stage];
    for (size_t i = 0; i < n; i++) {
        char d[TIME_DAY_LEN];
        int day = 0;
        long r;
        time_day_of(run_times[i], d);
        if (fw_day_offset(w, d, &day) != 0)
            day = 0;
        /* DTS starts the first run now and each further one 15 s later */
        r = fw_dts_run_add(w, config, run_times[i], now_ms + (int64_t)i * 15000, 1, day, plan, dur);
        if (r < 0)
            return fw_fail(e, 500, "INTERNAL", "out of memory");
        if (first < 0)
            first = r;
    }
    c->update_ms = now_ms;
    return first;
}
