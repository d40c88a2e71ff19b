/* errata.c: see errata.h. */
#include "specs/errata.h"

#include <stdlib.h>
#include <string.h>

static int histogram_type(enum pg_type t)
{
    return t == PG_TYPE_HISTOGRAM || t == PG_TYPE_GAUGEHISTOGRAM;
}

/* Label rules only make sense for labels the metric has. */
static void drop_foreign_rules(pg_golden_metric *m)
{
    size_t k = 0;
    for (size_t i = 0; i < m->nlabel_values; i++) {
        pg_label_rule *r = &m->label_values[i];
        int have = 0;
        for (size_t j = 0; j < m->nlabels && !have; j++)
            have = !strcmp(m->labels[j], r->label);
        if (have) {
            m->label_values[k++] = *r;
        } else {
            free(r->label);
            free(r->pattern);
        }
    }
    m->nlabel_values = k;
}

/* Puts the docs' name, labels and type on the entry and the code's into
 * the erratum, so each side still knows the other. */
static void swap_to_docs(pg_golden_metric *m)
{
    pg_erratum *e = m->erratum;
    e->docs_side = 1;
    if (e->docs_name) {
        char *t = m->name;
        m->name = e->docs_name;
        e->docs_name = t;
    }
    if (e->has_docs_labels) {
        char **t = m->labels;
        size_t n = m->nlabels;
        m->labels = e->docs_labels;
        m->nlabels = e->ndocs_labels;
        e->docs_labels = t;
        e->ndocs_labels = n;
        drop_foreign_rules(m);
    }
    if (e->has_docs_type) {
        enum pg_type t = m->type;
        m->type = e->docs_type;
        e->docs_type = t;
        if (!histogram_type(m->type)) {
            free(m->buckets);
            m->buckets = NULL;
            m->nbuckets = 0;
            m->has_buckets = 0;
            m->native_histogram = 0;
        }
    }
}

pg_golden *pg_golden_as_documented(const pg_golden *g)
{
    char *s = pg_golden_dumps(g);
    pg_error err;
    pg_error_init(&err);
    pg_golden *d = pg_golden_loadb(s, strlen(s), "golden", &err);
    free(s);
    if (!d)
        abort(); /* a dump always loads back */
    size_t k = 0;
    for (size_t i = 0; i < d->nmetrics; i++) {
        pg_golden_metric *m = &d->metrics[i];
        if (m->erratum && m->erratum->unlisted) {
            pg_golden_metric_release(m);
            continue;
        }
        if (m->erratum)
            swap_to_docs(m);
        d->metrics[k++] = *m;
    }
    d->nmetrics = k;
    pg_golden_sort(d);
    return d;
}

static void add_labels(pg_buf *out, char *const *v, size_t n)
{
    if (!n) {
        pg_buf_adds(out, "no labels");
        return;
    }
    pg_buf_adds(out, n > 1 ? "labels " : "label ");
    for (size_t i = 0; i < n; i++)
        pg_buf_addf(out, "%s%s", i ? ", " : "", v[i]);
}

/* The erratum's fields hold the other side's facts: the docs' on the
 * code's side, the code's on the docs' side. */
static void describe_fields(const pg_golden_metric *m, const pg_erratum *e,
                            pg_buf *out)
{
    const char *sep = "";
    pg_buf_adds(out, e->docs_side ? "the docs should say " : "the docs say ");
    if (e->docs_name) {
        pg_buf_addf(out, "'%s'", e->docs_name);
        sep = ", ";
    }
    if (e->has_docs_labels) {
        pg_buf_adds(out, sep);
        add_labels(out, e->docs_labels, e->ndocs_labels);
        sep = ", ";
    }
    if (e->has_docs_type)
        pg_buf_addf(out, "%stype %s", sep, pg_type_name(e->docs_type));
    pg_buf_adds(out, e->docs_side ? " (they say '" : "; the code serves '");
    pg_buf_addf(out, "%s'", m->name);
    if (e->has_docs_labels) {
        pg_buf_adds(out, e->docs_side ? ", " : " with ");
        add_labels(out, m->labels, m->nlabels);
    }
    if (e->has_docs_type)
        pg_buf_addf(out, e->docs_side ? ", type %s" : " as a %s",
                    pg_type_name(m->type));
    if (e->docs_side)
        pg_buf_adds(out, ")");
}

void pg_erratum_describe(const pg_golden_metric *m, pg_buf *out)
{
    const pg_erratum *e = m->erratum;
    if (!e)
        return;
    pg_buf_adds(out, "docs erratum: ");
    if (e->unlisted)
        pg_buf_addf(out, "the docs do not list '%s', which the code serves "
                         "(the docs should list it)", m->name);
    else if (e->unserved)
        pg_buf_addf(out, "the docs list '%s', which the code does not serve"
                         "%s", m->name, e->docs_side
                             ? " (the docs should not list it)"
                             : "; its absence is not a failure");
    else
        describe_fields(m, e, out);
    if (e->releases)
        pg_buf_addf(out, "; releases %s", e->releases);
    pg_buf_addf(out, "; evidence: %s", e->evidence);
}
