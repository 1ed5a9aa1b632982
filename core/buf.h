/* core/buf.h: a growable byte buffer with a hard maximum size (curl's dynbuf "toobig"), so a
 * broken server or file cannot make memory grow without bound. Always NUL-terminated. */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stddef.h>

struct buf {
    char *data; /* NULL until the first append; then NUL-terminated */
    size_t len;
    size_t cap;
    size_t max; /* largest len allowed */
    int toobig; /* set once an append was refused for size */
    int failed; /* set once any append was refused (size or memory): callers that append
                   without checking each call test this once at the end */
};

#define BUF_INIT(maxsize)                                                                          \
    {                                                                                              \
        NULL, 0, 0, (maxsize), 0, 0                                                                \
    }

void buf_init(struct buf *b, size_t max);

/* Each append returns 0, or -1 when memory runs out or len would pass max (then failed is set,
 * and toobig too for size; the buffer is left as it was). */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The contents as a C string: never NULL ("" when empty). Borrowed. */
const char *buf_cstr(const struct buf *b);

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Frees the memory; the buffer can be used again afterwards (with the same max). */
void buf_release(struct buf *b);

/* Hands the contents to the caller (free() it), leaving the buffer empty. Never NULL unless
 * memory runs out. */
char *buf_detach(struct buf *b);

#endif
