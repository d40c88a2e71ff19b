#!/bin/sh
# The command-line front door: usage, version and exit codes.
cd "$(dirname "$0")/.." || exit 1
P=bin/promgate
echo "1..4"
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

$P >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "no command exits 2"
$P --help | grep -q '2  could not run'; ok $? "--help documents exit codes"
$P version | grep -Eq '^promgate [0-9]+\.[0-9]+\.[0-9]+$'; ok $? "version prints semver"
$P frobnicate 2>&1 >/dev/null | grep -q "unknown command 'frobnicate'"; ok $? "unknown command named"
