#!/bin/sh
# tests/integration/refresh.sh: the real `pipetop refresh` against the fake cloud's demo
# scenario. A first refresh completes; a second one right after makes far fewer calls (the fake's
# calls.jsonl counts them) and leaves every stored row as it was; under throttling and 5xx faults
# a refresh of the same world into a new database ends with the same rows as without faults;
# with DTS unreachable it exits 4, names what it could not read, and keeps everything else; a
# configured dataset that does not exist exits 3 (the config must change) and keeps the rest.
# Rows are compared with the sqlite3 shell over every table but refreshes and api_calls (logs),
# leaving out the *seen_ms columns, which say when pipetop last saw a row.
set -u
PIPETOP=${PIPETOP:-$(pwd)/pipetop}
FAKECLOUD=${FAKECLOUD:-build/fakecloud}
work=$(mktemp -d /tmp/pipetop-refresh-XXXXXX)
pid=
fails=0

cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    pid=
}
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
die() {
    echo "FAIL: $*"
    cleanup
    rm -rf "$work"
    exit 1
}
command -v sqlite3 >/dev/null || die "the sqlite3 shell is needed to compare databases"
command -v curl >/dev/null || die "curl is needed to set the fake cloud's faults"

# start NAME: the fake cloud with the demo scenario in $work/NAME; sources its env.sh and
# points pipetop at a config that also names the export rule, and at $work/NAME/history.db.
start() {
    cleanup
    dir=$work/$1
    mkdir -p "$dir"
    "$FAKECLOUD" --scenario tests/scenarios/demo.json --workdir "$dir" >"$dir/out" 2>"$dir/err" &
    pid=$!
    i=0
    while ! grep -q '^READY port=' "$dir/out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && die "fake cloud not READY: $(cat "$dir/err")"
        kill -0 "$pid" 2>/dev/null || die "fake cloud exited: $(cat "$dir/err")"
        sleep 0.1
    done
    . "$dir/env.sh"
    { cat "$PIPETOP_CONFIG"; printf '\n[aws]\nexport_rule = nightly-export\n'; } >"$dir/pipetop.ini"
    export PIPETOP_CONFIG="$dir/pipetop.ini" PIPETOP_DB="$dir/history.db"
    export HOME="$dir" XDG_STATE_HOME="$dir/state" XDG_CONFIG_HOME="$dir/config"
}

# refresh WANT_RC [args]: runs pipetop refresh, output in $dir/refresh.{out,err}
refresh() {
    want=$1
    shift
    "$PIPETOP" refresh "$@" >"$dir/refresh.out" 2>"$dir/refresh.err"
    rc=$?
    [ "$rc" = "$want" ] || fail "refresh $* exited $rc, want $want: $(cat "$dir/refresh.out" "$dir/refresh.err")"
}

calls() { wc -l <"$dir/calls.jsonl" | tr -d ' '; }

# dump DB: every stored row but the logs, without the seen_ms columns, sorted
dump() {
    for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table'
                             AND name NOT IN ('refreshes', 'api_calls') ORDER BY name"); do
        cols=$(sqlite3 "$1" "SELECT group_concat(name, ', ') FROM pragma_table_info('$t')
                             WHERE name NOT LIKE '%seen_ms'")
        echo "== $t"
        sqlite3 "$1" "SELECT $cols FROM $t ORDER BY $cols"
    done
}

# 1. A first refresh reads everything; a second one asks far less and changes nothing.
start clean
refresh 0
grep -q "ok in" "$dir/refresh.out" || fail "first refresh did not say ok: $(cat "$dir/refresh.out")"
n1=$(calls)
dump "$dir/history.db" >"$work/clean.1"
grep -q "^== bq_tables" "$work/clean.1" || fail "no bq_tables in the dump"
[ "$(sqlite3 "$dir/history.db" 'SELECT count(*) FROM bq_tables')" -gt 0 ] || fail "no tables stored"
[ "$(sqlite3 "$dir/history.db" 'SELECT count(*) FROM transfer_configs')" -gt 0 ] ||
    fail "no transfer configs stored"
[ "$(sqlite3 "$dir/history.db" 'SELECT count(*) FROM pipelines')" -gt 0 ] || fail "no pipelines stored"
[ "$(sqlite3 "$dir/history.db" 'SELECT count(*) FROM stage_runs')" -gt 0 ] || fail "no stage runs stored"
# the demo's failed users export (day -4): that day's transfer and query are UPSTREAM_FAILED
[ "$(sqlite3 "$dir/history.db" "SELECT count(*) FROM stage_runs WHERE pipeline = 'users'
     AND state = 'UPSTREAM_FAILED'")" -gt 0 ] || fail "no UPSTREAM_FAILED after the failed export"
refresh 0 --json
grep -q '"status": "ok"' "$dir/refresh.out" || fail "second refresh --json: $(cat "$dir/refresh.out")"
n2=$(($(calls) - n1))
[ $((n2 * 2)) -lt "$n1" ] || fail "second refresh made $n2 calls, first $n1: not far fewer"
grep -q '"reused": [1-9]' "$dir/refresh.out" || fail "second refresh reused nothing from history"
dump "$dir/history.db" >"$work/clean.2"
diff "$work/clean.1" "$work/clean.2" >"$work/diff" || fail "second refresh changed rows: $(head -20 "$work/diff")"
[ "$(sqlite3 "$dir/history.db" "SELECT group_concat(status) FROM refreshes")" = "ok,ok" ] ||
    fail "refreshes rows: $(sqlite3 "$dir/history.db" 'SELECT * FROM refreshes')"

# 2. The same world under throttling and 5xx on every service (at most 3 faults each, fewer
#    than the 4 attempts a call gets), into a new database: the same rows as without faults.
export PIPETOP_DB="$work/faults.db"
curl -s -o /dev/null -d '{"dynamodb": {"throttle_rate": 0.5, "error_5xx_rate": 0.3, "max_faults": 3},
  "rds": {"throttle_rate": 0.5, "error_5xx_rate": 0.3, "max_faults": 3},
  "events": {"error_5xx_rate": 1, "max_faults": 1},
  "dts": {"throttle_rate": 0.5, "error_5xx_rate": 0.3, "max_faults": 3, "retry_after_s": 1},
  "bigquery": {"throttle_rate": 0.5, "error_5xx_rate": 0.3, "max_faults": 3}}' \
    "$FAKECLOUD_URL/_fake/faults" || fail "could not set faults"
refresh 0
grep -q '"fault"' "$dir/calls.jsonl" || fail "no fault was injected"
dump "$PIPETOP_DB" >"$work/faults.1"
diff "$work/clean.1" "$work/faults.1" >"$work/diff" || fail "rows differ under faults: $(head -20 "$work/diff")"

# 3. DTS unreachable: exit 4, the gap named with its error, the rest stored.
export PIPETOP_DB="$work/nodts.db"
curl -s -o /dev/null -d '{"dts": {"reset_rate": 1}}' "$FAKECLOUD_URL/_fake/faults" ||
    fail "could not set faults"
refresh 4
grep -q "dts transferConfigs.list" "$dir/refresh.out" ||
    fail "the DTS gap is not named: $(cat "$dir/refresh.out")"
grep -q "attempts" "$dir/refresh.out" || fail "the DTS gap does not say how often it tried"
[ "$(sqlite3 "$PIPETOP_DB" 'SELECT count(*) FROM bq_tables')" -gt 0 ] ||
    fail "tables were not stored when only DTS was down"
[ "$(sqlite3 "$PIPETOP_DB" 'SELECT count(*) FROM transfer_configs')" = 0 ] ||
    fail "transfer configs appeared although DTS was down"
[ "$(sqlite3 "$PIPETOP_DB" "SELECT status FROM refreshes")" = "partial" ] ||
    fail "refresh row is not partial"
refresh 4 --json
grep -q '"code": "network"' "$dir/refresh.out" || fail "--json gap has no code: $(cat "$dir/refresh.out")"

# 4. A config naming a dataset that does not exist: exit 3 (fix the config), the rest stored.
curl -s -o /dev/null -d '{}' "$FAKECLOUD_URL/_fake/faults" || fail "could not clear faults"
export PIPETOP_DB="$work/baddataset.db"
grep -v '^datasets' "$dir/pipetop.ini" | sed 's/^\[gcp\]$/[gcp]\ndatasets = mart, no_such_dataset/' >"$dir/bad.ini"
PIPETOP_CONFIG="$dir/bad.ini" refresh 3
grep -q "bigquery tables.list no_such_dataset (\[gcp\] datasets)" "$dir/refresh.out" ||
    fail "the missing dataset is not named: $(cat "$dir/refresh.out" "$dir/refresh.err")"
[ "$(sqlite3 "$PIPETOP_DB" "SELECT count(*) FROM bq_tables WHERE dataset = 'mart'")" -gt 0 ] ||
    fail "the existing dataset's tables were not stored"

cleanup
[ "$fails" -eq 0 ] && rm -rf "$work"
exit $((fails > 0))
