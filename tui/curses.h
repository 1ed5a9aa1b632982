/* tui/curses.h: the only door to curses in pipetop. Includes ncursesw, names the screen roles
 * (colours are chosen by role, never by the code that draws a state) and the text helpers that
 * put width-fitted UTF-8 on a window. Nothing here knows about pipelines or SQL. */
#ifndef TUI_CURSES_H
#define TUI_CURSES_H

#include <stddef.h>

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>

#include "tui/out.h"

/* Screen roles continue tui/out.h's state roles (ROLE_OK, ROLE_FAILED, ROLE_ACTIVE, ...). */
enum tui_role {
    ROLE_SELECTED = ROLE_HEAD + 1, /* the cursor row or cell */
    ROLE_BAR,                      /* title and hint bars */
    ROLE_BANNER,                   /* the offline banner, error messages */
    ROLE_KEY,                      /* a key name in the hint bar */
    ROLE_COUNT
};

/* Sets up colour pairs for the roles; with color false every role is monochrome (bold,
 * reverse, dim) so each state still reads by its glyph. */
void tui_roles_init(bool color);

/* The attribute of a role. */
attr_t tui_attr(int role);

/* Writes s at (y, x) fitted to exactly width columns (cut by display width with an ellipsis,
 * never splitting a character; padded with spaces) in role's attribute. */
void tui_put(WINDOW *w, int y, int x, const char *s, int width, int role);

/* The same, right-aligned. */
void tui_put_right(WINDOW *w, int y, int x, const char *s, int width, int role);

/* Writes s at (y, x) cut to at most width columns, no padding; returns the columns written. */
int tui_puts(WINDOW *w, int y, int x, const char *s, int width, int role);

/* How many bytes of s fit in width display columns (whole characters only; at least one
 * character when s is not empty, so wrapping always advances). */
size_t tui_fit_bytes(const char *s, int width);

/* How many bytes of s fit in width display columns (whole characters only; at least one
 * character when s is not empty, so wrapping always advances). */
size_t tui_fit_bytes(const char *s, int width);

#endif
