# tap.sh: minimal TAP helpers for shell tests (POSIX sh). Source it, call
# plan N (or nothing and done_testing at the end), then:
#   ok COND_STATUS "name"        ok if the status is 0
#   is "$got" "$want" "name"     string equality (prints both on failure)
#   like "$got" "ERE" "name"     grep -E match (prints got on failure)
#   unlike "$got" "ERE" "name"   no match
#   skip "why" [N]               N skipped tests (default 1)
#   diag "text"                  a comment line on stderr
_tap_n=0
_tap_failed=0
plan() { echo "1..$1"; _tap_planned=1; }
diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }
_tap_result() {
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $_tap_n - $2"
    else
        echo "not ok $_tap_n - $2"
        _tap_failed=$((_tap_failed + 1))
    fi
}
ok() { _tap_result "$1" "$2"; }
is() {
    if [ "$1" = "$2" ]; then _tap_result 0 "$3"; else
        _tap_result 1 "$3"; diag "got:  '$1'" "want: '$2'"; fi
}
like() {
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then _tap_result 0 "$3"; else
        _tap_result 1 "$3"; diag "got: $1" "want match: $2"; fi
}
unlike() {
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        _tap_result 1 "$3"; diag "got: $1" "unwanted match: $2"; else
        _tap_result 0 "$3"; fi
}
skip() {
    _tap_k=${2:-1}
    while [ "$_tap_k" -gt 0 ]; do
        _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # skip $1"
        _tap_k=$((_tap_k - 1))
    done
}
done_testing() { [ -n "${_tap_planned:-}" ] || echo "1..$_tap_n"; }
