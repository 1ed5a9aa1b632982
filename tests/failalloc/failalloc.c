/* The failing allocator of tests/failalloc/failalloc.h. The __wrap_ functions replace the
 * allocation calls of every object linked statically into the test binary (libcore, libstate);
 * jansson and SQLite get hooks through their own APIs. Test code only. */
#include "tests/failalloc/failalloc.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t nmemb, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t nmemb, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static long fail_at = -1; /* the index of the allocation that fails; -1: none */
static long counted;
static bool fired;
static sqlite3_mem_methods sqlite_real;

static bool should_fail(void)
{
    if (fail_at < 0)
        return false;
    if (counted++ == fail_at) {
        fired = true;
        return true;
    }
    return false;
}

void failalloc_arm(long k)
{
    fail_at = k;
    counted = 0;
    fired = false;
}

bool failalloc_fired(void)
{
    return fired;
}

long failalloc_count(void)
{
    return counted;
}

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t nmemb, size_t n)
{
    return should_fail() ? NULL : __real_calloc(nmemb, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return should_fail() ? NULL : __real_strndup(s, n);
}

static void *json_alloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

static void json_free(void *p)
{
    free(p);
}

static void *sqlite_malloc(int n)
{
    return should_fail() ? NULL : sqlite_real.xMalloc(n);
}

static void *sqlite_realloc(void *p, int n)
{
    return should_fail() ? NULL : sqlite_real.xRealloc(p, n);
}

int failalloc_install(bool jansson)
{
    sqlite3_mem_methods m;

    if (jansson)
        json_set_alloc_funcs(json_alloc, json_free);
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_real) != SQLITE_OK)
        return -1;
    m = sqlite_real;
    m.xMalloc = sqlite_malloc;
    m.xRealloc = sqlite_realloc;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK)
        return -1;
    /* No lookaside: every SQLite allocation goes through the hook above. */
    if (sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK)
        return -1;
    return 0;
}
