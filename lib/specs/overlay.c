/* overlay.c: see overlay.h; format in golden/overlay/README.md. */
#include "specs/overlay.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/match.h"
#include "core/sha256.h"
#include "core/names.h"
#include "specs/goldenset.h"

/* Field presence bits of an entry. */
enum {
    F_BUCKETS = 1 << 0,
    F_NATIVE = 1 << 1,
    F_CONDITION = 1 << 2,      /* condition set (NULL value = required) */
    F_VEC_CONDITION = 1 << 3,  /* condition for labelled metrics only */
    F_LABEL_VALUES = 1 << 4,
    F_HELP_EXCEPTION = 1 << 5,
    F_SUM_COUNT = 1 << 6
};

typedef struct entry {
    char **names;          /* exact names */
    size_t nnames;
    char **prefixes;
    size_t nprefixes;
    unsigned fields;
    double *buckets;
    size_t nbuckets;
    int native;
    char *condition;       /* NULL with F_CONDITION: required */
    char *vec_condition;
    pg_label_rule *rules;
    size_t nrules;
    char *help_exception;
    int sum_count;
    char *releases;        /* release range, or NULL: every golden */
    pg_erratum *erratum;   /* docs erratum: fields hold what the CODE
                              serves (the entry's name is the docs row) */
    char *add_help;        /* "listed": false: what to add */
    int index;             /* position in the file, for messages */
    size_t hits;           /* metrics matched during apply */
} entry;

struct pg_overlay {
    char *release;         /* the release goldens are built for, or NULL */
    char *file;            /* base name */
    char *path;
    char sha256[65];
    entry *entries;
    size_t nentries;
};

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void entry_release(entry *e)
{
    strv_free(e->names, e->nnames);
    strv_free(e->prefixes, e->nprefixes);
    free(e->buckets);
    free(e->condition);
    free(e->vec_condition);
    for (size_t i = 0; i < e->nrules; i++) {
        free(e->rules[i].label);
        free(e->rules[i].pattern);
    }
    free(e->rules);
    free(e->help_exception);
    free(e->releases);
    pg_erratum_free(e->erratum);
    free(e->add_help);
}

void pg_overlay_free(pg_overlay *ov)
{
    if (!ov)
        return;
    for (size_t i = 0; i < ov->nentries; i++)
        entry_release(&ov->entries[i]);
    free(ov->entries);
    free(ov->release);
    free(ov->file);
    free(ov->path);
    free(ov);
}

/* ---- loading ------------------------------------------------------------ */

struct ld {
    const char *path;
    pg_error *err;
    char where[96];
};

static int fail(struct ld *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct ld *L, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return pg_error_set(L->err, L->path, 0, 0, "%s%s", L->where, text);
}

/* A string or an array of strings. */
static int load_strv(struct ld *L, json_t *v, const char *key, char ***out,
                     size_t *n)
{
    if (!v)
        return 0;
    if (json_is_string(v)) {
        *out = pg_xcalloc(1, sizeof **out);
        (*out)[(*n)++] = pg_xstrdup(json_string_value(v));
        return 0;
    }
    if (!json_is_array(v))
        return fail(L, "'%s' must be a string or an array of strings", key);
    *out = pg_xcalloc(json_array_size(v), sizeof **out);
    size_t i;
    json_t *s;
    json_array_foreach(v, i, s) {
        if (!json_is_string(s) || !*json_string_value(s))
            return fail(L, "%s[%zu] must be a non-empty string", key, i);
        (*out)[(*n)++] = pg_xstrdup(json_string_value(s));
    }
    return 0;
}

static int check_pattern(struct ld *L, const char *label, const char *pat)
{
    pg_error e;
    pg_error_init(&e);
    pg_matcher *re = pg_matcher_new(pat, PG_MATCH_ANCHORED, "overlay", &e);
    if (!re)
        return fail(L, "label_values['%s']: %s", label, e.text);
    pg_matcher_free(re);
    return 0;
}

/* Rejects keys outside `keys`, so a misspelt field is an error. */
static int check_keys(struct ld *L, json_t *o, const char *const *keys,
                      const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], key))
            i++;
        if (!keys[i])
            return fail(L, "%sunknown key '%s'", what, key);
    }
    return 0;
}

/* Label names of an erratum ("labels", "code_labels"). */
static int load_labels(struct ld *L, json_t *v, const char *key, char ***out,
                       size_t *n)
{
    if (!json_is_array(v))
        return fail(L, "erratum: '%s' must be an array of label names", key);
    *out = pg_xcalloc(json_array_size(v) + 1, sizeof **out);
    size_t i;
    json_t *s;
    json_array_foreach(v, i, s) {
        if (!json_is_string(s) || !pg_label_name_valid(json_string_value(s),
                                                       json_string_length(s)))
            return fail(L, "erratum: %s[%zu] must be a label name", key, i);
        (*out)[(*n)++] = pg_xstrdup(json_string_value(s));
    }
    return 0;
}

static int load_type(struct ld *L, json_t *v, const char *key,
                     enum pg_type *t)
{
    if (!json_is_string(v) || pg_type_parse(json_string_value(v), json_string_length(v), t))
        return fail(L, "erratum: '%s' must be a metric type", key);
    return 0;
}

/* A "listed": false entry adds metrics to the golden, so they must be
 * what a golden may hold (golden/SCHEMA.md): metric names, label names
 * that are neither structure (le, quantile) nor reserved, each once, and
 * a type. */
static int check_unlisted(struct ld *L, const entry *e, const pg_erratum *er)
{
    for (size_t i = 0; i < e->nnames; i++)
        if (!pg_metric_name_valid(e->names[i], strlen(e->names[i])))
            return fail(L, "erratum: 'listed': false adds '%s', which is not "
                           "a metric name", e->names[i]);
    if (er->docs_type == PG_TYPE_NONE)
        return fail(L, "erratum: 'type' must be a metric type");
    for (size_t i = 0; i < er->ndocs_labels; i++) {
        const char *l = er->docs_labels[i];
        if (!strcmp(l, "le") || !strcmp(l, "quantile") ||
            (l[0] == '_' && l[1] == '_'))
            return fail(L, "erratum: labels[%zu] '%s' is structure or "
                           "reserved, not a label", i, l);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(er->docs_labels[k], l))
                return fail(L, "erratum: label '%s' listed twice", l);
    }
    return 0;
}

/* "erratum": {"evidence", and one of: "code_name"/"code_labels"/
 * "code_type" (the docs row is wrong), "served": false (the docs list what
 * the code does not serve), "listed": false with "type", "labels", "help"
 * (the code serves what the docs do not list)}. */
static int load_erratum(struct ld *L, json_t *o, entry *e)
{
    static const char *const keys[] = {
        "evidence", "code_name", "code_labels", "code_type", "served",
        "listed", "type", "labels", "help", NULL
    };
    if (!json_is_object(o))
        return fail(L, "'erratum' must be an object");
    if (check_keys(L, o, keys, "erratum: "))
        return -1;
    json_t *v;
    pg_erratum *er = e->erratum = pg_xcalloc(1, sizeof *er);
    v = json_object_get(o, "evidence");
    if (!json_is_string(v) || !*json_string_value(v))
        return fail(L, "erratum: 'evidence' (the code's file:line at a "
                       "commit) is required");
    er->evidence = pg_xstrdup(json_string_value(v));
    if ((v = json_object_get(o, "code_name"))) {
        if (!json_is_string(v) || !pg_metric_name_valid(json_string_value(v),
                                                        json_string_length(v)))
            return fail(L, "erratum: 'code_name' must be a metric name");
        er->docs_name = pg_xstrdup(json_string_value(v));
    }
    if ((v = json_object_get(o, "code_labels"))) {
        er->has_docs_labels = 1;
        if (load_labels(L, v, "code_labels", &er->docs_labels,
                        &er->ndocs_labels))
            return -1;
    }
    if ((v = json_object_get(o, "code_type"))) {
        er->has_docs_type = 1;
        if (load_type(L, v, "code_type", &er->docs_type))
            return -1;
    }
    if ((v = json_object_get(o, "served"))) {
        if (!json_is_false(v))
            return fail(L, "erratum: 'served' may only be false");
        er->unserved = 1;
    }
    if ((v = json_object_get(o, "listed"))) {
        if (!json_is_false(v))
            return fail(L, "erratum: 'listed' may only be false");
        er->unlisted = 1;
        if (!e->nnames || e->nprefixes)
            return fail(L, "erratum: 'listed': false needs exact names");
        /* they would share (and overwrite) the code_* fields */
        if (er->docs_name || er->has_docs_labels || er->has_docs_type)
            return fail(L, "erratum: 'listed': false describes the metric "
                           "with 'type', 'labels' and 'help', not code_name/"
                           "code_labels/code_type");
        if (load_type(L, json_object_get(o, "type"), "type", &er->docs_type))
            return -1;
        json_t *labels = json_object_get(o, "labels");
        if (labels && load_labels(L, labels, "labels", &er->docs_labels,
                                  &er->ndocs_labels))
            return -1;
        v = json_object_get(o, "help");
        e->add_help = pg_xstrdup(json_is_string(v) ? json_string_value(v) : "");
        if (check_unlisted(L, e, er))
            return -1;
    } else if (json_object_get(o, "type") || json_object_get(o, "labels") ||
               json_object_get(o, "help")) {
        return fail(L, "erratum: 'type', 'labels' and 'help' describe a "
                       "metric the docs do not list ('listed': false)");
    }
    int says = er->docs_name || er->has_docs_labels || er->has_docs_type;
    if (er->unlisted + er->unserved + (says && !er->unlisted) != 1)
        return fail(L, "erratum: give exactly one of code_name/code_labels/"
                       "code_type, 'served': false or 'listed': false");
    if (er->docs_name && e->nnames != 1)
        return fail(L, "erratum: 'code_name' needs exactly one name");
    return 0;
}

/* name and prefix: which metrics the entry is for; they name the entry
 * in later messages. */
static int load_selector(struct ld *L, json_t *o, entry *e)
{
    if (load_strv(L, json_object_get(o, "name"), "name", &e->names,
                  &e->nnames) ||
        load_strv(L, json_object_get(o, "prefix"), "prefix", &e->prefixes,
                  &e->nprefixes))
        return -1;
    if (!e->nnames && !e->nprefixes)
        return fail(L, "needs 'name' or 'prefix'");
    size_t at = strlen(L->where);
    if (e->nnames)
        snprintf(L->where + at, sizeof L->where - at, "'%.40s': ",
                 e->names[0]);
    else
        snprintf(L->where + at, sizeof L->where - at, "'%.40s*': ",
                 e->prefixes[0]);
    return 0;
}

static int load_entry_buckets(struct ld *L, json_t *o, entry *e)
{
    json_t *v = json_object_get(o, "buckets"), *b;
    if (!v)
        return 0;
    if (!json_is_array(v))
        return fail(L, "'buckets' must be an array of numbers");
    e->fields |= F_BUCKETS;
    e->buckets = pg_xcalloc(json_array_size(v), sizeof *e->buckets);
    size_t i;
    json_array_foreach(v, i, b) {
        if (!json_is_number(b) || !isfinite(json_number_value(b)))
            return fail(L, "buckets[%zu] must be a finite number", i);
        double d = json_number_value(b);
        if (e->nbuckets && d <= e->buckets[e->nbuckets - 1])
            return fail(L, "buckets must be strictly ascending at [%zu]", i);
        e->buckets[e->nbuckets++] = d;
    }
    return 0;
}

/* native_histogram, condition and vec_condition. */
static int load_entry_conditions(struct ld *L, json_t *o, entry *e)
{
    json_t *v;
    if ((v = json_object_get(o, "native_histogram"))) {
        if (!json_is_boolean(v))
            return fail(L, "'native_histogram' must be true or false");
        e->fields |= F_NATIVE;
        e->native = json_is_true(v);
    }
    if ((v = json_object_get(o, "condition"))) {
        if (!json_is_null(v) && (!json_is_string(v) || !*json_string_value(v)))
            return fail(L, "'condition' must be a non-empty string or null");
        e->fields |= F_CONDITION;
        e->condition = json_is_null(v) ? NULL : pg_xstrdup(json_string_value(v));
    }
    if ((v = json_object_get(o, "vec_condition"))) {
        if (!json_is_string(v) || !*json_string_value(v))
            return fail(L, "'vec_condition' must be a non-empty string");
        e->fields |= F_VEC_CONDITION;
        e->vec_condition = pg_xstrdup(json_string_value(v));
    }
    return 0;
}

static int load_entry_rules(struct ld *L, json_t *o, entry *e)
{
    json_t *v = json_object_get(o, "label_values"), *p;
    if (!v)
        return 0;
    if (!json_is_object(v))
        return fail(L, "'label_values' must be an object");
    e->fields |= F_LABEL_VALUES;
    e->rules = pg_xcalloc(json_object_size(v), sizeof *e->rules);
    const char *label;
    json_object_foreach(v, label, p) {
        if (!json_is_string(p))
            return fail(L, "label_values['%s'] must be a string", label);
        if (check_pattern(L, label, json_string_value(p)))
            return -1;
        e->rules[e->nrules].label = pg_xstrdup(label);
        e->rules[e->nrules].pattern = pg_xstrdup(json_string_value(p));
        e->nrules++;
    }
    return 0;
}

/* help_exception and sum_count_optional. */
static int load_entry_exceptions(struct ld *L, json_t *o, entry *e)
{
    json_t *v;
    if ((v = json_object_get(o, "help_exception"))) {
        if (!json_is_string(v) || !*json_string_value(v))
            return fail(L, "'help_exception' must be a non-empty string");
        e->fields |= F_HELP_EXCEPTION;
        e->help_exception = pg_xstrdup(json_string_value(v));
    }
    if ((v = json_object_get(o, "sum_count_optional"))) {
        if (!json_is_boolean(v))
            return fail(L, "'sum_count_optional' must be true or false");
        e->fields |= F_SUM_COUNT;
        e->sum_count = json_is_true(v);
    }
    return 0;
}

/* note (free text) and releases (the tags the entry applies to). */
static int load_entry_releases(struct ld *L, json_t *o, entry *e)
{
    json_t *v;
    if ((v = json_object_get(o, "note")) && !json_is_string(v))
        return fail(L, "'note' must be a string");
    if ((v = json_object_get(o, "releases"))) {
        if (!json_is_string(v) ||
            pg_release_in_range("v0.0.0", json_string_value(v)) < 0)
            return fail(L, "'releases' must be a range: A..B, A.., ..B or A "
                           "(release tags like v2.31.1)");
        e->releases = pg_xstrdup(json_string_value(v));
    }
    return 0;
}

static int load_entry(struct ld *L, json_t *o, entry *e)
{
    static const char *const keys[] = {
        "name", "prefix", "buckets", "native_histogram", "condition",
        "vec_condition", "label_values", "help_exception",
        "sum_count_optional", "note", "releases", "erratum", NULL
    };
    if (!json_is_object(o))
        return fail(L, "must be an object");
    if (check_keys(L, o, keys, "") || load_selector(L, o, e) ||
        load_entry_buckets(L, o, e) || load_entry_conditions(L, o, e) ||
        load_entry_rules(L, o, e) || load_entry_exceptions(L, o, e) ||
        load_entry_releases(L, o, e))
        return -1;
    json_t *v = json_object_get(o, "erratum");
    if (v && load_erratum(L, v, e))
        return -1;
    if (e->erratum && e->fields)
        return fail(L, "an erratum entry sets nothing else: put buckets, "
                       "conditions etc. in an entry for the code's name");
    return 0;
}

pg_overlay *pg_overlay_load(const char *path, pg_error *err)
{
    char *data;
    size_t len;
    if (pg_read_file(path, &data, &len, err))
        return NULL;
    pg_overlay *ov = pg_overlay_loadb(data, len, path, err);
    free(data);
    return ov;
}

pg_overlay *pg_overlay_loadb(const char *data, size_t len, const char *path,
                             pg_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    pg_overlay *ov = pg_xcalloc(1, sizeof *ov);
    pg_sha256_hex(data, len, ov->sha256);
    if (!root) {
        pg_error_set(err, path, je.line > 0 ? je.line : 0,
                     je.column > 0 ? je.column : 0, "invalid JSON: %s", je.text);
        pg_overlay_free(ov);
        return NULL;
    }
    const char *base = strrchr(path, '/');
    ov->file = pg_xstrdup(base ? base + 1 : path);
    ov->path = pg_xstrdup(path);
    struct ld L = { path, err, "" };
    json_t *entries = json_is_object(root) ? json_object_get(root, "entries")
                                           : NULL;
    if (!json_is_array(entries)) {
        fail(&L, "overlay must be an object with an 'entries' array");
        goto bad;
    }
    {
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v) {
            if (strcmp(key, "entries") && strcmp(key, "schema") &&
                strcmp(key, "description")) {
                fail(&L, "unknown key '%s'", key);
                goto bad;
            }
        }
    }
    ov->entries = pg_xcalloc(json_array_size(entries), sizeof *ov->entries);
    size_t i;
    json_t *o;
    json_array_foreach(entries, i, o) {
        entry *e = &ov->entries[ov->nentries++];
        e->index = (int)i;
        snprintf(L.where, sizeof L.where, "entries[%zu]: ", i);
        if (load_entry(&L, o, e))
            goto bad;
    }
    json_decref(root);
    return ov;
bad:
    json_decref(root);
    pg_overlay_free(ov);
    return NULL;
}

/* ---- applying ----------------------------------------------------------- */

struct match {
    const entry *e;
    size_t spec;   /* specificity: prefix length, or SIZE_MAX for a name */
};

void pg_overlay_set_release(pg_overlay *ov, const char *release)
{
    free(ov->release);
    ov->release = release ? pg_xstrdup(release) : NULL;
}

/* An entry with a release range applies only to goldens built for a
 * release inside it. */
static int entry_in_release(const pg_overlay *ov, const entry *e)
{
    if (!e->releases)
        return 1;
    return ov->release && pg_release_in_range(ov->release, e->releases) == 1;
}

static int cmp_match(const void *a, const void *b)
{
    const struct match *x = a, *y = b;
    if (x->spec != y->spec)
        return x->spec < y->spec ? -1 : 1;
    return x->e->index - y->e->index;
}

static size_t entry_spec(const entry *e, const char *name)
{
    for (size_t i = 0; i < e->nnames; i++)
        if (!strcmp(e->names[i], name))
            return (size_t)-1;
    size_t best = 0;
    for (size_t i = 0; i < e->nprefixes; i++) {
        size_t n = strlen(e->prefixes[i]);
        if (!strncmp(e->prefixes[i], name, n) && n > best)
            best = n;
    }
    return best;
}

static void owarn(const pg_overlay *ov, pg_overlay_warn_fn warn, void *ctx,
                  size_t *count, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void owarn(const pg_overlay *ov, pg_overlay_warn_fn warn, void *ctx,
                  size_t *count, const char *rule, const char *fmt, ...)
{
    (*count)++;
    va_list ap;
    va_start(ap, fmt);
    pg_golden_vwarn(warn, ctx, rule, ov->path, 0, 0, fmt, ap);
    va_end(ap);
}

static int has_label(const pg_golden_metric *m, const char *l)
{
    for (size_t i = 0; i < m->nlabels; i++)
        if (!strcmp(m->labels[i], l))
            return 1;
    return 0;
}

/* Sets one label's value pattern, replacing the golden's. */
static void set_label_value(pg_golden_metric *m, const pg_label_rule *r)
{
    size_t k = 0;
    while (k < m->nlabel_values && strcmp(m->label_values[k].label, r->label))
        k++;
    if (k == m->nlabel_values) {
        m->label_values = pg_xrealloc(
            m->label_values, (m->nlabel_values + 1) * sizeof *m->label_values);
        m->label_values[k].label = pg_xstrdup(r->label);
        m->label_values[k].pattern = NULL;
        m->nlabel_values++;
    }
    free(m->label_values[k].pattern);
    m->label_values[k].pattern = pg_xstrdup(r->pattern);
}

static void apply_label_values(const pg_overlay *ov, const entry *e,
                               pg_golden_metric *m, pg_overlay_warn_fn warn,
                               void *ctx, size_t *count)
{
    for (size_t i = 0; i < e->nrules; i++) {
        const pg_label_rule *r = &e->rules[i];
        if (has_label(m, r->label)) {
            set_label_value(m, r);
            continue;
        }
        /* Prefix entries cover many metrics; only an exact entry naming a
         * label the metric lacks is worth a warning. */
        if (entry_spec(e, m->name) == (size_t)-1)
            owarn(ov, warn, ctx, count, "overlay-label",
                  "entries[%d]: label_values for label '%s', which '%s' "
                  "does not have; not applied", e->index, r->label, m->name);
    }
}

/* buckets and native_histogram, which only a histogram can take. */
static void apply_histogram(const pg_overlay *ov, const entry *e,
                            pg_golden_metric *m, pg_overlay_warn_fn warn,
                            void *ctx, size_t *count)
{
    int histo = m->type == PG_TYPE_HISTOGRAM ||
                m->type == PG_TYPE_GAUGEHISTOGRAM;
    if ((e->fields & F_BUCKETS) && !histo) {
        owarn(ov, warn, ctx, count, "overlay-type",
              "entries[%d]: buckets for '%s', which is a %s; not applied",
              e->index, m->name, pg_type_name(m->type));
    } else if (e->fields & F_BUCKETS) {
        free(m->buckets);
        m->buckets = pg_xcalloc(e->nbuckets, sizeof *m->buckets);
        memcpy(m->buckets, e->buckets, e->nbuckets * sizeof *m->buckets);
        m->nbuckets = e->nbuckets;
        m->has_buckets = 1;
    }
    if (!(e->fields & F_NATIVE))
        return;
    if (!histo && e->native)
        owarn(ov, warn, ctx, count, "overlay-type",
              "entries[%d]: native_histogram for '%s', which is a %s; "
              "not applied", e->index, m->name, pg_type_name(m->type));
    else
        m->native_histogram = e->native;
}

static void apply_conditions(const entry *e, pg_golden_metric *m)
{
    if (e->fields & F_CONDITION) {
        free(m->condition);
        m->condition = e->condition ? pg_xstrdup(e->condition) : NULL;
    }
    /* A labelled metric is usually a Vec, and a Vec with no children
     * exports nothing, not even HELP/TYPE (client_golang drops empty
     * families), so it only appears after the activity that creates a
     * child. Unlabelled metrics of the same prefix are exported from
     * registration on. */
    if ((e->fields & F_VEC_CONDITION) && m->nlabels) {
        free(m->condition);
        m->condition = pg_xstrdup(e->vec_condition);
    }
}

static void apply_entry(const pg_overlay *ov, const entry *e,
                        pg_golden_metric *m, pg_overlay_warn_fn warn,
                        void *ctx, size_t *count)
{
    apply_histogram(ov, e, m, warn, ctx, count);
    apply_conditions(e, m);
    if (e->fields & F_LABEL_VALUES)
        apply_label_values(ov, e, m, warn, ctx, count);
    if (e->fields & F_HELP_EXCEPTION) {
        free(m->help_exception);
        m->help_exception = pg_xstrdup(e->help_exception);
    }
    if (!(e->fields & F_SUM_COUNT))
        return;
    int histo = m->type == PG_TYPE_HISTOGRAM ||
                m->type == PG_TYPE_GAUGEHISTOGRAM;
    if (!histo && m->type != PG_TYPE_SUMMARY && e->sum_count)
        owarn(ov, warn, ctx, count, "overlay-type",
              "entries[%d]: sum_count_optional for '%s', which is a %s; "
              "not applied", e->index, m->name, pg_type_name(m->type));
    else
        m->sum_count_optional = e->sum_count;
}

static pg_golden_metric *find_mut(pg_golden *g, const char *name)
{
    for (size_t i = 0; i < g->nmetrics; i++)
        if (!strcmp(g->metrics[i].name, name))
            return &g->metrics[i];
    return NULL;
}

static char **strv_dup(char *const *v, size_t n)
{
    char **out = pg_xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = pg_xstrdup(v[i]);
    return out;
}

static int same_labels(const pg_golden_metric *m, char *const *v, size_t n)
{
    if (m->nlabels != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t j = 0; j < n && !found; j++)
            found = !strcmp(m->labels[i], v[j]);
        if (!found)
            return 0;
    }
    return 1;
}

static pg_erratum *erratum_for(pg_golden_metric *m, const entry *e)
{
    if (!m->erratum) {
        m->erratum = pg_xcalloc(1, sizeof *m->erratum);
        m->erratum->evidence = pg_xstrdup(e->erratum->evidence);
        if (e->releases)
            m->erratum->releases = pg_xstrdup(e->releases);
    }
    return m->erratum;
}

static void add_unlisted(pg_golden *g, const entry *e, const char *name)
{
    const pg_erratum *src = e->erratum;
    pg_golden_metric *m = pg_golden_add(g, name);
    m->type = src->docs_type;
    free(m->help);
    m->help = pg_xstrdup(e->add_help);
    m->labels = strv_dup(src->docs_labels, src->ndocs_labels);
    m->nlabels = src->ndocs_labels;
    erratum_for(m, e)->unlisted = 1;
}

/* A docs row corrected to what the code serves: the code's facts on the
 * entry, the docs' in the erratum. Rows the docs already get right are
 * left alone, so a range may be generous. When two entries correct the
 * same fact of a row, the erratum keeps what the docs said, and the last
 * entry's fact is served. */
static void correct_row(pg_golden *g, const entry *e, pg_golden_metric *m)
{
    const pg_erratum *src = e->erratum;
    if (src->unserved) {
        erratum_for(m, e)->unserved = 1;
        return;
    }
    if (src->docs_name && strcmp(m->name, src->docs_name) &&
        !pg_golden_find(g, src->docs_name)) {
        pg_erratum *er = erratum_for(m, e);
        if (er->docs_name)
            free(m->name);
        else
            er->docs_name = m->name;
        m->name = pg_xstrdup(src->docs_name);
    }
    if (src->has_docs_labels &&
        !same_labels(m, src->docs_labels, src->ndocs_labels)) {
        pg_erratum *er = erratum_for(m, e);
        if (er->has_docs_labels) {
            strv_free(m->labels, m->nlabels);
        } else {
            er->has_docs_labels = 1;
            er->docs_labels = m->labels;
            er->ndocs_labels = m->nlabels;
        }
        m->labels = strv_dup(src->docs_labels, src->ndocs_labels);
        m->nlabels = src->ndocs_labels;
    }
    if (src->has_docs_type && m->type != src->docs_type) {
        pg_erratum *er = erratum_for(m, e);
        if (!er->has_docs_type) {
            er->has_docs_type = 1;
            er->docs_type = m->type;
        }
        m->type = src->docs_type;
    }
}

/* A golden's erratum is of one kind (golden/SCHEMA.md): a metric the docs
 * do not list, a row the code does not serve, or a row's corrections. The
 * first erratum applied to a metric decides; whether another fits. */
static int erratum_fits(const pg_golden_metric *m, const pg_erratum *src)
{
    const pg_erratum *er = m->erratum;
    if (!er)
        return 1;
    if (er->unlisted || er->unserved)
        return 0;
    return !src->unserved;
}

/* Errata first, so the other entries match the names the code serves. */
static void apply_errata(const pg_overlay *ov, pg_golden *g,
                         pg_overlay_warn_fn warn, void *ctx, size_t *count)
{
    for (size_t k = 0; k < ov->nentries; k++) {
        const entry *e = &ov->entries[k];
        if (!e->erratum || !entry_in_release(ov, e))
            continue;
        for (size_t i = 0; i < e->nnames; i++) {
            pg_golden_metric *m = find_mut(g, e->names[i]);
            if (e->erratum->unlisted) {
                if (!m) /* once the docs list it, there is nothing to add */
                    add_unlisted(g, e, e->names[i]);
            } else if (m && !erratum_fits(m, e->erratum)) {
                owarn(ov, warn, ctx, count, "overlay-erratum",
                      "entries[%d]: erratum for '%s', which already has an "
                      "erratum of another kind; not applied", e->index,
                      m->name);
            } else if (m) {
                correct_row(g, e, m);
            }
        }
    }
    pg_golden_sort(g);
}

size_t pg_overlay_apply(const pg_overlay *ov, pg_golden *g,
                        pg_overlay_warn_fn warn, void *ctx)
{
    size_t count = 0;
    apply_errata(ov, g, warn, ctx, &count);
    struct match *mv = pg_xcalloc(ov->nentries, sizeof *mv);
    size_t *hits = pg_xcalloc(ov->nentries, sizeof *hits);
    for (size_t i = 0; i < g->nmetrics; i++) {
        pg_golden_metric *m = &g->metrics[i];
        size_t n = 0;
        for (size_t k = 0; k < ov->nentries; k++) {
            if (ov->entries[k].erratum ||
                !entry_in_release(ov, &ov->entries[k]))
                continue;
            size_t s = entry_spec(&ov->entries[k], m->name);
            if (s) {
                mv[n].e = &ov->entries[k];
                mv[n].spec = s;
                n++;
                hits[k]++;
            }
        }
        qsort(mv, n, sizeof *mv, cmp_match);
        for (size_t k = 0; k < n; k++)
            apply_entry(ov, mv[k].e, m, warn, ctx, &count);
        pg_golden_metric_normalize(m);
    }
    /* An entry for a metric the docs do not list is not applied anywhere:
     * say so, since it usually means a rename the overlay missed. */
    for (size_t k = 0; k < ov->nentries; k++) {
        const entry *e = &ov->entries[k];
        if (e->erratum || !entry_in_release(ov, e))
            continue;
        for (size_t i = 0; i < e->nnames; i++)
            if (!pg_golden_find(g, e->names[i]))
                owarn(ov, warn, ctx, &count, "overlay-unknown",
                      "entries[%d]: metric '%s' is not in the golden; entry "
                      "not applied to it", e->index, e->names[i]);
        if (!hits[k] && e->nprefixes)
            owarn(ov, warn, ctx, &count, "overlay-unknown",
                  "entries[%d]: prefix '%s' matches no metric in the golden",
                  e->index, e->prefixes[0]);
    }
    free(hits);
    free(mv);
    free(g->overlay.file);
    free(g->overlay.sha256);
    g->overlay.file = pg_xstrdup(ov->file);
    g->overlay.sha256 = pg_xstrdup(ov->sha256);
    return count;
}
