/* tests/fakecloud/dts.c: BigQuery Data Transfer Service v1 — transferConfigs.list/get and
 * transferConfigs.startManualRuns, backed by the world (world_gcp.h), with DTS's validation:
 * dataSourceIds filter, pageSize ≤ 1000, exactly one of requestedRunTime/requestedTimeRange,
 * past times, ≤ 180 days, disabled configs refused (by the world). Never starts a run for a
 * request it then refuses. */
#include "tests/fakecloud/gcp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"
#include "tests/fakecloud/google.h"
#include "tests/fakecloud/world.h"

#define DAY_MS 86400000LL

static int not_found(struct fc_response *r)
{
    gcp_dts_error(r, 404, "NOT_FOUND", "Requested entity was not found.", NULL);
    return -1;
}

int gcp_project_ok(const struct fw_world *w, const char *p)
{
    return strcmp(p, w->project) == 0 || strcmp(p, w->project_number) == 0;
}

int fc_dts_resolve(struct fw_world *w, const struct fc_request *req, struct fc_response *r,
                   int depth, struct fc_dts_ref *ref)
{
    char seg[10][256];
    const char *p = req->path;
    long i;
    int n = 0;

    memset(ref, 0, sizeof(*ref));
    while (*p == '/' && n < 10) {
        size_t len = strcspn(++p, "/");
        if (len >= sizeof(seg[0]))
            return not_found(r);
        memcpy(seg[n], p, len);
        seg[n++][len] = '\0';
        p += len;
    }
    /* v1 projects P locations L transferConfigs C runs R transferLogs */
    if (n < 6 || !gcp_project_ok(w, seg[2])) {
        gcp_dts_error(r, 403, "PERMISSION_DENIED", "The caller does not have permission", NULL);
        return -1;
    }
    if (strcasecmp(seg[4], w->location) != 0)
        return not_found(r);
    if (depth == 0)
        return 0;
    if (n < 7)
        return not_found(r);
    seg[6][strcspn(seg[6], ":")] = '\0'; /* "ID:startManualRuns" */
    if ((i = fw_dts_config_find(w, seg[6])) < 0)
        return not_found(r);
    ref->cfg = (size_t)i;
    if (depth == 1)
        return 0;
    if (n < 9 || (i = fw_dts_run_find(w, seg[8])) < 0 || w->dts_runs[i].config != ref->cfg ||
        !fc_dts_run_visible(&w->dts_runs[i], fw_now(w)))
        return not_found(r);
    ref->run = (size_t)i;
    return 0;
}

static int wanted(char **ids, const char *source)
{
    if (ids[0] == NULL)
        return 1;
    for (size_t i = 0; ids[i]; i++)
        if (strcmp(ids[i], source) == 0)
            return 1;
    return 0;
}

int fc_dts_configs_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    char **ids = NULL;
    json_t *items = NULL, *out = NULL;
    struct gcp_page pg;
    struct fc_dts_ref ref;
    size_t matched = 0;
    int64_t now;
    int rc = 0;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    ids = gcp_query_all(req, "dataSourceIds");
    items = json_array();
    out = json_object();
    if (ids == NULL || items == NULL || out == NULL) {
        rc = -1;
        goto out;
    }
    pthread_mutex_lock(&fc->world_lock);
    now = fw_now(w);
    fw_tick(w, now);
    if (fc_dts_resolve(w, req, r, 0, &ref) == 0 &&
        gcp_page_parse(req, r, w, 0, 1000, 1000, "dts.transferConfigs", &pg) == 0) {
        for (size_t i = 0; i < w->n_dts_configs; i++) {
            if (!wanted(ids, w->dts_configs[i].kind == FW_DTS_S3 ? "amazon_s3" : "scheduled_query"))
                continue;
            if (matched >= pg.offset && matched < pg.offset + pg.size)
                json_array_append_new(items, fc_dts_config_json(w, i, now, 0));
            matched++;
        }
        if (json_array_size(items))
            json_object_set(out, "transferConfigs", items);
        gcp_page_finish(out, &pg, matched);
        rc = fc_respond_json(r, 200, json_incref(out));
    }
    pthread_mutex_unlock(&fc->world_lock);
out:
    gcp_strv_free(ids);
    json_decref(items);
    json_decref(out);
    return rc;
}

int fc_dts_configs_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    struct fc_dts_ref ref;
    int64_t now;
    int rc = 0;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    pthread_mutex_lock(&fc->world_lock);
    now = fw_now(w);
    fw_tick(w, now);
    if (fc_dts_resolve(w, req, r, 1, &ref) == 0)
        rc = fc_respond_json(r, 200, fc_dts_config_json(w, ref.cfg, now, 1));
    pthread_mutex_unlock(&fc->world_lock);
    return rc;
}

/* The ESF answer to a timestamp it cannot parse. */
static int bad_time(struct fc_response *r, const char *field, const char *json_name)
{
    char msg[300];

    snprintf(msg, sizeof(msg),
             "Invalid value at '%s' (type.googleapis.com/google.protobuf.Timestamp), Field '%s', "
             "Invalid time format: Failed to parse input",
             field, json_name);
    return gcp_dts_error(r, 400, "INVALID_ARGUMENT", msg, field);
}

static int unknown_member(struct fc_response *r, json_t *obj, const char *const *known,
                          const char *where)
{
    const char *k;
    json_t *v;
    char msg[400];

    json_object_foreach(obj, k, v)
    {
        int ok = 0;
        for (size_t i = 0; known[i]; i++)
            ok |= strcmp(known[i], k) == 0;
        if (!ok) {
            snprintf(msg, sizeof(msg),
                     "Invalid JSON payload received. Unknown name \"%.100s\"%s%s: Cannot find "
                     "field.",
                     k, where[0] ? " at " : "", where);
            gcp_dts_error(r, 400, "INVALID_ARGUMENT", msg, NULL);
            return -1;
        }
    }
    return 0;
}

/* Parses and checks the StartManualTransferRunsRequest into run times. -1: r has the error. */
static int manual_times(struct fc_request *req, struct fc_response *r,
                        const struct fw_dts_config *c, int64_t now, int64_t *times, size_t *n)
{
    static const char *const top[] = {"requestedRunTime", "requestedTimeRange", NULL};
    static const char *const range[] = {"startTime", "endTime", NULL};
    json_error_t jerr;
    json_t *body = json_loadb(req->body, req->body_len, 0, &jerr), *rt, *tr;
    struct err e = ERR_INIT;
    int64_t t, start, end;
    char msg[300];
    int rc = -1;

    *n = 0;
    if (!json_is_object(body)) {
        snprintf(msg, sizeof(msg), "Invalid JSON payload received. %s", jerr.text);
        gcp_dts_error(r, 400, "INVALID_ARGUMENT", body ? "Invalid JSON payload received." : msg,
                      NULL);
        goto out;
    }
    if (unknown_member(r, body, top, "") != 0)
        goto out;
    rt = json_object_get(body, "requestedRunTime");
    tr = json_object_get(body, "requestedTimeRange");
    if ((rt == NULL) == (tr == NULL)) {
        gcp_dts_error(r, 400, "INVALID_ARGUMENT",
                      rt ? "Only one of requested_run_time or requested_time_range may be set."
                         : "Either requested_run_time or requested_time_range must be set.",
                      NULL);
        goto out;
    }
    if (rt) {
        if (!json_is_string(rt) || time_parse_rfc3339(json_string_value(rt), &t, &e) != 0) {
            bad_time(r, "requested_run_time", "requestedRunTime");
            goto out;
        }
        if (t > now) {
            gcp_dts_error(r, 400, "INVALID_ARGUMENT",
                          "Requested run time must be in the past: cannot run a transfer for "
                          "a future run_time.",
                          NULL);
            goto out;
        }
        times[(*n)++] = t;
        rc = 0;
        goto out;
    }
    if (!json_is_object(tr) || unknown_member(r, tr, range, "'requested_time_range'") != 0) {
        if (!json_is_object(tr))
            gcp_dts_error(r, 400, "INVALID_ARGUMENT",
                          "Invalid JSON payload received. Expected an object for "
                          "'requested_time_range'.",
                          NULL);
        goto out;
    }
    if (!json_is_string(json_object_get(tr, "startTime")) ||
        time_parse_rfc3339(json_string_value(json_object_get(tr, "startTime")), &start, &e)) {
        bad_time(r, "requested_time_range.start_time", "startTime");
        goto out;
    }
    if (!json_is_string(json_object_get(tr, "endTime")) ||
        time_parse_rfc3339(json_string_value(json_object_get(tr, "endTime")), &end, &e)) {
        bad_time(r, "requested_time_range.end_time", "endTime");
        goto out;
    }
    if (start >= end || start > now || end > now) {
        gcp_dts_error(r, 400, "INVALID_ARGUMENT",
                      start >= end ? "The requested time range is invalid: start_time must be "
                                     "before end_time."
                                   : "The requested time range must be in the past.",
                      NULL);
        goto out;
    }
    if (end - start > 180 * DAY_MS) {
        gcp_dts_error(r, 400, "INVALID_ARGUMENT",
                      "The requested time range is too long: at most 180 days may be backfilled "
                      "in one request.",
                      NULL);
        goto out;
    }
    /* daily configs: both ends truncated to 00:00 UTC, one run per day at the config's time */
    for (int64_t day = start - start % DAY_MS; day < end - end % DAY_MS; day += DAY_MS)
        times[(*n)++] = day + ((int64_t)c->hour * 3600 + c->minute * 60) * 1000;
    rc = 0;
out:
    json_decref(body);
    return rc;
}

int fc_dts_start_manual_runs(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    struct fw_error e;
    struct fc_dts_ref ref;
    int64_t times[200], now;
    json_t *runs;
    size_t n = 0;
    long first = 0;
    int rc = 0;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    if ((runs = json_array()) == NULL)
        return -1;
    pthread_mutex_lock(&fc->world_lock);
    now = fw_now(w);
    fw_tick(w, now);
    if (fc_dts_resolve(w, req, r, 1, &ref) != 0 ||
        manual_times(req, r, &w->dts_configs[ref.cfg], now, times, &n) != 0)
        goto out;
    memset(&e, 0, sizeof(e));
    if (n > 0 && (first = fw_dts_start_runs(w, ref.cfg, times, n, now, &e)) < 0) {
        rc = gcp_dts_fw_error(r, &e);
        goto out;
    }
    /* as DTS answers the request: every new run PENDING, nothing started yet */
    for (size_t i = 0; i < n; i++) {
        json_t *run = fc_dts_run_json(w, (size_t)first + i, now);
        char t[TIME_RFC3339_LEN];
        if (run == NULL)
            continue;
        json_object_set_new(run, "state", json_string("PENDING"));
        json_object_del(run, "startTime");
        json_object_del(run, "endTime");
        json_object_del(run, "errorStatus");
        json_object_set_new(run, "updateTime", json_string(gcp_time(now, t, sizeof(t))));
        json_array_append_new(runs, run);
    }
    rc = fc_respond_json(r, 200,
                         json_array_size(runs) ? json_pack("{s:O}", "runs", runs) : json_object());
out:
    pthread_mutex_unlock(&fc->world_lock);
    json_decref(runs);
    return rc;
}
