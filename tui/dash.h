/* tui/dash.h: the dashboard — its shared state (config, the UI thread's read-only database,
 * the sticky filter, the message line, the engine's status) and the screen manager that owns
 * curses, the view stack and the one key loop. The UI thread never waits on the network: it
 * polls stdin and the engine's wake-up pipe together. */
#ifndef TUI_DASH_H
#define TUI_DASH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "state/actions.h"
#include "state/db.h"
#include "tui/engine.h"
#include "tui/engine_action.h"
#include "tui/view.h"

#define DASH_MAX_VIEWS 8

struct dash_options {
    bool no_color; /* --no-color (NO_COLOR is read from the environment) */
    bool mouse;    /* --mouse: clicks select, the wheel scrolls */
    bool offline;  /* --offline: no engine refreshes; the history only */
};

struct dash {
    struct config *cfg; /* borrowed */
    struct db *db;      /* read-only, the UI thread's */
    struct engine *eng; /* NULL with --offline */
    bool color, utf8, mouse;

    char filter[128];   /* `/`: sticky across views */
    bool failures_only; /* `f` */
    char msg[512];      /* the message line (errors, answers to keys) */
    int msg_role;

    int64_t now_ms;
    int64_t as_of_ms; /* end of the last finished refresh; 0: none */
    char as_of_status[16];
    struct engine_status es;
    bool any_active; /* something runs: the engine polls at refresh_active */

    struct view *stack[DASH_MAX_VIEWS];
    int depth;
    bool quit;
    unsigned generation; /* bumped when the history changed */

    char db_file[1024];
    int wake_fd;     /* the engine's pipe; -1 without an engine */
    int input_mode;  /* 0, '/' (filter) or ':' (command) */
    char input[128]; /* the line being typed */
    char saved_filter[128];
    int view_top;   /* the screen row where the focused view's region starts (mouse clicks) */
    bool sel_drift; /* set by the focused view's draw: its selected table has new attributes in
                       the newest export (the hint bar then offers A first) */

    /* operator actions (tui/dash_action.c) */
    struct actor *act;    /* NULL with --offline or when its session cannot be set up */
    char act_err[512];    /* why there is no action thread */
    int act_fd;           /* its wake-up pipe; -1 without */
    struct act_job *jobs; /* copies, oldest first */
    size_t njobs;
    unsigned jobs_gen, jobs_sig;
    int dialog;                 /* the job the confirmation dialog is about; 0: none */
    char typed[128];            /* the name typed into the dialog (spans beyond 7 days) */
    bool want_refresh;          /* an action ended: refresh as soon as the engine can */
    bool quit_asked;            /* q with an action running: the next q quits */
    struct db_action *inflight; /* active actions (any process), from the database */
    size_t ninflight;
};

/* Runs the dashboard until the user quits or a signal asks; restores the terminal on every
 * exit path. Returns a process exit code. */
int dash_run(struct config *cfg, const char *db_file, const struct config_overrides *ov,
             const struct dash_options *opt);

/* Operator actions (tui/dash_action.c, tui/dash_dialog.c). */
struct key_help;
/* Asks the action thread for a job; read-only refuses rerun/backfill/resume/schema-apply first
 * (schema refresh and abandon change nothing in the clouds and are allowed). */
void dash_action(struct dash *d, enum act_kind k, const char *target, const char *from,
                 const char *to, int64_t action_id);
/* The active action (any process) covering pipeline on day, or NULL. */
const struct db_action *dash_inflight(const struct dash *d, const char *pipeline, const char *day);
/* The copy of job id, or NULL. */
const struct act_job *dash_job(const struct dash *d, int id);
/* The action keys offered in view (none of the mutating ones in read-only mode). */
const struct key_help *dash_action_keys(const struct dash *d, const char *view, size_t *n);

/* Opens view ops on top of the stack (arg: what it shows). */
void dash_push(struct dash *d, const struct view_ops *ops, const char *arg);

/* `:name` — the grid alone, or the grid with view name on top. -1 for an unknown name. */
int dash_goto(struct dash *d, const char *name);

/* Sets the message line (printf format). */
void dash_msg(struct dash *d, int role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Whether text matches the sticky filter (case-insensitive substring; "" matches all). */
bool dash_match(const struct dash *d, const char *text);

/* The time the screen is drawn for (wall clock). */
int64_t dash_now_ms(const struct dash *d);

/* The state's glyph in the locale: UTF-8 or its ASCII fallback. */
const char *dash_glyph(const struct dash *d, enum run_state s);

#endif
