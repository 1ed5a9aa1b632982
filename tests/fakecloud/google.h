/* tests/fakecloud/google.h: the fake Google side — OAuth 2 (a service-account key and an
 * authorized_user file generated at start, the token endpoint checking the jwt-bearer assertion
 * as Google does, the refresh-token grant, a GCE metadata server) and the bearer-token check
 * every Google route runs first (the DTS and BigQuery handlers are in gcp.h). Scenario section
 * "gcp": project, location, project_number, token_ttl_s. Answers use Google's real shapes.
 * Test support only. */
#ifndef TESTS_FAKECLOUD_GOOGLE_H
#define TESTS_FAKECLOUD_GOOGLE_H

#include "tests/fakecloud/fakecloud.h"

/* fc_modules[] entry "google": RSA-2048 key generation and the OAuth state. */
int fc_google_init(struct fakecloud *fc, void **world);
void fc_google_fini(struct fakecloud *fc, void *world);

/* Writes DIR/service_account.json and DIR/authorized_user.json (mode 0600) with token_uri
 * http://127.0.0.1:PORT/token; called by env.c once the port is known. 0 or -1. */
int fc_google_write_credentials(const struct fakecloud *fc);

/* 0 when the request carries "Authorization: Bearer T" with T issued here and unexpired; else
 * fills r with Google's 401 UNAUTHENTICATED answer and returns 1. */
int fc_google_authorize(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);

/* Google's error body {"error":{"code","message"[,"errors"],"status"}}; reason (may be NULL)
 * adds the legacy BigQuery v2 errors[] entry. Returns 0 or -1 like fc_respond(). */
int fc_google_error(struct fc_response *r, int code, const char *status, const char *reason,
                    const char *message);

/* Routes. */
int fc_google_token(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_google_metadata_token(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);
int fc_google_metadata_project(struct fakecloud *fc, struct fc_request *req, struct fc_response *r);

#endif
