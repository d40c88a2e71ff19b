/* golden_expo.c: see golden_expo.h. */
#include "specs/golden_expo.h"


#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "specs/docs.h"
#include "expo/expo.h"
#include "core/num.h"
#include "core/strmap.h"
#include "core/sha256.h"

/* One family as seen in one input. */
typedef struct fam {
    char *name;
    enum pg_type type;
    int has_type;        /* the family callback reported it */
    char *help;
    char **labels;
    size_t nlabels, caplabels;
    double *buckets;
    size_t nbuckets, capbuckets;
    int saw_bucket;
} fam;

struct pg_gexpo {
    pg_golden *g;        /* merged result so far */
    /* per input */
    fam *fams;
    size_t nfams, capfams;
    pg_strmap idx;       /* family name -> position + 1 */
    enum pg_format format;
};

static fam *fam_get(pg_gexpo *x, pg_str name)
{
    size_t at = (size_t)(uintptr_t)pg_strmap_get(&x->idx, name.p, name.len);
    if (at)
        return &x->fams[at - 1];
    if (x->nfams == x->capfams) {
        x->capfams = x->capfams ? x->capfams * 2 : 64;
        x->fams = pg_xrealloc(x->fams, x->capfams * sizeof *x->fams);
    }
    fam *f = &x->fams[x->nfams++];
    memset(f, 0, sizeof *f);
    f->name = pg_xstrndup(name.p, name.len);
    pg_strmap_put(&x->idx, name.p, name.len, (void *)(uintptr_t)x->nfams);
    return f;
}

static void fam_add_label(fam *f, pg_str l)
{
    for (size_t i = 0; i < f->nlabels; i++)
        if (pg_str_eq(l, f->labels[i]))
            return;
    if (f->nlabels == f->caplabels) {
        f->caplabels = f->caplabels ? f->caplabels * 2 : 8;
        f->labels = pg_xrealloc(f->labels, f->caplabels * sizeof *f->labels);
    }
    f->labels[f->nlabels++] = pg_xstrndup(l.p, l.len);
}

static void fam_add_bucket(fam *f, double d)
{
    for (size_t i = 0; i < f->nbuckets; i++)
        if (f->buckets[i] == d)
            return;
    if (f->nbuckets == f->capbuckets) {
        f->capbuckets = f->capbuckets ? f->capbuckets * 2 : 16;
        f->buckets = pg_xrealloc(f->buckets, f->capbuckets * sizeof *f->buckets);
    }
    f->buckets[f->nbuckets++] = d;
}

static void fams_clear(pg_gexpo *x)
{
    for (size_t i = 0; i < x->nfams; i++) {
        fam *f = &x->fams[i];
        free(f->name);
        free(f->help);
        for (size_t k = 0; k < f->nlabels; k++)
            free(f->labels[k]);
        free(f->labels);
        free(f->buckets);
    }
    x->nfams = 0;
    pg_strmap_release(&x->idx, NULL);
}

pg_gexpo *pg_gexpo_new(void)
{
    pg_gexpo *x = pg_xcalloc(1, sizeof *x);
    x->g = pg_golden_new("exposition");
    return x;
}

void pg_gexpo_free(pg_gexpo *x)
{
    if (!x)
        return;
    fams_clear(x);
    free(x->fams);
    pg_golden_free(x->g);
    free(x);
}

/* ---- parser callbacks --------------------------------------------------- */

struct run {
    pg_gexpo *x;
    const char *text;    /* the input as parsed, to look at a fault's line */
    size_t len;
    pg_diag first;       /* first error diag */
    int has_first;
    pg_diag syntax;      /* first line the parser could not read */
    int has_syntax;
};

static int ends_with(pg_str s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.len >= n && !memcmp(s.p + s.len - n, suffix, n);
}

static int on_sample(void *ctx, const pg_sample *s)
{
    struct run *R = ctx;
    fam *f = fam_get(R->x, s->family.len ? s->family : s->name);
    int is_bucket = ends_with(s->name, "_bucket");
    for (size_t i = 0; i < s->nlabels; i++) {
        pg_str n = s->labels[i].name;
        /* le and quantile belong to the histogram/summary structure
         * (exposition format: "Histograms and summaries"). */
        if (pg_str_eq(n, "le") || pg_str_eq(n, "quantile")) {
            if (pg_str_eq(n, "le") && is_bucket) {
                pg_str v = s->labels[i].value;
                double d;
                f->saw_bucket = 1;
                if (pg_num_parse(v.p, v.len, &d) == PG_NUM_OK && isfinite(d))
                    fam_add_bucket(f, d);
            }
            continue;
        }
        fam_add_label(f, n);
    }
    return 0;
}

static int on_family(void *ctx, const pg_family_info *fi)
{
    struct run *R = ctx;
    fam *f = fam_get(R->x, fi->name);
    if (!f->has_type) {
        f->has_type = 1;
        f->type = fi->type;
        free(f->help);
        f->help = fi->has_help ? pg_xstrndup(fi->help.p, fi->help.len)
                               : pg_xstrdup("");
    }
    return 0;
}

/* The spec sections whose rules say how a line is written (grammar,
 * escapes, numbers, strings, limits; for protobuf its wire encoding): a
 * fault against one of them means the parser could not read the line or
 * message, and what it would have said is lost. Other errors (a family split, a HELP without samples, a histogram
 * sample without a suffix, a type's rules) leave every line read, and
 * Coder's own generator files have them. */
static int is_grammar_rule(const char *rule)
{
    static const char *const sections[] = {
        "sample syntax (EBNF)", "Line format", "ABNF", "Escaping", "Numbers",
        "Strings", "quoted metric and label names", "parser limits",
        "Protobuf format, wire encoding",
    };
    const char *p = rule ? strstr(rule, ": ") : NULL;
    if (!p)
        return 0;
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        if (!strncmp(p + 2, sections[i], strlen(sections[i])))
            return 1;
    return 0;
}

/* Whether the line holding byte offset `at` is a TYPE line. */
static int on_type_line(const char *text, size_t len, uint64_t at)
{
    if (at > len)
        return 0;
    size_t start = (size_t)at;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    return len - start >= 7 && !memcmp(text + start, "# TYPE ", 7);
}

/* A syntax error: a grammar rule broken, or a TYPE line that could not be
 * read (the text format cites its comment section for both TYPE and HELP
 * lines; a HELP text with an undefined escape is still read, as written,
 * and Coder's generator writes `\"` in HELP). */
static int is_syntax_error(const struct run *R, const pg_diag *d)
{
    if (d->level != PG_LEVEL_ERROR)
        return 0;
    if (is_grammar_rule(d->rule))
        return 1;
    return d->rule && strstr(d->rule, ": Comments, help text") &&
           on_type_line(R->text, R->len, d->offset);
}

static void on_diag(void *ctx, const pg_diag *d)
{
    struct run *R = ctx;
    if (d->level == PG_LEVEL_ERROR && !R->has_first) {
        R->first = *d;
        R->has_first = 1;
    }
    if (!R->has_syntax && is_syntax_error(R, d)) {
        R->syntax = *d;
        R->has_syntax = 1;
    }
}

/* ---- Markdown pages ----------------------------------------------------- */

static int line_starts(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

/* Returns the exposition text inside fenced code blocks that hold "# TYPE"
 * lines, or NULL if buf has no fence (plain exposition text never has a
 * line starting with ```). Lines "..." (an elided sample list) are
 * dropped. Lines outside the blocks become empty lines, so parser line
 * numbers still point into the page. */
static char *extract_fenced(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    int any_fence = 0;
    for (const char *q = p; q < end;) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *le = nl ? nl : end;
        if (line_starts(q, le, "```"))
            any_fence = 1;
        q = nl ? nl + 1 : end;
    }
    if (!any_fence)
        return NULL;
    pg_buf out = PG_BUF_INIT;
    pg_buf block = PG_BUF_INIT;
    size_t block_lines = 0;
    int in = 0, has_type = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (line_starts(p, le, "```")) {
            if (in) {
                if (has_type)
                    pg_buf_add(&out, block.p ? block.p : "", block.len);
                else
                    for (size_t i = 0; i < block_lines; i++)
                        pg_buf_addc(&out, '\n');
                pg_buf_release(&block);
                block_lines = 0;
                has_type = 0;
            }
            in = !in;
            pg_buf_addc(&out, '\n');
        } else if (in) {
            size_t n = (size_t)(le - p);
            if (!(n == 3 && !memcmp(p, "...", 3))) {
                pg_buf_add(&block, p, n);
                if (line_starts(p, le, "# TYPE "))
                    has_type = 1;
            }
            pg_buf_addc(&block, '\n');
            block_lines++;
        } else {
            pg_buf_addc(&out, '\n');
        }
        p = nl ? nl + 1 : end;
    }
    pg_buf_release(&block);
    return pg_buf_detach(&out);
}

/* ---- merging ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Moves this input's families into the golden; families already present
 * (from an earlier input) keep their first definition. */
static void merge_input(pg_gexpo *x)
{
    pg_golden_sort(x->g);
    size_t before = x->g->nmetrics;
    for (size_t i = 0; i < x->nfams; i++) {
        fam *f = &x->fams[i];
        char *name = pg_xstrdup(f->name);
        enum pg_type t = f->has_type ? f->type : PG_TYPE_NONE;
        if (t == PG_TYPE_NONE)
            t = PG_TYPE_UNTYPED;
        /* OpenMetrics names a counter family without _total; the docs and
         * the text format name it with (OpenMetrics 1.0: Counter). */
        if (x->format == PG_FORMAT_OPENMETRICS && t == PG_TYPE_COUNTER) {
            size_t n = strlen(name);
            if (n < 6 || strcmp(name + n - 6, "_total")) {
                name = pg_xrealloc(name, n + 7);
                memcpy(name + n, "_total", 7);
            }
        }
        int seen = 0;
        /* Binary search only covers the sorted part from earlier inputs;
         * duplicates within one input are merged by fam_get already. */
        {
            size_t lo = 0, hi = before;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(name, x->g->metrics[mid].name);
                if (!c) {
                    seen = 1;
                    break;
                }
                if (c < 0)
                    hi = mid;
                else
                    lo = mid + 1;
            }
        }
        if (seen) {
            free(name);
            continue;
        }
        pg_golden_metric *m = pg_golden_add(x->g, name);
        free(name);
        m->type = t;
        free(m->help);
        m->help = f->help ? pg_xstrdup(f->help) : pg_xstrdup("");
        m->labels = f->labels;
        m->nlabels = f->nlabels;
        f->labels = NULL;
        f->nlabels = 0;
        if ((t == PG_TYPE_HISTOGRAM || t == PG_TYPE_GAUGEHISTOGRAM) &&
            f->nbuckets) {
            qsort(f->buckets, f->nbuckets, sizeof *f->buckets, cmp_double);
            m->buckets = f->buckets;
            m->nbuckets = f->nbuckets;
            m->has_buckets = 1;
            f->buckets = NULL;
            f->nbuckets = 0;
        }
        pg_golden_metric_normalize(m);
    }
    pg_golden_sort(x->g);
}

/* Parses text (the whole input, or its fenced blocks) into x's families
 * of this input, noting the first error and the first syntax error. */
static void parse_input(pg_gexpo *x, struct run *R, const char *text,
                        size_t len, const char *source,
                        const char *content_type)
{
    memset(R, 0, sizeof *R);
    R->x = x;
    R->text = text;
    R->len = len;
    pg_parser_opts po;
    memset(&po, 0, sizeof po);
    po.format = PG_FORMAT_AUTO;
    po.content_type = content_type;
    po.source = source;
    pg_parser_callbacks cb = { on_sample, on_family, on_diag };
    pg_parser *p = pg_parser_new(&po, &cb, R);
    pg_parser_feed(p, text, len);
    pg_parser_finish(p);
    x->format = pg_parser_format(p);
    pg_parser_free(p);
}

/* An error at a diagnostic's position: LINE:COL, or for protobuf the
 * message index as lint prints it ("scrape.pb:message 6"). */
static int error_at(const struct run *R, const char *source, const pg_diag *d,
                    const char *what, pg_error *err)
{
    if (R->x->format != PG_FORMAT_PROTOBUF)
        return pg_error_set(err, source, pg_pos_int(d->line),
                            pg_pos_int(d->column), "%s%s", what, d->text);
    pg_buf at = PG_BUF_INIT;
    pg_buf_addf(&at, "%s:message %lld", source ? source : "-",
                (long long)d->line);
    int rc = pg_error_set(err, at.p, 0, 0, "%s%s", what, d->text);
    pg_buf_release(&at);
    return rc;
}

/* Nothing of an input is kept when a line of it could not be read: the
 * golden would silently lack what that line said. */
static int input_error(const struct run *R, const char *source,
                       pg_error *err)
{
    if (!R->x->nfams) {
        if (R->has_first)
            return error_at(R, source, &R->first, "no metric families: ",
                            err);
        return pg_error_set(err, source, 0, 0,
                            "no metric families in the input");
    }
    if (R->has_syntax)
        return error_at(R, source, &R->syntax, "", err);
    return 0;
}

int pg_gexpo_add(pg_gexpo *x, const char *buf, size_t len, const char *source,
                 const char *content_type, pg_error *err)
{
    char *md = extract_fenced(buf, len);
    struct run R;
    parse_input(x, &R, md ? md : buf, md ? strlen(md) : len, source,
                content_type);
    free(md);
    int rc = input_error(&R, source, err);
    if (!rc) {
        char hex[65];
        pg_sha256_hex(buf, len, hex);
        merge_input(x);
        const char *base = strrchr(source, '/');
        pg_golden_add_source(x->g, base ? base + 1 : source, hex);
    }
    fams_clear(x);
    return rc;
}

pg_golden *pg_gexpo_finish(pg_gexpo *x, const char *version)
{
    pg_golden *g = x->g;
    x->g = NULL;
    if (version) {
        free(g->version);
        g->version = pg_xstrdup(version);
    }
    pg_gexpo_free(x);
    pg_golden_sort(g);
    return g;
}

pg_golden *pg_golden_from_expositions(const char *const *paths, size_t n,
                                      const char *version, pg_error *err)
{
    pg_gexpo *x = pg_gexpo_new();
    for (size_t i = 0; i < n; i++) {
        char *data;
        size_t len;
        if (pg_read_file(paths[i], &data, &len, err)) {
            pg_gexpo_free(x);
            return NULL;
        }
        int rc = pg_gexpo_add(x, data, len, paths[i], NULL, err);
        free(data);
        if (rc) {
            pg_gexpo_free(x);
            return NULL;
        }
    }
    char *v = version ? NULL : (n ? pg_docs_version_from_name(paths[0]) : NULL);
    pg_golden *g = pg_gexpo_finish(x, version ? version : v);
    free(v);
    return g;
}

