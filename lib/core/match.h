/* match.h: PCRE2 matching with bounded work, for every pattern promgate
 * takes from a user: golden label-value domains and the --only, --skip
 * and --exempt selections. A pattern that cannot decide a subject within
 * the limits is an error naming the pattern, never "no match": a gate
 * must not turn "could not tell" into a verdict. */
#ifndef PG_MATCH_H
#define PG_MATCH_H

#include <stddef.h>

#include "core/util.h"

enum pg_match_flags {
    PG_MATCH_ANCHORED = 1 << 0 /* the whole subject must match */
};

typedef struct pg_matcher pg_matcher;

/* Compiles pattern (UTF-8). `what` names it in errors (e.g. "--skip",
 * "golden: m: label 'a'"). Returns NULL with err set ("invalid regular
 * expression 'P' at offset N: reason") when it does not compile. */
pg_matcher *pg_matcher_new(const char *pattern, unsigned flags,
                           const char *what, pg_error *err);
/* 1 on a match, 0 on none, -1 with err set when the match could not be
 * decided (match, depth or heap limit, bad UTF-8, out of memory). */
int pg_matcher_match(pg_matcher *m, const char *s, size_t len, pg_error *err);
const char *pg_matcher_pattern(const pg_matcher *m);
void pg_matcher_free(pg_matcher *m);

#endif
