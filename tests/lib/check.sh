# check.sh: helpers for the check tests (POSIX sh).
#   tap_failures FILE   "metric code" per failing test point of a promgate
#                       check TAP output: the metric (first word of the
#                       description) and the code of its first problem.
tap_failures() {
    awk '
        /^not ok / {
            if (m != "") print m, c
            d = $0; sub(/^not ok [0-9]+ - /, "", d)
            split(d, w, /[ :]/); m = w[1]; c = ""; next
        }
        /^ok / { if (m != "") print m, c; m = ""; next }
        /^    - code: / { if (m != "" && c == "") c = $3 }
        END { if (m != "") print m, c }
    ' "$1" | sort
}
