/* core/infer.h: schema inference from DynamoDB JSON export data ({"Item":{...}} per line).
 * A streaming reader (gzip or plain, inflated through a fixed buffer, lines bounded) feeds items
 * into an inference tree; from it come the RAW schema (what a BigQuery load of DynamoDB JSON
 * needs) and the FLAT analyst schema with its CREATE TABLE ... AS SELECT. Never holds more than
 * one line of data; memory grows with the number of distinct attribute paths only.
 * Implemented in core/infer_tree.c, infer_num.c, infer_read.c, infer_raw.c, infer_flat.c,
 * infer_sql.c.
 *
 * Raw mapping (the shape BigQuery autodetect gives DynamoDB JSON; names kept as they are):
 *   Item RECORD NULLABLE; each attribute a RECORD NULLABLE whose members are the descriptors seen:
 *   S STRING, N STRING (DynamoDB numbers exceed FLOAT64/INT64 precision, so kept as text),
 *   B BYTES (base64 in the file), BOOL BOOLEAN, NULL BOOLEAN, M RECORD of nested attributes (same
 *   rule), L REPEATED RECORD of the element descriptors seen, SS/NS REPEATED STRING, BS REPEATED
 *   BYTES. All NULLABLE (REPEATED for lists and sets). Fields are ordered by name (byte order) so
 *   the output is deterministic and diffs are stable.
 * Flat mapping: see infer_flat_schema(). */
#ifndef CORE_INFER_H
#define CORE_INFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"

#define INFER_LINE_MAX (16u << 20) /* a longer line is ERR_PARSE (DynamoDB items are <= 400 KB) */
#define INFER_CHUNK (64u << 10)    /* inflate input/output buffer size */

/* Descriptor bits. */
enum infer_type {
    INFER_S = 1 << 0,
    INFER_N = 1 << 1,
    INFER_B = 1 << 2,
    INFER_BOOL = 1 << 3,
    INFER_NULL = 1 << 4,
    INFER_M = 1 << 5,
    INFER_L = 1 << 6,
    INFER_SS = 1 << 7,
    INFER_NS = 1 << 8,
    INFER_BS = 1 << 9,
};
#define INFER_NTYPES 10

/* What the N values (and NS members) of one attribute need. */
struct infer_num {
    int64_t count;
    bool all_int;       /* every value an integer (no fraction after the exponent) */
    bool all_int64;     /* ... and within INT64 */
    int max_int_digits; /* digits left of the point */
    int max_scale;      /* digits right of the point */
    int64_t min, max;   /* of the INT64 values */
};

struct infer_attr;

/* The values seen at one place: an attribute, or the elements of its lists. */
struct infer_val {
    unsigned types;           /* enum infer_type bits */
    int64_t seen;             /* how many values */
    struct infer_attr *attrs; /* M: nested attributes, sorted by name */
    size_t n_attrs, cap_attrs;
    int64_t maps;           /* how many M values */
    struct infer_val *elem; /* L: the elements; NULL until an L is seen */
    struct infer_num num;
};

struct infer_attr {
    char *name;
    struct infer_val v;
};

struct infer {
    struct infer_val item; /* the Item map */
    int64_t items;
    int64_t lines;
    int64_t sample; /* stop after this many items; 0 = all */
};

void infer_init(struct infer *in);
void infer_release(struct infer *in);
/* True once the sample limit is reached. */
bool infer_done(const struct infer *in);

/* Adds one line of export data ({"Item":{...}}; a blank line is skipped). where names the source
 * in errors ("data/x.json.gz line 12"). ERR_PARSE for bad JSON or a malformed descriptor. */
int infer_add_line(struct infer *in, const char *line, size_t len, const char *where,
                   struct err *e);

/* ---- streaming reader (core/infer_read.c). Gzip (detected by its magic bytes) or plain text;
 * concatenated gzip members are followed. */
struct infer_reader;
typedef int (*infer_line_fn)(void *ctx, const char *line, size_t len, int64_t lineno,
                             struct err *e);
int infer_reader_new(struct infer_reader **out, const char *name, infer_line_fn fn, void *ctx,
                     struct err *e);
/* Feeds compressed (or plain) bytes; calls fn for each complete line. Returns 1 when fn asked to
 * stop (returned 1), 0 to go on, -1 on error. */
int infer_reader_feed(struct infer_reader *r, const void *data, size_t len, struct err *e);
/* Ends the stream (a last line without newline is delivered; a truncated gzip is ERR_PARSE
 * unless the reader stopped early). */
int infer_reader_finish(struct infer_reader *r, struct err *e);
void infer_reader_free(struct infer_reader *r);

/* Reads one file (gzip or plain) into in. */
int infer_add_file(struct infer *in, const char *path, struct err *e);
/* A local export: a directory holding manifest-files.json (its dataFileS3Key entries are taken
 * relative to the directory, by their part from "data/" on) or else every *.json / *.json.gz in
 * it and in its data/ subdirectory, sorted by name. */
int infer_add_dir(struct infer *in, const char *dir, struct err *e);

/* ---- raw schema (core/infer_raw.c) */

/* The raw table schema: one field "Item" RECORD. Free with schema_fields_free(*out, *n). */
int infer_raw_schema(const struct infer *in, struct schema_field **out, size_t *n, struct err *e);
/* Whether one export line loads into schema (every descriptor of every value is a member of
 * the matching RECORD). 0 = yes; -1 with ERR_PARSE naming the first path that does not fit. */
int infer_validate_line(const struct schema_field *fields, size_t n, const char *line, size_t len,
                        struct err *e);

/* ---- flat schema (core/infer_flat.c) */

struct infer_opts {
    const char *const *keys; /* key attributes, in order (hash key first); may be NULL */
    size_t n_keys;
    const char *const *timestamps; /* N attributes to read as TIMESTAMP */
    size_t n_timestamps;
    bool detect_timestamps; /* names ending in _at, _time or ts with all values epoch s/ms */
    /* descriptions kept from an existing table where top-level names match; may be NULL */
    const struct schema_field *existing;
    size_t n_existing;
};

/* One attribute seen with two or more types (NULL aside), at path "a.b[]". */
struct infer_conflict {
    char *path;
    unsigned types;
};

struct infer_flat_col {
    struct schema_field field; /* name, type, mode, description, nested fields */
    char *expr;                /* the SELECT expression over the raw table */
};

struct infer_flat {
    struct infer_flat_col *cols;
    size_t n;
    struct infer_conflict *conflicts;
    size_t n_conflicts;
};

/* The flat schema: key attributes first (in the order given), then the others by name. Types:
 * S STRING; B BYTES; BOOL BOOL; N INT64 when every value is an integer within INT64, else
 * NUMERIC (<= 29 integer and <= 9 fraction digits), else BIGNUMERIC (<= 38 and <= 38), else
 * FLOAT64; N as TIMESTAMP (TIMESTAMP_SECONDS or TIMESTAMP_MILLIS by the values' range) when
 * named in opts->timestamps, or detected; SS REPEATED STRING; NS REPEATED of the number type;
 * BS REPEATED BYTES; M RECORD of its attributes by the same rules, or JSON when any nested
 * attribute is in conflict or a list of it is not homogeneous (its shape varies); L REPEATED of
 * the element type when every element has one type (and is not itself a list or set), else JSON;
 * only NULL ever seen: STRING. An attribute with two types is listed in conflicts and becomes a
 * JSON column (TO_JSON of the raw value) — never coerced. */
int infer_flat_schema(const struct infer *in, const struct infer_opts *opts, struct infer_flat *out,
                      struct err *e);
void infer_flat_release(struct infer_flat *f);
/* "S", "N", ... "S|N" for a bit set, into buf. */
const char *infer_types_str(unsigned types, char *buf, size_t n);

/* ---- output (core/infer_out.c). All append to *out (caller frees). */

/* bq show --schema --format=prettyjson: a JSON array, 2-space indent. */
int infer_out_bq_json(const struct schema_field *f, size_t n, char **out, struct err *e);
/* A google_bigquery_table resource with schema = <<EOT ... EOT. table "dataset.table". */
int infer_out_terraform(const struct schema_field *f, size_t n, const char *table, char **out,
                        struct err *e);
/* CREATE OR REPLACE TABLE `target` (cols with OPTIONS(description)) AS SELECT ... FROM `raw`. */
int infer_out_sql(const struct infer_flat *flat, const char *target, const char *raw, char **out,
                  struct err *e);

#endif
