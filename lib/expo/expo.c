/* expo.c: streaming parser and validator for the Prometheus text format
 * 0.0.4 (with Prometheus 3 quoted UTF-8 names) and OpenMetrics 1.0 text.
 *
 * One grammar covers both formats: it is the lenient text-format grammar,
 * and every place where OpenMetrics is stricter (single spaces, no other
 * comments, # EOF, ...) or looser (exemplars, UNIT, more types) reports a
 * diagnostic tagged with the formats it holds for. Whole lines are parsed
 * in place; only a line split across feeds is copied (cmark
 * S_parser_feed). Per-family state (series set, histogram groups) is
 * dropped when the family ends, which the formats allow because families
 * must be contiguous. */
#include "expo/expo.h"
#include "expo/expo_int.h"
#include "core/num.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DEFAULT_MAX_LINE (1u << 20)
#define DEFAULT_MAX_LABELS 1024u
#define DEFAULT_MAX_NAME (64u << 10)
#define SPOOL_MEM (16u << 20)  /* AUTO input kept in memory, then a file */
#define SPOOL_READ (256u << 10)
#define MAX_SERIES (1u << 21)  /* duplicate detection per family */
#define MAX_GROUPS (1u << 18)  /* histogram/summary series per family */
#define MAX_FAMILIES (1u << 20)
#define TMPL_LABELS 32         /* most labels in a line template */
#define TMPL_BYTES 1024        /* most bytes of a template's skeleton */

/* Rule citations (pg_diag.rule). Section names are those of the specs:
 * Prometheus "Exposition formats" and OpenMetrics 1.0. */
#define R_P_LINE "Prometheus text format 0.0.4: Line format"
#define R_P_BASIC "Prometheus text format 0.0.4: Details"
#define R_P_COMMENT "Prometheus text format 0.0.4: Comments, help text, and type information"
#define R_P_SYNTAX "Prometheus text format 0.0.4: sample syntax (EBNF)"
#define R_P_GROUP "Prometheus text format 0.0.4: Grouping and sorting"
#define R_P_HIST "Prometheus text format 0.0.4: Histograms and summaries"
#define R_P_UTF8 "Prometheus UTF-8 names: quoted metric and label names"
#define R_P_DATA "Prometheus data model: metric names and labels"
#define R_P_TYPES "Prometheus metric types: Counter"
#define R_OM_ABNF "OpenMetrics 1.0: ABNF"
#define R_OM_STRUCT "OpenMetrics 1.0: Overall Structure"
#define R_OM_ESC "OpenMetrics 1.0: Escaping"
#define R_OM_NUM "OpenMetrics 1.0: Numbers"
#define R_OM_CANON "OpenMetrics 1.0: Canonical Numbers"
#define R_OM_FAMILY "OpenMetrics 1.0: MetricFamily"
#define R_OM_META "OpenMetrics 1.0: MetricFamily metadata"
#define R_OM_METRIC "OpenMetrics 1.0: Metric"
#define R_OM_METRIC_DM "OpenMetrics 1.0: Metric (data model)"
#define R_OM_LABEL "OpenMetrics 1.0: Label"
#define R_OM_LABELSET "OpenMetrics 1.0: LabelSet"
#define R_OM_NAME "OpenMetrics 1.0: MetricFamily Name"
#define R_OM_UNIT "OpenMetrics 1.0: Unit"
#define R_OM_POINT "OpenMetrics 1.0: MetricPoint"
#define R_OM_EXEMPLAR "OpenMetrics 1.0: Exemplars"
#define R_OM_COUNTER "OpenMetrics 1.0: Counter"
#define R_OM_GAUGE "OpenMetrics 1.0: Gauge"
#define R_OM_STATESET "OpenMetrics 1.0: StateSet"
#define R_OM_INFO "OpenMetrics 1.0: Info"
#define R_OM_HIST "OpenMetrics 1.0: Histogram"
#define R_OM_GHIST "OpenMetrics 1.0: GaugeHistogram"
#define R_OM_SUMMARY "OpenMetrics 1.0: Summary"
#define R_OM_UNKNOWN "OpenMetrics 1.0: Unknown"
#define R_OM_STRING "OpenMetrics 1.0: Strings"
#define R_LIMIT "promgate: parser limits (pg_parser_opts)"
/* Rules added with the sentence they enforce. */
#define R_P_QUANTILE "Prometheus metric types: Summary: \"phi-quantiles (0 <= phi <= 1)\" (the text format states no range: a warning)"
#define R_OM_QUANTILE "OpenMetrics 1.0: Summary: \"Quantiles MUST be between 0 and 1 inclusive\""
#define R_OM_QNAN "OpenMetrics 1.0: Summary: \"If there are no events in the relevant timeframe, the value for a quantile MUST be NaN\""
#define R_OM_QUOTED "OpenMetrics 1.0: ABNF: metricname and label-name have no quoted form (quoting is Prometheus text-format syntax)"
#define R_OM_CLASH "OpenMetrics 1.0: MetricFamily Name, Suffixes: \"The name of a MetricFamily MUST NOT result in a potential clash for sample metric names as per the ABNF with another MetricFamily in the Text Format within a MetricSet\""
#define R_OM_TS_ALL "OpenMetrics 1.0: Metric: \"If more than one MetricPoint is exposed for a Metric, then its MetricPoints MUST have monotonically increasing timestamps\""
#define R_OM_TS_POINT "OpenMetrics 1.0: MetricPoint: a MetricPoint has one timestamp, written on each of its samples (\"foo_created 1520430000.123 1520879607.789\")"
#define R_OM_PLUS_INF "OpenMetrics 1.0: Canonical Numbers: \"Exposers MUST produce output for positive infinity as +Inf\""
#define R_OM_GSUM "OpenMetrics 1.0: GaugeHistogram: \"If negative threshold buckets are present, then sum MAY be negative\" (and not otherwise, as a Histogram's Sum)"
#define R_OM_HELP_ABNF "OpenMetrics 1.0: ABNF: escaped-string (normal-char excludes '\"'; BS normal-char is allowed) and Escaping: \"A single backslash SHOULD NOT be used for undefined escape sequences\""

enum { E = PG_LEVEL_ERROR, W = PG_LEVEL_WARNING };
enum { P = PG__F_PROM, O = PG__F_OM, B = PG__F_BOTH };

/* What a sample is within its family (suffix role). */
enum role {
    ROLE_NONE = -1,
    ROLE_VALUE,   /* name equals the family name */
    ROLE_BUCKET,
    ROLE_COUNT,
    ROLE_SUM,
    ROLE_CREATED,
    ROLE_TOTAL,
    ROLE_INFO,
    ROLE_GCOUNT,
    ROLE_GSUM
};

/* State of one histogram or summary series (labels minus le/quantile). */
struct group {
    uint64_t off;     /* offset of its first sample, for end checks */
    int64_t line;
    int nb, nq;       /* buckets and quantiles seen */
    int has_inf, has_count, has_sum, has_gcount, has_gsum, has_created, neg_le;
    double last_le, last_val, inf_val, count, last_q, gsum;
    int64_t qline;    /* first quantile with a value other than NaN */
    uint64_t qoff;
    int64_t qcol;
};

struct pg__text {
    pg_parser_callbacks cb;
    void *ctx;
    char *source;
    int fmt;                 /* PG__F_PROM, PG__F_OM, or 0 while AUTO */
    /* AUTO without a Content-Type: the input is kept until its last line
     * decides the format (pg_format_from_tail()), then parsed as a file of
     * that format would be. Samples are attributed to families by format
     * (a text-format foo_created is a family of its own), so nothing can
     * be parsed before the decision. Memory first, then a temporary
     * file. */
    int deferred;
    pg_buf spool;
    FILE *spool_file;
    char tail[64];           /* the last bytes of the input */
    size_t ntail;
    size_t max_line, max_labels, max_name;
    unsigned flags;          /* enum pg_parse_flags */
    int stopped;

    /* input position */
    pg_buf carry;            /* partial line from earlier feeds */
    int skipping;            /* dropping the rest of an overlong line */
    uint64_t off;            /* bytes consumed so far */
    uint64_t line_off;       /* offset of the current line */
    const char *ls;          /* start of the current line */
    const char *dname;       /* metric name of the current line, if known */
    size_t dnlen;
    int64_t line_no;         /* 64-bit: 2^31 empty lines are a few GiB */
    pg_parse_stats st;
    int64_t eof_line;        /* line of "# EOF", 0 if none yet */
    int after_eof;           /* reported data after # EOF */

    /* per line */
    pg_label *labels;
    size_t nlabels, labels_cap;
    const char *qname_at;    /* where labels() found a quoted metric name */
    pg_buf scratch;          /* decoded escapes; sized once per line */
    int scratch_ready;
    size_t line_len;

    /* current family */
    int have_fam;
    pg_buf fam;              /* its name */
    char famq[80];           /* its name quoted for messages */
    enum pg_type ftype;
    int f_type, f_help, f_unit;   /* metadata lines seen */
    pg_buf fhelp, funit;
    size_t fsamples;
    int64_t fline;
    uint64_t foff;
    uint64_t fnames;         /* label-name signature of the first sample */
    uint64_t canonseen[64];  /* le/quantile strings checked in this family */
    int ncanon;
    int fnames_set, fnames_warned;
    int fam_full;            /* series set overflowed */
    pg__hset series;         /* hashes of name+labels seen */
    pg__hset gidx;           /* group hash -> index into groups */
    struct group *groups;
    size_t ngroups, gcap;
    size_t last_group;       /* index of the last group used */
    uint64_t last_gkey;
    int groups_full;
    pg__hset seen;           /* hash of ended family names -> type */

    /* OpenMetrics Metric and MetricPoint order within the family: the
     * current Metric (hash of its labels minus le/quantile), the
     * timestamp of its current MetricPoint, and the Metrics that ended. */
    int m_valid, m_has_ts, metrics_full;
    int m_timed;             /* the Metric's first sample had a timestamp */
    int m_ts_reported;       /* its timestamp mix was reported */
    unsigned m_roles;        /* roles seen in its current MetricPoint */
    enum role m_last_role;
    uint64_t m_key;
    double m_ts;
    pg__hset metrics;

    /* Sample names of the whole exposition -> index of the family that
     * used them (name clashes). Grows with distinct names, not series. */
    pg__hset names;
    pg__hset pnames;         /* OpenMetrics: names families may use */
    pg_buf pname;
    pg_buf fam_names;        /* every family's name, back to back */
    struct { size_t off, len; } *fam_tab;
    size_t nfam_tab, fam_tab_cap;
    uint32_t fidx;           /* the current family's index, or UINT32_MAX */
    unsigned froles;         /* roles whose sample name is registered */
    int freopen;             /* the family came back (already reported) */

    /* Line template: the skeleton of the last clean sample line of the
     * family, `name{l1="` `",l2="` ... `"}`, with the values cut out.
     * A line with the same skeleton has the same metric name and label
     * names, which were all checked then: they are compared, not checked
     * again, and their hashes are reused (only the values are hashed). */
    unsigned long ndiag;     /* diagnostics reported so far */
    uint64_t fam_gen;        /* changes whenever the family does */
    struct {
        int valid;
        enum role role;
        uint64_t gen, nhash, nsig;
        size_t nlen, nl;
        uint32_t lq;         /* labels named le or quantile */
        uint16_t seg[TMPL_LABELS + 2];
        uint16_t lnlen[TMPL_LABELS];
        uint64_t nseed[TMPL_LABELS];
        char sk[TMPL_BYTES];
    } tp;

    /* A series key whose insertion waits for the next sample, so the
     * cache miss of the series set overlaps with parsing (lint mode, no
     * sample callback). Flushed before any diagnostic or family end, so
     * the order of diagnostics is unchanged. */
    struct {
        int valid;
        int64_t line, col;
        uint64_t key, off;
        enum role role;      /* its name is the family's plus this suffix */
    } ps;
};

static void series_flush(pg__text *p);
static void potential_clash(pg__text *p, const char *at);
static enum role fam_role(const pg__text *p, const char *name, size_t n);

/* ---- diagnostics ---- */

static void quote_into(char *dst, size_t cap, const char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t seq = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (c >= 0x80 && (seq > n - i || pg__utf8_valid(s + i, seq) != seq))
            seq = 0;  /* not valid UTF-8: escaped */
        if (c < 0x20 || c == 0x7f || seq == 0) {
            j += (size_t)snprintf(dst + j, cap - j, "\\x%02x", c);
        } else if (seq > 1) {
            if (j + seq + 5 >= cap)
                break;
            memcpy(dst + j, s + i, seq);
            j += seq;
            i += seq - 1;
        } else {
            dst[j++] = (char)c;
        }
        if (i + 1 < n && j + 5 >= cap && j + 3 < cap) {
            memcpy(dst + j, "...", 3);
            j += 3;
            break;
        }
    }
    dst[j < cap ? j : cap - 1] = '\0';
}

/* A short printable rendering of a subject for messages. */
static const char *subj(char *buf, size_t cap, const char *s, size_t n)
{
    if (n > 64) {
        quote_into(buf, cap > 70 ? 70 : cap, s, 64);
        size_t l = strlen(buf);
        if (l + 4 < cap)
            memcpy(buf + l, "...", 4);
    } else {
        quote_into(buf, cap, s, n);
    }
    return buf;
}

static void deliver(pg__text *p, const pg_diag *d)
{
    if (d->level == PG_LEVEL_ERROR)
        p->st.errors++;
    else
        p->st.warnings++;
    if (p->cb.diag)
        p->cb.diag(p->ctx, d);
}

__attribute__((format(printf, 8, 0)))
static void vdiag(pg__text *p, int mask, int level, int64_t line, int64_t col,
                  uint64_t off, const char *rule, const char *fmt, va_list ap)
{
    if (!(mask & p->fmt))
        return;
    p->ndiag++;
    if (p->ps.valid)
        series_flush(p);
    pg_diag d;
    d.level = (enum pg_level)level;
    d.line = line;
    d.column = col;
    d.offset = off;
    d.rule = rule;
    d.family[0] = '\0';
    /* The family of the line's name: the current family if the name
     * belongs to it, else the name itself (it starts a family). */
    if (p->dname && fam_role(p, p->dname, p->dnlen) == ROLE_NONE)
        quote_into(d.family, sizeof d.family, p->dname, p->dnlen);
    else if (p->have_fam)
        quote_into(d.family, sizeof d.family, p->fam.p, p->fam.len);
    vsnprintf(d.text, sizeof d.text, fmt, ap);
    deliver(p, &d);
}

/* Reports a fault at position `at` of the current line. */
__attribute__((format(printf, 6, 7)))
static void diag(pg__text *p, int mask, int level, const char *at,
                 const char *rule, const char *fmt, ...)
{
    if (!(mask & p->fmt))
        return;
    /* a position outside the line (a decoded string) would be nonsense */
    size_t col = at && p->ls && at >= p->ls && at <= p->ls + p->line_len
                     ? (size_t)(at - p->ls) : 0;
    va_list ap;
    va_start(ap, fmt);
    vdiag(p, mask, level, p->line_no, (int64_t)col + 1, p->line_off + col, rule,
          fmt, ap);
    va_end(ap);
}

/* Reports a fault at a remembered position (end-of-family checks). */
__attribute__((format(printf, 7, 8)))
static void diag_at(pg__text *p, int mask, int level, int64_t line,
                    uint64_t off, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(p, mask, level, line, 1, off, rule, fmt, ap);
    va_end(ap);
}

/* Reports a fault at a remembered line and column. */
__attribute__((format(printf, 8, 9)))
static void diag_at_col(pg__text *p, int mask, int level, int64_t line, int64_t col,
                        uint64_t off, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(p, mask, level, line, col, off, rule, fmt, ap);
    va_end(ap);
}

/* Reports a fault at the end of the input (line and column given). */
__attribute__((format(printf, 6, 7)))
static void diag_end(pg__text *p, int mask, int level, int64_t col,
                     const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(p, mask, level, p->line_no ? p->line_no : 1, col, p->off, rule, fmt,
          ap);
    va_end(ap);
}

/* ---- character classes ---- */

enum { C_NAME0 = 1, C_NAME = 2, C_LNAME0 = 4, C_LNAME = 8, C_WS = 16 };
static unsigned char cls[256];

static void cls_init(void)
{
    if (cls['a'])
        return;
    for (int c = 0; c < 256; c++) {
        unsigned char v = 0;
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        int digit = c >= '0' && c <= '9';
        if (alpha || c == '_' || c == ':')
            v |= C_NAME0 | C_NAME;
        if (digit)
            v |= C_NAME | C_LNAME;
        if (alpha || c == '_')
            v |= C_LNAME0 | C_LNAME;
        if (c == ' ' || c == '\t')
            v |= C_WS;
        cls[c] = v;
    }
}

#define IS(c, k) (cls[(unsigned char)(c)] & (k))

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define LOWS 0x7f7f7f7f7f7f7f7fULL

/* 0x80 in each byte of w (all bytes < 0x80) within [lo, hi]. */
static inline uint64_t swar_range(uint64_t w, unsigned lo, unsigned hi)
{
    return (w + ONES * (0x80 - lo)) & ~(w + ONES * (0x7f - hi)) & HIGHS;
}

/* 0x80 in each byte of w equal to c, exactly (no false positives). */
static inline uint64_t swar_eq(uint64_t w, unsigned c)
{
    uint64_t y = w ^ (ONES * c);
    return ~(((y & LOWS) + LOWS) | y) & HIGHS;
}

/* Length of the run of name characters at q: [A-Za-z0-9_], plus ':' for
 * metric names. Eight bytes at a time while at least eight remain. */
static inline __attribute__((always_inline)) size_t
name_span(const char *q, const char *e, int colon)
{
    const char *s = q;
    while (e - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        uint64_t ok = swar_range(w, 'a', 'z') | swar_range(w, 'A', 'Z') |
                      swar_range(w, '0', '9') | swar_eq(w, '_');
        if (colon)
            ok |= swar_eq(w, ':');
        uint64_t bad = ~(ok & ~w) & HIGHS;
        if (bad)
            return (size_t)(q - s) + ((size_t)__builtin_ctzll(bad) >> 3);
        q += 8;
    }
    while (q < e && IS(*q, colon ? C_NAME : C_LNAME))
        q++;
    return (size_t)(q - s);
}

/* ---- small lexers ---- */

/* Skips blanks and tabs. In OpenMetrics a separator is exactly one space;
 * `need` says whether a separator is required here. Returns the new
 * position. */
static const char *sep_slow(pg__text *p, const char *q, const char *e, int need,
                            const char *what)
{
    const char *s = q;
    while (q < e && IS(*q, C_WS))
        q++;
    if (q == s) {
        if (need)
            diag(p, B, E, s, R_P_LINE, "expected whitespace before %s", what);
        return q;
    }
    if (q - s != 1 || *s != ' ')
        diag(p, O, E, s, R_OM_ABNF,
             "expected a single space before %s", what);
    return q;
}

static inline __attribute__((always_inline)) const char *
sep(pg__text *p, const char *q, const char *e, int need, const char *what)
{
    /* the usual single space */
    if (e - q >= 2 && q[0] == ' ' && !IS(q[1], C_WS))
        return q + 1;
    return sep_slow(p, q, e, need, what);
}

/* Optional whitespace that the text format allows and OpenMetrics not. */
static const char *opt_ws_slow(pg__text *p, const char *q, const char *e)
{
    const char *s = q;
    while (q < e && IS(*q, C_WS))
        q++;
    diag(p, O, E, s, R_OM_ABNF, "unexpected whitespace");
    return q;
}

static inline __attribute__((always_inline)) const char *
opt_ws(pg__text *p, const char *q, const char *e)
{
    if (__builtin_expect(q < e && (*q == ' ' || *q == '\t'), 0))
        return opt_ws_slow(p, q, e);
    return q;
}

/* The closing quote of a plain string starting at q: ASCII, no escapes.
 * NULL if there is a backslash or non-ASCII byte first, or no quote. */
static inline __attribute__((always_inline)) const char *
qfast(const char *q, const char *e)
{
    while (e - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        uint64_t xq = w ^ (ONES * '"'), xb = w ^ (ONES * '\\');
        /* A borrow only leaves a zero byte, and bytes >= 0x80 are
         * flagged through w: the lowest flag is exact without the
         * usual "& ~x" terms. */
        uint64_t z = ((xq - ONES) | (xb - ONES) | w) & HIGHS;
        if (z) {
            q += (size_t)__builtin_ctzll(z) >> 3;
            return *q == '"' ? q : NULL;
        }
        q += 8;
    }
    for (; q < e; q++) {
        if (*q == '"')
            return q;
        if (*q == '\\' || (*q & 0x80))
            return NULL;
    }
    return NULL;
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

enum qkind { Q_LVALUE, Q_NAME, Q_HELP_OM };

/* Parses a double-quoted escaped string starting at *qp (on the quote).
 * Escapes \\ \" \n are decoded; an unknown escape is an error in the text
 * format ("must be escaped" leaves no other) and a warning in OpenMetrics
 * (ABNF allows BS normal-char, Escaping says SHOULD NOT). Returns 0 and
 * sets *out, or -1 after a diagnostic. */
static int qstring(pg__text *p, const char **qp, const char *e, pg_str *out,
                   enum qkind kind)
{
    const char *q = *qp + 1, *start = q;
    const char *bs = NULL;
    int high = 0;
    /* Eight bytes at a time to the first quote, backslash or non-ASCII
     * byte (SWAR zero-byte test: the lowest flagged byte is exact). */
    while (e - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        uint64_t xq = w ^ (ONES * '"'), xb = w ^ (ONES * '\\');
        uint64_t z = (((xq - ONES) & ~xq) | ((xb - ONES) & ~xb) | w) & HIGHS;
        if (z) {
            q += (size_t)__builtin_ctzll(z) >> 3;
            break;
        }
        q += 8;
    }
    if (q < e && *q == '"' && (size_t)(q - start) <= p->max_name) {
        /* the common case: plain ASCII, no escapes */
        out->p = start;
        out->len = (size_t)(q - start);
        *qp = q + 1;
        return 0;
    }
    while (q < e && *q != '"') {
        if (*q == '\\') {
            if (!bs)
                bs = q;
            q++;
        } else if (*q & 0x80) {
            high = 1;
        }
        q++;
    }
    if (q >= e) {
        diag(p, B, E, *qp, R_P_SYNTAX, "unterminated quoted string");
        return -1;
    }
    size_t rawlen = (size_t)(q - start);
    size_t v = high ? pg__utf8_valid(start, rawlen) : rawlen;
    if (v != rawlen) {
        diag(p, B, E, start + v, kind == Q_LVALUE ? R_OM_STRING : R_P_UTF8,
             "invalid UTF-8 in %s", kind == Q_LVALUE ? "label value" : "name");
        return -1;
    }
    if (rawlen > p->max_name) {
        diag(p, B, E, start, R_LIMIT, "quoted string longer than %zu bytes",
             p->max_name);
        return -1;
    }
    *qp = q + 1;
    if (!bs) {
        out->p = start;
        out->len = rawlen;
        return 0;
    }
    char *d = scratch_reserve(p), *d0 = d;
    memcpy(d, start, (size_t)(bs - start));
    d += bs - start;
    for (const char *r = bs; r < q; r++) {
        if (*r != '\\') {
            *d++ = *r;
            continue;
        }
        r++;
        switch (*r) {
        case '\\': *d++ = '\\'; break;
        case '"': *d++ = '"'; break;
        case 'n': *d++ = '\n'; break;
        default:
            diag(p, P, E, r - 1, R_P_SYNTAX, "invalid escape sequence '\\%c'",
                 (unsigned char)*r >= 0x20 && (unsigned char)*r < 0x7f ? *r : '?');
            diag(p, O, W, r - 1, R_OM_ESC,
                 "undefined escape sequence '\\%c'",
                 (unsigned char)*r >= 0x20 && (unsigned char)*r < 0x7f ? *r : '?');
            *d++ = '\\';
            *d++ = *r;
        }
    }
    out->p = d0;
    out->len = (size_t)(d - d0);
    p->scratch.len += out->len;
    return 0;
}

/* A metric name: legacy identifier, or a quoted UTF-8 name. */
static int metric_name(pg__text *p, const char **qp, const char *e,
                       pg_str *out, const char *what)
{
    const char *q = *qp;
    if (q < e && *q == '"') {
        diag(p, O, E, q, R_OM_QUOTED, "quoted metric name %s", what);
        if (qstring(p, qp, e, out, Q_NAME))
            return -1;
        if (!out->len) {
            diag(p, B, E, q, R_P_UTF8, "empty metric name %s", what);
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
            diag(p, B, E, q, R_P_SYNTAX, "expected metric name %s", what);
        else
            diag(p, B, E, q, R_P_SYNTAX, "invalid metric name '%s' %s",
                 subj(b, sizeof b, q, (size_t)(t - q)), what);
        return -1;
    }
    const char *s = q;
    q += name_span(q, e, 1);
    if ((size_t)(q - s) > p->max_name) {
        diag(p, B, E, s, R_LIMIT, "metric name longer than %zu bytes",
             p->max_name);
        return -1;
    }
    out->p = s;
    out->len = (size_t)(q - s);
    *qp = q;
    return 0;
}

/* ---- families ---- */

static uint64_t name_hash(const char *s, size_t n)
{
    return pg__hash(s, n, 0x51ed27a3c2f8b1ULL);
}

static enum role role_of(const pg__text *p, enum pg_type t, const char *suf,
                         size_t n)
{
#define SUF(lit, r)                                                 \
    if (n == sizeof(lit) - 1 && !memcmp(suf, lit, sizeof(lit) - 1)) \
        return r
    int created = p->fmt != PG__F_PROM; /* text format: its own family */
    switch (t) {
    case PG_TYPE_COUNTER:
        SUF("_total", ROLE_TOTAL);
        if (created) SUF("_created", ROLE_CREATED);
        break;
    case PG_TYPE_HISTOGRAM:
        SUF("_bucket", ROLE_BUCKET);
        SUF("_count", ROLE_COUNT);
        SUF("_sum", ROLE_SUM);
        if (created) SUF("_created", ROLE_CREATED);
        break;
    case PG_TYPE_GAUGEHISTOGRAM:
        SUF("_bucket", ROLE_BUCKET);
        SUF("_gcount", ROLE_GCOUNT);
        SUF("_gsum", ROLE_GSUM);
        break;
    case PG_TYPE_SUMMARY:
        SUF("_count", ROLE_COUNT);
        SUF("_sum", ROLE_SUM);
        if (created) SUF("_created", ROLE_CREATED);
        break;
    case PG_TYPE_INFO:
        SUF("_info", ROLE_INFO);
        break;
    default:
        break;
    }
#undef SUF
    return ROLE_NONE;
}

/* Role of sample `name` in the current family, or ROLE_NONE if the
 * sample starts another family. */
static enum role fam_role(const pg__text *p, const char *name, size_t n)
{
    if (!p->have_fam || n < p->fam.len || memcmp(name, p->fam.p, p->fam.len))
        return ROLE_NONE;
    if (n == p->fam.len)
        return ROLE_VALUE;
    return role_of(p, p->ftype, name + p->fam.len, n - p->fam.len);
}

static const char *type_word(const pg__text *p, enum pg_type t)
{
    if (t == PG_TYPE_NONE)
        return p->fmt == PG__F_OM ? "unknown" : "untyped";
    return pg_type_name(t);
}

static void group_end_checks(pg__text *p)
{
    char b[80];
    const char *fn = subj(b, sizeof b, p->fam.p, p->fam.len);
    for (size_t i = 0; i < p->ngroups; i++) {
        struct group *g = &p->groups[i];
        if (p->ftype == PG_TYPE_HISTOGRAM || p->ftype == PG_TYPE_GAUGEHISTOGRAM) {
            int gh = p->ftype == PG_TYPE_GAUGEHISTOGRAM;
            if (!g->has_inf) {
                diag_at(p, P, E, g->line, g->off, R_P_HIST,
                        "histogram '%s' has no bucket with le=\"+Inf\"", fn);
                diag_at(p, O, E, g->line, g->off, gh ? R_OM_GHIST : R_OM_HIST,
                        "%s '%s' has no bucket with le=\"+Inf\"",
                        gh ? "gaugehistogram" : "histogram", fn);
            }
            if (!gh && g->has_inf && g->has_count && g->count != g->inf_val &&
                !(isnan(g->count) && isnan(g->inf_val))) {
                diag_at(p, P, E, g->line, g->off, R_P_HIST,
                        "histogram '%s': _count %g differs from +Inf bucket %g",
                        fn, g->count, g->inf_val);
                diag_at(p, O, E, g->line, g->off, R_OM_HIST,
                        "histogram '%s': _count %g differs from +Inf bucket %g",
                        fn, g->count, g->inf_val);
            }
            if (gh && g->has_inf && g->has_gcount && g->count != g->inf_val)
                diag_at(p, O, E, g->line, g->off, R_OM_GHIST,
                        "gaugehistogram '%s': _gcount %g differs from +Inf bucket %g",
                        fn, g->count, g->inf_val);
            if (!gh) {
                if (!g->has_count)
                    diag_at(p, P, W, g->line, g->off, R_P_HIST,
                            "histogram '%s' has no _count sample", fn);
                if (!g->has_sum)
                    diag_at(p, P, W, g->line, g->off, R_P_HIST,
                            "histogram '%s' has no _sum sample", fn);
                if (g->has_sum && !g->has_count)
                    diag_at(p, O, E, g->line, g->off, R_OM_HIST,
                            "histogram '%s' has _sum but no _count", fn);
                else if (g->has_count && !g->has_sum)
                    diag_at(p, O, E, g->line, g->off, R_OM_HIST,
                            "histogram '%s' has _count but no _sum", fn);
                else if (!g->has_sum)
                    diag_at(p, O, W, g->line, g->off, R_OM_HIST,
                            "histogram '%s' should have a _sum", fn);
                if (g->has_sum && g->neg_le)
                    diag_at(p, O, E, g->line, g->off, R_OM_HIST,
                            "histogram '%s' has negative bucket bounds and a _sum",
                            fn);
            } else {
                if (g->has_gsum && !g->has_gcount)
                    diag_at(p, O, E, g->line, g->off, R_OM_GHIST,
                            "gaugehistogram '%s' has _gsum but no _gcount", fn);
                else if (g->has_gcount && !g->has_gsum)
                    diag_at(p, O, E, g->line, g->off, R_OM_GHIST,
                            "gaugehistogram '%s' has _gcount but no _gsum", fn);
                else if (!g->has_gsum)
                    diag_at(p, O, W, g->line, g->off, R_OM_GHIST,
                            "gaugehistogram '%s' should have a _gsum", fn);
                if (g->has_gsum && g->gsum < 0 && !g->neg_le)
                    diag_at(p, O, E, g->line, g->off, R_OM_GSUM,
                            "gaugehistogram '%s' has a negative _gsum but no negative bucket bounds",
                            fn);
            }
        } else if (p->ftype == PG_TYPE_SUMMARY) {
            if (g->has_count && g->count == 0 && g->qline)
                diag_at_col(p, O, E, g->qline, g->qcol, g->qoff, R_OM_QNAN,
                            "summary '%s' has _count 0, so its quantiles must be NaN",
                            fn);
            if (!g->has_count)
                diag_at(p, P, W, g->line, g->off, R_P_HIST,
                        "summary '%s' has no _count sample", fn);
            if (!g->has_sum)
                diag_at(p, P, W, g->line, g->off, R_P_HIST,
                        "summary '%s' has no _sum sample", fn);
        }
    }
}

/* Ends the current family: structure checks, family callback, and its
 * name goes into the set of finished families (interleaving check). */
static int fam_end(pg__text *p)
{
    series_flush(p);
    if (!p->have_fam)
        return 0;
    /* what is reported here concerns the ending family */
    const char *dname = p->dname;
    p->dname = NULL;
    if (!p->fsamples)
        potential_clash(p, NULL);
    group_end_checks(p);
    if ((p->ftype == PG_TYPE_INFO || p->ftype == PG_TYPE_STATESET) &&
        p->funit.len)
        diag_at(p, O, E, p->fline, p->foff, R_OM_UNIT, "%s family must have an empty unit",
                pg_type_name(p->ftype));
    int rc = 0;
    if (p->cb.family) {
        pg_family_info fi;
        fi.name.p = p->fam.p;
        fi.name.len = p->fam.len;
        fi.type = p->ftype;
        fi.has_help = p->f_help;
        fi.help.p = p->fhelp.p ? p->fhelp.p : "";
        fi.help.len = p->fhelp.len;
        fi.unit.p = p->funit.p ? p->funit.p : "";
        fi.unit.len = p->funit.len;
        fi.nsamples = p->fsamples;
        fi.line = p->fline;
        fi.native = 0; /* text formats carry no native histogram */
        rc = p->cb.family(p->ctx, &fi);
    }
    pg__hset_put(&p->seen, name_hash(p->fam.p, p->fam.len),
                 (uint32_t)p->ftype, NULL);
    p->st.families++;
    p->have_fam = 0;
    p->fam.len = 0;
    pg__hset_clear(&p->series);
    pg__hset_clear(&p->gidx);
    pg__hset_clear(&p->metrics);
    p->m_valid = p->metrics_full = 0;
    if (p->gcap > 4096) {
        free(p->groups);
        p->groups = NULL;
        p->gcap = 0;
    }
    p->ngroups = 0;
    p->last_group = (size_t)-1;
    p->groups_full = p->fam_full = 0;
    p->fam_gen++;
    p->dname = dname;
    if (rc)
        p->stopped = 1;
    return rc;
}

static void fam_begin(pg__text *p, const char *name, size_t n)
{
    p->have_fam = 1;
    p->fam.len = 0;
    pg_buf_add(&p->fam, name, n);
    subj(p->famq, sizeof p->famq, name, n);
    p->ftype = PG_TYPE_NONE;
    p->f_type = p->f_help = p->f_unit = 0;
    p->fhelp.len = 0;
    p->funit.len = 0;
    if (p->fhelp.p)
        p->fhelp.p[0] = '\0';
    if (p->funit.p)
        p->funit.p[0] = '\0';
    p->fsamples = 0;
    p->fline = p->line_no;
    p->foff = p->line_off;
    p->fnames_set = p->fnames_warned = 0;
    p->ncanon = 0;
    p->last_group = (size_t)-1;
    p->froles = 0;
    p->freopen = 0;
    p->fam_gen++;
    p->fidx = UINT32_MAX;
    if (p->nfam_tab < MAX_FAMILIES) {
        if (p->nfam_tab == p->fam_tab_cap) {
            p->fam_tab_cap = p->fam_tab_cap ? p->fam_tab_cap * 2 : 64;
            p->fam_tab = pg_xrealloc(p->fam_tab, p->fam_tab_cap * sizeof *p->fam_tab);
        }
        p->fam_tab[p->nfam_tab].off = p->fam_names.len;
        p->fam_tab[p->nfam_tab].len = n;
        pg_buf_add(&p->fam_names, name, n);
        p->fidx = (uint32_t)p->nfam_tab++;
    }
}

/* Was a family of this name finished before? Families must be
 * contiguous: text format "Grouping and sorting", OpenMetrics
 * "MetricFamilies MUST NOT be interleaved". */
static int check_reopen(pg__text *p, const char *name, size_t n,
                        const char *at, const char *what)
{
    char b[80], b2[80];
    if (pg__hset_get(&p->seen, name_hash(name, n), NULL)) {
        diag(p, P, E, at, R_P_GROUP,
             "%s for '%s' after its family ended: families must be contiguous",
             what, subj(b, sizeof b, name, n));
        diag(p, O, E, at, R_OM_FAMILY,
             "%s for '%s' after its family ended: families must not be interleaved",
             what, subj(b, sizeof b, name, n));
        return 1;
    }
    /* foo_sum after histogram foo ended, etc. */
    static const char *const sufs[] = { "_bucket", "_count", "_sum", "_total",
                                        "_created", "_info", "_gcount", "_gsum" };
    for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++) {
        size_t k = strlen(sufs[i]);
        if (n <= k || memcmp(name + n - k, sufs[i], k))
            continue;
        uint32_t t;
        if (!pg__hset_get(&p->seen, name_hash(name, n - k), &t))
            continue;
        if (role_of(p, (enum pg_type)t, sufs[i], k) == ROLE_NONE)
            continue;
        diag(p, P, E, at, R_P_GROUP,
             "%s '%s' belongs to family '%s', which ended earlier: families must be contiguous",
             what, subj(b, sizeof b, name, n), subj(b2, sizeof b2, name, n - k));
        diag(p, O, E, at, R_OM_FAMILY,
             "%s '%s' belongs to family '%s', which ended earlier: families must not be interleaved",
             what, subj(b, sizeof b, name, n), subj(b2, sizeof b2, name, n - k));
        return 1;
    }
    return 0;
}

/* ---- comments and metadata ---- */

/* The formats that define type t (PG__F_* bits). */
static int type_known(enum pg_type t)
{
    switch (t) {
    case PG_TYPE_COUNTER: case PG_TYPE_GAUGE: case PG_TYPE_HISTOGRAM:
    case PG_TYPE_SUMMARY:
        return PG__F_BOTH;
    case PG_TYPE_UNTYPED:
        return PG__F_PROM;
    case PG_TYPE_UNKNOWN: case PG_TYPE_GAUGEHISTOGRAM: case PG_TYPE_INFO:
    case PG_TYPE_STATESET:
        return PG__F_OM;
    default:
        return 0;
    }
}

/* HELP text, text format: only \\ and \n are escapes (expfmt rejects the
 * rest). OpenMetrics: escaped-string, like label values, but a bare '"'
 * and a backslash before another character are what the reference parsers
 * accept in HELP: warnings there (errors in label values). */
static void help_text(pg__text *p, const char *q, const char *e)
{
    size_t n = (size_t)(e - q);
    size_t v = pg__utf8_valid(q, n);
    if (v != n)
        diag(p, B, E, q + v, R_OM_STRING, "invalid UTF-8 in HELP text");
    p->fhelp.len = 0;
    pg_buf_grow(&p->fhelp, n);
    for (const char *r = q; r < e; r++) {
        if (*r == '"') {
            diag(p, O, W, r, R_OM_HELP_ABNF, "unescaped '\"' in HELP text");
            pg_buf_addc(&p->fhelp, '"');
            continue;
        }
        if (*r != '\\') {
            pg_buf_addc(&p->fhelp, *r);
            continue;
        }
        if (r + 1 >= e) {
            diag(p, B, E, r, R_P_COMMENT, "backslash at end of HELP text");
            pg_buf_addc(&p->fhelp, '\\');
            break;
        }
        r++;
        if (*r == '\\') {
            pg_buf_addc(&p->fhelp, '\\');
        } else if (*r == 'n') {
            pg_buf_addc(&p->fhelp, '\n');
        } else {
            if (*r == '"') {
                diag(p, P, E, r - 1, R_P_COMMENT,
                     "invalid escape sequence '\\\"' in HELP text");
            } else {
                char c = (unsigned char)*r >= 0x20 && (unsigned char)*r < 0x7f ? *r : '?';
                diag(p, P, E, r - 1, R_P_COMMENT,
                     "invalid escape sequence '\\%c' in HELP text", c);
                diag(p, O, W, r - 1, R_OM_HELP_ABNF,
                     "undefined escape sequence '\\%c' in HELP text", c);
                pg_buf_addc(&p->fhelp, '\\');
            }
            pg_buf_addc(&p->fhelp, *r);
        }
    }
}

enum meta_kind { M_HELP, M_TYPE, M_UNIT };

/* HELP: text, once per family. */
static void help_line(pg__text *p, pg_str name, const char *rest,
                      const char *q, const char *e)
{
    char b[80];
    if (rest >= e)
        diag(p, O, E, rest, R_OM_ABNF, "expected text in HELP");
    if (p->f_help) {
        diag(p, P, E, p->ls, R_P_COMMENT, "second HELP line for '%s'",
             subj(b, sizeof b, name.p, name.len));
        diag(p, O, E, p->ls, R_OM_META, "second HELP line for '%s'",
             subj(b, sizeof b, name.p, name.len));
        return;
    }
    p->f_help = 1;
    help_text(p, q, e);
}

/* TYPE: one known type, once per family, before UNIT and HELP. */
static void type_line(pg__text *p, pg_str name, const char *q, const char *e)
{
    char b[80], b2[80];
    const char *t = q;
    while (q < e && !IS(*q, C_WS))
        q++;
    size_t tn = (size_t)(q - t);
    if (!tn) {
        diag(p, B, E, t, R_P_COMMENT, "expected type in TYPE line for '%s'",
             subj(b, sizeof b, name.p, name.len));
        return;
    }
    if (q < e) {
        const char *ws = q;
        while (q < e && IS(*q, C_WS))
            q++;
        if (q < e)
            diag(p, B, E, q, R_P_COMMENT,
                 "unexpected text after type in TYPE line");
        else
            diag(p, O, E, ws, R_OM_ABNF, "trailing whitespace in TYPE line");
    }
    enum pg_type ty;
    int known = 0;
    if (pg_type_parse(t, tn, &ty) == 0)
        known = type_known(ty);
    if (!(known & P))
        diag(p, P, E, t, R_P_COMMENT, "unknown metric type '%s'",
             subj(b2, sizeof b2, t, tn));
    if (!(known & O))
        diag(p, O, E, t, R_OM_ABNF, "unknown metric type '%s'",
             subj(b2, sizeof b2, t, tn));
    if (p->f_type) {
        diag(p, P, E, p->ls, R_P_COMMENT, "second TYPE line for '%s'",
             subj(b, sizeof b, name.p, name.len));
        diag(p, O, E, p->ls, R_OM_META, "second TYPE line for '%s'",
             subj(b, sizeof b, name.p, name.len));
        return;
    }
    p->f_type = 1;
    if (p->f_help || p->f_unit)
        diag(p, O, W, p->ls, R_OM_META,
             "metadata order should be TYPE, UNIT, HELP");
    if (known) {
        p->ftype = ty;
        p->fam_gen++;  /* roles depend on the type: no stale template */
    }
}

/* UNIT (OpenMetrics): a suffix of the name, once per family. */
static void unit_line(pg__text *p, pg_str name, const char *rest,
                      const char *q, const char *e)
{
    char b[80], b2[80];
    if (rest >= e)
        diag(p, O, E, rest, R_OM_ABNF, "expected text in UNIT");
    const char *u = q;
    while (q < e && IS(*q, C_NAME))
        q++;
    if (q < e) {
        diag(p, O, E, q, R_OM_ABNF, "invalid character in unit");
        return;
    }
    size_t un = (size_t)(q - u);
    if (p->f_unit) {
        diag(p, O, E, p->ls, R_OM_META, "second UNIT line for '%s'",
             subj(b, sizeof b, name.p, name.len));
        return;
    }
    p->f_unit = 1;
    if (p->f_help)
        diag(p, O, W, p->ls, R_OM_META,
             "metadata order should be TYPE, UNIT, HELP");
    if (un && (name.len < un + 1 || name.p[name.len - un - 1] != '_' ||
               memcmp(name.p + name.len - un, u, un)))
        diag(p, O, E, u, R_OM_META,
             "unit '%s' is not a suffix of metric name '%s'",
             subj(b2, sizeof b2, u, un), subj(b, sizeof b, name.p, name.len));
    p->funit.len = 0;
    pg_buf_add(&p->funit, u, un);
}

/* The metric name of a HELP, TYPE or UNIT line, and the family it
 * describes (which it may start). Returns 0 with *name, *rest (what
 * follows the name) and *textp (after the separator), or -1. */
static int meta_target(pg__text *p, enum meta_kind k, const char *q,
                       const char *e, pg_str *namep, const char **restp,
                       const char **textp)
{
    static const char *const kname[] = { "HELP", "TYPE", "UNIT" };
    char b[80];
    const char *name_at = q;
    pg_str name;
    char what[32];
    snprintf(what, sizeof what, "after %s", kname[k]);
    if (q >= e) {
        diag(p, B, E, q, k == M_UNIT ? R_OM_META : R_P_COMMENT,
             "expected metric name after %s", kname[k]);
        return -1;
    }
    q = sep(p, q, e, 1, "metric name");
    name_at = q;
    if (metric_name(p, &q, e, &name, what))
        return -1;
    p->dname = name.p;
    p->dnlen = name.len;
    const char *rest = q;
    if (q < e && !IS(*q, C_WS)) {
        diag(p, B, E, name_at, R_P_COMMENT, "invalid metric name '%s' in %s line",
             subj(b, sizeof b, name_at, (size_t)(e - name_at)), kname[k]);
        return -1;
    }
    if (q < e)
        q = sep(p, q, e, 1, k == M_HELP ? "help text" : k == M_TYPE ? "type" : "unit");

    /* Which family does this line describe? */
    if (!p->have_fam || p->fam.len != name.len ||
        memcmp(p->fam.p, name.p, name.len)) {
        if (fam_end(p))
            return -1;
        int re = check_reopen(p, name.p, name.len, name_at, kname[k]);
        fam_begin(p, name.p, name.len);
        p->freopen = re;
    } else if (p->fsamples) {
        diag(p, P, E, p->ls, R_P_GROUP,
             "%s line for '%s' after its samples", kname[k],
             subj(b, sizeof b, name.p, name.len));
        diag(p, O, E, p->ls, R_OM_ABNF,
             "%s line for '%s' after its samples", kname[k],
             subj(b, sizeof b, name.p, name.len));
    }

    *namep = name;
    *restp = rest;
    *textp = q;
    return 0;
}

static void meta_line(pg__text *p, enum meta_kind k,
                      const char *q, const char *e)
{
    pg_str name;
    const char *rest;
    if (meta_target(p, k, q, e, &name, &rest, &q))
        return;
    switch (k) {
    case M_HELP:
        help_line(p, name, rest, q, e);
        break;
    case M_TYPE:
        type_line(p, name, q, e);
        break;
    case M_UNIT:
        unit_line(p, name, rest, q, e);
        break;
    }
}

static void comment_line(pg__text *p, const char *s, const char *e)
{
    const char *q = s + 1;
    const char *w = q;
    while (q < e && IS(*q, C_WS))
        q++;
    int om_sp = (q - w == 1 && *w == ' ');
    const char *kw = q;
    while (q < e && !IS(*q, C_WS))
        q++;
    size_t kn = (size_t)(q - kw);
    if (kn == 3 && !memcmp(kw, "EOF", 3)) {
        const char *t = q;
        while (t < e && IS(*t, C_WS))
            t++;
        if (om_sp && q == e) {
            if (p->fmt != PG__F_PROM && !p->eof_line)
                p->eof_line = p->line_no;
            return;
        }
        if (t == e) {
            diag(p, O, E, s, R_OM_ABNF, "malformed '# EOF' line");
            return;
        }
    }
    enum meta_kind k;
    if (kn == 4 && !memcmp(kw, "HELP", 4))
        k = M_HELP;
    else if (kn == 4 && !memcmp(kw, "TYPE", 4))
        k = M_TYPE;
    else if (kn == 4 && !memcmp(kw, "UNIT", 4) && p->fmt != PG__F_PROM)
        k = M_UNIT;
    else {
        /* Text format: a plain comment. OpenMetrics: "you MUST NOT expose
         * lines beginning with a #" other than metadata and EOF. */
        diag(p, O, E, s, R_OM_META, "comment lines are not allowed");
        return;
    }
    if (!om_sp)
        diag(p, O, E, s + 1, R_OM_ABNF, "expected a single space after '#'");
    meta_line(p, k, q, e);
}

/* ---- samples ---- */

/* Labels inside braces starting at *qp ('{'). In the brace-name form
 * ({"name", l="v"}) a bare quoted string is the metric name; *name is
 * set then. Returns 0, or -1 after a diagnostic. */
static int labels(pg__text *p, const char **qp, const char *e, pg_str *name,
                  int exemplar)
{
    const char *q = *qp + 1;
    char b[80];
    int after_comma = 0;
    for (;;) {
        q = opt_ws(p, q, e);
        if (q >= e) {
            diag(p, B, E, q, R_P_SYNTAX, "unexpected end of line in labels");
            return -1;
        }
        if (*q == '}') {
            if (after_comma)
                diag(p, O, E, q - 1, R_OM_ABNF, "trailing comma in labels");
            q++;
            break;
        }
        after_comma = 0;
        if (p->nlabels >= p->max_labels) {
            diag(p, B, E, q, R_LIMIT, "more than %zu labels", p->max_labels);
            return -1;
        }
        if (p->nlabels == p->labels_cap) {
            p->labels_cap = p->labels_cap ? p->labels_cap * 2 : 16;
            if (p->labels_cap > p->max_labels)
                p->labels_cap = p->max_labels;
            p->labels = pg_xrealloc(p->labels, p->labels_cap * sizeof *p->labels);
        }
        /* name and value are written straight into their slot */
        pg_label *slot = &p->labels[p->nlabels];
        pg_str ln;
        const char *lat = q;
        if (*q == '"') {
            if (qstring(p, &q, e, &ln, Q_NAME))
                return -1;
            const char *t = opt_ws(p, q, e);
            if (t < e && (*t == ',' || *t == '}') && name && !exemplar) {
                if (name->p) {
                    diag(p, B, E, lat, R_P_UTF8, "multiple metric names");
                    return -1;
                }
                if (!ln.len) {
                    diag(p, B, E, lat, R_P_UTF8, "empty metric name");
                    return -1;
                }
                diag(p, O, E, lat, R_OM_QUOTED, "quoted metric name");
                *name = ln;
                p->qname_at = lat;
                q = t;
                goto next;
            }
            q = t;
            if (!ln.len) {
                diag(p, B, E, lat, R_P_UTF8, "empty label name");
                return -1;
            }
            diag(p, O, E, lat, R_OM_QUOTED, "quoted label name");
        } else {
            if (!IS(*q, C_LNAME0)) {
                diag(p, B, E, q, R_P_SYNTAX, "expected label name, got '%s'",
                     subj(b, sizeof b, q, 1));
                return -1;
            }
            q += name_span(q, e, 0);
            ln.p = lat;
            ln.len = (size_t)(q - lat);
            if (ln.len > p->max_name) {
                diag(p, B, E, lat, R_LIMIT, "label name longer than %zu bytes",
                     p->max_name);
                return -1;
            }
            q = opt_ws(p, q, e);
        }
        if (q >= e || *q != '=') {
            diag(p, B, E, q, R_P_SYNTAX, "expected '=' after label name '%s'",
                 subj(b, sizeof b, ln.p, ln.len));
            return -1;
        }
        q = opt_ws(p, q + 1, e);
        if (q >= e || *q != '"') {
            diag(p, B, E, q, R_P_SYNTAX, "expected '\"' to start label value");
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
        p->nlabels++;
        q = opt_ws(p, q, e);
    next:
        if (q < e && *q == ',') {
            q++;
            after_comma = 1;
            continue;
        }
        if (q < e && *q == '}') {
            q++;
            break;
        }
        diag(p, B, E, q, R_P_SYNTAX, "expected ',' or '}' after label");
        return -1;
    }
    *qp = q;
    return 0;
}

static const pg_str *label_get(const pg_label *l, size_t n, const char *name,
                               size_t nlen)
{
    for (size_t i = 0; i < n; i++)
        if (l[i].name.len == nlen && !memcmp(l[i].name.p, name, nlen))
            return &l[i].value;
    return NULL;
}

/* Duplicate label names: MUST be unique (OpenMetrics LabelSet; expfmt
 * "duplicate label names"). Quadratic for the usual handful of labels,
 * a hash set beyond. */
static int name_cmp(pg_str a, pg_str b)
{
    int c = memcmp(a.p, b.p, a.len < b.len ? a.len : b.len);
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

static int dup_labels(pg__text *p, const pg_label *l, size_t n, size_t *at)
{
    /* Names in strictly increasing order (as most clients write them)
     * cannot repeat: n-1 comparisons instead of n(n-1)/2. */
    size_t sorted = 1;
    while (sorted < n && name_cmp(l[sorted - 1].name, l[sorted].name) < 0)
        sorted++;
    if (sorted >= n)
        return 0;
    if (n <= 32) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (l[i].name.len == l[j].name.len &&
                    !memcmp(l[i].name.p, l[j].name.p, l[i].name.len)) {
                    *at = i;
                    return 1;
                }
        return 0;
    }
    pg__hset h = { 0 };
    int dup = 0;
    for (size_t i = 0; i < n && !dup; i++) {
        uint64_t k = name_hash(l[i].name.p, l[i].name.len);
        uint32_t old;
        if (pg__hset_put(&h, k, (uint32_t)i, &old) == 0 &&
            l[old].name.len == l[i].name.len &&
            !memcmp(l[old].name.p, l[i].name.p, l[i].name.len)) {
            *at = i;
            dup = 1;
        }
    }
    pg__hset_release(&h);
    (void)p;
    return dup;
}

/* Hash of one label as the canonical text name="value". In the common
 * case (plain name, no escapes, no blanks) that text is the input itself,
 * so one pass over it suffices; otherwise it is built in a buffer. */
static uint64_t label_hash(const pg_label *l)
{
    return pg__hash(l->value.p, l->value.len, name_hash(l->name.p, l->name.len));
}

static struct group *group_get(pg__text *p, uint64_t key, int *fresh)
{
    uint32_t idx;
    *fresh = 0;
    /* Samples of one series usually follow each other. */
    if (p->last_group < p->ngroups && p->last_gkey == key)
        return &p->groups[p->last_group];
    if (pg__hset_get(&p->gidx, key, &idx)) {
        p->last_group = idx;
        p->last_gkey = key;
        return &p->groups[idx];
    }
    if (p->groups_full)
        return NULL;
    if (p->ngroups >= MAX_GROUPS) {
        p->groups_full = 1;
        diag(p, B, W, p->ls, R_LIMIT,
             "more than %u series in family: structure checks stop here",
             MAX_GROUPS);
        return NULL;
    }
    if (p->ngroups == p->gcap) {
        p->gcap = p->gcap ? p->gcap * 2 : 16;
        p->groups = pg_xrealloc(p->groups, p->gcap * sizeof *p->groups);
    }
    struct group *g = &p->groups[p->ngroups];
    memset(g, 0, sizeof *g);
    g->line = p->line_no;
    g->off = p->line_off;
    pg__hset_put(&p->gidx, key, (uint32_t)p->ngroups, NULL);
    p->last_group = p->ngroups;
    p->last_gkey = key;
    p->ngroups++;
    *fresh = 1;
    return g;
}

/* OpenMetrics, Canonical Numbers: le and quantile values should be
 * rendered as Go's %g with ".0" ("MUST NOT use arbitrary rendering", but
 * parsers MUST NOT reject: a warning). Each distinct string is checked
 * once per family. */
static void check_canonical(pg__text *p, const char *at, const char *label,
                            const pg_str *v, double d)
{
    if (p->fmt == PG__F_PROM || !(p->flags & PG_PARSE_CANONICAL))
        return;
    uint64_t h = pg__hash(v->p, v->len, 0xca11);
    for (int i = 0; i < p->ncanon; i++)
        if (p->canonseen[i] == h)
            return;
    if (p->ncanon < (int)(sizeof p->canonseen / sizeof *p->canonseen))
        p->canonseen[p->ncanon++] = h;
    char want[48], b[80];
    pg_num_format_canonical(d, want, sizeof want);
    if (strlen(want) != v->len || memcmp(want, v->p, v->len))
        diag(p, O, W, at, R_OM_CANON, "%s=\"%s\" is not in canonical form \"%s\"",
             label, subj(b, sizeof b, v->p, v->len), want);
}

static int is_int(double v)
{
    return isfinite(v) && v == floor(v);
}

static void dup_series(pg__text *p, const char *at, pg_str name)
{
    char b[80];
    diag(p, P, E, at, R_P_GROUP, "duplicate series '%s'",
         subj(b, sizeof b, name.p, name.len));
    diag(p, O, E, at, R_OM_FAMILY, "duplicate series '%s'",
         subj(b, sizeof b, name.p, name.len));
}

/* Histogram and summary samples find duplicates through their series'
 * state (one _count, strictly increasing le/quantile), which is cheaper
 * than the family-wide series set. OpenMetrics lets a Metric repeat
 * with timestamps. */
static int grouped(const pg__text *p, enum role role, int has_ts)
{
    if (has_ts && p->fmt == PG__F_OM)
        return 0;
    switch (p->ftype) {
    case PG_TYPE_HISTOGRAM:
    case PG_TYPE_GAUGEHISTOGRAM:
        return role != ROLE_VALUE;
    case PG_TYPE_SUMMARY:
        return 1;
    default:
        return 0;
    }
}

/* Position of a label for diagnostics: its name if it lies in the
 * current line (a decoded quoted name may not), else `fallback`. */
static const char *label_at(const pg__text *p, const pg_label *l,
                            const char *fallback)
{
    if (l && l->name.p >= p->ls && l->name.p < p->ls + p->line_len)
        return l->name.p;
    return fallback;
}

static const pg_label *label_find(const pg_label *l, size_t n, const char *name,
                                  size_t nlen)
{
    for (size_t i = 0; i < n; i++)
        if (l[i].name.len == nlen && !memcmp(l[i].name.p, name, nlen))
            return &l[i];
    return NULL;
}

/* Sample names must not clash across families: text format, Grouping
 * and sorting ("all lines for a given metric must be provided as one
 * single group"); OpenMetrics, MetricFamily ("MUST NOT result in a
 * potential clash for sample metric names"). A family's sample name is
 * fixed by its role, so each role's name is looked up once per family. */
static void name_clash(pg__text *p, const char *at, pg_str name, enum role role)
{
    if (p->fmt == PG__F_OM)
        return;  /* potential_clash() covers every name the family may use */
    unsigned bit = 1u << (unsigned)role;
    if (p->froles & bit)
        return;
    p->froles |= bit;
    if (p->fidx == UINT32_MAX || p->freopen)
        return;
    uint32_t old = p->fidx;
    if (pg__hset_put(&p->names, name_hash(name.p, name.len) ^ 0x6e616d65ULL,
                     p->fidx, &old) != 0 || old == p->fidx || old >= p->nfam_tab)
        return;
    char b[80], b2[80];
    subj(b, sizeof b, name.p, name.len);
    subj(b2, sizeof b2, p->fam_names.p + p->fam_tab[old].off, p->fam_tab[old].len);
    diag(p, P, E, at, R_P_GROUP,
         "sample name '%s' of family '%s' already used by family '%s'",
         b, p->famq, b2);
}

/* OpenMetrics: the suffixes of the sample names a family of type t may
 * use (MetricFamily Name, Suffixes), NULL-terminated. */
static const char *const *type_suffixes(enum pg_type t)
{
    static const char *const counter[] = { "_total", "_created", NULL };
    static const char *const hist[] = { "_bucket", "_count", "_sum", "_created", NULL };
    static const char *const ghist[] = { "_bucket", "_gcount", "_gsum", NULL };
    static const char *const summary[] = { "", "_count", "_sum", "_created", NULL };
    static const char *const info[] = { "_info", NULL };
    static const char *const plain[] = { "", NULL };
    switch (t) {
    case PG_TYPE_COUNTER: return counter;
    case PG_TYPE_HISTOGRAM: return hist;
    case PG_TYPE_GAUGEHISTOGRAM: return ghist;
    case PG_TYPE_SUMMARY: return summary;
    case PG_TYPE_INFO: return info;
    default: return plain;
    }
}

/* OpenMetrics, MetricFamily Name: a family's name must not allow a sample
 * name another family may use ("a gauge called foo_created as a counter
 * called foo could create a foo_created"), whether or not either has
 * samples. Run once per family, when its type is final: at its first
 * sample (at), or at its end if it has none (at is NULL). */
static void potential_clash(pg__text *p, const char *at)
{
    if (p->fmt != PG__F_OM || p->fidx == UINT32_MAX || p->freopen)
        return;
    char b[80], b2[80];
    for (const char *const *suf = type_suffixes(p->ftype); *suf; suf++) {
        size_t k = strlen(*suf);
        p->pname.len = 0;
        pg_buf_add(&p->pname, p->fam.p, p->fam.len);
        pg_buf_add(&p->pname, *suf, k);
        uint32_t old = p->fidx;
        if (pg__hset_put(&p->pnames, name_hash(p->pname.p, p->pname.len),
                         p->fidx, &old) != 0 || old == p->fidx ||
            old >= p->nfam_tab)
            continue;
        subj(b, sizeof b, p->pname.p, p->pname.len);
        subj(b2, sizeof b2, p->fam_names.p + p->fam_tab[old].off,
             p->fam_tab[old].len);
        if (at)
            diag(p, O, E, at, R_OM_CLASH,
                 "sample name '%s' of family '%s' clashes with family '%s'",
                 b, p->famq, b2);
        else
            diag_at(p, O, E, p->fline, p->foff, R_OM_CLASH,
                    "sample name '%s' of family '%s' clashes with family '%s'",
                    b, p->famq, b2);
        return;
    }
}

/* OpenMetrics, Metric: "Metrics MUST NOT be interleaved"; MetricPoint:
 * "MetricPoints MUST NOT be interleaved" and "MUST have monotonically
 * increasing timestamps". A Metric is the label set minus le/quantile;
 * its samples must be one run, and within it a MetricPoint (the samples
 * of one timestamp) must not go back to an earlier timestamp. The text
 * format states neither (its rule is one group per metric name and a
 * unique name and label set per line), so this is OpenMetrics only. */
/* Does a sample of the current Metric start a MetricPoint of its own?
 * Yes when the point already has a sample of its role, except for runs
 * of buckets and of a summary's quantiles or a StateSet's states, which
 * one point holds many of; or when its timestamp differs. */
static int point_starts(const pg__text *p, enum role role, const pg_sample *sm)
{
    if (sm->has_timestamp && p->m_has_ts && sm->timestamp != p->m_ts)
        return 1;
    if (!(p->m_roles & (1u << (unsigned)role)))
        return 0;
    int many = role == ROLE_BUCKET ||
               (role == ROLE_VALUE && (p->ftype == PG_TYPE_SUMMARY ||
                                       p->ftype == PG_TYPE_STATESET));
    return !(many && role == p->m_last_role);
}

/* OpenMetrics: the MetricPoints of a Metric all have timestamps or none,
 * and the samples of one MetricPoint share its timestamp. Reported once
 * per Metric. */
static void point_timestamps(pg__text *p, const char *at, const char *s,
                             const char *lend, int new_point,
                             const pg_sample *sm)
{
    char b[80];
    if (p->m_ts_reported || sm->has_timestamp == p->m_timed)
        return;
    p->m_ts_reported = 1;
    subj(b, sizeof b, s, (size_t)(lend - s));
    if (new_point)
        diag(p, O, E, at, R_OM_TS_ALL,
             "MetricPoints of metric '%s' must all have timestamps or none",
             b);
    else
        diag(p, O, E, at, R_OM_TS_POINT,
             "sample '%s' %s a timestamp, unlike the other samples of its MetricPoint",
             b, sm->has_timestamp ? "has" : "lacks");
}

/* OpenMetrics, Metric: "Metrics MUST NOT be interleaved"; MetricPoint:
 * "MetricPoints MUST NOT be interleaved" and "MUST have monotonically
 * increasing timestamps". A Metric is the label set minus le/quantile;
 * its samples must be one run, and within it a MetricPoint (the samples
 * of one timestamp) must not go back to an earlier timestamp; an equal
 * one is allowed. The text format states neither (its rule is one group
 * per metric name and a unique name and label set per line), so this is
 * OpenMetrics only. */
static void metric_order(pg__text *p, const char *s, const char *lend,
                         uint64_t key, enum role role, const pg_sample *sm,
                         const char *ts_at)
{
    char b[80], b2[40], b3[40];
    int new_point = 0;
    if (!p->m_valid || key != p->m_key) {
        if (p->m_valid && !p->metrics_full &&
            pg__hset_put(&p->metrics, p->m_key, 0, NULL) < 0)
            p->metrics_full = 1;
        if (p->m_valid && pg__hset_get(&p->metrics, key, NULL))
            diag(p, O, E, s, R_OM_METRIC,
                 "metric '%s' comes back after another metric of '%s': metrics must not be interleaved",
                 subj(b, sizeof b, s, (size_t)(lend - s)), p->famq);
        p->m_valid = 1;
        p->m_key = key;
        p->m_has_ts = 0;
        p->m_timed = sm->has_timestamp;
        p->m_ts_reported = 0;
        p->m_roles = 0;
    } else {
        new_point = point_starts(p, role, sm);
        point_timestamps(p, ts_at ? ts_at : s, s, lend, new_point, sm);
    }
    if (new_point)
        p->m_roles = 0;
    p->m_roles |= 1u << (unsigned)role;
    p->m_last_role = role;
    if (!sm->has_timestamp)
        return;
    if (p->m_has_ts && sm->timestamp < p->m_ts) {
        snprintf(b2, sizeof b2, "%.17g", sm->timestamp);
        snprintf(b3, sizeof b3, "%.17g", p->m_ts);
        diag(p, O, E, ts_at, R_OM_POINT,
             "timestamp %s of '%s' before %s of an earlier MetricPoint: timestamps must increase and MetricPoints must not be interleaved",
             b2, subj(b, sizeof b, s, (size_t)(lend - s)), b3);
        return;
    }
    p->m_ts = sm->timestamp;
    p->m_has_ts = 1;
}

struct sample_ctx {
    const char *name_at, *value_at, *ex_at;
    const char *lend;  /* end of the name and labels */
    double ex_value;
    int has_ex;
    int dups;      /* duplicates are checked here (grouped) */
};

/* Counter: the total is neither NaN nor negative. */
static void counter_checks(pg__text *p, const pg_sample *sm,
                           const struct sample_ctx *sc)
{
    const char *fn = p->famq;
    double v = sm->value;
    if (isnan(v)) {
        diag(p, O, E, sc->value_at, R_OM_COUNTER, "counter '%s' total is NaN", fn);
    } else if (v < 0) {
        diag(p, O, E, sc->value_at, R_OM_COUNTER,
             "counter '%s' total is negative", fn);
        diag(p, P, W, sc->value_at, R_P_TYPES, "counter '%s' value is negative",
             fn);
    }
}

static void stateset_checks(pg__text *p, const pg_sample *sm,
                            const struct sample_ctx *sc)
{
    const char *fn = p->famq;
    if (!label_get(sm->labels, sm->nlabels, p->fam.p, p->fam.len))
        diag(p, O, E, sc->name_at, R_OM_STATESET,
             "stateset sample lacks a label named '%s'", fn);
    if (sm->value != 0 && sm->value != 1)
        diag(p, O, E, sc->value_at, R_OM_STATESET,
             "stateset '%s' value must be 0 or 1", fn);
}

/* The bound of a bucket: a number, +Inf written so, above the previous
 * one. Returns 0 and sets *lv, or -1. */
static int bucket_bound(pg__text *p, struct group *g, const pg_label *lel,
                        const pg_sample *sm, const struct sample_ctx *sc,
                        const char *rule, double *lv)
{
    char b2[80];
    const pg_str *le = &lel->value;
    const char *le_at = label_at(p, lel, sc->name_at);
    if (pg_num_parse(le->p, le->len, lv) || isnan(*lv)) {
        diag(p, P, E, le_at, R_P_HIST, "invalid 'le' value '%s'",
             subj(b2, sizeof b2, le->p, le->len));
        diag(p, O, E, le_at, rule, "invalid 'le' value '%s'",
             subj(b2, sizeof b2, le->p, le->len));
        return -1;
    }
    if (isinf(*lv) && *lv > 0 && !(le->len == 4 && !memcmp(le->p, "+Inf", 4)))
        diag(p, O, E, le_at, R_OM_PLUS_INF,
             "bucket bound le=\"%s\" must be written \"+Inf\"",
             subj(b2, sizeof b2, le->p, le->len));
    else
        check_canonical(p, le_at, "le", le, *lv);
    if (g->nb && *lv == g->last_le && sc->dups) {
        dup_series(p, sc->name_at, sm->name);
    } else if (g->nb && *lv <= g->last_le) {
        diag(p, P, E, le_at, R_P_HIST,
             "bucket le=\"%s\" not above previous bound %g",
             subj(b2, sizeof b2, le->p, le->len), g->last_le);
        diag(p, O, E, le_at, rule, "bucket le=\"%s\" not above previous bound %g",
             subj(b2, sizeof b2, le->p, le->len), g->last_le);
    }
    return 0;
}

/* A histogram or gaugehistogram bucket: bound, cumulative count, exemplar
 * within the bound. */
static void bucket_checks(pg__text *p, struct group *g, const pg_sample *sm,
                          const struct sample_ctx *sc, const char *rule)
{
    const char *fn = p->famq;
    double v = sm->value, lv;
    const pg_label *lel = label_find(sm->labels, sm->nlabels, "le", 2);
    if (!lel) {
        diag(p, P, E, sc->lend, R_P_HIST, "histogram bucket without 'le' label");
        diag(p, O, E, sc->lend, rule, "histogram bucket without 'le' label");
        return;
    }
    if (bucket_bound(p, g, lel, sm, sc, rule, &lv))
        return;
    if (isnan(v) || v < 0) {
        diag(p, B, E, sc->value_at, p->fmt == PG__F_OM ? rule : R_P_HIST,
             "bucket value %s for '%s'", isnan(v) ? "is NaN" : "is negative", fn);
    } else {
        if (!is_int(v))
            diag(p, O, E, sc->value_at, rule,
                 "bucket value for '%s' is not an integer", fn);
        if (g->nb && v < g->last_val) {
            diag(p, P, E, sc->value_at, R_P_HIST,
                 "buckets of '%s' not cumulative: %g after %g", fn, v, g->last_val);
            diag(p, O, E, sc->value_at, rule,
                 "buckets of '%s' not cumulative: %g after %g", fn, v, g->last_val);
        }
    }
    if (sc->has_ex && sc->ex_value > lv)
        diag(p, O, E, sc->ex_at, R_OM_EXEMPLAR,
             "exemplar value %g above bucket bound %g", sc->ex_value, lv);
    if (lv < 0)
        g->neg_le = 1;
    if (isinf(lv) && lv > 0) {
        g->has_inf = 1;
        g->inf_val = v;
    }
    g->last_le = lv;
    g->last_val = v;
    g->nb++;
}

/* A histogram's _count/_gcount, _sum/_gsum or _created: once per series,
 * counts integers, sums not NaN (and a Histogram's not negative). */
static void hist_part_checks(pg__text *p, enum role role, struct group *g,
                             const pg_sample *sm, const struct sample_ctx *sc,
                             const char *rule)
{
    const char *fn = p->famq, *at = sc->name_at;
    double v = sm->value;
    int *seen = role == ROLE_COUNT ? &g->has_count
              : role == ROLE_GCOUNT ? &g->has_gcount
              : role == ROLE_SUM ? &g->has_sum
              : role == ROLE_GSUM ? &g->has_gsum
              : role == ROLE_CREATED ? &g->has_created : NULL;
    if (!seen)
        return;
    if (sc->dups && *seen)
        dup_series(p, at, sm->name);
    *seen = 1;
    if (role == ROLE_COUNT || role == ROLE_GCOUNT) {
        if (isnan(v) || v < 0) {
            diag(p, P, E, sc->value_at, R_P_HIST, "count of histogram '%s' %s",
                 fn, isnan(v) ? "is NaN" : "is negative");
            diag(p, O, E, sc->value_at, rule, "count of histogram '%s' %s", fn,
                 isnan(v) ? "is NaN" : "is negative");
        } else if (!is_int(v)) {
            diag(p, O, E, sc->value_at, rule,
                 "count of histogram '%s' is not an integer", fn);
        }
        g->count = v;
    } else if (role == ROLE_SUM) {
        if (isnan(v) || v < 0)
            diag(p, O, E, sc->value_at, rule, "sum of histogram '%s' %s", fn,
                 isnan(v) ? "is NaN" : "is negative");
    } else if (role == ROLE_GSUM) {
        if (isnan(v))
            diag(p, O, E, sc->value_at, rule, "gsum of '%s' is NaN", fn);
        g->gsum = v;
    }
}

/* Histogram and GaugeHistogram samples. Returns 1 if an exemplar may be
 * attached (a bucket). */
static int histogram_checks(pg__text *p, enum role role, const pg_sample *sm,
                            const struct sample_ctx *sc, uint64_t gkey)
{
    const char *rule = p->ftype == PG_TYPE_GAUGEHISTOGRAM ? R_OM_GHIST : R_OM_HIST;
    if (role != ROLE_BUCKET && label_find(sm->labels, sm->nlabels, "le", 2))
        diag(p, O, E, sc->name_at, rule, "'%s' must not have an 'le' label",
             p->famq);
    int fresh;
    struct group *g = group_get(p, gkey, &fresh);
    if (!g)
        return 0;
    if (role == ROLE_BUCKET) {
        bucket_checks(p, g, sm, sc, rule);
        return 1;
    }
    hist_part_checks(p, role, g, sm, sc, rule);
    return 0;
}

/* A summary's _count, _sum or _created: once per series, not NaN or
 * negative, the count an integer. */
static void summary_part_checks(pg__text *p, enum role role, const pg_sample *sm,
                                const struct sample_ctx *sc, uint64_t gkey)
{
    const char *fn = p->famq;
    double v = sm->value;
    int fresh;
    if (label_find(sm->labels, sm->nlabels, "quantile", 8))
        diag(p, O, E, sc->name_at, R_OM_SUMMARY,
             "'%s' must not have a 'quantile' label", fn);
    struct group *g = group_get(p, gkey, &fresh);
    if (g && sc->dups &&
        ((role == ROLE_COUNT && g->has_count) || (role == ROLE_SUM && g->has_sum) ||
         (role == ROLE_CREATED && g->has_created)))
        dup_series(p, sc->name_at, sm->name);
    if (g && role == ROLE_CREATED)
        g->has_created = 1;
    if (role != ROLE_COUNT && role != ROLE_SUM)
        return;
    if (isnan(v) || v < 0) {
        diag(p, O, E, sc->value_at, R_OM_SUMMARY, "%s of summary '%s' %s",
             role == ROLE_COUNT ? "count" : "sum", fn,
             isnan(v) ? "is NaN" : "is negative");
        if (role == ROLE_COUNT && v < 0)
            diag(p, P, E, sc->value_at, R_P_HIST,
                 "count of summary '%s' is negative", fn);
    } else if (role == ROLE_COUNT && !is_int(v)) {
        diag(p, O, E, sc->value_at, R_OM_SUMMARY,
             "count of summary '%s' is not an integer", fn);
    }
    if (!g)
        return;
    if (role == ROLE_COUNT) {
        g->has_count = 1;
        g->count = v;
    } else {
        g->has_sum = 1;
    }
}

/* A summary's quantile sample: a number in [0, 1], increasing, its value
 * not negative; the first one that is not NaN is kept for the end check
 * (_count 0 wants NaN). */
static void quantile_checks(pg__text *p, const pg_sample *sm,
                            const struct sample_ctx *sc, uint64_t gkey)
{
    char b2[80];
    const char *fn = p->famq;
    double v = sm->value;
    const pg_label *ql = label_find(sm->labels, sm->nlabels, "quantile", 8);
    if (!ql) {
        diag(p, B, E, sc->lend, p->fmt == PG__F_OM ? R_OM_SUMMARY : R_P_HIST,
             "summary sample '%s' without 'quantile' label", fn);
        return;
    }
    const pg_str *qs = &ql->value;
    const char *q_at = label_at(p, ql, sc->name_at);
    double qv;
    if (pg_num_parse(qs->p, qs->len, &qv) || isnan(qv)) {
        diag(p, B, E, q_at, p->fmt == PG__F_OM ? R_OM_SUMMARY : R_P_HIST,
             "invalid 'quantile' value '%s'", subj(b2, sizeof b2, qs->p, qs->len));
        return;
    }
    check_canonical(p, q_at, "quantile", qs, qv);
    if (qv < 0 || qv > 1) {
        /* the text format states no range: redis_exporter's
         * quantile="99.9" is accepted by Prometheus */
        diag(p, P, W, q_at, R_P_QUANTILE, "quantile %s outside [0, 1]",
             subj(b2, sizeof b2, qs->p, qs->len));
        diag(p, O, E, q_at, R_OM_QUANTILE, "quantile %s outside [0, 1]",
             subj(b2, sizeof b2, qs->p, qs->len));
    }
    if (v < 0)
        diag(p, O, E, sc->value_at, R_OM_SUMMARY,
             "quantile value of '%s' is negative", fn);
    int fresh;
    struct group *g = group_get(p, gkey, &fresh);
    if (!g)
        return;
    if (g->nq && qv == g->last_q && sc->dups)
        dup_series(p, sc->name_at, sm->name);
    else if (g->nq && qv <= g->last_q)
        diag(p, P, E, q_at, R_P_HIST, "quantile %s not above previous quantile %g",
             subj(b2, sizeof b2, qs->p, qs->len), g->last_q);
    g->last_q = qv;
    g->nq++;
    if (!isnan(v) && !g->qline) {
        g->qline = p->line_no;
        g->qcol = (int64_t)(sc->value_at - p->ls) + 1;
        g->qoff = p->line_off + (uint64_t)(sc->value_at - p->ls);
    }
}

/* A sample name that its type wants suffixed. Returns 1 if reported (the
 * sample is not checked further). */
static int suffix_checks(pg__text *p, enum role role, const pg_sample *sm,
                         const struct sample_ctx *sc)
{
    char b2[80];
    enum pg_type t = p->ftype;
    if (role != ROLE_VALUE)
        return 0;
    if (t == PG_TYPE_COUNTER)
        diag(p, O, E, sc->name_at, R_OM_COUNTER,
             "counter sample '%s' must have the suffix '_total'",
             subj(b2, sizeof b2, sm->name.p, sm->name.len));
    if (t == PG_TYPE_INFO) {
        diag(p, O, E, sc->name_at, R_OM_INFO,
             "info sample '%s' must have the suffix '_info'",
             subj(b2, sizeof b2, sm->name.p, sm->name.len));
        return 1;
    }
    if (t == PG_TYPE_HISTOGRAM || t == PG_TYPE_GAUGEHISTOGRAM) {
        diag(p, B, E, sc->name_at, t == PG_TYPE_HISTOGRAM ? R_P_HIST : R_OM_GHIST,
             "%s sample '%s' needs a suffix (_bucket, _count, _sum)",
             type_word(p, t), subj(b2, sizeof b2, sm->name.p, sm->name.len));
        return 1;
    }
    return 0;
}

/* Type rules for one sample, with the family's per-series state. */
static void sample_checks(pg__text *p, enum role role, pg_sample *sm,
                          struct sample_ctx *sc, uint64_t gkey)
{
    char b2[80];
    int exemplar_ok = 0;
    if (suffix_checks(p, role, sm, sc))
        return;
    switch (p->ftype) {
    case PG_TYPE_COUNTER:
        if (role == ROLE_TOTAL || role == ROLE_VALUE) {
            exemplar_ok = 1;
            counter_checks(p, sm, sc);
        }
        break;
    case PG_TYPE_INFO:
        if (sm->value != 1)
            diag(p, O, E, sc->value_at, R_OM_INFO, "info '%s' value must be 1",
                 p->famq);
        break;
    case PG_TYPE_STATESET:
        stateset_checks(p, sm, sc);
        break;
    case PG_TYPE_HISTOGRAM:
    case PG_TYPE_GAUGEHISTOGRAM:
        exemplar_ok = histogram_checks(p, role, sm, sc, gkey);
        break;
    case PG_TYPE_SUMMARY:
        if (role == ROLE_VALUE)
            quantile_checks(p, sm, sc, gkey);
        else
            summary_part_checks(p, role, sm, sc, gkey);
        break;
    default:
        break;
    }
    if (sc->has_ex && !exemplar_ok)
        diag(p, O, E, sc->ex_at, R_OM_EXEMPLAR,
             "exemplar not allowed on '%s' (only counter totals and buckets)",
             subj(b2, sizeof b2, sm->name.p, sm->name.len));
}

/* A number token: ends at whitespace or end of line. */
static const char *token_end(const char *q, const char *e)
{
    while (q < e && !IS(*q, C_WS))
        q++;
    return q;
}

/* OpenMetrics realnumber (timestamps): no inf/nan. */
static int realnumber(const char *s, size_t n, double *v)
{
    if (pg_num_parse(s, n, v))
        return -1;
    return isfinite(*v) ? 0 : -1;
}

/* Matches the line at s against the template; on success the labels are
 * set and the end of the closing brace is returned, else NULL. */
static inline const char *tmpl_match(pg__text *p, const char *s, const char *e)
{
    const char *sk = p->tp.sk;
    const uint16_t *seg = p->tp.seg;
    size_t l0 = seg[1];
    if ((size_t)(e - s) < l0 || !pg_bytes_eq(s, sk, l0))
        return NULL;
    const char *q = s + l0;
    size_t nl = p->tp.nl;
    pg_label *lb = p->labels;
    lb[0].name.p = s + p->tp.nlen + 1;
    for (size_t i = 0; i < nl; i++) {
        const char *c = qfast(q, e);
        if (!c || (size_t)(c - q) > p->max_name)
            return NULL;
        lb[i].name.len = p->tp.lnlen[i];
        lb[i].value.p = q;
        lb[i].value.len = (size_t)(c - q);
        size_t sl = (size_t)(seg[i + 2] - seg[i + 1]);
        if ((size_t)(e - c) < sl || !pg_bytes_eq(c, sk + seg[i + 1], sl))
            return NULL;
        if (i + 1 < nl)
            lb[i + 1].name.p = c + 2;
        q = c + sl;
    }
    return q;
}

/* Makes the current line the template if it is plain: unquoted names,
 * labels written back to back as name="value" without escapes, and no
 * diagnostic about its names or labels. */
static void tmpl_build(pg__text *p, const char *s, const char *lend,
                       pg_str name, enum role role, uint64_t nsig)
{
    size_t nl = p->nlabels;
    p->tp.valid = 0;
    if (nl == 0 || nl > TMPL_LABELS || name.p != s || lend[-1] != '}' ||
        (size_t)(lend - s) > TMPL_BYTES)
        return;
    const char *want = s + name.len;
    if (*want != '{')
        return;
    want++;
    for (size_t i = 0; i < nl; i++) {
        const pg_label *l = &p->labels[i];
        if (l->name.p != want || l->value.p != want + l->name.len + 2 ||
            want[l->name.len] != '=' || want[l->name.len + 1] != '"')
            return;
        const char *ve = l->value.p + l->value.len;
        if (ve[0] != '"' || ve[1] != (i + 1 < nl ? ',' : '}'))
            return;
        want = ve + 2;
    }
    if (want != lend)
        return;
    /* the skeleton: everything but the values */
    size_t k = 0;
    const char *from = s;
    p->tp.seg[0] = 0;
    p->tp.lq = 0;
    for (size_t i = 0; i < nl; i++) {
        const pg_label *l = &p->labels[i];
        size_t n = (size_t)(l->value.p - from);
        memcpy(p->tp.sk + k, from, n);
        k += n;
        p->tp.seg[i + 1] = (uint16_t)k;
        from = l->value.p + l->value.len;
        p->tp.lnlen[i] = (uint16_t)l->name.len;
        p->tp.nseed[i] = name_hash(l->name.p, l->name.len);
        if ((l->name.len == 2 && !memcmp(l->name.p, "le", 2)) ||
            (l->name.len == 8 && !memcmp(l->name.p, "quantile", 8)))
            p->tp.lq |= 1u << i;
    }
    memcpy(p->tp.sk + k, from, (size_t)(lend - from));
    k += (size_t)(lend - from);
    p->tp.seg[nl + 1] = (uint16_t)k;
    p->tp.nl = nl;
    p->tp.nlen = name.len;
    p->tp.nhash = name_hash(name.p, name.len);
    p->tp.nsig = nsig;
    p->tp.role = role;
    p->tp.gen = p->fam_gen;
    p->tp.valid = 1;
}

/* A sample line as the steps of sample_line() take it apart. */
struct sline {
    const char *s, *e;        /* the line, leading blanks skipped */
    pg_str name;
    int fast;                 /* it matched the line template */
    unsigned long d0, d1;     /* diagnostics before the line, after its labels */
    const char *ts_at;        /* its timestamp, if any */
    uint64_t lsum, gsum;      /* label hashes: all, and all but le/quantile */
    enum role role;
    pg_sample sm;
    struct sample_ctx sc;
};

/* The metric name and labels, through the line template when the line
 * matches it. Returns the end of the labels, or NULL after a diagnostic. */
static const char *sample_head(pg__text *p, struct sline *l)
{
    char b[80];
    const char *s = l->s, *e = l->e, *q = s;
    if (p->tp.valid && p->tp.gen == p->fam_gen) {
        const char *t = tmpl_match(p, s, e);
        if (t) {
            l->fast = 1;
            l->name.p = s;
            l->name.len = p->tp.nlen;
            p->nlabels = p->tp.nl;
            p->dname = s;
            p->dnlen = l->name.len;
            return t;
        }
    }
    if (*q == '{') {
        if (labels(p, &q, e, &l->name, 0))
            return NULL;
        if (!l->name.p) {
            diag(p, B, E, s, R_P_SYNTAX, "metric name not set");
            return NULL;
        }
        p->dname = l->name.p;
        p->dnlen = l->name.len;
        return q;
    }
    if (metric_name(p, &q, e, &l->name, "at start of sample"))
        return NULL;
    p->dname = l->name.p;
    p->dnlen = l->name.len;
    const char *t = q;
    while (t < e && IS(*t, C_WS))
        t++;
    if (t < e && *t == '{') {
        if (t != q)
            diag(p, O, E, q, R_OM_ABNF, "whitespace before '{'");
        q = t;
        pg_str dummy = { NULL, 0 };
        if (labels(p, &q, e, &dummy, 0))
            return NULL;
        if (dummy.p) {
            diag(p, B, E, p->qname_at, R_P_UTF8, "multiple metric names");
            return NULL;
        }
    } else if (q < e && !IS(*q, C_WS)) {
        diag(p, B, E, q, R_P_SYNTAX, "invalid character '%s' in metric name",
             subj(b, sizeof b, q, 1));
        return NULL;
    }
    return q;
}

/* The value after the labels. Returns the end of the value, or NULL. */
static const char *sample_value(pg__text *p, struct sline *l, const char *q)
{
    char b[80];
    const char *e = l->e;
    if (q >= e) {
        diag(p, B, E, q, R_P_SYNTAX, "expected value after metric");
        return NULL;
    }
    /* Text format: blanks are needed only where tokens would merge, so
     * "a{b="c"}1" is fine there; OpenMetrics wants exactly one space. */
    if (q > l->s && q[-1] == '}' && !IS(*q, C_WS))
        diag(p, O, E, q, R_OM_ABNF, "expected a single space before value");
    else
        q = sep(p, q, e, 1, "value");
    if (q >= e) {
        diag(p, B, E, q, R_P_SYNTAX, "expected value after metric");
        return NULL;
    }
    l->sc.value_at = q;
    const char *ve = token_end(q, e);
    if (pg_num_parse(q, (size_t)(ve - q), &l->sm.value)) {
        diag(p, B, E, q, R_P_SYNTAX, "invalid value '%s'",
             subj(b, sizeof b, q, (size_t)(ve - q)));
        return NULL;
    }
    return ve;
}

/* A timestamp token at q: int64 milliseconds in the text format, a
 * realnumber in OpenMetrics. Returns its end, or NULL. */
static const char *sample_timestamp(pg__text *p, struct sline *l, const char *q)
{
    char b[80];
    const char *te = token_end(q, l->e);
    int64_t iv;
    double dv;
    l->ts_at = q;
    if (pg_num_parse_int64(q, (size_t)(te - q), &iv) == 0) {
        l->sm.has_timestamp = 1;
        l->sm.timestamp = (double)iv;
        return te;
    }
    if (realnumber(q, (size_t)(te - q), &dv)) {
        diag(p, B, E, q, R_P_SYNTAX, "invalid timestamp '%s'",
             subj(b, sizeof b, q, (size_t)(te - q)));
        return NULL;
    }
    /* digits only: an integer, but not an int64 (Go ParseInt) */
    const char *d = q + (*q == '-' || *q == '+');
    while (d < te && *d >= '0' && *d <= '9')
        d++;
    if (d == te)
        diag(p, P, E, q, R_P_SYNTAX, "timestamp '%s' is out of int64 range",
             subj(b, sizeof b, q, (size_t)(te - q)));
    else
        diag(p, P, E, q, R_P_SYNTAX, "timestamp '%s' is not an integer",
             subj(b, sizeof b, q, (size_t)(te - q)));
    l->sm.has_timestamp = 1;
    l->sm.timestamp = dv;
    return te;
}

/* An exemplar's labels: at most 128 runes, unique names. They are parsed
 * after the sample's own labels and dropped again. */
static void exemplar_labels_check(pg__text *p, struct sline *l, size_t base)
{
    char b[80];
    size_t runes = 0;
    for (size_t i = base; i < p->nlabels; i++)
        runes += pg__utf8_runes(p->labels[i].name.p, p->labels[i].name.len) +
                 pg__utf8_runes(p->labels[i].value.p, p->labels[i].value.len);
    if (runes > 128)
        diag(p, O, E, l->sc.ex_at, R_OM_EXEMPLAR,
             "exemplar labels have %zu runes, more than 128", runes);
    size_t dupi;
    if (p->nlabels > base &&
        dup_labels(p, p->labels + base, p->nlabels - base, &dupi))
        diag(p, O, E, l->sc.ex_at, R_OM_LABELSET,
             "duplicate label name '%s' in exemplar",
             subj(b, sizeof b, p->labels[base + dupi].name.p,
                  p->labels[base + dupi].name.len));
    p->nlabels = base;
}

/* An exemplar at q ('#'): SP HASH SP labels SP number [SP timestamp].
 * Returns 0, or -1 after a diagnostic. */
static int sample_exemplar(pg__text *p, struct sline *l, const char *q)
{
    char b[80];
    const char *e = l->e;
    l->sc.ex_at = q;
    diag(p, P, E, q, R_P_SYNTAX,
         "unexpected '#' after value: exemplars are OpenMetrics only");
    q++;
    if (q >= e || *q != ' ' || q + 1 >= e || q[1] != '{') {
        diag(p, O, E, q, R_OM_ABNF, "expected ' {' after '#' of exemplar");
        return -1;
    }
    q++;
    size_t base = p->nlabels;
    pg_str none = { NULL, 0 };
    if (labels(p, &q, e, &none, 1))
        return -1;
    exemplar_labels_check(p, l, base);
    if (q >= e || *q != ' ') {
        diag(p, O, E, q, R_OM_ABNF, "expected value after exemplar labels");
        return -1;
    }
    q++;
    const char *xe = token_end(q, e);
    if (pg_num_parse(q, (size_t)(xe - q), &l->sc.ex_value)) {
        diag(p, O, E, q, R_OM_ABNF, "invalid exemplar value '%s'",
             subj(b, sizeof b, q, (size_t)(xe - q)));
        return -1;
    }
    q = xe;
    if (q < e) {
        if (*q != ' ' || q + 1 >= e) {
            diag(p, O, E, q, R_OM_ABNF, "unexpected text after exemplar");
            return -1;
        }
        q++;
        const char *xt = token_end(q, e);
        double tv;
        if (realnumber(q, (size_t)(xt - q), &tv)) {
            diag(p, O, E, q, R_OM_ABNF, "invalid exemplar timestamp '%s'",
                 subj(b, sizeof b, q, (size_t)(xt - q)));
            return -1;
        }
        if (xt < e) {
            diag(p, O, E, xt, R_OM_ABNF, "unexpected text after exemplar");
            return -1;
        }
    }
    l->sc.has_ex = 1;
    l->sm.has_exemplar = 1;
    return 0;
}

/* What follows the value: an optional timestamp, then an optional
 * exemplar. Returns 0, or -1 after a diagnostic. */
static int sample_tail(pg__text *p, struct sline *l, const char *q)
{
    char b[80];
    const char *e = l->e;
    if (q >= e)
        return 0;
    const char *ws = q;
    q = sep(p, q, e, 1, "timestamp");
    if (q >= e) {
        diag(p, O, E, ws, R_OM_ABNF, "trailing whitespace");
        return 0;
    }
    if (*q != '#') {
        if (!(q = sample_timestamp(p, l, q)))
            return -1;
        if (q < e) {
            ws = q;
            q = sep(p, q, e, 1, "exemplar");
            if (q >= e)
                diag(p, O, E, ws, R_OM_ABNF, "trailing whitespace");
        }
    }
    if (q < e && *q == '#')
        return sample_exemplar(p, l, q);
    if (q < e) {
        diag(p, B, E, q, R_P_SYNTAX, "unexpected text after timestamp: '%s'",
             subj(b, sizeof b, q, (size_t)(e - q)));
        return -1;
    }
    return 0;
}

static int is_le_or_quantile(const pg_str *n)
{
    return (n->len == 2 && !memcmp(n->p, "le", 2)) ||
           (n->len == 8 && !memcmp(n->p, "quantile", 8));
}

/* Label hashes of the series key (all labels) and of its histogram or
 * summary series (le and quantile left out); on the full path, also the
 * reserved-name and duplicate-label checks. Returns -1 on duplicate
 * label names (the sample is dropped). */
static int sample_keys(pg__text *p, struct sline *l)
{
    char b[80];
    l->lsum = l->gsum = 0;
    if (l->fast) {
        /* names checked when the template was made: hash the values */
        for (size_t i = 0; i < p->nlabels; i++) {
            const pg_label *lb = &p->labels[i];
            uint64_t h = pg__hash(lb->value.p, lb->value.len, p->tp.nseed[i]);
            l->lsum += h;
            if (!(p->tp.lq & (1u << i)))
                l->gsum += h;
        }
        return 0;
    }
    if (l->name.len && l->name.p[0] == '_')
        diag(p, O, E, l->s, R_OM_NAME,
             "metric names beginning with '_' are reserved");
    size_t dupi;
    if (p->nlabels && dup_labels(p, p->labels, p->nlabels, &dupi)) {
        diag(p, B, E, p->labels[dupi].name.p, R_OM_LABELSET,
             "duplicate label name '%s'",
             subj(b, sizeof b, p->labels[dupi].name.p, p->labels[dupi].name.len));
        return -1;
    }
    for (size_t i = 0; i < p->nlabels; i++) {
        const pg_label *lb = &p->labels[i];
        if (lb->name.len >= 1 && lb->name.p[0] == '_') {
            if (lb->name.len == 8 && !memcmp(lb->name.p, "__name__", 8))
                diag(p, P, E, lb->name.p, R_P_DATA, "label name '__name__' is reserved");
            else if (lb->name.len >= 2 && lb->name.p[1] == '_')
                diag(p, P, W, lb->name.p, R_P_DATA,
                     "label names beginning with '__' are reserved");
            diag(p, O, E, lb->name.p, R_OM_LABEL,
                 "label names beginning with '_' are reserved");
        }
        uint64_t h = label_hash(lb);
        l->lsum += h;
        if (!is_le_or_quantile(&lb->name))
            l->gsum += h;
    }
    return 0;
}

/* The family the sample belongs to: the current one, or a new one it
 * starts. Sets l->role; returns -1 if a callback stopped the parse. */
static int sample_family(pg__text *p, struct sline *l)
{
    const pg_str name = l->name;
    l->role = l->fast ? p->tp.role : fam_role(p, name.p, name.len);
    if (l->role == ROLE_NONE) {
        if (fam_end(p))
            return -1;
        int re = check_reopen(p, name.p, name.len, l->s, "sample");
        fam_begin(p, name.p, name.len);
        p->freopen = re;
        l->role = ROLE_VALUE;
    }
    if (!p->fsamples)
        potential_clash(p, l->s);
    p->fsamples++;
    p->st.samples++;
    pg_sample *sm = &l->sm;
    sm->name = name;
    sm->family.p = p->fam.p;
    sm->family.len = p->fam.len;
    sm->type = p->ftype;
    sm->labels = p->labels;
    sm->nlabels = p->nlabels;
    sm->line = p->line_no;
    sm->offset = p->line_off;
    return 0;
}

/* Series identity: each line must have a unique name and label set (text
 * format, Grouping and sorting; OpenMetrics, Metric unique LabelSet);
 * sample names must not clash across families; OpenMetrics Metrics and
 * MetricPoints keep their order. */
static void sample_series(pg__text *p, struct sline *l, uint64_t skey)
{
    enum role role = l->role;
    /* OpenMetrics: a Metric may repeat as MetricPoints with timestamps,
     * equal ones included: such a sample is no duplicate, its order is
     * metric_order()'s to check. */
    int om_point = l->sm.has_timestamp && p->fmt == PG__F_OM;
    /* an _count with an le/quantile label is not its series' _count */
    l->sc.dups = grouped(p, role, l->sm.has_timestamp) &&
                 (role == ROLE_BUCKET || role == ROLE_VALUE || l->lsum == l->gsum);
    name_clash(p, l->s, l->name, role);
    if (p->fmt == PG__F_OM) {
        /* a StateSet's states are samples of one Metric: the label
         * named after the family is not part of its identity */
        uint64_t mkey = l->gsum;
        if (p->ftype == PG_TYPE_STATESET) {
            const pg_label *st = label_find(p->labels, p->nlabels, p->fam.p, p->fam.len);
            if (st)
                mkey -= label_hash(st);
        }
        metric_order(p, l->s, l->sc.lend, mkey, role, &l->sm, l->ts_at);
    }
    /* The insert is deferred to the next line (or the next diagnostic,
     * family end or stop), so the prefetch of its slot has a line's work
     * to hide the cache miss behind. Diagnostics keep their order: every
     * diagnostic flushes the pending insert first. */
    if (!p->fam_full && !l->sc.dups && !om_point) {
        series_flush(p);
        p->ps.valid = 1;
        p->ps.key = skey;
        p->ps.line = p->line_no;
        p->ps.col = (int64_t)(l->s - p->ls) + 1;
        p->ps.off = p->line_off + (uint64_t)(l->s - p->ls);
        p->ps.role = role;
    }
}

/* OpenMetrics, Metric: metrics of a family SHOULD have the same label
 * names (le and quantile aside); checked where it is stated, once per
 * family. The label-name signature is also the template's. */
static void sample_label_names(pg__text *p, struct sline *l, int clean)
{
    uint64_t nsig = 0;
    if (l->fast) {
        nsig = p->tp.nsig;
    } else if (p->fmt == PG__F_OM) {
        for (size_t i = 0; i < p->nlabels; i++)
            if (!is_le_or_quantile(&p->labels[i].name))
                nsig += name_hash(p->labels[i].name.p, p->labels[i].name.len);
    }
    if (clean)
        tmpl_build(p, l->s, l->sc.lend, l->name, l->role, nsig);
    if (p->fmt != PG__F_OM || p->fnames_warned)
        return;
    if (!p->fnames_set) {
        p->fnames_set = 1;
        p->fnames = nsig;
    } else if (nsig != p->fnames) {
        p->fnames_warned = 1;
        diag(p, O, W, l->s, R_OM_METRIC_DM,
             "metrics of '%s' should have the same label names", p->famq);
    }
}

/* A sample line: name and labels, value, timestamp and exemplar, then
 * its family, series identity and its type's rules. */
static void sample_line(pg__text *p, const char *s, const char *e)
{
    struct sline l;
    memset(&l.sc, 0, sizeof l.sc);
    l.s = s;
    l.e = e;
    l.name.p = NULL;
    l.name.len = 0;
    l.fast = 0;
    l.ts_at = NULL;
    l.sm.has_timestamp = 0;
    l.sm.timestamp = 0;
    l.sm.has_exemplar = 0;
    l.d0 = p->ndiag;
    p->nlabels = 0;
    l.sc.name_at = s;
    const char *q = sample_head(p, &l);
    if (!q)
        return;
    l.sc.lend = q;
    l.d1 = p->ndiag;
    if (!(q = sample_value(p, &l, q)) || sample_tail(p, &l, q))
        return;
    if (l.sm.has_timestamp)
        diag(p, O, W, l.sc.value_at, R_OM_POINT,
             "MetricPoints should not have explicit timestamps");
    unsigned long d2 = p->ndiag;
    if (sample_keys(p, &l))
        return;
    /* names and labels were clean: the line may serve as a template */
    int clean = !l.fast && l.d1 == l.d0 && p->ndiag == d2;
    /* The series key is known now: start loading its slot of the series
     * set while the rest of the line is checked. */
    uint64_t skey = (l.fast ? p->tp.nhash : name_hash(l.name.p, l.name.len)) ^
                    (l.lsum * 0x9e3779b97f4a7c15ULL);
    PG__HSET_PREFETCH(&p->series, skey);
    if (sample_family(p, &l))
        return;
    sample_series(p, &l, skey);
    sample_label_names(p, &l, clean);
    sample_checks(p, l.role, &l.sm, &l.sc, l.gsum);
    if (p->cb.sample && p->cb.sample(p->ctx, &l.sm)) {
        /* a stopped parse is not finished: report this line's duplicate
         * now */
        series_flush(p);
        p->stopped = 1;
    }
}

static void series_flush(pg__text *p)
{
    if (!p->ps.valid)
        return;
    p->ps.valid = 0;
    int r = pg__hset_put(&p->series, p->ps.key, 0, NULL);
    if (r > 0)
        return;
    const char *dname = p->dname;  /* the diag is about the earlier line */
    p->dname = NULL;
    char b[96];
    static const char *const sufs[] = {
        [ROLE_VALUE] = "", [ROLE_BUCKET] = "_bucket", [ROLE_COUNT] = "_count",
        [ROLE_SUM] = "_sum", [ROLE_CREATED] = "_created", [ROLE_TOTAL] = "_total",
        [ROLE_INFO] = "_info", [ROLE_GCOUNT] = "_gcount", [ROLE_GSUM] = "_gsum",
    };
    subj(b, 80, p->fam.p, p->fam.len);
    if (p->fam.len <= 64 && p->ps.role >= 0 && p->ps.role <= ROLE_GSUM)
        strcat(b, sufs[p->ps.role]);
    if (r == 0) {
        diag_at_col(p, P, E, p->ps.line, p->ps.col, p->ps.off, R_P_GROUP,
                    "duplicate series '%s'", b);
        diag_at_col(p, O, E, p->ps.line, p->ps.col, p->ps.off, R_OM_FAMILY,
                    "duplicate series '%s'", b);
    } else {
        p->fam_full = 1;
        diag_at_col(p, B, W, p->ps.line, p->ps.col, p->ps.off, R_LIMIT,
                    "more than %u series in family: duplicate checks stop here",
                    MAX_SERIES);
    }
    p->dname = dname;
}

/* ---- lines ---- */

static void process_line(pg__text *p, const char *s, size_t n)
{
    p->line_no++;
    p->st.lines++;
    p->ls = s;
    p->dname = NULL;
    p->scratch_ready = 0;
    p->line_len = n;
    const char *e = s + n;
    if (p->eof_line && !p->after_eof) {
        p->after_eof = 1;
        diag(p, O, E, s, R_OM_STRUCT, "unexpected data after '# EOF'");
    }
    if (p->eof_line && p->fmt == PG__F_OM)
        return;
    if (n > p->max_line) {
        diag(p, B, E, s, R_LIMIT, "line longer than %zu bytes", p->max_line);
        return;
    }
    if (p->line_no == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
        /* OpenMetrics: "Byte order markers (BOMs) MUST NOT be used"; the
         * text format has no BOM either (its first token is a name). */
        diag(p, B, E, s, R_OM_STRUCT, "byte order mark at start of input");
        s += 3;
        n -= 3;
    }
    const char *q = s;
    while (q < e && IS(*q, C_WS))
        q++;
    if (n && e[-1] == '\r') {
        /* Text format: only backslash and line feed must be escaped in
         * HELP text, and a comment is free text: there the carriage return
         * is part of the text. */
        if (p->fmt == PG__F_OM || q == e || *q != '#') {
            diag(p, P, E, e - 1, R_P_BASIC, "carriage return at end of line");
            diag(p, O, E, e - 1, R_OM_STRUCT, "carriage return at end of line");
            e--;
            if (q > e)
                q = e;
        }
    }
    if (q == e) {
        diag(p, O, E, s, R_OM_ABNF, "empty line");
        return;
    }
    if (q != s)
        diag(p, O, E, s, R_OM_ABNF, "leading whitespace");
    if (*q == '#')
        comment_line(p, q, e);
    else
        sample_line(p, q, e);
}

/* A line too long to keep: report it once, then drop bytes to its end. */
static void overlong(pg__text *p)
{
    p->line_no++;
    p->st.lines++;
    p->ls = NULL;
    p->dname = NULL;
    /* as process_line: after "# EOF" only that is reported */
    if (p->eof_line && !p->after_eof) {
        p->after_eof = 1;
        diag_at(p, O, E, p->line_no, p->line_off, R_OM_STRUCT,
                "unexpected data after '# EOF'");
    }
    if (!(p->eof_line && p->fmt == PG__F_OM))
        diag_at(p, B, E, p->line_no, p->line_off, R_LIMIT,
                "line longer than %zu bytes", p->max_line);
    p->skipping = 1;
    p->carry.len = 0;
}

/* Keeps the last bytes of the input, which decide the format. */
static void tail_keep(pg__text *p, const char *buf, size_t len)
{
    size_t cap = sizeof p->tail;
    if (len >= cap) {
        memcpy(p->tail, buf + len - cap, cap);
        p->ntail = cap;
        return;
    }
    size_t keep = p->ntail + len > cap ? cap - len : p->ntail;
    memmove(p->tail, p->tail + p->ntail - keep, keep);
    memcpy(p->tail + keep, buf, len);
    p->ntail = keep + len;
}

/* A temporary file that cannot be written or read back: the input is
 * lost, and a verdict on part of it would be wrong. As out of memory. */
__attribute__((noreturn)) static void spool_fail(pg__text *p)
{
    fprintf(stderr, "promgate: %s: cannot keep the input in a temporary file\n",
            p->source);
    abort();
}

/* Moves the memory spool to a temporary file, so a long undecided input
 * does not stay resident. Returns 0, or -1 (the spool stays in memory). */
static int spool_to_file(pg__text *p)
{
    FILE *f = tmpfile();
    if (!f)
        return -1;
    if (fwrite(p->spool.p, 1, p->spool.len, f) != p->spool.len) {
        fclose(f);
        return -1;
    }
    p->spool_file = f;
    pg_buf_release(&p->spool);
    return 0;
}

/* Brings a spool file back into memory after a failed write. */
static void spool_to_mem(pg__text *p)
{
    char buf[SPOOL_READ];
    size_t n;
    rewind(p->spool_file);
    while ((n = fread(buf, 1, sizeof buf, p->spool_file)) > 0)
        pg_buf_add(&p->spool, buf, n);
    fclose(p->spool_file);
    p->spool_file = NULL;
}

static void spool_add(pg__text *p, const char *buf, size_t len)
{
    tail_keep(p, buf, len);
    if (p->spool_file) {
        long at = ftell(p->spool_file);
        if (fwrite(buf, 1, len, p->spool_file) == len)
            return;
        /* a full disk: keep it in memory instead */
        clearerr(p->spool_file);
        if (at >= 0 && fseek(p->spool_file, at, SEEK_SET) == 0 &&
            ftruncate(fileno(p->spool_file), at) == 0) {
            spool_to_mem(p);
        } else {
            spool_fail(p);
        }
    }
    pg_buf_add(&p->spool, buf, len);
    if (p->spool.len > SPOOL_MEM)
        spool_to_file(p);
}

/* Decides the format of a deferred input and parses it. Returns -1 if a
 * callback stopped the parse. */
static int spool_replay(pg__text *p)
{
    p->fmt = pg_format_from_tail(p->tail, p->ntail) == PG_FORMAT_OPENMETRICS
                 ? PG__F_OM : PG__F_PROM;
    p->deferred = 0;
    int rc = 0;
    if (p->spool_file) {
        char *buf = pg_xmalloc(SPOOL_READ);
        size_t n;
        rewind(p->spool_file);
        while (!rc && (n = fread(buf, 1, SPOOL_READ, p->spool_file)) > 0)
            rc = pg__text_feed(p, buf, n);
        if (!rc && ferror(p->spool_file))
            spool_fail(p);
        free(buf);
        fclose(p->spool_file);
        p->spool_file = NULL;
    } else if (p->spool.len) {
        rc = pg__text_feed(p, p->spool.p, p->spool.len);
    }
    pg_buf_release(&p->spool);
    return rc;
}

int pg__text_feed(pg__text *p, const char *buf, size_t len)
{
    if (p->stopped)
        return -1;
    if (p->deferred) {
        spool_add(p, buf, len);
        return 0;
    }
    const char *s = buf, *e = buf + len;
    p->st.bytes += len;
    while (s < e && !p->stopped) {
        if (*s == '\n' && p->fmt == PG__F_PROM && !p->carry.len &&
            !p->skipping) {
            /* a run of empty lines: the text format ignores them */
            const char *t = s;
            while (t < e && *t == '\n')
                t++;
            uint64_t k = (uint64_t)(t - s);
            p->line_no += (int64_t)k;
            p->st.lines += k;
            p->off += k;
            s = t;
            continue;
        }
        const char *nl = memchr(s, '\n', (size_t)(e - s));
        size_t take = (size_t)((nl ? nl : e) - s);
        if (p->carry.len || p->skipping || !nl) {
            if (!p->carry.len && !p->skipping)
                p->line_off = p->off;
            if (!p->skipping) {
                if (p->carry.len + take > p->max_line)
                    overlong(p);
                else
                    pg_buf_add(&p->carry, s, take);
            }
            p->off += take;
            if (!nl)
                return 0;
            if (p->skipping) {
                p->skipping = 0;
            } else {
                process_line(p, p->carry.p, p->carry.len);
                p->carry.len = 0;
            }
        } else {
            p->line_off = p->off;
            process_line(p, s, take);
            p->off += take;
        }
        p->off++;
        s = nl + 1;
    }
    return p->stopped ? -1 : 0;
}

int pg__text_finish(pg__text *p)
{
    if (p->stopped)
        return -1;
    if (p->deferred && spool_replay(p))
        return -1;
    int partial = p->carry.len > 0 || p->skipping;
    size_t plen = p->carry.len;
    if (p->carry.len) {
        process_line(p, p->carry.p, p->carry.len);
        p->carry.len = 0;
    } else if (p->skipping) {
        p->skipping = 0;
    }
    if (p->stopped)
        return -1;
    p->dname = NULL;
    if (fam_end(p))
        return -1;
    int64_t col = (int64_t)plen + 1;
    if (partial) {
        if (p->fmt == PG__F_PROM)
            diag_end(p, P, E, col, R_P_BASIC,
                     "last line does not end with a line feed");
        else if (p->eof_line == p->line_no)
            diag_end(p, O, W, col, R_OM_STRUCT,
                     "exposition should end with '# EOF' and a line feed");
    }
    if (p->fmt == PG__F_OM && !p->eof_line) {
        if (!partial) {
            p->line_no++;
            col = 1;
        }
        diag_end(p, O, E, col, R_OM_STRUCT, "missing '# EOF' at end of input");
    }
    return 0;
}

/* ---- the text parser's life ---- */

pg__text *pg__text_new(const pg_parser_opts *o, enum pg_format f,
                       const pg_parser_callbacks *cb, void *ctx)
{
    cls_init();
    pg__text *p = pg_xcalloc(1, sizeof *p);
    if (cb)
        p->cb = *cb;
    p->ctx = ctx;
    p->source = pg_xstrdup(o->source ? o->source : "-");
    p->fmt = f == PG_FORMAT_PROM ? PG__F_PROM
           : f == PG_FORMAT_OPENMETRICS ? PG__F_OM : 0;
    p->deferred = !p->fmt;
    p->max_line = o->max_line ? o->max_line : DEFAULT_MAX_LINE;
    p->max_labels = o->max_labels ? o->max_labels : DEFAULT_MAX_LABELS;
    p->max_name = o->max_name ? o->max_name : DEFAULT_MAX_NAME;
    p->flags = o->flags;
    p->series.limit = MAX_SERIES;
    p->series.novals = 1;
    p->seen.limit = MAX_FAMILIES;
    p->metrics.limit = MAX_SERIES;
    p->metrics.novals = 1;
    p->names.limit = MAX_FAMILIES;
    p->pnames.limit = MAX_FAMILIES;
    p->fidx = UINT32_MAX;
    return p;
}

void pg__text_stats(const pg__text *p, pg_parse_stats *out)
{
    *out = p->st;
}

enum pg_format pg__text_format(const pg__text *p)
{
    return p->fmt == PG__F_PROM ? PG_FORMAT_PROM
         : p->fmt == PG__F_OM ? PG_FORMAT_OPENMETRICS : PG_FORMAT_AUTO;
}

void pg__text_free(pg__text *p)
{
    if (!p)
        return;
    pg_buf_release(&p->carry);
    pg_buf_release(&p->scratch);
    pg_buf_release(&p->fam);
    pg_buf_release(&p->fhelp);
    pg_buf_release(&p->funit);
    pg__hset_release(&p->series);
    pg__hset_release(&p->gidx);
    pg__hset_release(&p->seen);
    pg__hset_release(&p->metrics);
    pg__hset_release(&p->names);
    pg__hset_release(&p->pnames);
    pg_buf_release(&p->pname);
    pg_buf_release(&p->fam_names);
    free(p->fam_tab);
    free(p->groups);
    free(p->labels);
    pg_buf_release(&p->spool);
    if (p->spool_file)
        fclose(p->spool_file);
    free(p->source);
    free(p);
}
