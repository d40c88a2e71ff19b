/* report_junit.c: JUnit XML as the GitLab, Jenkins and GitHub test
 * reporters read it: one <testsuite> per target, one <testcase> per metric
 * result. FAIL is <failure>, SKIP and baseline-accepted are <skipped>, an
 * unreadable target is one <error> testcase. */
#include <string.h>

#include "report/report_int.h"
#include "core/version.h"

#define x_text pg__report_add_xml_clean

static void x_property(pg_buf *b, const pg_report_run *run, const char *name,
                       const char *value)
{
    pg_buf_addf(b, "      <property name=\"%s\" value=\"", name);
    x_text(b, run, value, 1);
    pg_buf_adds(b, "\"/>\n");
}

/* The multi-line body of a <failure> or <system-out>: every problem with
 * its expected/got values and scrape position. */
static void x_details(pg_buf *b, const pg_report_run *run,
                      const pg_metric_result *m, int failures_only)
{
    for (size_t i = 0; i < m->nproblems; i++) {
        const pg_problem *p = &m->problems[i];
        if (failures_only >= 0 && p->failure != failures_only)
            continue;
        pg_buf_adds(b, pg_problem_code_name(p->code));
        pg_buf_adds(b, ": ");
        x_text(b, run, p->message, 0);
        pg_buf_addc(b, '\n');
        if (p->expected) {
            pg_buf_adds(b, "  expected: ");
            x_text(b, run, p->expected, 0);
            pg_buf_addc(b, '\n');
        }
        if (p->got) {
            pg_buf_adds(b, "  got: ");
            x_text(b, run, p->got, 0);
            pg_buf_addc(b, '\n');
        }
        if (p->line > 0) {
            pg_buf_adds(b, "  at: ");
            pg__report_add_pos(b, p->line, p->column);
            pg_buf_addc(b, '\n');
        }
    }
    if (m->rename_hint) {
        pg_buf_adds(b, "renamed? ");
        x_text(b, run, m->rename_hint, 0);
        pg_buf_addc(b, '\n');
    }
}

static void x_testcase(pg_buf *b, const pg_report_run *run, const char *slug,
                       const pg_metric_result *m)
{
    pg_buf_addf(b, "    <testcase classname=\"%s.%s\" name=\"", slug,
                pg_result_kind_name(m->kind));
    x_text(b, run, m->metric, 1);
    pg_buf_adds(b, "\" time=\"0\"");
    int notes = 0;
    for (size_t i = 0; i < m->nproblems; i++)
        if (!m->problems[i].failure || m->verdict != PG_VERDICT_FAIL)
            notes = 1;
    switch (m->verdict) {
    case PG_VERDICT_FAIL: {
        const pg_problem *first = NULL;
        size_t nfail = 0;
        for (size_t i = 0; i < m->nproblems; i++)
            if (m->problems[i].failure) {
                if (!first)
                    first = &m->problems[i];
                nfail++;
            }
        if (!first && m->nproblems)
            first = &m->problems[0];
        pg_buf_adds(b, ">\n      <failure message=\"");
        x_text(b, run, first ? first->message : "fails", 1);
        if (nfail > 1)
            pg_buf_addf(b, " (and %zu more)", nfail - 1);
        pg_buf_addf(b, "\" type=\"%s\">",
                    pg__report_status_name(pg__report_status_of(m)));
        x_details(b, run, m, 1);
        pg_buf_adds(b, "</failure>\n");
        notes = 0;
        for (size_t i = 0; i < m->nproblems; i++)
            if (!m->problems[i].failure)
                notes = 1;
        break;
    }
    case PG_VERDICT_SKIP:
        pg_buf_adds(b, ">\n      <skipped message=\"");
        x_text(b, run, m->condition ? m->condition : "conditional", 1);
        pg_buf_adds(b, "\"/>\n");
        break;
    case PG_VERDICT_TODO:
        pg_buf_adds(b, ">\n      <skipped message=\"accepted by baseline: ");
        x_text(b, run, m->baseline_reason ? m->baseline_reason : "", 1);
        pg_buf_adds(b, "\"/>\n");
        break;
    case PG_VERDICT_PASS:
    case PG_VERDICT_WARN:
        if (!notes) {
            pg_buf_adds(b, "/>\n");
            return;
        }
        pg_buf_adds(b, ">\n");
        break;
    }
    if (notes) {
        pg_buf_adds(b, "      <system-out>");
        x_details(b, run, m, m->verdict == PG_VERDICT_FAIL ? 0 : -1);
        pg_buf_adds(b, "</system-out>\n");
    }
    pg_buf_adds(b, "    </testcase>\n");
}

static void x_suite(pg_buf *b, const pg_report_run *run, size_t ti,
                    const char *started)
{
    const pg_target_result *t = &run->targets[ti];
    size_t fail = 0, skip = 0;
    for (size_t i = 0; i < t->nresults; i++) {
        enum pg_verdict v = t->results[i].verdict;
        fail += v == PG_VERDICT_FAIL;
        skip += v == PG_VERDICT_SKIP || v == PG_VERDICT_TODO;
    }
    char *slug = pg__report_slug(t->target);
    pg_buf_adds(b, "  <testsuite name=\"");
    x_text(b, run, t->target, 1);
    pg_buf_addf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" "
                "skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\">\n",
                t->nresults + (t->error ? 1 : 0), fail, t->error ? 1 : 0,
                skip, t->seconds, started);
    pg_buf_adds(b, "    <properties>\n");
    x_property(b, run, "golden", run->golden_path ? run->golden_path : "");
    x_property(b, run, "golden_version", pg__report_golden_version(run));
    x_property(b, run, "baseline",
               run->baseline_path ? run->baseline_path : "");
    x_property(b, run, "promgate_version", PG_VERSION);
    if (t->raw_path)
        x_property(b, run, "raw_scrape", t->raw_path);
    if (t->negotiated.accept) {
        x_property(b, run, "accept", t->negotiated.accept);
        x_property(b, run, "content_type", t->negotiated.content_type);
        if (t->negotiated.body != PG_FORMAT_AUTO)
            x_property(b, run, "body_format",
                       pg_format_name(t->negotiated.body));
    }
    pg_buf_adds(b, "    </properties>\n");
    if (t->error) {
        pg_buf_addf(b, "    <testcase classname=\"%s.target\" name=\"scrape\""
                    " time=\"%.3f\">\n      <error message=\"", slug,
                    t->seconds);
        x_text(b, run, t->error, 1);
        pg_buf_adds(b, "\" type=\"unreadable\"/>\n    </testcase>\n");
    }
    size_t n;
    pg__report_row *rows = pg__report_rows(run, ti, &n);
    for (size_t i = 0; i < n; i++)
        if (rows[i].result != PG__ROW_TARGET)
            x_testcase(b, run, slug, &t->results[rows[i].result]);
    free(rows);
    free(slug);
    pg_buf_adds(b, "  </testsuite>\n");
}

char *pg_report_junit(const pg_report_run *run)
{
    pg_buf b = PG_BUF_INIT;
    char started[32];
    pg__report_time_iso(run->started, started);
    size_t tests = 0, fail = 0, skip = 0, errors = 0;
    for (size_t ti = 0; ti < run->ntargets; ti++) {
        const pg_target_result *t = &run->targets[ti];
        tests += t->nresults + (t->error ? 1 : 0);
        errors += t->error ? 1 : 0;
        for (size_t i = 0; i < t->nresults; i++) {
            enum pg_verdict v = t->results[i].verdict;
            fail += v == PG_VERDICT_FAIL;
            skip += v == PG_VERDICT_SKIP || v == PG_VERDICT_TODO;
        }
    }
    pg_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<testsuites name=\"promgate check\" tests=\"%zu\" "
                "failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                "time=\"%.3f\" timestamp=\"%s\">\n",
                tests, fail, errors, skip, run->seconds, started);
    for (size_t ti = 0; ti < run->ntargets; ti++)
        x_suite(&b, run, ti, started);
    pg_buf_adds(&b, "</testsuites>\n");
    return pg_buf_detach(&b);
}
