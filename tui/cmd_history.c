/* tui/cmd_history.c: `pipetop history [TABLE]`: each table's row counts over time (the last
 * sample of each day, with the change from the day before) and its schema versions, from the
 * history database. Text or JSON. Reads the database only. */
#include "tui/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "core/timeutil.h"
#include "tui/exitcode.h"
#include "tui/out.h"
#include "tui/readcmd.h"
#include "tui/tableref.h"

static const struct out_col cols[] = {
    {"DAY", 10, 10, 0, OUT_LEFT},
    {"ROWS", 4, 15, 0, OUT_RIGHT},
    {"CHANGE", 6, 15, 0, OUT_RIGHT},
    {"SIZE", 4, 10, 1, OUT_RIGHT},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static void print_counts(const struct readcmd *r, const struct report_table *t)
{
    struct out_table tab;

    out_table_init(&tab, cols, NCOLS);
    for (size_t i = 0; i < t->n_samples; i++) {
        const struct rowcount_sample *s = &t->samples[i];
        char day[TIME_DAY_LEN], rows[32], change[32] = "", size[32];
        enum out_role roles[NCOLS] = {0};
        time_day_of(s->at_ms, day);
        if (i > 0) {
            int64_t d = s->rows - t->samples[i - 1].rows;
            snprintf(change, sizeof(change), "%+lld", (long long)d);
            roles[2] = d < 0 ? ROLE_WARN : ROLE_NONE;
        }
        const char *cells[NCOLS] = {day, out_count(s->rows, rows, sizeof(rows)), change,
                                    out_bytes(s->bytes, size, sizeof(size))};
        out_table_add(&tab, cells, roles);
    }
    if (t->n_samples == 0)
        printf("  (no row counts recorded)\n");
    else
        out_table_print(stdout, &tab, r->width, r->color);
    out_table_release(&tab);
}

/* The table's versions (newest first) with their field counts into v (n entries). */
static int versions(struct db *db, const char *full, struct db_schema_version **dv, size_t *n,
                    struct report_schema_version **v, struct err *e)
{
    if (db_schema_versions(db, full, dv, n, e) != 0)
        return -1;
    *v = calloc(*n + 1, sizeof(**v));
    if (*v == NULL)
        return err_set(e, ERR_NOMEM, "history: out of memory");
    for (size_t i = 0; i < *n; i++) {
        struct schema_field *f = NULL;
        size_t nf = 0;
        struct err pe = ERR_INIT;
        if (schema_from_json((*dv)[i].schema_json, &f, &nf, &pe) == 0)
            schema_fields_free(f, nf);
        (*v)[i] = (struct report_schema_version){(*dv)[i].hash, (*dv)[i].first_seen_ms, nf};
    }
    return 0;
}

static void print_versions(const struct report_schema_version *v, size_t n)
{
    char t[32];

    printf("  schema versions: %zu\n", n);
    for (size_t i = 0; i < n; i++)
        printf("  v%-3zu since %s  %3zu fields  sha256 %.12s\n", n - i,
               out_time(v[i].first_seen_ms, t, sizeof(t)), v[i].n_fields, v[i].hash);
}

static int one_table(struct readcmd *r, const struct tableref_set *ts, size_t i,
                     struct report_history *h, bool json, struct err *e)
{
    struct db_schema_version *dv = NULL;
    struct report_schema_version *v = NULL;
    size_t nv = 0;
    char *full = NULL;
    int rc = -1;

    if (table_full_name(&full, &ts->tables[i].meta, e) != 0 ||
        versions(r->db, full, &dv, &nv, &v, e) != 0)
        goto out;
    if (json) {
        rc = report_history_add(h, &ts->rt[i], v, nv, e);
        goto out;
    }
    printf("%s\n", full);
    print_counts(r, &ts->rt[i]);
    print_versions(v, nv);
    printf("\n");
    rc = 0;
out:
    free(v);
    db_schema_versions_free(dv, nv);
    free(full);
    return rc;
}

int cmd_history(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct readcmd r;
    struct tableref_set ts;
    struct report_history h = {NULL};
    struct err e = ERR_INIT;
    size_t only = 0;
    int rc;

    (void)cmd;
    if (readcmd_open(&r, cli, &rc))
        return rc;
    if (tableref_load(&ts, r.db, r.now_ms, 0, &e) != 0 ||
        (a->npos > 0 && tableref_find(&ts, a->pos[0], &only, &e) != 0))
        goto fail;
    for (size_t i = 0; i < ts.n; i++)
        if ((a->npos == 0 || i == only) && one_table(&r, &ts, i, &h, cli->json, &e) != 0)
            goto fail;
    if (cli->json) {
        char *json = NULL;
        if (report_history_finish(&h, &json, &e) != 0)
            goto fail;
        rc = readcmd_print_json(json);
    } else {
        if (ts.n == 0)
            printf("(no tables in the history database)\n");
        readcmd_print_as_of(&r);
        rc = EXIT_OK;
    }
    goto out;
fail:
    rc = readcmd_fail(&e);
out:
    report_history_release(&h);
    tableref_release(&ts);
    readcmd_close(&r);
    return rc;
}
