#!/bin/sh
# tests/tools/crash.sh (make crash): SIGKILL pipetop at random points (seeded delays) of
# `pipetop refresh` and of a rerun chain (the demo's failed users export day), many times.
# After each kill: PRAGMA integrity_check is ok; no refresh is half-visible (the stored rows are
# either those before the refresh or those of a complete one); an interrupted rerun is listed
# by `pipetop actions` and `pipetop rerun` of the same day resumes it to green without starting
# any stage twice: per the fake's calls.jsonl each transfer/query config got at most one
# startManualRuns, and the service shows exactly one new attempt of each stage (a repeated
# ExportTableToPointInTime carries the same ClientToken, so AWS answers with the same export).
#
# Three in four rerun kills are aimed: at the moment the action's step says an export, transfer
# or query start call is in flight (the fake, 100 ms slow, still carries it out), the case where
# pipetop has not yet learnt the id of what it started.
#
# Knobs: CRASH_SEED (1), CRASH_REFRESH_KILLS (30), CRASH_RERUN_KILLS (12), CRASH_KEEP=1 keeps the
# work directory.
set -u
. tests/tools/chaos_lib.inc
seed=${CRASH_SEED:-1}
nref=${CRASH_REFRESH_KILLS:-30}
nrun=${CRASH_RERUN_KILLS:-12}
work=$(mktemp -d /tmp/pipetop-crash-XXXXXX)
scenario=$work/scenario.json
world "$scenario"
d=$(rerun_day)

# delays N MAX_MS: N seeded random delays in seconds, from 0 to MAX_MS ms.
delays() {
    awk -v n="$1" -v max="$2" -v s="$seed" 'BEGIN { srand(s); for (i = 0; i < n; i++)
        printf "%.3f\n", rand() * max / 1000 }'
}

# killed DELAY ARGS...: starts pipetop ARGS, SIGKILLs it after DELAY seconds (if still running).
killed() {
    delay=$1
    shift
    "$PIPETOP" "$@" >"$dir/killed.out" 2>"$dir/killed.err" </dev/null &
    k=$!
    sleep "$delay"
    kill -9 $k 2>/dev/null
    wait $k 2>/dev/null
    krc=$?
}

# sig DB: what a complete refresh leaves, as counts (each adds one finished row to refreshes,
# in the same transaction as its data).
sig() {
    [ -s "$1" ] || { echo "0 0 0 0 0 0 0"; return; }
    sqlite3 "$1" "SELECT (SELECT count(*) FROM pipelines), (SELECT count(*) FROM stage_runs),
        (SELECT count(*) FROM transfer_configs), (SELECT count(*) FROM bq_tables),
        (SELECT count(*) FROM schema_versions), (SELECT count(*) FROM finished_items),
        (SELECT count(*) FROM refreshes WHERE status != 'running')" 2>&1 |
        tr '|' ' '
}

# --- refresh ------------------------------------------------------------------------------------
start "$work/refresh" "$seed"
faults '{"global": {"latency_ms": 15}}' # a refresh of ~0.5 s, so kills land inside it
t0=$(date +%s%N)
"$PIPETOP" refresh >"$dir/ref.out" 2>&1 || die "reference refresh failed: $(cat "$dir/ref.out")"
ms=$((($(date +%s%N) - t0) / 1000000))
cp "$PIPETOP_DB" "$work/one.db"
one=$(sig "$work/one.db")
"$PIPETOP" refresh >"$dir/ref.out" 2>&1 || die "second reference refresh failed: $(cat "$dir/ref.out")"
two=$(sig "$PIPETOP_DB")
[ "$one" != "$two" ] || die "a second refresh adds nothing to tell it by: $one"
i=0
killed_mid=0
for t in $(delays "$nref" $((ms + ms / 5))); do
    i=$((i + 1))
    # odd: the first refresh into an empty database; even: a refresh over a complete one
    rm -f "$PIPETOP_DB" "$PIPETOP_DB-wal" "$PIPETOP_DB-shm" "$PIPETOP_DB-journal"
    before="0 0 0 0 0 0 0"
    after=$one
    if [ $((i % 2)) = 0 ]; then
        cp "$work/one.db" "$PIPETOP_DB"
        before=$one
        after=$two
    fi
    killed "$t" refresh
    [ "$krc" = 137 ] && killed_mid=$((killed_mid + 1))
    [ -e "$PIPETOP_DB" ] && integrity "$PIPETOP_DB"
    now=$(sig "$PIPETOP_DB")
    [ "$now" = "$before" ] || [ "$now" = "$after" ] ||
        fail "refresh killed after ${t}s (kill $i): half-visible: $now (before: $before, complete: $after)"
    # the next refresh completes, as if nothing had happened
    "$PIPETOP" refresh >"$dir/next.out" 2>&1 || fail "refresh after kill $i: $(tail -3 "$dir/next.out")"
    integrity "$PIPETOP_DB"
done
echo "crash: $nref refreshes killed within ${ms} ms ($killed_mid before they ended), none half-visible"

# --- rerun chain --------------------------------------------------------------------------------
i=0
for t in $(delays "$nrun" 8000); do
    i=$((i + 1))
    start "$work/rerun$i" "$seed"
    "$PIPETOP" refresh >"$dir/ref.out" 2>&1 || die "refresh before rerun $i failed: $(cat "$dir/ref.out")"
    # every reply 100 ms late: a kill often lands while a start call is in flight (the fake
    # still carries it out), the case where pipetop has not yet learnt what it started
    faults '{"global": {"latency_ms": 100}}'
    case $((i % 4)) in
    1) at="export starting" ;;
    2) at="transfer starting" ;;
    3) at="query starting" ;;
    *) at= ;;
    esac
    if [ -n "$at" ]; then
        # three in four: killed the moment the step says a start call is in flight
        "$PIPETOP" rerun users --date "$d" --yes >"$dir/killed.out" 2>"$dir/killed.err" </dev/null &
        k=$!
        n=0
        until sqlite3 "$PIPETOP_DB" "SELECT step FROM actions" 2>/dev/null | grep -q "$at"; do
            n=$((n + 1))
            [ $n -gt 2000 ] || ! kill -0 $k 2>/dev/null && break
            sleep 0.005
        done
        kill -9 $k 2>/dev/null
        wait $k 2>/dev/null
        t="'$at'"
    else
        killed "$t" rerun users --date "$d" --yes
        t="${t}s"
    fi
    integrity "$PIPETOP_DB"
    st=$(sqlite3 "$PIPETOP_DB" "SELECT status FROM actions ORDER BY id DESC LIMIT 1")
    step=$(sqlite3 "$PIPETOP_DB" "SELECT step FROM actions ORDER BY id DESC LIMIT 1")
    "$PIPETOP" actions >"$dir/actions.out" 2>&1
    arc=$?
    if [ "$st" = running ]; then
        [ "$arc" = 1 ] && grep -q interrupted "$dir/actions.out" ||
            fail "rerun killed at ${t}: 'pipetop actions' exited $arc and shows: $(cat "$dir/actions.out")"
    fi
    "$PIPETOP" rerun users --date "$d" --yes >"$dir/resume.out" 2>"$dir/resume.err" </dev/null
    rrc=$?
    [ "$rrc" = 0 ] || fail "rerun killed at ${t} (step: $step): resume exited $rrc: $(tail -3 "$dir/resume.err")"
    [ "$st" = running ] && ! grep -q "interrupted action #" "$dir/resume.out" &&
        fail "rerun killed at ${t}: the resume did not name the interrupted action"
    "$PIPETOP" actions >"$dir/actions2.out" 2>&1 ||
        fail "after the resume (kill $i) an action is still listed: $(cat "$dir/actions2.out")"
    integrity "$PIPETOP_DB"
    python3 - "$dir/calls.jsonl" <<'PY' || fail "rerun killed at ${t}: a stage was started twice"
import json, sys, collections
starts = collections.Counter()
for line in open(sys.argv[1], errors='replace'):
    line = line.strip('\0 \n')
    if not line: continue
    c = json.loads(line)
    if c.get('operation') == 'transferConfigs.startManualRuns':
        starts[c['path']] += 1
    if c.get('operation') == 'ExportTableToPointInTime':
        starts['export'] += 1
for what, n in starts.items():
    if what != 'export' and n > 1:
        print('%d startManualRuns for %s' % (n, what)); sys.exit(1)
PY
    got=$(sqlite3 "$PIPETOP_DB" "SELECT group_concat(stage || '=' || state || '#' || attempt, ' ') FROM
        (SELECT * FROM stage_runs r WHERE pipeline = 'users' AND day = '$d' AND attempt =
         (SELECT max(attempt) FROM stage_runs x WHERE x.pipeline = r.pipeline AND x.day = r.day
          AND x.stage = r.stage) ORDER BY stage)")
    [ "$got" = "export=SUCCEEDED#2 query=SUCCEEDED#2 transfer=SUCCEEDED#2" ] ||
        fail "rerun killed at ${t}: users $d ended as '$got' (want each stage SUCCEEDED in one new attempt)"
    echo "crash: rerun killed at ${t} ($([ "$st" = running ] && echo "interrupted at '$step'" || echo "action ${st:-not yet created}")), resumed"
done

cleanup
[ "$fails" -eq 0 ] && [ "${CRASH_KEEP:-0}" != 1 ] && rm -rf "$work"
[ "$fails" -eq 0 ] && echo "crash: $nref refresh and $nrun rerun kills passed" ||
    echo "crash: $fails failures (work in $work)"
[ "$fails" -eq 0 ]
