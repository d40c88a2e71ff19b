#!/bin/sh
# Report directories: DIR/<UTC stamp>-<target slug>/ holds every format,
# the raw scrape (byte-identical), its response headers (credentials cut),
# copies of the golden and baseline; DIR/latest links to the newest; a
# second report of the same second gets its own directory; leftovers of a
# dead writer are cleaned; an impossible DIR fails with exit 2.
cd "$(dirname "$0")/.." || exit 1
R=bin/pg-report-render
F=fixtures/report/planted
echo "1..16"
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
D=$tmp/reports

first=$($R dir $F/run.json "$D" 2>"$tmp/err")
[ "$first" = "$D/20260706T100000Z-127-0-0-1-2112-metrics" ]
ok $? "directory named by UTC start and target slug ($first)"

missing=""
for f in report.md report.json report.html junit.xml scrape-1.txt \
         scrape-1.headers.txt golden.json baseline.json; do
    [ -s "$first/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]; ok $? "all files present${missing:+ (missing:$missing)}"

[ -L "$D/latest" ] && [ "$(readlink "$D/latest")" = "$(basename "$first")" ]
ok $? "latest is a relative symlink to it"

cmp -s "$F/scrape.txt" "$first/scrape-1.txt"; ok $? "raw scrape copied byte for byte"
cmp -s "$F/golden.json" "$first/golden.json" &&
    cmp -s "$F/baseline.json" "$first/baseline.json"
ok $? "golden and baseline copied"

grep -q '^Content-Type: text/plain' "$first/scrape-1.headers.txt" &&
    grep -q '^Set-Cookie: REDACTED' "$first/scrape-1.headers.txt" &&
    ! grep -q 'sess-9f8e7d6c5b4a' "$first/scrape-1.headers.txt"
ok $? "response headers kept, cookie value redacted"

grep -q '"raw_scrape": "scrape-1.txt"' "$first/report.json" &&
    grep -q 'href="scrape-1.txt"' "$first/report.html"
ok $? "reports refer to the scrape inside the directory"

perl tests/report_schema.pl fixtures/report/schema.json "$first/report.json" >"$tmp/schema" 2>&1
ok $? "report.json valid against the schema"

second=$($R dir $F/run.json "$D")
[ "$second" = "${first}-2" ] && [ "$(readlink "$D/latest")" = "$(basename "$second")" ] &&
    [ -s "$first/report.json" ]
ok $? "same second, same target: new directory -2, latest moved, old kept"

ls -A "$D" | grep -q '^\.' && ls -A "$D" | grep '^\.' | sed 's/^/# left: /'
[ -z "$(ls -A "$D" | grep '^\.')" ]; ok $? "no temporary files left behind"

dead=$(sh -c 'echo $$')
mkdir "$D/.tmp-x.$dead" && echo partial > "$D/.tmp-x.$dead/report.json"
ln -s nowhere "$D/.latest.tmp.$dead"
mkdir "$D/.tmp-y.$$"   # this shell is alive: must stay
$R dir $F/run.json "$D" >/dev/null
[ ! -e "$D/.tmp-x.$dead" ] && [ ! -L "$D/.latest.tmp.$dead" ] && [ -d "$D/.tmp-y.$$" ]
ok $? "leftovers of a dead writer removed, a live writer's kept"
rmdir "$D/.tmp-y.$$"

: > "$tmp/file"
$R dir $F/run.json "$tmp/file/sub" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "cannot create directory" "$tmp/err"
ok $? "unusable report dir: exit 2, reason given ($(head -1 "$tmp/err"))"

# A target that could not be read still gets a complete report.
h=$($R dir fixtures/report/hostile/run.json "$D")
[ -s "$h/report.html" ] && [ -s "$h/scrape-2.txt" ] && [ ! -e "$h/scrape-1.txt" ] &&
    case "$h" in *-down-example-9-metrics-and-1-more) true;; *) false;; esac
ok $? "multi-target run: slug names the first and counts the rest; scrape numbered by target"

grep -q 'REDACTED' "$h/scrape-2.txt" && ! grep -q 's3cr3t-T0KEN' "$h/scrape-2.txt"
ok $? "secrets cut out of the copied raw scrape"

# promgate diff --report-dir: the same layout for a release diff.
DF=fixtures/report/diff
bin/promgate diff --report-dir "$D" "$DF/old.json" "$DF/new.json" >/dev/null 2>"$tmp/err"
rc=$?
dd=$(sed -n 's/^promgate diff: report written to //p' "$tmp/err")
missing=""
for f in report.md report.json report.html junit.xml old.golden.json \
         new.golden.json old-old.json new-new.json; do
    [ -s "$dd/$f" ] || missing="$missing $f"
done
[ $rc -eq 1 ] && [ -n "$dd" ] && [ -z "$missing" ] &&
    [ "$(readlink "$D/latest")" = "$(basename "$dd")" ]
ok $? "promgate diff --report-dir: exit 1, all files${missing:+ (missing:$missing)}, latest moved"
perl tests/report_schema.pl fixtures/report/schema-diff.json "$dd/report.json" >"$tmp/schema" 2>&1 &&
    grep -q '"kind": "diff"' "$dd/report.json"
ok $? "diff report.json valid against its schema"
