/* core/dts_parse.c: DTS v1 JSON answers (TransferConfig, TransferRun, TransferMessage and their
 * lists) into pipetop's structs through core/jsonx. A value of the wrong type is an ERR_PARSE
 * naming the call and the field; unknown enum words are kept raw; nothing is skipped silently. */
#include "core/dts.h"

#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

/* at->path "x" + "." + key into buf, as the jloc of a nested object. */
static struct jloc sub(char *buf, size_t n, const struct jloc *at, const char *key)
{
    struct jloc s = {at->call, jsonx_path(buf, n, at, key, -1)};
    return s;
}

static int read_params(struct dts_config *c, const json_t *o, const struct jloc *at, struct err *e)
{
    const json_t *p;
    char path[256];
    struct jloc pat;

    if (jsonx_object(o, "params", 0, &p, at, e) != 0)
        return -1;
    if (p == NULL)
        return 0;
    pat = sub(path, sizeof(path), at, "params");
    if (jsonx_str(p, "data_path", 0, &c->cfg.data_path, &pat, e) ||
        jsonx_str(p, "destination_table_name_template", 0, &c->cfg.destination_table_template, &pat,
                  e) ||
        jsonx_str(p, "query", 0, &c->cfg.query, &pat, e) ||
        jsonx_str(p, "write_disposition", 0, &c->write_disposition, &pat, e))
        return -1;
    return 0;
}

/* scheduleOptions {disableAutoScheduling,startTime,endTime} and scheduleOptionsV2
 * {timeBasedSchedule{schedule,startTime,endTime} | manualSchedule | eventDrivenSchedule}. */
static int read_schedule(struct dts_config *c, const json_t *o, const struct jloc *at,
                         struct err *e)
{
    const json_t *so, *v2, *tb, *other;
    char p1[256], p2[256], p3[256];
    struct jloc a1, a2, a3;
    int manual = 0;

    if (jsonx_object(o, "scheduleOptions", 0, &so, at, e) ||
        jsonx_object(o, "scheduleOptionsV2", 0, &v2, at, e))
        return -1;
    if (so != NULL) {
        a1 = sub(p1, sizeof(p1), at, "scheduleOptions");
        if (jsonx_bool(so, "disableAutoScheduling", 0, &manual, &a1, e) ||
            jsonx_rfc3339_ms(so, "startTime", 0, &c->schedule_start_ms, &a1, e) ||
            jsonx_rfc3339_ms(so, "endTime", 0, &c->schedule_end_ms, &a1, e))
            return -1;
        c->manual_only = manual != 0;
    }
    if (v2 == NULL)
        return 0;
    a2 = sub(p2, sizeof(p2), at, "scheduleOptionsV2");
    if (jsonx_object(v2, "timeBasedSchedule", 0, &tb, &a2, e) != 0)
        return -1;
    if (tb != NULL) {
        a3 = sub(p3, sizeof(p3), &a2, "timeBasedSchedule");
        if (((c->cfg.schedule == NULL || c->cfg.schedule[0] == '\0') &&
             jsonx_str(tb, "schedule", 0, &c->cfg.schedule, &a3, e) != 0) ||
            jsonx_rfc3339_ms(tb, "startTime", 0, &c->schedule_start_ms, &a3, e) ||
            jsonx_rfc3339_ms(tb, "endTime", 0, &c->schedule_end_ms, &a3, e))
            return -1;
    }
    if (jsonx_object(v2, "manualSchedule", 0, &other, &a2, e) != 0)
        return -1;
    if (other != NULL)
        c->manual_only = true;
    if (jsonx_object(v2, "eventDrivenSchedule", 0, &other, &a2, e) != 0)
        return -1;
    c->event_driven = other != NULL;
    return 0;
}

static int read_status(const json_t *o, const char *key, int *code, char **msg,
                       const struct jloc *at, struct err *e)
{
    const json_t *s;
    char path[256];
    struct jloc sat;
    int64_t c = 0;

    if (jsonx_object(o, key, 0, &s, at, e) != 0)
        return -1;
    if (s == NULL)
        return 0;
    sat = sub(path, sizeof(path), at, key);
    if (jsonx_int64(s, "code", 0, &c, &sat, e) || jsonx_str(s, "message", 0, msg, &sat, e))
        return -1;
    *code = (int)c;
    return 0;
}

static int read_config(void *item, const json_t *o, const struct jloc *at, struct err *e)
{
    struct dts_config *c = item;
    int disabled = 0;

    if (jsonx_str(o, "name", 1, &c->cfg.name, at, e) ||
        jsonx_str(o, "displayName", 0, &c->cfg.display_name, at, e) ||
        jsonx_str(o, "dataSourceId", 0, &c->cfg.data_source_id, at, e) ||
        jsonx_str(o, "destinationDatasetId", 0, &c->cfg.destination_dataset, at, e) ||
        jsonx_str(o, "schedule", 0, &c->cfg.schedule, at, e) ||
        jsonx_str(o, "state", 0, &c->cfg.state, at, e) ||
        jsonx_str(o, "datasetRegion", 0, &c->dataset_region, at, e) ||
        jsonx_bool(o, "disabled", 0, &disabled, at, e) ||
        jsonx_rfc3339_ms(o, "updateTime", 0, &c->cfg.updated_ms, at, e) ||
        jsonx_rfc3339_ms(o, "nextRunTime", 0, &c->cfg.next_run_ms, at, e) ||
        read_params(c, o, at, e) || read_schedule(c, o, at, e) ||
        read_status(o, "error", &c->error_code, &c->error_message, at, e))
        return -1;
    if (c->cfg.schedule != NULL && c->cfg.schedule[0] == '\0') {
        free(c->cfg.schedule);
        c->cfg.schedule = NULL;
    }
    c->cfg.disabled = disabled != 0;
    return 0;
}

static int read_run(void *item, const json_t *o, const struct jloc *at, struct err *e)
{
    struct dts_run *r = item;

    if (jsonx_str(o, "name", 1, &r->name, at, e) ||
        jsonx_rfc3339_ms(o, "runTime", 0, &r->run_time_ms, at, e) ||
        jsonx_rfc3339_ms(o, "scheduleTime", 0, &r->schedule_time_ms, at, e) ||
        jsonx_rfc3339_ms(o, "startTime", 0, &r->start_ms, at, e) ||
        jsonx_rfc3339_ms(o, "endTime", 0, &r->end_ms, at, e) ||
        jsonx_rfc3339_ms(o, "updateTime", 0, &r->update_ms, at, e) ||
        jsonx_str(o, "state", 1, &r->state, at, e) ||
        jsonx_str(o, "dataSourceId", 0, &r->data_source_id, at, e) ||
        jsonx_str(o, "destinationDatasetId", 0, &r->destination_dataset, at, e) ||
        jsonx_str(o, "schedule", 0, &r->schedule, at, e) ||
        read_status(o, "errorStatus", &r->error_code, &r->error_message, at, e))
        return -1;
    return 0;
}

static int read_message(void *item, const json_t *o, const struct jloc *at, struct err *e)
{
    struct dts_message *m = item;

    if (jsonx_rfc3339_ms(o, "messageTime", 0, &m->time_ms, at, e) ||
        jsonx_str(o, "severity", 0, &m->severity, at, e) ||
        jsonx_str(o, "messageText", 0, &m->text, at, e))
        return -1;
    return 0;
}

static void release_config(void *p)
{
    dts_config_release(p);
}
static void release_run(void *p)
{
    dts_run_release(p);
}
static void release_message(void *p)
{
    dts_message_release(p);
}

/* One object answer read by fn into item. */
static int parse_one(const char *call, const char *body, size_t len, jsonx_item_fn fn,
                     jsonx_release_fn release, void *item, struct err *e)
{
    struct jloc at = {call, ""};
    json_t *root;
    int rc;

    if (jsonx_load(&root, call, body, len, e) != 0)
        return -1;
    rc = fn(item, root, &at, e);
    if (rc != 0)
        release(item);
    json_decref(root);
    return rc;
}

/* A list answer {key: [...], token_key: "..."}; token_key NULL for none (token ""). */
static int parse_page(const char *call, const char *body, size_t len, const char *key, size_t size,
                      jsonx_item_fn fn, jsonx_release_fn release, void **v, size_t *n, char **token,
                      struct err *e)
{
    struct jloc at = {call, ""};
    json_t *root;
    int rc;

    if (jsonx_load(&root, call, body, len, e) != 0)
        return -1;
    rc = jsonx_page_token(root, "nextPageToken", token, &at, e);
    if (rc == 0)
        rc = jsonx_list(root, key, size, fn, release, v, n, &at, e);
    if (rc != 0) {
        free(*token);
        *token = NULL;
    }
    json_decref(root);
    return rc;
}

int dts_parse_config(struct dts_config *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse_one("dts transferConfigs.get", body, len, read_config, release_config, out, e);
}

int dts_parse_run(struct dts_run *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse_one("dts runs.get", body, len, read_run, release_run, out, e);
}

int dts_parse_configs(struct dts_configs *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse_page("dts transferConfigs.list", body, len, "transferConfigs", sizeof(*out->v),
                      read_config, release_config, (void **)&out->v, &out->n, &out->next_page_token,
                      e);
}

int dts_parse_runs(struct dts_runs *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse_page("dts runs.list", body, len, "transferRuns", sizeof(*out->v), read_run,
                      release_run, (void **)&out->v, &out->n, &out->next_page_token, e);
}

int dts_parse_manual_runs(struct dts_runs *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse_page("dts startManualRuns", body, len, "runs", sizeof(*out->v), read_run,
                      release_run, (void **)&out->v, &out->n, &out->next_page_token, e);
}

int dts_parse_messages(struct dts_messages *out, const char *body, size_t len, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return parse_page("dts runs.transferLogs.list", body, len, "transferMessages", sizeof(*out->v),
                      read_message, release_message, (void **)&out->v, &out->n,
                      &out->next_page_token, e);
}
