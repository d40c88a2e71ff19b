/* report_diff.c: reports of a release diff (promgate diff --report-dir):
 * the same formats and directory layout as a check report (the rows in
 * report_diff_rows.c, JSON in report_diff_json.c, the shared phrases in
 * report_diff_phrases.c). A row is
 * a metric: removed, renamed and type/label/bucket changes break
 * dashboards and alerts, so they fail and come first; HELP, condition and
 * native-histogram changes, added metrics and docs corrections (the code
 * the same, the docs changed) are notes; unchanged metrics pass. */
#include <string.h>
#include <sys/stat.h>

#include "report/report_int.h"
#include "core/version.h"

/* "histogram; labels a, b; buckets [0.1,1]; condition X". New. */
static char *metric_desc(const pg_golden_metric *m)
{
    if (!m)
        return NULL;
    pg_buf b = PG_BUF_INIT;
    pg_buf_adds(&b, pg_type_name(m->type));
    pg_buf_adds(&b, "; labels ");
    if (m->nlabels)
        pg__report_diff_labels(&b, m->labels, m->nlabels, "");
    else
        pg_buf_adds(&b, "none");
    if (m->type == PG_TYPE_HISTOGRAM || m->type == PG_TYPE_GAUGEHISTOGRAM) {
        pg_buf_adds(&b, "; buckets ");
        pg__report_diff_bounds(&b, m);
    }
    if (m->condition) {
        pg_buf_adds(&b, "; condition ");
        pg_buf_adds(&b, m->condition);
    }
    return pg_buf_detach(&b);
}

/* Writes a text cell, escaped for the format (Markdown or HTML). */
typedef void (*cell_fn)(pg_buf *b, const pg_report_run *run, const char *s);

/* The Old, New and Details cells of a row, separated by sep: the same
 * three texts in the Markdown and the HTML table. */
static void add_desc_cells(pg_buf *b, const pg_report_run *run,
                           const pg__drow *w, cell_fn cell, const char *sep)
{
    char *od = metric_desc(w->old_m), *nd = metric_desc(w->new_m);
    char *details = pg__report_drow_details(w);
    cell(b, run, od ? od : "\xE2\x80\x94"); /* em dash */
    pg_buf_adds(b, sep);
    cell(b, run, nd ? nd : "\xE2\x80\x94");
    pg_buf_adds(b, sep);
    cell(b, run, details);
    free(od);
    free(nd);
    free(details);
}


/* ---- Markdown ----------------------------------------------------------- */

static const char *verdict_md(enum pg_verdict v)
{
    return v == PG_VERDICT_FAIL ? "\xE2\x9C\x96 BREAKING"
         : v == PG_VERDICT_WARN ? "\xE2\x9A\xA0 NOTE" : "\xE2\x9C\x94 SAME";
}

/* " (kind, version V, N metrics)" after a side's source, in either
 * format. */
static void add_side_desc(pg_buf *b, const pg_report_run *run,
                          const pg_golden *g, cell_fn cell)
{
    pg_buf_adds(b, " (");
    cell(b, run, g->kind ? g->kind : "unknown");
    pg_buf_adds(b, ", version ");
    cell(b, run, g->version ? g->version : "unknown");
    pg_buf_addf(b, ", %zu metric%s)", g->nmetrics,
                g->nmetrics == 1 ? "" : "s");
}

static void md_side(pg_buf *b, const pg_report_run *run, const char *label,
                    const char *source, const pg_golden *g)
{
    pg_buf_addf(b, "| %s | ", label);
    pg__report_md_code(b, run, source);
    add_side_desc(b, run, g, pg__report_md_text);
    pg_buf_adds(b, " |\n");
}

char *pg_report_diff_markdown(const pg_report_diff *r)
{
    const pg_diff *d = r->diff;
    pg__dview v;
    pg__report_dview_init(&v, r);
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "# promgate diff: %s\n\n| | |\n|---|---|\n",
                v.c.breaking ? "\xE2\x9C\x96 BREAKING CHANGES"
                : pg_diff_is_empty(d) ? "\xE2\x9C\x94 EQUAL"
                                      : "\xE2\x9A\xA0 CHANGED");
    md_side(&b, &v.run, "Old", d->old_source, d->old_g);
    md_side(&b, &v.run, "New", d->new_source, d->new_g);
    pg_buf_addf(&b, "| promgate | %s |\n| Started | %s |\n"
                "| Duration | %.3f s |\n\n", PG_VERSION, v.started,
                r->seconds);
    pg_buf_addf(&b, "## Summary\n\n| Change | Count |\n|---|---:|\n"
                "| removed | %zu |\n| renamed | %zu |\n| changed | %zu |\n"
                "| added | %zu |\n| docs corrections | %zu |\n"
                "| unchanged | %zu |\n"
                "| breaking | %zu |\n\n",
                v.c.removed, v.c.renamed, v.c.changed, v.c.added,
                v.c.corrected, v.c.unchanged, v.c.breaking);
    if (v.c.breaking + v.c.notes) {
        pg_buf_adds(&b, "## Differences\n\n| Verdict | Change | Metric | Old "
                        "| New | Details |\n|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < v.n; i++) {
            const pg__drow *w = &v.rows[i];
            if (w->kind == PG__D_UNCHANGED)
                continue;
            pg_buf_addf(&b, "| %s | %s | ", verdict_md(w->verdict),
                        pg__report_drow_kind(w->kind));
            pg__report_md_code(&b, &v.run, pg__report_drow_name(w));
            pg_buf_adds(&b, " | ");
            add_desc_cells(&b, &v.run, w, pg__report_md_text, " | ");
            pg_buf_adds(&b, " |\n");
        }
        pg_buf_addc(&b, '\n');
    }
    pg_buf_addf(&b, "%zu metric%s unchanged.\n", v.c.unchanged,
                v.c.unchanged == 1 ? "" : "s");
    pg__report_dview_release(&v);
    return pg_buf_detach(&b);
}

/* ---- HTML --------------------------------------------------------------- */

static void h_text(pg_buf *b, const pg_report_run *run, const char *s)
{
    pg__report_add_xml_clean(b, run, s, 1);
}

static void h_side(pg_buf *b, const pg_report_run *run, const char *label,
                   const char *source, const pg_golden *g)
{
    pg_buf_addf(b, "<tr><th>%s</th><td><code>", label);
    h_text(b, run, source);
    pg_buf_adds(b, "</code>");
    add_side_desc(b, run, g, h_text);
    pg_buf_adds(b, "</td></tr>\n");
}

static void h_card(pg_buf *b, const char *cls, const char *key, size_t n,
                   const char *label)
{
    pg_buf_addf(b, "<div class=\"card v-%s\" data-count=\"%s\"><b>%zu</b>"
                "%s</div>\n", n ? cls : "zero", key, n, label);
}

char *pg_report_diff_html(const pg_report_diff *r)
{
    const pg_diff *d = r->diff;
    pg__dview v;
    pg__report_dview_init(&v, r);
    pg_buf b = PG_BUF_INIT;
    pg__report_html_head(&b, "promgate diff", v.c.breaking > 0, 1);
    pg_buf_adds(&b, "<table class=\"meta\">\n");
    h_side(&b, &v.run, "Old", d->old_source, d->old_g);
    h_side(&b, &v.run, "New", d->new_source, d->new_g);
    pg_buf_addf(&b, "<tr><th>promgate</th><td id=\"pg-version\">%s</td></tr>"
                "\n<tr><th>Started</th><td><time>%s</time></td></tr>\n"
                "<tr><th>Duration</th><td>%.3f s</td></tr>\n</table>\n"
                "</header>\n<main>\n", PG_VERSION, v.started, r->seconds);
    pg_buf_addf(&b, "<section id=\"summary\" data-removed=\"%zu\" "
                "data-renamed=\"%zu\" data-changed=\"%zu\" data-added=\"%zu\" "
                "data-corrected=\"%zu\" data-unchanged=\"%zu\" "
                "data-breaking=\"%zu\" data-notes=\"%zu\">\n"
                "<h2>Summary</h2>\n<div id=\"cards\">\n",
                v.c.removed, v.c.renamed, v.c.changed, v.c.added,
                v.c.corrected, v.c.unchanged, v.c.breaking, v.c.notes);
    h_card(&b, "fail", "removed", v.c.removed, "&#x2716; removed");
    h_card(&b, "fail", "renamed", v.c.renamed, "&#x2716; renamed");
    h_card(&b, v.c.breaking > v.c.removed + v.c.renamed ? "fail" : "warn",
           "changed", v.c.changed, "&#x25B3; changed");
    h_card(&b, "warn", "added", v.c.added, "&#x26A0; added");
    h_card(&b, "warn", "corrected", v.c.corrected,
           "&#x26A0; docs corrections");
    h_card(&b, "pass", "unchanged", v.c.unchanged, "&#x2714; unchanged");
    pg_buf_adds(&b, "</div>\n</section>\n<section id=\"results-section\">\n"
                    "<h2>Metrics</h2>\n");
    pg__report_html_filters(&b, 1);
    pg_buf_adds(&b, "<table id=\"results\">\n<thead><tr><th>Verdict</th>"
                    "<th>Change</th><th>Metric</th><th>Old</th><th>New</th>"
                    "<th>Details</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < v.n; i++) {
        const pg__drow *w = &v.rows[i];
        const char *vn = pg_verdict_name(w->verdict);
        pg_buf_addf(&b, "<tr class=\"v-%s\" data-verdict=\"%s\" "
                    "data-change=\"%s\"><td><span class=\"badge\">%s</span>"
                    "</td><td>%s</td><td class=\"metric\"><code>", vn, vn,
                    pg__report_drow_kind(w->kind),
                    w->verdict == PG_VERDICT_FAIL ? "&#x2716; BREAKING"
                    : w->verdict == PG_VERDICT_WARN ? "&#x26A0; NOTE"
                                                    : "&#x2714; SAME",
                    pg__report_drow_kind(w->kind));
        h_text(&b, &v.run, pg__report_drow_name(w));
        if (w->kind == PG__D_RENAMED) {
            pg_buf_adds(&b, "</code> &#x2192; <code>");
            h_text(&b, &v.run, w->new_m->name);
        }
        pg_buf_adds(&b, "</code></td><td>");
        add_desc_cells(&b, &v.run, w, h_text, "</td><td>");
        pg_buf_adds(&b, "</td></tr>\n");
    }
    pg_buf_adds(&b, "</tbody>\n</table>\n</section>\n");
    pg__report_html_tail(&b);
    pg__report_dview_release(&v);
    return pg_buf_detach(&b);
}

/* ---- JUnit -------------------------------------------------------------- */

#define x_text pg__report_add_xml_clean

char *pg_report_diff_junit(const pg_report_diff *r)
{
    const pg_diff *d = r->diff;
    pg__dview v;
    pg__report_dview_init(&v, r);
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<testsuites name=\"promgate diff\" tests=\"%zu\" "
                "failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\" "
                "timestamp=\"%s\">\n  <testsuite name=\"", v.n, v.c.breaking,
                r->seconds, v.started);
    x_text(&b, &v.run, d->old_source, 1);
    pg_buf_adds(&b, " -> ");
    x_text(&b, &v.run, d->new_source, 1);
    pg_buf_addf(&b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
                "skipped=\"0\" time=\"%.3f\" timestamp=\"%s\">\n"
                "    <properties>\n      <property name=\"old_version\" "
                "value=\"", v.n, v.c.breaking, r->seconds, v.started);
    x_text(&b, &v.run, d->old_g->version ? d->old_g->version : "unknown", 1);
    pg_buf_adds(&b, "\"/>\n      <property name=\"new_version\" value=\"");
    x_text(&b, &v.run, d->new_g->version ? d->new_g->version : "unknown", 1);
    pg_buf_addf(&b, "\"/>\n      <property name=\"promgate_version\" "
                "value=\"%s\"/>\n    </properties>\n", PG_VERSION);
    for (size_t i = 0; i < v.n; i++) {
        const pg__drow *w = &v.rows[i];
        pg_buf_addf(&b, "    <testcase classname=\"diff.%s\" name=\"",
                    pg__report_drow_kind(w->kind));
        x_text(&b, &v.run, pg__report_drow_name(w), 1);
        pg_buf_adds(&b, "\" time=\"0\"");
        if (w->verdict == PG_VERDICT_PASS) {
            pg_buf_adds(&b, "/>\n");
            continue;
        }
        char *details = pg__report_drow_details(w);
        char *od = metric_desc(w->old_m), *nd = metric_desc(w->new_m);
        if (w->verdict == PG_VERDICT_FAIL) {
            pg_buf_adds(&b, ">\n      <failure message=\"");
            x_text(&b, &v.run, details, 1);
            pg_buf_addf(&b, "\" type=\"%s\">", pg__report_drow_kind(w->kind));
        } else {
            pg_buf_adds(&b, ">\n      <system-out>");
        }
        pg_buf_adds(&b, "old: ");
        x_text(&b, &v.run, od ? od : "none", 0);
        pg_buf_adds(&b, "\nnew: ");
        x_text(&b, &v.run, nd ? nd : "none", 0);
        pg_buf_adds(&b, "\n");
        x_text(&b, &v.run, details, 0);
        pg_buf_addf(&b, "\n</%s>\n    </testcase>\n",
                    w->verdict == PG_VERDICT_FAIL ? "failure" : "system-out");
        free(details);
        free(od);
        free(nd);
    }
    pg_buf_adds(&b, "  </testsuite>\n</testsuites>\n");
    pg__report_dview_release(&v);
    return pg_buf_detach(&b);
}

/* ---- directory ---------------------------------------------------------- */

static int regular_file(const char *p)
{
    struct stat st;
    return p && !strstr(p, "://") && strcmp(p, "-") != 0 &&
           stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int fill_diff(const char *tmp, void *ctx, pg_error *err)
{
    const pg_report_diff *r = ctx;
    const pg_diff *d = r->diff;
    pg_report_run run = pg__report_diff_secrets_run(r);
    const char *sources[2] = { d->old_source, d->new_source };
    const pg_golden *goldens[2] = { d->old_g, d->new_g };
    static const char *const side[2] = { "old", "new" };
    pg_buf name = PG_BUF_INIT;
    int rc = -1;
    for (int i = 0; i < 2; i++) {
        name.len = 0;
        pg_buf_addf(&name, "%s.golden.json", side[i]);
        char *g = pg_golden_dumps(goldens[i]);
        pg_buf gb = PG_BUF_INIT;
        pg_buf_adds(&gb, g);
        free(g);
        pg__report_scrub_secrets(&run, &gb);
        int w = pg__report_put(tmp, name.p, gb.p, gb.len, err);
        pg_buf_release(&gb);
        if (w)
            goto out;
        if (regular_file(sources[i])) {
            const char *base = strrchr(sources[i], '/');
            base = base ? base + 1 : sources[i];
            name.len = 0;
            pg_buf_addf(&name, "%s-%s", side[i], base);
            if (pg__report_copy(&run, tmp, name.p, sources[i], 0, err))
                goto out;
        }
    }
    if (pg__report_put_str(tmp, "junit.xml", pg_report_diff_junit(r), err) ||
        pg__report_put_str(tmp, "report.md", pg_report_diff_markdown(r),
                           err) ||
        pg__report_put_str(tmp, "report.json", pg_report_diff_json(r), err) ||
        pg__report_put_str(tmp, "report.html", pg_report_diff_html(r), err))
        goto out;
    rc = 0;
out:
    pg_buf_release(&name);
    return rc;
}

int pg_report_write_diff(const pg_report_place *where,
                         const pg_report_diff *r, char **out_dir,
                         pg_error *err)
{
    char *s = pg__report_slug(r->diff->new_source);
    pg_buf slug = PG_BUF_INIT;
    pg_buf_addf(&slug, "diff-%s", s);
    free(s);
    int rc = pg__report_dir_commit(where, slug.p, r->started, fill_diff,
                                   (void *)r, out_dir, err);
    pg_buf_release(&slug);
    return rc;
}
