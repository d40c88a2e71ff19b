#define _GNU_SOURCE /* strcasestr */
/* docs_shapes.c: pages without metrics tables. One heading per metric
 * (caddy, ha_cluster_exporter), bullet lists (coredns, istio) and fenced
 * blocks of exposition text or series names. */
#include "specs/docs_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int line_blank(const docs_line *l)
{
    for (size_t i = 0; i < l->len; i++)
        if (!docs_is_space(l->p[i]))
            return 0;
    return 1;
}

static int level_of(const docs_line *l)
{
    size_t i = 0;
    int level = 0;
    while (i < l->len && l->p[i] == '#')
        level++, i++;
    if (!level || level > 6 || (i < l->len && !docs_is_space(l->p[i])))
        return 0;
    return level;
}

/* The metric a text names when it is nothing but one name (in a code
 * span or bare): "`caddy_http_requests_total`". */
static int sole_name(const char *p, size_t n, docs_name *out)
{
    char *t = pg_xstrndup(p, n);
    size_t k = strlen(t);
    while (k && (t[k - 1] == '#' || docs_is_space(t[k - 1])))
        t[--k] = '\0';
    docs_clean(t);
    int ticks = 0;
    for (const char *q = t; *q; q++) {
        if (*q == '`')
            ticks++;
        else if (docs_is_space(*q) && ticks != 1) {
            free(t);
            return -1; /* words outside the code span: prose */
        }
    }
    int rc = ticks > 2 ? -1 : docs_name_parse(t, out);
    free(t);
    if (!rc && !strchr(out->name, '_')) {
        docs_name_release(out);
        return -1;
    }
    return rc;
}

static void add_label(docs_labels *l, const char *name, size_t n)
{
    char why[80];
    char *s = pg_xstrndup(name, n);
    docs_labels one;
    if (!docs_labels_parse(s, &one, why, sizeof why)) {
        for (size_t i = 0; i < one.n; i++) {
            l->names = pg_xrealloc(l->names, (l->n + 1) * sizeof(char *));
            l->values = pg_xrealloc(l->values, (l->n + 1) * sizeof(char *));
            l->names[l->n] = one.names[i];
            l->values[l->n++] = one.values[i];
        }
        for (size_t i = 0; i < one.npatterns; i++) {
            l->patterns = pg_xrealloc(l->patterns,
                                      (l->npatterns + 1) * sizeof(char *));
            l->patterns[l->npatterns++] = one.patterns[i];
        }
        free(one.names);
        free(one.values);
        free(one.patterns);
    }
    free(s);
}

/* First code span of a line, or the first cell's text. */
static int first_span(const docs_line *l, size_t *a, size_t *z)
{
    const char *b = memchr(l->p, '`', l->len);
    if (!b)
        return 0;
    const char *e = memchr(b + 1, '`', l->len - (size_t)(b + 1 - l->p));
    if (!e)
        return 0;
    *a = (size_t)(b + 1 - l->p);
    *z = (size_t)(e - l->p);
    return 1;
}

static int is_bullet(const docs_line *l, size_t *text)
{
    size_t i = 0;
    while (i < l->len && docs_is_space(l->p[i]))
        i++;
    if (i + 1 < l->len && strchr("*-+", l->p[i]) && docs_is_space(l->p[i + 1])) {
        i += 2;
        while (i < l->len && docs_is_space(l->p[i]))
            i++;
        *text = i;
        return 1;
    }
    size_t d = i;
    while (d < l->len && isdigit((unsigned char)l->p[d]))
        d++;
    if (d > i && d + 1 < l->len && (l->p[d] == '.' || l->p[d] == ')') &&
        docs_is_space(l->p[d + 1])) {
        d += 2;
        while (d < l->len && docs_is_space(l->p[d]))
            d++;
        *text = d;
        return 1;
    }
    return 0;
}

/* What a metric's section says, read line by line. */
typedef struct section {
    docs_labels labels;
    pg_buf help;           /* the first paragraph */
    enum pg_type type;
    int in_labels;         /* under a "Labels" sub-heading */
    int para_done;
    int table;             /* 0 none, 1 a label table, 2 a key/value table */
} section;

/* The kind of a small table by its header: `Label | Description` lists
 * labels in its first column; `Type | Counter` rows give the type. */
static int table_kind(const char *low)
{
    const char *s = low;
    while (*s == ' ' || *s == '|')
        s++;
    if (!strncmp(s, "type", 4) || strstr(low, "| type"))
        return 2;
    return !strncmp(s, "label", 5) || !strncmp(s, "name", 4) ||
           !strncmp(s, "attribute", 9) || !strncmp(s, "tag", 3);
}

/* "Type: counter", "**Type**: counter" or a "| Type | Counter |" row. */
static enum pg_type type_row(const char *low)
{
    /* a row of a key/value table need not name the type */
    const char *word = strstr(low, "type");
    enum pg_type ty = word ? docs_type_in_text(word) : PG_TYPE_NONE;
    const char *bar = *low ? strchr(low + 1, '|') : NULL;
    if (ty != PG_TYPE_NONE || !bar)
        return ty;
    char *cell = pg_xstrdup(bar + 1), *tl = NULL;
    char *b2 = strchr(cell, '|');
    if (b2)
        *b2 = '\0';
    if (docs_type_word(cell, &ty, &tl))
        ty = PG_TYPE_NONE;
    free(tl);
    free(cell);
    return ty;
}

static void help_line(section *S, const docs_line *l)
{
    const char *s = l->p;
    size_t m = l->len;
    while (m && docs_is_space(*s))
        s++, m--;
    while (m && docs_is_space(s[m - 1]))
        m--;
    if (S->help.len)
        pg_buf_addc(&S->help, ' ');
    pg_buf_add(&S->help, s, m);
}

/* Reads line k of a section ending before e; returns the lines used. */
static size_t section_line(section *S, const docs_line *v, size_t k, size_t e)
{
    const docs_line *l = &v[k];
    if (line_blank(l) || level_of(l)) {
        if (S->help.len)
            S->para_done = 1;
        S->table = 0;
        if (level_of(l)) {
            char *h = pg_xstrndup(l->p, l->len);
            S->in_labels = strcasestr(h, "label") || strcasestr(h, "attribute") ||
                           strcasestr(h, "dimension");
            free(h);
        }
        return 1;
    }
    char *low = pg_xstrndup(l->p, l->len);
    for (char *q = low; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    size_t used = 1, bt, a, z;
    if (memchr(l->p, '|', l->len) && k + 1 < e &&
        memchr(v[k + 1].p, '-', v[k + 1].len) &&
        memchr(v[k + 1].p, '|', v[k + 1].len)) {
        S->table = table_kind(low);
        used = 2; /* and the delimiter row */
    } else if (S->table == 1) {
        const char *s = l->p;
        size_t m = l->len;
        while (m && (*s == ' ' || *s == '|'))
            s++, m--;
        const char *bar = memchr(s, '|', m);
        add_label(&S->labels, s, bar ? (size_t)(bar - s) : m);
    } else if (S->table == 2 || !strncmp(low, "| type", 6) ||
               !strncmp(low, "type:", 5) || !strncmp(low, "**type", 6)) {
        enum pg_type ty = type_row(low);
        if (ty != PG_TYPE_NONE)
            S->type = ty;
    } else if (S->in_labels && is_bullet(l, &bt)) {
        if (first_span(l, &a, &z))
            add_label(&S->labels, l->p + a, z - a);
    } else if (!S->para_done && !S->in_labels) {
        help_line(S, l);
    }
    free(low);
    return used;
}

int docs_read_heading_metric(docs_reader *R, const docs_line *v, size_t n,
                             size_t at, size_t *end)
{
    int level = level_of(&v[at]);
    size_t i = 0;
    while (i < v[at].len && (v[at].p[i] == '#' || docs_is_space(v[at].p[i])))
        i++;
    docs_name nm;
    if (sole_name(v[at].p + i, v[at].len - i, &nm))
        return 0;
    size_t e = at + 1;
    while (e < n && !(level_of(&v[e]) && level_of(&v[e]) <= level))
        e++;
    *end = e - 1;

    section S;
    memset(&S, 0, sizeof S);
    S.type = PG_TYPE_NONE;
    for (size_t k = 0; k < nm.braces.n; k++)
        add_label(&S.labels, nm.braces.names[k], strlen(nm.braces.names[k]));
    for (size_t k = at + 1; k < e;)
        k += section_line(&S, v, k, e);
    docs_metric dm;
    memset(&dm, 0, sizeof dm);
    dm.table = -1;
    dm.type = S.type;
    if (dm.type == PG_TYPE_NONE && S.help.p)
        dm.type = docs_type_in_text(S.help.p);
    docs_fold_series(nm.name, dm.type);
    dm.name = nm.name;
    dm.name_pattern = nm.pattern;
    dm.help = S.help.p ? S.help.p : "";
    docs_metric_labels(R, &dm, &S.labels, R->headings);
    int rc = docs_add(R, &dm, &v[at], (int)i + 1);
    pg_buf_release(&S.help);
    docs_labels_release(&S.labels);
    docs_name_release(&nm);
    return rc ? -1 : 1;
}

int docs_read_bullet(docs_reader *R, const docs_line *ln)
{
    size_t t;
    if (!is_bullet(ln, &t))
        return 0;
    const char *s = ln->p + t, *end = ln->p + ln->len;
    /* "**Human Name** (`name`): text" (istio) */
    const char *open = NULL;
    if (s + 2 < end && s[0] == '*' && s[1] == '*') {
        const char *q = s + 2;
        while (q + 1 < end && !(q[0] == '*' && q[1] == '*'))
            q++;
        if (q + 1 >= end)
            return 0;
        q += 2;
        while (q < end && docs_is_space(*q))
            q++;
        if (q + 1 < end && q[0] == '(' && q[1] == '`')
            open = q + 1;
        else
            return 0;
    } else if (s < end && *s == '`') {
        open = s;
    } else {
        return 0;
    }
    const char *close = memchr(open + 1, '`', (size_t)(end - open - 1));
    if (!close)
        return 0;
    const char *rest = close + 1;
    if (rest < end && *rest == ')')
        rest++;
    while (rest < end && docs_is_space(*rest))
        rest++;
    /* a separator, then a description: "- text", ": text", "– text" */
    size_t sep = 0;
    if (rest < end && (*rest == '-' || *rest == ':'))
        sep = 1;
    else if (end - rest >= 3 && (!strncmp(rest, "\xe2\x80\x93", 3) ||
                                 !strncmp(rest, "\xe2\x80\x94", 3)))
        sep = 3;
    if (!sep)
        return 0;
    rest += sep;
    while (rest < end && docs_is_space(*rest))
        rest++;
    docs_name nm;
    char *span = pg_xstrndup(open + 1, (size_t)(close - open - 1));
    int bad = docs_name_parse(span, &nm);
    free(span);
    if (bad)
        return 0;
    if (!strchr(nm.name, '_')) {
        docs_name_release(&nm);
        return 0;
    }
    char *help = pg_xstrndup(rest, (size_t)(end - rest));
    docs_metric dm;
    memset(&dm, 0, sizeof dm);
    dm.table = -1;
    dm.type = docs_type_in_text(help);
    docs_fold_series(nm.name, dm.type);
    dm.name = nm.name;
    dm.name_pattern = nm.pattern;
    dm.help = help;
    docs_metric_labels(R, &dm, &nm.braces, R->headings);
    int rc = docs_add(R, &dm, ln, (int)(open - ln->p) + 2 + ln->indent);
    free(help);
    docs_name_release(&nm);
    return rc;
}

/* ---- fenced blocks ------------------------------------------------------ */

typedef struct fence_fam {
    char *name;
    enum pg_type type;
    char *help;
    docs_labels labels;
    const docs_line *line;
} fence_fam;

static fence_fam *fam_get(fence_fam **v, size_t *n, const char *name,
                          size_t len, const docs_line *l)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen((*v)[i].name) == len && !strncmp((*v)[i].name, name, len))
            return &(*v)[i];
    *v = pg_xrealloc(*v, (*n + 1) * sizeof **v);
    fence_fam *f = &(*v)[(*n)++];
    memset(f, 0, sizeof *f);
    f->name = pg_xstrndup(name, len);
    f->type = PG_TYPE_NONE;
    f->line = l;
    return f;
}

static size_t name_len(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (isalnum((unsigned char)p[i]) || p[i] == '_' || p[i] == ':'))
        i++;
    return i;
}

/* The family a series name belongs to, given the TYPE lines seen. */
static fence_fam *series_family(fence_fam **v, size_t *n, const char *p,
                                size_t len, const docs_line *l)
{
    static const char *const sfx[] = { "_bucket", "_sum", "_count", "_total",
                                       "_created", "_info" };
    for (size_t i = 0; i < *n; i++) {
        size_t fl = strlen((*v)[i].name);
        if (fl == len && !strncmp((*v)[i].name, p, len))
            return &(*v)[i];
        if (len > fl && !strncmp((*v)[i].name, p, fl) &&
            (*v)[i].type != PG_TYPE_NONE)
            for (size_t s = 0; s < sizeof sfx / sizeof *sfx; s++)
                if (len - fl == strlen(sfx[s]) && !strncmp(p + fl, sfx[s], len - fl))
                    return &(*v)[i];
    }
    return fam_get(v, n, p, len, l);
}

/* What a fenced block holds, line by line. */
typedef struct fence_scan {
    fence_fam *fams;
    size_t nf;
    size_t typed, series, other;  /* TYPE lines, series lines, others */
} fence_scan;

/* "# TYPE name type" or "# HELP name text" (p is past the "# "). */
static void fence_meta(fence_scan *fs, const char *p, size_t len,
                       const docs_line *l)
{
    int is_type = p[2] == 'T';
    size_t nl = name_len(p + 7, len - 7);
    if (!nl)
        return;
    fence_fam *f = fam_get(&fs->fams, &fs->nf, p + 7, nl, l);
    const char *rest = p + 7 + nl;
    size_t rl = len - 7 - nl;
    while (rl && docs_is_space(*rest))
        rest++, rl--;
    if (is_type) {
        char *w = pg_xstrndup(rest, rl);
        char *tl = NULL;
        if (docs_type_word(w, &f->type, &tl))
            f->type = PG_TYPE_NONE;
        free(tl);
        free(w);
        fs->typed++;
    } else if (!f->help) {
        f->help = pg_xstrndup(rest, rl);
    }
}

/* The label names of a series' {...}, values skipped. */
static void fence_labels(fence_fam *f, const char *q, const char *e)
{
    while (q < e && *q != '}') {
        while (q < e && (docs_is_space(*q) || *q == ','))
            q++;
        size_t ll = name_len(q, (size_t)(e - q));
        if (!ll)
            break;
        add_label(&f->labels, q, ll);
        q += ll;
        /* skip ="value" */
        if (q < e && *q == '=') {
            q++;
            if (q < e && *q == '"') {
                q++;
                while (q < e && *q != '"')
                    q += *q == '\\' ? 2 : 1;
                q++;
            }
        }
    }
}

/* One line of the block (not its opening fence). */
static void fence_line(fence_scan *fs, const docs_line *l, int last)
{
    const char *p = l->p;
    size_t len = l->len;
    while (len && docs_is_space(*p))
        p++, len--;
    if (!len)
        return;
    if (len > 7 && (!strncmp(p, "# TYPE ", 7) || !strncmp(p, "# HELP ", 7))) {
        fence_meta(fs, p, len, l);
        return;
    }
    if (*p == '#' || (last && (*p == '`' || *p == '~')))
        return;
    size_t nl = name_len(p, len);
    if (!nl || (nl != len && p[nl] != '{' && p[nl] != ' ') ||
        !memchr(p, '_', nl)) {
        fs->other++;
        return;
    }
    fence_fam *f = series_family(&fs->fams, &fs->nf, p, nl, l);
    fs->series++;
    if (nl < len && p[nl] == '{')
        fence_labels(f, p + nl + 1, p + len);
}

/* Exposition text: TYPE lines, or an info string that says so. A bare
 * block of series is an example of one flag's output (node_exporter's
 * sysctl section), not the list of metrics. */
static int fence_is_exposition(const fence_scan *fs, const docs_line *open)
{
    char *info = pg_xstrndup(open->p, open->len);
    int expo_info = strcasestr(info, "prometheus") ||
                    strcasestr(info, "openmetrics") ||
                    strcasestr(info, "exposition");
    free(info);
    return (fs->typed || (expo_info && fs->series && !fs->other)) && fs->nf;
}

static int fence_add(docs_reader *R, fence_scan *fs)
{
    int rc = 0;
    for (size_t i = 0; i < fs->nf && !rc; i++) {
        fence_fam *f = &fs->fams[i];
        docs_metric dm;
        memset(&dm, 0, sizeof dm);
        dm.table = -1;
        dm.name = f->name;
        dm.type = f->type;
        dm.help = f->help ? f->help : "";
        docs_fold_series(f->name, f->type);
        docs_metric_labels(R, &dm, &f->labels, R->headings);
        if (!pg_metric_name_valid(f->name, strlen(f->name)))
            continue;
        rc = docs_add(R, &dm, f->line, 1);
    }
    return rc;
}

int docs_read_fence(docs_reader *R, const docs_line *v, size_t n)
{
    fence_scan fs;
    memset(&fs, 0, sizeof fs);
    for (size_t i = 1; i < n; i++)
        fence_line(&fs, &v[i], i == n - 1);
    int rc = fence_is_exposition(&fs, &v[0]) ? fence_add(R, &fs) : 0;
    for (size_t i = 0; i < fs.nf; i++) {
        free(fs.fams[i].name);
        free(fs.fams[i].help);
        docs_labels_release(&fs.fams[i].labels);
    }
    free(fs.fams);
    return rc;
}
