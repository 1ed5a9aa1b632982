#!/bin/sh
# Replays every seed corpus file and every regression input (tests/fuzz/corpus/<target>/,
# tests/fuzz/regress/<target>/) through each fuzz target built as a plain program.
# Usage: fuzz-replay.sh BUILD fuzz_<target>...   Exits 1 when any replay crashes or fails.
set -u
build=$1
shift
failed=0
for name in "$@"; do
    t=${name#fuzz_}
    bin=$build/fuzz/replay_$t
    if out=$("$bin" "tests/fuzz/corpus/$name" "tests/fuzz/regress/$name" 2>&1); then
        printf 'PASS fuzz-replay/%-30s %s\n' "$name" "$(echo "$out" | tail -n 1)"
    else
        failed=$((failed + 1))
        printf 'FAIL fuzz-replay/%s\n' "$name"
        echo "$out" | tail -n 40 | sed 's/^/    | /'
    fi
done
[ "$failed" -eq 0 ]
