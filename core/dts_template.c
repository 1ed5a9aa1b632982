/* core/dts_template.c: DTS runtime parameters ({run_date}, {run_time±N|"fmt"}) rendered in UTC,
 * and data_path patterns matched against S3 prefixes. One parser of a parameter serves both the
 * renderer and the compiler, so what renders is what matches. Never touches the time zone. */
#include "core/dts_template.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"

#define FMT_MAX 64
#define OUT_MAX 4096

/* A parsed {...} parameter. */
struct param {
    bool run_date;
    int64_t offset_s;
    char fmt[FMT_MAX];
};

static int bad(struct err *e, const char *tmpl, const char *at, const char *why)
{
    return err_set(e, ERR_PARSE, "runtime template '%s': at position %zu: %s", tmpl,
                   (size_t)(at - tmpl) + 1, why);
}

static const char *skip_blank(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* Parses the parameter starting at *pp ('{') into out and moves *pp past its '}'. */
static int parse_param(const char *tmpl, const char **pp, struct param *out, struct err *e)
{
    const char *start = *pp, *p = skip_blank(*pp + 1);

    memset(out, 0, sizeof(*out));
    if (strncmp(p, "run_date", 8) == 0) {
        p = skip_blank(p + 8);
        if (*p != '}')
            return bad(e, tmpl, start, "{run_date} takes no offset or format");
        out->run_date = true;
        *pp = p + 1;
        return 0;
    }
    if (strncmp(p, "run_time", 8) != 0)
        return bad(e, tmpl, start, "unknown runtime parameter (expected run_date or run_time)");
    p = skip_blank(p + 8);
    if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        char *end;
        long v;
        p = skip_blank(p + 1);
        if (!isdigit((unsigned char)*p))
            return bad(e, tmpl, p, "the offset needs a number (run_time+1h)");
        v = strtol(p, &end, 10);
        if (v > 100000 || (*end != 'h' && *end != 'm' && *end != 's'))
            return bad(e, tmpl, end, "the offset needs a unit h, m or s (run_time-24h)");
        out->offset_s = sign * (int64_t)v * (*end == 'h' ? 3600 : *end == 'm' ? 60 : 1);
        p = skip_blank(end + 1);
    }
    if (*p != '|')
        return bad(e, tmpl, p, "run_time needs a format: {run_time|\"%Y%m%d\"}");
    p = skip_blank(p + 1);
    if (*p != '"')
        return bad(e, tmpl, p, "the format must be in double quotes");
    const char *q = strchr(p + 1, '"');
    if (q == NULL)
        return bad(e, tmpl, p, "the format's closing quote is missing");
    if (q == p + 1 || (size_t)(q - p - 1) >= FMT_MAX)
        return bad(e, tmpl, p, "the format is empty or too long");
    memcpy(out->fmt, p + 1, (size_t)(q - p - 1));
    p = skip_blank(q + 1);
    if (*p != '}')
        return bad(e, tmpl, p, "expected '}' after the format");
    *pp = p + 1;
    return 0;
}

static int render_param(struct buf *b, const struct param *pr, int64_t run_time_ms,
                        const char *tmpl, const char *at, struct err *e)
{
    time_t t = (time_t)(run_time_ms / 1000 - (run_time_ms % 1000 < 0 ? 1 : 0) + pr->offset_s);
    struct tm tm;
    char out[256];
    size_t n;

    if (gmtime_r(&t, &tm) == NULL)
        return bad(e, tmpl, at, "the run time is out of range");
        /* The format is the template's own, as DTS takes it: strftime is its definition. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    n = strftime(out, sizeof(out), pr->run_date ? "%Y%m%d" : pr->fmt, &tm);
#pragma GCC diagnostic pop
    if (n == 0)
        return bad(e, tmpl, at, "the format renders to nothing");
    if (buf_append(b, out, n) != 0)
        return err_set(e, ERR_NOMEM, "runtime template '%s': out of memory", tmpl);
    return 0;
}

int dts_template_render(char **out, const char *tmpl, int64_t run_time_ms, struct err *e)
{
    struct buf b = BUF_INIT(OUT_MAX);
    const char *p = tmpl;

    *out = NULL;
    while (*p != '\0') {
        if (*p == '{') {
            struct param pr;
            const char *at = p;
            if (parse_param(tmpl, &p, &pr, e) || render_param(&b, &pr, run_time_ms, tmpl, at, e))
                goto fail;
            continue;
        }
        if (*p == '}') {
            bad(e, tmpl, p, "'}' without '{'");
            goto fail;
        }
        if (buf_putc(&b, *p++) != 0) {
            err_set(e, ERR_NOMEM, "runtime template '%s': too long or out of memory", tmpl);
            goto fail;
        }
    }
    *out = buf_detach(&b);
    if (*out == NULL)
        return err_set(e, ERR_NOMEM, "runtime template '%s': out of memory", tmpl);
    return 0;
fail:
    buf_release(&b);
    return -1;
}

bool dts_template_has_params(const char *tmpl)
{
    return tmpl != NULL && strchr(tmpl, '{') != NULL;
}

static int push(struct dts_pattern *p, enum dts_pat_kind kind, char c, int n, size_t *cap)
{
    if (p->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct dts_pat_item *v = realloc(p->v, ncap * sizeof(*v));
        if (v == NULL)
            return -1;
        p->v = v;
        *cap = ncap;
    }
    p->v[p->n].kind = kind;
    p->v[p->n].c = c;
    p->v[p->n].n = n;
    p->n++;
    return 0;
}

/* Width of a strftime conversion when it is fixed digits; 0 when not. */
static int digits_of(char conv)
{
    switch (conv) {
    case 'Y':
    case 'G':
        return 4;
    case 'j':
        return 3;
    case 'm':
    case 'd':
    case 'H':
    case 'M':
    case 'S':
    case 'y':
    case 'I':
    case 'U':
    case 'W':
    case 'V':
    case 'C':
    case 'g':
        return 2;
    case 'u':
    case 'w':
        return 1;
    default:
        return 0;
    }
}

static int compile_format(struct dts_pattern *p, const char *fmt, size_t *cap)
{
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            if (push(p, DTS_PAT_CHAR, *f, 0, cap))
                return -1;
            continue;
        }
        f++;
        if (*f == '\0')
            break;
        if (*f == '%') {
            if (push(p, DTS_PAT_CHAR, '%', 0, cap))
                return -1;
        } else if (*f == 'F') {
            if (push(p, DTS_PAT_DIGITS, 0, 4, cap) || push(p, DTS_PAT_CHAR, '-', 0, cap) ||
                push(p, DTS_PAT_DIGITS, 0, 2, cap) || push(p, DTS_PAT_CHAR, '-', 0, cap) ||
                push(p, DTS_PAT_DIGITS, 0, 2, cap))
                return -1;
        } else if (digits_of(*f) > 0) {
            if (push(p, DTS_PAT_DIGITS, 0, digits_of(*f), cap))
                return -1;
        } else if (push(p, DTS_PAT_SEGMENT, 0, 0, cap)) {
            return -1;
        }
    }
    return 0;
}

int dts_pattern_compile(struct dts_pattern *p, const char *tmpl, struct err *e)
{
    size_t cap = 0;
    const char *s = tmpl;

    memset(p, 0, sizeof(*p));
    while (*s != '\0') {
        int rc = 0;
        if (*s == '{') {
            struct param pr;
            if (parse_param(tmpl, &s, &pr, e))
                goto fail;
            rc =
                pr.run_date ? push(p, DTS_PAT_DIGITS, 0, 8, &cap) : compile_format(p, pr.fmt, &cap);
        } else if (*s == '}') {
            bad(e, tmpl, s, "'}' without '{'");
            goto fail;
        } else if (*s == '*') {
            rc = (p->n > 0 && p->v[p->n - 1].kind == DTS_PAT_ANY)
                     ? 0
                     : push(p, DTS_PAT_ANY, 0, 0, &cap);
            s++;
        } else {
            rc = push(p, DTS_PAT_CHAR, *s++, 0, &cap);
        }
        if (rc) {
            err_set(e, ERR_NOMEM, "runtime template '%s': out of memory", tmpl);
            goto fail;
        }
    }
    return 0;
fail:
    dts_pattern_release(p);
    return -1;
}

void dts_pattern_release(struct dts_pattern *p)
{
    if (p == NULL)
        return;
    free(p->v);
    memset(p, 0, sizeof(*p));
}

/* Backtracking match of items [i..] against text. In prefix mode the end of text is a success
 * (the pattern could go on), and '*' absorbs whatever text is left. Each (item, position) that
 * failed once is remembered in a bitmap, so several '*' or unknown-width conversions cost
 * O(items x length^2) instead of exponential time on hostile templates or keys. */
#define MATCH_MAX_BITS ((size_t)1 << 24) /* 2 MB of memo: 1 KB S3 keys x 16 K pattern items */

struct match_ctx {
    const struct dts_pattern *p;
    const char *text;
    size_t len;
    unsigned char *failed; /* bit i * (len + 1) + offset: items [i..] cannot match there */
    bool prefix;
};

static bool match_at(struct match_ctx *m, size_t i, const char *t);

static bool match_from(struct match_ctx *m, size_t i, const char *t)
{
    size_t bit = i * (m->len + 1) + (size_t)(t - m->text);

    if (m->failed[bit / 8] & (1u << (bit % 8)))
        return false;
    if (match_at(m, i, t))
        return true;
    m->failed[bit / 8] |= (unsigned char)(1u << (bit % 8));
    return false;
}

static bool match_at(struct match_ctx *m, size_t i, const char *t)
{
    const struct dts_pattern *p = m->p;

    for (; i < p->n; i++) {
        const struct dts_pat_item *it = &p->v[i];
        if (*t == '\0' && m->prefix)
            return true;
        switch (it->kind) {
        case DTS_PAT_CHAR:
            if (*t != it->c)
                return false;
            t++;
            break;
        case DTS_PAT_DIGITS:
            for (int k = 0; k < it->n; k++, t++) {
                if (*t == '\0')
                    return m->prefix;
                if (!isdigit((unsigned char)*t))
                    return false;
            }
            break;
        case DTS_PAT_SEGMENT:
            for (const char *u = t;; u++) {
                if (match_from(m, i + 1, u))
                    return true;
                if (*u == '\0' || *u == '/')
                    return false;
            }
        case DTS_PAT_ANY:
            if (m->prefix)
                return true;
            for (const char *u = t;; u++) {
                if (match_from(m, i + 1, u))
                    return true;
                if (*u == '\0')
                    return false;
            }
        }
    }
    return *t == '\0';
}

/* A pattern and text too large for the memo (far beyond S3's 1024-byte keys), or no memory for
 * it, do not match. */
static bool match(const struct dts_pattern *p, const char *text, bool prefix)
{
    struct match_ctx m = {p, text, strlen(text), NULL, prefix};
    size_t bits;
    bool ok;

    if (m.len + 1 > MATCH_MAX_BITS / (p->n + 1))
        return false;
    bits = (p->n + 1) * (m.len + 1);
    m.failed = calloc(bits / 8 + 1, 1);
    if (m.failed == NULL)
        return false;
    ok = match_at(&m, 0, text);
    free(m.failed);
    return ok;
}

bool dts_pattern_match(const struct dts_pattern *p, const char *text)
{
    return match(p, text, false);
}

bool dts_pattern_prefix_match(const struct dts_pattern *p, const char *prefix)
{
    return match(p, prefix, true);
}

bool dts_pattern_reads_prefix(const struct dts_pattern *p, const char *key_prefix)
{
    char dir[1024];
    size_t n = strlen(key_prefix);

    if (n == 0)
        return true;
    if (dts_pattern_match(p, key_prefix))
        return true;
    if (n + 2 > sizeof(dir))
        return false;
    memcpy(dir, key_prefix, n);
    if (key_prefix[n - 1] != '/')
        dir[n++] = '/';
    dir[n] = '\0';
    return dts_pattern_prefix_match(p, dir);
}

int dts_s3_split(const char *uri, char **bucket, char **key, struct err *e)
{
    const char *b, *slash;
    size_t n;

    if (bucket)
        *bucket = NULL;
    if (key)
        *key = NULL;
    if (uri == NULL || strncmp(uri, "s3://", 5) != 0)
        return err_set(e, ERR_PARSE, "data_path '%s': not an s3://BUCKET/KEY path",
                       uri ? uri : "(none)");
    b = uri + 5;
    slash = strchr(b, '/');
    n = slash ? (size_t)(slash - b) : strlen(b);
    if (n == 0 || memchr(b, '{', n) != NULL || memchr(b, '*', n) != NULL)
        return err_set(e, ERR_PARSE,
                       "data_path '%s': the bucket must be a plain name (no template, no '*')",
                       uri);
    if (bucket && (*bucket = strndup(b, n)) == NULL)
        return err_set(e, ERR_NOMEM, "data_path '%s': out of memory", uri);
    if (key && (*key = strdup(slash ? slash + 1 : "")) == NULL) {
        if (bucket) {
            free(*bucket);
            *bucket = NULL;
        }
        return err_set(e, ERR_NOMEM, "data_path '%s': out of memory", uri);
    }
    return 0;
}

int dts_template_literal_dir(char **out, const char *tmpl, struct err *e)
{
    size_t n = strcspn(tmpl, "{*");

    while (n > 0 && tmpl[n - 1] != '/')
        n--;
    *out = strndup(tmpl, n);
    if (*out == NULL)
        return err_set(e, ERR_NOMEM, "template '%s': out of memory", tmpl);
    return 0;
}

int dts_table_base(char **out, const char *tmpl, struct err *e)
{
    struct dts_pattern p;
    size_t n;

    *out = NULL;
    if (dts_pattern_compile(&p, tmpl, e)) /* validates every parameter */
        return -1;
    dts_pattern_release(&p);
    n = strcspn(tmpl, "{$");
    while (n > 0 && (tmpl[n - 1] == '_' || tmpl[n - 1] == ' '))
        n--;
    if (n == 0)
        return err_set(e, ERR_PARSE,
                       "destination_table_name_template '%s': no table name before the "
                       "runtime parameter",
                       tmpl);
    *out = strndup(tmpl, n);
    if (*out == NULL)
        return err_set(e, ERR_NOMEM, "template '%s': out of memory", tmpl);
    return 0;
}
