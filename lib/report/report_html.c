/* report_html.c: one self-contained HTML file (inline CSS, a few lines of
 * plain JS for filtering, no network): verdict and summary on top, then
 * every result, failures first, in one filterable table. Status is told by
 * icon and word as well as colour, in the Okabe-Ito palette, so it reads
 * the same to colour-blind readers. Data attributes (id="summary"
 * data-*, rows' data-verdict/data-status) let tools read the page. */
#include <string.h>

#include "report/report_int.h"
#include "core/version.h"

static void h_text(pg_buf *b, const pg_report_run *run, const char *s)
{
    pg__report_add_xml_clean(b, run, s, 1);
}

/* s as code, or the word for its absence (none, nothing). */
static void h_code_or(pg_buf *b, const pg_report_run *run, const char *s,
                      const char *absent)
{
    if (s) {
        pg_buf_adds(b, "<code>");
        h_text(b, run, s);
        pg_buf_adds(b, "</code>");
    } else {
        pg_buf_adds(b, absent);
    }
}

/* A metric name that may break after each '_' on a narrow screen. */
static void h_metric(pg_buf *b, const pg_report_run *run, const char *s)
{
    pg_buf t = PG_BUF_INIT;
    h_text(&t, run, s);
    for (size_t i = 0; i < t.len; i++) {
        pg_buf_addc(b, t.p[i]);
        if (t.p[i] == '_' && i + 1 < t.len)
            pg_buf_adds(b, "<wbr>");
    }
    pg_buf_release(&t);
}

/* The row's id: target index and metric name, with every byte outside
 * [A-Za-z0-9_.:-] as '-', so a link can point at one row. */
static void h_row_id(pg_buf *b, size_t target, const char *metric)
{
    pg_buf_addf(b, "r%zu-", target);
    for (const char *p = metric ? metric : ""; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9') || strchr("_.:-", ch);
        pg_buf_addc(b, keep ? (char)ch : '-');
    }
}

/* The items of a list (pg__report_list) into item/len; 0 if there are
 * more than max (then it is shown whole). */
static size_t h_list_items(const char *s, int brackets, const char **item,
                           size_t *len, size_t max)
{
    pg__report_list l;
    size_t n = 0;
    pg__report_list_init(&l, s, brackets);
    while (n < max && pg__report_list_next(&l, &item[n], &len[n]))
        n++;
    return l.p < l.stop ? 0 : n;
}

/* A list with the items the other list lacks in <mark>, so the part of
 * a label set or bucket list that differs stands out. */
#define H_LIST_MAX 256
static void h_list_diff(pg_buf *b, const pg_report_run *run, const char *s,
                        const char *other, int brackets)
{
    const char *it[H_LIST_MAX], *ot[H_LIST_MAX];
    size_t il[H_LIST_MAX], ol[H_LIST_MAX];
    size_t n = h_list_items(s, brackets, it, il, H_LIST_MAX);
    size_t m = h_list_items(other, brackets, ot, ol, H_LIST_MAX);
    if (!n || !m) {
        h_code_or(b, run, s, "nothing");
        return;
    }
    pg__report_list l;
    pg__report_list_init(&l, s, brackets);
    pg_buf_adds(b, l.bracketed ? "<code>[" : "<code>");
    for (size_t i = 0; i < n; i++) {
        int shared = 0;
        for (size_t j = 0; j < m && !shared; j++)
            shared = il[i] == ol[j] && !memcmp(it[i], ot[j], il[i]);
        char *item = pg_xstrndup(it[i], il[i]);
        pg_buf_adds(b, i ? ", " : "");
        pg_buf_adds(b, shared ? "" : "<mark>");
        h_text(b, run, item);
        pg_buf_adds(b, shared ? "" : "</mark>");
        free(item);
    }
    pg_buf_adds(b, l.bracketed ? "]</code>" : "</code>");
}

/* expected/got of a problem; lists (label sets, buckets) with their
 * differing items marked. */
static void h_value(pg_buf *b, const pg_report_run *run, const pg_problem *p,
                    const char *s, const char *other)
{
    int labels = p->code == PG_PROBLEM_LABELS_MISSING ||
                 p->code == PG_PROBLEM_LABELS_EXTRA;
    if (s && other && (labels || p->code == PG_PROBLEM_BUCKETS))
        h_list_diff(b, run, s, other, p->code == PG_PROBLEM_BUCKETS);
    else
        h_code_or(b, run, s, "nothing");
}

static const char *const css =
    ":root{--fail:#D55E00;--todo:#CC79A7;--warn:#E69F00;--skip:#56B4E9;"
    "--pass:#009E73;--link:#0072B2;--fg:#1a1a1a;--muted:#555;--line:#ccc}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "color:var(--fg);background:#fff;margin:0 auto;max-width:1400px;"
    "padding:1rem 1.5rem}"
    "h1{font-size:1.5rem;margin:.2rem 0 .8rem}h2{font-size:1.2rem;"
    "margin:1.5rem 0 .5rem}"
    "code{font:13px/1.3 ui-monospace,'DejaVu Sans Mono',monospace;"
    "background:#f3f3f3;padding:0 .2em;border-radius:3px;"
    "overflow-wrap:anywhere}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;"
    "text-align:left;vertical-align:top}"
    "th{background:#f0f0f0;position:sticky;top:0}"
    "table.meta{width:auto}table.meta th{position:static;background:none;"
    "color:var(--muted);font-weight:600;padding-left:0}"
    ".badge{display:inline-block;white-space:nowrap;font-weight:700;"
    "padding:.05rem .45rem;border-radius:4px;border:2px solid;"
    "background:#fff}"
    ".v-fail .badge,.badge.v-fail{border-color:var(--fail);color:#9a3d00}"
    ".v-todo .badge,.badge.v-todo{border-color:var(--todo);color:#7d3c66}"
    ".v-warn .badge,.badge.v-warn{border-color:var(--warn);color:#7a5200}"
    ".v-skip .badge,.badge.v-skip{border-color:var(--skip);color:#1f5f85}"
    ".v-pass .badge,.badge.v-pass{border-color:var(--pass);color:#00664a}"
    "tr.v-fail{background:#fbe9df}tr.v-todo{background:#f8ecf3}"
    "tr.v-warn{background:#fdf3de}"
    "#cards{display:flex;flex-wrap:wrap;gap:.6rem;margin:.5rem 0}"
    ".card{border:2px solid var(--line);border-left-width:8px;"
    "border-radius:6px;padding:.4rem .8rem;min-width:9rem}"
    ".card b{display:block;font-size:1.6rem}"
    ".card.v-fail{border-left-color:var(--fail)}"
    ".card.v-todo{border-left-color:var(--todo)}"
    ".card.v-warn{border-left-color:var(--warn)}"
    ".card.v-skip{border-left-color:var(--skip)}"
    ".card.v-pass{border-left-color:var(--pass)}"
    ".card.v-zero{color:var(--muted)}"
    ".bar{height:.8rem;background:#eee;border:1px solid var(--line);"
    "max-width:30rem;border-radius:4px;overflow:hidden}"
    ".bar div{height:100%;background:var(--link)}"
    "#filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:center;"
    "margin:.5rem 0}#filters input[type=search]{font:inherit;"
    "padding:.3rem .5rem;min-width:min(22rem,100%)}"
    "ul.problems{margin:0;padding-left:1.1rem}.note{color:var(--muted)}"
    ".pos{color:var(--muted);white-space:nowrap}"
    "td.metric{min-width:12rem}body.single .tgt{display:none}"
    "a{color:var(--link)}a.anchor{text-decoration:none;margin-left:.3em;"
    "color:var(--muted)}mark{background:#ffe08a;color:inherit;"
    "outline:1px solid var(--warn)}"
    "button.card{font:inherit;text-align:left;background:#fff;"
    "cursor:pointer}button.card[aria-pressed=true]{outline:3px solid "
    "var(--link)}tr:target{outline:3px solid var(--link)}"
    /* Narrow screens (a phone): tables become one block per row, each
     * cell under its column's name, so the page never scrolls sideways. */
    "@media (max-width:700px){body{padding:.5rem .6rem}"
    "#filters input[type=search]{min-width:0;flex:1 1 10rem}"
    "table.rows,table.rows tbody,table.rows tr,table.rows td{display:block;"
    "width:auto}table.rows thead{display:none}"
    "table.rows tr{border:1px solid var(--line);border-radius:6px;"
    "margin:.5rem 0;padding:.2rem .4rem}"
    "table.rows td{border:0;padding:.15rem 0}"
    "table.rows td[data-label]::before{content:attr(data-label) ': ';"
    "font-weight:600;color:var(--muted)}td.metric{min-width:0}"
    ".card{min-width:6.5rem}}";

/* Filters rows by verdict checkboxes, free text and the summary card
 * pressed (one status at a time; pressing it again clears it); a link
 * ending in #q=TEXT opens the report filtered. Nothing else. */
static const char *const script =
    "(function(){var q=document.getElementById('q'),"
    "boxes=document.querySelectorAll('input.vf'),"
    "cards=document.querySelectorAll('button.card'),st='',"
    "rows=document.querySelectorAll('#results tbody tr'),"
    "shown=document.getElementById('shown');"
    "function apply(){var t=q.value.toLowerCase(),on={},n=0;"
    "boxes.forEach(function(b){on[b.value]=b.checked;});"
    "rows.forEach(function(r){var v=on[r.dataset.verdict]&&"
    "(!st||r.dataset.status===st)&&"
    "(!t||r.textContent.toLowerCase().indexOf(t)>=0);r.hidden=!v;"
    "if(v)n++;});shown.textContent=n+' of '+rows.length+' shown';"
    "cards.forEach(function(c){c.setAttribute('aria-pressed',"
    "String(!!st&&c.dataset.status===st));});}"
    "var h=location.hash.match(/^#q=(.*)$/);"
    "if(h)q.value=decodeURIComponent(h[1]);"
    "cards.forEach(function(c){c.addEventListener('click',function(){"
    "st=st===c.dataset.status?'':c.dataset.status;apply();});});"
    "q.addEventListener('input',apply);boxes.forEach(function(b){"
    "b.addEventListener('change',apply);});apply();})();";

static const char *verdict_class(enum pg_verdict v)
{
    return pg_verdict_name(v);
}

static const char *verdict_badge(enum pg_verdict v)
{
    switch (v) {
    case PG_VERDICT_FAIL: return "&#x2716; FAIL";
    case PG_VERDICT_TODO: return "&#x25D0; ACCEPTED";
    case PG_VERDICT_WARN: return "&#x26A0; WARN";
    case PG_VERDICT_SKIP: return "&#x25CB; SKIP";
    case PG_VERDICT_PASS: return "&#x2714; PASS";
    }
    return "FAIL";
}

/* A summary card; a button that shows only the rows of its status
 * (status NULL: a count with no rows of its own, e.g. warnings). */
static void h_card(pg_buf *b, const char *cls, const char *key, size_t n,
                   const char *label, const char *status)
{
    if (status)
        pg_buf_addf(b, "<button type=\"button\" class=\"card v-%s\" "
                    "data-count=\"%s\" data-status=\"%s\" "
                    "aria-pressed=\"false\"><b>%zu</b>%s</button>\n", cls, key,
                    status, n, label);
    else
        pg_buf_addf(b, "<div class=\"card v-%s\" data-count=\"%s\"><b>%zu"
                    "</b>%s</div>\n", cls, key, n, label);
}

static void h_summary(pg_buf *b, const pg__report_counts *c)
{
    double cov = pg__report_coverage(c);
    pg_buf_addf(b, "<section id=\"summary\" data-conformant=\"%zu\" "
                "data-missing=\"%zu\" data-changed=\"%zu\" "
                "data-undocumented=\"%zu\" data-skipped-conditional=\"%zu\" "
                "data-accepted-by-baseline=\"%zu\" data-format-errors=\"%zu\" "
                "data-unreadable=\"%zu\" data-failures=\"%zu\" "
                "data-warnings=\"%zu\" data-results=\"%zu\" "
                "data-documented-expected=\"%zu\" "
                "data-documented-seen=\"%zu\">\n<h2>Summary</h2>\n"
                "<div id=\"cards\">\n",
                c->conformant, c->missing, c->changed, c->undocumented,
                c->skipped, c->accepted, c->format_errors, c->unreadable,
                c->failures, c->warnings, c->rows, c->expected, c->seen);
    /* A card is coloured only when its count calls for attention; the
     * icon and the word say the same without colour. */
    h_card(b, c->missing ? "fail" : "zero", "missing", c->missing,
           "&#x2716; missing", pg__report_status_name(PG__ST_MISSING));
    h_card(b, c->changed ? "fail" : "zero", "changed", c->changed,
           "&#x2716; changed", pg__report_status_name(PG__ST_CHANGED));
    h_card(b, c->undocumented_failed ? "fail" : c->undocumented ? "warn"
                                                                : "zero",
           "undocumented", c->undocumented,
           c->undocumented_failed ? "&#x2716; undocumented"
                                  : "&#x26A0; undocumented",
           pg__report_status_name(PG__ST_UNDOCUMENTED));
    h_card(b, c->format_errors ? "fail" : "zero", "format-errors",
           c->format_errors, "&#x2716; format errors",
           pg__report_status_name(PG__ST_FORMAT_ERROR));
    if (c->unreadable)
        h_card(b, "fail", "unreadable", c->unreadable,
               "&#x2716; unreadable targets",
               pg__report_status_name(PG__ST_UNREADABLE));
    h_card(b, c->accepted ? "todo" : "zero", "accepted-by-baseline",
           c->accepted, "&#x25D0; accepted by baseline",
           pg__report_status_name(PG__ST_ACCEPTED));
    h_card(b, c->skipped ? "skip" : "zero", "skipped-conditional", c->skipped,
           "&#x25CB; skipped (conditional)",
           pg__report_status_name(PG__ST_SKIPPED));
    h_card(b, c->warnings ? "warn" : "zero", "warnings", c->warnings,
           "&#x26A0; warnings", NULL);
    h_card(b, c->conformant ? "pass" : "zero", "conformant", c->conformant,
           "&#x2714; conformant",
           pg__report_status_name(PG__ST_CONFORMANT));
    pg_buf_adds(b, "</div>\n");
    if (cov < 0) {
        pg_buf_adds(b, "<p id=\"coverage\" data-coverage=\"\">Coverage: no "
                       "documented metric expected</p>\n");
    } else {
        pg_buf_addf(b, "<p id=\"coverage\" data-coverage=\"%.4f\">Coverage: "
                    "<b>%.1f%%</b> (%zu of %zu documented metrics seen)</p>\n"
                    "<div class=\"bar\" role=\"img\" aria-label=\"coverage "
                    "%.1f%%\"><div style=\"width:%.1f%%\"></div></div>\n",
                    cov, cov * 100.0, c->seen, c->expected, cov * 100.0,
                    cov * 100.0);
    }
    pg_buf_adds(b, "</section>\n");
}

static void h_meta(pg_buf *b, const pg_report_run *run)
{
    char started[32];
    pg__report_time_iso(run->started, started);
    const pg_golden *g = run->golden;
    pg_buf_adds(b, "<table class=\"meta\">\n<tr><th>Golden</th><td><code>");
    h_text(b, run, run->golden_path ? run->golden_path : "(none)");
    pg_buf_adds(b, "</code>");
    if (g) {
        pg_buf_adds(b, " (");
        h_text(b, run, g->kind ? g->kind : "unknown");
        pg_buf_adds(b, ", version <span id=\"golden-version\">");
        h_text(b, run, pg__report_golden_version(run));
        pg_buf_addf(b, "</span>, %zu metric%s)", g->nmetrics,
                    g->nmetrics == 1 ? "" : "s");
    }
    pg_buf_adds(b, "</td></tr>\n");
    for (size_t i = 0; g && i < g->nsources + 1; i++) {
        const pg_golden_source *s = i < g->nsources ? &g->sources[i]
                                                    : &g->overlay;
        if (!s->file)
            continue;
        pg_buf_addf(b, "<tr><th>%s</th><td><code>",
                    i < g->nsources ? "Golden source" : "Golden overlay");
        h_text(b, run, s->file);
        pg_buf_adds(b, "</code> sha256 <code>");
        h_text(b, run, s->sha256 ? s->sha256 : "");
        pg_buf_adds(b, "</code></td></tr>\n");
    }
    pg_buf_adds(b, "<tr><th>Baseline</th><td>");
    h_code_or(b, run, run->baseline_path, "none");
    pg_buf_addf(b, "</td></tr>\n<tr><th>promgate</th><td id=\"pg-version\">"
                "%s</td></tr>\n<tr><th>Started</th><td><time>%s</time></td>"
                "</tr>\n<tr><th>Duration</th><td>%.3f s</td></tr>\n"
                "</table>\n", PG_VERSION, started, run->seconds);
}

/* The Negotiated cell: the Accept header sent, the Content-Type
 * returned and the format the body really is (data-body-format, empty
 * when unknown), or a dash for a target not fetched over HTTP. */
static void h_negotiation(pg_buf *b, const pg_report_run *run,
                          const pg_negotiation *n)
{
    if (!n->accept) {
        pg_buf_adds(b, "<td data-label=\"Negotiated\">&#x2014;</td>");
        return;
    }
    pg_buf_addf(b, "<td data-label=\"Negotiated\" class=\"negotiated\" "
                "data-body-format=\"%s\">Accept <code class=\"accept\">",
                n->body == PG_FORMAT_AUTO ? "" : pg_format_name(n->body));
    h_text(b, run, n->accept);
    pg_buf_adds(b, "</code><br>Content-Type ");
    h_code_or(b, run, n->content_type && *n->content_type ? n->content_type
                                                         : NULL, "none");
    if (n->body != PG_FORMAT_AUTO)
        pg_buf_addf(b, "<br>body %s", pg_format_name(n->body));
    pg_buf_adds(b, "</td>");
}

static void h_targets(pg_buf *b, const pg_report_run *run)
{
    pg_buf_adds(b, "<section id=\"targets\">\n<h2>Targets</h2>\n"
                   "<table class=\"rows\">\n"
                   "<thead><tr><th>Verdict</th><th>Target</th>"
                   "<th>Bytes</th><th>Samples</th><th>Families</th>"
                   "<th>Parse errors</th><th>Negotiated</th><th>Seconds</th>"
                   "<th>Raw scrape</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < run->ntargets; i++) {
        const pg_target_result *t = &run->targets[i];
        pg__report_counts c;
        memset(&c, 0, sizeof c);
        pg__report_count_target(run, t, &c);
        enum pg_verdict v = pg__report_run_failed(&c) ? PG_VERDICT_FAIL
                                                      : PG_VERDICT_PASS;
        pg_buf_addf(b, "<tr class=\"v-%s\" data-target-result=\"%s\"><td>"
                    "<span class=\"badge\">%s</span></td>"
                    "<td data-label=\"Target\"><code>",
                    verdict_class(v), verdict_class(v), verdict_badge(v));
        h_text(b, run, t->target);
        pg_buf_adds(b, "</code>");
        if (t->error) {
            pg_buf_adds(b, "<br>could not be read: ");
            h_text(b, run, t->error);
        }
        pg_buf_addf(b, "</td><td data-label=\"Bytes\">%llu</td>"
                    "<td data-label=\"Samples\">%llu</td>"
                    "<td data-label=\"Families\">%llu</td>"
                    "<td data-label=\"Parse errors\">%llu</td>",
                    (unsigned long long)t->stats.bytes,
                    (unsigned long long)t->stats.samples,
                    (unsigned long long)t->stats.families,
                    (unsigned long long)t->stats.errors);
        h_negotiation(b, run, &t->negotiated);
        pg_buf_addf(b, "<td data-label=\"Seconds\">%.3f</td>"
                    "<td data-label=\"Raw scrape\">", t->seconds);
        if (t->raw_path) {
            /* A relative file name next to the report is a link. */
            int local = !strchr(t->raw_path, '/') && !strchr(t->raw_path, ':');
            if (local) {
                pg_buf_adds(b, "<a href=\"");
                h_text(b, run, t->raw_path);
                pg_buf_adds(b, "\">");
            }
            pg_buf_adds(b, "<code>");
            h_text(b, run, t->raw_path);
            pg_buf_adds(b, local ? "</code></a>" : "</code>");
        }
        pg_buf_adds(b, "</td></tr>\n");
    }
    pg_buf_adds(b, "</tbody>\n</table>\n</section>\n");
}

static void h_problems(pg_buf *b, const pg_report_run *run,
                       const pg_metric_result *m)
{
    if (!m->nproblems) {
        pg_buf_adds(b, "&#x2014;");
        return;
    }
    pg_buf_adds(b, "<ul class=\"problems\">");
    for (size_t i = 0; i < m->nproblems; i++) {
        const pg_problem *p = &m->problems[i];
        pg_buf_addf(b, "<li class=\"%s\" data-code=\"%s\">",
                    p->failure ? "failure" : "note",
                    pg_problem_code_name(p->code));
        if (!p->failure)
            pg_buf_adds(b, "(note) ");
        h_text(b, run, p->message);
        if (p->expected || p->got) {
            pg_buf_adds(b, "<br>expected ");
            h_value(b, run, p, p->expected, p->got);
            pg_buf_adds(b, ", got ");
            h_value(b, run, p, p->got, p->expected);
        }
        if (p->line > 0) {
            pg_buf_adds(b, " <span class=\"pos\">at ");
            pg__report_add_pos(b, p->line, p->column);
            pg_buf_adds(b, "</span>");
        }
        pg_buf_adds(b, "</li>");
    }
    pg_buf_adds(b, "</ul>");
}

static void h_notes(pg_buf *b, const pg_report_run *run,
                    const pg_metric_result *m)
{
    int any = 0;
    if (m->rename_hint) {
        pg_buf_adds(b, "<span class=\"hint\">renamed? <code>");
        h_text(b, run, m->rename_hint);
        pg_buf_adds(b, "</code></span>");
        any = 1;
    }
    if (m->condition) {
        pg_buf_adds(b, any ? "<br>" : "");
        pg_buf_adds(b, "condition: ");
        h_text(b, run, m->condition);
        any = 1;
    }
    if (m->baseline_reason) {
        pg_buf_adds(b, any ? "<br>" : "");
        pg_buf_adds(b, "baseline: ");
        h_text(b, run, m->baseline_reason);
        any = 1;
    }
    if (!any)
        pg_buf_adds(b, "&#x2014;");
}

static void h_rows(pg_buf *b, const pg_report_run *run)
{
    pg_buf_adds(b, "<section id=\"results-section\">\n<h2>Results</h2>\n");
    pg__report_html_filters(b, 0);
    pg_buf_adds(b, "<table id=\"results\" class=\"rows\">"
                   "\n<thead><tr><th>Verdict</th><th class=\"tgt\">Target</th>"
                   "<th>Metric</th><th>Status</th><th>Problems</th>"
                   "<th>Notes</th></tr></thead>\n<tbody>\n");
    size_t n;
    pg__report_row *rows = pg__report_rows(run, PG__ROW_TARGET, &n);
    for (size_t i = 0; i < n; i++) {
        const pg_target_result *t = &run->targets[rows[i].target];
        if (rows[i].result == PG__ROW_TARGET) {
            pg_buf_adds(b, "<tr id=\"");
            h_row_id(b, rows[i].target, "unreadable");
            pg_buf_adds(b, "\" class=\"v-fail\" data-verdict=\"fail\" "
                           "data-status=\"unreadable\"><td><span "
                           "class=\"badge\">&#x2716; FAIL</span></td>"
                           "<td class=\"tgt\" data-label=\"Target\"><code>");
            h_text(b, run, t->target);
            pg_buf_adds(b, "</code></td><td class=\"metric\">&#x2014;</td>"
                           "<td data-label=\"Status\">unreadable</td>"
                           "<td data-label=\"Problems\">");
            h_text(b, run, t->error);
            pg_buf_adds(b, "</td><td data-label=\"Notes\">&#x2014;</td>"
                           "</tr>\n");
            continue;
        }
        const pg_metric_result *m = &t->results[rows[i].result];
        enum pg__report_status st = pg__report_status_of(m);
        pg_buf_adds(b, "<tr id=\"");
        h_row_id(b, rows[i].target, m->metric);
        pg_buf_addf(b, "\" class=\"v-%s\" data-verdict=\"%s\" "
                    "data-status=\"%s\" data-kind=\"%s\"><td><span "
                    "class=\"badge\">%s</span></td><td class=\"tgt\" "
                    "data-label=\"Target\"><code>",
                    verdict_class(m->verdict), verdict_class(m->verdict),
                    pg__report_status_name(st),
                    pg_result_kind_name(m->kind),
                    verdict_badge(m->verdict));
        h_text(b, run, t->target);
        pg_buf_adds(b, "</code></td><td class=\"metric\"><code>");
        h_metric(b, run, m->metric);
        pg_buf_adds(b, "</code><a class=\"anchor\" href=\"#");
        h_row_id(b, rows[i].target, m->metric);
        pg_buf_addf(b, "\" aria-label=\"link to this row\">#</a></td>"
                    "<td data-label=\"Status\">%s</td>"
                    "<td data-label=\"Problems\">",
                    pg__report_status_label(st));
        h_problems(b, run, m);
        pg_buf_adds(b, "</td><td data-label=\"Notes\">");
        h_notes(b, run, m);
        pg_buf_adds(b, "</td></tr>\n");
    }
    free(rows);
    pg_buf_adds(b, "</tbody>\n</table>\n</section>\n");
}

void pg__report_html_head(pg_buf *b, const char *title, int failed,
                          int single)
{
    /* The CSP forbids every fetch: the page works offline and a hostile
     * string that slipped through escaping still could not load code. */
    pg_buf_addf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" "
                "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                "script-src 'unsafe-inline'\">\n<meta name=\"generator\" "
                "content=\"promgate %s\">\n<title>%s: %s</title>"
                "\n<style>%s</style>\n</head>\n<body%s>\n<header>\n<h1><span "
                "id=\"result\" data-result=\"%s\" class=\"badge v-%s\">%s"
                "</span> %s</h1>\n",
                PG_VERSION, title, failed ? "FAIL" : "PASS", css,
                single ? " class=\"single\"" : "",
                failed ? "fail" : "pass", failed ? "fail" : "pass",
                failed ? "&#x2716; FAIL" : "&#x2714; PASS", title);
}

void pg__report_html_tail(pg_buf *b)
{
    pg_buf_addf(b, "</main>\n<script>%s</script>\n</body>\n</html>\n",
                script);
}

void pg__report_html_filters(pg_buf *b, int diff)
{
    static const struct {
        const char *v, *label;
    } filters[] = {
        { "fail", "&#x2716; fail" }, { "todo", "&#x25D0; accepted" },
        { "warn", "&#x26A0; warn" }, { "skip", "&#x25CB; skip" },
        { "pass", "&#x2714; pass" },
    };
    pg_buf_adds(b, "<div id=\"filters\"><input id=\"q\" type=\"search\" "
                   "placeholder=\"filter by metric, message, label\" "
                   "aria-label=\"filter results\">");
    for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
        /* A diff has no accepted or skipped rows. */
        if (diff && (i == 1 || i == 3))
            continue;
        pg_buf_addf(b, "<label><input type=\"checkbox\" class=\"vf\" "
                    "value=\"%s\" checked> %s</label>", filters[i].v,
                    filters[i].label);
    }
    pg_buf_adds(b, "<span id=\"shown\"></span></div>\n");
}

char *pg_report_html(const pg_report_run *run)
{
    pg_buf b = PG_BUF_INIT;
    pg__report_counts c;
    pg__report_count_run(run, &c);
    pg__report_html_head(&b, "promgate check", pg__report_run_failed(&c),
                         run->ntargets == 1);
    h_meta(&b, run);
    pg_buf_adds(&b, "</header>\n<main>\n");
    h_summary(&b, &c);
    h_targets(&b, run);
    h_rows(&b, run);
    pg__report_html_tail(&b);
    return pg_buf_detach(&b);
}
