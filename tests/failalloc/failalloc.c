/* The failing allocator of tests/failalloc/failalloc.h. The __wrap_ functions replace the
 * allocation calls of every object linked statically into the test binary (libcore, libstate);
 * jansson, libcurl and SQLite get hooks through their own APIs; json_loadb and json_loads are
 * wrapped too, to know when jansson's lexer runs. Test code only. */
#include "tests/failalloc/failalloc.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <execinfo.h>
#include <stdio.h>
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
json_t *__real_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);
json_t *__real_json_loads(const char *input, size_t flags, json_error_t *error);
json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);
json_t *__wrap_json_loads(const char *input, size_t flags, json_error_t *error);

static long fail_at = -1; /* the index of the allocation that fails; -1: none */
static long counted;
static bool fired;
static sqlite3_mem_methods sqlite_real;

/* jansson's lexer (see failalloc.h): how deep inside json_loadb/json_loads we are, and the
 * return address of its buffer's growth (NULL: unknown, spare the whole loader). */
static int in_loader;
static void *lex_growth;
/* Calibration: the first allocations of one parse, their sizes and return addresses. */
#define CALIB_MAX 16
static bool calibrating;
static size_t calib_n;
static size_t calib_size[CALIB_MAX];
static void *calib_ret[CALIB_MAX];

/* PIPETOP_FAILALLOC_TRACE=k prints the stack of each failing allocation number k on stderr:
 * to find which call site an "ERROR: ... allocation k failed" line is about. */
static void trace(void)
{
    const char *t = getenv("PIPETOP_FAILALLOC_TRACE");
    void *bt[32];

    if (t != NULL && strtol(t, NULL, 10) == fail_at) {
        fprintf(stderr, "failalloc: allocation %ld fails here:\n", fail_at);
        backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
    }
}

static bool should_fail(void)
{
    if (fail_at < 0)
        return false;
    if (counted++ == fail_at) {
        fired = true;
        trace();
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

json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
    json_t *j;

    in_loader++;
    j = __real_json_loadb(buffer, buflen, flags, error);
    in_loader--;
    return j;
}

json_t *__wrap_json_loads(const char *input, size_t flags, json_error_t *error)
{
    json_t *j;

    in_loader++;
    j = __real_json_loads(input, flags, error);
    in_loader--;
    return j;
}

/* Called by jansson through a function pointer (a tail call from its jsonp_malloc), so the
 * return address is the allocation's call site inside jansson. */
__attribute__((noinline)) static void *json_alloc(size_t n)
{
    void *site = __builtin_return_address(0);

    if (calibrating) {
        if (calib_n < CALIB_MAX) {
            calib_size[calib_n] = n;
            calib_ret[calib_n++] = site;
        }
        return __real_malloc(n);
    }
    if (in_loader > 0 && (lex_growth == NULL || site == lex_growth))
        return __real_malloc(n); /* akheron/jansson#362: never failed, not counted */
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

static void *fa_curl_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

static void fa_curl_free(void *p)
{
    free(p);
}

static void *fa_curl_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

static char *fa_curl_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}

static void *fa_curl_calloc(size_t nmemb, size_t n)
{
    return should_fail() ? NULL : __real_calloc(nmemb, n);
}

/* Finds the call site of the lexer buffer's growth: a 40-character string token grows the
 * buffer from 16 bytes to 32 and then 64, from one site other than its first allocation's. */
static void calibrate(void)
{
    void *first = NULL, *grow32 = NULL, *grow64 = NULL;
    json_t *j;

    calibrating = true;
    calib_n = 0;
    j = __real_json_loads("\"0123456789012345678901234567890123456789\"", JSON_DECODE_ANY, NULL);
    calibrating = false;
    json_decref(j);
    for (size_t i = 0; i < calib_n; i++) {
        if (calib_size[i] == 16 && first == NULL)
            first = calib_ret[i];
        else if (calib_size[i] == 32 && grow32 == NULL)
            grow32 = calib_ret[i];
        else if (calib_size[i] == 64 && grow64 == NULL)
            grow64 = calib_ret[i];
    }
    lex_growth = j != NULL && grow32 != NULL && grow32 == grow64 && grow32 != first ? grow32 : NULL;
}

const char *failalloc_jansson_mode(void)
{
    return lex_growth != NULL ? "precise" : "coarse";
}

int failalloc_install(void)
{
    sqlite3_mem_methods m;

    json_set_alloc_funcs(json_alloc, json_free);
    calibrate();
    if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, fa_curl_malloc, fa_curl_free, fa_curl_realloc,
                             fa_curl_strdup, fa_curl_calloc) != CURLE_OK) {
        fprintf(stderr, "failalloc: curl_global_init_mem failed\n");
        return -1;
    }
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_real) != SQLITE_OK) {
        fprintf(stderr, "failalloc: cannot install the SQLite allocator hooks\n");
        return -1;
    }
    m = sqlite_real;
    m.xMalloc = sqlite_malloc;
    m.xRealloc = sqlite_realloc;
    /* No lookaside: every SQLite allocation goes through the hook above. */
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK) {
        fprintf(stderr, "failalloc: cannot install the SQLite allocator hooks\n");
        return -1;
    }
    return 0;
}
