#!/bin/sh
# The checker's verdicts do not depend on how the body arrives: every
# check fixture (and the demo scrape) judged in chunks of 1 to 4096 bytes
# gives the TAP it gives when parsed at once (bin/test-check-chunks), and
# the same from a file, a pipe and a URL (below).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
T=bin/test-check-chunks
inputs="fixtures/check/planted/metrics:fixtures/check/planted/golden.json
fixtures/coder-demo/metrics:golden/coder-latest.json"
for d in fixtures/check/*; do
    [ -f "$d/input.prom" ] || continue
    g=$d/golden.json
    [ -f "$g" ] || g=fixtures/check/golden.json
    inputs="$inputs
$d/input.prom:$g"
done
plan "$(($(echo "$inputs" | wc -l) * 2 + 1))"
. tests/lib/fixture.sh
. tests/lib/sources.sh
pg_tmpdir
tmp=$PG_TMP/chunks
echo "$inputs" | while IFS=: read -r input golden; do
    $T "$golden" "$input" --enable license:premium >"$tmp" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && ! grep -q '^not ok' "$tmp"; then
        echo "ok - $input: verdicts independent of chunking"
    else
        echo "not ok - $input: verdicts independent of chunking"
        sed 's/^/# /' "$tmp" | head -40 >&2
    fi
done

# Same bytes, same verdict, whatever the source: each input read from its
# file, piped on stdin (--target -) and fetched from pg-fixture-server
# with a Content-Type that decides nothing gives the same TAP, the target
# names, the format test point (which judges the response's
# Content-Type) and the note saying what was served left out.
www=$PG_TMP/www
mkdir -p "$www"
start_fixture_server "$www" || exit 2
verdict() {
    sed -E -e '/^# note: asked for /d' \
           -e 's/^# target [^ ]*: /# target: /' -e 's/, [0-9.]+ s$//' \
           -e 's/^((not )?ok [0-9]+ - )[^ ]*: could not be checked/\1T: could not be checked/' \
           -e 's/^(  target: ).*/\1T/' |
        awk '/^(not )?ok [0-9]+ - format/ { skip = 1; next }
             skip && /^(not )?ok / { skip = 0 }
             !skip'
}
# (plus a text-format input whose foo_created is a family of its own)
i=0
printf '%s\n%s\n' "$inputs" \
    "fixtures/expo/rule-created-families-prom/input:fixtures/check/golden.json" |
while IFS=: read -r input golden; do
    i=$((i + 1))
    cp "$input" "$www/$i"
    P="bin/promgate check --no-report --golden $golden --enable license:premium"
    $P --target "$input" 2>&1 | verdict >"$PG_TMP/file"
    cat "$input" | $P --target - 2>&1 | verdict >"$PG_TMP/pipe"
    $P --target "$FIXTURE_URL/$i?ctype=application%2Foctet-stream" \
        --lenient-content-type 2>&1 |
        verdict >"$PG_TMP/url"
    sources_agree "$input"
done
