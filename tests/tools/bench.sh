#!/bin/sh
# make bench: every figure beside a baseline measured in the same run; prints a table and
# writes BENCHMARKS.md (machine, date, commit). Finishes in a few minutes on 2 cores.
# Env: PIPETOP FAKECLOUD BENCH_STORE (set by the Makefile); BENCH_LATENCY_MS (default 50).
set -u
PIPETOP=${PIPETOP:-$(pwd)/pipetop}
FAKECLOUD=${FAKECLOUD:-build/fakecloud}
BENCH_STORE=${BENCH_STORE:-build/bench_store}
lat=${BENCH_LATENCY_MS:-50}
work=$(mktemp -d /tmp/pipetop-bench-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
trap 'cleanup; rm -rf "$work"' EXIT
die() { echo "bench: $*" >&2; exit 1; }
for c in python3 sqlite3 curl; do command -v $c >/dev/null || die "$c is needed"; done

# median_ms N CMD...: runs CMD N times (output discarded), prints the median wall time in ms.
median_ms() {
    python3 - "$@" <<'PY'
import subprocess, sys, time
n = int(sys.argv[1]); cmd = sys.argv[2:]; t = []
for _ in range(n):
    s = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t.append((time.perf_counter() - s) * 1000)
t.sort(); print("%.1f" % t[len(t) // 2])
PY
}

# 1. History writes (state/ vs a bare SQLite loop), which also leaves a 500 x 90 history.
set -- $("$BENCH_STORE" "$work") || die "bench_store failed"
w_state=$1 w_bare=$2 w_rows=$3
w_ratio=$(python3 -c "print('%.2f' % ($w_state / $w_bare))")

# 2. First answer from history: status --offline on 500 pipelines x 90 days vs sqlite3.
: >"$work/empty.ini"
db=$work/state.db
since=$(python3 -c "import datetime;print((datetime.date.today()-datetime.timedelta(days=89)).isoformat())")
s_pipetop=$(median_ms 11 "$PIPETOP" status --offline --days 90 --no-color --db "$db" \
    --config "$work/empty.ini")
s_sqlite=$(median_ms 11 sqlite3 "$db" "SELECT pipeline, day, stage, attempt, state, raw_state,
    started_ms, ended_ms, error_code, error_message FROM stage_runs WHERE day >= '$since'
    ORDER BY pipeline, day, stage, attempt")

# 3. Refresh with latency added to every reply. The large world (500 pipelines, 10,000 tables)
# needs ~60,000+ calls (DescribeTable, DescribeContinuousBackups and ListExports per table,
# DescribeExport per export): that cannot run in a few minutes, so this uses a scaled world of
# the same shape (tests/scenarios/bench.json) and says so.
start_fake() { # DIR
    cleanup
    mkdir -p "$1"
    "$FAKECLOUD" --scenario tests/scenarios/bench.json --workdir "$1" >"$1/out" 2>"$1/err" &
    pid=$!
    i=0
    while ! grep -q '^READY port=' "$1/out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && die "fake cloud not READY: $(cat "$1/err")"
        sleep 0.1
    done
    . "$1/env.sh"
    export HOME="$1" XDG_STATE_HOME="$1/state" XDG_CONFIG_HOME="$1/config"
    curl -sf -d "{\"global\":{\"latency_ms\":$lat}}" "$FAKECLOUD_URL/_fake/faults" >/dev/null ||
        die "cannot set latency_ms"
}
# refresh_run DIR CONFIG: prints "seconds calls breakdown" (breakdown: calls per operation)
refresh_run() {
    n0=$(wc -l <"$1/calls.jsonl" 2>/dev/null || echo 0)
    s=$(python3 -c 'import time;print(time.time())')
    "$PIPETOP" refresh --config "$2" --db "$1/h-$(basename "$2").db" >"$1/r.out" 2>"$1/r.err"
    rc=$?
    e=$(python3 -c 'import time;print(time.time())')
    [ $rc -le 1 ] || die "refresh exited $rc: $(tail -n 3 "$1/r.err")"
    python3 - "$1/calls.jsonl" "$n0" "$s" "$e" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]
calls = [json.loads(l) for l in lines if '"/_fake/' not in l]
ops = {}
for c in calls:
    k = "%s.%s" % (c.get("service"), c.get("operation"))
    ops[k] = ops.get(k, 0) + 1
top = ",".join("%s:%d" % kv for kv in sorted(ops.items(), key=lambda kv: -kv[1]))
print("%.2f %d %s" % (float(sys.argv[4]) - float(sys.argv[3]), len(calls), top))
PY
}
start_fake "$work/fc"
conc=$(sed -n 's/^max_in_flight *= *//p' "$PIPETOP_CONFIG" | head -n 1)
conc=${conc:-16}
set -- $(refresh_run "$work/fc" "$PIPETOP_CONFIG")
r_time=$1 r_calls=$2 r_ops=$(echo "$3" | sed 's/,/, /g')
sed 's/^\[general\]$/[general]\nmax_in_flight = 1/' "$PIPETOP_CONFIG" >"$work/fc/serial.ini"
start_fake "$work/fc1"
sed 's/^\[general\]$/[general]\nmax_in_flight = 1/' "$PIPETOP_CONFIG" >"$work/fc1/serial.ini"
set -- $(refresh_run "$work/fc1" "$work/fc1/serial.ini")
r1_time=$1 r1_calls=$2
cleanup
r_ideal=$(python3 -c "print('%.2f' % ($r_calls * $lat / 1000 / $conc))")
r_vs_ideal=$(python3 -c "print('%.2f' % ($r_time / $r_ideal))")
r_speedup=$(python3 -c "print('%.1f' % ($r1_time / $r_time))")

missed=$(python3 - "$r_vs_ideal" "$r_speedup" "$s_pipetop" "$w_ratio" <<'PY'
import sys
vi, sp, st, wr = map(float, sys.argv[1:])
out = []
if vi > 1.5:
    out.append("- Refresh is %.2fx the ideal (target 1.5x): calls are serialized by paging chains "
               "(ListExports then DescribeExport per export); more overlap across tables would close it." % vi)
if sp < 10:
    out.append("- Concurrency gains %.1fx over max_in_flight=1 (target 10x)." % sp)
if st >= 50:
    out.append("- status --offline takes %.0f ms (target 50 ms, %.1fx over). Not profiled in this run; "
               "suspects: process start with config/zone setup, the 90-day grid query and the "
               "per-pipeline failure counts over all days; an index-only grid query and "
               "computing counts in SQL would be the first things to try." % (st, st / 50))
if wr < 0.5:
    out.append("- state/ writes reach %.2fx of the bare loop (target 0.5x). Not profiled in this "
               "run; db_put_stage_run is an upsert with CHECK and FOREIGN KEY constraints and a "
               "statement-cache lookup per row, against a plain INSERT." % wr)
print("\n".join(out) if out else "- None.")
PY
)

machine="$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1),"
machine="$machine $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) RAM"
when=$(date -u +%Y-%m-%dT%H:%MZ)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

table=$(cat <<TBL
| Figure | Measured | Baseline (same run) | Ratio | Target |
|---|---|---|---|---|
| Refresh, scaled world, ${lat} ms per reply, max_in_flight=$conc | ${r_time} s, $r_calls calls | ideal $r_calls x ${lat} ms / $conc = ${r_ideal} s | ${r_vs_ideal}x ideal | within 1.5x of ideal |
| Same refresh at max_in_flight=1 | ${r1_time} s, $r1_calls calls | concurrent run ${r_time} s | ${r_speedup}x faster concurrent | over 10x |
| Calls made vs minimum | $r_calls calls: $r_ops | minimum not computed yet (see below) | - | 1.0x |
| status --offline, 500 pipelines x 90 days (median of 11) | ${s_pipetop} ms | sqlite3 shell, same rows: ${s_sqlite} ms | $(python3 -c "print('%.1f' % ($s_pipetop / $s_sqlite))")x | under 50 ms |
| History writes through state/ ($w_rows stage runs, one transaction) | $w_state rows/s | bare SQLite insert loop: $w_bare rows/s | ${w_ratio}x | at least 0.5x |
TBL
)
echo "$table"
# Schema inference in bounded memory: 50 MB of generated export data, then INFER_BENCH_MB more.
infer_line="not run (INFER_TEST not set)"
if [ -n "${INFER_TEST:-}" ]; then
    infer_line=$(INFER_BENCH_MB=1024 "$INFER_TEST" 2>&1 | grep 'bounded memory' | head -n 1)
    [ -n "$infer_line" ] || infer_line="the inference memory test printed no figure"
    echo "bench: $infer_line"
fi

cat >BENCHMARKS.md <<MD
# pipetop benchmarks

Written by \`make bench\` (tests/tools/bench.sh). Every figure has a baseline measured in the
same run on the same machine.

- Machine: $machine
- Date: $when
- Commit: $rev

$table

## How each figure is measured

- **Refresh**: the fake cloud (tests/fakecloud) with \`latency_ms = $lat\` on every reply,
  \`pipetop refresh\` into a new database; calls counted from the fake cloud's calls.jsonl.
  The world is **tests/scenarios/bench.json, a scaled-down world of the large one's shape**:
  the full \`large\` world (500 pipelines x 90 days, 10,000 tables) took more than 5 minutes
  and over 62,000 calls *without* added latency on this machine (DescribeTable,
  DescribeContinuousBackups and ListExports per table, DescribeExport per export), so it cannot
  run inside \`make bench\`. The calls are listed per operation; a computed minimum (from the
  world's tables, exports and runs) is not implemented yet, so "calls against the minimum" is
  open. The fake cloud's log has no request bodies, so repeated POST calls cannot be told apart
  from it alone.
- **status --offline**: the history written by the write benchmark (500 pipelines x 90 days x
  3 stages); \`sqlite3\` reads the same stage runs with one SELECT. Both include process start.
- **History writes**: tests/bench/bench_store.c; db_put_stage_run in one transaction against
  a prepared INSERT loop into the same table definition (WAL, synchronous=NORMAL).

## Where a target is missed

$missed

## Not measured yet

- Dashboard first frame, keystroke-to-frame p50/p99 (50,000 history rows) and dashboard peak
  RSS on the large world: the dashboard is being built on another branch.
- Schema inference MB/s against \`gzip -dc\` of the same files: not measured yet (the peak-RSS
  figure below is).

## Schema inference memory

Peak RSS of \`tests/unit/test_infer\` streaming generated DynamoDB export data (gzip'd on the fly)
through the inference reader — 50 MB, then 1024 MB more; the target is a constant peak as the
input grows: $infer_line
MD
echo "bench: wrote BENCHMARKS.md"
