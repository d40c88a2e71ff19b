#!/bin/sh
# promgate diff with http:// sides: the exposition is scraped (libcurl,
# a real local HTTP server) and compared like a file, with the scrape
# options lint and check take (auth, headers, timeouts; lib/source/scrape.h).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/fixture.sh
P=$PG_ROOT/bin/promgate
F=$PG_ROOT/fixtures/golden/expo
echo "1..11"
pg_tmpdir
mkdir -p "$PG_TMP/www"
cp "$F/hand.prom" "$F/scanned.prom" "$F/input.om" "$PG_TMP/www/"
start_fixture_server "$PG_TMP/www" || { echo "Bail out! fixture server"; exit 1; }
U=$FIXTURE_URL

"$P" diff "$U/hand.prom" "$F/hand.prom" >"$PG_TMP/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^no differences$' "$PG_TMP/out"; then echo "ok 1 - URL equals the same file"; else sed 's/^/# /' "$PG_TMP/out"; echo "not ok 1 - URL equals the same file (exit $rc)"; fi

"$P" diff --format json "$U/hand.prom" "$U/scanned.prom" >"$PG_TMP/out" 2>"$PG_TMP/err"
rc=$?
"$P" diff --format json "$F/hand.prom" "$F/scanned.prom" | sed "s|\"$F/|\"$U/|" >"$PG_TMP/want"
if [ $rc = 1 ] && diff -u "$PG_TMP/want" "$PG_TMP/out" >"$PG_TMP/d"; then echo "ok 2 - two URLs diff like the two files"; else sed 's/^/# /' "$PG_TMP/d" "$PG_TMP/err"; echo "not ok 2 - two URLs diff like the two files (exit $rc)"; fi

"$P" diff "$U/input.om" "$F/openmetrics.json" >"$PG_TMP/out" 2>&1
rc=$?
if [ $rc = 0 ]; then echo "ok 3 - OpenMetrics over HTTP (content type) equals its golden"; else sed 's/^/# /' "$PG_TMP/out"; echo "not ok 3 - OpenMetrics over HTTP equals its golden (exit $rc)"; fi

"$P" diff "$U/hand.prom?fault=500" "$F/hand.prom" >"$PG_TMP/out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "127.0.0.1" "$PG_TMP/out"; then echo "ok 4 - HTTP 500 is unreadable input (exit 2, URL named)"; else sed 's/^/# /' "$PG_TMP/out"; echo "not ok 4 - HTTP 500 is unreadable input (exit $rc)"; fi

"$P" diff "http://user:hunter2@127.0.0.1:$FIXTURE_PORT/missing.prom" "$F/hand.prom" >"$PG_TMP/out" 2>&1
rc=$?
if [ $rc = 2 ] && ! grep -q hunter2 "$PG_TMP/out"; then echo "ok 5 - credentials in a failing URL are not printed"; else sed 's/^/# /' "$PG_TMP/out"; echo "not ok 5 - credentials in a failing URL are not printed (exit $rc)"; fi

# Scrape options: a second server that wants credentials (?fault=auth).
TOKEN=pg-diff-tok-$$-q8Vn
PASS=pg-diff-pass-$$-m3Rt
printf '%s\n' "$TOKEN" >"$PG_TMP/token"
printf '%s\n' "$PASS" >"$PG_TMP/pass"
printf 'scraper:%s\n' "$PASS" >"$PG_TMP/basic"
start_fixture_server "$PG_TMP/www" --token-file "$PG_TMP/token" \
    --basic-file "$PG_TMP/basic" --log "$PG_TMP/log" || { echo "Bail out! fixture server"; exit 1; }
A=$FIXTURE_URL
: >"$PG_TMP/all"
t() { # t N DESCRIPTION WANT-RC GREP-RE ARGS...: exit code and output
    tn=$1 td=$2 want=$3 re=$4; shift 4
    "$P" diff "$@" >"$PG_TMP/out" 2>&1
    trc=$?
    cat "$PG_TMP/out" >>"$PG_TMP/all"
    if [ $trc = "$want" ] && grep -q -- "$re" "$PG_TMP/out"; then echo "ok $tn - $td"; else sed 's/^/# /' "$PG_TMP/out"; echo "not ok $tn - $td (exit $trc)"; fi
}
t 6 "no credentials: 401, exit 2" 2 '^promgate diff: .*401' "$A/hand.prom?fault=auth" "$F/hand.prom"
t 7 "--bearer-token-file reaches the server" 0 '^no differences$' \
    --bearer-token-file "$PG_TMP/token" "$A/hand.prom?fault=auth" "$F/hand.prom"
t 8 "--basic-auth-user/--basic-auth-password-file=FILE" 0 '^no differences$' \
    --basic-auth-user scraper --basic-auth-password-file="$PG_TMP/pass" \
    "$F/hand.prom" "$A/hand.prom?fault=auth"
t 9 "--header and --timeout are taken" 0 '^no differences$' \
    --header 'X-Pg-Diff: yes' --timeout 20 --retries 1 "$A/hand.prom" "$F/hand.prom"
t 10 "a bad scrape option value: exit 2 before any fetch" 2 \
    "^promgate diff: invalid --timeout 'abc'" --timeout abc "$A/hand.prom" "$F/hand.prom"
if grep -q 'X-Pg-Diff: yes' "$PG_TMP/log" && ! grep -q -e "$TOKEN" -e "$PASS" "$PG_TMP/all"; then
    echo "ok 11 - header sent; token and password never printed"
else
    sed 's/^/# /' "$PG_TMP/all"; echo "not ok 11 - header sent; token and password never printed"
fi
