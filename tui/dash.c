/* tui/dash.c: the screen manager of the dashboard: curses set-up and teardown on every exit
 * path (quit, SIGINT/SIGTERM/SIGHUP, crashes), the one key loop polling stdin together with the
 * engine's wake-up pipe, the view stack, the title/banner/message/hint bars and the global keys.
 * It never waits on the network and never speaks SQL. */
#include "tui/dash.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/refresh_report.h"
#include "state/logs.h"
#include "tui/dash_int.h"
#include "tui/exitcode.h"

static volatile sig_atomic_t quit_signal;
static volatile sig_atomic_t curses_on;

static void on_quit_signal(int sig)
{
    quit_signal = sig;
}

/* htop's approach: give the terminal back first, then die the way the crash wants. */
static void on_crash(int sig)
{
    if (curses_on)
        endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void signals_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_quit_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int64_t dash_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t dash_now_ms(const struct dash *d)
{
    return d->now_ms > 0 ? d->now_ms : dash_wall_ms();
}

void dash_msg(struct dash *d, int role, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    va_end(ap);
    d->msg_role = role;
}

const char *dash_glyph(const struct dash *d, enum run_state s)
{
    static char ascii[RS_COUNT][2];

    if (d->utf8)
        return run_state_glyph(s);
    ascii[s][0] = run_state_ascii(s);
    return ascii[s];
}

static struct view *view_new(struct dash *d, const struct view_ops *ops, const char *arg)
{
    struct view *v = calloc(1, sizeof(*v));

    if (v == NULL) {
        dash_msg(d, ROLE_BANNER, "out of memory opening %s", ops->name);
        return NULL;
    }
    v->ops = ops;
    v->d = d;
    snprintf(v->arg, sizeof(v->arg), "%s", arg != NULL ? arg : "");
    if (ops->open(v) != 0) {
        free(v);
        return NULL;
    }
    ops->on_update(v);
    return v;
}

static void view_free(struct view *v)
{
    if (v == NULL)
        return;
    v->ops->close(v);
    free(v);
}

void dash_push(struct dash *d, const struct view_ops *ops, const char *arg)
{
    struct view *v;

    if (d->depth >= DASH_MAX_VIEWS) {
        dash_msg(d, ROLE_WARN, "too many views open: press Esc to go back first");
        return;
    }
    v = view_new(d, ops, arg);
    if (v != NULL)
        d->stack[d->depth++] = v;
}

static void dash_pop(struct dash *d)
{
    if (d->depth > 0)
        view_free(d->stack[--d->depth]);
}

static const struct view_ops *const goto_views[] = {
    &grid_view,  &tables_view,  &runs_view,  &exports_view,
    &audit_view, &history_view, &calls_view, &actions_view,
};

const char *const *dash_command_names(size_t *n)
{
    static const char *const names[] = {"grid",    "tables", "runs",    "exports", "audit",
                                        "history", "calls",  "actions", "help",    "q"};
    *n = sizeof(names) / sizeof(names[0]);
    return names;
}

int dash_goto(struct dash *d, const char *name)
{
    for (size_t i = 0; i < sizeof(goto_views) / sizeof(goto_views[0]); i++) {
        if (strcmp(goto_views[i]->name, name) != 0)
            continue;
        while (d->depth > 1)
            dash_pop(d);
        if (goto_views[i] != &grid_view)
            dash_push(d, goto_views[i], NULL);
        return 0;
    }
    return -1;
}

/* The history changed (or the database appeared): every open view re-queries. */
static void dash_history_changed(struct dash *d)
{
    struct db_refresh *r = NULL;
    size_t n = 0;
    struct err e = ERR_INIT;

    if (d->db == NULL) {
        if (db_open(&d->db, d->db_file, DB_READONLY, &e) != 0)
            d->db = NULL;
        else if (d->depth > 0)
            dash_msg(d, ROLE_OK, "the first refresh is stored in %s", d->db_file);
    }
    d->as_of_ms = 0;
    d->as_of_status[0] = '\0';
    if (d->db != NULL && db_list_refreshes(d->db, 50, &r, &n, &e) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (r[i].ended_ms == 0 || r[i].status == DB_REFRESH_FAILED)
                continue; /* the data is as old as the last refresh that stored something */
            d->as_of_ms = r[i].ended_ms;
            snprintf(d->as_of_status, sizeof(d->as_of_status), "%s",
                     db_refresh_status_name(r[i].status));
            break;
        }
        db_refreshes_free(r, n);
    }
    dash_inflight_load(d);
    d->generation++;
    for (int i = 0; i < d->depth; i++)
        d->stack[i]->ops->on_update(d->stack[i]);
}

static void engine_poll(struct dash *d)
{
    unsigned before = d->es.finished;

    if (d->eng == NULL)
        return;
    engine_drain(d->eng);
    engine_status_get(d->eng, &d->es);
    if (d->es.finished != before)
        dash_history_changed(d);
    if (d->want_refresh && engine_request_refresh(d->eng))
        d->want_refresh = false; /* an action ended while a refresh ran: one more */
    engine_set_interval(d->eng, d->any_active ? d->cfg->general.refresh_active_s
                                              : d->cfg->general.refresh_idle_s);
}

static void refresh_now(struct dash *d)
{
    if (d->eng == NULL) {
        dash_msg(d, ROLE_WARN, "refresh is off (--offline): showing the history only");
        return;
    }
    engine_status_get(d->eng, &d->es);
    if (!d->es.ready)
        dash_msg(d, ROLE_WARN, "%s", d->es.detail[0] ? d->es.detail : "the engine is starting");
    else if (engine_request_refresh(d->eng))
        dash_msg(d, ROLE_ACTIVE, "refresh started");
    else
        dash_msg(d, ROLE_WARN, "a refresh is already running (started %llds ago)",
                 (long long)((dash_wall_ms() - d->es.started_ms) / 1000));
}

/* Global keys: those the focused view left unhandled. */
static void global_key(struct dash *d, int ch)
{
    struct view *top = d->stack[d->depth - 1];

    switch (ch) {
    case 'q':
    case 27: /* Esc */
        if (d->depth > 1)
            dash_pop(d);
        else if (ch == 'q' && dash_action_running(d) && !d->quit_asked) {
            d->quit_asked = true;
            dash_msg(d, ROLE_WARN,
                     "an action is running: quitting leaves it interrupted (to be "
                     "resumed at the next start); q again quits");
        } else if (ch == 'q')
            d->quit = true;
        break;
    case '?':
        if (top->ops != &help_view)
            dash_push(d, &help_view, top->ops->name);
        break;
    case '@':
        if (top->ops != &calls_view)
            dash_push(d, &calls_view, NULL);
        break;
    case '/':
        dash_input_start(d, '/');
        break;
    case ':':
        dash_input_start(d, ':');
        break;
    case 'f':
        d->failures_only = !d->failures_only;
        dash_msg(d, ROLE_NONE, "%s",
                 d->failures_only ? "showing failures only (f: show all)" : "showing everything");
        break;
    case 'r':
    case 'R':
    case 's':
    case 'A':
    case 'a':
        dash_action_key(d, ch);
        break;
    case 18: /* Ctrl-R */
        refresh_now(d);
        break;
    case 12: /* Ctrl-L */
        clearok(curscr, TRUE);
        break;
    case KEY_RESIZE:
        break;
    default:
        if (ch >= 32 && ch < 127)
            dash_msg(d, ROLE_NONE, "'%c' does nothing here: press ? for this view's keys", ch);
        break;
    }
}

void dash_key(struct dash *d, int ch)
{
    struct view *top = d->stack[d->depth - 1];
    enum key_result r;

    if (dash_dialog_key(d, ch))
        return; /* the confirmation is modal */
    if (d->input_mode) {
        dash_input_key(d, ch);
        return;
    }
    if (ch != KEY_RESIZE && ch != KEY_MOUSE)
        d->msg[0] = '\0';
    if (ch != 'q' && ch != KEY_RESIZE && ch != KEY_MOUSE)
        d->quit_asked = false;
    r = top->ops->key(top, ch);
    if (r == KR_CLOSE && d->depth > 1)
        dash_pop(d);
    else if (r == KR_UNHANDLED)
        global_key(d, ch);
}

static void curses_start(struct dash *d)
{
    initscr();
    curses_on = 1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    tui_roles_init(d->color);
    if (d->mouse)
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
}

static void curses_stop(void)
{
    if (curses_on) {
        endwin();
        curses_on = 0;
    }
}

static void loop(struct dash *d)
{
    struct pollfd fds[3] = {
        {STDIN_FILENO, POLLIN, 0}, {d->wake_fd, POLLIN, 0}, {d->act_fd, POLLIN, 0}};

    while (!d->quit && !quit_signal) {
        int ch;

        d->now_ms = dash_wall_ms();
        dash_draw(d);
        if (poll(fds, 3, 1000) < 0 && errno != EINTR) /* a negative fd is skipped */
            break;
        if (fds[1].revents & POLLIN)
            engine_poll(d);
        if (fds[2].revents & POLLIN)
            dash_action_poll(d);
        while (!d->quit && (ch = getch()) != ERR)
            dash_key(d, ch);
    }
}

int dash_run(struct config *cfg, const char *db_file, const struct config_overrides *ov,
             const struct dash_options *opt)
{
    struct dash *d = calloc(1, sizeof(*d));
    struct err e = ERR_INIT;
    int rc = EXIT_OK;
    bool stopped;

    if (d == NULL) {
        fprintf(stderr, "pipetop: out of memory starting the dashboard\n");
        return EXIT_INTERNAL;
    }
    out_locale();
    d->cfg = cfg;
    d->utf8 = out_utf8();
    d->color = out_color_wanted(opt->no_color);
    d->mouse = opt->mouse;
    d->wake_fd = -1;
    d->act_fd = -1;
    snprintf(d->db_file, sizeof(d->db_file), "%s", db_file);
    if (db_open(&d->db, db_file, DB_READONLY, &e) != 0) {
        d->db = NULL;
        if (e.code != ERR_NOT_FOUND || opt->offline) {
            fprintf(stderr, "pipetop: %s\n", e.msg);
            free(d);
            return exit_code_for(e.code);
        }
    }
    if (!opt->offline && engine_start(&d->eng, ov, &d->wake_fd, &e) != 0) {
        fprintf(stderr, "pipetop: %s\n", e.msg);
        db_close(d->db);
        free(d);
        return exit_code_for(e.code);
    }
    if (d->eng != NULL) {
        engine_status_get(d->eng, &d->es);
        dash_action_start(d, ov);
    }
    signals_install();
    curses_start(d);
    dash_history_changed(d);
    dash_push(d, &grid_view, NULL);
    if (d->depth == 0) {
        curses_stop();
        fprintf(stderr, "pipetop: %s\n", d->msg);
        rc = EXIT_INTERNAL;
    } else {
        if (d->db == NULL)
            dash_msg(d, ROLE_WARN, "no history yet in %s: the first refresh is running", db_file);
        dash_interrupted_msg(d);
        loop(d);
    }
    while (d->depth > 0)
        dash_pop(d);
    curses_stop();
    stopped = engine_stop(d->eng, 1500);
    dash_action_stop(d, &stopped);
    db_close(d->db);
    free(d);
    if (quit_signal)
        rc = 128 + quit_signal;
    if (!stopped) {
        /* A refresh is stuck in a network call: end now rather than make the user wait or
         * run library cleanup under that thread. The history database is safe (WAL). */
        fflush(NULL);
        _exit(rc);
    }
    return rc;
}
