/* fuzz_reload.h: the property the spec harnesses share: a golden that a
 * reader produced, written as JSON, loads back (what `promgate golden`
 * writes, `check` and `diff` must be able to read). Aborts, so libFuzzer
 * keeps the input, when it does not. */
#ifndef PG_FUZZ_RELOAD_H
#define PG_FUZZ_RELOAD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/golden.h"

/* Writes g as JSON (into *json, caller frees) and loads that back; returns
 * the golden loaded (caller frees). `what` names g in the message. */
static pg_golden *fuzz_reload(const pg_golden *g, const char *what,
                              char **json)
{
    *json = pg_golden_dumps(g);
    pg_error err;
    pg_error_init(&err);
    pg_golden *back = pg_golden_loadb(*json, strlen(*json), what, &err);
    if (!back) {
        fprintf(stderr, "%s does not load back: %s:%d:%d: %s\n", what,
                err.source, err.line, err.column, err.text);
        abort();
    }
    return back;
}

#endif
