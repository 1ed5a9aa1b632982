/* core/collect.c: the frame of a collection — the known-descriptions index, gaps, submitting
 * and counting calls, then driving the HTTP client until every source has answered. The
 * sources themselves are in core/collect_aws.c and core/collect_gcp.c. No SQL, no curl here. */
#include "core/collect.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collect_int.h"
#include "core/timeutil.h"

int collect_cache_add(struct collect_cache *c, const char *kind, const char *id, const char *body,
                      size_t len, struct err *e)
{
    struct collect_cached *v = realloc(c->v, (c->n + 1) * sizeof(*v));

    if (v == NULL)
        return err_set(e, ERR_NOMEM, "out of memory keeping a finished description");
    c->v = v;
    v = &c->v[c->n];
    v->kind = strdup(kind);
    v->id = strdup(id);
    v->body = malloc(len + 1);
    if (v->kind == NULL || v->id == NULL || v->body == NULL) {
        free(v->kind);
        free(v->id);
        free(v->body);
        return err_set(e, ERR_NOMEM, "out of memory keeping a finished description");
    }
    memcpy(v->body, body, len);
    v->body[len] = '\0';
    c->n++;
    return 0;
}

void collect_cache_release(struct collect_cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].kind);
        free(c->v[i].id);
        free(c->v[i].body);
    }
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

void collect_result_release(struct collect_result *r)
{
    if (r == NULL)
        return;
    snapshot_release(&r->snap);
    collect_cache_release(&r->fresh);
    r->calls = r->reused = 0;
}

int64_t collect_window_start(int64_t now_ms, int days)
{
    char today[TIME_DAY_LEN], first[TIME_DAY_LEN];
    struct err e = ERR_INIT;
    int64_t ms;

    time_day_of(now_ms, today);
    if (time_day_add(today, -(days > 0 ? days : 1), first, &e) == 0 &&
        time_local_at(first, 0, 0, 0, &ms, &e) == 0)
        return ms;
    return now_ms - (int64_t)(days + 1) * 86400000;
}

void coll_fatal(struct coll *c, const struct err *e)
{
    if (c->fatal.code == ERR_OK)
        c->fatal = *e;
}

void coll_gap(struct coll *c, const struct err *e, const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (e->code == ERR_NOMEM) {
        coll_fatal(c, e);
        return;
    }
    if (snapshot_add_gap(&c->out->snap, what, e) != 0) {
        struct err oom = ERR_INIT;
        err_set(&oom, ERR_NOMEM, "out of memory recording what the refresh could not read");
        coll_fatal(c, &oom);
    }
}

void coll_pager(struct coll *c, const struct pager_spec *spec)
{
    struct err e = ERR_INIT;

    if (pager_start(c->in->http, spec, &e) != 0) {
        c->out->calls--; /* done() counts a failed list as one call: none was made */
        spec->done(spec->ctx, 0, &e);
    }
}

void coll_pages_done(struct coll *c, int pages, const struct err *e)
{
    c->out->calls += pages + (e->code != ERR_OK ? 1 : 0);
}

int coll_submit(struct coll *c, struct http_request *req, http_done_fn done, void *ctx,
                const char *what_fmt, ...)
{
    struct err e = ERR_INIT;
    char what[512];
    va_list ap;

    if (http_submit(c->in->http, req, done, ctx, &e) != 0) {
        va_start(ap, what_fmt);
        vsnprintf(what, sizeof(what), what_fmt, ap);
        va_end(ap);
        coll_gap(c, &e, "%s", what);
        return -1;
    }
    c->out->calls++;
    return 0;
}

static int cached_cmp(const void *a, const void *b)
{
    const struct collect_cached *x = *(const struct collect_cached *const *)a;
    const struct collect_cached *y = *(const struct collect_cached *const *)b;
    int r = strcmp(x->kind, y->kind);

    return r != 0 ? r : strcmp(x->id, y->id);
}

const struct collect_cached *coll_known(const struct coll *c, const char *kind, const char *id)
{
    struct collect_cached key = {(char *)kind, (char *)id, NULL};
    const struct collect_cached *kp = &key, **hit;

    if (c->n_known == 0 || kind == NULL || id == NULL)
        return NULL;
    hit = bsearch(&kp, c->known, c->n_known, sizeof(*c->known), cached_cmp);
    return hit != NULL ? *hit : NULL;
}

void coll_call_error(struct err *out, coll_error_fn reader, const struct http_request *req,
                     const struct http_response *resp, const struct err *call_err)
{
    *out = (struct err)ERR_INIT;
    if (resp->status >= 300 && reader != NULL) {
        reader(out, req->operation, resp->status, &resp->headers, resp->body.data, resp->body.len);
        if (resp->retries > 0) {
            char tail[48];
            size_t used = strlen(out->msg);
            snprintf(tail, sizeof(tail), " (after %d attempts)", resp->retries + 1);
            if (used + strlen(tail) < sizeof(out->msg))
                memcpy(out->msg + used, tail, strlen(tail) + 1);
        }
        return;
    }
    err_set_http(out, call_err->code, call_err->http_status, "%s", call_err->msg);
}

int coll_wanted(const struct config_list *l, const char *name)
{
    if (l == NULL || l->n == 0)
        return 1;
    for (size_t i = 0; i < l->n; i++)
        if (name != NULL && strcmp(l->items[i], name) == 0)
            return 1;
    return 0;
}

static int index_known(struct coll *c, struct err *e)
{
    const struct collect_cache *k = c->in->known;

    if (k == NULL || k->n == 0)
        return 0;
    c->known = malloc(k->n * sizeof(*c->known));
    if (c->known == NULL)
        return err_set(e, ERR_NOMEM, "out of memory indexing what history already knows");
    for (size_t i = 0; i < k->n; i++)
        c->known[i] = &k->v[i];
    c->n_known = k->n;
    qsort(c->known, c->n_known, sizeof(*c->known), cached_cmp);
    return 0;
}

int collect_run(struct collect_result *out, const struct collect_input *in, struct err *e)
{
    struct coll c;
    int days;

    memset(out, 0, sizeof(*out));
    snapshot_init(&out->snap);
    if (in == NULL || in->cfg == NULL || in->http == NULL)
        return err_set(e, ERR_USAGE, "collect: a config and an HTTP client are required");
    memset(&c, 0, sizeof(c));
    c.in = in;
    c.out = out;
    c.fatal = (struct err)ERR_INIT;
    days = in->cfg->general.days > 0 ? in->cfg->general.days : 14;
    out->snap.taken_ms = in->now_ms;
    out->snap.window_start_ms = collect_window_start(in->now_ms, days);
    if (index_known(&c, e) != 0)
        return -1;
    coll_start_aws(&c);
    coll_start_gcp(&c);
    while (http_run(in->http, -1) > 0)
        ;
    coll_finish_aws(&c);
    coll_finish_gcp(&c);
    free(c.known);
    if (c.fatal.code != ERR_OK)
        return err_set(e, c.fatal.code, "%s", c.fatal.msg);
    return 0;
}
