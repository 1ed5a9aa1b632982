/* tui/engine_action_job.c: the work of one job of the action thread (tui/engine_action.h), the
 * sequence `pipetop rerun` follows (tui/cmd_rerun.c): read-only and an action already in
 * flight refuse first; a fresh read of the clouds, the plan, the checks that refuse before any
 * mutating call, the preview; then, after the user's yes, the claim in the database (so no other
 * process starts the same days) and the chain, its progress a line at a time. Schema refresh is
 * a read and runs at once; abandon is confirmed first like the rest; schema-apply checks the
 * drift again, then (confirmed) patches the new fields in (tui/drift_apply.h). */
#include "tui/engine_action_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "tui/drift_apply.h"
#include "tui/gate.h"
#include "tui/schema_refresh.h"

static const char *verb_of(const struct job *j)
{
    if (j->pub.kind == ACT_RESUME)
        return j->have_old && j->old.kind == DB_ACTION_BACKFILL ? "backfill" : "rerun";
    return j->pub.verb;
}

static void audit_refused(struct actor *a, struct job *j, const char *why)
{
    struct err ae = ERR_INIT;

    gate_audit(a->s->db, j->pub.action_id, "outcome", verb_of(j), j->pub.target,
               j->pub.from[0] ? j->pub.from : NULL, NULL, j->pub.env[0] ? j->pub.env : NULL,
               "refused", why, &ae);
}

static void refuse(struct actor *a, struct job *j, const struct err *e)
{
    audit_refused(a, j, e->msg);
    job_release(j);
    actor_set(a, j, ACT_REFUSED, e->msg);
}

/* An active action (any process) covering the job's pipeline on one of its days: refused. */
static int in_flight(struct actor *a, struct job *j, struct err *e)
{
    struct db_action *v = NULL;
    size_t n = 0;
    int rc = 0;

    if (db_action_list(a->s->db, true, &v, &n, e) != 0)
        return -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (v[i].target == NULL || strcmp(v[i].target, j->pub.target) != 0 ||
            strcmp(v[i].day_to, j->pub.from) < 0 || strcmp(v[i].day_from, j->pub.to) > 0)
            continue;
        if (db_action_owner_alive(&v[i]))
            rc =
                err_set(e, ERR_REFUSED,
                        "%s refused: action #%lld (%s %s %s..%s) is already in flight in "
                        "process %ld, at step '%s'; nothing was started",
                        verb_of(j), (long long)v[i].id, db_action_kind_name(v[i].kind), v[i].target,
                        v[i].day_from, v[i].day_to, v[i].owner_pid, v[i].step ? v[i].step : "");
        else
            rc = err_set(e, ERR_REFUSED,
                         "%s refused: action #%lld (%s %s %s..%s) was interrupted at step '%s'; "
                         "press a, then u to resume it or x to abandon it",
                         verb_of(j), (long long)v[i].id, db_action_kind_name(v[i].kind),
                         v[i].target, v[i].day_from, v[i].day_to, v[i].step ? v[i].step : "");
    }
    db_actions_free(v, n);
    return rc;
}

/* The interrupted action a resume or abandon names: its days become the job's. */
static int adopt_old(struct actor *a, struct job *j, struct err *e)
{
    if (db_action_get(a->s->db, j->pub.action_id, &j->old, e) != 0)
        return -1;
    j->have_old = true;
    if (!db_action_status_is_active(j->old.status))
        return err_set(e, ERR_REFUSED, "%s refused: action #%lld is %s already", j->pub.verb,
                       (long long)j->old.id, db_action_status_name(j->old.status));
    if (db_action_owner_alive(&j->old))
        return err_set(e, ERR_REFUSED,
                       "%s refused: action #%lld is running in process %ld, not interrupted",
                       j->pub.verb, (long long)j->old.id, j->old.owner_pid);
    pthread_mutex_lock(&a->mu);
    snprintf(j->pub.target, sizeof(j->pub.target), "%s", j->old.target ? j->old.target : "");
    snprintf(j->pub.from, sizeof(j->pub.from), "%s", j->old.day_from);
    snprintf(j->pub.to, sizeof(j->pub.to), "%s", j->old.day_to);
    pthread_mutex_unlock(&a->mu);
    return 0;
}

static void prepare_abandon(struct actor *a, struct job *j)
{
    struct err e = ERR_INIT;

    if (adopt_old(a, j, &e) != 0) {
        refuse(a, j, &e);
        return;
    }
    pthread_mutex_lock(&a->mu);
    buf_printf(&j->preview,
               "action #%lld: %s %s %s..%s, last step '%s' (process %ld is gone)\n"
               "Abandoning releases its days so they can be rerun; nothing is sent to the clouds "
               "(a stage it started goes on there).\n",
               (long long)j->old.id, db_action_kind_name(j->old.kind), j->pub.target, j->pub.from,
               j->pub.to, j->old.step ? j->old.step : "", j->old.owner_pid);
    j->pub.n_days = 1;
    snprintf(j->pub.env, sizeof(j->pub.env), "local history database");
    pthread_mutex_unlock(&a->mu);
    actor_set(a, j, ACT_CONFIRM, NULL);
}

/* Planned: the environment the dialog restates (an STS read), then the question. */
static void ask(struct actor *a, struct job *j)
{
    char env[1400];

    gate_environment(a->s, env, sizeof(env));
    pthread_mutex_lock(&a->mu);
    snprintf(j->pub.env, sizeof(j->pub.env), "%s", env);
    pthread_mutex_unlock(&a->mu);
    actor_set(a, j, ACT_CONFIRM, NULL);
}

static void prepare_chain(struct actor *a, struct job *j)
{
    struct err e = ERR_INIT;
    const char *to = j->pub.kind == ACT_RERUN ? NULL : j->pub.to;
    char *text = NULL, stages[64];
    size_t len = 0;
    FILE *f;

    if (gate_writable(a->s->cfg, verb_of(j), &e) != 0 ||
        (j->pub.kind == ACT_RESUME ? adopt_old(a, j, &e) : in_flight(a, j, &e)) != 0) {
        refuse(a, j, &e);
        return;
    }
    if (j->pub.kind == ACT_RESUME && strcmp(j->pub.from, j->pub.to) == 0)
        to = NULL;
    memset(&j->p, 0, sizeof(j->p));
    j->have_world = true;
    if (action_world_load(&j->w, a->s, j->pub.from, &e) != 0 ||
        action_plan_build(&j->p, &j->w, j->pub.target, j->pub.from, to, -1, false, &e) != 0) {
        job_release(j);
        actor_set(a, j, e.code == ERR_REFUSED ? ACT_REFUSED : ACT_FAILED, e.msg);
        return;
    }
    if (j->have_old)
        action_plan_resume(&j->p, j->old.step, j->old.updated_ms);
    if (to != NULL)
        action_plan_skip_active(&j->p);
    action_plan_check(&j->w, &j->p);
    f = open_memstream(&text, &len);
    if (f != NULL) {
        action_plan_print(&j->p, f);
        fclose(f);
    }
    action_plan_stages_str(&j->p, stages, sizeof(stages));
    pthread_mutex_lock(&a->mu);
    buf_puts(&j->preview, text ? text : "");
    snprintf(j->pub.stages, sizeof(j->pub.stages), "%s", stages);
    j->pub.n_days = (int)j->p.n;
    j->pub.n_run = j->p.n_run;
    pthread_mutex_unlock(&a->mu);
    free(text);
    if (action_plan_refusal(&j->p, &e) != 0) {
        refuse(a, j, &e);
        return;
    }
    if (j->p.n_run == 0 && !j->have_old) {
        job_release(j);
        actor_set(a, j, ACT_NOTHING,
                  "nothing to rerun: every day is green or not due; nothing was sent");
        return;
    }
    ask(a, j);
}

static void run_schema(struct actor *a, struct job *j)
{
    struct err e = ERR_INIT;
    FILE *f = actor_stream(a, &j->log);
    int rc = -1;

    actor_set(a, j, ACT_RUNNING, NULL);
    if (f == NULL)
        err_set(&e, ERR_NOMEM, "out of memory");
    else if (session_require(a->s, SESSION_NEED_GOOGLE, &e) == 0 &&
             schema_refresh_one(a->s, j->pub.target, f, &e) == 0)
        rc = 0;
    if (f != NULL)
        fclose(f);
    if (rc != 0)
        err_prefix(&e, "schema refresh %s: ", j->pub.target);
    actor_set(a, j, rc == 0 ? ACT_DONE : ACT_FAILED, rc == 0 ? "" : e.msg);
}

/* schema-apply: read-only refuses first; then the drift check again from the newest export
 * (reads; the check is stored), and the exact fields the patch would add, for the dialog. */
static void prepare_apply(struct actor *a, struct job *j)
{
    struct err e = ERR_INIT;
    char fields[sizeof(j->pub.fields)], why[1400];

    if (gate_writable(a->s->cfg, "schema-apply", &e) != 0) {
        refuse(a, j, &e);
        return;
    }
    j->dc = malloc(sizeof(*j->dc));
    if (j->dc == NULL) {
        actor_set(a, j, ACT_FAILED, "out of memory checking the drift; nothing was sent");
        return;
    }
    drift_check_init(j->dc);
    if (session_require(a->s, SESSION_NEED_AWS | SESSION_NEED_GOOGLE, &e) != 0 ||
        drift_check_run(a->s, j->pub.target, j->dc, &e) != 0) {
        err_prefix(&e,
                   "schema-apply %s: the drift check failed (nothing was sent): ", j->pub.target);
        job_release(j);
        actor_set(a, j, ACT_FAILED, e.msg);
        return;
    }
    drift_added_fields(j->dc, fields, sizeof(fields));
    pthread_mutex_lock(&a->mu);
    snprintf(j->pub.target, sizeof(j->pub.target), "%.511s", j->dc->full);
    buf_puts(&j->preview, buf_cstr(&j->dc->text));
    snprintf(j->pub.fields, sizeof(j->pub.fields), "%s", fields);
    snprintf(j->pub.stages, sizeof(j->pub.stages), "tables.patch (additive, etag If-Match)");
    pthread_mutex_unlock(&a->mu);
    if (j->dc->dr.n_added == 0) {
        snprintf(why, sizeof(why),
                 "nothing to add: %.600s already has every field the export has; nothing was "
                 "sent",
                 j->dc->full);
        job_release(j);
        actor_set(a, j, ACT_NOTHING, why);
        return;
    }
    ask(a, j);
}

/* Confirmed: the audited additive patch, the re-read, the check stored again. */
static void run_apply(struct actor *a, struct job *j)
{
    struct err e = ERR_INIT;
    char why[1200];
    bool drifted = true;
    FILE *f = actor_stream(a, &j->log);
    int rc = -1;

    actor_set(a, j, ACT_RUNNING, NULL);
    if (f == NULL) {
        err_set(&e, ERR_NOMEM, "out of memory; nothing was sent");
    } else {
        fprintf(f, "tables.patch of %s adding %s\n", j->pub.target, j->pub.fields);
        rc = drift_apply(a->s, j->dc, j->pub.env, f, &drifted, &e);
        fclose(f);
    }
    if (rc == 0)
        snprintf(why, sizeof(why), "%d field(s) added; %s", j->dc->dr.n_added,
                 drifted ? "drift remains (changed types are not patched)" : "no drift left");
    else
        snprintf(why, sizeof(why), "schema-apply %.400s: %.700s", j->pub.target, e.msg);
    job_release(j);
    actor_set(a, j, rc == 0 ? ACT_DONE : ACT_FAILED, why);
}

void job_prepare(struct actor *a, struct job *j)
{
    bool cancelled;

    if (j->pub.kind == ACT_SCHEMA) {
        run_schema(a, j);
        return;
    }
    if (j->pub.kind == ACT_ABANDON)
        prepare_abandon(a, j);
    else if (j->pub.kind == ACT_SCHEMA_APPLY)
        prepare_apply(a, j);
    else
        prepare_chain(a, j);
    pthread_mutex_lock(&a->mu);
    cancelled = j->cancelled && j->pub.state == ACT_CONFIRM;
    pthread_mutex_unlock(&a->mu);
    if (cancelled) /* Esc while it was being planned */
        job_cancelled(a, j);
}

void job_cancelled(struct actor *a, struct job *j)
{
    char why[200];

    snprintf(why, sizeof(why), "%s cancelled in the dashboard; nothing was changed", verb_of(j));
    audit_refused(a, j, why);
    job_release(j);
    actor_set(a, j, ACT_CANCELLED, why);
}

static void run_abandon(struct actor *a, struct job *j)
{
    struct err e = ERR_INIT, ae = ERR_INIT;
    char why[200];
    int rc;

    gate_audit(a->s->db, j->old.id, "intent", "abandon", j->pub.target, j->pub.from, NULL,
               "local history database", NULL, "mark the interrupted action abandoned", &ae);
    rc = db_action_abandon(a->s->db, j->old.id, clock_now_ms(NULL), &e);
    gate_audit(a->s->db, j->old.id, "outcome", "abandon", j->pub.target, j->pub.from, NULL,
               "local history database", rc == 0 ? "ok" : "failed", rc == 0 ? "abandoned" : e.msg,
               &ae);
    snprintf(why, sizeof(why), "action #%lld abandoned; its days can be rerun again",
             (long long)j->old.id);
    job_release(j);
    actor_set(a, j, rc == 0 ? ACT_DONE : ACT_FAILED, rc == 0 ? why : e.msg);
}

/* Claims a new action, or adopts the interrupted one; its id, or -1 with e. */
static int64_t claim(struct actor *a, struct job *j, struct err *e)
{
    struct db_action x;
    int64_t id = -1;

    if (j->have_old)
        return db_action_adopt(a->s->db, j->old.id, clock_now_ms(NULL), e) == 0 ? j->old.id : -1;
    memset(&x, 0, sizeof(x));
    x.kind = j->pub.kind == ACT_BACKFILL ? DB_ACTION_BACKFILL : DB_ACTION_RERUN;
    x.target = j->pub.target;
    snprintf(x.day_from, sizeof(x.day_from), "%s", j->pub.from);
    snprintf(x.day_to, sizeof(x.day_to), "%s", j->pub.to);
    x.stages = j->p.stages;
    x.step = (char *)"planned";
    if (db_action_create(a->s->db, &x, clock_now_ms(NULL), &id, e) != 0)
        return -1;
    return id;
}

void job_run(struct actor *a, struct job *j)
{
    struct action_result res;
    struct err e = ERR_INIT;
    char why[1200];
    int64_t id;
    FILE *f;
    int rc;

    if (j->pub.kind == ACT_ABANDON) {
        run_abandon(a, j);
        return;
    }
    if (j->pub.kind == ACT_SCHEMA_APPLY) {
        run_apply(a, j);
        return;
    }
    id = claim(a, j, &e);
    if (id < 0) {
        err_prefix(&e, "%s refused: ", verb_of(j));
        refuse(a, j, &e);
        return;
    }
    pthread_mutex_lock(&a->mu);
    j->pub.action_id = id;
    buf_printf(&j->log, "action #%lld %s\n", (long long)id, j->have_old ? "resumed" : "started");
    pthread_mutex_unlock(&a->mu);
    f = actor_stream(a, &j->log);
    if (f == NULL) {
        struct err ue = ERR_INIT;
        db_action_update(a->s->db, id, DB_ACTION_FAILED, "out of memory", clock_now_ms(NULL), &ue);
        job_release(j);
        actor_set(a, j, ACT_FAILED, "out of memory starting the action; nothing was sent");
        return;
    }
    rc = action_run(&j->w, &j->p, verb_of(j), j->pub.env, id, j->have_old ? j->old.step : NULL, f,
                    &res, &e);
    if (rc == 0)
        fprintf(f, "%s of %s: every stage SUCCEEDED (%d started)\n", verb_of(j), j->pub.target,
                res.started);
    fclose(f);
    if (rc != 0)
        snprintf(why, sizeof(why), "stopped at %s %s: %.1100s", res.failed_day,
                 res.failed_stage >= 0 ? stage_name((enum stage)res.failed_stage) : "?", e.msg);
    job_release(j);
    actor_set(a, j, rc == 0 ? ACT_DONE : ACT_FAILED, rc == 0 ? "" : why);
}

void job_release(struct job *j)
{
    if (j->have_world) {
        action_plan_release(&j->p);
        action_world_release(&j->w);
        j->have_world = false;
    }
    if (j->have_old) {
        db_action_release(&j->old);
        j->have_old = false;
    }
    if (j->dc != NULL) {
        drift_check_release(j->dc);
        free(j->dc);
        j->dc = NULL;
    }
}
