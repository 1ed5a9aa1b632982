/* core/sigv4_canon.c: the canonical URI (normalized and double-encoded, or S3's single
 * encoding) and canonical query string of SigV4. Pure string work; never sees credentials. */
#include "core/sigv4_canon.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sigv4.h"

#define SIGV4_MAX_PARAMS 1000

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

int sigv4_uri_encode(struct buf *out, const char *s, size_t len, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            if (buf_putc(out, (char)c))
                return -1;
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            if (buf_append(out, esc, 3))
                return -1;
        }
    }
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* S3: keep valid %XX escapes as they are (upper-cased), encode everything else once. */
static int encode_s3_path(struct buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            char esc[3] = {'%', (char)toupper((unsigned char)s[i + 1]),
                           (char)toupper((unsigned char)s[i + 2])};
            if (buf_append(out, esc, 3))
                return -1;
            i += 2;
        } else if (sigv4_uri_encode(out, s + i, 1, 1)) {
            return -1;
        }
    }
    return 0;
}

/* RFC 3986 5.2.4 as AWS applies it: empty and "." segments dropped, ".." pops one. */
static int normalize_path(struct buf *out, const char *path)
{
    const char *seg[512];
    size_t seglen[512], n = 0, plen = strlen(path);
    const char *p = path;

    while (*p) {
        const char *q = strchr(p, '/');
        size_t l = q ? (size_t)(q - p) : strlen(p);
        if (l == 0 || (l == 1 && p[0] == '.')) {
            /* skip */
        } else if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (n > 0)
                n--;
        } else {
            if (n == sizeof(seg) / sizeof(seg[0]))
                return -1;
            seg[n] = p;
            seglen[n++] = l;
        }
        p += l;
        if (*p == '/')
            p++;
    }
    if (buf_putc(out, '/'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && buf_putc(out, '/'))
            return -1;
        if (buf_append(out, seg[i], seglen[i]))
            return -1;
    }
    if (n > 0 && plen > 0 && path[plen - 1] == '/' && buf_putc(out, '/'))
        return -1;
    return 0;
}

int sigv4_canon_path(struct buf *out, const char *path, unsigned flags, struct err *e)
{
    struct buf norm = BUF_INIT(SIGV4_RESULT_MAX);
    int rc = -1;

    if (path == NULL || path[0] == '\0')
        path = "/";
    if (flags & SIGV4_S3_PATH) {
        rc = encode_s3_path(out, path, strlen(path));
    } else if (flags & SIGV4_NORMALIZE_PATH) {
        if (normalize_path(&norm, path) == 0)
            rc = sigv4_uri_encode(out, norm.data, norm.len, 1);
    } else {
        rc = sigv4_uri_encode(out, path, strlen(path), 1);
    }
    buf_release(&norm);
    if (rc)
        return err_set(e, ERR_USAGE, "sigv4: request path too long or too deep to sign");
    return 0;
}

/* Percent-decodes s[0..len) and re-encodes it with the unreserved set into a new string. */
static char *query_component(const char *s, size_t len)
{
    struct buf raw = BUF_INIT(SIGV4_RESULT_MAX), enc = BUF_INIT(SIGV4_RESULT_MAX);
    char *r = NULL;

    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            if (buf_putc(&raw, (char)(hi * 16 + lo)))
                goto out;
            i += 2;
        } else if (buf_putc(&raw, s[i])) {
            goto out;
        }
    }
    if (sigv4_uri_encode(&enc, raw.data ? raw.data : "", raw.len, 0) || buf_putc(&enc, '\0'))
        goto out;
    enc.len--;
    r = buf_detach(&enc);
out:
    buf_release(&raw);
    buf_release(&enc);
    return r;
}

int sigv4_params_add(struct sigv4_params *ps, const char *name, size_t nlen, const char *value,
                     size_t vlen)
{
    struct sigv4_param *np;

    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 16;
        if (ps->n >= SIGV4_MAX_PARAMS)
            return -1;
        np = realloc(ps->p, cap * sizeof(*np));
        if (np == NULL)
            return -1;
        ps->p = np;
        ps->cap = cap;
    }
    np = &ps->p[ps->n];
    np->name = query_component(name, nlen);
    np->value = query_component(value, vlen);
    if (np->name == NULL || np->value == NULL) {
        free(np->name);
        free(np->value);
        return -1;
    }
    ps->n++;
    return 0;
}

int sigv4_params_parse(struct sigv4_params *ps, const char *q)
{
    while (q != NULL && *q) {
        const char *amp = strchr(q, '&');
        size_t l = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', l);
        if (l > 0) {
            size_t nl = eq ? (size_t)(eq - q) : l;
            if (sigv4_params_add(ps, q, nl, eq ? eq + 1 : "", eq ? l - nl - 1 : 0))
                return -1;
        }
        q += l;
        if (*q == '&')
            q++;
    }
    return 0;
}

void sigv4_params_release(struct sigv4_params *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->p[i].name);
        free(ps->p[i].value);
    }
    free(ps->p);
    ps->p = NULL;
    ps->n = ps->cap = 0;
}

static int param_cmp(const void *a, const void *b)
{
    const struct sigv4_param *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

int sigv4_params_write(struct buf *out, struct sigv4_params *ps)
{
    if (ps->n > 1)
        qsort(ps->p, ps->n, sizeof(ps->p[0]), param_cmp);
    for (size_t i = 0; i < ps->n; i++) {
        if ((i > 0 && buf_putc(out, '&')) || buf_puts(out, ps->p[i].name) || buf_putc(out, '=') ||
            buf_puts(out, ps->p[i].value))
            return -1;
    }
    return 0;
}

static int copy_part(char *out, size_t n, const char *s, size_t len)
{
    if (len >= n)
        return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

int sigv4_split_url(const char *url, char *host, size_t host_n, char *path, size_t path_n,
                    char *query, size_t query_n, struct err *e)
{
    const char *p, *auth_end, *q, *frag;
    size_t alen;
    int https;

    if (strncasecmp(url, "https://", 8) == 0)
        https = 1;
    else if (strncasecmp(url, "http://", 7) == 0)
        https = 0;
    else
        return err_set(e, ERR_USAGE, "cannot sign %s: not an http(s) URL", url);
    p = url + (https ? 8 : 7);
    auth_end = p + strcspn(p, "/?#");
    alen = (size_t)(auth_end - p);
    if (alen == 0 || memchr(p, '@', alen))
        return err_set(e, ERR_USAGE, "cannot sign %s: no host, or user info in the URL", url);
    /* drop the scheme's default port: libcurl sends Host without it */
    if (alen > 4 && https && memcmp(auth_end - 4, ":443", 4) == 0)
        alen -= 4;
    else if (alen > 3 && !https && memcmp(auth_end - 3, ":80", 3) == 0)
        alen -= 3;
    frag = strchr(auth_end, '#');
    if (frag == NULL)
        frag = auth_end + strlen(auth_end);
    q = memchr(auth_end, '?', (size_t)(frag - auth_end));
    if (copy_part(host, host_n, p, alen))
        return err_set(e, ERR_USAGE, "cannot sign: host name too long in %s", url);
    if (*auth_end != '/' && copy_part(path, path_n, "/", 1))
        return err_set(e, ERR_USAGE, "cannot sign: no room for the path");
    if (*auth_end == '/' && copy_part(path, path_n, auth_end, (size_t)((q ? q : frag) - auth_end)))
        return err_set(e, ERR_USAGE, "cannot sign: path too long in %s", url);
    if (copy_part(query, query_n, q ? q + 1 : "", q ? (size_t)(frag - q - 1) : 0))
        return err_set(e, ERR_USAGE, "cannot sign: query string too long");
    return 0;
}
