/* goldenset.h: release goldens installed under a share directory
 * (<share>/golden/<product>/releases.tsv maps every release tag to its
 * golden),
 * golden references such as coder@v2.24.2 and coder@auto, and release
 * numbers and ranges as overlays and reports use them. */
#ifndef PG_GOLDENSET_H
#define PG_GOLDENSET_H

#include <stddef.h>

#include "core/util.h"

/* Orders release tags like v2.33.0-rc.2 < v2.33.0 < v2.33.1 (semantic
 * versioning; a leading 'v' is optional, build metadata after '+' is
 * ignored). Tags that are not versions sort after versions, by strcmp. */
int pg_release_cmp(const char *a, const char *b);

/* A release range: "A..B" (both included), "A.." (A and later), "..B"
 * (up to B) or "A" (A only). Returns 1 if release is inside, 0 if not,
 * -1 if range is malformed. */
int pg_release_in_range(const char *release, const char *range);

/* The share directory, which holds golden/ (and the suite):
 * $PROMGATE_SHARE_DIR, else PREFIX/share/promgate beside the running
 * program's PREFIX/bin when it has a golden/ (an installed promgate), else
 * the directory above the program's (a source tree's bin/promgate).
 * Caller frees. */
char *pg_share_dir(void);

/* 1 if s is a golden reference (PRODUCT@RELEASE, PRODUCT@auto) rather than
 * a file name: it has an '@' and names no existing file. */
int pg_golden_ref_is(const char *s);
/* 1 if the reference asks for the release to be read from the scrape. */
int pg_golden_ref_is_auto(const char *ref);

/* Resolves a golden reference to the golden file's path. For PRODUCT@auto,
 * version is what the scrape reports (NULL if it reports none). On
 * success returns the path (caller frees) and, when note is not NULL, a
 * line saying which release and golden were chosen (caller frees). On
 * failure returns NULL with err saying why: an unknown product, a release
 * before the docs page existed, or one newer than the newest known
 * release (naming the nearest golden, never guessing). */
char *pg_golden_resolve(const char *ref, const char *version, char **note,
                        pg_error *err);

/* Finds the server's release in an exposition, from a line
 * coderd_build_info{...,version="v2.35.1",...} 1. Feed the body in chunks
 * of any size; pg_build_sniff_version() returns the version once seen. */
typedef struct pg_build_sniff pg_build_sniff;
pg_build_sniff *pg_build_sniff_new(void);
void pg_build_sniff_feed(pg_build_sniff *s, const char *buf, size_t len);
const char *pg_build_sniff_version(const pg_build_sniff *s);
void pg_build_sniff_free(pg_build_sniff *s);

#endif
