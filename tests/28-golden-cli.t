#!/bin/sh
# Command-line contract of promgate golden and promgate diff: usage errors
# exit 2, --help exits 0 and documents the exit codes, -o writes the same
# bytes as stdout.
cd "$(dirname "$0")/.." || exit 1
P=bin/promgate
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
D=fixtures/docs/ok-escaped-pipe/input.md
echo "1..10"
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
code() { "$@" >/dev/null 2>&1; echo $?; }

[ "$(code $P golden)" = 2 ]; ok $? "golden without input exits 2"
[ "$(code $P golden --from-docs $D --from-exposition fixtures/golden/expo/hand.prom)" = 2 ]; ok $? "golden with two kinds of input exits 2"
[ "$(code $P golden --frobnicate)" = 2 ]; ok $? "golden with an unknown option exits 2"
$P golden --help | grep -q '2 could not run'; ok $? "golden --help documents exit codes"
$P golden --from-docs $D >"$T/a" && $P golden --from-docs $D -o "$T/b" && cmp -s "$T/a" "$T/b"; ok $? "golden -o writes what stdout shows"
[ "$(code $P golden --from-docs $T/missing.md)" = 2 ]; ok $? "golden with a missing file exits 2"
[ "$(code $P diff $D)" = 2 ]; ok $? "diff with one side exits 2"
[ "$(code $P diff --format yaml $D $D)" = 2 ]; ok $? "diff with an unknown format exits 2"
$P diff --help | grep -q '0 equal, 1 different, 2 unreadable'; ok $? "diff --help documents exit codes"
$P diff -o "$T/r.json" --format json $D fixtures/docs/ok-unpadded-dash/input.md; rc=$?
[ $rc = 1 ] && grep -q '"equal": false' "$T/r.json"; ok $? "diff -o writes the report, exit 1 on differences"
