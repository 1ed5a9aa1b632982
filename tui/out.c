/* tui/out.c: display width and fitting of UTF-8 text (mbrtowc + wcwidth in the user's locale),
 * the terminal width and colour roles for the scriptable commands. Must never split a character,
 * never pass a control character from data through to the terminal, and never colour output
 * that is not a terminal or when NO_COLOR / --no-color says no. */
#include "tui/out.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "core/strutil.h"

void out_locale(void)
{
    setlocale(LC_CTYPE, "");
}

bool out_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* One character of s: its length in bytes, its display width and whether it must be printed as
 * a replacement (a control character or a byte the locale cannot decode). */
struct ch {
    size_t len;
    int width;
    bool replace;
};

static struct ch next_char(const char *s)
{
    struct ch c = {1, 1, true};
    mbstate_t st;
    wchar_t wc;
    size_t r;

    memset(&st, 0, sizeof(st));
    r = mbrtowc(&wc, s, strnlen(s, MB_LEN_MAX), &st);
    if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
        /* Undecodable: skip the whole UTF-8 sequence the lead byte announces, so a cut never
         * lands inside it, and show it as one replacement column. */
        unsigned char b = (unsigned char)s[0];
        size_t want = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
        while (c.len < want && ((unsigned char)s[c.len] & 0xc0) == 0x80)
            c.len++;
        return c;
    }
    c.len = r;
    c.width = wcwidth(wc);
    c.replace = c.width < 0 || wc < 0x20 || (wc >= 0x7f && wc < 0xa0);
    if (c.replace)
        c.width = 1;
    return c;
}

int out_width(const char *s)
{
    int w = 0;

    if (s == NULL)
        return 0;
    while (*s != '\0') {
        struct ch c = next_char(s);
        w += c.width;
        s += c.len;
    }
    return w;
}

static const char *ellipsis(int *w)
{
    bool u = out_utf8();
    *w = u ? 1 : 3;
    return u ? "\u2026" : "...";
}

static int put_char(struct buf *b, const char *s, const struct ch *c)
{
    if (!c->replace)
        return buf_append(b, s, c->len);
    return buf_putc(b, (unsigned char)s[0] < 0x80 ? ' ' : '?');
}

/* Appends the longest prefix of s that fits in limit columns; returns the columns used. */
static int put_prefix(struct buf *b, const char *s, int limit, int *rc)
{
    int used = 0;
    bool kept = true; /* whether the previous character was printed (combining marks follow) */

    while (*s != '\0') {
        struct ch c = next_char(s);
        if (c.width == 0 ? !kept : used + c.width > limit)
            break;
        kept = true;
        used += c.width;
        if (put_char(b, s, &c))
            *rc = -1;
        s += c.len;
    }
    return used;
}

static int fit(struct buf *b, const char *s, int width, enum out_align align, bool pad)
{
    int total = out_width(s), ew, used, rc = 0;
    const char *ell = ellipsis(&ew);

    if (s == NULL)
        s = "";
    if (width < 0)
        width = 0;
    if (total <= width) {
        for (int i = 0; pad && align == OUT_RIGHT && i < width - total; i++)
            rc |= buf_putc(b, ' ');
        put_prefix(b, s, total, &rc);
        used = total;
    } else if (width < ew) {
        used = put_prefix(b, s, width, &rc);
    } else {
        used = put_prefix(b, s, width - ew, &rc) + ew;
        rc |= buf_puts(b, ell);
    }
    for (int i = used; pad && i < width && !(align == OUT_RIGHT && total <= width); i++)
        rc |= buf_putc(b, ' ');
    return rc != 0 ? -1 : 0;
}

int out_fit(struct buf *b, const char *s, int width, enum out_align align)
{
    return fit(b, s, width, align, true);
}

int out_cut(struct buf *b, const char *s, int width)
{
    return fit(b, s, width, OUT_LEFT, false);
}

int out_term_width(void)
{
    struct winsize ws;
    long cols = 0;
    const char *env = getenv("COLUMNS");

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        cols = ws.ws_col;
    else if (env == NULL || str_parse_int(env, 1, 100000, &cols) != 0)
        cols = 80;
    return cols < 20 ? 20 : (int)cols;
}

bool out_color_wanted(bool no_color_flag)
{
    return !no_color_flag && getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO);
}

enum out_role out_role_of(enum run_state s)
{
    if (s == RS_SUCCEEDED)
        return ROLE_OK;
    if (run_state_is_active(s))
        return ROLE_ACTIVE;
    if (s == RS_UPSTREAM_FAILED || s == RS_CANCELLED)
        return ROLE_WARN;
    return run_state_is_failure(s) ? ROLE_FAILED : ROLE_NONE;
}

static const char *const sgr[] = {
    [ROLE_NONE] = "",           [ROLE_OK] = "\033[32m",   [ROLE_FAILED] = "\033[1;31m",
    [ROLE_ACTIVE] = "\033[36m", [ROLE_WARN] = "\033[33m", [ROLE_DIM] = "\033[2m",
    [ROLE_HEAD] = "\033[1m",
};

int out_role_on(struct buf *b, enum out_role role, bool color)
{
    if (!color || role == ROLE_NONE || (unsigned)role >= sizeof(sgr) / sizeof(sgr[0]))
        return 0;
    return buf_puts(b, sgr[role]);
}

int out_role_off(struct buf *b, enum out_role role, bool color)
{
    if (!color || role == ROLE_NONE || (unsigned)role >= sizeof(sgr) / sizeof(sgr[0]))
        return 0;
    return buf_puts(b, "\033[0m");
}

int out_fit_role(struct buf *b, const char *s, int width, enum out_align align, enum out_role role,
                 bool color)
{
    int rc = out_role_on(b, role, color);
    rc |= out_fit(b, s, width, align);
    rc |= out_role_off(b, role, color);
    return rc != 0 ? -1 : 0;
}

const char *out_glyph(enum run_state s)
{
    static char ascii[RS_COUNT][2];

    if (out_utf8())
        return run_state_glyph(s);
    if ((unsigned)s >= RS_COUNT)
        return "?";
    ascii[s][0] = run_state_ascii(s);
    ascii[s][1] = '\0';
    return ascii[s];
}
