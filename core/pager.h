/* core/pager.h: follows a list call's pages to the end through the HTTP engine. Each page is a
 * request made by the client's builder with the previous page's token and read by its parser;
 * the next page is submitted from the previous one's completion, so many pagers can run at once on
 * one http_client. A token returned twice, or more than max_pages pages, stops with an error:
 * never an endless loop, never a silently short list. Knows no service; see core/listall.h. */
#ifndef CORE_PAGER_H
#define CORE_PAGER_H

#include <stddef.h>

#include "core/err.h"
#include "core/http.h"

#define PAGER_MAX_PAGES 10000

/* Builds the request for the page after token (NULL for the first page). */
typedef int (*pager_build_fn)(void *ctx, struct http_request *req, const char *token,
                              struct err *e);
/* Reads one 2xx page: keeps its items (in ctx) and sets *next to the next token (heap; "" or NULL
 * on the last page). */
typedef int (*pager_page_fn)(void *ctx, const char *body, size_t len, char **next, struct err *e);
/* A non-2xx answer into e (the clients' *_error functions). Returns -1. */
typedef int (*pager_error_fn)(struct err *e, const char *operation, long status,
                              const struct http_headers *h, const char *body, size_t len);
/* Called once, after the last page or the first failure (e->code ERR_OK on success). */
typedef void (*pager_done_fn)(void *ctx, int pages, const struct err *e);

struct pager_spec {
    pager_build_fn build;
    pager_page_fn page;
    pager_error_fn error;
    pager_done_fn done; /* may be NULL */
    void *ctx;
    http_prepare_fn prepare; /* signing / bearer token for every page; may be NULL */
    void *prepare_ctx;
    int max_pages; /* 0 = PAGER_MAX_PAGES */
};

/* Submits the first page; the rest follow as pages complete while the client runs (http_run).
 * spec is copied; ctx and prepare_ctx must outlive the pager. Returns -1 when the first page
 * cannot be built or submitted (done is not called then). */
int pager_start(struct http_client *c, const struct pager_spec *spec, struct err *e);

/* Synchronous form: every page, driving the client until the list is complete. *pages (may be
 * NULL) gets the number of pages read. Returns 0, or -1 with e set (spec->done is not used). */
int pager_run(struct http_client *c, const struct pager_spec *spec, int *pages, struct err *e);

#endif
