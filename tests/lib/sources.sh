# sources.sh: the file-vs-pipe-vs-URL comparison of tests 11 and 48.
#   sources_agree NAME   compares $PG_TMP/file with $PG_TMP/pipe and
#                        $PG_TMP/url (each a normalized verdict) and prints
#                        one TAP line, with the differences as comments.
sources_agree() {
    if cmp -s "$PG_TMP/file" "$PG_TMP/pipe" && cmp -s "$PG_TMP/file" "$PG_TMP/url"; then
        echo "ok - $1: file, pipe and URL agree"
    else
        echo "not ok - $1: file, pipe and URL agree"
        diff "$PG_TMP/file" "$PG_TMP/pipe" | sed 's/^/# pipe: /'
        diff "$PG_TMP/file" "$PG_TMP/url" | sed 's/^/# url: /'
    fi
}
