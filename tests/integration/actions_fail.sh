#!/bin/sh
# tests/integration/actions_fail.sh: `pipetop rerun` when things go wrong, against the fake
# cloud: a failure injected at the transfer stops the chain there (no query started; exit 1;
# the audit log says failed); with DTS unreadable nothing is planned (exit 4); a 503 answer to
# startManualRuns is not repeated (exit 4); two reruns of the same day started together make
# one set of calls (the second is refused, naming the running action); a rerun killed with SIGKILL between
# two stages is shown at the next start and resumed without repeating the finished stage, and
# one killed while its export start call was in flight resumes from that export.
set -u
. tests/integration/actions_lib.inc

start fail "w['pipelines'][0]['rerun'] = {'transfer': 'FAILED:INTERNAL:Transfer run failed'}"
d4=$(day -4)
pt 1 fail rerun users --date "$d4" --yes
has fail.err "stopped at $d4 transfer"
has fail.err "Transfer run failed"
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "ExportTableToPointInTime transferConfigs.startManualRuns " ] ||
    fail "a failed transfer should stop the chain; calls: '$ops'"
pt 0 audit audit --json
has audit.out '"failed"'
has audit.out "Transfer run failed"
[ "$(sqlite3 "$PIPETOP_DB" "SELECT status FROM actions")" = failed ] || fail "action not failed"

# DTS unreadable (every call reset): the rerun cannot know whether a run is already going, so it
# plans nothing, names what it could not read, exits 4 and makes no mutating call (chaos test
# finding: it said "no pipeline 'users' was found" and exited 2).
start gap ""
curl -s -o /dev/null -d '{"dts": {"reset_rate": 1}}' "$FAKECLOUD_URL/_fake/faults" ||
    fail "could not set faults"
pt 4 gap rerun users --date "$d4" --yes
has gap.err "could not read dts transferConfigs.list"
has gap.err "nothing was planned or started"
[ -z "$(mutating)" ] || fail "a rerun with DTS unreadable made mutating calls: $(mutating)"

# startManualRuns answered 503: not repeated (the service may have started the run), exit 4
# (not 1: no stage failed), the error says so; the rerun after it starts the rest, once.
start unavail ""
curl -s -o /dev/null -d '{"dts:transferConfigs.startManualRuns": {"error_5xx_rate": 1}}' \
    "$FAKECLOUD_URL/_fake/faults" || fail "could not set faults"
pt 4 unavail rerun users --date "$d4" --yes
has unavail.err "stopped at $d4 transfer"
has unavail.err "HTTP 503 UNAVAILABLE"
has unavail.err "the service may have carried it out"
[ "$(mutating | grep -c startManualRuns)" = 1 ] || fail "a 503 startManualRuns was repeated: $(mutating)"
curl -s -o /dev/null -d '{}' "$FAKECLOUD_URL/_fake/faults" || fail "could not clear faults"
pt 0 unavail2 rerun users --date "$d4" --yes
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "ExportTableToPointInTime transferConfigs.startManualRuns transferConfigs.startManualRuns transferConfigs.startManualRuns " ] ||
    fail "after a 503 start, the rerun made, in order: '$ops'"

# Two reruns of the same day at the same moment: one set of calls.
start race ""
"$PIPETOP" rerun users --date "$d4" --yes >"$dir/a.out" 2>"$dir/a.err" </dev/null &
a=$!
"$PIPETOP" rerun users --date "$d4" --yes >"$dir/b.out" 2>"$dir/b.err" </dev/null &
b=$!
wait $a
ra=$?
wait $b
rb=$?
[ "$(echo "$ra $rb" | tr ' ' '\n' | sort | tr '\n' ' ')" = "0 5 " ] ||
    fail "racing reruns exited $ra and $rb (wanted one 0, one 5): $(cat "$dir/a.err" "$dir/b.err")"
grep -q "refused" "$dir/a.err" "$dir/b.err" || fail "the second rerun did not say it was refused"
[ "$(mutating | grep -c ExportTableToPointInTime)" = 1 ] || fail "racing reruns: $(mutating)"
[ "$(mutating | grep -c startManualRuns)" = 2 ] || fail "racing reruns: $(mutating)"

# SIGKILL between two stages (the Aurora pipeline's failed export day), then resume.
start kill "w['pipelines'][3]['work_seconds'] = 3"
d11=$(day -11)
kill_at_step "transfer started" rerun appdb/orders --date "$d11" --yes
[ "$(sqlite3 "$PIPETOP_DB" "SELECT status FROM actions")" = running ] ||
    fail "killed action: $(sqlite3 "$PIPETOP_DB" "SELECT status, step FROM actions")"
pt 1 list actions
has list.out "interrupted"
has list.out "transfer started"
pt 0 k2 rerun appdb/orders --date "$d11" --yes
has k2.out "interrupted action #1"
has k2.out "resuming: waiting for"
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "StartExportTask transferConfigs.startManualRuns transferConfigs.startManualRuns " ] ||
    fail "resumed rerun made, in order: '$ops'"
[ "$(day_states appdb/orders "$d11")" = "SUCCEEDED SUCCEEDED SUCCEEDED" ] ||
    fail "orders $d11 after the resumed rerun: $(day_states appdb/orders "$d11")"
pt 0 list2 actions --all
has list2.out "done"

# SIGKILL while the export's start call is in flight (replies 300 ms late; the fake still
# carries it out), the export finishing before the resume: the resume finds that export and
# goes on from it, without a second ExportTableToPointInTime (crash test finding: it started a
# new export under the next ClientToken).
start inflight ""
# PIPETOP_TEST_SLOW=N (pipetop under valgrind) stretches the latency, and gives the call the
# time to leave the slowed process before the kill (N-1 tenths of a second); 1 by default.
slow=${PIPETOP_TEST_SLOW:-1}
curl -s -o /dev/null -d "{\"global\": {\"latency_ms\": $((300 * slow))}}" "$FAKECLOUD_URL/_fake/faults" ||
    fail "could not set faults"
"$PIPETOP" rerun users --date "$d4" --yes >"$dir/f1.out" 2>"$dir/f1.err" </dev/null &
k=$!
i=0
until sqlite3 "$PIPETOP_DB" "SELECT step FROM actions" 2>/dev/null | grep -q "export starting"; do
    i=$((i + 1))
    [ $i -gt $((600 * slow)) ] && break
    sleep 0.01
done
[ "$slow" -gt 1 ] && sleep "$((slow - 1))e-1"
kill -9 $k 2>/dev/null
wait $k 2>/dev/null
sleep $((2 * slow))
pt 0 f2 rerun users --date "$d4" --yes
has f2.out "resuming: waiting for arn:aws:dynamodb"
[ "$(mutating | grep -c ExportTableToPointInTime)" = 1 ] ||
    fail "the resume started a second export: $(mutating)"
[ "$(day_states users "$d4")" = "SUCCEEDED SUCCEEDED SUCCEEDED" ] ||
    fail "users $d4 after the resumed rerun: $(day_states users "$d4")"

cleanup
[ "$fails" -eq 0 ] && rm -rf "$work" && echo "actions_fail: all passed"
[ "$fails" -eq 0 ]
