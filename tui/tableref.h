/* tui/tableref.h: the tables of the history database as the tables, schema and history commands
 * read them (metadata, daily row counts), and finding one by the name a user typed:
 * project.dataset.table, dataset.table, or a table id that only one table has. */
#ifndef TUI_TABLEREF_H
#define TUI_TABLEREF_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/report_json.h"
#include "state/db.h"
#include "state/tables.h"

struct tableref_set {
    struct db_table *tables;
    size_t n;
    struct report_table *rt;          /* n, pointing into tables and samples */
    struct rowcount_sample **samples; /* per table: the last sample of each day, oldest first */
    size_t *n_samples;
    struct anomaly *anomalies; /* per table: its latest day judged against earlier days */
};

/* Row-count history read to judge anomalies (core/anomaly.h), in days. */
#define TABLEREF_ANOMALY_DAYS 90

/* Loads every table and its daily row counts over the last days days (0: all history), and
 * judges each table's latest day against the TABLEREF_ANOMALY_DAYS before it (all history
 * when days is 0).
 * On error the set is empty and may still be released. */
int tableref_load(struct tableref_set *s, struct db *db, int64_t now_ms, int days, struct err *e);
void tableref_release(struct tableref_set *s);

/* The index of the table called name. ERR_NOT_FOUND "no table NAME in the history database;
 * did you mean A, B?" (the nearest names) or ERR_USAGE when name fits several tables. */
int tableref_find(const struct tableref_set *s, const char *name, size_t *idx, struct err *e);

#endif
