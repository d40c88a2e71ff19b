#!/bin/sh
# run.sh: the benchmark behind `make bench` (see doc/bench.md).
#
# For each size in BENCH_SIZES (workspaces) and each format (text 0.0.4,
# OpenMetrics, and the text file re-encoded as delimited protobuf by
# pg-bench-pb), generates a Coder-like exposition once (cached in
# BENCH_OUT), then measures wall time (best of BENCH_RUNS) and peak RSS of
#   promgate lint FILE                  the parser (protobuf: with
#                                       --input-format protobuf)
#   promtool check metrics < FILE       Prometheus's reference (text only;
#                                       run once at sizes >= 100000)
#   pg-bench-memchr FILE                the byte-scan limit: read + memchr
#                                       (text formats)
# and, on the largest size, `promgate check` scraping the file from
# pg-fixture-server over loopback HTTP against golden/coder-latest.json.
# Writes BENCH_OUT/results.tsv (raw) and BENCH_OUT/results.md, and prints
# the latter.
#
# Environment:
#   BENCH_SIZES   workspace counts (default "1000 10000 100000")
#   BENCH_RUNS    runs per measurement, best taken (default 3)
#   BENCH_OUT     output directory (default bench/out)
#   BENCH_FORMATS "prom om pb" (default all three)
#   PROMTOOL      promtool binary (default: promtool on PATH; "" skips it)
#   BENCH_CHECK_ARGS  arguments for promgate check besides --golden and
#                 --target (default "--undocumented warn --max-bytes 1G --no-report")
#   PG_SHARED     shared reference tree (for histogram_buckets.tsv)
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)

SIZES=${BENCH_SIZES:-1000 10000 100000}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-bench/out}
FORMATS=${BENCH_FORMATS:-prom om pb}
PG_SHARED=${PG_SHARED:-$ROOT/../shared}
if [ "${PROMTOOL+set}" != set ]; then
    PROMTOOL=$(command -v promtool || true)
fi
GEN=bin/pg-bench-gen
PBENC=bin/pg-bench-pb
RSS=bin/pg-bench-rss
MEMCHR=bin/pg-bench-memchr
PROMGATE=bin/promgate
GOLDEN=${BENCH_GOLDEN:-golden/coder-latest.json}
SERVER=bin/pg-fixture-server

die() { echo "bench: $*" >&2; exit 2; }
note() { echo "bench: $*" >&2; }

for p in "$GEN" "$PBENC" "$RSS" "$MEMCHR" "$PROMGATE"; do
    [ -x "$p" ] || die "missing $p (run make bench)"
done
mkdir -p "$OUT" || die "cannot create $OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pg-bench.XXXXXX") || die "no temp dir"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Bucket bounds from Coder's source when the shared tree is there; the
# generator has the same values built in otherwise.
BUCKETS=""
[ -r "$PG_SHARED/coder/histogram_buckets.tsv" ] &&
    BUCKETS="--buckets $PG_SHARED/coder/histogram_buckets.tsv"

# Does `promgate lint` exist in this build? (It prints "not available"
# and exits 2 while the command is a stub.)
LINT_OK=1
if "$PROMGATE" lint --help 2>&1 | grep -q "not available"; then
    LINT_OK=0
    note "promgate lint is not available in this build; skipping it"
fi

RESULTS=$OUT/results.tsv
printf 'size\tformat\ttool\tbytes\tsamples\twall_s\trss_kib\texit\truns\tcpu_s\n' \
    >"$RESULTS"

# gen N FMT: path of the cached exposition, generated if missing or older
# than the generator. pb: the prom file of that size, encoded.
gen() {
    _f=$OUT/coder-$1.$2
    if [ "$2" = pb ]; then
        _src=$(gen "$1" prom) || exit 2 # die said why
        if [ ! -s "$_f" ] || [ ! -s "$_f.stats" ] || [ "$PBENC" -nt "$_f" ] ||
            [ "$_src" -nt "$_f" ]; then
            "$PBENC" --stats "$_f.stats" -o "$_f.tmp.$$" "$_src" ||
                die "protobuf encoder failed for $1"
            mv "$_f.tmp.$$" "$_f"
        fi
        echo "$_f"
        return
    fi
    if [ ! -s "$_f" ] || [ ! -s "$_f.stats" ] || [ "$GEN" -nt "$_f" ]; then
        _om=""
        [ "$2" = om ] && _om=--openmetrics
        # shellcheck disable=SC2086
        "$GEN" $_om $BUCKETS --stats "$_f.stats" -o "$_f.tmp.$$" "$1" ||
            die "generator failed for $1 $2"
        mv "$_f.tmp.$$" "$_f"
    fi
    echo "$_f"
}

# measure SIZE FMT TOOL RUNS FILE STDIN CMD...: best wall time and best
# CPU time (user + system) over RUNS runs, peak RSS (max over runs), last
# exit status; appends to RESULTS.
measure() {
    _size=$1 _fmt=$2 _tool=$3 _runs=$4 _file=$5 _stdin=$6
    shift 6
    _best="" _bcpu="" _rss=0 _code=0 _i=0
    while [ "$_i" -lt "$_runs" ]; do
        if [ -n "$_stdin" ]; then
            "$RSS" -i "$_stdin" -r "$TMP/rep" -- "$@" 2>"$TMP/err"
        else
            "$RSS" -r "$TMP/rep" -- "$@" 2>"$TMP/err"
        fi
        read -r _w _r _c _u <"$TMP/rep" || die "no report from $_tool"
        if [ "$_c" -ge 2 ] && [ "$_tool" != promtool ]; then
            note "$_tool on $_file exited $_c:"
            head -5 "$TMP/err" >&2
        fi
        _best=$(awk -v a="$_best" -v b="$_w" \
            'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        _bcpu=$(awk -v a="$_bcpu" -v b="$_u" \
            'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        [ "$_r" -gt "$_rss" ] && _rss=$_r
        _code=$_c
        _i=$((_i + 1))
    done
    _bytes=$(awk '$1 == "bytes" { print $2 }' "$_file.stats")
    _samples=$(awk '$1 == "samples" { print $2 }' "$_file.stats")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$_size" "$_fmt" \
        "$_tool" "$_bytes" "$_samples" "$_best" "$_rss" "$_code" "$_runs" \
        "$_bcpu" >>"$RESULTS"
    note "$(printf '%-7s %-4s %-14s %9.4f s wall %9.4f s cpu %8d KiB exit %d' \
        "$_size" "$_fmt" "$_tool" "$_best" "$_bcpu" "$_rss" "$_code")"
}

# Disk: each size needs about 2.4 kB per workspace per format.
avail_kib=$(df -Pk "$OUT" | awk 'NR == 2 { print $4 }')
need_kib=0
for n in $SIZES; do
    for f in $FORMATS; do
        [ -s "$OUT/coder-$n.$f" ] ||
            need_kib=$((need_kib + n * 24 / 10 + 2048))
    done
done
[ "$need_kib" -lt "$avail_kib" ] ||
    die "need about $need_kib KiB in $OUT, $avail_kib KiB free"

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
last=""
for n in $SIZES; do
    last=$n
    for f in $FORMATS; do
        file=$(gen "$n" "$f") || exit 2 # die said why
        cat "$file" >/dev/null # warm the page cache for every tool alike
        informat=""
        [ "$f" = pb ] && informat="--input-format protobuf"
        [ "$f" = pb ] ||
            measure "$n" "$f" memchr "$RUNS" "$file" "" "$MEMCHR" "$file"
        if [ "$LINT_OK" = 1 ]; then
            # shellcheck disable=SC2086
            measure "$n" "$f" "promgate-lint" "$RUNS" "$file" "" \
                "$PROMGATE" lint $informat "$file"
        fi
        # promtool reads only the text format; at 100k it takes ~15 s
        # and ~1.5 GiB, so one run there.
        if [ -n "$PROMTOOL" ] && [ "$f" = prom ]; then
            r=$RUNS
            [ "$n" -ge 100000 ] && r=1
            measure "$n" "$f" promtool "$r" "$file" "$file" \
                "$PROMTOOL" check metrics
        fi
    done
done

# promgate check over loopback HTTP on the largest size.
CHECK_OK=1
if "$PROMGATE" check --help 2>&1 | grep -q "not available"; then
    CHECK_OK=0
    note "promgate check is not available in this build; skipping it"
elif [ ! -x "$SERVER" ]; then
    CHECK_OK=0
    note "missing $SERVER; skipping promgate check"
elif [ ! -r "$GOLDEN" ]; then
    CHECK_OK=0
    note "missing $GOLDEN; skipping promgate check"
fi
if [ "$CHECK_OK" = 1 ] && [ -n "$last" ]; then
    "$SERVER" --root "$OUT" --port 0 --port-file "$TMP/port" &
    SERVER_PID=$!
    i=0
    while [ ! -s "$TMP/port" ]; do
        kill -0 "$SERVER_PID" 2>/dev/null || die "fixture server died"
        [ "$i" -lt 200 ] || die "fixture server did not start"
        sleep 0.05
        i=$((i + 1))
    done
    port=$(cat "$TMP/port")
    for f in $FORMATS; do
        file=$OUT/coder-$last.$f
        informat=""
        [ "$f" = pb ] && informat="--input-format protobuf"
        # shellcheck disable=SC2086
        measure "$last" "$f" promgate-check "$RUNS" "$file" "" \
            "$PROMGATE" check --golden "$GOLDEN" $informat \
            ${BENCH_CHECK_ARGS:---undocumented warn --max-bytes 1G --no-report} \
            --target "http://127.0.0.1:$port/coder-$last.$f"
    done
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
fi

# golden --from-docs on the largest docs examples: GitLab's page (one
# 84 KiB file, 9 tables) and the 40 kube-state-metrics files together.
DOCS_RESULTS=$OUT/docs.tsv
printf 'input\tfiles\tbytes\tmetrics\twall_s\tcpu_s\trss_kib\texit\n' \
    >"$DOCS_RESULTS"
bench_docs() {
    _name=$1 _in=$2
    _best="" _bcpu="" _rss=0 _code=0 _i=0
    while [ "$_i" -lt "$RUNS" ]; do
        "$RSS" -r "$TMP/rep" -- "$PROMGATE" golden --no-lint --from-docs \
            "$_in" -o "$TMP/docs.json" 2>"$TMP/err"
        read -r _w _r _code _u <"$TMP/rep" || die "no report for $_name"
        _best=$(awk -v a="$_best" -v b="$_w" \
            'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        _bcpu=$(awk -v a="$_bcpu" -v b="$_u" \
            'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        [ "$_r" -gt "$_rss" ] && _rss=$_r
        _i=$((_i + 1))
    done
    _files=$(find "$_in" -type f -name '*.md' | wc -l)
    _bytes=$(find "$_in" -type f -name '*.md' -exec cat {} + | wc -c)
    _metrics=$(grep -c '^      "name": ' "$TMP/docs.json")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$_name" "$_files" "$_bytes" \
        "$_metrics" "$_best" "$_bcpu" "$_rss" "$_code" >>"$DOCS_RESULTS"
    note "$(printf '%-20s %9.4f s wall %9.4f s cpu %8d KiB exit %d' \
        "docs $_name" "$_best" "$_bcpu" "$_rss" "$_code")"
}
if [ -d "$PG_SHARED/otherdocs" ]; then
    bench_docs gitlab "$PG_SHARED/otherdocs/gitlab/gitlab_metrics.md"
    bench_docs kube-state-metrics "$PG_SHARED/otherdocs/kube-state-metrics"
else
    note "no $PG_SHARED/otherdocs: docs readers not measured"
fi

# The report.
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
    echo "# promgate benchmark results"
    echo
    echo "Machine: $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr);"
    echo "load average $load_start at the start, $load_end at the end."
    echo "Runs: best of $RUNS (promtool: 1 run at >= 100000 workspaces). MB/s"
    echo "and samples/s are per second of wall time; CPU s is user + system"
    echo "time (best run) and MB/CPU-s bytes per CPU second, the steadier"
    echo "figure on a loaded machine; peak RSS is ru_maxrss. MB = 10^6 bytes."
    echo
    echo "| workspaces | format | tool | MB | samples | best wall s | CPU s | MB/s | MB/CPU-s | Msamples/s | peak RSS MiB | exit |"
    echo "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' 'NR > 1 {
        mbs = $6 > 0 ? $4 / 1e6 / $6 : 0
        mss = $6 > 0 ? $5 / 1e6 / $6 : 0
        mbc = $10 > 0 ? $4 / 1e6 / $10 : 0
        printf "| %s | %s | %s | %.1f | %d | %.4f | %.4f | %.0f | %.0f | %.2f | %.1f | %s |\n",
            $1, $2, $3, $4 / 1e6, $5, $6, $10, mbs, mbc, mss, $7 / 1024, $8
    }' "$RESULTS"
    echo
    echo "## Ratios"
    echo
    echo "Each ratio by wall time, then by CPU time in parentheses."
    echo
    echo "| workspaces | format | lint vs promtool (speedup) | lint vs memchr limit (share of limit) | check vs lint (time ratio) | lint RSS MiB | promtool RSS MiB |"
    echo "|---:|---|---:|---:|---:|---:|---:|"
    awk -F'\t' 'NR > 1 { k = $1 "\t" $2; w[k, $3] = $6; c[k, $3] = $10
                         r[k, $3] = $7
                         if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
        # ratio(a, b, f): "a/b (cpu a/b)" in format f, or "-"
        function ratio(k, a, b, f, pct) {
            if (w[k, a] == "" || w[k, b] == "" || w[k, b] + 0 == 0 ||
                c[k, b] + 0 == 0)
                return "-"
            return sprintf(f " (" f ")", pct * w[k, a] / w[k, b],
                           pct * c[k, a] / c[k, b])
        }
        function mib(k, t) { return r[k, t] == "" ? "-" : sprintf("%.1f", r[k, t] / 1024) }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]; split(k, kk, "\t")
                printf "| %s | %s | %s | %s | %s | %s | %s |\n", kk[1], kk[2],
                    ratio(k, "promtool", "promgate-lint", "%.1fx", 1),
                    ratio(k, "memchr", "promgate-lint", "%.0f%%", 100),
                    ratio(k, "promgate-check", "promgate-lint", "%.2fx", 1),
                    mib(k, "promgate-lint"), mib(k, "promtool")
            }
        }' "$RESULTS"
    echo
    echo "## Protobuf beside the text format"
    echo
    echo "\`promgate lint\` on the same content as text format 0.0.4 (prom) and as"
    echo "delimited protobuf (pb, written by pg-bench-pb). Series are counted as"
    echo "the text format shows them, one per sample line, so both rows count"
    echo "the same. Per-series time: pb's wall (CPU) time per series over"
    echo "prom's; below 1 is faster."
    echo
    echo "| workspaces | prom MB/s | pb MB/s | prom Mseries/s | pb Mseries/s | per-series time pb/prom | prom RSS MiB | pb RSS MiB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' 'NR > 1 && $3 == "promgate-lint" && ($2 == "prom" || $2 == "pb") {
            k = $1; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
            b[k, $2] = $4; s[k, $2] = $5; w[k, $2] = $6; c[k, $2] = $10
            r[k, $2] = $7 }
        function rate(x, t) { return t > 0 ? sprintf("%.0f", x / 1e6 / t) : "-" }
        function srate(x, t) { return t > 0 ? sprintf("%.2f", x / 1e6 / t) : "-" }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]
                if (w[k, "pb"] == "" || w[k, "prom"] == "") continue
                ratio = "-"
                if (w[k, "prom"] > 0 && c[k, "prom"] > 0 && s[k, "pb"] > 0)
                    ratio = sprintf("%.2f (%.2f)",
                        (w[k, "pb"] / s[k, "pb"]) / (w[k, "prom"] / s[k, "prom"]),
                        (c[k, "pb"] / s[k, "pb"]) / (c[k, "prom"] / s[k, "prom"]))
                printf "| %s | %s | %s | %s | %s | %s | %.1f | %.1f |\n", k,
                    rate(b[k, "prom"], w[k, "prom"]), rate(b[k, "pb"], w[k, "pb"]),
                    srate(s[k, "prom"], w[k, "prom"]), srate(s[k, "pb"], w[k, "pb"]),
                    ratio, r[k, "prom"] / 1024, r[k, "pb"] / 1024
            }
        }' "$RESULTS"
    echo
    echo "Targets: lint >= 1000 MB/s on the 100000-workspace file, lint peak"
    echo "RSS <= 64 MiB and flat across sizes, check within 1.5x of lint."
    if [ "$(wc -l <"$DOCS_RESULTS")" -gt 1 ]; then
        echo
        echo "## Docs readers"
        echo
        echo "\`promgate golden --from-docs\` (best of $RUNS). Target: well under"
        echo "a second on the largest example."
        echo
        echo "| input | files | KiB | metrics | wall s | CPU s | peak RSS MiB | exit |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|"
        awk -F'\t' 'NR > 1 { printf "| %s | %d | %.0f | %d | %.4f | %.4f | %.1f | %s |\n",
            $1, $2, $3 / 1024, $4, $5, $6, $7 / 1024, $8 }' "$DOCS_RESULTS"
    fi
} >"$OUT/results.md"
cat "$OUT/results.md"
