/* check.c: judges one target's exposition against a golden spec (see
 * check.h). The checker is a sink for the parser's callbacks: it keeps one
 * record per family seen (type, HELP, label names, label-value faults,
 * histogram/summary series) and turns them into verdicts at the end. */
#include "check/check.h"
#include "core/num.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/hints.h"
#include "core/match.h"
#include "specs/errata.h"
#include "core/strmap.h"

/* Caps that keep memory bounded on hostile or huge scrapes. */
#define MAX_DIAGS 2000        /* parser diagnostics kept per target */
#define MAX_FORMAT_PROBLEMS 50 /* listed in the format result */
#define MAX_BAD_VALUES 5      /* distinct bad values listed per label */
#define MAX_FAMILY_DIAGS 20   /* parser diagnostics listed per metric */
#define MAX_NAMES_LISTED 20   /* label names listed in one problem */

/* ---- what the checker records ---- */

/* One bucket or quantile sample of a series. */
typedef struct point {
    double bound;  /* le or quantile */
    double value;
    uint64_t line;
} point;

/* One histogram or summary series: its samples grouped by the labels other
 * than le/quantile. */
typedef struct series {
    char *labels;       /* {a="x",b="y"} for messages */
    uint64_t line;
    point *points;
    size_t npoints, cap;
    int has_inf;
    double inf_value;
    int has_sum, has_count;
    double count;
    char *bad_bound;    /* first le/quantile that is not a number */
    uint64_t bad_bound_line;
} series;

/* A set of label names with the first line each was seen on, indexed:
 * a scrape may show thousands of distinct label names in one family. */
typedef struct nameset {
    char **names;
    uint64_t *lines;
    size_t n, cap;
    pg_strmap idx;
} nameset;

typedef struct bad_value {
    char *label;
    char *values;       /* 'a', 'b' (capped) */
    size_t nvalues;
    uint64_t line;
} bad_value;

/* A sequence of byte strings, stored flat: the per-sample caches below
 * compare a sample's labels with it in place. */
typedef struct strseq {
    char *bytes;
    size_t len, cap;    /* of bytes */
    size_t *lens;       /* length of each string */
    size_t n, ncap;
    int valid;
} strseq;

#define MAX_ACCEPTED 16 /* accepted values remembered per label rule */

typedef struct family {
    char *name;            /* family name as parsed */
    enum pg_type type;
    int type_known;
    int has_help;
    char *help;
    uint64_t line;
    size_t nsamples;
    char *parser_name;     /* the family's name in the parser's terms
                              (diagnostics use it): name, or for an
                              OpenMetrics counter, name without _total */
    const pg_golden_metric *gm;
    size_t gm_index;
    int reported;          /* has a result of its own */
    nameset missing, extra;
    bad_value *bad;
    size_t nbad;
    pg_strmap series_idx;  /* key -> series index + 1 */
    series *series;
    size_t nseries, series_cap;
    size_t name_len;
    int gm_miss;           /* 1 + type for which golden_for() found none */
    size_t native;         /* protobuf: series exposed as native histograms
                              (spans, zero threshold or zero count) */
    /* Per-sample caches. Consecutive samples of a family nearly always
     * share their label names, and often values and series, so these let
     * a sample be judged by comparing bytes in place instead of building
     * keys and hashing (the parser's series table stays in cache). Each
     * is exact: a hit stands for the very same bytes. */
    strseq last_names;     /* label names of the last name-checked sample */
    size_t *rule_pos;      /* per golden label rule: index of its label in
                              samples with last_names, or SIZE_MAX */
    strseq *rule_ok;       /* per golden label rule: values accepted */
    strseq last_series;    /* non-reserved labels (name, value) of the
                              last structure sample */
    const char *last_reserved;
    size_t last_series_at; /* its series index + 1, 0 if none */
    char *missing_got;     /* label names of the first series lacking a
                              documented label, sorted */
    char *extra_got;       /* ... of the first with an extra label */
} family;

typedef struct stored_diag {
    enum pg_level level;
    uint64_t line, column;
    char *family;
    char *text;
    const char *rule;
} stored_diag;

typedef struct compiled_rules {
    pg_matcher **codes;    /* one per golden label rule */
} compiled_rules;

struct pg_checker {
    const pg_check_opts *opts;
    char *target;
    pg_matcher *only, *skip;
    pg_matcher **exempt;
    size_t nexempt;
    int *exempt_used;      /* per --exempt: matched a metric of the scrape */
    compiled_rules *rules; /* one per golden metric */
    pg_error match_err;    /* a pattern could not decide a subject: the
                              target gets no verdict, only this error */
    pg_strmap fam_idx;     /* family name -> index + 1 */
    family **fams;
    size_t nfams, fams_cap;
    stored_diag *diags;
    size_t ndiags, diags_cap;
    pg_strmap diag_first;     /* family -> its first stored diag + 1 */
    size_t *diag_next;     /* per diag: the family's next diag + 1, or 0 */
    uint64_t diags_dropped;
    pg_buf scratch;
    pg_buf keybuf;         /* family key being looked up */
    family *last_fam;      /* family of the last sample */
    enum pg_format format; /* as parsed; AUTO if not told */
};

/* ---- patterns ---- */

/* 1 if re matches, 0 if not. A match that could not be decided records
 * the checker's error (the target then gets no verdict) and counts as no
 * match until then. */
static int re_match(pg_checker *c, pg_matcher *re, const char *p, size_t len)
{
    if (c->match_err.set)
        return 0;
    return pg_matcher_match(re, p, len, &c->match_err) > 0;
}

static int compile_rules(pg_checker *c, const pg_golden *g, pg_error *err)
{
    c->rules = pg_xcalloc(g->nmetrics, sizeof *c->rules);
    for (size_t i = 0; i < g->nmetrics; i++) {
        const pg_golden_metric *m = &g->metrics[i];
        if (!m->nlabel_values)
            continue;
        c->rules[i].codes = pg_xcalloc(m->nlabel_values, sizeof(pg_matcher *));
        for (size_t j = 0; j < m->nlabel_values; j++) {
            pg_buf what = PG_BUF_INIT;
            pg_buf_addf(&what, "golden: %s: label '%s'", m->name,
                        m->label_values[j].label);
            c->rules[i].codes[j] = pg_matcher_new(
                m->label_values[j].pattern, PG_MATCH_ANCHORED, what.p, err);
            pg_buf_release(&what);
            if (!c->rules[i].codes[j])
                return -1;
        }
    }
    return 0;
}

/* ---- checker lifecycle ---- */

pg_checker *pg_checker_new(const pg_check_opts *opts, const char *target,
                           pg_error *err)
{
    pg_checker *c = pg_xcalloc(1, sizeof *c);
    c->opts = opts;
    c->target = pg_xstrdup(target ? target : "-");
    pg_error_init(&c->match_err);
    if (opts->only && !(c->only = pg_matcher_new(opts->only, 0, "--only", err)))
        goto fail;
    if (opts->skip && !(c->skip = pg_matcher_new(opts->skip, 0, "--skip", err)))
        goto fail;
    c->exempt = pg_xcalloc(opts->nexempt, sizeof *c->exempt);
    c->exempt_used = pg_xcalloc(opts->nexempt, sizeof *c->exempt_used);
    for (size_t i = 0; i < opts->nexempt; i++) {
        c->exempt[i] = pg_matcher_new(opts->exempt[i], 0, "--exempt", err);
        c->nexempt = i + 1;
        if (!c->exempt[i])
            goto fail;
    }
    if (compile_rules(c, opts->golden, err) != 0)
        goto fail;
    return c;
fail:
    pg_checker_free(c);
    return NULL;
}

static void nameset_release(nameset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    free(s->lines);
    pg_strmap_release(&s->idx, NULL);
}

static void strseq_release(strseq *q)
{
    free(q->bytes);
    free(q->lens);
    memset(q, 0, sizeof *q);
}

static void family_free(family *f)
{
    free(f->name);
    free(f->parser_name);
    free(f->help);
    nameset_release(&f->missing);
    nameset_release(&f->extra);
    for (size_t i = 0; i < f->nbad; i++) {
        free(f->bad[i].label);
        free(f->bad[i].values);
    }
    free(f->bad);
    for (size_t i = 0; i < f->nseries; i++) {
        free(f->series[i].labels);
        free(f->series[i].points);
        free(f->series[i].bad_bound);
    }
    free(f->series);
    pg_strmap_release(&f->series_idx, NULL);
    strseq_release(&f->last_names);
    free(f->rule_pos);
    if (f->rule_ok && f->gm)
        for (size_t i = 0; i < f->gm->nlabel_values; i++)
            strseq_release(&f->rule_ok[i]);
    free(f->rule_ok);
    strseq_release(&f->last_series);
    free(f->missing_got);
    free(f->extra_got);
    free(f);
}

void pg_checker_free(pg_checker *c)
{
    if (!c)
        return;
    free(c->target);
    pg_matcher_free(c->only);
    pg_matcher_free(c->skip);
    for (size_t i = 0; i < c->nexempt; i++)
        pg_matcher_free(c->exempt[i]);
    free(c->exempt);
    free(c->exempt_used);
    if (c->rules) {
        const pg_golden *g = c->opts->golden;
        for (size_t i = 0; i < g->nmetrics; i++) {
            if (!c->rules[i].codes)
                continue;
            for (size_t j = 0; j < g->metrics[i].nlabel_values; j++)
                pg_matcher_free(c->rules[i].codes[j]);
            free(c->rules[i].codes);
        }
        free(c->rules);
    }
    for (size_t i = 0; i < c->nfams; i++)
        family_free(c->fams[i]);
    free(c->fams);
    pg_strmap_release(&c->fam_idx, NULL);
    for (size_t i = 0; i < c->ndiags; i++) {
        free(c->diags[i].family);
        free(c->diags[i].text);
    }
    free(c->diags);
    pg_strmap_release(&c->diag_first, NULL);
    free(c->diag_next);
    pg_buf_release(&c->scratch);
    pg_buf_release(&c->keybuf);
    free(c);
}

/* ---- callbacks ---- */

static family *family_find(const pg_checker *c, const char *p, size_t len)
{
    size_t idx = (size_t)(uintptr_t)pg_strmap_get(&c->fam_idx, p, len);
    return idx ? c->fams[idx - 1] : NULL;
}

/* The record of family `name` (the parser's name) under key `key`,
 * created on first use. */
static family *family_get2(pg_checker *c, pg_str key, pg_str name,
                           enum pg_type type)
{
    family *f = family_find(c, key.p, key.len);
    if (f)
        return f;
    f = pg_xcalloc(1, sizeof *f);
    f->name = pg_xstrndup(key.p, key.len);
    f->name_len = key.len;
    f->parser_name = pg_xstrndup(name.p, name.len);
    f->type = type;
    pg_str name_ = key;
    if (c->nfams == c->fams_cap) {
        c->fams_cap = c->fams_cap ? c->fams_cap * 2 : 64;
        c->fams = pg_xrealloc(c->fams, c->fams_cap * sizeof *c->fams);
    }
    c->fams[c->nfams++] = f;
    pg_strmap_put(&c->fam_idx, name_.p, name_.len,
                  (void *)(uintptr_t)c->nfams);
    return f;
}

static family *family_get(pg_checker *c, pg_str name, enum pg_type type)
{
    return family_get2(c, name, name, type);
}

static int is_hist_type(enum pg_type t)
{
    return t == PG_TYPE_HISTOGRAM || t == PG_TYPE_GAUGEHISTOGRAM;
}

/* The label the format reserves for a type's buckets or quantiles. */
static const char *bound_label(enum pg_type t)
{
    if (is_hist_type(t))
        return "le";
    if (t == PG_TYPE_SUMMARY)
        return "quantile";
    return NULL;
}

static int str_has_suffix(pg_str s, const char *suffix, size_t *stem)
{
    size_t n = strlen(suffix);
    if (s.len < n || memcmp(s.p + s.len - n, suffix, n) != 0)
        return 0;
    if (stem)
        *stem = s.len - n;
    return 1;
}

/* The golden metric a family stands for. The golden lists names as Coder's
 * docs do (counters with _total); OpenMetrics names the family of a counter
 * without _total (OpenMetrics 1.0: "Counter": samples are <family>_total),
 * and of an info metric without _info, so both spellings are tried. */
static const pg_golden_metric *golden_for(const pg_golden *g, const char *name,
                                          enum pg_type type)
{
    const pg_golden_metric *m = pg_golden_match(g, name);
    if (m)
        return m;
    pg_buf b = PG_BUF_INIT;
    pg_str s = { name, strlen(name) };
    size_t stem;
    if (type == PG_TYPE_COUNTER || type == PG_TYPE_INFO) {
        const char *suf = type == PG_TYPE_COUNTER ? "_total" : "_info";
        if (str_has_suffix(s, suf, &stem))
            pg_buf_add(&b, name, stem);
        else
            pg_buf_addf(&b, "%s%s", name, suf);
        m = pg_golden_match(g, b.p);
    }
    pg_buf_release(&b);
    return m;
}

static void nameset_add(nameset *s, pg_str name, uint64_t line)
{
    if (pg_strmap_get(&s->idx, name.p, name.len))
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->names = pg_xrealloc(s->names, s->cap * sizeof *s->names);
        s->lines = pg_xrealloc(s->lines, s->cap * sizeof *s->lines);
    }
    s->names[s->n] = pg_xstrndup(name.p, name.len);
    s->lines[s->n] = line;
    s->n++;
    pg_strmap_put(&s->idx, name.p, name.len, (void *)(uintptr_t)s->n);
}

static int cmp_str(const void *a, const void *b);
static void join_names(pg_buf *b, char *const *names, size_t n);

/* The sample's label names, sorted, without the reserved one: what a
 * series has, shown as 'got' beside the documented set. */
static char *sample_names(const pg_sample *s, const char *reserved)
{
    char **names = pg_xcalloc(s->nlabels + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < s->nlabels; i++)
        if (!reserved || !pg_str_eq(s->labels[i].name, reserved))
            names[n++] = pg_xstrndup(s->labels[i].name.p,
                                     s->labels[i].name.len);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    pg_buf b = PG_BUF_INIT;
    join_names(&b, names, n);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return pg_buf_detach(&b);
}

static void strseq_reset(strseq *q)
{
    q->len = q->n = 0;
    q->valid = 1;
}

static void strseq_add(strseq *q, pg_str x)
{
    if (q->len + x.len > q->cap || !q->bytes) { /* never NULL + 0 */
        q->cap = q->cap ? q->cap : 64;
        while (q->cap < q->len + x.len)
            q->cap *= 2;
        q->bytes = pg_xrealloc(q->bytes, q->cap);
    }
    if (q->n == q->ncap) {
        q->ncap = q->ncap ? q->ncap * 2 : 8;
        q->lens = pg_xrealloc(q->lens, q->ncap * sizeof *q->lens);
    }
    if (x.len)
        memcpy(q->bytes + q->len, x.p, x.len);
    q->len += x.len;
    q->lens[q->n++] = x.len;
}

/* Cursor over a strseq: whether the next string is exactly x; advances
 * past it if so. */
typedef struct strseq_pos {
    size_t i, off;
} strseq_pos;

static inline int strseq_next_is(const strseq *q, strseq_pos *at, pg_str x)
{
    if (at->i >= q->n || q->lens[at->i] != x.len ||
        !pg_bytes_eq(q->bytes + at->off, x.p, x.len))
        return 0;
    at->off += x.len;
    at->i++;
    return 1;
}

/* Whether the sample's label names, in input order, are those of the last
 * sample whose names were checked. */
static int names_unchanged(const family *f, const pg_sample *s)
{
    const strseq *q = &f->last_names;
    if (!q->valid || q->n != s->nlabels)
        return 0;
    strseq_pos at = { 0, 0 };
    for (size_t i = 0; i < s->nlabels; i++)
        if (!strseq_next_is(q, &at, s->labels[i].name))
            return 0;
    return 1;
}

/* Records labels the golden requires but the sample lacks, and labels it
 * has that the golden does not list. Returns 1 if the label names are
 * those of the last sample checked (nothing new to learn: the work below
 * only ever records a name or a sample's names once). */
static int check_label_names(family *f, const pg_sample *s,
                             const char *reserved)
{
    const pg_golden_metric *m = f->gm;
    /* series of one family nearly always share their label names */
    if (names_unchanged(f, s))
        return 1;
    strseq_reset(&f->last_names);
    for (size_t i = 0; i < s->nlabels; i++)
        strseq_add(&f->last_names, s->labels[i].name);
    for (size_t i = 0; i < s->nlabels; i++) {
        pg_str n = s->labels[i].name;
        if (reserved && pg_str_eq(n, reserved))
            continue;
        int known = 0;
        for (size_t j = 0; j < m->nlabels && !known; j++)
            known = pg_str_eq(n, m->labels[j]);
        if (!known && m->nlabel_patterns) /* templated label names */
            known = pg_golden_label_templated(m, n.p, n.len);
        if (!known) {
            if (!f->extra_got)
                f->extra_got = sample_names(s, reserved);
            nameset_add(&f->extra, n, (uint64_t)s->line);
        }
    }
    for (size_t j = 0; j < m->nlabels; j++) {
        int found = 0;
        for (size_t i = 0; i < s->nlabels && !found; i++)
            found = pg_str_eq(s->labels[i].name, m->labels[j]);
        if (!found) {
            pg_str n = { m->labels[j], strlen(m->labels[j]) };
            if (!f->missing_got)
                f->missing_got = sample_names(s, reserved);
            nameset_add(&f->missing, n, (uint64_t)s->line);
        }
    }
    return 0;
}

/* Judges the values of the labels the golden constrains. names_same: the
 * sample's label names are those of the last call, so f->rule_pos still
 * says where each constrained label is. */
static void check_label_values(pg_checker *c, family *f, const pg_sample *s,
                               int names_same)
{
    const pg_golden_metric *m = f->gm;
    pg_matcher **codes = c->rules[f->gm_index].codes;
    if (!f->rule_pos) {
        f->rule_pos = pg_xcalloc(m->nlabel_values, sizeof *f->rule_pos);
        f->rule_ok = pg_xcalloc(m->nlabel_values, sizeof *f->rule_ok);
        names_same = 0;
    }
    if (!names_same)
        for (size_t j = 0; j < m->nlabel_values; j++) {
            /* the first label of that name is the one judged */
            f->rule_pos[j] = SIZE_MAX;
            for (size_t i = 0; i < s->nlabels; i++)
                if (pg_str_eq(s->labels[i].name, m->label_values[j].label)) {
                    f->rule_pos[j] = i;
                    break;
                }
        }
    for (size_t j = 0; j < m->nlabel_values; j++) {
        const char *label = m->label_values[j].label;
        size_t i = f->rule_pos[j];
        if (i == SIZE_MAX)
            continue;
        pg_str v = s->labels[i].value;
        strseq *ok = &f->rule_ok[j];
        /* the pattern is fixed, so a value accepted once is accepted
         * again; a constrained label takes few values */
        int seen = 0;
        for (size_t x = 0, off = 0; x < ok->n && !seen;
             off += ok->lens[x], x++)
            seen = ok->lens[x] == v.len &&
                   pg_bytes_eq(ok->bytes + off, v.p, v.len);
        if (seen)
            continue;
        if (re_match(c, codes[j], v.p, v.len)) {
            if (ok->n == MAX_ACCEPTED)
                strseq_reset(ok);
            strseq_add(ok, v);
            continue;
        }
        bad_value *b = NULL;
        for (size_t x = 0; x < f->nbad; x++)
            if (!strcmp(f->bad[x].label, label))
                b = &f->bad[x];
        if (!b) {
            f->bad = pg_xrealloc(f->bad, (f->nbad + 1) * sizeof *f->bad);
            b = &f->bad[f->nbad++];
            memset(b, 0, sizeof *b);
            b->label = pg_xstrdup(label);
            b->line = (uint64_t)s->line;
        }
        pg_buf q = PG_BUF_INIT;
        pg_buf_addf(&q, "'%.*s'", (int)v.len, v.p);
        if (b->values && strstr(b->values, q.p)) {
            pg_buf_release(&q);
            continue;
        }
        if (b->nvalues < MAX_BAD_VALUES) {
            pg_buf all = PG_BUF_INIT;
            if (b->values)
                pg_buf_addf(&all, "%s, ", b->values);
            pg_buf_adds(&all, q.p);
            free(b->values);
            b->values = pg_buf_detach(&all);
        }
        b->nvalues++;
        pg_buf_release(&q);
    }
}

/* Parses an le or quantile value as the formats write it ("+Inf", "1",
 * "1.0", "1e+00" are numbers compared by value). NaN is no bound: it has
 * no place in an order. */
static int parse_bound(pg_str v, double *out)
{
    return pg_num_parse(v.p, v.len, out) == PG_NUM_OK && !isnan(*out) ? 0
                                                                       : -1;
}

/* Appends a label name or value as "%.*s" would print it: up to a NUL. */
static void add_printed(pg_buf *b, pg_str x)
{
    const char *nul = x.len ? memchr(x.p, '\0', x.len) : NULL;
    pg_buf_add(b, x.p, nul ? (size_t)(nul - x.p) : x.len);
}

/* Whether the sample's labels other than the reserved one are, in input
 * order, those of the last sample filed under a series: then it belongs
 * to that series. */
static int series_unchanged(const family *f, const pg_sample *s,
                            const char *reserved)
{
    const strseq *q = &f->last_series;
    if (!f->last_series_at || f->last_reserved != reserved)
        return 0;
    strseq_pos at = { 0, 0 };
    for (size_t i = 0; i < s->nlabels; i++) {
        const pg_label *l = &s->labels[i];
        if (pg_str_eq(l->name, reserved))
            continue;
        if (!strseq_next_is(q, &at, l->name) ||
            !strseq_next_is(q, &at, l->value))
            return 0;
    }
    return at.i == q->n;
}

static series *series_get(pg_checker *c, family *f, const pg_sample *s,
                          const char *reserved)
{
    if (series_unchanged(f, s, reserved))
        return &f->series[f->last_series_at - 1];
    f->last_reserved = reserved;
    strseq_reset(&f->last_series);
    for (size_t i = 0; i < s->nlabels; i++)
        if (!pg_str_eq(s->labels[i].name, reserved)) {
            strseq_add(&f->last_series, s->labels[i].name);
            strseq_add(&f->last_series, s->labels[i].value);
        }
    /* Key and display form: labels other than the reserved one, sorted by
     * name so input order does not split a series. */
    size_t small[32];
    size_t *idx = s->nlabels <= 32 ? small
                                   : pg_xmalloc(s->nlabels * sizeof *idx);
    size_t n = 0;
    for (size_t i = 0; i < s->nlabels; i++)
        if (!pg_str_eq(s->labels[i].name, reserved))
            idx[n++] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            pg_str a = s->labels[idx[j - 1]].name, b = s->labels[idx[j]].name;
            size_t ml = a.len < b.len ? a.len : b.len;
            int cmp = memcmp(a.p, b.p, ml);
            if (cmp < 0 || (cmp == 0 && a.len <= b.len))
                break;
            size_t t = idx[j - 1];
            idx[j - 1] = idx[j];
            idx[j] = t;
        }
    pg_buf *k = &c->scratch;
    k->len = 0;
    pg_buf_adds(k, "{");
    for (size_t i = 0; i < n; i++) {
        const pg_label *l = &s->labels[idx[i]];
        if (i)
            pg_buf_addc(k, ',');
        add_printed(k, l->name);
        pg_buf_add(k, "=\"", 2);
        add_printed(k, l->value);
        pg_buf_addc(k, '"');
    }
    pg_buf_adds(k, "}");
    if (idx != small)
        free(idx);
    size_t at =
        (size_t)(uintptr_t)pg_strmap_get(&f->series_idx, k->p, k->len);
    f->last_series_at = at;
    if (at)
        return &f->series[at - 1];
    if (f->nseries == f->series_cap) {
        f->series_cap = f->series_cap ? f->series_cap * 2 : 8;
        f->series = pg_xrealloc(f->series, f->series_cap * sizeof *f->series);
    }
    series *se = &f->series[f->nseries++];
    memset(se, 0, sizeof *se);
    se->labels = pg_xstrndup(k->p, k->len);
    se->line = (uint64_t)s->line;
    pg_strmap_put(&f->series_idx, k->p, k->len,
                  (void *)(uintptr_t)f->nseries);
    f->last_series_at = f->nseries;
    return se;
}

/* Files a histogram or summary sample under its series. */
static void record_structure(pg_checker *c, family *f, const pg_sample *s,
                             enum pg_type t)
{
    const char *reserved = bound_label(t);
    pg_str fam = { f->name, f->name_len };
    pg_str suffix = { s->name.p + fam.len, 0 };
    if (s->name.len < fam.len || memcmp(s->name.p, fam.p, fam.len) != 0)
        return;
    suffix.len = s->name.len - fam.len;
    series *se = series_get(c, f, s, reserved);
    int gauge = t == PG_TYPE_GAUGEHISTOGRAM;
    if (pg_str_eq(suffix, gauge ? "_gsum" : "_sum")) {
        se->has_sum = 1;
    } else if (pg_str_eq(suffix, gauge ? "_gcount" : "_count")) {
        se->has_count = 1;
        se->count = s->value;
    } else if ((is_hist_type(t) && pg_str_eq(suffix, "_bucket")) ||
               (t == PG_TYPE_SUMMARY && suffix.len == 0)) {
        pg_str bound = { NULL, 0 };
        int found = 0;
        for (size_t i = 0; i < s->nlabels; i++)
            if (pg_str_eq(s->labels[i].name, reserved)) {
                bound = s->labels[i].value;
                found = 1;
            }
        double b;
        if (!found || parse_bound(bound, &b) != 0) {
            if (!se->bad_bound) {
                se->bad_bound = found ? pg_xstrndup(bound.p, bound.len)
                                      : pg_xstrdup("");
                se->bad_bound_line = (uint64_t)s->line;
            }
            return;
        }
        if (isinf(b) && b > 0 && is_hist_type(t)) {
            se->has_inf = 1;
            se->inf_value = s->value;
        }
        if (se->npoints == se->cap) {
            se->cap = se->cap ? se->cap * 2 : 16;
            se->points = pg_xrealloc(se->points, se->cap * sizeof *se->points);
        }
        se->points[se->npoints++] = (point){ b, s->value, (uint64_t)s->line };
    }
}

static int on_sample(void *ctx, const pg_sample *s)
{
    pg_checker *c = ctx;
    pg_str fname = s->family.len ? s->family : s->name;
    /* OpenMetrics names a counter family without _total, its samples
     * <family>_total and <family>_created (OpenMetrics 1.0 "Counter"). The
     * record is kept under the _total name the docs use, which also keeps
     * it apart from a gauge of the stem's name, as client_golang exposes
     * go_memstats_alloc_bytes (gauge) beside go_memstats_alloc_bytes_total
     * (counter). */
    pg_str key = fname;
    size_t stem;
    if (s->type == PG_TYPE_COUNTER && !str_has_suffix(fname, "_total", NULL) &&
        s->name.len > fname.len && !memcmp(s->name.p, fname.p, fname.len) &&
        (str_has_suffix(s->name, "_total", &stem) ||
         str_has_suffix(s->name, "_created", &stem)) &&
        stem == fname.len) {
        c->keybuf.len = 0;
        pg_buf_add(&c->keybuf, fname.p, fname.len);
        pg_buf_adds(&c->keybuf, "_total");
        key = (pg_str){ c->keybuf.p, c->keybuf.len };
    }
    family *f = c->last_fam;
    /* samples come grouped by family: look up only on change */
    if (!f || f->name_len != key.len || !pg_bytes_eq(f->name, key.p, key.len))
        c->last_fam = f = family_get2(c, key, fname, s->type);
    if (!f->line)
        f->line = (uint64_t)s->line;
    f->nsamples++;
    if (s->type != PG_TYPE_NONE) {
        f->type = s->type;
        f->type_known = 1;
    }
    if (!f->gm && f->gm_miss != (int)f->type + 1) {
        f->gm = golden_for(c->opts->golden, f->name, f->type);
        if (f->gm)
            f->gm_index = (size_t)(f->gm - c->opts->golden->metrics);
        else
            f->gm_miss = (int)f->type + 1; /* same name and type: same miss */
    }
    enum pg_type t = f->type;
    if (f->gm && !is_hist_type(t) && t != PG_TYPE_SUMMARY &&
        (is_hist_type(f->gm->type) || f->gm->type == PG_TYPE_SUMMARY))
        t = PG_TYPE_NONE; /* wrong type: no structure to judge */
    const char *reserved = bound_label(t);
    if (f->gm) {
        int same = check_label_names(f, s, reserved);
        if (f->gm->nlabel_values)
            check_label_values(c, f, s, same);
    }
    if (reserved)
        record_structure(c, f, s, t);
    return 0;
}

static int on_family(void *ctx, const pg_family_info *fi)
{
    pg_checker *c = ctx;
    family *f = NULL;
    if (fi->type == PG_TYPE_COUNTER &&
        !str_has_suffix(fi->name, "_total", NULL)) {
        /* an OpenMetrics counter whose samples on_sample() filed under
         * <name>_total */
        c->keybuf.len = 0;
        pg_buf_add(&c->keybuf, fi->name.p, fi->name.len);
        pg_buf_adds(&c->keybuf, "_total");
        f = family_find(c, c->keybuf.p, c->keybuf.len);
        if (f && strcmp(f->parser_name, c->keybuf.p) == 0)
            f = NULL; /* a text-format family really named <name>_total */
    }
    if (!f)
        f = family_get(c, fi->name, fi->type);
    if (!f->line)
        f->line = (uint64_t)fi->line;
    if (fi->type != PG_TYPE_NONE || !f->type_known) {
        f->type = fi->type;
        f->type_known = fi->type != PG_TYPE_NONE;
    }
    if (fi->has_help && !f->has_help) {
        f->has_help = 1;
        f->help = pg_xstrndup(fi->help.p, fi->help.len);
    }
    f->native += fi->native;
    return 0;
}

static void on_diag(void *ctx, const pg_diag *d)
{
    pg_checker *c = ctx;
    if (c->ndiags >= MAX_DIAGS) {
        c->diags_dropped++;
        return;
    }
    if (c->ndiags == c->diags_cap) {
        c->diags_cap = c->diags_cap ? c->diags_cap * 2 : 32;
        c->diags = pg_xrealloc(c->diags, c->diags_cap * sizeof *c->diags);
    }
    stored_diag *s = &c->diags[c->ndiags++];
    s->level = d->level;
    s->line = (uint64_t)d->line;
    s->column = (uint64_t)d->column;
    s->family = pg_xstrdup(d->family);
    s->text = pg_xstrdup(d->text);
    s->rule = d->rule;
}

const pg_parser_callbacks *pg_checker_callbacks(void)
{
    static const pg_parser_callbacks cb = { on_sample, on_family, on_diag };
    return &cb;
}

/* ---- building results ---- */

typedef struct result_list {
    pg_metric_result *r;
    size_t n, cap;
} result_list;

static pg_metric_result *result_add(result_list *l, const char *target,
                                    const char *metric,
                                    enum pg_result_kind kind)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->r = pg_xrealloc(l->r, l->cap * sizeof *l->r);
    }
    pg_metric_result *r = &l->r[l->n++];
    memset(r, 0, sizeof *r);
    r->target = pg_xstrdup(target);
    r->metric = pg_xstrdup(metric);
    r->kind = kind;
    return r;
}

static pg_problem *problem_add(pg_metric_result *r, enum pg_problem_code code,
                               int failure, uint64_t line, uint64_t column,
                               const char *expected, const char *got,
                               const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static pg_problem *problem_add(pg_metric_result *r, enum pg_problem_code code,
                               int failure, uint64_t line, uint64_t column,
                               const char *expected, const char *got,
                               const char *fmt, ...)
{
    r->problems = pg_xrealloc(r->problems,
                              (r->nproblems + 1) * sizeof *r->problems);
    pg_problem *p = &r->problems[r->nproblems++];
    p->code = code;
    p->failure = failure;
    p->line = line;
    p->column = column;
    p->expected = expected ? pg_xstrdup(expected) : NULL;
    p->got = got ? pg_xstrdup(got) : NULL;
    pg_buf b = PG_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    p->message = pg_buf_detach(&b);
    return p;
}

static int name_selected(pg_checker *c, const char *name)
{
    size_t len = strlen(name);
    if (c->only && !re_match(c, c->only, name, len))
        return 0;
    if (c->skip && re_match(c, c->skip, name, len))
        return 0;
    return 1;
}

static unsigned selection(const pg_checker *c)
{
    return c->opts->select ? c->opts->select : PG_SELECT_ALL;
}

/* Whether one --enable value names condition cond. Conditions read
 * "kind:value" (golden/SCHEMA.md: flag:--prometheus-collect-db-metrics,
 * license:premium, ...); an --enable value matches the whole condition,
 * its value alone, "kind:*" for every condition of a kind, or "all". */
static int enable_names(const char *e, const char *cond)
{
    const char *colon = strchr(cond, ':');
    size_t n = strlen(e);
    if (!strcmp(e, cond) || !strcmp(e, "all"))
        return 1;
    if (colon && !strcmp(e, colon + 1))
        return 1;
    return n >= 2 && !strcmp(e + n - 2, ":*") && colon &&
           (size_t)(colon - cond) == n - 2 && !memcmp(e, cond, n - 2);
}

/* Whether --enable says a golden condition holds. */
static int condition_enabled(const pg_checker *c, const char *cond)
{
    for (size_t i = 0; i < c->opts->nenabled; i++)
        if (enable_names(c->opts->enabled[i], cond))
            return 1;
    return 0;
}

const char *pg_check_unknown_condition(const pg_check_opts *o)
{
    size_t n;
    const char **conds = pg_golden_conditions(o->golden, &n);
    const char *bad = NULL;
    for (size_t i = 0; i < o->nenabled && !bad; i++) {
        const char *e = o->enabled[i];
        int known = !strcmp(e, "all");
        for (size_t j = 0; j < n && !known; j++)
            known = enable_names(e, conds[j]);
        if (!known)
            bad = e;
    }
    free(conds);
    return bad;
}

/* --only/--skip (with --select) that leave no documented metric to judge
 * are a mistake, not a pass. */
static int validate_selection(pg_checker *c, pg_error *err)
{
    const pg_check_opts *o = c->opts;
    unsigned sel = selection(c);
    if (!(sel & (PG_SELECT_DOCUMENTED | PG_SELECT_HISTOGRAMS)) ||
        (!o->only && !o->skip))
        return 0;
    for (size_t i = 0; i < o->golden->nmetrics; i++) {
        const pg_golden_metric *m = &o->golden->metrics[i];
        int hist = is_hist_type(m->type) || m->type == PG_TYPE_SUMMARY;
        if ((sel & (hist ? PG_SELECT_HISTOGRAMS : PG_SELECT_DOCUMENTED)) &&
            name_selected(c, m->name))
            return 0;
    }
    if (c->match_err.set)
        return pg_error_set(err, c->match_err.source, 0, 0, "%s",
                            c->match_err.text);
    pg_buf b = PG_BUF_INIT;
    if (o->only)
        pg_buf_addf(&b, " --only '%s'", o->only);
    if (o->skip)
        pg_buf_addf(&b, " --skip '%s'", o->skip);
    if (o->select)
        pg_buf_adds(&b, " with --select");
    int rc = pg_error_set(err, "", 0, 0, "no documented metric of the golden "
                          "is selected by%s", b.p);
    pg_buf_release(&b);
    return rc;
}

int pg_check_opts_validate(const pg_check_opts *opts, pg_error *err)
{
    const char *bad = pg_check_unknown_condition(opts);
    if (bad)
        return pg_error_set(err, "", 0, 0, "--enable '%s': unknown "
                            "condition", bad);
    pg_checker *c = pg_checker_new(opts, "-", err);
    if (!c)
        return -1;
    int rc = validate_selection(c, err);
    pg_checker_free(c);
    return rc;
}

static void join_names(pg_buf *b, char *const *names, size_t n)
{
    if (!n)
        pg_buf_adds(b, "(none)");
    for (size_t i = 0; i < n; i++)
        pg_buf_addf(b, "%s%s", i ? "," : "", names[i]);
}

/* join_names() of the first MAX_NAMES_LISTED, then how many more: a
 * scrape can invent a label name per series. */
static void join_names_capped(pg_buf *b, char *const *names, size_t n)
{
    join_names(b, names, n > MAX_NAMES_LISTED ? MAX_NAMES_LISTED : n);
    if (n > MAX_NAMES_LISTED)
        pg_buf_addf(b, ",... (%zu more)", n - MAX_NAMES_LISTED);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmp_point(const void *a, const void *b)
{
    return cmp_double(&((const point *)a)->bound, &((const point *)b)->bound);
}

/* A number as short as reads back exactly: le=0.1, not
 * le=0.10000000000000001. Returns d for use in a format argument. */
typedef struct numstr {
    char s[40];
} numstr;

static const char *num(numstr *d, double v)
{
    pg_num_format(d->s, sizeof d->s, v);
    return d->s;
}

static void add_bounds(pg_buf *b, const double *v, size_t n)
{
    numstr d;
    pg_buf_adds(b, "[");
    for (size_t i = 0; i < n; i++)
        pg_buf_addf(b, "%s%s", i ? ", " : "", num(&d, v[i]));
    pg_buf_adds(b, "]");
}

/* Bounds compared as numbers with a relative tolerance: "0.1" from the
 * golden and "0.1" from the scrape are the same double, but a generator
 * may print 0.30000000000000004 for 0.3. */
static int bound_eq(double a, double b)
{
    if (a == b)
        return 1;
    return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* One structural fault, reported once per family with the first series it
 * was seen on and how many series share it. */
typedef struct fault {
    const char *kind;
    char *message;
    char *expected, *got;
    uint64_t line;
    size_t count;
    enum pg_problem_code code;
} fault;

typedef struct fault_list {
    fault items[16];
    size_t n;
    uint64_t *lines;        /* every line a fault was noted at */
    size_t nlines, lines_cap;
} fault_list;

static void fault_note(fault_list *l, const char *kind, enum pg_problem_code code,
                       uint64_t line, const char *expected, const char *got,
                       const char *message)
{
    if (l->nlines == l->lines_cap) {
        l->lines_cap = l->lines_cap ? l->lines_cap * 2 : 16;
        l->lines = pg_xrealloc(l->lines, l->lines_cap * sizeof *l->lines);
    }
    l->lines[l->nlines++] = line;
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].kind, kind)) {
            l->items[i].count++;
            return;
        }
    if (l->n == sizeof l->items / sizeof *l->items)
        return;
    fault *f = &l->items[l->n++];
    f->kind = kind;
    f->message = pg_xstrdup(message);
    f->expected = expected ? pg_xstrdup(expected) : NULL;
    f->got = got ? pg_xstrdup(got) : NULL;
    f->line = line;
    f->count = 1;
    f->code = code;
}

/* _sum and _count of a histogram or summary series: text format 0.0.4
 * says they SHOULD be present, which promgate requires unless the golden
 * says sum_count_optional. */
static void check_sum_count(const pg_golden_metric *m, const series *se,
                            fault_list *fl)
{
    if (m && m->sum_count_optional)
        return;
    pg_buf msg = PG_BUF_INIT;
    if (!se->has_sum) {
        pg_buf_addf(&msg, "no '_sum' sample (series %s)", se->labels);
        fault_note(fl, "no '_sum' sample", PG_PROBLEM_STRUCTURE, se->line,
                   "_sum sample", "none", msg.p);
        msg.len = 0;
    }
    if (!se->has_count) {
        pg_buf_addf(&msg, "no '_count' sample (series %s)", se->labels);
        fault_note(fl, "no '_count' sample", PG_PROBLEM_STRUCTURE, se->line,
                   "_count sample", "none", msg.p);
    }
    pg_buf_release(&msg);
}

/* Whether a series shows no finite bucket: how the text formats render a
 * native-only histogram (client_golang writes _sum, _count and a lone
 * le="+Inf" bucket; other libraries no bucket at all), and how the
 * protobuf parser reports a Histogram message without classic buckets. */
static int no_finite_bucket(const series *se)
{
    if (se->bad_bound)
        return 0;
    for (size_t i = 0; i < se->npoints; i++)
        if (!(isinf(se->points[i].bound) && se->points[i].bound > 0))
            return 0;
    return 1;
}

static void note_bad_bound(const series *se, fault_list *fl)
{
    pg_buf msg = PG_BUF_INIT;
    pg_buf_addf(&msg, "invalid bucket bound le='%s' (series %s)",
                se->bad_bound, se->labels);
    fault_note(fl, "invalid bucket bound", PG_PROBLEM_STRUCTURE,
               se->bad_bound_line, NULL, se->bad_bound, msg.p);
    pg_buf_release(&msg);
}

static void note_no_inf(const series *se, fault_list *fl)
{
    pg_buf msg = PG_BUF_INIT;
    pg_buf_addf(&msg, "no '+Inf' bucket (series %s)", se->labels);
    fault_note(fl, "no '+Inf' bucket", PG_PROBLEM_STRUCTURE, se->line,
               "le=\"+Inf\" bucket", "none", msg.p);
    pg_buf_release(&msg);
}

/* The series' buckets in bound order (the input may list them in any). */
static point *sorted_points(const series *se)
{
    point *pts = pg_xmalloc((se->npoints + 1) * sizeof *pts);
    if (se->npoints) {
        memcpy(pts, se->points, se->npoints * sizeof *pts);
        qsort(pts, se->npoints, sizeof *pts, cmp_point);
    }
    return pts;
}

/* The first bucket whose count falls below the one before, or whose
 * bound repeats. */
static void check_cumulative(const series *se, const point *pts,
                             fault_list *fl)
{
    pg_buf msg = PG_BUF_INIT, e = PG_BUF_INIT, g = PG_BUF_INIT;
    for (size_t i = 1; i < se->npoints; i++) {
        if (pts[i].value < pts[i - 1].value) {
            numstr b0, v0, b1, v1;
            pg_buf_addf(&msg,
                        "bucket counts not cumulative: le=%s has %s, "
                        "le=%s has %s (series %s)",
                        num(&b0, pts[i - 1].bound), num(&v0, pts[i - 1].value),
                        num(&b1, pts[i].bound), num(&v1, pts[i].value),
                        se->labels);
            pg_buf_addf(&e, ">= %s", v0.s);
            pg_buf_adds(&g, v1.s);
            fault_note(fl, "bucket counts not cumulative", PG_PROBLEM_STRUCTURE,
                       pts[i].line, e.p, g.p, msg.p);
            break;
        }
        if (pts[i].bound == pts[i - 1].bound) {
            numstr b0;
            pg_buf_addf(&msg, "duplicate bucket le=%s (series %s)",
                        num(&b0, pts[i].bound), se->labels);
            fault_note(fl, "duplicate bucket", PG_PROBLEM_STRUCTURE,
                       pts[i].line, NULL, NULL, msg.p);
            break;
        }
    }
    pg_buf_release(&msg);
    pg_buf_release(&e);
    pg_buf_release(&g);
}

static void check_count_is_inf(const series *se, fault_list *fl)
{
    if (!se->has_count || !se->has_inf || se->count == se->inf_value)
        return;
    pg_buf msg = PG_BUF_INIT;
    numstr cnt, inf;
    pg_buf_addf(&msg, "_count %s differs from the '+Inf' bucket %s (series %s)",
                num(&cnt, se->count), num(&inf, se->inf_value), se->labels);
    fault_note(fl, "differs from the '+Inf' bucket", PG_PROBLEM_STRUCTURE,
               se->line, inf.s, cnt.s, msg.p);
    pg_buf_release(&msg);
}

/* The finite bounds (each once) against the golden's. */
static void check_golden_bounds(const pg_golden_metric *m, const series *se,
                                const point *pts, fault_list *fl)
{
    double *got = pg_xmalloc((se->npoints + 1) * sizeof *got);
    size_t n = 0;
    for (size_t i = 0; i < se->npoints; i++)
        if (!isinf(pts[i].bound) &&
            (n == 0 || !bound_eq(got[n - 1], pts[i].bound)))
            got[n++] = pts[i].bound;
    int same = n == m->nbuckets;
    for (size_t i = 0; same && i < n; i++)
        same = bound_eq(got[i], m->buckets[i]);
    if (!same) {
        pg_buf msg = PG_BUF_INIT, e = PG_BUF_INIT, g = PG_BUF_INIT;
        add_bounds(&e, m->buckets, m->nbuckets);
        add_bounds(&g, got, n);
        pg_buf_addf(&msg, "bucket bounds differ from the golden (series %s)",
                    se->labels);
        fault_note(fl, "bucket bounds differ", PG_PROBLEM_BUCKETS, se->line,
                   e.p, g.p, msg.p);
        pg_buf_release(&msg);
        pg_buf_release(&e);
        pg_buf_release(&g);
    }
    free(got);
}

/* Checks one histogram series: OpenMetrics 1.0 "Histogram": buckets MUST
 * include +Inf, be cumulative, and _count MUST equal the +Inf bucket;
 * text format 0.0.4 says _sum and _count SHOULD be present, which
 * promgate requires unless the golden says sum_count_optional.
 *
 * A metric the golden documents as native may show no finite bucket (its
 * native-only view, see no_finite_bucket()): that is no bucket mismatch.
 * The +Inf bucket stays required: both text formats say a histogram MUST
 * have one, and the protobuf parser reports one for every histogram. */
static void check_hist_series(const pg_golden_metric *m, const series *se,
                              fault_list *fl)
{
    int native_view = m && m->native_histogram && no_finite_bucket(se);
    if (se->bad_bound)
        note_bad_bound(se, fl);
    if (!se->has_inf)
        note_no_inf(se, fl);
    point *pts = sorted_points(se);
    check_cumulative(se, pts, fl);
    check_sum_count(m, se, fl);
    check_count_is_inf(se, fl);
    if (m && m->has_buckets && !native_view)
        check_golden_bounds(m, se, pts, fl);
    free(pts);
}

/* Summary series: quantile labels are numbers in [0, 1] (text format
 * 0.0.4 "Summary"; OpenMetrics 1.0 "Summary": quantiles MUST be between 0
 * and 1); _sum and _count as for histograms. */
static void check_summary_series(const pg_golden_metric *m, const series *se,
                                 fault_list *fl)
{
    pg_buf msg = PG_BUF_INIT;
    const char *lab = se->labels;
    if (se->bad_bound) {
        pg_buf_addf(&msg, "invalid quantile '%s' (series %s)", se->bad_bound,
                    lab);
        fault_note(fl, "invalid quantile", PG_PROBLEM_STRUCTURE,
                   se->bad_bound_line, "a number in [0, 1]", se->bad_bound,
                   msg.p);
        msg.len = 0;
    }
    for (size_t i = 0; i < se->npoints; i++)
        if (!(se->points[i].bound >= 0 && se->points[i].bound <= 1)) {
            numstr q;
            pg_buf_addf(&msg, "quantile %s outside [0, 1] (series %s)",
                        num(&q, se->points[i].bound), lab);
            fault_note(fl, "outside [0, 1]", PG_PROBLEM_STRUCTURE,
                       se->points[i].line, NULL, NULL, msg.p);
            msg.len = 0;
            break;
        }
    check_sum_count(m, se, fl);
    pg_buf_release(&msg);
}

static void faults_to_problems(fault_list *fl, pg_metric_result *r,
                               size_t nseries)
{
    for (size_t i = 0; i < fl->n; i++) {
        fault *f = &fl->items[i];
        if (f->count > 1 || nseries > 1)
            problem_add(r, f->code, 1, f->line, 0, f->expected, f->got,
                        "%s; %zu of %zu series", f->message, f->count,
                        nseries);
        else
            problem_add(r, f->code, 1, f->line, 0, f->expected, f->got, "%s",
                        f->message);
        free(f->message);
        free(f->expected);
        free(f->got);
    }
    fl->n = 0; /* lines are kept for attach_diags() */
}

/* Whether a parser diagnostic is about a metric type's rules (histogram
 * buckets, summary quantiles, counter values ...) rather than syntax. Those
 * belong to the metric's verdict; syntax faults to the format verdict.
 * Judged by the spec section the diagnostic cites. */
static int is_type_rule(const char *rule)
{
    static const char *const sections[] = {
        "Histograms and summaries", "Histogram", "GaugeHistogram", "Summary",
        "Counter", "Gauge", "Info", "StateSet", "Unknown",
    };
    const char *p = rule ? strstr(rule, ": ") : NULL;
    if (!p)
        return 0;
    /* "Spec: Section", or "Spec: Section: the sentence it enforces" */
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
        size_t n = strlen(sections[i]);
        if (!strncmp(p + 2, sections[i], n) &&
            (p[2 + n] == '\0' || p[2 + n] == ':'))
            return 1;
    }
    return 0;
}

static int cmp_line(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Whether a fault was noted at line; fl->lines sorted. */
static int line_in(const fault_list *fl, uint64_t line)
{
    return fl && fl->nlines &&
           bsearch(&line, fl->lines, fl->nlines, sizeof *fl->lines, cmp_line);
}

/* Links the stored diagnostics of each family, in input order, so a
 * family's are found without a pass over all of them (a scrape of many
 * families would make that quadratic). Built once, after the parse. */
static void index_diags(pg_checker *c)
{
    if (c->diag_next)
        return;
    c->diag_next = pg_xcalloc(c->ndiags + 1, sizeof *c->diag_next);
    size_t *last = pg_xcalloc(c->ndiags + 1, sizeof *last);
    for (size_t i = 0; i < c->ndiags; i++) {
        const char *fam = c->diags[i].family;
        if (!fam)
            continue;
        size_t len = strlen(fam);
        size_t head = (size_t)(uintptr_t)pg_strmap_get(&c->diag_first, fam, len);
        if (!head)
            pg_strmap_put(&c->diag_first, fam, len, (void *)(uintptr_t)(i + 1));
        else
            c->diag_next[last[head - 1]] = i + 1;
        last[head ? head - 1 : i] = i;
    }
    free(last);
}

/* Parser diagnostics about this family's type rules become the metric's
 * problems: errors fail it, warnings are diagnostics. Those at a line where the
 * checker's own structure check already found the fault (fl) say the
 * same thing again and are left out. */
static void attach_diags(pg_checker *c, pg_metric_result *r, const char *fam,
                         enum pg_type type, fault_list *fl)
{
    size_t shown = 0, more = 0;
    index_diags(c);
    if (fl && fl->nlines)
        qsort(fl->lines, fl->nlines, sizeof *fl->lines, cmp_line);
    size_t i = (size_t)(uintptr_t)pg_strmap_get(&c->diag_first, fam, strlen(fam));
    for (; i; i = c->diag_next[i - 1]) {
        stored_diag *d = &c->diags[i - 1];
        if (!d->family || !is_type_rule(d->rule))
            continue;
        free(d->family);
        d->family = NULL; /* attributed: not repeated in the format result */
        if (line_in(fl, d->line))
            continue;
        if (shown == MAX_FAMILY_DIAGS) {
            more++;
            continue;
        }
        enum pg_problem_code code =
            is_hist_type(type) || type == PG_TYPE_SUMMARY ? PG_PROBLEM_STRUCTURE
                                                          : PG_PROBLEM_FORMAT;
        problem_add(r, code, d->level == PG_LEVEL_ERROR, d->line, d->column,
                    NULL, NULL, "%s%s%s%s", d->text, d->rule ? " (" : "",
                    d->rule ? d->rule : "", d->rule ? ")" : "");
        shown++;
    }
    if (more)
        problem_add(r, PG_PROBLEM_FORMAT, 0, 0, 0, NULL, NULL,
                    "%zu more format diagnostics for '%s'", more, fam);
}

void pg_checker_set_format(pg_checker *c, enum pg_format f)
{
    c->format = f;
}

/* A type as the format's spec words it. A family without a TYPE line is
 * "untyped" in text format 0.0.4 ("Comments, help text, and type
 * information": no TYPE line means untyped) and "unknown" in OpenMetrics
 * 1.0 ("Unknown": metrics without metadata are of type unknown). */
static const char *type_words(const pg_checker *c, enum pg_type t)
{
    if (t != PG_TYPE_NONE)
        return pg_type_name(t);
    if (c->format == PG_FORMAT_OPENMETRICS)
        return "unknown";
    if (c->format == PG_FORMAT_PROM)
        return "untyped (no TYPE line)";
    return "no TYPE line";
}

/* Whether the metric has samples to judge; if not, says why (absent,
 * metadata only, or a condition not enabled: SKIP). */
static int check_present(pg_checker *c, pg_metric_result *r,
                         const pg_golden_metric *m, family *f)
{
    /* The code does not serve what the docs list by mistake: its absence
     * is what the corrected contract expects (note_erratum says so). */
    int unserved = m->erratum && m->erratum->unserved &&
                   !m->erratum->docs_side;
    if (unserved && (!f || !f->nsamples))
        return 0;
    if (f)
        f->reported = 1;
    if (f && f->nsamples)
        return 1;
    if (m->condition && !condition_enabled(c, m->condition)) {
        r->verdict = PG_VERDICT_SKIP;
        return 0;
    }
    if (!f)
        problem_add(r, PG_PROBLEM_MISSING, 1, 0, 0, "present", "absent",
                    "metric '%s' is absent%s%s%s", m->name,
                    m->condition ? " though condition '" : "",
                    m->condition ? m->condition : "",
                    m->condition ? "' is enabled" : "");
    else /* a TYPE or HELP line alone exposes nothing to query */
        problem_add(r, PG_PROBLEM_MISSING, 1, f->line, 0, "present",
                    "metadata only", "metric '%s' has metadata but no "
                    "samples", m->name);
    return 0;
}

/* Documented labels some series lack, and labels the golden does not
 * list. */
static void check_label_sets(pg_checker *c, pg_metric_result *r,
                             const pg_golden_metric *m, family *f)
{
    pg_buf e = PG_BUF_INIT, g = PG_BUF_INIT;
    if (f->missing.n) {
        qsort(f->missing.names, f->missing.n, sizeof(char *), cmp_str);
        join_names(&e, m->labels, m->nlabels);
        join_names_capped(&g, f->missing.names, f->missing.n);
        /* Prometheus drops a label whose value is empty when it ingests a
         * scrape, so through its API an always-empty label looks absent. */
        problem_add(r, PG_PROBLEM_LABELS_MISSING, 1, f->missing.lines[0], 0,
                    e.p, f->missing_got, "missing label%s '%s'%s",
                    f->missing.n > 1 ? "s" : "", g.p,
                    c->opts->empty_labels_dropped
                        ? " (the Prometheus API drops empty label values; "
                          "--empty-labels treats them as empty)"
                        : "");
        e.len = g.len = 0;
    }
    if (f->extra.n) {
        qsort(f->extra.names, f->extra.n, sizeof(char *), cmp_str);
        join_names(&e, m->labels, m->nlabels);
        join_names_capped(&g, f->extra.names, f->extra.n);
        problem_add(r, PG_PROBLEM_LABELS_EXTRA, 1, f->extra.lines[0], 0,
                    e.p, f->extra_got, "undocumented label%s '%s'",
                    f->extra.n > 1 ? "s" : "", g.p);
    }
    pg_buf_release(&e);
    pg_buf_release(&g);
}

static void check_value_domains(pg_metric_result *r, const pg_golden_metric *m,
                                const family *f)
{
    for (size_t i = 0; i < f->nbad; i++) {
        const char *pat = "";
        for (size_t j = 0; j < m->nlabel_values; j++)
            if (!strcmp(m->label_values[j].label, f->bad[i].label))
                pat = m->label_values[j].pattern;
        problem_add(r, PG_PROBLEM_LABEL_VALUE, 1, f->bad[i].line, 0, pat,
                    f->bad[i].values, "label '%s' has %zu value%s outside "
                    "the documented domain: %s", f->bad[i].label,
                    f->bad[i].nvalues, f->bad[i].nvalues > 1 ? "s" : "",
                    f->bad[i].values);
    }
}

/* Histogram and summary series, then the parser's findings about the
 * family's type rules that the series checks did not already make. */
static void check_structure(pg_checker *c, pg_metric_result *r,
                            const pg_golden_metric *m, const family *f)
{
    fault_list fl;
    memset(&fl, 0, sizeof fl);
    if (is_hist_type(f->type) && is_hist_type(m->type))
        for (size_t i = 0; i < f->nseries; i++)
            check_hist_series(m, &f->series[i], &fl);
    else if (f->type == PG_TYPE_SUMMARY && m->type == PG_TYPE_SUMMARY)
        for (size_t i = 0; i < f->nseries; i++)
            check_summary_series(m, &f->series[i], &fl);
    faults_to_problems(&fl, r, f->nseries);
    attach_diags(c, r, f->parser_name, f->type, &fl);
    free(fl.lines);
}

/* A metric the golden documents as native must be exposed as a native
 * histogram where the format can carry one: the protobuf format (the
 * native histograms spec, "Exposition formats": "The classic Prometheus
 * text form was not extended for native histograms"). The parser counts
 * the series whose Histogram message has native buckets (spans, a zero
 * threshold or a zero count); every series must. */
static void check_native(pg_checker *c, pg_metric_result *r,
                         const pg_golden_metric *m, const family *f)
{
    if (!m->native_histogram || c->format != PG_FORMAT_PROTOBUF ||
        !is_hist_type(f->type) || f->native >= f->nseries)
        return;
    size_t classic = f->nseries - f->native;
    problem_add(r, PG_PROBLEM_NATIVE, 1, f->line, 0,
                "native histogram (schema and spans)", "classic buckets only",
                "documented as a native histogram, exposed without native "
                "buckets (no schema or spans) over protobuf; %zu of %zu "
                "series", classic, f->nseries);
}

static void check_documented(pg_checker *c, pg_metric_result *r,
                             const pg_golden_metric *m, family *f)
{
    if (m->condition)
        r->condition = pg_xstrdup(m->condition);
    if (!check_present(c, r, m, f))
        return;
    /* PG_TYPE_NONE: the docs give no type (golden type null) */
    if (m->type != PG_TYPE_NONE && f->type != m->type)
        problem_add(r, PG_PROBLEM_TYPE, 1, f->line, 0, pg_type_name(m->type),
                    type_words(c, f->type), "type is '%s', documented as '%s'",
                    type_words(c, f->type), pg_type_name(m->type));
    check_label_sets(c, r, m, f);
    check_value_domains(r, m, f);
    check_native(c, r, m, f);
    check_structure(c, r, m, f);
    /* HELP: a diagnostic only; the docs table may reword it, and an
     * explained runtime difference (help_exception) is not reported. */
    if (m->help && m->help[0] && f->has_help && !m->help_exception &&
        strcmp(m->help, f->help) != 0)
        problem_add(r, PG_PROBLEM_HELP, 0, f->line, 0, m->help, f->help,
                    "HELP differs from the documentation");
}

/* A docs erratum of the metric: on the corrected contract a diagnostic
 * naming it and its evidence; on the docs as written a failure saying
 * what the docs should say, whatever else the metric's verdict is. */
static void note_erratum(pg_metric_result *r, const pg_golden_metric *m)
{
    if (!m || !m->erratum)
        return;
    pg_buf b = PG_BUF_INIT;
    pg_erratum_describe(m, &b);
    int fail = m->erratum->docs_side;
    if (fail && r->verdict == PG_VERDICT_SKIP)
        r->verdict = PG_VERDICT_PASS;
    problem_add(r, PG_PROBLEM_ERRATUM, fail, 0, 0, NULL, NULL, "%s", b.p);
    pg_buf_release(&b);
}

/* On the docs as written, an undocumented metric the docs leave out or
 * misname: the erratum of the corrected contract, as a failure. */
static void note_undocumented_erratum(pg_checker *c, pg_metric_result *r,
                                      const char *name)
{
    if (!c->opts->docs_as_written || !c->opts->corrected)
        return;
    const pg_golden_metric *m = pg_golden_find(c->opts->corrected, name);
    if (!m || !m->erratum)
        return;
    pg_buf b = PG_BUF_INIT;
    pg_erratum_describe(m, &b);
    problem_add(r, PG_PROBLEM_ERRATUM, 1, 0, 0, NULL, NULL, "%s", b.p);
    pg_buf_release(&b);
}

static int is_exempt(pg_checker *c, const char *name)
{
    for (size_t i = 0; i < c->nexempt; i++)
        if (re_match(c, c->exempt[i], name, strlen(name))) {
            c->exempt_used[i] = 1;
            return 1;
        }
    return 0;
}

static void add_note(pg_target_result *out, const char *text)
{
    out->notes = pg_xrealloc(out->notes, (out->nnotes + 1) * sizeof(char *));
    out->notes[out->nnotes++] = pg_xstrdup(text);
}

/* An --exempt that matches no metric of the scrape exempts nothing: a
 * pattern with a typo or shell quotes kept in it ('^go_sql_') would
 * otherwise look like it works. Said once per target. */
static void note_unused_exempts(pg_checker *c, pg_target_result *out)
{
    for (size_t i = 0; i < c->nexempt; i++) {
        for (size_t j = 0; j < c->nfams && !c->exempt_used[i]; j++)
            c->exempt_used[i] = re_match(c, c->exempt[i], c->fams[j]->name,
                                         c->fams[j]->name_len);
        if (c->exempt_used[i])
            continue;
        pg_buf b = PG_BUF_INIT;
        pg_buf_addf(&b, "--exempt '%s' matched no metric of the scrape",
                    c->opts->exempt[i]);
        add_note(out, b.p);
        pg_buf_release(&b);
    }
}

/* ---- baseline ---- */

static void today_utc(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* An entry for a metric that now conforms is stale: said so, so the
 * baseline shrinks as fixes land (the TAP output marks it TODO, which
 * prove lists as "unexpectedly succeeded"). */
static void note_stale_entry(pg_checker *c, pg_metric_result *r)
{
    const pg_baseline *b = c->opts->baseline;
    for (size_t i = 0; i < b->nentries; i++) {
        const pg_baseline_entry *e = &b->entries[i];
        if (strcmp(e->metric, r->metric) != 0 ||
            (e->target && strcmp(e->target, c->target) != 0))
            continue;
        r->baseline_reason = pg_xstrdup(e->reason);
        problem_add(r, PG_PROBLEM_BASELINE, 0, 0, 0, NULL, NULL,
                    "baseline entry no longer needed: the metric conforms "
                    "(%s:%d:%d)", b->path, e->line, e->column);
        r->verdict = PG_VERDICT_WARN;
        return;
    }
}

static void apply_baseline(pg_checker *c, pg_metric_result *r)
{
    if (!c->opts->baseline)
        return;
    if (r->verdict == PG_VERDICT_PASS || r->verdict == PG_VERDICT_WARN) {
        if (!r->baseline_reason)
            note_stale_entry(c, r);
        return;
    }
    if (r->verdict != PG_VERDICT_FAIL)
        return;
    const pg_baseline_entry *e =
        pg_baseline_match(c->opts->baseline, c->target, r);
    if (!e)
        return;
    char today[11];
    if (c->opts->today)
        snprintf(today, sizeof today, "%s", c->opts->today);
    else
        today_utc(today);
    free(r->baseline_reason);
    r->baseline_reason = pg_xstrdup(e->reason);
    /* expires is the last day the entry holds (ISO dates compare as
     * strings). */
    if (e->expires && strcmp(today, e->expires) > 0) {
        problem_add(r, PG_PROBLEM_BASELINE, 0, 0, 0, NULL, NULL,
                    "baseline entry expired on %s (%s:%d:%d): %s",
                    e->expires, c->opts->baseline->path, e->line, e->column,
                    e->reason);
        return;
    }
    r->verdict = PG_VERDICT_TODO;
}

static void set_verdict(pg_metric_result *r, int warn_only)
{
    if (r->verdict == PG_VERDICT_SKIP)
        return;
    int fail = 0, diag = 0;
    for (size_t i = 0; i < r->nproblems; i++) {
        if (r->problems[i].failure)
            fail = 1;
        else
            diag = 1;
    }
    if (warn_only && fail) {
        for (size_t i = 0; i < r->nproblems; i++)
            r->problems[i].failure = 0;
        fail = 0;
        diag = 1;
    }
    r->verdict = fail ? PG_VERDICT_FAIL : diag ? PG_VERDICT_WARN
                                              : PG_VERDICT_PASS;
}

static int cmp_result_metric(const void *a, const void *b)
{
    return strcmp(((const pg_metric_result *)a)->metric,
                  ((const pg_metric_result *)b)->metric);
}

static void build_format_result(pg_checker *c, pg_metric_result *r)
{
    size_t shown = 0, more_err = 0, more_warn = 0;
    for (size_t i = 0; i < c->ndiags; i++) {
        stored_diag *d = &c->diags[i];
        /* attach_diags() cleared family on what a metric reported. Faults
         * of a documented family belong to that metric's verdict, so they
         * are not repeated here when --only, --skip or --select left the
         * metric out; neither are those of undocumented families that
         * --only/--skip leave out. The rest (no family, or an exempt or
         * ignored undocumented one) are format faults of the scrape. */
        if (!d->family)
            continue;
        if (d->family[0] && is_type_rule(d->rule)) {
            family *f = family_find(c, d->family, strlen(d->family));
            if (!f || strcmp(f->parser_name, d->family) != 0) {
                /* an OpenMetrics counter, filed under <name>_total */
                pg_buf *kb = &c->keybuf;
                kb->len = 0;
                pg_buf_adds(kb, d->family);
                pg_buf_adds(kb, "_total");
                family *t = family_find(c, kb->p, kb->len);
                if (t && !strcmp(t->parser_name, d->family))
                    f = t;
            }
            if (f && f->gm)
                continue;
            if (f && !name_selected(c, f->name))
                continue;
            if (!f && pg_golden_find(c->opts->golden, d->family))
                continue;
        }
        if (shown == MAX_FORMAT_PROBLEMS) {
            if (d->level == PG_LEVEL_ERROR)
                more_err++;
            else
                more_warn++;
            continue;
        }
        problem_add(r, PG_PROBLEM_FORMAT, d->level == PG_LEVEL_ERROR, d->line,
                    d->column, NULL, NULL, "%s%s%s%s", d->text,
                    d->rule ? " (" : "", d->rule ? d->rule : "",
                    d->rule ? ")" : "");
        shown++;
    }
    if (c->diags_dropped)
        more_err += c->diags_dropped; /* level unknown; count as errors */
    if (more_err)
        problem_add(r, PG_PROBLEM_FORMAT, 1, 0, 0, NULL, NULL,
                    "%zu more format errors", more_err);
    if (more_warn)
        problem_add(r, PG_PROBLEM_FORMAT, 0, 0, 0, NULL, NULL,
                    "%zu more format warnings", more_warn);
}

/* A family may have been matched before its TYPE was known; settles the
 * golden metric of every family. Returns the family of each golden metric
 * (NULL where absent); the caller frees it. */
static family **settle_families(pg_checker *c)
{
    const pg_golden *g = c->opts->golden;
    family **by_metric = pg_xcalloc(g->nmetrics + 1, sizeof *by_metric);
    for (size_t i = 0; i < c->nfams; i++) {
        family *f = c->fams[i];
        f->gm = golden_for(g, f->name, f->type);
        if (f->gm) {
            f->gm_index = (size_t)(f->gm - g->metrics);
            if (!by_metric[f->gm_index])
                by_metric[f->gm_index] = f;
            else if (!f->gm->name_pattern)
                f->gm = NULL; /* second spelling: undocumented duplicate */
        }
    }
    return by_metric;
}

static void judge_documented(pg_checker *c, result_list *l, family **by_metric)
{
    const pg_golden *g = c->opts->golden;
    unsigned sel = selection(c);
    for (size_t i = 0; i < g->nmetrics; i++) {
        const pg_golden_metric *m = &g->metrics[i];
        int hist = is_hist_type(m->type) || m->type == PG_TYPE_SUMMARY;
        if (!(sel & (hist ? PG_SELECT_HISTOGRAMS : PG_SELECT_DOCUMENTED)))
            continue;
        if (!name_selected(c, m->name))
            continue;
        pg_metric_result *r = result_add(l, c->target, m->name,
                                         PG_RESULT_DOCUMENTED);
        check_documented(c, r, m, by_metric[i]);
        note_erratum(r, m);
        set_verdict(r, 0);
    }
}

static void judge_undocumented_family(pg_checker *c, result_list *l,
                                      family *f)
{
    pg_metric_result *r = result_add(l, c->target, f->name,
                                     PG_RESULT_UNDOCUMENTED);
    f->reported = 1;
    problem_add(r, PG_PROBLEM_UNDOCUMENTED, 1, f->line, 0,
                "absent (not in the golden)", type_words(c, f->type),
                "metric '%s' (%s) is not documented", f->name,
                f->type != PG_TYPE_NONE ? pg_type_name(f->type)
                : c->format == PG_FORMAT_OPENMETRICS ? "unknown"
                                                     : "untyped");
    attach_diags(c, r, f->parser_name, f->type, NULL);
    note_undocumented_erratum(c, r, f->name);
    set_verdict(r, c->opts->undocumented == PG_UNDOCUMENTED_WARN);
}

/* Results for the families the golden does not list, in name order.
 * Returns 1 if the concern was judged. */
static int judge_undocumented(pg_checker *c, result_list *l)
{
    if (c->opts->undocumented == PG_UNDOCUMENTED_IGNORE ||
        !(selection(c) & PG_SELECT_UNDOCUMENTED))
        return 0;
    size_t first = l->n;
    for (size_t i = 0; i < c->nfams; i++) {
        family *f = c->fams[i];
        if (!f->gm && name_selected(c, f->name) && !is_exempt(c, f->name))
            judge_undocumented_family(c, l, f);
    }
    if (l->n > first)
        qsort(l->r + first, l->n - first, sizeof *l->r, cmp_result_metric);
    return 1;
}

void pg_checker_finish(pg_checker *c, pg_target_result *out)
{
    memset(out, 0, sizeof *out);
    out->target = pg_xstrdup(c->target);
    result_list l = { NULL, 0, 0 };
    family **by_metric = settle_families(c);
    judge_documented(c, &l, by_metric);
    free(by_metric);
    size_t ndoc = l.n;
    out->undocumented_judged = judge_undocumented(c, &l);
    /* l.r is NULL when nothing was judged: no pointer arithmetic on it. */
    if (l.r)
        pg__rename_hints(l.r, ndoc, l.r + ndoc, l.n - ndoc);
    if (selection(c) & PG_SELECT_FORMAT) {
        pg_metric_result *r = result_add(&l, c->target, "format",
                                         PG_RESULT_FORMAT);
        build_format_result(c, r);
        set_verdict(r, 0);
    }
    for (size_t i = 0; i < l.n; i++)
        apply_baseline(c, &l.r[i]);
    out->results = l.r;
    out->nresults = l.n;
    note_unused_exempts(c, out);
    if (c->match_err.set) {
        /* a pattern could not decide a value: no verdict can be trusted */
        pg_target_result_release(out);
        out->target = pg_xstrdup(c->target);
        pg_buf b = PG_BUF_INIT;
        pg_buf_addf(&b, "%s: %s", c->match_err.source, c->match_err.text);
        out->error = pg_buf_detach(&b);
        out->check_error = 1;
    }
}
