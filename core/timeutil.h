/* core/timeutil.h: RFC 3339 instants and calendar days in the operator's time zone.
 * Instants are int64 milliseconds since the Unix epoch (UTC). Days are "YYYY-MM-DD" in the zone set
 * with time_zone_use(), which must be called before any thread starts (it sets TZ for the process).
 */
#ifndef CORE_TIMEUTIL_H
#define CORE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define TIME_DAY_LEN 11     /* "YYYY-MM-DD" + NUL */
#define TIME_RFC3339_LEN 36 /* "YYYY-MM-DDTHH:MM:SS.mmm+hh:mm" + NUL, with room */

/* Selects the zone days are counted in: an IANA name ("Asia/Tokyo", "UTC") or NULL/""/"local"
 * for the zone the process already has. Returns -1 (ERR_CONFIG) for a name the system's tz
 * database does not have — glibc would otherwise silently use UTC. */
int time_zone_use(const char *name, struct err *e);

/* Checks a zone name as time_zone_use() would, without selecting it. Same errors. */
int time_zone_check(const char *name, struct err *e);

/* The zone in use, as given to time_zone_use() ("local" when none was). Borrowed. */
const char *time_zone_name(void);

/* Parses an RFC 3339 timestamp: date 'T' (or 't' or ' ') time, 0-9 fractional digits, and 'Z' or
 * a ±hh:mm offset. Returns -1 (ERR_PARSE, naming the text) when malformed. */
int time_parse_rfc3339(const char *s, int64_t *out_ms, struct err *e);

/* "2024-05-16T20:00:00Z" (".123" added when ms is not a whole second). Returns out. */
char *time_format_utc(int64_t ms, char *out, size_t n);

/* The same instant in the zone in use: "2024-05-17T05:00:00+09:00". Returns out. */
char *time_format_local(int64_t ms, char *out, size_t n);

/* The day (in the zone in use) that instant ms falls in. */
void time_day_of(int64_t ms, char out[TIME_DAY_LEN]);

/* Checks "YYYY-MM-DD" strictly (a real calendar date). Returns -1 (ERR_USAGE) otherwise. */
int time_day_valid(const char *day, struct err *e);

/* day + delta days (calendar arithmetic, no time zone involved). Returns -1 on a bad day. */
int time_day_add(const char *day, int delta, char out[TIME_DAY_LEN], struct err *e);

/* Days from a to b (b - a); both must be valid days. */
int time_day_diff(const char *a, const char *b, int *out, struct err *e);

/* The instant of local wall-clock time hh:mm:ss on day, in the zone in use (a wall time skipped
 * by a DST change resolves forward, as mktime does). */
int time_local_at(const char *day, int hh, int mm, int ss, int64_t *out_ms, struct err *e);

/* The instant of UTC wall-clock time hh:mm:ss on the UTC day given. */
int time_utc_at(const char *day, int hh, int mm, int ss, int64_t *out_ms, struct err *e);

/* Epoch seconds as AWS JSON protocols send them (fractional, maybe exponent form) to ms. */
int64_t time_from_epoch_seconds(double seconds);

/* "3m ago", "2h ago", "5d ago" for the age of data; "just now" under 5 s; "in 3m" when future. */
char *time_format_age(int64_t now_ms, int64_t then_ms, char *out, size_t n);

#endif
