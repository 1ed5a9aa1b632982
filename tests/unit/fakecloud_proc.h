/* tests/unit/fakecloud_proc.h: starts and stops the fake cloud server (tests/fakecloud) from a
 * unit test: a temporary workdir, the scenario written there, READY port=N read back. The binary
 * is $FAKECLOUD, else build/fakecloud or tests/fakecloud/fakecloud from the repository root. */
#ifndef TESTS_UNIT_FAKECLOUD_PROC_H
#define TESTS_UNIT_FAKECLOUD_PROC_H

#include <sys/types.h>

struct fakecloud_proc {
    pid_t pid;
    int port;
    char workdir[256];
    char url[64]; /* "http://127.0.0.1:PORT" */
};

/* Starts the server with scenario_json (NULL = "{}"). Returns 0, or -1 with a message on
 * stderr (binary missing, no READY within 20 s). */
int fakecloud_start(struct fakecloud_proc *p, const char *scenario_json);

/* The same with extra command-line arguments (NULL-terminated), e.g. --tls-cert/--tls-key. */
int fakecloud_start_with(struct fakecloud_proc *p, const char *scenario_json,
                         const char *const *extra_args);

/* SIGTERM, waits for the exit, removes the workdir. Returns the exit status (0 = clean). */
int fakecloud_stop(struct fakecloud_proc *p);

/* Replaces the fault settings (POST /_fake/faults body, e.g. {"fake":{"error_5xx_rate":1}}).
 * Returns 0 when the server accepted them. */
int fakecloud_faults(struct fakecloud_proc *p, const char *faults_json);

/* The body of GET url_path on the server (malloc'd), or NULL. */
char *fakecloud_get(struct fakecloud_proc *p, const char *url_path);

/* The contents of WORKDIR/name (malloc'd), or NULL. */
char *fakecloud_read_file(struct fakecloud_proc *p, const char *name);

#endif
