/* tui/doctor.h: the checks behind `pipetop doctor` — local ones (config, history database, log
 * file, credentials, region, project) and the network probes (STS GetCallerIdentity, a Google
 * token, DTS transferConfigs.list, BigQuery datasets.list) that run concurrently through the
 * session's HTTP client, plus the clock comparison against the servers' Date headers.
 * tui/doctor_checks.c (local), tui/doctor_probes.c (network); tui/cmd_doctor.c prints. */
#ifndef TUI_DOCTOR_H
#define TUI_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/aws_sign.h"
#include "core/checklist.h"
#include "core/http.h"
#include "tui/session.h"

/* How long the network part may take in all (each attempt is bounded by the session's timeouts
 * too). A probe without an answer by then is reported as such. */
#define DOCTOR_DEADLINE_MS 20000

/* One asynchronous call and what came back. */
struct probe {
    bool submitted, done;
    struct http_response resp; /* moved from the engine */
    struct err err;            /* ERR_OK on a 2xx answer */
    int64_t local_ms;          /* local wall time when it finished */
    struct check *line;        /* its line in the report, filled when it finishes */
};

struct doctor {
    struct session *s;
    struct checklist list;
    const struct aws_creds *creds; /* borrowed from the provider; NULL when none */
    struct aws_signer signer;
    struct aws_endpoint sts_ep;
    bool have_token;
    char project[256];
    char location[64];
    struct probe sts, dts, bq;
};

/* Local checks, in report order; each appends one line. */
void doctor_check_config(struct doctor *d);
void doctor_check_files(struct doctor *d);
void doctor_check_aws(struct doctor *d);
void doctor_check_google(struct doctor *d);

/* Network probes: submit what can be submitted (each adds its line, filled in later), run them
 * with the deadline, then fill the lines and add the clock line. */
void doctor_probe_sts(struct doctor *d);
void doctor_probe_google(struct doctor *d);
void doctor_probes_finish(struct doctor *d);
void doctor_release(struct doctor *d);

#endif
