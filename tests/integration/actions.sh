#!/bin/sh
# tests/integration/actions.sh: `pipetop rerun` against the fake cloud (demo scenario, 1 s of
# work per started stage), judged by the fake's calls.jsonl: a dry run prints the aws/bq
# commands and makes no mutating call; read-only makes none; the demo's failed-export day is
# rerun export -> transfer -> query, in that order, each after the previous one finished, and
# turns green in `status --offline`, with intent and outcome rows in `pipetop audit`; a day
# outside the PITR window and a deleted Aurora snapshot are refused before any mutating call.
set -u
. tests/integration/actions_lib.inc

start plain ""
d4=$(day -4)
pt 0 dry rerun users --date "$d4" --dry-run
has dry.out "aws dynamodb export-table-to-point-in-time"
has dry.out "bq mk --transfer_run --run_time"
has dry.out "ExportTableToPointInTime\|POST http"
pt 5 ro --read-only rerun users --date "$d4" --yes
has ro.err "read-only mode is on"
pt 5 ro2 --read-only rerun users --date "$(day -10)" --to "$d4" --all --yes
pt 5 ro3 --read-only schema refresh raw.users --apply --yes
# without --yes and without a terminal (setsid: no controlling tty) it refuses
if command -v setsid >/dev/null; then
    setsid -w "$PIPETOP" rerun users --date "$d4" >"$dir/noterm.out" 2>"$dir/noterm.err" </dev/null
    [ $? = 5 ] || fail "rerun without a terminal or --yes did not exit 5"
    has noterm.err "no terminal to confirm on"
fi
# on a terminal (script(1) gives it one): Cancel is the default; beyond 7 days only the typed
# pipeline name proceeds
if command -v script >/dev/null; then
    printf '\n' | script -qec "'$PIPETOP' rerun users --date $d4" /dev/null >"$dir/tty1.out" 2>&1
    [ $? = 5 ] || fail "Enter at the prompt did not cancel"
    has tty1.out "Proceed? \[y/N\]"
    has tty1.out "rerun cancelled; nothing was changed"
    has tty1.out "environment  aws account 210987654321"
    printf 'y\n' | script -qec "'$PIPETOP' rerun users --date $(day -12) --to $d4 --all" /dev/null \
        >"$dir/tty2.out" 2>&1
    [ $? = 5 ] || fail "'y' passed the typed confirmation of a 9-day backfill"
    has tty2.out "Type the name 'users' to proceed"
    has tty2.out "backfill cancelled"
fi
# a stage RUNNING per the service is never started again: a rerun of that day is refused, a
# backfill skips the day. Today's voices transfer runs (the demo says so); in the first minutes
# after the nightly export time the day's export is still running too, and is named first.
pt 5 busy rerun voices --date "$(day 0)" --yes
grep -Eq "(export|transfer) is already RUNNING per the service" "$dir/busy.err" ||
    fail "busy.err does not name the running stage: $(cat "$dir/busy.err")"
pt 0 busybf rerun voices --date "$(day -1)" --to "$(day 0)" --all --dry-run
grep -Eq "skipped: (export|transfer) is already RUNNING per the service" "$dir/busybf.out" ||
    fail "busybf.out does not skip the running day: $(cat "$dir/busybf.out")"
[ -z "$(mutating)" ] || fail "dry run / read-only / unconfirmed made mutating calls: $(mutating)"

pt 0 run rerun users --date "$d4" --yes
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "ExportTableToPointInTime transferConfigs.startManualRuns transferConfigs.startManualRuns " ] ||
    fail "rerun made, in order: '$ops'"
# each stage started only after the previous one SUCCEEDED (as the progress lines show)
awk '/export: COMPLETED/ {e = NR} /transfer: transferConfigs.startManualRuns/ {t = NR}
     /transfer: SUCCEEDED/ {ts = NR} /query: transferConfigs.startManualRuns/ {q = NR}
     END {exit !(e && t > e && ts > t && q > ts)}' "$dir/run.out" || fail "order: $(cat "$dir/run.out")"
[ "$(day_states users "$d4")" = "SUCCEEDED SUCCEEDED SUCCEEDED" ] ||
    fail "users $d4 after the rerun: $(day_states users "$d4")"
pt 0 audit audit --json
for w in '"intent"' '"outcome"' '"rerun"' '"export"' '"transfer"' '"query"'; do has audit.out "$w"; done
pt 0 again rerun users --date "$d4" --yes
has again.out "nothing to rerun"
[ "$(mutating | wc -l)" -eq 3 ] || fail "a second rerun of a green day made calls: $(mutating)"
[ "$(sqlite3 "$PIPETOP_DB" "SELECT status FROM actions")" = done ] || fail "action not done"

# Schema refresh: the first version, unchanged, then (after a tables.patch) the difference.
pt 0 s1 schema refresh raw.users
has s1.out "voicebox-analytics.raw.users: [0-9]* rows"
pt 0 s2 --read-only schema refresh raw.users
has s2.out "schema unchanged"
bq_patch raw users "fields.append({'name': 'referral_code', 'type': 'STRING', 'mode': 'NULLABLE'})"
pt 0 s3 schema refresh raw.users
has s3.out "NEW schema version recorded"
has s3.out "1 added, 0 removed, 0 changed"
has s3.out "+ referral_code STRING NULLABLE"
pt 0 audit2 audit
has audit2.out "schema-refresh"

# Refusals before any mutating call: PITR window (users keeps 3 days), deleted snapshot.
start refuse "w['dynamodb']['tables'][0]['pitr_days'] = 3"
pt 5 pitr rerun users --date "$d4" --yes
has pitr.err "outside table users's PITR window"
d15=$(day -15)
pt 5 snap rerun appdb/orders --date "$d15" --stage export --yes
has snap.err "no longer exists"
[ -z "$(mutating)" ] || fail "refused reruns made mutating calls: $(mutating)"

cleanup
[ "$fails" -eq 0 ] && rm -rf "$work" && echo "actions: all passed"
[ "$fails" -eq 0 ]
