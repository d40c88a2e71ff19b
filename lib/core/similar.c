/* similar.c: name similarity (see similar.h). */
#include "core/similar.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define MAX_PARTS 32

typedef struct parts {
    const char *p[MAX_PARTS];
    size_t len[MAX_PARTS];
    size_t n;
} parts;

/* Splits name on '_' (empty parts dropped). Returns -1 past MAX_PARTS. */
static int split_parts(const char *name, parts *out)
{
    out->n = 0;
    for (const char *s = name; *s;) {
        size_t n = strcspn(s, "_");
        if (n) {
            if (out->n == MAX_PARTS)
                return -1;
            out->p[out->n] = s;
            out->len[out->n++] = n;
        }
        s += n;
        if (*s == '_')
            s++;
    }
    return 0;
}

/* Whether every part of small is in big, each used once. */
static int parts_contained(const parts *small, const parts *big)
{
    char used[MAX_PARTS] = { 0 };
    for (size_t i = 0; i < small->n; i++) {
        size_t j = 0;
        for (; j < big->n; j++)
            if (!used[j] && big->len[j] == small->len[i] &&
                !memcmp(big->p[j], small->p[i], small->len[i]))
                break;
        if (j == big->n)
            return 0;
        used[j] = 1;
    }
    return 1;
}

enum pg_parts_relation pg_name_parts_relation(const char *a, const char *b,
                                              size_t *extra)
{
    parts pa, pb;
    if (split_parts(a, &pa) || split_parts(b, &pb) || !strcmp(a, b))
        return PG_PARTS_NONE;
    const parts *small = pa.n <= pb.n ? &pa : &pb;
    const parts *big = pa.n <= pb.n ? &pb : &pa;
    if (small->n < 2 || big->n - small->n > small->n ||
        !parts_contained(small, big))
        return PG_PARTS_NONE;
    if (extra)
        *extra = big->n - small->n;
    return big->n == small->n ? PG_PARTS_MOVED : PG_PARTS_INSERTED;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t pg_name_distance_within(const char *a, const char *b, size_t k)
{
    size_t n = strlen(a), m = strlen(b);
    if ((n > m ? n - m : m - n) > k)
        return k + 1;
    size_t small[2][256];
    size_t *heap = NULL, *prev, *cur;
    if (m + 1 <= 256) {
        prev = small[0];
        cur = small[1];
    } else {
        heap = pg_xmalloc(2 * (m + 1) * sizeof *heap);
        prev = heap;
        cur = heap + m + 1;
    }
    /* Cells more than k off the diagonal exceed k: they hold k + 1. */
    const size_t inf = k + 1;
    for (size_t j = 0; j <= m; j++)
        prev[j] = j <= k ? j : inf;
    size_t d = inf;
    for (size_t i = 1; i <= n; i++) {
        size_t lo = i > k ? i - k : 1, hi = i + k < m ? i + k : m;
        size_t row_min = inf;
        cur[0] = i <= k ? i : inf;
        if (lo > 1)
            cur[lo - 1] = inf;
        for (size_t j = lo; j <= hi; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t v = min3(sub, del, ins);
            cur[j] = v < inf ? v : inf;
            if (cur[j] < row_min)
                row_min = cur[j];
        }
        if (hi < m)
            cur[hi + 1] = inf;
        if (row_min > k && cur[0] > k)
            goto out;
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    d = prev[m];
out:
    free(heap);
    return d > k ? k + 1 : d;
}
