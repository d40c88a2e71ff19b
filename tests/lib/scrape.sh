# scrape.sh: what the scrape tests share (POSIX sh; source it from the
# repository root after tap.sh and fixture.sh).
#   $C URL [ARGS...]       bin/test-scrape-client, under a timeout against
#                          hangs
#   get "$OUT" KEY [N]     the value of the Nth "KEY: value" line of its
#                          output (default the first)
C="timeout 30 bin/test-scrape-client"
get() { printf '%s\n' "$1" | sed -n "s/^$2: //p" | sed -n "${3:-1}p"; }
