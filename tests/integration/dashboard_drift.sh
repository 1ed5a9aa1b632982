#!/bin/sh
# tests/integration/dashboard_drift.sh: schema drift in the dashboard at 80x24, driven through
# tmux (own socket) on a history database that a real refresh and `schema refresh raw.users
# --from-export` against the fake cloud's demo wrote: the Tables view marks raw.users
# "DRIFT+1" (title counts it, "/DRIFT" filters to it, the pane under the list explains it),
# Enter opens its Schema view with the diff first ("+ referral_code" NEW), when and from which
# export it was found and the command that fixes it; the same reads in NO_COLOR with the ASCII
# locale; a table without drift shows no drift rows. Offline: the dashboard reads the history.
# Then online on the fake cloud, A (schema-apply): read-only neither offers it nor sends
# anything; writable, the hint bar offers it first, the dialog lists Item.referral_code
# NULLABLE, Enter cancels (no tables.patch), y sends exactly one additive tables.patch, audited
# (intent, outcome), and the DRIFT marks go away.
set -u
: "${PIPETOP:?set PIPETOP to the pipetop binary}"
: "${FAKECLOUD:?set FAKECLOUD to the fake cloud binary}"
tmp=$(mktemp -d /tmp/pipetop-dashdrift-XXXXXX)
n=0
T="tmux -L pipetop-drift-$$-$n"
fcpid=
fails=0
cleanup() {
    $T kill-server 2>/dev/null
    [ -n "$fcpid" ] && kill "$fcpid" 2>/dev/null && wait "$fcpid" 2>/dev/null
    fcpid=
}
trap 'cleanup; rm -rf "$tmp"' EXIT
command -v tmux >/dev/null || { echo "FAIL: tmux is needed"; exit 1; }

fail() {
    echo "FAIL: $*"
    screen | sed 's/^/    | /'
    fails=$((fails + 1))
}
. tests/integration/tmux_lib.inc
expect() { wait_for "$1" || fail "screen lacks: $1"; }

# the history: a refresh of the demo world and one drift check of raw.users
"$FAKECLOUD" --scenario tests/scenarios/demo.json --workdir "$tmp" >"$tmp/out" 2>"$tmp/err" &
fcpid=$!
i=0
while ! grep -q '^READY port=' "$tmp/out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "FAIL: fake cloud not READY: $(cat "$tmp/err")"; exit 1; }
    sleep 0.1
done
(
    . "$tmp/env.sh"
    export PIPETOP_DB="$tmp/h.db" HOME="$tmp" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/c"
    "$PIPETOP" refresh >"$tmp/refresh.out" 2>&1 || echo "refresh: $(tail -3 "$tmp/refresh.out")"
    "$PIPETOP" schema refresh raw.users --from-export >"$tmp/drift.out" 2>&1
    [ $? -eq 1 ] || echo "drift check: $(tail -3 "$tmp/drift.out")"
) >"$tmp/setup.err"
[ -s "$tmp/setup.err" ] && { echo "FAIL: setup: $(cat "$tmp/setup.err")"; exit 1; }
cleanup # the dashboard runs offline: the history database is all it reads

unset XDG_CONFIG_HOME XDG_STATE_HOME PIPETOP_CONFIG PIPETOP_DB NO_COLOR
export HOME="$tmp/home" PIPETOP_TIMEZONE=UTC
mkdir -p "$HOME"

# start ENV...: the dashboard, offline on the drift history, in a fresh 80x24 pane.
start() {
    $T kill-server 2>/dev/null
    n=$((n + 1))
    T="tmux -L pipetop-drift-$$-$n"
    printf '%s\n' "$@" >"$tmp/env"
    cat >"$tmp/run.sh" <<SH
#!/bin/sh
while read -r kv; do [ -n "\$kv" ] && export "\$kv"; done <"$tmp/env"
"$PIPETOP" --db "$tmp/h.db" --offline \$DASH_ARGS
echo "EXIT=\$?"
sleep 60
SH
    $T new-session -d -s dash -x 80 -y 24 "sh $tmp/run.sh"
    $T set-option -t dash status off >/dev/null
    wait_for "pipetop |" || fail "the dashboard did not open"
}

# walk TAG: Tables -> raw.users -> Schema with the diff; the same in every mode.
walk() {
    keys : t a b Tab Enter
    expect "DRIFT"
    screen | grep -F "raw.users" | grep -qF "DRIFT+1" || fail "$1: raw.users row lacks DRIFT+1"
    screen | grep -F "raw.voices" | grep -qF "DRIFT" && fail "$1: raw.voices marked DRIFT"
    screen | grep -qE "tables: [0-9]+ of [0-9]+, 1 DRIFT" || fail "$1: the title does not count DRIFT"
    keys / D R I F T Enter
    expect "tables: 1 of"
    expect "voicebox-analytics.raw.users"
    expect "the next transfer fails on the new attributes"
    keys Enter / C-u Enter
    expect "schema voicebox-analytics.raw.users: DRIFT +1 new"
    expect "+ referral_code"
    screen | grep -F "+ referral_code" | grep -F "NEW" | grep -qF "next load fails: S" ||
        fail "$1: referral_code is not NEW with the reason"
    expect "DRIFT found "
    expect "  users/export/"
    expect "fix: pipetop schema refresh voicebox-analytics.raw.users --from-export --apply"
    expect "Item"
    keys Escape
    keys / C-u Enter
    keys / r a w . v o i c e s Enter Enter / C-u Enter
    expect "schema voicebox-analytics.raw.voices:"
    expect "Item"
    absent "DRIFT"
    absent "fix: pipetop schema refresh"
    keys Escape
    keys : q Enter
    expect "EXIT=0"
}

start LANG=C.UTF-8 "DASH_ARGS="
walk colour
# DRIFT is in the warning colour (yellow, 33) in colour mode
start LANG=C.UTF-8 "DASH_ARGS="
keys : t a b Tab Enter
expect "DRIFT+1"
$T capture-pane -e -p -t dash | grep -F "raw.users" | grep -qF "$(printf '\033')[33mDRIFT+1" ||
    fail "DRIFT+1 is not in the warning colour"
keys : q Enter
expect "EXIT=0"

start LANG=C LC_ALL=C NO_COLOR=1 "DASH_ARGS=--no-color"
walk ascii
$T capture-pane -e -p -t dash | grep -q "$(printf '\033')\[[0-9;]*3[0-7]m" &&
    fail "colour escapes with NO_COLOR"

# --- A: the dashboard's schema-apply, online on the fake cloud (its raw.users as before the
# fix: without referral_code); the history database still holds the drift check.
mkdir -p "$tmp/fc"
"$FAKECLOUD" --scenario tests/scenarios/demo.json --workdir "$tmp/fc" >"$tmp/fc.out" 2>"$tmp/fc.err" &
fcpid=$!
i=0
while ! grep -q '^READY port=' "$tmp/fc.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "FAIL: fake cloud not READY: $(cat "$tmp/fc.err")"; exit 1; }
    sleep 0.1
done
# the tables.patch calls the fake received: "STATUS BODY-JSON" a line
patches() {
    python3 -c "import json, sys
for l in open(sys.argv[1], errors='replace'):
    l = l.strip('\0 \n')
    if not l: continue
    c = json.loads(l)
    if c.get('operation') == 'tables.patch' or c.get('method') == 'PATCH':
        print(c.get('status'), json.dumps(c.get('body')))" "$tmp/fc/calls.jsonl"
}
# online ENV...: the dashboard on the fake cloud (env.sh) and the drift history, 80x24.
online() {
    $T kill-server 2>/dev/null
    n=$((n + 1))
    T="tmux -L pipetop-drift-$$-$n"
    printf '%s\n' "$@" >"$tmp/env"
    cat >"$tmp/run.sh" <<SH
#!/bin/sh
. "$tmp/fc/env.sh"
while read -r kv; do [ -n "\$kv" ] && export "\$kv"; done <"$tmp/env"
"$PIPETOP" --db "$tmp/h.db" \$DASH_ARGS
echo "EXIT=\$?"
sleep 60
SH
    $T new-session -d -s dash -x 80 -y 24 "sh $tmp/run.sh"
    $T set-option -t dash status off >/dev/null
    wait_for "next in" 300 || fail "the dashboard's first refresh did not finish"
}

# read-only: A is not offered and refuses naming where read-only was set; nothing is sent
online LANG=C.UTF-8 "DASH_ARGS=--read-only"
keys : t a b Tab Enter
expect "DRIFT+1"
keys / r a w . u s e r s Enter Enter / C-u Enter
expect "schema voicebox-analytics.raw.users: DRIFT +1 new"
absent "A apply drift"
absent "or A here"
keys A
expect "schema-apply refused: read-only mode is on (flag --read-only)"
keys Escape
expect "DRIFT+1"
keys A
expect "schema-apply refused: read-only mode is on"
expect "the next transfer fails on the new attributes; Enter: the diff and the fix"
keys ?
expect "Keys of the tables view"
absent "apply drift"
keys Escape : q Enter
expect "EXIT=0"
[ -z "$(patches)" ] || fail "read-only: A sent a tables.patch: $(patches)"

# writable: the hint bar offers A on the drifted table; A re-checks and asks; Enter cancels
online LANG=C.UTF-8 "DASH_ARGS="
keys : t a b Tab Enter
expect "DRIFT+1"
keys / r a w . u s e r s Enter
expect "A apply drift"
expect "the next transfer fails on the new attributes; Enter: the diff; A adds them"
keys ?
expect "apply drift: add the export's new fields (NULLABLE)"
keys Escape Enter / C-u Enter
expect "schema voicebox-analytics.raw.users: DRIFT +1 new"
expect "A apply drift"
expect "or A here"
screen | tail -1 | grep -q "^A apply drift" || fail "A is not first in the hint bar"
keys A
expect "Confirm: schema-apply voicebox-analytics.raw.users" 150
expect "adds         Item.referral_code RECORD NULLABLE, Item.referral_code.S"
expect "             STRING NULLABLE"
expect "environment  aws account 210987654321"
expect "y proceed   n / Enter / Esc cancel (the default)"
keys Enter
expect "schema-apply of voicebox-analytics.raw.users cancelled; nothing was sent"
[ -z "$(patches)" ] || fail "a cancelled schema-apply sent a tables.patch: $(patches)"
# A then y: exactly one tables.patch, adding only Item.referral_code (NULLABLE)
keys A
expect "Confirm: schema-apply voicebox-analytics.raw.users" 150
keys y
wait_for "schema-apply of voicebox-analytics.raw.users: 1 field(s) added; no drift left" 150 ||
    fail "the schema-apply did not finish"
expect "schema voicebox-analytics.raw.users: "
absent "DRIFT"
patches >"$tmp/patches"
python3 -c "import json, sys
p = [l.split(' ', 1) for l in open(sys.argv[1]).read().splitlines()]
assert len(p) == 1 and p[0][0] == '200', 'tables.patch calls: %s' % p
body = json.loads(p[0][1])
assert set(body) == {'schema'}, 'patch sends more than the schema: %s' % sorted(body)
item = [f for f in body['schema']['fields'] if f['name'] == 'Item'][0]
rc = [f for f in item['fields'] if f['name'] == 'referral_code']
assert len(rc) == 1 and rc[0]['type'] == 'RECORD' and rc[0].get('mode', 'NULLABLE') == 'NULLABLE', rc
assert [(f['name'], f['type'], f.get('mode', 'NULLABLE')) for f in rc[0]['fields']] == \
    [('S', 'STRING', 'NULLABLE')], rc
" "$tmp/patches" || fail "the schema-apply's tables.patch is not the one additive patch"
keys Escape
expect "tables: "
absent "DRIFT"
keys : q Enter
expect "EXIT=0"
(
    . "$tmp/fc/env.sh"
    "$PIPETOP" --db "$tmp/h.db" audit --json >"$tmp/audit.json" 2>&1
)
python3 -c "import json, sys
rows = [r for r in json.load(open(sys.argv[1]))['audit'] if r.get('verb') == 'schema-apply']
ph = sorted((r.get('phase'), r.get('result') or '') for r in rows)
assert ph == [('intent', ''), ('outcome', 'ok'), ('outcome', 'refused')], ph
" "$tmp/audit.json" || fail "audit lacks schema-apply's intent and outcomes: $(head -c 2000 "$tmp/audit.json")"
cleanup

[ "$fails" -eq 0 ] && echo "dashboard_drift: all passed"
[ "$fails" -eq 0 ]
