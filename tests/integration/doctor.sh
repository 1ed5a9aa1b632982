#!/bin/sh
# tests/integration/doctor.sh: `pipetop doctor` against the fake cloud (issue 3 acceptance):
# (a) everything passes; (b) a wrong AWS secret fails the AWS line with AWS's own code and
# message; (d) a service-account key replaced by another key fails the Google line with the
# token endpoint's error; (e) with 30%
# throttling doctor still passes and the call log holds the retries and their Retry-After waits;
# (f) no secret (secret key, session token, private key, issued token) reaches the history
# database, the log file, stdout/stderr or calls.jsonl. Also: --json parses.
set -u
PIPETOP=${PIPETOP:-build/pipetop}
FAKECLOUD=${FAKECLOUD:-build/fakecloud}
top=$(mktemp -d /tmp/pipetop-doctor-XXXXXX)
pid=
stop_fake() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    pid=
}
fail() {
    echo "FAIL: $*"
    [ -f "$top/out" ] && sed 's/^/  | /' "$top/out"
    stop_fake
    rm -rf "$top"
    exit 1
}

# start_fake NAME SCENARIO_JSON [fakecloud args...]: a fake cloud in $top/NAME; sets $work.
start_fake() {
    work="$top/$1"
    mkdir -p "$work"
    printf '%s\n' "$2" >"$work/scenario.json"
    shift 2
    "$FAKECLOUD" --scenario "$work/scenario.json" --workdir "$work" "$@" >"$work/fake.out" \
        2>"$work/fake.err" &
    pid=$!
    i=0
    until grep -q '^READY port=' "$work/fake.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && fail "fake cloud gave no READY: $(cat "$work/fake.err")"
        sleep 0.1
    done
}

# doctor [args...]: runs pipetop doctor in a clean environment pointed at $work (env.sh), with
# throwaway XDG directories; stdout+stderr in $top/out, exit code in $rc. $EXTRA is eval'd
# after env.sh (to break something).
doctor() {
    (
        cd "$work" || exit 99
        for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\|GOOGLE_[A-Z_]*\|GCLOUD_[A-Z_]*\|PIPETOP_[A-Z_]*\)=.*/\1/p'); do
            unset "$v"
        done
        export HOME="$work/home" XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/cfg"
        export LC_ALL=C.UTF-8 AWS_CONFIG_FILE="$work/home/no-aws-config"
        export AWS_SHARED_CREDENTIALS_FILE="$work/home/no-aws-credentials"
        . ./env.sh
        eval "${EXTRA:-}"
        exec "$PIPETOP" doctor "$@"
    ) >"$top/out" 2>&1
    rc=$?
}
has() { grep -qF -- "$1" "$top/out" || fail "$2: no '$1' in the output"; }

gcp='"gcp": {"project": "fake-project", "location": "us"}'
token='FQoGZXIvYXdzEPipetopFakeSessionToken0123456789abcdef'
scen_ok="{\"aws\": {\"session_token\": \"$token\"}, $gcp}"

# (a) + (f): everything passes; then no secret anywhere
start_fake ok "$scen_ok"
doctor
[ "$rc" -eq 0 ] || fail "(a) doctor exited $rc"
for name in config "history database" "log file" "AWS credentials" "AWS region" "AWS identity" \
    "Google credentials" "Google token" "Google project" DTS BigQuery clock; do
    grep -q "^✓ $name " "$top/out" || fail "(a) no ✓ line for $name"
done
grep -q '^[!✗]' "$top/out" && fail "(a) a line is not ✓"
has 'account 123456789012' "(a)"
has 'doctor: all 12 checks passed' "(a)"
cp "$top/out" "$work/doctor.out"
doctor --json
[ "$rc" -eq 0 ] || fail "(a) doctor --json exited $rc"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is True, r
assert len(r["checks"]) == 12, r
for c in r["checks"]:
    assert set(c) == {"name", "ok", "status", "detail", "remedy"}, c
    assert c["ok"] is True and c["status"] == "ok", c
' "$top/out" || fail "(a) --json output is not the documented JSON"
cat "$top/out" >>"$work/doctor.out"
# (f) the secrets used in this run: the secret key, the session token, the key's PEM body lines,
# and any access token the fake issued (they all start "ya29.")
secret=$(sed -n "s/^export AWS_SECRET_ACCESS_KEY='\(.*\)'$/\1/p" "$work/env.sh")
[ -n "$secret" ] || fail "(f) no secret key in env.sh"
python3 -c '
import json, sys
pem = json.load(open(sys.argv[1]))["private_key"]
for line in pem.splitlines():
    if len(line) >= 40 and not line.startswith("-----"):
        print(line)
' "$work/service_account.json" >"$top/pem-lines" || fail "(f) cannot read the key file"
[ "$(wc -l <"$top/pem-lines")" -gt 10 ] || fail "(f) too few PEM lines"
grep -q '"operation":"token' "$work/calls.jsonl" || fail "(f) no token was issued"
for f in "$work/state/pipetop/history.db" "$work/state/pipetop/pipetop.log" "$work/doctor.out" \
    "$work/calls.jsonl"; do
    [ -s "$f" ] || fail "(f) $f is missing or empty"
    grep -aqF -- "$secret" "$f" && fail "(f) the secret key is in $f"
    grep -aqF -- "$token" "$f" && fail "(f) the session token is in $f"
    grep -aqF -f "$top/pem-lines" "$f" && fail "(f) private key material is in $f"
    grep -aq 'ya29\.' "$f" && fail "(f) an access token is in $f"
done
for wal in "$work/state/pipetop/history.db-wal"; do
    [ -f "$wal" ] && grep -aqF -- "$secret" "$wal" && fail "(f) the secret key is in the WAL"
done
n=$(sqlite3 "$work/state/pipetop/history.db" 'SELECT count(*) FROM api_calls')
[ "$n" -ge 8 ] || fail "(f) the call log has $n calls, want the 4 of each of two runs"
grep -q ' call: sts GetCallerIdentity POST ' "$work/state/pipetop/pipetop.log" ||
    fail "(f) the log file has no call line"
stop_fake

# (b) a wrong secret key: the AWS line fails with AWS's own code and message
start_fake wrong-secret "{$gcp}"
EXTRA="export AWS_SECRET_ACCESS_KEY='wrongWrongWrong0000000000000000000000000'" doctor
[ "$rc" -eq 3 ] || fail "(b) doctor exited $rc, want 3 (auth)"
grep -q '^✗ AWS identity .*SignatureDoesNotMatch: The request signature we calculated does not match' \
    "$top/out" || fail "(b) the AWS line does not carry AWS's SignatureDoesNotMatch message"
grep -A1 '^✗ AWS identity' "$top/out" | grep -q '→ .*secret access key' ||
    fail "(b) no remedy under the AWS line"
grep -q '^✓ Google token' "$top/out" || fail "(b) the Google checks did not run on"
grep -q '^✓ BigQuery' "$top/out" || fail "(b) the Google checks did not run on"
has 'doctor: 1 of 12 checks failed' "(b)"
grep -aq 'wrongWrongWrong' "$top/out" "$work/state/pipetop/pipetop.log" "$work/calls.jsonl" &&
    fail "(b) the wrong secret was printed or logged"
stop_fake

# (d) the service-account key replaced by another key: the Google line fails with the token
# endpoint's error and what to do
start_fake other-key "{$gcp}"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/other.pem" 2>/dev/null ||
    fail "(d) openssl genpkey failed"
python3 -c '
import json, sys
k = json.load(open(sys.argv[1]))
k["private_key"] = open(sys.argv[2]).read()
json.dump(k, open(sys.argv[3], "w"), indent=2)
' "$work/service_account.json" "$work/other.pem" "$work/other_key.json" || fail "(d) key copy"
chmod 600 "$work/other_key.json"
EXTRA="export GOOGLE_APPLICATION_CREDENTIALS='$work/other_key.json'" doctor
[ "$rc" -eq 3 ] || fail "(d) doctor exited $rc, want 3 (auth)"
grep -q '^✗ Google token .*invalid_grant: Invalid JWT Signature' "$top/out" ||
    fail "(d) the Google line does not carry the token endpoint's error"
grep -A1 '^✗ Google token' "$top/out" | grep -q '→ create a new key for pipetop@' ||
    fail "(d) no remedy under the Google line"
grep -q '^✓ AWS identity' "$top/out" || fail "(d) the AWS checks did not pass"
grep -q '^✗ DTS .*not tried: no Google access token' "$top/out" || fail "(d) DTS line"
stop_fake

# (e) 30% throttling with Retry-After: 1 — doctor still passes; the call log shows each retry
# and that its wait honoured Retry-After. Seed 11 throttles two answers, so however the
# concurrent calls interleave none can use up its three attempts.
start_fake throttled "{$gcp, \"faults\": {\"global\": {\"throttle_rate\": 0.3, \"retry_after_s\": 1}}}" \
    --seed 11
doctor
[ "$rc" -eq 0 ] || fail "(e) doctor exited $rc under 30% throttling"
db="$work/state/pipetop/history.db"
faults=$(grep -c '"fault":"throttle"' "$work/calls.jsonl")
[ "$faults" -ge 2 ] || fail "(e) the seed injected $faults throttled answers, want 2"
retried=$(sqlite3 "$db" 'SELECT coalesce(sum(retries), 0) FROM api_calls')
[ "$retried" -eq "$faults" ] || fail "(e) $faults throttled answers but $retried retries logged"
sqlite3 "$db" "SELECT retry_detail FROM api_calls WHERE retries > 0" >"$top/detail"
[ -s "$top/detail" ] || fail "(e) no retry_detail in the call log"
while IFS= read -r line; do
    case "$line" in
    "retries: "*) ;;
    *) fail "(e) odd retry detail: $line" ;;
    esac
    waits=$(printf '%s\n' "$line" | grep -o 'waited [0-9.]*s ([A-Za-z-]*)' | sort -u)
    [ "$waits" = "waited 1.000s (Retry-After)" ] ||
        fail "(e) a retry did not wait the 1 s Retry-After: $line"
done <"$top/detail"
stop_fake

rm -rf "$top"
echo "doctor: ok"
