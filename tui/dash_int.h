/* tui/dash_int.h: what the screen manager's files (tui/dash.c, tui/dash_draw.c) share: drawing
 * the frame, the filter/command input line and the wall clock. Not for views. */
#ifndef TUI_DASH_INT_H
#define TUI_DASH_INT_H

#include <stdbool.h>
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

/* Operator actions: the thread, its copies, the in-flight list, the dialog, the strip. */
void dash_action_start(struct dash *d, const struct config_overrides *ov);
void dash_action_stop(struct dash *d, bool *stopped);
void dash_action_poll(struct dash *d);
void dash_inflight_load(struct dash *d);
void dash_interrupted_msg(struct dash *d);    /* at start: name the interrupted actions */
void dash_action_key(struct dash *d, int ch); /* r R s a on a view that left them unhandled */
bool dash_dialog_key(struct dash *d, int ch); /* true: the open dialog took the key */
void dash_dialog_draw(struct dash *d);
bool dash_action_running(const struct dash *d);
int dash_strip_lines(const struct dash *d); /* rows the progress strip needs (0 or 1) */
void dash_strip_draw(struct dash *d, int row);

#endif
