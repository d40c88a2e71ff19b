#!/bin/sh
# Native histograms from a real client_golang program (bin/pg-producer-go,
# built offline from Debian's client_golang 1.14, started here on
# loopback). It exposes pg_go_native_seconds and pg_go_native_delta as
# native histograms only, pg_go_both_seconds with native and classic
# buckets, and pg_go_request_duration_seconds with classic buckets only.
# The goldens in fixtures/check/client-golang-native/ document the four
# with bucket bounds, as Coder's docs do; they differ only in which
# metrics they mark native_histogram:
#   golden.json                 the three native ones: conformant over
#                               protobuf (native buckets present) and over
#                               the text format (the native-only view,
#                               a lone +Inf bucket, is no bucket mismatch)
#   golden-classic-marked.json  also the classic-only histogram: over
#                               protobuf exactly that metric fails (native)
#   golden-unmarked.json        none: over the text format the native-only
#                               views are bucket mismatches again
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/check.sh
. tests/lib/servers.sh
P=bin/promgate
GO_PROG=bin/pg-producer-go
D=fixtures/check/client-golang-native
ONLY='^pg_go_(native|both|request_duration)'
if [ ! -x "$GO_PROG" ]; then
    echo "1..0 # SKIP $GO_PROG not built (go or Debian's client_golang missing)"
    exit 0
fi
plan 8
pg_tmpdir
T=$PG_TMP

if ! start_server go "$GO_PROG -listen 127.0.0.1:PORT"; then
    echo "Bail out! $GO_PROG did not start: $(tail -1 "$T/go.log")"
    exit 1
fi
U=http://127.0.0.1:$PORT/metrics

# run NAME GOLDEN ACCEPT: check the program; TAP in $T/NAME.tap, exit in rc
run() {
    $P check --golden "$D/$2" --target "$U" --accept "$3" --only "$ONLY" \
        --no-report >"$T/$1.tap" 2>"$T/$1.err"
    rc=$?
}

for accept in protobuf prom; do
    run "native-$accept" golden.json "$accept"
    is "$rc" 0 "native histograms marked native, over $accept: exit 0"
    [ "$rc" = 0 ] || diag "$(grep -A14 '^not ok' "$T/native-$accept.tap" | head -40)"
    is "$(grep -Ec '^ok [0-9]+ - pg_go_[a-z_]+$' "$T/native-$accept.tap")" 4 \
        "over $accept: all four histograms conform"
done

run marked golden-classic-marked.json protobuf
is "$rc" 1 "a classic-only histogram marked native, over protobuf: exit 1"
is "$(tap_failures "$T/marked.tap")" "pg_go_request_duration_seconds native" \
    "the only finding names it, problem code native"
grep -q 'message: "documented as a native histogram, exposed without native buckets (no schema or spans) over protobuf; 1 of 1 series"' "$T/marked.tap"
ok $? "the finding says what is missing and in how many series"

run unmarked golden-unmarked.json prom
want=$(printf '%s\n' "pg_go_native_delta buckets" "pg_go_native_seconds buckets")
is "$(tap_failures "$T/unmarked.tap")" "$want" \
    "not marked native, over the text format: the native-only views are bucket mismatches"
