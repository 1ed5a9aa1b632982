/* core/log.c: the log file: one line per write, timestamped, redacted with http_redact(), mode
 * 0600, rotated once to FILE.1 past max_bytes (and reopened when another process rotated it).
 * It must never write text that did not go through http_redact(), and never fail its caller. */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/paths.h"
#include "core/timeutil.h"

#define LOG_LINE_MAX 16384

struct log {
    char *path;
    int fd;
    size_t max_bytes;
    char failed[256]; /* the first write error, "" when none */
};

static int open_fd(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    struct stat st;

    if (fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 077) != 0)
        fchmod(fd, 0600); /* a log holds request URLs: keep it to its owner, as at creation */
    return fd;
}

int log_open(struct log **out, const char *path, size_t max_bytes, struct err *e)
{
    struct log *l;

    *out = NULL;
    if (paths_make_parent(path, 0700, e) != 0)
        return -1;
    l = calloc(1, sizeof(*l));
    if (l == NULL || (l->path = strdup(path)) == NULL) {
        free(l);
        return err_set(e, ERR_NOMEM, "out of memory opening the log file");
    }
    l->max_bytes = max_bytes ? max_bytes : LOG_DEFAULT_MAX_BYTES;
    l->fd = open_fd(path);
    if (l->fd < 0) {
        err_set(e, ERR_IO, "cannot open the log file %s: %s", path, strerror(errno));
        free(l->path);
        free(l);
        return -1;
    }
    *out = l;
    return 0;
}

void log_close(struct log *l)
{
    if (l == NULL)
        return;
    if (l->fd >= 0)
        close(l->fd);
    free(l->path);
    free(l);
}

const char *log_path(const struct log *l)
{
    return l->path;
}

const char *log_failed(const struct log *l)
{
    return l != NULL && l->failed[0] ? l->failed : NULL;
}

static void remember(struct log *l, const char *what)
{
    if (l->failed[0] == '\0')
        snprintf(l->failed, sizeof(l->failed), "%s %s: %s", what, l->path, strerror(errno));
}

/* Makes room for len more bytes: reopens when the file was rotated or removed under us, and
 * rotates to FILE.1 when it would pass max_bytes. 0 when the line may be written. */
static int make_room(struct log *l, size_t len)
{
    struct stat mine, named;
    char old[4096];

    if (fstat(l->fd, &mine) != 0)
        return remember(l, "cannot stat the log file"), -1;
    if (stat(l->path, &named) != 0 || named.st_ino != mine.st_ino || named.st_dev != mine.st_dev) {
        close(l->fd);
        if ((l->fd = open_fd(l->path)) < 0 || fstat(l->fd, &mine) != 0)
            return remember(l, "cannot reopen the log file"), -1;
    }
    if ((size_t)mine.st_size + len <= l->max_bytes)
        return 0;
    snprintf(old, sizeof(old), "%s.1", l->path);
    if (rename(l->path, old) != 0)
        return remember(l, "cannot rotate the log file"), -1;
    close(l->fd);
    if ((l->fd = open_fd(l->path)) < 0)
        return remember(l, "cannot reopen the log file"), -1;
    return 0;
}

static void write_line(struct log *l, const char *kind, const char *text)
{
    struct buf raw = BUF_INIT(LOG_LINE_MAX), red = BUF_INIT(2 * LOG_LINE_MAX);
    char when[TIME_RFC3339_LEN];

    time_format_utc(clock_now_ms(NULL), when, sizeof(when));
    buf_printf(&raw, "%s pid=%ld %s: %s", when, (long)getpid(), kind, text);
    if (http_redact(&red, buf_cstr(&raw)) == 0 && red.len > 0) {
        for (size_t i = 0; i < red.len; i++)
            if (red.data[i] == '\n' || red.data[i] == '\r')
                red.data[i] = ' ';
        buf_putc(&red, '\n');
        if (make_room(l, red.len) == 0 && write(l->fd, red.data, red.len) != (ssize_t)red.len)
            remember(l, "cannot write the log file");
    }
    buf_release(&raw);
    buf_release(&red);
}

void log_printf(struct log *l, const char *kind, const char *fmt, ...)
{
    char text[LOG_LINE_MAX];
    va_list ap;

    if (l == NULL || l->fd < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    write_line(l, kind, text);
}

void log_call(struct log *l, const struct api_call *c)
{
    if (l == NULL || c == NULL)
        return;
    log_printf(l, "call", "%s %s %s %s -> %ld in %lld ms, %lld B out, %lld B in%s%s%s%s",
               c->service ? c->service : "?", c->operation ? c->operation : "?",
               c->method ? c->method : "?", c->url ? c->url : "?", c->status,
               (long long)c->latency_ms, (long long)c->bytes_sent, (long long)c->bytes_received,
               c->retry_detail ? "; " : "", c->retry_detail ? c->retry_detail : "",
               c->error ? "; error: " : "", c->error ? c->error : "");
}

void log_error(struct log *l, const char *context, const struct err *e)
{
    if (l == NULL || e == NULL)
        return;
    log_printf(l, "error", "%s: %s", context ? context : "pipetop", e->msg);
}
