#!/bin/sh
# tests/integration/timeofday.sh: the demo world is built relative to the real "now", so what
# today's row shows depends on the hour. This runs pipetop and the fake cloud under libfaketime
# (both processes see the same shifted clock; the monotonic clock is left alone) at hours that
# matter in Asia/Tokyo — before the nightly export, between the transfer and the query, late
# evening — and checks:
#   - status_scenario.sh (status --json against the scenario, stage by stage) holds at each;
#   - a rerun of today's transfer between 04:00 (transfer) and 05:00 (query) starts the transfer
#     only: the query's scheduled instant is still to come (DTS refuses a manual run in the
#     future), so the plan says so and leaves it to its schedule.
# Skipped (passes with a note) when libfaketime is not installed; `make deps` installs it.
set -u
command -v faketime >/dev/null || { echo "timeofday: faketime not installed: skipped"; exit 0; }
export FAKETIME_DONT_FAKE_MONOTONIC=1
# Under `make asan` the sanitizer runtime must come first among preloaded libraries; faketime's
# preload comes before it, which is harmless for what ASan checks.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# offset HH:MM: faketime's "+Ns" offset that puts the clock at the next HH:MM in Asia/Tokyo
# (relative offsets, because an absolute faketime is read in each process's own TZ).
offset() {
    python3 -c "import datetime, sys, zoneinfo
tz = zoneinfo.ZoneInfo('Asia/Tokyo')
now = datetime.datetime.now(tz)
h, m = map(int, sys.argv[1].split(':'))
t = now.replace(hour=h, minute=m, second=0, microsecond=0)
if t <= now: t += datetime.timedelta(days=1)
print('+%ds' % int((t - now).total_seconds()))" "$1"
}

# Inner run (under faketime at 04:30 JST): between the transfer (04:00) and the query (05:00)
# only the transfer is started.
if [ "${TIMEOFDAY_INNER:-}" = 1 ]; then
    . tests/integration/actions_lib.inc
    start notdue ""
    d0=$(day 0)
    pt 0 dry rerun users --date "$d0" --stage transfer --dry-run
    has dry.out "query is not due until ${d0}T05:00:00+09:00"
    grep -q "$d0 query:" "$dir/dry.out" && fail "the dry run lists today's query before its hour"
    pt 0 run rerun users --date "$d0" --stage transfer --yes
    has run.out "$d0 query: not started: query is not due until"
    n=$(mutating | grep -c 'startManualRuns')
    [ "$n" = 1 ] || fail "wanted one startManualRuns (the transfer's), the fake saw $n: $(mutating)"
    cleanup
    rm -rf "$work"
    [ "$fails" -eq 0 ]
    exit
fi

fails=0
for hm in 00:30 03:10 04:30 22:00; do
    off=$(offset "$hm")
    if ! faketime -f "$off" sh tests/integration/status_scenario.sh >/tmp/timeofday.$$ 2>&1; then
        echo "FAIL: status_scenario at $hm JST:"
        sed 's/^/    /' /tmp/timeofday.$$ | tail -n 20
        fails=$((fails + 1))
    fi
done
rm -f /tmp/timeofday.$$

TIMEOFDAY_INNER=1 faketime -f "$(offset 04:30)" sh "$0" || fails=$((fails + 1))
[ "$fails" -eq 0 ] && echo "timeofday: all passed"
[ "$fails" -eq 0 ]
