/* text_family.c: the state of the current metric family: where it
 * begins and ends (families must be contiguous), its histogram and
 * summary series ("groups") and their end-of-family checks, and the
 * sample names of the whole exposition that families must not share.
 * State is dropped when a family ends, which the formats allow because
 * families may not come back. */
#include "expo/text_int.h"

#include <stdlib.h>

/* A histogram or gaugehistogram series without its le="+Inf" bucket. */
static void missing_inf(pg__text *p, const struct group *g, const char *fn,
                        int gh)
{
    if (g->has_inf)
        return;
    pg__diag_at(p, P, E, g->line, g->off, R_P_HIST,
                "histogram '%s' has no bucket with le=\"+Inf\"", fn);
    pg__diag_at(p, O, E, g->line, g->off, gh ? R_OM_GHIST : R_OM_HIST,
                "%s '%s' has no bucket with le=\"+Inf\"",
                gh ? "gaugehistogram" : "histogram", fn);
}

/* A histogram series: _count equal to the +Inf bucket, _count and _sum
 * present (SHOULD in the text format; both or neither in OpenMetrics),
 * no _sum beside negative bounds. */
static void histogram_end(pg__text *p, const struct group *g, const char *fn)
{
    if (g->has_inf && g->has_count && g->count != g->inf_val &&
        !(isnan(g->count) && isnan(g->inf_val))) {
        pg__diag_at(p, P, E, g->line, g->off, R_P_HIST,
                    "histogram '%s': _count %g differs from +Inf bucket %g",
                    fn, g->count, g->inf_val);
        pg__diag_at(p, O, E, g->line, g->off, R_OM_HIST,
                    "histogram '%s': _count %g differs from +Inf bucket %g",
                    fn, g->count, g->inf_val);
    }
    if (!g->has_count)
        pg__diag_at(p, P, W, g->line, g->off, R_P_HIST,
                    "histogram '%s' has no _count sample", fn);
    if (!g->has_sum)
        pg__diag_at(p, P, W, g->line, g->off, R_P_HIST,
                    "histogram '%s' has no _sum sample", fn);
    if (g->has_sum && !g->has_count)
        pg__diag_at(p, O, E, g->line, g->off, R_OM_HIST,
                    "histogram '%s' has _sum but no _count", fn);
    else if (g->has_count && !g->has_sum)
        pg__diag_at(p, O, E, g->line, g->off, R_OM_HIST,
                    "histogram '%s' has _count but no _sum", fn);
    else if (!g->has_sum)
        pg__diag_at(p, O, W, g->line, g->off, R_OM_HIST,
                    "histogram '%s' should have a _sum", fn);
    if (g->has_sum && g->neg_le)
        pg__diag_at(p, O, E, g->line, g->off, R_OM_HIST,
                    "histogram '%s' has negative bucket bounds and a _sum",
                    fn);
}

/* A gaugehistogram series: _gcount equal to the +Inf bucket, _gcount and
 * _gsum together, a negative _gsum only beside negative bounds. */
static void gaugehistogram_end(pg__text *p, const struct group *g,
                               const char *fn)
{
    if (g->has_inf && g->has_gcount && g->count != g->inf_val)
        pg__diag_at(p, O, E, g->line, g->off, R_OM_GHIST,
                    "gaugehistogram '%s': _gcount %g differs from +Inf bucket %g",
                    fn, g->count, g->inf_val);
    if (g->has_gsum && !g->has_gcount)
        pg__diag_at(p, O, E, g->line, g->off, R_OM_GHIST,
                    "gaugehistogram '%s' has _gsum but no _gcount", fn);
    else if (g->has_gcount && !g->has_gsum)
        pg__diag_at(p, O, E, g->line, g->off, R_OM_GHIST,
                    "gaugehistogram '%s' has _gcount but no _gsum", fn);
    else if (!g->has_gsum)
        pg__diag_at(p, O, W, g->line, g->off, R_OM_GHIST,
                    "gaugehistogram '%s' should have a _gsum", fn);
    if (g->has_gsum && g->gsum < 0 && !g->neg_le)
        pg__diag_at(p, O, E, g->line, g->off, R_OM_GSUM,
                    "gaugehistogram '%s' has a negative _gsum but no negative bucket bounds",
                    fn);
}

/* A summary series: NaN quantiles when _count is 0 (OpenMetrics), _count
 * and _sum present (SHOULD in the text format). */
static void summary_end(pg__text *p, const struct group *g, const char *fn)
{
    if (g->has_count && g->count == 0 && g->qline)
        pg__diag_at_col(p, O, E, g->qline, g->qcol, g->qoff, R_OM_QNAN,
                        "summary '%s' has _count 0, so its quantiles must be NaN",
                        fn);
    if (!g->has_count)
        pg__diag_at(p, P, W, g->line, g->off, R_P_HIST,
                    "summary '%s' has no _count sample", fn);
    if (!g->has_sum)
        pg__diag_at(p, P, W, g->line, g->off, R_P_HIST,
                    "summary '%s' has no _sum sample", fn);
}

/* The checks of each histogram or summary series that only its end can
 * tell. */
static void group_end_checks(pg__text *p)
{
    char b[80];
    const char *fn = pg__subj(b, sizeof b, p->fam.p, p->fam.len);
    for (size_t i = 0; i < p->ngroups; i++) {
        const struct group *g = &p->groups[i];
        switch (p->ftype) {
        case PG_TYPE_HISTOGRAM:
            missing_inf(p, g, fn, 0);
            histogram_end(p, g, fn);
            break;
        case PG_TYPE_GAUGEHISTOGRAM:
            missing_inf(p, g, fn, 1);
            gaugehistogram_end(p, g, fn);
            break;
        case PG_TYPE_SUMMARY:
            summary_end(p, g, fn);
            break;
        default:
            break;
        }
    }
}

/* Ends the current family: structure checks, family callback, and its
 * name goes into the set of finished families (interleaving check). */
int pg__fam_end(pg__text *p)
{
    pg__series_flush(p);
    if (!p->have_fam)
        return 0;
    /* what is reported here concerns the ending family */
    const char *dname = p->dname;
    p->dname = NULL;
    if (!p->fsamples)
        pg__potential_clash(p, NULL);
    group_end_checks(p);
    if ((p->ftype == PG_TYPE_INFO || p->ftype == PG_TYPE_STATESET) &&
        p->funit.len)
        pg__diag_at(p, O, E, p->fline, p->foff, R_OM_UNIT, "%s family must have an empty unit",
                    pg_type_name(p->ftype));
    int rc = 0;
    if (p->cb.family) {
        pg_family_info fi;
        fi.name.p = p->fam.p;
        fi.name.len = p->fam.len;
        fi.type = p->ftype;
        fi.has_help = p->f_help;
        fi.help.p = p->fhelp.p ? p->fhelp.p : "";
        fi.help.len = p->fhelp.len;
        fi.unit.p = p->funit.p ? p->funit.p : "";
        fi.unit.len = p->funit.len;
        fi.nsamples = p->fsamples;
        fi.line = p->fline;
        fi.native = 0; /* text formats carry no native histogram */
        rc = p->cb.family(p->ctx, &fi);
    }
    pg__hset_put(&p->seen, pg__name_hash(p->fam.p, p->fam.len),
                 (uint32_t)p->ftype, NULL);
    p->st.families++;
    p->have_fam = 0;
    p->fam.len = 0;
    pg__hset_clear(&p->series);
    pg__hset_clear(&p->gidx);
    pg__hset_clear(&p->metrics);
    p->m_valid = p->metrics_full = 0;
    if (p->gcap > 4096) {
        free(p->groups);
        p->groups = NULL;
        p->gcap = 0;
    }
    p->ngroups = 0;
    p->last_group = (size_t)-1;
    p->groups_full = p->fam_full = 0;
    p->fam_gen++;
    p->dname = dname;
    if (rc)
        p->stopped = 1;
    return rc;
}

void pg__fam_begin(pg__text *p, const char *name, size_t n)
{
    p->have_fam = 1;
    p->fam.len = 0;
    pg_buf_add(&p->fam, name, n);
    pg__subj(p->famq, sizeof p->famq, name, n);
    p->ftype = PG_TYPE_NONE;
    p->f_type = p->f_help = p->f_unit = 0;
    p->fhelp.len = 0;
    p->funit.len = 0;
    if (p->fhelp.p)
        p->fhelp.p[0] = '\0';
    if (p->funit.p)
        p->funit.p[0] = '\0';
    p->fsamples = 0;
    p->fline = p->line_no;
    p->foff = p->line_off;
    p->fnames_set = p->fnames_warned = 0;
    p->ncanon = 0;
    p->last_group = (size_t)-1;
    p->froles = 0;
    p->freopen = 0;
    p->fam_gen++;
    p->fidx = UINT32_MAX;
    if (p->nfam_tab < MAX_FAMILIES) {
        if (p->nfam_tab == p->fam_tab_cap) {
            p->fam_tab_cap = p->fam_tab_cap ? p->fam_tab_cap * 2 : 64;
            p->fam_tab = pg_xrealloc(p->fam_tab, p->fam_tab_cap * sizeof *p->fam_tab);
        }
        p->fam_tab[p->nfam_tab].off = p->fam_names.len;
        p->fam_tab[p->nfam_tab].len = n;
        pg_buf_add(&p->fam_names, name, n);
        p->fidx = (uint32_t)p->nfam_tab++;
    }
}

/* Was a family of this name finished before? Families must be
 * contiguous: text format "Grouping and sorting", OpenMetrics
 * "MetricFamilies MUST NOT be interleaved". */
int pg__check_reopen(pg__text *p, const char *name, size_t n,
                     const char *at, const char *what)
{
    char b[80], b2[80];
    if (pg__hset_get(&p->seen, pg__name_hash(name, n), NULL)) {
        pg__diag(p, P, E, at, R_P_GROUP,
                 "%s for '%s' after its family ended: families must be contiguous",
                 what, pg__subj(b, sizeof b, name, n));
        pg__diag(p, O, E, at, R_OM_FAMILY,
                 "%s for '%s' after its family ended: families must not be interleaved",
                 what, pg__subj(b, sizeof b, name, n));
        return 1;
    }
    /* foo_sum after histogram foo ended, etc. */
    static const char *const sufs[] = { "_bucket", "_count", "_sum", "_total",
                                        "_created", "_info", "_gcount", "_gsum" };
    for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++) {
        size_t k = strlen(sufs[i]);
        if (n <= k || memcmp(name + n - k, sufs[i], k))
            continue;
        uint32_t t;
        if (!pg__hset_get(&p->seen, pg__name_hash(name, n - k), &t))
            continue;
        if (role_of(p, (enum pg_type)t, sufs[i], k) == ROLE_NONE)
            continue;
        pg__diag(p, P, E, at, R_P_GROUP,
                 "%s '%s' belongs to family '%s', which ended earlier: families must be contiguous",
                 what, pg__subj(b, sizeof b, name, n), pg__subj(b2, sizeof b2, name, n - k));
        pg__diag(p, O, E, at, R_OM_FAMILY,
                 "%s '%s' belongs to family '%s', which ended earlier: families must not be interleaved",
                 what, pg__subj(b, sizeof b, name, n), pg__subj(b2, sizeof b2, name, n - k));
        return 1;
    }
    return 0;
}

/* Sample names must not clash across families: text format, Grouping
 * and sorting ("all lines for a given metric must be provided as one
 * single group"); OpenMetrics, MetricFamily ("MUST NOT result in a
 * potential clash for sample metric names"). A family's sample name is
 * fixed by its role, so each role's name is looked up once per family. */
void pg__name_clash(pg__text *p, const char *at, pg_str name, enum role role)
{
    if (p->fmt == PG__F_OM)
        return;  /* pg__potential_clash() covers every name the family may use */
    unsigned bit = 1u << (unsigned)role;
    if (p->froles & bit)
        return;
    p->froles |= bit;
    if (p->fidx == UINT32_MAX || p->freopen)
        return;
    uint32_t old = p->fidx;
    if (pg__hset_put(&p->names, pg__name_hash(name.p, name.len) ^ 0x6e616d65ULL,
                     p->fidx, &old) != 0 || old == p->fidx || old >= p->nfam_tab)
        return;
    char b[80], b2[80];
    pg__subj(b, sizeof b, name.p, name.len);
    pg__subj(b2, sizeof b2, p->fam_names.p + p->fam_tab[old].off, p->fam_tab[old].len);
    pg__diag(p, P, E, at, R_P_GROUP,
             "sample name '%s' of family '%s' already used by family '%s'",
             b, p->famq, b2);
}

/* OpenMetrics: the suffixes of the sample names a family of type t may
 * use (MetricFamily Name, Suffixes), NULL-terminated. */
static const char *const *type_suffixes(enum pg_type t)
{
    static const char *const counter[] = { "_total", "_created", NULL };
    static const char *const hist[] = { "_bucket", "_count", "_sum", "_created", NULL };
    static const char *const ghist[] = { "_bucket", "_gcount", "_gsum", NULL };
    static const char *const summary[] = { "", "_count", "_sum", "_created", NULL };
    static const char *const info[] = { "_info", NULL };
    static const char *const plain[] = { "", NULL };
    switch (t) {
    case PG_TYPE_COUNTER: return counter;
    case PG_TYPE_HISTOGRAM: return hist;
    case PG_TYPE_GAUGEHISTOGRAM: return ghist;
    case PG_TYPE_SUMMARY: return summary;
    case PG_TYPE_INFO: return info;
    default: return plain;
    }
}

/* OpenMetrics, MetricFamily Name: a family's name must not allow a sample
 * name another family may use ("a gauge called foo_created as a counter
 * called foo could create a foo_created"), whether or not either has
 * samples. Run once per family, when its type is final: at its first
 * sample (at), or at its end if it has none (at is NULL). */
void pg__potential_clash(pg__text *p, const char *at)
{
    if (p->fmt != PG__F_OM || p->fidx == UINT32_MAX || p->freopen)
        return;
    char b[80], b2[80];
    for (const char *const *suf = type_suffixes(p->ftype); *suf; suf++) {
        size_t k = strlen(*suf);
        p->pname.len = 0;
        pg_buf_add(&p->pname, p->fam.p, p->fam.len);
        pg_buf_add(&p->pname, *suf, k);
        uint32_t old = p->fidx;
        if (pg__hset_put(&p->pnames, pg__name_hash(p->pname.p, p->pname.len),
                         p->fidx, &old) != 0 || old == p->fidx ||
            old >= p->nfam_tab)
            continue;
        pg__subj(b, sizeof b, p->pname.p, p->pname.len);
        pg__subj(b2, sizeof b2, p->fam_names.p + p->fam_tab[old].off,
                 p->fam_tab[old].len);
        if (at)
            pg__diag(p, O, E, at, R_OM_CLASH,
                     "sample name '%s' of family '%s' clashes with family '%s'",
                     b, p->famq, b2);
        else
            pg__diag_at(p, O, E, p->fline, p->foff, R_OM_CLASH,
                        "sample name '%s' of family '%s' clashes with family '%s'",
                        b, p->famq, b2);
        return;
    }
}
