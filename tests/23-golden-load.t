#!/bin/sh
# pg_golden_load(): fixtures/golden/load/<case>/input.json gives either
# expected.json (the deterministic dump) or expected.stderr (FILE:LINE:COL
# for JSON syntax, the metric named for schema errors; exit 2). Every
# committed golden round-trips byte for byte, and lookups by name work.
cd "$(dirname "$0")/.." || exit 1
L=$PWD/bin/pg-golden-load
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
cases=$(ls -d fixtures/golden/load/*/)
goldens=$(ls golden/*.json golden/coder/*.json)
echo "1..$(( $(echo "$cases" | wc -l) + $(echo "$goldens" | wc -l) + 3 ))"
n=0
for d in $cases; do
    n=$((n+1))
    (cd "$d" && "$L" input.json >"$T/out" 2>"$T/err")
    rc=$?
    ok=1
    if [ -f "$d/expected.json" ]; then
        [ $rc = 0 ] || { echo "# exit $rc: $(cat "$T/err")"; ok=0; }
        diff -u "$d/expected.json" "$T/out" >"$T/d" || { sed 's/^/# /' "$T/d"; ok=0; }
    else
        [ $rc = 2 ] || { echo "# exit $rc, expected 2"; ok=0; }
        diff -u "$d/expected.stderr" "$T/err" >"$T/d" || { sed 's/^/# /' "$T/d"; ok=0; }
    fi
    if [ $ok = 1 ]; then echo "ok $n - $(basename "$d")"; else echo "not ok $n - $(basename "$d")"; fi
done
for f in $goldens; do
    n=$((n+1))
    if "$L" "$f" | cmp -s - "$f"; then echo "ok $n - $f round-trips"; else echo "not ok $n - $f round-trips"; fi
done
t() { n=$((n+1)); got=$("$L" -f "$1" golden/coder-latest.json); if [ "$got" = "$2" ]; then echo "ok $n - find $1"; else echo "not ok $n - find $1: got '$got', want '$2'"; fi; }
t agent_boundary_log_proxy_batches_dropped_total counter
t promhttp_metric_handler_requests_total counter
t coderd_no_such_metric "(not found)"
