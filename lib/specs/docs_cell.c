/* docs_cell.c: the vocabulary every docs shape shares: markup cleaning,
 * header synonyms, the one type-word table and the one name grammar. */
#include "specs/docs_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int docs_is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* ---- markup ------------------------------------------------------------- */

static const struct {
    const char *ent;
    const char *text;
} entities[] = {
    { "&lt;", "<" },   { "&gt;", ">" },   { "&amp;", "&" }, { "&quot;", "\"" },
    { "&#39;", "'" },  { "&apos;", "'" }, { "&nbsp;", " " }, { "&#124;", "|" },
    { "&vert;", "|" }, { "&#96;", "`" },  { "&ndash;", "-" }, { "&mdash;", "-" },
};

/* Length of an HTML tag at s ("<a href=...>", "</a>", "<br/>"), or 0 if
 * s does not start one: `<role>` in a name is a template, not a tag, so
 * only known inline tags are removed. */
static size_t html_tag(const char *s, int *is_break)
{
    static const char *const tags[] = { "a", "br", "code", "b", "i", "em",
                                        "strong", "span", "sup", "sub", "p",
                                        "kbd", "tt", "small", "div" };
    const char *q = s + 1;
    if (*q == '/')
        q++;
    size_t w = 0;
    while (isalpha((unsigned char)q[w]))
        w++;
    if (!w)
        return 0;
    int known = 0;
    for (size_t i = 0; i < sizeof tags / sizeof *tags && !known; i++)
        known = strlen(tags[i]) == w && !strncasecmp(q, tags[i], w);
    if (!known || !(q[w] == '>' || q[w] == ' ' || q[w] == '/'))
        return 0;
    const char *e = strchr(q, '>');
    if (!e)
        return 0;
    *is_break = w == 2 && !strncasecmp(q, "br", 2);
    if (w == 1 && (*q == 'p' || *q == 'P'))
        *is_break = 1;
    return (size_t)(e - s) + 1;
}

void docs_clean(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        int brk = 0;
        size_t n;
        if (*r == '<' && (n = html_tag(r, &brk))) {
            if (brk)
                *w++ = ',', *w++ = ' ';
            r += n;
            continue;
        }
        if (*r == '&') {
            size_t i = 0;
            for (; i < sizeof entities / sizeof *entities; i++) {
                size_t el = strlen(entities[i].ent);
                if (!strncmp(r, entities[i].ent, el)) {
                    size_t tl = strlen(entities[i].text);
                    memcpy(w, entities[i].text, tl); /* tl <= el */
                    w += tl;
                    r += el;
                    break;
                }
            }
            if (i < sizeof entities / sizeof *entities)
                continue;
        }
        if (*r == '[') {
            /* [text](url) and [text][ref] keep their text */
            const char *close = strchr(r + 1, ']');
            if (close && (close[1] == '(' || close[1] == '[')) {
                const char *end = strchr(close + 2, close[1] == '(' ? ')' : ']');
                if (end) {
                    size_t tl = (size_t)(close - r - 1);
                    memmove(w, r + 1, tl);
                    w += tl;
                    r = end + 1;
                    continue;
                }
            }
        }
        if (r[0] == '*' && r[1] == '*') {  /* bold, not a wildcard */
            r += 2;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
    /* trim, and drop a trailing ", " left by a final <br> */
    size_t len = strlen(s), a = 0;
    while (len && (docs_is_space(s[len - 1]) || s[len - 1] == ','))
        len--;
    while (a < len && docs_is_space(s[a]))
        a++;
    memmove(s, s + a, len - a);
    s[len - a] = '\0';
}

/* Removes every backtick (code spans keep their text). */
static void drop_ticks(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++)
        if (*r != '`')
            *w++ = *r;
    *w = '\0';
}

/* ---- headers ------------------------------------------------------------ */

char *docs_header_word(const char *cell)
{
    char *t = pg_xstrdup(cell);
    docs_clean(t);
    drop_ticks(t);
    pg_buf b = PG_BUF_INIT;
    int space = 0;
    for (const char *q = t; *q; q++) {
        unsigned char c = (unsigned char)*q;
        if (isalnum(c) || c == '/' || c == '(' || c == ')') {
            if (space && b.len)
                pg_buf_addc(&b, ' ');
            space = 0;
            pg_buf_addc(&b, (char)tolower(c));
        } else {
            space = 1;
        }
    }
    free(t);
    if (!b.p)
        return pg_xstrdup("");
    return pg_buf_detach(&b);
}

/* Header words of each role, normalized as docs_header_word() leaves them.
 * "label name" is absent on purpose: argo-cd's label glossary tables
 * (`Label Name | Example Value | Description`) describe labels, not
 * metrics. */
static const struct {
    const char *word;
    enum docs_col col;
} synonyms[] = {
    { "name", DC_NAME },              { "metric", DC_NAME },
    { "metric name", DC_NAME },       { "metrics", DC_NAME },
    { "prometheus metric", DC_NAME }, { "metric family", DC_NAME },
    { "prometheus name", DC_NAME },   { "series", DC_NAME },
    { "metric name prometheus", DC_NAME },
    { "type", DC_TYPE },              { "metric type", DC_TYPE },
    { "prometheus type", DC_TYPE },   { "kind", DC_TYPE },
    { "instrument", DC_TYPE },        { "instrument type", DC_TYPE },
    { "labels", DC_LABELS },          { "label", DC_LABELS },
    { "labels/tags", DC_LABELS },     { "tags", DC_LABELS },
    { "labels (values)", DC_LABELS }, { "dimensions", DC_LABELS },
    { "attributes", DC_LABELS },      { "label names", DC_LABELS },
    { "prometheus labels", DC_LABELS },
    { "description", DC_HELP },       { "help", DC_HELP },
    { "meaning", DC_HELP },           { "details", DC_HELP },
    { "notes", DC_HELP },             { "explanation", DC_HELP },
};

int docs_column_role(const docs_reader *R, const char *word)
{
    const pg_docs_profile *p = R->opts ? R->opts->profile : NULL;
    for (size_t i = 0; p && i < p->nsyn; i++)
        if (!strcmp(p->syn[i].word, word))
            return (int)p->syn[i].col;
    for (size_t i = 0; i < sizeof synonyms / sizeof *synonyms; i++)
        if (!strcmp(synonyms[i].word, word))
            return (int)synonyms[i].col;
    return -1;
}

/* ---- types -------------------------------------------------------------- */

/* The one type-word table: Prometheus types, OpenCensus/OpenTelemetry
 * aggregations and instruments, StatsD/Datadog words. "multiple" and
 * "mixed" say the docs give no single type. */
static const struct {
    const char *word;
    enum pg_type type;
} type_words[] = {
    { "counter", PG_TYPE_COUNTER },       { "count", PG_TYPE_COUNTER },
    { "counters", PG_TYPE_COUNTER },      { "monotonic counter", PG_TYPE_COUNTER },
    { "cumulative", PG_TYPE_COUNTER },    { "sum", PG_TYPE_COUNTER },
    { "observablecounter", PG_TYPE_COUNTER },
    { "gauge", PG_TYPE_GAUGE },           { "gauges", PG_TYPE_GAUGE },
    { "lastvalue", PG_TYPE_GAUGE },       { "last value", PG_TYPE_GAUGE },
    { "updowncounter", PG_TYPE_GAUGE },   { "observablegauge", PG_TYPE_GAUGE },
    { "observableupdowncounter", PG_TYPE_GAUGE },
    { "histogram", PG_TYPE_HISTOGRAM },   { "histograms", PG_TYPE_HISTOGRAM },
    { "distribution", PG_TYPE_HISTOGRAM }, { "timer", PG_TYPE_HISTOGRAM },
    { "summary", PG_TYPE_SUMMARY },       { "untyped", PG_TYPE_UNTYPED },
    { "unknown", PG_TYPE_UNKNOWN },       { "info", PG_TYPE_INFO },
    { "stateset", PG_TYPE_STATESET },     { "gaugehistogram", PG_TYPE_GAUGEHISTOGRAM },
    { "multiple", PG_TYPE_NONE },         { "mixed", PG_TYPE_NONE },
    { "various", PG_TYPE_NONE },
};

/* One word (no markup, any case): "Int64Counter" -> counter. */
static int one_type(const char *word, enum pg_type *out)
{
    char low[64];
    size_t k = 0;
    for (; word[k] && k + 1 < sizeof low; k++)
        low[k] = (char)tolower((unsigned char)word[k]);
    low[k] = '\0';
    const char *w = low;
    static const char *const number_prefixes[] = { "int64", "float64",
                                                   "double", "long", "int" };
    for (size_t p = 0; p < sizeof number_prefixes / sizeof *number_prefixes;
         p++) {
        size_t n = strlen(number_prefixes[p]);
        if (!strncmp(w, number_prefixes[p], n) && w[n]) {
            w += n;
            break;
        }
    }
    for (size_t i = 0; i < sizeof type_words / sizeof *type_words; i++)
        if (!strcmp(type_words[i].word, w)) {
            *out = type_words[i].type;
            return 0;
        }
    return -1;
}

int docs_type_word(const char *s, enum pg_type *out, char **labels)
{
    *labels = NULL;
    char *t = pg_xstrdup(s);
    docs_clean(t);
    drop_ticks(t);
    int rc = 0, have = 0;
    enum pg_type acc = PG_TYPE_NONE;
    pg_buf lab = PG_BUF_INIT;
    /* alternatives: "Histogram/LastValue(Gauge)", "counter, gauge" */
    char *save = NULL;
    for (char *alt = strtok_r(t, "/,", &save); alt;
         alt = strtok_r(NULL, "/,", &save)) {
        while (docs_is_space(*alt))
            alt++;
        size_t n = strlen(alt);
        while (n && docs_is_space(alt[n - 1]))
            alt[--n] = '\0';
        if (!n)
            continue;
        enum pg_type ty;
        char *paren = strchr(alt, '(');
        if (paren) {
            /* "LastValue(Gauge)": the word in parentheses is the type;
             * "Counter(To)": the word in parentheses is a label. */
            char *close = strchr(paren, ')');
            char *inner = pg_xstrndup(paren + 1, close ? (size_t)(close - paren - 1)
                                                       : strlen(paren + 1));
            *paren = '\0';
            while (paren > alt && docs_is_space(paren[-1]))
                *--paren = '\0';
            if (!one_type(inner, &ty)) {
                /* fall through with the inner type */
            } else if (!one_type(alt, &ty)) {
                if (lab.len)
                    pg_buf_addc(&lab, ',');
                pg_buf_adds(&lab, inner);
            } else {
                free(inner);
                rc = -1;
                break;
            }
            free(inner);
        } else if (one_type(alt, &ty)) {
            rc = -1;
            break;
        }
        if (!have)
            acc = ty;
        else if (acc != ty)
            acc = PG_TYPE_NONE; /* alternatives disagree: not one type */
        have = 1;
    }
    free(t);
    if (rc || !have) {
        pg_buf_release(&lab);
        return -1;
    }
    *out = acc;
    if (lab.len)
        *labels = pg_buf_detach(&lab);
    else
        pg_buf_release(&lab);
    return 0;
}

enum pg_type docs_type_in_text(const char *s)
{
    char *t = pg_xstrdup(s);
    docs_clean(t);
    drop_ticks(t);
    for (char *q = t; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    enum pg_type ty = PG_TYPE_NONE;
    /* "Type: counter" anywhere */
    const char *k = strstr(t, "type:");
    if (k) {
        k += 5;
        while (docs_is_space(*k))
            k++;
        char w[40];
        size_t n = 0;
        while (n + 1 < sizeof w && isalnum((unsigned char)k[n]))
            w[n] = k[n], n++;
        w[n] = '\0';
        if (one_type(w, &ty))
            ty = PG_TYPE_NONE;
    }
    /* "A counter of ...", "Counter of ...", "This is a COUNTER", "A
     * histogram of ...": the first sentence's type word */
    if (ty == PG_TYPE_NONE) {
        static const char *const lead[] = { "a ", "an ", "the ", "this is a ",
                                            "this is an ", "" };
        for (size_t i = 0; i < sizeof lead / sizeof *lead && ty == PG_TYPE_NONE;
             i++) {
            size_t n = strlen(lead[i]);
            if (strncmp(t, lead[i], n))
                continue;
            char w[40];
            size_t m = 0;
            while (m + 1 < sizeof w && isalpha((unsigned char)t[n + m]))
                w[m] = t[n + m], m++;
            w[m] = '\0';
            const char *after = t + n + m;
            enum pg_type c;
            if (m && !one_type(w, &c) && c != PG_TYPE_NONE &&
                (*after == '\0' || *after == '.' || !strncmp(lead[i], "this", 4) || !strncmp(after, " of", 3) ||
                 !strncmp(after, " that", 5) || !strncmp(after, " which", 6) ||
                 !strncmp(after, " for", 4) || !strncmp(after, " metric", 7)))
                ty = c;
        }
    }
    free(t);
    return ty;
}

/* ---- names -------------------------------------------------------------- */

/* Series suffixes of histograms and summaries (exposition format:
 * "Histograms and summaries"); the golden names the family. */
static const char *const series_suffixes[] = { "_bucket", "_sum", "_count" };

static void pat_literal(pg_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strchr("\\^$.|?*+()[]{}", s[i]))
            pg_buf_addc(b, '\\');
        pg_buf_addc(b, s[i]);
    }
}

/* An ALLCAPS segment between underscores (`label_POD_LABEL`, `x_NAME_y`):
 * kube-state-metrics' and others' way to write "any". Needs a lowercase
 * segment elsewhere, so all-caps names stay names. */
static int caps_segment(const char *s, size_t n)
{
    int up = 0;
    for (size_t i = 0; i < n; i++) {
        if (islower((unsigned char)s[i]))
            return 0;
        if (isupper((unsigned char)s[i]))
            up = 1;
    }
    return up;
}

/* Builds the pattern of a templated identifier into b; returns 1 if any
 * template part was found. `name_chars` is the character class that a
 * template part stands for. */
static int template_pattern(const char *s, pg_buf *b, const char *any)
{
    int templ = 0, has_lower = 0;
    for (const char *q = s; *q; q++)
        if (islower((unsigned char)*q))
            has_lower = 1;
    const char *p = s;
    while (*p) {
        if (*p == '<' || *p == '{') {
            char close = *p == '<' ? '>' : '}';
            const char *e = strchr(p, close);
            if (e) {
                pg_buf_adds(b, any);
                pg_buf_addc(b, '+');
                templ = 1;
                p = e + 1;
                continue;
            }
        }
        if (*p == '*') {
            pg_buf_adds(b, any);
            pg_buf_addc(b, '*');
            templ = 1;
            p++;
            continue;
        }
        if (!strncmp(p, "...", 3) || !strncmp(p, "\xe2\x80\xa6", 3)) {
            pg_buf_adds(b, any);
            pg_buf_addc(b, '*');
            templ = 1;
            p += 3;
            continue;
        }
        /* a segment: up to the next '_' */
        const char *e = p;
        while (*e && *e != '_' && *e != '<' && *e != '{' && *e != '*' &&
               *e != '.')
            e++;
        if (e == p) {
            pat_literal(b, p, 1);
            p++;
            continue;
        }
        if (has_lower && caps_segment(p, (size_t)(e - p))) {
            /* a run of ALLCAPS segments is one template part */
            while (*e == '_' && caps_segment(e + 1, strcspn(e + 1, "_<{*.")) &&
                   e[1])
                e += 1 + strcspn(e + 1, "_<{*.");
            pg_buf_adds(b, any);
            pg_buf_addc(b, '+');
            templ = 1;
        } else {
            pat_literal(b, p, (size_t)(e - p));
        }
        p = e;
    }
    return templ;
}

void docs_name_release(docs_name *n)
{
    free(n->name);
    free(n->pattern);
    docs_labels_release(&n->braces);
    memset(n, 0, sizeof *n);
}

int docs_name_parse(const char *text, docs_name *out)
{
    memset(out, 0, sizeof *out);
    char *t = pg_xstrdup(text);
    docs_clean(t);
    drop_ticks(t);
    /* trailing "()" of a function-style mention, and a trailing colon */
    size_t n = strlen(t);
    while (n && (t[n - 1] == ':' || docs_is_space(t[n - 1])))
        t[--n] = '\0';
    /* labels in braces at the end: name{a, b} / name{a="x"} */
    char *brace = n && t[n - 1] == '}' ? strrchr(t, '{') : NULL;
    if (brace && brace > t && (brace[-1] != '_' || strchr(brace, ',') ||
                               strchr(brace, '=') || brace[1] == '}')) {
        char *inner = pg_xstrndup(brace + 1, (size_t)(t + n - 1 - brace - 1));
        char why[80];
        if (docs_labels_parse(inner, &out->braces, why, sizeof why)) {
            free(inner);
            free(t);
            docs_labels_release(&out->braces);
            return -1;
        }
        free(inner);
        *brace = '\0';
        n = strlen(t);
    }
    /* x_[bucket, sum, count] and x_{bucket,sum,count} */
    char *sq = strchr(t, '[');
    if (!sq)
        sq = strstr(t, "_{bucket");
    if (sq && (strstr(sq, "bucket") || strstr(sq, "sum") || strstr(sq, "count"))) {
        if (sq > t && sq[-1] == '_')
            sq--;
        *sq = '\0';
        out->folded = 1;
        n = strlen(t);
    }
    if (!n) {
        free(t);
        return -1;
    }
    /* dotted names (StatsD, OpenTelemetry) in Prometheus form; a dash is
     * left alone: it makes the name invalid, which is reported */
    for (char *q = t; *q; q++)
        if (*q == '.' && q[1] != '.' && (q == t || q[-1] != '.'))
            *q = '_';
    pg_buf pat = PG_BUF_INIT;
    int templ = template_pattern(t, &pat, "[a-zA-Z0-9_:]");
    if (!templ) {
        pg_buf_release(&pat);
        if (!pg_metric_name_valid(t, strlen(t))) {
            free(t);
            docs_labels_release(&out->braces);
            return -1;
        }
    } else {
        /* a template still needs some literal name text */
        int lit = 0;
        for (const char *q = t; *q; q++)
            lit += islower((unsigned char)*q) != 0;
        for (const char *q = t; *q; q++)
            if (docs_is_space(*q) || *q == '(' || *q == ')' || *q == '/' ||
                *q == '=' || *q == ',' || *q == '"')
                lit = 0;
        if (lit < 2) {
            pg_buf_release(&pat);
            free(t);
            docs_labels_release(&out->braces);
            return -1;
        }
        out->pattern = pg_buf_detach(&pat);
    }
    out->name = t;
    return 0;
}

/* Folds a series suffix when the type says the family has series. */
int docs_fold_series(char *name, enum pg_type type)
{
    /* Only _bucket: a histogram may well be named x_count (Coder's
     * coderd_chatd_message_count); _sum and _count fold when siblings
     * show they are series (docs_series_suffix(), docs.c). */
    if (type != PG_TYPE_HISTOGRAM && type != PG_TYPE_GAUGEHISTOGRAM)
        return 0;
    size_t n = strlen(name), sl = strlen(series_suffixes[0]);
    if (n > sl && !strcmp(name + n - sl, series_suffixes[0])) {
        name[n - sl] = '\0';
        return 1;
    }
    return 0;
}

int docs_series_suffix(const char *name, size_t *stem)
{
    size_t n = strlen(name);
    for (int i = 0; i < 3; i++) {
        size_t sl = strlen(series_suffixes[i]);
        if (n > sl && !strcmp(name + n - sl, series_suffixes[i])) {
            *stem = n - sl;
            return i;
        }
    }
    return -1;
}

/* ---- labels ------------------------------------------------------------- */

void docs_labels_release(docs_labels *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->names[i]);
        free(l->values[i]);
    }
    free(l->names);
    free(l->values);
    for (size_t i = 0; i < l->npatterns; i++)
        free(l->patterns[i]);
    free(l->patterns);
    memset(l, 0, sizeof *l);
}

static void labels_push(docs_labels *l, const char *name, size_t n,
                        char *values)
{
    /* le and quantile are the structure of histograms and summaries, not
     * labels a series is documented with (exposition format). */
    if ((n == 2 && !strncmp(name, "le", 2)) ||
        (n == 8 && !strncmp(name, "quantile", 8))) {
        free(values);
        return;
    }
    char *s = pg_xstrndup(name, n);
    pg_buf pat = PG_BUF_INIT;
    if (template_pattern(s, &pat, "[a-zA-Z0-9_]")) {
        l->patterns = pg_xrealloc(l->patterns,
                                  (l->npatterns + 1) * sizeof *l->patterns);
        l->patterns[l->npatterns++] = pg_buf_detach(&pat);
        free(s);
        free(values);
        return;
    }
    pg_buf_release(&pat);
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->names[i], s)) {
            free(s);
            if (values && !l->values[i])
                l->values[i] = values;
            else
                free(values);
            return;
        }
    l->names = pg_xrealloc(l->names, (l->n + 1) * sizeof *l->names);
    l->values = pg_xrealloc(l->values, (l->n + 1) * sizeof *l->values);
    l->names[l->n] = s;
    l->values[l->n] = values;
    l->n++;
}

/* A value list "(`success` | `failure`)", "(a, b)", "<A|B|C>" as a PCRE2
 * alternation of literals, or NULL when the text is prose or a
 * placeholder ("<pod-name>", "(the response status code ...)"). */
static char *value_list(const char *s, size_t n)
{
    pg_buf b = PG_BUF_INIT;
    size_t count = 0, i = 0;
    int separators = 0;
    while (i < n) {
        while (i < n && (docs_is_space(s[i]) || s[i] == '`' || s[i] == '"' ||
                         s[i] == '\''))
            i++;
        size_t a = i;
        while (i < n && s[i] != '|' && s[i] != ',' && s[i] != '`' &&
               s[i] != '"' && s[i] != '\'')
            i++;
        size_t z = i;
        while (z > a && docs_is_space(s[z - 1]))
            z--;
        if (z > a) {
            for (size_t k = a; k < z; k++)
                if (docs_is_space(s[k])) {
                    pg_buf_release(&b);
                    return NULL; /* a phrase, not a value */
                }
            if (count++)
                pg_buf_addc(&b, '|');
            pat_literal(&b, s + a, z - a);
        }
        while (i < n && (s[i] == '`' || s[i] == '"' || s[i] == '\'' ||
                         docs_is_space(s[i])))
            i++;
        if (i < n && (s[i] == '|' || s[i] == ',')) {
            separators++;
            i++;
        }
    }
    if (count < 2 || !separators) {
        pg_buf_release(&b);
        return NULL;
    }
    return pg_buf_detach(&b);
}

/* A word that only says "no labels". */
static int none_word(const char *s, size_t n)
{
    static const char *const none[] = { "-", "--", "\xe2\x80\x94",
                                        "\xe2\x80\x93", "[]", "none", "n/a",
                                        "{}", "no labels", "na", "" };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        if (strlen(none[i]) == n && !strncasecmp(s, none[i], n))
            return 1;
    return 0;
}

static int label_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '<' || c == '>' ||
           c == '{' || c == '}' || c == '*' || c == '-' || c == '.';
}

/* 1 if the cleaned cell only says "no labels" ([], -, none, ...). */
static int labels_none(const char *t, size_t n)
{
    size_t a = 0, z = n;
    while (a < z && docs_is_space(t[a]))
        a++;
    while (z > a && (docs_is_space(t[z - 1]) || t[z - 1] == '.'))
        z--;
    char *ticks = pg_xstrndup(t + a, z - a);
    drop_ticks(ticks);
    int none = none_word(ticks, strlen(ticks));
    free(ticks);
    return none;
}

/* Index after the group that opens at t[i] ("(...)" or "[...]"). */
static size_t skip_group(const char *t, size_t n, size_t i)
{
    char open = t[i], close = open == '(' ? ')' : ']';
    int depth = 0;
    for (; i < n; i++) {
        if (t[i] == open)
            depth++;
        else if (t[i] == close && --depth == 0)
            break;
    }
    return i + 1;
}

/* What may follow a label name at t[i]: =<a|b>, =value or (a, b). Sets
 * *values to a pattern for a value list (NULL otherwise) and returns the
 * index after what was read. */
static size_t values_after(const char *t, size_t n, size_t i, char **values)
{
    *values = NULL;
    size_t k = i;
    while (k < n && docs_is_space(t[k]))
        k++;
    if (k < n && t[k] == '=') {
        k++;
        while (k < n && docs_is_space(t[k]))
            k++;
        if (k < n && t[k] == '<') {
            const char *e = memchr(t + k, '>', n - k);
            size_t end = e ? (size_t)(e - t) : n;
            *values = value_list(t + k + 1, end - k - 1);
            return e ? end + 1 : n;
        }
        while (k < n && !docs_is_space(t[k]) && t[k] != ',')
            k++;
        return k;
    }
    if (k < n && t[k] == '(') {
        const char *e = memchr(t + k, ')', n - k);
        size_t end = e ? (size_t)(e - t) : n;
        *values = value_list(t + k + 1, end - k - 1);
        if (*values)
            return end + 1;
    }
    return i;
}

/* Adds label s[0..n) (values owned); an optional one (`*label`, tekton)
 * is allowed without being required, as a literal label pattern. */
static int take_label(docs_labels *out, const char *s, size_t n, int optional,
                      char *values, char *why, size_t whylen)
{
    char *ln = pg_xstrndup(s, n);
    /* OpenTelemetry attribute names (`http.request.method`) reach
     * Prometheus with dots as underscores */
    for (char *q = ln; *q; q++)
        if (*q == '.' && q > ln && q[1] && q[1] != '.')
            *q = '_';
    pg_buf chk = PG_BUF_INIT;
    int templ = template_pattern(ln, &chk, "[a-zA-Z0-9_]");
    pg_buf_release(&chk);
    if (!templ && !pg_label_name_valid(ln, strlen(ln))) {
        snprintf(why, whylen, "'%.60s' is not a label name", ln);
        free(ln);
        free(values);
        return -1;
    }
    if (optional && !templ) {
        pg_buf pat = PG_BUF_INIT;
        pat_literal(&pat, ln, strlen(ln));
        out->patterns = pg_xrealloc(out->patterns,
                                    (out->npatterns + 1) * sizeof *out->patterns);
        out->patterns[out->npatterns++] = pg_buf_detach(&pat);
        free(values);
    } else {
        labels_push(out, ln, strlen(ln), values);
    }
    free(ln);
    return 0;
}

int docs_labels_parse(const char *cell, docs_labels *out, char *why,
                      size_t whylen)
{
    memset(out, 0, sizeof *out);
    char *t = pg_xstrdup(cell);
    docs_clean(t);
    size_t n = strlen(t), i = 0;
    int coded = strchr(t, '`') != NULL, rc = 0;
    if (labels_none(t, n))
        n = 0;
    while (i < n && !rc) {
        char c = t[i];
        if (docs_is_space(c) || c == ',' || c == ';' || c == '|') {
            i++;
            continue;
        }
        if (c == '(' || (c == '[' && coded)) {
            /* prose or a value list not attached to a label */
            i = skip_group(t, n, i);
            continue;
        }
        if (!strncasecmp(t + i, "and ", 4) || !strncasecmp(t + i, "or ", 3)) {
            i += c == 'a' || c == 'A' ? 4 : 3;
            continue;
        }
        int optional = c == '*';  /* `*label` (tekton) */
        if (optional)
            c = t[++i];
        size_t a = i, z;
        if (c == '`') {
            a = ++i;
            while (i < n && t[i] != '`')
                i++;
            z = i;
            if (i < n)
                i++;
        } else if (coded) {
            /* prose between code spans ("the", "see [...]"): skip a word */
            while (i < n && !docs_is_space(t[i]) && t[i] != '`' && t[i] != '(')
                i++;
            continue;
        } else {
            while (i < n && label_char(t[i]))
                i++;
            z = i;
            if (z == a) {
                snprintf(why, whylen, "unexpected '%c' in labels cell", t[a]);
                rc = -1;
                break;
            }
        }
        while (a < z && (docs_is_space(t[a]) || t[a] == '*'))
            a++, optional = 1;
        while (z > a && docs_is_space(t[z - 1]))
            z--;
        /* `l=value` written inside one code span */
        const char *eq = memchr(t + a, '=', z - a);
        size_t nz = eq ? (size_t)(eq - t) : z;
        char *values;
        i = values_after(t, n, i, &values);
        if (nz == a)
            free(values);
        else
            rc = take_label(out, t + a, nz - a, optional, values, why, whylen);
    }
    free(t);
    if (rc)
        docs_labels_release(out);
    return rc;
}
