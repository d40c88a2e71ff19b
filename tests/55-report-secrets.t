#!/bin/sh
# No credential reaches a report: `promgate check --report-dir` against the
# fixture server with a bearer token from a file, an Authorization header
# on the command line, basic credentials in the URL userinfo and a token in
# the query string, with the raw scrape and response headers saved. Every
# file of every report directory (and stdout/stderr) is searched for each
# secret. Also when the credential is wrong and the target unreadable.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
F=fixtures/check/planted
plan 15
pg_tmpdir
mkdir "$PG_TMP/www" && cp "$F/metrics" "$PG_TMP/www/metrics"
R=$PG_TMP/reports

TOKFILE_SECRET=tokfile-6c1b2e9d0a7f43b8
HEADER_SECRET=hdr-secret-91e5d2c07b4a
PASSWORD_SECRET=pw-Zq8vN3xL5tR1
QUERY_SECRET=query-secret-4f2a9c1e
printf '%s\n' "$TOKFILE_SECRET" > "$PG_TMP/token"
printf '%s\n' "$HEADER_SECRET" > "$PG_TMP/token2"
printf 'alice:%s\n' "$PASSWORD_SECRET" > "$PG_TMP/basic"

start_fixture_server "$PG_TMP/www" --token-file "$PG_TMP/token" \
    --basic-file "$PG_TMP/basic" || exit 1
U1=$FIXTURE_URL
start_fixture_server "$PG_TMP/www" --token-file "$PG_TMP/token2" || exit 1
U2=$FIXTURE_URL
HOSTPORT=${U1#http://}

run() { # name, then promgate check arguments
    name=$1; shift
    $P check --golden "$F/golden.json" --report-dir "$R" \
        --save-scrape "$PG_TMP/scrapes-$name" --format json "$@" \
        >"$PG_TMP/$name.out" 2>"$PG_TMP/$name.err"
    echo $?
}

rc=$(run tokfile --bearer-token-file "$PG_TMP/token" \
    --target "$U1/metrics?fault=auth")
is "$rc" 1 "token file: scraped (exit 1 for the planted defects)"
rc=$(run header --header "Authorization: Bearer $HEADER_SECRET" \
    --target "$U2/metrics?fault=auth")
is "$rc" 1 "Authorization header: scraped"
rc=$(run userinfo \
    --target "http://alice:$PASSWORD_SECRET@$HOSTPORT/metrics?fault=auth")
is "$rc" 1 "URL userinfo: scraped"
rc=$(run query --bearer-token-file "$PG_TMP/token" \
    --target "$U1/metrics?fault=auth&token=$QUERY_SECRET")
is "$rc" 1 "token in the query string: scraped"
rc=$(run wrong --header "Authorization: Bearer $HEADER_SECRET" \
    --target "http://bob:$PASSWORD_SECRET@$HOSTPORT/metrics?fault=auth&access_token=$QUERY_SECRET")
is "$rc" 2 "wrong credentials: target unreadable (exit 2)"

ndirs=$(find "$R" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l)
is "$ndirs" 5 "five report directories written"
nraw=$(find "$R" -name 'scrape-1.txt' | wc -l)
nhdr=$(find "$R" -name 'scrape-1.headers.txt' | wc -l)
is "$nraw:$nhdr" "4:4" "raw scrapes and response headers are in the four readable reports"
grep -q 'REDACTED' "$R"/*/report.json
ok $? "credentials in targets show as REDACTED"

for s in "$TOKFILE_SECRET" "$HEADER_SECRET" "$PASSWORD_SECRET" "$QUERY_SECRET"; do
    hits=$(grep -rl -- "$s" "$R" "$PG_TMP"/*.out "$PG_TMP"/*.err 2>/dev/null)
    is "$hits" "" "secret ${s%%-*}... appears in no report file nor output"
done

# A server that echoes the token into its body: only the exact values the
# command passes as pg_report_run.secrets can be cut from the raw scrape.
mkdir "$PG_TMP/echo" && { cat "$F/metrics"; printf '# echoed %s\n' "$TOKFILE_SECRET"; } > "$PG_TMP/echo/metrics"
start_fixture_server "$PG_TMP/echo" --token-file "$PG_TMP/token" || exit 1
R=$PG_TMP/reports-echo
run echo --bearer-token-file "$PG_TMP/token" --target "$FIXTURE_URL/metrics?fault=auth" >/dev/null
hits=$(grep -rl -- "$TOKFILE_SECRET" "$R" 2>/dev/null)
if [ -z "$hits" ]; then echo "ok 13 - token echoed by the server is cut from the saved scrape"
else echo "not ok 13 - token echoed by the server is cut from the saved scrape"; fi

# The same echo with the token from PROMGATE_BEARER_TOKEN: cut whatever
# the command passes, since the report knows that variable.
R=$PG_TMP/reports-env
PROMGATE_BEARER_TOKEN=$TOKFILE_SECRET run env --target "$FIXTURE_URL/metrics?fault=auth" >/dev/null
hits=$(grep -rl -- "$TOKFILE_SECRET" "$R" 2>/dev/null)
n=$(find "$R" -name report.json | wc -l)
if [ -z "$hits" ] && [ "$n" = 1 ]; then echo "ok 14 - token from PROMGATE_BEARER_TOKEN echoed by the server is cut from the saved scrape"
else echo "not ok 14 - token from PROMGATE_BEARER_TOKEN echoed by the server is cut from the saved scrape"; echo "# in: $hits ($n reports)"; fi

got=$(bin/pg-report-render scrape-secrets tok pw 'Authorization: Bearer abc.def' 'X-Api-Key:k3y' | tr '\n' ' ')
if [ "$got" = "tok pw Bearer abc.def abc.def k3y " ]; then echo "ok 15 - pg_report_scrape_secrets lists token, password, header values and bare credentials"
else echo "not ok 15 - pg_report_scrape_secrets lists token, password, header values and bare credentials"; echo "# got: $got"; fi
