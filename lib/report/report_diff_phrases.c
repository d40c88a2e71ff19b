/* report_diff_phrases.c: the phrases every diff format shares (a change
 * line, a docs correction, a list of bucket bounds or label names), so
 * that stdout and every report say a change in the same words. */
#include <string.h>

#include "report/report_int.h"
#include "core/num.h"
#include "specs/errata.h"

void pg__report_diff_labels(pg_buf *b, char *const *v, size_t n,
                            const char *quote)
{
    for (size_t i = 0; i < n; i++)
        pg_buf_addf(b, "%s%s%s%s", i ? ", " : "", quote, v[i], quote);
}

void pg__report_diff_bounds(pg_buf *b, const pg_golden_metric *m)
{
    if (!m->has_buckets) {
        pg_buf_adds(b, "unknown");
        return;
    }
    char num[40];
    pg_buf_addc(b, '[');
    for (size_t i = 0; i < m->nbuckets; i++) {
        pg_num_format(num, sizeof num, m->buckets[i]);
        pg_buf_addf(b, "%s%s", i ? "," : "", num);
    }
    pg_buf_addc(b, ']');
}

static void add_label_changes(pg_buf *b, const pg_diff_entry *e,
                              const char *quote)
{
    pg_buf_adds(b, "labels");
    if (e->nlabels_added) {
        pg_buf_adds(b, " added ");
        pg__report_diff_labels(b, e->labels_added, e->nlabels_added, quote);
    }
    if (e->nlabels_removed) {
        pg_buf_adds(b, e->nlabels_added ? ", removed " : " removed ");
        pg__report_diff_labels(b, e->labels_removed, e->nlabels_removed,
                               quote);
    }
}

static const char *condition_or_required(const pg_golden_metric *m)
{
    return m->condition ? m->condition : "required";
}

static const char *true_false(int b)
{
    return b ? "true" : "false";
}

void pg__report_diff_changes(pg_buf *b, const pg_diff_entry *e,
                             const char *quote)
{
    const pg_golden_metric *o = e->old_m, *n = e->new_m;
    const char *sep = "";
    if (e->what & PG_DIFF_TYPE) {
        pg_buf_addf(b, "type %s -> %s", pg_type_name(o->type),
                    pg_type_name(n->type));
        sep = "; ";
    }
    if (e->what & PG_DIFF_LABELS) {
        pg_buf_adds(b, sep);
        add_label_changes(b, e, quote);
        sep = "; ";
    }
    if (e->what & PG_DIFF_BUCKETS) {
        pg_buf_addf(b, "%sbuckets ", sep);
        pg__report_diff_bounds(b, o);
        pg_buf_adds(b, " -> ");
        pg__report_diff_bounds(b, n);
        sep = "; ";
    }
    if (e->what & PG_DIFF_HELP) {
        pg_buf_addf(b, "%shelp \"%s\" -> \"%s\"", sep, o->help, n->help);
        sep = "; ";
    }
    if (e->what & PG_DIFF_CONDITION) {
        pg_buf_addf(b, "%scondition %s -> %s", sep, condition_or_required(o),
                    condition_or_required(n));
        sep = "; ";
    }
    if (e->what & PG_DIFF_NATIVE)
        pg_buf_addf(b, "%snative_histogram %s -> %s", sep,
                    true_false(o->native_histogram),
                    true_false(n->native_histogram));
}

void pg__report_diff_correction(pg_buf *b, const pg_diff_entry *e)
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

const char *pg__report_diff_served_note(const pg_diff_entry *e)
{
    if (!(e->what & PG_DIFF_SERVED))
        return NULL;
    return e->new_m ? "served again (the docs list it on both sides)"
                    : "no longer served, though the docs still list it";
}
