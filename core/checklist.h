/* core/checklist.h: the result of a list of checks (`pipetop doctor`): each check's name,
 * status (ok, warn, fail), what was found and, when it failed or warns, what to do — and its
 * JSON form {"ok", "checks": [{"name", "ok", "status", "detail", "remedy"}]}. Holds only what
 * the checks put in: callers never put a secret in a detail or remedy. */
#ifndef CORE_CHECKLIST_H
#define CORE_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define CHECKLIST_MAX 24

enum check_status { CHECK_OK = 0, CHECK_WARN, CHECK_FAIL };

struct check {
    char name[48];
    enum check_status status;
    enum err_code code; /* for a failure: what kind (ERR_CONFIG, ERR_AUTH, ERR_NETWORK ...) */
    char detail[1280];
    char remedy[512]; /* "" when there is nothing to do */
};

struct checklist {
    struct check v[CHECKLIST_MAX];
    size_t n;
};

/* Appends a check (a full list drops it and returns NULL). The detail is formatted from fmt;
 * remedy may be NULL. Returns the new entry for further edits. */
struct check *checklist_add(struct checklist *l, const char *name, enum check_status status,
                            enum err_code code, const char *remedy, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* "ok", "warn", "fail". */
const char *check_status_name(enum check_status s);

/* Whether no check failed (warnings allowed). */
bool checklist_ok(const struct checklist *l);

/* Counts of each status into n[3] (indexed by enum check_status). */
void checklist_count(const struct checklist *l, size_t n[3]);

/* The JSON form, malloc'd into *out (caller frees). -1 (ERR_NOMEM) on failure. */
int checklist_to_json(const struct checklist *l, char **out, struct err *e);

#endif
