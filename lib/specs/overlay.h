/* overlay.h: a hand-kept overlay adds to a golden what the docs table
 * lacks: bucket bounds, native-histogram flags, requirement levels
 * (conditions), label value patterns, HELP exceptions and docs errata
 * (where the docs are wrong about what the code serves). Format:
 * golden/overlay/README.md. */
#ifndef PG_OVERLAY_H
#define PG_OVERLAY_H

#include <stddef.h>

#include "specs/golden.h"
#include "core/util.h"

typedef struct pg_overlay pg_overlay;

/* Reports an overlay finding (an entry that matches no metric, a field
 * that does not fit the metric's type). rule is a static short name. */
typedef void (*pg_overlay_warn_fn)(void *ctx, const char *rule,
                                   const pg_error *w);

/* Loads and validates an overlay (patterns are compiled with PCRE2 to
 * reject bad ones early). Returns a new overlay, or NULL with err set to
 * file:line:col (JSON syntax) or file and the entry at fault. */
pg_overlay *pg_overlay_load(const char *path, pg_error *err);
/* The same for an overlay already in memory; path names it in messages
 * and in the golden's record of the overlay. */
pg_overlay *pg_overlay_loadb(const char *data, size_t len, const char *path,
                             pg_error *err);
/* Applies the overlay to g: for each metric, every matching entry applies
 * in order of specificity (prefix entries, shorter first, then exact
 * names), so the most specific entry wins per field. Records the overlay
 * (base name and SHA-256) in g->overlay. Returns the number of warnings. */
size_t pg_overlay_apply(const pg_overlay *ov, pg_golden *g,
                        pg_overlay_warn_fn warn, void *ctx);
/* The release the next pg_overlay_apply() builds a golden for (a tag such
 * as v2.24.2), or NULL: then entries with a "releases" range are not
 * applied. */
void pg_overlay_set_release(pg_overlay *ov, const char *release);
void pg_overlay_free(pg_overlay *ov);

#endif
