#!/bin/sh
# promgate compat against real producers started here:
# - Debian's prometheus (client_golang 1.14) on its own /metrics: protobuf
#   when asked for it, text 0.0.4 for every other request (it offers no
#   OpenMetrics), every Content-Type accepted, the two formats equal: exit 0.
# - the client_golang program of tests/producers/go (4 native histograms):
#   protobuf, text and OpenMetrics 0.0.1 served; its protobuf and text
#   views are equal (the native histograms' classic buckets, _sum, _count
#   and lone +Inf bucket included). Its OpenMetrics body has the parse
#   errors client_golang 1.14 really writes (tests/63-real-producers.t:
#   the go_memstats_alloc_bytes counter/gauge clash, quantiles not NaN
#   before the first GC), so exactly the requests OpenMetrics 0.0.1
#   answers fail, each naming its first error: exit 1.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/servers.sh
P=bin/promgate
PROM=/usr/bin/prometheus
GO=bin/pg-producer-go
plan 12
pg_tmpdir
T=$PG_TMP
run() { "$P" compat "$@" >"$T/out" 2>"$T/err"; rc=$?; }
# point N: the TAP line of point N without its number
point() { sed -n "s/^\(not \)\{0,1\}ok $1 - /\1ok - /p" "$T/out"; }
failing() { sed -n 's/^not ok \([0-9]*\) - .*/\1/p' "$T/out" | tr '\n' ' '; }
PB="Content-Type 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', body protobuf, 0 parse errors"
TEXT="Content-Type 'text/plain; version=0.0.4; charset=utf-8', body prom, 0 parse errors"

mkdir "$T/tsdb"
printf 'global:\n  scrape_interval: 1h\n' >"$T/prometheus.yml"
if [ -x "$PROM" ] && start_server prometheus "$PROM --config.file=$T/prometheus.yml --storage.tsdb.path=$T/tsdb --web.listen-address=127.0.0.1:PORT"; then
    # prometheus_http_* series of handler="/metrics" appear once /metrics
    # was first served: one matrix first, so that every request sees them
    run "http://127.0.0.1:$PORT/metrics"
    run "http://127.0.0.1:$PORT/metrics"
    is "$rc" 0 "prometheus: exit 0"
    is "$(failing)" "" "prometheus: no failing point"
    is "$(point 1)" "ok - protocol PrometheusProto: status 200, $PB" \
        "prometheus: protobuf asked alone, served and parsed"
    is "$(point 12)" "ok - protocol PrometheusText1.0.0 escaping=dots: status 200, $TEXT, names escaped as asked" \
        "prometheus: text 1.0.0 with dots answered with text 0.0.4, legacy names"
    is "$(point 17)" "ok - scraper prometheus-3-native: status 200, $PB" \
        "prometheus: Prometheus 3's protobuf-first header gets protobuf"
    like "$(tail -2 "$T/out" | tr '\n' '|')" '^ok 21 - equivalence\|1\.\.21\|$' \
        "prometheus: protobuf and text agree"
else
    skip "prometheus not installed or did not start" 6
fi

if [ -x "$GO" ] && start_server go "$GO -listen 127.0.0.1:PORT"; then
    run "http://127.0.0.1:$PORT/metrics"
    is "$rc" 1 "client_golang program: exit 1"
    is "$(failing)" "3 14 16 19 20 " \
        "client_golang program: exactly the requests OpenMetrics 0.0.1 answers fail"
    like "$(grep -A2 '^not ok 3 - ' "$T/out" | grep -v '^# Accept' | tr '\n' '|')" \
        "^not ok 3 - protocol OpenMetricsText0.0.1: status 200, Content-Type 'application/openmetrics-text; version=0.0.1; charset=utf-8', body openmetrics, [45] parse errors\|# first parse error: line [0-9]+: (HELP line for 'go_memstats_alloc_bytes' after its samples|summary 'go_gc_duration_seconds' has _count 0, so its quantiles must be NaN)\|$" \
        "client_golang program: the OpenMetrics point names its first parse error"
    is "$(point 2)" "ok - protocol OpenMetricsText1.0.0: status 200, $TEXT" \
        "client_golang program: OpenMetrics 1.0.0 alone (unknown to 1.14) falls back to text"
    is "$(point 15)" "ok - scraper prometheus-2-native: status 200, $PB" \
        "client_golang program: Prometheus 2's native-histograms header gets protobuf"
    like "$(tail -2 "$T/out" | tr '\n' '|')" '^ok 21 - equivalence\|1\.\.21\|$' \
        "client_golang program: protobuf (4 native histograms) and text agree"
else
    skip "bin/pg-producer-go not built (make producers)" 6
fi
