#!/bin/sh
# Every file promgate writes is written whole or not at all, through one
# helper (lib/core/atomic.h): a temporary file created with
# O_EXCL|O_NOFOLLOW (a symlink planted at a temporary name is never
# followed), close checked, renamed into place, and the directory fsynced
# after the rename. Shown on goldens (golden -o), diff -o and reports.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=$(pwd)/bin/promgate
G=fixtures/check/golden.json
plan 7
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A symlink where the old helper put its temporary file, PATH.tmp.PID:
# the exec keeps the shell's PID for promgate.
echo "precious" >"$tmp/victim"
sh -c 'ln -s "$1/victim" "$1/out.json.tmp.$$" && exec "$2" golden --from-exposition "$3" -o "$1/out.json"' \
    sh "$tmp" "$P" fixtures/check/pass-text/input.prom 2>"$tmp/err"
is "$?" 0 "golden -o succeeds beside a planted symlink"
is "$(cat "$tmp/victim")" "precious" "the symlink's target is untouched"
[ -f "$tmp/out.json" ] && [ ! -L "$tmp/out.json" ] && grep -q '"metrics"' "$tmp/out.json"
ok $? "the golden is a regular file with the golden in it"
left=$(find "$tmp" -name 'out.json.tmp.*' ! -type l)
is "$left" "" "no temporary file is left behind"

# Unwritable directory: a clear error, exit 2, nothing half-written.
mkdir "$tmp/ro" && chmod 500 "$tmp/ro"
if [ "$(id -u)" = 0 ]; then
    # root writes anyway; a path under a file is refused for everyone
    $P diff "$G" "$G" -o "$tmp/victim/x.txt" >"$tmp/out" 2>"$tmp/err"
else
    $P diff "$G" "$G" -o "$tmp/ro/x.txt" >"$tmp/out" 2>"$tmp/err"
fi
like "$? $(cat "$tmp/err")" "^2 .*cannot create" "an output that cannot be created: exit 2, said so"

if command -v strace >/dev/null 2>&1; then
    strace -f -e trace=openat,fsync,rename -o "$tmp/trace" \
        "$P" golden --from-exposition fixtures/check/pass-text/input.prom \
        -o "$tmp/g.json" 2>/dev/null
    grep -q 'O_EXCL|O_NOFOLLOW' "$tmp/trace" || grep -q 'O_NOFOLLOW|O_EXCL' "$tmp/trace" ||
        grep -Eq 'O_CREAT\|O_EXCL\|O_NOFOLLOW|O_EXCL\|O_NOFOLLOW' "$tmp/trace"
    ok $? "the temporary file is opened with O_EXCL and O_NOFOLLOW"
    # after the rename, the directory is opened and fsynced
    awk '/rename\(/ { r = 1 } r && /O_DIRECTORY/ { d = 1 } d && /fsync\(/ { f = 1 } END { exit !f }' "$tmp/trace"
    ok $? "the directory is fsynced after the rename"
else
    skip "strace not installed" 2
fi
