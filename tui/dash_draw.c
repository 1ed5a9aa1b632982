/* tui/dash_draw.c: the frame around the focused view — title bar with the age of the data, the
 * offline banner, the message or input line, the hint bar — the "terminal too small" screen and
 * the filter/command input line with `:` completion. Draws only; never queries. */
#include "tui/dash_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/refresh_report.h"

bool dash_match(const struct dash *d, const char *text)
{
    const char *f = d->filter;
    size_t n = strlen(f);

    if (n == 0)
        return true;
    for (const char *p = text != NULL ? text : ""; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)f[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static void age_text(const struct dash *d, char *out, size_t n)
{
    char dur[32];

    if (d->as_of_ms == 0) {
        snprintf(out, n, "no data yet");
        return;
    }
    out_duration(d->now_ms - d->as_of_ms, dur, sizeof(dur));
    snprintf(out, n, "data %s old%s%s%s", dur, strcmp(d->as_of_status, "ok") != 0 ? " (" : "",
             strcmp(d->as_of_status, "ok") != 0 ? d->as_of_status : "",
             strcmp(d->as_of_status, "ok") != 0 ? ")" : "");
}

static void draw_title(struct dash *d, struct view *v)
{
    char left[600], right[256], age[96], eng[128] = "", title[256] = "";
    int w;

    v->ops->title(v, title, sizeof(title));
    age_text(d, age, sizeof(age));
    if (d->eng == NULL) {
        snprintf(eng, sizeof(eng), " | history only");
    } else if (d->es.running) {
        snprintf(eng, sizeof(eng), " | refreshing %llds",
                 (long long)(d->now_ms - d->es.started_ms) / 1000);
    } else if (d->es.ready && d->es.next_ms > d->now_ms) {
        snprintf(eng, sizeof(eng), " | next in %llds",
                 (long long)(d->es.next_ms - d->now_ms + 999) / 1000);
    }
    snprintf(left, sizeof(left), " pipetop | %s%s%s%s%s", title, d->filter[0] ? " | /" : "",
             d->filter, d->failures_only ? " | failures only" : "",
             d->cfg->general.read_only ? " | read-only" : "");
    snprintf(right, sizeof(right), " %s%s ", age, eng);
    w = out_width(right);
    if (w > COLS - out_width(left))
        w = COLS - out_width(left) > 16 ? COLS - out_width(left) : 16;
    tui_put(stdscr, 0, 0, left, COLS - w, ROLE_BAR);
    tui_put_right(stdscr, 0, COLS - w, right, w, ROLE_BAR);
}

static int draw_banner(struct dash *d)
{
    char b[700];

    if (d->eng == NULL || !d->es.offline || d->es.running)
        return 0;
    snprintf(b, sizeof(b), " OFFLINE: the last refresh reached no cloud (%s); showing the history.",
             d->es.detail);
    tui_put(stdscr, 1, 0, b, COLS, ROLE_BANNER);
    return 1;
}

static void draw_hints(struct dash *d, struct view *v)
{
    static const struct key_help globals[] = {{"?", "help", true},     {"/", "filter", true},
                                              {":", "command", true},  {"@", "calls", true},
                                              {"^R", "refresh", true}, {"q", "back/quit", true}};
    int x = 0;
    size_t na;
    const struct key_help *acts = dash_action_keys(d, v->ops->name, &na);

    move(LINES - 1, 0);
    attrset(tui_attr(ROLE_BAR));
    hline(' ', COLS);
    /* "A apply drift" when the selection has drift, the view's keys, "? help", the action
     * keys, then the other global keys */
    if (d->sel_drift && !d->cfg->general.read_only) {
        x += tui_puts(stdscr, LINES - 1, x, "A", COLS - x, ROLE_KEY);
        x += tui_puts(stdscr, LINES - 1, x, " apply drift  ", COLS - x, ROLE_BAR);
    }
    for (int pass = 0; pass < 4; pass++) {
        const struct key_help *k = pass == 0   ? v->ops->keys
                                   : pass == 2 ? acts
                                   : pass == 1 ? globals
                                               : globals + 1;
        size_t n = pass == 0   ? v->ops->nkeys
                   : pass == 1 ? 1
                   : pass == 2 ? na
                               : sizeof(globals) / sizeof(globals[0]) - 1;
        for (size_t i = 0; i < n && x < COLS - 4; i++) {
            if (!k[i].hint)
                continue;
            x += tui_puts(stdscr, LINES - 1, x, k[i].key, COLS - x, ROLE_KEY);
            x += tui_puts(stdscr, LINES - 1, x, " ", COLS - x, ROLE_BAR);
            x += tui_puts(stdscr, LINES - 1, x, k[i].what, COLS - x, ROLE_BAR);
            x += tui_puts(stdscr, LINES - 1, x, "  ", COLS - x, ROLE_BAR);
        }
    }
    attrset(A_NORMAL);
}

static void draw_message(struct dash *d)
{
    char line[300];

    if (d->input_mode) {
        snprintf(line, sizeof(line), "%c%s", d->input_mode, d->input);
        tui_put(stdscr, LINES - 2, 0, line, COLS, ROLE_NONE);
        if (d->msg[0] && out_width(line) + 3 < COLS) /* completion candidates, errors */
            tui_put(stdscr, LINES - 2, out_width(line) + 3, d->msg, COLS - out_width(line) - 3,
                    ROLE_DIM);
        curs_set(1);
        move(LINES - 2, out_width(line) < COLS ? out_width(line) : COLS - 1);
        return;
    }
    curs_set(0);
    tui_put(stdscr, LINES - 2, 0, d->msg, COLS, d->msg_role);
}

static void draw_too_small(void)
{
    char m[128];

    erase();
    snprintf(m, sizeof(m), "pipetop needs at least %dx%d; this terminal is %dx%d", DASH_MIN_COLS,
             DASH_MIN_LINES, COLS, LINES);
    tui_puts(stdscr, LINES / 2, 0, m, COLS, ROLE_WARN);
    tui_puts(stdscr, LINES / 2 + 1, 0, "enlarge it, or press q to quit", COLS, ROLE_NONE);
    refresh();
}

void dash_draw(struct dash *d)
{
    struct view *v = d->stack[d->depth - 1];
    WINDOW *w;
    int top, strip;

    if (COLS < DASH_MIN_COLS || LINES < DASH_MIN_LINES) {
        draw_too_small();
        return;
    }
    erase();
    top = 1 + draw_banner(d);
    d->view_top = top;
    strip = dash_strip_lines(d);
    w = derwin(stdscr, LINES - top - 2 - strip, COLS, top, 0);
    d->sel_drift = false; /* the view's draw says whether its selection has drift */
    if (w != NULL) {
        v->ops->draw(v, w, true);
        delwin(w);
    }
    draw_title(d, v); /* after the view: it counts what the view has just filtered */
    if (strip)
        dash_strip_draw(d, LINES - 3);
    draw_message(d);
    draw_hints(d, v);
    if (d->dialog != 0)
        dash_dialog_draw(d); /* modal, over the view */
    if (d->input_mode)
        draw_message(d); /* leave the cursor on the input line */
    refresh();
}

void dash_input_start(struct dash *d, int mode)
{
    d->msg[0] = '\0';
    d->input_mode = mode;
    d->input[0] = '\0';
    if (mode == '/') {
        snprintf(d->saved_filter, sizeof(d->saved_filter), "%s", d->filter);
        snprintf(d->input, sizeof(d->input), "%s", d->filter);
    }
}

static void complete(struct dash *d)
{
    size_t n, len = strlen(d->input), hits = 0;
    const char *const *names = dash_command_names(&n);
    const char *hit = NULL;
    char all[256] = "";

    for (size_t i = 0; i < n; i++) {
        if (strncmp(names[i], d->input, len) != 0)
            continue;
        hit = names[i];
        hits++;
        snprintf(all + strlen(all), sizeof(all) - strlen(all), " :%s", names[i]);
    }
    if (hits == 1)
        snprintf(d->input, sizeof(d->input), "%s", hit);
    else if (hits > 1)
        dash_msg(d, ROLE_NONE, "matches:%s", all);
    else
        dash_msg(d, ROLE_WARN, "no command starts with '%s'", d->input);
}

static void run_command(struct dash *d)
{
    size_t n, hits = 0, len = strlen(d->input);
    const char *const *names = dash_command_names(&n);
    const char *hit = NULL;
    char list[256] = "";

    for (size_t i = 0; len > 0 && i < n; i++) {
        if (strcmp(names[i], d->input) == 0) {
            hits = 1;
            hit = names[i];
            break;
        }
        if (strncmp(names[i], d->input, len) == 0) {
            hits++;
            hit = names[i];
        }
    }
    if (hits == 1) /* a unique prefix is enough: ":tab" is ":tables" */
        snprintf(d->input, sizeof(d->input), "%s", hit);

    if (strcmp(d->input, "q") == 0 || strcmp(d->input, "quit") == 0) {
        d->quit = true;
        return;
    }
    if (strcmp(d->input, "help") == 0) {
        dash_push(d, &help_view, d->stack[d->depth - 1]->ops->name);
        return;
    }
    if (d->input[0] == '\0' || dash_goto(d, d->input) == 0)
        return;
    for (size_t i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), " :%s", names[i]);
    dash_msg(d, ROLE_WARN, "unknown command ':%s'; the commands are%s", d->input, list);
}

void dash_input_key(struct dash *d, int ch)
{
    size_t len = strlen(d->input);

    switch (ch) {
    case 27: /* Esc: cancel */
        if (d->input_mode == '/')
            snprintf(d->filter, sizeof(d->filter), "%s", d->saved_filter);
        d->input_mode = 0;
        return;
    case '\r':
    case '\n':
    case KEY_ENTER:
        if (d->input_mode == ':') {
            d->input_mode = 0;
            run_command(d);
        } else {
            d->input_mode = 0;
            dash_msg(d, ROLE_NONE,
                     d->filter[0] ? "filter: %s (/ then Enter on empty to clear)" : "%s",
                     d->filter[0] ? d->filter : "filter cleared");
        }
        return;
    case '\t':
        if (d->input_mode == ':')
            complete(d);
        return;
    case 21: /* Ctrl-U: clear the line */
        len = 0;
        d->input[0] = '\0';
        break;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        while (len > 0 && ((unsigned char)d->input[len - 1] & 0xC0) == 0x80)
            len--; /* a whole UTF-8 character */
        if (len > 0)
            len--;
        d->input[len] = '\0';
        break;
    default:
        if (ch < 32 || ch > 255 || len + 1 >= sizeof(d->input))
            return;
        d->input[len] = (char)ch;
        d->input[len + 1] = '\0';
        break;
    }
    if (d->input_mode == '/')
        snprintf(d->filter, sizeof(d->filter), "%s", d->input); /* live, as you type */
}
