/* core/aws_sign.c: signs an http_request with SigV4 just before each attempt. The request's
 * URL is split exactly as libcurl will send it (no re-encoding), so the signature covers the
 * bytes on the wire. Never writes the secret key anywhere. */
#include "core/aws_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sigv4.h"

int aws_sign_prepare(void *ctx, struct http_request *req, int64_t now_ms, struct err *e)
{
    const struct aws_signer *s = ctx;
    char *host = NULL, *path, *query;
    size_t len;
    struct sigv4_input in = {0};
    struct sigv4_result out;
    int rc = -1;

    if (s == NULL || s->creds == NULL || s->creds->access_key_id == NULL ||
        s->creds->secret_access_key == NULL)
        return err_set(e, ERR_AUTH, "%s %s: no AWS credentials to sign with",
                       req->service ? req->service : "aws",
                       req->operation ? req->operation : "call");
    len = strlen(req->url) + 2;
    host = malloc(3 * len);
    if (host == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    path = host + len;
    query = path + len;
    if (sigv4_split_url(req->url, host, len, path, len, query, len, e) ||
        http_headers_set(&req->headers, "Host", host, e))
        goto out;
    in.method = req->method;
    in.path = path;
    in.query = query;
    in.headers = &req->headers;
    in.body = req->body;
    in.body_len = req->body ? req->body_len : 0;
    in.access_key_id = s->creds->access_key_id;
    in.secret_access_key = s->creds->secret_access_key;
    in.session_token = s->creds->session_token;
    in.region = s->region;
    in.service = s->service;
    in.time_ms = now_ms;
    in.flags = s->flags                        ? s->flags
               : strcmp(s->service, "s3") == 0 ? SIGV4_FLAGS_S3
                                               : SIGV4_FLAGS_DEFAULT;
    if (sigv4_sign(&out, &in, e) == 0) {
        rc = 0;
        for (size_t i = 0; i < out.n_add && rc == 0; i++)
            rc = http_headers_set(&req->headers, out.add_name[i], out.add_value[i], e);
    }
    sigv4_result_release(&out);
out:
    free(host);
    return rc;
}
