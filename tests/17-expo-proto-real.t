#!/bin/sh
# Protobuf from real producers: Debian's prometheus-node-exporter and
# prometheus (client_golang) serve the delimited protobuf format when it
# is asked for. promgate must read it without a finding, see the same
# series as in their text format (every sample and family the parser
# reports, names, labels and values, equal once sorted), and give the
# same check verdicts whichever of the two was scraped. The in-place
# Metric reader and libprotobuf-c must decode every Metric alike.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/check.sh
. tests/lib/servers.sh
P=bin/promgate
G=golden/coder-latest.json
NE=/usr/bin/prometheus-node-exporter
PROM=/usr/bin/prometheus
if [ ! -x "$NE" ] || [ ! -x "$PROM" ] || ! command -v curl >/dev/null; then
    echo "1..0 # SKIP prometheus, prometheus-node-exporter or curl not installed"
    exit 0
fi
plan 13
pg_tmpdir
T=$PG_TMP
PB='application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'

# series FILE FORMAT: what the parser reports, positions removed, sorted
series() {
    bin/pg-expo-run --full --format "$2" "$1" |
        sed -n 's/ line [0-9]*\( off [0-9]*\)\{0,1\}$//p' | grep '^[SF] ' | sort
}

# same_view NAME URL: lint of protobuf, and equivalence with the text
same_view() {
    out=$($P lint --accept protobuf "$2"); rc=$?
    like "$rc $out" '^0 .*: 0 errors, 0 warnings, [0-9]+ samples in [0-9]+ families \(protobuf\)$' \
        "$1: protobuf served and conformant"
    # the scrapes seconds apart: drop what moves by itself (values)
    curl -sf -H "Accept: $PB" "$2" >"$T/$1.pb"
    curl -sf -H 'Accept: text/plain;version=0.0.4' "$2" >"$T/$1.txt"
    series "$T/$1.pb" protobuf | sed 's/} [^ ]*$/}/' >"$T/$1.pb.series"
    series "$T/$1.txt" prom | sed 's/} [^ ]*$/}/' >"$T/$1.txt.series"
    n=$(grep -c '^S ' "$T/$1.txt.series")
    [ "$n" -gt 50 ]
    ok $? "$1: text view has $n series"
    if cmp -s "$T/$1.pb.series" "$T/$1.txt.series"; then ok 0 "$1: same families and series in protobuf and text"
    else ok 1 "$1: same families and series in protobuf and text"
        diag "$(diff "$T/$1.txt.series" "$T/$1.pb.series" | head -20)"; fi
    out=$(bin/pg-pmetric-diff "$T/$1.pb")
    like "$out" ': ([0-9]+) metrics, [1-9][0-9]* read in place, 0 differ$' \
        "$1: the in-place reader and libprotobuf-c agree on every metric"
    for accept in prom protobuf; do
        $P check --no-report --golden "$G" --target "$2" \
            --only '^(go|process|promhttp)_' --accept $accept |
            grep -E '^(not )?ok ' >"$T/$1.$accept.verdicts"
    done
    if cmp -s "$T/$1.prom.verdicts" "$T/$1.protobuf.verdicts" &&
       [ -s "$T/$1.prom.verdicts" ]; then ok 0 "$1: same check verdicts from protobuf as from text"
    else ok 1 "$1: same check verdicts from protobuf as from text"
        diag "$(diff "$T/$1.prom.verdicts" "$T/$1.protobuf.verdicts" | head)"; fi
}

if start_server node-exporter "$NE --web.listen-address=127.0.0.1:PORT --collector.disable-defaults --collector.loadavg --collector.meminfo --collector.cpu"; then
    same_view node_exporter "http://127.0.0.1:$PORT/metrics"
    # the values too: node_exporter's go_info and constant series
    series "$T/node_exporter.pb" protobuf | grep -q '^S go_info (go_info gauge) {version=go[0-9.]*,} 1$'
    ok $? "node_exporter: a value read from protobuf (go_info 1)"
else
    skip "node_exporter did not start" 6
fi

mkdir "$T/tsdb"
printf 'global:\n  scrape_interval: 1h\n' >"$T/prometheus.yml"
if start_server prometheus "$PROM --config.file=$T/prometheus.yml --storage.tsdb.path=$T/tsdb --web.listen-address=127.0.0.1:PORT"; then
    same_view prometheus "http://127.0.0.1:$PORT/metrics"
    # a protobuf body cut short is an error naming the message, not a crash
    head -c 2000 "$T/prometheus.pb" >"$T/cut.pb"
    out=$($P lint --input-format protobuf "$T/cut.pb"); rc=$?
    like "$rc $out" '^1 .*cut.pb:message [0-9]+: error: message truncated: [0-9]+ of [0-9]+ bytes' \
        "prometheus: a truncated protobuf scrape is an error with its message index"
    out=$($P lint "$T/prometheus.pb" | tail -1); rc=$?
    like "$out" 'errors' "prometheus: protobuf read as text without --input-format protobuf is not silently clean"
else
    skip "prometheus did not start" 7
fi
