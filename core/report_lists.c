/* core/report_lists.c: the --json lists of `pipetop runs`, `tables`, `history`, `audit` and
 * `calls`, built with jansson from model structs. Keys are stable (extend, never rename); call
 * records arrive redacted and are printed as given. No clock, database or network here. */
#include "core/report_json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

/* The array of item(list, i) for i in [0, n), or NULL when out of memory. */
typedef json_t *(*item_fn)(const void *list, size_t i);

static json_t *list_array(const void *list, size_t n, item_fn item)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr != NULL && i < n; i++) {
        if (json_array_append_new(arr, item(list, i)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

static int list_doc(const char *key, const void *list, size_t n, item_fn item, char **out,
                    struct err *e)
{
    return report_dump(json_pack("{s:o}", key, list_array(list, n, item)), out, e);
}

static json_t *run_item(const void *list, size_t i)
{
    const struct stage_run *r = (const struct stage_run *)list + i;
    json_t *dur = r->started_ms > 0 && r->ended_ms >= r->started_ms
                      ? json_real((double)(r->ended_ms - r->started_ms) / 1000.0)
                      : json_null();

    return json_pack("{s:s,s:s,s:s,s:i,s:s,s:s?,s:s?,s:o,s:o,s:o,s:s?,s:s?}", "pipeline",
                     r->pipeline, "date", r->day, "stage", stage_name(r->stage), "attempt",
                     r->attempt, "state", run_state_name(r->state), "raw_state", r->raw_state, "id",
                     r->service_id, "started", report_time(r->started_ms), "ended",
                     report_time(r->ended_ms), "duration_s", dur, "error_code", r->error_code,
                     "error", r->error_message);
}

int report_runs_json(const struct stage_run *runs, size_t n, char **out, struct err *e)
{
    return list_doc("runs", runs, n, run_item, out, e);
}

static json_t *samples_json(const struct report_table *t, bool bytes)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr != NULL && i < t->n_samples; i++) {
        const struct rowcount_sample *s = &t->samples[i];
        json_t *o = bytes ? json_pack("{s:o,s:I,s:I}", "at", report_time(s->at_ms), "rows",
                                      (json_int_t)s->rows, "bytes", (json_int_t)s->bytes)
                          : json_pack("{s:o,s:I}", "at", report_time(s->at_ms), "rows",
                                      (json_int_t)s->rows);
        if (json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

static json_t *count_or_null(int64_t v)
{
    return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

static json_t *anomaly_json(const struct anomaly *a)
{
    if (a == NULL)
        return json_null();
    bool finite = !a->insufficient && isfinite(a->z);
    return json_pack(
        "{s:s?,s:o,s:b,s:b,s:o,s:o,s:o,s:I,s:s}", "date", a->day[0] != '\0' ? a->day : NULL, "rows",
        a->day[0] != '\0' ? json_integer(a->value) : json_null(), "flagged", a->flagged,
        "insufficient", a->insufficient, "z", finite ? json_real(a->z) : json_null(), "mean",
        a->insufficient ? json_null() : json_real(a->mean), "stddev",
        a->insufficient ? json_null() : json_real(a->stddev), "history_days", (json_int_t)a->n,
        "reason", a->reason);
}

static json_t *table_item(const void *list, size_t i)
{
    const struct report_table *t = (const struct report_table *)list + i;
    const struct table_meta *m = t->meta;
    char *full = NULL;
    json_t *o;

    if (table_full_name(&full, m, &(struct err)ERR_INIT) != 0)
        return NULL;
    o = json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:o,s:o,s:o,s:o,s:o,s:i,s:o,s:o}", "table", full,
                  "project", m->project, "dataset", m->dataset, "table_id", m->table_id, "type",
                  m->type, "description", m->description, "rows", count_or_null(m->num_rows),
                  "bytes", count_or_null(m->num_bytes), "created", report_time(m->created_ms),
                  "modified", report_time(m->modified_ms), "seen", report_time(t->seen_ms),
                  "schema_versions", t->n_schema_versions, "rowcounts", samples_json(t, false),
                  "anomaly", anomaly_json(t->anomaly));
    free(full);
    return o;
}

int report_tables_json(const struct report_table *t, size_t n, int64_t as_of_ms, char **out,
                       struct err *e)
{
    return report_dump(json_pack("{s:o,s:o}", "as_of", report_time(as_of_ms), "tables",
                                 list_array(t, n, table_item)),
                       out, e);
}

int report_history_add(struct report_history *h, const struct report_table *t,
                       const struct report_schema_version *v, size_t n_versions, struct err *e)
{
    json_t *vers = json_array(), *item = NULL;
    char *full = NULL;

    if (h->root == NULL)
        h->root = json_pack("{s:[]}", "tables");
    for (size_t i = 0; vers != NULL && i < n_versions; i++) {
        if (json_array_append_new(vers, json_pack("{s:s,s:o,s:I}", "hash", v[i].hash, "first_seen",
                                                  report_time(v[i].first_seen_ms), "fields",
                                                  (json_int_t)v[i].n_fields)) != 0) {
            json_decref(vers);
            vers = NULL;
        }
    }
    if (h->root != NULL && vers != NULL && table_full_name(&full, t->meta, e) == 0)
        item = json_pack("{s:s,s:o,s:O}", "table", full, "rowcounts", samples_json(t, true),
                         "schema_versions", vers);
    json_decref(vers);
    free(full);
    if (item == NULL ||
        json_array_append_new(json_object_get((json_t *)h->root, "tables"), item) != 0)
        return err_set(e, ERR_NOMEM, "out of memory building the JSON output");
    return 0;
}

int report_history_finish(struct report_history *h, char **out, struct err *e)
{
    json_t *root = h->root != NULL ? h->root : json_pack("{s:[]}", "tables");

    h->root = NULL;
    return report_dump(root, out, e);
}

void report_history_release(struct report_history *h)
{
    json_decref((json_t *)h->root);
    h->root = NULL;
}

static json_t *audit_item(const void *list, size_t i)
{
    const struct audit_entry *a = (const struct audit_entry *)list + i;

    return json_pack("{s:I,s:o,s:o,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "id",
                     (json_int_t)a->id, "at", report_time(a->at_ms), "action_id",
                     a->action_id > 0 ? json_integer(a->action_id) : json_null(), "phase", a->phase,
                     "verb", a->verb, "target", a->target, "date", a->day, "stage", a->stage,
                     "environment", a->environment, "result", a->result, "detail", a->detail,
                     "user", a->user);
}

int report_audit_json(const struct audit_entry *a, size_t n, char **out, struct err *e)
{
    return list_doc("audit", a, n, audit_item, out, e);
}

static json_t *call_item(const void *list, size_t i)
{
    const struct api_call *c = (const struct api_call *)list + i;

    return json_pack("{s:o,s:s?,s:s?,s:s?,s:s?,s:o,s:I,s:I,s:I,s:i,s:s?,s:s?,s:s?}", "at",
                     report_time(c->at_ms), "service", c->service, "operation", c->operation,
                     "method", c->method, "url", c->url, "status",
                     c->status > 0 ? json_integer(c->status) : json_null(), "latency_ms",
                     (json_int_t)c->latency_ms, "bytes_sent", (json_int_t)c->bytes_sent,
                     "bytes_received", (json_int_t)c->bytes_received, "retries", c->retries,
                     "retry_detail", c->retry_detail, "error", c->error, "command", c->command);
}

int report_calls_json(const struct api_call *c, size_t n, char **out, struct err *e)
{
    return list_doc("calls", c, n, call_item, out, e);
}
