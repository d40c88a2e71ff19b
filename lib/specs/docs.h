/* docs.h: reads an exporter's metrics docs (Markdown, MkDocs, MDX, HTML
 * tables; one or many files) into a golden, and lints them. Shapes read:
 * metrics tables anywhere in a page, one heading per metric, bullet lists
 * and fenced exposition blocks (doc/golden.md, "Docs shapes"). */
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

/* What cannot be guessed from a page (doc/golden.md, "Docs profile"). */
typedef struct pg_docs_profile pg_docs_profile;

typedef struct pg_docs_opts {
    const char *source;      /* name for messages and the golden's source */
    const char *version;     /* golden version; NULL: from the file name */
    pg_docs_warn_fn warn;    /* lint findings and notes; NULL ignores them */
    void *warn_ctx;
    const pg_docs_profile *profile; /* NULL: none */
    int keep_going;          /* tables that could not be read are warnings
                                (rule "unread-table"), not an error */
    const char *root;        /* includes must stay under this directory;
                                NULL: the directory of each input */
} pg_docs_opts;

/* Parses one docs page in buf[0..len). Returns a new golden of kind
 * "docs" (sources: the base name of opts->source and the SHA-256 of buf),
 * or NULL with err set: nothing that reads as metrics (the message lists
 * the tables found), a metrics table that could not be read (unless
 * keep_going), a conflicting duplicate, empty or binary input. */
pg_golden *pg_docs_parse(const char *buf, size_t len, const pg_docs_opts *opts,
                         pg_error *err);
/* Reads path and parses it (opts->source defaults to path). */
pg_golden *pg_docs_load(const char *path, const pg_docs_opts *opts,
                        pg_error *err);
/* Reads many inputs into one golden: files, directories (their *.md,
 * *.mdx, *.markdown, *.html files, recursively, in name order) and glob
 * patterns. A name documented in several places is kept once. */
pg_golden *pg_docs_load_paths(const char *const *paths, size_t n,
                              const pg_docs_opts *opts, pg_error *err);

/* Loads a docs profile (JSON); NULL with err set. Free with
 * pg_docs_profile_free(). */
pg_docs_profile *pg_docs_profile_load(const char *path, pg_error *err);
void pg_docs_profile_free(pg_docs_profile *p);

/* "2026-07-06 b21e0717d5" from a name like prometheus.2026-07-06.b21e0717d5.md,
 * or NULL; caller frees. */
char *pg_docs_version_from_name(const char *path);
/* 1 if buf looks like a Markdown docs page with a metrics table header. */
int pg_docs_sniff(const char *buf, size_t len);

#endif
