/* tui/tui_draw.c: colour roles and width-fitted text on curses windows (tui/curses.h). Text is
 * fitted by tui/out.c's display-width rules, so wide characters never split and columns align;
 * it never draws outside the width it is given. */
#include "tui/curses.h"

#include <string.h>
#include <wchar.h>

#include "core/buf.h"

static attr_t role_attr[ROLE_COUNT];

void tui_roles_init(bool color)
{
    static const struct {
        int role;
        short fg, bg;
        attr_t extra, mono;
    } map[] = {
        {ROLE_NONE, -1, -1, 0, 0},
        {ROLE_OK, COLOR_GREEN, -1, 0, 0},
        {ROLE_FAILED, COLOR_RED, -1, A_BOLD, A_BOLD},
        {ROLE_ACTIVE, COLOR_CYAN, -1, A_BOLD, A_BOLD},
        {ROLE_WARN, COLOR_YELLOW, -1, 0, A_UNDERLINE},
        {ROLE_DIM, -1, -1, A_DIM, A_DIM},
        {ROLE_HEAD, -1, -1, A_BOLD, A_BOLD},
        {ROLE_SELECTED, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
        {ROLE_BAR, COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE},
        {ROLE_BANNER, COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
        {ROLE_KEY, COLOR_BLUE, COLOR_WHITE, A_BOLD, A_REVERSE | A_BOLD},
    };

    if (color && has_colors()) {
        start_color();
        use_default_colors();
    } else {
        color = false;
    }
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        int r = map[i].role;
        if (!color) {
            role_attr[r] = map[i].mono;
            continue;
        }
        init_pair((short)(r + 1), map[i].fg, map[i].bg);
        role_attr[r] = COLOR_PAIR(r + 1) | map[i].extra;
    }
}

attr_t tui_attr(int role)
{
    return role >= 0 && role < ROLE_COUNT ? role_attr[role] : 0;
}

static void put_fitted(WINDOW *w, int y, int x, const char *s, int width, int role,
                       enum out_align al)
{
    struct buf b = BUF_INIT(4096);

    if (width <= 0)
        return;
    if (out_fit(&b, s != NULL ? s : "", width, al) == 0) {
        wattrset(w, tui_attr(role));
        mvwaddstr(w, y, x, buf_cstr(&b));
        wattrset(w, A_NORMAL);
    }
    buf_release(&b);
}

void tui_put(WINDOW *w, int y, int x, const char *s, int width, int role)
{
    put_fitted(w, y, x, s, width, role, OUT_LEFT);
}

void tui_put_right(WINDOW *w, int y, int x, const char *s, int width, int role)
{
    put_fitted(w, y, x, s, width, role, OUT_RIGHT);
}

int tui_puts(WINDOW *w, int y, int x, const char *s, int width, int role)
{
    struct buf b = BUF_INIT(4096);
    int n = 0;

    if (width > 0 && out_cut(&b, s != NULL ? s : "", width) == 0) {
        wattrset(w, tui_attr(role));
        mvwaddstr(w, y, x, buf_cstr(&b));
        wattrset(w, A_NORMAL);
        n = out_width(buf_cstr(&b));
    }
    buf_release(&b);
    return n;
}

size_t tui_fit_bytes(const char *s, int width)
{
    mbstate_t st;
    size_t at = 0, len = strlen(s);
    int used = 0;

    memset(&st, 0, sizeof(st));
    while (at < len) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + at, len - at, &st);
        int cw;
        if (k == (size_t)-1 || k == (size_t)-2) {
            memset(&st, 0, sizeof(st));
            k = 1;
            cw = 1;
        } else {
            cw = wcwidth(wc);
            if (cw < 0)
                cw = 1;
            if (k == 0)
                k = 1;
        }
        if (used + cw > width && at > 0)
            break;
        used += cw;
        at += k;
    }
    return at;
}
