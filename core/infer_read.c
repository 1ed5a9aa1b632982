/* core/infer_read.c: the streaming reader of export data — gzip (inflated through a fixed
 * INFER_CHUNK buffer, concatenated members followed) or plain text, split into lines held in one
 * buffer bounded by INFER_LINE_MAX; plus local files and export folders. Never loads a whole
 * file: memory is the two chunks and the longest line. */
#include "core/infer.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"

struct infer_reader {
    char name[256];
    infer_line_fn fn;
    void *ctx;
    int mode; /* 0 undecided, 1 plain, 2 gzip */
    z_stream z;
    bool z_open, z_member_done, stopped;
    unsigned char *out;
    struct buf line;
    int64_t lineno;
    unsigned char magic[2];
    size_t n_magic;
};

int infer_reader_new(struct infer_reader **out, const char *name, infer_line_fn fn, void *ctx,
                     struct err *e)
{
    struct infer_reader *r = calloc(1, sizeof(*r));

    *out = NULL;
    if (r == NULL || (r->out = malloc(INFER_CHUNK)) == NULL) {
        free(r);
        return err_set(e, ERR_NOMEM, "out of memory reading %s", name);
    }
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->fn = fn;
    r->ctx = ctx;
    buf_init(&r->line, INFER_LINE_MAX + 1);
    *out = r;
    return 0;
}

void infer_reader_free(struct infer_reader *r)
{
    if (r == NULL)
        return;
    if (r->z_open)
        inflateEnd(&r->z);
    buf_release(&r->line);
    free(r->out);
    free(r);
}

/* Splits text into lines, delivering each complete one. */
static int take_text(struct infer_reader *r, const char *p, size_t n, struct err *e)
{
    while (n > 0 && !r->stopped) {
        const char *nl = memchr(p, '\n', n);
        size_t part = nl ? (size_t)(nl - p) : n;
        if (r->line.len + part > INFER_LINE_MAX)
            return err_set(e, ERR_PARSE,
                           "%s line %lld: longer than %u bytes (not DynamoDB export data?)",
                           r->name, (long long)(r->lineno + 1), INFER_LINE_MAX);
        if (buf_append(&r->line, p, part))
            return err_set(e, ERR_NOMEM, "out of memory reading %s", r->name);
        if (nl == NULL)
            break;
        r->lineno++;
        int rc = r->fn(r->ctx, buf_cstr(&r->line), r->line.len, r->lineno, e);
        buf_reset(&r->line);
        if (rc < 0)
            return -1;
        if (rc > 0)
            r->stopped = true;
        p += part + 1;
        n -= part + 1;
    }
    return 0;
}

static int gz_feed(struct infer_reader *r, const unsigned char *p, size_t n, struct err *e)
{
    r->z.next_in = (unsigned char *)p;
    r->z.avail_in = (uInt)n;
    while (r->z.avail_in > 0 && !r->stopped) {
        if (r->z_member_done) { /* another gzip member follows */
            if (inflateReset(&r->z) != Z_OK)
                return err_set(e, ERR_INTERNAL, "%s: zlib inflateReset failed", r->name);
            r->z_member_done = false;
        }
        r->z.next_out = r->out;
        r->z.avail_out = INFER_CHUNK;
        int zr = inflate(&r->z, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
            return err_set(e, ERR_PARSE, "%s: not valid gzip data (zlib: %s)", r->name,
                           r->z.msg ? r->z.msg : "error");
        if (take_text(r, (const char *)r->out, INFER_CHUNK - r->z.avail_out, e))
            return -1;
        if (zr == Z_STREAM_END)
            r->z_member_done = true;
        else if (zr == Z_BUF_ERROR && r->z.avail_out == INFER_CHUNK)
            break;
    }
    return 0;
}

static int start(struct infer_reader *r, struct err *e)
{
    if (r->n_magic == 2 && r->magic[0] == 0x1f && r->magic[1] == 0x8b) {
        memset(&r->z, 0, sizeof(r->z));
        if (inflateInit2(&r->z, 15 + 16) != Z_OK)
            return err_set(e, ERR_NOMEM, "%s: zlib inflateInit2 failed", r->name);
        r->z_open = true;
        r->mode = 2;
        return gz_feed(r, r->magic, 2, e);
    }
    r->mode = 1;
    return take_text(r, (const char *)r->magic, r->n_magic, e);
}

int infer_reader_feed(struct infer_reader *r, const void *data, size_t len, struct err *e)
{
    const unsigned char *p = data;

    while (r->mode == 0 && len > 0) {
        r->magic[r->n_magic++] = *p++;
        len--;
        if (r->n_magic == 2 && start(r, e))
            return -1;
    }
    if (r->stopped)
        return 1;
    if (len > 0 && (r->mode == 2 ? gz_feed(r, p, len, e) : take_text(r, (const char *)p, len, e)))
        return -1;
    return r->stopped ? 1 : 0;
}

int infer_reader_finish(struct infer_reader *r, struct err *e)
{
    if (r->mode == 0 && r->n_magic > 0 && start(r, e))
        return -1;
    if (r->stopped)
        return 0;
    if (r->mode == 2 && !r->z_member_done)
        return err_set(e, ERR_PARSE, "%s: the gzip data ends early (truncated file?)", r->name);
    if (r->line.len > 0) {
        r->lineno++;
        int rc = r->fn(r->ctx, buf_cstr(&r->line), r->line.len, r->lineno, e);
        buf_reset(&r->line);
        if (rc < 0)
            return -1;
    }
    return 0;
}
