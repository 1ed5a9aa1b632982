#!/bin/sh
# tests/integration/fakecloud_router.sh: the fake cloud's router and fault shapes — each request
# is given its service (X-Amz-Target, Query Action + SigV4 scope, Lambda/Google paths, S3), an
# unknown operation gets that service's own error shape, throttling faults answer in each
# protocol's real shape, and calls.jsonl records service/operation with secrets redacted.
set -u
FAKECLOUD=${FAKECLOUD:-build/fakecloud}
work=$(mktemp -d /tmp/pipetop-router-XXXXXX)
pid=
fail() {
    echo "FAIL: $*"
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
    exit 1
}

echo '{}' >"$work/scenario.json"
"$FAKECLOUD" --scenario "$work/scenario.json" --workdir "$work" --seed 3 >"$work/out" 2>"$work/err" &
pid=$!
i=0
until grep -q '^READY port=' "$work/out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && fail "no READY: $(cat "$work/err")"
    sleep 0.1
done
url="http://127.0.0.1:$(sed -n 's/^READY port=//p' "$work/out")"

# req NAME EXPECTED_STATUS BODY_SUBSTRING curl-args...: one request, status and body checked
req() {
    name=$1 want=$2 sub=$3
    shift 3
    got=$(curl -sS --max-time 10 -o "$work/body" -D "$work/hdr" -w '%{http_code}' "$@") ||
        fail "$name: curl failed"
    [ "$got" = "$want" ] || fail "$name: status $got, want $want: $(cat "$work/body")"
    grep -qF -- "$sub" "$work/body" "$work/hdr" || fail "$name: no '$sub' in: $(cat "$work/hdr" "$work/body")"
}
sigv4() { # the Authorization header of a SigV4 request for service $1
    echo "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/$1/aws4_request, SignedHeaders=host, Signature=deadbeefSECRET"
}

req ddb-unknown 400 'com.amazonaws.dynamodb.v20120810#UnknownOperationException' \
    -X POST -H 'X-Amz-Target: DynamoDB_20120810.NoSuchOp' -H "$(sigv4 dynamodb)" -d '{}' "$url/"
req events-unknown 400 '"__type":"UnknownOperationException"' \
    -X POST -H 'X-Amz-Target: AWSEvents.NoSuchOp' -d '{}' "$url/"
req sts-unknown 400 '<Code>InvalidAction</Code>' \
    -H "$(sigv4 sts)" -d 'Action=NoSuchOp&Version=2011-06-15' "$url/"
grep -q 'https://sts.amazonaws.com/doc/2011-06-15/' "$work/body" || fail "sts namespace"
req rds-by-scope 400 'http://rds.amazonaws.com/doc/2014-10-31/' \
    -H "$(sigv4 rds)" -d 'Action=NoSuchOp&Version=2014-10-31' "$url/"
req sts-by-version 400 'for version 2011-06-15' -d 'Action=NoSuchOp&Version=2011-06-15' "$url/"
req lambda-unknown 404 'X-Amzn-ErrorType: UnknownOperationException' "$url/2015-03-31/functions/f/nothing"
# an anonymous (unsigned) S3 request: S3's own 403 in the <Error> shape
req s3-anonymous 403 '<Code>AccessDenied</Code>' "$url/some-bucket/some/key"
req bigquery-unknown 404 '"status":"NOT_FOUND"' "$url/bigquery/v2/projects/p/nothing/here"
req dts-unknown 404 '"status":"NOT_FOUND"' "$url/v1/projects/p/locations/us/nothing"
req oauth2-bad-grant 400 '"error":"unsupported_grant_type"' -d 'grant_type=x' "$url/token"
req fake-unknown 404 'NOT_FOUND' "$url/_fake/nothing"
req faults-bad 400 'unknown knob' -d '{"global":{"throttle":1}}' "$url/_fake/faults"

# throttling in each protocol's own shape, with Retry-After
req faults-set 200 '"retry_after_s":2' -d '{"global":{"throttle_rate":1,"retry_after_s":2}}' \
    "$url/_fake/faults"
req ddb-throttle 400 '#ThrottlingException' -X POST -H 'X-Amz-Target: DynamoDB_20120810.ListTables' -d '{}' "$url/"
grep -qi '^Retry-After: 2' "$work/hdr" || fail "ddb throttle without Retry-After"
req sts-throttle 400 '<Code>Throttling</Code>' -d 'Action=GetCallerIdentity&Version=2011-06-15' "$url/"
req s3-throttle 503 '<Code>SlowDown</Code>' "$url/bucket/key"
req lambda-throttle 429 'X-Amzn-ErrorType: TooManyRequestsException' "$url/2015-03-31/functions/"
req google-throttle 429 '"status":"RESOURCE_EXHAUSTED"' "$url/bigquery/v2/projects/p/datasets"
req health-unfaulted 200 '"status":"ok"' "$url/_fake/health"
req faults-5xx 200 'error_5xx_rate' -d '{"dts":{"error_5xx_rate":1}}' "$url/_fake/faults"
req dts-5xx 503 '"status":"UNAVAILABLE"' "$url/v1/projects/p/locations/us/nothing"
req s3-faults-replaced 403 'AccessDenied' "$url/bucket/key"

# calls.jsonl: one line per request, routed names, no secrets
lines=$(wc -l <"$work/calls.jsonl")
count=$(curl -sS "$url/_fake/calls" | sed 's/.*"count":\([0-9]*\).*/\1/')
[ "$lines" -eq "$count" ] || fail "calls.jsonl has $lines lines, /_fake/calls says $count"
grep -q '"service":"rds","operation":"NoSuchOp"' "$work/calls.jsonl" || fail "rds not routed by scope"
grep -q '"service":"dynamodb","operation":"ListTables","status":400,"fault":"throttle"' \
    "$work/calls.jsonl" || fail "throttle fault not logged"
grep -q 'SECRET' "$work/calls.jsonl" && fail "a secret reached calls.jsonl"
grep -q '"Authorization":"AWS4-HMAC-SHA256 REDACTED"' "$work/calls.jsonl" || fail "no redacted Authorization"

kill -TERM "$pid"
wait "$pid" || fail "exit status $? after SIGTERM"
pid=
rm -rf "$work"
echo "ok"
