#!/bin/sh
# pathological.sh: the pathological section of `make bench` (doc/bench.md).
# For each input kind of bench/patho-gen.sh (many label sets, many
# families, many undocumented metrics, long label values with a pattern),
# inputs that double in size; CPU time (user + system, best of
# BENCH_RUNS) of `promgate lint` and `promgate check` on each, and of
# `promgate lint` on the same input as delimited protobuf (encoded by
# pg-bench-pb, cached beside it), and the
# ratio to the size before: about 2 where the work is linear, 4 where it
# is quadratic. Writes BENCH_OUT/pathological.tsv and .md and prints the
# latter.
#
# Environment:
#   PATHO_SIZES  sizes (default "20000 40000 80000 160000"; long label
#                values use a tenth: 1000 bytes each)
#   BENCH_RUNS   runs per measurement, best taken (default 3)
#   BENCH_OUT    output directory (default bench/out)
set -u
cd "$(dirname "$0")/.." || exit 2
SIZES=${PATHO_SIZES:-20000 40000 80000 160000}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-bench/out}
RSS=bin/pg-bench-rss
PROMGATE=bin/promgate
PBENC=bin/pg-bench-pb
for p in "$RSS" "$PROMGATE" "$PBENC"; do
    [ -x "$p" ] || { echo "pathological: missing $p (run make bench)" >&2; exit 2; }
done
mkdir -p "$OUT/patho" || exit 2
TSV=$OUT/pathological.tsv
MD=$OUT/pathological.md
printf 'kind\tsize\ttool\tcpu_s\tratio\texit\n' >"$TSV"

# best_cpu CMD...: the best CPU time of RUNS runs; sets cpu and code.
best_cpu() {
    cpu="" code=0 _i=0
    while [ "$_i" -lt "$RUNS" ]; do
        "$RSS" -r "$OUT/patho/rep" -- "$@" 2>/dev/null
        read -r _w _r code _u <"$OUT/patho/rep" || return 1
        cpu=$(awk -v a="$cpu" -v b="$_u" \
            'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        _i=$((_i + 1))
    done
}

for kind in labelsets families undocumented longvalues; do
    prev_lint="" prev_check="" prev_pblint=""
    for n in $SIZES; do
        size=$n
        [ "$kind" = longvalues ] && size=$((n / 10))
        dir=$OUT/patho/$kind-$size
        [ -s "$dir/input.prom" ] && [ ! bench/patho-gen.sh -nt "$dir/input.prom" ] ||
            sh bench/patho-gen.sh "$kind" "$size" "$dir" || exit 2
        [ -s "$dir/input.pb" ] && [ ! "$dir/input.prom" -nt "$dir/input.pb" ] &&
            [ ! "$PBENC" -nt "$dir/input.pb" ] ||
            "$PBENC" --lenient -o "$dir/input.pb" "$dir/input.prom" 2>/dev/null ||
            exit 2
        for tool in lint check pblint; do
            if [ "$tool" = lint ]; then
                best_cpu "$PROMGATE" lint "$dir/input.prom" || exit 2
                prev=$prev_lint
            elif [ "$tool" = pblint ]; then
                best_cpu "$PROMGATE" lint --input-format protobuf \
                    "$dir/input.pb" || exit 2
                prev=$prev_pblint
            else
                best_cpu "$PROMGATE" check --golden "$dir/golden.json" \
                    --target "$dir/input.prom" --no-report || exit 2
                prev=$prev_check
            fi
            ratio=$(awk -v a="$prev" -v b="$cpu" 'BEGIN {
                if (a == "" || a + 0 < 0.005) print "-"; else printf "%.2f", b / a }')
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$size" "$tool" "$cpu" \
                "$ratio" "$code" >>"$TSV"
            case $tool in
            lint) prev_lint=$cpu ;;
            check) prev_check=$cpu ;;
            pblint) prev_pblint=$cpu ;;
            esac
        done
    done
done

{
    echo "| input | size | lint cpu s | ratio | check cpu s | ratio | protobuf lint cpu s | ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' 'NR > 1 {
        key = $1 "\t" $2
        if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
        cpu[key, $3] = $4; ratio[key, $3] = $5
    } END {
        for (i = 1; i <= n; i++) {
            split(order[i], k, "\t")
            printf "| %s | %s | %.3f | %s | %.3f | %s | %.3f | %s |\n", k[1], k[2],
                cpu[order[i], "lint"], ratio[order[i], "lint"],
                cpu[order[i], "check"], ratio[order[i], "check"],
                cpu[order[i], "pblint"], ratio[order[i], "pblint"]
        }
    }' "$TSV"
    echo
    echo "ratio: CPU time over that of the size before (2 = linear)."
} >"$MD"
cat "$MD"
