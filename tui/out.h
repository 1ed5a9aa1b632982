/* tui/out.h: width-aware text output for the scriptable commands: display width of UTF-8 text
 * (wide Japanese characters count 2, combining marks 0), truncation by display width with an
 * ellipsis that never splits a character, the terminal width, colour roles (only on a terminal,
 * never with NO_COLOR or --no-color) and a column table that fits the terminal. Control
 * characters from outside (service error messages) are printed as spaces, never as escapes. */
#ifndef TUI_OUT_H
#define TUI_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/model.h"

/* Selects the user's character type locale (LC_CTYPE only: numbers keep the C format). Call
 * once before any other out_ function. */
void out_locale(void);

/* Whether the locale's character set is UTF-8 (glyphs, "…", sparklines; else ASCII). */
bool out_utf8(void);

/* Display columns of s: wide characters 2, combining marks 0, control characters and bytes that
 * are not valid in the locale 1 (they are printed as a space or "?"). */
int out_width(const char *s);

enum out_align { OUT_LEFT = 0, OUT_RIGHT };

/* Appends s to b in exactly width columns: cut by display width with "…" (ASCII "...") when
 * wider, then padded with spaces. Never splits a character or separates a combining mark from
 * its base. Returns -1 when b is full. */
int out_fit(struct buf *b, const char *s, int width, enum out_align align);

/* Appends s cut to at most width columns (no padding). */
int out_cut(struct buf *b, const char *s, int width);

/* The terminal width: ioctl(TIOCGWINSZ) on stdout, else $COLUMNS, else 80 (never below 20). */
int out_term_width(void);

/* Colour on stdout: a terminal, no NO_COLOR variable (any value) and no --no-color. */
bool out_color_wanted(bool no_color_flag);

enum out_role { ROLE_NONE = 0, ROLE_OK, ROLE_FAILED, ROLE_ACTIVE, ROLE_WARN, ROLE_DIM, ROLE_HEAD };

/* The role a run state is drawn in. */
enum out_role out_role_of(enum run_state s);

/* Appends s (fitted as out_fit does) in the colour of role when color is true. */
int out_fit_role(struct buf *b, const char *s, int width, enum out_align align, enum out_role role,
                 bool color);

/* Appends the start / end escape of a role ("" when color is false or role is ROLE_NONE). */
int out_role_on(struct buf *b, enum out_role role, bool color);
int out_role_off(struct buf *b, enum out_role role, bool color);

/* The state's glyph: UTF-8 or its ASCII fallback. Static. */
const char *out_glyph(enum run_state s);

/* "2024-05-17 05:00" in the configured zone; "-" for 0. Returns out. */
char *out_time(int64_t ms, char *out, size_t n);
/* "45s", "3m12s", "1h02m", "2d03h"; "-" when unknown (negative). Returns out. */
char *out_duration(int64_t ms, char *out, size_t n);
/* "512 B", "1.2 KiB", "3.4 GiB"; "-" when negative. Returns out. */
char *out_bytes(int64_t bytes, char *out, size_t n);
/* "1,234,567"; "-" when negative. Returns out. */
char *out_count(int64_t n, char *out, size_t size);
/* A sparkline of v[0..n) scaled from its minimum to its maximum, one cell per value (the last
 * width values when there are more). Block characters, or " .:-=+*#" in ASCII. */
int out_sparkline(struct buf *b, const int64_t *v, size_t n, int width);

/* A table of text columns fitted to a width: each column is as wide as its widest cell, within
 * [min, max]; when the whole is too wide, flexible columns shrink toward min, then columns with
 * a drop rank are left out (highest rank first) and *dropped counts them. */
struct out_col {
    const char *title;
    int min, max; /* max 0: no limit */
    int drop;     /* 0: never dropped; else dropped in descending order when too wide */
    enum out_align align;
};

#define OUT_MAX_COLS 16

struct out_table {
    const struct out_col *cols;
    size_t ncols;
    char **cells; /* nrows * ncols, owned */
    enum out_role *roles;
    size_t nrows, cap;
};

void out_table_init(struct out_table *t, const struct out_col *cols, size_t ncols);
void out_table_release(struct out_table *t);
/* Adds a row (ncols strings, NULL printed as ""); roles may be NULL. -1 when out of memory. */
int out_table_add(struct out_table *t, const char *const *cells, const enum out_role *roles);
/* Prints the header and rows fitted to width. Returns how many columns were left out, -1 when
 * out of memory. */
int out_table_print(FILE *f, const struct out_table *t, int width, bool color);

#endif
