/* core/log.h: pipetop's log file — append-only, one timestamped line per API call or error,
 * every line passed through http_redact() before it is written, the file mode 0600 in a 0700
 * directory, rotated once to FILE.1 when it grows past its size bound. Never writes a secret,
 * never grows without bound, never fails the caller's work: write errors are remembered. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stddef.h>

#include "core/err.h"
#include "core/model.h"

#define LOG_DEFAULT_MAX_BYTES ((size_t)5 << 20)

struct log;

/* Opens (creating it mode 0600, its directory 0700 when missing) the log at path for appending.
 * max_bytes 0 = LOG_DEFAULT_MAX_BYTES. Returns 0, or -1 with ERR_IO naming the file and the
 * system's reason (*out NULL). Free with log_close(). */
int log_open(struct log **out, const char *path, size_t max_bytes, struct err *e);

/* Closes the file. NULL is a no-op. */
void log_close(struct log *l);

/* The path the log was opened at. Borrowed. */
const char *log_path(const struct log *l);

/* Appends "TIME pid=P KIND: TEXT" (TEXT from fmt, newlines folded, redacted). A NULL log is a
 * no-op. A write that fails is remembered (log_failed) and never reported to the caller. */
void log_printf(struct log *l, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One line for a finished API call: service, operation, method, URL, status, latency, bytes,
 * retries and their waits, error. */
void log_call(struct log *l, const struct api_call *c);

/* One line for an error: "error: CONTEXT: MESSAGE". */
void log_error(struct log *l, const char *context, const struct err *e);

/* The first write error, or NULL when every write succeeded. Borrowed. */
const char *log_failed(const struct log *l);

#endif
