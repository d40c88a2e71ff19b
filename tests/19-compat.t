#!/bin/sh
# promgate compat: the compatibility matrix. Debian's node_exporter
# serves protobuf and text 0.0.4 with the same families and series, and
# Content-Types Prometheus 3 accepts: every point ok, exit 0. The fixture
# server answering with application/octet-stream is refused on every
# request: exit 1, the reason named. A URL nothing listens on is exit 2.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/servers.sh
P=bin/promgate
NE=/usr/bin/prometheus-node-exporter
if [ ! -x "$NE" ]; then
    echo "1..0 # SKIP prometheus-node-exporter not installed"
    exit 0
fi
plan 12
pg_tmpdir
T=$PG_TMP
run() { "$P" compat "$@" >"$T/out" 2>"$T/err"; rc=$?; }

start_server node-exporter "$NE --web.listen-address=127.0.0.1:PORT --collector.disable-defaults --collector.loadavg --collector.meminfo --collector.cpu" || exit 1
run "http://127.0.0.1:$PORT/metrics"
is "$rc" 0 "node_exporter: exit 0"
like "$(grep '^ok [0-9]* - protocol PrometheusProto' "$T/out")" \
    "^ok 1 - protocol PrometheusProto: status 200, Content-Type 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', body protobuf, 0 parse errors$" \
    "node_exporter: protobuf asked alone, served and parsed"
like "$(grep ' - protocol PrometheusText0.0.4' "$T/out")" \
    "^ok 5 - protocol PrometheusText0.0.4: status 200, Content-Type 'text/plain; version=0.0.4; charset=utf-8', body prom, 0 parse errors$" \
    "node_exporter: text 0.0.4 asked alone"
like "$(grep ' - scraper prometheus-3-native' "$T/out")" \
    "^ok [0-9]+ - scraper prometheus-3-native: status 200, Content-Type 'application/vnd.google.protobuf; .*body protobuf, 0 parse errors$" \
    "node_exporter: Prometheus 3's protobuf-first header gets protobuf"
is "$(grep -c '^not ok' "$T/out")" 0 "node_exporter: no failing point"
like "$(tail -2 "$T/out" | tr '\n' '|')" '^ok ([0-9]+) - equivalence\|1\.\.\1\|$' \
    "node_exporter: protobuf and text agree, plan last"

mkdir "$T/www"
cp fixtures/check/pass-text/input.prom "$T/www/metrics"
start_fixture_server "$T/www" --log "$T/fixture.log" || exit 1
run "$FIXTURE_URL/metrics?ctype=application%2Foctet-stream"
is "$rc" 1 "refused Content-Type: exit 1"
like "$(sed -n 1,3p "$T/out" | tr '\n' '|')" \
    "^not ok 1 - protocol PrometheusProto: status 200, Content-Type 'application/octet-stream', body prom, 0 parse errors\|# Accept: application/vnd.google.protobuf;[^|]*\|# refused by Prometheus 3: [^|]*octet-stream[^|]*\|$" \
    "refused Content-Type: the finding names the Content-Type and why"
is "$(grep -c '^not ok [0-9]* - \(protocol\|scraper\)' "$T/out")" \
    "$(grep -c '^\(not \)\{0,1\}ok [0-9]* - \(protocol\|scraper\)' "$T/out")" \
    "refused Content-Type: every request fails"
grep -q '^ok [0-9]* - equivalence$' "$T/out"
ok $? "refused Content-Type: the bodies still agree"

# a port just freed: nothing listens there
DEAD=$(free_port)
run "http://127.0.0.1:$DEAD/metrics"
is "$rc" 2 "unreachable: exit 2"
like "$(cat "$T/err")" "^promgate compat: http://127.0.0.1:$DEAD/metrics: Couldn't connect to server" \
    "unreachable: the message names the URL"
