/* tui/cmd_rerun.c: `pipetop rerun PIPELINE --date D [--to D2] [--stage S] [--all] [--dry-run]
 * [--yes] [--abandon]`: finds an interrupted action for the same target (resumes or abandons
 * it), plans from a fresh read, previews, passes the gate, claims, runs the chain, refreshes.
 * Exit 0 all SUCCEEDED (or nothing to do), 1 a stage failed (named, with the service's error),
 * 5 refused (read-only, cancelled, already running, PITR window, snapshot gone), 3/4/6 as usual. */
#include "tui/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/refresh_report.h"
#include "state/actions.h"
#include "state/grid.h"
#include "tui/action.h"
#include "tui/drift_hint.h"
#include "tui/exitcode.h"
#include "tui/gate.h"

struct rerun_args {
    const char *pipeline, *from, *to;
    int stage;
    bool dry_run, yes, all, abandon;
};

static int fail(struct session *s, const struct err *e)
{
    fprintf(stderr, "pipetop: %s\n", e->msg);
    session_log_error(s, "rerun", e);
    return exit_code_for(e->code);
}

/* The active action covering target on some day of [from, to], or -1. *alive says whether
 * its process still runs. */
static int find_active(struct db *db, const struct rerun_args *ra, struct db_action *out,
                       bool *alive, struct err *e)
{
    struct db_action *v = NULL;
    size_t n = 0;
    int found = -1;
    const char *to = ra->to ? ra->to : ra->from;

    if (db_action_list(db, true, &v, &n, e) != 0)
        return -2;
    for (size_t i = 0; i < n && found < 0; i++) {
        if (v[i].target == NULL || strcmp(v[i].target, ra->pipeline) != 0 ||
            strcmp(v[i].day_to, ra->from) < 0 || strcmp(v[i].day_from, to) > 0)
            continue;
        *alive = db_action_owner_alive(&v[i]);
        *out = v[i];
        memset(&v[i], 0, sizeof(v[i]));
        found = 0;
    }
    db_actions_free(v, n);
    return found;
}

static void print_days(struct session *s, const struct action_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct stage_run *r = NULL;
        size_t n = 0;
        struct err e = ERR_INIT;
        enum run_state st[STAGE_COUNT];
        bool seen[STAGE_COUNT] = {false, false, false};
        if (p->days[i].first < 0 || db_day_runs(s->db, p->lp->p.name, p->days[i].day, &r, &n, &e))
            continue;
        for (size_t k = 0; k < n; k++) /* attempts ascend: the last one wins */
            st[r[k].stage] = r[k].state, seen[r[k].stage] = true;
        printf("%s %s now:", p->lp->p.name, p->days[i].day);
        for (int k = 0; k < STAGE_COUNT; k++)
            printf(" %c=%s", stage_letter(k), seen[k] ? run_state_name(st[k]) : "-");
        printf("\n");
        db_stage_runs_free(r, n);
    }
}

static void refresh_after(struct session *s, const struct action_plan *p)
{
    struct refresh_report r;
    struct err e = ERR_INIT;

    printf("refreshing so that 'pipetop status' shows the new state ...\n");
    if (refresh_session_run(s, &r, &e) != 0)
        fprintf(stderr, "pipetop: the refresh after the rerun failed: %s\n", e.msg);
    else
        print_days(s, p);
    refresh_report_release(&r);
}

/* Claims a new action, or adopts the interrupted one. Returns its id, or -1 with e. */
static int64_t claim(struct session *s, const struct rerun_args *ra, const struct action_plan *p,
                     const struct db_action *interrupted, struct err *e)
{
    struct db_action a;
    int64_t id = -1;

    if (interrupted != NULL) {
        if (db_action_adopt(s->db, interrupted->id, clock_now_ms(NULL), e) != 0)
            return -1;
        return interrupted->id;
    }
    memset(&a, 0, sizeof(a));
    a.kind = ra->to != NULL ? DB_ACTION_BACKFILL : DB_ACTION_RERUN;
    a.target = (char *)ra->pipeline;
    snprintf(a.day_from, sizeof(a.day_from), "%s", ra->from);
    snprintf(a.day_to, sizeof(a.day_to), "%s", ra->to ? ra->to : ra->from);
    a.stages = p->stages;
    a.step = (char *)"planned";
    if (db_action_create(s->db, &a, clock_now_ms(NULL), &id, e) != 0)
        return -1;
    return id;
}

static int confirm(struct session *s, const struct rerun_args *ra, const struct action_plan *p,
                   const char *env, struct err *e)
{
    char days[64], stages[64];
    struct gate_request g;

    if (ra->to != NULL)
        snprintf(days, sizeof(days), "%s .. %s", ra->from, ra->to);
    else
        snprintf(days, sizeof(days), "%s", ra->from);
    action_plan_stages_str(p, stages, sizeof(stages));
    memset(&g, 0, sizeof(g));
    g.verb = ra->to != NULL ? "backfill" : "rerun";
    g.target = ra->pipeline;
    g.days = days;
    g.n_days = (int)p->n;
    g.n_run = p->n_run;
    g.stages = stages;
    g.environment = env;
    g.yes = ra->yes;
    (void)s;
    return gate_confirm(&g, stdout, e);
}

static int execute(struct session *s, const struct rerun_args *ra, struct action_world *w,
                   struct action_plan *p, const struct db_action *interrupted)
{
    const char *verb = ra->to != NULL ? "backfill" : "rerun";
    struct action_result res;
    struct err e = ERR_INIT, ae = ERR_INIT;
    char env[1400];
    int64_t id;

    gate_environment(s, env, sizeof(env));
    if (confirm(s, ra, p, env, &e) != 0) {
        gate_audit(s->db, 0, "outcome", verb, ra->pipeline, ra->from, NULL, env, "refused", e.msg,
                   &ae);
        return fail(s, &e);
    }
    id = claim(s, ra, p, interrupted, &e);
    if (id < 0) {
        err_prefix(&e, "%s refused: ", verb);
        gate_audit(s->db, 0, "outcome", verb, ra->pipeline, ra->from, NULL, env, "refused", e.msg,
                   &ae);
        return fail(s, &e);
    }
    printf("action #%lld %s\n", (long long)id, interrupted ? "resumed" : "started");
    fflush(stdout);
    if (action_run(w, p, verb, env, id, interrupted ? interrupted->step : NULL, stdout, &res, &e) !=
        0) {
        char hint[1500];
        fprintf(stderr, "pipetop: %s stopped at %s %s: %s\n", verb, res.failed_day,
                res.failed_stage >= 0 ? stage_name((enum stage)res.failed_stage) : "?", e.msg);
        if (res.failed_stage == STAGE_TRANSFER &&
            drift_hint(s, &p->lp->p, e.msg, hint, sizeof(hint)))
            fprintf(stderr, "pipetop: hint: %s\n", hint);
        refresh_after(s, p);
        /* a stage that failed, or a start the service refused: 1; unreachable, 5xx or
         * throttled past the retries: 4, as elsewhere */
        return e.code == ERR_SERVICE && e.http_status < 500 && e.http_status != 429
                   ? EXIT_FAILURES
                   : exit_code_for(e.code);
    }
    printf("%s of %s: every stage SUCCEEDED (%d started)\n", verb, ra->pipeline, res.started);
    refresh_after(s, p);
    return EXIT_OK;
}

/* An interrupted action for the target: abandon it (--abandon), or return it for resuming. A
 * live one refuses. Returns 1 to go on, else the exit code. */
static int interrupted_action(struct session *s, const struct rerun_args *ra, struct db_action *a,
                              bool *have)
{
    struct err e = ERR_INIT;
    bool alive = false;
    int f = find_active(s->db, ra, a, &alive, &e);

    *have = false;
    if (f == -2)
        return fail(s, &e);
    if (f < 0) {
        if (ra->abandon) {
            err_set(&e, ERR_NOT_FOUND, "no interrupted action for %s on these days to abandon",
                    ra->pipeline);
            return fail(s, &e);
        }
        return 1;
    }
    if (alive) {
        err_set(&e, ERR_REFUSED,
                "%s refused: action #%lld (%s %s %s..%s) is running in process %ld on %s, at "
                "step '%s'; nothing was started",
                ra->to ? "backfill" : "rerun", (long long)a->id, db_action_kind_name(a->kind),
                a->target, a->day_from, a->day_to, a->owner_pid,
                a->owner_host ? a->owner_host : "?", a->step ? a->step : "");
        db_action_release(a);
        return fail(s, &e);
    }
    printf("interrupted action #%lld: %s %s %s..%s, last step '%s' (process %ld is gone)\n",
           (long long)a->id, db_action_kind_name(a->kind), a->target, a->day_from, a->day_to,
           a->step ? a->step : "", a->owner_pid);
    if (ra->abandon) {
        if (db_action_abandon(s->db, a->id, clock_now_ms(NULL), &e) != 0) {
            db_action_release(a);
            return fail(s, &e);
        }
        printf("action #%lld abandoned; its days can be rerun again\n", (long long)a->id);
        db_action_release(a);
        return EXIT_OK;
    }
    printf("resuming it (stages that already started are waited on, not started again; "
           "'--abandon' gives it up instead)\n");
    *have = true;
    return 1;
}

static int plan_and_run(struct session *s, const struct rerun_args *ra, struct db_action *old)
{
    struct action_world w;
    struct action_plan p;
    struct err e = ERR_INIT;
    int rc;

    memset(&p, 0, sizeof(p));
    if (action_world_load(&w, s, ra->from, &e) != 0 ||
        action_plan_build(&p, &w, ra->pipeline, ra->from, ra->to, ra->stage, ra->all, &e) != 0) {
        rc = fail(s, &e);
        goto out;
    }
    if (old != NULL)
        action_plan_resume(&p, old->step, old->updated_ms);
    if (ra->to != NULL)
        action_plan_skip_active(&p);
    action_plan_check(&w, &p);
    action_plan_print(&p, stdout);
    if (action_plan_refusal(&p, &e) != 0) {
        struct err ae = ERR_INIT;
        gate_audit(s->db, 0, "outcome", ra->to ? "backfill" : "rerun", ra->pipeline, ra->from, NULL,
                   NULL, "refused", e.msg, &ae);
        rc = fail(s, &e);
    } else if (p.n_run == 0 && old == NULL) {
        printf("nothing to rerun: every day is green or not due (use --all or --stage)\n");
        rc = EXIT_OK;
    } else if (ra->dry_run) {
        rc = action_print_dry_run(&w, &p, stdout, &e) != 0 ? fail(s, &e) : EXIT_OK;
    } else {
        rc = execute(s, ra, &w, &p, old);
    }
out:
    action_plan_release(&p);
    action_world_release(&w);
    return rc;
}

int cmd_rerun(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct session_options so = {{cli->config_path, cli->db_path, cli->read_only}, 0, 0, 0, false};
    struct rerun_args ra = {
        a->pos[0],         a->val[0],         a->val[1],         -1,
        a->val[3] != NULL, a->val[4] != NULL, a->val[5] != NULL, a->val[6] != NULL};
    struct session *s = NULL;
    struct db_action old;
    struct err e = ERR_INIT;
    enum stage st;
    bool have = false;
    int rc;

    (void)cmd;
    if (a->val[2] != NULL && stage_parse(a->val[2], &st) == 0)
        ra.stage = (int)st;
    memset(&old, 0, sizeof(old));
    if (session_open(&s, &so, &e) != 0 ||
        session_require(s, SESSION_NEED_CONFIG | SESSION_NEED_DB, &e) != 0) {
        rc = fail(s, &e);
        session_close(s);
        return rc;
    }
    /* Read-only refuses before anything: no read, no claim, no call (a dry run is allowed). */
    if (!ra.dry_run && !ra.abandon && gate_writable(s->cfg, ra.to ? "backfill" : "rerun", &e)) {
        rc = fail(s, &e);
        session_close(s);
        return rc;
    }
    rc = interrupted_action(s, &ra, &old, &have);
    if (rc == 1 && have && !ra.dry_run) {
        /* resume the whole interrupted action, whatever part of it was named */
        ra.from = old.day_from;
        ra.to = strcmp(old.day_from, old.day_to) != 0 ? old.day_to : NULL;
    }
    if (rc == 1) {
        if (have && ra.dry_run)
            printf("(dry run: the interrupted action is left as it is)\n");
        rc = plan_and_run(s, &ra, have && !ra.dry_run ? &old : NULL);
    }
    if (have)
        db_action_release(&old);
    session_close(s);
    return rc;
}
