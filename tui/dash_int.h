/* tui/dash_int.h: what the screen manager's files (tui/dash.c, tui/dash_draw.c) share: drawing
 * the frame, the filter/command input line and the wall clock. Not for views. */
#ifndef TUI_DASH_INT_H
#define TUI_DASH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tui/dash.h"

#define DASH_MIN_COLS 80
#define DASH_MIN_LINES 24

int64_t dash_wall_ms(void);
void dash_draw(struct dash *d);
void dash_key(struct dash *d, int ch);
void dash_input_start(struct dash *d, int mode);
void dash_input_key(struct dash *d, int ch);
const char *const *dash_command_names(size_t *n);

#endif
