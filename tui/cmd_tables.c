/* tui/cmd_tables.c: `pipetop tables`: every BigQuery table in the history database with rows,
 * size, last modified, freshness, a row-count sparkline (one point per day, the day's last
 * sample, over the [general] days window), its number of schema versions and whether its latest
 * row count is an anomaly (core/anomaly.h: |z| >= 3 against at least 14 earlier days), and
 * DRIFT after the schema count when the last `schema refresh --from-export` found attributes the
 * raw table lacks or has with other types (state/drift.h). Text or JSON. Reads the database only.
 */
#include "tui/cmd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/report_json.h"
#include "core/timeutil.h"
#include "state/drift.h"
#include "state/tables.h"
#include "tui/exitcode.h"
#include "tui/out.h"
#include "tui/readcmd.h"
#include "tui/tableref.h"

static const struct out_col cols[] = {
    {"TABLE", 12, 0, 0, OUT_LEFT},    {"ROWS", 4, 15, 0, OUT_RIGHT},
    {"SIZE", 4, 10, 0, OUT_RIGHT},    {"MODIFIED", 16, 16, 2, OUT_LEFT},
    {"AGE", 3, 10, 0, OUT_LEFT},      {"ROWS/DAY", 8, 30, 1, OUT_LEFT},
    {"SCHEMAS", 7, 16, 3, OUT_RIGHT}, {"ANOMALY", 7, 20, 2, OUT_LEFT},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* "FLAGGED z=+4.2", "z=+1.8", "z=+1.8 (9d)" (too few days to flag), "n/a (3d)" (too few to
 * judge), "z=inf" (every earlier day equal). */
static enum out_role anomaly_text(const struct anomaly *a, char *out, size_t n)
{
    char z[32];

    if (a == NULL || a->insufficient) {
        snprintf(out, n, "n/a (%zud)", a != NULL ? a->n : 0);
        return ROLE_DIM;
    }
    if (isfinite(a->z))
        snprintf(z, sizeof(z), "z=%+.1f", a->z);
    else
        snprintf(z, sizeof(z), "z=%sinf", a->z < 0 ? "-" : "+");
    if (a->flagged) {
        snprintf(out, n, "FLAGGED %s", z);
        return ROLE_FAILED;
    }
    if (a->n < ANOMALY_MIN_FLAG)
        snprintf(out, n, "%s (%zud)", z, a->n);
    else
        snprintf(out, n, "%s", z);
    return ROLE_NONE;
}

/* The stored drift check of table full that found something, or NULL. */
static const struct db_drift *drift_of(const struct db_drift *d, size_t n, const char *full)
{
    for (size_t i = 0; i < n; i++)
        if (d[i].table && strcmp(d[i].table, full) == 0 && d[i].new_attrs + d[i].changed > 0)
            return &d[i];
    return NULL;
}

static int add_row(struct out_table *t, const struct readcmd *r, const struct report_table *rt,
                   const struct db_drift *drifts, size_t n_drifts)
{
    char *full = NULL, rows[32], size[32], mod[32], age[32], vers[40], anom[48];
    enum out_role roles[NCOLS] = {0};
    struct buf spark = BUF_INIT(4096);
    int64_t *v = calloc(rt->n_samples + 1, sizeof(*v));
    int rc = -1;

    if (v == NULL || table_full_name(&full, rt->meta, &(struct err)ERR_INIT) != 0)
        goto out;
    for (size_t i = 0; i < rt->n_samples; i++)
        v[i] = rt->samples[i].rows;
    if (rt->n_samples > 1 && out_sparkline(&spark, v, rt->n_samples, 30) != 0)
        goto out;
    const struct db_drift *dr = drift_of(drifts, n_drifts, full);
    if (dr != NULL) {
        snprintf(vers, sizeof(vers), "%d DRIFT+%d", rt->n_schema_versions,
                 dr->new_attrs + dr->changed);
        roles[NCOLS - 2] = ROLE_WARN;
    } else {
        snprintf(vers, sizeof(vers), "%d", rt->n_schema_versions);
    }
    const char *cells[NCOLS] = {full,
                                out_count(rt->meta->num_rows, rows, sizeof(rows)),
                                out_bytes(rt->meta->num_bytes, size, sizeof(size)),
                                out_time(rt->meta->modified_ms, mod, sizeof(mod)),
                                rt->meta->modified_ms > 0
                                    ? time_format_age(r->now_ms, rt->meta->modified_ms, age, 32)
                                    : "-",
                                rt->n_samples > 1 ? buf_cstr(&spark) : "-",
                                vers,
                                anom};
    roles[NCOLS - 1] = anomaly_text(rt->anomaly, anom, sizeof(anom));
    rc = out_table_add(t, cells, roles);
out:
    free(full);
    free(v);
    buf_release(&spark);
    return rc;
}

int cmd_tables(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct readcmd r;
    struct tableref_set ts;
    struct err e = ERR_INIT;
    struct out_table t;
    struct db_drift *drifts = NULL;
    size_t n_drifts = 0;
    int rc;

    (void)cmd;
    (void)a;
    if (readcmd_open(&r, cli, &rc))
        return rc;
    if (db_list_drift(r.db, &drifts, &n_drifts, &e) != 0)
        err_clear(&e); /* the mark is extra: the table list stands without it */
    out_table_init(&t, cols, NCOLS);
    if (tableref_load(&ts, r.db, r.now_ms, r.cfg->general.days, &e) != 0) {
        rc = readcmd_fail(&e);
        goto out;
    }
    if (cli->json) {
        char *json = NULL;
        if (report_tables_json(ts.rt, ts.n, r.as_of_ms, &json, &e) != 0) {
            rc = readcmd_fail(&e);
            goto out;
        }
        rc = readcmd_print_json(json);
        goto out;
    }
    for (size_t i = 0; i < ts.n; i++)
        if (add_row(&t, &r, &ts.rt[i], drifts, n_drifts) != 0) {
            err_set(&e, ERR_NOMEM, "tables: out of memory");
            rc = readcmd_fail(&e);
            goto out;
        }
    if (ts.n == 0)
        printf("(no tables in the history database)\n");
    else if (out_table_print(stdout, &t, r.width, r.color) > 0)
        printf("(some columns left out to fit %d columns; --json has them all)\n", r.width);
    readcmd_print_as_of(&r);
    rc = EXIT_OK;
out:
    db_drifts_free(drifts, n_drifts);
    out_table_release(&t);
    tableref_release(&ts);
    readcmd_close(&r);
    return rc;
}
