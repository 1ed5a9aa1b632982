/* core/lambda_export.c: the contract between pipetop's rerun and the pipeline's export Lambda
 * (core/lambda.h): the event naming the day and the one table or cluster to export, and the
 * reading of the function's answer into the export it started. Pure: no I/O. */
#include "core/lambda.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"

int lambda_export_payload(char **out, const char *day, const char *table, const char *cluster,
                          struct err *e)
{
    struct err ve = ERR_INIT;
    json_t *o;

    *out = NULL;
    if (day == NULL || time_day_valid(day, &ve) != 0)
        return err_set(e, ERR_USAGE, "export Lambda event: \"%s\" is not a day (YYYY-MM-DD)",
                       day ? day : "");
    if ((table == NULL) == (cluster == NULL))
        return err_set(e, ERR_USAGE,
                       "export Lambda event for %s: exactly one table or cluster is needed", day);
    o = json_pack("{s:s,s:s}", "date", day, table ? "table" : "cluster", table ? table : cluster);
    if (o != NULL)
        *out = jsonx_dumps(o, JSON_COMPACT);
    json_decref(o);
    return *out ? 0 : err_set(e, ERR_NOMEM, "export Lambda event: out of memory");
}

void lambda_export_answer_release(struct lambda_export_answer *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].id);
        free(a->v[i].source);
        free(a->v[i].error);
        free(a->v[i].message);
    }
    free(a->v);
    free(a->date);
    memset(a, 0, sizeof(*a));
}

static int read_entry(struct lambda_export_entry *x, const json_t *v, const struct jloc *arr,
                      size_t i, struct err *e)
{
    char path[160];
    struct jloc at = {arr->call, path};

    if (json_is_string(v))
        return (x->id = strdup(json_string_value(v))) ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    jsonx_path(path, sizeof(path), arr, "started", (long)i);
    if (!json_is_object(v))
        return err_set(e, ERR_PARSE, "%s: %s is %s, expected an export id or an error object",
                       arr->call, path, jsonx_type_name(v));
    if (jsonx_str(v, "error", 1, &x->error, &at, e) ||
        jsonx_str(v, "message", 0, &x->message, &at, e))
        return -1;
    if (jsonx_str(v, "table", 0, &x->source, &at, e) ||
        (x->source == NULL && jsonx_str(v, "cluster", 0, &x->source, &at, e)))
        return -1;
    return 0;
}

int lambda_parse_export_answer(struct lambda_export_answer *out, const char *function,
                               const char *body, size_t len, struct err *e)
{
    char call[200];
    struct jloc at = {call, ""};
    const json_t *started = NULL;
    json_t *o = NULL;
    int64_t sc = 0;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    snprintf(call, sizeof(call), "the answer of export Lambda %s", function);
    if (jsonx_load(&o, call, body ? body : "", len, e) != 0)
        return -1;
    if (jsonx_int64(o, "statusCode", 0, &sc, &at, e) ||
        jsonx_str(o, "date", 0, &out->date, &at, e) ||
        jsonx_array(o, "started", 0, &started, &at, e) ||
        (started == NULL && jsonx_array(o, "exports", 0, &started, &at, e)))
        goto out;
    out->status_code = (long)sc;
    if (json_array_size(started) > 0 &&
        (out->v = calloc(json_array_size(started), sizeof(*out->v))) == NULL) {
        err_set(e, ERR_NOMEM, "%s: out of memory", call);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(started); i++, out->n++)
        if (read_entry(&out->v[i], json_array_get(started, i), &at, i, e) != 0) {
            out->n++;
            goto out;
        }
    rc = 0;
out:
    json_decref(o);
    if (rc != 0)
        lambda_export_answer_release(out);
    return rc;
}

static bool is_ours(const struct lambda_export_entry *x, const char *table_arn)
{
    size_t n = table_arn ? strlen(table_arn) : 0;

    if (table_arn != NULL)
        return strncmp(x->id, table_arn, n) == 0 && strncmp(x->id + n, "/export/", 8) == 0;
    return strstr(x->id, ":table/") == NULL; /* an Aurora task id, not a DynamoDB export */
}

int lambda_export_pick(const char **id, const struct lambda_export_answer *a, const char *function,
                       const char *day, const char *table_arn, const char *table,
                       const char *cluster, struct err *e)
{
    const char *src = table ? table : cluster ? cluster : "?";
    size_t found = 0, prefixed = 0, cn = cluster ? strlen(cluster) : 0;
    const char *one = NULL, *pre = NULL;

    *id = NULL;
    if (a->status_code != 0 && (a->status_code < 200 || a->status_code > 299))
        return err_set(e, ERR_SERVICE,
                       "export Lambda %s answered statusCode %ld for %s on %s; see its "
                       "CloudWatch logs",
                       function, a->status_code, src, day);
    for (size_t i = 0; i < a->n; i++) {
        const struct lambda_export_entry *x = &a->v[i];
        if (x->id == NULL) {
            if (x->source != NULL && strcmp(x->source, src) == 0)
                return err_set(e, ERR_SERVICE,
                               "export Lambda %s could not start the export of %s for %s: %s%s%s",
                               function, src, day, x->error, x->message ? ": " : "",
                               x->message ? x->message : "");
            continue;
        }
        if (!is_ours(x, table ? table_arn : NULL))
            continue;
        found++;
        one = x->id;
        if (cluster != NULL && strncmp(x->id, cluster, cn) == 0 && x->id[cn] == '-')
            prefixed++, pre = x->id;
    }
    if (found > 1 && prefixed == 1)
        found = 1, one = pre;
    if (found == 1)
        return *id = one, 0;
    return err_set(e, ERR_SERVICE,
                   "export Lambda %s answered for %s on %s but named %s export of it (%zu entr%s "
                   "in \"started\"), so there is nothing to wait for; check the function's logs "
                   "and its exports, then rerun with --stage transfer once the day's export "
                   "COMPLETED",
                   function, src, day, found ? "more than one" : "no", a->n,
                   a->n == 1 ? "y" : "ies");
}
