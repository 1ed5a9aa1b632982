#!/bin/sh
# tests/integration/dashboard_actions.sh: operator actions from the dashboard, driven through
# tmux on the fake cloud's demo world (1 s of work per started stage), judged by the fake's
# calls.jsonl: r on the demo's failed-export day opens the confirmation restating the action
# (fitting 80x24); Enter cancels and nothing mutating is sent; r then y runs export, then the
# transfer's startManualRuns, then the query's, in order; the progress strip and the panel (a)
# show the steps and survive switching views; the day turns green after the refresh. A backfill
# beyond 7 days needs the pipeline's name typed (a wrong one cancels); s in :tables refreshes a
# schema (a read); the same day from the command line meanwhile is refused; a failure injected
# at the transfer (Japanese error text) stops the chain and shows. An action killed (SIGKILL) mid-chain is named at the next start and resumed
# from the panel without starting its stage again (q while it runs asks first). A refusal (PITR
# window) is shown with its reason and sends nothing. Also at 160x48.
set -u
. tests/integration/actions_lib.inc
: "${PIPETOP:?set PIPETOP to the pipetop binary}"
command -v tmux >/dev/null || die "tmux is needed"
tn=0
T="tmux -L pipetop-dashact-$$-$tn"
tcleanup() {
    $T kill-server 2>/dev/null
    cleanup
    rm -rf "$work"
}
trap tcleanup EXIT

tfail() {
    fail "$*"
    screen | sed 's/^/    | /'
}
. tests/integration/tmux_lib.inc
expect() { wait_for "$1" "${2:-30}" || tfail "screen lacks: $1"; }

# dash COLSxLINES: the dashboard on the fake cloud in a fresh pane; its pid in $dir/pid.
dash() {
    $T kill-server 2>/dev/null
    tn=$((tn + 1))
    T="tmux -L pipetop-dashact-$$-$tn" # a fresh server: a dying one may still hold the old socket
    cat >"$dir/run.sh" <<SH
#!/bin/sh
. "$dir/env.sh"
export PIPETOP_DB="$PIPETOP_DB" HOME="$HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
    XDG_CONFIG_HOME="$XDG_CONFIG_HOME" LANG=C.UTF-8
unset PIPETOP_TIMEZONE NO_COLOR
sh -c 'echo \$\$ >"$dir/pid"; exec "$PIPETOP"'
echo "EXIT=\$?"
sleep 60
SH
    $T new-session -d -s dash -x "${1%x*}" -y "${1#*x}" "sh $dir/run.sh"
    $T set-option -t dash status off >/dev/null
    wait_for "next in" 100 || tfail "the dashboard's first refresh did not finish"
}

n_mut() { mutating | wc -l; }

start dash ""
d4=$(day -4)
dash 80x24
expect "? help  r rerun  R backfill  a actions" # writable: the action keys are offered
keys / u s e r s Enter n
expect "users $d4:"
keys r
expect "Confirm: rerun users"
expect "days         $d4 (1 day, 1 to run)"
expect "stages       export -> transfer -> query"
expect "environment  aws account 210987654321"
expect "from export (now FAILED)"
expect "y proceed   n / Enter / Esc cancel (the default)"
# the dialog fits 80x24: both its corners on screen, no line wider than the pane
screen | grep -q "┌.*┐" || tfail "the dialog's top edge is not on screen"
screen | grep -q "└.*┘" || tfail "the dialog's bottom edge is not on screen"
[ "$(screen | grep -c "│.*│")" -ge 10 ] || tfail "the dialog's sides are not on screen"
keys Enter
expect "rerun of users cancelled; nothing was sent"
[ "$(n_mut)" -eq 0 ] || fail "a cancelled rerun made mutating calls: $(mutating)"

keys r
expect "Confirm: rerun users" 100
keys y
expect "rerun #" 50 # the progress strip
# meanwhile the same day from the command line is refused (the database claim): never twice
pt 5 cli_race rerun users --date "$d4" --yes
has cli_race.err "is running in process"
wait_for "every stage SUCCEEDED" 300 || tfail "the rerun did not finish in 30 s"
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "ExportTableToPointInTime transferConfigs.startManualRuns transferConfigs.startManualRuns " ] ||
    fail "the dashboard's rerun made, in order: '$ops'"
# switching views keeps the progress: the strip in :tables, the panel whenever it is opened
keys : t a b Enter
expect "tables:"
expect "rerun #"
keys a
expect "actions: 0 running"
expect "export: COMPLETED"
expect "transfer: SUCCEEDED"
expect "query: SUCCEEDED"
keys : g r i d Enter a
expect "rerun of users: every stage SUCCEEDED (3 started)"
keys Escape
wait_for "users $d4:  E ✓ SUCCEEDED (retried)  T ✓ SUCCEEDED (retried)  Q ✓ SUCCEE" 200 ||
    tfail "the day did not turn green after the rerun's refresh"
[ "$(sqlite3 "$PIPETOP_DB" "SELECT status FROM actions")" = done ] || fail "the action is not done"

# a backfill beyond 7 days: the pipeline's name must be typed; a wrong one cancels
keys / C-u a p p d b / o r d e r s Enter g
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13; do keys h; done
keys R
expect "Confirm: backfill appdb/orders" 100
expect "type the name 'appdb/orders' to proceed"
keys x Enter
expect "backfill of appdb/orders cancelled; nothing was sent"
[ "$(n_mut)" -eq 3 ] || fail "a backfill with a wrong name made calls: $(mutating)"

# s in :tables: a schema refresh (tables.get, a read), its result in the panel
keys / C-u Enter : t a b Enter / r a w . u s e r s Enter s
expect "schema refresh of voicebox-analytics.raw.users: done" 100
keys a
expect "voicebox-analytics.raw.users: "
[ "$(n_mut)" -eq 3 ] || fail "the schema refresh made mutating calls: $(mutating)"
keys : q Enter
expect "EXIT=0"

# an action killed between its call and its end is named at the next start and resumed from
# the panel, waiting on the run it started instead of starting another
d6=$(day -6)
dash 160x48
keys / u s a g e Enter n
expect "usage_events $d6:"
keys r
expect "Confirm: rerun usage_events" 100
keys y
wait_for "query: RUNNING" 100 || tfail "the query was not started"
keys q # quitting while an action runs asks for a second q (it would be left interrupted)
expect "an action is running: quitting leaves it interrupted"
kill -KILL "$(cat "$dir/pid")"
expect "EXIT=137"
[ "$(n_mut)" -eq 4 ] || fail "before the kill: $(mutating)"
dash 80x24
expect "1 interrupted action (#2 rerun usage_events $d6..$d6"
keys a
expect "INTERRUPTED"
keys x # abandon asks first (Cancel the default); Esc keeps the action
expect "Confirm: abandon usage_events" 100
expect "Abandoning releases its days"
keys Escape
expect "abandon of usage_events cancelled; nothing was sent"
keys u
expect "Confirm: resume usage_events" 100
keys y
wait_for "every stage SUCCEEDED" 300 || tfail "the resumed action did not finish"
expect "resuming: waiting for"
[ "$(n_mut)" -eq 4 ] || fail "resuming started the query again: $(mutating)"
[ "$(sqlite3 "$PIPETOP_DB" "SELECT status FROM actions WHERE id = 2")" = done ] ||
    fail "the resumed action is not done"
keys : q Enter
expect "EXIT=0"

# a refusal (the day is outside the table's PITR window) is shown with its reason; nothing is sent
start refuse "w['dynamodb']['tables'][0]['pitr_days'] = 3"
dash 80x24
keys / u s e r s Enter n
expect "users $d4:"
keys r
expect "outside table users's PITR window" 100
expect "Nothing was sent."
keys Enter
i=0
while screen | grep -qF "Action: rerun users"; do
    i=$((i + 1))
    [ $i -ge $((30 * slow)) ] && { tfail "Enter did not close the refusal"; break; }
    sleep 0.1
done
keys a
expect "REFUSED"
[ "$(n_mut)" -eq 0 ] || fail "a refused rerun made mutating calls: $(mutating)"
keys : q Enter
expect "EXIT=0"

# a failure injected at the transfer (the service's words in Japanese): the chain stops there,
# the strip and the panel name the stage and the error, cut to the 80 columns by display width
start fail "w['pipelines'][0]['rerun'] = {'transfer': 'FAILED:INTERNAL:転送ジョブが失敗しました（宛先テーブルへの書き込み権限がありません）'}"
dash 80x24
keys / u s e r s Enter n r
expect "Confirm: rerun users" 100
keys y
wait_for "FAILED | stopped at $d4 transfer" 300 || tfail "the strip does not show the failure"
expect "rerun of users stopped at $d4 transfer"
keys a
expect "転送ジョブが失敗しました"
[ "$(screen | grep -c "転送ジョブ")" -ge 1 ] || tfail "the panel lacks the service's error"
ops=$(mutating | awk '{print $1}' | tr '\n' ' ')
[ "$ops" = "ExportTableToPointInTime transferConfigs.startManualRuns " ] ||
    fail "a failed transfer should stop the chain; calls: '$ops'"
keys : q Enter
expect "EXIT=0"

[ "$fails" -eq 0 ] || { echo "dashboard_actions: $fails failure(s)"; exit 1; }
echo "dashboard_actions: ok"
