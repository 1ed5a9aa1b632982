/* state/migrations.h: the history database's schema, as an ordered list of steps. Step k takes
 * a database from user_version k-1 to k. Steps are only ever appended, never edited, once
 * released: a database made by any earlier build must migrate to exactly the fresh schema. */
#ifndef STATE_MIGRATIONS_H
#define STATE_MIGRATIONS_H

#include <stddef.h>

struct migration {
    int version;      /* the user_version after this step */
    const char *name; /* a few words for error messages */
    const char *sql;  /* one or more statements, run inside the step's transaction */
};

extern const struct migration migrations[];
extern const size_t migrations_count;

#endif
