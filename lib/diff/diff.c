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

/* What pairing a removed and an added list needs: both lists, their names
 * with units canonical, and for every pair (i * nadd + j) the prefix move
 * it implies; the moves of all pairs sorted for counting. */
typedef struct pairing {
    const pg_golden_metric **rem, **add;
    size_t nrem, nadd, npairs;
    char **cr, **ca;           /* canonical names */
    char **po, **pn;           /* per pair: old and new prefix */
    const char **sfx;          /* per pair: common suffix, or NULL */
    struct move *moves;
    size_t nmoves;
} pairing;

static void pairing_init(pairing *P, const pg_golden_metric **rem,
                         size_t nrem, const pg_golden_metric **add,
                         size_t nadd)
{
    *P = (pairing){ rem, add, nrem, nadd, nrem * nadd, NULL, NULL, NULL,
                    NULL, NULL, NULL, 0 };
    size_t np = P->npairs ? P->npairs : 1;
    P->cr = pg_xcalloc(nrem + 1, sizeof *P->cr);
    P->ca = pg_xcalloc(nadd + 1, sizeof *P->ca);
    for (size_t i = 0; i < nrem; i++)
        P->cr[i] = canon_units(rem[i]->name);
    for (size_t j = 0; j < nadd; j++)
        P->ca[j] = canon_units(add[j]->name);
    P->po = pg_xcalloc(np, sizeof *P->po);
    P->pn = pg_xcalloc(np, sizeof *P->pn);
    P->sfx = pg_xcalloc(np, sizeof *P->sfx);
    for (size_t i = 0; i < nrem; i++)
        for (size_t j = 0; j < nadd; j++) {
            size_t k = i * nadd + j;
            prefix_move(P->cr[i], P->ca[j], &P->po[k], &P->pn[k], &P->sfx[k]);
        }
    /* Count each prefix move once per pair, sorted for lookup, so that
     * pairing stays O(pairs log pairs). */
    P->moves = pg_xcalloc(np, sizeof *P->moves);
    for (size_t k = 0; k < P->npairs; k++)
        if (P->sfx[k] && !generic_suffix(P->sfx[k]))
            P->moves[P->nmoves++] = (struct move){ P->po[k], P->pn[k] };
    qsort(P->moves, P->nmoves, sizeof *P->moves, cmp_move);
}

static void pairing_release(pairing *P)
{
    for (size_t k = 0; k < P->npairs; k++) {
        free(P->po[k]);
        free(P->pn[k]);
    }
    for (size_t i = 0; i < P->nrem; i++)
        free(P->cr[i]);
    for (size_t j = 0; j < P->nadd; j++)
        free(P->ca[j]);
    free(P->po);
    free(P->pn);
    free(P->sfx);
    free(P->moves);
    free(P->cr);
    free(P->ca);
}

/* Three or more trailing segments in common that are not just a unit
 * name out-rank edit distance: the part after the namespace was kept
 * while the namespace was corrected. Returns the score, or 0. */
static double suffix_score(const char *sfx)
{
    if (!sfx || generic_suffix(sfx))
        return 0;
    size_t segs = 1;
    for (const char *q = sfx; *q; q++)
        segs += *q == '_';
    if (segs < 3)
        return 0;
    double s = 0.7 + 0.05 * (double)(segs > 6 ? 6 : segs);
    return s > 0.88 ? 0.88 : s;
}

static const char *scored(double *score, double s, const char *why)
{
    *score = s;
    return why;
}

/* The first rule that names removed i and added j a rename, best rules
 * first; its score in *score. NULL when none does. */
static const char *rename_rule(const pairing *P, size_t i, size_t j,
                               double *score)
{
    size_t k = i * P->nadd + j;
    const char *o = P->cr[i], *n = P->ca[j];
    if (!strcmp(o, n))
        return scored(score, 1.0, "unit renamed to a base unit");
    if (P->sfx[k] && *P->po[k] && *P->pn[k] && !generic_suffix(P->sfx[k]) &&
        move_count(P->moves, P->nmoves, P->po[k], P->pn[k]) >= 2)
        return scored(score, 0.9, "prefix moved");
    if ((*score = suffix_score(P->sfx[k])) > 0)
        return "same name suffix";
    double sim = name_similarity(o, n);
    if (sim >= 0.8)
        return scored(score, sim * 0.85, "similar name");
    size_t extra = 0;
    switch (parts_renamed(o, n, &extra)) {
    case PG_PARTS_MOVED:
        return scored(score, 0.8, "name parts moved");
    case PG_PARTS_INSERTED:
        return scored(score, 0.78 - 0.02 * (double)(extra > 5 ? 5 : extra),
                      "name parts inserted");
    default:
        return NULL;
    }
}

/* Every pair some rule names a rename, best score first. */
static struct cand *rename_candidates(const pairing *P, size_t *n)
{
    size_t cap = 16, nc = 0;
    struct cand *cv = pg_xmalloc(cap * sizeof *cv);
    for (size_t i = 0; i < P->nrem; i++)
        for (size_t j = 0; j < P->nadd; j++) {
            double s = 0;
            /* Every rule wants the same type: a family that changes type
             * and name at once is a new family to its users. */
            if (P->rem[i]->type != P->add[j]->type)
                continue;
            const char *why = rename_rule(P, i, j, &s);
            if (!why)
                continue;
            if (nc == cap)
                cv = pg_xrealloc(cv, (cap *= 2) * sizeof *cv);
            cv[nc++] = (struct cand){ i, j, s, why };
        }
    qsort(cv, nc, sizeof *cv, cmp_cand);
    *n = nc;
    return cv;
}

/* Pairs removed with added metrics, best score first, each metric at
 * most once: rem_to[i] / add_from[j] are the partner's index or -1. */
static void pair_renames(const pg_golden_metric **rem, size_t nrem,
                         const pg_golden_metric **add, size_t nadd,
                         size_t *rem_to, size_t *add_from, double *score,
                         const char **reason)
{
    pairing P;
    pairing_init(&P, rem, nrem, add, nadd);
    size_t nc;
    struct cand *cv = rename_candidates(&P, &nc);
    for (size_t c = 0; c < nc; c++) {
        if (rem_to[cv[c].r] != (size_t)-1 || add_from[cv[c].a] != (size_t)-1)
            continue;
        rem_to[cv[c].r] = cv[c].a;
        add_from[cv[c].a] = cv[c].r;
        score[cv[c].r] = cv[c].score > 1 ? 1 : cv[c].score;
        reason[cv[c].r] = cv[c].reason;
    }
    free(cv);
    pairing_release(&P);
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

/* Metrics of one side only, before pairing: borrowed from the goldens. */
typedef struct unmatched {
    const pg_golden_metric **rem, **add;
    size_t nrem, nadd;
} unmatched;

/* A metric on both sides: changed, a docs correction, or (listed on both
 * sides but served on one only) removed or added. */
static void judge_common(pg_diff *d, const struct cmp_ctx *C,
                         const pg_golden_metric *o, const pg_golden_metric *n)
{
    pg_diff_entry tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.old_m = o;
    tmp.new_m = n;
    int ou = unserved_row(o), nu = unserved_row(n);
    if (ou != nu) {
        /* listed on both sides, but the code stopped (or started again)
         * serving it: a release change */
        pg_diff_entry *e = nu ? push(&d->removed, &d->nremoved)
                              : push(&d->added, &d->nadded);
        e->old_m = nu ? o : NULL;
        e->new_m = nu ? NULL : n;
        e->what = PG_DIFF_SERVED;
        return;
    }
    compare(C, &tmp);
    if (tmp.what)
        *push(&d->changed, &d->nchanged) = tmp;
    else if (!same_erratum(o->erratum, n->erratum))
        *push(&d->corrected, &d->ncorrected) = tmp;
}

/* Walks both sorted goldens at once: common metrics are judged, the
 * others collected in u. */
static void merge_sides(pg_diff *d, const struct cmp_ctx *C, unmatched *u)
{
    const pg_golden *og = d->old_g, *ng = d->new_g;
    u->rem = pg_xcalloc(og->nmetrics + 1, sizeof *u->rem);
    u->add = pg_xcalloc(ng->nmetrics + 1, sizeof *u->add);
    u->nrem = u->nadd = 0;
    size_t i = 0, j = 0;
    while (i < og->nmetrics || j < ng->nmetrics) {
        int c = i == og->nmetrics ? 1
              : j == ng->nmetrics ? -1
              : strcmp(og->metrics[i].name, ng->metrics[j].name);
        if (c < 0)
            u->rem[u->nrem++] = &og->metrics[i++];
        else if (c > 0)
            u->add[u->nadd++] = &ng->metrics[j++];
        else
            judge_common(d, C, &og->metrics[i++], &ng->metrics[j++]);
    }
    u->nrem = drop_templated(u->rem, u->nrem, ng);
    u->nadd = drop_templated(u->add, u->nadd, og);
}

/* The metrics of one side only: renamed where paired, else removed (or a
 * docs correction, for a row the code never served) and added. */
static void classify_unmatched(pg_diff *d, const struct cmp_ctx *C,
                               const unmatched *u, int renames)
{
    size_t *rem_to = pg_xmalloc((u->nrem + 1) * sizeof *rem_to);
    size_t *add_from = pg_xmalloc((u->nadd + 1) * sizeof *add_from);
    double *score = pg_xcalloc(u->nrem + 1, sizeof *score);
    const char **reason = pg_xcalloc(u->nrem + 1, sizeof *reason);
    for (size_t k = 0; k < u->nrem; k++)
        rem_to[k] = (size_t)-1;
    for (size_t k = 0; k < u->nadd; k++)
        add_from[k] = (size_t)-1;
    if (renames)
        pair_renames(u->rem, u->nrem, u->add, u->nadd, rem_to, add_from,
                     score, reason);
    for (size_t k = 0; k < u->nrem; k++) {
        if (rem_to[k] == (size_t)-1) {
            pg_diff_entry *e = unserved_row(u->rem[k])
                                   ? push(&d->corrected, &d->ncorrected)
                                   : push(&d->removed, &d->nremoved);
            e->old_m = u->rem[k];
            continue;
        }
        pg_diff_entry *e = push(&d->renamed, &d->nrenamed);
        e->old_m = u->rem[k];
        e->new_m = u->add[rem_to[k]];
        e->rename_reason = reason[k];
        e->similarity = score[k];
        compare(C, e);
    }
    for (size_t k = 0; k < u->nadd; k++)
        if (add_from[k] == (size_t)-1)
            push(&d->added, &d->nadded)->new_m = u->add[k];
    free(rem_to);
    free(add_from);
    free(score);
    free(reason);
}

/* Each list by name (renamed, removed, corrected: the old name). */
static void sort_entries(pg_diff *d)
{
    if (d->nrenamed)
        qsort(d->renamed, d->nrenamed, sizeof *d->renamed, cmp_renamed);
    if (d->ncorrected)
        qsort(d->corrected, d->ncorrected, sizeof *d->corrected, cmp_renamed);
    if (d->nremoved)
        qsort(d->removed, d->nremoved, sizeof *d->removed, cmp_renamed);
    if (d->nadded)
        qsort(d->added, d->nadded, sizeof *d->added, cmp_added);
}

/* What is compared: conditions when both sides carry an overlay, the
 * native-histogram flag then or when both sides are docs. */
static struct cmp_ctx cmp_ctx_for(const pg_golden *o, const pg_golden *n,
                                  const pg_diff_opts *opts)
{
    struct cmp_ctx C = { opts, o->overlay.file && n->overlay.file, 0 };
    C.compare_native = C.compare_conditions ||
                       (o->kind && n->kind && !strcmp(o->kind, "docs") &&
                        !strcmp(n->kind, "docs"));
    return C;
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
    struct cmp_ctx C = cmp_ctx_for(old_g, new_g, opts);
    unmatched u;
    merge_sides(d, &C, &u);
    classify_unmatched(d, &C, &u, !(opts && opts->no_renames));
    sort_entries(d);
    free(u.rem);
    free(u.add);
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
