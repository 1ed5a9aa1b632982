/* core/sqlrefs.h: the tables a scheduled query reads and writes, from its GoogleSQL text —
 * FROM / JOIN / USING references (bare `raw.x`, backquoted `project.raw.x` or `a`.`b`.`c`) and
 * CREATE [OR REPLACE] TABLE / INSERT [INTO] / MERGE [INTO] targets. A lexer, not a SQL parser:
 * comments and string literals are skipped, single-part names (CTEs, aliases) are ignored. */
#ifndef CORE_SQLREFS_H
#define CORE_SQLREFS_H

#include <stddef.h>

#include "core/err.h"

struct sql_table_ref {
    char *project; /* NULL when the query leaves it to the default project */
    char *dataset;
    char *table;
};

struct sql_refs {
    struct sql_table_ref *reads; /* in order of appearance, without duplicates */
    size_t n_reads;
    struct sql_table_ref *writes; /* CREATE TABLE / INSERT / MERGE targets (TEMP tables skipped) */
    size_t n_writes;
};

/* Fills out from query. Returns -1 only for ERR_NOMEM (out is then empty); text that is not SQL
 * gives empty lists. Release with sqlrefs_release(). */
int sqlrefs_parse(struct sql_refs *out, const char *query, struct err *e);
void sqlrefs_release(struct sql_refs *r);

/* Parses "dataset.table" or "project.dataset.table" (no backquotes) into out. Returns -1
 * (ERR_PARSE naming the text) otherwise, or ERR_NOMEM. */
int sqlrefs_table(struct sql_table_ref *out, const char *text, struct err *e);
void sql_table_ref_release(struct sql_table_ref *r);

#endif
