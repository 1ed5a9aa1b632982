#!/bin/sh
# tests/integration/status_scenario.sh: `pipetop status --json` after a real refresh of the fake
# cloud's demo world says, day by day and stage by stage, what the scenario says happened — and
# the same world served one item per page gives the same answer. Ids and times differ between
# two fake cloud instances (the world is laid out from "now"), so cells are compared by state,
# raw state and attempts.
set -u
PIPETOP=${PIPETOP:-$(pwd)/pipetop}
FAKECLOUD=${FAKECLOUD:-build/fakecloud}
work=$(mktemp -d /tmp/pipetop-status-XXXXXX)
pid=
fails=0
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# run NAME [fakecloud args]: a fresh fake cloud, one refresh, status --json into $work/NAME.json
run() {
    dir=$work/$1
    shift
    mkdir -p "$dir"
    "$FAKECLOUD" --scenario tests/scenarios/demo.json --workdir "$dir" "$@" >"$dir/out" \
        2>"$dir/err" &
    pid=$!
    i=0
    until grep -q '^READY port=' "$dir/out" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "FAIL: fake cloud did not start: $(cat "$dir/err")"
            exit 1
        fi
        sleep 0.1
    done
    (
        . "$dir/env.sh"
        export PIPETOP_DB="$dir/history.db" HOME="$dir" XDG_STATE_HOME="$dir/state"
        "$PIPETOP" refresh >"$dir/refresh.out" 2>&1 || {
            echo "FAIL: refresh ($*) failed: $(cat "$dir/refresh.out")"
            exit 1
        }
        "$PIPETOP" status --offline --json --days 14 >"$dir/status.json" 2>"$dir/status.err"
        [ $? -eq 1 ] || { echo "FAIL: status should exit 1 on the demo's failures"; exit 1; }
    ) || fails=$((fails + 1))
    cp "$dir/status.json" "$work/$(basename "$dir").json"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
}

run normal
run paged --page-size 1
[ "$(grep -c . "$work/paged/calls.jsonl")" -gt "$(grep -c . "$work/normal/calls.jsonl")" ] ||
    { echo "FAIL: page size 1 did not make more calls"; fails=$((fails + 1)); }

python3 - "$work/normal.json" "$work/paged.json" tests/scenarios/demo.json <<'PY' || fails=$((fails + 1))
import datetime, json, sys, zoneinfo

normal, paged, scen = (json.load(open(p)) for p in sys.argv[1:4])
bad = []

def cells(doc):
    out = {}
    for p in doc["pipelines"]:
        for d in p["days"]:
            for st in ("export", "transfer", "query"):
                c = d[st]
                out[(p["name"], d["date"], st)] = None if c is None else (
                    c["state"], c["raw_state"], c["attempts"])
    return out

a, b = cells(normal), cells(paged)
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            bad.append("page size 1 differs at %s: %s vs %s" % (k, a.get(k), b.get(k)))

tz = zoneinfo.ZoneInfo(scen["timezone"])
today = datetime.datetime.now(tz).date()
day = lambda off: (today + datetime.timedelta(days=int(off))).isoformat()
state = lambda name, off, st: (a.get((name, day(off), st)) or (None,))[0]
names = {p["name"] for p in normal["pipelines"]}

def want(name, off, st, states):
    got = state(name, off, st)
    if got not in states:
        bad.append("%s day %s (%s) %s: %s, want %s" % (name, off, day(off), st, got, states))

# What the scenario says, stage by stage (DESIGN §2: a failed export makes the day's transfer
# and query UPSTREAM_FAILED whatever DTS reported).
want("users", -4, "export", ["FAILED"])
want("users", -4, "transfer", ["UPSTREAM_FAILED"])
want("users", -4, "query", ["UPSTREAM_FAILED"])
want("usage_events", -6, "export", ["SUCCEEDED"])
want("usage_events", -6, "transfer", ["SUCCEEDED"])
want("usage_events", -6, "query", ["FAILED"])
for p in ("appdb/orders", "appdb/payments"):  # one Aurora export task covers the cluster
    want(p, -11, "export", ["FAILED"])
    want(p, -11, "transfer", ["UPSTREAM_FAILED"])
    want(p, -11, "query", ["UPSTREAM_FAILED"])
want("voices", 0, "transfer", ["RUNNING"])
# Every other finished day of every pipeline succeeded, stage by stage.
special = {("users", -4), ("usage_events", -6), ("appdb/orders", -11), ("appdb/payments", -11)}
for name in names:
    for off in range(-13, 0):
        if (name, off) in special:
            continue
        for st in ("export", "transfer", "query"):
            want(name, off, st, ["SUCCEEDED"])
if names != {"users", "voices", "usage_events", "appdb/orders", "appdb/payments"}:
    bad.append("pipelines: %s" % sorted(names))
for line in bad:
    print("FAIL:", line)
sys.exit(1 if bad else 0)
PY

[ "$fails" -eq 0 ] && echo "status_scenario: all passed"
[ "$fails" -eq 0 ]
