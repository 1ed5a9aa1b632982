#!/bin/sh
# Runs integration scripts (tests/integration/NAME.sh; all that run pipetop when none is named) with
# $PIPETOP replaced by a wrapper that runs the real binary under valgrind memcheck: any memory
# error or definite leak in any pipetop process fails the script, as does the script itself
# failing. Waits in the scripts are stretched by PIPETOP_TEST_SLOW (default 10 here).
# Logs: $BUILD/valgrind-integration/<script>/<pid>.vg (one per pipetop process) and <script>.log.
# Usage: run-valgrind-integration.sh [NAME...]   env: PIPETOP FAKECLOUD MKDB MKBIGDB BUILD
# Exits 1 on any failure.
set -u
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
: "${PIPETOP:?set PIPETOP to the pipetop binary}"
real=$(cd "$(dirname "$PIPETOP")" && pwd)/$(basename "$PIPETOP")
root=$(pwd)
dir=$root/${BUILD:-build}/valgrind-integration
supp=$root/tests/tools/valgrind.supp
rm -rf "$dir"
mkdir -p "$dir/bin"
export PIPETOP_TEST_SLOW=${PIPETOP_TEST_SLOW:-10}

# By default every script but the fake cloud's own (fakecloud_*.sh never run pipetop).
[ $# -gt 0 ] || set -- $(ls tests/integration/*.sh | sed 's|.*/||; s|\.sh$||' | grep -v '^fakecloud_')
failed=""
for name in "$@"; do
    t=tests/integration/$name.sh
    [ -f "$t" ] || { echo "run-valgrind-integration: no $t" >&2; exit 2; }
    logs=$dir/$name
    mkdir -p "$logs" "$dir/bin/$name"
    # The wrapper is named pipetop (commands.sh puts its directory on PATH for completion) and
    # has every path written in: some scripts run pipetop with an emptied environment.
    w=$dir/bin/$name/pipetop
    cat >"$w" <<SH
#!/bin/sh
exec valgrind --quiet --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite \\
    --show-leak-kinds=definite --suppressions='$supp' --log-file='$logs/%p.vg' '$real' "\$@"
SH
    chmod +x "$w"
    start=$(date +%s)
    PIPETOP=$w sh "$t" >"$dir/$name.log" 2>&1
    rc=$?
    bad=$(find "$logs" -name '*.vg' -size +0c | sort)
    secs=$(($(date +%s) - start))
    if [ "$rc" -eq 0 ] && [ -z "$bad" ]; then
        printf 'PASS valgrind-integration/%-24s %4ss  %s pipetop runs\n' "$name" "$secs" \
            "$(find "$logs" -name '*.vg' | wc -l)"
    else
        failed="$failed $name"
        printf 'FAIL valgrind-integration/%-24s %4ss  (script exit %s; logs: %s)\n' "$name" \
            "$secs" "$rc" "$dir/$name.log"
        [ "$rc" -eq 0 ] || tail -n 20 "$dir/$name.log" | sed 's/^/    | /'
        for f in $bad; do
            echo "    memcheck: $f"
            head -n 40 "$f" | sed 's/^/    | /'
        done
    fi
done
[ -z "$failed" ] || { echo "valgrind-integration failed:$failed"; exit 1; }
echo "valgrind-integration: ok ($# scripts)"
