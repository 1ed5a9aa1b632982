/* core/clock.c: system and fixed clocks. */
#include "core/clock.h"

#include <stddef.h>
#include <time.h>

static int64_t system_now_ms(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const struct clock clock_system = {system_now_ms, NULL};

int64_t clock_now_ms(const struct clock *c)
{
    if (c == NULL)
        c = &clock_system;
    return c->now_ms(c->ctx);
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t fixed_now_ms(void *ctx)
{
    return *(int64_t *)ctx;
}

void clock_fixed(struct clock *c, int64_t *ms)
{
    c->now_ms = fixed_now_ms;
    c->ctx = ms;
}
