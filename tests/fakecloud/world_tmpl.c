/* tests/fakecloud/world_tmpl.c: small pure pieces of the world — DTS runtime templates
 * ({run_date}, {run_time+-N(h|m|s|d)|"fmt"}), scenario outcome strings ("FAILED:CODE:msg") and
 * work timelines made from them. No world state is touched here. */
#include "tests/fakecloud/world.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "tests/fakecloud/world_int.h"

/* One {...} expression at p (after '{', up to the matching '}'), appended to out. */
static int render_expr(struct buf *out, const char *expr, size_t n, int64_t run_time_ms)
{
    char text[128], fmt[96] = "%Y-%m-%d", res[128];
    const char *bar;
    time_t t = (time_t)(run_time_ms / 1000);
    struct tm tm;
    long off = 0;

    if (n >= sizeof(text))
        return -1;
    memcpy(text, expr, n);
    text[n] = '\0';
    if (strcmp(text, "run_date") == 0) {
        gmtime_r(&t, &tm);
        strftime(res, sizeof(res), "%Y%m%d", &tm);
        return buf_puts(out, res);
    }
    if (strncmp(text, "run_time", 8) != 0)
        return -1;
    bar = strchr(text, '|');
    if (text[8] == '+' || text[8] == '-') {
        char *end;
        off = strtol(text + 9, &end, 10);
        if (end == text + 9)
            return -1;
        switch (*end) {
        case 'd':
            off *= 86400;
            break;
        case 'h':
            off *= 3600;
            break;
        case 'm':
            off *= 60;
            break;
        case 's':
            break;
        default:
            return -1;
        }
        if (text[8] == '-')
            off = -off;
        if (end + 1 != (bar ? bar : text + n))
            return -1;
    } else if (text[8] != '\0' && text[8] != '|') {
        return -1;
    }
    if (bar) {
        size_t fl = strlen(bar + 1);
        if (fl < 2 || bar[1] != '"' || bar[fl] != '"' || fl - 2 >= sizeof(fmt))
            return -1;
        memcpy(fmt, bar + 2, fl - 2);
        fmt[fl - 2] = '\0';
    }
    t += off;
    gmtime_r(&t, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    /* the format is the template's own "%Y-%m-%d", as DTS takes it */
    if (strftime(res, sizeof(res), fmt, &tm) == 0 && fmt[0])
        return -1;
#pragma GCC diagnostic pop
    return buf_puts(out, res);
}

char *fw_render_template(const char *tmpl, int64_t run_time_ms)
{
    struct buf out = BUF_INIT(65536);

    for (const char *p = tmpl; p && *p; p++) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (close == NULL || render_expr(&out, p + 1, (size_t)(close - p - 1), run_time_ms))
                goto bad;
            p = close;
        } else {
            buf_putc(&out, *p);
        }
    }
    if (out.toobig)
        goto bad;
    return buf_detach(&out);
bad:
    buf_release(&out);
    return NULL;
}

/* ---- outcomes ---- */

static const struct {
    const char *word;
    enum fw_plan_kind kind;
} plan_words[] = {
    {"OK", FW_PLAN_OK},           {"SUCCEEDED", FW_PLAN_OK},        {"FAILED", FW_PLAN_FAILED},
    {"MISSING", FW_PLAN_MISSING}, {"RUNNING", FW_PLAN_RUNNING},     {"STUCK", FW_PLAN_STUCK},
    {"PENDING", FW_PLAN_PENDING}, {"CANCELLED", FW_PLAN_CANCELLED},
};

static int is_code(const char *s, size_t n)
{
    if (n == 0 || n > 60 || !isupper((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return 1;
}

int fw_plan_parse(struct fw_plan *p, const char *text)
{
    const char *colon = strchr(text, ':');
    size_t wl = colon ? (size_t)(colon - text) : strlen(text);

    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < sizeof(plan_words) / sizeof(plan_words[0]); i++) {
        if (strlen(plan_words[i].word) != wl || strncmp(plan_words[i].word, text, wl) != 0)
            continue;
        p->kind = plan_words[i].kind;
        if (colon == NULL)
            return 0;
        if (p->kind != FW_PLAN_FAILED)
            return -1;
        {
            const char *msg = colon + 1, *c2 = strchr(msg, ':');
            if (c2 && is_code(msg, (size_t)(c2 - msg))) {
                p->code = strndup(msg, (size_t)(c2 - msg));
                msg = c2 + 1;
            }
            p->message = strdup(msg);
        }
        return 0;
    }
    return -1;
}

void fw_plan_release(struct fw_plan *p)
{
    free(p->code);
    free(p->message);
    p->code = p->message = NULL;
}

int fw_work_from_plan(struct fw_work *wk, const struct fw_plan *p, int64_t created_ms,
                      int64_t start_ms, int64_t dur_ms, int64_t built_ms, const char *dflt_code,
                      const char *dflt_msg)
{
    memset(wk, 0, sizeof(*wk));
    wk->created_ms = created_ms;
    wk->start_ms = start_ms;
    wk->end_ms = start_ms + dur_ms;
    wk->final = FW_SUCCEEDED;
    switch (p->kind) {
    case FW_PLAN_FAILED:
        wk->final = FW_FAILED;
        wk->error_code = strdup(p->code ? p->code : dflt_code);
        wk->error_message = strdup(p->message ? p->message : dflt_msg);
        if (wk->error_code == NULL || wk->error_message == NULL)
            return -1;
        break;
    case FW_PLAN_CANCELLED:
        wk->final = FW_CANCELLED;
        break;
    case FW_PLAN_RUNNING:
        /* "Running now" whatever the time of day the world is built: started two minutes ago,
         * not at the scheduled time (which may be hours back and would read as STUCK). */
        wk->start_ms = wk->created_ms = built_ms - 2 * 60 * 1000;
        wk->end_ms = built_ms + 30 * 60 * 1000;
        break;
    case FW_PLAN_STUCK:
        if (wk->start_ms > built_ms)
            wk->start_ms = wk->created_ms = built_ms - 2 * 60 * 1000;
        wk->end_ms = FW_NEVER;
        break;
    case FW_PLAN_PENDING:
        if (wk->created_ms > built_ms)
            wk->created_ms = built_ms - 60 * 1000;
        wk->start_ms = wk->end_ms = FW_NEVER;
        break;
    default:
        break;
    }
    return 0;
}
