#!/bin/sh
# Secrets and reach: every URL promgate prints, writes or logs has its
# userinfo and every query value hidden (TAP, YAML diagnostics, reports,
# --save-scrape file names, headers and bodies, stderr), whatever the
# parameter's name; the Prometheus API client speaks http and https only
# and puts the API path in the URL's path, never after its query.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
F=fixtures/check/planted
plan 17
pg_tmpdir
T=$PG_TMP

Q=tenant-7f3a9c2e1b55   # a query value under a name that looks harmless
TOKEN=tok-0d9e8c7b6a5f4e3d
PW=pw-Zq8vN3xL5tR1
printf '%s\n' "$TOKEN" >"$T/token"
mkdir "$T/www"
{ cat "$F/metrics"; printf '# echoed %s and %s\n' "$Q" "$TOKEN"; } >"$T/www/metrics"
start_fixture_server "$T/www" --token-file "$T/token" --log "$T/log" || exit 1
U=$FIXTURE_URL

# nowhere DESC PATH...: no file under PATH (nor its name) holds a secret.
nowhere() {
    desc=$1; shift
    hits=$(grep -rlF -e "$Q" -e "$TOKEN" -e "$PW" "$@" 2>/dev/null;
           find "$@" -name "*$Q*" 2>/dev/null)
    is "$hits" "" "$desc"
}

$P check --golden "$F/golden.json" --bearer-token-file "$T/token" \
    --target "$U/metrics?fault=auth&tenant=$Q" --save-scrape "$T/saved" \
    --report-dir "$T/reports" >"$T/check.out" 2>"$T/check.err"
is "$?" 1 "check scrapes the echoing target (exit 1 for the planted defects)"
like "$(cat "$T/check.out")" "metrics\?fault=REDACTED&tenant=REDACTED" "TAP names the target with its query values hidden"
nowhere "no secret in TAP, YAML diagnostics or stderr" "$T/check.out" "$T/check.err"
n=$(find "$T/saved" -type f | wc -l)
is "$n" 2 "--save-scrape kept the body and the headers"
nowhere "no secret in --save-scrape's file names, headers or body" "$T/saved"
nowhere "no secret in the report directory" "$T/reports"

$P check --golden "$F/golden.json" --bearer-token-file "$T/token" \
    --target "http://me:$PW@127.0.0.1:$FIXTURE_PORT/missing?tenant=$Q" \
    >"$T/miss.out" 2>"$T/miss.err"
is "$?" 2 "an unreadable target: exit 2"
like "$(cat "$T/miss.err")" "http://REDACTED@127\.0\.0\.1:[0-9]+/missing\?tenant=REDACTED" "the error names the URL redacted"
nowhere "no secret in the error" "$T/miss.out" "$T/miss.err"

$P lint "$U/metrics?tenant=$Q" >"$T/lint.out" 2>&1
nowhere "lint shows the URL redacted" "$T/lint.out"
$P diff "$F/golden.json" "$U/metrics?tenant=$Q" >"$T/diff.out" 2>&1
nowhere "diff shows the URL redacted" "$T/diff.out"

G="--golden $F/golden.json --match {job=\"x\"}"
# shellcheck disable=SC2086
$P check $G --prometheus "http://me:$PW@127.0.0.1:1/?access_token=$Q" >"$T/api.out" 2>"$T/api.err"
is "$?" 2 "--prometheus unreachable: exit 2"
nowhere "--prometheus error shows the URL redacted" "$T/api.out" "$T/api.err"
# shellcheck disable=SC2086
$P check $G --prometheus 'file:///etc/passwd#' >"$T/file.out" 2>"$T/file.err"
like "$? $(cat "$T/file.err")" "^2 .*not an http:// or https:// URL" "--prometheus file:// is refused (exit 2)"
unlike "$(cat "$T/file.out" "$T/file.err")" "root:" "and no file is read"
# shellcheck disable=SC2086
$P check $G --prometheus "$U/prefix/?tenant=$Q#frag" >"$T/path.out" 2>"$T/path.err"
line=$(grep '^\(GET\|POST\) /[a-z/]*api/v1/' "$T/log" | head -1)
like "$line" "^(GET|POST) /prefix/api/v1/[a-z/]+\?tenant=$Q" "the API path follows the server URL's path; its query comes after"
nowhere "and the error shows it redacted" "$T/path.out" "$T/path.err"
