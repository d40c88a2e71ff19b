/* text_rules.c: the rules of each metric type, applied to one sample
 * with its family's series state: counter totals, stateset and info
 * values, histogram buckets, counts and sums, summary quantiles (with
 * the canonical form OpenMetrics wants for le and quantile), and the
 * suffixes each type wants. Kept apart from the grammar: a rule of a type
 * is added here without touching how lines are read. */
#include "expo/text_int.h"

static const char *type_word(const pg__text *p, enum pg_type t)
{
    if (t == PG_TYPE_NONE)
        return p->fmt == PG__F_OM ? "unknown" : "untyped";
    return pg_type_name(t);
}

static void dup_series(pg__text *p, const char *at, pg_str name)
{
    char b[80];
    pg__diag(p, P, E, at, R_P_GROUP, "duplicate series '%s'",
             pg__subj(b, sizeof b, name.p, name.len));
    pg__diag(p, O, E, at, R_OM_FAMILY, "duplicate series '%s'",
             pg__subj(b, sizeof b, name.p, name.len));
}

static struct group *group_get(pg__text *p, uint64_t key)
{
    uint32_t idx;
    /* Samples of one series usually follow each other. */
    if (p->last_group < p->ngroups && p->last_gkey == key)
        return &p->groups[p->last_group];
    if (pg__hset_get(&p->gidx, key, &idx)) {
        p->last_group = idx;
        p->last_gkey = key;
        return &p->groups[idx];
    }
    if (p->groups_full)
        return NULL;
    if (p->ngroups >= MAX_GROUPS) {
        p->groups_full = 1;
        pg__diag(p, B, W, p->ls, R_LIMIT,
                 "more than %u series in family: structure checks stop here",
                 MAX_GROUPS);
        return NULL;
    }
    if (p->ngroups == p->gcap) {
        p->gcap = p->gcap ? p->gcap * 2 : 16;
        p->groups = pg_xrealloc(p->groups, p->gcap * sizeof *p->groups);
    }
    struct group *g = &p->groups[p->ngroups];
    memset(g, 0, sizeof *g);
    g->line = p->line_no;
    g->off = p->line_off;
    pg__hset_put(&p->gidx, key, (uint32_t)p->ngroups, NULL);
    p->last_group = p->ngroups;
    p->last_gkey = key;
    p->ngroups++;
    return g;
}

/* OpenMetrics, Canonical Numbers: le and quantile values should be
 * rendered as Go's %g with ".0" ("MUST NOT use arbitrary rendering", but
 * parsers MUST NOT reject: a warning). Each distinct string is checked
 * once per family. */
static void check_canonical(pg__text *p, const char *at, const char *label,
                            const pg_str *v, double d)
{
    if (p->fmt == PG__F_PROM || !(p->flags & PG_PARSE_CANONICAL))
        return;
    uint64_t h = pg__hash(v->p, v->len, 0xca11);
    for (int i = 0; i < p->ncanon; i++)
        if (p->canonseen[i] == h)
            return;
    if (p->ncanon < (int)(sizeof p->canonseen / sizeof *p->canonseen))
        p->canonseen[p->ncanon++] = h;
    char want[48], b[80];
    pg_num_format_canonical(d, want, sizeof want);
    if (strlen(want) != v->len || memcmp(want, v->p, v->len))
        pg__diag(p, O, W, at, R_OM_CANON, "%s=\"%s\" is not in canonical form \"%s\"",
                 label, pg__subj(b, sizeof b, v->p, v->len), want);
}

/* Counter: the total is neither NaN nor negative. */
static void counter_checks(pg__text *p, const pg_sample *sm,
                           const struct sample_ctx *sc)
{
    const char *fn = p->famq;
    double v = sm->value;
    if (isnan(v)) {
        pg__diag(p, O, E, sc->value_at, R_OM_COUNTER, "counter '%s' total is NaN", fn);
    } else if (v < 0) {
        pg__diag(p, O, E, sc->value_at, R_OM_COUNTER,
                 "counter '%s' total is negative", fn);
        pg__diag(p, P, W, sc->value_at, R_P_TYPES, "counter '%s' value is negative",
                 fn);
    }
}

static void stateset_checks(pg__text *p, const pg_sample *sm,
                            const struct sample_ctx *sc)
{
    const char *fn = p->famq;
    if (!label_find(sm->labels, sm->nlabels, p->fam.p, p->fam.len))
        pg__diag(p, O, E, sc->name_at, R_OM_STATESET,
                 "stateset sample lacks a label named '%s'", fn);
    if (sm->value != 0 && sm->value != 1)
        pg__diag(p, O, E, sc->value_at, R_OM_STATESET,
                 "stateset '%s' value must be 0 or 1", fn);
}

/* The bound of a bucket: a number, +Inf written so, above the previous
 * one. Returns 0 and sets *lv, or -1. */
static int bucket_bound(pg__text *p, struct group *g, const pg_label *lel,
                        const pg_sample *sm, const struct sample_ctx *sc,
                        const char *rule, double *lv)
{
    char b2[80];
    const pg_str *le = &lel->value;
    const char *le_at = label_at(p, lel, sc->name_at);
    if (pg_num_parse(le->p, le->len, lv) || isnan(*lv)) {
        pg__diag(p, P, E, le_at, R_P_HIST, "invalid 'le' value '%s'",
                 pg__subj(b2, sizeof b2, le->p, le->len));
        pg__diag(p, O, E, le_at, rule, "invalid 'le' value '%s'",
                 pg__subj(b2, sizeof b2, le->p, le->len));
        return -1;
    }
    if (isinf(*lv) && *lv > 0 && !(le->len == 4 && !memcmp(le->p, "+Inf", 4)))
        pg__diag(p, O, E, le_at, R_OM_PLUS_INF,
                 "bucket bound le=\"%s\" must be written \"+Inf\"",
                 pg__subj(b2, sizeof b2, le->p, le->len));
    else
        check_canonical(p, le_at, "le", le, *lv);
    if (g->nb && *lv == g->last_le && sc->dups) {
        dup_series(p, sc->name_at, sm->name);
    } else if (g->nb && *lv <= g->last_le) {
        pg__diag(p, P, E, le_at, R_P_HIST,
                 "bucket le=\"%s\" not above previous bound %g",
                 pg__subj(b2, sizeof b2, le->p, le->len), g->last_le);
        pg__diag(p, O, E, le_at, rule, "bucket le=\"%s\" not above previous bound %g",
                 pg__subj(b2, sizeof b2, le->p, le->len), g->last_le);
    }
    return 0;
}

/* A histogram or gaugehistogram bucket: bound, cumulative count, exemplar
 * within the bound. */
static void bucket_checks(pg__text *p, struct group *g, const pg_sample *sm,
                          const struct sample_ctx *sc, const char *rule)
{
    const char *fn = p->famq;
    double v = sm->value, lv;
    const pg_label *lel = label_find(sm->labels, sm->nlabels, "le", 2);
    if (!lel) {
        pg__diag(p, P, E, sc->lend, R_P_HIST, "histogram bucket without 'le' label");
        pg__diag(p, O, E, sc->lend, rule, "histogram bucket without 'le' label");
        return;
    }
    if (bucket_bound(p, g, lel, sm, sc, rule, &lv))
        return;
    if (isnan(v) || v < 0) {
        pg__diag(p, B, E, sc->value_at, p->fmt == PG__F_OM ? rule : R_P_HIST,
                 "bucket value %s for '%s'", isnan(v) ? "is NaN" : "is negative", fn);
    } else {
        if (!is_int(v))
            pg__diag(p, O, E, sc->value_at, rule,
                     "bucket value for '%s' is not an integer", fn);
        if (g->nb && v < g->last_val) {
            pg__diag(p, P, E, sc->value_at, R_P_HIST,
                     "buckets of '%s' not cumulative: %g after %g", fn, v, g->last_val);
            pg__diag(p, O, E, sc->value_at, rule,
                     "buckets of '%s' not cumulative: %g after %g", fn, v, g->last_val);
        }
    }
    if (sc->has_ex && sc->ex_value > lv)
        pg__diag(p, O, E, sc->ex_at, R_OM_EXEMPLAR,
                 "exemplar value %g above bucket bound %g", sc->ex_value, lv);
    if (lv < 0)
        g->neg_le = 1;
    if (isinf(lv) && lv > 0) {
        g->has_inf = 1;
        g->inf_val = v;
    }
    g->last_le = lv;
    g->last_val = v;
    g->nb++;
}

/* A histogram's _count/_gcount, _sum/_gsum or _created: once per series,
 * counts integers, sums not NaN (and a Histogram's not negative). */
static void hist_part_checks(pg__text *p, enum role role, struct group *g,
                             const pg_sample *sm, const struct sample_ctx *sc,
                             const char *rule)
{
    const char *fn = p->famq, *at = sc->name_at;
    double v = sm->value;
    int *seen = role == ROLE_COUNT ? &g->has_count
              : role == ROLE_GCOUNT ? &g->has_gcount
              : role == ROLE_SUM ? &g->has_sum
              : role == ROLE_GSUM ? &g->has_gsum
              : role == ROLE_CREATED ? &g->has_created : NULL;
    if (!seen)
        return;
    if (sc->dups && *seen)
        dup_series(p, at, sm->name);
    *seen = 1;
    if (role == ROLE_COUNT || role == ROLE_GCOUNT) {
        if (isnan(v) || v < 0) {
            pg__diag(p, P, E, sc->value_at, R_P_HIST, "count of histogram '%s' %s",
                     fn, isnan(v) ? "is NaN" : "is negative");
            pg__diag(p, O, E, sc->value_at, rule, "count of histogram '%s' %s", fn,
                     isnan(v) ? "is NaN" : "is negative");
        } else if (!is_int(v)) {
            pg__diag(p, O, E, sc->value_at, rule,
                     "count of histogram '%s' is not an integer", fn);
        }
        g->count = v;
    } else if (role == ROLE_SUM) {
        if (isnan(v) || v < 0)
            pg__diag(p, O, E, sc->value_at, rule, "sum of histogram '%s' %s", fn,
                     isnan(v) ? "is NaN" : "is negative");
    } else if (role == ROLE_GSUM) {
        if (isnan(v))
            pg__diag(p, O, E, sc->value_at, rule, "gsum of '%s' is NaN", fn);
        g->gsum = v;
    }
}

/* Histogram and GaugeHistogram samples. Returns 1 if an exemplar may be
 * attached (a bucket). */
static int histogram_checks(pg__text *p, enum role role, const pg_sample *sm,
                            const struct sample_ctx *sc, uint64_t gkey)
{
    const char *rule = p->ftype == PG_TYPE_GAUGEHISTOGRAM ? R_OM_GHIST : R_OM_HIST;
    if (role != ROLE_BUCKET && label_find(sm->labels, sm->nlabels, "le", 2))
        pg__diag(p, O, E, sc->name_at, rule, "'%s' must not have an 'le' label",
                 p->famq);
    struct group *g = group_get(p, gkey);
    if (!g)
        return 0;
    if (role == ROLE_BUCKET) {
        bucket_checks(p, g, sm, sc, rule);
        return 1;
    }
    hist_part_checks(p, role, g, sm, sc, rule);
    return 0;
}

/* A summary's _count, _sum or _created: once per series, not NaN or
 * negative, the count an integer. */
static void summary_part_checks(pg__text *p, enum role role, const pg_sample *sm,
                                const struct sample_ctx *sc, uint64_t gkey)
{
    const char *fn = p->famq;
    double v = sm->value;
    if (label_find(sm->labels, sm->nlabels, "quantile", 8))
        pg__diag(p, O, E, sc->name_at, R_OM_SUMMARY,
                 "'%s' must not have a 'quantile' label", fn);
    struct group *g = group_get(p, gkey);
    if (g && sc->dups &&
        ((role == ROLE_COUNT && g->has_count) || (role == ROLE_SUM && g->has_sum) ||
         (role == ROLE_CREATED && g->has_created)))
        dup_series(p, sc->name_at, sm->name);
    if (g && role == ROLE_CREATED)
        g->has_created = 1;
    if (role != ROLE_COUNT && role != ROLE_SUM)
        return;
    if (isnan(v) || v < 0) {
        pg__diag(p, O, E, sc->value_at, R_OM_SUMMARY, "%s of summary '%s' %s",
                 role == ROLE_COUNT ? "count" : "sum", fn,
                 isnan(v) ? "is NaN" : "is negative");
        if (role == ROLE_COUNT && v < 0)
            pg__diag(p, P, E, sc->value_at, R_P_HIST,
                     "count of summary '%s' is negative", fn);
    } else if (role == ROLE_COUNT && !is_int(v)) {
        pg__diag(p, O, E, sc->value_at, R_OM_SUMMARY,
                 "count of summary '%s' is not an integer", fn);
    }
    if (!g)
        return;
    if (role == ROLE_COUNT) {
        g->has_count = 1;
        g->count = v;
    } else {
        g->has_sum = 1;
    }
}

/* A summary's quantile sample: a number in [0, 1], increasing, its value
 * not negative; the first one that is not NaN is kept for the end check
 * (_count 0 wants NaN). */
static void quantile_checks(pg__text *p, const pg_sample *sm,
                            const struct sample_ctx *sc, uint64_t gkey)
{
    char b2[80];
    const char *fn = p->famq;
    double v = sm->value;
    const pg_label *ql = label_find(sm->labels, sm->nlabels, "quantile", 8);
    if (!ql) {
        pg__diag(p, B, E, sc->lend, p->fmt == PG__F_OM ? R_OM_SUMMARY : R_P_HIST,
                 "summary sample '%s' without 'quantile' label", fn);
        return;
    }
    const pg_str *qs = &ql->value;
    const char *q_at = label_at(p, ql, sc->name_at);
    double qv;
    if (pg_num_parse(qs->p, qs->len, &qv) || isnan(qv)) {
        pg__diag(p, B, E, q_at, p->fmt == PG__F_OM ? R_OM_SUMMARY : R_P_HIST,
                 "invalid 'quantile' value '%s'", pg__subj(b2, sizeof b2, qs->p, qs->len));
        return;
    }
    check_canonical(p, q_at, "quantile", qs, qv);
    if (qv < 0 || qv > 1) {
        /* the text format states no range: redis_exporter's
         * quantile="99.9" is accepted by Prometheus */
        pg__diag(p, P, W, q_at, R_P_QUANTILE, "quantile %s outside [0, 1]",
                 pg__subj(b2, sizeof b2, qs->p, qs->len));
        pg__diag(p, O, E, q_at, R_OM_QUANTILE, "quantile %s outside [0, 1]",
                 pg__subj(b2, sizeof b2, qs->p, qs->len));
    }
    if (v < 0)
        pg__diag(p, O, E, sc->value_at, R_OM_SUMMARY,
                 "quantile value of '%s' is negative", fn);
    struct group *g = group_get(p, gkey);
    if (!g)
        return;
    if (g->nq && qv == g->last_q && sc->dups)
        dup_series(p, sc->name_at, sm->name);
    else if (g->nq && qv <= g->last_q)
        pg__diag(p, P, E, q_at, R_P_HIST, "quantile %s not above previous quantile %g",
                 pg__subj(b2, sizeof b2, qs->p, qs->len), g->last_q);
    g->last_q = qv;
    g->nq++;
    if (!isnan(v) && !g->qline) {
        g->qline = p->line_no;
        g->qcol = (int64_t)(sc->value_at - p->ls) + 1;
        g->qoff = p->line_off + (uint64_t)(sc->value_at - p->ls);
    }
}

/* A sample name that its type wants suffixed. Returns 1 if reported (the
 * sample is not checked further). */
static int suffix_checks(pg__text *p, enum role role, const pg_sample *sm,
                         const struct sample_ctx *sc)
{
    char b2[80];
    enum pg_type t = p->ftype;
    if (role != ROLE_VALUE)
        return 0;
    if (t == PG_TYPE_COUNTER)
        pg__diag(p, O, E, sc->name_at, R_OM_COUNTER,
                 "counter sample '%s' must have the suffix '_total'",
                 pg__subj(b2, sizeof b2, sm->name.p, sm->name.len));
    if (t == PG_TYPE_INFO) {
        pg__diag(p, O, E, sc->name_at, R_OM_INFO,
                 "info sample '%s' must have the suffix '_info'",
                 pg__subj(b2, sizeof b2, sm->name.p, sm->name.len));
        return 1;
    }
    if (t == PG_TYPE_HISTOGRAM || t == PG_TYPE_GAUGEHISTOGRAM) {
        pg__diag(p, B, E, sc->name_at, t == PG_TYPE_HISTOGRAM ? R_P_HIST : R_OM_GHIST,
                 "%s sample '%s' needs a suffix (_bucket, _count, _sum)",
                 type_word(p, t), pg__subj(b2, sizeof b2, sm->name.p, sm->name.len));
        return 1;
    }
    return 0;
}

/* Type rules for one sample, with the family's per-series state. */
void pg__sample_checks(pg__text *p, const struct sline *l)
{
    enum role role = l->role;
    const pg_sample *sm = &l->sm;
    const struct sample_ctx *sc = &l->sc;
    uint64_t gkey = l->gsum;
    char b2[80];
    int exemplar_ok = 0;
    if (suffix_checks(p, role, sm, sc))
        return;
    switch (p->ftype) {
    case PG_TYPE_COUNTER:
        if (role == ROLE_TOTAL || role == ROLE_VALUE) {
            exemplar_ok = 1;
            counter_checks(p, sm, sc);
        }
        break;
    case PG_TYPE_INFO:
        if (sm->value != 1)
            pg__diag(p, O, E, sc->value_at, R_OM_INFO, "info '%s' value must be 1",
                     p->famq);
        break;
    case PG_TYPE_STATESET:
        stateset_checks(p, sm, sc);
        break;
    case PG_TYPE_HISTOGRAM:
    case PG_TYPE_GAUGEHISTOGRAM:
        exemplar_ok = histogram_checks(p, role, sm, sc, gkey);
        break;
    case PG_TYPE_SUMMARY:
        if (role == ROLE_VALUE)
            quantile_checks(p, sm, sc, gkey);
        else
            summary_part_checks(p, role, sm, sc, gkey);
        break;
    default:
        break;
    }
    if (sc->has_ex && !exemplar_ok)
        pg__diag(p, O, E, sc->ex_at, R_OM_EXEMPLAR,
                 "exemplar not allowed on '%s' (only counter totals and buckets)",
                 pg__subj(b2, sizeof b2, sm->name.p, sm->name.len));
}
