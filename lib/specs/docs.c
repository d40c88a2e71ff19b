/* docs.c: see docs.h. The entry point of the docs readers: inputs
 * (files, directories, globs), one page after another through the block
 * scanner, and the fail-closed rules: a metrics table that could not be
 * read is an error unless told to keep going, and when nothing reads as
 * metrics the tables that were found are listed so a profile can be
 * written. Text outside tables is linted for metric names.
 *
 * Below it, each calling only those under it: the block scanner and page
 * model (docs_md.c); the shape readers, docs_table.c (pipe and HTML
 * tables) and docs_shapes.c (one heading per metric, bullets, fenced
 * blocks); the golden being built (docs_model.c); the cell vocabulary
 * (docs_cell.c) and the built-in patterns (docs_re.c). */
#include "specs/docs_int.h"

#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/names.h"
#include "core/sha256.h"

char *pg_docs_version_from_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t ov[6];
    if (docs_re_match(RE_VERSION, base, strlen(base), ov, 3) < 3)
        return NULL;
    pg_buf b = PG_BUF_INIT;
    pg_buf_add(&b, base + ov[2], ov[3] - ov[2]);
    pg_buf_addc(&b, ' ');
    pg_buf_add(&b, base + ov[4], ov[5] - ov[4]);
    return pg_buf_detach(&b);
}

/* ---- lint of the text outside tables ----------------------------------- */

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
            in_native = docs_re_match(RE_NATIVE_HEAD, ln->p, ln->len, NULL, 0);
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
            size_t k = docs_find_metric(R->g, name);
            if (k == (size_t)-1) {
                /* A series name of a documented family is fine. */
                static const char *const sfx[] = { "_bucket", "_sum", "_count",
                                                   "_total", "_created" };
                for (size_t s = 0; s < 5 && k == (size_t)-1; s++) {
                    size_t sl = strlen(sfx[s]);
                    if (tlen > sl && !strcmp(name + tlen - sl, sfx[s])) {
                        name[tlen - sl] = '\0';
                        k = docs_find_metric(R->g, name);
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
            if (docs_re_match(RE_FLAT_ROW, p, l, NULL, 0) && nflat++ == 0)
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
        if (docs_find_metric(g, fam) != (size_t)-1) {
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
                docs_metric_add_label(&g->metrics[i], g->metrics[k].labels[l], NULL);
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
