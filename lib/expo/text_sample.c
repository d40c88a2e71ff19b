/* text_sample.c: a sample line, in named steps: name and labels,
 * value, timestamp and exemplar, then its family, series identity and its
 * type's rules. Lines shaped like the last clean line of the family go
 * through the line template (tmpl_match), which compares the names and
 * labels instead of checking them again: the fast path `make bench`
 * measures. */
#include "expo/text_int.h"

/* A separator: the usual single space here, pg__sep() for the rest. */
static inline __attribute__((always_inline)) const char *
sep(pg__text *p, const char *q, const char *e, int need, const char *what)
{
    if (e - q >= 2 && q[0] == ' ' && !IS(q[1], C_WS))
        return q + 1;
    return pg__sep(p, q, e, need, what);
}

/* The text format looks each role's sample name up once per family
 * (pg__name_clash()); the test that it was looked up is inline, as it
 * runs for every sample. */
static inline void name_clash(pg__text *p, const char *at, pg_str name,
                              enum role role)
{
    if (p->fmt == PG__F_OM || (p->froles & (1u << (unsigned)role)))
        return;
    pg__name_clash(p, at, name, role);
}

/* Matches the line at s against the template; on success the labels are
 * set and the end of the closing brace is returned, else NULL. */
static inline const char *tmpl_match(pg__text *p, const char *s, const char *e)
{
    const char *sk = p->tp.sk;
    const uint16_t *seg = p->tp.seg;
    size_t l0 = seg[1];
    if ((size_t)(e - s) < l0 || !pg_bytes_eq(s, sk, l0))
        return NULL;
    const char *q = s + l0;
    size_t nl = p->tp.nl;
    pg_label *lb = p->labels;
    lb[0].name.p = s + p->tp.nlen + 1;
    for (size_t i = 0; i < nl; i++) {
        const char *c = qfast(q, e);
        if (!c || (size_t)(c - q) > p->max_name)
            return NULL;
        lb[i].name.len = p->tp.lnlen[i];
        lb[i].value.p = q;
        lb[i].value.len = (size_t)(c - q);
        size_t sl = (size_t)(seg[i + 2] - seg[i + 1]);
        if ((size_t)(e - c) < sl || !pg_bytes_eq(c, sk + seg[i + 1], sl))
            return NULL;
        if (i + 1 < nl)
            lb[i + 1].name.p = c + 2;
        q = c + sl;
    }
    return q;
}

/* Makes the current line the template if it is plain: unquoted names,
 * labels written back to back as name="value" without escapes, and no
 * diagnostic about its names or labels. */
static void tmpl_build(pg__text *p, const char *s, const char *lend,
                       pg_str name, enum role role, uint64_t nsig)
{
    size_t nl = p->nlabels;
    p->tp.valid = 0;
    if (nl == 0 || nl > TMPL_LABELS || name.p != s || lend[-1] != '}' ||
        (size_t)(lend - s) > TMPL_BYTES)
        return;
    const char *want = s + name.len;
    if (*want != '{')
        return;
    want++;
    for (size_t i = 0; i < nl; i++) {
        const pg_label *l = &p->labels[i];
        if (l->name.p != want || l->value.p != want + l->name.len + 2 ||
            want[l->name.len] != '=' || want[l->name.len + 1] != '"')
            return;
        const char *ve = l->value.p + l->value.len;
        if (ve[0] != '"' || ve[1] != (i + 1 < nl ? ',' : '}'))
            return;
        want = ve + 2;
    }
    if (want != lend)
        return;
    /* the skeleton: everything but the values */
    size_t k = 0;
    const char *from = s;
    p->tp.seg[0] = 0;
    p->tp.lq = 0;
    for (size_t i = 0; i < nl; i++) {
        const pg_label *l = &p->labels[i];
        size_t n = (size_t)(l->value.p - from);
        memcpy(p->tp.sk + k, from, n);
        k += n;
        p->tp.seg[i + 1] = (uint16_t)k;
        from = l->value.p + l->value.len;
        p->tp.lnlen[i] = (uint16_t)l->name.len;
        p->tp.nseed[i] = pg__name_hash(l->name.p, l->name.len);
        if ((l->name.len == 2 && !memcmp(l->name.p, "le", 2)) ||
            (l->name.len == 8 && !memcmp(l->name.p, "quantile", 8)))
            p->tp.lq |= 1u << i;
    }
    memcpy(p->tp.sk + k, from, (size_t)(lend - from));
    k += (size_t)(lend - from);
    p->tp.seg[nl + 1] = (uint16_t)k;
    p->tp.nl = nl;
    p->tp.nlen = name.len;
    p->tp.nhash = pg__name_hash(name.p, name.len);
    p->tp.nsig = nsig;
    p->tp.role = role;
    p->tp.gen = p->fam_gen;
    p->tp.valid = 1;
}

/* The metric name and labels, through the line template when the line
 * matches it. Returns the end of the labels, or NULL after a diagnostic. */
static const char *sample_head(pg__text *p, struct sline *l)
{
    char b[80];
    const char *s = l->s, *e = l->e, *q = s;
    if (p->tp.valid && p->tp.gen == p->fam_gen) {
        const char *t = tmpl_match(p, s, e);
        if (t) {
            l->fast = 1;
            l->name.p = s;
            l->name.len = p->tp.nlen;
            p->nlabels = p->tp.nl;
            p->dname = s;
            p->dnlen = l->name.len;
            return t;
        }
    }
    if (*q == '{') {
        if (pg__labels(p, &q, e, &l->name, 0))
            return NULL;
        if (!l->name.p) {
            pg__diag(p, B, E, s, R_P_SYNTAX, "metric name not set");
            return NULL;
        }
        p->dname = l->name.p;
        p->dnlen = l->name.len;
        return q;
    }
    if (pg__metric_name(p, &q, e, &l->name, "at start of sample", 0))
        return NULL;
    p->dname = l->name.p;
    p->dnlen = l->name.len;
    const char *t = q;
    while (t < e && IS(*t, C_WS))
        t++;
    if (t < e && *t == '{') {
        if (t != q)
            pg__diag(p, O, E, q, R_OM_ABNF, "whitespace before '{'");
        q = t;
        pg_str dummy = { NULL, 0 };
        if (pg__labels(p, &q, e, &dummy, 0))
            return NULL;
        if (dummy.p) {
            pg__diag(p, B, E, p->qname_at, R_P_UTF8, "multiple metric names");
            return NULL;
        }
    } else if (q < e && !IS(*q, C_WS)) {
        pg__diag(p, B, E, q, R_P_SYNTAX, "invalid character '%s' in metric name",
                 pg__subj(b, sizeof b, q, 1));
        return NULL;
    }
    return q;
}

/* The value after the labels. Returns the end of the value, or NULL. */
static const char *sample_value(pg__text *p, struct sline *l, const char *q)
{
    char b[80];
    const char *e = l->e;
    if (q >= e) {
        pg__diag(p, B, E, q, R_P_SYNTAX, "expected value after metric");
        return NULL;
    }
    /* Text format: blanks are needed only where tokens would merge, so
     * "a{b="c"}1" is fine there; OpenMetrics wants exactly one space. */
    if (q > l->s && q[-1] == '}' && !IS(*q, C_WS))
        pg__diag(p, O, E, q, R_OM_ABNF, "expected a single space before value");
    else
        q = sep(p, q, e, 1, "value");
    if (q >= e) {
        pg__diag(p, B, E, q, R_P_SYNTAX, "expected value after metric");
        return NULL;
    }
    l->sc.value_at = q;
    const char *ve = token_end(q, e);
    if (pg_num_parse(q, (size_t)(ve - q), &l->sm.value)) {
        pg__diag(p, B, E, q, R_P_SYNTAX, "invalid value '%s'",
                 pg__subj(b, sizeof b, q, (size_t)(ve - q)));
        return NULL;
    }
    return ve;
}

/* A timestamp token at q: int64 milliseconds in the text format, a
 * realnumber in OpenMetrics. Returns its end, or NULL. */
static const char *sample_timestamp(pg__text *p, struct sline *l, const char *q)
{
    char b[80];
    const char *te = token_end(q, l->e);
    int64_t iv;
    double dv;
    l->ts_at = q;
    if (pg_num_parse_int64(q, (size_t)(te - q), &iv) == 0) {
        l->sm.has_timestamp = 1;
        l->sm.timestamp = (double)iv;
        return te;
    }
    if (realnumber(q, (size_t)(te - q), &dv)) {
        pg__diag(p, B, E, q, R_P_SYNTAX, "invalid timestamp '%s'",
                 pg__subj(b, sizeof b, q, (size_t)(te - q)));
        return NULL;
    }
    /* digits only: an integer, but not an int64 (Go ParseInt) */
    const char *d = q + (*q == '-' || *q == '+');
    while (d < te && *d >= '0' && *d <= '9')
        d++;
    if (d == te)
        pg__diag(p, P, E, q, R_P_SYNTAX, "timestamp '%s' is out of int64 range",
                 pg__subj(b, sizeof b, q, (size_t)(te - q)));
    else
        pg__diag(p, P, E, q, R_P_SYNTAX, "timestamp '%s' is not an integer",
                 pg__subj(b, sizeof b, q, (size_t)(te - q)));
    l->sm.has_timestamp = 1;
    l->sm.timestamp = dv;
    return te;
}

/* What follows the value: an optional timestamp, then an optional
 * exemplar. Returns 0, or -1 after a diagnostic. */
static int sample_tail(pg__text *p, struct sline *l, const char *q)
{
    char b[80];
    const char *e = l->e;
    if (q >= e)
        return 0;
    const char *ws = q;
    q = sep(p, q, e, 1, "timestamp");
    if (q >= e) {
        pg__diag(p, O, E, ws, R_OM_ABNF, "trailing whitespace");
        return 0;
    }
    if (*q != '#') {
        if (!(q = sample_timestamp(p, l, q)))
            return -1;
        if (q < e) {
            ws = q;
            q = sep(p, q, e, 1, "exemplar");
            if (q >= e)
                pg__diag(p, O, E, ws, R_OM_ABNF, "trailing whitespace");
        }
    }
    if (q < e && *q == '#')
        return pg__sample_exemplar(p, l, q);
    if (q < e) {
        pg__diag(p, B, E, q, R_P_SYNTAX, "unexpected text after timestamp: '%s'",
                 pg__subj(b, sizeof b, q, (size_t)(e - q)));
        return -1;
    }
    return 0;
}

/* Label hashes of the series key (all labels) and of its histogram or
 * summary series (le and quantile left out); on the full path, also the
 * reserved-name and duplicate-label checks. Returns -1 on duplicate
 * label names (the sample is dropped). */
static int sample_keys(pg__text *p, struct sline *l)
{
    char b[80];
    l->lsum = l->gsum = 0;
    if (l->fast) {
        /* names checked when the template was made: hash the values */
        for (size_t i = 0; i < p->nlabels; i++) {
            const pg_label *lb = &p->labels[i];
            uint64_t h = pg__hash(lb->value.p, lb->value.len, p->tp.nseed[i]);
            l->lsum += h;
            if (!(p->tp.lq & (1u << i)))
                l->gsum += h;
        }
        return 0;
    }
    if (l->name.len && l->name.p[0] == '_')
        pg__diag(p, O, E, l->s, R_OM_NAME,
                 "metric names beginning with '_' are reserved");
    size_t dupi;
    if (p->nlabels && pg__dup_labels(p->labels, p->nlabels, &dupi)) {
        pg__diag(p, B, E, p->labels[dupi].name.p, R_OM_LABELSET,
                 "duplicate label name '%s'",
                 pg__subj(b, sizeof b, p->labels[dupi].name.p, p->labels[dupi].name.len));
        return -1;
    }
    for (size_t i = 0; i < p->nlabels; i++) {
        const pg_label *lb = &p->labels[i];
        if (lb->name.len >= 1 && lb->name.p[0] == '_') {
            if (lb->name.len == 8 && !memcmp(lb->name.p, "__name__", 8))
                pg__diag(p, P, E, lb->name.p, R_P_DATA, "label name '__name__' is reserved");
            else if (lb->name.len >= 2 && lb->name.p[1] == '_')
                pg__diag(p, P, W, lb->name.p, R_P_DATA,
                         "label names beginning with '__' are reserved");
            pg__diag(p, O, E, lb->name.p, R_OM_LABEL,
                     "label names beginning with '_' are reserved");
        }
        uint64_t h = label_hash(lb);
        l->lsum += h;
        if (!is_le_or_quantile(&lb->name))
            l->gsum += h;
    }
    return 0;
}

/* The family the sample belongs to: the current one, or a new one it
 * starts. Sets l->role; returns -1 if a callback stopped the parse. */
static int sample_family(pg__text *p, struct sline *l)
{
    const pg_str name = l->name;
    l->role = l->fast ? p->tp.role : fam_role(p, name.p, name.len);
    if (l->role == ROLE_NONE) {
        if (pg__fam_end(p))
            return -1;
        int re = pg__check_reopen(p, name.p, name.len, l->s, "sample");
        pg__fam_begin(p, name.p, name.len);
        p->freopen = re;
        l->role = ROLE_VALUE;
    }
    if (!p->fsamples)
        pg__potential_clash(p, l->s);
    p->fsamples++;
    p->st.samples++;
    pg_sample *sm = &l->sm;
    sm->name = name;
    sm->family.p = p->fam.p;
    sm->family.len = p->fam.len;
    sm->type = p->ftype;
    sm->labels = p->labels;
    sm->nlabels = p->nlabels;
    sm->line = p->line_no;
    sm->offset = p->line_off;
    return 0;
}

/* Histogram and summary samples find duplicates through their series'
 * state (one _count, strictly increasing le/quantile), which is cheaper
 * than the family-wide series set. OpenMetrics lets a Metric repeat
 * with timestamps. */
static int grouped(const pg__text *p, enum role role, int has_ts)
{
    if (has_ts && p->fmt == PG__F_OM)
        return 0;
    switch (p->ftype) {
    case PG_TYPE_HISTOGRAM:
    case PG_TYPE_GAUGEHISTOGRAM:
        return role != ROLE_VALUE;
    case PG_TYPE_SUMMARY:
        return 1;
    default:
        return 0;
    }
}

/* Series identity: each line must have a unique name and label set (text
 * format, Grouping and sorting; OpenMetrics, Metric unique LabelSet);
 * sample names must not clash across families; OpenMetrics Metrics and
 * MetricPoints keep their order. */
static void sample_series(pg__text *p, struct sline *l, uint64_t skey)
{
    enum role role = l->role;
    /* OpenMetrics: a Metric may repeat as MetricPoints with timestamps,
     * equal ones included: such a sample is no duplicate, its order is
     * pg__metric_order()'s to check. */
    int om_point = l->sm.has_timestamp && p->fmt == PG__F_OM;
    /* an _count with an le/quantile label is not its series' _count */
    l->sc.dups = grouped(p, role, l->sm.has_timestamp) &&
                 (role == ROLE_BUCKET || role == ROLE_VALUE || l->lsum == l->gsum);
    name_clash(p, l->s, l->name, role);
    if (p->fmt == PG__F_OM) {
        /* a StateSet's states are samples of one Metric: the label
         * named after the family is not part of its identity */
        uint64_t mkey = l->gsum;
        if (p->ftype == PG_TYPE_STATESET) {
            const pg_label *st = label_find(p->labels, p->nlabels, p->fam.p, p->fam.len);
            if (st)
                mkey -= label_hash(st);
        }
        pg__metric_order(p, l, mkey);
    }
    /* The insert is deferred to the next line (or the next diagnostic,
     * family end or stop), so the prefetch of its slot has a line's work
     * to hide the cache miss behind. Diagnostics keep their order: every
     * diagnostic flushes the pending insert first. */
    if (!p->fam_full && !l->sc.dups && !om_point) {
        pg__series_flush(p);
        p->ps.valid = 1;
        p->ps.key = skey;
        p->ps.line = p->line_no;
        p->ps.col = (int64_t)(l->s - p->ls) + 1;
        p->ps.off = p->line_off + (uint64_t)(l->s - p->ls);
        p->ps.role = role;
    }
}

/* OpenMetrics, Metric: metrics of a family SHOULD have the same label
 * names (le and quantile aside); checked where it is stated, once per
 * family. The label-name signature is also the template's. */
static void sample_label_names(pg__text *p, struct sline *l, int clean)
{
    uint64_t nsig = 0;
    if (l->fast) {
        nsig = p->tp.nsig;
    } else if (p->fmt == PG__F_OM) {
        for (size_t i = 0; i < p->nlabels; i++)
            if (!is_le_or_quantile(&p->labels[i].name))
                nsig += pg__name_hash(p->labels[i].name.p, p->labels[i].name.len);
    }
    if (clean)
        tmpl_build(p, l->s, l->sc.lend, l->name, l->role, nsig);
    if (p->fmt != PG__F_OM || p->fnames_warned)
        return;
    if (!p->fnames_set) {
        p->fnames_set = 1;
        p->fnames = nsig;
    } else if (nsig != p->fnames) {
        p->fnames_warned = 1;
        pg__diag(p, O, W, l->s, R_OM_METRIC_DM,
                 "metrics of '%s' should have the same label names", p->famq);
    }
}

/* A sample line: name and labels, value, timestamp and exemplar, then
 * its family, series identity and its type's rules. */
void pg__sample_line(pg__text *p, const char *s, const char *e)
{
    struct sline l;
    memset(&l.sc, 0, sizeof l.sc);
    l.s = s;
    l.e = e;
    l.name.p = NULL;
    l.name.len = 0;
    l.fast = 0;
    l.ts_at = NULL;
    l.sm.has_timestamp = 0;
    l.sm.timestamp = 0;
    l.sm.has_exemplar = 0;
    l.d0 = p->ndiag;
    p->nlabels = 0;
    l.sc.name_at = s;
    const char *q = sample_head(p, &l);
    if (!q)
        return;
    l.sc.lend = q;
    l.d1 = p->ndiag;
    if (!(q = sample_value(p, &l, q)) || sample_tail(p, &l, q))
        return;
    if (l.sm.has_timestamp)
        pg__diag(p, O, W, l.sc.value_at, R_OM_POINT,
                 "MetricPoints should not have explicit timestamps");
    unsigned long d2 = p->ndiag;
    if (sample_keys(p, &l))
        return;
    /* names and labels were clean: the line may serve as a template */
    int clean = !l.fast && l.d1 == l.d0 && p->ndiag == d2;
    /* The series key is known now: start loading its slot of the series
     * set while the rest of the line is checked. */
    uint64_t skey = (l.fast ? p->tp.nhash : pg__name_hash(l.name.p, l.name.len)) ^
                    (l.lsum * 0x9e3779b97f4a7c15ULL);
    PG__HSET_PREFETCH(&p->series, skey);
    if (sample_family(p, &l))
        return;
    sample_series(p, &l, skey);
    sample_label_names(p, &l, clean);
    pg__sample_checks(p, &l);
    if (p->cb.sample && p->cb.sample(p->ctx, &l.sm)) {
        /* a stopped parse is not finished: report this line's duplicate
         * now */
        pg__series_flush(p);
        p->stopped = 1;
    }
}
