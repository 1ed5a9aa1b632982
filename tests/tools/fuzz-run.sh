#!/bin/sh
# Runs each libFuzzer target in build-fuzz/fuzz/ for SECONDS, one after another (never in
# parallel: the machine is shared). New inputs go to build-fuzz/corpus/<target>/; a crash,
# leak or sanitizer finding is saved as build-fuzz/findings/<target>-crash-* and fails the run
# (copy it to tests/fuzz/regress/<target>/ and fix the parser).
# Usage: fuzz-run.sh SECONDS fuzz_<target>...
set -u
secs=$1
shift
failed=""
mkdir -p build-fuzz/findings
for name in "$@"; do
    work=build-fuzz/corpus/$name
    mkdir -p "$work" "tests/fuzz/regress/$name"
    log=build-fuzz/findings/$name.log
    start=$(date +%s)
    if TMPDIR=${TMPDIR:-/tmp} "build-fuzz/fuzz/$name" -max_total_time="$secs" -max_len=65536 \
        -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="build-fuzz/findings/$name-" \
        "$work" "tests/fuzz/corpus/$name" "tests/fuzz/regress/$name" >"$log" 2>&1; then
        printf 'PASS fuzz/%-24s %4ss  %s\n' "$name" "$(($(date +%s) - start))" \
            "$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2 " execs"}')"
    else
        failed="$failed $name"
        printf 'FAIL fuzz/%-24s %4ss  (log: %s)\n' "$name" "$(($(date +%s) - start))" "$log"
        grep -E 'ERROR|SUMMARY|artifact' "$log" | head -n 10 | sed 's/^/    | /'
    fi
done
[ -z "$failed" ] || { echo "fuzz findings in:$failed"; exit 1; }
echo "fuzz: no findings"
