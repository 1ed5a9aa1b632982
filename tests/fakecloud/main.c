/* tests/fakecloud/main.c: `fakecloud --scenario FILE --workdir DIR [--port N] [--seed S]
 * [--tls-cert PEM --tls-key PEM]`:
 * loads the scenario, listens on 127.0.0.1 (a free port unless --port), writes DIR/env.sh and
 * DIR/calls.jsonl, prints "READY port=N" and serves until SIGTERM/SIGINT, then stops cleanly
 * and exits 0. Never daemonizes and never listens beyond loopback. */
#include "tests/fakecloud/fakecloud.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
    fputs("usage: fakecloud --scenario FILE --workdir DIR [--port N] [--seed S]\n"
          "                 [--tls-cert PEM --tls-key PEM] [--page-size N] [--clock-offset-s N]\n"
          "  Serves the fake AWS/GCP APIs on 127.0.0.1; prints READY port=N when listening;\n"
          "  writes DIR/env.sh (export lines) and DIR/calls.jsonl (one line per request).\n"
          "  --page-size N forces every list's page size; --clock-offset-s N shifts the fake's\n"
          "  clock (both override the scenario's page_size / clock_offset_s).\n",
          stderr);
}

/* The whole of a PEM file, malloc'd; NULL (with a message) when unreadable. */
static char *read_pem(const char *path)
{
    FILE *f = fopen(path, "r");
    char *data = NULL;
    size_t n = 0;

    if (f != NULL) {
        data = calloc(1, 65537);
        n = data ? fread(data, 1, 65536, f) : 0;
        fclose(f);
    }
    if (data == NULL || n == 0) {
        fprintf(stderr, "fakecloud: cannot read %s\n", path);
        free(data);
        return NULL;
    }
    return data;
}

static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
    char *end;

    errno = 0;
    *out = strtoul(s, &end, 10);
    return (errno || end == s || *end || *out > max) ? -1 : 0;
}

static int parse_long(const char *s, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(s, &end, 10);
    return (errno || end == s || *end) ? -1 : 0;
}

static int modules_init(struct fakecloud *fc)
{
    for (size_t i = 0; i < fc_n_modules && i < sizeof(fc->world) / sizeof(fc->world[0]); i++) {
        if (fc_modules[i].init && fc_modules[i].init(fc, &fc->world[i]) != 0) {
            fprintf(stderr, "fakecloud: module %s failed to start\n", fc_modules[i].name);
            return -1;
        }
    }
    return 0;
}

static void modules_fini(struct fakecloud *fc)
{
    for (size_t i = 0; i < fc_n_modules && i < sizeof(fc->world) / sizeof(fc->world[0]); i++)
        if (fc_modules[i].fini)
            fc_modules[i].fini(fc, fc->world[i]);
}

static int run(struct fakecloud *fc, const char *scenario, unsigned long port)
{
    char errbuf[512], path[1100];
    sigset_t set;
    int sig;

    if (fc_scenario_load(&fc->scen, scenario, errbuf, sizeof(errbuf)) != 0 ||
        fc_faults_load(fc, json_object_get(fc->scen.root, "faults"), errbuf, sizeof(errbuf)) != 0) {
        fprintf(stderr, "fakecloud: %s\n", errbuf);
        return 2;
    }
    snprintf(path, sizeof(path), "%s/calls.jsonl", fc->workdir);
    if ((fc->calls = fopen(path, "w")) == NULL) {
        fprintf(stderr, "fakecloud: cannot write %s: %s\n", path, strerror(errno));
        return 2;
    }
    if (modules_init(fc) != 0)
        return 2;
    if (fc_server_start(fc, (unsigned short)port, errbuf, sizeof(errbuf)) != 0) {
        fprintf(stderr, "fakecloud: %s\n", errbuf);
        return 2;
    }
    snprintf(path, sizeof(path), "%s/env.sh", fc->workdir);
    if (fc_env_write(fc, path) != 0) {
        fprintf(stderr, "fakecloud: cannot write %s: %s\n", path, strerror(errno));
        fc_server_stop(fc);
        return 2;
    }
    printf("READY port=%u\n", fc->port);
    fflush(stdout);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigwait(&set, &sig);
    fc_server_stop(fc);
    return 0;
}

int main(int argc, char **argv)
{
    static struct fakecloud fc;
    const char *scenario = NULL, *workdir = NULL, *cert = NULL, *key = NULL;
    unsigned long port = 0, seed = 0;
    sigset_t set;
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        }
        if (v == NULL) {
            usage();
            return 2;
        }
        if (strcmp(a, "--scenario") == 0)
            scenario = v;
        else if (strcmp(a, "--tls-cert") == 0)
            cert = v;
        else if (strcmp(a, "--tls-key") == 0)
            key = v;
        else if (strcmp(a, "--workdir") == 0)
            workdir = v;
        else if ((strcmp(a, "--port") == 0 && parse_num(v, 65535, &port) == 0) ||
                 (strcmp(a, "--seed") == 0 && parse_num(v, 0xffffffffUL, &seed) == 0))
            ;
        else if (strcmp(a, "--page-size") == 0 && parse_long(v, &fc.page_size) == 0 &&
                 fc.page_size >= 0)
            fc.has_page_size = 1;
        else if (strcmp(a, "--clock-offset-s") == 0 && parse_long(v, &fc.clock_offset_s) == 0)
            fc.has_clock_offset = 1;
        else {
            fprintf(stderr, "fakecloud: bad argument %s %s\n", a, v);
            usage();
            return 2;
        }
        i++;
    }
    if (workdir == NULL || strlen(workdir) >= sizeof(fc.workdir)) {
        usage();
        return 2;
    }
    if ((cert != NULL) != (key != NULL) ||
        (cert && ((fc.tls_cert = read_pem(cert)) == NULL || (fc.tls_key = read_pem(key)) == NULL)))
        return 2;
    /* Block the stop signals in every thread; the main thread waits for them with sigwait. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    snprintf(fc.workdir, sizeof(fc.workdir), "%s", workdir);
    fc.seed = (unsigned int)seed;
    fc.rng = seed ? seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    pthread_mutex_init(&fc.lock, NULL);
    pthread_mutex_init(&fc.world_lock, NULL);
    rc = run(&fc, scenario, port);
    modules_fini(&fc);
    if (fc.calls)
        fclose(fc.calls);
    fc_scenario_release(&fc.scen);
    free(fc.tls_cert);
    free(fc.tls_key);
    return rc;
}
