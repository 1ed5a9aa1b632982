/* core/refresh_report.c: the refresh report's ownership, summary line and JSON (through
 * jansson). No I/O. */
#include "core/refresh_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jsonx.h"
#include "core/timeutil.h"

const char *refresh_status_name(enum refresh_status s)
{
    return s == REFRESH_OK ? "ok" : s == REFRESH_PARTIAL ? "partial" : "failed";
}

int refresh_report_copy_gaps(struct refresh_report *r, const struct snapshot *s, struct err *e)
{
    if (s->n_gaps == 0)
        return 0;
    if ((r->gaps = calloc(s->n_gaps, sizeof(*r->gaps))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory reporting the refresh");
    for (size_t i = 0; i < s->n_gaps; i++) {
        r->gaps[i].err = s->gaps[i].err;
        if ((r->gaps[i].what = strdup(s->gaps[i].what)) == NULL)
            return err_set(e, ERR_NOMEM, "out of memory reporting the refresh");
        r->n_gaps++;
    }
    return 0;
}

int refresh_report_add(char ***v, size_t *n, const char *text, struct err *e)
{
    char **p = realloc(*v, (*n + 1) * sizeof(*p));

    if (p == NULL)
        return err_set(e, ERR_NOMEM, "out of memory reporting the refresh");
    *v = p;
    if ((p[*n] = strdup(text ? text : "")) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory reporting the refresh");
    ++*n;
    return 0;
}

static void free_list(char ***v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

void refresh_report_release(struct refresh_report *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_gaps; i++)
        free(r->gaps[i].what);
    free(r->gaps);
    r->gaps = NULL;
    r->n_gaps = 0;
    free_list(&r->unlinked, &r->n_unlinked);
    free_list(&r->notes, &r->n_notes);
}

void refresh_report_summary(const struct refresh_report *r, char *out, size_t n)
{
    snprintf(out, n,
             "calls %d, reused %d, transfer configs %zu, runs %zu, exports %zu, export tasks %zu, "
             "tables %zu, new schema versions %zu, row-count samples %zu, pipelines %zu, "
             "stage runs %zu, gaps %zu",
             r->calls, r->reused, r->configs, r->runs, r->exports, r->export_tasks, r->tables,
             r->new_schemas, r->samples, r->pipelines, r->stage_runs, r->n_gaps);
}

static json_t *time_or_null(int64_t ms)
{
    char t[TIME_RFC3339_LEN];
    return ms > 0 ? json_string(time_format_utc(ms, t, sizeof(t))) : json_null();
}

static json_t *gaps_json(const struct refresh_report *r)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < r->n_gaps; i++) {
        const struct snap_gap *g = &r->gaps[i];
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:I}", "what", g->what, "error", g->err.msg, "code",
                      err_code_name(g->err.code), "http_status", (json_int_t)g->err.http_status);
        if (o == NULL || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *strings_json(char *const *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < n; i++) {
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

int refresh_report_json(const struct refresh_report *r, char **out, struct err *e)
{
    json_t *doc, *gaps = gaps_json(r), *unlinked = strings_json(r->unlinked, r->n_unlinked),
                 *notes = strings_json(r->notes, r->n_notes);

    *out = NULL;
    if (gaps == NULL || unlinked == NULL || notes == NULL) {
        json_decref(gaps);
        json_decref(unlinked);
        json_decref(notes);
        return err_set(e, ERR_NOMEM, "out of memory writing the refresh report");
    }
    doc = json_pack("{s:I, s:s, s:o, s:o, s:I, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
                    "s:I, s:o, s:o, s:o}",
                    "id", (json_int_t)r->id, "status", refresh_status_name(r->status), "started",
                    time_or_null(r->started_ms), "ended", time_or_null(r->ended_ms), "duration_ms",
                    (json_int_t)(r->ended_ms > r->started_ms ? r->ended_ms - r->started_ms : 0),
                    "calls", r->calls, "reused", r->reused, "transfer_configs",
                    (json_int_t)r->configs, "runs", (json_int_t)r->runs, "exports",
                    (json_int_t)r->exports, "export_tasks", (json_int_t)r->export_tasks, "tables",
                    (json_int_t)r->tables, "new_schema_versions", (json_int_t)r->new_schemas,
                    "rowcount_samples", (json_int_t)r->samples, "pipelines",
                    (json_int_t)r->pipelines, "stage_runs", (json_int_t)r->stage_runs, "gaps", gaps,
                    "unlinked", unlinked, "notes", notes);
    if (doc != NULL)
        *out = jsonx_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (*out == NULL)
        return err_set(e, ERR_NOMEM, "out of memory writing the refresh report");
    return 0;
}
