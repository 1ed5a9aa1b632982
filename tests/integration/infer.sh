#!/bin/sh
# tests/integration/infer.sh: `pipetop schema infer` and `schema refresh --from-export [--apply]`
# against the fake cloud's demo scenario, with the users transfer strict (ignore_unknown_values
# false, so a load fails on an attribute the raw table lacks, as BigQuery does): the newest
# users export (by ARN and by s3:// prefix) gives the flattening SQL (key first,
# TIMESTAMP_SECONDS for created_at, the mart table's descriptions kept), a terraform block and
# bq JSON; the drifted raw.users table (referral_code only in newer exports) is found, stored
# and marked DRIFT by `pipetop tables`; a transfer rerun of a drift day fails with BigQuery's
# JSON load error (which names no field), and pipetop's error text adds the stored drift: the
# missing referral_code and the command that adds it (before the check: how to find out);
# read-only and an unconfirmed --apply are refused and change nothing; --apply --yes sends one
# tables.patch that keeps every field and adds only Item.referral_code, NULLABLE (the fake's
# logged request body), audit has intent and outcome; the same rerun then succeeds and the day
# turns green; a fresh check clears the drift from the database and from `pipetop tables`.
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

command -v python3 >/dev/null || { echo "FAIL: python3 is needed"; exit 1; }

python3 -c "import json, sys
w = json.load(open('tests/scenarios/demo.json'))
for p in w['pipelines']:
    if p['name'] == 'users':
        p['ignore_unknown_values'] = False
json.dump(w, open(sys.argv[1], 'w'))" "$work/scenario.json" || { echo "FAIL: scenario"; exit 1; }
"$FAKECLOUD" --scenario "$work/scenario.json" --workdir "$work" >"$work/out" 2>"$work/err" &
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

# the strict transfer failed on the drift days with BigQuery's load error, which names no field;
# a rerun before any drift check fails the same way and pipetop says how to find out
day=$(sqlite3 "$work/history.db" "SELECT max(day) FROM stage_runs WHERE pipeline = 'users'
      AND stage = 'transfer' AND state = 'FAILED'")
[ -n "$day" ] || fail "no failed users transfer on the drift days"
pt 1 rerun0 rerun users --date "$day" --stage transfer --yes
has rerun0 err 'failed with error INVALID_ARGUMENT: Error while reading data, error message: JSON table encountered too many errors'
has rerun0 err '`pipetop schema refresh voicebox-analytics.raw.users --from-export` lists them'
has rerun0 out 'T=FAILED'

# drift: found, stored, marked
pt 1 drift schema refresh raw.users --from-export
has drift out '1 new, 0 changed, 0 gone'
has drift out '+ new      referral_code  S'
[ "$(sqlite3 "$work/history.db" "SELECT new_attrs, changed, gone FROM table_drift
      WHERE table_name = 'voicebox-analytics.raw.users'")" = "1|0|0" ] ||
    fail "stored drift of raw.users: $(sqlite3 "$work/history.db" "SELECT * FROM table_drift")"
pt 0 tables tables
grep 'raw.users ' "$work/tables.out" | grep -q 'DRIFT+1' || fail "tables has no DRIFT mark: $(cat "$work/tables.out")"

# the same rerun, the drift now known: pipetop names the missing field and the fix
pt 1 rerun1 rerun users --date "$day" --stage transfer --yes
has rerun1 err 'JSON table encountered too many errors'
has rerun1 err 'hint: voicebox-analytics.raw.users lacks 1 attribute(s) that the newest export has'
has rerun1 err ': referral_code; a JSON load fails on them'
has rerun1 err 'pipetop schema refresh voicebox-analytics.raw.users --from-export --apply'

# day_states DAY: "export transfer query" states of users on DAY in `status --offline`.
day_states() {
    "$PIPETOP" status --offline --days 30 --json 2>/dev/null | python3 -c "import json,sys
d = json.load(sys.stdin)
for p in d['pipelines']:
    if p['name'] != 'users': continue
    for x in p['days']:
        if x['date'] == sys.argv[1]:
            print(' '.join((x.get(s) or {}).get('state', '-') for s in ('export', 'transfer', 'query')))" "$1"
}
[ "$(day_states "$day")" = "SUCCEEDED FAILED UPSTREAM_FAILED" ] ||
    fail "users $day before the fix: $(day_states "$day")"

# refused: read-only, and no terminal without --yes; nothing changed, no intent written
pt 5 ro --read-only schema refresh raw.users --from-export --apply --yes
has ro err 'read-only mode is on'
pt 5 noyes schema refresh raw.users --from-export --apply </dev/null
has noyes err 'pass --yes'
pt 0 audit0 audit
lacks audit0 out 'schema-apply'
grep -q '"tables.patch"' "$work/calls.jsonl" && fail "a tables.patch was sent before --apply --yes"

# the raw table as the fake has it before the fix (tables.get with a token of the fake's OAuth)
python3 -c "import json, sys, urllib.request, urllib.parse
base = sys.argv[1]
au = json.load(open(sys.argv[2]))
form = urllib.parse.urlencode({'grant_type': 'refresh_token', 'client_id': au['client_id'],
    'client_secret': au['client_secret'], 'refresh_token': au['refresh_token']}).encode()
tok = json.load(urllib.request.urlopen(base + '/token', form))['access_token']
url = '%s/bigquery/v2/projects/%s/datasets/raw/tables/users' % (base, sys.argv[3])
t = json.load(urllib.request.urlopen(urllib.request.Request(url,
    headers={'Authorization': 'Bearer ' + tok})))
json.dump(t['schema']['fields'], open(sys.argv[4], 'w'))
" "$FAKECLOUD_URL" "$work/authorized_user.json" "$GOOGLE_CLOUD_PROJECT" "$work/raw_before.json" ||
    fail "tables.get of raw.users through the fake failed"
pt 0 apply schema refresh raw.users --from-export --apply --yes
has apply out 'applied: 1 field(s) added to voicebox-analytics.raw.users'
# the one tables.patch: every field of the table as it was, plus Item.referral_code NULLABLE
python3 -c "import json, sys
calls = [json.loads(l) for l in open(sys.argv[1], errors='replace') if l.strip('\0 \n')]
patches = [c for c in calls if c.get('operation') == 'tables.patch']
assert len(patches) == 1 and patches[0]['status'] == 200, patches
body = patches[0]['body']
assert set(body) == {'schema'}, 'patch sends more than the schema: %s' % sorted(body)
before = json.load(open(sys.argv[2]))
def flat(fields, pre=''):
    out = {}
    for f in fields:
        out[pre + f['name']] = (f['type'], f.get('mode', 'NULLABLE'))
        out.update(flat(f.get('fields', []), pre + f['name'] + '.'))
    return out
old, new = flat(before), flat(body['schema']['fields'])
for k, v in old.items():
    assert new.get(k) == v, 'field %s changed or removed: %s -> %s' % (k, v, new.get(k))
added = {k: v for k, v in new.items() if k not in old}
assert added == {'Item.referral_code': ('RECORD', 'NULLABLE'),
                 'Item.referral_code.S': ('STRING', 'NULLABLE')}, added
" "$work/calls.jsonl" "$work/raw_before.json" || fail "the tables.patch request is not additive-only"
pt 0 schema schema raw.users
has schema out 'referral_code'
pt 0 audit audit --json
has audit out '"phase": "intent"'
has audit out '"verb": "schema-apply"'

# the same rerun now loads the day's files and the day turns green
pt 0 rerun rerun users --date "$day" --stage transfer --yes
has rerun out 'every stage SUCCEEDED'
[ "$(day_states "$day")" = "SUCCEEDED SUCCEEDED SUCCEEDED" ] ||
    fail "users $day after the fix: $(day_states "$day")"

# a fresh check clears the drift, stored and shown
pt 0 again schema refresh raw.users --from-export
has again out '0 new, 0 changed, 0 gone'
[ "$(sqlite3 "$work/history.db" "SELECT new_attrs FROM table_drift
      WHERE table_name = 'voicebox-analytics.raw.users'")" = "0" ] || fail "stored drift not cleared"
pt 0 tables2 tables
lacks tables2 out 'DRIFT'

cleanup
[ "$fails" -eq 0 ] && echo "infer: all passed"
[ "$fails" -eq 0 ]
