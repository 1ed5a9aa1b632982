/* A failing allocator for the allocation-failure tests: the k-th allocation (counting from 0)
 * made by pipetop's own code (malloc/calloc/realloc/strdup/strndup wrapped with the linker's
 * --wrap), by jansson (json_set_alloc_funcs), by libcurl (curl_global_init_mem) or by SQLite
 * (SQLITE_CONFIG_MALLOC) fails once. Only build/tests/test_failalloc links it; never part of
 * pipetop.
 *
 * One allocation is never failed: the growth of jansson's lexer buffer (lex_save() in
 * jansson's load.c) while json_loadb()/json_loads() runs. jansson up to at least 2.14 ignores
 * that failure (lex_save() is void and drops strbuffer_append_byte()'s -1), so the lexer goes
 * on with its saved text out of step with the input: a string token is then copied past the end
 * of its buffer (heap overflow, seen under valgrind in lex_scan_string) and a number token trips
 * assert(c == d) in lex_unget_unsave(). Upstream: akheron/jansson#362, fix proposed in
 * akheron/jansson#747 (open) after #735 (closed). Every jansson parse entry point shares that
 * lexer, so pipetop cannot avoid it by calling another one. The allocation is recognised by its
 * call site: failalloc_install() parses one long string and takes the return address of the
 * lexer buffer's growth (jansson calls the allocator as a tail call from strbuffer_append_bytes);
 * when that is not possible (another jansson build), every allocation inside json_loadb() and
 * json_loads() is spared instead, and failalloc_jansson_mode() says so. All other jansson
 * allocations — the values a loader builds, json_pack, json_dumps, object and array growth —
 * fail like any other. */
#ifndef TESTS_FAILALLOC_FAILALLOC_H
#define TESTS_FAILALLOC_FAILALLOC_H

#include <stdbool.h>

/* Installs the jansson, libcurl and SQLite hooks. Call once at the start of main(), before
 * anything touches those libraries. 0, or -1 with a message on stderr. */
int failalloc_install(void);

/* How jansson's loader is covered: "precise" (only the lexer buffer's growth is spared) or
 * "coarse" (nothing inside json_loadb/json_loads fails). */
const char *failalloc_jansson_mode(void);

/* Arms the counter: the k-th allocation from now fails (k >= 0); k < 0 disarms. */
void failalloc_arm(long k);

/* Whether the armed failure happened since the last failalloc_arm(). */
bool failalloc_fired(void);

/* Allocations counted since the last failalloc_arm(). */
long failalloc_count(void);

#endif
