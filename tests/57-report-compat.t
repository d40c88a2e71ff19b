#!/bin/sh
# promgate compat --report-dir: the compatibility matrix as reports. Each
# report has one row per request, the same rows and verdicts as the TAP
# points, and the equivalence findings. Against Debian's node_exporter
# everything passes; the fixture server answering application/octet-stream
# (URL credentials, a bearer token) is refused on every row, with the
# reason the TAP gives, and no secret reaches a report; the compat cases'
# exporters (fixtures/compat) give the TAP's equivalence findings and
# escaping verdicts; the client_golang program's OpenMetrics 0.0.1 bodies
# their first parse errors; an endpoint nothing listens on gives exit 2
# and a report of unscraped rows. report.json is
# valid against fixtures/report/schema-compat.json, junit.xml against
# junit.xsd, and report.html renders in headless Chromium with as many
# rows, and failing rows, as report.json says.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/servers.sh
P=bin/promgate
plan 31
pg_tmpdir
T=$PG_TMP
OUT=$PG_ROOT/build/test-output/report-compat
mkdir -p "$OUT"
XMLLINT=$(command -v xmllint)

# report DIR PERL-EXPR: the expression over report.json ($d) of DIR.
report() {
    perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
        my $v = eval $ARGV[0]; die $@ if $@; print defined $v ? $v : "null";' \
        "$2" <"$1/report.json"
}

# tap_rows FILE: "label<TAB>pass|fail" of each request point of the TAP.
tap_rows() {
    sed -n -E 's/^(ok|not ok) [0-9]+ - (protocol|scraper) ([^:]*): status .*/\2 \3	\1/p' "$1" |
        sed -e 's/	ok$/	pass/' -e 's/	not ok$/	fail/'
}
json_rows() {
    report "$1" 'join "", map { "$_->{label}\t$_->{result}\n" } @{$d->{requests}}'
}

# rendered NAME DIR: report.html of DIR in Chromium; prints "rows fails
# shown" of the rendered requests table.
rendered() {
    cp "$2/report.html" "$OUT/$1.html"
    perl -I"$PG_ROOT/tests/lib" -MPgChromium -e '
        my ($page, $log) = @ARGV;
        if (my $why = PgChromium::missing()) { print "skip $why"; exit 0 }
        my ($rc, $dom) = PgChromium::run($log, "--dump-dom", "file://$page");
        open my $f, ">", "$page.dom.html" or die; print $f $dom; close $f;
        my ($tbody) = $dom =~ m{<table id="results"[^>]*>.*?<tbody>(.*?)</tbody>}s;
        my $rows = () = ($tbody // "") =~ /<tr /g;
        my $fails = () = ($tbody // "") =~ /<tr [^>]*data-verdict="fail"/g;
        my ($shown) = $dom =~ m{<span id="shown">([^<]*)</span>};
        print "$rows $fails ", $shown // "none";' \
        "$OUT/$1.html" "$OUT/chromium.log"
}

# valid DIR NAME: report.json against the schema, junit.xml against the xsd
valid() {
    perl tests/report_schema.pl fixtures/report/schema-compat.json "$1/report.json" >"$T/schema" 2>&1
    ok $? "$2: report.json valid against schema-compat.json"
    [ -s "$T/schema" ] && diag "$(cat "$T/schema")"
    if [ -n "$XMLLINT" ]; then
        "$XMLLINT" --noout --schema fixtures/report/junit.xsd "$1/junit.xml" >"$T/xml" 2>&1
        ok $? "$2: junit.xml valid (xmllint --schema)"
        [ "$(cat "$T/xml")" = "$1/junit.xml validates" ] || diag "$(cat "$T/xml")"
    else
        skip "xmllint not installed (package libxml2-utils)"
    fi
}

# --- node_exporter: every request accepted, the formats agree ---------
NE=/usr/bin/prometheus-node-exporter
if [ -x "$NE" ] && start_server node-exporter "$NE --web.listen-address=127.0.0.1:PORT --collector.disable-defaults --collector.loadavg --collector.meminfo"; then
    R=$T/ne
    "$P" compat "http://127.0.0.1:$PORT/metrics" --report-dir "$R" --report-flat >"$T/ne.tap" 2>"$T/ne.err"
    is "$?" 0 "node_exporter: exit 0"
    valid "$R" node_exporter
    tap_rows "$T/ne.tap" >"$T/tap.rows"
    json_rows "$R" >"$T/json.rows"
    ok "$([ -s "$T/tap.rows" ] && cmp -s "$T/tap.rows" "$T/json.rows"; echo $?)" \
        "node_exporter: report.json's rows are the TAP's requests, verdicts alike ($(wc -l <"$T/tap.rows") rows)"
    [ -s "$T/tap.rows" ] && ! cmp -s "$T/tap.rows" "$T/json.rows" && diag "$(diff "$T/tap.rows" "$T/json.rows")"
    is "$(report "$R" '"$d->{result} $d->{summary}{failing} $d->{summary}{findings} " . scalar @{$d->{findings}}')" \
        "pass 0 0 0" "node_exporter: report.json passes, no failing request, no finding"
    is "$(report "$R" 'join ",", sort { $a cmp $b } keys %{{ map { $_->{body_format} => 1 } @{$d->{requests}} }}')" \
        "prom,protobuf" "node_exporter: bodies in protobuf and text 0.0.4"
    n=$(report "$R" 'scalar @{$d->{requests}}')
    like "$(grep -c '^| ✔ PASS | ' "$R/report.md")" "^$n\$" "report.md: one passing row per request ($n)"
    got=$(rendered ne "$R")
    case $got in
    skip*) skip "${got#skip }" ;;
    *) is "$got" "$n 0 $n of $n shown" "report.html in Chromium: $n rows, none failing, the filter script ran" ;;
    esac
else
    skip "prometheus-node-exporter not available" 8
fi

# --- the fixture server, refused everywhere; secrets never shown ------
mkdir "$T/www"
cp fixtures/check/pass-text/input.prom "$T/www/metrics"
echo "pg-compat-token-0123" >"$T/token"
start_fixture_server "$T/www" || exit 1
U="http://admin:pg-compat-pass-4567@127.0.0.1:$FIXTURE_PORT/metrics?ctype=application%2Foctet-stream&key=pg-compat-key-89ab"
R=$T/oct
"$P" compat "$U" --bearer-token-file "$T/token" --report-dir "$R" --report-flat >"$T/oct.tap" 2>"$T/oct.err"
is "$?" 1 "octet-stream: exit 1"
valid "$R" octet-stream
tap_rows "$T/oct.tap" >"$T/tap.rows"
json_rows "$R" >"$T/json.rows"
ok "$([ -s "$T/tap.rows" ] && cmp -s "$T/tap.rows" "$T/json.rows"; echo $?)" \
    "octet-stream: report.json's rows are the TAP's requests, verdicts alike"
sed -n 's/^# refused by Prometheus 3: //p' "$T/oct.tap" >"$T/tap.why"
report "$R" 'join "", map { "$_->{refusal}\n" } @{$d->{requests}}' >"$T/json.why"
n=$(report "$R" 'scalar @{$d->{requests}}')
ok "$([ "$(wc -l <"$T/tap.why")" -eq "$n" ] && cmp -s "$T/tap.why" "$T/json.why"; echo $?)" \
    "octet-stream: every row refused, for the reason the TAP gives"
is "$(report "$R" '"$d->{result} $d->{summary}{refused} $d->{summary}{failing}"')" \
    "fail $n $n" "octet-stream: summary counts $n refused of $n"
like "$(grep -c '^| ✖ FAIL | .* | refused: ' "$R/report.md")" "^$n\$" "report.md: $n rows refused, with the reason"
leaks=$(grep -rlE 'pg-compat-(token-0123|pass-4567|key-89ab)' "$R" "$T/oct.tap" "$T/oct.err")
is "$leaks" "" "octet-stream: no token, password or query key in any report, TAP or stderr"
like "$(report "$R" '$d->{target}')" '^http://REDACTED@127\.0\.0\.1:[0-9]+/metrics\?' \
    "report.json names the URL through the redaction module"
got=$(rendered octet "$R")
case $got in
skip*) skip "${got#skip }" ;;
*) is "$got" "$n $n $n of $n shown" "report.html in Chromium: $n rows, all failing" ;;
esac

# --- an exporter whose formats disagree and whose escaping is wrong ---
# (the compat cases' fixtures: fixtures/compat/*, served by Accept header)
start_fixture_server fixtures/compat/formats-disagree || exit 1
R=$T/disagree
"$P" compat "$FIXTURE_URL/metrics?by-accept=1" --report-dir "$R" --report-flat >"$T/dis.tap" 2>"$T/dis.err"
is "$?" 1 "formats disagree: exit 1"
sed -n 's/^not ok [0-9]* - equivalence: //p' "$T/dis.tap" >"$T/tap.find"
report "$R" 'join "", map { "$_->{message}\n" } @{$d->{findings}}' >"$T/json.find"
ok "$([ -s "$T/tap.find" ] && cmp -s "$T/tap.find" "$T/json.find"; echo $?)" \
    "formats disagree: report.json's findings are the TAP's, in order ($(wc -l <"$T/tap.find"))"
nf=$(wc -l <"$T/tap.find")
like "$(grep -c '^- ✖ FAIL ' "$R/report.md")" "^$nf\$" "report.md: one line per finding"
got=$(perl -I"$PG_ROOT/tests/lib" -MPgChromium -e '
    if (my $why = PgChromium::missing()) { print "skip $why"; exit 0 }
    my (undef, $dom) = PgChromium::run($ARGV[1], "--dump-dom", "file://$ARGV[0]");
    my $n = () = $dom =~ /<li class="failure">/g; print $n;' \
    "$R/report.html" "$OUT/chromium.log")
case $got in
skip*) skip "${got#skip }" ;;
*) is "$got" "$nf" "report.html in Chromium: $nf findings listed" ;;
esac

start_fixture_server fixtures/compat/escaping-wrong || exit 1
R=$T/esc
"$P" compat "$FIXTURE_URL/metrics?by-accept=1" --report-dir "$R" --report-flat >"$T/esc.tap" 2>"$T/esc.err"
is "$?" 1 "escaping wrong: exit 1"
sed -n 's/^# escaping: //p' "$T/esc.tap" >"$T/tap.esc"
report "$R" 'join "", map { "$_->{escaping}{why}\n" } grep { $_->{escaping} && defined $_->{escaping}{as_asked} && !$_->{escaping}{as_asked} } @{$d->{requests}}' >"$T/json.esc"
ok "$([ -s "$T/tap.esc" ] && cmp -s "$T/tap.esc" "$T/json.esc"; echo $?)" \
    "escaping wrong: the rows not escaped as asked, for the TAP's reasons ($(wc -l <"$T/tap.esc"))"
is "$(report "$R" 'join ",", map { ($_->{label} =~ /escaping=(\S+)/)[0] eq $_->{escaping}{asked} ? () : $_->{label} } grep { $_->{label} =~ /escaping=/ } @{$d->{requests}}')" \
    "" "escaping wrong: each escaping request names the scheme it asked"
valid "$R" escaping-wrong

# --- the client_golang program: OpenMetrics 0.0.1 bodies fail to parse --
GO=bin/pg-producer-go
if [ -x "$GO" ] && start_server go "$GO -listen 127.0.0.1:PORT"; then
    R=$T/go
    "$P" compat "http://127.0.0.1:$PORT/metrics" --report-dir "$R" --report-flat >"$T/go.tap" 2>"$T/go.err"
    sed -n 's/^# first parse error: //p' "$T/go.tap" >"$T/tap.first"
    report "$R" 'join "", map { defined $_->{first_parse_error} ? "$_->{first_parse_error}\n" : () } @{$d->{requests}}' >"$T/json.first"
    ok "$([ -s "$T/tap.first" ] && cmp -s "$T/tap.first" "$T/json.first"; echo $?)" \
        "client_golang program: each failing body's first parse error, as the TAP names it ($(wc -l <"$T/tap.first"))"
else
    skip "bin/pg-producer-go not built (make producers)"
fi

# --- nothing listens: exit 2, and a report that says so ---------------
closed=$(free_port)
R=$T/dead
PROMGATE_REPORT_DIR=$R "$P" compat "http://127.0.0.1:$closed/metrics" --timeout 2 >"$T/dead.tap" 2>"$T/dead.err"
is "$?" 2 "nothing listening: exit 2"
like "$(report "$R/latest" '$d->{summary}{unscraped} == @{$d->{requests}} ? "all unscraped: $d->{requests}[0]{error}" : "no"')" \
    "^all unscraped: .*127\\.0\\.0\\.1:$closed" \
    "PROMGATE_REPORT_DIR: the report has every request unscraped, the URL named"
PROMGATE_REPORT_DIR=$T/none "$P" compat "http://127.0.0.1:$closed/metrics" --timeout 2 --no-report >/dev/null 2>&1
ok "$([ ! -e "$T/none" ]; echo $?)" "--no-report wins over PROMGATE_REPORT_DIR"
