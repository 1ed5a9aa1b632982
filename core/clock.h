/* core/clock.h: the one injectable clock. Everything that needs "now" (signing, token expiry,
 * day bucketing, polling) asks a struct clock, so tests can fix time exactly. */
#ifndef CORE_CLOCK_H
#define CORE_CLOCK_H

#include <stdint.h>

struct clock {
    int64_t (*now_ms)(void *ctx); /* wall time, milliseconds since the Unix epoch */
    void *ctx;
};

/* The real wall clock. */
extern const struct clock clock_system;

/* Wall time in ms from c, or from the system clock when c is NULL. */
int64_t clock_now_ms(const struct clock *c);

/* Monotonic milliseconds for measuring latency and timeouts (never affected by clock changes). */
int64_t clock_mono_ms(void);

/* A clock that always answers *ms (tests): c->ctx points at the caller's variable. */
void clock_fixed(struct clock *c, int64_t *ms);

#endif
