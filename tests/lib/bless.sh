# bless.sh: what `make bless` needs from a case test (POSIX sh). A case
# test never writes its expected files; for each one it compares, it
# calls
#   pg_keep_got EXPECTED GOT    GOT is what the code produced now
#   pg_keep_absent EXPECTED     the code's output means "no such file"
# (paths relative to the repository root). Both do nothing unless
# PG_BLESS_DIR is set, which only `make bless` does: then GOT is copied to
# $PG_BLESS_DIR/EXPECTED (or EXPECTED listed in $PG_BLESS_DIR/.absent) and
# scripts/bless.sh installs them after the run.
pg_keep_got() {
    [ -n "${PG_BLESS_DIR:-}" ] || return 0
    mkdir -p "$PG_BLESS_DIR/$(dirname "$1")" && cp "$2" "$PG_BLESS_DIR/$1"
}
pg_keep_absent() {
    [ -n "${PG_BLESS_DIR:-}" ] || return 0
    mkdir -p "$PG_BLESS_DIR" && printf '%s\n' "$1" >>"$PG_BLESS_DIR/.absent"
}
