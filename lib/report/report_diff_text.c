/* report_diff_text.c: the text and Markdown that `promgate diff` prints:
 * one section per kind of difference, one line per metric, in the
 * phrases of report_diff_phrases.c; and the choice of stdout's format. */
#include <string.h>

#include "report/report_int.h"
#include "core/num.h"
#include "specs/errata.h"

/* ---- stdout: text and Markdown ------------------------------------------ */

/* How one of the two stdout formats spells the same list. */
typedef struct text_style {
    int md;
    const char *name_quote;    /* around metric names */
    const char *label_quote;   /* around label names in change lines */
} text_style;

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static const char *version_of(const pg_golden *g)
{
    return g->version ? g->version : "";
}

static void add_header(pg_buf *b, const pg_diff *d, const text_style *st)
{
    const pg_golden *o = d->old_g, *n = d->new_g;
    if (!st->md) {
        pg_buf_addf(b, "--- %s%s%s (%zu metric%s)\n"
                       "+++ %s%s%s (%zu metric%s)\n",
                    d->old_source, o->version ? " " : "", version_of(o),
                    o->nmetrics, plural(o->nmetrics), d->new_source,
                    n->version ? " " : "", version_of(n), n->nmetrics,
                    plural(n->nmetrics));
        return;
    }
    pg_buf_addf(b, "# Metrics diff\n\n- old: `%s` %s (%zu metric%s)\n"
                   "- new: `%s` %s (%zu metric%s)\n\n",
                d->old_source, version_of(o), o->nmetrics,
                plural(o->nmetrics), d->new_source, version_of(n),
                n->nmetrics, plural(n->nmetrics));
    pg_buf_addf(b, "| added | removed | renamed | changed |\n"
                   "|------:|--------:|--------:|--------:|\n"
                   "| %zu | %zu | %zu | %zu |\n",
                d->nadded, d->nremoved, d->nrenamed, d->nchanged);
}

/* "name (type; labels a, b)": an added or removed metric. */
static void add_metric_brief(pg_buf *b, const pg_golden_metric *m,
                             const text_style *st)
{
    const char *q = st->name_quote;
    pg_buf_addf(b, "%s%s%s (%s", q, m->name, q, pg_type_name(m->type));
    if (m->nlabels) {
        pg_buf_adds(b, "; labels ");
        pg__report_diff_labels(b, m->labels, m->nlabels, q);
    }
    pg_buf_addc(b, ')');
}

static void add_served_note(pg_buf *b, const pg_diff_entry *e)
{
    const char *note = pg__report_diff_served_note(e);
    if (note)
        pg_buf_addf(b, ": %s", note);
}

static void line_added(pg_buf *b, const pg_diff_entry *e,
                       const text_style *st)
{
    add_metric_brief(b, e->new_m, st);
    add_served_note(b, e);
}

static void line_removed(pg_buf *b, const pg_diff_entry *e,
                         const text_style *st)
{
    add_metric_brief(b, e->old_m, st);
    add_served_note(b, e);
}

static void line_renamed(pg_buf *b, const pg_diff_entry *e,
                         const text_style *st)
{
    const char *q = st->name_quote;
    pg_buf_addf(b, "%s%s%s -> %s%s%s (%s)", q, e->old_m->name, q, q,
                e->new_m->name, q, e->rename_reason);
    if (e->what) {
        pg_buf_adds(b, ": ");
        pg__report_diff_changes(b, e, st->label_quote);
    }
}

static void line_changed(pg_buf *b, const pg_diff_entry *e,
                         const text_style *st)
{
    const char *q = st->name_quote;
    pg_buf_addf(b, "%s%s%s: ", q, e->new_m->name, q);
    pg__report_diff_changes(b, e, st->label_quote);
}

static void line_corrected(pg_buf *b, const pg_diff_entry *e,
                           const text_style *st)
{
    const char *q = st->name_quote;
    pg_buf_addf(b, "%s%s%s: ", q, e->old_m->name, q);
    pg__report_diff_correction(b, e);
}

/* One section: a heading with the count, then a line per entry. */
typedef struct section {
    const char *title;     /* before the count */
    const char *after;     /* after the count */
    const char *mark;      /* a text line's start; Markdown uses "- " */
    void (*line)(pg_buf *b, const pg_diff_entry *e, const text_style *st);
} section;

static void add_section(pg_buf *b, const section *s, const pg_diff_entry *v,
                        size_t n, const text_style *st)
{
    if (!n)
        return;
    pg_buf_addf(b, "%s%s (%zu)%s%s\n", st->md ? "\n## " : "\n", s->title, n,
                s->after, st->md ? "\n" : ":");
    for (size_t i = 0; i < n; i++) {
        pg_buf_adds(b, st->md ? "- " : s->mark);
        s->line(b, &v[i], st);
        pg_buf_addc(b, '\n');
    }
}

static void add_sections(pg_buf *b, const pg_diff *d, const text_style *st)
{
    static const section added = { "added", "", "  + ", line_added },
        removed = { "removed", "", "  - ", line_removed },
        renamed = { "renamed", "", "  ~ ", line_renamed },
        changed = { "changed", "", "  * ", line_changed },
        corrected = { "docs corrections",
                      ": the code is the same, the docs changed", "  = ",
                      line_corrected };
    add_section(b, &added, d->added, d->nadded, st);
    add_section(b, &removed, d->removed, d->nremoved, st);
    add_section(b, &renamed, d->renamed, d->nrenamed, st);
    add_section(b, &changed, d->changed, d->nchanged, st);
    add_section(b, &corrected, d->corrected, d->ncorrected, st);
}

static void add_footer(pg_buf *b, const pg_diff *d, const text_style *st)
{
    if (pg_diff_is_empty(d))
        pg_buf_adds(b, st->md ? "\nNo differences.\n" : "no differences\n");
    else if (!st->md)
        pg_buf_addf(b, "\n%zu added, %zu removed, %zu renamed, %zu changed\n",
                    d->nadded, d->nremoved, d->nrenamed, d->nchanged);
    if (!st->md && d->ncorrected)
        pg_buf_addf(b, "%zu docs correction%s (not release changes)\n",
                    d->ncorrected, plural(d->ncorrected));
}

char *pg__report_diff_text(const pg_diff *d, int md)
{
    static const text_style text = { 0, "", "'" }, markdown = { 1, "`", "`" };
    const text_style *st = md ? &markdown : &text;
    pg_buf b = PG_BUF_INIT;
    add_header(&b, d, st);
    add_sections(&b, d, st);
    add_footer(&b, d, st);
    return pg_buf_detach(&b);
}

char *pg_report_diff_stdout(const pg_diff *d, enum pg_report_diff_format f)
{
    switch (f) {
    case PG_REPORT_DIFF_JSON:
        return pg__report_diff_stdout_json(d);
    case PG_REPORT_DIFF_MARKDOWN:
        return pg__report_diff_text(d, 1);
    case PG_REPORT_DIFF_TEXT:
    default:
        return pg__report_diff_text(d, 0);
    }
}
