/* tests/fakecloud/dts_json.c: the wire JSON of DTS TransferConfig and TransferRun built from the
 * world at a given "now" (discovery bigquerydatatransfer v1 names: RFC 3339 times, int64 userId
 * as a string, errorStatus with the numeric google.rpc code). Never shows a run that does not
 * exist yet at that instant. */
#include "tests/fakecloud/gcp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "tests/fakecloud/world.h"

#define DTS_USER_ID "-7384119420349015622"
#define DAY_MS 86400000LL

static void set_time(json_t *o, const char *key, int64_t ms)
{
    char t[TIME_RFC3339_LEN];
    json_object_set_new(o, key, json_string(gcp_time(ms, t, sizeof(t))));
}

int fc_dts_run_visible(const struct fw_dts_run *run, int64_t now)
{
    /* a manual run exists from the request on, even while it waits its 15 s turn */
    return run->manual || run->work.created_ms <= now;
}

int64_t fc_dts_run_updated(const struct fw_dts_run *run, int64_t now)
{
    int64_t t = run->work.created_ms < now ? run->work.created_ms : now;

    if (run->work.start_ms <= now && run->work.start_ms > t)
        t = run->work.start_ms;
    if (run->work.end_ms != FW_NEVER && run->work.end_ms <= now && run->work.end_ms > t)
        t = run->work.end_ms;
    return t;
}

static json_t *status_json(const struct fw_work *wk)
{
    const char *code = wk->error_code ? wk->error_code : "2";
    char *end;
    long n;

    errno = 0;
    n = strtol(code, &end, 10);
    if (errno || *end || end == code)
        n = 2; /* UNKNOWN */
    return json_pack("{s:i,s:s}", "code", (int)n, "message",
                     wk->error_message ? wk->error_message : "Transfer run failed.");
}

static const char *source_id(const struct fw_dts_config *c)
{
    return c->kind == FW_DTS_S3 ? "amazon_s3" : "scheduled_query";
}

json_t *fc_dts_run_json(const struct fw_world *w, size_t r, int64_t now)
{
    const struct fw_dts_run *run = &w->dts_runs[r];
    const struct fw_dts_config *c = &w->dts_configs[run->config];
    enum fw_state st = fw_status_at(&run->work, now);
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "name", json_string(run->name));
    set_time(o, "scheduleTime", run->schedule_time_ms);
    set_time(o, "runTime", run->run_time_ms);
    if (st == FW_FAILED)
        json_object_set_new(o, "errorStatus", status_json(&run->work));
    if (st != FW_PENDING)
        set_time(o, "startTime", run->work.start_ms);
    if (st != FW_PENDING && st != FW_RUNNING)
        set_time(o, "endTime", run->work.end_ms);
    set_time(o, "updateTime", fc_dts_run_updated(run, now));
    if (run->params)
        json_object_set(o, "params", run->params);
    else if (c->params)
        json_object_set(o, "params", c->params);
    if (c->dataset)
        json_object_set_new(o, "destinationDatasetId", json_string(c->dataset));
    json_object_set_new(o, "dataSourceId", json_string(source_id(c)));
    json_object_set_new(o, "state", json_string(fw_state_name(st)));
    json_object_set_new(o, "userId", json_string(DTS_USER_ID));
    if (!run->manual && c->schedule)
        json_object_set_new(o, "schedule", json_string(c->schedule));
    json_object_set_new(o, "emailPreferences", json_object());
    return o;
}

/* The run of config c updated last (visible at now), or -1. */
static long last_run(const struct fw_world *w, size_t c, int64_t now)
{
    long best = -1;
    int64_t best_t = 0;

    for (size_t i = 0; i < w->n_dts_runs; i++) {
        const struct fw_dts_run *run = &w->dts_runs[i];
        int64_t t;
        if (run->config != c || !fc_dts_run_visible(run, now))
            continue;
        t = fc_dts_run_updated(run, now);
        if (best < 0 || t >= best_t) {
            best = (long)i;
            best_t = t;
        }
    }
    return best;
}

/* The next scheduled instant of hour:minute UTC after now. */
static int64_t next_run(const struct fw_dts_config *c, int64_t now)
{
    int64_t day = now - now % DAY_MS;
    int64_t t = day + ((int64_t)c->hour * 3600 + c->minute * 60) * 1000;

    return t > now ? t : t + DAY_MS;
}

json_t *fc_dts_config_json(const struct fw_world *w, size_t i, int64_t now, int with_owner)
{
    const struct fw_dts_config *c = &w->dts_configs[i];
    long last = last_run(w, i, now);
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "name", json_string(c->name));
    if (c->dataset)
        json_object_set_new(o, "destinationDatasetId", json_string(c->dataset));
    json_object_set_new(o, "displayName", json_string(c->display_name ? c->display_name : ""));
    set_time(o, "updateTime", c->update_ms);
    json_object_set_new(o, "dataSourceId", json_string(source_id(c)));
    if (c->schedule)
        json_object_set_new(o, "schedule", json_string(c->schedule));
    if (!c->disabled)
        set_time(o, "nextRunTime", next_run(c, now));
    if (c->params)
        json_object_set(o, "params", c->params);
    if (c->disabled)
        json_object_set_new(o, "disabled", json_true());
    if (last >= 0) {
        const struct fw_work *wk = &w->dts_runs[last].work;
        enum fw_state st = fw_status_at(wk, now);
        json_object_set_new(o, "state", json_string(fw_state_name(st)));
        if (st == FW_FAILED)
            json_object_set_new(o, "error", status_json(wk));
    }
    json_object_set_new(o, "userId", json_string(DTS_USER_ID));
    json_object_set_new(o, "datasetRegion", json_string(w->location));
    json_object_set_new(o, "emailPreferences", json_pack("{s:b}", "enableFailureEmail", 1));
    if (with_owner && c->owner_email)
        json_object_set_new(o, "ownerInfo", json_pack("{s:s}", "email", c->owner_email));
    return o;
}
