/* report_diff_json.c: a diff as JSON, both documents built from the same
 * pieces (a side, a metric, the list of what changed): the one `promgate
 * diff --format json` prints (doc/golden.md, "JSON contract") and
 * report.json of a diff report (kind "diff", reports/SCHEMA.md). */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "report/report_int.h"
#include "core/num.h"
#include "core/version.h"

/* ---- pieces ------------------------------------------------------------- */

/* A string of a report (run given: cleaned of credentials and invalid
 * UTF-8, as every report text is), or of stdout (run NULL: as the goldens
 * say, cleaned only if it is not valid UTF-8). */
static json_t *jstr(const pg_report_run *run, const char *s)
{
    static const pg_report_run no_secrets;
    if (run || !s)
        return pg__report_jstr(run, s);
    json_t *j = json_string(s);
    return j ? j : pg__report_jstr(&no_secrets, s);
}

static json_t *jstrv(const pg_report_run *run, char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, jstr(run, v[i]));
    return a;
}

/* The bounds of a histogram, or null when the side does not know them. */
static json_t *jbounds(const pg_golden_metric *m)
{
    if (!m->has_buckets)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < m->nbuckets; i++)
        json_array_append_new(a, json_real(m->buckets[i]));
    return a;
}

static json_t *jmetric(const pg_report_run *run, const pg_golden_metric *m)
{
    if (!m)
        return json_null();
    return json_pack("{s:o,s:s,s:o,s:o,s:o,s:o,s:b}",
                     "name", jstr(run, m->name),
                     "type", pg_type_name(m->type),
                     "labels", jstrv(run, m->labels, m->nlabels),
                     "buckets", jbounds(m),
                     "help", jstr(run, m->help ? m->help : ""),
                     "condition", jstr(run, m->condition),
                     "native_histogram", m->native_histogram);
}

static json_t *jside(const pg_report_run *run, const char *source,
                     const pg_golden *g)
{
    json_t *sources = json_array();
    for (size_t i = 0; i < g->nsources; i++)
        json_array_append_new(sources,
                              json_pack("{s:o,s:o}", "file",
                                        jstr(run, g->sources[i].file),
                                        "sha256",
                                        jstr(run, g->sources[i].sha256)));
    return json_pack("{s:o,s:o,s:o,s:I,s:o}", "source", jstr(run, source),
                     "kind", jstr(run, g->kind), "version",
                     jstr(run, g->version), "metrics",
                     (json_int_t)g->nmetrics, "sources", sources);
}

/* The names of what changed in an entry: the keys of its details. Whether
 * the code stopped or started serving a metric is no field change. */
static json_t *jwhat(const pg_diff_entry *e)
{
    json_t *a = json_array();
    for (unsigned bit = 1; e && bit < PG_DIFF_SERVED; bit <<= 1)
        if (e->what & bit)
            json_array_append_new(a, json_string(pg_diff_what_name(bit)));
    return a;
}

/* Reals with the fewest digits that read back as every bound of either
 * side (bounds that differ never print alike), and at least `least`. */
static int bounds_precision(const pg_diff *d, int least)
{
    int best = least;
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

/* ---- promgate diff --format json ---------------------------------------- */

static json_t *jpair(json_t *o, json_t *n)
{
    return json_pack("{s:o,s:o}", "old", o, "new", n);
}

/* The details of a changed or renamed entry, keyed by what changed. */
static void add_jdetails(json_t *o, const pg_report_run *run,
                         const pg_diff_entry *e)
{
    const pg_golden_metric *a = e->old_m, *b = e->new_m;
    if (e->what & PG_DIFF_TYPE)
        json_object_set_new(o, "type",
                            jpair(json_string(pg_type_name(a->type)),
                                  json_string(pg_type_name(b->type))));
    if (e->what & PG_DIFF_LABELS)
        json_object_set_new(o, "labels", json_pack(
            "{s:o,s:o}", "added",
            jstrv(run, e->labels_added, e->nlabels_added), "removed",
            jstrv(run, e->labels_removed, e->nlabels_removed)));
    if (e->what & PG_DIFF_BUCKETS)
        json_object_set_new(o, "buckets", jpair(jbounds(a), jbounds(b)));
    if (e->what & PG_DIFF_HELP)
        json_object_set_new(o, "help",
                            jpair(jstr(run, a->help), jstr(run, b->help)));
    if (e->what & PG_DIFF_CONDITION)
        json_object_set_new(o, "condition", jpair(jstr(run, a->condition),
                                                  jstr(run, b->condition)));
    if (e->what & PG_DIFF_NATIVE)
        json_object_set_new(o, "native_histogram",
                            jpair(json_boolean(a->native_histogram),
                                  json_boolean(b->native_histogram)));
    json_object_set_new(o, "what", jwhat(e));
}

/* added (new_m) or removed (old_m) entries as metrics. */
static json_t *jmetrics(const pg_report_run *run, const pg_diff_entry *v,
                        size_t n, int new_side)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, jmetric(run, new_side ? v[i].new_m
                                                       : v[i].old_m));
    return a;
}

static json_t *jrenamed(const pg_report_run *run, const pg_diff *d)
{
    json_t *a = json_array();
    for (size_t i = 0; i < d->nrenamed; i++) {
        const pg_diff_entry *e = &d->renamed[i];
        /* three decimals: a score, not a measurement */
        json_t *o = json_pack("{s:o,s:o,s:o,s:f}", "from",
                              jstr(run, e->old_m->name), "to",
                              jstr(run, e->new_m->name), "reason",
                              jstr(run, e->rename_reason), "similarity",
                              round(e->similarity * 1000) / 1000);
        add_jdetails(o, run, e);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *jchanged(const pg_report_run *run, const pg_diff *d)
{
    json_t *a = json_array();
    for (size_t i = 0; i < d->nchanged; i++) {
        json_t *o = json_pack("{s:o}", "name",
                              jstr(run, d->changed[i].new_m->name));
        add_jdetails(o, run, &d->changed[i]);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *jcorrections(const pg_report_run *run, const pg_diff *d)
{
    json_t *a = json_array();
    for (size_t i = 0; i < d->ncorrected; i++) {
        const pg_diff_entry *e = &d->corrected[i];
        pg_buf t = PG_BUF_INIT;
        pg__report_diff_correction(&t, e);
        json_array_append_new(a, json_pack(
            "{s:o,s:o,s:b}", "name", jstr(run, e->old_m->name),
            "correction", jstr(run, t.p), "listed", e->new_m != NULL));
        pg_buf_release(&t);
    }
    return a;
}

char *pg__report_diff_stdout_json(const pg_diff *d)
{
    const pg_report_run *run = NULL;   /* the sources are already redacted */
    json_t *root = json_pack(
        "{s:o,s:o,s:o,s:o,s:o,s:o,s:b}",
        "old", jside(run, d->old_source, d->old_g),
        "new", jside(run, d->new_source, d->new_g),
        "added", jmetrics(run, d->added, d->nadded, 1),
        "removed", jmetrics(run, d->removed, d->nremoved, 0),
        "renamed", jrenamed(run, d),
        "changed", jchanged(run, d),
        "equal", pg_diff_is_empty(d));
    if (d->ncorrected)
        json_object_set_new(root, "docs_corrections", jcorrections(run, d));
    return pg__report_json_text(root, bounds_precision(d, 3));
}

/* ---- report.json -------------------------------------------------------- */

static json_t *jentry(const pg__dview *v, const pg__drow *w)
{
    const pg_report_run *run = &v->run;
    int renamed = w->kind == PG__D_RENAMED;
    char *details = pg__report_drow_details(w);
    json_t *o = json_pack(
        "{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
        "change", pg__report_drow_kind(w->kind),
        "verdict", pg_verdict_name(w->verdict),
        "metric", jstr(run, pg__report_drow_name(w)),
        "new_name", renamed ? jstr(run, w->new_m->name) : json_null(),
        "details", jstr(run, details),
        "what", jwhat(w->e),
        "old", jmetric(run, w->old_m),
        "new", jmetric(run, w->new_m),
        "labels_added", w->e ? jstrv(run, w->e->labels_added,
                                     w->e->nlabels_added) : json_array(),
        "labels_removed", w->e ? jstrv(run, w->e->labels_removed,
                                       w->e->nlabels_removed) : json_array(),
        "rename_reason", renamed ? jstr(run, w->e->rename_reason)
                                 : json_null(),
        "similarity", renamed ? json_real(w->e->similarity) : json_null());
    free(details);
    return o;
}

char *pg_report_diff_json(const pg_report_diff *r)
{
    const pg_diff *d = r->diff;
    pg__dview v;
    pg__report_dview_init(&v, r);
    json_t *entries = json_array();
    for (size_t i = 0; i < v.n; i++)
        if (v.rows[i].kind != PG__D_UNCHANGED)
            json_array_append_new(entries, jentry(&v, &v.rows[i]));
    json_t *doc = json_pack(
        "{s:i,s:s,s:s,s:s,s:s,s:f,s:o,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
        "s:I},s:o}",
        "schema_version", 1, "kind", "diff", "promgate_version", PG_VERSION,
        "result", pg_diff_is_empty(d) ? "equal" : "different",
        "started", v.started, "duration_seconds", r->seconds,
        "old", jside(&v.run, d->old_source, d->old_g),
        "new", jside(&v.run, d->new_source, d->new_g),
        "summary", "added", (json_int_t)v.c.added, "removed",
        (json_int_t)v.c.removed, "renamed", (json_int_t)v.c.renamed,
        "changed", (json_int_t)v.c.changed, "corrected",
        (json_int_t)v.c.corrected, "unchanged",
        (json_int_t)v.c.unchanged, "breaking", (json_int_t)v.c.breaking,
        "notes", (json_int_t)v.c.notes,
        "entries", entries);
    pg__report_dview_release(&v);
    return pg__report_json_text(doc, bounds_precision(d, 15));
}
