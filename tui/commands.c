/* tui/commands.c: the table of pipetop's commands (DESIGN §5) with their options, and the
 * argument checks of the commands whose engine is not built yet: they validate everything, load
 * the config, apply the read-only guard, then say plainly that they are not built. No fake output.
 */
#include "tui/cmd.h"

#include <string.h>

#include "core/model.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "tui/exitcode.h"

static int check_day(const struct cli_cmd *cmd, const char *opt, const char *v)
{
    char reason[128];
    struct err e = ERR_INIT;

    if (time_day_valid(v, &e) == 0)
        return 0;
    snprintf(reason, sizeof(reason), "%s '%.40s' is not a date YYYY-MM-DD", opt, v);
    return cli_usage_error(cmd, reason);
}

static int run_schema_refresh(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    if (a->val[2] != NULL && a->val[1] == NULL)
        return cli_usage_error(cmd, "--yes only makes sense with --apply");
    if (a->val[0] == NULL && a->val[1] == NULL)
        return cmd_schema_refresh(cli, cmd, a); /* a read: allowed in read-only mode */
    return cmd_schema_drift(cli, cmd, a);
}

static int run_rerun(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    const char *from = a->val[0], *to = a->val[1], *stage = a->val[2];
    enum stage st;
    struct err e = ERR_INIT;
    int span;

    if (from == NULL)
        return cli_usage_error(cmd, "--date D is required");
    if (check_day(cmd, "--date", from) || (to != NULL && check_day(cmd, "--to", to)))
        return EXIT_USAGE;
    if (to != NULL && (time_day_diff(from, to, &span, &e) || span < 0))
        return cli_usage_error(cmd, "--to must not be before --date");
    if (stage != NULL && stage_parse(stage, &st) != 0)
        return cli_usage_error(cmd, "--stage must be export, transfer or query");
    if (a->val[5] != NULL && stage != NULL)
        return cli_usage_error(cmd, "--all and --stage exclude each other");
    return cmd_rerun(cli, cmd, a);
}

static const struct cli_opt status_opts[] = {
    {"--days", "N", "how many days to show, 1..90 (default: [general] days)"},
    {"--offline", NULL, "show the history database only; make no network calls"}};
static const struct cli_opt runs_opts[] = {
    {"--failed", NULL, "only failed, missing, stuck or cancelled runs"},
    {"--since", "DATE", "runs of days from DATE (YYYY-MM-DD) on"}};
static const struct cli_opt calls_opts[] = {
    {"--limit", "N", "the newest N calls (default 50; 0: all)"}};
static const struct cli_opt dash_opts[] = {
    {"--mouse", NULL, "clicks select a cell or row, the wheel scrolls"},
    {"--offline", NULL, "no refreshes: browse the history database only"},
};

static const struct cli_opt refresh_opts[] = {
    {"--from-export", NULL, "infer the raw schema from the latest DynamoDB export's files"},
    {"--apply", NULL, "add the new NULLABLE fields to the table (additive; implies --from-export)"},
    {"--yes", NULL, "do not ask for confirmation (with --apply)"}};
static const struct cli_opt infer_opts[] = {
    {"--export", "ARN", "read the files of this DynamoDB export"},
    {"--format", "FMT", "bq-json (default), terraform or sql"},
    {"--raw", NULL, "the raw table's schema, as a load of DynamoDB JSON needs (default)"},
    {"--flat", NULL, "the flat analyst table: one typed column per attribute"},
    {"--table", "DATASET.TABLE", "the table the output defines (default: the pipeline's)"},
    {"--keys", "A[,B]", "key attributes, first in the flat table (default: DescribeTable)"},
    {"--timestamp", "A[,B]", "N attributes holding epoch seconds/ms to read as TIMESTAMP"},
    {"--sample", "N", "read only the first N items"}};
static const struct cli_opt actions_opts[] = {
    {"--all", NULL, "finished and abandoned actions too, not only running or interrupted ones"}};
static const struct cli_opt rerun_opts[] = {
    {"--date", "D", "the day to rerun (YYYY-MM-DD, in the configured time zone)"},
    {"--to", "D2", "rerun every failed or missing day from D to D2 (a backfill)"},
    {"--stage", "STAGE", "start at export, transfer or query instead of the first failure"},
    {"--dry-run", NULL, "show what would run; change nothing"},
    {"--yes", NULL, "do not ask for confirmation (also stands for the typed one of > 7 days)"},
    {"--all", NULL, "rerun green days too (from the export), not only failed and missing ones"},
    {"--abandon", NULL, "give up the interrupted action for these days instead of resuming it"}};

#define OPTS(a) a, sizeof(a) / sizeof(a[0])
static const struct cli_cmd commands[] = {
    {"", "[--mouse] [--offline]", "the dashboard (no command)",
     "Opens the full-screen dashboard: the grid of pipelines x days, day detail, runs, exports,\n"
     "tables, schemas, the audit log and the command log. Press ? inside for every key.\n"
     "Refreshes in the background (30 s while something runs, 300 s otherwise). Honours\n"
     "NO_COLOR and --no-color.",
     OPTS(dash_opts), 0, 0, false, cmd_dashboard},
    {"status", "[--days N] [--offline] [--json]", "the grid of pipelines x days, as text",
     "Prints each pipeline's export, transfer and query state for the last days, from the\n"
     "history database (this version does not refresh it first: run 'pipetop refresh').\n"
     "Exits 1 when a failed, missing, stuck, cancelled or upstream-failed run is shown.",
     OPTS(status_opts), 0, 0, true, cmd_status},
    {"refresh", "[--json]", "poll the clouds once and update the history database",
     "Reads every export, transfer and scheduled-query run and table from AWS and Google Cloud,\n"
     "many calls at once, and stores them in the history database in one transaction. After the\n"
     "first refresh, finished exports are read from history instead of being asked for again.\n"
     "Exits 0 when everything was read, 4 when a source could not be read (each is listed with\n"
     "its error; the rest is stored), 3 when credentials or config kept a source from being read.",
     NULL, 0, 0, 0, true, cmd_refresh},
    {"runs", "[--failed] [--since DATE] [--json]", "the stage runs in the history database",
     "Lists stage runs, newest first. Exits 1 when a failed run is listed.", OPTS(runs_opts), 0, 0,
     true, cmd_runs},
    {"tables", "[--json]", "BigQuery tables: rows, size, freshness, row-count trend, anomalies",
     "Lists every table in the history database with its rows, size, last modification, age,\n"
     "a sparkline of its daily row counts, how many schema versions it has had, and whether its\n"
     "latest row count is an anomaly: FLAGGED when |z| >= 3 against at least 14 earlier days\n"
     "(z with the days in brackets when there are fewer; n/a under 4).",
     NULL, 0, 0, 0, true, cmd_tables},
    {"schema", "TABLE [--json]", "a table's schema: fields, descriptions, policy tags",
     "TABLE is dataset.table or project.dataset.table.\n"
     "See also: pipetop schema refresh --help, pipetop schema infer --help.",
     NULL, 0, 1, 1, true, cmd_schema},
    {"schema refresh", "TABLE [--from-export] [--apply] [--yes]",
     "re-read a table's schema; show and apply drift",
     "Re-reads TABLE (dataset.table or project.dataset.table) from BigQuery now, records a new\n"
     "schema version when it changed and a row-count sample, and prints the difference from\n"
     "the previous version (+ added, - removed, ~ changed: type, mode, description, policy\n"
     "tags; nested fields by dotted path). A read: allowed in read-only mode, audited as\n"
     "schema-refresh.\n"
     "With --from-export it instead compares the raw table with the newest DynamoDB export's\n"
     "inferred raw schema (the pipeline's export prefix in the history database): attributes\n"
     "new in the export (the next transfer fails on them), changed, and no longer seen; the\n"
     "result is stored so 'pipetop tables' marks the table DRIFT. --apply then adds the new\n"
     "NULLABLE/REPEATED fields only (never a removal or type change) through the confirmation\n"
     "and audit gate, with the table's etag, and re-reads it. Exits 1 when drift is found\n"
     "and not applied.",
     OPTS(refresh_opts), 1, 1, false, run_schema_refresh},
    {"schema infer",
     "(FILE...|DIR|s3://BUCKET/PREFIX|--export ARN) [--format bq-json|terraform|sql] "
     "[--raw|--flat]",
     "infer a BigQuery schema from DynamoDB export files",
     "Reads DynamoDB JSON export data (files gzip or plain, a folder holding an export, the\n"
     "newest export under an s3:// prefix, or an export by ARN) in bounded memory and prints\n"
     "the raw table's schema (or with --flat the analyst table's) as bq JSON, a terraform\n"
     "google_bigquery_table block, or the flattening scheduled-query SQL (--format sql).\n"
     "Attributes seen with two types are listed on stderr; with --flat or sql their column is\n"
     "JSON and the exit code is 1.",
     OPTS(infer_opts), 0, -1, false, cmd_schema_infer},
    {"rerun",
     "PIPELINE --date D [--to D2] [--stage export|transfer|query] [--all] [--dry-run] [--yes] "
     "[--abandon]",
     "rerun a failed day (or a range) along the chain",
     "Walks the chain from the first failed or missing stage of each day, waiting for each\n"
     "stage to succeed before the next, then refreshes. Asks 'Proceed? [y/N]' on the terminal\n"
     "(the pipeline's name when more than 7 days run) unless --yes. An interrupted action for\n"
     "the same days is resumed (never repeating a started stage) or, with --abandon, given up.\n"
     "Refused in read-only mode unless --dry-run. Exits 0 when every stage SUCCEEDED, 1 when a\n"
     "stage failed (named, with the service's error), 5 when refused (read-only, cancelled,\n"
     "already running, outside the PITR window, snapshot deleted).",
     OPTS(rerun_opts), 1, 1, false, run_rerun},
    {"actions", "[--all]", "reruns and backfills: running, interrupted, finished",
     "Lists the persisted actions with their current step. An action whose process is gone\n"
     "(a crash, kill -9, a closed terminal) is 'interrupted': 'pipetop rerun' with the same\n"
     "pipeline and days resumes it without starting a stage again, or gives it up with\n"
     "--abandon. Exits 1 when an interrupted action is listed.",
     OPTS(actions_opts), 0, 0, false, cmd_actions},
    {"history", "[TABLE] [--json]", "row counts and schema versions over time",
     "Prints each table's (or TABLE's) row count per day and its schema versions.", NULL, 0, 0, 1,
     true, cmd_history},
    {"audit", "[--json]", "every action taken, with intent and outcome", NULL, NULL, 0, 0, 0, true,
     cmd_audit},
    {"calls", "[--limit N] [--json]", "the API call log, with equivalent aws/bq command lines",
     NULL, OPTS(calls_opts), 0, 0, true, cmd_calls},
    {"doctor", "[--json]", "check config, credentials, endpoints and permissions",
     "Checks the config file, the history database and log file, the AWS credentials and\n"
     "region (STS GetCallerIdentity), the Google credentials and token, DTS and BigQuery for\n"
     "the configured project/location, and the clock against the servers' Date headers.\n"
     "Every check runs; each failure says what to do. Exits 0 when none failed (warnings\n"
     "allowed), 3 for config/credentials/auth, 4 for network/service problems.",
     NULL, 0, 0, 0, true, cmd_doctor},
    {"info", "[--json]", "paths in use and every setting with where it came from",
     "Prints the config file (and whether it exists), the history database, the log file and\n"
     "every resolved setting with its source: default, file:LINE, env VAR or flag --FLAG.\n"
     "The config never holds secrets, so nothing here is secret.",
     NULL, 0, 0, 0, true, cmd_info},
};

const struct cli_cmd *cli_commands(size_t *n)
{
    *n = sizeof(commands) / sizeof(commands[0]);
    return commands;
}

const struct cli_cmd *cli_command_find(const char *name)
{
    for (size_t i = 1; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}
