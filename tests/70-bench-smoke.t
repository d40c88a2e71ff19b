#!/bin/sh
# Smoke test of the benchmark harness (make bench) at a tiny size: the
# generator's output is deterministic and structurally valid (cumulative
# buckets, _count equal to the +Inf bucket, contiguous families, # EOF),
# promgate lint finds no error in it, the helpers count and report right,
# the protobuf encoder writes the same content as delimited protobuf that
# python3-protobuf decodes, and bench/run.sh runs end to end.
cd "$(dirname "$0")/.." || exit 1
GEN=bin/pg-bench-gen
T=$(mktemp -d "${TMPDIR:-/tmp}/pg-bench-smoke.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

n=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

echo "1..21"

$GEN --stats "$T/p.stats" 200 >"$T/p.prom"; ok $? "generator writes the text format"
$GEN --openmetrics --stats "$T/o.stats" -o "$T/o.om" 200; ok $? "generator writes OpenMetrics"
$GEN 200 | cmp -s - "$T/p.prom"; ok $? "output is deterministic"
$GEN --seed 2 200 | cmp -s - "$T/p.prom"; [ $? = 1 ]; ok $? "another seed gives other output"

# Samples counted by the generator = lines that are not comments.
want=$(awk '$1 == "samples" { print $2 }' "$T/p.stats")
got=$(grep -vc '^#' "$T/p.prom")
[ "$want" = "$got" ] && [ "$got" -gt 1000 ]; ok $? "stats count $got samples"

[ "$(tail -n 1 "$T/o.om")" = "# EOF" ] && ! grep -q '^# EOF' "$T/p.prom"
ok $? "only the OpenMetrics variant ends in # EOF"

grep -q ' # {trace_id="[0-9a-f]\{32\}"} ' "$T/o.om" &&
    ! grep -q ' # {' "$T/p.prom"
ok $? "exemplars only in OpenMetrics"

grep -q 'derp_region="Lab \\"B\\" rack 7"' "$T/p.prom" &&
    grep -q 'derp_region="C:\\\\relays\\\\west"' "$T/p.prom" &&
    grep -q 'derp_region="Unnamed 1001\\nbackup"' "$T/p.prom" &&
    grep -q '} NaN$' "$T/p.prom" && grep -q ' 1782902[0-9]\{6\}$' "$T/p.prom"
ok $? "escapes, NaN and timestamps are present"

# Histogram structure, checked independently of promgate: per series,
# buckets non-decreasing, a +Inf bucket, and _count equal to it; every
# family's samples contiguous. Prints the first fault.
check_structure() {
    awk '
    /^# TYPE / { fam = $3; if (fam in done) { print "family " fam " split"; bad = 1 }
                 done[fam] = 1; type[fam] = $4; next }
    /^#/ { next }
    {
        line = $0; sub(/ # \{.*$/, "", line)  # drop exemplar
        name = line; sub(/[{ ].*$/, "", name)
        if (index(name, fam) != 1) { print "sample " name " outside " fam; bad = 1 }
        if (type[fam] != "histogram") next
        lbl = ""; if (match(line, /\{.*\}/)) lbl = substr(line, RSTART, RLENGTH)
        split(line, f, " "); v = f[2]
        key = lbl; gsub(/,?le="[^"]*"/, "", key); sub(/^\{,/, "{", key)
        if (name ~ /_bucket$/) {
            if (key in last && v + 0 < last[key] + 0) { print "not cumulative: " $0; bad = 1 }
            last[key] = v
            if (lbl ~ /le="\+Inf"/) inf[key] = v
        } else if (name ~ /_count$/) {
            if (!(key in inf)) { print "no +Inf bucket: " $0; bad = 1 }
            else if (inf[key] != v) { print "_count != +Inf: " $0; bad = 1 }
            delete last[key]; checked++
        }
    }
    END { if (checked < 100) { print "only " checked " histograms"; bad = 1 }
          exit bad }' "$1"
}
check_structure "$T/p.prom"; ok $? "text format histograms are cumulative, _count == +Inf"
check_structure "$T/o.om"; ok $? "OpenMetrics histograms are cumulative, _count == +Inf"

for f in "p.prom:the text format" "o.om:OpenMetrics"; do
    bin/promgate lint "$T/${f%%:*}" >"$T/lint.out" 2>&1
    rc=$?
    [ "$rc" = 0 ] && grep -q ': 0 errors, [0-9]* warnings\?, ' "$T/lint.out"
    r=$?
    ok $r "promgate lint finds no error in ${f#*:} (exit $rc)"
    [ $r = 0 ] || sed -n '1,10s/^/# /p' "$T/lint.out"
done

[ "$(bin/pg-bench-memchr "$T/p.prom")" = "$(wc -l <"$T/p.prom") $(wc -c <"$T/p.prom")" ]
ok $? "memchr counts the lines and bytes wc counts"
m=$(bin/pg-bench-memchr "$T/o.om")
[ "$(bin/pg-bench-memchr -b 7 - <"$T/o.om")" = "$m" ] &&
    [ "$(bin/pg-bench-memchr --read "$T/o.om")" = "$m" ]
ok $? "memchr agrees mapped, read in chunks, and from stdin"

# The protobuf copy: what python3-protobuf reads, and what promgate lint
# reads as the same samples and families with no error.
bin/pg-bench-pb --stats "$T/p.pb.stats" -o "$T/p.pb" "$T/p.prom"
ok $? "protobuf encoder writes the text format's content"
/usr/bin/python3 -c 'import sys; sys.path.insert(0, "tests/producers")
import pb_encode
n = pb_encode.verify(open(sys.argv[1], "rb").read())
print(n)' "$T/p.pb" >"$T/pb.n" 2>"$T/pb.err"
[ $? = 0 ] && [ "$(cat "$T/pb.n")" -gt 10 ]
ok $? "python3-protobuf decodes its $(cat "$T/pb.n") MetricFamily messages"
bin/promgate lint "$T/p.prom" 2>&1 | sed 's/.*: 0 errors/0 errors/; s/ (prom)$//' >"$T/lint.prom"
bin/promgate lint --input-format protobuf "$T/p.pb" 2>&1 |
    sed 's/.*: 0 errors/0 errors/; s/ (protobuf)$//' >"$T/lint.pb"
cmp -s "$T/lint.prom" "$T/lint.pb" && grep -q '^0 errors, 0 warnings, ' "$T/lint.pb"
ok $? "lint: no error, the same samples and families ($(cat "$T/lint.pb"))"
echo garbage >"$T/bad.prom"
bin/pg-bench-pb -o "$T/bad.pb" "$T/bad.prom" 2>"$T/bad.err"
[ $? = 2 ] && [ ! -e "$T/bad.pb" ] && grep -q 'input:1:' "$T/bad.err"
ok $? "an input with parser errors: exit 2, the line named, no output left"

bin/pg-bench-rss -r "$T/rep" -- sh -c 'exit 3'
rc=$?
read -r w r c u <"$T/rep"
[ "$rc" = 3 ] && [ "$c" = 3 ] && [ "$r" -gt 0 ]
ok $? "rss wrapper passes the exit status and reports RSS ($r KiB)"

BENCH_SIZES=10 BENCH_RUNS=1 BENCH_OUT="$T/out" ./bench/run.sh \
    >"$T/run.out" 2>"$T/run.err"
rc=$?
[ "$rc" = 0 ] && grep -q '^| 10 | prom | memchr |' "$T/out/results.md" &&
    grep -q '^| 10 | om | memchr |' "$T/out/results.md" &&
    grep -q '^| 10 | prom | promgate-lint | .* | 0 |$' "$T/out/results.md" &&
    grep -q '^| 10 | pb | promgate-lint | .* | 0 |$' "$T/out/results.md"
r=$?
ok $r "bench/run.sh runs end to end at 10 workspaces"
[ $r = 0 ] || sed 's/^/# /' "$T/run.err" "$T/run.out" | head -40

# promgate check over loopback HTTP ran to the end (exit 0 or 1, not 2:
# the generated file lacks many documented metrics, so 1 is expected).
grep -Eq '^\| 10 \| prom \| promgate-check \| .* \| [01] \|$' "$T/out/results.md"
ok $? "bench/run.sh ran promgate check over HTTP"
