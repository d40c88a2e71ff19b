#!/bin/sh
# The scrape flags shared by every command (pg_scrape_options, read by
# the one option parser): each bad value is refused with one clear line
# and exit 2, good ones take effect ("--flag VALUE" and "--flag=VALUE" alike).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/scrape.sh

pg_tmpdir
W=$PG_TMP/www
mkdir -p "$W"
printf 'x 1\n' >"$W/metrics"
: >"$PG_TMP/empty"
TOKEN=pg-env-tok-$$-Zq
printf '%s\n' "$TOKEN" >"$PG_TMP/token"
start_fixture_server "$W" --token-file "$PG_TMP/token" --log "$PG_TMP/log" || exit 2
U=$FIXTURE_URL

# flags | expected message on stderr (fixed string)
cat >"$PG_TMP/bad" <<CASES
--timeout 0|invalid --timeout '0': want seconds > 0
--timeout=abc|invalid --timeout 'abc': want seconds > 0
--timeout nan|invalid --timeout 'nan': want seconds > 0
--timeout inf|invalid --timeout 'inf': want seconds > 0
--timeout 5x|invalid --timeout '5x': want seconds > 0
--backoff 0x10|invalid --backoff '0x10': want seconds
--retries +1|invalid --retries '+1': want a number from 0 to 100
--timeout|option '--timeout' needs a value
--retries -1|invalid --retries '-1': want a number from 0 to 100
--retries 1000|invalid --retries '1000': want a number from 0 to 100
--max-redirects x|invalid --max-redirects 'x': want a number from 0 to 100
--max-bytes 0|invalid --max-bytes '0': want bytes, e.g. 64m
--max-bytes 12q|invalid --max-bytes '12q': want bytes, e.g. 64m
--backoff -1|invalid --backoff '-1': want seconds
--header NoColon|invalid --header: want 'Name: value'
--accept xml|invalid --accept 'xml': want prom, openmetrics, protobuf or auto
--escaping utf8|invalid --escaping 'utf8': want allow-utf-8, underscores, dots or values
--bearer-token-file $PG_TMP/none|cannot read --bearer-token-file '$PG_TMP/none': cannot open: No such file or directory
--bearer-token-file $PG_TMP/empty|empty --bearer-token-file '$PG_TMP/empty'
--bearer-token-env PG_NO_SUCH_VAR_$$|environment variable 'PG_NO_SUCH_VAR_$$' (--bearer-token-env) is not set
--basic-auth-password-file $PG_TMP/none|cannot read --basic-auth-password-file '$PG_TMP/none': cannot open: No such file or directory
CASES
flags=$(bin/test-scrape-client --flags-help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
plan $(( $(wc -l <"$PG_TMP/bad") * 2 + 9 + $(echo "$flags" | wc -l) ))
# Every flag the help text names is one the parser knows.
for f in $flags; do
    err=$($C --timeout 1 "$f" x "$U/nothing" 2>&1 >/dev/null)
    unlike "$err" 'unknown option' "help names $f and the parser accepts it"
done
while IFS='|' read -r flags want; do
    # shellcheck disable=SC2086
    err=$($C "$U/metrics" $flags 2>&1 >/dev/null); rc=$?
    is "$rc" 2 "$flags: exit 2"
    is "$err" "test-scrape-client: $want (see 'test-scrape-client --help')" "$flags: message"
done <"$PG_TMP/bad"

out=$(PG_TEST_TOKEN=$TOKEN $C --progress --bearer-token-env PG_TEST_TOKEN "$U/metrics?fault=auth" 2>&1)
is "$(get "$out" ok)" 1 "--bearer-token-env sends the token"
unlike "$out" "$TOKEN" "token from the environment never shown"
out=$($C --max-bytes=1k "$U/metrics?fault=endless")
like "$(get "$out" error)" 'body exceeds the limit of 1024 bytes' "--max-bytes=1k is 1024 bytes"
out=$($C --max-bytes 2M "$U/metrics?fault=endless")
like "$(get "$out" error)" 'body exceeds the limit of 2097152 bytes' "--max-bytes 2M is 2 MiB"
out=$($C --header='X-A: 1' --header 'X-B: 2' "$U/metrics?h=1")
is "$(get "$out" ok)" 1 "two --header flags"
grep -qx 'X-A: 1' "$PG_TMP/log"; ok $? "--header=VALUE form arrives"
grep -qx 'X-B: 2' "$PG_TMP/log"; ok $? "--header VALUE form arrives"
out=$($C --max-redirects=0 "$U/metrics?fault=redirect")
like "$(get "$out" error)" 'HTTP 302 Found' "--max-redirects=0 follows none"
out=$($C "$U/metrics?fault=redirect")
is "$(get "$out" ok)" 1 "redirects followed by default"
