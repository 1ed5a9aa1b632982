/* tests/unit/fakecloud_proc.c: runs tests/fakecloud/fakecloud as a child process for unit tests
 * and talks to its /_fake control endpoints through the real HTTP engine. Kills only the child
 * it started. */
#include "tests/unit/fakecloud_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/http.h"

static const char *binary(void)
{
    const char *env = getenv("FAKECLOUD");

    if (env && *env)
        return env;
    if (access("build/fakecloud", X_OK) == 0)
        return "build/fakecloud";
    return "tests/fakecloud/fakecloud";
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Reads the child's stdout until "READY port=N\n" (20 s at most). */
static int read_ready(int fd)
{
    char line[256];
    size_t n = 0;
    int port = -1;

    while (n + 1 < sizeof(line)) {
        struct pollfd pfd = {fd, POLLIN, 0};
        ssize_t got;
        if (poll(&pfd, 1, 20000) <= 0)
            break;
        got = read(fd, line + n, 1);
        if (got <= 0)
            break;
        if (line[n] == '\n') {
            line[n] = '\0';
            if (sscanf(line, "READY port=%d", &port) == 1)
                return port;
            n = 0;
            continue;
        }
        n++;
    }
    return -1;
}

int fakecloud_start(struct fakecloud_proc *p, const char *scenario_json)
{
    return fakecloud_start_with(p, scenario_json, NULL);
}

int fakecloud_start_with(struct fakecloud_proc *p, const char *scenario_json,
                         const char *const *extra_args)
{
    char scen[300];
    const char *argv[32];
    int fds[2], n = 0;

    memset(p, 0, sizeof(*p));
    snprintf(p->workdir, sizeof(p->workdir), "/tmp/pipetop-fakecloud-XXXXXX");
    if (mkdtemp(p->workdir) == NULL)
        return -1;
    snprintf(scen, sizeof(scen), "%s/scenario.json", p->workdir);
    if (write_file(scen, scenario_json ? scenario_json : "{}") != 0 || pipe(fds) != 0)
        return -1;
    p->pid = fork();
    if (p->pid < 0)
        return -1;
    if (p->pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        argv[n++] = "fakecloud";
        argv[n++] = "--scenario";
        argv[n++] = scen;
        argv[n++] = "--workdir";
        argv[n++] = p->workdir;
        argv[n++] = "--seed";
        argv[n++] = "7";
        for (int i = 0; extra_args && extra_args[i] && n < 31; i++)
            argv[n++] = extra_args[i];
        argv[n] = NULL;
        execv(binary(), (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s (set FAKECLOUD)\n", binary(), strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    p->port = read_ready(fds[0]);
    close(fds[0]);
    if (p->port <= 0) {
        fprintf(stderr, "fakecloud (%s) did not print READY\n", binary());
        fakecloud_stop(p);
        return -1;
    }
    snprintf(p->url, sizeof(p->url), "http://127.0.0.1:%d", p->port);
    for (int i = 0; extra_args && extra_args[i]; i++)
        if (strcmp(extra_args[i], "--tls-cert") == 0)
            snprintf(p->url, sizeof(p->url), "https://127.0.0.1:%d", p->port);
    return 0;
}

int fakecloud_stop(struct fakecloud_proc *p)
{
    char cmd[300];
    int status = -1, rc = -1;

    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        if (waitpid(p->pid, &status, 0) == p->pid && WIFEXITED(status))
            rc = WEXITSTATUS(status);
        p->pid = 0;
    }
    if (p->workdir[0] && strncmp(p->workdir, "/tmp/pipetop-fakecloud-", 23) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->workdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", p->workdir);
    }
    p->workdir[0] = '\0';
    return rc;
}

static char *call(struct fakecloud_proc *p, const char *method, const char *path, const char *body,
                  long *status)
{
    struct http_client *c = NULL;
    struct http_request req;
    struct http_response resp;
    struct err e = ERR_INIT;
    char url[512];
    char *out = NULL;

    snprintf(url, sizeof(url), "%s%s", p->url, path);
    if (http_client_new(&c, NULL, &e) != 0)
        return NULL;
    if (http_request_init(&req, "fake", "control", method, url, &e) == 0 &&
        (body == NULL || http_request_set_body(&req, body, strlen(body), &e) == 0)) {
        if (http_do(c, &req, &resp, &e) == 0)
            out = buf_detach(&resp.body);
        *status = resp.status;
        http_response_release(&resp);
    }
    http_request_release(&req);
    http_client_free(c);
    return out;
}

int fakecloud_faults(struct fakecloud_proc *p, const char *faults_json)
{
    long status = 0;
    char *out = call(p, "POST", "/_fake/faults", faults_json, &status);

    free(out);
    return status == 200 ? 0 : -1;
}

char *fakecloud_get(struct fakecloud_proc *p, const char *url_path)
{
    long status = 0;
    return call(p, "GET", url_path, NULL, &status);
}

char *fakecloud_read_file(struct fakecloud_proc *p, const char *name)
{
    char path[512];
    FILE *f;
    char *data;
    long n;

    snprintf(path, sizeof(path), "%s/%s", p->workdir, name);
    if ((f = fopen(path, "rb")) == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    if (data)
        data[n] = '\0';
    fclose(f);
    return data;
}
