/* A failing allocator for the allocation-failure tests: the k-th allocation (counting from 0)
 * made by pipetop's own code (malloc/calloc/realloc/strdup/strndup wrapped with the linker's
 * --wrap), by jansson (json_set_alloc_funcs) or by SQLite (SQLITE_CONFIG_MALLOC) fails once.
 * Only build/tests/test_failalloc links it; never part of pipetop. */
#ifndef TESTS_FAILALLOC_FAILALLOC_H
#define TESTS_FAILALLOC_FAILALLOC_H

#include <stdbool.h>

/* Installs the SQLite hooks, and jansson's when jansson is true. Call once, before anything
 * touches SQLite. 0 or -1. jansson 2.14's own loader is not safe under allocation failure
 * (akheron/jansson#362: lex_save() drops an OOM and the lexer then reads past its buffer), so
 * its hook is opt-in. */
int failalloc_install(bool jansson);

/* Arms the counter: the k-th allocation from now fails (k >= 0); k < 0 disarms. */
void failalloc_arm(long k);

/* Whether the armed failure happened since the last failalloc_arm(). */
bool failalloc_fired(void);

/* Allocations counted since the last failalloc_arm(). */
long failalloc_count(void);

#endif
