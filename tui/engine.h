/* tui/engine.h: the dashboard's engine thread. It owns its own session (config, writable
 * history database, HTTP client, credentials) and runs refreshes — on a timer (the interval the
 * UI asks for, never below 10 s) or when asked — then wakes the UI by writing one byte to a
 * pipe the UI polls. The UI never waits for it: requests and status are a mutex away. */
#ifndef TUI_ENGINE_H
#define TUI_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"

#define ENGINE_MIN_INTERVAL_S 10

struct engine;

struct engine_status {
    bool ready;         /* the session is set up (refreshes can run) */
    bool running;       /* a refresh is in progress */
    int64_t started_ms; /* of the running or last refresh; 0: none yet */
    int64_t ended_ms;   /* of the last finished refresh; 0: none yet */
    int last;           /* enum refresh_status of the last refresh; -1: none yet */
    bool offline;       /* the last refresh reached no cloud at all */
    char detail[512];   /* the last refresh's summary, or why it could not run */
    unsigned finished;  /* refreshes finished since start (the UI re-queries when it grows) */
    int64_t next_ms;    /* when the next timed refresh is due */
};

/* Starts the engine thread with the same overrides the UI's config was loaded with. The first
 * refresh starts at once. *wake_fd is the pipe's read end (non-blocking) for poll(2); drain it
 * with engine_drain(). -1 when the thread or pipe cannot be made. */
int engine_start(struct engine **out, const struct config_overrides *ov, int *wake_fd,
                 struct err *e);

/* Asks for a refresh now. false (and nothing happens) when one is already running. */
bool engine_request_refresh(struct engine *g);

/* Asks for the transfer logs of the DTS run run_name (projects/../runs/R), fetched by the engine
 * thread between refreshes. false when the engine cannot (not set up, or stopped). */
bool engine_request_logs(struct engine *g, const char *run_name);

enum engine_logs_state { LOGS_NONE = 0, LOGS_PENDING, LOGS_READY, LOGS_FAILED };

/* The state of the logs of run_name; for LOGS_READY / LOGS_FAILED *text (caller frees) holds
 * one message a line ("05:00:12 INFO text") or the error. */
enum engine_logs_state engine_logs(struct engine *g, const char *run_name, char **text);

/* The timed-refresh interval in seconds (raised to ENGINE_MIN_INTERVAL_S). */
void engine_set_interval(struct engine *g, int seconds);

/* A copy of the status. */
void engine_status_get(struct engine *g, struct engine_status *out);

/* Reads away the wake-up bytes. */
void engine_drain(struct engine *g);

/* Stops the thread: waits up to wait_ms for a refresh in progress to end (a stalled network
 * call does not hold the user's terminal); a thread still busy is left to the process exit.
 * Returns false when the thread is still busy (the caller should end the process with _exit:
 * library cleanup at exit() would race that thread). NULL is a no-op (true). */
bool engine_stop(struct engine *g, int wait_ms);

#endif
