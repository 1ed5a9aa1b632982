/* tui/cmd_drift.c: `pipetop schema refresh TABLE --from-export [--apply] [--yes]`: infers the
 * raw schema of the newest export of the DynamoDB pipeline loading TABLE, compares it with the
 * table (tables.get), prints and stores the drift, and with --apply patches in the new fields
 * only — through the gate (read-only refusal first, confirmation, audit intent and outcome) with
 * the table's etag — then re-reads the table and records its new schema version. Never removes
 * or retypes a field. */
#include "tui/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "core/bq.h"
#include "core/clock.h"
#include "core/gauth.h"
#include "core/infer.h"
#include "core/infer_drift.h"
#include "core/schema.h"
#include "state/drift.h"
#include "state/runs.h"
#include "state/tables.h"
#include "tui/exitcode.h"
#include "tui/gate.h"
#include "tui/infer_src.h"
#include "tui/session.h"

struct target {
    char p[300], d[300], t[600], full[1300];
    struct pipeline pl; /* the pipeline loading it (copied strings) */
};

static int split_name(struct target *x, const char *name, const char *def, struct err *e)
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
static int find_pipeline(struct db *db, struct target *x, struct err *e)
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

static int get_table(struct session *s, const struct target *x, struct table_meta *m, char **etag,
                     struct err *e)
{
    struct http_request req;
    struct http_response resp;
    struct err he = ERR_INIT;
    int rc = -1;

    memset(&resp, 0, sizeof(resp));
    if (bq_build_get_table(&req, session_bigquery_endpoint(s), x->p, x->d, x->t, e) != 0)
        return -1;
    req.prepare = gauth_prepare;
    req.prepare_ctx = s->gauth;
    if (http_do(s->http, &req, &resp, &he) != 0) {
        if (resp.status >= 300)
            bq_error(e, "tables.get", resp.status, &resp.headers, resp.body.data, resp.body.len);
        else
            *e = he;
    } else {
        rc = bq_parse_table(m, etag, resp.body.data, resp.body.len, e);
    }
    http_response_release(&resp);
    return rc;
}

static void print_drift(const struct drift *d, const struct target *x, const char *arn,
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

static int store_drift(struct db *db, const struct target *x, const struct drift *d,
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

static int patch(struct session *s, const struct target *x, const struct drift *d, const char *etag,
                 struct err *e)
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

/* --apply: the gate, the patch, the re-read. */
static int apply(struct session *s, const struct target *x, const struct drift *d, const char *etag,
                 bool yes, struct err *e)
{
    char env[1200], detail[1500];
    struct table_meta m;
    struct err ae = ERR_INIT;
    size_t used = 0;
    int rc;

    used +=
        (size_t)snprintf(detail, sizeof(detail), "tables.patch adding %d field(s):", d->n_added);
    for (size_t i = 0; i < d->n && used < sizeof(detail); i++)
        if (d->v[i].fixable)
            used += (size_t)snprintf(detail + used, sizeof(detail) - used, " %s", d->v[i].path);
    gate_environment(s, env, sizeof(env));
    struct gate_request gr = {.verb = "schema-apply",
                              .target = x->full,
                              .stages = detail,
                              .environment = env,
                              .yes = yes};
    if (gate_confirm(&gr, stderr, e) != 0)
        return -1;
    if (gate_audit(s->db, 0, "intent", "schema-apply", x->full, NULL, NULL, env, NULL, detail, e))
        return -1; /* never mutate what could not be recorded */
    rc = patch(s, x, d, etag, e);
    gate_audit(s->db, 0, "outcome", "schema-apply", x->full, NULL, NULL, env,
               rc == 0 ? "ok" : "failed", rc == 0 ? detail : e->msg, &ae);
    if (rc != 0)
        return -1;
    memset(&m, 0, sizeof(m));
    rc = get_table(s, x, &m, NULL, e);
    if (rc == 0)
        rc = record_version(s->db, &m, e);
    if (rc == 0)
        printf("applied: %d field(s) added to %s; new schema version recorded (%zu top-level "
               "fields)\n",
               d->n_added, x->full, m.n_fields);
    table_meta_release(&m);
    return rc;
}

static int run(struct session *s, const struct cli *cli, const struct cli_args *a, bool *drifted,
               struct err *e)
{
    struct target x;
    struct infer in;
    struct infer_src src;
    struct table_meta m;
    struct schema_field *raw = NULL;
    size_t n_raw = 0;
    struct drift d = {0};
    char src_name[160], loc[1200], *etag = NULL;
    struct buf text = BUF_INIT(1u << 20);
    int rc = -1;

    (void)cli;
    memset(&x, 0, sizeof(x));
    memset(&m, 0, sizeof(m));
    infer_init(&in);
    infer_src_init(&src);
    if (split_name(&x, a->pos[0], session_gcp_project(s, src_name, sizeof(src_name)), e) ||
        find_pipeline(s->db, &x, e))
        goto out;
    snprintf(loc, sizeof(loc), "s3://%s/%s", x.pl.export_bucket,
             x.pl.export_prefix ? x.pl.export_prefix : "");
    if (infer_src_read(&src, s, &in, loc, NULL, false, e) ||
        infer_raw_schema(&in, &raw, &n_raw, e) || get_table(s, &x, &m, &etag, e) ||
        drift_compute(raw, n_raw, m.fields, m.n_fields, &d, e))
        goto out;
    print_drift(&d, &x, src.export_arn, &text);
    fputs(buf_cstr(&text), stdout);
    if (store_drift(s->db, &x, &d, src.export_arn, buf_cstr(&text), e))
        goto out;
    *drifted = d.n_new > 0 || d.n_changed > 0;
    if (a->val[1] != NULL && d.n_added == 0) {
        printf("nothing to add: %s already has every field the export has\n", x.full);
    } else if (a->val[1] != NULL) {
        if (apply(s, &x, &d, etag, a->val[2] != NULL, e))
            goto out;
        struct drift after = {0};
        table_meta_release(&m);
        memset(&m, 0, sizeof(m));
        buf_reset(&text);
        if (get_table(s, &x, &m, NULL, e) ||
            drift_compute(raw, n_raw, m.fields, m.n_fields, &after, e))
            goto out;
        print_drift(&after, &x, src.export_arn, &text);
        rc = store_drift(s->db, &x, &after, src.export_arn, buf_cstr(&text), e);
        *drifted = after.n_new > 0 || after.n_changed > 0;
        drift_release(&after);
        if (rc != 0)
            goto out;
    }
    rc = 0;
out:
    free(etag);
    buf_release(&text);
    drift_release(&d);
    schema_fields_free(raw, n_raw);
    table_meta_release(&m);
    pipeline_release(&x.pl);
    infer_src_release(&src);
    infer_release(&in);
    return rc;
}

int cmd_schema_drift(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct session_options so = {{cli->config_path, cli->db_path, cli->read_only}, 0, 0, 0, false};
    struct session *s = NULL;
    struct err e = ERR_INIT;
    bool drifted = false;
    int rc;

    (void)cmd;
    if (session_open(&s, &so, &e) != 0 || session_require(s, SESSION_NEED_CONFIG, &e) != 0 ||
        (a->val[1] != NULL && gate_writable(s->cfg, "schema refresh --apply", &e) != 0) ||
        session_require(s, SESSION_NEED_DB | SESSION_NEED_AWS | SESSION_NEED_GOOGLE, &e) != 0 ||
        run(s, cli, a, &drifted, &e) != 0) {
        fprintf(stderr, "pipetop: schema refresh %s --from-export: %s\n", a->pos[0], e.msg);
        if (s != NULL)
            session_log_error(s, "schema refresh --from-export", &e);
        rc = exit_code_for(e.code);
    } else {
        rc = drifted ? EXIT_FAILURES : EXIT_OK;
    }
    session_close(s);
    return rc;
}
