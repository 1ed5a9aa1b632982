#!/bin/sh
# tests/integration/dashboard_drift.sh: schema drift in the dashboard at 80x24, driven through
# tmux (own socket) on a history database that a real refresh and `schema refresh raw.users
# --from-export` against the fake cloud's demo wrote: the Tables view marks raw.users
# "DRIFT+1" (title counts it, "/DRIFT" filters to it, the pane under the list explains it),
# Enter opens its Schema view with the diff first ("+ referral_code" NEW), when and from which
# export it was found and the command that fixes it; the same reads in NO_COLOR with the ASCII
# locale; a table without drift shows no drift rows. Offline: the dashboard reads the history.
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

screen() { $T capture-pane -p -t dash; }
fail() {
    echo "FAIL: $*"
    screen | sed 's/^/    | /'
    fails=$((fails + 1))
}
# PIPETOP_TEST_SLOW=N stretches every wait N times (pipetop under valgrind); 1 by default.
slow=${PIPETOP_TEST_SLOW:-1}
wait_for() {
    i=0
    while ! screen | grep -qF -- "$1"; do
        i=$((i + 1))
        [ "$i" -ge $((${2:-30} * slow)) ] && return 1
        sleep 0.1
    done
    return 0
}
expect() { wait_for "$1" || fail "screen lacks: $1"; }
absent() { screen | grep -qF -- "$1" && fail "screen still shows: $1"; }
keys() { $T send-keys -t dash "$@"; }

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

[ "$fails" -eq 0 ] && echo "dashboard_drift: all passed"
[ "$fails" -eq 0 ]
