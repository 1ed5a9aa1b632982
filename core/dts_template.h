/* core/dts_template.h: BigQuery Data Transfer Service runtime templates — {run_date} and
 * {run_time[+-N(h|m|s)]|"strftime format"}, rendered in UTC as DTS does — and the `*` wildcards of
 * an amazon_s3 data_path, as (a) text rendered for one run time and (b) patterns matched against
 * S3 export prefixes. Pure functions: no I/O, no clock, no time zone (everything here is UTC). */
#ifndef CORE_DTS_TEMPLATE_H
#define CORE_DTS_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Renders every runtime parameter of tmpl for run_time_ms (UTC); `*` and other text are kept.
 * {run_date} is YYYYMMDD; {run_time+1h|"%Y%m%d"} shifts the time before formatting (offsets in
 * h, m or s). *out is malloc'd (caller frees). Returns -1 (ERR_PARSE naming the template and the
 * 1-based position of the bad parameter) with *out NULL. */
int dts_template_render(char **out, const char *tmpl, int64_t run_time_ms, struct err *e);

/* Whether tmpl contains a runtime parameter ('{'). */
bool dts_template_has_params(const char *tmpl);

/* One step of a compiled pattern. */
enum dts_pat_kind {
    DTS_PAT_CHAR = 0, /* the character c */
    DTS_PAT_DIGITS,   /* exactly n decimal digits (%Y = 4, %m = 2, {run_date} = 8, ...) */
    DTS_PAT_SEGMENT,  /* any run of characters other than '/' (a conversion of unknown width) */
    DTS_PAT_ANY       /* '*': any run of characters, '/' included */
};

struct dts_pat_item {
    enum dts_pat_kind kind;
    char c;
    int n;
};

/* A data_path key (or any template) where every runtime parameter stands for what it could
 * render to on any day, and '*' for anything. */
struct dts_pattern {
    struct dts_pat_item *v;
    size_t n;
};

/* Compiles tmpl. Returns -1 (ERR_PARSE, template and position) for a malformed parameter,
 * ERR_NOMEM; p is then empty. Release with dts_pattern_release(). */
int dts_pattern_compile(struct dts_pattern *p, const char *tmpl, struct err *e);
void dts_pattern_release(struct dts_pattern *p);

/* Whether the whole text matches p. */
bool dts_pattern_match(const struct dts_pattern *p, const char *text);

/* Whether some text beginning with prefix matches p (prefix may be cut anywhere). */
bool dts_pattern_prefix_match(const struct dts_pattern *p, const char *prefix);

/* Whether objects written under the S3 key prefix `key_prefix` (an export's S3Prefix: its objects
 * are "key_prefix/...", or anything when key_prefix is "") can be read by the data_path key
 * pattern p: the key prefix itself matches, or some key below "key_prefix/" could. */
bool dts_pattern_reads_prefix(const struct dts_pattern *p, const char *key_prefix);

/* Splits "s3://bucket/key" into bucket and key (either may be returned; pass NULL to skip).
 * The bucket must be literal (no template, no '*'). Returns -1 (ERR_PARSE naming the path). */
int dts_s3_split(const char *uri, char **bucket, char **key, struct err *e);

/* The literal start of a key template: everything before the first '{' or '*', cut after its
 * last '/' (for "dynamodb/users/{run_time|..}/x" that is "dynamodb/users/"). Caller frees. */
int dts_template_literal_dir(char **out, const char *tmpl, struct err *e);

/* The base table name of a destination_table_name_template: "users" -> "users",
 * "users${run_time|"%Y%m%d"}" (partition decorator) -> "users", "users_{run_date}" (date-sharded)
 * -> "users" (the shard separator '_' is dropped). Returns -1 (ERR_PARSE) for an empty base or a
 * malformed parameter. Caller frees. */
int dts_table_base(char **out, const char *tmpl, struct err *e);

#endif
