#!/bin/sh
# profile.sh: where promgate lint spends its time (`make bench-profile`).
#
# On the cached 100000-workspace text file (generated if missing), records
# a perf profile (software cpu-clock event, so it works in VMs without
# hardware counters) and prints the top symbols; then runs callgrind on
# the 1000-workspace file for exact instruction counts per function.
# Output goes to BENCH_OUT (default bench/out): perf.data, perf-top.txt,
# callgrind.out, callgrind-top.txt. Tools missing are skipped.
set -u
cd "$(dirname "$0")/.." || exit 2
OUT=${BENCH_OUT:-bench/out}
BIG=${BENCH_PROFILE_SIZE:-100000}
SMALL=${BENCH_PROFILE_SMALL:-1000}
mkdir -p "$OUT" || exit 2

for n in "$BIG" "$SMALL"; do
    f=$OUT/coder-$n.prom
    if [ ! -s "$f" ] || [ bin/pg-bench-gen -nt "$f" ]; then
        bin/pg-bench-gen --stats "$f.stats" -o "$f" "$n" || exit 2
    fi
done

if command -v perf >/dev/null 2>&1; then
    perf record -q -e cpu-clock -F 4999 -g -o "$OUT/perf.data" \
        bin/promgate lint "$OUT/coder-$BIG.prom" >/dev/null 2>&1
    perf report -i "$OUT/perf.data" --no-children --stdio --sort symbol \
        -g none 2>/dev/null | grep -v '^#' | grep '%' | head -25 \
        >"$OUT/perf-top.txt"
    echo "== perf, lint on coder-$BIG.prom (self time by symbol)"
    cat "$OUT/perf-top.txt"
else
    echo "profile: perf not installed; skipping" >&2
fi

if command -v valgrind >/dev/null 2>&1; then
    valgrind -q --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
        bin/promgate lint "$OUT/coder-$SMALL.prom" >/dev/null 2>&1
    callgrind_annotate "$OUT/callgrind.out" 2>/dev/null | head -40 \
        >"$OUT/callgrind-top.txt"
    echo "== callgrind, lint on coder-$SMALL.prom (instructions by function)"
    cat "$OUT/callgrind-top.txt"
else
    echo "profile: valgrind not installed; skipping" >&2
fi
