/* tui/drift_apply.c: the drift check and the additive apply shared by `pipetop schema refresh
 * TABLE --from-export [--apply]` (tui/cmd_drift.c) and the dashboard's `A`
 * (tui/engine_action_job.c), tui/drift_apply.h. Reads, the stored check, and — only when the
 * caller's gate has passed — the one audited tables.patch with the table's etag. Never asks,
 * never removes or retypes a field. */
#include "tui/drift_apply.h"
#include "tui/schema_refresh.h"

#include <stdlib.h>
#include <string.h>

#include "core/bq.h"
#include "core/clock.h"
#include "core/gauth.h"
#include "core/schema.h"
#include "state/drift.h"
#include "state/runs.h"
#include "state/tables.h"
#include "tui/gate.h"
#include "tui/infer_src.h"

static int split_name(struct drift_check *x, const char *name, const char *def, struct err *e)
{
    const char *a = strchr(name, '.'), *b = a ? strchr(a + 1, '.') : NULL;

    if (a == NULL || a == name || a[1] == '\0' || (b != NULL && strchr(b + 1, '.') != NULL))
        return err_set(e, ERR_USAGE, "'%s' is not dataset.table or project.dataset.table", name);
    if (b == NULL && def == NULL)
        return err_set(e, ERR_CONFIG, "no Google project is configured to read %s", name);
    if (b == NULL) {
        snprintf(x->p, sizeof(x->p), "%s", def);
        snprintf(x->d, sizeof(x->d), "%.*s", (int)(a - name), name);
        snprintf(x->t, sizeof(x->t), "%s", a + 1);
    } else {
        snprintf(x->p, sizeof(x->p), "%.*s", (int)(a - name), name);
        snprintf(x->d, sizeof(x->d), "%.*s", (int)(b - a - 1), a + 1);
        snprintf(x->t, sizeof(x->t), "%s", b + 1);
    }
    snprintf(x->full, sizeof(x->full), "%s.%s.%s", x->p, x->d, x->t);
    return 0;
}

/* The DynamoDB pipeline whose raw table is x->full (or dataset.table of it). */
static int find_pipeline(struct db *db, struct drift_check *x, struct err *e)
{
    struct pipeline *v = NULL;
    size_t n = 0;
    char short_name[1000];
    int rc = -1;

    snprintf(short_name, sizeof(short_name), "%s.%s", x->d, x->t);
    if (db_list_pipelines(db, &v, &n, e))
        return -1;
    for (size_t i = 0; i < n && rc != 0; i++) {
        const char *r = v[i].raw_table;
        if (v[i].source_kind != SOURCE_DYNAMODB || r == NULL ||
            (strcmp(r, x->full) != 0 && strcmp(r, short_name) != 0))
            continue;
        x->pl = v[i];
        memset(&v[i], 0, sizeof(v[i]));
        rc = 0;
    }
    db_pipelines_free(v, n);
    if (rc != 0)
        return err_set(e, ERR_NOT_FOUND,
                       "no DynamoDB pipeline in the history database loads %s: run 'pipetop "
                       "refresh' first, or name the raw table a pipeline's transfer loads",
                       x->full);
    if (x->pl.export_bucket == NULL)
        return err_set(e, ERR_NOT_FOUND, "pipeline %s has no known export bucket",
                       x->pl.name ? x->pl.name : "?");
    return 0;
}

static int get_table(struct session *s, const struct drift_check *x, struct table_meta *m,
                     char **etag, struct err *e)
{
    return schema_get_table(s, x->p, x->d, x->t, m, etag, e);
}

static void print_drift(const struct drift *d, const struct drift_check *x, const char *arn,
                        struct buf *text)
{
    buf_printf(text, "%s vs the newest export of %s%s%s%s: %d new, %d changed, %d gone\n", x->full,
               x->pl.source ? x->pl.source : "?", arn && *arn ? " (" : "", arn && *arn ? arn : "",
               arn && *arn ? ")" : "", d->n_new, d->n_changed, d->n_gone);
    for (size_t i = 0; i < d->n; i++)
        buf_printf(text, "  %c %-8s %s  %s\n",
                   d->v[i].kind == DRIFT_NEW    ? '+'
                   : d->v[i].kind == DRIFT_GONE ? '-'
                                                : '~',
                   drift_kind_name(d->v[i].kind), d->v[i].path, d->v[i].detail);
    if (d->n_new > 0)
        buf_puts(text, "  the next transfer will fail on the new attributes until the raw table "
                       "has them: pipetop schema refresh TABLE --from-export --apply\n");
}

static int store_drift(struct db *db, const struct drift_check *x, const struct drift *d,
                       const char *arn, const char *text, struct err *e)
{
    struct db_drift r = {(char *)x->full, clock_now_ms(NULL), (char *)arn, d->n_new, d->n_changed,
                         d->n_gone,       (char *)text,       NULL,        0};
    int rc;

    if (d->n > 0 && (r.items = calloc(d->n, sizeof(*r.items))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory storing the drift of %s", x->full);
    for (size_t i = 0; i < d->n; i++)
        r.items[i] = (struct db_drift_item){(char *)drift_kind_name(d->v[i].kind), d->v[i].path,
                                            d->v[i].detail};
    r.n_items = d->n;
    rc = db_put_drift(db, &r, e);
    free(r.items);
    return rc;
}

/* Stores the re-read table as a new schema version. */
static int record_version(struct db *db, const struct table_meta *m, struct err *e)
{
    char *json = NULL, hash[SCHEMA_HASH_HEX];
    int added = 0, rc = -1;

    if (schema_to_json(m->fields, m->n_fields, &json, e) == 0 && schema_hash(json, hash, e) == 0)
        rc = db_put_table(db, m, json, hash, clock_now_ms(NULL), &added, e);
    free(json);
    return rc;
}

static int patch(struct session *s, const struct drift_check *x, const struct drift *d,
                 const char *etag, struct err *e)
{
    struct http_request req;
    struct http_response resp;
    struct err he = ERR_INIT;
    int rc = -1;

    memset(&resp, 0, sizeof(resp));
    if (bq_build_patch_schema(&req, session_bigquery_endpoint(s), x->p, x->d, x->t, d->merged,
                              d->n_merged, etag, e) != 0)
        return -1;
    req.prepare = gauth_prepare;
    req.prepare_ctx = s->gauth;
    if (http_do(s->http, &req, &resp, &he) == 0)
        rc = 0;
    else if (resp.status >= 300)
        bq_error(e, "tables.patch", resp.status, &resp.headers, resp.body.data, resp.body.len);
    else
        *e = he;
    if (rc != 0 && resp.status == 412)
        err_prefix(e, "the table changed since it was read (etag); run the command again: ");
    http_response_release(&resp);
    return rc;
}

void drift_check_init(struct drift_check *c)
{
    memset(c, 0, sizeof(*c));
    buf_init(&c->text, 1u << 20);
}

void drift_check_release(struct drift_check *c)
{
    free(c->etag);
    buf_release(&c->text);
    drift_release(&c->dr);
    schema_fields_free(c->raw, c->n_raw);
    table_meta_release(&c->m);
    pipeline_release(&c->pl);
    memset(c, 0, sizeof(*c));
}

int drift_check_run(struct session *s, const char *name, struct drift_check *c, struct err *e)
{
    struct infer in;
    struct infer_src src;
    char src_name[160], loc[1200];
    int rc = -1;

    infer_init(&in);
    infer_src_init(&src);
    if (split_name(c, name, session_gcp_project(s, src_name, sizeof(src_name)), e) ||
        find_pipeline(s->db, c, e))
        goto out;
    snprintf(loc, sizeof(loc), "s3://%s/%s", c->pl.export_bucket,
             c->pl.export_prefix ? c->pl.export_prefix : "");
    if (infer_src_read(&src, s, &in, loc, NULL, false, e) ||
        infer_raw_schema(&in, &c->raw, &c->n_raw, e) || get_table(s, c, &c->m, &c->etag, e) ||
        drift_compute(c->raw, c->n_raw, c->m.fields, c->m.n_fields, &c->dr, e))
        goto out;
    snprintf(c->export_arn, sizeof(c->export_arn), "%s", src.export_arn);
    print_drift(&c->dr, c, c->export_arn, &c->text);
    rc = store_drift(s->db, c, &c->dr, c->export_arn, buf_cstr(&c->text), e);
out:
    infer_src_release(&src);
    infer_release(&in);
    return rc;
}

bool drift_check_drifted(const struct drift_check *c)
{
    return c->dr.n_new > 0 || c->dr.n_changed > 0;
}

/* The fields of to that from lacks (by name, nested), "PATH TYPE MODE" each, into out. */
static void added(const struct schema_field *from, size_t nf, const struct schema_field *to,
                  size_t nt, const char *path, char *out, size_t n, size_t *used, int *count)
{
    char sub[700];

    for (size_t i = 0; i < nt; i++) {
        const struct schema_field *old = NULL;
        for (size_t j = 0; j < nf && old == NULL; j++)
            if (from[j].name && to[i].name && strcmp(from[j].name, to[i].name) == 0)
                old = &from[j];
        snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", to[i].name ? to[i].name : "?");
        if (old == NULL) {
            if (*used < n)
                *used += (size_t)snprintf(out + *used, n - *used, "%s%s %s %s", *count ? ", " : "",
                                          sub, to[i].type ? to[i].type : "?",
                                          to[i].mode ? to[i].mode : "NULLABLE");
            (*count)++;
        }
        added(old ? old->fields : NULL, old ? old->n_fields : 0, to[i].fields, to[i].n_fields, sub,
              out, n, used, count);
    }
}

int drift_added_fields(const struct drift_check *c, char *out, size_t n)
{
    size_t used = 0;
    int count = 0;

    if (n > 0)
        out[0] = '\0';
    added(c->m.fields, c->m.n_fields, c->dr.merged, c->dr.n_merged, "", out, n, &used, &count);
    return count;
}

void drift_apply_detail(const struct drift_check *c, char *out, size_t n)
{
    size_t used = (size_t)snprintf(out, n, "tables.patch adding %d field(s):", c->dr.n_added);

    for (size_t i = 0; i < c->dr.n && used < n; i++)
        if (c->dr.v[i].fixable)
            used += (size_t)snprintf(out + used, n - used, " %s", c->dr.v[i].path);
}

int drift_apply(struct session *s, struct drift_check *c, const char *env, FILE *out, bool *drifted,
                struct err *e)
{
    char detail[1500];
    struct table_meta m;
    struct drift after = {0};
    struct err ae = ERR_INIT;
    int rc;

    *drifted = drift_check_drifted(c);
    drift_apply_detail(c, detail, sizeof(detail));
    if (gate_audit(s->db, 0, "intent", "schema-apply", c->full, NULL, NULL, env, NULL, detail, e))
        return -1; /* never mutate what could not be recorded */
    rc = patch(s, c, &c->dr, c->etag, e);
    gate_audit(s->db, 0, "outcome", "schema-apply", c->full, NULL, NULL, env,
               rc == 0 ? "ok" : "failed", rc == 0 ? detail : e->msg, &ae);
    if (rc != 0)
        return -1;
    memset(&m, 0, sizeof(m));
    rc = get_table(s, c, &m, NULL, e);
    if (rc == 0)
        rc = record_version(s->db, &m, e);
    if (rc == 0)
        fprintf(out,
                "applied: %d field(s) added to %s; new schema version recorded (%zu top-level "
                "fields)\n",
                c->dr.n_added, c->full, m.n_fields);
    /* the check again, on the table as it is now: the stored DRIFT marks go away */
    if (rc == 0)
        rc = drift_compute(c->raw, c->n_raw, m.fields, m.n_fields, &after, e);
    if (rc == 0) {
        buf_reset(&c->text);
        print_drift(&after, c, c->export_arn, &c->text);
        fputs(buf_cstr(&c->text), out);
        rc = store_drift(s->db, c, &after, c->export_arn, buf_cstr(&c->text), e);
        *drifted = after.n_new > 0 || after.n_changed > 0;
    }
    drift_release(&after);
    table_meta_release(&m);
    return rc;
}
