/* tui/gate.h: the one gate every mutation passes, in the commands and the dashboard alike —
 * read-only refuses before anything; the confirmation restates verb, target, days, stages and
 * environment with Cancel as the default (typed confirmation of the target beyond 7 days);
 * the audit log gets an intent row before each mutating call and an outcome row after it.
 * It never makes a mutating call itself and never reads an answer from a pipe. */
#ifndef TUI_GATE_H
#define TUI_GATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/err.h"
#include "state/db.h"

#define GATE_TYPED_AFTER_DAYS 7 /* a longer span needs the target's name typed */

struct session;

/* What is about to happen, as the confirmation restates it. */
struct gate_request {
    const char *verb;        /* "rerun", "backfill", "schema-apply" */
    const char *target;      /* pipeline or table */
    const char *days;        /* "2026-11-21" or "2026-11-10 .. 2026-11-20"; may be NULL */
    int n_days;              /* days that will run (typed confirmation beyond 7) */
    const char *stages;      /* "export → transfer → query"; may be NULL */
    const char *environment; /* gate_environment() */
    bool yes;                /* --yes: no question (scripts) */
};

/* 0 when mutations are allowed; -1 (ERR_REFUSED) naming where read-only was set. */
int gate_writable(const struct config *cfg, const char *verb, struct err *e);

/* Asks on the terminal (stdin when it is one, else /dev/tty); prompts go to out. Returns 0 to
 * proceed; -1 (ERR_REFUSED) when cancelled, answered with anything but y/yes (or the target's
 * name when typed confirmation is needed), or when there is no terminal and no --yes. */
int gate_confirm(const struct gate_request *r, FILE *out, struct err *e);

/* "aws account 123456789012 (arn:...) region R; gcp project P location L": the account from STS
 * GetCallerIdentity (a read), or the configured profile/region when that call fails. */
void gate_environment(struct session *s, char *out, size_t n);

/* The local user's name (for the audit log). */
const char *gate_user(void);

/* One audit row: phase "intent" or "outcome"; result NULL for intents. Failures to write are
 * returned (-1) so the caller can stop before a mutating call that could not be recorded. */
int gate_audit(struct db *db, int64_t action_id, const char *phase, const char *verb,
               const char *target, const char *day, const char *stage, const char *environment,
               const char *result, const char *detail, struct err *e);
#endif
