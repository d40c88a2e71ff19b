/* match.c: bounded PCRE2 matching (see match.h).
 *
 * PCRE2's JIT runs on a 32 KiB machine stack unless given one of its own:
 * a pattern like (?:a|b)* needs a frame per repetition, so a 2000-byte
 * label value overflows it, and pcre2_match() returns an error that a
 * "rc >= 0" test reads as "no match". Here a match that runs out of JIT
 * stack is retried on a JIT stack of JIT_STACK_MAX, then by the
 * interpreter, whose depth and heap limits bound the same work; only a
 * match that exceeds those limits is an error. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/match.h"

#include <pcre2.h>
#include <stdlib.h>

/* Work limits for one match. MATCH_LIMIT is PCRE2's default (it bounds
 * backtracking, the cause of exponential patterns); the depth limit
 * allows a repetition per byte of a 200 KB value, and the heap limit the
 * interpreter frames that depth needs. */
#define MATCH_LIMIT 10000000u
#define DEPTH_LIMIT 200000u
#define HEAP_LIMIT_KIB (128u * 1024u)
/* JIT stack for matches that overflow the default 32 KiB: large enough
 * for a repetition per byte of the values a real scrape carries; longer
 * ones fall back to the interpreter under DEPTH_LIMIT. */
#define JIT_STACK_START (64u * 1024u)
#define JIT_STACK_MAX (8u * 1024u * 1024u)

struct pg_matcher {
    char *pattern;
    char *what;
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack; /* created on the first overflow */
    int jit;                    /* the pattern was JIT-compiled */
};

pg_matcher *pg_matcher_new(const char *pattern, unsigned flags,
                           const char *what, pg_error *err)
{
    int ec;
    PCRE2_SIZE off;
    /* A subject that is not valid UTF-8 matches no UTF-8 pattern (it is
     * outside any documented domain); it is not a matcher error. */
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (flags & PG_MATCH_ANCHORED)
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern,
                                     PCRE2_ZERO_TERMINATED, opts, &ec, &off,
                                     NULL);
    if (!code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        pg_error_set(err, what, 0, 0,
                     "invalid regular expression '%s' at offset %zu: %s",
                     pattern, (size_t)off, (const char *)msg);
        return NULL;
    }
    pg_matcher *m = pg_xcalloc(1, sizeof *m);
    m->pattern = pg_xstrdup(pattern);
    m->what = pg_xstrdup(what);
    m->code = code;
    m->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    m->md = pcre2_match_data_create(1, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    if (!m->md || !m->mctx) {
        pg_matcher_free(m);
        pg_error_set(err, what, 0, 0, "out of memory compiling '%s'", pattern);
        return NULL;
    }
    pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
    pcre2_set_heap_limit(m->mctx, HEAP_LIMIT_KIB);
    return m;
}

static int run(pg_matcher *m, const char *s, size_t len, uint32_t opts)
{
    return pcre2_match(m->code, (PCRE2_SPTR)s, len, 0, opts, m->md, m->mctx);
}

int pg_matcher_match(pg_matcher *m, const char *s, size_t len, pg_error *err)
{
    if (!s)
        s = "";
    int rc = run(m, s, len, 0);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !m->jit_stack) {
        m->jit_stack = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX,
                                              NULL);
        if (m->jit_stack) {
            pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);
            rc = run(m, s, len, 0);
        }
    }
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
        rc = run(m, s, len, PCRE2_NO_JIT);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(rc, msg, sizeof msg);
    pg_error_set(err, m->what, 0, 0,
                 "pattern '%s' could not be matched against a string of %zu "
                 "bytes: %s (the pattern needs too much backtracking; "
                 "simplify it)", m->pattern, len, (const char *)msg);
    return -1;
}

const char *pg_matcher_pattern(const pg_matcher *m)
{
    return m->pattern;
}

void pg_matcher_free(pg_matcher *m)
{
    if (!m)
        return;
    pcre2_jit_stack_free(m->jit_stack);
    pcre2_match_context_free(m->mctx);
    pcre2_match_data_free(m->md);
    pcre2_code_free(m->code);
    free(m->pattern);
    free(m->what);
    free(m);
}
