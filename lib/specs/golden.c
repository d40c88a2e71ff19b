/* golden.c: see golden.h. The JSON schema is documented in
 * golden/SCHEMA.md; this file is its only reader and writer. */
#include "specs/golden.h"
#include "core/atomic.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/match.h"
#include "core/names.h"
#include "core/num.h"

void pg_golden_vwarn(pg_golden_warn_fn warn, void *ctx, const char *rule,
                     const char *source, int line, int column,
                     const char *fmt, va_list ap)
{
    if (!warn)
        return;
    pg_error w;
    pg_error_init(&w);
    pg_error_vset(&w, source, line, column, fmt, ap);
    warn(ctx, rule, &w);
}

/* ---- lifecycle ---------------------------------------------------------- */

void pg_erratum_free(pg_erratum *e)
{
    if (!e)
        return;
    free(e->evidence);
    free(e->releases);
    free(e->docs_name);
    for (size_t i = 0; i < e->ndocs_labels; i++)
        free(e->docs_labels[i]);
    free(e->docs_labels);
    free(e);
}

void pg_golden_metric_release(pg_golden_metric *m)
{
    free(m->name);
    free(m->help);
    for (size_t i = 0; i < m->nlabels; i++)
        free(m->labels[i]);
    free(m->labels);
    free(m->buckets);
    free(m->condition);
    for (size_t i = 0; i < m->nlabel_values; i++) {
        free(m->label_values[i].label);
        free(m->label_values[i].pattern);
    }
    free(m->label_values);
    free(m->help_exception);
    free(m->name_pattern);
    pg_matcher_free(m->_name_re);
    for (size_t i = 0; i < m->nlabel_patterns; i++) {
        free(m->label_patterns[i]);
        if (m->_label_res)
            pg_matcher_free(m->_label_res[i]);
    }
    free(m->label_patterns);
    free(m->_label_res);
    for (size_t i = 0; i < m->ndocumented_at; i++)
        free(m->documented_at[i]);
    free(m->documented_at);
    for (size_t i = 0; i < m->nmeta; i++) {
        free(m->meta_keys[i]);
        free(m->meta_values[i]);
    }
    free(m->meta_keys);
    free(m->meta_values);
    pg_erratum_free(m->erratum);
    memset(m, 0, sizeof *m);
}

void pg_golden_free(pg_golden *g)
{
    if (!g)
        return;
    free(g->kind);
    free(g->version);
    for (size_t i = 0; i < g->nsources; i++) {
        free(g->sources[i].file);
        free(g->sources[i].sha256);
    }
    free(g->sources);
    free(g->overlay.file);
    free(g->overlay.sha256);
    for (size_t i = 0; i < g->nmetrics; i++)
        pg_golden_metric_release(&g->metrics[i]);
    free(g->metrics);
    free(g);
}

pg_golden *pg_golden_new(const char *kind)
{
    pg_golden *g = pg_xcalloc(1, sizeof *g);
    g->kind = pg_xstrdup(kind ? kind : "docs");
    return g;
}

pg_golden_metric *pg_golden_add(pg_golden *g, const char *name)
{
    g->metrics = pg_xrealloc(g->metrics, (g->nmetrics + 1) * sizeof *g->metrics);
    pg_golden_metric *m = &g->metrics[g->nmetrics++];
    memset(m, 0, sizeof *m);
    m->name = pg_xstrdup(name);
    m->help = pg_xstrdup("");
    return m;
}

void pg_golden_add_source(pg_golden *g, const char *file, const char *sha256)
{
    g->sources = pg_xrealloc(g->sources, (g->nsources + 1) * sizeof *g->sources);
    g->sources[g->nsources].file = pg_xstrdup(file);
    g->sources[g->nsources].sha256 = pg_xstrdup(sha256 ? sha256 : "");
    g->nsources++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_metric(const void *a, const void *b)
{
    return strcmp(((const pg_golden_metric *)a)->name,
                  ((const pg_golden_metric *)b)->name);
}

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const pg_label_rule *)a)->label,
                  ((const pg_label_rule *)b)->label);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void pg_golden_metric_normalize(pg_golden_metric *m)
{
    if (m->nlabels)
        qsort(m->labels, m->nlabels, sizeof *m->labels, cmp_str);
    /* Drop duplicate labels (a docs cell may list one twice). */
    size_t k = 0;
    for (size_t i = 0; i < m->nlabels; i++) {
        if (k && !strcmp(m->labels[k - 1], m->labels[i])) {
            free(m->labels[i]);
            continue;
        }
        m->labels[k++] = m->labels[i];
    }
    m->nlabels = k;
    if (m->nlabel_values)
        qsort(m->label_values, m->nlabel_values, sizeof *m->label_values,
              cmp_rule);
    if (m->nbuckets)
        qsort(m->buckets, m->nbuckets, sizeof *m->buckets, cmp_double);
}

/* Compiles the name and label-name patterns the way they are matched
 * (anchored at both ends). One that does not compile stays NULL: the
 * loader reports it first, naming the file. */
static void compile_patterns(pg_golden_metric *m)
{
    pg_error e;
    pg_error_init(&e);
    if (m->name_pattern && !m->_name_re)
        m->_name_re = pg_matcher_new(m->name_pattern, PG_MATCH_ANCHORED,
                                     "name_pattern", &e);
    if (m->nlabel_patterns && !m->_label_res) {
        m->_label_res = pg_xcalloc(m->nlabel_patterns, sizeof *m->_label_res);
        for (size_t i = 0; i < m->nlabel_patterns; i++)
            m->_label_res[i] = pg_matcher_new(m->label_patterns[i],
                                              PG_MATCH_ANCHORED,
                                              "label_patterns", &e);
    }
}

void pg_golden_sort(pg_golden *g)
{
    for (size_t i = 0; i < g->nmetrics; i++) {
        pg_golden_metric_normalize(&g->metrics[i]);
        compile_patterns(&g->metrics[i]);
    }
    if (g->nmetrics)
        qsort(g->metrics, g->nmetrics, sizeof *g->metrics, cmp_metric);
}

const pg_golden_metric *pg_golden_find(const pg_golden *g, const char *name)
{
    size_t lo = 0, hi = g->nmetrics;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, g->metrics[mid].name);
        if (!c)
            return &g->metrics[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *const *pg_golden_labels_of(void *g, const char *family, size_t *n)
{
    const pg_golden_metric *m = pg_golden_find(g, family);
    if (!m)
        return NULL;
    *n = m->nlabels;
    return (const char *const *)m->labels;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **pg_golden_conditions(const pg_golden *g, size_t *n)
{
    const char **v = pg_xcalloc(g->nmetrics + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < g->nmetrics; i++)
        if (g->metrics[i].condition)
            v[k++] = g->metrics[i].condition;
    if (k)
        qsort(v, k, sizeof *v, cmp_cstr);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || strcmp(v[u - 1], v[i]) != 0)
            v[u++] = v[i];
    *n = u;
    return v;
}

void pg_golden_print_conditions(const pg_golden *g, FILE *out,
                                const char *indent, const char *if_none)
{
    size_t n;
    const char **v = pg_golden_conditions(g, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s\n", indent, v[i]);
    if (!n && if_none)
        fprintf(out, "%s%s\n", indent, if_none);
    free(v);
}

/* A match that cannot be decided within the matcher's limits counts as no
 * match here: the family is then reported as undocumented, a finding a
 * user sees, never a silent pass. */
static int matches(pg_matcher *re, const char *s, size_t len)
{
    pg_error e;
    pg_error_init(&e);
    return re && pg_matcher_match(re, s, len, &e) == 1;
}

const pg_golden_metric *pg_golden_match(const pg_golden *g, const char *name)
{
    const pg_golden_metric *m = pg_golden_find(g, name);
    if (m)
        return m;
    /* Templated names are few (a handful per docs set); a linear scan per
     * family is cheap, and callers cache the result per family. */
    for (size_t i = 0; i < g->nmetrics; i++)
        if (g->metrics[i]._name_re &&
            matches(g->metrics[i]._name_re, name, strlen(name)))
            return &g->metrics[i];
    return NULL;
}

int pg_golden_label_templated(const pg_golden_metric *m, const char *name,
                              size_t len)
{
    for (size_t i = 0; i < m->nlabel_patterns; i++)
        if (m->_label_res && matches(m->_label_res[i], name, len))
            return 1;
    return 0;
}

/* ---- serialization ------------------------------------------------------ */

/* Smallest "%.*g" precision that round-trips every bucket bound, so that
 * 0.005 is written as 0.005 and not 0.0050000000000000001. One precision
 * for the whole file keeps the output a pure function of the values. */
static int real_precision(const pg_golden *g)
{
    int best = 1;
    char tmp[40];
    for (size_t i = 0; i < g->nmetrics; i++)
        for (size_t j = 0; j < g->metrics[i].nbuckets; j++) {
            int p = pg_num_format(tmp, sizeof tmp, g->metrics[i].buckets[j]);
            if (p > best)
                best = p;
        }
    return best;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *source_json(const pg_golden_source *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(s->file ? s->file : ""));
    json_object_set_new(o, "sha256", json_string(s->sha256 ? s->sha256 : ""));
    return o;
}

static json_t *strings_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *erratum_json(const pg_erratum *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "evidence", json_string(e->evidence));
    if (e->releases)
        json_object_set_new(o, "releases", json_string(e->releases));
    if (e->docs_name)
        json_object_set_new(o, "docs_name", json_string(e->docs_name));
    if (e->has_docs_labels)
        json_object_set_new(o, "docs_labels",
                            strings_json(e->docs_labels, e->ndocs_labels));
    if (e->has_docs_type)
        json_object_set_new(o, "docs_type",
                            json_string(pg_type_name(e->docs_type)));
    if (e->unlisted)
        json_object_set_new(o, "listed", json_false());
    if (e->unserved)
        json_object_set_new(o, "served", json_false());
    return o;
}

static json_t *metric_json(const pg_golden_metric *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(m->name));
    /* PG_TYPE_NONE: the docs give no type (SCHEMA.md: null). */
    json_object_set_new(o, "type", m->type == PG_TYPE_NONE
                                       ? json_null()
                                       : json_string(pg_type_name(m->type)));
    json_object_set_new(o, "help", json_string(m->help ? m->help : ""));
    json_t *labels = json_array();
    for (size_t i = 0; i < m->nlabels; i++)
        json_array_append_new(labels, json_string(m->labels[i]));
    json_object_set_new(o, "labels", labels);
    if (m->has_buckets) {
        json_t *b = json_array();
        for (size_t i = 0; i < m->nbuckets; i++)
            json_array_append_new(b, json_real(m->buckets[i]));
        json_object_set_new(o, "buckets", b);
    }
    if (m->native_histogram)
        json_object_set_new(o, "native_histogram", json_true());
    if (m->condition)
        json_object_set_new(o, "condition", json_string(m->condition));
    if (m->nlabel_values) {
        json_t *lv = json_object();
        for (size_t i = 0; i < m->nlabel_values; i++)
            json_object_set_new(lv, m->label_values[i].label,
                                json_string(m->label_values[i].pattern));
        json_object_set_new(o, "label_values", lv);
    }
    if (m->help_exception)
        json_object_set_new(o, "help_exception", json_string(m->help_exception));
    if (m->sum_count_optional)
        json_object_set_new(o, "sum_count_optional", json_true());
    if (m->name_pattern)
        json_object_set_new(o, "name_pattern", json_string(m->name_pattern));
    if (m->nlabel_patterns)
        json_object_set_new(o, "label_patterns",
                            strings_json(m->label_patterns, m->nlabel_patterns));
    if (m->ndocumented_at)
        json_object_set_new(o, "documented_at",
                            strings_json(m->documented_at, m->ndocumented_at));
    if (m->nmeta) {
        json_t *a = json_object();
        for (size_t i = 0; i < m->nmeta; i++)
            json_object_set_new(a, m->meta_keys[i],
                                json_string(m->meta_values[i]));
        json_object_set_new(o, "meta", a);
    }
    if (m->erratum)
        json_object_set_new(o, "erratum", erratum_json(m->erratum));
    return o;
}

char *pg_golden_dumps(const pg_golden *g)
{
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_integer(1));
    json_object_set_new(root, "kind", json_string(g->kind ? g->kind : "docs"));
    json_object_set_new(root, "version", str_or_null(g->version));
    json_t *src = json_array();
    for (size_t i = 0; i < g->nsources; i++)
        json_array_append_new(src, source_json(&g->sources[i]));
    json_object_set_new(root, "source", src);
    json_object_set_new(root, "overlay", g->overlay.file
                                             ? source_json(&g->overlay)
                                             : json_null());
    json_t *metrics = json_array();
    for (size_t i = 0; i < g->nmetrics; i++)
        json_array_append_new(metrics, metric_json(&g->metrics[i]));
    json_object_set_new(root, "metrics", metrics);
    size_t flags = JSON_INDENT(2) | JSON_SORT_KEYS |
                   JSON_REAL_PRECISION(real_precision(g));
    char *s = json_dumps(root, flags);
    json_decref(root);
    if (!s)
        return NULL;
    /* Own the memory with our allocator and end with a newline, as text
     * files should. */
    pg_buf b = PG_BUF_INIT;
    pg_buf_adds(&b, s);
    pg_buf_addc(&b, '\n');
    free(s);
    return pg_buf_detach(&b);
}

int pg_golden_save(const pg_golden *g, const char *path, pg_error *err)
{
    char *s = pg_golden_dumps(g);
    if (!s)
        return pg_error_set(err, path, 0, 0, "cannot serialize golden");
    int rc = pg_write_file_atomic(path, s, strlen(s), err);
    free(s);
    return rc;
}

/* ---- loading ------------------------------------------------------------ */

struct loader {
    const char *path;
    pg_error *err;
};

static int fail(struct loader *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct loader *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(L->err, L->path, 0, 0, fmt, ap);
    va_end(ap);
    return -1;
}

/* Rejects keys outside `allowed` so that a misspelt field ("lables") is an
 * error instead of a silently ignored requirement. */
static int check_keys(struct loader *L, json_t *o, const char *const *allowed,
                      const char *where)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        size_t i = 0;
        for (; allowed[i]; i++)
            if (!strcmp(key, allowed[i]))
                break;
        if (!allowed[i])
            return fail(L, "%sunknown key '%s'", where, key);
    }
    return 0;
}

static int get_string(struct loader *L, json_t *o, const char *key,
                      int required, char **out, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            return fail(L, "%smissing '%s'", where, key);
        *out = NULL;
        return 0;
    }
    if (!json_is_string(v))
        return fail(L, "%s'%s' must be a string", where, key);
    *out = pg_xstrdup(json_string_value(v));
    return 0;
}

static int get_bool(struct loader *L, json_t *o, const char *key, int *out,
                    const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = 0;
        return 0;
    }
    if (!json_is_boolean(v))
        return fail(L, "%s'%s' must be true or false", where, key);
    *out = json_is_true(v);
    return 0;
}

static int load_source(struct loader *L, json_t *v, pg_golden_source *s,
                       const char *where)
{
    static const char *const keys[] = { "file", "sha256", NULL };
    if (!json_is_object(v))
        return fail(L, "%smust be an object with 'file' and 'sha256'", where);
    if (check_keys(L, v, keys, where) ||
        get_string(L, v, "file", 1, &s->file, where) ||
        get_string(L, v, "sha256", 1, &s->sha256, where))
        return -1;
    return 0;
}

/* Label names: Prometheus data model, [a-zA-Z_][a-zA-Z0-9_]*, and names
 * starting with "__" are reserved for internal use. Labels are a set:
 * sorted on load, but a name listed twice is an error (SCHEMA.md). */
static int check_label_name(struct loader *L, const pg_golden_metric *m,
                            const char *s, const char *where)
{
    if (!pg_label_name_valid(s, strlen(s)))
        return fail(L, "%sinvalid label name '%s' (want [a-zA-Z_][a-zA-Z0-9_]*)",
                    where, s);
    if (s[0] == '_' && s[1] == '_')
        return fail(L, "%slabel name '%s' is reserved (starts with '__')",
                    where, s);
    for (size_t i = 0; i < m->nlabels; i++)
        if (!strcmp(m->labels[i], s))
            return fail(L, "%slabel '%s' listed twice", where, s);
    return 0;
}

/* Compiles a label_values pattern the way the checker will (PCRE2, UTF,
 * anchored at both ends) so that a bad one is reported here, naming the
 * golden file and the metric, rather than when a scrape is checked. */
static int check_pattern(struct loader *L, const char *label, const char *pat,
                         const char *where)
{
    pg_error e;
    pg_error_init(&e);
    pg_matcher *re = pg_matcher_new(pat, PG_MATCH_ANCHORED, "golden", &e);
    if (!re)
        return fail(L, "%s%s: %s", where, label, e.text);
    pg_matcher_free(re);
    return 0;
}

/* An optional array of non-empty strings. */
static int load_strings(struct loader *L, json_t *o, const char *key,
                        char ***out, size_t *n, const char *where)
{
    json_t *a = json_object_get(o, key);
    if (!a)
        return 0;
    if (!json_is_array(a))
        return fail(L, "%s'%s' must be an array of strings", where, key);
    *out = pg_xcalloc(json_array_size(a) + 1, sizeof **out);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (!json_is_string(v) || !*json_string_value(v))
            return fail(L, "%s%s[%zu] must be a non-empty string", where, key,
                        i);
        (*out)[(*n)++] = pg_xstrdup(json_string_value(v));
    }
    return 0;
}

/* "meta": extra docs columns, an object of strings. */
static int load_meta(struct loader *L, json_t *o, pg_golden_metric *m,
                     const char *where)
{
    json_t *a = json_object_get(o, "meta");
    if (!a)
        return 0;
    if (!json_is_object(a))
        return fail(L, "%s'meta' must be an object of strings", where);
    size_t n = json_object_size(a);
    m->meta_keys = pg_xcalloc(n + 1, sizeof *m->meta_keys);
    m->meta_values = pg_xcalloc(n + 1, sizeof *m->meta_values);
    const char *key;
    json_t *v;
    json_object_foreach(a, key, v) {
        if (!json_is_string(v))
            return fail(L, "%smeta['%s'] must be a string", where, key);
        m->meta_keys[m->nmeta] = pg_xstrdup(key);
        m->meta_values[m->nmeta++] = pg_xstrdup(json_string_value(v));
    }
    return 0;
}

/* "listed": false or "served": false; absent means true. */
static int get_false(struct loader *L, json_t *o, const char *key, int *out,
                     const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    if (!json_is_false(v))
        return fail(L, "%serratum: '%s' may only be false (omit it)", where,
                    key);
    *out = 1;
    return 0;
}

static int load_erratum(struct loader *L, json_t *o, pg_golden_metric *m,
                        const char *where)
{
    static const char *const keys[] = {
        "evidence", "releases", "docs_name", "docs_labels", "docs_type",
        "listed", "served", NULL
    };
    if (!json_is_object(o))
        return fail(L, "%s'erratum' must be an object", where);
    if (check_keys(L, o, keys, where))
        return -1;
    pg_erratum *e = m->erratum = pg_xcalloc(1, sizeof *e);
    char *type = NULL;
    if (get_string(L, o, "evidence", 1, &e->evidence, where) ||
        get_string(L, o, "releases", 0, &e->releases, where) ||
        get_string(L, o, "docs_name", 0, &e->docs_name, where) ||
        get_string(L, o, "docs_type", 0, &type, where) ||
        get_false(L, o, "listed", &e->unlisted, where) ||
        get_false(L, o, "served", &e->unserved, where))
        return -1;
    if (type) {
        int bad = pg_type_parse(type, strlen(type), &e->docs_type);
        if (bad)
            fail(L, "%serratum: unknown docs_type '%s'", where, type);
        free(type);
        if (bad)
            return -1;
        e->has_docs_type = 1;
    }
    if (e->docs_name && !pg_metric_name_valid(e->docs_name,
                                              strlen(e->docs_name)))
        return fail(L, "%serratum: invalid docs_name '%s'", where,
                    e->docs_name);
    json_t *labels = json_object_get(o, "docs_labels");
    if (labels) {
        if (!json_is_array(labels))
            return fail(L, "%serratum: 'docs_labels' must be an array", where);
        e->has_docs_labels = 1;
        e->docs_labels = pg_xcalloc(json_array_size(labels) + 1,
                                    sizeof *e->docs_labels);
        size_t i;
        json_t *v;
        json_array_foreach(labels, i, v) {
            if (!json_is_string(v) ||
                !pg_label_name_valid(json_string_value(v),
                                     strlen(json_string_value(v))))
                return fail(L, "%serratum: docs_labels[%zu] must be a label "
                               "name", where, i);
            e->docs_labels[e->ndocs_labels++] = pg_xstrdup(json_string_value(v));
        }
        qsort(e->docs_labels, e->ndocs_labels, sizeof *e->docs_labels, cmp_str);
    }
    int says = e->docs_name || e->has_docs_labels || e->has_docs_type;
    if (e->unlisted + e->unserved + (says != 0) != 1)
        return fail(L, "%serratum: give exactly one of docs_name/docs_labels/"
                       "docs_type, \"listed\": false or \"served\": false",
                    where);
    return 0;
}

/* The name, and the pattern a templated name is matched through. */
static int load_name(struct loader *L, json_t *o, pg_golden_metric *m,
                     const char *where)
{
    if (get_string(L, o, "name_pattern", 0, &m->name_pattern, where))
        return -1;
    /* Prometheus data model: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*.
     * Goldens describe what a server documents, in the classic syntax
     * every scraper reads (golden/SCHEMA.md). A templated name is kept as
     * written and matched through its name_pattern. */
    if (m->name_pattern)
        return check_pattern(L, "name_pattern", m->name_pattern, where);
    if (!pg_metric_name_valid(m->name, strlen(m->name)))
        return fail(L, "%sinvalid metric name (want [a-zA-Z_:][a-zA-Z0-9_:]*)",
                    where);
    return 0;
}

static int load_type(struct loader *L, json_t *o, pg_golden_metric *m,
                     const char *where)
{
    /* null: the docs give no type; presence and labels are checked. */
    json_t *jt = json_object_get(o, "type");
    if (!jt)
        return fail(L, "%smissing 'type'", where);
    if (json_is_null(jt)) {
        m->type = PG_TYPE_NONE;
        return 0;
    }
    char *type = NULL;
    if (get_string(L, o, "type", 1, &type, where))
        return -1;
    int bad = pg_type_parse(type, strlen(type), &m->type) ||
              m->type == PG_TYPE_NONE;
    if (bad)
        fail(L, "%sunknown type '%s'", where, type);
    free(type);
    return bad ? -1 : 0;
}

static int load_labels(struct loader *L, json_t *o, pg_golden_metric *m,
                       const char *where)
{
    json_t *labels = json_object_get(o, "labels");
    if (!json_is_array(labels))
        return fail(L, "%s'labels' must be an array of label names", where);
    m->labels = pg_xcalloc(json_array_size(labels), sizeof *m->labels);
    size_t i;
    json_t *v;
    json_array_foreach(labels, i, v) {
        if (!json_is_string(v) || !*json_string_value(v))
            return fail(L, "%slabels[%zu] must be a non-empty string", where, i);
        const char *s = json_string_value(v);
        /* le and quantile are histogram/summary structure; the checker
         * enforces them from the type (exposition format: Histograms and
         * summaries). */
        if (!strcmp(s, "le") || !strcmp(s, "quantile"))
            return fail(L, "%slabel '%s' is structure, not a label", where, s);
        if (check_label_name(L, m, s, where))
            return -1;
        m->labels[m->nlabels++] = pg_xstrdup(s);
    }
    return 0;
}

static int load_buckets(struct loader *L, json_t *o, pg_golden_metric *m,
                        const char *where)
{
    json_t *buckets = json_object_get(o, "buckets");
    if (!buckets)
        return 0;
    if (!json_is_array(buckets))
        return fail(L, "%s'buckets' must be an array of numbers", where);
    m->has_buckets = 1;
    m->buckets = pg_xcalloc(json_array_size(buckets), sizeof *m->buckets);
    size_t i;
    json_t *v;
    json_array_foreach(buckets, i, v) {
        if (!json_is_number(v))
            return fail(L, "%sbuckets[%zu] must be a number", where, i);
        double d = json_number_value(v);
        if (!isfinite(d))
            return fail(L, "%sbuckets[%zu] must be finite", where, i);
        if (m->nbuckets && d <= m->buckets[m->nbuckets - 1])
            return fail(L, "%sbuckets must be strictly ascending at [%zu]",
                        where, i);
        m->buckets[m->nbuckets++] = d;
    }
    if (m->type != PG_TYPE_HISTOGRAM && m->type != PG_TYPE_GAUGEHISTOGRAM)
        return fail(L, "%s'buckets' given for a %s", where,
                    pg_type_name(m->type));
    return 0;
}

/* The flags and strings that need no more than their JSON type. */
static int load_optional(struct loader *L, json_t *o, pg_golden_metric *m,
                         const char *where)
{
    if (get_bool(L, o, "native_histogram", &m->native_histogram, where) ||
        get_string(L, o, "condition", 0, &m->condition, where) ||
        get_string(L, o, "help_exception", 0, &m->help_exception, where) ||
        get_bool(L, o, "sum_count_optional", &m->sum_count_optional, where))
        return -1;
    if (m->condition && !*m->condition)
        return fail(L, "%s'condition' must not be empty (omit it)", where);
    if (load_strings(L, o, "label_patterns", &m->label_patterns,
                     &m->nlabel_patterns, where) ||
        load_strings(L, o, "documented_at", &m->documented_at,
                     &m->ndocumented_at, where) ||
        load_meta(L, o, m, where))
        return -1;
    for (size_t k = 0; k < m->nlabel_patterns; k++)
        if (check_pattern(L, "label_patterns", m->label_patterns[k], where))
            return -1;
    return 0;
}

/* label_values: a pattern for each of some of the metric's labels. */
static int load_label_values(struct loader *L, json_t *o, pg_golden_metric *m,
                             const char *where)
{
    json_t *lv = json_object_get(o, "label_values"), *v;
    if (!lv)
        return 0;
    if (!json_is_object(lv))
        return fail(L, "%s'label_values' must be an object", where);
    m->label_values = pg_xcalloc(json_object_size(lv), sizeof *m->label_values);
    const char *key;
    json_object_foreach(lv, key, v) {
        if (!json_is_string(v))
            return fail(L, "%slabel_values['%s'] must be a string", where,
                        key);
        size_t k = 0;
        while (k < m->nlabels && strcmp(m->labels[k], key))
            k++;
        if (k == m->nlabels)
            return fail(L, "%slabel_values for label '%s', which is not "
                           "in 'labels'", where, key);
        char what[320];
        snprintf(what, sizeof what, "label_values['%.256s']", key);
        if (check_pattern(L, what, json_string_value(v), where))
            return -1;
        pg_label_rule *r = &m->label_values[m->nlabel_values++];
        r->label = pg_xstrdup(key);
        r->pattern = pg_xstrdup(json_string_value(v));
    }
    return 0;
}

static int load_metric(struct loader *L, json_t *o, size_t index,
                       pg_golden_metric *m)
{
    static const char *const keys[] = {
        "name", "type", "help", "labels", "buckets", "native_histogram",
        "condition", "label_values", "help_exception", "sum_count_optional",
        "name_pattern", "label_patterns", "documented_at", "meta", "erratum",
        NULL
    };
    char where[320];
    if (!json_is_object(o))
        return fail(L, "metrics[%zu]: must be an object", index);
    json_t *jn = json_object_get(o, "name");
    if (!json_is_string(jn) || !*json_string_value(jn))
        return fail(L, "metrics[%zu]: missing 'name'", index);
    m->name = pg_xstrdup(json_string_value(jn));
    snprintf(where, sizeof where, "metric '%.256s': ", m->name);
    if (check_keys(L, o, keys, where) || load_name(L, o, m, where) ||
        load_type(L, o, m, where) ||
        get_string(L, o, "help", 1, &m->help, where) ||
        load_labels(L, o, m, where) || load_buckets(L, o, m, where) ||
        load_optional(L, o, m, where) || load_label_values(L, o, m, where))
        return -1;
    json_t *er = json_object_get(o, "erratum");
    if (er && load_erratum(L, er, m, where))
        return -1;
    pg_golden_metric_normalize(m);
    return 0;
}

static int load_root(struct loader *L, json_t *root, pg_golden *g)
{
    static const char *const keys[] = {
        "schema", "kind", "version", "source", "overlay", "metrics", NULL
    };
    if (!json_is_object(root))
        return fail(L, "golden must be a JSON object");
    if (check_keys(L, root, keys, ""))
        return -1;
    json_t *schema = json_object_get(root, "schema");
    if (schema && (!json_is_integer(schema) || json_integer_value(schema) != 1))
        return fail(L, "unsupported golden schema (this promgate reads 1)");
    if (get_string(L, root, "kind", 0, &g->kind, "") ||
        get_string(L, root, "version", 0, &g->version, ""))
        return -1;
    if (!g->kind)
        g->kind = pg_xstrdup("docs");

    json_t *src = json_object_get(root, "source");
    if (src && !json_is_null(src)) {
        if (!json_is_array(src))
            return fail(L, "'source' must be an array");
        g->sources = pg_xcalloc(json_array_size(src), sizeof *g->sources);
        size_t i;
        json_t *v;
        json_array_foreach(src, i, v) {
            char where[64];
            snprintf(where, sizeof where, "source[%zu]: ", i);
            if (load_source(L, v, &g->sources[g->nsources++], where))
                return -1;
        }
    }
    json_t *ov = json_object_get(root, "overlay");
    if (ov && !json_is_null(ov) && load_source(L, ov, &g->overlay, "overlay: "))
        return -1;

    json_t *metrics = json_object_get(root, "metrics");
    if (!json_is_array(metrics))
        return fail(L, "missing 'metrics' array");
    g->metrics = pg_xcalloc(json_array_size(metrics), sizeof *g->metrics);
    size_t i;
    json_t *v;
    json_array_foreach(metrics, i, v) {
        /* Count first so that pg_golden_free() releases a partial entry. */
        g->nmetrics++;
        if (load_metric(L, v, i, &g->metrics[i]))
            return -1;
    }
    pg_golden_sort(g);
    for (i = 1; i < g->nmetrics; i++)
        if (!strcmp(g->metrics[i - 1].name, g->metrics[i].name))
            return fail(L, "metric '%s': listed twice", g->metrics[i].name);
    return 0;
}

pg_golden *pg_golden_loadb(const char *buf, size_t len, const char *source,
                           pg_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        pg_error_set(err, source, je.line > 0 ? je.line : 0,
                     je.column > 0 ? je.column : 0, "invalid JSON: %s",
                     je.text);
        return NULL;
    }
    struct loader L = { source, err };
    pg_golden *g = pg_xcalloc(1, sizeof *g);
    int rc = load_root(&L, root, g);
    json_decref(root);
    if (rc) {
        pg_golden_free(g);
        return NULL;
    }
    return g;
}

pg_golden *pg_golden_load(const char *path, pg_error *err)
{
    char *data;
    size_t len;
    if (pg_read_file(path, &data, &len, err))
        return NULL;
    pg_golden *g = pg_golden_loadb(data, len, path, err);
    free(data);
    return g;
}
