#!/bin/sh
# One way to name an input in every command: FILE, - (stdin) or an
# http(s) URL in any letter case; a scheme-less host:port is refused with
# a hint; and the same scrape options (bearer token from the environment,
# basic auth from a file, headers) in lint, diff, golden and check.
# A real server: bin/pg-fixture-server on 127.0.0.1, real libcurl.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
G=fixtures/check/golden.json
IN=fixtures/check/pass-text/input.prom
pg_tmpdir
T=$PG_TMP
mkdir "$T/www" && cp "$IN" "$T/www/metrics"
TOKEN=cli-t0ken-$$-Qx
printf '%s\n' "$TOKEN" >"$T/token"
printf 'cliuser:cli-pa55-%s\n' "$$" >"$T/basic"
start_fixture_server "$T/www" --token-file "$T/token" --basic-file "$T/basic" \
    --log "$T/log" || exit 2
HOSTPORT=${FIXTURE_URL#http://}
U=$FIXTURE_URL/metrics
A="$U?fault=auth"
plan 30

# run ARGS...: sets rc, out, err.
# Everything printed is also kept in $T/all, to look for secrets at the end.
run() {
    "$@" >"$T/out" 2>"$T/err"; rc=$?
    out=$(cat "$T/out"); err=$(cat "$T/err")
    cat "$T/out" "$T/err" >>"$T/all"
}

# The scheme's letter case does not turn a URL into a file name.
run $P lint "HTTP://$HOSTPORT/metrics"
like "$rc $out" "^0 .*HTTP://$HOSTPORT/metrics: 0 errors" "lint HTTP://...: fetched"
run $P lint "$HOSTPORT/metrics"
is "$rc $err" "2 promgate lint: $HOSTPORT/metrics: no such file, and not a URL without a scheme: write http://$HOSTPORT/metrics (or https://)" \
    "lint host:port/metrics: exit 2, suggests http://"
run $P lint "user:s3cret@$HOSTPORT/metrics"
like "$rc $err" "^2 promgate lint: REDACTED@$HOSTPORT/metrics: no such file" "host:port with credentials: refused, credentials not shown"
run $P lint "ftp://$HOSTPORT/metrics"
is "$rc $err" "2 promgate lint: ftp://$HOSTPORT/metrics: unsupported URL scheme 'ftp': want http:// or https://" \
    "lint ftp://: unsupported scheme named"
run $P diff "$IN" "$HOSTPORT/metrics"
like "$rc $err" "^2 promgate diff: .*$HOSTPORT/metrics: no such file, and not a URL" "diff host:port: the same refusal"
run $P golden --from-exposition "$HOSTPORT/metrics"
like "$rc $err" "^2 promgate golden: .*$HOSTPORT/metrics: no such file, and not a URL" "golden host:port: the same refusal"
mkdir -p "$T/127.0.0.1:1" && cp "$IN" "$T/127.0.0.1:1/metrics"
(cd "$T" && "$PG_ROOT/$P" lint 127.0.0.1:1/metrics) >"$T/out" 2>&1
like "$? $(cat "$T/out")" "^0 127.0.0.1:1/metrics: 0 errors" "an existing file named like host:port is a file"

# stdin: '-' everywhere, and lint reads it when no input is named.
run sh -c "$P lint <'$IN'"
like "$rc $out" "^0 -: 0 errors" "lint with piped stdin and no input: reads stdin"
$P golden --from-exposition - <"$IN" >"$T/g-stdin.json" &&
    $P golden --from-exposition "$IN" >"$T/g-file.json" &&
    $P diff "$T/g-file.json" "$T/g-stdin.json" >/dev/null
ok $? "golden --from-exposition -: the golden of the file"

# golden --from-exposition takes URLs, with the scrape options.
run $P golden --from-exposition "$A"
like "$rc $err" "^2 promgate golden: .*401" "golden URL without credentials: exit 2, 401 named"
PROMGATE_BEARER_TOKEN=$TOKEN run $P golden --from-exposition "$A" -o "$T/g-url.json"
is "$rc" 0 "golden URL with PROMGATE_BEARER_TOKEN: written"
$P diff "$T/g-file.json" "$T/g-url.json" >/dev/null
ok $? "golden from the URL equals golden from the file"
run $P golden --from-exposition "$U" "$IN" --header 'X-Golden: 1' --timeout=5 -o "$T/g2.json"
is "$rc" 0 "golden: a URL and a file, --header and --timeout"
grep -qx 'X-Golden: 1' "$T/log"
ok $? "golden --header reaches the server"
printf '# TYPE foo counter\n# HELP foo x\nfoo_total 1\n# EOF\n' >"$T/www/om"
run $P golden --from-exposition "$FIXTURE_URL/om?ctype=application%2Fopenmetrics-text"
like "$rc $(grep '"name"' "$T/out" | tr -d ' ')" '^0 "name":"foo_total",$' "golden URL: OpenMetrics by Content-Type"
run $P golden --input-format prom --from-exposition "$FIXTURE_URL/om?ctype=application%2Fopenmetrics-text"
like "$rc $(grep '"name"' "$T/out" | tr -d ' ')" '^0 "name":"foo",$' "golden --input-format prom wins over the Content-Type"
cp "$T/out" "$T/g-om-prom.json"
run $P diff --input-format prom "$T/g-om-prom.json" "$T/www/om"
is "$rc" 0 "diff --input-format prom: the exposition side read as the text format"
run $P diff "$T/g-om-prom.json" "$T/www/om"
is "$rc" 1 "diff without it: the side is OpenMetrics (its '# EOF'), so it differs"
run sh -c "$P diff --input-format=prom '$T/g-om-prom.json' - <'$T/www/om'"
is "$rc" 0 "diff: '-' reads a side from stdin"

# The same credentials options in every command; secrets never shown.
PROMGATE_BEARER_TOKEN=$TOKEN run $P lint "$A"
like "$rc $out" "^0 .*: 0 errors" "lint: PROMGATE_BEARER_TOKEN"
PROMGATE_BEARER_TOKEN=$TOKEN run $P diff "$IN" "$A"
is "$rc" 0 "diff: PROMGATE_BEARER_TOKEN"
run $P lint --bearer-token-file "$T/token" "$A"
is "$rc" 0 "lint: --bearer-token-file"
run $P lint --basic-auth-file "$T/basic" "$A"
is "$rc" 0 "lint: --basic-auth-file"
run $P diff --basic-auth-file="$T/basic" "$IN" "$A"
is "$rc" 0 "diff: --basic-auth-file"
run $P golden --basic-auth-file "$T/basic" --from-exposition "$A"
is "$rc" 0 "golden: --basic-auth-file"
run $P check --no-report --golden "$G" --target "$A" --basic-auth-file "$T/basic"
is "$rc" 0 "check: --basic-auth-file"
PROMGATE_BEARER_TOKEN=$TOKEN run $P lint --basic-auth-file "$T/basic" "$A"
is "$rc" 0 "credentials given as options win over PROMGATE_BEARER_TOKEN"
run $P lint --basic-auth-user u --basic-auth-file "$T/basic" "$A"
like "$rc $err" "^2 .*--basic-auth-file and --basic-auth-user exclude each other" "two kinds of basic auth: usage error"
printf 'no-colon\n' >"$T/nocolon"
run $P diff --basic-auth-file "$T/nocolon" "$IN" "$A"
like "$rc $err" "^2 promgate diff: invalid --basic-auth-file '$T/nocolon': want 'user:password' on its first line" \
    "basic auth file without a colon: exit 2, the secret not shown"
grep -qe "$TOKEN" -e "cli-pa55" "$T/all"
is "$?" 1 "no token or password in any output"
