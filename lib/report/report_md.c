/* report_md.c: the Markdown report (GitHub-flavoured tables), for a merge
 * request comment or a CI job summary. Failures come first. */
#include <string.h>

#include "report/report_int.h"
#include "core/version.h"

/* Plain cell text: Markdown punctuation and HTML are escaped, line breaks
 * flattened, so a hostile label value cannot break the table. */
void pg__report_md_text(pg_buf *b, const pg_report_run *run, const char *s)
{
    char *c = pg__report_clean(run, s ? s : "");
    for (const char *p = c; *p; p++) {
        switch (*p) {
        case '<': pg_buf_adds(b, "&lt;"); break;
        case '>': pg_buf_adds(b, "&gt;"); break;
        case '&': pg_buf_adds(b, "&amp;"); break;
        case '\n': case '\r': case '\t': pg_buf_addc(b, ' '); break;
        case '\x7f': pg_buf_adds(b, "\xEF\xBF\xBD"); break;
        case '\\': case '|': case '*': case '_': case '[': case ']':
        case '`': case '#': case '~':
            pg_buf_addc(b, '\\');
            pg_buf_addc(b, *p);
            break;
        default:
            /* C0 controls are invisible or break the table. */
            if ((unsigned char)*p < 0x20)
                pg_buf_adds(b, "\xEF\xBF\xBD");
            else
                pg_buf_addc(b, *p);
            break;
        }
    }
    free(c);
}

/* A code span when the text allows one (no backtick or line break; GFM
 * tables still need '|' escaped inside code), else escaped text. */
void pg__report_md_code(pg_buf *b, const pg_report_run *run, const char *s)
{
    char *c = pg__report_clean(run, s ? s : "");
    int plain = 1;
    for (const char *p = c; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '`' || *p == 0x7f)
            plain = 0;
    if (!*c || !plain) {
        free(c);
        pg__report_md_text(b, run, s);
        return;
    }
    pg_buf_addc(b, '`');
    for (const char *p = c; *p; p++) {
        if (*p == '|')
            pg_buf_addc(b, '\\');
        pg_buf_addc(b, *p);
    }
    pg_buf_addc(b, '`');
    free(c);
}

static const char *verdict_label(enum pg_verdict v)
{
    switch (v) {
    case PG_VERDICT_FAIL: return "\xE2\x9C\x96 FAIL";     /* heavy x */
    case PG_VERDICT_TODO: return "\xE2\x97\x90 ACCEPTED"; /* half circle */
    case PG_VERDICT_WARN: return "\xE2\x9A\xA0 WARN";     /* warning sign */
    case PG_VERDICT_SKIP: return "\xE2\x97\x8B SKIP";     /* white circle */
    case PG_VERDICT_PASS: return "\xE2\x9C\x94 PASS";     /* check mark */
    }
    return "FAIL";
}

static void md_problems(pg_buf *b, const pg_report_run *run,
                        const pg_metric_result *m)
{
    int first = 1;
    for (size_t i = 0; i < m->nproblems; i++) {
        const pg_problem *p = &m->problems[i];
        if (!first)
            pg_buf_adds(b, "<br>");
        first = 0;
        if (!p->failure)
            pg_buf_adds(b, "(note) ");
        pg__report_md_text(b, run, p->message);
        if (p->expected || p->got) {
            pg_buf_adds(b, " (expected ");
            if (p->expected)
                pg__report_md_code(b, run, p->expected);
            else
                pg_buf_adds(b, "nothing");
            pg_buf_adds(b, ", got ");
            if (p->got)
                pg__report_md_code(b, run, p->got);
            else
                pg_buf_adds(b, "nothing");
            pg_buf_addc(b, ')');
        }
        if (p->line > 0) {
            pg_buf_adds(b, " at ");
            pg__report_add_pos(b, p->line, p->column);
        }
    }
    if (first)
        pg_buf_adds(b, "\xE2\x80\x94"); /* em dash */
}

static void md_notes(pg_buf *b, const pg_report_run *run,
                     const pg_metric_result *m)
{
    int any = 0;
    if (m->rename_hint) {
        pg_buf_adds(b, "renamed? ");
        pg__report_md_code(b, run, m->rename_hint);
        any = 1;
    }
    if (m->condition) {
        pg_buf_adds(b, any ? "<br>" : "");
        pg_buf_adds(b, "condition: ");
        pg__report_md_text(b, run, m->condition);
        any = 1;
    }
    if (m->baseline_reason) {
        pg_buf_adds(b, any ? "<br>" : "");
        pg_buf_adds(b, "baseline: ");
        pg__report_md_text(b, run, m->baseline_reason);
        any = 1;
    }
    if (!any)
        pg_buf_adds(b, "\xE2\x80\x94");
}

static void md_summary(pg_buf *b, const pg__report_counts *c)
{
    pg_buf_adds(b, "## Summary\n\n| Status | Count |\n|---|---:|\n");
    pg_buf_addf(b, "| missing | %zu |\n", c->missing);
    pg_buf_addf(b, "| changed | %zu |\n", c->changed);
    pg_buf_addf(b, "| undocumented | %zu |\n", c->undocumented);
    pg_buf_addf(b, "| format errors | %zu |\n", c->format_errors);
    pg_buf_addf(b, "| unreadable targets | %zu |\n",
                c->unreadable);
    pg_buf_addf(b, "| accepted by baseline | %zu |\n",
                c->accepted);
    pg_buf_addf(b, "| skipped (conditional) | %zu |\n",
                c->skipped);
    pg_buf_addf(b, "| conformant | %zu |\n", c->conformant);
    pg_buf_addf(b, "| failing results | %zu |\n", c->failures);
    pg_buf_addf(b, "| warnings | %zu |\n", c->warnings);
    double cov = pg__report_coverage(c);
    if (cov < 0)
        pg_buf_adds(b, "| coverage | no documented metric expected |\n\n");
    else
        pg_buf_addf(b, "| coverage | %.1f%% (%zu of %zu documented metrics "
                    "seen) |\n\n", cov * 100.0, c->seen, c->expected);
}

/* The run's facts as a list: a GitHub table needs a header row, and
 * these have none. */
static void md_header(pg_buf *b, const pg_report_run *run,
                      const pg__report_counts *c)
{
    char started[32];
    pg__report_time_iso(run->started, started);
    int failed = pg__report_run_failed(c);
    pg_buf_addf(b, "# promgate check: %s\n\n",
                failed ? "\xE2\x9C\x96 FAIL" : "\xE2\x9C\x94 PASS");
    pg_buf_adds(b, "- Golden: ");
    pg__report_md_code(b, run, run->golden_path ? run->golden_path : "(none)");
    const pg_golden *g = run->golden;
    if (g) {
        pg_buf_adds(b, " (");
        pg__report_md_text(b, run, g->kind ? g->kind : "unknown");
        pg_buf_adds(b, ", version ");
        pg__report_md_text(b, run, pg__report_golden_version(run));
        pg_buf_addf(b, ", %zu metrics)", g->nmetrics);
    }
    pg_buf_adds(b, "\n");
    for (size_t i = 0; g && i < g->nsources + 1; i++) {
        const pg_golden_source *src = i < g->nsources ? &g->sources[i]
                                                      : &g->overlay;
        if (!src->file)
            continue;
        pg_buf_adds(b, i < g->nsources ? "- Golden source: "
                                       : "- Golden overlay: ");
        pg__report_md_code(b, run, src->file);
        pg_buf_adds(b, " sha256 ");
        pg__report_md_code(b, run, src->sha256);
        pg_buf_adds(b, "\n");
    }
    pg_buf_adds(b, "- Baseline: ");
    if (run->baseline_path)
        pg__report_md_code(b, run, run->baseline_path);
    else
        pg_buf_adds(b, "none");
    pg_buf_addf(b, "\n- promgate: %s\n- Started: %s\n- Duration: %.3f s\n\n",
                PG_VERSION, started, run->seconds);
}

/* GitHub refuses a comment over 65 536 characters; rows stop short of
 * this many bytes (bytes >= characters), leaving room for the closing
 * lines, and the rest is counted. */
#define MD_LIMIT 60000

typedef struct md_budget {
    size_t omitted; /* rows left out for the size limit */
} md_budget;

static int md_is_pass(const pg_metric_result *m)
{
    return m->verdict == PG_VERDICT_PASS || m->verdict == PG_VERDICT_SKIP;
}

static void md_row(pg_buf *b, const pg_report_run *run,
                   const pg_metric_result *m, md_budget *bud)
{
    pg_buf row = PG_BUF_INIT;
    pg_buf_addf(&row, "| %s | ", verdict_label(m->verdict));
    pg__report_md_code(&row, run, m->metric);
    pg_buf_addf(&row, " | %s | ",
                pg__report_status_label(pg__report_status_of(m)));
    md_problems(&row, run, m);
    pg_buf_adds(&row, " | ");
    md_notes(&row, run, m);
    pg_buf_adds(&row, " |\n");
    if (b->len + row.len > MD_LIMIT)
        bud->omitted++;
    else
        pg_buf_add(b, row.p, row.len);
    pg_buf_release(&row);
}

/* The rows of target ti whose passing state is `passes`, as one table;
 * the number of rows of that kind. */
static size_t md_rows(pg_buf *b, const pg_report_run *run, size_t ti,
                      int passes, md_budget *bud)
{
    const pg_target_result *t = &run->targets[ti];
    size_t n, shown = 0;
    pg__report_row *rows = pg__report_rows(run, ti, &n);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].result == PG__ROW_TARGET)
            continue;
        const pg_metric_result *m = &t->results[rows[i].result];
        if (md_is_pass(m) != passes)
            continue;
        if (!shown++)
            pg_buf_adds(b, "| Verdict | Metric | Status | Problems | Notes |\n"
                           "|---|---|---|---|---|\n");
        md_row(b, run, m, bud);
    }
    free(rows);
    return shown;
}

static size_t md_count_passes(const pg_target_result *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nresults; i++)
        n += md_is_pass(&t->results[i]);
    return n;
}

/* "Negotiated: Accept ..., Content-Type ..., body ..." of a scrape. */
static void md_negotiation(pg_buf *b, const pg_report_run *run,
                           const pg_negotiation *n)
{
    if (!n->accept)
        return;
    pg_buf_adds(b, "Negotiated: Accept ");
    pg__report_md_code(b, run, n->accept);
    pg_buf_adds(b, ", Content-Type ");
    if (n->content_type && *n->content_type)
        pg__report_md_code(b, run, n->content_type);
    else
        pg_buf_adds(b, "none");
    if (n->body != PG_FORMAT_AUTO)
        pg_buf_addf(b, ", body %s", pg_format_name(n->body));
    pg_buf_adds(b, ".\n\n");
}

static void md_target(pg_buf *b, const pg_report_run *run, size_t ti,
                      md_budget *bud)
{
    const pg_target_result *t = &run->targets[ti];
    pg__report_counts c;
    memset(&c, 0, sizeof c);
    pg__report_count_target(run, t, &c);
    pg_buf_adds(b, "## Target ");
    pg__report_md_code(b, run, t->target);
    pg_buf_addf(b, ": %s\n\n", pg__report_run_failed(&c)
                                   ? "\xE2\x9C\x96 FAIL" : "\xE2\x9C\x94 PASS");
    if (t->error) {
        pg_buf_adds(b, "**Could not be read:** ");
        pg__report_md_text(b, run, t->error);
        pg_buf_adds(b, "\n\n");
    }
    pg_buf_addf(b, "Scrape: %llu bytes, %llu lines, %llu samples, %llu "
                "families, %llu parse errors, %llu parse warnings, "
                "%.3f s",
                (unsigned long long)t->stats.bytes,
                (unsigned long long)t->stats.lines,
                (unsigned long long)t->stats.samples,
                (unsigned long long)t->stats.families,
                (unsigned long long)t->stats.errors,
                (unsigned long long)t->stats.warnings, t->seconds);
    if (t->raw_path) {
        pg_buf_adds(b, "; raw scrape ");
        pg__report_md_code(b, run, t->raw_path);
    }
    pg_buf_adds(b, ".\n\n");
    md_negotiation(b, run, &t->negotiated);
    /* Failures (and accepted, warned) rows in the open; passes and skips
     * folded, so a pull-request comment shows what needs attention. */
    if (md_rows(b, run, ti, 0, bud))
        pg_buf_addc(b, '\n');
    size_t passes = md_count_passes(t);
    if (!passes)
        return;
    pg_buf_addf(b, "<details><summary>%zu passing or skipped result%s"
                "</summary>\n\n", passes, passes == 1 ? "" : "s");
    md_rows(b, run, ti, 1, bud);
    pg_buf_adds(b, "\n</details>\n\n");
}

char *pg_report_markdown(const pg_report_run *run)
{
    pg_buf b = PG_BUF_INIT;
    pg__report_counts c;
    md_budget bud = { 0 };
    pg__report_count_run(run, &c);
    md_header(&b, run, &c);
    md_summary(&b, &c);
    /* Failing targets first, like failing rows within a target. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < run->ntargets; i++) {
            pg__report_counts tc;
            memset(&tc, 0, sizeof tc);
            pg__report_count_target(run, &run->targets[i], &tc);
            if (pg__report_run_failed(&tc) == (pass == 0))
                md_target(&b, run, i, &bud);
        }
    if (bud.omitted)
        pg_buf_addf(&b, "**%zu more row%s not shown** (a comment holds at "
                    "most 65 536 characters): every row is in report.html "
                    "and report.json.\n", bud.omitted,
                    bud.omitted == 1 ? "" : "s");
    return pg_buf_detach(&b);
}
