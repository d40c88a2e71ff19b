/* docs_table.c: the table shape. Columns are found by header synonyms in
 * any order; columns with other headers are kept as metadata. A table is
 * a metrics table when it has a type or labels column, a header that says
 * "metric", or name cells that are mostly metric names; a metrics table
 * whose rows cannot all be read is reported, never silently cut short. */
#include "specs/docs_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct colmap {
    int role[DC_NCOLS];        /* cell index per role, -1 if absent */
    size_t *extra;             /* cell indexes of metadata columns */
    char **extra_name;         /* their header text, cleaned */
    size_t nextra;
    int name_says_metric;      /* the name header contains "metric" */
} colmap;

static void map_columns(docs_reader *R, const docs_row *h, colmap *m)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < DC_NCOLS; i++)
        m->role[i] = -1;
    for (size_t i = 0; i < h->n; i++) {
        char *w = docs_header_word(h->cells[i].raw);
        int role = docs_column_role(R, w);
        if (role >= 0 && m->role[role] < 0) {
            m->role[role] = (int)i;
            if (role == DC_NAME && strstr(w, "metric"))
                m->name_says_metric = 1;
        } else if (*w) {
            char *name = pg_xstrdup(h->cells[i].raw);
            docs_clean(name);
            for (char *q = name; *q; q++)
                if (*q == '`')
                    memmove(q, q + 1, strlen(q)), q--;
            m->extra = pg_xrealloc(m->extra, (m->nextra + 1) * sizeof *m->extra);
            m->extra_name = pg_xrealloc(m->extra_name,
                                        (m->nextra + 1) * sizeof *m->extra_name);
            m->extra[m->nextra] = i;
            m->extra_name[m->nextra++] = name;
        }
        free(w);
    }
}

static void colmap_release(colmap *m)
{
    for (size_t i = 0; i < m->nextra; i++)
        free(m->extra_name[i]);
    free(m->extra);
    free(m->extra_name);
}

/* Name cells that read as metric names with an underscore (node_exporter's
 * collector table `Name | Description | OS` names collectors: "arp"). */
static int names_look_like_metrics(const docs_table *t, int col)
{
    size_t good = 0, total = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if ((size_t)col >= t->rows[r].n || !*t->rows[r].cells[col].raw)
            continue;
        total++;
        docs_name nm;
        const char *raw = t->rows[r].cells[col].raw;
        /* config keys (`collect.binlog_size`) and environment variables
         * (`MYSQLD_EXPORTER_PASSWORD`) are not metric names; dotted names
         * count only in tables with a type column */
        if (strchr(raw, '.'))
            continue;
        if (!docs_name_parse(raw, &nm)) {
            int lower = 0;
            for (const char *q = nm.name; *q; q++)
                lower |= islower((unsigned char)*q) != 0;
            if (strchr(nm.name, '_') && lower)
                good++;
            docs_name_release(&nm);
        }
    }
    return total && good * 2 > total;
}

void docs_add_unread(docs_reader *R, const docs_table *t, int row_line,
                     int row_column, const char *why)
{
    docs_note_table(&R->unread, &R->nunread, t, why);
    R->unread[R->nunread - 1].row_line = row_line;
    R->unread[R->nunread - 1].row_column = row_column;
}

static void meta_push(docs_metric *dm, const char *k, const char *v)
{
    dm->meta_keys = pg_xrealloc(dm->meta_keys, (dm->nmeta + 1) * sizeof(char *));
    dm->meta_values = pg_xrealloc(dm->meta_values,
                                  (dm->nmeta + 1) * sizeof(char *));
    dm->meta_keys[dm->nmeta] = pg_xstrdup(k);
    dm->meta_values[dm->nmeta++] = pg_xstrdup(v);
}

static void meta_release(docs_metric *dm)
{
    for (size_t i = 0; i < dm->nmeta; i++) {
        free(dm->meta_keys[i]);
        free(dm->meta_values[i]);
    }
    free(dm->meta_keys);
    free(dm->meta_values);
}

/* Merges the labels of l into one list (label values kept). */
static void labels_join(docs_labels *into, docs_labels *l)
{
    for (size_t i = 0; i < l->n; i++) {
        size_t k = 0;
        while (k < into->n && strcmp(into->names[k], l->names[i]))
            k++;
        if (k < into->n)
            continue;
        into->names = pg_xrealloc(into->names, (into->n + 1) * sizeof(char *));
        into->values = pg_xrealloc(into->values, (into->n + 1) * sizeof(char *));
        into->names[into->n] = l->names[i];
        into->values[into->n++] = l->values[i];
        l->names[i] = l->values[i] = NULL;
    }
    for (size_t i = 0; i < l->npatterns; i++) {
        into->patterns = pg_xrealloc(into->patterns,
                                     (into->npatterns + 1) * sizeof(char *));
        into->patterns[into->npatterns++] = l->patterns[i];
        l->patterns[i] = NULL;
    }
}

/* Removes every backtick of s in place. */
static void drop_backticks(char *s)
{
    for (char *q = s; *q; q++)
        if (*q == '`')
            memmove(q, q + 1, strlen(q)), q--;
}

static int short_row(const docs_table *t, const docs_row *row, char *why,
                     size_t wl)
{
    snprintf(why, wl, "table row has %zu cell%s, expected %zu", row->n,
             row->n == 1 ? "" : "s", t->head.n);
    return -1;
}

/* Whether the row has the cells the golden is made of; -1 with why and
 * *col set if not. */
static int check_cells(const docs_table *t, const colmap *m,
                       const docs_row *row, char *why, size_t wl, int *col)
{
    int nc = m->role[DC_NAME], tc = m->role[DC_TYPE], lc = m->role[DC_LABELS];
    if ((size_t)nc >= row->n) {
        *col = row->n ? row->cells[row->n - 1].column : 1;
        return short_row(t, row, why, wl);
    }
    /* GFM fills missing cells with empty ones; for the columns that make
     * the golden (type, labels) a short row is more likely broken than
     * empty, so it is an error. */
    if ((tc >= 0 && (size_t)tc >= row->n) || (lc >= 0 && (size_t)lc >= row->n)) {
        *col = row->cells[row->n - 1].column;
        return short_row(t, row, why, wl);
    }
    if (row->n > t->head.n && *row->cells[row->n - 1].raw) {
        snprintf(why, wl, "table row has %zu cells, expected %zu", row->n,
                 t->head.n);
        *col = row->cells[t->head.n].column;
        return -1;
    }
    return 0;
}

/* The name cell's metric name; -1 with why set (the text as shown). */
static int row_name(const docs_cell *cell, docs_name *nm, char *why, size_t wl)
{
    if (!docs_name_parse(cell->raw, nm))
        return 0;
    char *c = pg_xstrdup(cell->raw);
    docs_clean(c);
    drop_backticks(c);
    if (*c)
        snprintf(why, wl, "invalid metric name '%.80s'", c);
    else
        snprintf(why, wl, "empty metric name");
    free(c);
    return -1;
}

/* The type cell into dm (words in parentheses that are labels go to
 * *type_labels); -1 with why set for a word that is no type. */
static int row_type(const docs_cell *cell, const char *name, docs_metric *dm,
                    char **type_labels, char *why, size_t wl)
{
    dm->type_word = cell->raw;
    if (!docs_type_word(cell->raw, &dm->type, type_labels))
        return 0;
    char *c = pg_xstrdup(cell->raw);
    docs_clean(c);
    for (char *q = c; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    size_t k = strlen(c);
    if (k >= 2 && c[0] == '`' && c[k - 1] == '`') {
        memmove(c, c + 1, k - 2);
        c[k - 2] = '\0';
    }
    snprintf(why, wl, "unknown type '%.40s' for metric '%.80s'", c, name);
    free(c);
    return -1;
}

/* Labels from the labels cell, the name's braces and the type word;
 * -1 with why set when the labels cell does not parse. */
static int row_labels(const colmap *m, const docs_row *row, docs_name *nm,
                      const char *type_labels, docs_labels *labels, char *why,
                      size_t wl, int *col)
{
    int lc = m->role[DC_LABELS];
    if (lc >= 0 && (size_t)lc < row->n &&
        docs_labels_parse(row->cells[lc].raw, labels, why, wl)) {
        *col = row->cells[lc].column;
        return -1;
    }
    labels_join(labels, &nm->braces);
    if (type_labels) {
        docs_labels tl;
        if (!docs_labels_parse(type_labels, &tl, why, wl)) {
            labels_join(labels, &tl);
            docs_labels_release(&tl);
        }
    }
    return 0;
}

/* The cells of columns the golden has no field for become meta, and so
 * does a type word that names no type. */
static void row_meta(const colmap *m, const docs_row *row, docs_metric *dm)
{
    for (size_t i = 0; i < m->nextra; i++) {
        if (m->extra[i] >= row->n)
            continue;
        char *v = pg_xstrdup(row->cells[m->extra[i]].raw);
        docs_clean(v);
        drop_backticks(v);
        if (*v)
            meta_push(dm, m->extra_name[i], v);
        free(v);
    }
    if (dm->type == PG_TYPE_NONE && dm->type_word) {
        char *v = pg_xstrdup(dm->type_word);
        docs_clean(v);
        meta_push(dm, "Type", v);
        free(v);
    }
}

/* Reads one row: 0 ok, -1 with why and *col set (the row is not read),
 * -2 on a hard error (set by docs_add). */
static int read_row(docs_reader *R, const docs_table *t, const colmap *m,
                    const docs_row *row, int serial, char *why, size_t wl,
                    int *col)
{
    *col = 1;
    if (check_cells(t, m, row, why, wl, col))
        return -1;
    const docs_cell *name_cell = &row->cells[m->role[DC_NAME]];
    *col = name_cell->column;
    docs_name nm;
    if (row_name(name_cell, &nm, why, wl))
        return -1;
    docs_metric dm;
    memset(&dm, 0, sizeof dm);
    dm.table = serial;
    dm.type = PG_TYPE_NONE;
    int hc = m->role[DC_HELP], tc = m->role[DC_TYPE];
    dm.help = hc >= 0 && (size_t)hc < row->n ? row->cells[hc].raw : "";
    docs_labels labels;
    memset(&labels, 0, sizeof labels);
    int rc = 0;
    char *type_labels = NULL;
    if (tc >= 0 && *row->cells[tc].raw &&
        row_type(&row->cells[tc], nm.name, &dm, &type_labels, why, wl)) {
        *col = row->cells[tc].column;
        rc = -1;
        goto out;
    }
    if (dm.type == PG_TYPE_NONE && !(dm.type_word && tc >= 0))
        dm.type = docs_type_in_text(dm.help);
    docs_fold_series(nm.name, dm.type);
    if (nm.folded && dm.type == PG_TYPE_NONE)
        dm.type = PG_TYPE_HISTOGRAM; /* x_[bucket, sum, count] */
    if (row_labels(m, row, &nm, type_labels, &labels, why, wl, col)) {
        rc = -1;
        goto out;
    }
    row_meta(m, row, &dm);
    dm.name = nm.name;
    dm.name_pattern = nm.pattern;
    docs_metric_labels(R, &dm, &labels, t->headings);
    rc = docs_add(R, &dm, row->line, name_cell->column) ? -2 : 0;
out:
    free(type_labels);
    meta_release(&dm);
    docs_labels_release(&labels);
    docs_name_release(&nm);
    return rc;
}

int docs_read_table(docs_reader *R, const docs_table *t)
{
    colmap m;
    map_columns(R, &t->head, &m);
    int nc = m.role[DC_NAME];
    int metric_like = nc >= 0 &&
                      (m.role[DC_TYPE] >= 0 || m.role[DC_LABELS] >= 0 ||
                       m.name_says_metric || names_look_like_metrics(t, nc));
    if (!metric_like) {
        colmap_release(&m);
        return 0;
    }
    int serial = R->ntables++;
    if (!t->nrows) {
        docs_add_unread(R, t, 0, 0, "metrics table has no rows");
        colmap_release(&m);
        return 0;
    }
    int bad = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        char why[256];
        int col;
        int rc = read_row(R, t, &m, &t->rows[r], serial, why, sizeof why, &col);
        if (rc == -2) {
            colmap_release(&m);
            return -1;
        }
        if (rc == -1 && !bad) {
            docs_add_unread(R, t, t->rows[r].line->lineno, col, why);
            bad = 1;
        }
    }
    colmap_release(&m);
    return 0;
}

int docs_header_is_metrics(docs_reader *R, const docs_row *head)
{
    colmap m;
    map_columns(R, head, &m);
    int yes = m.role[DC_NAME] >= 0 && m.role[DC_TYPE] >= 0;
    colmap_release(&m);
    return yes;
}
