#!/bin/sh
# Goldens from docs are goldens check and diff can use: every golden the
# docs cases produce loads and round-trips; templated names
# (name_pattern) take every family they match, templated label names
# (label_patterns) allow labels without requiring them, a null type is
# checked for presence and labels only, label value lists are domains;
# diff takes a name a pattern on the other side matches as documented.
# Verdicts per metric are in fixtures/docs-check/*.expected.
cd "$(dirname "$0")/.." || exit 1
P=$PWD/bin/promgate
L=$PWD/bin/pg-golden-load
F=fixtures/docs-check
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
export PROMGATE_REPORT_DIR="$T/reports"
goldens=$(ls fixtures/docs/*/expected.json)
echo "1..$(( $(echo "$goldens" | wc -l) + 3 ))"
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

for g in $goldens; do
    "$L" "$g" >"$T/dump" 2>"$T/err" && cmp -s "$g" "$T/dump"
    rc=$?
    [ $rc = 0 ] || sed 's/^/# /' "$T/err"
    ok $rc "$g loads and dumps back byte for byte"
done

# check verdicts: name patterns, null types, type mismatches, undocumented
"$P" check --golden fixtures/docs/shape-names/expected.json \
    --target $F/names.prom 2>/dev/null | grep -E '^(not )?ok' >"$T/names"
diff -u $F/names.expected "$T/names" >"$T/d"; rc=$?
[ $rc = 0 ] || sed 's/^/# /' "$T/d"
ok $rc "check with templated names and null types"

# check verdicts: label patterns, label value domains, extra labels
"$P" check --golden fixtures/docs/shape-labels/expected.json \
    --target $F/labels.prom --undocumented ignore 2>/dev/null |
    grep -E '^(not )?ok' >"$T/labels"
diff -u $F/labels.expected "$T/labels" >"$T/d"; rc=$?
[ $rc = 0 ] || sed 's/^/# /' "$T/d"
ok $rc "check with templated label names and value lists"

# diff: names a pattern on the other side matches are not removed
"$P" diff --format json $F/literal.md fixtures/docs/shape-names/expected.json \
    >"$T/diff.json" 2>"$T/err"
rc=$?
removed=$(/usr/bin/python3 -c 'import json,sys
print(" ".join(m["name"] for m in json.load(open(sys.argv[1]))["removed"]))' "$T/diff.json")
[ $rc = 1 ] && [ "$removed" = "n_gone_total" ]
ok $? "diff: only n_gone_total removed (got '$removed', exit $rc)"
