#!/bin/sh
# promgate check's command line: exit 2 when it cannot run (bad flags,
# unreadable or invalid golden, bad baseline, bad pattern, unreachable
# target) with messages naming the fault; secrets never printed; stdin.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
G=fixtures/check/golden.json
IN=fixtures/check/pass-text/input.prom
plan 41
pg_tmpdir
T=$PG_TMP

# run ARGS...: runs promgate check, sets rc, out (stdout) and err (stderr).
run() {
    $P check "$@" >"$T/out" 2>"$T/err"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

run
is "$rc" 2 "no flags: exit 2"
like "$err" "missing --golden" "no flags: names what is missing"
run --golden "$G"
like "$rc $err" "^2 .*missing --target" "no target: exit 2"
run --golden "$G" --target "$IN" --frobnicate
like "$rc $err" "^2 .*unknown option '--frobnicate'" "unknown flag: exit 2, named"
run --golden "$G" --target "$IN" --undocumented maybe
like "$rc $err" "^2 .*invalid --undocumented 'maybe'" "bad --undocumented value"
run --golden "$G" --target "$IN" --timeout
like "$rc $err" "^2 .*--timeout.*needs a value" "flag without value"
run --golden "$G" --target "$IN" --only '([a-z'
like "$rc $err" "^2 .*--only.*invalid regular expression '\(\[a-z'" "bad --only pattern: exit 2"
run --golden "$G" --target "$IN" --select formats
like "$rc $err" "^2 .*invalid --select 'formats'" "bad --select"
run --help
is "$rc" 0 "--help exits 0"
like "$out" "--undocumented fail\|warn\|ignore" "--help lists check options"
like "$out" "--bearer-token-file" "--help lists the shared scrape options"

run --golden "$T/nope.json" --target "$IN"
like "$rc $err" "^2 .*nope.json.*cannot open" "missing golden: exit 2, file named"
printf '{"kind": "docs",\n  "metrics": [\n    {"name": }\n' >"$T/bad-golden.json"
run --golden "$T/bad-golden.json" --target "$IN"
like "$rc $err" "^2 .*bad-golden.json:3:[0-9]+: " "invalid golden JSON: exit 2 with file:line:col"
run --golden "$G" --target "$T/absent.prom"
like "$rc $err" "^2 promgate check: $T/absent.prom: cannot open: No such file or directory" "unreadable target file: exit 2, the same message as lint's"
$P lint "$T/absent.prom" 2>&1 | grep -qxF "promgate lint: $T/absent.prom: cannot open: No such file or directory"
ok $? "lint words the unreadable file the same way"
run --golden "$G" --target "127.0.0.1:1/metrics"
like "$rc $err" "^2 promgate check: 127.0.0.1:1/metrics: no such file, and not a URL without a scheme: write http://127.0.0.1:1/metrics \\(or https://\\)$" \
    "host:port/metrics without a scheme: exit 2, suggests http://"

# Baselines: syntax and schema errors name file:line:col.
printf '{"accepted": [\n  {"metric": "app_up", "reason": "x"},\n  {"metric": "app_up" "reason": "y"}\n]}\n' >"$T/b1.json"
run --golden "$G" --target "$IN" --baseline "$T/b1.json"
like "$rc $err" "^2 .*b1.json:3:[0-9]+: " "baseline JSON syntax error: exit 2 with file:line:col"
printf '{"accepted": [\n  {"metric": "app_up", "reason": "x"},\n  {"metric": "app_cache_bytes"}\n]}\n' >"$T/b2.json"
run --golden "$G" --target "$IN" --baseline "$T/b2.json"
like "$rc $err" "^2 .*b2.json:3:3: accepted\[1\]: missing 'reason'" "baseline entry without reason: entry's line:col"
printf '{"accepted": [\n  {"metric": "app_up", "reason": "x",\n   "expires": "2026-13-01"}]}\n' >"$T/b3.json"
run --golden "$G" --target "$IN" --baseline "$T/b3.json"
like "$rc $err" "^2 .*b3.json:2:3: accepted\[0\]: invalid expires '2026-13-01'" "baseline bad date"
printf '{"accepted": [{"metric": "app_up", "reason": "x", "problem": "typo"}]}\n' >"$T/b4.json"
run --golden "$G" --target "$IN" --baseline "$T/b4.json"
like "$rc $err" "^2 .*b4.json:1:15: accepted\[0\]: unknown problem 'typo'" "baseline unknown problem code"
printf '{"acepted": []}\n' >"$T/b5.json"
run --golden "$G" --target "$IN" --baseline "$T/b5.json"
like "$rc $err" "^2 .*b5.json:1:1: baseline must be an object with an 'accepted' array" "baseline without accepted"

# Unreachable target: exit 2, the message names the URL and the reason.
run --golden "$G" --target "http://127.0.0.1:1/metrics" --retries 1 --backoff 0
is "$rc" 2 "unreachable URL: exit 2"
like "$err" "http://127\.0\.0\.1:1/metrics.*(connect|refused)" "unreachable URL: URL and libcurl reason on stderr"
like "$out" "^not ok 1 - http://127\.0\.0\.1:1/metrics: could not be read" "unreachable URL: a failing test point in the TAP"

# stdin as a target.
$P check --golden "$G" --target - <"$IN" >"$T/out" 2>"$T/err"
is "$?" 0 "stdin target conformant"
grep -q '^# target stdin' "$T/out"
ok $? "stdin target named 'stdin'"

# Secrets: a bearer token from a file or the environment and a basic auth
# password reach the server but never the output.
mkdir "$T/www" && cp "$IN" "$T/www/metrics"
printf 's3cr3t-t0ken\n' >"$T/token"
printf 'pguser:pa55w0rd-xyz\n' >"$T/basic"
start_fixture_server "$T/www" --token-file "$T/token" --basic-file "$T/basic" \
    --log "$T/log" || exit 1
U="$FIXTURE_URL/metrics?fault=auth"
run --golden "$G" --target "$U"
like "$rc $err" "^2 .*401" "no credentials: 401 is a could-not-run (exit 2)"
run --golden "$G" --target "$U" --bearer-token-file "$T/token" --save-scrape "$T/save"
is "$rc" 0 "bearer token from file: authorized, conformant"
cat "$T/out" "$T/err" "$T"/save/* | grep -q 's3cr3t-t0ken'
is "$?" 1 "bearer token never in output or saved evidence"
ls "$T"/save/*.txt "$T"/save/*.headers >/dev/null 2>&1
ok $? "--save-scrape keeps body and headers"
cmp -s "$IN" "$T"/save/01-*.txt
ok $? "--save-scrape body is the raw scrape"
PROMGATE_BEARER_TOKEN=s3cr3t-t0ken run --golden "$G" --target "$U"
is "$rc" 0 "bearer token from PROMGATE_BEARER_TOKEN: authorized"
printf 'wrong-t0ken-zz\n' >"$T/token2"
run --golden "$G" --target "$U" --bearer-token-file "$T/token2"
is "$rc" 2 "wrong token: exit 2"
cat "$T/out" "$T/err" | grep -q 'wrong-t0ken-zz'
is "$?" 1 "rejected token not printed either"
run --golden "$G" --target "$U" --basic-auth-file "$T/basic"
is "$rc" 0 "basic auth from file: authorized"
cat "$T/out" "$T/err" | grep -q 'pa55w0rd-xyz'
is "$?" 1 "basic auth password never printed"

# --input-format forces the format over the Content-Type and the '# EOF'
# guess: a text-format body ending in '# EOF', served as OpenMetrics.
cp fixtures/check/exposition-prom/input.prom "$T/www/eof.prom"
E="$FIXTURE_URL/eof.prom?ctype=application%2Fopenmetrics-text%3B%20version%3D1.0.0"
run --golden "$G" --target "$E"
like "$rc $(grep -c "must have the suffix '_total' (OpenMetrics" "$T/out")" "^1 [1-9]" \
    "OpenMetrics Content-Type: judged as OpenMetrics by default"
run --golden "$G" --target "$E" --input-format prom
is "$rc" 0 "--input-format prom: judged as text format over the Content-Type"
run --golden "$G" --target "$E" --exposition prom
is "$rc" 0 "--exposition, the earlier name of --input-format, still works"
run --golden "$G" --target "$IN" --input-format=openmetrics
like "$rc $(grep -c "(OpenMetrics 1.0" "$T/out")" "^1 [1-9]" "--input-format=openmetrics: a text file judged as OpenMetrics"
run --golden "$G" --target "$IN" --input-format xml
like "$rc $err" "^2 .*invalid --input-format 'xml': want prom, openmetrics, protobuf or auto" \
    "bad --input-format value: exit 2, named"
