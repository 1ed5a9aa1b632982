/* tui/view_tables.c: the Tables list — rows, size, last modified, freshness, a row-count
 * sparkline from the stored samples and flags: DRIFT+N (the last `schema refresh --from-export`
 * check found N attributes the raw table lacks, ~M with other types; first, in the warning
 * colour; "/DRIFT" filters, n/N and f treat it as a failure), ANOMALY (core/anomaly.h judges
 * the latest day's rows), reshaped (more than one schema version seen), stale — from
 * db_list_tables(), db_list_drift() and db_rowcount_history() once per history change. Enter
 * opens the table's schema, with the drift diff when there is one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/anomaly.h"
#include "state/drift.h"
#include "state/tables.h"
#include "tui/dash.h"
#include "tui/listview.h"

#define SPARK_N 14
#define STALE_MS (48LL * 3600 * 1000)

struct tables {
    struct listview lv;
    struct db_table *t;
    size_t n;
    char **names;
    char **spark;
    struct anomaly *anom;    /* per table: the latest day's row count judged (core/anomaly.h) */
    struct db_drift *drifts; /* every stored drift check (db_list_drift) */
    size_t n_drifts;
    const struct db_drift **drift; /* per table: its check when it found drift, else NULL */
    size_t n_drifted;
    struct dash *d;
};

static const struct lv_col cols[] = {
    {"TABLE", 12, 40, OUT_LEFT, false},        {"ROWS", 5, 14, OUT_RIGHT, true},
    {"SIZE", 6, 10, OUT_RIGHT, false},         {"AGE", 4, 7, OUT_RIGHT, false},
    {"ROWS/DAY", 8, SPARK_N, OUT_LEFT, false}, {"FLAGS", 5, 24, OUT_LEFT, false},
    {"MODIFIED", 16, 0, OUT_LEFT, false},
};

enum { COL_AGE = 3, COL_SPARK = 4, COL_FLAGS = 5 };

static const struct key_help tables_keys[] = {LV_KEYS, {"Enter", "schema", true}};

static bool stale(const struct tables *s, size_t row);

/* The drift badge, first in FLAGS (as `pipetop tables` prints it): "DRIFT+1 " (new
 * attributes), "DRIFT+2~1 " (and changed ones), "DRIFT~1 ", or "" without drift. */
static void drift_badge(const struct db_drift *dr, char *out, size_t n)
{
    if (dr == NULL)
        out[0] = '\0';
    else if (dr->new_attrs > 0 && dr->changed > 0)
        snprintf(out, n, "DRIFT+%d~%d ", dr->new_attrs, dr->changed);
    else if (dr->new_attrs > 0)
        snprintf(out, n, "DRIFT+%d ", dr->new_attrs);
    else
        snprintf(out, n, "DRIFT~%d ", dr->changed);
}

static void cell(void *ctx, size_t row, size_t col, char *out, size_t n)
{
    struct tables *s = ctx;
    const struct db_table *t = &s->t[row];
    char badge[40];

    switch (col) {
    case 0:
        snprintf(out, n, "%s", s->names[row]);
        break;
    case 1:
        out_count(t->meta.num_rows, out, n);
        break;
    case 2:
        out_bytes(t->meta.num_bytes, out, n);
        break;
    case 3:
        out_duration(t->meta.modified_ms > 0 ? s->d->now_ms - t->meta.modified_ms : -1, out, n);
        break;
    case COL_SPARK:
        snprintf(out, n, "%s", s->spark[row] ? s->spark[row] : "");
        break;
    case COL_FLAGS:
        drift_badge(s->drift[row], badge, sizeof(badge));
        snprintf(out, n, "%s%s%s%s%s", badge, s->anom[row].flagged ? "ANOMALY " : "",
                 t->n_schema_versions > 1 ? "reshaped " : "", stale(s, row) ? "stale " : "",
                 !badge[0] && !s->anom[row].flagged && t->n_schema_versions <= 1 && !stale(s, row)
                     ? "-"
                     : "");
        break;
    default:
        out_time(t->meta.modified_ms, out, n);
    }
}

static bool stale(const struct tables *s, size_t row)
{
    return s->t[row].meta.modified_ms > 0 && s->d->now_ms - s->t[row].meta.modified_ms > STALE_MS;
}

static int role(void *ctx, size_t row, size_t col)
{
    struct tables *s = ctx;
    if (col == COL_AGE && stale(s, row))
        return ROLE_FAILED;
    if (col == COL_FLAGS && (s->anom[row].flagged || stale(s, row)))
        return ROLE_FAILED;
    if (col == COL_FLAGS && (s->drift[row] != NULL || s->t[row].n_schema_versions > 1))
        return ROLE_WARN;
    return col == COL_SPARK ? ROLE_ACTIVE : ROLE_NONE;
}

static bool failed(void *ctx, size_t row)
{
    const struct tables *s = ctx;
    /* new attributes: the next transfer of the table fails on them */
    return stale(s, row) || s->anom[row].flagged ||
           (s->drift[row] != NULL && s->drift[row]->new_attrs > 0);
}

static void detail(void *ctx, size_t row, struct buf *b)
{
    struct tables *s = ctx;
    const struct table_meta *m = &s->t[row].meta;

    buf_printf(b, "%s (%s)%s%s\n", s->names[row], m->type ? m->type : "TABLE",
               m->description ? ": " : "", m->description ? m->description : "");
    buf_printf(b, "schema: %d version%s%s; rows %s: %s\n", s->t[row].n_schema_versions,
               s->t[row].n_schema_versions == 1 ? "" : "s",
               s->t[row].n_schema_versions > 1 ? " (reshaped: Enter shows the current one)" : "",
               s->anom[row].day[0] ? s->anom[row].day : "-",
               s->anom[row].reason[0] ? s->anom[row].reason : "no judgement");
    if (s->drift[row] != NULL) {
        const struct db_drift *dr = s->drift[row];
        char when[40];
        buf_printf(b, "DRIFT found %s vs the newest export: %d new, %d changed, %d gone\n",
                   out_time(dr->checked_ms, when, sizeof(when)), dr->new_attrs, dr->changed,
                   dr->gone);
        if (dr->new_attrs > 0 && !s->d->cfg->general.read_only)
            buf_puts(b, "  the next transfer fails on the new attributes; Enter: the diff; A adds "
                        "them\n");
        else
            buf_printf(b, "  %sEnter: the diff and the fix\n",
                       dr->new_attrs > 0 ? "the next transfer fails on the new attributes; " : "");
    }
    if (stale(s, row))
        buf_printf(b, "stale: not modified for more than 48 hours\n");
}

static void tables_clear(struct tables *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->names[i]);
        free(s->spark[i]);
    }
    free(s->names);
    free(s->spark);
    free(s->anom);
    s->anom = NULL;
    free(s->drift);
    s->drift = NULL;
    db_drifts_free(s->drifts, s->n_drifts);
    s->drifts = NULL;
    s->n_drifts = s->n_drifted = 0;
    db_tables_free(s->t, s->n);
    s->names = s->spark = NULL;
    s->t = NULL;
    s->n = 0;
}

static int tables_open(struct view *v)
{
    struct tables *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening tables");
        return -1;
    }
    s->lv.sort_col = -1;
    s->d = v->d;
    v->priv = s;
    return 0;
}

static void tables_close(struct view *v)
{
    struct tables *s = v->priv;
    lv_release(&s->lv);
    tables_clear(s);
    free(s);
}

/* The sparkline of the last 30 days of samples and the anomaly judgement of the latest day
 * against the 60 days of samples before it. */
static char *sparkline(struct db *db, const char *table, int64_t now, struct anomaly *an)
{
    struct rowcount_sample *r = NULL;
    size_t n = 0, k = 0;
    int64_t v[64];
    struct buf b = BUF_INIT(1024);
    struct err e = ERR_INIT;

    if (db_rowcount_history(db, table, now - 61LL * 86400000, &r, &n, &e) != 0)
        return NULL;
    if (anomaly_of_samples(an, r, n, &e) != 0)
        memset(an, 0, sizeof(*an));
    for (size_t i = 0; i < n; i++)
        if (r[i].at_ms >= now - 30LL * 86400000 && k < 64)
            v[k++] = r[i].rows;
    db_rowcount_samples_free(r, n);
    if (k == 0 || out_sparkline(&b, v, k, SPARK_N) != 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b);
}

static void tables_update(struct view *v)
{
    struct tables *s = v->priv;
    struct err e = ERR_INIT;
    struct lv_source src = {cols, sizeof(cols) / sizeof(cols[0]), 0, s, cell, role, failed, detail,
                            5};

    tables_clear(s);
    if (v->d->db != NULL && db_list_tables(v->d->db, &s->t, &s->n, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "tables: %s", e.msg);
    if (v->d->db != NULL && db_list_drift(v->d->db, &s->drifts, &s->n_drifts, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "tables: drift checks: %s", e.msg);
    s->drift = calloc(s->n + 1, sizeof(*s->drift));
    s->names = calloc(s->n + 1, sizeof(*s->names));
    s->spark = calloc(s->n + 1, sizeof(*s->spark));
    s->anom = calloc(s->n + 1, sizeof(*s->anom));
    if (s->names == NULL || s->spark == NULL || s->anom == NULL || s->drift == NULL) {
        db_tables_free(s->t, s->n);
        s->t = NULL;
        s->n = 0;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (table_full_name(&s->names[i], &s->t[i].meta, &e) != 0)
            s->names[i] = strdup("?");
        s->spark[i] = sparkline(v->d->db, s->names[i], dash_now_ms(v->d), &s->anom[i]);
        for (size_t k = 0; k < s->n_drifts; k++)
            if ((s->drifts[k].new_attrs > 0 || s->drifts[k].changed > 0) &&
                strcmp(s->drifts[k].table, s->names[i]) == 0)
                s->drift[i] = &s->drifts[k];
        s->n_drifted += s->drift[i] != NULL;
    }
    src.nrows = s->n;
    if (lv_load(&s->lv, &src) != 0)
        dash_msg(v->d, ROLE_BANNER, "out of memory loading tables");
}

static void tables_draw(struct view *v, WINDOW *w, bool focused)
{
    struct tables *s = v->priv;
    size_t r;

    lv_draw(&s->lv, w, v->d);
    r = lv_current(&s->lv);
    if (focused && r != (size_t)-1 && r < s->n && s->drift[r] != NULL)
        v->d->sel_drift = s->drift[r]->new_attrs > 0;
}

static enum key_result tables_key(struct view *v, int ch)
{
    struct tables *s = v->priv;
    size_t r;

    lv_sync(&s->lv, v->d);
    r = lv_current(&s->lv);

    if ((ch == '\r' || ch == '\n' || ch == KEY_ENTER) && r != (size_t)-1) {
        dash_push(v->d, &schema_view, s->names[r]);
        return KR_HANDLED;
    }
    if (ch == 's' && r != (size_t)-1) {
        dash_action(v->d, ACT_SCHEMA, s->names[r], NULL, NULL, 0);
        return KR_HANDLED;
    }
    if (ch == 'A' && r != (size_t)-1) {
        if ((s->drift[r] != NULL && s->drift[r]->new_attrs > 0) || v->d->cfg->general.read_only)
            dash_action(v->d, ACT_SCHEMA_APPLY, s->names[r], NULL, NULL, 0);
        else
            dash_msg(v->d, ROLE_NONE,
                     "%s has no new attributes to apply (as last checked; `pipetop schema "
                     "refresh %s --from-export` checks again)",
                     s->names[r], s->names[r]);
        return KR_HANDLED;
    }
    return lv_key(&s->lv, v->d, ch);
}

static void tables_title(struct view *v, char *out, size_t n)
{
    struct tables *s = v->priv;
    if (s->n_drifted > 0)
        snprintf(out, n, "tables: %zu of %zu, %zu DRIFT", s->lv.nidx, s->n, s->n_drifted);
    else
        snprintf(out, n, "tables: %zu of %zu", s->lv.nidx, s->n);
}

const struct view_ops tables_view = {
    "tables",    tables_keys,   sizeof(tables_keys) / sizeof(tables_keys[0]),
    tables_open, tables_close,  tables_draw,
    tables_key,  tables_update, tables_title,
};
