#!/bin/sh
# A healthy Coder passes its release golden with no extra flags: the scrape
# rebuilt from the Coder source's metric inventory (fixtures/coder-demo/
# build.py; every metric the code registers, after activity) passes
# `check --golden coder@v2.35.1`, naming each docs erratum it applied as a
# diagnostic; under --docs-as-written every erratum fails, saying what the
# docs should say (fixtures/check/coder-release/docs-as-written.expected
# lists the failing metrics). coder@auto reads the release from
# coderd_build_info.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
S=${PG_SHARED:-$PWD/../shared}
INV=$S/coder/code-inventory.a6afcd046f.json
if [ ! -r "$INV" ]; then echo "1..0 # skip no shared data at $S"; exit 0; fi
plan 10
pg_tmpdir
T=$PG_TMP
P=bin/promgate
G=$($P golden --resolve coder@v2.35.1)
is "$G" "$PWD/bin/../golden/coder/coder-v2.35.0-v2.35.1.json" "coder@v2.35.1 resolves to its release golden"

/usr/bin/python3 fixtures/coder-demo/build.py "$INV" "$G" "$T/scrape" 2>"$T/err"
cmp -s "$T/scrape" fixtures/coder-demo/metrics
ok $? "fixtures/coder-demo/metrics is what build.py writes from the inventory"

$P check --golden coder@v2.35.1 --target "$T/scrape" --no-report >"$T/tap" 2>"$T/err"
is "$?" 0 "the inventory scrape passes coder@v2.35.1 with default flags"
errata=$(grep -c '"erratum"' "$G")
named=$(grep -c '^ok [0-9]* - [a-z_:]*: docs erratum: the docs ' "$T/tap")
is "$named" "$errata" "every erratum of the golden is named on its TAP line ($errata)"
evidence=$(grep -A2 'code: erratum' "$T/tap" | grep -c 'message: "docs erratum: .*; evidence: ')
is "$evidence" "$errata" "each with its evidence"

$P check --golden coder@v2.35.1 --target "$T/scrape" --no-report --docs-as-written >"$T/tap2" 2>"$T/err"
is "$?" 1 "--docs-as-written: the same scrape fails"
sed -n 's/^not ok [0-9]* - \([a-z_:]*\):.*/\1/p' "$T/tap2" >"$T/failed"
diff -u fixtures/check/coder-release/docs-as-written.expected "$T/failed" >"$T/d"
ok $? "--docs-as-written: the failing metrics are the errata's" || diag "$(cat "$T/d")"
# a misnamed metric fails twice: absent under the docs' name, undocumented
# under the code's
renamed=$(grep -c '"docs_name"' "$G")
should=$(grep -A2 'code: erratum' "$T/tap2" | grep -c 'failure: true')
is "$should" "$((errata + renamed))" "--docs-as-written: every erratum is a failure"

$P check --golden coder@auto --target "$T/scrape" --no-report >/dev/null 2>"$T/err"
is "$(grep coder@auto "$T/err")" "promgate check: coder@auto: the scrape reports coder v2.35.1+8b44bd6; golden coder-v2.35.0-v2.35.1.json" \
    "coder@auto reads the release from coderd_build_info and says which golden it chose"
sed 's/v2\.35\.1+8b44bd6/v2.36.0/' "$T/scrape" >"$T/newer"
$P check --golden coder@auto --target "$T/newer" --no-report >/dev/null 2>"$T/err"
like "$? $(grep coder@auto "$T/err")" "^2 promgate check: coder@auto: coder v2.36.0 is newer than the newest release with a golden, v2.35.1 \(coder-v2.35.0-v2.35.1.json\)" \
    "a release newer than the newest golden is an error naming the nearest one"
