/* golden_arg.h: the golden a command's --golden argument names: a golden
 * file, or a reference to an installed release golden (coder@v2.24.2,
 * coder@auto; lib/specs/goldenset.h). */
#ifndef PG_GOLDEN_ARG_H
#define PG_GOLDEN_ARG_H

#include "source/scrape.h"
#include "specs/golden.h"
#include "core/util.h"

/* Loads the golden. For PRODUCT@auto the release is read from the first
 * target (a URL scraped with so, or a file) and the choice is printed on
 * stderr after "me: ". Returns NULL with err set when the reference does
 * not resolve or the golden does not load. */
pg_golden *pg_golden_arg_load(const char *arg, const char *first_target,
                              const pg_scrape_opts *so, const char *me,
                              pg_error *err);

#endif
