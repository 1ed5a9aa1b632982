/* core/dts.c: DTS v1 request builders (exact URLs, repeated query params, startManualRuns body),
 * the `bq` command line of each call, ownership of the DTS structs and the error reader. Builds
 * requests only: never sends, signs or pages. */
#include "core/dts.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apierr.h"
#include "core/reqbuild.h"
#include "core/timeutil.h"

void dts_config_release(struct dts_config *c)
{
    transfer_config_release(&c->cfg);
    free(c->write_disposition);
    free(c->dataset_region);
    free(c->error_message);
    memset(c, 0, sizeof(*c));
}

void dts_run_release(struct dts_run *r)
{
    free(r->name);
    free(r->state);
    free(r->error_message);
    free(r->data_source_id);
    free(r->destination_dataset);
    free(r->schedule);
    memset(r, 0, sizeof(*r));
}

void dts_message_release(struct dts_message *m)
{
    free(m->severity);
    free(m->text);
    memset(m, 0, sizeof(*m));
}

#define LIST_RELEASE(fn, type, item_release)                                                       \
    void fn(type *l)                                                                               \
    {                                                                                              \
        for (size_t i = 0; i < l->n; i++)                                                          \
            item_release(&l->v[i]);                                                                \
        free(l->v);                                                                                \
        free(l->next_page_token);                                                                  \
        memset(l, 0, sizeof(*l));                                                                  \
    }
LIST_RELEASE(dts_configs_release, struct dts_configs, dts_config_release)
LIST_RELEASE(dts_runs_release, struct dts_runs, dts_run_release)
LIST_RELEASE(dts_messages_release, struct dts_messages, dts_message_release)

int dts_run_state(const char *state, enum run_state *out)
{
    static const struct {
        const char *word;
        enum run_state rs;
    } map[] = {{"SUCCEEDED", RS_SUCCEEDED},
               {"FAILED", RS_FAILED},
               {"RUNNING", RS_RUNNING},
               {"PENDING", RS_PENDING},
               {"CANCELLED", RS_CANCELLED}};

    for (size_t i = 0; state && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(state, map[i].word) == 0) {
            *out = map[i].rs;
            return 0;
        }
    }
    return -1;
}

/* {endpoint}/v1/{name}{suffix} with the resource name's segments encoded, '/' kept. */
static int url_of(struct buf *url, const char *endpoint, const char *name, const char *suffix,
                  struct err *e)
{
    if (name == NULL || *name == '\0' || *name == '/')
        return err_set(e, ERR_USAGE, "dts: a resource name is required (projects/...)");
    if (reqbuild_base(url, endpoint, e) != 0)
        return -1;
    if (buf_puts(url, "/v1/") || reqbuild_path(url, name, 1) || buf_puts(url, suffix))
        return reqbuild_toobig(e, "dts");
    return 0;
}

/* Appends the repeated param and the page params; sets *filter to "a,b" for the command line. */
static int list_params(struct buf *q, const char *param, const char *const *values,
                       struct buf *joined, int page_size, const char *page_token)
{
    for (size_t i = 0; values && values[i]; i++) {
        if (reqbuild_param(q, param, values[i]) || (joined->len && buf_putc(joined, ',')) ||
            buf_puts(joined, values[i]))
            return -1;
    }
    if (page_size > 0 && reqbuild_param_long(q, "pageSize", page_size))
        return -1;
    if (page_token && *page_token && reqbuild_param(q, "pageToken", page_token))
        return -1;
    return 0;
}

/* " --flag 'param:a,b'" on the command line. */
static int filter_opt(struct buf *cmd, const char *flag, const char *param, const struct buf *vals)
{
    struct buf f = BUF_INIT(REQBUILD_MAX);
    int rc =
        buf_printf(&f, "%s:%s", param, buf_cstr(vals)) || reqbuild_opt(cmd, flag, buf_cstr(&f));

    buf_release(&f);
    return rc ? -1 : 0;
}

static int finish_get(struct http_request *req, const char *op, struct buf *url, struct buf *q,
                      struct buf *cmd, struct err *e)
{
    int rc;

    if (q->len && (buf_putc(url, '?') || buf_append(url, q->data, q->len)))
        rc = reqbuild_toobig(e, op);
    else
        rc = reqbuild_finish(req, "dts", op, "GET", url, NULL, 0, NULL, cmd, e);
    buf_release(url);
    buf_release(q);
    buf_release(cmd);
    return rc;
}

int dts_build_list_configs(struct http_request *req, const char *endpoint, const char *project,
                           const char *location, const char *const *data_source_ids, int page_size,
                           const char *page_token, struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), q = BUF_INIT(REQBUILD_MAX),
               cmd = BUF_INIT(REQBUILD_MAX), ids = BUF_INIT(REQBUILD_MAX);
    char name[512];

    memset(req, 0, sizeof(*req));
    if (project == NULL || !*project || location == NULL || !*location)
        return err_set(e, ERR_USAGE, "dts transferConfigs.list: project and location are required");
    snprintf(name, sizeof(name), "projects/%s/locations/%s", project, location);
    if (url_of(&url, endpoint, name, "/transferConfigs", e) != 0)
        goto fail;
    if (list_params(&q, "dataSourceIds", data_source_ids, &ids, page_size, page_token) ||
        buf_puts(&cmd, "bq ls --transfer_config") ||
        reqbuild_opt(&cmd, "--transfer_location", location) ||
        reqbuild_opt(&cmd, "--project_id", project))
        goto big;
    if (ids.len && filter_opt(&cmd, "--filter", "dataSourceIds", &ids))
        goto big;
    buf_release(&ids);
    return finish_get(req, "transferConfigs.list", &url, &q, &cmd, e);
big:
    reqbuild_toobig(e, "dts transferConfigs.list");
fail:
    buf_release(&url);
    buf_release(&q);
    buf_release(&cmd);
    buf_release(&ids);
    return -1;
}

static int build_get(struct http_request *req, const char *op, const char *bq_kind,
                     const char *endpoint, const char *name, struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), q = BUF_INIT(16), cmd = BUF_INIT(REQBUILD_MAX);

    memset(req, 0, sizeof(*req));
    if (url_of(&url, endpoint, name, "", e) != 0) {
        buf_release(&url);
        return -1;
    }
    if (buf_puts(&cmd, "bq show --format=prettyjson") || reqbuild_arg(&cmd, bq_kind) ||
        reqbuild_arg(&cmd, name))
        cmd.toobig = 1;
    return finish_get(req, op, &url, &q, &cmd, e);
}

int dts_build_get_config(struct http_request *req, const char *endpoint, const char *config_name,
                         struct err *e)
{
    return build_get(req, "transferConfigs.get", "--transfer_config", endpoint, config_name, e);
}

int dts_build_get_run(struct http_request *req, const char *endpoint, const char *run_name,
                      struct err *e)
{
    return build_get(req, "runs.get", "--transfer_run", endpoint, run_name, e);
}

static int build_list_of(struct http_request *req, const char *op, const char *endpoint,
                         const char *name, const char *suffix, const char *param,
                         const char *const *values, const char *latest, int page_size,
                         const char *page_token, struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), q = BUF_INIT(REQBUILD_MAX),
               cmd = BUF_INIT(REQBUILD_MAX), vals = BUF_INIT(REQBUILD_MAX);
    int is_runs = strcmp(param, "states") == 0;

    memset(req, 0, sizeof(*req));
    if (url_of(&url, endpoint, name, suffix, e) != 0)
        goto fail;
    if (list_params(&q, param, values, &vals, 0, NULL) ||
        (latest && reqbuild_param(&q, "runAttempt", latest)) ||
        list_params(&q, param, NULL, &vals, page_size, page_token))
        goto big;
    if (buf_puts(&cmd, is_runs ? "bq ls --transfer_run" : "bq ls --transfer_log") ||
        (latest && reqbuild_opt(&cmd, "--run_attempt", latest)))
        goto big;
    if (vals.len && filter_opt(&cmd, is_runs ? "--filter" : "--message_type", param, &vals))
        goto big;
    if (reqbuild_arg(&cmd, name))
        goto big;
    buf_release(&vals);
    return finish_get(req, op, &url, &q, &cmd, e);
big:
    reqbuild_toobig(e, op);
fail:
    buf_release(&url);
    buf_release(&q);
    buf_release(&cmd);
    buf_release(&vals);
    return -1;
}

int dts_build_list_runs(struct http_request *req, const char *endpoint, const char *config_name,
                        const char *const *states, bool latest_only, int page_size,
                        const char *page_token, struct err *e)
{
    return build_list_of(req, "runs.list", endpoint, config_name, "/runs", "states", states,
                         latest_only ? "LATEST" : NULL, page_size, page_token, e);
}

int dts_build_list_logs(struct http_request *req, const char *endpoint, const char *run_name,
                        const char *const *message_types, int page_size, const char *page_token,
                        struct err *e)
{
    return build_list_of(req, "runs.transferLogs.list", endpoint, run_name, "/transferLogs",
                         "messageTypes", message_types, NULL, page_size, page_token, e);
}

int dts_build_start_manual_runs(struct http_request *req, const char *endpoint,
                                const char *config_name, const int64_t *run_time_ms,
                                const int64_t range_ms[2], struct err *e)
{
    struct buf url = BUF_INIT(REQBUILD_MAX), cmd = BUF_INIT(REQBUILD_MAX);
    char t0[TIME_RFC3339_LEN], t1[TIME_RFC3339_LEN];
    static const char *const headers[] = {"Content-Type", "application/json", NULL};
    json_t *body = NULL;
    char *text = NULL;
    int rc = -1;

    memset(req, 0, sizeof(*req));
    if ((run_time_ms == NULL) == (range_ms == NULL))
        return err_set(e, ERR_USAGE,
                       "dts startManualRuns: give exactly one of a run time or a time range");
    if (range_ms && range_ms[0] >= range_ms[1])
        return err_set(e, ERR_USAGE,
                       "dts startManualRuns: the time range must start before it ends");
    if (url_of(&url, endpoint, config_name, ":startManualRuns", e) != 0)
        goto out;
    if (buf_puts(&cmd, "bq mk --transfer_run"))
        goto big;
    if (run_time_ms) {
        time_format_utc(*run_time_ms, t0, sizeof(t0));
        body = json_pack("{s:s}", "requestedRunTime", t0);
        if (reqbuild_opt(&cmd, "--run_time", t0))
            goto big;
    } else {
        time_format_utc(range_ms[0], t0, sizeof(t0));
        time_format_utc(range_ms[1], t1, sizeof(t1));
        body = json_pack("{s:{s:s,s:s}}", "requestedTimeRange", "startTime", t0, "endTime", t1);
        if (reqbuild_opt(&cmd, "--start_time", t0) || reqbuild_opt(&cmd, "--end_time", t1))
            goto big;
    }
    if (reqbuild_arg(&cmd, config_name))
        goto big;
    if (body == NULL) {
        err_set(e, ERR_NOMEM, "dts startManualRuns: out of memory");
        goto out;
    }
    if (reqbuild_json(&text, body, e) != 0)
        goto out;
    rc = reqbuild_finish(req, "dts", "transferConfigs.startManualRuns", "POST", &url, text,
                         strlen(text), headers, &cmd, e);
    req->not_idempotent = 1; /* no request id: a repeat would start a second run */
    goto out;
big:
    reqbuild_toobig(e, "dts startManualRuns");
out:
    json_decref(body);
    free(text);
    buf_release(&url);
    buf_release(&cmd);
    return rc;
}

int dts_error(struct err *e, const char *operation, long status, const struct http_headers *h,
              const char *body, size_t len)
{
    (void)h;
    char call[96];

    snprintf(call, sizeof(call), "dts %s", operation);
    return apierr_google(e, call, status, body, len);
}
