#!/bin/sh
# tests/integration/commands.sh: the read commands (status, runs, tables, schema, history, audit,
# calls, __complete) against fixture databases written through state/ by $MKDB: text at 80 and
# 160 columns with NO_COLOR (widths measured by display width), the status --json contract
# checked key by key with python3, exit codes, unknown-table suggestions, a missing database,
# `make install PREFIX=...` (binary, man page, completions), the man page rendering, and the bash
# completion answering with pipeline names from the database.
set -u
: "${PIPETOP:?set PIPETOP to the pipetop binary}"
: "${MKDB:?set MKDB to the fixture database writer (make builds it as build/mkdb)}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

unset XDG_CONFIG_HOME XDG_STATE_HOME PIPETOP_CONFIG PIPETOP_DB COLUMNS
export HOME="$tmp/home" PIPETOP_TIMEZONE=UTC NO_COLOR=1 LC_ALL=C.UTF-8
mkdir -p "$HOME"
db="$tmp/history.db"
"$MKDB" "$db" || { echo "FAIL: mkdb could not write the fixture"; exit 1; }
"$MKDB" "$tmp/clean.db" --clean || { echo "FAIL: mkdb --clean"; exit 1; }
"$MKDB" "$tmp/empty.db" --empty || { echo "FAIL: mkdb --empty"; exit 1; }

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
# run WANT_RC ARGS...: pipetop --db $db ARGS; stdout/stderr in $tmp/out, $tmp/err.
run() {
    want=$1
    shift
    "$PIPETOP" --db "$db" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "pipetop $* exited $rc, want $want"
        sed 's/^/    err| /' "$tmp/err" | head -5
        return 1
    fi
    return 0
}
has() {
    grep -qF -- "$2" "$tmp/$1" || {
        fail "$1 of the last command lacks: $2"
        sed 's/^/    | /' "$tmp/$1" | head -30
    }
}
lacks() {
    if grep -qF -- "$2" "$tmp/$1"; then fail "$1 of the last command contains: $2"; fi
}
# fits N: every line of the last stdout is at most N display columns, with no escape sequence.
fits() {
    python3 - "$tmp/out" "$1" <<'EOF' || fails=$((fails + 1))
import sys, unicodedata
def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w
limit = int(sys.argv[2])
for n, line in enumerate(open(sys.argv[1], encoding="utf-8").read().splitlines(), 1):
    if "\x1b" in line:
        sys.exit(f"FAIL: line {n} has an escape sequence: {line!r}")
    if width(line) > limit:
        sys.exit(f"FAIL: line {n} is {width(line)} columns, more than {limit}: {line}")
EOF
}

# --- status: text, widths, exit codes
for w in 80 160; do
    COLUMNS=$w run 1 status --offline && fits "$w"
    has out "PIPELINE"
    has out "users"
    has out "注文履歴"
    has out "3 failed"
    has out "✗↑↑"
    has out "✓▶-"
    has out "MISSING"
    has out "data as of "
    has out "(5m ago, refresh ok)"
    lacks err "does not refresh"
done
COLUMNS=80 run 1 status --offline && has out "older days left out to fit 80 columns"
COLUMNS=160 run 1 status && lacks out "left out" && has err "does not refresh it first"
COLUMNS=160 run 0 status --days 1 --offline && has out "orders   ✓▶-"
"$PIPETOP" --db "$tmp/clean.db" status --offline >"$tmp/out" 2>&1 ||
    fail "status on a database without failures exited $?, want 0"
COLUMNS=80 LC_ALL=C run 1 status --offline && has out "X^^" && fits 80

# --- colour: only on a terminal (script(1) gives one), never with NO_COLOR or --no-color
if command -v script >/dev/null 2>&1; then
    tty_run() { # ENV... -- prints what pipetop wrote to the terminal
        env "$@" script -qec "'$PIPETOP' --db '$db' status --offline" /dev/null </dev/null
    }
    tty_run -u NO_COLOR >"$tmp/out" 2>&1
    grep -q "$(printf '\033')\[" "$tmp/out" || fail "no colour on a terminal"
    tty_run NO_COLOR= >"$tmp/out" 2>&1
    grep -q "$(printf '\033')\[" "$tmp/out" && fail "colour with NO_COLOR set (empty)"
    env -u NO_COLOR script -qec "'$PIPETOP' --db '$db' --no-color status --offline" /dev/null \
        </dev/null >"$tmp/out" 2>&1
    grep -q "$(printf '\033')\[" "$tmp/out" && fail "colour with --no-color"
    has out "3 failed"
else
    echo "skip: script(1) is not installed; colour on a terminal is not checked"
fi

# --- status --json: the DESIGN §5 contract, key by key
run 1 status --offline --json --days 12 && python3 - "$tmp/out" <<'EOF' || fails=$((fails + 1))
import json, re, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
def need(cond, what):
    if not cond:
        sys.exit("FAIL: status --json: " + what)
rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
need(list(doc) == ["as_of", "timezone", "pipelines"], f"top-level keys {list(doc)}")
need(isinstance(doc["as_of"], str) and rfc3339.match(doc["as_of"]), "as_of is RFC 3339")
need(doc["timezone"] == "UTC", f"timezone {doc['timezone']}")
pipes = {p["name"]: p for p in doc["pipelines"]}
need(set(pipes) == {"users", "orders", "注文履歴"}, f"pipelines {list(pipes)}")
states = {"SUCCEEDED", "FAILED", "RUNNING", "PENDING", "CANCELLED", "MISSING", "STUCK",
          "UPSTREAM_FAILED"}
for p in doc["pipelines"]:
    for k in ["name", "source", "transfer_config", "query_config", "raw_table", "table", "days"]:
        need(k in p, f"{p['name']} lacks {k}")
    need(p["source"]["kind"] in ("dynamodb", "aurora"), "source.kind")
    need(len(p["days"]) == 12, f"{p['name']} has {len(p['days'])} days")
    dates = [d["date"] for d in p["days"]]
    need(dates == sorted(dates) and all(re.match(r"^\d{4}-\d\d-\d\d$", d) for d in dates),
         "dates ascending YYYY-MM-DD")
    for d in p["days"]:
        need(list(d) == ["date", "export", "transfer", "query"], f"day keys {list(d)}")
        for st in ("export", "transfer", "query"):
            s = d[st]
            if s is None:
                continue
            for k in ["state", "raw_state", "id", "started", "ended", "attempts", "error"]:
                need(k in s, f"{p['name']} {d['date']} {st} lacks {k}")
            need(s["state"] in states or s["state"] is None, f"state {s['state']}")
            need(isinstance(s["attempts"], int), "attempts is an integer")
            for k in ("started", "ended"):
                need(s[k] is None or rfc3339.match(s[k]), f"{k} {s[k]}")
            for k in ("raw_state", "id", "error"):
                need(s[k] is None or isinstance(s[k], str), f"{k} type")
orders, users, oh = pipes["orders"], pipes["users"], pipes["注文履歴"]
need(orders["source"]["kind"] == "aurora" and orders["query_config"] is None, "orders source")
need(all(d["query"] is None for d in orders["days"]), "orders has no query stage: null")
need(orders["days"][-1]["transfer"]["state"] == "RUNNING", "orders today RUNNING")
need(orders["days"][-1]["transfer"]["ended"] is None, "a running run has no end")
u2 = users["days"][-3]
need(u2["export"]["state"] == "FAILED" and u2["export"]["error_code"] == "ExportFailed", "export")
need("point-in-time recovery window" in u2["export"]["error"], "full error text in JSON")
need(u2["transfer"]["state"] == "UPSTREAM_FAILED" and u2["transfer"]["raw_state"] == "SUCCEEDED",
     "downstream of a failed export is UPSTREAM_FAILED, the service's state kept")
u1 = users["days"][-2]["export"]
need(u1["state"] == "SUCCEEDED" and u1["attempts"] == 2, "the latest of 2 attempts")
need(oh["days"][-4]["query"]["state"] == "MISSING", "MISSING query")
# The fixture has 10 days of runs: the two oldest of 12 have none. An applicable stage without a
# run is an object with state null and 0 attempts; a stage that does not apply stays null.
empty = {"state": None, "raw_state": None, "id": None, "started": None, "ended": None,
         "attempts": 0, "error": None, "error_code": None}
need(users["days"][0]["export"] == empty, f"no run recorded: {users['days'][0]['export']}")
need(orders["days"][0]["query"] is None and orders["days"][0]["transfer"] == empty, "orders day 0")
EOF

# --- runs
COLUMNS=80 run 1 runs && fits 80 && has out "STATE" && has out "UPSTREAM_FAILED"
COLUMNS=160 run 1 runs --failed && fits 160 && has out "users-" && has out "Rate exceeded"
[ "$(grep -c '^20' "$tmp/out")" -eq 5 ] || fail "runs --failed listed $(grep -c '^20' "$tmp/out") runs, want 5"
run 0 runs --since 2999-01-01 && has out "(no runs since 2999-01-01"
run 2 runs --since 2024-13-01 && has err "--since needs a date"
run 1 runs --json && python3 - "$tmp/out" <<'EOF' || fails=$((fails + 1))
import json, sys
runs = json.load(open(sys.argv[1], encoding="utf-8"))["runs"]
keys = ["pipeline", "date", "stage", "attempt", "state", "raw_state", "id", "started", "ended",
        "duration_s", "error_code", "error"]
assert all(list(r) == keys for r in runs), list(runs[0])
assert len(runs) == (2 + 3 + 3) * 10 + 1, len(runs)  # orders has no query; one retry
dates = [r["date"] for r in runs]
assert dates == sorted(dates, reverse=True), "newest day first"
full = [r for r in runs if r["error_code"] == "ExportFailed"][0]
assert full["error"].endswith("check PITR on table users"), full["error"]
assert full["duration_s"] == 754.0, full["duration_s"]
EOF

# --- tables
for w in 80 160; do
    COLUMNS=$w run 0 tables && fits "$w" && has out "demo.mart.users" && has out "120,000"
    has out "13.7 MiB"
    has out "▁▂▃▃▄▆▆▆▇█"
    has out "FLAGGED z=+483.2"
    has out "z=+1.8 (9d)"
done
run 0 tables --json && python3 - "$tmp/out" <<'EOF' || fails=$((fails + 1))
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
t = {x["table"]: x for x in doc["tables"]}
u = t["demo.mart.users"]
assert u["rows"] == 120000 and u["bytes"] == 120000 * 120 and u["schema_versions"] == 2, u
assert len(u["rowcounts"]) == 10, len(u["rowcounts"])
assert u["description"] == "ユーザー一覧"
assert doc["as_of"] is not None
# Anomalies (core/anomaly.h): a spike after 20 steady days is flagged; 9 earlier days give a z
# but no flag.
a = t["demo.mart.events"]["anomaly"]
assert list(a) == ["date", "rows", "flagged", "insufficient", "z", "mean", "stddev",
                   "history_days", "reason"], list(a)
assert a["flagged"] is True and a["z"] > 3 and a["history_days"] == 20 and a["rows"] == 5000, a
b = u["anomaly"]
assert b["flagged"] is False and b["history_days"] == 9 and "not enough history" in b["reason"], b
assert len(t["demo.mart.events"]["rowcounts"]) == 14, "sparkline points: [general] days"
EOF

# --- schema: tree, Japanese aligned, policy tags, JSON, unknown table
for w in 80 160; do
    COLUMNS=$w run 0 schema mart.users && fits "$w" && has out "ユーザーID" && has out "tag pii_email"
    has out "    prefecture"
    has out "1 field with a policy tag"
done
python3 - "$tmp/out" <<'EOF' || fails=$((fails + 1))
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF"
               else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = [l for l in lines if l.startswith("FIELD")][0]
col = head.index("DESCRIPTION")
rows = lines[lines.index(head) + 1:]
for l in rows:
    if l.endswith("(sensitive)"):
        break
    # The description column starts at the same display column on every row.
    for i in range(len(l) + 1):
        if width(l[:i]) == col:
            break
    else:
        if len(l.rstrip()) > 0 and width(l) > col:
            sys.exit(f"FAIL: no character boundary at column {col}: {l}")
    assert i >= len(l) or l[i - 1] == " ", f"misaligned: {l!r}"
assert any("都道府県" in l for l in rows) and any("Cafe\u0301" in l for l in rows)
EOF
run 0 schema demo.mart.users --json && python3 - "$tmp/out" <<'EOF' || fails=$((fails + 1))
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
assert [x["name"] for x in f] == ["user_id", "email", "profile", "created_at"], f
assert f[1]["policyTags"]["names"][0].endswith("/pii_email")
assert f[2]["fields"][1]["mode"] == "REPEATED"
EOF
run 2 schema mart.usres && has err "no table 'mart.usres' in the history database; did you mean mart.users"
run 2 schema nothing_like_it && has err "see \`pipetop tables\`"
run 2 schema users && has err "'users' names 2 tables"
run 0 schema orders && has out "demo.raw.orders"

# --- history, audit, calls
COLUMNS=80 run 0 history && fits 80 && has out "schema versions: 2" && has out "+1000"
run 0 history raw.orders && has out "demo.raw.orders" && lacks out "demo.mart.users"
run 2 history raw.ordrs && has err "did you mean raw.orders"
run 0 history --json && python3 -c '
import json, sys
t = {x["table"]: x for x in json.load(open(sys.argv[1]))["tables"]}
assert len(t["demo.mart.users"]["schema_versions"]) == 2
assert t["demo.mart.users"]["schema_versions"][0]["fields"] == 4
assert len(t["demo.raw.orders"]["rowcounts"]) == 10
' "$tmp/out" || fail "history --json"
for w in 80 160; do
    COLUMNS=$w run 0 audit && fits "$w" && has out "outcome" && has out "intent"
done
run 0 audit --json && python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["audit"]
assert [x["phase"] for x in a] == ["outcome", "intent"], a
' "$tmp/out" || fail "audit --json"
COLUMNS=80 run 0 calls && fits 80 && has out "ListExports" && has out "\$ aws dynamodb list-exports"
has out "error: PERMISSION_DENIED"
has out "2 retries"
cp "$tmp/out" "$tmp/calls.txt"
run 0 calls --limit 1 && has out "the newest 1 calls" && lacks out "ListExports"
run 2 calls --limit x && has err "--limit needs a whole number"
run 0 calls --json && python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["calls"]
assert len(c) == 2 and c[1]["retries"] == 2 and "retry_detail" in c[1]
assert c[0]["status"] == 403 and c[1]["command"].startswith("aws dynamodb")
' "$tmp/out" || fail "calls --json"
# The retry detail is shown when the store keeps it (state/ schema v4 and later).
if grep -q '"retry_detail": "retries: 2' "$tmp/out"; then
    grep -qF "retries: 2 (HTTP 503 SlowDown" "$tmp/calls.txt" || fail "calls text lacks retry_detail"
else
    echo "skip: this build's history database does not keep retry_detail; not checked in text"
fi

# --- an empty database: every command answers, says there is nothing, exits 0
for c in "status --offline" runs tables history audit calls; do
    # shellcheck disable=SC2086 # two words on purpose
    "$PIPETOP" --db "$tmp/empty.db" $c >"$tmp/out" 2>"$tmp/err" || fail "$c on an empty database"
    [ -s "$tmp/err" ] && fail "$c on an empty database wrote to stderr: $(cat "$tmp/err")"
done
"$PIPETOP" --db "$tmp/empty.db" status --offline >"$tmp/out" 2>&1
has out "(no pipelines in the history database yet)"
has out "no refresh recorded in $tmp/empty.db yet"
"$PIPETOP" --db "$tmp/empty.db" status --offline --json >"$tmp/out" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["as_of"] is None and d["pipelines"] == [], d' \
    "$tmp/out" || fail "status --json on an empty database"
"$PIPETOP" --db "$tmp/empty.db" schema mart.users >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "schema on an empty database: want exit 2"

# --- completion names, missing database
run 0 __complete pipelines && has out "users" && has out "注文履歴"
[ "$(wc -l <"$tmp/out")" -eq 3 ] || fail "__complete pipelines printed $(wc -l <"$tmp/out") lines"
run 0 __complete tables && has out "mart.users"
"$PIPETOP" --db "$tmp/none.db" __complete pipelines >"$tmp/out" 2>"$tmp/err" ||
    fail "__complete without a database exited $?"
[ -s "$tmp/out" ] || [ -s "$tmp/err" ] && fail "__complete without a database printed something"
[ -e "$tmp/none.db" ] && fail "__complete created a database"
"$PIPETOP" --db "$tmp/none.db" status >"$tmp/out" 2>"$tmp/err"
[ $? -eq 6 ] || fail "status without a database: want exit 6"
has err "does not exist yet; run \`pipetop refresh\` first"
[ -e "$tmp/none.db" ] && fail "status created a database"

# --- bash completion: commands, options, pipeline names from the database
if command -v bash >/dev/null 2>&1; then
    out=$(PATH="$(dirname "$PIPETOP"):$PATH" bash -c '
        . tui/completion/pipetop.bash
        COMP_WORDS=(pipetop sta); COMP_CWORD=1; _pipetop; echo "1:${COMPREPLY[*]}"
        COMP_WORDS=(pipetop --db "$1" rerun ""); COMP_CWORD=4; _pipetop; echo "2:${COMPREPLY[*]}"
        COMP_WORDS=(pipetop runs --f); COMP_CWORD=2; _pipetop; echo "3:${COMPREPLY[*]}"
        COMP_WORDS=(pipetop --db "$1" schema mart.u); COMP_CWORD=4; _pipetop; echo "4:${COMPREPLY[*]}"
    ' _ "$db" 2>&1)
    echo "$out" | grep -qx "1:status" || fail "bash completion of 'sta': $out"
    echo "$out" | grep -q "^2:.*users" || fail "bash completion of rerun pipelines: $out"
    echo "$out" | grep -q "^2:.*注文履歴" || fail "bash completion of rerun pipelines: $out"
    echo "$out" | grep -qx "3:--failed" || fail "bash completion of runs --f: $out"
    echo "$out" | grep -qx "4:mart.users" || fail "bash completion of schema tables: $out"
fi
if command -v zsh >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1; then
    zsh -n tui/completion/_pipetop || fail "zsh completion does not parse"
    # An interactive zsh in tmux: type, press Tab, read the screen.
    mkdir -p "$tmp/zsh/fn"
    cp tui/completion/_pipetop "$tmp/zsh/fn/"
    {
        echo "fpath=($tmp/zsh/fn \$fpath)"
        echo "autoload -Uz compinit; compinit -u -d $tmp/zsh/zcompdump"
        echo "PATH=$(dirname "$PIPETOP"):\$PATH"
        echo "PS1='%% '"
    } >"$tmp/zsh/.zshrc"
    sock="$tmp/tmux.sock"
    tmux -S "$sock" new-session -d -x 120 -y 30 -e ZDOTDIR="$tmp/zsh" -e PIPETOP_DB="$db" zsh -i
    # zsh_tab KEYS WANT: types KEYS and Tab, waits up to 5 s for WANT on the screen.
    zsh_tab() {
        tmux -S "$sock" send-keys C-u C-l
        tmux -S "$sock" send-keys "$1" Tab
        i=0
        while [ $i -lt 25 ]; do
            tmux -S "$sock" capture-pane -p >"$tmp/pane"
            grep -qF -- "$2" "$tmp/pane" && return 0
            sleep 0.2
            i=$((i + 1))
        done
        fail "zsh completion of '$1' did not show '$2'"
        grep -v '^$' "$tmp/pane" | sed 's/^/    | /' | head -8
    }
    zsh_tab "pipetop rerun " "注文履歴"
    zsh_tab "pipetop schema mart." "mart.events"
    zsh_tab "pipetop runs --" "--failed"
    tmux -S "$sock" kill-server
else
    echo "skip: zsh or tmux is not installed; the zsh completion is not tried"
fi

# --- the man page renders without warnings
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings -l tui/pipetop.1 >"$tmp/out" 2>"$tmp/err" || fail "man -l failed"
elif command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww tui/pipetop.1 >"$tmp/out" 2>"$tmp/err" || fail "groff failed"
else
    echo "skip: neither man nor groff is installed; the man page is not rendered"
    : >"$tmp/err"
    echo "STATUS JSON" >"$tmp/out"
fi
[ -s "$tmp/err" ] && fail "the man page renders with warnings: $(head -3 "$tmp/err")"
has out "STATUS JSON"

# --- make install PREFIX: binary, man page, completions (the built ./pipetop is not rebuilt)
if [ -x pipetop ] && command -v make >/dev/null 2>&1; then
    make -s -o pipetop install PREFIX="$tmp/inst" >"$tmp/out" 2>"$tmp/err" || fail "make install"
    for f in bin/pipetop share/man/man1/pipetop.1 share/bash-completion/completions/pipetop \
        share/zsh/site-functions/_pipetop; do
        [ -f "$tmp/inst/$f" ] || fail "make install did not install $f"
    done
    [ -x "$tmp/inst/bin/pipetop" ] || fail "installed pipetop is not executable"
    make -s -o pipetop install DESTDIR="$tmp/dest" PREFIX=/usr >/dev/null 2>&1 ||
        fail "make install DESTDIR=... PREFIX=/usr"
    [ -f "$tmp/dest/usr/share/man/man1/pipetop.1" ] || fail "make install DESTDIR: no man page"
else
    echo "skip: no built ./pipetop in the repository root; make install is not tried"
fi

[ "$fails" -eq 0 ] && echo "commands: all passed"
[ "$fails" -eq 0 ]
