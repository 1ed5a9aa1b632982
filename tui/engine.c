/* tui/engine.c: the engine thread of the dashboard (tui/engine.h): a session of its own, timed
 * and requested refreshes through refresh_run() (tui/refresh.h), status under a mutex and a
 * self-pipe to wake the UI. It never touches curses and never blocks the UI thread. */
#include "tui/engine.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/listall.h"
#include "core/refresh_report.h"
#include "tui/refresh.h"
#include "tui/session.h"

struct engine {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int pipe[2];
    bool stop, want, started, exited;
    int interval_s;
    struct engine_status st;
    struct config_overrides ov;
    char *config_path, *db_path;
    struct session *s; /* opened by engine_start, then the thread's alone */
    /* one transfer-log request at a time */
    char *logs_run;
    enum engine_logs_state logs_state;
    char *logs_text;
    bool logs_want;
};

static void wake(struct engine *g)
{
    char c = 1;
    ssize_t n = write(g->pipe[1], &c, 1); /* a full pipe already wakes the UI */
    (void)n;
}

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fills env from the session; endpoint texts live in eps. */
static void env_fill(struct refresh_env *env, struct session *s, struct aws_endpoint eps[3])
{
    static const char *const svc[3] = {"dynamodb", "rds", "events"};
    const char **dst[3] = {&env->ddb_endpoint, &env->rds_endpoint, &env->events_endpoint};
    struct err e = ERR_INIT;

    memset(env, 0, sizeof(*env));
    env->cfg = s->cfg;
    env->db = s->db;
    env->http = s->http;
    env->aws_creds = s->aws_creds;
    env->aws_err = s->aws_creds == NULL ? &s->aws_err : NULL;
    env->aws_region = s->aws_region;
    for (int i = 0; i < 3; i++)
        if (s->aws != NULL && session_aws_endpoint(s, svc[i], &eps[i], &e) == 0)
            *dst[i] = eps[i].url;
    env->gauth = s->gauth;
    env->google_err = s->gauth == NULL ? &s->google_err : NULL;
    env->gcp_project = session_gcp_project(s, NULL, 0);
    env->gcp_location = session_gcp_location(s);
    env->dts_endpoint = session_dts_endpoint(s);
    env->bq_endpoint = session_bigquery_endpoint(s);
}

static void refresh_once(struct engine *g, struct session *s)
{
    struct refresh_env env;
    struct aws_endpoint eps[3];
    struct refresh_report rep;
    struct err e = ERR_INIT;
    char sum[400];
    int rc;

    env_fill(&env, s, eps);
    rc = refresh_run(&env, &rep, &e);
    refresh_report_summary(&rep, sum, sizeof(sum));
    pthread_mutex_lock(&g->mu);
    g->st.running = false;
    g->st.ended_ms = wall_ms();
    g->st.finished++;
    g->st.last = rc == 0 ? (int)rep.status : REFRESH_FAILED;
    g->st.offline = rc != 0 || rep.status == REFRESH_FAILED;
    if (rc != 0)
        snprintf(g->st.detail, sizeof(g->st.detail), "refresh failed: %.400s", e.msg);
    else if (rep.status == REFRESH_FAILED && rep.n_gaps > 0)
        snprintf(g->st.detail, sizeof(g->st.detail), "%.80s: %.400s", rep.gaps[0].what,
                 rep.gaps[0].err.msg);
    else if (rep.status == REFRESH_PARTIAL && rep.n_gaps > 0)
        snprintf(g->st.detail, sizeof(g->st.detail), "partial (%zu gap%s; first: %.60s: %.380s)",
                 rep.n_gaps, rep.n_gaps == 1 ? "" : "s", rep.gaps[0].what, rep.gaps[0].err.msg);
    else
        snprintf(g->st.detail, sizeof(g->st.detail), "%s", sum);
    pthread_mutex_unlock(&g->mu);
    refresh_report_release(&rep);
}

/* Fetches every page of the run's transfer messages; the text goes to g->logs_text. */
static void logs_once(struct engine *g, struct session *s, const char *run)
{
    struct listall_dts_messages q = {session_dts_endpoint(s), run, NULL, 0, {NULL, 0, NULL}};
    struct pager_spec spec;
    struct buf b = BUF_INIT(1 << 20);
    struct err e = ERR_INIT;
    int pages = 0, rc = -1;

    if (s->gauth == NULL) {
        err_set(&e, s->google_err.code, "%s", s->google_err.msg);
    } else {
        listall_dts_messages(&spec, &q, gauth_prepare, s->gauth);
        rc = pager_run(s->http, &spec, &pages, &e);
    }
    for (size_t i = 0; rc == 0 && i < q.result.n; i++) {
        char t[40];
        time_format_local(q.result.v[i].time_ms, t, sizeof(t));
        buf_printf(&b, "%s %s %s\n", t, q.result.v[i].severity ? q.result.v[i].severity : "-",
                   q.result.v[i].text ? q.result.v[i].text : "");
    }
    if (rc == 0 && q.result.n == 0)
        buf_puts(&b, "(the run has no transfer messages)\n");
    dts_messages_release(&q.result);
    pthread_mutex_lock(&g->mu);
    if (g->logs_run != NULL && strcmp(g->logs_run, run) == 0) {
        free(g->logs_text);
        g->logs_text = rc == 0 ? buf_detach(&b) : strdup(e.msg);
        g->logs_state = rc == 0 ? LOGS_READY : LOGS_FAILED;
    }
    pthread_mutex_unlock(&g->mu);
    buf_release(&b);
}

static void *engine_main(void *arg)
{
    struct engine *g = arg;
    struct session *s = g->s;

    pthread_mutex_lock(&g->mu);
    g->st.ready = true;
    g->want = true;
    while (!g->stop) {
        int64_t now = wall_ms();
        if (g->logs_want) {
            char *run = strdup(g->logs_run);
            g->logs_want = false;
            pthread_mutex_unlock(&g->mu);
            if (run != NULL)
                logs_once(g, s, run);
            free(run);
            wake(g);
            pthread_mutex_lock(&g->mu);
            continue;
        }
        if (!g->want && now < g->st.next_ms) {
            struct timespec ts = {(time_t)(g->st.next_ms / 1000),
                                  (long)(g->st.next_ms % 1000) * 1000000};
            pthread_cond_timedwait(&g->cv, &g->mu, &ts);
            continue;
        }
        g->want = false;
        g->st.running = true;
        g->st.started_ms = now;
        pthread_mutex_unlock(&g->mu);
        wake(g);
        refresh_once(g, s);
        pthread_mutex_lock(&g->mu);
        g->st.next_ms = wall_ms() + (int64_t)g->interval_s * 1000;
        pthread_mutex_unlock(&g->mu);
        wake(g);
        pthread_mutex_lock(&g->mu);
    }
    g->exited = true;
    pthread_mutex_unlock(&g->mu);
    session_close(s);
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

int engine_start(struct engine **out, const struct config_overrides *ov, int *wake_fd,
                 struct err *e)
{
    struct engine *g = calloc(1, sizeof(*g));
    pthread_condattr_t ca;
    struct session_options so;
    struct err serr = ERR_INIT;

    *out = NULL;
    if (g == NULL)
        return err_set(e, ERR_NOMEM, "out of memory starting the engine");
    g->config_path = dup_or_null(ov->config_path);
    g->db_path = dup_or_null(ov->db_path);
    g->ov = (struct config_overrides){g->config_path, g->db_path, ov->read_only};
    so = (struct session_options){g->ov, 5000, 15000, 3, false};
    g->interval_s = 30;
    g->st.last = -1;
    if (pipe(g->pipe) != 0) {
        err_set(e, ERR_INTERNAL, "cannot make the engine's wake-up pipe: %s", strerror(errno));
        free(g);
        return -1;
    }
    for (int i = 0; i < 2; i++)
        fcntl(g->pipe[i], F_SETFL, fcntl(g->pipe[i], F_GETFL) | O_NONBLOCK);
    pthread_mutex_init(&g->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_cond_init(&g->cv, &ca);
    pthread_condattr_destroy(&ca);
    *wake_fd = g->pipe[0];
    *out = g;
    /* The session is opened here, in the caller's thread (no network call is made: credentials
     * are fetched on first use), so selecting the configured time zone never races the UI. */
    if (session_open(&g->s, &so, &serr) != 0 ||
        session_require(g->s, SESSION_NEED_CONFIG | SESSION_NEED_DB, &serr) != 0) {
        session_close(g->s);
        g->s = NULL;
        g->exited = true;
        g->st.offline = true;
        snprintf(g->st.detail, sizeof(g->st.detail), "refresh unavailable: %.400s", serr.msg);
        return 0; /* the dashboard still shows the history */
    }
    if (pthread_create(&g->thread, NULL, engine_main, g) != 0) {
        session_close(g->s);
        *out = NULL;
        *wake_fd = -1;
        close(g->pipe[0]);
        close(g->pipe[1]);
        free(g->config_path);
        free(g->db_path);
        free(g);
        return err_set(e, ERR_INTERNAL, "cannot start the engine thread");
    }
    g->started = true;
    return 0;
}

bool engine_request_refresh(struct engine *g)
{
    bool ok;

    pthread_mutex_lock(&g->mu);
    ok = g->st.ready && !g->st.running && !g->exited;
    if (ok) {
        g->want = true;
        pthread_cond_signal(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    return ok;
}

bool engine_request_logs(struct engine *g, const char *run_name)
{
    bool ok;
    char *dup = strdup(run_name);

    pthread_mutex_lock(&g->mu);
    ok = dup != NULL && g->st.ready && !g->exited;
    if (ok) {
        free(g->logs_run);
        free(g->logs_text);
        g->logs_run = dup;
        g->logs_text = NULL;
        g->logs_state = LOGS_PENDING;
        g->logs_want = true;
        pthread_cond_signal(&g->cv);
    } else {
        free(dup);
    }
    pthread_mutex_unlock(&g->mu);
    return ok;
}

enum engine_logs_state engine_logs(struct engine *g, const char *run_name, char **text)
{
    enum engine_logs_state st = LOGS_NONE;

    *text = NULL;
    pthread_mutex_lock(&g->mu);
    if (g->logs_run != NULL && strcmp(g->logs_run, run_name) == 0) {
        st = g->logs_state;
        if (g->logs_text != NULL)
            *text = strdup(g->logs_text);
    }
    pthread_mutex_unlock(&g->mu);
    return st;
}

void engine_set_interval(struct engine *g, int seconds)
{
    if (seconds < ENGINE_MIN_INTERVAL_S)
        seconds = ENGINE_MIN_INTERVAL_S;
    pthread_mutex_lock(&g->mu);
    if (seconds != g->interval_s && g->st.next_ms > 0) {
        g->st.next_ms += (int64_t)(seconds - g->interval_s) * 1000;
        pthread_cond_signal(&g->cv);
    }
    g->interval_s = seconds;
    pthread_mutex_unlock(&g->mu);
}

void engine_status_get(struct engine *g, struct engine_status *out)
{
    pthread_mutex_lock(&g->mu);
    *out = g->st;
    pthread_mutex_unlock(&g->mu);
}

void engine_drain(struct engine *g)
{
    char b[64];

    while (read(g->pipe[0], b, sizeof(b)) > 0)
        ;
}

bool engine_stop(struct engine *g, int wait_ms)
{
    struct timespec ts;
    bool exited = false;

    if (g == NULL)
        return true;
    if (!g->started) {
        exited = true;
        goto release;
    }
    pthread_mutex_lock(&g->mu);
    g->stop = true;
    pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
    clock_gettime(CLOCK_MONOTONIC, &ts); /* a wall-clock step must not stretch the wait */
    ts.tv_sec += wait_ms / 1000;
    ts.tv_nsec += (long)(wait_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    exited = pthread_clockjoin_np(g->thread, NULL, CLOCK_MONOTONIC, &ts) == 0;
    if (!exited)
        return false; /* still inside a network call: the process exit ends it */
release:
    close(g->pipe[0]);
    close(g->pipe[1]);
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    free(g->config_path);
    free(g->db_path);
    free(g->logs_run);
    free(g->logs_text);
    free(g);
    return true;
}
