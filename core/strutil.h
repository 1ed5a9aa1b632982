/* core/strutil.h: small string helpers shared by the config loader and the command line:
 * edit distance and "did you mean" suggestions. Pure functions; no allocation visible outside. */
#ifndef CORE_STRUTIL_H
#define CORE_STRUTIL_H

#include <stddef.h>

/* Optimal-string-alignment edit distance (insert, delete, substitute, swap two neighbours),
 * ASCII case-insensitive. Words longer than STR_DISTANCE_MAX_LEN count as very far apart. */
#define STR_DISTANCE_MAX_LEN 64
size_t str_distance(const char *a, const char *b);

/* The candidate closest to word, or NULL when none is close enough to be a likely typo (more
 * than a third of the word's length away, at least 1 and at most 3 edits). Borrowed from
 * candidates; NULL entries in candidates are skipped. */
const char *str_nearest(const char *word, const char *const *candidates, size_t n);

/* Whether s is one of the words "true yes on 1" (*out = 1) or "false no off 0" (*out = 0),
 * case-insensitive. Returns -1 for anything else. */
int str_parse_bool(const char *s, int *out);

/* Parses a whole decimal integer in [min, max] with nothing else around it. Returns -1 when s is
 * not a number or out of range. */
int str_parse_int(const char *s, long min, long max, long *out);

#endif
