/* docs_int.h: internals shared by the docs readers (docs*.c). One page
 * model (lines with their file and line of origin, includes expanded), one
 * block scanner, one cell vocabulary; each shape reader turns blocks into
 * metrics through docs_add(). The files call downwards only: docs.c (entry)
 * -> docs_md.c (page model, scanner) -> docs_table.c, docs_shapes.c (shape
 * readers) -> docs_model.c (the golden being built) -> docs_cell.c,
 * docs_profile.c, docs_re.c. */
#ifndef PG_DOCS_INT_H
#define PG_DOCS_INT_H

#include "core/names.h"
#include "specs/docs.h"

/* One line of the expanded page: a view into the buffer of its file. */
typedef struct docs_line {
    const char *p;
    size_t len;       /* without the line break */
    int file;         /* index into docs_reader.files */
    int lineno;       /* 1-based line in that file */
    int indent;       /* leading columns removed by a tab container */
    int tab;          /* MkDocs content tab: 0 none, 1 Prometheus, 2 other */
} docs_line;

/* One cell of a table row, cleaned of markup. */
typedef struct docs_cell {
    char *raw;        /* as written (trimmed, `\|` unescaped) */
    int column;       /* 1-based byte column in the line */
} docs_cell;

typedef struct docs_row {
    docs_cell *cells;
    size_t n;
    const docs_line *line;
} docs_row;

/* A table: pipe table or HTML table, header row first. */
typedef struct docs_table {
    docs_row head;
    docs_row *rows;
    size_t nrows;
    const docs_line *at;       /* header line */
    const char *heading;       /* nearest heading text ("" if none) */
    char *headings;            /* every enclosing heading, " > " joined */
} docs_table;

/* Column roles found by header synonyms. */
enum docs_col { DC_NAME, DC_TYPE, DC_HELP, DC_LABELS, DC_NCOLS };

typedef struct docs_profile_syn {
    enum docs_col col;
    char *word;        /* normalized header text */
} docs_profile_syn;

struct pg_docs_profile {
    char *prefix;                 /* prepended to names that lack it */
    char **include;               /* heading substrings to read (or none) */
    size_t ninclude;
    char **exclude;               /* heading substrings to skip */
    size_t nexclude;
    docs_profile_syn *syn;        /* extra header synonyms */
    size_t nsyn;
    char **cond_heading;          /* heading substring -> condition */
    char **cond_value;
    size_t ncond;
};

/* A table that looked like a metrics table and was not read, or any table
 * (for the "nothing matched" listing). */
typedef struct docs_table_note {
    int file, line;
    int row_line, row_column;     /* the row that failed, 0 if none */
    char *header;                 /* header cells, " | " joined */
    char *why;                    /* NULL for a plain listing */
} docs_table_note;

/* Where a metric was documented first, parallel to golden metrics. */
typedef struct docs_origin {
    int file, line, column;
    int table;                    /* table serial, -1 outside tables */
} docs_origin;

typedef struct docs_reader {
    const pg_docs_opts *opts;
    pg_error *err;
    pg_golden *g;
    docs_origin *origin;          /* parallel to g->metrics (unsorted) */
    char **files;                 /* display names of files read */
    char **bufs;                  /* their contents */
    size_t *lens;
    size_t nfiles;
    const char *root;             /* includes must stay under it */
    docs_line *lines;
    size_t nlines, caplines;
    int ntables;                  /* serial of tables read */
    docs_table_note *unread;      /* metric-like tables that failed */
    size_t nunread;
    docs_table_note *seen;        /* every table header, for listings */
    size_t nseen;
    size_t untyped;               /* metrics without a documented type */
    int coder_marker;             /* a generated-section marker was found */
    char **stack;                 /* real paths of the include chain */
    size_t nstack;
    char *heads[7];               /* current heading per level (1..6) */
    char *headings;               /* heads joined with " > " */
    int prom_tab;                 /* the current file has a Prometheus tab */
    int coder_marker_seen;        /* line of a marker with no table after */
    char *prose_prefix;           /* "prefixed with `x_`" in the section */
    int prose_level;              /* heading level of that section */
    size_t *fence_at, *fence_len; /* fenced blocks of the current page */
    size_t nfences;
} docs_reader;

typedef struct docs_labels docs_labels;

/* docs_re.c: the built-in patterns (unit suffixes, versions in file
 * names, the native-histogram note, rows flattened to words). */
enum docs_re_id {
    RE_UNIT_ABBREV,   /* abbreviated unit suffix */
    RE_UNIT_NONBASE,  /* spelled-out non-base unit */
    RE_VERSION,       /* date and commit in a file name */
    RE_NATIVE_HEAD,   /* heading of the native-histogram note */
    RE_FLAT_ROW,      /* a table row flattened to words (rendered page) */
    RE_COUNT
};

/* Matches pattern id against s[0..len); on a match stores up to n ovector
 * pairs and returns the pair count, else 0. */
int docs_re_match(enum docs_re_id id, const char *s, size_t len, size_t *ov,
                  int n);

/* docs_model.c: messages and the golden being built. */
const char *docs_file(const docs_reader *R, int file);
void docs_warn(docs_reader *R, const char *rule, const docs_line *ln,
               int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int docs_fail(docs_reader *R, const docs_line *ln, int column,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A metric as a shape reader found it, before merging. Strings are
 * borrowed; labels may carry value patterns (NULL for none). */
typedef struct docs_metric {
    const char *name;             /* Prometheus form, or a template */
    const char *name_pattern;     /* PCRE2 for a template, else NULL */
    enum pg_type type;            /* PG_TYPE_NONE: not documented */
    const char *type_word;        /* as written, for messages and meta */
    const char *help;
    char **labels;
    char **label_values;          /* parallel: pattern or NULL */
    size_t nlabels;
    char **label_patterns;        /* templated label names, as PCRE2 */
    size_t nlabel_patterns;
    char **meta_keys, **meta_values;
    size_t nmeta;
    const char *condition;
    int table;                    /* table serial, -1 outside tables */
} docs_metric;

/* Points dm's label fields at l (borrowed) and sets the profile's
 * condition for the headings the metric is under. */
void docs_metric_labels(docs_reader *R, docs_metric *dm, const docs_labels *l,
                        const char *headings);
/* Records a table (header cells joined) in a listing, with why or NULL. */
void docs_note_table(docs_table_note **v, size_t *n, const docs_table *t,
                     const char *why);
/* Merges one documented metric into the golden; -1 with the error set on
 * a conflict that cannot be one entry. */
int docs_add(docs_reader *R, const docs_metric *dm, const docs_line *ln,
             int column);
/* The index of the metric named name in g, or (size_t)-1. */
size_t docs_find_metric(const pg_golden *g, const char *name);
/* Adds a label (and its value pattern, or NULL) unless m has it. */
void docs_metric_add_label(pg_golden_metric *m, const char *name,
                           const char *values);

/* docs_md.c: the page model. */
int docs_load_file(docs_reader *R, const char *path, int depth,
                   const docs_line *from);
/* The same for data already read (owned by R afterwards). */
int docs_load_buffer(docs_reader *R, const char *path, char *data, size_t len,
                     int depth, const docs_line *from);
/* Runs the shape readers over the expanded lines; fenced blocks are only
 * remembered. */
int docs_scan(docs_reader *R);
/* Reads the remembered fenced blocks: a page's exposition samples count
 * only when nothing else on it documents metrics. */
int docs_scan_fences(docs_reader *R);

/* docs_cell.c: the cell vocabulary. */
/* Removes markup from s in place: code spans keep their text, links
 * their text, HTML tags go (<br> becomes ", "), entities are decoded. */
void docs_clean(char *s);
/* Maps a type word ("Counter", "Count", "Timer", "LastValue(Gauge)",
 * "Int64Counter", ...) to a type; 0, or -1 if unknown. Alternatives
 * ("Histogram/LastValue(Gauge)") that disagree give PG_TYPE_NONE. Words
 * in parentheses that are not types are labels (etcd "Counter(To)") and
 * are stored in *labels (caller frees). */
int docs_type_word(const char *s, enum pg_type *out, char **labels);
/* The type a description states: "Type: counter", "A counter of ...". */
enum pg_type docs_type_in_text(const char *s);
/* Parses a labels cell (one label grammar; docs_labels.c). */
struct docs_labels {
    char **names;
    char **values;                /* parallel: PCRE2 or NULL */
    size_t n;
    char **patterns;              /* templated names as PCRE2 */
    size_t npatterns;
};
int docs_labels_parse(const char *cell, docs_labels *out, char *why,
                      size_t whylen);
void docs_labels_release(docs_labels *l);
/* Turns a documented name into a Prometheus name or a template pattern:
 * dots and dashes become '_', `{a, b}` label braces are split off into
 * labels, `x_[bucket, sum, count]` folds to x, and <role>, {NAME}, *,
 * ALLCAPS segments and "..." become a PCRE2 pattern. Returns 0, or -1 if
 * the text is not a name at all. */
typedef struct docs_name {
    char *name;
    char *pattern;                /* NULL unless templated */
    docs_labels braces;           /* labels written in the name */
    int folded;                   /* a series suffix was folded */
} docs_name;
int docs_name_parse(const char *text, docs_name *out);
void docs_name_release(docs_name *n);
/* Strips _bucket when type says the family has buckets. */
int docs_fold_series(char *name, enum pg_type type);
/* 0 _bucket, 1 _sum, 2 _count (stem length in *stem), or -1. */
int docs_series_suffix(const char *name, size_t *stem);
/* Normalizes header text for synonym lookup: lowercase, markup and
 * punctuation dropped, spaces collapsed. Caller frees. */
char *docs_header_word(const char *cell);
/* The column role of a normalized header word, or -1. */
int docs_column_role(const docs_reader *R, const char *word);
int docs_is_space(char c);

/* docs_table.c: the table shape. */
int docs_read_table(docs_reader *R, const docs_table *t);
/* Records a metrics table that could not be read and why (row_line 0:
 * the table as a whole). */
void docs_add_unread(docs_reader *R, const docs_table *t, int row_line,
                     int row_column, const char *why);
/* 1 if a header row maps a name and a type column (a metrics table). */
int docs_header_is_metrics(docs_reader *R, const docs_row *head);
/* docs_shapes.c: pages without tables. */
int docs_read_heading_metric(docs_reader *R, const docs_line *v, size_t n,
                             size_t at, size_t *end);
int docs_read_bullet(docs_reader *R, const docs_line *ln);
int docs_read_fence(docs_reader *R, const docs_line *v, size_t n);

/* docs_profile.c */
int docs_profile_heading_ok(const pg_docs_profile *p, const char *headings);
const char *docs_profile_condition(const pg_docs_profile *p,
                                   const char *headings);

#endif
