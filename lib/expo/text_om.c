/* text_om.c: rules that only OpenMetrics has: the order of Metrics and
 * MetricPoints and their timestamps, and exemplars. The text format 0.0.4
 * states none of them; keeping them together shows what the stricter
 * format adds. */
#include "expo/text_int.h"

/* Does a sample of the current Metric start a MetricPoint of its own?
 * Yes when the point already has a sample of its role, except for runs
 * of buckets and of a summary's quantiles or a StateSet's states, which
 * one point holds many of; or when its timestamp differs. */
static int point_starts(const pg__text *p, enum role role, const pg_sample *sm)
{
    if (sm->has_timestamp && p->m_has_ts && sm->timestamp != p->m_ts)
        return 1;
    if (!(p->m_roles & (1u << (unsigned)role)))
        return 0;
    int many = role == ROLE_BUCKET ||
               (role == ROLE_VALUE && (p->ftype == PG_TYPE_SUMMARY ||
                                       p->ftype == PG_TYPE_STATESET));
    return !(many && role == p->m_last_role);
}

/* OpenMetrics: the MetricPoints of a Metric all have timestamps or none,
 * and the samples of one MetricPoint share its timestamp. Reported once
 * per Metric. */
static void point_timestamps(pg__text *p, const char *at, const char *s,
                             const char *lend, int new_point,
                             const pg_sample *sm)
{
    char b[80];
    if (p->m_ts_reported || sm->has_timestamp == p->m_timed)
        return;
    p->m_ts_reported = 1;
    pg__subj(b, sizeof b, s, (size_t)(lend - s));
    if (new_point)
        pg__diag(p, O, E, at, R_OM_TS_ALL,
                 "MetricPoints of metric '%s' must all have timestamps or none",
                 b);
    else
        pg__diag(p, O, E, at, R_OM_TS_POINT,
                 "sample '%s' %s a timestamp, unlike the other samples of its MetricPoint",
                 b, sm->has_timestamp ? "has" : "lacks");
}

/* OpenMetrics, Metric: "Metrics MUST NOT be interleaved"; MetricPoint:
 * "MetricPoints MUST NOT be interleaved" and "MUST have monotonically
 * increasing timestamps". A Metric is the label set minus le/quantile;
 * its samples must be one run, and within it a MetricPoint (the samples
 * of one timestamp) must not go back to an earlier timestamp; an equal
 * one is allowed. The text format states neither (its rule is one group
 * per metric name and a unique name and label set per line), so this is
 * OpenMetrics only. */
void pg__metric_order(pg__text *p, const struct sline *l, uint64_t key)
{
    const char *s = l->s, *lend = l->sc.lend, *ts_at = l->ts_at;
    const pg_sample *sm = &l->sm;
    enum role role = l->role;
    char b[80], b2[40], b3[40];
    int new_point = 0;
    if (!p->m_valid || key != p->m_key) {
        if (p->m_valid && !p->metrics_full &&
            pg__hset_put(&p->metrics, p->m_key, 0, NULL) < 0)
            p->metrics_full = 1;
        if (p->m_valid && pg__hset_get(&p->metrics, key, NULL))
            pg__diag(p, O, E, s, R_OM_METRIC,
                     "metric '%s' comes back after another metric of '%s': metrics must not be interleaved",
                     pg__subj(b, sizeof b, s, (size_t)(lend - s)), p->famq);
        p->m_valid = 1;
        p->m_key = key;
        p->m_has_ts = 0;
        p->m_timed = sm->has_timestamp;
        p->m_ts_reported = 0;
        p->m_roles = 0;
    } else {
        new_point = point_starts(p, role, sm);
        point_timestamps(p, ts_at ? ts_at : s, s, lend, new_point, sm);
    }
    if (new_point)
        p->m_roles = 0;
    p->m_roles |= 1u << (unsigned)role;
    p->m_last_role = role;
    if (!sm->has_timestamp)
        return;
    if (p->m_has_ts && sm->timestamp < p->m_ts) {
        snprintf(b2, sizeof b2, "%.17g", sm->timestamp);
        snprintf(b3, sizeof b3, "%.17g", p->m_ts);
        pg__diag(p, O, E, ts_at, R_OM_POINT,
                 "timestamp %s of '%s' before %s of an earlier MetricPoint: timestamps must increase and MetricPoints must not be interleaved",
                 b2, pg__subj(b, sizeof b, s, (size_t)(lend - s)), b3);
        return;
    }
    p->m_ts = sm->timestamp;
    p->m_has_ts = 1;
}

/* An exemplar's labels: at most 128 runes, unique names. They are parsed
 * after the sample's own labels and dropped again. */
static void exemplar_labels_check(pg__text *p, struct sline *l, size_t base)
{
    char b[80];
    size_t runes = 0;
    for (size_t i = base; i < p->nlabels; i++)
        runes += pg__utf8_runes(p->labels[i].name.p, p->labels[i].name.len) +
                 pg__utf8_runes(p->labels[i].value.p, p->labels[i].value.len);
    if (runes > 128)
        pg__diag(p, O, E, l->sc.ex_at, R_OM_EXEMPLAR,
                 "exemplar labels have %zu runes, more than 128", runes);
    size_t dupi;
    if (p->nlabels > base &&
        pg__dup_labels(p->labels + base, p->nlabels - base, &dupi))
        pg__diag(p, O, E, l->sc.ex_at, R_OM_LABELSET,
                 "duplicate label name '%s' in exemplar",
                 pg__subj(b, sizeof b, p->labels[base + dupi].name.p,
                          p->labels[base + dupi].name.len));
    p->nlabels = base;
}

/* An exemplar at q ('#'): SP HASH SP labels SP number [SP timestamp].
 * Returns 0, or -1 after a diagnostic. */
int pg__sample_exemplar(pg__text *p, struct sline *l, const char *q)
{
    char b[80];
    const char *e = l->e;
    l->sc.ex_at = q;
    pg__diag(p, P, E, q, R_P_SYNTAX,
             "unexpected '#' after value: exemplars are OpenMetrics only");
    q++;
    if (q >= e || *q != ' ' || q + 1 >= e || q[1] != '{') {
        pg__diag(p, O, E, q, R_OM_ABNF, "expected ' {' after '#' of exemplar");
        return -1;
    }
    q++;
    size_t base = p->nlabels;
    pg_str none = { NULL, 0 };
    if (pg__labels(p, &q, e, &none, 1))
        return -1;
    exemplar_labels_check(p, l, base);
    if (q >= e || *q != ' ') {
        pg__diag(p, O, E, q, R_OM_ABNF, "expected value after exemplar labels");
        return -1;
    }
    q++;
    const char *xe = token_end(q, e);
    if (pg_num_parse(q, (size_t)(xe - q), &l->sc.ex_value)) {
        pg__diag(p, O, E, q, R_OM_ABNF, "invalid exemplar value '%s'",
                 pg__subj(b, sizeof b, q, (size_t)(xe - q)));
        return -1;
    }
    q = xe;
    if (q < e) {
        if (*q != ' ' || q + 1 >= e) {
            pg__diag(p, O, E, q, R_OM_ABNF, "unexpected text after exemplar");
            return -1;
        }
        q++;
        const char *xt = token_end(q, e);
        double tv;
        if (realnumber(q, (size_t)(xt - q), &tv)) {
            pg__diag(p, O, E, q, R_OM_ABNF, "invalid exemplar timestamp '%s'",
                     pg__subj(b, sizeof b, q, (size_t)(xt - q)));
            return -1;
        }
        if (xt < e) {
            pg__diag(p, O, E, xt, R_OM_ABNF, "unexpected text after exemplar");
            return -1;
        }
    }
    l->sc.has_ex = 1;
    l->sm.has_exemplar = 1;
    return 0;
}
