#!/bin/sh
# Content negotiation in check: a Content-Type Prometheus 3 refuses (none,
# application/octet-stream) or one that contradicts the body fails the
# format point (--lenient-content-type makes it a warning); the format
# asked for and the one served are a TAP note; --require-format fails a
# target that serves another format. Against the fixture server (any
# Content-Type), Debian's node_exporter (client_golang 1.14: no
# OpenMetrics, protobuf), the client_golang program (OpenMetrics on,
# native histograms) and Debian's prometheus, whose Accept headers must be
# the ones doc/compat.md lists for it.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/servers.sh
P=bin/promgate
G=fixtures/check/golden.json
plan 26
pg_tmpdir
T=$PG_TMP

run() { "$P" check --golden "$@" >"$T/out" 2>"$T/err"; rc=$?; }
fmt() { grep -E '^(not )?ok [0-9]+ - format' "$T/out"; }

mkdir "$T/www"
cp fixtures/check/pass-text/input.prom "$T/www/metrics"
/usr/bin/python3 tests/producers/pb_encode.py \
    fixtures/proto/valid-every-type/input.json "$T/www/pb"
start_fixture_server "$T/www" --log "$T/fixture.log" || exit 1
U=$FIXTURE_URL

run "$G" --target "$U/metrics?ctype=application%2Foctet-stream"
like "$rc $(fmt)" "^1 not ok [0-9]+ - format: Content-Type 'application/octet-stream' is not an exposition format: Prometheus 3 fails such a scrape$" \
    "application/octet-stream: the format point fails, exit 1"
run "$G" --target "$U/metrics?ctype=application%2Foctet-stream" --lenient-content-type
like "$rc $(fmt)" "^0 ok [0-9]+ - format: Content-Type 'application/octet-stream' is not" \
    "--lenient-content-type: a warning on an ok point, exit 0"
grep -q 'severity: warn' "$T/out"
ok $? "--lenient-content-type: the finding stays, as a warning"
run "$G" --target "$U/metrics?ctype="
like "$rc $(fmt)" '^1 not ok [0-9]+ - format: no Content-Type: Prometheus 3 fails such a scrape$' \
    "no Content-Type: fails"
run "$G" --target "$U/metrics?ctype=text%2Fplain%3B%20version%3D0.0.4"
like "$rc $(fmt)" '^0 ok [0-9]+ - format$' "text/plain; version=0.0.4: passes"
run "$G" --target "$U/metrics?ctype=text%2Fplain%3Bversion%3D2.0"
like "$rc $(grep -c "text format version '2.0' is unknown" "$T/out")" '^0 [1-9]' \
    "an unknown text version: accepted by Prometheus 3, a warning"
run "$G" --target "$U/metrics?ctype=text%2Fplain%3B%3Bbad"
like "$rc $(fmt)" '^1 not ok [0-9]+ - format: Content-Type has an invalid parameter: Prometheus 3 fails such a scrape' \
    "an unparsable Content-Type: fails"
run "$G" --target "$U/metrics?ctype=application%2Fvnd.google.protobuf"
grep -q 'message: "Content-Type announces protobuf, but the body is text"' "$T/out"
ok $? "protobuf announced, text served: contradiction named"
run "$G" --target "$U/pb?ctype=text%2Fplain"
grep -q 'message: "Content-Type announces prom, but the body is protobuf"' "$T/out"
ok $? "text announced, protobuf served: contradiction named"
run "$G" --target "$U/metrics"
like "$(grep '^# note:' "$T/out")" '^# note: asked for openmetrics first, served prom \(Content-Type: text/plain; version=0.0.4' \
    "the note says what was asked for and what was served"
run "$G" --target "$U/metrics" --require-format openmetrics
like "$rc $(fmt)" '^1 not ok [0-9]+ - format: format openmetrics required \(--require-format\), prom served$' \
    "--require-format openmetrics, text served: fails"
run "$G" --target fixtures/check/pass-text/input.prom --require-format prom
is "$rc" 0 "--require-format prom on a text file: passes"

# Quoted OpenMetrics names: valid when the Content-Type says
# escaping=allow-utf-8, also with --input-format (the format is forced,
# what was served still says how names are written); errors without it.
sed 's/^# TYPE app_cache_bytes gauge$/# TYPE "app_cache_bytes" gauge/
     s/^# HELP app_cache_bytes /# HELP "app_cache_bytes" /
     s/^app_cache_bytes 4096$/{"app_cache_bytes"} 4096/' \
    fixtures/check/pass-openmetrics/input.prom >"$T/www/quoted"
OMU=application%2Fopenmetrics-text%3B%20version%3D1.0.0%3B%20escaping%3Dallow-utf-8
run "$G" --target "$U/quoted?ctype=$OMU"
is "$rc $(grep -c '^not ok' "$T/out")" "0 0" "OpenMetrics with quoted names served with escaping=allow-utf-8: passes"
run "$G" --target "$U/quoted?ctype=$OMU" --input-format openmetrics
is "$rc $(grep -c '^not ok' "$T/out")" "0 0" "the same with --input-format openmetrics: passes"
run "$G" --target "$U/quoted?ctype=application%2Fopenmetrics-text%3B%20version%3D1.0.0"
like "$rc $(grep -c 'quoted metric name after TYPE: OpenMetrics 1.0 has none; a body served with escaping=allow-utf-8 may use them' "$T/out")" '^1 [1-9]' \
    "served without escaping=allow-utf-8: the quoted names fail, saying why"
# A file has no Content-Type: --escaping allow-utf-8 says what its names
# use, as for lint; without it the quoted names fail.
run "$G" --target "$T/www/quoted" --escaping allow-utf-8
is "$rc $(grep -c '^not ok' "$T/out")" "0 0" "a file with quoted names and --escaping allow-utf-8: passes"
run "$G" --target "$T/www/quoted"
like "$rc $(grep -c 'quoted metric name after TYPE' "$T/out")" '^1 [1-9]' \
    "the same file without --escaping: the quoted names fail"

NE=/usr/bin/prometheus-node-exporter
GC=golden/coder-latest.json
ONLY='^(go|process|promhttp)_'
EX='^promhttp_metric_handler_errors_total$'
if [ -x "$NE" ] && start_server node-exporter "$NE --web.listen-address=127.0.0.1:PORT --collector.disable-defaults --collector.loadavg"; then
    N="http://127.0.0.1:$PORT/metrics"
    run "$GC" --target "$N" --only "$ONLY" --exempt "$EX" --accept openmetrics
    like "$rc $(grep '^# note:' "$T/out")" '^0 # note: asked for openmetrics first, served prom \(Content-Type: text/plain; version=0.0.4' \
        "node_exporter: OpenMetrics asked, the text format served (fallback), said so"
    run "$GC" --target "$N" --only "$ONLY" --exempt "$EX" --accept openmetrics --require-format openmetrics
    like "$rc $(fmt)" '^1 not ok [0-9]+ - format: format openmetrics required \(--require-format\), prom served$' \
        "node_exporter: --require-format openmetrics fails"
    run "$GC" --target "$N" --only "$ONLY" --exempt "$EX" --accept protobuf --require-format protobuf
    like "$rc $(grep '^# note:' "$T/out")" '^0 # note: asked for protobuf first, served protobuf \(Content-Type: application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited' \
        "node_exporter: protobuf asked, served and required"
else
    skip "prometheus-node-exporter not available" 3
fi

GO=bin/pg-producer-go
if [ -x "$GO" ] && start_server go "$GO -listen 127.0.0.1:PORT"; then
    GU="http://127.0.0.1:$PORT/metrics"
    run "$G" --target "$GU" --accept openmetrics --require-format openmetrics --undocumented ignore
    like "$(grep '^# note:' "$T/out")" 'served openmetrics \(Content-Type: application/openmetrics-text; version=(0.0.1|1.0.0)' \
        "client_golang program: OpenMetrics asked and served"
    out=$($P lint --accept protobuf "$GU"); rc=$?
    like "$rc $out" '^0 .*: 0 errors, 0 warnings, [0-9]+ samples in [0-9]+ families \(protobuf\)$' \
        "client_golang program: protobuf with native histograms, no finding"
    curl -sf -H 'Accept: application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited' "$GU" >"$T/go.pb"
    curl -sf -H 'Accept: text/plain;version=0.0.4' "$GU" >"$T/go.txt"
    natives=$(bin/pg-expo-run --full --format protobuf "$T/go.pb" |
        sed -n 's/^F \(pg_go_[a-z_]*\) .* native=\([0-9]*\) .*/\1=\2/p' | tr '\n' ' ')
    is "$natives" "pg_go_both_seconds=1 pg_go_native_delta=2 pg_go_native_seconds=1 " \
        "client_golang program: its 4 native histograms seen as native"
    view() { bin/pg-expo-run --full --format "$2" "$1" | grep '^S pg_go_' |
        sed 's/ line [0-9]* off [0-9]*$//; s/ ex$//' | sort; }
    view "$T/go.pb" protobuf >"$T/go.pb.view"
    view "$T/go.txt" prom >"$T/go.txt.view"
    if cmp -s "$T/go.pb.view" "$T/go.txt.view" && [ -s "$T/go.txt.view" ]; then
        ok 0 "client_golang program: the same pg_go_ series and values in protobuf and text (exemplars aside: text 0.0.4 has none)"
    else ok 1 "client_golang program: the same pg_go_ series and values in protobuf and text (exemplars aside: text 0.0.4 has none)"
        diag "$(diff "$T/go.txt.view" "$T/go.pb.view" | head)"; fi
else
    skip "bin/pg-producer-go not built (make producers)" 4
fi

PROM=/usr/bin/prometheus
if [ -x "$PROM" ]; then
    # Debian's prometheus 2.42 scraping the fixture server, without and
    # with native histograms: the Accept headers it sends are the rows
    # prometheus-2 and prometheus-2-native of doc/compat.md.
    for row in prometheus-2 prometheus-2-native; do
        feature=; [ "$row" = prometheus-2-native ] && feature=--enable-feature=native-histograms
        : >"$T/fixture.log"
        mkdir -p "$T/tsdb-$row"
        printf 'global:\n  scrape_interval: 1s\nscrape_configs:\n- job_name: x\n  static_configs:\n  - targets: ["127.0.0.1:%s"]\n' \
            "$FIXTURE_PORT" >"$T/$row.yml"
        if start_server "prom-$row" "$PROM $feature --config.file=$T/$row.yml --storage.tsdb.path=$T/tsdb-$row --web.listen-address=127.0.0.1:PORT"; then
            i=0; while ! grep -qi '^Accept:' "$T/fixture.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
            sent=$(grep -i '^Accept:' "$T/fixture.log" | head -1 | sed 's/^[Aa]ccept: *//; s/\r$//')
            doc=$(sed -n "s/^| \`$row\` | \`\([^\`]*\)\` |.*/\1/p" doc/compat.md)
            is "$sent" "$doc" "Debian's prometheus ($row) sends the Accept header doc/compat.md lists"
            kill "$_pg_pid" 2>/dev/null; wait "$_pg_pid" 2>/dev/null
        else
            skip "prometheus did not start" 1
        fi
    done
else
    skip "prometheus not installed" 2
fi
