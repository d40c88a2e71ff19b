/* docs.c: see docs.h. The driver: inputs (files, directories, globs),
 * merging of what the shape readers find into one golden, lint, and the
 * fail-closed rules: a metrics table that could not be read is an error
 * unless told to keep going, and when nothing reads as metrics the tables
 * that were found are listed so a profile can be written.
 *
 * Shape readers: docs_table.c (pipe and HTML tables), docs_shapes.c (one
 * heading per metric, bullets, fenced blocks); the page model and block
 * scanner: docs_md.c; the cell vocabulary: docs_cell.c. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "specs/docs_int.h"

#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/names.h"
#include "core/sha256.h"

/* ---- patterns used by lint and versions --------------------------------- */

enum re_id {
    RE_UNIT_ABBREV,   /* abbreviated unit suffix */
    RE_UNIT_NONBASE,  /* spelled-out non-base unit */
    RE_VERSION,       /* date and commit in a file name */
    RE_NATIVE_HEAD,   /* heading of the native-histogram note */
    RE_FLAT_ROW,      /* a table row flattened to words (rendered page) */
    RE_COUNT
};

static const char *const re_src[RE_COUNT] = {
    [RE_UNIT_ABBREV] =
        "_(ms|us|ns|s|sec|secs|min|mins|hr|hrs|kb|mb|gb|kib|mib|gib|pct)"
        "(?:_total)?$",
    [RE_UNIT_NONBASE] =
        "_(milliseconds?|microseconds?|nanoseconds?|minutes?|hours?|days?|"
        "kilobytes|megabytes|gigabytes|percent)(?:_total)?$",
    [RE_VERSION] = "(\\d{4}-\\d{2}-\\d{2})[.-]([0-9a-f]{7,40})(?:\\.|$)",
    [RE_NATIVE_HEAD] = "^#+\\s.*native\\s+histogram",
    [RE_FLAT_ROW] = "^[a-zA-Z_:][a-zA-Z0-9_:]*_[a-zA-Z0-9_:]* "
                    "(?:counter|gauge|histogram|summary|untyped) \\S",
};

static pcre2_code *re_cache[RE_COUNT];

static pcre2_code *re_get(enum re_id id)
{
    if (!re_cache[id]) {
        int code;
        PCRE2_SIZE off;
        uint32_t opts = PCRE2_UTF;
        if (id == RE_NATIVE_HEAD)
            opts |= PCRE2_CASELESS;
        re_cache[id] = pcre2_compile((PCRE2_SPTR)re_src[id],
                                     PCRE2_ZERO_TERMINATED, opts, &code, &off,
                                     NULL);
        if (!re_cache[id]) {
            /* A built-in pattern that does not compile is a bug. */
            fprintf(stderr, "promgate: bad built-in pattern %d at %zu\n",
                    (int)id, (size_t)off);
            abort();
        }
    }
    return re_cache[id];
}

/* Matches pattern id against s[0..len); on a match stores up to n ovector
 * pairs and returns the pair count, else 0. */
static int re_match(enum re_id id, const char *s, size_t len, size_t *ov, int n)
{
    pcre2_code *re = re_get(id);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    if (rc > 0 && ov) {
        PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);
        for (int i = 0; i < rc && i < n; i++) {
            ov[2 * i] = v[2 * i];
            ov[2 * i + 1] = v[2 * i + 1];
        }
    }
    pcre2_match_data_free(md);
    return rc > 0 ? rc : 0;
}

char *pg_docs_version_from_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t ov[6];
    if (re_match(RE_VERSION, base, strlen(base), ov, 3) < 3)
        return NULL;
    pg_buf b = PG_BUF_INIT;
    pg_buf_add(&b, base + ov[2], ov[3] - ov[2]);
    pg_buf_addc(&b, ' ');
    pg_buf_add(&b, base + ov[4], ov[5] - ov[4]);
    return pg_buf_detach(&b);
}

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
    if (re_match(RE_UNIT_ABBREV, m->name, n, ov, 2) >= 2)
        docs_warn(R, "unit-abbrev", ln, column,
                  "abbreviated unit '%.*s' in metric name '%s'",
                  (int)(ov[3] - ov[2]), m->name + ov[2], m->name);
    else if (re_match(RE_UNIT_NONBASE, m->name, n, ov, 2) >= 2)
        docs_warn(R, "unit-base", ln, column,
                  "non-base unit '%.*s' in metric name '%s'",
                  (int)(ov[3] - ov[2]), m->name + ov[2], m->name);
}

static size_t find_metric(const pg_golden *g, const char *name)
{
    for (size_t i = 0; i < g->nmetrics; i++)
        if (!strcmp(g->metrics[i].name, name))
            return i;
    return (size_t)-1;
}

/* Scans the text outside tables for backticked metric names: names in a
 * section whose heading mentions native histograms mark those histograms;
 * names that share a prefix with documented ones but are not documented
 * are lint findings (a note naming a metric that does not exist). */
static void scan_notes(docs_reader *R, size_t first, size_t end)
{
    int in_native = 0;
    for (size_t i = first; i < end; i++) {
        const docs_line *ln = &R->lines[i];
        if (ln->len && ln->p[0] == '#')
            in_native = re_match(RE_NATIVE_HEAD, ln->p, ln->len, NULL, 0);
        if (memchr(ln->p, '|', ln->len))
            continue; /* table rows were read as such */
        const char *p = ln->p, *e = ln->p + ln->len;
        while ((p = memchr(p, '`', (size_t)(e - p))) != NULL) {
            const char *q = memchr(p + 1, '`', (size_t)(e - p - 1));
            if (!q)
                break;
            const char *tok = p + 1;
            size_t tlen = (size_t)(q - tok);
            int col = (int)(tok - ln->p) + 1 + ln->indent;
            p = q + 1;
            if (!tlen || tok[tlen - 1] == '_' ||
                !pg_metric_name_valid(tok, tlen) || !memchr(tok, '_', tlen))
                continue;
            /* Only tokens that share a prefix with a documented name are
             * taken for metric names (`scrape_config` is not one). */
            size_t seg = (size_t)((const char *)memchr(tok, '_', tlen) - tok);
            int prefixed = 0;
            for (size_t k = 0; k < R->g->nmetrics && !prefixed; k++)
                prefixed = !strncmp(R->g->metrics[k].name, tok, seg + 1);
            if (!prefixed)
                continue;
            char *name = pg_xstrndup(tok, tlen);
            size_t k = find_metric(R->g, name);
            if (k == (size_t)-1) {
                /* A series name of a documented family is fine. */
                static const char *const sfx[] = { "_bucket", "_sum", "_count",
                                                   "_total", "_created" };
                for (size_t s = 0; s < 5 && k == (size_t)-1; s++) {
                    size_t sl = strlen(sfx[s]);
                    if (tlen > sl && !strcmp(name + tlen - sl, sfx[s])) {
                        name[tlen - sl] = '\0';
                        k = find_metric(R->g, name);
                        name[tlen - sl] = sfx[s][0];
                    }
                }
                /* a namespace ("the `etcd_debugging` prefix") or a
                 * templated docs set is not a misspelt name */
                int templated = 0;
                for (size_t t = 0; t < R->g->nmetrics && !templated; t++)
                    templated = R->g->metrics[t].name_pattern != NULL ||
                                (!strncmp(R->g->metrics[t].name, name, tlen) &&
                                 R->g->metrics[t].name[tlen] == '_');
                if (k == (size_t)-1 && !templated)
                    docs_warn(R, "note-name", ln, col,
                              "metric '%s' named in the text is not in the "
                              "metrics table", name);
            } else if (in_native &&
                       R->g->metrics[k].type == PG_TYPE_HISTOGRAM) {
                R->g->metrics[k].native_histogram = 1;
            }
            free(name);
        }
    }
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

static void add_label(pg_golden_metric *m, const char *name, const char *values)
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
        add_label(m, dm->labels[i], dm->label_values ? dm->label_values[i] : NULL);
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

int docs_add(docs_reader *R, const docs_metric *dm, const docs_line *ln,
             int column)
{
    const pg_docs_profile *prof = R->opts ? R->opts->profile : NULL;
    const char *prefix = prof && prof->prefix ? prof->prefix : R->prose_prefix;
    pg_buf name = PG_BUF_INIT, pat = PG_BUF_INIT;
    if (prefix && strncmp(dm->name, prefix, strlen(prefix))) {
        pg_buf_adds(&name, prefix);
        if (dm->name_pattern)
            pg_buf_adds(&pat, prefix); /* a name prefix needs no escape */
    }
    pg_buf_adds(&name, dm->name);
    if (dm->name_pattern)
        pg_buf_adds(&pat, dm->name_pattern);
    int rc = 0;
    size_t k = find_metric(R->g, name.p);
    if (k != (size_t)-1) {
        pg_golden_metric *o = &R->g->metrics[k];
        docs_origin *og = &R->origin[k];
        if (dm->table >= 0 && og->table == dm->table) {
            /* the same table twice: an identical row is redundant (lint);
             * a row that disagrees cannot become one golden entry */
            pg_golden_metric tmp;
            memset(&tmp, 0, sizeof tmp);
            tmp.name = name.p;
            tmp.type = dm->type;
            tmp.help = (char *)(dm->help ? dm->help : "");
            char **labels = pg_xcalloc(dm->nlabels + 1, sizeof *labels);
            for (size_t i = 0; i < dm->nlabels; i++)
                labels[i] = pg_xstrdup(dm->labels[i]);
            tmp.labels = labels;
            tmp.nlabels = dm->nlabels;
            pg_golden_metric_normalize(&tmp);
            if (same_metric(o, &tmp))
                docs_warn(R, "duplicate-row", ln, column,
                          "duplicate row for metric '%s' (first at line %d)",
                          name.p, og->line);
            else
                rc = docs_fail(R, ln, column,
                               "duplicate metric '%s' (first at line %d) with "
                               "a different type, labels or description",
                               name.p, og->line);
            for (size_t i = 0; i < tmp.nlabels; i++)
                free(tmp.labels[i]);
            free(tmp.labels);
        } else if (dm->type != PG_TYPE_NONE && o->type != PG_TYPE_NONE &&
                   dm->type != o->type) {
            rc = docs_fail(R, ln, column,
                           "metric '%s' documented as %s here and as %s at "
                           "%s:%d", name.p, pg_type_name(dm->type),
                           pg_type_name(o->type),
                           docs_file(R, og->file), og->line);
        } else {
            /* documented again elsewhere: one entry, every place kept */
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
        }
        pg_buf_release(&name);
        pg_buf_release(&pat);
        return rc;
    }
    pg_golden_metric *m = pg_golden_add(R->g, name.p);
    R->origin = pg_xrealloc(R->origin, R->g->nmetrics * sizeof *R->origin);
    R->origin[R->g->nmetrics - 1] =
        (docs_origin){ ln->file, ln->lineno, column, dm->table };
    if (pat.p)
        m->name_pattern = pg_buf_detach(&pat);
    m->type = PG_TYPE_NONE;
    if (dm->condition)
        m->condition = pg_xstrdup(dm->condition);
    fill(m, dm);
    pg_golden_metric_normalize(m);
    lint_name(R, m, ln, column);
    pg_buf_release(&name);
    pg_buf_release(&pat);
    return 0;
}

/* ---- inputs ------------------------------------------------------------- */

typedef struct input {
    char *path;
    char *root;      /* includes must stay under it */
} input;

static int docs_ext(const char *name)
{
    static const char *const ext[] = { ".md", ".mdx", ".markdown", ".html",
                                       ".htm" };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && !strcasecmp(name + n - e, ext[i]))
            return 1;
    }
    return 0;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_input(input **v, size_t *n, const char *path, const char *root)
{
    *v = pg_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n].path = pg_xstrdup(path);
    (*v)[*n].root = pg_xstrdup(root);
    (*n)++;
}

static char *dir_part(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? pg_xstrndup(path, s == path ? 1 : (size_t)(s - path))
             : pg_xstrdup(".");
}

static char *real_or_copy(const char *p)
{
    char buf[PATH_MAX];
    return pg_xstrdup(realpath(p, buf) ? buf : p);
}

/* Directories are walked in name order, so the golden is the same on
 * every machine. */
static int walk_dir(const char *dir, const char *root, input **v, size_t *n,
                    int depth, pg_error *err)
{
    if (depth > 16)
        return pg_error_set(err, dir, 0, 0, "directories nested too deep");
    DIR *d = opendir(dir);
    if (!d)
        return pg_error_set(err, dir, 0, 0, "cannot read directory");
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = pg_xrealloc(names, (nn + 1) * sizeof *names);
        names[nn++] = pg_xstrdup(e->d_name);
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_cstr);
    int rc = 0;
    for (size_t i = 0; i < nn; i++) {
        pg_buf p = PG_BUF_INIT;
        pg_buf_addf(&p, "%s/%s", dir, names[i]);
        struct stat st;
        if (!rc && !stat(p.p, &st)) {
            if (S_ISDIR(st.st_mode))
                rc = walk_dir(p.p, root, v, n, depth + 1, err);
            else if (docs_ext(names[i]))
                add_input(v, n, p.p, root);
        }
        pg_buf_release(&p);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int expand_inputs(const char *const *paths, size_t n,
                         const pg_docs_opts *opts, input **out, size_t *nout,
                         pg_error *err)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        const char *p = paths[i];
        if (!stat(p, &st) && S_ISDIR(st.st_mode)) {
            char *root = real_or_copy(opts && opts->root ? opts->root : p);
            size_t before = *nout;
            int rc = walk_dir(p, root, out, nout, 0, err);
            free(root);
            if (rc)
                return -1;
            if (*nout == before)
                return pg_error_set(err, p, 0, 0,
                                    "no docs files (*.md, *.mdx, *.markdown, "
                                    "*.html) in directory");
            continue;
        }
        if (stat(p, &st) && strpbrk(p, "*?[")) {
            glob_t gl;
            int g = glob(p, 0, NULL, &gl);
            if (g || !gl.gl_pathc) {
                if (!g)
                    globfree(&gl);
                return pg_error_set(err, p, 0, 0, "no file matches");
            }
            for (size_t k = 0; k < gl.gl_pathc; k++) {
                char *d = dir_part(gl.gl_pathv[k]);
                char *root = real_or_copy(opts && opts->root ? opts->root : d);
                add_input(out, nout, gl.gl_pathv[k], root);
                free(root);
                free(d);
            }
            globfree(&gl);
            continue;
        }
        char *d = dir_part(p);
        char *root = real_or_copy(opts && opts->root ? opts->root : d);
        add_input(out, nout, p, root);
        free(root);
        free(d);
    }
    return 0;
}

/* ---- the reader --------------------------------------------------------- */

static void reset_page(docs_reader *R)
{
    R->nlines = 0;
    for (int l = 0; l < 7; l++) {
        free(R->heads[l]);
        R->heads[l] = NULL;
    }
    free(R->headings);
    R->headings = NULL;
    free(R->prose_prefix);
    R->prose_prefix = NULL;
    R->prom_tab = 0;
    R->coder_marker = 0;
    R->nfences = 0;
}

static void reader_release(docs_reader *R)
{
    reset_page(R);
    for (size_t i = 0; i < R->nfiles; i++) {
        free(R->files[i]);
        free(R->bufs[i]);
    }
    free(R->files);
    free(R->bufs);
    free(R->lens);
    free(R->lines);
    free(R->origin);
    free(R->stack);
    free(R->fence_at);
    free(R->fence_len);
    for (size_t i = 0; i < R->nunread; i++) {
        free(R->unread[i].header);
        free(R->unread[i].why);
    }
    free(R->unread);
    for (size_t i = 0; i < R->nseen; i++)
        free(R->seen[i].header);
    free(R->seen);
    pg_golden_free(R->g);
}

/* Reads one top-level page (its includes expanded) and runs the shape
 * readers over it. */
static int read_page(docs_reader *R, const char *path, const char *root,
                     const char *data, size_t len)
{
    reset_page(R);
    R->root = root;
    size_t before = R->g->nmetrics;
    int rc = data ? docs_load_buffer(R, path, pg_xstrndup(data, len), len, 0,
                                     NULL)
                  : docs_load_file(R, path, 0, NULL);
    if (rc)
        return -1;
    if (!R->nlines && (!data || !len) && R->nfiles && !R->lens[R->nfiles - 1])
        return pg_error_set(R->err, path, 0, 0, "empty file, no metrics table");
    size_t nlines = R->nlines;
    if (docs_scan(R))
        return -1;
    if (R->coder_marker && R->g->nmetrics == before && !R->coder_marker_seen)
        R->coder_marker_seen = R->coder_marker;
    if (R->g->nmetrics == before && docs_scan_fences(R))
        return -1;
    scan_notes(R, 0, nlines);
    return 0;
}

/* The listing of tables when nothing matched, and the flattened-page
 * hint (a page rendered to text keeps rows but not pipes). */
static int nothing_found(docs_reader *R, const char *first)
{
    for (size_t i = 0; i < R->nseen; i++) {
        docs_line l = { NULL, 0, R->seen[i].file, R->seen[i].line, 0, 0 };
        docs_warn(R, "table-found", &l, 0, "table not read as metrics: %s",
                  R->seen[i].header);
    }
    for (size_t f = 0; f < R->nfiles; f++) {
        const char *p = R->bufs[f], *e = p + R->lens[f];
        int line = 0, flat_line = 0;
        size_t nflat = 0;
        while (p < e) {
            const char *nl = memchr(p, '\n', (size_t)(e - p));
            size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p);
            line++;
            if (re_match(RE_FLAT_ROW, p, l, NULL, 0) && nflat++ == 0)
                flat_line = line;
            p = nl ? nl + 1 : e;
        }
        if (nflat >= 3)
            return pg_error_set(R->err, R->files[f], flat_line, 1,
                                "no Markdown metrics table: rows look "
                                "flattened to plain text (a rendered page); "
                                "use the Markdown source");
    }
    if (R->coder_marker_seen)
        return pg_error_set(R->err, first, R->coder_marker_seen, 1,
                            "generated section has no metrics table");
    if (R->nseen)
        return pg_error_set(R->err, first, 0, 0,
                            "no metrics found: %zu table%s listed above, none "
                            "read as metrics (a name column of metric names, "
                            "or a type or labels column; a docs profile can "
                            "add header synonyms)", R->nseen,
                            R->nseen == 1 ? "" : "s");
    return pg_error_set(R->err, first, 0, 0,
                        "no metrics found: no tables, metric headings, "
                        "bullets or exposition blocks");
}

/* Fail closed: a metrics table that could not be read makes the golden
 * partial, which is an error unless the caller keeps going. */
static int report_unread(docs_reader *R)
{
    int keep = R->opts && R->opts->keep_going;
    for (size_t i = keep ? 0 : 1; i < R->nunread; i++) {
        docs_table_note *u = &R->unread[i];
        docs_line l = { NULL, 0, u->file, u->row_line ? u->row_line : u->line,
                        0, 0 };
        docs_warn(R, "unread-table", &l, u->row_column,
                  "metrics table at line %d not read (%s): %s", u->line,
                  u->header, u->why);
    }
    if (keep || !R->nunread)
        return 0;
    docs_table_note *u = &R->unread[0];
    const char *more = R->nunread > 1 ? "; more tables not read, listed above"
                                      : "";
    if (u->row_line)
        return pg_error_set(R->err, docs_file(R, u->file), u->row_line,
                            u->row_column, "%s (metrics table at line %d: "
                            "%s)%s", u->why, u->line, u->header, more);
    return pg_error_set(R->err, docs_file(R, u->file), u->line, 1, "%s (%s)%s",
                        u->why, u->header, more);
}

/* Series documented one by one (x_sum and x_count, maybe x_bucket) are
 * one family x: histogram with a _bucket, else summary. A lone x_count is
 * left alone: it may be a family of that name. */
static void fold_siblings(docs_reader *R)
{
    pg_golden *g = R->g;
    for (size_t i = 0; i < g->nmetrics; i++) {
        size_t stem;
        if (g->metrics[i].name_pattern ||
            docs_series_suffix(g->metrics[i].name, &stem) < 0)
            continue;
        unsigned seen = 0;
        for (size_t k = 0; k < g->nmetrics; k++) {
            size_t st;
            int s = docs_series_suffix(g->metrics[k].name, &st);
            if (s >= 0 && st == stem &&
                !strncmp(g->metrics[k].name, g->metrics[i].name, stem))
                seen |= 1u << s;
        }
        if (seen != 7u && seen != 6u)
            continue;
        char *fam = pg_xstrndup(g->metrics[i].name, stem);
        if (find_metric(g, fam) != (size_t)-1) {
            free(fam);
            continue;
        }
        pg_golden_metric *m = &g->metrics[i];
        free(m->name);
        m->name = fam;
        if (m->type == PG_TYPE_NONE || m->type == PG_TYPE_COUNTER ||
            m->type == PG_TYPE_GAUGE || m->type == PG_TYPE_UNTYPED)
            m->type = seen & 1u ? PG_TYPE_HISTOGRAM : PG_TYPE_SUMMARY;
        for (size_t k = g->nmetrics; k-- > 0;) {
            size_t st;
            if (k == i || docs_series_suffix(g->metrics[k].name, &st) < 0 ||
                st != stem || strncmp(g->metrics[k].name, fam, stem))
                continue;
            for (size_t l = 0; l < g->metrics[k].nlabels; l++)
                add_label(&g->metrics[i], g->metrics[k].labels[l], NULL);
            pg_golden_metric_release(&g->metrics[k]);
            memmove(&g->metrics[k], &g->metrics[k + 1],
                    (g->nmetrics - k - 1) * sizeof *g->metrics);
            memmove(&R->origin[k], &R->origin[k + 1],
                    (g->nmetrics - k - 1) * sizeof *R->origin);
            g->nmetrics--;
            if (k < i)
                i--;
        }
        pg_golden_metric_normalize(&g->metrics[i]);
    }
}

static pg_golden *finish(docs_reader *R, const char *first)
{
    fold_siblings(R);
    if (report_unread(R))
        return NULL;
    if (!R->g->nmetrics) {
        nothing_found(R, first);
        return NULL;
    }
    for (size_t i = 0; i < R->nfiles; i++) {
        const char *b = strrchr(R->files[i], '/');
        char hex[65];
        pg_sha256_hex(R->bufs[i], R->lens[i], hex);
        pg_golden_add_source(R->g, b ? b + 1 : R->files[i], hex);
    }
    if (R->opts && R->opts->version)
        R->g->version = pg_xstrdup(R->opts->version);
    else
        R->g->version = pg_docs_version_from_name(first);
    pg_golden_sort(R->g);
    pg_golden *g = R->g;
    R->g = NULL;
    return g;
}

pg_golden *pg_docs_load_paths(const char *const *paths, size_t n,
                              const pg_docs_opts *opts, pg_error *err)
{
    input *in = NULL;
    size_t nin = 0;
    docs_reader R;
    memset(&R, 0, sizeof R);
    R.opts = opts;
    R.err = err;
    R.g = pg_golden_new("docs");
    pg_golden *g = NULL;
    if (!n) {
        pg_error_set(err, "<docs>", 0, 0, "no docs input given");
        goto out;
    }
    if (expand_inputs(paths, n, opts, &in, &nin, err))
        goto out;
    for (size_t i = 0; i < nin; i++)
        if (read_page(&R, in[i].path, in[i].root, NULL, 0))
            goto out;
    g = finish(&R, nin == 1 && opts && opts->source ? opts->source : in[0].path);
out:
    for (size_t i = 0; i < nin; i++) {
        free(in[i].path);
        free(in[i].root);
    }
    free(in);
    reader_release(&R);
    return g;
}

pg_golden *pg_docs_load(const char *path, const pg_docs_opts *opts,
                        pg_error *err)
{
    return pg_docs_load_paths(&path, 1, opts, err);
}

pg_golden *pg_docs_parse(const char *buf, size_t len, const pg_docs_opts *opts,
                         pg_error *err)
{
    const char *src = opts && opts->source ? opts->source : "<docs>";
    if (!len) {
        pg_error_set(err, src, 0, 0, "empty file, no metrics table");
        return NULL;
    }
    docs_reader R;
    memset(&R, 0, sizeof R);
    R.opts = opts;
    R.err = err;
    R.g = pg_golden_new("docs");
    char *d = dir_part(src);
    char *root = real_or_copy(opts && opts->root ? opts->root : d);
    pg_golden *g = NULL;
    if (!read_page(&R, src, root, buf, len))
        g = finish(&R, src);
    free(root);
    free(d);
    reader_release(&R);
    return g;
}

int pg_docs_sniff(const char *buf, size_t len)
{
    /* a header row with a metric name column and a type column */
    const char *p = buf, *e = buf + len;
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p);
        if (memchr(p, '|', l)) {
            char *s = pg_xstrndup(p, l);
            for (char *q = s; *q; q++)
                *q = (char)tolower((unsigned char)*q);
            int hit = (strstr(s, "name") || strstr(s, "metric")) &&
                      strstr(s, "type");
            free(s);
            if (hit)
                return 1;
        }
        p = nl ? nl + 1 : e;
    }
    return 0;
}
