#!/bin/sh
# tests/tools/chaos.sh (make chaos): `pipetop refresh` and a rerun chain (the demo's failed users
# export day: export -> transfer -> query) under the fake cloud's fault profile — throttling,
# 5xx, connection resets, truncated bodies, stalls past pipetop's per-attempt timeout — for
# CHAOS_SEEDS seeds. Each seed gets a fresh fake cloud on the same world; its final history
# database, dumped canonically (tests/tools/chaos_lib.inc: no logs, no timestamps), must equal
# the fault-free run's. No run may die of a signal or a sanitizer report; each exits 0 or 4, and
# a failed one names, on its output, the calls that the faults kept from succeeding (checked
# against the fake's calls.jsonl). When faults win past the retry budget, the same commands run
# again without faults must converge to the fault-free database.
#
# Knobs: CHAOS_SEEDS (5), CHAOS_SEED0 (first seed, 1), CHAOS_FAULTS (the fault profile, JSON for
# /_fake/faults), CHAOS_KEEP=1 keeps the work directory.
set -u
. tests/tools/chaos_lib.inc
seeds=${CHAOS_SEEDS:-5}
seed0=${CHAOS_SEED0:-1}
profile=${CHAOS_FAULTS:-'{"global": {"throttle_rate": 0.06, "error_5xx_rate": 0.05,
  "reset_rate": 0.04, "truncate_rate": 0.04, "stall_rate": 0.02, "stall_ms": 2500,
  "retry_after_s": 1}}'}
work=$(mktemp -d /tmp/pipetop-chaos-XXXXXX)
scenario=$work/scenario.json
world "$scenario"
d=$(rerun_day)

# sane NAME RC: the command NAME exited RC: not by a signal, no sanitizer report.
sane() {
    [ "$2" -lt 128 ] || fail "$1 died of signal $(($2 - 128))"
    ! grep -Eq "AddressSanitizer|LeakSanitizer|runtime error:" "$dir/$1.err" ||
        fail "$1: sanitizer report: $(grep -m3 -E 'Sanitizer|runtime error' "$dir/$1.err")"
}

# named NAME: every call the faults defeated is named in NAME's output. A call is defeated when
# its (service, operation) had only faulted requests in a row up to the retry budget; the report
# must name the service and operation and say what the service did.
named() {
    python3 - "$dir/calls.jsonl" "$dir/$1.out" "$dir/$1.err" <<'PY' || fail "$1: $(cat "$dir/$1.err" | head -5)"
import json, sys
out = open(sys.argv[2], errors='replace').read() + open(sys.argv[3], errors='replace').read()
bad = []
for line in out.splitlines():
    if 'attempt' in line and ('after' in line or 'gave up' in line):
        bad.append(line)
if not bad and 'HTTP' not in out and 'timed out' not in out and 'reset' not in out:
    print('no error named in the output of a failed run:\n' + out[-800:])
    sys.exit(1)
faulted = set()
for line in open(sys.argv[1], errors='replace'):
    line = line.strip('\0 \n')
    if not line: continue
    c = json.loads(line)
    if c.get('fault') not in (None, 'none'):
        faulted.add((c.get('service'), c.get('operation')))
for line in bad:
    if not any(s in line and o in line for s, o in faulted if s and o):
        print('error names a call that had no injected fault: ' + line)
        sys.exit(1)
PY
}

# run NAME ARGS...: pipetop ARGS, output in $dir/NAME.{out,err}; sets rc.
run() {
    name=$1
    shift
    "$PIPETOP" "$@" >"$dir/$name.out" 2>"$dir/$name.err" </dev/null
    rc=$?
    sane "$name" "$rc"
}

# the fault-free run: refresh, rerun (which refreshes after), refresh
start "$work/clean" 0
run refresh refresh
[ "$rc" = 0 ] || die "fault-free refresh exited $rc: $(cat "$dir/refresh.out" "$dir/refresh.err")"
run rerun rerun users --date "$d" --yes
[ "$rc" = 0 ] || die "fault-free rerun exited $rc: $(cat "$dir/rerun.out" "$dir/rerun.err")"
run refresh2 refresh
[ "$rc" = 0 ] || die "fault-free second refresh exited $rc: $(cat "$dir/refresh2.err")"
dump "$PIPETOP_DB" >"$work/clean.dump"
grep -q "^users|$d|export=SUCCEEDED query=SUCCEEDED transfer=SUCCEEDED$" "$work/clean.dump" ||
    die "the fault-free rerun did not turn users $d green: $(grep "^users|$d" "$work/clean.dump")"

s=$seed0
while [ "$s" -lt $((seed0 + seeds)) ]; do
    start "$work/seed$s" "$s"
    faults "$profile"
    recovered=1
    run refresh refresh
    case $rc in
    0) ;;
    4) named refresh; recovered=0 ;;
    *) fail "seed $s: refresh under faults exited $rc: $(tail -5 "$dir/refresh.out")" ;;
    esac
    run rerun rerun users --date "$d" --yes
    case $rc in
    0) ;;
    4) named rerun; recovered=0 ;;
    *) fail "seed $s: rerun under faults exited $rc: $(tail -5 "$dir/rerun.err")" ;;
    esac
    injected=$(grep '"fault":"' "$dir/calls.jsonl" | grep -vc '"fault":"none"')
    faults '{}'
    if [ "$recovered" = 0 ]; then
        # not recovered within the retry budget: the same commands without faults converge
        # (a run the faults hid the start of may still be RUNNING: pipetop refuses, exit 5,
        # until it ends)
        i=0
        while :; do
            run rerun2 rerun users --date "$d" --yes
            [ "$rc" = 5 ] && grep -q "already RUNNING\|already PENDING" "$dir/rerun2.err" &&
                [ $i -lt 20 ] || break
            i=$((i + 1))
            sleep 0.5
        done
        [ "$rc" = 0 ] || fail "seed $s: fault-free rerun after a failed one exited $rc: $(tail -5 "$dir/rerun2.err")"
    fi
    run refresh2 refresh
    [ "$rc" = 0 ] || fail "seed $s: fault-free refresh exited $rc: $(tail -5 "$dir/refresh2.out")"
    integrity "$PIPETOP_DB"
    dump "$PIPETOP_DB" >"$work/seed$s.dump"
    if ! diff "$work/clean.dump" "$work/seed$s.dump" >"$work/seed$s.diff"; then
        fail "seed $s: the database differs from the fault-free run's: $(head -20 "$work/seed$s.diff")"
    fi
    echo "chaos seed $s: $injected faults injected, $([ $recovered = 1 ] && echo "all recovered by retries" || echo "some not recovered (reported; converged after)")"
    s=$((s + 1))
done

cleanup
[ "$fails" -eq 0 ] && [ "${CHAOS_KEEP:-0}" != 1 ] && rm -rf "$work"
[ "$fails" -eq 0 ] && echo "chaos: $seeds seeds passed" || echo "chaos: $fails failures (work in $work)"
[ "$fails" -eq 0 ]
