#!/bin/sh
# The command-line front door, the same language in every command: usage,
# help generated from the option table, versions, --opt=value and
# --opt value, "--", numbers that must be numbers, one-line usage errors
# naming the flag, and output that could not be written.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
P=bin/promgate
G=fixtures/check/golden.json
IN=fixtures/check/pass-text/input.prom
D=fixtures/docs/ok-escaped-pipe/input.md
pg_tmpdir
T=$PG_TMP
CMDS="lint check diff golden"

# Bad command lines and unreadable files: ARGS | the one line expected on
# stderr, worded the same in every command. Every one exits 2. ARGS go
# through eval, so quotes group words.
cat >"$T/bad" <<EOF
lint --frobnicate $IN|promgate lint: unknown option '--frobnicate' (see 'promgate lint --help')
check --frobnicate|promgate check: unknown option '--frobnicate' (see 'promgate check --help')
diff --frobnicate $D $D|promgate diff: unknown option '--frobnicate' (see 'promgate diff --help')
golden --frobnicate|promgate golden: unknown option '--frobnicate' (see 'promgate golden --help')
golden -x|promgate golden: unknown option '-x' (see 'promgate golden --help')
lint --max-errors|promgate lint: option '--max-errors' needs a value (see 'promgate lint --help')
golden --from-exposition --input-format protobuf $IN|promgate golden: option '--from-exposition' needs a value, and '--input-format' is an option (write --from-exposition=--input-format for a value like that) (see 'promgate golden --help')
lint --max-errors --strict $IN|promgate lint: option '--max-errors' needs a value, and '--strict' is an option (write --max-errors=--strict for a value like that) (see 'promgate lint --help')
lint --strict=yes $IN|promgate lint: option '--strict' takes no value (see 'promgate lint --help')
lint --max-errors -1 $IN|promgate lint: invalid --max-errors '-1': want a number >= 0 (see 'promgate lint --help')
lint --max-errors=1e3 $IN|promgate lint: invalid --max-errors '1e3': want a number >= 0 (see 'promgate lint --help')
lint --max-errors 5x $IN|promgate lint: invalid --max-errors '5x': want a number >= 0 (see 'promgate lint --help')
lint --max-errors 99999999999999999999999 $IN|promgate lint: invalid --max-errors '99999999999999999999999': want a number >= 0 (see 'promgate lint --help')
lint --max-line 0 $IN|promgate lint: invalid --max-line '0': want a number of bytes, at least 1 (see 'promgate lint --help')
lint --timeout nan $IN|promgate lint: invalid --timeout 'nan': want seconds > 0 (see 'promgate lint --help')
check --golden $G --target $IN --wait nan|promgate check: invalid --wait 'nan': want seconds, at most 604800 (see 'promgate check --help')
check --golden $G --target $IN --wait=inf|promgate check: invalid --wait 'inf': want seconds, at most 604800 (see 'promgate check --help')
check --golden $G --target $IN --wait -1|promgate check: invalid --wait '-1': want seconds, at most 604800 (see 'promgate check --help')
check --golden $G --target $IN --wait 1e400|promgate check: invalid --wait '1e400': want seconds, at most 604800 (see 'promgate check --help')
check --golden $G --target $IN --wait 3s|promgate check: invalid --wait '3s': want seconds, at most 604800 (see 'promgate check --help')
check --golden $G --target $IN --interval nan|promgate check: invalid --interval 'nan': want seconds > 0, at most 3600 (see 'promgate check --help')
check --golden $G --target $IN --interval 0|promgate check: invalid --interval '0': want seconds > 0, at most 3600 (see 'promgate check --help')
check --golden $G --target $IN --interval ' 1'|promgate check: invalid --interval ' 1': want seconds > 0, at most 3600 (see 'promgate check --help')
check --golden $G --prometheus http://127.0.0.1:1 --match up --lookback -infinity|promgate check: invalid --lookback '-infinity': want seconds > 0 (see 'promgate check --help')
check --golden $G --prometheus http://127.0.0.1:1 --match up --limit 0|promgate check: invalid --limit '0': want a series count > 0 (see 'promgate check --help')
check --golden $G --prometheus http://127.0.0.1:1 --match up --limit 1.5|promgate check: invalid --limit '1.5': want a series count > 0 (see 'promgate check --help')
check --golden $G --target $IN --undocumented maybe|promgate check: invalid --undocumented 'maybe': want fail, warn or ignore (see 'promgate check --help')
check --golden $G|promgate check: missing --target (or --prometheus) (see 'promgate check --help')
check --golden $G --target $IN stray|promgate check: unexpected argument 'stray' (see 'promgate check --help')
diff --format yaml $D $D|promgate diff: invalid --format 'yaml': want text, markdown or json (see 'promgate diff --help')
diff $D|promgate diff: want two inputs, OLD and NEW (see 'promgate diff --help')
golden stray|promgate golden: unexpected argument 'stray' (see 'promgate golden --help')
lint $T/absent|promgate lint: $T/absent: cannot open: No such file or directory
check --golden $T/absent --target $IN|promgate check: $T/absent: cannot open: No such file or directory
check --golden $G --target $IN --baseline $T/absent|promgate check: $T/absent: cannot open: No such file or directory
diff $T/absent $IN|promgate diff: $T/absent: cannot open: No such file or directory
golden --from-docs $T/absent|promgate golden: $T/absent: cannot open: No such file or directory
golden --from-exposition $T/absent|promgate golden: $T/absent: cannot open: No such file or directory
lint $T|promgate lint: $T: is a directory
diff $IN $T|promgate diff: $T: is a directory
golden --from-exposition $T|promgate golden: $T: is a directory
help frobnicate|promgate: unknown command 'frobnicate' (see 'promgate --help')
frobnicate|promgate: unknown command 'frobnicate' (see 'promgate --help')
EOF

ncmds=$(echo $CMDS | wc -w)
plan $(( 6 + $(wc -l <"$T/bad") * 2 + ncmds * 7 + 8 ))

$P >/dev/null 2>&1; is "$?" 2 "no command exits 2"
$P --help | grep -q '2  could not run'; ok $? "--help documents exit codes"
out=$($P version)
like "$(echo "$out" | head -1)" '^promgate [0-9]+\.[0-9]+\.[0-9]+$' "version prints semver first"
like "$(echo "$out" | sed -n 2,5p | tr '\n' ' ')" \
    '^revision [^ ]+ libcurl [0-9.]+ PCRE2 [0-9.]+ .*jansson [0-9.]+ $' \
    "version names the build revision, libcurl, PCRE2 and jansson"
[ "$($P --version)" = "$out" ] && [ "$($P -V)" = "$out" ]
ok $? "-V, --version and version print the same"
$P help >"$T/h" 2>&1 && grep -q '^  help ' "$T/h" && cmp -s "$T/h" - <<EOF_HELP
$($P --help)
EOF_HELP
ok $? "promgate help is promgate --help"

while IFS='|' read -r args want; do
    eval "set -- $args"
    $P "$@" >"$T/out" 2>"$T/err"
    is "$?" 2 "$args: exit 2"
    is "$(cat "$T/err")" "$want" "$args: one line naming the flag"
done <"$T/bad"

for c in $CMDS; do
    $P "$c" --help >"$T/help" 2>&1; rc=$?
    like "$rc $(head -1 "$T/help")" "^0 usage: promgate $c " "$c --help: exit 0, usage first"
    $P "$c" -h >"$T/h" 2>&1 && cmp -s "$T/help" "$T/h"
    ok $? "$c -h is --help"
    $P help "$c" >"$T/h" 2>&1 && cmp -s "$T/help" "$T/h"
    ok $? "promgate help $c is $c --help"
    grep -q -- '-V, --version' "$T/help"
    ok $? "$c --help lists -V, --version"
    [ "$($P "$c" -V)" = "$out" ] && [ "$($P "$c" --version)" = "$out" ]
    ok $? "$c -V and --version print the versions"
    # Every option the help names is one the parser knows.
    unknown=""
    for f in $(sed -n 's/^  \(-., \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' "$T/help"); do
        $P "$c" "$f" 2>&1 | grep -q "unknown option" && unknown="$unknown $f"
    done
    is "$unknown" "" "$c: every option in --help is accepted"
    case $c in
        lint|check|diff) grep -q -- '--bearer-token-file FILE' "$T/help" ;;
        golden) grep -q -- '--from-exposition FILE' "$T/help" ;;
    esac
    ok $? "$c --help lists its shared options"
done

# --opt=value is --opt value; "--" ends the options.
# (the time a target took is left out of the comparison)
$P check --no-report --golden="$G" --target="$IN" 2>/dev/null |
    sed 's/, [0-9.]* s$//' >"$T/a" &&
    $P check --no-report --golden "$G" --target "$IN" 2>/dev/null |
    sed 's/, [0-9.]* s$//' >"$T/b" && [ -s "$T/a" ] && cmp -s "$T/a" "$T/b"
ok $? "check: --golden=G --target=IN reads as --golden G --target IN"
$P diff --format=json "$D" "$D" >"$T/a" && $P diff --format json "$D" "$D" >"$T/b" &&
    cmp -s "$T/a" "$T/b"
ok $? "diff: --format=json reads as --format json"
cp "$IN" "$T/-odd.prom"
(cd "$T" && "$PG_ROOT/$P" lint -- -odd.prom) >"$T/out" 2>&1
like "$? $(tail -1 "$T/out")" '^0 -odd.prom: 0 errors' "lint -- -odd.prom: '--' ends the options"
$P golden --from-exposition="$IN" -o "$T/g1.json" &&
    $P golden -o"$T/g2.json" --from-exposition "$IN" && cmp -s "$T/g1.json" "$T/g2.json"
ok $? "golden: -oFILE and -o FILE, --from-exposition=FILE"

# Output that could not be written is an error, not a verdict.
if [ -w /dev/full ]; then
    $P lint "$IN" >/dev/full 2>"$T/err"
    like "$? $(cat "$T/err")" "^2 promgate: cannot write to standard output: No space left on device" \
        "lint >/dev/full: exit 2 with a message"
    $P check --no-report --golden "$G" --target "$IN" >/dev/full 2>"$T/err"
    like "$? $(cat "$T/err")" "^2 promgate: cannot write to standard output: " \
        "conformant check >/dev/full: exit 2"
    $P golden --from-docs "$D" >/dev/full 2>"$T/err"
    is "$?" 2 "golden >/dev/full: exit 2"
else
    skip "/dev/full not writable" 3
fi
$P lint "$IN" >&- 2>"$T/err"
is "$?" 2 "lint with stdout closed: exit 2"
