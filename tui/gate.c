/* tui/gate.c: the gate of every mutation (tui/gate.h): read-only refusal, the confirmation
 * read from the terminal (never from a pipe: no terminal and no --yes is a refusal), the
 * environment line and the audit rows. Makes no mutating call. */
#include "tui/gate.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/sts.h"
#include "state/logs.h"
#include "tui/session.h"

int gate_writable(const struct config *cfg, const char *verb, struct err *e)
{
    char from[96];

    if (cfg == NULL || !cfg->general.read_only)
        return 0;
    config_origin_str(config_origin_of(cfg, "general", "read_only"), from, sizeof(from));
    return err_set(e, ERR_REFUSED, "%s refused: read-only mode is on (%s); nothing was changed",
                   verb, from);
}

/* Reads one line from the terminal: stdin when it is one, else /dev/tty. -1 without one. */
static int read_answer(char *line, size_t n)
{
    FILE *in = NULL;
    bool own = false;
    int rc = -1;

    if (isatty(STDIN_FILENO)) {
        in = stdin;
    } else {
        in = fopen("/dev/tty", "r");
        own = true;
    }
    if (in == NULL)
        return -1;
    if (fgets(line, (int)n, in) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        rc = 0;
    } else {
        line[0] = '\0';
        rc = 0; /* end of input: an empty answer, i.e. the default (Cancel) */
    }
    if (own)
        fclose(in);
    return rc;
}

int gate_confirm(const struct gate_request *r, FILE *out, struct err *e)
{
    bool typed = r->n_days > GATE_TYPED_AFTER_DAYS;
    char line[256];

    fprintf(out, "%s %s\n", r->verb, r->target);
    if (r->days != NULL)
        fprintf(out, "  days         %s (%d day%s to run)\n", r->days, r->n_days,
                r->n_days == 1 ? "" : "s");
    if (r->stages != NULL)
        fprintf(out, "  stages       %s\n", r->stages);
    fprintf(out, "  environment  %s\n", r->environment ? r->environment : "unknown");
    if (r->yes) {
        fprintf(out, "confirmed by --yes%s\n", typed ? " (stands for the typed confirmation)" : "");
        return 0;
    }
    if (typed)
        fprintf(out, "This spans %d days. Type the name '%s' to proceed (anything else cancels): ",
                r->n_days, r->target);
    else
        fprintf(out, "Proceed? [y/N] ");
    fflush(out);
    if (read_answer(line, sizeof(line)) != 0)
        return err_set(e, ERR_REFUSED,
                       "%s refused: no terminal to confirm on; pass --yes to run it from a "
                       "script; nothing was changed",
                       r->verb);
    if (typed ? strcmp(line, r->target) == 0
              : (strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0))
        return 0;
    return err_set(e, ERR_REFUSED, "%s cancelled; nothing was changed", r->verb);
}

static void aws_part(struct session *s, char *out, size_t n)
{
    struct aws_endpoint ep;
    const struct aws_creds *creds = NULL;
    struct sts_identity id;
    struct err e = ERR_INIT;

    if (s->aws_creds == NULL || s->aws_region == NULL) {
        snprintf(out, n, "aws: not configured (%s)", s->aws_err.msg);
        return;
    }
    if (session_aws_endpoint(s, "sts", &ep, &e) == 0 &&
        aws_creds_provider_get(s->aws_creds, &creds, &e) == 0 &&
        sts_get_caller_identity(s->http, ep.url, s->aws_region, creds, &id, &e) == 0) {
        snprintf(out, n, "aws account %.63s (%.300s) region %.60s", id.account, id.arn,
                 s->aws_region);
        return;
    }
    snprintf(out, n, "aws profile %s region %s (account unknown: %.160s)",
             s->cfg && s->cfg->aws.profile ? s->cfg->aws.profile : "default", s->aws_region, e.msg);
}

void gate_environment(struct session *s, char *out, size_t n)
{
    char aws[900], src[160];
    const char *project = session_gcp_project(s, src, sizeof(src));
    const char *location = session_gcp_location(s);

    aws_part(s, aws, sizeof(aws));
    snprintf(out, n, "%s; gcp project %s location %s", aws, project ? project : "(none)",
             location ? location : "(none)");
}

const char *gate_user(void)
{
    const struct passwd *pw = getpwuid(getuid());
    const char *u = getenv("USER");

    if (pw != NULL && pw->pw_name != NULL)
        return pw->pw_name;
    return u != NULL ? u : "unknown";
}

int gate_audit(struct db *db, int64_t action_id, const char *phase, const char *verb,
               const char *target, const char *day, const char *stage, const char *environment,
               const char *result, const char *detail, struct err *e)
{
    struct audit_entry a;

    memset(&a, 0, sizeof(a));
    a.at_ms = clock_now_ms(NULL);
    a.action_id = action_id;
    a.phase = (char *)phase;
    a.verb = (char *)verb;
    a.target = (char *)target;
    a.day = (char *)day;
    a.stage = (char *)stage;
    a.environment = (char *)environment;
    a.result = (char *)result;
    a.detail = (char *)detail;
    a.user = (char *)gate_user();
    return db_audit_add(db, &a, NULL, e);
}
