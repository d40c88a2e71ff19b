/* diff.c: see diff.h.
 *
 * Metrics present on both sides are compared field by field. The rest are
 * first paired as renames, best score first, then reported as added or
 * removed. A pair scores when
 *   - the names are equal once units are spelled as base units
 *     (`_ms` -> `_seconds`: Prometheus naming, "use base units"), or
 *   - the names differ only in a prefix that at least two pairs share
 *     (`coder_aibridged_*` -> `coder_ai_gateway_*`), or
 *   - the names are close in edit distance and the types agree (a
 *     misspelt name corrected).
 * A renamed pair is never also listed as added/removed. */
#include "diff/diff.h"

#include <stdlib.h>
#include <string.h>

#include "core/similar.h"

/* ---- unit canonicalization ---------------------------------------------- */

/* Unit words and their base unit. Only whole `_`-separated segments are
 * replaced, anywhere in the name. */
static const struct unit {
    const char *from, *to;
} units[] = {
    { "ms", "seconds" },      { "milliseconds", "seconds" },
    { "us", "seconds" },      { "microseconds", "seconds" },
    { "ns", "seconds" },      { "nanoseconds", "seconds" },
    { "s", "seconds" },       { "sec", "seconds" },
    { "secs", "seconds" },    { "second", "seconds" },
    { "kb", "bytes" },        { "mb", "bytes" },
    { "gb", "bytes" },        { "kib", "bytes" },
    { "mib", "bytes" },       { "gib", "bytes" },
};

static char *canon_units(const char *name)
{
    pg_buf b = PG_BUF_INIT;
    const char *p = name;
    for (;;) {
        const char *us = strchr(p, '_');
        size_t n = us ? (size_t)(us - p) : strlen(p);
        const char *rep = NULL;
        /* The first segment is a namespace, never a unit. */
        if (p != name)
            for (size_t i = 0; i < sizeof units / sizeof *units; i++)
                if (strlen(units[i].from) == n && !memcmp(units[i].from, p, n))
                    rep = units[i].to;
        if (rep)
            pg_buf_adds(&b, rep);
        else
            pg_buf_add(&b, p, n);
        if (!us)
            break;
        pg_buf_addc(&b, '_');
        p = us + 1;
    }
    return pg_buf_detach(&b);
}

/* ---- similarity --------------------------------------------------------- */

static double name_similarity(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t mx = n > m ? n : m;
    if (!mx)
        return 1;
    /* The distance is at least the length difference: skip the quadratic
     * computation when that alone rules out a match (below 0.8). */
    if ((double)(n > m ? n - m : m - n) > 0.2 * (double)mx)
        return 0;
    return 1.0 - (double)pg_edit_distance(a, b) / (double)mx;
}

/* Length in bytes of the longest common suffix of a and b that starts
 * right after a '_' in both (a whole number of segments), or 0. */
static size_t common_segment_suffix(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b), k = 0, best = 0;
    while (k < n && k < m && a[n - 1 - k] == b[m - 1 - k]) {
        k++;
        if (k < n && k < m && a[n - 1 - k] == '_' && b[m - 1 - k] == '_')
            best = k;
    }
    return best;
}

/* A rename by name parts keeps the namespace (first part); one that
 * inserts parts also keeps the last part: a new last part
 * (coderd_license_user_limit_enabled) names another family. */
static enum pg_parts_relation parts_renamed(const char *a, const char *b,
                                            size_t *extra)
{
    size_t fa = strcspn(a, "_"), fb = strcspn(b, "_");
    if (fa != fb || memcmp(a, b, fa) != 0)
        return PG_PARTS_NONE;
    enum pg_parts_relation rel = pg_name_parts_relation(a, b, extra);
    const char *la = strrchr(a, '_'), *lb = strrchr(b, '_');
    if (rel == PG_PARTS_INSERTED && (!la || !lb || strcmp(la, lb) != 0))
        return PG_PARTS_NONE;
    return rel;
}

/* Generic trailing segments that say nothing about identity. */
static int generic_suffix(const char *s)
{
    static const char *const g[] = { "total", "seconds", "bytes", "count",
                                      "seconds_total", "bytes_total",
                                      "info", "ratio", NULL };
    for (size_t i = 0; g[i]; i++)
        if (!strcmp(s, g[i]))
            return 1;
    return 0;
}

/* ---- comparing two entries ---------------------------------------------- */

static int strv_contains(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

static int streq_null(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

struct cmp_ctx {
    const pg_diff_opts *opts;
    int compare_conditions;   /* both sides carry overlay requirements */
    int compare_native;
};

static void compare(const struct cmp_ctx *C, pg_diff_entry *e)
{
    const pg_golden_metric *a = e->old_m, *b = e->new_m;
    if (a->type != b->type)
        e->what |= PG_DIFF_TYPE;
    for (size_t i = 0; i < b->nlabels; i++)
        if (!strv_contains(a->labels, a->nlabels, b->labels[i])) {
            e->labels_added = pg_xrealloc(e->labels_added,
                                          (e->nlabels_added + 1) * sizeof(char *));
            e->labels_added[e->nlabels_added++] = pg_xstrdup(b->labels[i]);
        }
    for (size_t i = 0; i < a->nlabels; i++)
        if (!strv_contains(b->labels, b->nlabels, a->labels[i])) {
            e->labels_removed = pg_xrealloc(
                e->labels_removed, (e->nlabels_removed + 1) * sizeof(char *));
            e->labels_removed[e->nlabels_removed++] = pg_xstrdup(a->labels[i]);
        }
    if (e->nlabels_added || e->nlabels_removed)
        e->what |= PG_DIFF_LABELS;
    /* Bounds are compared only when both sides know them: a docs table
     * never lists buckets, and that is not a change. */
    if (a->has_buckets && b->has_buckets) {
        int same = a->nbuckets == b->nbuckets;
        for (size_t i = 0; same && i < a->nbuckets; i++)
            same = a->buckets[i] == b->buckets[i];
        if (!same)
            e->what |= PG_DIFF_BUCKETS;
    }
    if (!(C->opts && C->opts->ignore_help) && strcmp(a->help, b->help))
        e->what |= PG_DIFF_HELP;
    if (C->compare_conditions && !streq_null(a->condition, b->condition))
        e->what |= PG_DIFF_CONDITION;
    if (C->compare_native && a->native_histogram != b->native_histogram)
        e->what |= PG_DIFF_NATIVE;
}

/* ---- docs corrections ---------------------------------------------------- */

static int same_strv(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!strv_contains(b, nb, a[i]))
            return 0;
    return 1;
}

/* The same docs mistake on both sides (evidence and range aside). */
static int same_erratum(const pg_erratum *a, const pg_erratum *b)
{
    if (!a || !b)
        return a == b;
    return a->unlisted == b->unlisted && a->unserved == b->unserved &&
           streq_null(a->docs_name, b->docs_name) &&
           a->has_docs_type == b->has_docs_type &&
           (!a->has_docs_type || a->docs_type == b->docs_type) &&
           a->has_docs_labels == b->has_docs_labels &&
           (!a->has_docs_labels ||
            same_strv(a->docs_labels, a->ndocs_labels, b->docs_labels,
                      b->ndocs_labels));
}

/* A row the docs listed although the code never served it, and that the
 * new docs no longer list: the docs were corrected, nothing was removed. */
static int unserved_row(const pg_golden_metric *m)
{
    return m->erratum && m->erratum->unserved;
}

/* ---- rename pairing ----------------------------------------------------- */

struct cand {
    size_t r, a;          /* indexes into removed / added lists */
    double score;
    const char *reason;
};

static int cmp_cand(const void *x, const void *y)
{
    const struct cand *p = x, *q = y;
    if (p->score != q->score)
        return p->score > q->score ? -1 : 1;
    if (p->r != q->r)
        return p->r < q->r ? -1 : 1;
    return p->a < q->a ? -1 : p->a > q->a;
}

/* The prefix move a pair implies: old and new names minus their longest
 * common segment suffix. Empty strings when there is none. */
static void prefix_move(const char *o, const char *n, char **po, char **pn,
                        const char **suffix)
{
    size_t k = common_segment_suffix(o, n);
    *suffix = k ? o + strlen(o) - k : NULL;
    *po = pg_xstrndup(o, k ? strlen(o) - k : 0);
    *pn = pg_xstrndup(n, k ? strlen(n) - k : 0);
}

struct move {
    const char *from, *to;   /* old and new prefix */
};

static int cmp_move(const void *x, const void *y)
{
    const struct move *a = x, *b = y;
    int c = strcmp(a->from, b->from);
    return c ? c : strcmp(a->to, b->to);
}

/* How many pairs make the prefix move from -> to. */
static size_t move_count(const struct move *v, size_t n, const char *from,
                         const char *to)
{
    struct move key = { from, to };
    size_t lo = 0, hi = n;
    while (lo < hi) {   /* first element >= key */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_move(&v[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = lo;
    while (k < n && !cmp_move(&v[k], &key))
        k++;
    return k - lo;
}

static void pair_renames(const pg_golden_metric **rem, size_t nrem,
                         const pg_golden_metric **add, size_t nadd,
                         size_t *rem_to, size_t *add_from, double *score,
                         const char **reason)
{
    size_t cap = 16, nc = 0;
    struct cand *cv = pg_xmalloc(cap * sizeof *cv);
    char **cr = pg_xcalloc(nrem, sizeof *cr), **ca = pg_xcalloc(nadd, sizeof *ca);
    for (size_t i = 0; i < nrem; i++)
        cr[i] = canon_units(rem[i]->name);
    for (size_t j = 0; j < nadd; j++)
        ca[j] = canon_units(add[j]->name);

    /* Prefix moves: count each (old prefix, new prefix) over all pairs. */
    size_t npairs = nrem * nadd;
    char **po = pg_xcalloc(npairs ? npairs : 1, sizeof *po);
    char **pn = pg_xcalloc(npairs ? npairs : 1, sizeof *pn);
    const char **sfx = pg_xcalloc(npairs ? npairs : 1, sizeof *sfx);
    for (size_t i = 0; i < nrem; i++)
        for (size_t j = 0; j < nadd; j++)
            prefix_move(cr[i], ca[j], &po[i * nadd + j], &pn[i * nadd + j],
                        &sfx[i * nadd + j]);

    /* Count each prefix move once per pair, sorted for lookup, so that
     * pairing stays O(pairs log pairs). */
    struct move *moves = pg_xcalloc(npairs ? npairs : 1, sizeof *moves);
    size_t nmoves = 0;
    for (size_t k = 0; k < npairs; k++)
        if (sfx[k] && !generic_suffix(sfx[k]))
            moves[nmoves++] = (struct move){ po[k], pn[k] };
    qsort(moves, nmoves, sizeof *moves, cmp_move);

    for (size_t i = 0; i < nrem; i++)
        for (size_t j = 0; j < nadd; j++) {
            double s = 0;
            const char *why = NULL;
            size_t k = i * nadd + j;
            /* Every rule wants the same type: a family that changes type
             * and name at once is a new family to its users. */
            if (rem[i]->type != add[j]->type)
                continue;
            if (!strcmp(cr[i], ca[j])) {
                s = 1.0;
                why = "unit renamed to a base unit";
            } else if (sfx[k] && *po[k] && *pn[k] && !generic_suffix(sfx[k]) &&
                       move_count(moves, nmoves, po[k], pn[k]) >= 2) {
                s = 0.9;
                why = "prefix moved";
            }
            /* Three or more trailing segments in common that are not just
             * a unit name out-rank edit distance: the part after the
             * namespace was kept while the namespace was corrected. */
            if (!why && sfx[k] &&
                !generic_suffix(sfx[k])) {
                size_t segs = 1;
                for (const char *q = sfx[k]; *q; q++)
                    segs += *q == '_';
                if (segs >= 3) {
                    s = 0.7 + 0.05 * (double)(segs > 6 ? 6 : segs);
                    if (s > 0.88)
                        s = 0.88;
                    why = "same name suffix";
                }
            }
            if (!why) {
                double sim = name_similarity(cr[i], ca[j]);
                if (sim >= 0.8) {
                    s = sim * 0.85;
                    why = "similar name";
                }
            }
            size_t extra = 0;
            enum pg_parts_relation rel =
                why ? PG_PARTS_NONE : parts_renamed(cr[i], ca[j], &extra);
            if (rel == PG_PARTS_MOVED) {
                s = 0.8;
                why = "name parts moved";
            } else if (rel == PG_PARTS_INSERTED) {
                s = 0.78 - 0.02 * (double)(extra > 5 ? 5 : extra);
                why = "name parts inserted";
            }
            if (why) {
                if (nc == cap)
                    cv = pg_xrealloc(cv, (cap *= 2) * sizeof *cv);
                cv[nc++] = (struct cand){ i, j, s, why };
            }
        }
    qsort(cv, nc, sizeof *cv, cmp_cand);
    for (size_t c = 0; c < nc; c++) {
        if (rem_to[cv[c].r] != (size_t)-1 || add_from[cv[c].a] != (size_t)-1)
            continue;
        rem_to[cv[c].r] = cv[c].a;
        add_from[cv[c].a] = cv[c].r;
        score[cv[c].r] = cv[c].score > 1 ? 1 : cv[c].score;
        reason[cv[c].r] = cv[c].reason;
    }
    free(moves);
    for (size_t k = 0; k < npairs; k++) {
        free(po[k]);
        free(pn[k]);
    }
    free(po);
    free(pn);
    free(sfx);
    for (size_t i = 0; i < nrem; i++)
        free(cr[i]);
    for (size_t j = 0; j < nadd; j++)
        free(ca[j]);
    free(cr);
    free(ca);
    free(cv);
}

/* ---- compute ------------------------------------------------------------ */

static pg_diff_entry *push(pg_diff_entry **v, size_t *n)
{
    *v = pg_xrealloc(*v, (*n + 1) * sizeof **v);
    pg_diff_entry *e = &(*v)[(*n)++];
    memset(e, 0, sizeof *e);
    return e;
}

static int cmp_added(const void *x, const void *y)
{
    return strcmp(((const pg_diff_entry *)x)->new_m->name,
                  ((const pg_diff_entry *)y)->new_m->name);
}

static int cmp_renamed(const void *x, const void *y)
{
    return strcmp(((const pg_diff_entry *)x)->old_m->name,
                  ((const pg_diff_entry *)y)->old_m->name);
}

/* Drops the names that a templated entry of the other golden matches:
 * gitlab_sql_<role>_duration_seconds on one side documents
 * gitlab_sql_primary_duration_seconds on the other. */
static size_t drop_templated(const pg_golden_metric **v, size_t n,
                             const pg_golden *other)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i]->name_pattern || !pg_golden_match(other, v[i]->name))
            v[k++] = v[i];
    return k;
}

pg_diff *pg_diff_compute(pg_golden *old_g, pg_golden *new_g,
                         const char *old_source, const char *new_source,
                         const pg_diff_opts *opts)
{
    pg_diff *d = pg_xcalloc(1, sizeof *d);
    d->old_g = old_g;
    d->new_g = new_g;
    d->old_source = pg_xstrdup(old_source ? old_source : "old");
    d->new_source = pg_xstrdup(new_source ? new_source : "new");
    pg_golden_sort(old_g);
    pg_golden_sort(new_g);
    struct cmp_ctx C = { opts, old_g->overlay.file && new_g->overlay.file, 0 };
    C.compare_native = C.compare_conditions ||
                       (old_g->kind && new_g->kind &&
                        !strcmp(old_g->kind, "docs") &&
                        !strcmp(new_g->kind, "docs"));

    const pg_golden_metric **rem = pg_xcalloc(old_g->nmetrics + 1, sizeof *rem);
    const pg_golden_metric **add = pg_xcalloc(new_g->nmetrics + 1, sizeof *add);
    size_t nrem = 0, nadd = 0, i = 0, j = 0;
    while (i < old_g->nmetrics || j < new_g->nmetrics) {
        int c = i == old_g->nmetrics ? 1
              : j == new_g->nmetrics ? -1
              : strcmp(old_g->metrics[i].name, new_g->metrics[j].name);
        if (c < 0) {
            rem[nrem++] = &old_g->metrics[i++];
        } else if (c > 0) {
            add[nadd++] = &new_g->metrics[j++];
        } else {
            pg_diff_entry tmp;
            memset(&tmp, 0, sizeof tmp);
            tmp.old_m = &old_g->metrics[i++];
            tmp.new_m = &new_g->metrics[j++];
            int ou = unserved_row(tmp.old_m), nu = unserved_row(tmp.new_m);
            if (ou != nu) {
                /* listed on both sides, but the code stopped (or started
                 * again) serving it: a release change */
                pg_diff_entry *e = nu ? push(&d->removed, &d->nremoved)
                                      : push(&d->added, &d->nadded);
                e->old_m = nu ? tmp.old_m : NULL;
                e->new_m = nu ? NULL : tmp.new_m;
                e->what = PG_DIFF_SERVED;
                continue;
            }
            compare(&C, &tmp);
            if (tmp.what)
                *push(&d->changed, &d->nchanged) = tmp;
            else if (!same_erratum(tmp.old_m->erratum, tmp.new_m->erratum))
                *push(&d->corrected, &d->ncorrected) = tmp;
        }
    }

    nrem = drop_templated(rem, nrem, new_g);
    nadd = drop_templated(add, nadd, old_g);

    size_t *rem_to = pg_xmalloc((nrem + 1) * sizeof *rem_to);
    size_t *add_from = pg_xmalloc((nadd + 1) * sizeof *add_from);
    double *score = pg_xcalloc(nrem + 1, sizeof *score);
    const char **reason = pg_xcalloc(nrem + 1, sizeof *reason);
    for (size_t k = 0; k < nrem; k++)
        rem_to[k] = (size_t)-1;
    for (size_t k = 0; k < nadd; k++)
        add_from[k] = (size_t)-1;
    if (!(opts && opts->no_renames))
        pair_renames(rem, nrem, add, nadd, rem_to, add_from, score, reason);

    for (size_t k = 0; k < nrem; k++) {
        if (rem_to[k] == (size_t)-1 && unserved_row(rem[k])) {
            push(&d->corrected, &d->ncorrected)->old_m = rem[k];
            continue;
        }
        if (rem_to[k] == (size_t)-1) {
            push(&d->removed, &d->nremoved)->old_m = rem[k];
            continue;
        }
        pg_diff_entry *e = push(&d->renamed, &d->nrenamed);
        e->old_m = rem[k];
        e->new_m = add[rem_to[k]];
        e->rename_reason = reason[k];
        e->similarity = score[k];
        compare(&C, e);
    }
    for (size_t k = 0; k < nadd; k++)
        if (add_from[k] == (size_t)-1)
            push(&d->added, &d->nadded)->new_m = add[k];
    if (d->nrenamed)
        qsort(d->renamed, d->nrenamed, sizeof *d->renamed, cmp_renamed);
    if (d->ncorrected)
        qsort(d->corrected, d->ncorrected, sizeof *d->corrected, cmp_renamed);
    if (d->nremoved)
        qsort(d->removed, d->nremoved, sizeof *d->removed, cmp_renamed);
    if (d->nadded)
        qsort(d->added, d->nadded, sizeof *d->added, cmp_added);
    free(rem_to);
    free(add_from);
    free(score);
    free(reason);
    free(rem);
    free(add);
    return d;
}

int pg_diff_is_empty(const pg_diff *d)
{
    return !d->nadded && !d->nremoved && !d->nrenamed && !d->nchanged &&
           !d->ncorrected;
}

static void entries_free(pg_diff_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < v[i].nlabels_added; k++)
            free(v[i].labels_added[k]);
        free(v[i].labels_added);
        for (size_t k = 0; k < v[i].nlabels_removed; k++)
            free(v[i].labels_removed[k]);
        free(v[i].labels_removed);
    }
    free(v);
}

void pg_diff_free(pg_diff *d)
{
    if (!d)
        return;
    entries_free(d->added, d->nadded);
    entries_free(d->removed, d->nremoved);
    entries_free(d->renamed, d->nrenamed);
    entries_free(d->changed, d->nchanged);
    entries_free(d->corrected, d->ncorrected);
    pg_golden_free(d->old_g);
    pg_golden_free(d->new_g);
    free(d->old_source);
    free(d->new_source);
    free(d);
}

const char *pg_diff_what_name(unsigned bit)
{
    static const char *const names[] = { "type", "labels", "buckets", "help",
                                         "condition", "native_histogram",
                                         "served" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (bit == 1u << i)
            return names[i];
    return "unknown";
}
