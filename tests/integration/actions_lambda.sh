#!/bin/sh
# tests/integration/actions_lambda.sh: `pipetop rerun` of pipelines whose export is done by the
# export Lambda (`export_via = lambda`), against the fake cloud, judged by its calls.jsonl: a dry
# run prints the Invoke and the `aws lambda invoke` command and makes no call; the demo's
# failed-export day is rerun Invoke -> startManualRuns (transfer) -> startManualRuns (query), the
# transfer only after the export the function started COMPLETED, and turns green; a function
# error (export.lambda_fail) stops the chain at the export with the function's message (exit 1,
# audited); an Aurora pipeline is rerun through the same function; while the export it started
# runs, another rerun of the day is refused before any call; a rerun killed while it waits on
# the export resumes by waiting on it, without invoking again.
set -u
. tests/integration/actions_lib.inc

# lambda_config PIPELINE SOURCE: the fake's config plus the export function and the pipeline
# pinned with export_via = lambda (the fake's config ends with its [aws] section).
lambda_config() {
    printf 'export_lambda = nightly-export\n\n[pipeline %s]\nsource = %s\nexport_via = lambda\n' \
        "$1" "$2" >>"$dir/config.ini"
}

start plain ""
lambda_config users dynamodb:users
d4=$(day -4)
pt 0 dry rerun users --date "$d4" --dry-run
has dry.out "POST http.*/2015-03-31/functions/nightly-export/invocations"
has dry.out "{\"date\":\"$d4\",\"table\":\"users\"}"
has dry.out "aws lambda invoke --function-name nightly-export .*--cli-binary-format raw-in-base64-out --payload '{\"date\":\"$d4\",\"table\":\"users\"}' .*out.json"
[ -z "$(mutating)" ] || fail "the dry run made mutating calls: $(mutating)"

pt 0 run rerun users --date "$d4" --yes
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "Invoke transferConfigs.startManualRuns transferConfigs.startManualRuns " ] ||
    fail "rerun made, in order: '$ops'"
# the transfer starts only after the export the function started COMPLETED
awk '/export: Invoke/ {i = NR} /export: COMPLETED/ {e = NR}
     /transfer: transferConfigs.startManualRuns/ {t = NR} /transfer: SUCCEEDED/ {ts = NR}
     /query: transferConfigs.startManualRuns/ {q = NR}
     END {exit !(i && e > i && t > e && ts > t && q > ts)}' "$dir/run.out" ||
    fail "order: $(cat "$dir/run.out")"
[ "$(day_states users "$d4")" = "SUCCEEDED SUCCEEDED SUCCEEDED" ] ||
    fail "users $d4 after the rerun: $(day_states users "$d4")"
pt 0 audit audit --json
has audit.out '"intent"'
has audit.out "Invoke: arn:aws:dynamodb:[^\"]*:table/users/export/"
has audit.out "{\\\\\"date\\\\\":\\\\\"$d4\\\\\",\\\\\"table\\\\\":\\\\\"users\\\\\"}"
[ "$(sqlite3 "$PIPETOP_DB" "SELECT status FROM actions")" = done ] || fail "action not done"
# the function was asked for that day and that table only: one new export, of users
python3 -c "import json,sys
n = 0
for line in open(sys.argv[1], errors='replace'):
    line = line.strip('\0 \n')
    if line and json.loads(line).get('operation') == 'Invoke': n += 1
sys.exit(n != 1)" "$dir/calls.jsonl" || fail "more than one Invoke"

# A function error stops the chain at the export, with the function's words.
start fail "w['export']['lambda_fail'] = 'Task timed out after 900.00 seconds'"
lambda_config users dynamodb:users
pt 1 fail rerun users --date "$d4" --yes
has fail.err "stopped at $d4 export"
has fail.err "nightly-export failed (Unhandled)"
has fail.err "Task timed out after 900.00 seconds"
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "Invoke " ] || fail "a failed Invoke should stop the chain; calls: '$ops'"
pt 0 faudit audit --json
has faudit.out '"failed"'
has faudit.out "Task timed out after 900.00 seconds"
[ "$(sqlite3 "$PIPETOP_DB" "SELECT status FROM actions")" = failed ] || fail "action not failed"

# An Aurora pipeline (pinned as "orders") through the same function ({"date", "cluster"}),
# on the export task the function started: the next run waits on that task, no second Invoke.
start kill "w['pipelines'][3]['work_seconds'] = 3"
lambda_config orders aurora:appdb/orders
d11=$(day -11)
kill_at_step "export started" rerun orders --date "$d11" --yes
step=$(sqlite3 "$PIPETOP_DB" "SELECT status, step FROM actions")
case "$step" in
"running|$d11 export started appdb-$d11-rerun-"*) ;;
*) fail "killed action: $step" ;;
esac
# while that task runs, a new rerun of the day is refused before any call (per the service)
pt 5 busy rerun orders --date "$d11" --stage export --dry-run
grep -Eq "export is already (PENDING|RUNNING) per the service" "$dir/busy.err" ||
    fail "busy.err does not name the running export: $(cat "$dir/busy.err")"
[ "$(mutating | grep -c Invoke)" = 1 ] || fail "Invokes after the kill: $(mutating)"
pt 0 k2 rerun orders --date "$d11" --yes
has k2.out "interrupted action #1"
has k2.out "resuming: waiting for appdb-$d11-rerun-"
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "Invoke transferConfigs.startManualRuns transferConfigs.startManualRuns " ] ||
    fail "resumed rerun made, in order: '$ops'"
pt 0 kaudit audit --json
has kaudit.out "{\\\\\"date\\\\\":\\\\\"$d11\\\\\",\\\\\"cluster\\\\\":\\\\\"appdb\\\\\"}"
[ "$(day_states orders "$d11")" = "SUCCEEDED SUCCEEDED SUCCEEDED" ] ||
    fail "orders $d11 after the resumed rerun: $(day_states orders "$d11")"
cleanup
[ "$fails" -eq 0 ] && rm -rf "$work" && echo "actions_lambda: all passed"
[ "$fails" -eq 0 ]
