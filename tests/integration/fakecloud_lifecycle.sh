#!/bin/sh
# tests/integration/fakecloud_lifecycle.sh: the fake cloud starts on a free loopback port,
# prints READY, writes env.sh and calls.jsonl, answers /_fake/health, rejects a bad scenario,
# and on SIGTERM exits 0 leaving no process behind.
set -u
FAKECLOUD=${FAKECLOUD:-build/fakecloud}
work=$(mktemp -d /tmp/pipetop-lifecycle-XXXXXX)
pid=
fail() {
    echo "FAIL: $*"
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
    exit 1
}

cat >"$work/scenario.json" <<'JSON'
{"aws": {"access_key_id": "AKIDLIFECYCLE", "secret_access_key": "s3cr3t'quote",
         "region": "ap-northeast-1", "account_id": "111122223333"},
 "gcp": {"project": "p-life", "location": "asia-northeast1"},
 "faults": {"global": {"latency_ms": 1}}}
JSON

"$FAKECLOUD" --scenario "$work/scenario.json" --workdir "$work" >"$work/out" 2>"$work/err" &
pid=$!
i=0
while ! grep -q '^READY port=[0-9][0-9]*$' "$work/out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && fail "no READY line after 10 s: $(cat "$work/err")"
    kill -0 "$pid" 2>/dev/null || fail "exited before READY: $(cat "$work/err")"
    sleep 0.1
done
port=$(sed -n 's/^READY port=//p' "$work/out")
[ "$port" -gt 0 ] || fail "bad port $port"

# env.sh is valid sh and points at this server
[ -f "$work/env.sh" ] || fail "no env.sh"
(
    . "$work/env.sh"
    [ "$AWS_ENDPOINT_URL" = "http://127.0.0.1:$port" ] || exit 1
    [ "$AWS_ACCESS_KEY_ID" = "AKIDLIFECYCLE" ] || exit 1
    [ "$AWS_SECRET_ACCESS_KEY" = "s3cr3t'quote" ] || exit 1
    [ "$AWS_REGION" = "ap-northeast-1" ] || exit 1
    [ "$AWS_EC2_METADATA_DISABLED" = "true" ] || exit 1
    [ "$PIPETOP_BIGQUERY_ENDPOINT" = "http://127.0.0.1:$port" ] || exit 1
    [ "$PIPETOP_DTS_ENDPOINT" = "http://127.0.0.1:$port" ] || exit 1
) || fail "env.sh does not export the expected values: $(cat "$work/env.sh")"

health=$(curl -sS --max-time 5 "http://127.0.0.1:$port/_fake/health") || fail "health request failed"
echo "$health" | grep -q '"status":"ok"' || fail "health answered $health"
grep -q '"path":"/_fake/health"' "$work/calls.jsonl" || fail "calls.jsonl lacks the health call"

# only loopback: nothing listens on another address for this port
if command -v ss >/dev/null 2>&1; then
    ss -ltn | grep ":$port " | grep -vq '127.0.0.1:' && fail "listening beyond loopback"
fi

kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && fail "still running 10 s after SIGTERM"
    sleep 0.1
done
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 0 ] || fail "exit status $rc after SIGTERM: $(cat "$work/err")"

# a broken scenario is refused with a message naming the file
echo '{"faults": {"global": {"throttle_rate": 2}}}' >"$work/bad.json"
if "$FAKECLOUD" --scenario "$work/bad.json" --workdir "$work" >"$work/out2" 2>"$work/err2"; then
    fail "accepted a throttle_rate of 2"
fi
grep -q 'throttle_rate' "$work/err2" || fail "bad scenario message: $(cat "$work/err2")"

rm -rf "$work"
echo "ok"
