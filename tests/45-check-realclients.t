#!/bin/sh
# Real client_golang output: Debian's prometheus-node-exporter and
# prometheus, started here on loopback, checked against
# golden/coder-latest.json with --only '^(go|process|promhttp)_' (the Go
# runtime, process and handler metrics Coder's docs list, which come from
# the same library).
#
# Outcome on Debian 12 (node_exporter 1.5.0, prometheus 2.42.0, Go 1.19/1.20
# client_golang): every one of the 36 documented go_*, process_* and
# promhttp_* metrics is present and conforms (type, labels, summary
# structure of go_gc_duration_seconds); none is absent in these Go
# versions. node_exporter also exposes promhttp_metric_handler_errors_total,
# which Coder's docs do not list: the only undocumented metric reported.
# Prometheus 2.42 exposes none beyond the documented ones. Both serve the
# text format 0.0.4 even when OpenMetrics is asked for.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/check.sh
. tests/lib/servers.sh
P=bin/promgate
G=golden/coder-latest.json
NE=/usr/bin/prometheus-node-exporter
PROM=/usr/bin/prometheus
if [ ! -x "$NE" ] || [ ! -x "$PROM" ]; then
    echo "1..0 # SKIP prometheus or prometheus-node-exporter not installed"
    exit 0
fi
plan 9
pg_tmpdir
T=$PG_TMP

documented=$(grep -Ec '"name": "(go|process|promhttp)_' "$G")
diag "golden documents $documented go_/process_/promhttp_ metrics"

# node_exporter with one cheap collector (its own go/process/promhttp
# metrics do not depend on collectors).
if start_server node-exporter "$NE --web.listen-address=127.0.0.1:PORT --collector.disable-defaults --collector.loadavg"; then
    $P check --golden "$G" --target "http://127.0.0.1:$PORT/metrics" \
        --only '^(go|process|promhttp)_' >"$T/ne.tap" 2>"$T/ne.err"
    rc=$?
    is "$rc" 1 "node_exporter: exit 1 (one undocumented metric)"
    is "$(grep -Ec '^ok [0-9]+ - (go|process|promhttp)_[a-z_]+$' "$T/ne.tap")" "$documented" \
        "node_exporter: all $documented documented runtime metrics conform"
    is "$(tap_failures "$T/ne.tap")" "promhttp_metric_handler_errors_total undocumented" \
        "node_exporter: the only failure is its undocumented promhttp_metric_handler_errors_total"
    grep -q '^ok [0-9]* - format$' "$T/ne.tap"
    ok $? "node_exporter: format conformance"
    $P check --golden "$G" --target "http://127.0.0.1:$PORT/metrics" \
        --only '^(go|process|promhttp)_' --exempt '^promhttp_metric_handler_errors_total$' \
        --accept openmetrics >"$T/ne2.tap" 2>&1
    is "$?" 0 "node_exporter: conformant with that metric exempt (OpenMetrics asked for)"
else
    skip "node_exporter did not start: $(tail -1 "$T/node-exporter.log")" 5
fi

mkdir "$T/tsdb"
printf 'global:\n  scrape_interval: 1h\n' >"$T/prometheus.yml"
if start_server prometheus "$PROM --config.file=$T/prometheus.yml --storage.tsdb.path=$T/tsdb --web.listen-address=127.0.0.1:PORT"; then
    for accept in prom openmetrics; do
        $P check --golden "$G" --target "http://127.0.0.1:$PORT/metrics" \
            --only '^(go|process|promhttp)_' --accept $accept \
            >"$T/prom.tap" 2>"$T/prom.err"
        rc=$?
        is "$rc" 0 "prometheus ($accept): conformant, exit 0"
        [ "$rc" = 0 ] || diag "$(grep -A12 '^not ok' "$T/prom.tap" | head -40)"
    done
    is "$(grep -Ec '^ok [0-9]+ - (go|process|promhttp)_[a-z_]+$' "$T/prom.tap")" "$documented" \
        "prometheus: all $documented documented runtime metrics conform"
    is "$(grep -c '^not ok' "$T/prom.tap")" 0 "prometheus: no undocumented runtime metric"
else
    skip "prometheus did not start: $(tail -1 "$T/prometheus.log")" 4
fi
