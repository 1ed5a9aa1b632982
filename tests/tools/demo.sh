#!/bin/sh
# make demo: start the fake cloud on the demo world, point pipetop at it with a throwaway history
# database, refresh once, and open the dashboard. The fake cloud is stopped on every exit path
# (quit, Ctrl-C, a failure). Usage: demo.sh PIPETOP FAKECLOUD [SCENARIO]
set -u
pipetop=$1
fakecloud=$2
scenario=${3:-tests/scenarios/demo.json}

work=$(mktemp -d "${TMPDIR:-/tmp}/pipetop-demo.XXXXXX") || exit 1
fc_pid=""
cleanup() {
    if [ -n "$fc_pid" ]; then
        kill -TERM "$fc_pid" 2>/dev/null
        wait "$fc_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

"$fakecloud" --scenario "$scenario" --workdir "$work" >"$work/stdout" 2>"$work/fakecloud.log" &
fc_pid=$!
tries=0
until grep -q '^READY ' "$work/stdout" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$fc_pid" 2>/dev/null; then
        echo "demo: the fake cloud did not start:" >&2
        cat "$work/fakecloud.log" >&2
        exit 1
    fi
    sleep 0.1
done
line=$(grep -m1 '^READY ' "$work/stdout")
echo "demo: fake cloud on ${line#READY } (requests logged to $work/calls.jsonl)"

# shellcheck disable=SC1091
. "$work/env.sh"
export PIPETOP_DB="$work/history.db"
export XDG_STATE_HOME="$work/state"

"$pipetop" doctor || echo "demo: doctor found problems (above)"
echo "demo: first refresh ..."
"$pipetop" refresh || echo "demo: the refresh reported problems (above); pipetop shows what it has"
if [ -t 0 ] && [ -t 1 ]; then
    "$pipetop"
    rc=$?
    if [ "$rc" -eq 69 ]; then # a build without the dashboard: show the grid as text instead
        "$pipetop" status --offline
        rc=$?
    fi
else
    "$pipetop" status --offline
    rc=$?
fi
[ "$rc" -eq 1 ] && rc=0 # "failed runs found" is what the demo world is for, not a demo failure
exit $rc
