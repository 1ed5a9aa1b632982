#!/bin/sh
# tests/integration/infer.sh: `pipetop schema infer` and `schema refresh --from-export [--apply]`
# against the fake cloud's demo scenario: the newest users export (by ARN and by s3:// prefix)
# gives the flattening SQL (key first, TIMESTAMP_SECONDS for created_at, the mart table's
# descriptions kept), a terraform block and
# bq JSON; the drifted raw.users table (referral_code only in newer exports) is found, stored
# and marked DRIFT by `pipetop tables`; read-only and an unconfirmed --apply are refused and
# change nothing; --apply --yes adds the field (the re-read schema has it, audit has intent and
# outcome), the drift is gone, and a transfer rerun of the newest day succeeds.
set -u
PIPETOP=${PIPETOP:-$(pwd)/pipetop}
FAKECLOUD=${FAKECLOUD:-build/fakecloud}
work=$(mktemp -d /tmp/pipetop-infer-XXXXXX)
pid=
fails=0

cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    pid=
}
trap 'cleanup; [ "$fails" -eq 0 ] && rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
command -v sqlite3 >/dev/null || { echo "FAIL: the sqlite3 shell is needed"; exit 1; }

"$FAKECLOUD" --scenario tests/scenarios/demo.json --workdir "$work" >"$work/out" 2>"$work/err" &
pid=$!
i=0
while ! grep -q '^READY port=' "$work/out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "FAIL: fake cloud not READY: $(cat "$work/err")"; exit 1; }
    sleep 0.1
done
. "$work/env.sh"
cp "$PIPETOP_CONFIG" "$work/pipetop.ini" # the fake's config names the demo's export rule
export PIPETOP_CONFIG="$work/pipetop.ini" PIPETOP_DB="$work/history.db" COLUMNS=200
export HOME="$work" XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"

# pt WANT_RC NAME ARGS...: runs pipetop, output in $work/NAME.{out,err}
pt() {
    want=$1
    name=$2
    shift 2
    "$PIPETOP" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    [ "$rc" -eq "$want" ] || fail "$name: pipetop $* exited $rc, wanted $want: $(head -c 600 "$work/$name.err")"
}
has() { grep -qF -- "$3" "$work/$1.$2" || fail "$1.$2 lacks: $3"; }
lacks() { ! grep -qF -- "$3" "$work/$1.$2" || fail "$1.$2 has: $3"; }

pt 0 refresh refresh
arn=$(sqlite3 "$work/history.db" "SELECT service_id FROM stage_runs WHERE pipeline = 'users'
      AND stage = 'export' AND state = 'SUCCEEDED' ORDER BY day DESC LIMIT 1")
[ -n "$arn" ] || fail "no succeeded users export in the history database"

pt 0 sql schema infer --export "$arn" --format sql --table mart.users
has sql out 'CREATE OR REPLACE TABLE `mart.users` ('
has sql out '  user_id STRING OPTIONS(description="ユーザーID"),'
has sql out 'TIMESTAMP_SECONDS(SAFE_CAST(Item.created_at.N AS INT64)) AS created_at'
has sql out 'SAFE_CAST(Item.age.N AS INT64) AS age'
has sql out 'Item.referral_code.S AS referral_code'
has sql out 'FROM `raw.users`'
sed -n 2p "$work/sql.out" | grep -q '^  user_id STRING' || fail "the key column is not first"
pt 0 tf schema infer --export "$arn" --format terraform --table voicebox-analytics.raw.users
has tf out 'resource "google_bigquery_table" "raw_users" {'
has tf out '"name": "referral_code"'
has tf out '  project             = "voicebox-analytics"'
pt 0 bq schema infer s3://voicebox-exports/dynamodb/users/ --format bq-json
python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))
item = f[0]
assert item["name"] == "Item" and item["type"] == "RECORD", item
names = {a["name"]: [m["name"] for m in a["fields"]] for a in item["fields"]}
assert names["referral_code"] == ["S"], names
assert names["tags"] == ["SS"], names
assert names["deleted_at"] == ["NULL"], names
' "$work/bq.out" || fail "bq-json shape: $(head -c 300 "$work/bq.out")"

# drift: found, stored, marked
pt 1 drift schema refresh raw.users --from-export
has drift out '1 new, 0 changed, 0 gone'
has drift out '+ new      referral_code  S'
pt 0 tables tables
grep 'raw.users ' "$work/tables.out" | grep -q 'DRIFT+1' || fail "tables has no DRIFT mark: $(cat "$work/tables.out")"

# refused: read-only, and no terminal without --yes; nothing changed, no intent written
pt 5 ro --read-only schema refresh raw.users --from-export --apply --yes
has ro err 'read-only mode is on'
pt 5 noyes schema refresh raw.users --from-export --apply </dev/null
has noyes err 'pass --yes'
pt 0 audit0 audit
lacks audit0 out 'schema-apply'

pt 0 apply schema refresh raw.users --from-export --apply --yes
has apply out 'applied: 1 field(s) added to voicebox-analytics.raw.users'
pt 0 schema schema raw.users
has schema out 'referral_code'
pt 0 audit audit --json
has audit out '"phase": "intent"'
has audit out '"verb": "schema-apply"'
pt 0 again schema refresh raw.users --from-export
has again out '0 new, 0 changed, 0 gone'
pt 0 tables2 tables
lacks tables2 out 'DRIFT'

# the next transfer: rerun the newest day's transfer (the fake does not model load failures
# on missing fields, so this shows the chain still runs, not that the patch was what fixed it)
day=$(sqlite3 "$work/history.db" "SELECT max(day) FROM stage_runs WHERE pipeline = 'users'
      AND stage = 'transfer' AND state = 'SUCCEEDED'")
pt 0 rerun rerun users --date "$day" --stage transfer --yes
has rerun out 'every stage SUCCEEDED'

cleanup
[ "$fails" -eq 0 ] && echo "infer: all passed"
[ "$fails" -eq 0 ]
