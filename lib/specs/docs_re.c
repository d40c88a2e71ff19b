/* docs_re.c: the docs readers' built-in patterns, compiled once on first
 * use (see docs_int.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "specs/docs_int.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const re_src[RE_COUNT] = {
    [RE_UNIT_ABBREV] =
        "_(ms|us|ns|s|sec|secs|min|mins|hr|hrs|kb|mb|gb|kib|mib|gib|pct)"
        "(?:_total)?$",
    [RE_UNIT_NONBASE] =
        "_(milliseconds?|microseconds?|nanoseconds?|minutes?|hours?|days?|"
        "kilobytes|megabytes|gigabytes|percent)(?:_total)?$",
    [RE_VERSION] = "(\\d{4}-\\d{2}-\\d{2})[.-]([0-9a-f]{7,40})(?:\\.|$)",
    [RE_NATIVE_HEAD] = "^#+\\s.*native\\s+histogram",
    [RE_FLAT_ROW] = "^[a-zA-Z_:][a-zA-Z0-9_:]*_[a-zA-Z0-9_:]* "
                    "(?:counter|gauge|histogram|summary|untyped) \\S",
};

static pcre2_code *re_cache[RE_COUNT];

static pcre2_code *re_get(enum docs_re_id id)
{
    if (!re_cache[id]) {
        int code;
        PCRE2_SIZE off;
        uint32_t opts = PCRE2_UTF;
        if (id == RE_NATIVE_HEAD)
            opts |= PCRE2_CASELESS;
        re_cache[id] = pcre2_compile((PCRE2_SPTR)re_src[id],
                                     PCRE2_ZERO_TERMINATED, opts, &code, &off,
                                     NULL);
        if (!re_cache[id]) {
            /* A built-in pattern that does not compile is a bug. */
            fprintf(stderr, "promgate: bad built-in pattern %d at %zu\n",
                    (int)id, (size_t)off);
            abort();
        }
    }
    return re_cache[id];
}

int docs_re_match(enum docs_re_id id, const char *s, size_t len, size_t *ov, int n)
{
    pcre2_code *re = re_get(id);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    if (rc > 0 && ov) {
        PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);
        for (int i = 0; i < rc && i < n; i++) {
            ov[2 * i] = v[2 * i];
            ov[2 * i + 1] = v[2 * i + 1];
        }
    }
    pcre2_match_data_free(md);
    return rc > 0 ? rc : 0;
}
