#define _GNU_SOURCE /* strcasestr */
/* docs_md.c: the page model and block scanner. A page becomes a list of
 * lines, each knowing its file and line (includes are expanded in place,
 * MkDocs content tabs are dedented and named); the scanner then finds
 * headings, fenced blocks, pipe and HTML tables, and bullets, and hands
 * each to its shape reader. */
#include "specs/docs_int.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A docs page is tens of kilobytes; GitLab's, the largest known, is 84
 * KiB. The caps turn a runaway input into a clear error. */
#define MAX_PAGE_BYTES (8u << 20)
#define MAX_INCLUDE_DEPTH 8
#define MAX_LINES (1u << 20)

/* ---- text checks -------------------------------------------------------- */

/* Rejects input that is not text: NUL bytes or invalid UTF-8. */
static int check_text(docs_reader *R, const char *src, const char *buf,
                      size_t len)
{
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)buf[i];
        int col = (int)(i - line_start) + 1;
        if (c == 0)
            return pg_error_set(R->err, src, line, col,
                                "binary content (NUL byte), not a docs page");
        if (c == '\n') {
            line++;
            line_start = ++i;
            continue;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n = c >= 0xf0 && c < 0xf5   ? 4
                   : c >= 0xe0 && c < 0xf0 ? 3
                   : c >= 0xc2 && c < 0xe0 ? 2
                                           : 0;
        if (!n || i + n > len)
            return pg_error_set(R->err, src, line, col,
                                "invalid UTF-8, not a docs page");
        for (size_t k = 1; k < n; k++)
            if (((unsigned char)buf[i + k] & 0xc0) != 0x80)
                return pg_error_set(R->err, src, line, col,
                                    "invalid UTF-8, not a docs page");
        i += n;
    }
    return 0;
}

/* ---- includes ----------------------------------------------------------- */

/* The file an include directive names, or NULL: MkDocs snippets
 * (`--8<-- "f.md"`), Jekyll/Liquid (`{% include "f.md" %}`), Hugo
 * (`{{< readfile file="f.md" >}}`, `{{% include "f.md" %}}`) and MDX
 * (`import X from './f.md'` with `<X />` is not expanded: a component may
 * render anything). Caller frees. */
static char *include_target(const char *p, size_t len)
{
    while (len && docs_is_space(*p))
        p++, len--;
    static const char *const leads[] = { "--8<--", "{% include", "{%include",
                                         "{{< readfile", "{{% readfile",
                                         "{{< include", "{{% include",
                                         "<!-- include" };
    size_t i = 0;
    for (; i < sizeof leads / sizeof *leads; i++)
        if (len >= strlen(leads[i]) && !strncmp(p, leads[i], strlen(leads[i])))
            break;
    if (i == sizeof leads / sizeof *leads)
        return NULL;
    const char *q = memchr(p, '"', len);
    const char *q2 = memchr(p, '\'', len);
    if (!q || (q2 && q2 < q))
        q = q2;
    if (!q)
        return NULL;
    const char *e = memchr(q + 1, *q, len - (size_t)(q + 1 - p));
    if (!e || e == q + 1)
        return NULL;
    return pg_xstrndup(q + 1, (size_t)(e - q - 1));
}

static char *dir_of(const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s)
        return pg_xstrdup(".");
    if (s == path)
        return pg_xstrdup("/");
    return pg_xstrndup(path, (size_t)(s - path));
}

/* 1 if real path p lies under directory root (both canonical). */
static int under(const char *p, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return 1;
    return !strncmp(p, root, n) && (p[n] == '/' || p[n] == '\0');
}

static int expand_include(docs_reader *R, const docs_line *ln, const char *name,
                          int depth)
{
    const char *from = docs_file(R, ln->file);
    /* named relative to the including file as the user gave it, so that
     * messages show the paths the user knows */
    char *dir = dir_of(from);
    pg_buf path = PG_BUF_INIT;
    if (name[0] == '/' || !strcmp(dir, "."))
        pg_buf_adds(&path, name);
    else
        pg_buf_addf(&path, "%s/%s", dir, name);
    free(dir);
    int rc = -1;
    char real[PATH_MAX];
    if (depth >= MAX_INCLUDE_DEPTH) {
        pg_error_set(R->err, from, ln->lineno, 1,
                     "include '%s' nested more than %d deep", name,
                     MAX_INCLUDE_DEPTH);
    } else if (!realpath(path.p, real)) {
        pg_error_set(R->err, from, ln->lineno, 1,
                     "include '%s' not found", name);
    } else if (!under(real, R->root)) {
        pg_error_set(R->err, from, ln->lineno, 1,
                     "include '%s' leaves the docs folder (see --docs-root)",
                     name);
    } else {
        size_t i = 0;
        while (i < R->nstack && strcmp(R->stack[i], real))
            i++;
        if (i < R->nstack)
            pg_error_set(R->err, from, ln->lineno, 1,
                         "include cycle: '%s' includes itself", name);
        else
            rc = docs_load_file(R, path.p, depth + 1, ln);
    }
    pg_buf_release(&path);
    return rc;
}

/* ---- lines -------------------------------------------------------------- */

static int push_line(docs_reader *R, const docs_line *l)
{
    if (R->nlines >= MAX_LINES)
        return pg_error_set(R->err, docs_file(R, l->file), l->lineno, 1,
                            "docs set has more than %u lines", MAX_LINES);
    if (R->nlines == R->caplines) {
        R->caplines = R->caplines ? R->caplines * 2 : 256;
        R->lines = pg_xrealloc(R->lines, R->caplines * sizeof *R->lines);
    }
    R->lines[R->nlines++] = *l;
    return 0;
}

/* `=== "Prometheus"`: an MkDocs (pymdownx.tabbed) content tab; returns the
 * tab name (view into p) and sets *n, or NULL. */
static const char *tab_header(const char *p, size_t len, size_t *n)
{
    if (len < 6 || strncmp(p, "===", 3))
        return NULL;
    size_t i = 3;
    while (i < len && (p[i] == '+' || p[i] == '!'))
        i++;
    while (i < len && docs_is_space(p[i]))
        i++;
    if (i >= len || (p[i] != '"' && p[i] != '\''))
        return NULL;
    const char *e = memchr(p + i + 1, p[i], len - i - 1);
    if (!e)
        return NULL;
    *n = (size_t)(e - p - i - 1);
    return p + i + 1;
}

static size_t indent_of(const char *p, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len && docs_is_space(p[i]); i++)
        w += p[i] == '\t' ? 4 : 1;
    return w;
}

/* The number of blank bytes a line starts with (indent_of() counts
 * columns). */
static size_t lead_bytes(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len && docs_is_space(p[i]))
        i++;
    return i;
}

static int blank(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!docs_is_space(p[i]))
            return 0;
    return 1;
}

int docs_load_file(docs_reader *R, const char *path, int depth,
                   const docs_line *from)
{
    char *data;
    size_t len;
    pg_error e;
    pg_error_init(&e);
    if (pg_read_file(path, &data, &len, &e)) {
        if (from)
            return pg_error_set(R->err, docs_file(R, from->file), from->lineno,
                                1, "include '%s': %s", path, e.text);
        if (R->err && !R->err->set)
            *R->err = e;
        return -1;
    }
    if (len > MAX_PAGE_BYTES) {
        free(data);
        return pg_error_set(R->err, path, 0, 0,
                            "page is %zu bytes, larger than the %u MiB a "
                            "docs page may have", len, MAX_PAGE_BYTES >> 20);
    }
    return docs_load_buffer(R, path, data, len, depth, from);
}

int docs_load_buffer(docs_reader *R, const char *path, char *data, size_t len,
                     int depth, const docs_line *from)
{
    (void)from; /* errors in the page name the page itself */
    if (check_text(R, path, data, len)) {
        free(data);
        return -1;
    }
    int fi = (int)R->nfiles++;
    R->files = pg_xrealloc(R->files, R->nfiles * sizeof *R->files);
    R->bufs = pg_xrealloc(R->bufs, R->nfiles * sizeof *R->bufs);
    R->lens = pg_xrealloc(R->lens, R->nfiles * sizeof *R->lens);
    R->files[fi] = pg_xstrdup(path);
    R->bufs[fi] = data;
    R->lens[fi] = len;
    char real[PATH_MAX];
    R->stack = pg_xrealloc(R->stack, (R->nstack + 1) * sizeof *R->stack);
    R->stack[R->nstack++] = pg_xstrdup(realpath(path, real) ? real : path);

    int tab = 0;
    size_t tab_indent = 0;
    int rc = 0, lineno = 0;
    for (size_t i = 0; i < len && !rc;) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        docs_line l = { data + i, end - i, fi, ++lineno, 0, 0 };
        if (l.len && l.p[l.len - 1] == '\r')
            l.len--;
        i = nl ? end + 1 : len;
        size_t ind = indent_of(l.p, l.len), lead = lead_bytes(l.p, l.len), tn;
        const char *tname = tab_header(l.p + lead, l.len - lead, &tn);
        if (tname) {
            char *low = pg_xstrndup(tname, tn);
            tab = strcasestr(low, "prometheus") ? 1 : 2;
            R->prom_tab |= tab == 1;
            free(low);
            tab_indent = ind + 4;
            continue;
        }
        if (tab && !blank(l.p, l.len)) {
            if (ind >= tab_indent) {
                size_t cut = 0, w = 0;
                while (cut < l.len && w < tab_indent)
                    w += l.p[cut++] == '\t' ? 4 : 1;
                l.p += cut;
                l.len -= cut;
                l.indent = (int)cut;
                l.tab = tab;
            } else {
                tab = 0;
            }
        } else if (tab) {
            l.tab = tab;
        }
        char *inc = include_target(l.p, l.len);
        if (inc) {
            rc = expand_include(R, &l, inc, depth);
            free(inc);
            continue;
        }
        rc = push_line(R, &l);
    }
    free(R->stack[--R->nstack]);
    return rc;
}

/* ---- block scanner ------------------------------------------------------ */

/* A table delimiter row: | --- | :---: |, outer pipes optional. */
static int delim_row(const docs_line *ln)
{
    const char *s = ln->p, *e = s + ln->len;
    int dashes = 0, pipes = 0;
    for (; s < e; s++) {
        if (*s == '-')
            dashes++;
        else if (*s == '|')
            pipes++;
        else if (*s != ':' && !docs_is_space(*s))
            return 0;
    }
    return dashes >= 1 && (pipes >= 1 || dashes >= 3);
}

static int has_pipe(const docs_line *ln)
{
    for (size_t i = 0; i < ln->len; i++)
        if (ln->p[i] == '|' && !(i && ln->p[i - 1] == '\\'))
            return 1;
    return 0;
}

/* Removes leading and trailing blanks of a cell in place. */
static void trim_cell(char *s)
{
    size_t a = 0, z = strlen(s);
    while (a < z && docs_is_space(s[a]))
        a++;
    while (z > a && docs_is_space(s[z - 1]))
        z--;
    memmove(s, s + a, z - a);
    s[z - a] = '\0';
}

/* Splits a table row into cells; outer pipes optional, `\|` is a pipe
 * inside a cell (GFM requires it even inside code spans). */
static void split_row(const docs_line *ln, docs_row *row)
{
    const char *s = ln->p, *end = ln->p + ln->len;
    while (s < end && docs_is_space(*s))
        s++;
    while (end > s && docs_is_space(end[-1]))
        end--;
    if (s < end && *s == '|')
        s++;
    if (end > s && end[-1] == '|' && !(end - 1 > s && end[-2] == '\\'))
        end--;
    size_t cap = 8;
    row->cells = pg_xmalloc(cap * sizeof *row->cells);
    row->n = 0;
    row->line = ln;
    const char *c = s;
    for (;;) {
        const char *q = c;
        pg_buf b = PG_BUF_INIT;
        while (q < end && *q != '|') {
            if (*q == '\\' && q + 1 < end && q[1] == '|') {
                pg_buf_addc(&b, '|');
                q += 2;
                continue;
            }
            pg_buf_addc(&b, *q++);
        }
        char *t = b.p ? pg_buf_detach(&b) : pg_xstrdup("");
        trim_cell(t);
        if (row->n == cap)
            row->cells = pg_xrealloc(row->cells, (cap *= 2) * sizeof *row->cells);
        const char *cs = c;
        while (cs < q && docs_is_space(*cs))
            cs++;
        row->cells[row->n].raw = t;
        row->cells[row->n].column = (int)(cs - ln->p) + 1 + ln->indent;
        row->n++;
        if (q >= end)
            break;
        c = q + 1;
    }
}

static void free_row(docs_row *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->cells[i].raw);
    free(r->cells);
    r->cells = NULL;
    r->n = 0;
}

static void free_table(docs_table *t)
{
    free_row(&t->head);
    for (size_t i = 0; i < t->nrows; i++)
        free_row(&t->rows[i]);
    free(t->rows);
    free(t->headings);
    memset(t, 0, sizeof *t);
}

/* "All these metrics are prefixed with `etcd_server_`": a name prefix
 * stated in prose applies to the tables of its section (etcd's docs). */
static void prose_prefix(docs_reader *R, const docs_line *ln)
{
    char *s = pg_xstrndup(ln->p, ln->len);
    const char *k = strcasestr(s, "prefixed with `");
    if (!k)
        k = strcasestr(s, "prefixed by `");
    if (!k) {
        /* "the metrics under the `etcd_debugging` prefix" */
        const char *p = strcasestr(s, "` prefix");
        if (p && p > s) {
            k = p - 1;
            while (k > s && *k != '`')
                k--;
        }
    }
    if (k) {
        const char *a = strchr(k, '`') + 1, *e = strchr(a, '`');
        if (e && e > a && pg_metric_name_valid(a, (size_t)(e - a))) {
            free(R->prose_prefix);
            pg_buf b = PG_BUF_INIT;
            pg_buf_add(&b, a, (size_t)(e - a));
            if (e[-1] != '_')
                pg_buf_addc(&b, '_');
            R->prose_prefix = pg_buf_detach(&b);
            int level = 7;
            for (int l = 1; l <= 6; l++)
                if (R->heads[l])
                    level = l;
            R->prose_level = level;
        }
    }
    free(s);
}

static void set_heading(docs_reader *R, int level, const char *p, size_t n)
{
    if (R->prose_prefix && level <= R->prose_level) {
        free(R->prose_prefix);
        R->prose_prefix = NULL;
    }
    for (int l = level; l <= 6; l++) {
        free(R->heads[l]);
        R->heads[l] = NULL;
    }
    char *t = pg_xstrndup(p, n);
    /* closing #s of an ATX heading */
    size_t k = strlen(t);
    while (k && (t[k - 1] == '#' || docs_is_space(t[k - 1])))
        t[--k] = '\0';
    docs_clean(t);
    R->heads[level] = t;
    pg_buf b = PG_BUF_INIT;
    for (int l = 1; l <= 6; l++)
        if (R->heads[l]) {
            if (b.len)
                pg_buf_adds(&b, " > ");
            pg_buf_adds(&b, R->heads[l]);
        }
    free(R->headings);
    R->headings = b.p ? pg_buf_detach(&b) : pg_xstrdup("");
}

/* ATX heading level (1..6) and text, or 0. */
static int heading_level(const docs_line *ln, const char **text, size_t *n)
{
    size_t i = 0;
    while (i < ln->len && i < 3 && ln->p[i] == ' ')
        i++;
    int level = 0;
    while (i < ln->len && ln->p[i] == '#' && level < 7)
        level++, i++;
    if (!level || level > 6 || (i < ln->len && !docs_is_space(ln->p[i])))
        return 0;
    while (i < ln->len && docs_is_space(ln->p[i]))
        i++;
    *text = ln->p + i;
    *n = ln->len - i;
    return level;
}

static int fence_open(const docs_line *ln, char *ch, size_t *count)
{
    size_t i = 0;
    while (i < ln->len && docs_is_space(ln->p[i]))
        i++;
    if (i >= ln->len || (ln->p[i] != '`' && ln->p[i] != '~'))
        return 0;
    size_t k = i;
    while (k < ln->len && ln->p[k] == ln->p[i])
        k++;
    if (k - i < 3)
        return 0;
    *ch = ln->p[i];
    *count = k - i;
    return 1;
}

static int fence_close(const docs_line *ln, char ch, size_t count)
{
    size_t i = 0;
    while (i < ln->len && docs_is_space(ln->p[i]))
        i++;
    size_t k = i;
    while (k < ln->len && ln->p[k] == ch)
        k++;
    return k - i >= count && blank(ln->p + k, ln->len - k);
}

static int marker(const docs_line *ln, const char *what)
{
    char *s = pg_xstrndup(ln->p, ln->len);
    int r = strstr(s, "<!--") && strstr(s, what) != NULL;
    free(s);
    return r;
}

/* An HTML cell as a Markdown cell: <code> becomes a code span, other
 * tags and entities are cleaned, lines are joined. */
static char *html_cell(const char *p, size_t n)
{
    pg_buf b = PG_BUF_INIT;
    for (size_t i = 0; i < n;) {
        if (p[i] == '<' && (n - i >= 6 && !strncasecmp(p + i, "<code>", 6))) {
            pg_buf_addc(&b, '`');
            i += 6;
        } else if (p[i] == '<' && n - i >= 7 && !strncasecmp(p + i, "</code>", 7)) {
            pg_buf_addc(&b, '`');
            i += 7;
        } else {
            pg_buf_addc(&b, p[i] == '\n' ? ' ' : p[i]);
            i++;
        }
    }
    char *s = b.p ? pg_buf_detach(&b) : pg_xstrdup("");
    docs_clean(s);
    return s;
}

/* Joins lines from at up to the one holding "</table" into *all; starts
 * gets each line's offset in it. Returns the index of that last line. */
static size_t html_lines(const docs_line *v, size_t n, size_t at, pg_buf *all,
                         size_t **starts, size_t *nl)
{
    size_t end = at;
    for (; end < n; end++) {
        *starts = pg_xrealloc(*starts, (*nl + 1) * sizeof **starts);
        (*starts)[(*nl)++] = all->len;
        pg_buf_add(all, v[end].p, v[end].len);
        pg_buf_addc(all, '\n');
        if (strcasestr(all->p + (*starts)[*nl - 1], "</table"))
            break;
    }
    return end;
}

/* The end of the cell whose content starts after gt: its closing tag, the
 * next cell, or the row's end. */
static const char *html_cell_end(const char *gt, const char *stop)
{
    const char *ce = strcasestr(gt, "</t");
    const char *nx1 = strcasestr(gt, "<td"), *nx2 = strcasestr(gt, "<th");
    if (nx1 && (!ce || nx1 < ce))
        ce = nx1;
    if (nx2 && (!ce || nx2 < ce))
        ce = nx2;
    return !ce || ce > stop ? stop : ce;
}

/* Adds the <td>/<th> cells between tr and stop to row, trimmed. */
static void html_row_cells(const char *tr, const char *stop, docs_row *row)
{
    size_t cap = 0;
    const char *c = tr;
    for (;;) {
        const char *td = strcasestr(c, "<td");
        const char *th = strcasestr(c, "<th");
        if (!td || (th && th < td))
            td = th;
        if (!td || td >= stop)
            break;
        /* a tag left open ("<td" with its '>' only in a later row)
         * ends the row */
        const char *gt = strchr(td, '>');
        if (!gt || gt >= stop)
            break;
        const char *ce = html_cell_end(gt, stop);
        if (row->n == cap)
            row->cells = pg_xrealloc(row->cells, (cap = cap ? cap * 2 : 8) *
                                                     sizeof *row->cells);
        char *raw = html_cell(gt + 1, (size_t)(ce - gt - 1));
        trim_cell(raw);
        row->cells[row->n].raw = raw;
        row->cells[row->n].column = 1;
        row->n++;
        c = ce;
    }
}

/* The first row with cells is the header. */
static void table_take_row(docs_table *t, docs_row *row)
{
    if (!row->n) {
        free(row->cells);
    } else if (!t->head.n) {
        t->head = *row;
        t->at = row->line;
    } else {
        t->rows = pg_xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
        t->rows[t->nrows++] = *row;
    }
}

/* HTML tables: <table> ... </table>, rows <tr>, cells <th>/<td>. */
static size_t read_html_table(const docs_line *v, size_t n, size_t at,
                              docs_table *t)
{
    pg_buf all = PG_BUF_INIT;
    size_t *starts = NULL; /* offset in all of each line */
    size_t nl = 0;
    size_t end = html_lines(v, n, at, &all, &starts, &nl);
    if (!all.p) {
        free(starts);
        return at;
    }
    const char *p = all.p, *tr;
    while ((tr = strcasestr(p, "<tr")) != NULL) {
        size_t off = (size_t)(tr - all.p), li = 0;
        while (li + 1 < nl && starts[li + 1] <= off)
            li++;
        const char *stop = strcasestr(tr + 3, "</tr");
        const char *next = strcasestr(tr + 3, "<tr");
        if (!stop || (next && next < stop))
            stop = next ? next : all.p + all.len;
        docs_row row = { NULL, 0, &v[at + li] };
        html_row_cells(tr, stop, &row);
        table_take_row(t, &row);
        p = stop;
    }
    pg_buf_release(&all);
    free(starts);
    return end < n ? end : n - 1;
}

static int heading_ok(docs_reader *R)
{
    const pg_docs_profile *p = R->opts ? R->opts->profile : NULL;
    return docs_profile_heading_ok(p, R->headings ? R->headings : "");
}

/* Records a table in the listing used when nothing matches. */
static void note_seen(docs_reader *R, const docs_table *t)
{
    docs_note_table(&R->seen, &R->nseen, t, NULL);
}

static int handle_table(docs_reader *R, docs_table *t)
{
    t->headings = pg_xstrdup(R->headings ? R->headings : "");
    note_seen(R, t);
    int rc = 0;
    /* MkDocs tabs: a page that has a Prometheus tab documents other
     * backends (Datadog, StatsD, OpenTelemetry) in sibling tabs. */
    int other_tab = t->at->tab == 2 && R->prom_tab;
    if (!other_tab && heading_ok(R))
        rc = docs_read_table(R, t);
    free_table(t);
    return rc;
}

/* Coder's generated section: when present, it is the table; [from, to)
 * are its lines (all lines if there is none). */
static void find_generated(docs_reader *R, size_t *from, size_t *to)
{
    const docs_line *v = R->lines;
    size_t n = R->nlines;
    *from = 0;
    *to = n;
    for (size_t i = 0; i < n; i++) {
        if (!marker(&v[i], "Code generated by") || !marker(&v[i], "DO NOT EDIT"))
            continue;
        R->coder_marker = (int)i + 1;
        *from = i + 1;
        for (size_t k = *from; k < n; k++)
            if (marker(&v[k], "End generated by")) {
                *to = k;
                break;
            }
        return;
    }
}

/* A fenced block opened at line i is remembered, to be read by
 * docs_scan_fences(); returns the line of its closing fence. */
static size_t scan_fence(docs_reader *R, size_t i, char fch, size_t fcount)
{
    const docs_line *v = R->lines;
    size_t n = R->nlines, k = i + 1;
    while (k < n && !fence_close(&v[k], fch, fcount))
        k++;
    if (!R->coder_marker && heading_ok(R)) {
        R->fence_at = pg_xrealloc(R->fence_at,
                                  (R->nfences + 1) * sizeof *R->fence_at);
        R->fence_len = pg_xrealloc(R->fence_len,
                                   (R->nfences + 1) * sizeof *R->fence_len);
        R->fence_at[R->nfences] = i;
        R->fence_len[R->nfences++] = (k < n ? k + 1 : n) - i;
    }
    return k;
}

/* A heading: the section it opens, and maybe one metric (its name as the
 * heading). *i moves past what was read; -1 on a hard error. */
static int scan_heading(docs_reader *R, size_t *i, int level, const char *ht,
                        size_t hn)
{
    set_heading(R, level, ht, hn);
    if (R->coder_marker || !heading_ok(R))
        return 0;
    size_t end = *i;
    int got = docs_read_heading_metric(R, R->lines, R->nlines, *i, &end);
    if (got < 0)
        return -1;
    if (got)
        *i = end;
    return 0;
}

static int scan_html_table(docs_reader *R, size_t *i)
{
    docs_table t;
    memset(&t, 0, sizeof t);
    *i = read_html_table(R->lines, R->nlines, *i, &t);
    if (!t.head.n) {
        free_table(&t);
        return 0;
    }
    return handle_table(R, &t);
}

/* A pipe table: header at *i, delimiter row after it, rows up to the
 * first line without a pipe (or the end of the generated section). */
static int scan_pipe_table(docs_reader *R, size_t *i, size_t to)
{
    const docs_line *v = R->lines;
    docs_table t;
    memset(&t, 0, sizeof t);
    split_row(&v[*i], &t.head);
    t.at = &v[*i];
    size_t k = *i + 2;
    for (; k < to && has_pipe(&v[k]) && !blank(v[k].p, v[k].len); k++) {
        t.rows = pg_xrealloc(t.rows, (t.nrows + 1) * sizeof *t.rows);
        split_row(&v[k], &t.rows[t.nrows++]);
    }
    *i = k - 1;
    return handle_table(R, &t);
}

/* A metrics header whose delimiter row is missing is not a table in
 * Markdown, but it is a metrics table not read. */
static void scan_headless(docs_reader *R, size_t i)
{
    const docs_line *v = R->lines;
    docs_table t;
    memset(&t, 0, sizeof t);
    split_row(&v[i], &t.head);
    t.at = &v[i];
    if (i + 1 < R->nlines && has_pipe(&v[i + 1]) &&
        docs_header_is_metrics(R, &t.head))
        docs_add_unread(R, &t, 0, 0, "table header not followed "
                                     "by a delimiter row ('| --- |')");
    free_table(&t);
}

/* A line that starts no block: a bullet, or prose that may name the
 * metrics' prefix. */
static int scan_prose(docs_reader *R, const docs_line *ln)
{
    if (!R->coder_marker && heading_ok(R) && docs_read_bullet(R, ln))
        return -1;
    if (!R->coder_marker && memchr(ln->p, '`', ln->len))
        prose_prefix(R, ln);
    return 0;
}

int docs_scan(docs_reader *R)
{
    const docs_line *v = R->lines;
    size_t n = R->nlines, from, to;
    find_generated(R, &from, &to);
    for (size_t i = 0; i < n; i++) {
        const docs_line *ln = &v[i];
        char fch;
        size_t fcount, hn;
        const char *ht;
        int level;
        if (fence_open(ln, &fch, &fcount)) {
            i = scan_fence(R, i, fch, fcount);
            continue;
        }
        if ((level = heading_level(ln, &ht, &hn)) != 0) {
            if (scan_heading(R, &i, level, ht, hn))
                return -1;
            continue;
        }
        if (i < from || i >= to)
            continue;
        size_t lead = lead_bytes(ln->p, ln->len);
        if (ln->len > lead + 5 && !strncasecmp(ln->p + lead, "<table", 6)) {
            if (scan_html_table(R, &i))
                return -1;
            continue;
        }
        int pipe = has_pipe(ln);
        if (pipe && i + 1 < n && delim_row(&v[i + 1]) &&
            v[i + 1].file == ln->file) {
            if (scan_pipe_table(R, &i, to))
                return -1;
            continue;
        }
        if (pipe && (i + 1 >= n || !has_pipe(&v[i + 1]) || !delim_row(&v[i + 1])))
            scan_headless(R, i);
        if (scan_prose(R, ln))
            return -1;
    }
    return 0;
}

int docs_scan_fences(docs_reader *R)
{
    for (size_t i = 0; i < R->nfences; i++)
        if (docs_read_fence(R, R->lines + R->fence_at[i], R->fence_len[i]))
            return -1;
    return 0;
}
