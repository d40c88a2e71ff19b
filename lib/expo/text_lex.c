/* text_lex.c: the lexical layer of the text formats: separators, metric
 * names, quoted strings with their escapes, and label sets. Sample lines,
 * exemplars and HELP/TYPE/UNIT lines all read their names and labels
 * here, so each token has one reader and one set of messages. */
#include "expo/text_int.h"

const char *pg__sep(pg__text *p, const char *q, const char *e, int need,
                         const char *what)
{
    const char *s = q;
    while (q < e && IS(*q, C_WS))
        q++;
    if (q == s) {
        if (need)
            pg__diag(p, B, E, s, R_P_LINE, "expected whitespace before %s", what);
        return q;
    }
    if (q - s != 1 || *s != ' ')
        pg__diag(p, O, E, s, R_OM_ABNF,
                 "expected a single space before %s", what);
    return q;
}

/* Optional whitespace that the text format allows and OpenMetrics not. */
static const char *opt_ws_slow(pg__text *p, const char *q, const char *e)
{
    const char *s = q;
    while (q < e && IS(*q, C_WS))
        q++;
    pg__diag(p, O, E, s, R_OM_ABNF, "unexpected whitespace");
    return q;
}

static inline __attribute__((always_inline)) const char *
opt_ws(pg__text *p, const char *q, const char *e)
{
    if (__builtin_expect(q < e && (*q == ' ' || *q == '\t'), 0))
        return opt_ws_slow(p, q, e);
    return q;
}

static char *scratch_reserve(pg__text *p)
{
    if (!p->scratch_ready) {
        p->scratch.len = 0;
        pg_buf_grow(&p->scratch, p->line_len + 1);
        p->scratch_ready = 1;
    }
    return p->scratch.p + p->scratch.len;
}

/* The run of plain bytes at q: up to the first quote, backslash or
 * non-ASCII byte (or e). Eight bytes at a time (SWAR zero-byte test: the
 * lowest flagged byte is exact). */
static inline const char *plain_run(const char *q, const char *e)
{
    while (e - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        uint64_t xq = w ^ (ONES * '"'), xb = w ^ (ONES * '\\');
        uint64_t z = (((xq - ONES) & ~xq) | ((xb - ONES) & ~xb) | w) & HIGHS;
        if (z)
            return q + ((size_t)__builtin_ctzll(z) >> 3);
        q += 8;
    }
    return q;
}

/* The closing quote from q on (e if there is none), stepping over
 * escaped characters; notes the first backslash and any non-ASCII byte. */
static const char *closing_quote(const char *q, const char *e, const char **bs,
                                 int *high)
{
    while (q < e && *q != '"') {
        if (*q == '\\') {
            if (!*bs)
                *bs = q;
            q++;
        } else if (*q & 0x80) {
            *high = 1;
        }
        q++;
    }
    return q;
}

/* Decodes the escapes of [start, end), the first at bs, into the line's
 * scratch: \\ \" \n. Another escape is kept as written and reported. */
static void unescape(pg__text *p, const char *start, const char *bs,
                     const char *end, pg_str *out)
{
    char *d = scratch_reserve(p), *d0 = d;
    memcpy(d, start, (size_t)(bs - start));
    d += bs - start;
    for (const char *r = bs; r < end; r++) {
        if (*r != '\\') {
            *d++ = *r;
            continue;
        }
        r++;
        switch (*r) {
        case '\\': *d++ = '\\'; break;
        case '"': *d++ = '"'; break;
        case 'n': *d++ = '\n'; break;
        default: {
            char c = (unsigned char)*r >= 0x20 && (unsigned char)*r < 0x7f ? *r : '?';
            pg__diag(p, P, E, r - 1, R_P_SYNTAX, "invalid escape sequence '\\%c'", c);
            pg__diag(p, O, W, r - 1, R_OM_ESC, "undefined escape sequence '\\%c'",
                     c);
            *d++ = '\\';
            *d++ = *r;
            break;
        }
        }
    }
    out->p = d0;
    out->len = (size_t)(d - d0);
    p->scratch.len += out->len;
}

enum qkind { Q_LVALUE, Q_NAME };

/* Parses a double-quoted escaped string starting at *qp (on the quote).
 * Escapes \\ \" \n are decoded; an unknown escape is an error in the text
 * format ("must be escaped" leaves no other) and a warning in OpenMetrics
 * (ABNF allows BS normal-char, Escaping says SHOULD NOT). Returns 0 and
 * sets *out, or -1 after a diagnostic. */
static int qstring(pg__text *p, const char **qp, const char *e, pg_str *out,
                   enum qkind kind)
{
    const char *start = *qp + 1, *q = plain_run(start, e);
    if (q < e && *q == '"' && (size_t)(q - start) <= p->max_name) {
        /* the common case: plain ASCII, no escapes */
        out->p = start;
        out->len = (size_t)(q - start);
        *qp = q + 1;
        return 0;
    }
    const char *bs = NULL;
    int high = 0;
    q = closing_quote(q, e, &bs, &high);
    if (q >= e) {
        pg__diag(p, B, E, *qp, R_P_SYNTAX, "unterminated quoted string");
        return -1;
    }
    size_t rawlen = (size_t)(q - start);
    size_t v = high ? pg__utf8_valid(start, rawlen) : rawlen;
    if (v != rawlen) {
        pg__diag(p, B, E, start + v, kind == Q_LVALUE ? R_OM_STRING : R_P_UTF8,
                 "invalid UTF-8 in %s", kind == Q_LVALUE ? "label value" : "name");
        return -1;
    }
    if (rawlen > p->max_name) {
        pg__diag(p, B, E, start, R_LIMIT, "quoted string longer than %zu bytes",
                 p->max_name);
        return -1;
    }
    *qp = q + 1;
    if (!bs) {
        out->p = start;
        out->len = rawlen;
        return 0;
    }
    unescape(p, start, bs, q, out);
    return 0;
}

/* A quoted name at `at` in OpenMetrics: valid where the 2.0 draft's
 * grammar has one (quotable) in a body whose names are allowed UTF-8
 * (escaping=allow-utf-8), an error otherwise, saying what would make it
 * valid. Called on the quoted-name path only. */
static void om_quoted(pg__text *p, const char *at, const char *what,
                      int quotable)
{
    if (!quotable)
        pg__diag(p, O, E, at, R_OM_QUOTED, "%s: OpenMetrics quotes a metric "
                 "name only inside braces ({\"a.b\"}), with "
                 "escaping=allow-utf-8", what);
    else if (!(p->flags & PG_PARSE_UTF8_NAMES))
        pg__diag(p, O, E, at, R_OM_QUOTED, "%s: OpenMetrics 1.0 has none; a "
                 "body served with escaping=allow-utf-8 may use them", what);
}

/* A metric name: legacy identifier, or a quoted UTF-8 name (in
 * OpenMetrics, valid only where quotable). */
int pg__metric_name(pg__text *p, const char **qp, const char *e,
                    pg_str *out, const char *what, int quotable)
{
    const char *q = *qp;
    if (q < e && *q == '"') {
        if (p->fmt == PG__F_OM &&
            (!quotable || !(p->flags & PG_PARSE_UTF8_NAMES))) {
            char msg[64];
            snprintf(msg, sizeof msg, "quoted metric name %s", what);
            om_quoted(p, q, msg, quotable);
        }
        if (qstring(p, qp, e, out, Q_NAME))
            return -1;
        if (!out->len) {
            pg__diag(p, B, E, q, R_P_UTF8, "empty metric name %s", what);
            return -1;
        }
        return 0;
    }
    if (q >= e || !IS(*q, C_NAME0)) {
        char b[80];
        const char *t = q;
        while (t < e && !IS(*t, C_WS) && *t != '{')
            t++;
        if (t == q)
            pg__diag(p, B, E, q, R_P_SYNTAX, "expected metric name %s", what);
        else
            pg__diag(p, B, E, q, R_P_SYNTAX, "invalid metric name '%s' %s",
                     pg__subj(b, sizeof b, q, (size_t)(t - q)), what);
        return -1;
    }
    const char *s = q;
    q += name_span(q, e, 1);
    if ((size_t)(q - s) > p->max_name) {
        pg__diag(p, B, E, s, R_LIMIT, "metric name longer than %zu bytes",
                 p->max_name);
        return -1;
    }
    out->p = s;
    out->len = (size_t)(q - s);
    *qp = q;
    return 0;
}

/* The slot of the next label, grown as needed; NULL after a diagnostic
 * if the line has more labels than allowed. */
static pg_label *label_slot(pg__text *p, const char *at)
{
    if (p->nlabels >= p->max_labels) {
        pg__diag(p, B, E, at, R_LIMIT, "more than %zu labels", p->max_labels);
        return NULL;
    }
    if (p->nlabels == p->labels_cap) {
        p->labels_cap = p->labels_cap ? p->labels_cap * 2 : 16;
        if (p->labels_cap > p->max_labels)
            p->labels_cap = p->max_labels;
        p->labels = pg_xrealloc(p->labels, p->labels_cap * sizeof *p->labels);
    }
    return &p->labels[p->nlabels];
}

/* A quoted label name at *qp. In the brace-name form a quoted string
 * followed by ',' or '}' is the metric name instead (name is NULL where
 * that form is not allowed). Returns 0 for a label name, 1 for the metric
 * name (set in *name), -1 after a diagnostic. */
static int quoted_label_name(pg__text *p, const char **qp, const char *e,
                             pg_str *ln, pg_str *name)
{
    const char *lat = *qp, *q = *qp;
    if (qstring(p, &q, e, ln, Q_NAME))
        return -1;
    q = opt_ws(p, q, e);
    *qp = q;
    if (q < e && (*q == ',' || *q == '}') && name) {
        if (name->p) {
            pg__diag(p, B, E, lat, R_P_UTF8, "multiple metric names");
            return -1;
        }
        if (!ln->len) {
            pg__diag(p, B, E, lat, R_P_UTF8, "empty metric name");
            return -1;
        }
        om_quoted(p, lat, "quoted metric name", 1);
        *name = *ln;
        p->qname_at = lat;
        return 1;
    }
    if (!ln->len) {
        pg__diag(p, B, E, lat, R_P_UTF8, "empty label name");
        return -1;
    }
    om_quoted(p, lat, "quoted label name", 1);
    return 0;
}

/* A label name without quotes at *qp. Returns 0, or -1 after a
 * diagnostic. */
static int plain_label_name(pg__text *p, const char **qp, const char *e,
                            pg_str *ln)
{
    char b[80];
    const char *lat = *qp, *q = *qp;
    if (!IS(*q, C_LNAME0)) {
        pg__diag(p, B, E, q, R_P_SYNTAX, "expected label name, got '%s'",
                 pg__subj(b, sizeof b, q, 1));
        return -1;
    }
    q += name_span(q, e, 0);
    ln->p = lat;
    ln->len = (size_t)(q - lat);
    if (ln->len > p->max_name) {
        pg__diag(p, B, E, lat, R_LIMIT, "label name longer than %zu bytes",
                 p->max_name);
        return -1;
    }
    *qp = opt_ws(p, q, e);
    return 0;
}

/* '=' and the quoted value of label ln into slot. Returns 0, or -1 after
 * a diagnostic. */
static int label_value(pg__text *p, const char **qp, const char *e,
                       pg_label *slot, pg_str ln)
{
    char b[80];
    const char *q = *qp;
    if (q >= e || *q != '=') {
        pg__diag(p, B, E, q, R_P_SYNTAX, "expected '=' after label name '%s'",
                 pg__subj(b, sizeof b, ln.p, ln.len));
        return -1;
    }
    q = opt_ws(p, q + 1, e);
    if (q >= e || *q != '"') {
        pg__diag(p, B, E, q, R_P_SYNTAX, "expected '\"' to start label value");
        return -1;
    }
    slot->name = ln;
    const char *close = qfast(q + 1, e);
    if (close && (size_t)(close - q - 1) <= p->max_name) {
        slot->value.p = q + 1;
        slot->value.len = (size_t)(close - q - 1);
        q = close + 1;
    } else if (qstring(p, &q, e, &slot->value, Q_LVALUE)) {
        return -1;
    }
    *qp = opt_ws(p, q, e);
    return 0;
}

/* What follows a label: ',' (returns 1, another may follow), '}' (0, the
 * set ends), or anything else (-1 after a diagnostic). */
static int label_next(pg__text *p, const char **qp, const char *e)
{
    const char *q = *qp;
    if (q < e && (*q == ',' || *q == '}')) {
        *qp = q + 1;
        return *q == ',';
    }
    pg__diag(p, B, E, q, R_P_SYNTAX, "expected ',' or '}' after label");
    return -1;
}

/* Labels inside braces starting at *qp ('{'). In the brace-name form
 * ({"name", l="v"}) a bare quoted string is the metric name; *name is
 * set then. Returns 0, or -1 after a diagnostic. */
int pg__labels(pg__text *p, const char **qp, const char *e, pg_str *name,
               int exemplar)
{
    const char *q = *qp + 1;
    int after_comma = 0;
    for (;;) {
        q = opt_ws(p, q, e);
        if (q >= e) {
            pg__diag(p, B, E, q, R_P_SYNTAX, "unexpected end of line in labels");
            return -1;
        }
        if (*q == '}') {
            if (after_comma)
                pg__diag(p, O, E, q - 1, R_OM_ABNF, "trailing comma in labels");
            q++;
            break;
        }
        /* name and value are written straight into their slot */
        pg_label *slot = label_slot(p, q);
        if (!slot)
            return -1;
        pg_str ln;
        int r = *q == '"' ? quoted_label_name(p, &q, e, &ln, exemplar ? NULL : name)
                          : plain_label_name(p, &q, e, &ln);
        if (r < 0)
            return -1;
        if (r == 0) {
            if (label_value(p, &q, e, slot, ln))
                return -1;
            p->nlabels++;
        }
        r = label_next(p, &q, e);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        after_comma = 1;
    }
    *qp = q;
    return 0;
}

