/* tui/tableref.c: loading tables with their daily row counts from state/, and resolving a
 * table name with "did you mean" suggestions (core/strutil.h). Reads only. */
#include "tui/tableref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/anomaly.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#define DAY_MS 86400000LL

void tableref_release(struct tableref_set *s)
{
    for (size_t i = 0; s->samples != NULL && i < s->n; i++)
        db_rowcount_samples_free(s->samples[i], s->n_samples[i]);
    free(s->samples);
    free(s->n_samples);
    free(s->anomalies);
    free(s->rt);
    db_tables_free(s->tables, s->n);
    memset(s, 0, sizeof(*s));
}

/* Keeps the last sample of each day of list (oldest first), in place. */
static size_t daily(struct rowcount_sample *list, size_t n)
{
    size_t out = 0;

    for (size_t i = 0; i < n; i++) {
        char d1[TIME_DAY_LEN], d2[TIME_DAY_LEN];
        time_day_of(list[i].at_ms, d1);
        if (i + 1 < n) {
            time_day_of(list[i + 1].at_ms, d2);
            if (strcmp(d1, d2) == 0) {
                rowcount_sample_release(&list[i]);
                continue;
            }
        }
        list[out++] = list[i];
    }
    return out;
}

/* Drops the daily samples older than days days before now (0: keeps all). */
static size_t keep_recent(struct rowcount_sample *list, size_t n, int64_t now_ms, int days)
{
    size_t from = 0;

    if (days <= 0)
        return n;
    while (from < n && list[from].at_ms < now_ms - (int64_t)days * DAY_MS)
        rowcount_sample_release(&list[from++]);
    memmove(list, list + from, (n - from) * sizeof(*list));
    return n - from;
}

int tableref_load(struct tableref_set *s, struct db *db, int64_t now_ms, int days, struct err *e)
{
    int64_t since =
        days > 0 ? now_ms - (int64_t)(days > TABLEREF_ANOMALY_DAYS ? days : TABLEREF_ANOMALY_DAYS) *
                                DAY_MS
                 : 0;

    memset(s, 0, sizeof(*s));
    if (db_list_tables(db, &s->tables, &s->n, e) != 0)
        return -1;
    s->rt = calloc(s->n + 1, sizeof(*s->rt));
    s->samples = calloc(s->n + 1, sizeof(*s->samples));
    s->n_samples = calloc(s->n + 1, sizeof(*s->n_samples));
    s->anomalies = calloc(s->n + 1, sizeof(*s->anomalies));
    if (s->rt == NULL || s->samples == NULL || s->n_samples == NULL || s->anomalies == NULL) {
        tableref_release(s);
        return err_set(e, ERR_NOMEM, "tables: out of memory");
    }
    for (size_t i = 0; i < s->n; i++) {
        char *full = NULL;
        if (table_full_name(&full, &s->tables[i].meta, e) != 0 ||
            db_rowcount_history(db, full, since, &s->samples[i], &s->n_samples[i], e) != 0) {
            free(full);
            tableref_release(s);
            return -1;
        }
        free(full);
        if (anomaly_of_samples(&s->anomalies[i], s->samples[i], s->n_samples[i], e) != 0) {
            tableref_release(s);
            return -1;
        }
        s->n_samples[i] = daily(s->samples[i], s->n_samples[i]);
        s->n_samples[i] = keep_recent(s->samples[i], s->n_samples[i], now_ms, days);
        s->rt[i] = (struct report_table){
            &s->tables[i].meta, s->tables[i].seen_ms, s->tables[i].n_schema_versions,
            s->samples[i],      s->n_samples[i],      &s->anomalies[i]};
    }
    return 0;
}

/* The form of table i's name comparable to what the user typed (as many dots). */
static void name_like(const struct table_meta *m, const char *typed, char *out, size_t n)
{
    const char *dot = strchr(typed, '.');

    if (dot == NULL)
        snprintf(out, n, "%s", m->table_id);
    else if (strchr(dot + 1, '.') == NULL)
        snprintf(out, n, "%s.%s", m->dataset, m->table_id);
    else
        snprintf(out, n, "%s.%s.%s", m->project, m->dataset, m->table_id);
}

static int not_found(const struct tableref_set *s, const char *name, struct err *e)
{
    size_t best[3] = {0}, dist[3] = {(size_t)-1, (size_t)-1, (size_t)-1}, len = strlen(name);
    size_t limit = len / 3 > 3 ? len / 3 : 3;
    char cand[3][256], buf[256], tail[800] = "";

    for (size_t i = 0; i < s->n; i++) {
        name_like(&s->tables[i].meta, name, buf, sizeof(buf));
        size_t d = str_distance(name, buf);
        for (size_t k = 0; k < 3 && d <= limit; k++) {
            if (d < dist[k]) {
                for (size_t m = 2; m > k; m--) {
                    dist[m] = dist[m - 1];
                    best[m] = best[m - 1];
                }
                dist[k] = d;
                best[k] = i;
                break;
            }
        }
    }
    for (size_t k = 0; k < 3 && dist[k] != (size_t)-1; k++) {
        const struct table_meta *m = &s->tables[best[k]].meta;
        snprintf(cand[k], sizeof(cand[k]), "%s.%s", m->dataset, m->table_id);
        size_t at = strlen(tail);
        snprintf(tail + at, sizeof(tail) - at, "%s%s", k == 0 ? "; did you mean " : ", ", cand[k]);
    }
    return err_set(e, ERR_NOT_FOUND, "no table '%s' in the history database%s%s", name,
                   tail[0] != '\0' ? tail : " (see `pipetop tables`)", tail[0] != '\0' ? "?" : "");
}

int tableref_find(const struct tableref_set *s, const char *name, size_t *idx, struct err *e)
{
    char buf[256];
    size_t hits = 0;

    for (size_t i = 0; i < s->n; i++) {
        name_like(&s->tables[i].meta, name, buf, sizeof(buf));
        if (strcmp(buf, name) == 0) {
            *idx = i;
            hits++;
        }
    }
    if (hits == 1)
        return 0;
    if (hits > 1)
        return err_set(e, ERR_USAGE, "'%s' names %zu tables; give project.dataset.table", name,
                       hits);
    return not_found(s, name, e);
}
