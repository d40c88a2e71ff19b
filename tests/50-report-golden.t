#!/bin/sh
# Golden output of the report renderers: every fixtures/report/<case>/
# run.json (a check run), old.json + new.json (a release diff) or
# compat.json (a compatibility matrix) rendered
# as JSON, Markdown, JUnit XML and HTML must equal the expected files byte
# for byte. `make bless` rewrites the expected files (tests/lib/bless.sh).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/bless.sh
R=bin/pg-report-render
cases=$(ls -d fixtures/report/*/ | sed 's:/$::')
n=0
total=0
for c in $cases; do
    [ -f "$c/run.json" ] || [ -f "$c/new.json" ] || [ -f "$c/compat.json" ] &&
        total=$((total + 4))
done
echo "1..$total"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for c in $cases; do
    if [ -f "$c/run.json" ]; then
        render() { $R "$1" "$c/run.json"; }
    elif [ -f "$c/new.json" ]; then
        render() { $R diff "$1" "$c/old.json" "$c/new.json"; }
    elif [ -f "$c/compat.json" ]; then
        render() { $R compat "$1" "$c/compat.json"; }
    else
        continue
    fi
    for f in json:expected.json md:expected.md junit:expected.junit.xml \
             html:expected.html; do
        fmt=${f%%:*} exp=$c/${f#*:}
        n=$((n + 1))
        if ! render "$fmt" > "$out/got" 2> "$out/err"; then
            echo "not ok $n - $c $fmt: renderer failed"
            sed 's/^/# /' "$out/err"
            continue
        fi
        pg_keep_got "$exp" "$out/got"
        if diff -u "$exp" "$out/got" > "$out/diff" 2>&1; then
            echo "ok $n - $c $fmt matches $(basename "$exp")"
        else
            echo "not ok $n - $c $fmt differs from $(basename "$exp")"
            sed 's/^/# /' "$out/diff" | head -40
        fi
    done
done
