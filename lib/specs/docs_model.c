/* docs_model.c: the golden being built from docs pages. Every shape
 * reader hands what it found to docs_add(), which merges a metric
 * documented twice into one entry (or fails when the two cannot be one),
 * and lints its name; messages name the file, line and column a metric
 * came from. The bottom of the docs readers: it calls none of them. */
#include "specs/docs_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ----------------------------------------------------------- */

const char *docs_file(const docs_reader *R, int file)
{
    if (file < 0 || (size_t)file >= R->nfiles)
        return R->opts && R->opts->source ? R->opts->source : "<docs>";
    return R->files[file];
}

void docs_warn(docs_reader *R, const char *rule, const docs_line *ln,
               int column, const char *fmt, ...)
{
    if (!R->opts || !R->opts->warn)
        return;
    va_list ap;
    va_start(ap, fmt);
    pg_golden_vwarn(R->opts->warn, R->opts->warn_ctx, rule,
                    docs_file(R, ln ? ln->file : -1), ln ? ln->lineno : 0,
                    column, fmt, ap);
    va_end(ap);
}

int docs_fail(docs_reader *R, const docs_line *ln, int column, const char *fmt,
              ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(R->err, docs_file(R, ln ? ln->file : -1),
                  ln ? ln->lineno : 0, column, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- lint --------------------------------------------------------------- */

static void lint_name(docs_reader *R, const pg_golden_metric *m,
                      const docs_line *ln, int column)
{
    size_t n = strlen(m->name), ov[4];
    if (m->name_pattern)
        return;
    /* Prometheus naming: "Counters: _total suffix". */
    if (m->type == PG_TYPE_COUNTER &&
        (n < 6 || strcmp(m->name + n - 6, "_total")))
        docs_warn(R, "counter-total", ln, column,
                  "counter '%s' does not end in '_total'", m->name);
    /* Prometheus naming: "use base units (e.g. seconds, bytes)"; an
     * abbreviation hides the unit and breaks dashboards on a fix (the
     * 2023 `_ms` -> `_seconds` renames). */
    if (docs_re_match(RE_UNIT_ABBREV, m->name, n, ov, 2) >= 2)
        docs_warn(R, "unit-abbrev", ln, column,
                  "abbreviated unit '%.*s' in metric name '%s'",
                  (int)(ov[3] - ov[2]), m->name + ov[2], m->name);
    else if (docs_re_match(RE_UNIT_NONBASE, m->name, n, ov, 2) >= 2)
        docs_warn(R, "unit-base", ln, column,
                  "non-base unit '%.*s' in metric name '%s'",
                  (int)(ov[3] - ov[2]), m->name + ov[2], m->name);
}

size_t docs_find_metric(const pg_golden *g, const char *name)
{
    for (size_t i = 0; i < g->nmetrics; i++)
        if (!strcmp(g->metrics[i].name, name))
            return i;
    return (size_t)-1;
}

/* ---- merging ------------------------------------------------------------ */

static int same_metric(const pg_golden_metric *a, const pg_golden_metric *b)
{
    if (a->type != b->type || strcmp(a->help, b->help) ||
        a->nlabels != b->nlabels)
        return 0;
    for (size_t i = 0; i < a->nlabels; i++)
        if (strcmp(a->labels[i], b->labels[i]))
            return 0;
    return 1;
}

void docs_metric_add_label(pg_golden_metric *m, const char *name, const char *values)
{
    for (size_t i = 0; i < m->nlabels; i++)
        if (!strcmp(m->labels[i], name))
            return;
    m->labels = pg_xrealloc(m->labels, (m->nlabels + 1) * sizeof *m->labels);
    m->labels[m->nlabels++] = pg_xstrdup(name);
    if (values) {
        m->label_values = pg_xrealloc(m->label_values, (m->nlabel_values + 1) *
                                                           sizeof *m->label_values);
        m->label_values[m->nlabel_values].label = pg_xstrdup(name);
        m->label_values[m->nlabel_values++].pattern = pg_xstrdup(values);
    }
}

static void add_string(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return;
    *v = pg_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = pg_xstrdup(s);
}

static void add_meta(pg_golden_metric *m, const char *k, const char *v)
{
    for (size_t i = 0; i < m->nmeta; i++)
        if (!strcmp(m->meta_keys[i], k))
            return;
    m->meta_keys = pg_xrealloc(m->meta_keys, (m->nmeta + 1) * sizeof(char *));
    m->meta_values = pg_xrealloc(m->meta_values, (m->nmeta + 1) * sizeof(char *));
    m->meta_keys[m->nmeta] = pg_xstrdup(k);
    m->meta_values[m->nmeta++] = pg_xstrdup(v);
}

static void fill(pg_golden_metric *m, const docs_metric *dm)
{
    if (m->type == PG_TYPE_NONE)
        m->type = dm->type;
    if (!*m->help && dm->help && *dm->help) {
        free(m->help);
        m->help = pg_xstrdup(dm->help);
    }
    for (size_t i = 0; i < dm->nlabels; i++)
        docs_metric_add_label(m, dm->labels[i], dm->label_values ? dm->label_values[i] : NULL);
    for (size_t i = 0; i < dm->nlabel_patterns; i++)
        add_string(&m->label_patterns, &m->nlabel_patterns,
                   dm->label_patterns[i]);
    for (size_t i = 0; i < dm->nmeta; i++)
        add_meta(m, dm->meta_keys[i], dm->meta_values[i]);
}

static char *place(const docs_reader *R, const docs_line *ln)
{
    const char *f = docs_file(R, ln->file);
    const char *b = strrchr(f, '/');
    pg_buf s = PG_BUF_INIT;
    pg_buf_addf(&s, "%s:%d", b ? b + 1 : f, ln->lineno);
    return pg_buf_detach(&s);
}

void docs_metric_labels(docs_reader *R, docs_metric *dm, const docs_labels *l,
                        const char *headings)
{
    dm->labels = l->names;
    dm->label_values = l->values;
    dm->nlabels = l->n;
    dm->label_patterns = l->patterns;
    dm->nlabel_patterns = l->npatterns;
    dm->condition = docs_profile_condition(R->opts ? R->opts->profile : NULL,
                                           headings);
}

void docs_note_table(docs_table_note **v, size_t *n, const docs_table *t,
                     const char *why)
{
    pg_buf b = PG_BUF_INIT;
    for (size_t i = 0; i < t->head.n; i++) {
        if (i)
            pg_buf_adds(&b, " | ");
        pg_buf_adds(&b, t->head.cells[i].raw);
    }
    *v = pg_xrealloc(*v, (*n + 1) * sizeof **v);
    docs_table_note *u = &(*v)[(*n)++];
    u->file = t->at->file;
    u->line = t->at->lineno;
    u->header = b.p ? pg_buf_detach(&b) : pg_xstrdup("");
    u->why = why ? pg_xstrdup(why) : NULL;
}

/* The metric's name (and pattern) with the profile's or the section's
 * prefix, when it lacks it. */
static void prefixed_name(const docs_reader *R, const docs_metric *dm,
                          pg_buf *name, pg_buf *pat)
{
    const pg_docs_profile *prof = R->opts ? R->opts->profile : NULL;
    const char *prefix = prof && prof->prefix ? prof->prefix : R->prose_prefix;
    if (prefix && strncmp(dm->name, prefix, strlen(prefix))) {
        pg_buf_adds(name, prefix);
        if (dm->name_pattern)
            pg_buf_adds(pat, prefix); /* a name prefix needs no escape */
    }
    pg_buf_adds(name, dm->name);
    if (dm->name_pattern)
        pg_buf_adds(pat, dm->name_pattern);
}

/* The same table twice: an identical row is redundant (lint); a row that
 * disagrees cannot become one golden entry. */
static int add_same_table(docs_reader *R, const docs_metric *dm,
                          const char *name, size_t k, const docs_line *ln,
                          int column)
{
    const docs_origin *og = &R->origin[k];
    pg_golden_metric tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.name = (char *)name;
    tmp.type = dm->type;
    tmp.help = (char *)(dm->help ? dm->help : "");
    char **labels = pg_xcalloc(dm->nlabels + 1, sizeof *labels);
    for (size_t i = 0; i < dm->nlabels; i++)
        labels[i] = pg_xstrdup(dm->labels[i]);
    tmp.labels = labels;
    tmp.nlabels = dm->nlabels;
    pg_golden_metric_normalize(&tmp);
    int rc = 0;
    if (same_metric(&R->g->metrics[k], &tmp))
        docs_warn(R, "duplicate-row", ln, column,
                  "duplicate row for metric '%s' (first at line %d)", name,
                  og->line);
    else
        rc = docs_fail(R, ln, column,
                       "duplicate metric '%s' (first at line %d) with a "
                       "different type, labels or description", name,
                       og->line);
    for (size_t i = 0; i < tmp.nlabels; i++)
        free(tmp.labels[i]);
    free(tmp.labels);
    return rc;
}

/* Documented again elsewhere: one entry, every place kept; -1 when the
 * two places give different types. */
static int add_again(docs_reader *R, const docs_metric *dm, const char *name,
                     size_t k, const docs_line *ln, int column)
{
    pg_golden_metric *o = &R->g->metrics[k];
    const docs_origin *og = &R->origin[k];
    if (dm->type != PG_TYPE_NONE && o->type != PG_TYPE_NONE &&
        dm->type != o->type)
        return docs_fail(R, ln, column,
                         "metric '%s' documented as %s here and as %s at "
                         "%s:%d", name, pg_type_name(dm->type),
                         pg_type_name(o->type), docs_file(R, og->file),
                         og->line);
    docs_line first = { NULL, 0, og->file, og->line, 0, 0 };
    char *a = place(R, &first), *b = place(R, ln);
    add_string(&o->documented_at, &o->ndocumented_at, a);
    add_string(&o->documented_at, &o->ndocumented_at, b);
    free(a);
    free(b);
    if (o->condition && !dm->condition) {
        free(o->condition);
        o->condition = NULL;
    }
    fill(o, dm);
    pg_golden_metric_normalize(o);
    return 0;
}

/* A metric not seen before; pat (detached) becomes its name pattern. */
static void add_new(docs_reader *R, const docs_metric *dm, const char *name,
                    pg_buf *pat, const docs_line *ln, int column)
{
    pg_golden_metric *m = pg_golden_add(R->g, name);
    R->origin = pg_xrealloc(R->origin, R->g->nmetrics * sizeof *R->origin);
    R->origin[R->g->nmetrics - 1] =
        (docs_origin){ ln->file, ln->lineno, column, dm->table };
    if (pat->p)
        m->name_pattern = pg_buf_detach(pat);
    m->type = PG_TYPE_NONE;
    if (dm->condition)
        m->condition = pg_xstrdup(dm->condition);
    fill(m, dm);
    pg_golden_metric_normalize(m);
    lint_name(R, m, ln, column);
}

int docs_add(docs_reader *R, const docs_metric *dm, const docs_line *ln,
             int column)
{
    pg_buf name = PG_BUF_INIT, pat = PG_BUF_INIT;
    prefixed_name(R, dm, &name, &pat);
    int rc = 0;
    size_t k = docs_find_metric(R->g, name.p);
    if (k == (size_t)-1)
        add_new(R, dm, name.p, &pat, ln, column);
    else if (dm->table >= 0 && R->origin[k].table == dm->table)
        rc = add_same_table(R, dm, name.p, k, ln, column);
    else
        rc = add_again(R, dm, name.p, k, ln, column);
    pg_buf_release(&name);
    pg_buf_release(&pat);
    return rc;
}
