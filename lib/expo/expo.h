/* expo.h: streaming, zero-copy parser and validator for the Prometheus
 * text format 0.0.4 and OpenMetrics 1.0.0 text.
 *
 * Feed bytes in chunks of any size with pg_parser_feed(); whole lines are
 * parsed in place, and only a line split across chunks is copied. Every
 * sample and every finished family is reported through callbacks, every
 * rule violation through the diag callback with its line and column. */
#ifndef PG_EXPO_H
#define PG_EXPO_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

enum pg_format {
    PG_FORMAT_AUTO = 0,    /* decide from the content type or, without one,
                              from the input's last line (the input is kept
                              until its end: pg_format_from_tail()) */
    PG_FORMAT_PROM,        /* text format 0.0.4 (with Prometheus 3 quoting) */
    PG_FORMAT_OPENMETRICS, /* OpenMetrics 1.0.0 text */
    PG_FORMAT_PROTOBUF     /* delimited io.prometheus.client.MetricFamily
                              messages; a diag's line is the message index,
                              its text starts with the field path */
};

/* Metric family types of both formats. */
enum pg_type {
    PG_TYPE_NONE = 0,      /* no TYPE line was given */
    PG_TYPE_UNTYPED,       /* text format "untyped" */
    PG_TYPE_UNKNOWN,       /* OpenMetrics "unknown" */
    PG_TYPE_COUNTER,
    PG_TYPE_GAUGE,
    PG_TYPE_HISTOGRAM,
    PG_TYPE_GAUGEHISTOGRAM,
    PG_TYPE_SUMMARY,
    PG_TYPE_INFO,
    PG_TYPE_STATESET
};

/* A parser line or column for code that keeps int positions: the parser
 * counts in 64 bits, and a position past INT_MAX saturates there. */
static inline int pg_pos_int(int64_t v)
{
    return v > INT32_MAX ? INT32_MAX : v < 0 ? 0 : (int)v;
}

/* Lowercase name as written in a TYPE line ("none" for PG_TYPE_NONE). */
const char *pg_type_name(enum pg_type t);
/* Parses a lowercase type name; returns 0, or -1 if unknown. */
int pg_type_parse(const char *s, size_t len, enum pg_type *out);
const char *pg_format_name(enum pg_format f);

enum pg_level {
    PG_LEVEL_ERROR = 0,  /* the spec says MUST */
    PG_LEVEL_WARNING     /* the spec says SHOULD */
};

/* One rule violation. Passed to the diag callback; copy what you keep. */
typedef struct pg_diag {
    enum pg_level level;
    int64_t line, column; /* 1-based; column counts bytes in the line */
    uint64_t offset;      /* byte offset of the fault in the whole input */
    const char *rule;     /* static citation of the rule, e.g.
                             "OpenMetrics 1.0: Histogram" */
    char family[256];     /* family the fault concerns, "" if none */
    char text[256];       /* "invalid metric name 'foo-bar'" */
} pg_diag;

/* A label as seen in a sample. Names and values are unescaped; they are
 * views into the input, or into parser scratch when escapes had to be
 * decoded or the line spanned chunks. Valid only during the callback. */
typedef struct pg_label {
    pg_str name, value;
} pg_label;

typedef struct pg_sample {
    pg_str name;          /* series name as written, e.g. foo_bucket */
    pg_str family;        /* family it belongs to, e.g. foo */
    enum pg_type type;    /* type of that family */
    const pg_label *labels;
    size_t nlabels;       /* in input order, le/quantile included */
    double value;
    int has_timestamp;
    double timestamp;     /* as written: ms (text format) or s (OpenMetrics) */
    int has_exemplar;
    int64_t line;         /* 1-based line of the sample */
    uint64_t offset;      /* byte offset of the line */
} pg_sample;

/* A family, reported once when it ends (next family or end of input). */
typedef struct pg_family_info {
    pg_str name;
    enum pg_type type;
    int has_help;
    pg_str help;          /* unescaped HELP text */
    pg_str unit;          /* OpenMetrics UNIT, empty if none */
    size_t nsamples;
    int64_t line;         /* first line of the family */
    size_t native;        /* protobuf: metrics exposed as native histograms */
} pg_family_info;

/* Callbacks; any may be NULL. A nonzero return from sample or family stops
 * the parse (pg_parser_feed then returns -1 without a diag). */
typedef struct pg_parser_callbacks {
    int (*sample)(void *ctx, const pg_sample *s);
    int (*family)(void *ctx, const pg_family_info *f);
    void (*diag)(void *ctx, const pg_diag *d);
} pg_parser_callbacks;

/* Optional checks (pg_parser_opts.flags). */
enum pg_parse_flags {
    /* OpenMetrics: warn about le/quantile values not rendered in
     * canonical form ("Canonical Numbers"; parsers must not reject them,
     * so only promgate lint asks for it) */
    PG_PARSE_CANONICAL = 1 << 0,
    /* OpenMetrics: quoted metric and label names are valid (in TYPE,
     * HELP and UNIT lines and inside braces, the OpenMetrics 2.0 draft's
     * metricname-utf8), as in a body served with escaping=allow-utf-8.
     * pg_parser_new() sets it from such a Content-Type; a caller sets it
     * for a file whose names are known to use that scheme. */
    PG_PARSE_UTF8_NAMES = 1 << 1
};

typedef struct pg_parser_opts {
    enum pg_format format;     /* PG_FORMAT_AUTO: see content_type */
    const char *content_type;  /* HTTP Content-Type, or NULL */
    const char *source;        /* file name or URL, for messages */
    size_t max_line;           /* longest accepted line; 0 = default */
    size_t max_labels;         /* labels per sample; 0 = default */
    size_t max_name;           /* bytes per name or label value; 0 = default */
    unsigned flags;            /* enum pg_parse_flags; 0 = default checks */
} pg_parser_opts;

typedef struct pg_parser pg_parser;

typedef struct pg_parse_stats {
    uint64_t bytes, lines, samples, families, errors, warnings;
} pg_parse_stats;

/* New parser; opts and cb are copied. Caller frees with pg_parser_free(). */
pg_parser *pg_parser_new(const pg_parser_opts *opts,
                         const pg_parser_callbacks *cb, void *ctx);
/* Parses the next chunk (or, in AUTO mode without a content type, keeps
 * it: in memory, then in a temporary file, until pg_parser_finish()).
 * Returns 0, or -1 if a callback asked to stop. */
int pg_parser_feed(pg_parser *p, const char *buf, size_t len);
/* Ends the input: decides an AUTO format and parses what was kept, parses
 * a trailing partial line and runs end-of-input checks (# EOF, last
 * family). Returns 0, or -1 if a callback stopped. */
int pg_parser_finish(pg_parser *p);
void pg_parser_stats(const pg_parser *p, pg_parse_stats *out);
/* The format in use (resolved once AUTO has decided). */
enum pg_format pg_parser_format(const pg_parser *p);
void pg_parser_free(pg_parser *p);

/* Format from an HTTP Content-Type: OPENMETRICS for
 * application/openmetrics-text, PROM for text/plain, PROTOBUF for
 * application/vnd.google.protobuf, AUTO otherwise. */
enum pg_format pg_format_from_content_type(const char *content_type);
/* 1 if the bytes start like a delimited protobuf stream (a length varint,
 * then the tag of MetricFamily.name), not like a text exposition. */
int pg_format_looks_protobuf(const char *buf, size_t len);

/* Format from the last bytes of a whole input (the last 64 are enough;
 * all of it if shorter): OPENMETRICS if its last line is "# EOF" (with or
 * without a final line feed; OpenMetrics 1.0: "Expositions MUST end with
 * EOF"), else PROM. A file, a pipe and a URL without a Content-Type are
 * decided by this one rule, so the same bytes get the same verdict. */
enum pg_format pg_format_from_tail(const char *tail, size_t n);

/* The format a whole body really is, whatever its Content-Type said:
 * PROTOBUF if its first bytes look so (head), else what its last bytes
 * say (tail, as pg_format_from_tail). head and tail may be the same
 * buffer; only the last 64 bytes of tail are read. */
enum pg_format pg_format_of_body(const char *head, size_t nhead,
                                 const char *tail, size_t ntail);

#endif
