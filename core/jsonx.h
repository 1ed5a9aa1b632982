/* core/jsonx.h: typed, shape-checking reads of JSON API responses through jansson. Every getter
 * names the call and the field path when a value is missing or has the wrong type
 * ("dts runs.list: transferRuns[3].state is a number, expected a string"), so a response that
 * does not match the expected shape is an ERR_PARSE error, never a crash or silently skipped data.
 */
#ifndef CORE_JSONX_H
#define CORE_JSONX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"

/* Where a value sits: the call ("dts runs.list") and the JSON path of the object read from
 * ("" for the top level, "transferRuns[3]", "schema.fields[2].fields[0]"). */
struct jloc {
    const char *call;
    const char *path;
};

/* Parses body (len bytes) into a JSON object. Returns -1 (ERR_PARSE naming the call, the line
 * and column and jansson's reason) for malformed JSON or a top level that is not an object. */
int jsonx_load(json_t **out, const char *call, const char *body, size_t len, struct err *e);

/* The getters below read obj[key]. An absent key or JSON null leaves *out unchanged and returns 0
 * unless required, then it is ERR_PARSE "... is missing". A value of another type is ERR_PARSE. */

/* A string; *out is a heap copy (caller frees; a previous *out is freed first). */
int jsonx_str(const json_t *obj, const char *key, int required, char **out, const struct jloc *at,
              struct err *e);
/* An integer given as a JSON integer or as a decimal string (Google int64: "48211"). */
int jsonx_int64(const json_t *obj, const char *key, int required, int64_t *out,
                const struct jloc *at, struct err *e);
/* Epoch seconds as AWS JSON protocols send them (integer, fraction or exponent) into ms. */
int jsonx_epoch_ms(const json_t *obj, const char *key, int required, int64_t *out,
                   const struct jloc *at, struct err *e);
/* An RFC 3339 timestamp string into epoch ms. */
int jsonx_rfc3339_ms(const json_t *obj, const char *key, int required, int64_t *out,
                     const struct jloc *at, struct err *e);
int jsonx_bool(const json_t *obj, const char *key, int required, int *out, const struct jloc *at,
               struct err *e);
/* An array / object, borrowed; absent or null gives *out = NULL (APIs omit empty lists). */
int jsonx_array(const json_t *obj, const char *key, int required, const json_t **out,
                const struct jloc *at, struct err *e);
int jsonx_object(const json_t *obj, const char *key, int required, const json_t **out,
                 const struct jloc *at, struct err *e);

/* Writes the path of obj[key] ("transferRuns", "a.b") into dst; with index >= 0 the path of
 * element index of that array ("transferRuns[3]"). Truncates to n. Returns dst. */
char *jsonx_path(char *dst, size_t n, const struct jloc *at, const char *key, long index);

/* json_dumps() that fails rather than truncates: jansson's own json_dumps ignores an allocation
 * failure while it writes an object key and returns the JSON with that key cut short
 * (akheron/jansson#655, fix proposed in #649). This writes through json_dump_callback into a
 * buffer that remembers any failure. The same flags; NULL when memory runs out or jansson fails;
 * the caller frees. pipetop's code uses this, never json_dumps (make lint). */
char *jsonx_dumps(const json_t *json, size_t flags);

/* "a string", "a number", "an object", ... for error messages. */
const char *jsonx_type_name(const json_t *v);

/* Checks that element i of array arr (at path "<at.path>.<key>[i]") is an object. */
int jsonx_item_object(const json_t *arr, size_t i, const char *key, const struct jloc *at,
                      struct err *e);

/* Reads each element of the array obj[key] (absent or null = no elements) as an object with fn
 * into a new array of item_size-byte items (zeroed before fn; *out NULL when none). fn gets the
 * element's path ("transferRuns[3]"). On failure every item read is released, *out is NULL. */
typedef int (*jsonx_item_fn)(void *item, const json_t *obj, const struct jloc *at, struct err *e);
typedef void (*jsonx_release_fn)(void *item);
int jsonx_list(const json_t *obj, const char *key, size_t item_size, jsonx_item_fn fn,
               jsonx_release_fn release, void **out, size_t *n, const struct jloc *at,
               struct err *e);

/* A page token obj[key] into *out: "" when absent, null or empty (the last page). */
int jsonx_page_token(const json_t *obj, const char *key, char **out, const struct jloc *at,
                     struct err *e);

#endif
