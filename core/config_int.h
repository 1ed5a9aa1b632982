/* core/config_int.h: what core/config.c and core/config_file.c share; not for other modules.
 * config.c owns the [general]/[aws]/[gcp] key table and the struct's lifetime; config_file.c
 * reads the INI file through inih and owns the [pipeline NAME] sections. */
#ifndef CORE_CONFIG_INT_H
#define CORE_CONFIG_INT_H

#include <stdio.h>

#include "core/config.h"

/* One [general]/[aws]/[gcp] key: its type, where it lives in struct config, its default. */
enum config_kind { K_STR, K_INT, K_BOOL, K_HHMM, K_LIST };

struct key_def {
    const char *section;
    const char *key;
    enum config_kind kind;
    size_t off;                  /* offsetof(struct config, field) */
    int (*check)(const char *v); /* K_STR, and each K_LIST item; NULL = any word */
    long min, max;               /* K_INT */
    const char *def;             /* default as text; NULL = unset */
    const char *env;             /* overriding environment variable */
    const char *allowed;         /* what a good value looks like, for errors */
};

/* The key table, in the order config_visit() walks it; n is set to its length. */
const struct key_def *config_keys(size_t *n);

/* Applies one [general]/[aws]/[gcp] setting. where prefixes errors ("FILE:12", "PIPETOP_X").
 * Returns -1 (ERR_CONFIG) for an unknown key (with the nearest valid key) or a bad value (naming
 * it and what is allowed), ERR_NOMEM when out of memory. */
int config_set_key(struct config *c, const char *section, const char *key, const char *value,
                   const struct config_origin *o, const char *where, struct err *e);

/* The file line that already set [section] key, or 0 (to catch a key given twice). */
int config_key_line(const struct config *c, const char *section, const char *key);

/* Whether a (lower-cased) key name looks like a secret or credential. */
int config_secret_key(const char *key);

/* value, or a placeholder when it looks like key material (inline JSON, a PEM block), so that
 * error messages never echo a secret pasted into the wrong key. Borrowed. */
const char *config_value_shown(const char *value);

/* The error text for a secret key: never includes the value. */
int config_secret_error(const char *where, const char *section, const char *key, struct err *e);

/* Reads the open INI file f (named path in messages) into c. Same errors as config_load. */
int config_read_file(struct config *c, FILE *f, const char *path, struct err *e);

/* Frees one pinned pipeline's strings. */
void config_pipeline_release(struct config_pipeline *p);

#endif
