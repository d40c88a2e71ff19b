/* hints.c: rename hints (see hints.h).
 *
 * Closeness, best first: the undocumented name is the documented one with
 * a sample suffix (a histogram exposed without its TYPE line: foo_bucket)
 * or has the same stem with another unit (foo_latency_ms for
 * foo_latency_seconds); then a small edit distance; then the same name
 * parts moved or with parts inserted (coderd_open_files_total ->
 * coderd_file_cache_open_files_total). Ties go to the first name in order.
 *
 * Comparing every missing metric with every undocumented one is quadratic
 * (20 000 undocumented families took seconds), so the undocumented names
 * are indexed: by whole name and by stem for the exact relations, and by
 * part for the others. A missing metric is compared with at most
 * MAX_CANDIDATES names that share a part with it, rarest parts first (a
 * rename keeps most of its parts, and the rare ones find it). */
#include "check/hints.h"
#include "core/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/similar.h"
#include "core/util.h"

#define MAX_CANDIDATES 256

/* ---- a map from byte strings to lists of indexes ---- */

typedef struct postings {
    size_t *v;
    size_t n, cap;
} postings;

typedef struct index_map {
    pg_strmap keys;       /* key -> its list + 1 */
    postings *lists;
    size_t n, cap;
} index_map;

static const postings *map_get(const index_map *m, const char *p, size_t len)
{
    size_t k = (size_t)(uintptr_t)pg_strmap_get(&m->keys, p, len);
    return k ? &m->lists[k - 1] : NULL;
}

/* Appends index x to the list of key p[0..len). */
static void map_add(index_map *m, const char *p, size_t len, size_t x)
{
    size_t k = (size_t)(uintptr_t)pg_strmap_get(&m->keys, p, len);
    if (!k) {
        if (m->n == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 64;
            m->lists = pg_xrealloc(m->lists, m->cap * sizeof *m->lists);
        }
        memset(&m->lists[m->n], 0, sizeof *m->lists);
        k = ++m->n;
        pg_strmap_put(&m->keys, p, len, (void *)(uintptr_t)k);
    }
    postings *l = &m->lists[k - 1];
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 2;
        l->v = pg_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = x;
}

static void map_release(index_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->lists[i].v);
    free(m->lists);
    pg_strmap_release(&m->keys, NULL);
    memset(m, 0, sizeof *m);
}

/* ---- names ---- */

static int has_suffix(const char *s, size_t len, const char *suffix,
                      size_t *stem)
{
    size_t n = strlen(suffix);
    if (len < n || memcmp(s + len - n, suffix, n) != 0)
        return 0;
    *stem = len - n;
    return 1;
}

/* The length of the name without _total and one unit suffix, so
 * foo_latency_ms and foo_latency_seconds share the stem foo_latency. */
static size_t name_stem(const char *name)
{
    static const char *const units[] = {
        "_seconds", "_milliseconds", "_ms", "_microseconds", "_us",
        "_nanoseconds", "_ns", "_minutes", "_hours", "_bytes", "_kilobytes",
        "_kb", "_megabytes", "_mb", "_ratio", "_percent", "_count",
    };
    size_t len = strlen(name), stem;
    if (has_suffix(name, len, "_total", &stem))
        len = stem;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (has_suffix(name, len, units[i], &stem) && stem > 0)
            return stem;
    return len;
}

/* The samples of a histogram or summary (or a counter) exposed without
 * their TYPE line form families of their own: foo_bucket, foo_sum, ... */
static const char *const sample_suffixes[] = { "_bucket", "_sum", "_count",
                                               "_total" };

typedef struct hint_index {
    index_map by_name, by_stem, by_part;
    size_t *seen;          /* per undocumented name: query stamp */
} hint_index;

static void index_build(hint_index *x, const pg_metric_result *u, size_t n)
{
    memset(x, 0, sizeof *x);
    x->seen = pg_xcalloc(n + 1, sizeof *x->seen);
    for (size_t i = 0; i < n; i++) {
        const char *name = u[i].metric;
        map_add(&x->by_name, name, strlen(name), i);
        map_add(&x->by_stem, name, name_stem(name), i);
        for (const char *s = name; *s;) {
            size_t len = strcspn(s, "_");
            if (len)
                map_add(&x->by_part, s, len, i);
            s += len + (s[len] == '_');
        }
    }
}

static void index_release(hint_index *x)
{
    map_release(&x->by_name);
    map_release(&x->by_stem);
    map_release(&x->by_part);
    free(x->seen);
}

/* The first undocumented name in an exact relation with name, or SIZE_MAX:
 * name plus a sample suffix, or the same stem. */
static size_t exact_match(const hint_index *x, const char *name)
{
    size_t best = SIZE_MAX, len = strlen(name);
    pg_buf b = PG_BUF_INIT;
    for (size_t i = 0; i < sizeof sample_suffixes / sizeof *sample_suffixes;
         i++) {
        b.len = 0;
        pg_buf_add(&b, name, len);
        pg_buf_adds(&b, sample_suffixes[i]);
        const postings *p = map_get(&x->by_name, b.p, b.len);
        if (p && p->v[0] < best)
            best = p->v[0];
    }
    pg_buf_release(&b);
    size_t stem = name_stem(name);
    const postings *p = stem ? map_get(&x->by_stem, name, stem) : NULL;
    if (p && p->v[0] < best)
        best = p->v[0];
    return best;
}

/* How close candidate is to name: 0 if unrelated, else lower is closer. */
static size_t closeness(const char *name, const char *candidate)
{
    size_t la = strlen(name), lb = strlen(candidate);
    size_t lim = (la < lb ? la : lb) / 8;
    if (lim > 3)
        lim = 3;
    size_t d = lim ? pg_name_distance_within(name, candidate, lim) : 1;
    if (d > 0 && d <= lim)
        return 1 + d;
    size_t extra = 0;
    switch (pg_name_parts_relation(name, candidate, &extra)) {
    case PG_PARTS_MOVED:
        return 5;
    case PG_PARTS_INSERTED:
        return 5 + extra;
    default:
        return 0;
    }
}

typedef struct part_ref {
    const postings *list;
} part_ref;

static int cmp_part_ref(const void *a, const void *b)
{
    size_t x = ((const part_ref *)a)->list->n, y = ((const part_ref *)b)->list->n;
    return x < y ? -1 : x > y;
}

/* The closest undocumented name among the candidates that share a part
 * with name, or SIZE_MAX. stamp marks the candidates of this query. */
static size_t near_match(hint_index *x, const pg_metric_result *u,
                         const char *name, size_t stamp)
{
    part_ref refs[64];
    size_t nrefs = 0;
    for (const char *s = name; *s && nrefs < 64;) {
        size_t len = strcspn(s, "_");
        const postings *p = len ? map_get(&x->by_part, s, len) : NULL;
        if (p)
            refs[nrefs++].list = p;
        s += len + (s[len] == '_');
    }
    qsort(refs, nrefs, sizeof *refs, cmp_part_ref);
    size_t best = SIZE_MAX, best_score = 0, tried = 0;
    for (size_t r = 0; r < nrefs && tried < MAX_CANDIDATES; r++)
        for (size_t k = 0; k < refs[r].list->n && tried < MAX_CANDIDATES;
             k++) {
            size_t j = refs[r].list->v[k];
            if (x->seen[j] == stamp)
                continue;
            x->seen[j] = stamp;
            tried++;
            size_t s = closeness(name, u[j].metric);
            if (s && (best == SIZE_MAX || s < best_score ||
                      (s == best_score && j < best))) {
                best = j;
                best_score = s;
            }
        }
    return best;
}

static int wants_hint(const pg_metric_result *m)
{
    return m->verdict != PG_VERDICT_SKIP && m->nproblems &&
           m->problems[0].code == PG_PROBLEM_MISSING;
}

void pg__rename_hints(pg_metric_result *doc, size_t ndoc,
                      pg_metric_result *undoc, size_t nundoc)
{
    if (!nundoc)
        return;
    hint_index x;
    index_build(&x, undoc, nundoc);
    for (size_t i = 0; i < ndoc; i++) {
        pg_metric_result *m = &doc[i];
        if (!wants_hint(m))
            continue;
        size_t j = exact_match(&x, m->metric);
        if (j == SIZE_MAX)
            j = near_match(&x, undoc, m->metric, i + 1);
        if (j == SIZE_MAX)
            continue;
        free(m->rename_hint);
        m->rename_hint = pg_xstrdup(undoc[j].metric);
        if (!undoc[j].rename_hint)
            undoc[j].rename_hint = pg_xstrdup(m->metric);
    }
    index_release(&x);
}
