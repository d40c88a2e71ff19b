/* golden_expo.h: derives a golden from exposition text, the way Coder's
 * scripts/metricsdocgen builds its docs table: families merged by name
 * across inputs, the first input that declares a family wins. */
#ifndef PG_GOLDEN_EXPO_H
#define PG_GOLDEN_EXPO_H

#include <stddef.h>

#include "specs/golden.h"
#include "core/util.h"

typedef struct pg_gexpo pg_gexpo;

/* New accumulator; caller frees with pg_gexpo_free() (or gets the golden
 * with pg_gexpo_finish()). */
pg_gexpo *pg_gexpo_new(void);
/* Parses one exposition (text format or OpenMetrics, decided from
 * content_type or the content) and merges its families: a family already
 * seen keeps its first definition. Labels are taken from samples; le and
 * quantile are structure, not labels. Bucket bounds are recorded when the
 * family has _bucket samples. A Markdown page is accepted too: its fenced
 * code blocks holding "# TYPE" lines are parsed (lines "..." dropped).
 * Faults of structure (a family split, a HELP without samples) are
 * tolerated; a line the parser cannot read (its grammar, a TYPE line) is
 * not: nothing of the input is merged. Returns 0, or -1 with err set
 * (that line's line:col and message, or the first error when the input
 * has no family at all). */
int pg_gexpo_add(pg_gexpo *x, const char *buf, size_t len, const char *source,
                 const char *content_type, pg_error *err);
/* Ends accumulation: a new golden of kind "exposition" with the sources
 * added so far; frees x. */
pg_golden *pg_gexpo_finish(pg_gexpo *x, const char *version);
void pg_gexpo_free(pg_gexpo *x);

/* Reads and merges files in order (first wins). */
pg_golden *pg_golden_from_expositions(const char *const *paths, size_t n,
                                      const char *version, pg_error *err);

#endif
