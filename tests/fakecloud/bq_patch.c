/* tests/fakecloud/bq_patch.c: BigQuery v2 tables.patch (schema additions, description,
 * If-Match etags → 412) and the refusal of every query and job call: pipetop reads metadata
 * only, so any jobs/queries request is answered 403 accessDenied and shouted in the call log
 * and on stderr. Never runs a query, never accepts a schema change BigQuery would refuse. */
#include "tests/fakecloud/gcp.h"

#include <stdlib.h>
#include <string.h>

#include "tests/fakecloud/bq_schema.h"
#include "tests/fakecloud/google.h"
#include "tests/fakecloud/world.h"

/* If-Match against the table's etag ("*" matches; quotes and W/ are ignored). */
static int etag_matches(const char *if_match, const char *etag)
{
    size_t len;

    if (strncmp(if_match, "W/", 2) == 0)
        if_match += 2;
    if (strcmp(if_match, "*") == 0)
        return 1;
    len = strlen(if_match);
    if (len >= 2 && if_match[0] == '"' && if_match[len - 1] == '"')
        return len - 2 == strlen(etag) && strncmp(if_match + 1, etag, len - 2) == 0;
    return strcmp(if_match, etag) == 0;
}

/* Applies the body to table t. -1: r has BigQuery's error. */
static int patch(struct fw_world *w, size_t t, struct fc_request *req, struct fc_response *r)
{
    json_error_t jerr;
    json_t *body = json_loadb(req->body, req->body_len, 0, &jerr), *schema, *desc;
    const char *if_match = fc_header(req, "If-Match");
    char *etag = fw_bq_etag(&w->bq_tables[t]);
    struct fw_error e;
    char msg[400];
    int rc = -1;

    memset(&e, 0, sizeof(e));
    if (etag == NULL)
        goto out;
    if (if_match && !etag_matches(if_match, etag)) {
        gcp_bq_error(r, 412, "conditionNotMet", "Precondition check failed.");
        goto out;
    }
    if (!json_is_object(body)) {
        snprintf(msg, sizeof(msg), "Invalid JSON payload received. %s", jerr.text);
        gcp_bq_error(r, 400, "invalid", body ? "Invalid JSON payload received." : msg);
        goto out;
    }
    schema = json_object_get(body, "schema");
    if (schema && !json_is_object(schema)) {
        gcp_bq_error(r, 400, "invalid", "Invalid value for schema: expected an object");
        goto out;
    }
    if (schema && fw_bq_patch_schema(w, t, json_object_get(schema, "fields"), fw_now(w), &e)) {
        gcp_bq_error(r, e.http ? e.http : 400, e.code[0] ? e.code : "invalid", e.message);
        goto out;
    }
    desc = json_object_get(body, "description");
    if (json_is_string(desc)) {
        char *copy = strdup(json_string_value(desc));
        if (copy == NULL)
            goto out;
        free(w->bq_tables[t].description);
        w->bq_tables[t].description = copy;
        w->bq_tables[t].generation++;
        w->bq_tables[t].modified_ms = fw_now(w);
    }
    rc = 0;
out:
    free(etag);
    json_decref(body);
    return rc;
}

int fc_bq_tables_patch(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fw_world *w = fw_get(fc);
    int rc = 0;
    long t;

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    pthread_mutex_lock(&fc->world_lock);
    fw_tick(w, fw_now(w));
    if ((t = fc_bq_table_of(w, req, r)) >= 0 && patch(w, (size_t)t, req, r) == 0)
        rc = fc_respond_json(r, 200, fc_bq_table_json(w, (size_t)t, 1, NULL));
    pthread_mutex_unlock(&fc->world_lock);
    return rc;
}

int fc_bq_jobs_refuse(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    const char *p = req->path + strlen("/bigquery/v2/projects/");
    char msg[600];

    if (fc_google_authorize(fc, req, r) != 0)
        return 0;
    snprintf(msg, sizeof(msg),
             "Access Denied: Project %.*s: pipetop reads metadata only; the fake cloud refuses "
             "every query and job (%s %s)",
             (int)strcspn(p, "/"), p, req->method, req->path);
    fprintf(stderr, "fakecloud: REFUSED QUERY/JOB CALL %s %s: pipetop reads metadata only\n",
            req->method, req->path);
    return gcp_bq_error(r, 403, "accessDenied", msg);
}
