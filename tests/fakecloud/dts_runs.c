/* tests/fakecloud/dts_runs.c: DTS v1 transfer runs — runs.list (states, runAttempt LATEST =
 * the latest attempt per runTime day), runs.get and runs.transferLogs.list (messageTypes),
 * newest first and paginated. Enum values are checked as the front end checks them: an
 * unknown name is a 400, never silently ignored. */
#include "tests/fakecloud/gcp.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "tests/fakecloud/google.h"
#include "tests/fakecloud/world.h"

#define DAY_MS 86400000LL

static const char *const run_states[] = {
    "TRANSFER_STATE_UNSPECIFIED", "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", NULL};
static const char *const severities[] = {"MESSAGE_SEVERITY_UNSPECIFIED", "INFO", "WARNING", "ERROR",
                                         NULL};

/* Checks every value of a repeated enum parameter. -1: r has the 400. */
static int check_enum(struct fc_response *r, char **vals, const char *field, const char *type,
                      const char *const *names)
{
    char msg[400], where[64];

    for (size_t i = 0; vals[i]; i++) {
        int ok = 0;
        for (size_t k = 0; names[k]; k++)
            ok |= strcmp(vals[i], names[k]) == 0;
        if (!ok) {
            snprintf(where, sizeof(where), "%s[%zu]", field, i);
            snprintf(msg, sizeof(msg), "Invalid value at '%s' (%s), \"%.200s\"", where, type,
                     vals[i]);
            gcp_dts_error(r, 400, "INVALID_ARGUMENT", msg, where);
            return -1;
        }
    }
    return 0;
}

static int listed(char **vals, const char *name)
{
    if (vals[0] == NULL)
        return 1;
    for (size_t i = 0; vals[i]; i++)
        if (strcmp(vals[i], name) == 0)
            return 1;
    return 0;
}

static const struct fw_world *sort_world;

/* Newest first: runTime day, then the later attempt, then runTime. */
static int by_newest(const void *a, const void *b)
{
    const struct fw_dts_run *x = &sort_world->dts_runs[*(const size_t *)a];
    const struct fw_dts_run *y = &sort_world->dts_runs[*(const size_t *)b];

    if (x->run_time_ms / DAY_MS != y->run_time_ms / DAY_MS)
        return x->run_time_ms < y->run_time_ms ? 1 : -1;
    if (x->schedule_time_ms != y->schedule_time_ms)
        return x->schedule_time_ms < y->schedule_time_ms ? 1 : -1;
    if (x->run_time_ms != y->run_time_ms)
        return x->run_time_ms < y->run_time_ms ? 1 : -1;
    return strcmp(y->run_id, x->run_id);
}

static int runs_page(struct fw_world *w, size_t cfg, struct fc_request *req, struct fc_response *r,
                     char **states, int latest, int64_t now)
{
    size_t *idx = calloc(w->n_dts_runs + 1, sizeof(*idx)), n = 0, matched = 0;
    json_t *items = json_array(), *out = json_object();
    struct gcp_page pg;
    int rc = 0;

    if (idx == NULL || items == NULL || out == NULL) {
        rc = -1;
        goto out;
    }
    if (gcp_page_parse(req, r, w, 0, 1000, 1000, "dts.runs", &pg) != 0)
        goto out;
    for (size_t i = 0; i < w->n_dts_runs; i++)
        if (w->dts_runs[i].config == cfg && fc_dts_run_visible(&w->dts_runs[i], now))
            idx[n++] = i;
    sort_world = w; /* qsort has no context argument; callers hold fc->world_lock */
    qsort(idx, n, sizeof(*idx), by_newest);
    for (size_t i = 0; i < n; i++) {
        const struct fw_dts_run *run = &w->dts_runs[idx[i]];
        /* LATEST: a newer attempt for the same runTime day sorts just before this one */
        if (latest && i > 0 &&
            w->dts_runs[idx[i - 1]].run_time_ms / DAY_MS == run->run_time_ms / DAY_MS)
            continue;
        if (!listed(states, fw_state_name(fw_status_at(&run->work, now))))
            continue;
        if (matched >= pg.offset && matched < pg.offset + pg.size)
            json_array_append_new(items, fc_dts_run_json(w, idx[i], now));
        matched++;
    }
    if (json_array_size(items))
        json_object_set(out, "transferRuns", items);
    gcp_page_finish(out, &pg, matched);
    rc = fc_respond_json(r, 200, json_incref(out));
out:
    free(idx);
    json_decref(items);
    json_decref(out);
    return rc;
}

int fc_dts_runs_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    char **states;
    const char *attempt = fc_query_param(req, "runAttempt");
    const char *const attempts[] = {"RUN_ATTEMPT_UNSPECIFIED", "LATEST", NULL};
    char *one[] = {(char *)attempt, NULL};
    struct fc_dts_ref ref;
    int64_t now;
    int rc = 0;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    if ((states = gcp_query_all(req, "states")) == NULL)
        return -1;
    pthread_mutex_lock(&fc->world_lock);
    now = fw_now(w);
    fw_tick(w, now);
    if (fc_dts_resolve(w, req, r, 1, &ref) == 0 &&
        check_enum(r, states, "states",
                   "type.googleapis.com/google.cloud.bigquery.datatransfer.v1.TransferState",
                   run_states) == 0 &&
        (attempt == NULL ||
         check_enum(r, one, "run_attempt",
                    "type.googleapis.com/"
                    "google.cloud.bigquery.datatransfer.v1.ListTransferRunsRequest.RunAttempt",
                    attempts) == 0))
        rc = runs_page(w, ref.cfg, req, r, states, attempt && strcmp(attempt, "LATEST") == 0, now);
    pthread_mutex_unlock(&fc->world_lock);
    gcp_strv_free(states);
    return rc;
}

int fc_dts_runs_get(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
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
    if (fc_dts_resolve(w, req, r, 2, &ref) == 0)
        rc = fc_respond_json(r, 200, fc_dts_run_json(w, ref.run, now));
    pthread_mutex_unlock(&fc->world_lock);
    return rc;
}

static json_t *logs_page(const struct fw_dts_run *run, char **types, const struct gcp_page *pg,
                         int64_t now)
{
    json_t *items = json_array(), *out = json_object();
    char when[TIME_RFC3339_LEN];
    size_t matched = 0;

    if (items == NULL || out == NULL) {
        json_decref(items);
        json_decref(out);
        return NULL;
    }
    for (size_t i = 0; i < run->n_msgs; i++) {
        const struct fw_dts_msg *m = &run->msgs[i];
        if (m->time_ms > now || !listed(types, m->severity))
            continue;
        if (matched >= pg->offset && matched < pg->offset + pg->size)
            json_array_append_new(items,
                                  json_pack("{s:s,s:s,s:s}", "messageTime",
                                            gcp_time(m->time_ms, when, sizeof(when)), "severity",
                                            m->severity, "messageText", m->text));
        matched++;
    }
    if (json_array_size(items))
        json_object_set(out, "transferMessages", items);
    json_decref(items);
    gcp_page_finish(out, pg, matched);
    return out;
}

int fc_dts_logs_list(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    char **types;
    struct gcp_page pg;
    struct fc_dts_ref ref;
    int64_t now;
    int rc = 0;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    if ((types = gcp_query_all(req, "messageTypes")) == NULL)
        return -1;
    pthread_mutex_lock(&fc->world_lock);
    now = fw_now(w);
    fw_tick(w, now);
    if (fc_dts_resolve(w, req, r, 2, &ref) == 0 &&
        check_enum(r, types, "message_types",
                   "type.googleapis.com/"
                   "google.cloud.bigquery.datatransfer.v1.TransferMessage.MessageSeverity",
                   severities) == 0 &&
        gcp_page_parse(req, r, w, 0, 1000, 1000, "dts.transferLogs", &pg) == 0)
        rc = fc_respond_json(r, 200, logs_page(&w->dts_runs[ref.run], types, &pg, now));
    pthread_mutex_unlock(&fc->world_lock);
    gcp_strv_free(types);
    return rc;
}
