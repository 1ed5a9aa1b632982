/* core/report_json.c: the `status --json` document of DESIGN §5 (stable: extend, never rename)
 * and the helpers the other report files share. Builds with jansson from model structs only;
 * never reads a clock, a database or the network. */
#include "core/report_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

bool report_stage_applies(const struct pipeline *p, enum stage s)
{
    switch (s) {
    case STAGE_EXPORT:
        return p->source_kind != SOURCE_UNKNOWN || p->source != NULL || p->export_prefix != NULL;
    case STAGE_TRANSFER:
        return p->transfer_config != NULL;
    case STAGE_QUERY:
        return p->query_config != NULL;
    case STAGE_COUNT:
        break;
    }
    return false;
}

static int cell_cmp(const struct stage_run *r, const char *pipeline, const char *day, enum stage s)
{
    int c = strcmp(r->pipeline != NULL ? r->pipeline : "", pipeline);
    if (c == 0)
        c = strcmp(r->day, day);
    if (c == 0)
        c = (int)r->stage - (int)s;
    return c;
}

const struct stage_run *report_cell_find(const struct stage_run *cells, size_t n,
                                         const char *pipeline, const char *day, enum stage s)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cell_cmp(&cells[mid], pipeline, day, s);
        if (c == 0)
            return &cells[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void *report_time(int64_t ms)
{
    char t[TIME_RFC3339_LEN];

    if (ms <= 0)
        return json_null();
    return json_string(time_format_local(ms, t, sizeof(t)));
}

int report_dump(void *root, char **out, struct err *e)
{
    *out = NULL;
    if (root != NULL)
        *out = jsonx_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (*out == NULL)
        return err_set(e, ERR_NOMEM, "out of memory building the JSON output");
    return 0;
}

static json_t *stage_json(const struct pipeline *p, const struct stage_run *r, enum stage s)
{
    const char *msg;

    if (r == NULL && !report_stage_applies(p, s))
        return json_null();
    if (r == NULL)
        return json_pack("{s:n,s:n,s:n,s:n,s:n,s:i,s:n,s:n}", "state", "raw_state", "id", "started",
                         "ended", "attempts", 0, "error", "error_code");
    msg = r->error_message != NULL ? r->error_message : r->error_code;
    return json_pack("{s:s,s:s?,s:s?,s:o,s:o,s:i,s:s?,s:s?}", "state", run_state_name(r->state),
                     "raw_state", r->raw_state, "id", r->service_id, "started",
                     report_time(r->started_ms), "ended", report_time(r->ended_ms), "attempts",
                     r->attempt, "error", msg, "error_code", r->error_code);
}

static json_t *source_json(const struct pipeline *p)
{
    if (p->source_kind == SOURCE_UNKNOWN && p->source == NULL)
        return json_null();
    return json_pack("{s:s,s:s?,s:s?,s:s?,s:s?}", "kind", source_kind_name(p->source_kind), "name",
                     p->source, "arn", p->source_arn, "export_bucket", p->export_bucket,
                     "export_prefix", p->export_prefix);
}

static json_t *days_json(const struct report_status *r, const struct pipeline *p)
{
    json_t *days = json_array();

    for (size_t d = 0; days != NULL && d < r->n_days; d++) {
        json_t *st[STAGE_COUNT];
        for (int s = 0; s < STAGE_COUNT; s++)
            st[s] = stage_json(
                p, report_cell_find(r->cells, r->n_cells, p->name, r->days[d], (enum stage)s),
                (enum stage)s);
        json_t *day = json_pack("{s:s,s:o?,s:o?,s:o?}", "date", r->days[d], "export", st[0],
                                "transfer", st[1], "query", st[2]);
        if (day == NULL || st[0] == NULL || st[1] == NULL || st[2] == NULL ||
            json_array_append_new(days, day) != 0) {
            json_decref(day);
            json_decref(days);
            return NULL;
        }
    }
    return days;
}

int report_status_json(const struct report_status *r, char **out, struct err *e)
{
    json_t *root, *list = json_array();

    for (size_t i = 0; list != NULL && i < r->n_pipelines; i++) {
        const struct pipeline *p = &r->pipelines[i];
        json_t *obj = json_pack("{s:s,s:o,s:s?,s:s?,s:s?,s:s?,s:b,s:o}", "name", p->name, "source",
                                source_json(p), "transfer_config", p->transfer_config,
                                "query_config", p->query_config, "raw_table", p->raw_table, "table",
                                p->table, "pinned", p->pinned, "days", days_json(r, p));
        if (obj == NULL || json_array_append_new(list, obj) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    root = list == NULL ? NULL
                        : json_pack("{s:o,s:s,s:o}", "as_of", report_time(r->as_of_ms), "timezone",
                                    r->timezone != NULL ? r->timezone : "local", "pipelines", list);
    return report_dump(root, out, e);
}
