#!/bin/sh
# Run every unit test binary given as arguments, then every tests/integration/*.sh script.
# Prints one line per test program and a closing "N passed, N failed" line; exits 1 on any failure.
set -u
passed=0
failed=0
failures=""
logdir=${BUILD:-build}/test-logs
mkdir -p "$logdir"

run_one() { # name, command...
    name=$1
    shift
    log="$logdir/$(echo "$name" | tr '/' '_').log"
    start=$(date +%s)
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        printf 'PASS %-40s %3ss\n' "$name" "$(($(date +%s) - start))"
    else
        failed=$((failed + 1))
        failures="$failures $name"
        printf 'FAIL %-40s %3ss  (log: %s)\n' "$name" "$(($(date +%s) - start))" "$log"
        tail -n 40 "$log" | sed 's/^/    | /'
    fi
}

for bin in "$@"; do
    run_one "unit/$(basename "$bin")" "$bin"
done
for t in tests/integration/*.sh; do
    [ -e "$t" ] && [ "${UNIT_ONLY:-}" != 1 ] || continue
    run_one "integration/$(basename "$t" .sh)" sh "$t"
done

echo
[ -n "$failures" ] && echo "failed:$failures"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
