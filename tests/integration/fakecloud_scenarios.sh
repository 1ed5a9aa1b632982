#!/bin/sh
# tests/integration/fakecloud_scenarios.sh: every scenario in tests/scenarios starts the fake
# cloud (the large generated one too), --page-size and --clock-offset-s reach the world, and
# scenarios with a bad key or outcome are refused with a message naming it.
set -u
FAKECLOUD=${FAKECLOUD:-build/fakecloud}
work=$(mktemp -d /tmp/pipetop-scenarios-XXXXXX)
pid=
fail() {
    echo "FAIL: $*"
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
    exit 1
}

# start SCENARIO [ARGS...]: runs the fake cloud until READY (60 s at most); sets pid and port
start() {
    scen=$1
    shift
    rm -f "$work/out" # a READY line left by the previous run must not be read
    "$FAKECLOUD" --scenario "$scen" --workdir "$work" "$@" >"$work/out" 2>"$work/err" &
    pid=$!
    i=0
    while ! grep -q '^READY port=' "$work/out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 600 ] && fail "$scen: no READY after 60 s: $(cat "$work/err")"
        kill -0 "$pid" 2>/dev/null || fail "$scen: exited before READY: $(cat "$work/err")"
        sleep 0.1
    done
    port=$(sed -n 's/^READY port=//p' "$work/out")
}

stop() {
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    pid=
    [ "$rc" -eq 0 ] || fail "exit status $rc: $(cat "$work/err")"
}

world() {
    curl -sS --max-time 30 "http://127.0.0.1:$port/_fake/world" || fail "GET /_fake/world failed"
}

for scen in tests/scenarios/*.json; do
    start "$scen"
    w=$(world)
    echo "$w" | grep -q '"counts":{' || fail "$scen: world answered $w"
    case $scen in
    */large.json)
        echo "$w" | grep -q '"ddb_tables":10000' || fail "large: not 10000 tables"
        echo "$w" | grep -q '"dts_configs":1000' || fail "large: not 1000 configs"
        ;;
    */paging.json)
        echo "$w" | grep -q '"page_size":1' || fail "paging: page size not 1"
        ;;
    */demo.json)
        echo "$w" | grep -q '"timezone":"Asia/Tokyo"' || fail "demo: timezone"
        echo "$w" | grep -q '"name":"payments"' || fail "demo: no payments pipeline"
        ;;
    esac
    stop
done

# the command-line knobs override the scenario
start tests/scenarios/minimal.json --page-size 2 --clock-offset-s 86400
w=$(world)
echo "$w" | grep -q '"page_size":2' || fail "--page-size 2 not applied: $w"
tomorrow=$(date -u -d '+1 day' +%Y-%m-%d 2>/dev/null || true)
if [ -n "$tomorrow" ]; then
    echo "$w" | grep -q "\"now\":\"$tomorrow" || fail "--clock-offset-s 86400 not applied: $w"
fi
stop

# refused scenarios name what is wrong
echo '{"pipelines": [{"name": "x", "source": {"dynamodb": "nope"}}]}' >"$work/bad1.json"
echo '{"dynamodb": {"tables": [{"name": "t1"}]}, "pipelines": [{"name": "t1",
  "source": {"dynamodb": "t1"}, "days": {"0": {"export": "FAIL"}}}]}' >"$work/bad2.json"
echo '{"timezone": "Mars/Olympus"}' >"$work/bad3.json"
echo '{"dynamodb": {"tables": [{"name": "t1", "atributes": []}]}}' >"$work/bad4.json"
for b in bad1:nope bad2:'days.0.export' bad3:Mars bad4:atributes; do
    f=${b%%:*}
    want=${b#*:}
    if "$FAKECLOUD" --scenario "$work/$f.json" --workdir "$work" >"$work/o" 2>"$work/e"; then
        fail "$f accepted"
    fi
    grep -q "$want" "$work/e" || fail "$f: message does not name $want: $(cat "$work/e")"
done

rm -rf "$work"
echo "ok"
