/* report_json.c: the machine-readable report (reports/SCHEMA.md), also
 * printed by `promgate check --format json`. Every key is always present
 * (null when not applicable) and keys are sorted, so two runs over the
 * same input give byte-identical documents apart from time fields. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "report/report_int.h"
#include "core/num.h"
#include "core/version.h"

#define PG_REPORT_SCHEMA_VERSION 1

json_t *pg__report_jstr(const pg_report_run *run, const char *s)
{
    if (!s)
        return json_null();
    char *c = pg__report_clean(run, s);
    json_t *j = json_string(c);
    free(c);
    return j ? j : json_string("");
}

char *pg__report_json_text(json_t *doc, int precision)
{
    char *out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS |
                                    JSON_REAL_PRECISION(precision));
    json_decref(doc);
    if (!out)
        return pg_xstrdup("{}\n");
    size_t n = strlen(out);
    char *r = pg_xmalloc(n + 2);
    memcpy(r, out, n);
    r[n] = '\n';
    r[n + 1] = '\0';
    free(out);
    return r;
}

#define jstr pg__report_jstr

static json_t *jcounts(const pg__report_counts *c)
{
    double cov = pg__report_coverage(c);
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
                     "s:I,s:o}",
                     "conformant", (json_int_t)c->conformant,
                     "missing", (json_int_t)c->missing,
                     "changed", (json_int_t)c->changed,
                     "undocumented", (json_int_t)c->undocumented,
                     "skipped_conditional", (json_int_t)c->skipped,
                     "accepted_by_baseline", (json_int_t)c->accepted,
                     "format_errors", (json_int_t)c->format_errors,
                     "unreadable", (json_int_t)c->unreadable,
                     "failures", (json_int_t)c->failures,
                     "warnings", (json_int_t)c->warnings,
                     "results", (json_int_t)c->rows,
                     "documented_expected", (json_int_t)c->expected,
                     "documented_seen", (json_int_t)c->seen,
                     "coverage", cov < 0 ? json_null() : json_real(cov));
}

/* "a, b" (or "none") as ["a", "b"]: label sets stay lists for tools. */
static json_t *jnames(const pg_report_run *run, const char *s)
{
    json_t *a = json_array();
    if (!strcmp(s, "none"))
        return a;
    pg__report_list l;
    const char *item;
    size_t n;
    pg__report_list_init(&l, s, 0);
    while (pg__report_list_next(&l, &item, &n)) {
        char *name = pg_xstrndup(item, n);
        json_array_append_new(a, jstr(run, name));
        free(name);
    }
    return a;
}

/* "[1, 2.5]" or "1, 2.5" as [1.0, 2.5]; NULL if s is not such a list of
 * finite numbers (JSON has no NaN or infinity). */
static json_t *jbounds(const char *s)
{
    json_t *a = json_array();
    pg__report_list l;
    const char *item;
    size_t n;
    pg__report_list_init(&l, s, 1);
    while (pg__report_list_next(&l, &item, &n)) {
        double v;
        if (pg_num_parse(item, n, &v) != PG_NUM_OK || !isfinite(v)) {
            json_decref(a);
            return NULL;
        }
        json_array_append_new(a, json_real(v));
    }
    return a;
}

/* expected/got of a problem: lists (label sets, bucket bounds) as JSON
 * arrays, everything else as the text the TAP diagnostics show. */
static json_t *jvalue(const pg_report_run *run, enum pg_problem_code code,
                      const char *s)
{
    json_t *list = NULL;
    if (!s)
        return json_null();
    if (code == PG_PROBLEM_LABELS_MISSING || code == PG_PROBLEM_LABELS_EXTRA)
        list = jnames(run, s);
    else if (code == PG_PROBLEM_BUCKETS)
        list = jbounds(s);
    return list ? list : jstr(run, s);
}

static json_t *jproblem(const pg_report_run *run, const pg_problem *p)
{
    return json_pack("{s:s,s:b,s:o,s:o,s:o,s:o,s:o}",
                     "code", pg_problem_code_name(p->code),
                     "failure", p->failure,
                     "message", jstr(run, p->message ? p->message : ""),
                     "expected", jvalue(run, p->code, p->expected),
                     "got", jvalue(run, p->code, p->got),
                     "line", p->line > 0 ? json_integer((json_int_t)p->line)
                                          : json_null(),
                     "column", p->column > 0 ? json_integer((json_int_t)p->column)
                                             : json_null());
}

static json_t *jresult(const pg_report_run *run, const pg_metric_result *m)
{
    json_t *probs = json_array();
    for (size_t i = 0; i < m->nproblems; i++)
        json_array_append_new(probs, jproblem(run, &m->problems[i]));
    return json_pack("{s:o,s:s,s:s,s:s,s:o,s:o,s:o,s:o}",
                     "metric", jstr(run, m->metric ? m->metric : ""),
                     "kind", pg_result_kind_name(m->kind),
                     "verdict", pg_verdict_name(m->verdict),
                     "status", pg__report_status_name(pg__report_status_of(m)),
                     "condition", jstr(run, m->condition),
                     "baseline_reason", jstr(run, m->baseline_reason),
                     "rename_hint", jstr(run, m->rename_hint),
                     "problems", probs);
}

/* What a scraped target asked for and got; null for a target that was
 * not fetched over HTTP. */
static json_t *jnegotiation(const pg_report_run *run, const pg_negotiation *n)
{
    if (!n->accept)
        return json_null();
    return json_pack("{s:o,s:o,s:o}",
                     "accept", jstr(run, n->accept),
                     "content_type", jstr(run, n->content_type),
                     "body_format", n->body == PG_FORMAT_AUTO
                                        ? json_null()
                                        : json_string(pg_format_name(n->body)));
}

static json_t *jtarget(const pg_report_run *run, size_t ti)
{
    const pg_target_result *t = &run->targets[ti];
    pg__report_counts c;
    memset(&c, 0, sizeof c);
    pg__report_count_target(run, t, &c);
    size_t n;
    pg__report_row *rows = pg__report_rows(run, ti, &n);
    json_t *results = json_array();
    for (size_t i = 0; i < n; i++)
        if (rows[i].result != PG__ROW_TARGET)
            json_array_append_new(results,
                                  jresult(run, &t->results[rows[i].result]));
    free(rows);
    const pg_parse_stats *s = &t->stats;
    json_t *stats = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}",
                              "bytes", (json_int_t)s->bytes,
                              "lines", (json_int_t)s->lines,
                              "samples", (json_int_t)s->samples,
                              "families", (json_int_t)s->families,
                              "errors", (json_int_t)s->errors,
                              "warnings", (json_int_t)s->warnings);
    return json_pack("{s:o,s:s,s:o,s:o,s:o,s:f,s:o,s:o,s:o}",
                     "target", jstr(run, t->target ? t->target : ""),
                     "result", pg__report_run_failed(&c) ? "fail" : "pass",
                     "error", jstr(run, t->error),
                     "negotiation", jnegotiation(run, &t->negotiated),
                     "raw_scrape", jstr(run, t->raw_path),
                     "seconds", t->seconds,
                     "stats", stats,
                     "summary", jcounts(&c),
                     "results", results);
}

static json_t *jsource(const pg_report_run *run, const pg_golden_source *s)
{
    return json_pack("{s:o,s:o}", "file", jstr(run, s->file),
                     "sha256", jstr(run, s->sha256));
}

static json_t *jgolden(const pg_report_run *run)
{
    const pg_golden *g = run->golden;
    json_t *sources = json_array();
    json_t *overlay = json_null();
    if (g) {
        for (size_t i = 0; i < g->nsources; i++)
            json_array_append_new(sources, jsource(run, &g->sources[i]));
        if (g->overlay.file)
            overlay = jsource(run, &g->overlay);
    }
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}",
                     "path", jstr(run, run->golden_path),
                     "kind", jstr(run, g ? g->kind : NULL),
                     "version", jstr(run, g ? g->version : NULL),
                     "metrics", g ? json_integer((json_int_t)g->nmetrics)
                                  : json_null(),
                     "sources", sources,
                     "overlay", overlay);
}

char *pg_report_json(const pg_report_run *run)
{
    pg__report_counts c;
    pg__report_count_run(run, &c);
    char started[32];
    pg__report_time_iso(run->started, started);
    json_t *targets = json_array();
    for (size_t i = 0; i < run->ntargets; i++)
        json_array_append_new(targets, jtarget(run, i));
    json_t *summary = jcounts(&c);
    json_object_set_new(summary, "targets",
                        json_integer((json_int_t)run->ntargets));
    json_t *doc = json_pack(
        "{s:i,s:s,s:s,s:s,s:s,s:f,s:o,s:o,s:o,s:o}",
        "schema_version", PG_REPORT_SCHEMA_VERSION,
        "kind", "check",
        "promgate_version", PG_VERSION,
        "result", pg__report_run_failed(&c) ? "fail" : "pass",
        "started", started,
        "duration_seconds", run->seconds,
        "golden", jgolden(run),
        "baseline", run->baseline_path
                        ? json_pack("{s:o}", "path",
                                    jstr(run, run->baseline_path))
                        : json_null(),
        "summary", summary,
        "targets", targets);
    return pg__report_json_text(doc, 6);
}
