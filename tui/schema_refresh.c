/* tui/schema_refresh.c: the one schema refresh behind `pipetop schema refresh TABLE` and the
 * dashboard's `s` (tui/schema_refresh.h): BigQuery tables.get (a read), the table and a new
 * schema version when it changed stored with a row-count sample in one transaction, the
 * difference from the previous version printed, audited as verb schema-refresh. */
#include "tui/schema_refresh.h"

#include <stdlib.h>
#include <string.h>

#include "core/bq.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/gauth.h"
#include "core/schema.h"
#include "core/schema_diff.h"
#include "state/tables.h"
#include "tui/gate.h"

/* "dataset.table" or "project.dataset.table" into its parts (project defaulting to def). */
static int split_name(const char *name, const char *def, char *p, char *d, char *t, size_t n,
                      struct err *e)
{
    const char *a = strchr(name, '.'), *b = a ? strchr(a + 1, '.') : NULL;

    if (a == NULL || a == name || a[1] == '\0' || (b != NULL && (b == a + 1 || b[1] == '\0')) ||
        (b != NULL && strchr(b + 1, '.') != NULL))
        return err_set(e, ERR_USAGE, "'%s' is not dataset.table or project.dataset.table", name);
    if (b == NULL) {
        if (def == NULL)
            return err_set(e, ERR_CONFIG,
                           "no Google project is configured to read %s in ([gcp] project)", name);
        snprintf(p, n, "%s", def);
        snprintf(d, n, "%.*s", (int)(a - name), name);
        snprintf(t, n, "%s", a + 1);
    } else {
        snprintf(p, n, "%.*s", (int)(a - name), name);
        snprintf(d, n, "%.*s", (int)(b - a - 1), a + 1);
        snprintf(t, n, "%s", b + 1);
    }
    return 0;
}

/* (declared in tui/schema_refresh.h) */
int schema_get_table(struct session *s, const char *p, const char *d, const char *t,
                     struct table_meta *out, char **etag, struct err *e)
{
    struct http_request req;
    struct http_response resp;
    struct err he = ERR_INIT;
    int rc = -1;

    memset(&resp, 0, sizeof(resp));
    if (bq_build_get_table(&req, session_bigquery_endpoint(s), p, d, t, e) != 0)
        return -1;
    req.prepare = gauth_prepare;
    req.prepare_ctx = s->gauth;
    if (http_do(s->http, &req, &resp, &he) != 0) {
        if (resp.status >= 300)
            bq_error(e, "tables.get", resp.status, &resp.headers, resp.body.data, resp.body.len);
        else
            *e = he;
    } else {
        rc = bq_parse_table(out, etag, resp.body.data, resp.body.len, e);
    }
    http_response_release(&resp);
    return rc;
}

/* The previous version's fields (none when the table was never seen). */
static int previous(struct db *db, const char *full, struct schema_field **f, size_t *n,
                    struct err *e)
{
    struct db_schema_version *v = NULL;
    size_t nv = 0;
    int rc = 0;

    *f = NULL;
    *n = 0;
    if (db_schema_versions(db, full, &v, &nv, e) != 0)
        return -1;
    if (nv > 0 && v[0].schema_json != NULL)
        rc = schema_from_json(v[0].schema_json, f, n, e);
    db_schema_versions_free(v, nv);
    return rc;
}

/* Stores t (and its row-count sample) in one transaction; *added says whether its schema is a
 * new version. */
static int store(struct db *db, const struct table_meta *t, const char *full, int *added,
                 struct err *e)
{
    char *json = NULL, hash[SCHEMA_HASH_HEX];
    struct rowcount_sample smp = {(char *)full, 0, 0, 0};
    int64_t now = clock_now_ms(NULL);
    int rc = -1;

    if (schema_to_json(t->fields, t->n_fields, &json, e) != 0 || schema_hash(json, hash, e) != 0)
        goto out;
    if (db_begin(db, e) != 0)
        goto out;
    smp.at_ms = t->modified_ms > 0 ? t->modified_ms : now;
    smp.rows = t->num_rows;
    smp.bytes = t->num_bytes >= 0 ? t->num_bytes : 0;
    if (db_put_table(db, t, json, hash, now, added, e) != 0 ||
        (t->num_rows >= 0 && db_add_rowcount_sample(db, &smp, e) != 0) || db_commit(db, e) != 0) {
        db_rollback(db);
        goto out;
    }
    rc = 0;
out:
    free(json);
    return rc;
}

int schema_refresh_one(struct session *s, const char *name, FILE *out, struct err *e)
{
    char p[300], d[300], t[1100], full[1800], src[160], env[600], detail[700];
    struct table_meta m;
    struct schema_field *old = NULL;
    size_t n_old = 0;
    struct buf diff = BUF_INIT(1u << 20);
    struct schema_diff_count c;
    struct err ae = ERR_INIT;
    int added = 0, rc = -1;

    memset(&m, 0, sizeof(m));
    if (split_name(name, session_gcp_project(s, src, sizeof(src)), p, d, t, sizeof(p), e) != 0)
        return -1;
    snprintf(full, sizeof(full), "%s.%s.%s", p, d, t);
    snprintf(env, sizeof(env), "gcp project %s", p);
    if (previous(s->db, full, &old, &n_old, e) != 0)
        return -1;
    gate_audit(s->db, 0, "intent", "schema-refresh", full, NULL, NULL, env, NULL,
               "BigQuery tables.get (a read), then store a new schema version if it changed", &ae);
    if (schema_get_table(s, p, d, t, &m, NULL, e) == 0 && store(s->db, &m, full, &added, e) == 0 &&
        schema_diff(old, n_old, m.fields, m.n_fields, &diff, &c, e) == 0)
        rc = 0;
    if (rc == 0)
        snprintf(detail, sizeof(detail), "%s; %d added, %d removed, %d changed; %lld rows",
                 added ? "new schema version" : "schema unchanged", c.added, c.removed, c.changed,
                 (long long)m.num_rows);
    else
        snprintf(detail, sizeof(detail), "%.600s", e->msg);
    gate_audit(s->db, 0, "outcome", "schema-refresh", full, NULL, NULL, env,
               rc == 0 ? "ok" : "failed", detail, &ae);
    if (rc == 0) {
        fprintf(out, "%s: %lld rows, %zu top-level fields; %s\n", full, (long long)m.num_rows,
                m.n_fields,
                n_old == 0 && added ? "first schema version recorded"
                : added             ? "NEW schema version recorded"
                                    : "schema unchanged");
        if (n_old > 0 && added)
            fprintf(out,
                    "difference from the previous version (%d added, %d removed, %d changed):\n%s",
                    c.added, c.removed, c.changed, buf_cstr(&diff));
    }
    buf_release(&diff);
    schema_fields_free(old, n_old);
    table_meta_release(&m);
    return rc;
}
