/* errata.h: the two readings of a golden with docs errata: the corrected
 * contract (what the code serves, as the golden file holds it) and the
 * docs exactly as published, plus the words a report uses for each
 * erratum (golden/SCHEMA.md, "Errata"). */
#ifndef PG_ERRATA_H
#define PG_ERRATA_H

#include "specs/golden.h"
#include "core/util.h"

/* A copy of g as the docs publish it: each erratum's docs name, labels
 * and type replace the code's, metrics the docs do not list are left
 * out, and every erratum is kept (docs_side set) so a check can say what
 * the docs should say. Caller frees. */
pg_golden *pg_golden_as_documented(const pg_golden *g);

/* Appends one line about m's erratum to out: on the code's side what the
 * docs get wrong ("docs erratum: the docs name it 'X'; the code serves
 * 'Y'"), on the docs' side what the docs should say; then the release
 * range and the evidence. Nothing when m has no erratum. */
void pg_erratum_describe(const pg_golden_metric *m, pg_buf *out);

#endif
