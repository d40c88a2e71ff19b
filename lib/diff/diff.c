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

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/similar.h"
#include "specs/docs.h"
#include "specs/errata.h"
#include "specs/golden_expo.h"
#include "core/num.h"

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

/* ---- rendering ---------------------------------------------------------- */

int pg_diff_format_parse(const char *s, enum pg_diff_format *out)
{
    if (!strcmp(s, "text"))
        *out = PG_DIFF_TEXT;
    else if (!strcmp(s, "markdown") || !strcmp(s, "md"))
        *out = PG_DIFF_MARKDOWN;
    else if (!strcmp(s, "json"))
        *out = PG_DIFF_JSON;
    else
        return -1;
    return 0;
}

const char *pg_diff_what_str(unsigned what, char *buf, size_t n)
{
    static const char *const names[] = { "type", "labels", "buckets", "help",
                                         "condition", "native_histogram",
                                         "served" };
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (what & (1u << i)) {
            int w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "",
                             names[i]);
            if (w < 0 || (size_t)w >= n - used)
                break;
            used += (size_t)w;
        }
    return buf;
}

static void add_labels(pg_buf *b, char *const *v, size_t n, const char *sep,
                       const char *quote)
{
    for (size_t i = 0; i < n; i++)
        pg_buf_addf(b, "%s%s%s%s", i ? sep : "", quote, v[i], quote);
}

static void add_buckets(pg_buf *b, const pg_golden_metric *m)
{
    pg_buf_addc(b, '[');
    char num[40];
    for (size_t i = 0; i < m->nbuckets; i++) {
        pg_num_format(num, sizeof num, m->buckets[i]);
        pg_buf_addf(b, "%s%s", i ? "," : "", num);
    }
    pg_buf_addc(b, ']');
}

static const char *ver(const pg_golden *g)
{
    return g->version ? g->version : "";
}

/* One line of details for a changed or renamed entry (text and markdown). */
static void add_details(pg_buf *b, const pg_diff_entry *e, int md)
{
    const char *q = md ? "`" : "'";
    int first = 1;
#define SEP() (pg_buf_adds(b, first ? "" : "; "), first = 0)
    if (e->what & PG_DIFF_TYPE) {
        SEP();
        pg_buf_addf(b, "type %s -> %s", pg_type_name(e->old_m->type),
                    pg_type_name(e->new_m->type));
    }
    if (e->what & PG_DIFF_LABELS) {
        SEP();
        pg_buf_adds(b, "labels");
        if (e->nlabels_added) {
            pg_buf_adds(b, " added ");
            add_labels(b, e->labels_added, e->nlabels_added, ", ", q);
        }
        if (e->nlabels_removed) {
            pg_buf_adds(b, e->nlabels_added ? ", removed " : " removed ");
            add_labels(b, e->labels_removed, e->nlabels_removed, ", ", q);
        }
    }
    if (e->what & PG_DIFF_BUCKETS) {
        SEP();
        pg_buf_adds(b, "buckets ");
        add_buckets(b, e->old_m);
        pg_buf_adds(b, " -> ");
        add_buckets(b, e->new_m);
    }
    if (e->what & PG_DIFF_HELP) {
        SEP();
        pg_buf_addf(b, "help \"%s\" -> \"%s\"", e->old_m->help, e->new_m->help);
    }
    if (e->what & PG_DIFF_CONDITION) {
        SEP();
        pg_buf_addf(b, "condition %s -> %s",
                    e->old_m->condition ? e->old_m->condition : "required",
                    e->new_m->condition ? e->new_m->condition : "required");
    }
    if (e->what & PG_DIFF_NATIVE) {
        SEP();
        pg_buf_addf(b, "native_histogram %s -> %s",
                    e->old_m->native_histogram ? "true" : "false",
                    e->new_m->native_histogram ? "true" : "false");
    }
#undef SEP
}

static void add_metric_brief(pg_buf *b, const pg_golden_metric *m, int md)
{
    const char *q = md ? "`" : "";
    pg_buf_addf(b, "%s%s%s (%s", q, m->name, q, pg_type_name(m->type));
    if (m->nlabels) {
        pg_buf_adds(b, "; labels ");
        add_labels(b, m->labels, m->nlabels, ", ", q);
    }
    pg_buf_addc(b, ')');
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* What the docs changed about one metric, the code being the same. */
static void add_correction(pg_buf *b, const pg_diff_entry *e)
{
    const pg_golden_metric *o = e->old_m, *n = e->new_m;
    if (!n) {
        pg_buf_adds(b, "the docs no longer list it, which the code never "
                       "served (before: ");
        pg_erratum_describe(o, b);
        pg_buf_adds(b, ")");
    } else if (o->erratum && !n->erratum) {
        pg_buf_adds(b, "the docs now get it right (before: ");
        pg_erratum_describe(o, b);
        pg_buf_adds(b, ")");
    } else if (!o->erratum) {
        pg_buf_adds(b, "the docs now get it wrong: ");
        pg_erratum_describe(n, b);
    } else {
        pg_buf_adds(b, "the docs are still wrong, differently: ");
        pg_erratum_describe(n, b);
        pg_buf_adds(b, " (before: ");
        pg_erratum_describe(o, b);
        pg_buf_adds(b, ")");
    }
}

static char *render_text(const pg_diff *d, int md)
{
    pg_buf b = PG_BUF_INIT;
    if (md) {
        pg_buf_addf(&b, "# Metrics diff\n\n- old: `%s` %s (%zu metric%s)\n"
                        "- new: `%s` %s (%zu metric%s)\n\n",
                    d->old_source, ver(d->old_g), d->old_g->nmetrics,
                    plural(d->old_g->nmetrics), d->new_source, ver(d->new_g),
                    d->new_g->nmetrics, plural(d->new_g->nmetrics));
        pg_buf_addf(&b, "| added | removed | renamed | changed |\n"
                        "|------:|--------:|--------:|--------:|\n"
                        "| %zu | %zu | %zu | %zu |\n",
                    d->nadded, d->nremoved, d->nrenamed, d->nchanged);
    } else {
        pg_buf_addf(&b, "--- %s%s%s (%zu metric%s)\n"
                        "+++ %s%s%s (%zu metric%s)\n",
                    d->old_source, d->old_g->version ? " " : "", ver(d->old_g),
                    d->old_g->nmetrics, plural(d->old_g->nmetrics),
                    d->new_source, d->new_g->version ? " " : "", ver(d->new_g),
                    d->new_g->nmetrics, plural(d->new_g->nmetrics));
    }
    const char *h = md ? "\n## " : "\n";
    if (d->nadded) {
        pg_buf_addf(&b, "%sadded (%zu)%s\n", h, d->nadded, md ? "\n" : ":");
        for (size_t i = 0; i < d->nadded; i++) {
            pg_buf_adds(&b, md ? "- " : "  + ");
            add_metric_brief(&b, d->added[i].new_m, md);
            if (d->added[i].what & PG_DIFF_SERVED)
                pg_buf_adds(&b, ": served again (the docs list it on both "
                                "sides)");
            pg_buf_addc(&b, '\n');
        }
    }
    if (d->nremoved) {
        pg_buf_addf(&b, "%sremoved (%zu)%s\n", h, d->nremoved, md ? "\n" : ":");
        for (size_t i = 0; i < d->nremoved; i++) {
            pg_buf_adds(&b, md ? "- " : "  - ");
            add_metric_brief(&b, d->removed[i].old_m, md);
            if (d->removed[i].what & PG_DIFF_SERVED)
                pg_buf_adds(&b, ": no longer served, though the docs still "
                                "list it");
            pg_buf_addc(&b, '\n');
        }
    }
    if (d->nrenamed) {
        pg_buf_addf(&b, "%srenamed (%zu)%s\n", h, d->nrenamed, md ? "\n" : ":");
        for (size_t i = 0; i < d->nrenamed; i++) {
            const pg_diff_entry *e = &d->renamed[i];
            const char *q = md ? "`" : "";
            pg_buf_addf(&b, "%s%s%s%s -> %s%s%s (%s)", md ? "- " : "  ~ ", q,
                        e->old_m->name, q, q, e->new_m->name, q,
                        e->rename_reason);
            if (e->what) {
                pg_buf_adds(&b, ": ");
                add_details(&b, e, md);
            }
            pg_buf_addc(&b, '\n');
        }
    }
    if (d->nchanged) {
        pg_buf_addf(&b, "%schanged (%zu)%s\n", h, d->nchanged, md ? "\n" : ":");
        for (size_t i = 0; i < d->nchanged; i++) {
            const pg_diff_entry *e = &d->changed[i];
            pg_buf_addf(&b, "%s%s%s%s: ", md ? "- " : "  * ", md ? "`" : "",
                        e->new_m->name, md ? "`" : "");
            add_details(&b, e, md);
            pg_buf_addc(&b, '\n');
        }
    }
    if (d->ncorrected) {
        pg_buf_addf(&b, "%sdocs corrections (%zu): the code is the same, the "
                        "docs changed%s\n", h, d->ncorrected, md ? "\n" : ":");
        for (size_t i = 0; i < d->ncorrected; i++) {
            const pg_diff_entry *e = &d->corrected[i];
            pg_buf_addf(&b, "%s%s%s%s: ", md ? "- " : "  = ", md ? "`" : "",
                        e->old_m->name, md ? "`" : "");
            add_correction(&b, e);
            pg_buf_addc(&b, '\n');
        }
    }
    if (pg_diff_is_empty(d))
        pg_buf_adds(&b, md ? "\nNo differences.\n" : "no differences\n");
    else if (!md)
        pg_buf_addf(&b, "\n%zu added, %zu removed, %zu renamed, %zu changed\n",
                    d->nadded, d->nremoved, d->nrenamed, d->nchanged);
    if (!md && d->ncorrected)
        pg_buf_addf(&b, "%zu docs correction%s (not release changes)\n",
                    d->ncorrected, plural(d->ncorrected));
    return pg_buf_detach(&b);
}

static json_t *json_strv(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *json_buckets(const pg_golden_metric *m)
{
    if (!m->has_buckets)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < m->nbuckets; i++)
        json_array_append_new(a, json_real(m->buckets[i]));
    return a;
}

static json_t *json_pair(json_t *o, json_t *n)
{
    json_t *p = json_object();
    json_object_set_new(p, "old", o);
    json_object_set_new(p, "new", n);
    return p;
}

static json_t *json_opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The change details of an entry, keyed by what changed. */
static void json_details(json_t *o, const pg_diff_entry *e)
{
    const pg_golden_metric *a = e->old_m, *b = e->new_m;
    if (e->what & PG_DIFF_TYPE)
        json_object_set_new(o, "type",
                            json_pair(json_string(pg_type_name(a->type)),
                                      json_string(pg_type_name(b->type))));
    if (e->what & PG_DIFF_LABELS) {
        json_t *l = json_object();
        json_object_set_new(l, "added", json_strv(e->labels_added, e->nlabels_added));
        json_object_set_new(l, "removed",
                            json_strv(e->labels_removed, e->nlabels_removed));
        json_object_set_new(o, "labels", l);
    }
    if (e->what & PG_DIFF_BUCKETS)
        json_object_set_new(o, "buckets", json_pair(json_buckets(a), json_buckets(b)));
    if (e->what & PG_DIFF_HELP)
        json_object_set_new(o, "help", json_pair(json_string(a->help),
                                                 json_string(b->help)));
    if (e->what & PG_DIFF_CONDITION)
        json_object_set_new(o, "condition", json_pair(json_opt_str(a->condition),
                                                      json_opt_str(b->condition)));
    if (e->what & PG_DIFF_NATIVE)
        json_object_set_new(o, "native_histogram",
                            json_pair(json_boolean(a->native_histogram),
                                      json_boolean(b->native_histogram)));
    char buf[128];
    json_t *w = json_array();
    if (e->what) {
        pg_diff_what_str(e->what, buf, sizeof buf);
        /* the same names as the keys above, as a list */
        for (char *p = buf, *s; p && *p; p = s) {
            s = strstr(p, ", ");
            if (s) {
                *s = '\0';
                s += 2;
            }
            json_array_append_new(w, json_string(p));
        }
    }
    json_object_set_new(o, "what", w);
}

static json_t *json_metric(const pg_golden_metric *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(m->name));
    json_object_set_new(o, "type", json_string(pg_type_name(m->type)));
    json_object_set_new(o, "labels", json_strv(m->labels, m->nlabels));
    json_object_set_new(o, "help", json_string(m->help));
    return o;
}

static json_t *json_side(const char *source, const pg_golden *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "source", json_string(source));
    json_object_set_new(o, "version", json_opt_str(g->version));
    json_object_set_new(o, "kind", json_opt_str(g->kind));
    json_object_set_new(o, "metrics", json_integer((json_int_t)g->nmetrics));
    return o;
}

static int precision_for(const pg_diff *d)
{
    /* Shortest %.*g that round-trips every bound printed. */
    int best = 1;
    char tmp[40];
    const pg_golden *gs[2] = { d->old_g, d->new_g };
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < gs[s]->nmetrics; i++)
            for (size_t k = 0; k < gs[s]->metrics[i].nbuckets; k++) {
                int p = pg_num_format(tmp, sizeof tmp,
                                      gs[s]->metrics[i].buckets[k]);
                if (p > best)
                    best = p;
            }
    return best;
}

static char *render_json(const pg_diff *d)
{
    json_t *root = json_object();
    json_object_set_new(root, "old", json_side(d->old_source, d->old_g));
    json_object_set_new(root, "new", json_side(d->new_source, d->new_g));
    json_t *a = json_array();
    for (size_t i = 0; i < d->nadded; i++)
        json_array_append_new(a, json_metric(d->added[i].new_m));
    json_object_set_new(root, "added", a);
    a = json_array();
    for (size_t i = 0; i < d->nremoved; i++)
        json_array_append_new(a, json_metric(d->removed[i].old_m));
    json_object_set_new(root, "removed", a);
    a = json_array();
    for (size_t i = 0; i < d->nrenamed; i++) {
        const pg_diff_entry *e = &d->renamed[i];
        json_t *o = json_object();
        json_object_set_new(o, "from", json_string(e->old_m->name));
        json_object_set_new(o, "to", json_string(e->new_m->name));
        json_object_set_new(o, "reason", json_string(e->rename_reason));
        json_object_set_new(o, "similarity",
                            json_real(round(e->similarity * 1000) / 1000));
        json_details(o, e);
        json_array_append_new(a, o);
    }
    json_object_set_new(root, "renamed", a);
    a = json_array();
    for (size_t i = 0; i < d->nchanged; i++) {
        const pg_diff_entry *e = &d->changed[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(e->new_m->name));
        json_details(o, e);
        json_array_append_new(a, o);
    }
    json_object_set_new(root, "changed", a);
    if (d->ncorrected) {
        a = json_array();
        for (size_t i = 0; i < d->ncorrected; i++) {
            const pg_diff_entry *e = &d->corrected[i];
            json_t *o = json_object();
            json_object_set_new(o, "name", json_string(e->old_m->name));
            pg_buf t = PG_BUF_INIT;
            add_correction(&t, e);
            json_object_set_new(o, "correction", json_string(t.p));
            pg_buf_release(&t);
            json_object_set_new(o, "listed", json_boolean(e->new_m != NULL));
            json_array_append_new(a, o);
        }
        json_object_set_new(root, "docs_corrections", a);
    }
    json_object_set_new(root, "equal", json_boolean(pg_diff_is_empty(d)));
    int p = precision_for(d);
    if (p < 3)
        p = 3; /* similarity scores have three decimals */
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS |
                                   JSON_REAL_PRECISION(p));
    json_decref(root);
    pg_buf b = PG_BUF_INIT;
    pg_buf_adds(&b, s ? s : "{}");
    pg_buf_addc(&b, '\n');
    free(s);
    return pg_buf_detach(&b);
}

char *pg_diff_render(const pg_diff *d, enum pg_diff_format f)
{
    switch (f) {
    case PG_DIFF_JSON:
        return render_json(d);
    case PG_DIFF_MARKDOWN:
        return render_text(d, 1);
    case PG_DIFF_TEXT:
    default:
        return render_text(d, 0);
    }
}

/* ---- sides -------------------------------------------------------------- */

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

pg_golden *pg_diff_side_parse(const char *data, size_t len,
                              const char *source, const char *content_type,
                              int sniff, pg_error *err)
{
    const char *first = skip_ws(data, data + len);
    if (sniff && (has_suffix(source, ".json") ||
                  (first < data + len && *first == '{')))
        return pg_golden_loadb(data, len, source, err);
    if (sniff && (has_suffix(source, ".md") || pg_docs_sniff(data, len))) {
        pg_docs_opts o = { source, NULL, NULL, NULL, NULL, 0, NULL };
        return pg_docs_parse(data, len, &o, err);
    }
    pg_gexpo *x = pg_gexpo_new();
    if (pg_gexpo_add(x, data, len, source, content_type, err)) {
        pg_gexpo_free(x);
        return NULL;
    }
    char *v = sniff ? pg_docs_version_from_name(source) : NULL;
    pg_golden *g = pg_gexpo_finish(x, v);
    free(v);
    return g;
}

pg_golden *pg_diff_load_side(const char *spec, pg_error *err)
{
    char *data;
    size_t len;
    if (pg_read_file(spec, &data, &len, err))
        return NULL;
    pg_golden *g = pg_diff_side_parse(data, len, spec, NULL, 1, err);
    free(data);
    return g;
}
