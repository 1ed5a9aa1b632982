#!/bin/sh
# tests/integration/dashboard.sh: the dashboard as an operator meets it, driven through tmux
# (send-keys / capture-pane) on a fixture history database written through state/ by mkdb:
# the grid with glyphs, n to the failed day, Enter for its detail, / filter, :tables and the
# schema with Japanese descriptions, ? help, @ command log, resize to 160x48 and below 80x24,
# NO_COLOR, q and SIGTERM restoring the terminal; read-only refusing r/R/A in every view with
# no mutating call; and, against the fake cloud stalling every
# call for 20 s, keys that still answer at once.
set -u
: "${PIPETOP:?set PIPETOP to the pipetop binary}"
: "${MKDB:?set MKDB to the fixture database tool}"
FAKECLOUD=${FAKECLOUD:-}
tmp=$(mktemp -d /tmp/pipetop-dash-XXXXXX)
n=0
T="tmux -L pipetop-test-$$-$n"
fcpid=
cleanup() {
    $T kill-server 2>/dev/null
    [ -n "$fcpid" ] && kill "$fcpid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
unset XDG_CONFIG_HOME XDG_STATE_HOME PIPETOP_CONFIG PIPETOP_DB PIPETOP_BIGQUERY_ENDPOINT \
    PIPETOP_DTS_ENDPOINT NO_COLOR AWS_ENDPOINT_URL
export HOME="$tmp/home" PIPETOP_TIMEZONE=UTC
mkdir -p "$HOME"
"$MKDB" "$tmp/h.db" >/dev/null || { echo "FAIL: mkdb"; exit 1; }

fail() {
    echo "FAIL: $*"
    screen | sed 's/^/    | /'
    fails=$((fails + 1))
}
. tests/integration/tmux_lib.inc
expect() { wait_for "$1" || fail "screen lacks: $1"; }

# start ENV...: runs the dashboard in a fresh 80x24 pane; its exit status is printed after it.
start() {
    $T kill-server 2>/dev/null
    n=$((n + 1))
    T="tmux -L pipetop-test-$$-$n" # a fresh server: a dying one may still hold the old socket
    printf '%s\n' "$@" >"$tmp/env"
    cat >"$tmp/run.sh" <<SH
#!/bin/sh
while read -r kv; do [ -n "\$kv" ] && export "\$kv"; done <"$tmp/env"
sh -c 'echo \$\$ >"$tmp/pid"; exec "$PIPETOP" --db "\${DASH_DB:-$tmp/h.db}" \$DASH_ARGS'
echo "EXIT=\$?"
sleep 60
SH
    $T new-session -d -s dash -x 80 -y 24 "sh $tmp/run.sh"
    $T set-option -t dash status off >/dev/null
    wait_for "pipetop |" 100 || fail "the dashboard did not open within 10 s"
}

# --- the main walk, in colour, offline (the history only) -------------------------------
start LANG=C.UTF-8 "DASH_ARGS=--offline"
expect "grid 3 pipelines, 2 failing"
expect "注文履歴"
expect "✓"
expect "history only"
expect "? help"
keys n
expect "users 20"
expect "E ✗ FAILED"
keys Enter
expect "day users"
expect "point-in-time recovery"
expect "UPSTREAM_FAILED"
keys Escape
expect "grid 3 pipelines"
keys / u s e r s
expect "| /users"
absent "注文履歴"
keys Enter
keys : t a b Tab Enter
expect "tables: 2 of 4"
keys / C-h C-h C-h C-h C-h Enter
expect "tables: 4 of 4"
expect "▁"
expect "ANOMALY" # demo.mart.events: today's rows far above the days before (core/anomaly.h)
keys End Enter
expect "schema demo."
keys Escape Escape
keys : t a b Tab Enter
keys / m a r t . u s e r s Enter Enter / C-u Enter
expect "schema demo.mart.users"
expect "都道府県"
expect "pii_email"
expect "└─ address"
keys '?'
expect "Keys of the schema view"
expect "Ctrl-R"
keys q
keys @
expect "command log: 2 of 2 calls"
expect "bq ls --transfer_run"
keys n
expect "PERMISSION_DENIED"
keys : g r i d Enter
expect "grid 3 pipelines"
keys : h Tab
expect "matches: :history :help"
keys i s Enter
expect "history: 1 of 1 refreshes"
keys : g r i d Enter
keys : b o g u s Enter
expect "unknown command ':bogus'"
keys C-r
expect "refresh is off (--offline)"
keys x
expect "'x' does nothing here"
keys r
expect "rerun needs the clouds: not with --offline"

# resize: bigger, then below 80x24 (the size message), then back
$T resize-window -t dash -x 160 -y 48
expect "PIPELINE"
wait_for "$(printf '%*s' 0 '')" >/dev/null
[ "$(screen | wc -l)" -ge 48 ] || fail "the pane did not grow to 48 lines"
$T resize-window -t dash -x 70 -y 20
expect "pipetop needs at least 80x24; this terminal is 70x20"
$T resize-window -t dash -x 80 -y 24
expect "grid 3 pipelines"

# colour is on: the capture carries colour escapes
$T capture-pane -e -p -t dash | grep -q "$(printf '\033')\[3[0-7]m\|$(printf '\033')\[3[0-7];" ||
    fail "no colour escapes in colour mode"

keys q
expect "EXIT=0"
[ "$($T display -p -t dash '#{alternate_on}')" = "0" ] || fail "terminal left in the alternate screen"
absent "pipetop |"

# --- NO_COLOR: monochrome, every state still has its glyph -------------------------------
start LANG=C.UTF-8 NO_COLOR=1 "DASH_ARGS=--offline"
expect "✗"
$T capture-pane -e -p -t dash | grep -q "$(printf '\033')\[[0-9;]*3[0-7]m" &&
    fail "colour escapes with NO_COLOR"
keys q
expect "EXIT=0"

# --- ASCII locale: the fallback glyphs -----------------------------------------------------
start LANG=C LC_ALL=C "DASH_ARGS=--offline --no-color"
expect "users"
screen | grep -q "✓" && fail "UTF-8 glyphs in the C locale"
keys q
expect "EXIT=0"

# --- SIGTERM restores the terminal and exits 143 -------------------------------------------
start LANG=C.UTF-8 "DASH_ARGS=--offline"
kill -TERM "$(cat "$tmp/pid")"
expect "EXIT=143"
[ "$($T display -p -t dash '#{alternate_on}')" = "0" ] || fail "SIGTERM left the alternate screen"

# --- a crash (SIGSEGV) gives the terminal back before the process dies of it ---------------
start LANG=C.UTF-8 "DASH_ARGS=--offline"
kill -SEGV "$(cat "$tmp/pid")"
expect "EXIT=139"
[ "$($T display -p -t dash '#{alternate_on}')" = "0" ] || fail "SIGSEGV left the alternate screen"

# --- scale: 500 pipelines x 90 days (135,000 stage runs) scroll and filter at once ----------
if [ -n "${MKBIGDB:-}" ]; then
    "$MKBIGDB" "$tmp/big.db" || fail "mkbigdb"
    printf '[general]\ndays = 90\n' >"$tmp/big.ini"
    start LANG=C.UTF-8 "DASH_DB=$tmp/big.db" "DASH_ARGS=--offline --config $tmp/big.ini"
    expect "grid 500 pipelines"
    keys End
    wait_for "pipeline-0499 20" 5 || fail "End did not reach the last pipeline within 0.5 s"
    keys / 0 2 5 0 Enter
    wait_for "grid 1 of 500 pipelines" 5 || fail "the grid filter did not answer within 0.5 s"
    keys : r u n s Enter
    wait_for "runs: 270 of 135000" 50 || fail "the runs list (filter kept) did not load in 5 s"
    keys / C-h C-h C-h C-h 0 4 9 9 Enter
    wait_for "runs: 270 of 135000 | /0499" 5 || fail "refiltering 135,000 runs was not immediate"
    keys End
    wait_for "pipeline-0499-20" 5 || fail "End in the runs list did not answer"
    keys : q Enter
    expect "EXIT=0"
fi

# fakecloud_start SCENARIO DIR: the fake cloud in DIR; its env.sh lines go to DIR/envlist.
fakecloud_start() {
    mkdir -p "$2"
    "$FAKECLOUD" --scenario "$1" --workdir "$2" >"$2/out" 2>"$2/err" &
    fcpid=$!
    i=0
    while ! grep -q '^READY' "$2/out" 2>/dev/null && [ $i -lt 100 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    grep -q '^READY' "$2/out" || { fail "fake cloud did not start: $(cat "$2/err")"; return 1; }
    env -i sh -c ". '$2/env.sh'; env" | grep -E '^(AWS_|PIPETOP_|GOOGLE_|GCE_)' >"$2/envlist"
}

# --- the engine against the fake cloud's demo world: a real refresh, transfer logs on demand --
if [ -n "$FAKECLOUD" ] && [ -x "$FAKECLOUD" ] &&
    fakecloud_start tests/scenarios/demo.json "$tmp/demo"; then
    # no history yet: the dashboard opens, the engine's first refresh creates the database
    # shellcheck disable=SC2046
    start LANG=C.UTF-8 "HOME=$HOME" PIPETOP_TIMEZONE=UTC $(cat "$tmp/demo/envlist") \
        "DASH_DB=$tmp/demo.db" "DASH_ARGS="
    wait_for "next in" 300 || fail "the first refresh did not finish within 30 s"
    expect "failing"
    keys : t a b Tab Enter
    expect "voicebox-analytics.raw.users"
    keys : g r i d Enter
    # the first day with a failure whose transfer ran: its logs, fetched on demand
    keys n Enter
    expect "day "
    keys g j
    expect "transfer logs: press L to fetch them"
    keys L
    expect "transfer logs:"
    wait_for " INFO " 50 || fail "the transfer logs did not arrive"
    screen | grep -qF "could not be fetched" && fail "the transfer logs could not be fetched"
    keys : q Enter
    expect "EXIT=0"
    # read-only: r and R in every view refuse with the reason, s is a schema refresh (a read,
    # allowed) in tables/schema, and no mutating call is made
    # shellcheck disable=SC2046
    start LANG=C.UTF-8 "HOME=$HOME" PIPETOP_TIMEZONE=UTC $(cat "$tmp/demo/envlist") \
        "DASH_DB=$tmp/demo.db" "DASH_ARGS=--read-only"
    wait_for "next in" 300 || fail "the read-only refresh did not finish within 30 s"
    screen | grep -qF "r rerun" && fail "read-only offers the rerun key"
    screen | grep -qF "R backfill" && fail "read-only offers the backfill key"
    for v in grid day tables schema; do
        case $v in
        day) keys : g r i d Enter n Enter && expect "day " ;;
        tables) keys Escape : t a b Tab Enter && expect "tables:" ;;
        schema) keys Enter && expect "schema " ;;
        esac
        keys r
        expect "rerun refused: read-only mode is on"
        keys R
        expect "backfill refused: read-only mode is on"
        keys A
        expect "schema-apply refused: read-only mode is on"
        keys s
        case $v in
        grid | day) expect "s refreshes a table's schema" ;;
        *) expect ": done (a: the result)" 50 ;;
        esac
        keys a
        expect "actions: "
        keys u
        expect "u resumes an interrupted action"
        keys q
    done
    keys : q Enter
    expect "EXIT=0"
    [ -s "$tmp/demo/calls.jsonl" ] || fail "the fake cloud recorded no calls"
    mut=$(python3 -c "import json,sys
for line in open(sys.argv[1], errors='replace'):
    line = line.strip('\0 \n')
    if not line: continue
    c = json.loads(line)
    if c.get('method') == 'PATCH' or c.get('operation') in ('ExportTableToPointInTime',
            'StartExportTask', 'Invoke', 'transferConfigs.startManualRuns', 'tables.patch'):
        print(c.get('operation'), c.get('path'))" "$tmp/demo/calls.jsonl")
    [ -z "$mut" ] || fail "read-only dashboard made mutating calls: $mut"
    kill "$fcpid"
    fcpid=
fi

# --- every cloud call stalled 20 s: keys still answer at once ------------------------------
if [ -n "$FAKECLOUD" ] && [ -x "$FAKECLOUD" ]; then
    cat >"$tmp/scenario.json" <<'JSON'
{"aws": {"access_key_id": "AKIDDASHTEST", "secret_access_key": "dash-secret",
         "region": "ap-northeast-1", "account_id": "111122223333"},
 "gcp": {"project": "p-dash", "location": "asia-northeast1"},
 "faults": {"global": {"stall_ms": 20000}}}
JSON
    mkdir -p "$tmp/fc"
    "$FAKECLOUD" --scenario "$tmp/scenario.json" --workdir "$tmp/fc" >"$tmp/fc.out" 2>"$tmp/fc.err" &
    fcpid=$!
    i=0
    while ! grep -q '^READY' "$tmp/fc.out" 2>/dev/null && [ $i -lt 100 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    if grep -q '^READY' "$tmp/fc.out"; then
        env -i sh -c ". '$tmp/fc/env.sh'; env" | grep -E '^(AWS_|PIPETOP_|GOOGLE_)' >"$tmp/fcenv"
        # shellcheck disable=SC2046
        start LANG=C.UTF-8 "HOME=$HOME" PIPETOP_TIMEZONE=UTC \
            $(cat "$tmp/fcenv") "DASH_ARGS="
        expect "refreshing"
        keys n
        wait_for "users 20" 5 || fail "n did not answer within 0.5 s during a stalled refresh"
        keys : t a b Tab Enter
        wait_for "tables: 4 of 4" 5 || fail ":tables did not answer within 0.5 s"
        keys C-r
        expect "a refresh is already running"
        keys : q Enter
        wait_for "EXIT=0" 40 || fail "quit during a stalled refresh did not exit within 4 s"
    else
        fail "fake cloud did not start: $(cat "$tmp/fc.err")"
    fi
fi

[ "$fails" -eq 0 ] || { echo "dashboard: $fails failure(s)"; exit 1; }
echo "dashboard: ok"
