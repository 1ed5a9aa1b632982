/* core/reqbuild.h: pieces every API client's request builder shares — joining an endpoint and a
 * path, AWS Query form bodies and query strings encoded the SigV4 way (RFC 3986 unreserved set,
 * space as %20, never '+'), JSON bodies through jansson, and the equivalent `aws`/`bq` command
 * line for the command log (shell-quoted). Builds requests; never sends or signs them. */
#ifndef CORE_REQBUILD_H
#define CORE_REQBUILD_H

#include <stddef.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/http.h"

#define REQBUILD_MAX (1024u * 1024u) /* bound of a built URL, form body or command line */

/* Appends "name=value" to a form body or query string, with '&' before it unless b is empty. Name
 * and value are percent-encoded (RFC 3986 unreserved kept; '/' encoded). Returns -1 when b is
 * full. A NULL value adds nothing. */
int reqbuild_param(struct buf *b, const char *name, const char *value);
/* The same for an integer value. */
int reqbuild_param_long(struct buf *b, const char *name, long long value);

/* Appends s percent-encoded as one path segment ('/' encoded too) or, with keep_slash, as a
 * path ('/' kept). Returns -1 when b is full. */
int reqbuild_path(struct buf *b, const char *s, int keep_slash);

/* Starts a URL: endpoint without its trailing '/' into b. Returns -1 (ERR_USAGE) for an empty
 * endpoint or one that is not http(s)://. */
int reqbuild_base(struct buf *b, const char *endpoint, struct err *e);

/* Fills req for a call: method, url (from b), body (may be NULL), headers as name/value pairs
 * (NULL-terminated list), command line (may be NULL; taken over). On failure req is released.
 * Returns -1 (ERR_NOMEM) when memory or a bound runs out. */
int reqbuild_finish(struct http_request *req, const char *service, const char *operation,
                    const char *method, struct buf *url, const char *body, size_t body_len,
                    const char *const *headers, struct buf *command, struct err *e);

/* Serialises a JSON request body the way the AWS SDKs and Google clients send it (insertion
 * order, ", " and ": " separators) into *out (caller frees). Returns -1 (ERR_NOMEM). */
int reqbuild_json(char **out, const json_t *body, struct err *e);

/* An AWS JSON 1.0/1.1 call: POST {endpoint}/ with X-Amz-Target: target and Content-Type:
 * content_type, body serialised by reqbuild_json(), the command line taken from cmd (released).
 * On failure req is left empty. */
int reqbuild_aws_json(struct http_request *req, const char *service, const char *operation,
                      const char *endpoint, const char *target, const char *content_type,
                      const json_t *body, struct buf *cmd, struct err *e);

/* Command-line pieces: " word" shell-quoted when needed ('...' with embedded quotes escaped). */
int reqbuild_arg(struct buf *cmd, const char *word);
/* " --flag value" (value quoted), nothing when value is NULL. */
int reqbuild_opt(struct buf *cmd, const char *flag, const char *value);
/* " --endpoint-url URL" when endpoint is not an amazonaws.com host (an override is in use). */
int reqbuild_aws_endpoint(struct buf *cmd, const char *endpoint);

/* Reports a full buffer while building (ERR_NOMEM naming the call). Always -1. */
int reqbuild_toobig(struct err *e, const char *call);

#endif
