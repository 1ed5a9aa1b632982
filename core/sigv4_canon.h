/* core/sigv4_canon.h: internal to core/sigv4*.c — canonical URI and canonical query string
 * of SigV4. Not for other modules (they call sigv4_sign). */
#ifndef CORE_SIGV4_CANON_H
#define CORE_SIGV4_CANON_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

struct sigv4_param {
    char *name; /* encoded */
    char *value;
};

struct sigv4_params {
    struct sigv4_param *p;
    size_t n, cap;
};

/* Appends the canonical URI of path under flags (enum sigv4_flags). Returns 0 or -1 with e. */
int sigv4_canon_path(struct buf *out, const char *path, unsigned flags, struct err *e);

/* Adds one parameter: name and value are percent-decoded, then re-encoded canonically. */
int sigv4_params_add(struct sigv4_params *ps, const char *name, size_t nlen, const char *value,
                     size_t vlen);
/* Adds every "name=value" of a raw query string (a missing '=' means an empty value). */
int sigv4_params_parse(struct sigv4_params *ps, const char *query);
/* Sorts by name then value and appends "a=1&b=2". Returns 0 or -1 (buffer limit). */
int sigv4_params_write(struct buf *out, struct sigv4_params *ps);
void sigv4_params_release(struct sigv4_params *ps);

#endif
