#!/bin/sh
# Credentials: a bearer token or basic auth reaches the server, and no
# secret (token, password, URL userinfo, secret query values) appears in
# anything printed: result, error, progress lines or saved headers.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/scrape.sh
plan 43

pg_tmpdir
W=$PG_TMP/www
mkdir -p "$W"
printf '# TYPE s gauge\ns 1\n' >"$W/metrics"
TOKEN=pg-tok-$$-x7Qz9
PASS=pg-pass-$$-k2Lw
printf '%s\n' "$TOKEN" >"$PG_TMP/token"
printf '%s\n' "$PASS" >"$PG_TMP/pass"
printf 'scraper:%s\n' "$PASS" >"$PG_TMP/basic"
start_fixture_server "$W" --token-file "$PG_TMP/token" \
    --basic-file "$PG_TMP/basic" --log "$PG_TMP/log" || exit 2
U=$FIXTURE_URL
all="$PG_TMP/all-output"
: >"$all"
run() { $C --progress --headers "$@" 2>&1 | tee -a "$all"; }

out=$(run --bearer-token-file "$PG_TMP/token" "$U/metrics?fault=auth")
is "$(get "$out" ok)" 1 "bearer token accepted"
out=$(run "$U/metrics?fault=auth")
like "$(get "$out" error)" ': HTTP 401 Unauthorized$' "no token: 401"
printf 'wrong\n' >"$PG_TMP/wrong"
out=$(run --bearer-token-file "$PG_TMP/wrong" "$U/metrics?fault=auth")
like "$(get "$out" error)" ': HTTP 401 Unauthorized$' "wrong token: 401"
out=$(run --basic-auth-user scraper --basic-auth-password-file "$PG_TMP/pass" "$U/metrics?fault=auth")
is "$(get "$out" ok)" 1 "basic auth accepted"
out=$(run --basic-auth-user scraper --basic-auth-password-file "$PG_TMP/wrong" "$U/metrics?fault=auth")
like "$(get "$out" error)" ': HTTP 401 Unauthorized$' "wrong password: 401"
out=$(run --bearer-token-file "$PG_TMP/token" --basic-auth-user scraper --basic-auth-password-file "$PG_TMP/pass" "$U/metrics")
like "$(get "$out" error)" 'both a bearer token and basic auth given' \
    "bearer and basic together is an error"

# Credentials in the URL: userinfo is basic auth; shown redacted.
url="http://scraper:$PASS@127.0.0.1:$FIXTURE_PORT/metrics?fault=auth&access_token=$TOKEN&x=1"
out=$(run "$url")
is "$(get "$out" ok)" 1 "URL userinfo used as basic auth"
is "$(get "$out" url)" \
    "http://REDACTED@127.0.0.1:$FIXTURE_PORT/metrics?fault=REDACTED&access_token=REDACTED&x=REDACTED" \
    "URL printed with userinfo and every query value redacted"
out=$(run "http://scraper:$PASS@127.0.0.1:$FIXTURE_PORT/missing?token=$TOKEN")
like "$(get "$out" error)" "^http://REDACTED@127\.0\.0\.1:$FIXTURE_PORT/missing\?token=REDACTED: HTTP 404" \
    "error names the redacted URL"
out=$(run --bearer-token-file "$PG_TMP/token" --retries 1 \
    "http://127.0.0.1:$FIXTURE_PORT/metrics?fault=503&secret=$PASS")
like "$out" 'attempt 1 of 2 failed: http://127\.0\.0\.1:[0-9]+/metrics\?fault=REDACTED&secret=REDACTED' \
    "progress lines show the redacted URL"

# A redirect to another host name (localhost, same server) must not
# carry the credentials along.
: >"$PG_TMP/log.keep"
cat "$PG_TMP/log" >>"$PG_TMP/log.keep"
: >"$PG_TMP/log"
out=$(run --bearer-token-file "$PG_TMP/token" \
    "$U/metrics?fault=redirect&to=http%3A%2F%2Flocalhost%3A$FIXTURE_PORT%2Fmetrics%3Fhop%3D2")
is "$(get "$out" ok)" 1 "redirect to another host name followed"
like "$(grep -A8 '^GET /metrics?fault=redirect' "$PG_TMP/log")" '^Authorization: Bearer' \
    "token sent to the original host"
unlike "$(grep -A8 '^GET /metrics?hop=2' "$PG_TMP/log")" '^Authorization' \
    "token not sent to the host a redirect points to"
cat "$PG_TMP/log" >>"$PG_TMP/log.keep"
mv "$PG_TMP/log.keep" "$PG_TMP/log"

grep -q "^Authorization: Bearer <redacted>" "$PG_TMP/log"
ok $? "the server received an Authorization: Bearer header"
grep -q "^Authorization: Basic <redacted>" "$PG_TMP/log"
ok $? "the server received an Authorization: Basic header"
! grep -q "$TOKEN" "$all"; ok $? "the token never appears in any output"
! grep -q "$PASS" "$all"; ok $? "the password never appears in any output"
! grep -q "Authorization" "$all"; ok $? "no Authorization header in saved response headers"
! grep -i '^authorization:' "$PG_TMP/log" | grep -q -e "$TOKEN" -e "$PASS" -e 'c2NyYXBlcj'
ok $? "the fixture server's log keeps no Authorization value"


# pg_url_redact and pg_url_is_http, case by case: input | is_url | redacted.
while IFS='|' read -r in isurl want; do
    is "$(bin/test-scrape-client --redact "$in")" "$isurl $want" "redact $in"
done <<'CASES'
http://h/metrics|1|http://h/metrics
https://u:p@h:9/m?a=1|1|https://REDACTED@h:9/m?a=REDACTED
http://tok@h/m|1|http://REDACTED@h/m
http://h/m?Token=abc&api_key=k&x=y&Password=pw#frag|1|http://h/m?Token=REDACTED&api_key=REDACTED&x=REDACTED&Password=REDACTED#frag
https://coder.com/docs/admin/integrations/prometheus#available-metrics|1|https://coder.com/docs/admin/integrations/prometheus#available-metrics
https://h/docs#section-2.1|1|https://h/docs#section-2.1
https://h/cb#3f9a2c4b7d1e|1|https://h/cb#REDACTED
https://h/cb#eyJhbGciOiJIUzI1NiJ9|1|https://h/cb#REDACTED
https://h/cb#access_token=abc&state=x|1|https://h/cb#access_token=REDACTED&state=REDACTED
https://h/cb#aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|1|https://h/cb#REDACTED
http://h/m?tenant=acme&empty=&bare#a=1|1|http://h/m?tenant=REDACTED&empty=&REDACTED#a=REDACTED
HTTP://h/m?q=1|1|HTTP://h/m?q=REDACTED
http://h/p@q?v=a@b|1|http://h/p@q?v=REDACTED
ftp://u:p@h/x|0|ftp://REDACTED@h/x
http://bb:9115/probe?module=http_2xx&target=a.example|1|http://bb:9115/probe?module=http_2xx&target=a.example
http://bb/probe?target=http://h:80/m&token=t|1|http://bb/probe?target=http://h:80/m&token=REDACTED
http://bb/probe?target=http://u:p@h/m|1|http://bb/probe?target=REDACTED
http://bb/probe?target=http%3A%2F%2Fu%3Ap%40h%2F|1|http://bb/probe?target=REDACTED
http://bb/probe?target=h/m?key=s|1|http://bb/probe?target=REDACTED
http://bb/probe?Target=a&targets=b#target=c|1|http://bb/probe?Target=REDACTED&targets=REDACTED#target=REDACTED
http://p/federate?match%5B%5D=up&match[]=%7Bjob%3D%22x%22%7D&format=prometheus|1|http://p/federate?match%5B%5D=up&match[]=REDACTED&format=prometheus
http://e/metrics?collect[]=cpu&name[]=node_cpu|1|http://e/metrics?collect[]=cpu&name[]=node_cpu
http://bb/probe?target=%zz|1|http://bb/probe?target=REDACTED
metrics.txt|0|metrics.txt
CASES
