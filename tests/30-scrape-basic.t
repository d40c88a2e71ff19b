#!/bin/sh
# Scraping real HTTP endpoints: bodies arrive whole and unchanged (plain,
# gzip, deflate, chunked, concurrently), content types are recorded, and
# the request carries the Accept, Accept-Encoding and custom headers.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/scrape.sh
sha() { sha256sum "$1" | cut -d' ' -f1; }

pg_tmpdir
W=$PG_TMP/www
mkdir -p "$W/sub"
# Three distinct bodies, one large enough to span many reads.
printf '# HELP a_total A.\n# TYPE a_total counter\na_total 1\n' >"$W/metrics"
printf '# TYPE b gauge\nb{x="1"} 2.5\n# EOF\n' >"$W/sub/b"
i=0
while [ $i -lt 3000 ]; do
    echo "c_bucket{le=\"$i\"} $i"
    i=$((i + 1))
done >"$W/c.om"
echo '<html>not metrics</html>' >"$W/page.html"
start_fixture_server "$W" --log "$PG_TMP/log" || exit 2
U=$FIXTURE_URL

out=$($C "$U/metrics"); rc=$?
is "$rc" 0 "plain scrape exits 0"
is "$(get "$out" status)" 200 "status 200"
is "$(get "$out" sha256)" "$(sha "$W/metrics")" "body equals the file"
is "$(get "$out" bytes)" "$(wc -c <"$W/metrics" | tr -d ' ')" "bytes counted"
is "$(get "$out" content-type)" "text/plain; version=0.0.4; charset=utf-8" \
    "text format content type recorded"

out=$($C "$U/metrics" "$U/sub/b" "$U/c.om"); rc=$?
is "$rc" 0 "three concurrent targets exit 0"
is "$(get "$out" sha256 1)" "$(sha "$W/metrics")" "target 1 body"
is "$(get "$out" sha256 2)" "$(sha "$W/sub/b")" "target 2 body"
is "$(get "$out" sha256 3)" "$(sha "$W/c.om")" "target 3 body"
is "$(get "$out" content-type 2)" \
    "application/openmetrics-text; version=1.0.0; charset=utf-8" \
    "a body ending in '# EOF' is served as OpenMetrics"
is "$(get "$out" content-type 3)" \
    "application/openmetrics-text; version=1.0.0; charset=utf-8" \
    ".om is served as OpenMetrics"

for enc in gzip deflate; do
    out=$($C --headers "$U/c.om?fault=$enc"); rc=$?
    is "$rc" 0 "$enc scrape exits 0"
    is "$(get "$out" sha256)" "$(sha "$W/c.om")" "$enc body equals plain body"
    like "$out" "^Content-Encoding: $enc" "$enc was really used"
done

out=$($C --body "$U/metrics?fault=chunked&chunk=8&gap=20"); rc=$?
is "$rc" 0 "chunked scrape exits 0"
is "$(get "$out" sha256)" "$(sha "$W/metrics")" "chunked body equals the file"
calls=$(get "$out" datacalls)
[ "$calls" -gt 1 ]; ok $? "chunked body reaches the sink in several data calls ($calls)"
is "$(get "$out" begins)" 1 "begin called once"

out=$($C "$U/metrics?ctype=text/html"); rc=$?
is "$rc" 0 "a wrong content type is not fatal at scrape level"
is "$(get "$out" content-type)" "text/html" "the wrong content type is recorded"

out=$($C "$U/metrics?fault=redirect"); rc=$?
is "$rc" 0 "one redirect is followed by default"
is "$(get "$out" sha256)" "$(sha "$W/metrics")" "body after the redirect"

out=$($C --headers "$U/metrics?fault=cookie"); rc=$?
is "$rc" 0 "cookie scrape exits 0"
like "$out" '^Set-Cookie: session=REDACTED' "Set-Cookie value redacted in headers"
unlike "$out" 'pg-cookie-secret' "cookie value never shown"

# What the server received.
: >"$PG_TMP/log"
$C --header 'X-Pg-Test: hello' --accept prom "$U/metrics?n=1" >/dev/null
$C --accept openmetrics "$U/metrics?n=2" >/dev/null
$C "$U/metrics?n=3" >/dev/null
$C --accept protobuf --escaping underscores "$U/metrics?n=5" >/dev/null
req() { awk -v q="$1" '$0 ~ "^GET " {on = index($0, q) > 0} on' "$PG_TMP/log"; }
like "$(req 'n=1')" '^X-Pg-Test: hello' "custom header arrives"
# the asked format first, the other text formats as fallbacks, q-values
# descending as Prometheus 3 weighs its scrape_protocols, then any type
like "$(req 'n=1')" '^Accept: text/plain;version=1\.0\.0;escaping=allow-utf-8;q=0\.6,text/plain;version=0\.0\.4;q=0\.5,\*/\*;q=0\.4$' \
    "--accept prom: the text protocols only (no OpenMetrics a server could pick)"
like "$(req 'n=2')" '^Accept: application/openmetrics-text;version=1\.0\.0;escaping=allow-utf-8;q=0\.6,application/openmetrics-text;version=0\.0\.1;q=0\.5,text/plain;version=1\.0\.0;escaping=allow-utf-8;q=0\.4,text/plain;version=0\.0\.4;q=0\.3,\*/\*;q=0\.2$' \
    "--accept openmetrics: OpenMetrics first, text as fallback"
like "$(req 'n=3')" '^Accept: application/openmetrics-text;version=1\.0\.0;escaping=allow-utf-8;q=0\.6,application/openmetrics-text;version=0\.0\.1;q=0\.5,text/plain;version=1\.0\.0;escaping=allow-utf-8;q=0\.4,text/plain;version=0\.0\.4;q=0\.3,\*/\*;q=0\.2$' \
    "auto: Prometheus 3's default Accept header"
like "$(req 'n=5')" '^Accept: application/vnd\.google\.protobuf;proto=io\.prometheus\.client\.MetricFamily;encoding=delimited;q=0\.6,application/openmetrics-text;version=1\.0\.0;escaping=underscores;q=0\.5,.*text/plain;version=0\.0\.4;q=0\.2,\*/\*;q=0\.1$' \
    "--accept protobuf --escaping underscores: protobuf first, the escaping asked of 1.0.0 texts"
like "$(req 'n=3')" '^Accept-Encoding: .*gzip' "gzip accepted"
like "$(req 'n=3')" '^User-Agent: promgate/' "user agent names promgate"

out=$($C --header 'Accept: text/plain' "$U/metrics?n=4"); rc=$?
is "$(req 'n=4' | grep -c '^Accept:')" 1 "a caller's Accept header replaces the default"

# libcurl squashes "/../", so send the raw request line with perl.
raw() {
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
            PeerPort => $ARGV[0]) or die "connect: $!";
        print $s "GET $ARGV[1] HTTP/1.1\r\nHost: x\r\n\r\n";
        my $l = <$s>; print $l;' "$FIXTURE_PORT" "$1"
}
like "$(raw /../../../../etc/passwd)" '^HTTP/1\.1 404' "fixture server refuses path traversal"
like "$(raw /sub/../metrics)" '^HTTP/1\.1 404' "fixture server refuses any '..' segment"
like "$(raw /sub/b)" '^HTTP/1\.1 200' "raw request for a file works"
done_testing
