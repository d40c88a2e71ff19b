#!/bin/sh
# pg_fmt_double(): the shortest text that reads back as the same double,
# checked against the table in fixtures/golden/fmt-double.txt.
cd "$(dirname "$0")/.." || exit 1
exec bin/pg-fmt-double fixtures/golden/fmt-double.txt
