/* text_int.h: private parts of the text parser (lib/expo/text*.c), the
 * parser of the text format 0.0.4 and OpenMetrics 1.0 text.
 *
 * One grammar covers both formats: it is the lenient text-format grammar,
 * and every place where OpenMetrics is stricter (single spaces, no other
 * comments, # EOF, ...) or looser (exemplars, UNIT, more types) reports a
 * diagnostic tagged with the formats it holds for. The files, from the
 * bottom up:
 *   text_diag.c    diagnostics (every other file reports through it)
 *   text_lex.c     names, quoted strings, label sets
 *   text_family.c  the current family, its series groups, name clashes
 *   text_rules.c   the rules of each metric type, per sample
 *   text_om.c      the rules only OpenMetrics has (Metric and MetricPoint
 *                  order, exemplars)
 *   text_meta.c    comment, HELP, TYPE and UNIT lines
 *   text_sample.c  sample lines, and the line template of the fast path
 *   text.c         lines from chunks, the AUTO spool, the parser's life
 * The lexing helpers of the hot path are static inline here, so the split
 * costs no call on it. */
#ifndef PG_EXPO_TEXT_INT_H
#define PG_EXPO_TEXT_INT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "core/util.h"
#include "expo/expo.h"
#include "expo/expo_int.h"

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
#define R_OM_QUOTED "OpenMetrics 1.0: ABNF: metricname and label-name have no quoted form; the OpenMetrics 2.0 draft's metricname-utf8 and quoted label-key (escaping=allow-utf-8) quote them in TYPE, HELP and UNIT lines and inside braces only"
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
    const char *qname_at;    /* where pg__labels() found a quoted metric name */
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


struct sample_ctx {
    const char *name_at, *value_at, *ex_at;
    const char *lend;  /* end of the name and labels */
    double ex_value;
    int has_ex;
    int dups;      /* duplicates are checked here (grouped) */
};

/* A sample line as the steps of pg__sample_line() take it apart. */
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

/* ---- character classes ---- */

enum { C_NAME0 = 1, C_NAME = 2, C_LNAME0 = 4, C_LNAME = 8, C_WS = 16 };
/* The classes of one byte, as a constant expression, so the table below
 * is filled by the compiler (each file has its copy of 256 bytes). */
#define CLS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define CLS_OF(c)                                                        \
    ((CLS_ALPHA(c) || (c) == '_' || (c) == ':' ? C_NAME0 | C_NAME : 0) | \
     ((c) >= '0' && (c) <= '9' ? C_NAME | C_LNAME : 0) |                 \
     (CLS_ALPHA(c) || (c) == '_' ? C_LNAME0 | C_LNAME : 0) |             \
     ((c) == ' ' || (c) == '\t' ? C_WS : 0))
#define CLS_4(c) CLS_OF(c), CLS_OF((c) + 1), CLS_OF((c) + 2), CLS_OF((c) + 3)
#define CLS_16(c) CLS_4(c), CLS_4((c) + 4), CLS_4((c) + 8), CLS_4((c) + 12)
#define CLS_64(c) CLS_16(c), CLS_16((c) + 16), CLS_16((c) + 32), CLS_16((c) + 48)
static const unsigned char text_cls[256] = {
    CLS_64(0), CLS_64(64), CLS_64(128), CLS_64(192)
};

#define IS(c, k) (text_cls[(unsigned char)(c)] & (k))

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define LOWS 0x7f7f7f7f7f7f7f7fULL

/* ---- the steps each file offers the others ---- */

/* text_diag.c: a fault at position `at` of the current line; at a
 * remembered line (column 1) or line and column; at the end of the input.
 * mask is the formats the rule holds for (PG__F_*). */
__attribute__((format(printf, 6, 7)))
void pg__diag(pg__text *p, int mask, int level, const char *at,
              const char *rule, const char *fmt, ...);
__attribute__((format(printf, 7, 8)))
void pg__diag_at(pg__text *p, int mask, int level, int64_t line,
                 uint64_t off, const char *rule, const char *fmt, ...);
__attribute__((format(printf, 8, 9)))
void pg__diag_at_col(pg__text *p, int mask, int level, int64_t line,
                     int64_t col, uint64_t off, const char *rule,
                     const char *fmt, ...);
__attribute__((format(printf, 6, 7)))
void pg__diag_end(pg__text *p, int mask, int level, int64_t col,
                  const char *rule, const char *fmt, ...);
/* A short printable rendering of a subject for messages, in buf. */
const char *pg__subj(char *buf, size_t cap, const char *s, size_t n);
/* Inserts the pending series key (pg__text.ps), reporting a duplicate. */
void pg__series_flush(pg__text *p);

/* text_lex.c */
/* Skips blanks and tabs before `what`; need says whether a separator is
 * required there. Reports what the formats reject (OpenMetrics: exactly
 * one space). Returns the new position. */
const char *pg__sep(pg__text *p, const char *q, const char *e, int need,
                    const char *what);
/* quotable: a quoted name is valid here in OpenMetrics with
 * PG_PARSE_UTF8_NAMES (TYPE, HELP, UNIT; not before a sample's braces). */
int pg__metric_name(pg__text *p, const char **qp, const char *e, pg_str *out,
                    const char *what, int quotable);
int pg__labels(pg__text *p, const char **qp, const char *e, pg_str *name,
               int exemplar);

/* text_family.c */
void pg__fam_begin(pg__text *p, const char *name, size_t n);
int pg__fam_end(pg__text *p);
int pg__check_reopen(pg__text *p, const char *name, size_t n, const char *at,
                     const char *what);
void pg__name_clash(pg__text *p, const char *at, pg_str name, enum role role);
void pg__potential_clash(pg__text *p, const char *at);

/* text_rules.c */
/* The rules of the family's type for the sample of line l, with the
 * series state of its group (l->gsum). */
void pg__sample_checks(pg__text *p, const struct sline *l);

/* text_om.c */
/* The order of Metrics (key: the labels that name one) and of the
 * MetricPoints of the sample of line l. */
void pg__metric_order(pg__text *p, const struct sline *l, uint64_t key);
int pg__sample_exemplar(pg__text *p, struct sline *l, const char *q);

/* text_meta.c */
void pg__comment_line(pg__text *p, const char *s, const char *e);

/* text_sample.c */
void pg__sample_line(pg__text *p, const char *s, const char *e);

/* ---- small helpers of every file ---- */

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

static inline enum role role_of(const pg__text *p, enum pg_type t, const char *suf,
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
static inline enum role fam_role(const pg__text *p, const char *name, size_t n)
{
    if (!p->have_fam || n < p->fam.len || memcmp(name, p->fam.p, p->fam.len))
        return ROLE_NONE;
    if (n == p->fam.len)
        return ROLE_VALUE;
    return role_of(p, p->ftype, name + p->fam.len, n - p->fam.len);
}

/* Hash of one label: its value, seeded with the hash of its name (the
 * template keeps the name hashes, so a matching line hashes values only). */
static inline uint64_t label_hash(const pg_label *l)
{
    return pg__hash(l->value.p, l->value.len, pg__name_hash(l->name.p, l->name.len));
}

static inline int is_le_or_quantile(const pg_str *n)
{
    return (n->len == 2 && !memcmp(n->p, "le", 2)) ||
           (n->len == 8 && !memcmp(n->p, "quantile", 8));
}

static inline const pg_label *label_find(const pg_label *l, size_t n, const char *name,
                                  size_t nlen)
{
    for (size_t i = 0; i < n; i++)
        if (l[i].name.len == nlen && !memcmp(l[i].name.p, name, nlen))
            return &l[i];
    return NULL;
}

/* Position of a label for diagnostics: its name if it lies in the
 * current line (a decoded quoted name may not), else `fallback`. */
static inline const char *label_at(const pg__text *p, const pg_label *l,
                            const char *fallback)
{
    if (l && l->name.p >= p->ls && l->name.p < p->ls + p->line_len)
        return l->name.p;
    return fallback;
}

/* A number token: ends at whitespace or end of line. */
static inline const char *token_end(const char *q, const char *e)
{
    while (q < e && !IS(*q, C_WS))
        q++;
    return q;
}

/* OpenMetrics realnumber (timestamps): no inf/nan. */
static inline int realnumber(const char *s, size_t n, double *v)
{
    if (pg_num_parse(s, n, v))
        return -1;
    return isfinite(*v) ? 0 : -1;
}

static inline int is_int(double v)
{
    return isfinite(v) && v == floor(v);
}

#endif
