#!/bin/sh
# tests/integration/cli.sh: the command frame as a user meets it: --help, --version, every
# command's --help, suggestions, `info` with and without a config, `info --json`, config errors
# (exit 3), usage errors (exit 2), read-only refusal (exit 5) and "not built yet" (exit 69).
set -u
: "${PIPETOP:?set PIPETOP to the pipetop binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# Every test runs in a clean, private environment.
unset XDG_CONFIG_HOME XDG_STATE_HOME PIPETOP_CONFIG PIPETOP_DB PIPETOP_TIMEZONE \
    PIPETOP_BIGQUERY_ENDPOINT PIPETOP_DTS_ENDPOINT
export HOME="$tmp/home"
mkdir -p "$HOME"

# run WANT_RC ARGS...: runs pipetop, keeps stdout/stderr in $tmp/out, $tmp/err.
run() {
    want=$1
    shift
    "$PIPETOP" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL: pipetop $* exited $rc, want $want"
        sed 's/^/    err| /' "$tmp/err"
        fails=$((fails + 1))
        return 1
    fi
    return 0
}
# has FILE TEXT: the file contains the fixed string.
has() {
    if ! grep -qF -- "$2" "$tmp/$1"; then
        echo "FAIL: $1 of the last command lacks: $2"
        sed 's/^/    | /' "$tmp/$1" | head -20
        fails=$((fails + 1))
    fi
}
lacks() {
    if grep -qF -- "$2" "$tmp/$1"; then
        echo "FAIL: $1 of the last command contains: $2"
        fails=$((fails + 1))
    fi
}

run 0 --help && has out "Usage: pipetop" && has out "Exit codes:" && has out "rerun"
run 0 -h && has out "Commands:"
run 0 --version && has out "pipetop $(cat VERSION) (git "
run 0 help rerun && has out "Usage: pipetop rerun PIPELINE --date D"

for c in status refresh runs tables schema "schema refresh" "schema infer" rerun history audit \
    calls doctor info; do
    # shellcheck disable=SC2086 # the subcommands are two words on purpose
    run 0 $c --help && has out "Usage: pipetop $c"
done
run 0 status --help && has out "--days N" && has out "--offline" && has out "--json"
run 0 schema infer --help && has out "--format FMT"
run 0 rerun -h && has out "--dry-run"

# Unknown commands and options: exit 2 with a suggestion.
run 2 stauts && has err "pipetop: unknown command 'stauts'; did you mean 'status'?"
run 2 frobnicate && has err "unknown command 'frobnicate'"
run 2 runs --faild && has err "unknown option '--faild'; did you mean '--failed'?"
run 2 --confg x info && has err "did you mean '--config'?"
run 2 status --days 0 && has err "--days needs a whole number from 1 to 90"
run 2 status --days && has err "--days needs a value"
run 2 rerun users --date 2024-05-01 --json && has err "--json is not available"
run 2 schema && has err "missing argument"
run 2 rerun users && has err "--date D is required"
run 2 rerun users --date 2024-02-30 && has err "is not a date YYYY-MM-DD"
run 2 rerun users --date 2024-05-02 --to 2024-05-01 && has err "--to must not be before --date"
run 2 rerun users --date 2024-05-02 --stage load && has err "--stage must be"
run 2 schema infer && has err "give FILE..., one s3://BUCKET/PREFIX, or --export ARN"
run 2 schema infer a.json --format yaml && has err "--format must be"
run 2 info extra && has err "unexpected argument 'extra'"
run 2 --db= info && has err "--db was given an empty file name"
run 0 --config=/dev/null info && has out "/dev/null"

# info with no config file: defaults, XDG paths under HOME.
run 0 info && has out "$HOME/.config/pipetop/config.ini  (not found: defaults in use)" &&
    has out "$HOME/.local/state/pipetop/history.db" && has out "$HOME/.local/state/pipetop/pipetop.log" &&
    has out "days                     14"
XDG_STATE_HOME="$tmp/state" run 0 info && has out "$tmp/state/pipetop/history.db"
run 0 --db "$tmp/x.db" info && has out "$tmp/x.db  (flag --db)"

# info with a config file, global options after the command, env overrides.
mkdir -p "$HOME/.config/pipetop"
cat >"$HOME/.config/pipetop/config.ini" <<'INI'
[general]
timezone = Asia/Tokyo
days = 7

[gcp]
project = acme-data-123

[pipeline users]
source = dynamodb:users
INI
PIPETOP_DTS_ENDPOINT=http://127.0.0.1:9 run 0 info --read-only &&
    has out "timezone                 Asia/Tokyo" && has out "file:2" &&
    has out "read_only                true" && has out "flag --read-only" &&
    has out "env PIPETOP_DTS_ENDPOINT" && has out "[pipeline users]" &&
    lacks out "(not found"
run 0 info --json
if ! python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["config"]["exists"] is True, d["config"]
assert d["settings"]["general"]["days"] == {"value": "7", "source": "file:3"}, d["settings"]["general"]["days"]
assert d["settings"]["aws"]["region"]["value"] is None
assert d["pipelines"][0]["name"] == "users"
assert d["pipelines"][0]["settings"]["source"]["value"] == "dynamodb:users"
' <"$tmp/out"; then
    echo "FAIL: info --json did not parse or lacked fields"
    fails=$((fails + 1))
fi
run 0 --json info && has out '"version"'

# Config errors: exit 3 with FILE:LINE.
cat >"$tmp/typo.ini" <<'INI'
[general]
days = 14

[aws]
regoin = ap-northeast-1
INI
run 3 --config "$tmp/typo.ini" info &&
    has err "typo.ini:5: unknown key 'regoin' in [aws]; did you mean 'region'?"
PIPETOP_CONFIG="$tmp/typo.ini" run 3 status && has err "typo.ini:5:"
run 3 --config "$tmp/missing.ini" info && has err "does not exist (named by --config)"
printf '[aws]\naws_secret_access_key = AKIASECRETVALUE42\n' >"$tmp/secret.ini"
run 3 info --config "$tmp/secret.ini" && has err "looks like a secret" && lacks err "AKIASECRETVALUE42"
PIPETOP_TIMEZONE=Nowhere/Land run 3 info && has err "PIPETOP_TIMEZONE: bad value"
(unset HOME; "$PIPETOP" info >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc")
[ "$(cat "$tmp/rc")" = 3 ] || { echo "FAIL: info without HOME exited $(cat "$tmp/rc")"; fails=$((fails + 1)); }
has err "HOME is not set"

# The dashboard needs a terminal.
run 2 && has err "the dashboard needs a terminal"
run 2 schema refresh raw.users --from-export && has err "no DynamoDB pipeline in the history database"
run 3 schema infer --export arn:aws:dynamodb:ap-northeast-1:1:table/users/export/01 --format sql &&
    has err "no AWS region is configured"
run 6 schema infer "$tmp/missing.json" && has err "cannot open"
# rerun is built (tests/integration/actions*.sh run it against the fake cloud); without one
# only its local parts run here: --abandon with nothing interrupted reads the database alone.
run 2 rerun users --date 2024-05-01 --to 2024-05-03 --abandon && has err "no interrupted action"
run 2 rerun users --date 2024-05-01 --all --stage T && has err "--all and --stage exclude"

# Read-only refuses mutations (exit 5) but not dry runs.
run 5 --read-only rerun users --date 2024-05-01 && has err "rerun refused: read-only mode is on"
run 5 schema refresh raw.users --from-export --apply --read-only && has err "refused"
run 2 --read-only rerun users --date 2024-05-01 --abandon && has err "no interrupted action"

[ "$fails" -eq 0 ] && echo "cli: all passed"
[ "$fails" -eq 0 ]
