/* hints.h: rename hints of a check: a documented metric that is missing
 * next to an undocumented one of similar name names it, and the other way
 * round. Private to lib/check. */
#ifndef PG_HINTS_H
#define PG_HINTS_H

#include <stddef.h>

#include "check/result.h"

/* Sets rename_hint on the missing metrics of doc[0..ndoc) and on the
 * undocumented undoc[0..nundoc) (sorted by name) they point to. Work is
 * linear in ndoc + nundoc (bounded candidates per missing metric). */
void pg__rename_hints(pg_metric_result *doc, size_t ndoc,
                      pg_metric_result *undoc, size_t nundoc);

#endif
