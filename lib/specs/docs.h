/* docs.h: reads the metrics table of a docs Markdown page (Coder's
 * docs/admin/integrations/prometheus.md and its ancestors) into a golden,
 * and lints the page. */
#ifndef PG_DOCS_H
#define PG_DOCS_H

#include <stddef.h>

#include "specs/golden.h"
#include "core/util.h"

/* One lint finding. `rule` is a static short name ("counter-total",
 * "unit-abbrev", ...; see doc/golden.md); w holds SOURCE:LINE:COL and the
 * message. */
typedef void (*pg_docs_warn_fn)(void *ctx, const char *rule,
                                const pg_error *w);

typedef struct pg_docs_opts {
    const char *source;      /* name for messages and the golden's source */
    const char *version;     /* golden version; NULL: from the file name */
    pg_docs_warn_fn warn;    /* lint findings; NULL ignores them */
    void *warn_ctx;
} pg_docs_opts;

/* Parses docs Markdown in buf[0..len). Returns a new golden of kind "docs"
 * (sources: the base name of opts->source and the SHA-256 of buf), or NULL
 * with err set: no metrics table, malformed rows (missing cells, unknown
 * type, conflicting duplicate), empty or binary input. */
pg_golden *pg_docs_parse(const char *buf, size_t len, const pg_docs_opts *opts,
                         pg_error *err);
/* Reads path and parses it (opts->source defaults to path). */
pg_golden *pg_docs_load(const char *path, const pg_docs_opts *opts,
                        pg_error *err);

/* "2026-07-06 b21e0717d5" from a name like prometheus.2026-07-06.b21e0717d5.md,
 * or NULL; caller frees. */
char *pg_docs_version_from_name(const char *path);
/* 1 if buf looks like a Markdown docs page with a metrics table header. */
int pg_docs_sniff(const char *buf, size_t len);

#endif
