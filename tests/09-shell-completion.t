#!/bin/sh
# Shell completion is read from promgate's own --help, so it cannot drift
# from the option tables: zsh's completion system, driven in a
# pseudo-terminal with scripts/completion.zsh, offers every command, every
# long option of each command, and the listed choices of an option's value.
# Skipped where zsh is not installed.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
ZSH=/usr/bin/zsh
if [ ! -x "$ZSH" ]; then
    echo "1..0 # skip $ZSH not installed"
    exit 0
fi
pg_tmpdir
T=$PG_TMP
cp scripts/completion.zsh "$T/_promgate"
BIN=$(pwd)/bin

# offers LINE WANT NAME: the matches zsh offers for LINE are WANT. zsh may
# give up before promgate's --help comes back, or take a TAB before its
# line editor is ready (a slow, loaded or sanitizer build), and then
# offers nothing or part of the list: ask again, up to three times, and
# fail with the last answer if none was WANT.
offers() {
    for _try in 1 2 3; do
        _got=$(timeout 30 "$ZSH" -f tests/lib/zsh-complete.zsh "$T" "$BIN" "$1" |
            LC_ALL=C sort -u | tr '\n' ' ')
        [ "$_got" = "$2" ] && break
    done
    is "$_got" "$2" "$3"
}
sorted() { tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort -u | tr '\n' ' '; }

cmds=$(bin/promgate --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
offers 'promgate ' "$(echo $cmds | sorted)" "the commands of 'promgate --help'"
offers 'promgate help ' "$(echo $cmds | sorted)" "'promgate help' completes a command"

for c in $cmds; do
    case $c in help|version) continue ;; esac
    want=$(bin/promgate "$c" --help | sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' | sorted)
    offers "promgate $c --" "$want" "the long options of 'promgate $c --help'"
done

# LINE | the matches expected: an option's listed values, a prefix.
while IFS='|' read -r line want; do
    offers "$line" "$(echo "$want" | sorted)" "'$line' offers $want"
done <<'EOF_CASES'
promgate check --undocumented |fail warn ignore
promgate check --format=|tap json summary
promgate lint --input-format |prom openmetrics protobuf auto
promgate diff --accept |prom openmetrics protobuf auto
promgate golden --escaping |allow-utf-8 underscores dots values
promgate diff --no-|--no-renames --no-report
promgate lint --max-e|--max-errors
EOF_CASES
done_testing
