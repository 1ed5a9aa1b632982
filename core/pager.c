/* core/pager.c: page-following over http_submit. The pager owns only its own state (the last
 * token and the page count); items belong to the caller's ctx. Never loops on a repeated token. */
#include "core/pager.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pager {
    struct pager_spec spec;
    struct http_client *c;
    int pages;
    char *token; /* the token of the page in flight; NULL for the first */
};

static int submit(struct pager *p, struct err *e);

/* " (after N attempts)" on an error answer that came after retries, as the engine says it. */
static void say_attempts(struct err *e, int retries)
{
    size_t used = strlen(e->msg);

    if (retries > 0)
        snprintf(e->msg + used, sizeof(e->msg) - used, " (after %d attempts)", retries + 1);
}

static void finish(struct pager *p, const struct err *e)
{
    if (p->spec.done)
        p->spec.done(p->spec.ctx, p->pages, e);
    free(p->token);
    free(p);
}

static void on_page(void *ctx, struct http_request *req, struct http_response *resp,
                    const struct err *call_err)
{
    struct pager *p = ctx;
    struct err e = ERR_INIT;
    char *next = NULL;

    if (call_err->code != ERR_OK) {
        if (resp->status >= 300 && p->spec.error) {
            p->spec.error(&e, req->operation, resp->status, &resp->headers, resp->body.data,
                          resp->body.len);
            say_attempts(&e, resp->retries);
        } else
            err_set_http(&e, call_err->code, call_err->http_status, "%s", call_err->msg);
        goto done;
    }
    if (p->spec.page(p->spec.ctx, buf_cstr(&resp->body), resp->body.len, &next, &e) != 0)
        goto done;
    p->pages++;
    if (next == NULL || *next == '\0')
        goto done;
    if (p->token != NULL && strcmp(p->token, next) == 0) {
        err_set(&e, ERR_SERVICE,
                "%s %s: the service returned the same page token twice; stopped "
                "after %d pages rather than loop",
                req->service, req->operation, p->pages);
        goto done;
    }
    if (p->pages >= p->spec.max_pages) {
        err_set(&e, ERR_SERVICE, "%s %s: more than %d pages; stopped (the list is incomplete)",
                req->service, req->operation, p->spec.max_pages);
        goto done;
    }
    free(p->token);
    p->token = next;
    next = NULL;
    if (submit(p, &e) == 0)
        return;
done:
    free(next);
    finish(p, &e);
}

static int submit(struct pager *p, struct err *e)
{
    struct http_request req;

    if (p->spec.build(p->spec.ctx, &req, p->token, e) != 0)
        return -1;
    req.prepare = p->spec.prepare;
    req.prepare_ctx = p->spec.prepare_ctx;
    return http_submit(p->c, &req, on_page, p, e);
}

int pager_start(struct http_client *c, const struct pager_spec *spec, struct err *e)
{
    struct pager *p = calloc(1, sizeof(*p));

    if (p == NULL)
        return err_set(e, ERR_NOMEM, "out of memory starting a paged list");
    p->spec = *spec;
    p->c = c;
    if (p->spec.max_pages <= 0)
        p->spec.max_pages = PAGER_MAX_PAGES;
    if (submit(p, e) != 0) {
        free(p);
        return -1;
    }
    return 0;
}

/* pager_run's own ctx around the caller's spec: the outcome and the caller's callbacks. */
struct run_ctx {
    int finished;
    int pages;
    struct err err;
    const struct pager_spec *user;
};

static int run_build(void *ctx, struct http_request *req, const char *token, struct err *e)
{
    struct run_ctx *r = ctx;
    return r->user->build(r->user->ctx, req, token, e);
}

static int run_page(void *ctx, const char *body, size_t len, char **next, struct err *e)
{
    struct run_ctx *r = ctx;
    return r->user->page(r->user->ctx, body, len, next, e);
}

static void run_finish(void *ctx, int pages, const struct err *e)
{
    struct run_ctx *r = ctx;

    r->finished = 1;
    r->pages = pages;
    r->err = *e;
}

int pager_run(struct http_client *c, const struct pager_spec *spec, int *pages, struct err *e)
{
    struct run_ctx r = {0, 0, ERR_INIT, spec};
    struct pager_spec s = *spec;

    s.build = run_build;
    s.page = run_page;
    s.done = run_finish;
    s.ctx = &r;
    if (pager_start(c, &s, e) != 0)
        return -1;
    while (!r.finished && http_run(c, -1) > 0)
        ;
    if (pages)
        *pages = r.pages;
    if (!r.finished)
        return err_set(e, ERR_INTERNAL, "a paged list did not finish while the client ran");
    if (r.err.code != ERR_OK)
        return err_set_http(e, r.err.code, r.err.http_status, "%s", r.err.msg);
    return 0;
}
