/* tui/engine_action.c: the dashboard's action thread (tui/engine_action.h): the job list under
 * a mutex, the loop that plans queued jobs and runs confirmed ones one at a time, the stream
 * that turns action_run's progress lines into the job's log, and the UI's copies. The work of
 * a job is in tui/engine_action_job.c. Never touches curses; never blocks the UI thread. */
#include "tui/engine_action_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

static void wake(struct actor *a)
{
    char c = 1;
    ssize_t n = write(a->pipe[1], &c, 1); /* a full pipe already wakes the UI */
    (void)n;
}

const char *act_state_name(enum act_state s)
{
    static const char *const names[] = {"queued", "planning", "confirm",       "running",  "done",
                                        "FAILED", "REFUSED",  "nothing to do", "cancelled"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

bool act_state_is_final(enum act_state s)
{
    return s >= ACT_DONE;
}

void actor_set(struct actor *a, struct job *j, enum act_state st, const char *why)
{
    pthread_mutex_lock(&a->mu);
    j->pub.state = st;
    if (why != NULL)
        snprintf(j->pub.why, sizeof(j->pub.why), "%s", why);
    if (st == ACT_RUNNING)
        j->pub.started_ms = clock_now_ms(NULL);
    if (act_state_is_final(st))
        j->pub.ended_ms = clock_now_ms(NULL);
    a->gen++;
    pthread_mutex_unlock(&a->mu);
    wake(a);
}

struct stream {
    struct actor *a;
    struct buf *b;
};

static ssize_t stream_write(void *cookie, const char *p, size_t n)
{
    struct stream *st = cookie;

    pthread_mutex_lock(&st->a->mu);
    if (buf_append(st->b, p, n) != 0 && st->b->toobig) {
        buf_reset(st->b); /* a very long action: keep the latest steps */
        buf_puts(st->b, "(earlier steps cut)\n");
        buf_append(st->b, p, n);
    }
    st->a->gen++;
    pthread_mutex_unlock(&st->a->mu);
    wake(st->a);
    return (ssize_t)n;
}

static int stream_close(void *cookie)
{
    free(cookie);
    return 0;
}

FILE *actor_stream(struct actor *a, struct buf *b)
{
    struct stream *st = malloc(sizeof(*st));
    cookie_io_functions_t io = {NULL, stream_write, NULL, stream_close};
    FILE *f;

    if (st == NULL)
        return NULL;
    st->a = a;
    st->b = b;
    f = fopencookie(st, "w", io);
    if (f == NULL) {
        free(st);
        return NULL;
    }
    setvbuf(f, NULL, _IOLBF, 0); /* each step shows as soon as its line ends */
    return f;
}

/* The next thing to do, or NULL; *run says whether it is to be run (else planned/dropped). */
static struct job *next_job(struct actor *a, int *what)
{
    for (size_t i = 0; i < a->n; i++) {
        struct job *j = a->jobs[i];
        if (j->pub.state == ACT_QUEUED) {
            j->pub.state = ACT_PLANNING;
            *what = 0;
            return j;
        }
        if (j->pub.state == ACT_CONFIRM && (j->confirmed || j->cancelled)) {
            if (j->confirmed)
                j->pub.state = ACT_RUNNING;
            *what = j->confirmed ? 1 : 2;
            return j;
        }
    }
    return NULL;
}

static void *actor_main(void *arg)
{
    struct actor *a = arg;

    pthread_mutex_lock(&a->mu);
    while (!a->stop) {
        int what = 0;
        struct job *j = next_job(a, &what);
        if (j == NULL) {
            pthread_cond_wait(&a->cv, &a->mu);
            continue;
        }
        a->gen++;
        pthread_mutex_unlock(&a->mu);
        wake(a);
        if (what == 0)
            job_prepare(a, j);
        else if (what == 1)
            job_run(a, j);
        else
            job_cancelled(a, j);
        pthread_mutex_lock(&a->mu);
    }
    a->exited = true;
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

int actor_start(struct actor **out, const struct config_overrides *ov, int *wake_fd, struct err *e)
{
    struct actor *a = calloc(1, sizeof(*a));
    struct session_options so;

    *out = NULL;
    if (a == NULL)
        return err_set(e, ERR_NOMEM, "out of memory starting the action thread");
    if (pipe(a->pipe) != 0) {
        err_set(e, ERR_INTERNAL, "cannot make the action thread's wake-up pipe: %s",
                strerror(errno));
        free(a);
        return -1;
    }
    for (int i = 0; i < 2; i++)
        fcntl(a->pipe[i], F_SETFL, fcntl(a->pipe[i], F_GETFL) | O_NONBLOCK);
    /* Opened here, in the caller's thread (no network call), like the engine's session. */
    so = (struct session_options){*ov, 5000, 30000, 3, false};
    if (session_open(&a->s, &so, e) != 0 ||
        session_require(a->s, SESSION_NEED_CONFIG | SESSION_NEED_DB, e) != 0) {
        err_prefix(e, "actions unavailable: ");
        goto fail;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    a->next_id = 1;
    if (pthread_create(&a->thread, NULL, actor_main, a) != 0) {
        err_set(e, ERR_INTERNAL, "cannot start the action thread");
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        goto fail;
    }
    a->started = true;
    *wake_fd = a->pipe[0];
    *out = a;
    return 0;
fail:
    session_close(a->s);
    close(a->pipe[0]);
    close(a->pipe[1]);
    free(a);
    return -1;
}

static void job_free(struct job *j)
{
    buf_release(&j->preview);
    buf_release(&j->log);
    job_release(j);
    free(j);
}

int actor_request(struct actor *a, enum act_kind k, const char *target, const char *from,
                  const char *to, int64_t action_id, struct err *e)
{
    static const char *const verbs[] = {"rerun",   "backfill",       "resume",
                                        "abandon", "schema refresh", "schema-apply"};
    struct job *j = calloc(1, sizeof(*j)), *drop = NULL;
    int id = -1;

    if (j == NULL)
        return err_set(e, ERR_NOMEM, "out of memory queueing the %s", verbs[k]);
    buf_init(&j->preview, 1u << 16);
    buf_init(&j->log, 1u << 18);
    j->pub.kind = k;
    snprintf(j->pub.verb, sizeof(j->pub.verb), "%s", verbs[k]);
    snprintf(j->pub.target, sizeof(j->pub.target), "%s", target ? target : "");
    snprintf(j->pub.from, sizeof(j->pub.from), "%s", from ? from : "");
    snprintf(j->pub.to, sizeof(j->pub.to), "%s", to ? to : from ? from : "");
    j->pub.action_id = action_id;
    pthread_mutex_lock(&a->mu);
    if (a->exited) {
        err_set(e, ERR_INTERNAL, "the action thread has stopped");
    } else {
        if (a->n == ACTOR_MAX_JOBS) { /* forget the oldest finished job */
            for (size_t i = 0; i < a->n && drop == NULL; i++)
                if (act_state_is_final(a->jobs[i]->pub.state)) {
                    drop = a->jobs[i];
                    memmove(&a->jobs[i], &a->jobs[i + 1], (a->n - i - 1) * sizeof(a->jobs[0]));
                    a->n--;
                }
        }
        if (a->n == ACTOR_MAX_JOBS) {
            err_set(e, ERR_REFUSED, "%d actions are queued or running: wait for one to end",
                    ACTOR_MAX_JOBS);
        } else {
            id = j->pub.id = a->next_id++;
            a->jobs[a->n++] = j;
            j = NULL;
            a->gen++;
            pthread_cond_signal(&a->cv);
        }
    }
    pthread_mutex_unlock(&a->mu);
    if (drop != NULL)
        job_free(drop);
    if (j != NULL)
        job_free(j);
    return id;
}

static bool answer(struct actor *a, int id, bool yes)
{
    bool ok = false;

    pthread_mutex_lock(&a->mu);
    for (size_t i = 0; i < a->n; i++) {
        struct job *j = a->jobs[i];
        if (j->pub.id != id)
            continue;
        if (j->pub.state == ACT_QUEUED || j->pub.state == ACT_PLANNING) {
            ok = !yes; /* cancelled before it was planned: dropped when planning ends */
            j->cancelled = ok;
        } else if (j->pub.state == ACT_CONFIRM && !j->confirmed && !j->cancelled) {
            ok = true;
            if (yes)
                j->confirmed = true;
            else
                j->cancelled = true;
        }
    }
    if (ok) {
        a->gen++;
        pthread_cond_signal(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return ok;
}

bool actor_confirm(struct actor *a, int job)
{
    return answer(a, job, true);
}

bool actor_cancel(struct actor *a, int job)
{
    return answer(a, job, false);
}

int actor_jobs(struct actor *a, struct act_job **out, size_t *n, unsigned *gen)
{
    struct act_job *v;
    int rc = 0;

    pthread_mutex_lock(&a->mu);
    *gen = a->gen;
    *n = 0;
    v = calloc(a->n + 1, sizeof(*v));
    for (size_t i = 0; v != NULL && i < a->n; i++) {
        v[i] = a->jobs[i]->pub;
        v[i].preview = a->jobs[i]->preview.len ? strdup(buf_cstr(&a->jobs[i]->preview)) : NULL;
        v[i].log = a->jobs[i]->log.len ? strdup(buf_cstr(&a->jobs[i]->log)) : NULL;
        (*n)++;
    }
    pthread_mutex_unlock(&a->mu);
    if (v == NULL)
        rc = -1;
    *out = v;
    return rc;
}

void act_jobs_free(struct act_job *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        free(v[i].preview);
        free(v[i].log);
    }
    free(v);
}

void actor_drain(struct actor *a)
{
    char b[64];

    while (read(a->pipe[0], b, sizeof(b)) > 0)
        ;
}

bool actor_stop(struct actor *a, int wait_ms)
{
    struct timespec ts;

    if (a == NULL)
        return true;
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += wait_ms / 1000;
    ts.tv_nsec += (long)(wait_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    if (pthread_timedjoin_np(a->thread, NULL, &ts) != 0)
        return false; /* inside an action: it stays interrupted in the database */
    for (size_t i = 0; i < a->n; i++)
        job_free(a->jobs[i]);
    session_close(a->s);
    close(a->pipe[0]);
    close(a->pipe[1]);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
    return true;
}
