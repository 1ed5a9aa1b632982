/* tests/fakecloud/google_lists.c: DTS transferConfigs.list and BigQuery datasets.list over the
 * scenario's "gcp" section, with the discovery documents' wire names: arrays omitted when empty,
 * nextPageToken only when more follows, opaque page tokens (one this server did not make is
 * INVALID_ARGUMENT), Google's error shapes. Every call needs a valid bearer token first. */
#include "tests/fakecloud/google.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <openssl/evp.h>

#include "core/buf.h"
#include "core/jwt.h"

#define MAX_IDS 16

struct page {
    long size;
    size_t off;
    const char *ids[MAX_IDS]; /* repeated dataSourceIds */
    size_t n_ids;
};

static int parse_count(const char *s, long *out)
{
    char *end;

    if (s == NULL || *s == '\0')
        return 0;
    errno = 0;
    *out = strtol(s, &end, 10);
    return errno || *end || *out < 0 ? -1 : 0;
}

/* A page token is base64url("o:N"); 0 for none, -1 for one we did not make. */
static int token_offset(const char *token, size_t *off)
{
    struct buf b = BUF_INIT(64);
    long n = 0;
    int rc = -1;

    *off = 0;
    if (token == NULL || *token == '\0')
        return 0;
    if (jwt_b64url_decode(&b, token, strlen(token)) == 0 && b.len > 2 &&
        strncmp(b.data, "o:", 2) == 0 && parse_count(b.data + 2, &n) == 0 && n > 0) {
        *off = (size_t)n;
        rc = 0;
    }
    buf_release(&b);
    return rc;
}

static enum MHD_Result collect_ids(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct page *pg = cls;

    (void)kind;
    if (key && value && strcmp(key, "dataSourceIds") == 0 && pg->n_ids < MAX_IDS)
        pg->ids[pg->n_ids++] = value;
    return MHD_YES;
}

/* Puts items[off .. off+size) into root[name] (omitted when empty) and nextPageToken. */
static void page_into(json_t *root, const char *name, json_t *items, const struct page *pg)
{
    json_t *slice = json_array();
    size_t n = json_array_size(items), end = pg->off + (size_t)pg->size;

    for (size_t i = pg->off; i < n && i < end; i++)
        json_array_append(slice, json_array_get(items, i));
    if (json_array_size(slice))
        json_object_set_new(root, name, slice);
    else
        json_decref(slice);
    if (end < n) {
        char raw[32];
        struct buf t = BUF_INIT(64);
        snprintf(raw, sizeof(raw), "o:%zu", end);
        jwt_b64url_encode(&t, raw, strlen(raw));
        json_object_set_new(root, "nextPageToken", json_string(buf_cstr(&t)));
        buf_release(&t);
    }
}

/* Segment i (0-based) of the path, into out. */
static void segment(const char *path, int i, char *out, size_t n)
{
    const char *p = path;
    size_t len;

    for (; i >= 0 && p; i--) {
        p = strchr(p, '/');
        if (p)
            p++;
    }
    len = p ? strcspn(p, "/") : 0;
    snprintf(out, n, "%.*s", (int)len, p ? p : "");
}

static int wanted_source(json_t *cfg, const struct page *pg)
{
    const char *ds = json_string_value(json_object_get(cfg, "dataSourceId"));

    if (pg->n_ids == 0)
        return 1;
    for (size_t i = 0; ds && i < pg->n_ids; i++)
        if (strcmp(ds, pg->ids[i]) == 0)
            return 1;
    return 0;
}

/* GET /v1/projects/{p}/locations/{l}/transferConfigs */
int fc_dts_list_configs(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    json_t *gcp = json_object_get(fc->scen.root, "gcp"), *cfg, *match, *root;
    const char *number = json_string_value(json_object_get(gcp, "project_number"));
    char project[256], location[128], infix[200];
    struct page pg = {1000, 0, {NULL}, 0};
    size_t i;

    if (fc_google_authorize(fc, req, r))
        return 0;
    segment(req->path, 2, project, sizeof(project));
    segment(req->path, 4, location, sizeof(location));
    if (strcmp(project, fc->scen.gcp_project) != 0 && (!number || strcmp(project, number) != 0))
        return fc_google_error(r, 403, "PERMISSION_DENIED", NULL,
                               "The caller does not have permission");
    if (parse_count(fc_query_param(req, "pageSize"), &pg.size) ||
        token_offset(fc_query_param(req, "pageToken"), &pg.off))
        return fc_google_error(r, 400, "INVALID_ARGUMENT", NULL,
                               "Request contains an invalid argument.");
    if (pg.size == 0 || pg.size > 1000)
        pg.size = 1000;
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_ids, &pg);
    snprintf(infix, sizeof(infix), "/locations/%s/transferConfigs/", location);
    match = json_array();
    root = json_object();
    json_array_foreach(json_object_get(gcp, "transfer_configs"), i, cfg)
    {
        const char *name = json_string_value(json_object_get(cfg, "name"));
        if (name && strstr(name, infix) && wanted_source(cfg, &pg))
            json_array_append(match, cfg);
    }
    page_into(root, "transferConfigs", match, &pg);
    json_decref(match);
    return fc_respond_json(r, 200, root);
}

static json_t *dataset_item(json_t *ds, const char *project)
{
    const char *id = json_string_value(json_object_get(ds, "datasetId"));
    const char *loc = json_string_value(json_object_get(ds, "location"));
    char full[512];
    json_t *item;

    if (id == NULL)
        return NULL;
    snprintf(full, sizeof(full), "%s:%s", project, id);
    item = json_pack("{s:s, s:s, s:{s:s, s:s}}", "kind", "bigquery#dataset", "id", full,
                     "datasetReference", "datasetId", id, "projectId", project);
    if (json_object_get(ds, "friendlyName"))
        json_object_set(item, "friendlyName", json_object_get(ds, "friendlyName"));
    if (json_object_size(json_object_get(ds, "labels")))
        json_object_set(item, "labels", json_object_get(ds, "labels"));
    json_object_set_new(item, "location", json_string(loc ? loc : "US"));
    json_object_set_new(item, "type", json_string("DEFAULT"));
    return item;
}

/* BigQuery page etags are base64 of 16 digest bytes; this one hashes the page. */
static void set_etag(json_t *root, json_t *page)
{
    char *s = json_dumps(page, JSON_COMPACT);
    unsigned char md[EVP_MAX_MD_SIZE], b64[32];
    unsigned int n = 0;

    if (s && EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) == 1) {
        EVP_EncodeBlock(b64, md, 16);
        json_object_set_new(root, "etag", json_string((const char *)b64));
    }
    free(s);
}

/* GET /bigquery/v2/projects/{p}/datasets */
int fc_bq_list_datasets(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    json_t *gcp = json_object_get(fc->scen.root, "gcp"), *ds, *items, *page, *root;
    struct page pg = {50, 0, {NULL}, 0};
    char project[256], msg[400];
    size_t i;

    if (fc_google_authorize(fc, req, r))
        return 0;
    segment(req->path, 3, project, sizeof(project));
    if (strcmp(project, fc->scen.gcp_project) != 0) {
        snprintf(msg, sizeof(msg), "Not found: Project %.200s", project);
        return fc_google_error(r, 404, "NOT_FOUND", "notFound", msg);
    }
    if (parse_count(fc_query_param(req, "maxResults"), &pg.size) ||
        token_offset(fc_query_param(req, "pageToken"), &pg.off))
        return fc_google_error(r, 400, "INVALID_ARGUMENT", "invalid",
                               "Invalid value for maxResults or pageToken");
    if (pg.size == 0)
        pg.size = 50;
    items = json_array();
    json_array_foreach(json_object_get(gcp, "datasets"), i, ds)
    {
        json_t *item = dataset_item(ds, project);
        if (item)
            json_array_append_new(items, item);
    }
    page = json_object();
    page_into(page, "datasets", items, &pg);
    json_decref(items);
    root = json_pack("{s:s}", "kind", "bigquery#datasetList");
    set_etag(root, page);
    json_object_update(root, page);
    json_decref(page);
    return fc_respond_json(r, 200, root);
}
