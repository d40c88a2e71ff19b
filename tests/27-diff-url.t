#!/bin/sh
# promgate diff with http:// sides: the exposition is scraped (libcurl,
# a real local HTTP server) and compared like a file.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/fixture.sh
P=$PG_ROOT/bin/promgate
F=$PG_ROOT/fixtures/golden/expo
echo "1..5"
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
