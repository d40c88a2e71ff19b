#!/bin/sh
# check's reports say what each scrape negotiated: the Accept header sent
# (the one the server received), the Content-Type returned and the format
# the body really is, read from its bytes. The fixture server serves an
# OpenMetrics body as text/plain (the reports tell the two apart);
# Debian's node_exporter serves protobuf when asked for it. A file target
# negotiates nothing (null, a dash in the HTML).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/servers.sh
P=bin/promgate
G=fixtures/check/golden.json
plan 15
pg_tmpdir
T=$PG_TMP

# field FILE PERL-EXPR: prints the expression over the first target's
# negotiation object ($n) of a report.json.
field() {
    perl -MJSON::PP -e '
        local $/; my $d = decode_json(<STDIN>);
        my $n = $d->{targets}[0]{negotiation};
        my $v = eval $ARGV[0]; print defined $v ? $v : "null";' "$2" <"$1"
}

mkdir "$T/www"
cp fixtures/check/pass-openmetrics/input.prom "$T/www/metrics"
start_fixture_server "$T/www" --log "$T/fixture.log" || exit 1
URL="$FIXTURE_URL/metrics?ctype=text%2Fplain"
"$P" check --golden "$G" --target "$URL" --lenient-content-type \
    --report-dir "$T/om" --report-flat >"$T/out" 2>"$T/err"
rc=$?
ok "$([ "$rc" -le 1 ] && [ -s "$T/om/report.json" ]; echo $?)" \
    "check wrote the report (exit $rc)"
sent=$(grep -i '^Accept:' "$T/fixture.log" | head -1 | sed 's/^[Aa]ccept: *//; s/\r$//')
is "$(field "$T/om/report.json" '$n->{accept}')" "$sent" \
    "report.json: the Accept header the server received"
is "$(field "$T/om/report.json" '$n->{content_type}')" "text/plain" \
    "report.json: the Content-Type the server returned"
is "$(field "$T/om/report.json" '$n->{body_format}')" "openmetrics" \
    "report.json: the body is OpenMetrics, whatever its Content-Type says"
like "$(grep '^Negotiated:' "$T/om/report.md")" \
    '^Negotiated: Accept `application/openmetrics-text.*`, Content-Type `text/plain`, body openmetrics\.$' \
    "report.md: the negotiation line"
like "$(grep -o '<td data-label="Negotiated"[^>]*>' "$T/om/report.html")" \
    'class="negotiated" data-body-format="openmetrics"' \
    "report.html: the Negotiated cell names the body's format"
perl tests/report_schema.pl fixtures/report/schema.json "$T/om/report.json" >"$T/schema" 2>&1
ok $? "report.json with a negotiation is valid against the schema"
[ -s "$T/schema" ] && diag "$(cat "$T/schema")"

# an Accept header the user gives is shown as sent (it only negotiates);
# any other extra header's value stays a secret
"$P" check --golden "$G" --target "$FIXTURE_URL/metrics" --lenient-content-type \
    --header 'Accept: text/plain;version=0.0.4' --header 'X-Api-Key: k3y-sekrit-42' \
    --report-dir "$T/hdr" --report-flat >"$T/out" 2>"$T/err"
is "$(field "$T/hdr/report.json" '$n->{accept}')" "text/plain;version=0.0.4" \
    "report.json: the user's Accept header, as sent"
grep -q 'text/plain;version=0.0.4' "$T/hdr/report.md"
ok $? "report.md: the user's Accept header, as sent"
grep -rq 'k3y-sekrit-42' "$T/hdr" "$T/out" "$T/err"
ok "$([ $? -ne 0 ]; echo $?)" "another header's value appears nowhere"

"$P" check --golden "$G" --target "$T/www/metrics" --format json >"$T/file.json" 2>"$T/err"
is "$(field "$T/file.json" '$n')" "null" "a file target: negotiation null"

NE=/usr/bin/prometheus-node-exporter
if [ -x "$NE" ] && start_server node-exporter "$NE --web.listen-address=127.0.0.1:PORT --collector.disable-defaults --collector.loadavg"; then
    "$P" check --golden "$G" --target "http://127.0.0.1:$PORT/metrics" \
        --accept protobuf --undocumented ignore \
        --report-dir "$T/pb" --report-flat >"$T/out" 2>"$T/err"
    like "$(field "$T/pb/report.json" '$n->{accept}')" \
        '^application/vnd\.google\.protobuf;proto=io\.prometheus\.client\.MetricFamily;encoding=delimited' \
        "node_exporter: protobuf asked for first"
    like "$(field "$T/pb/report.json" '$n->{content_type}')" \
        '^application/vnd\.google\.protobuf; proto=io\.prometheus\.client\.MetricFamily; encoding=delimited' \
        "node_exporter: protobuf served"
    is "$(field "$T/pb/report.json" '$n->{body_format}')" "protobuf" \
        "node_exporter: the body is protobuf"
    like "$(grep -o 'property name="body_format" value="[^"]*"' "$T/pb/junit.xml")" \
        'value="protobuf"' "junit.xml: the body's format as a property"
else
    skip "prometheus-node-exporter not available" 4
fi
