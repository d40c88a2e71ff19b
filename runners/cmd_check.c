/* cmd_check.c: promgate check: scrapes targets (URLs, files, stdin or what
 * a Prometheus server already scraped), streams each body through the
 * parser into a checker, and prints TAP (or JSON) verdicts against a
 * golden spec. Exit 0 conformant, 1 violations, 2 could not run. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/date.h"
#include "check/check.h"
#include "expo/expo.h"
#include "source/filefeed.h"
#include "specs/errata.h"
#include "specs/golden.h"
#include "check/tap.h"
#include "core/opts.h"
#include "core/redact.h"
#include "golden_arg.h"
#include "core/util.h"
#include "core/words.h"
#include "cmd.h"

#include "source/promapi.h"
#include "report/report.h"
#include "report/report_opts.h"
#include "source/input.h"
#include "source/negotiate.h"
#include "source/scrape.h"

#define ME "promgate check"

static const pg_opts_cmd check_cmd = {
    ME,
    "promgate check --golden GOLDEN --target URL|FILE|- "
    "[--target ...] [options]\n"
    "promgate check --golden GOLDEN --prometheus URL "
    "--match SELECTOR [options]",
    "Checks every documented metric (presence, type, label names, label\n"
    "values, histogram and summary structure, bucket bounds) and every\n"
    "undocumented one; prints TAP version 13 for prove. GOLDEN is a golden\n"
    "file or an installed release golden: coder@v2.24.2, or coder@auto (the\n"
    "release the first target reports in coderd_build_info). Docs errata\n"
    "(where the docs are wrong about what the code serves) are applied and\n"
    "named as diagnostics.\n",
    "exit codes: 0 conformant, 1 violations found, 2 could not run\n",
    pg_print_version,
};

typedef struct check_args {
    const char *golden_path;
    pg_opt_list targets, enable, exempt;
    pg_opt_list target_labels; /* owned copies, split at commas */
    pg_scrape_flags scrape;    /* the flags every command shares */
    double wait, interval;
    const char *save_dir;
    int undocumented;          /* enum pg_undocumented_mode */
    int input_format;          /* enum pg_format: forced; AUTO decides */
    int require_format;        /* enum pg_format a target must serve;
                                  AUTO: any */
    int lenient_content_type;  /* a Content-Type Prometheus 3 refuses is
                                  a warning, not a failure */
    const char *only, *skip;
    unsigned select;
    const char *baseline_path;
    int json;                  /* enum out_format */
    int diag_stderr;
    int quiet;
    pg_report_flags report;    /* report.place.dir NULL: no report */
    const char *prometheus, *match;
    double lookback;
    unsigned long limit;
    int empty_labels;
    const char *today;
    int docs_as_written;       /* judge the docs as published */
} check_args;

static const pg_opt_choice undocumented_modes[] = {
    { "fail", PG_UNDOCUMENTED_FAIL, 0 },
    { "warn", PG_UNDOCUMENTED_WARN, 0 },
    { "ignore", PG_UNDOCUMENTED_IGNORE, 0 },
    { NULL, 0, 0 },
};

enum out_format { OUT_TAP, OUT_JSON, OUT_SUMMARY };

static const pg_opt_choice output_formats[] = {
    { "tap", OUT_TAP, 0 },
    { "json", OUT_JSON, 0 },
    { "summary", OUT_SUMMARY, 0 },
    { NULL, 0, 0 },
};

/* Calls fn for each non-empty item of a comma-separated list; stops at
 * the first nonzero return and returns it. */
static int each_item(const char *s, int (*fn)(void *ctx, const char *item,
                                              size_t len), void *ctx)
{
    while (*s) {
        size_t len = strcspn(s, ",");
        int r = len ? fn(ctx, s, len) : 0;
        if (r)
            return r;
        s += len;
        if (*s == ',')
            s++;
    }
    return 0;
}

static int add_select(void *ctx, const char *item, size_t len)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {
        { "format", PG_SELECT_FORMAT },
        { "documented", PG_SELECT_DOCUMENTED },
        { "histograms", PG_SELECT_HISTOGRAMS },
        { "undocumented", PG_SELECT_UNDOCUMENTED },
        { "all", PG_SELECT_ALL },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i].name) == len && !memcmp(item, names[i].name, len)) {
            *(unsigned *)ctx |= names[i].bit;
            return 0;
        }
    return -1;
}

/* --select format,documented,...: the concerns checked. */
static int parse_select(const pg_option *opt, void *value, const char *s,
                        pg_error *err)
{
    (void)opt;
    unsigned bits = 0;
    if (each_item(s, add_select, &bits) || !bits)
        return pg_error_set(err, "", 0, 0, "invalid --select '%s': want a "
                            "list of format, documented, histograms, "
                            "undocumented", s);
    *(unsigned *)value = bits;
    return 0;
}

static int add_label(void *ctx, const char *item, size_t len)
{
    pg_opt_list *l = ctx;
    l->v = pg_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = pg_xstrndup(item, len);
    return 0;
}

/* --target-labels a,b: one label name per comma-separated item. */
static int split_list(const pg_option *opt, void *value, const char *s,
                      pg_error *err)
{
    (void)opt;
    (void)err;
    return each_item(s, add_label, value);
}

/* --flags and --flags-file are replaced by their words before parsing
 * (pg_cmd_check); one that reaches the parser came from inside them. */
static int nested_flags(const pg_option *opt, void *value, const char *s,
                        pg_error *err)
{
    (void)value;
    (void)s;
    return pg_error_set(err, "", 0, 0, "--%s inside --flags or --flags-file "
                        "is not expanded", opt->long_name);
}

#define SECONDS(l, v, lo, hi, fl, w, h) \
    PG_OPT_DOUBLE(0, (l), (v), "S", (lo), (hi), (fl), (w), (h))

/* A table built on the stack, kept for the parse (pg_opts_parse reads the
 * tables it includes until it returns). Caller frees. */
static pg_option *table_copy(const pg_option *t, size_t size)
{
    pg_option *copy = pg_xmalloc(size);
    memcpy(copy, t, size);
    return copy;
}

/* What is read: the golden, the targets, --wait, --prometheus. */
static pg_option *target_options(check_args *a)
{
    const pg_option t[] = {
        PG_OPT_GROUP("targets"),
        PG_OPT_STRING(0, "golden", &a->golden_path, "GOLDEN",
                      "the golden spec to check against: a file, or "
                      "coder@vX.Y.Z / coder@auto"),
        PG_OPT_LIST(0, "target", &a->targets, "URL|FILE|-",
                    "target to check (repeatable; URLs are\n"
                    "scraped concurrently)"),
        SECONDS("wait", &a->wait, 0, 604800, 0, "seconds, at most 604800",
                "re-scrape until every required metric is\n"
                "present, or S seconds passed"),
        SECONDS("interval", &a->interval, 0, 3600, PG_OPT_ABOVE_MIN,
                "seconds > 0, at most 3600",
                "seconds between --wait scrapes (default 1)"),
        PG_OPT_STRING(0, "save-scrape", &a->save_dir, "DIR",
                      "keep raw bodies and response headers"),
        PG_OPT_STRING(0, "prometheus", &a->prometheus, "URL",
                      "check what a Prometheus server scraped,\n"
                      "one target per instance (with --match)"),
        PG_OPT_STRING(0, "match", &a->match, "SELECTOR",
                      "with --prometheus: the series to check"),
        PG_OPT_CALLBACK(0, "target-labels", &a->target_labels, "L,...",
                        "with --prometheus: labels naming a target\n"
                        "(default instance)", 0, split_list),
        SECONDS("lookback", &a->lookback, 0, 1e9, PG_OPT_ABOVE_MIN,
                "seconds > 0", "with --prometheus: series seen in the last\n"
                "S seconds (default 300)"),
        { PG_OPT_T_ULONG, 0, "limit", &a->limit, "N", "with --prometheus: at "
          "most N series (default 100000)", 0, 1, (double)LONG_MAX,
          "a series count > 0", NULL, NULL, 0 },
        PG_OPT_BOOL(0, "empty-labels", &a->empty_labels,
                    "with --prometheus: documented labels a\n"
                    "series lacks are taken as empty values\n"
                    "(Prometheus stores no empty label)"),
        PG_OPT_END(),
    };
    return table_copy(t, sizeof t);
}

/* How the scrape is judged. */
static pg_option *judging_options(check_args *a)
{
    const pg_option t[] = {
        PG_OPT_GROUP("what is checked"),
        PG_OPT_LIST(0, "enable", &a->enable, "CONDITION",
                    "a conditional metric's condition holds:\n"
                    "its absence fails (repeatable; 'all')"),
        PG_OPT_CHOICE(0, "undocumented", &a->undocumented, undocumented_modes,
                      "undocumented metrics (default fail)"),
        PG_OPT_LIST(0, "exempt", &a->exempt, "REGEX",
                    "undocumented names not reported (repeatable)"),
        PG_OPT_STRING(0, "only", &a->only, "REGEX",
                      "check only matching metric names"),
        PG_OPT_STRING(0, "skip", &a->skip, "REGEX",
                      "skip matching metric names"),
        PG_OPT_CHOICE(0, "input-format", &a->input_format, pg_input_formats,
                      "format to judge the scrape against\n"
                      "(default auto: the Content-Type, else the\n"
                      "body; a final '# EOF' means OpenMetrics);\n"
                      "also sets --accept unless given"),
        PG_OPT_CHOICE(0, "require-format", &a->require_format,
                      pg_input_formats,
                      "fail the format point unless the target\n"
                      "serves this format (auto: any)"),
        PG_OPT_BOOL(0, "lenient-content-type", &a->lenient_content_type,
                    "a missing or non-exposition Content-Type\n"
                    "(Prometheus 3 fails the scrape) only warns"),
        { PG_OPT_T_CHOICE, 0, "exposition", &a->input_format, NULL,
          "--input-format, its earlier name", PG_OPT_HIDDEN, 0, 0, NULL,
          pg_input_formats, NULL, 0 },
        PG_OPT_CALLBACK(0, "select", &a->select, "LIST",
                        "concerns: format,documented,histograms,\n"
                        "undocumented (default all)", 0, parse_select),
        PG_OPT_BOOL(0, "docs-as-written", &a->docs_as_written,
                    "judge the docs exactly as published: every docs "
                    "erratum fails, saying what the docs should say"),
        PG_OPT_STRING(0, "baseline", &a->baseline_path, "FILE",
                      "accepted deviations (TODO until expiry)"),
        PG_OPT_STRING(0, "today", &a->today, "YYYY-MM-DD",
                      "date baseline expiry is judged on"),
        PG_OPT_CALLBACK(0, "flags", NULL, "WORDS",
                        "more options in one string, split as a\n"
                        "shell would (quotes group and are removed;\n"
                        "nothing is expanded)", 0, nested_flags),
        PG_OPT_CALLBACK(0, "flags-file", NULL, "FILE",
                        "the same, read from FILE ('#' comments)", 0,
                        nested_flags),
        PG_OPT_END(),
    };
    return table_copy(t, sizeof t);
}

/* What is printed. */
static pg_option *output_options(check_args *a)
{
    const pg_option t[] = {
        PG_OPT_GROUP("output"),
        PG_OPT_CHOICE(0, "format", &a->json, output_formats,
                      "stdout format (default tap; summary: the\n"
                      "one summary line, for humans)"),
        PG_OPT_BOOL('q', "quiet", &a->quiet,
                    "no summary line on stderr (errors only)"),
        PG_OPT_BOOL(0, "diag-stderr", &a->diag_stderr,
                    "also print each failure as a short '#'\n"
                    "line on stderr (seen by prove without -v)"),
        { PG_OPT_T_SET_INT, 0, "json", &a->json, NULL, "--format json",
          PG_OPT_HIDDEN, 0, 0, NULL, NULL, NULL, 1 },
        PG_OPT_END(),
    };
    return table_copy(t, sizeof t);
}

/* Parses argv into a. Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, check_args *a)
{
    pg_option *groups[] = { target_options(a), judging_options(a),
                            output_options(a) };
    pg_option opts[] = {
        PG_OPT_INCLUDE(groups[0], NULL),
        PG_OPT_INCLUDE(groups[1], NULL),
        PG_OPT_INCLUDE(groups[2], NULL),
        PG_OPT_INCLUDE(pg_report_options, &a->report),
        PG_OPT_INCLUDE(pg_scrape_options, &a->scrape),
        PG_OPT_END(),
    };
    int n = pg_opts_parse(&check_cmd, opts, argc, argv);
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
        free(groups[i]);
    if (n < 0)
        return pg_opts_exit(n);
    if (n > 0)
        return pg_opts_error(&check_cmd, "unexpected argument '%s'", argv[0]);
    return -1;
}

/* The rules between options, once all are read. Returns -1 to go on,
 * else an exit code. */
static int check_arg_rules(check_args *a)
{
    /* A report only where asked: --report-dir, or PROMGATE_REPORT_DIR
     * (so CI jobs and the suite can ask without changing the command). */
    pg_report_flags_finish(&a->report, getenv("PROMGATE_REPORT_DIR"));
    if (!a->golden_path)
        return pg_opts_error(&check_cmd, "missing --golden");
    if (!a->targets.n && !a->prometheus)
        return pg_opts_error(&check_cmd, "missing --target (or --prometheus)");
    if (a->prometheus && !a->match)
        return pg_opts_error(&check_cmd, "--prometheus needs --match");
    if (a->today && !pg_date_valid(a->today))
        return pg_opts_error(&check_cmd, "invalid --today '%s': want "
                             "YYYY-MM-DD", a->today);
    pg_error err;
    pg_error_init(&err);
    size_t stdin_count = 0;
    for (size_t i = 0; i < a->targets.n; i++) {
        int kind = pg_input_kind(a->targets.v[i], &err);
        if (kind < 0) {
            fputs(ME ": ", stderr);
            pg_error_print(&err, stderr);
            return PG_EXIT_ERROR;
        }
        stdin_count += kind == PG_INPUT_STDIN;
    }
    if (stdin_count > 1)
        return pg_opts_error(&check_cmd, "'-' (stdin) given as --target "
                             "twice");
    if (pg_scrape_flags_finish(&a->scrape, &err))
        return pg_opts_error(&check_cmd, "%s", err.text);
    return -1;
}

static void check_args_init(check_args *a)
{
    memset(a, 0, sizeof *a);
    pg_scrape_flags_init(&a->scrape);
    pg_report_flags_init(&a->report);
    a->interval = 1;
}

static void check_args_release(check_args *a)
{
    pg_scrape_flags_release(&a->scrape);
    pg_opt_list_release(&a->targets);
    pg_opt_list_release(&a->enable);
    pg_opt_list_release(&a->exempt);
    for (size_t i = 0; i < a->target_labels.n; i++)
        free((char *)a->target_labels.v[i]);
    pg_opt_list_release(&a->target_labels);
}

/* ---- one target's run ---- */

typedef struct target_run {
    const char *spec;        /* as given */
    char *name;              /* for output: credentials removed */
    const pg_check_opts *copts;
    enum pg_format format;   /* without a Content-Type (files, stdin) */
    enum pg_format forced;   /* --input-format: wins over Content-Type */
    unsigned file_flags;     /* parser flags for a file or stdin
                                (pg_input_parse_flags) */
    pg_checker *checker;
    pg_parser *parser;
    int keep_raw;
    FILE *raw;               /* the raw body, spooled to a temporary file
                                rather than held in memory */
    int raw_errno;           /* why raw could not be created, or 0 */
    char *headers;           /* response headers, for --save-scrape */
    int url;                 /* scraped: the Content-Type below counts */
    char ctype[192];         /* response Content-Type, "" if none */
    char head[16];           /* first body bytes, to see what the body is */
    size_t nhead;
    pg_buf tail;             /* last body bytes (keep_tail) */
    double t0;
} target_run;

static void run_reset(target_run *t, const char *content_type)
{
    pg_parser_free(t->parser);
    pg_checker_free(t->checker);
    t->parser = NULL;
    if (t->keep_raw) {
        /* one spool per target, emptied for each attempt */
        if (!t->raw && !(t->raw = tmpfile()))
            t->raw_errno = errno;
        if (t->raw && (fflush(t->raw) || ftruncate(fileno(t->raw), 0) ||
                       fseek(t->raw, 0, SEEK_SET)))
            t->raw_errno = errno;
    }
    pg_error err;
    pg_error_init(&err);
    t->checker = pg_checker_new(t->copts, t->name, &err);
    if (!t->checker) /* patterns were compiled once before: cannot fail */
        abort();
    pg_parser_opts po;
    memset(&po, 0, sizeof po);
    po.format = t->forced != PG_FORMAT_AUTO ? t->forced
                : content_type ? PG_FORMAT_AUTO : t->format;
    /* with the format forced, the Content-Type still says how names are
     * written (escaping=allow-utf-8) */
    po.content_type = content_type;
    if (!content_type)
        po.flags |= t->file_flags;
    po.source = t->name;
    t->parser = pg_parser_new(&po, pg_checker_callbacks(), t->checker);
}

/* The body's last bytes (at least PG_TAIL_BYTES of them), for
 * pg_format_from_tail(): appended as they come, cut back now and then. */
#define PG_TAIL_BYTES 64
static void keep_tail(target_run *t, const char *buf, size_t len)
{
    if (len > PG_TAIL_BYTES) {
        t->tail.len = 0;
        buf += len - PG_TAIL_BYTES;
        len = PG_TAIL_BYTES;
    }
    pg_buf_add(&t->tail, buf, len);
    if (t->tail.len >= 16 * PG_TAIL_BYTES) {
        memmove(t->tail.p, t->tail.p + t->tail.len - PG_TAIL_BYTES,
                PG_TAIL_BYTES);
        t->tail.len = PG_TAIL_BYTES;
    }
}

static int run_feed(target_run *t, const char *buf, size_t len)
{
    if (t->nhead < sizeof t->head) {
        size_t n = sizeof t->head - t->nhead < len ? sizeof t->head - t->nhead
                                                    : len;
        memcpy(t->head + t->nhead, buf, n);
        t->nhead += n;
    }
    keep_tail(t, buf, len);
    if (t->raw && !t->raw_errno && fwrite(buf, 1, len, t->raw) != len)
        t->raw_errno = errno ? errno : EIO;
    return pg_parser_feed(t->parser, buf, len) != 0;
}

static void run_finish(target_run *t, pg_target_result *out)
{
    pg_parser_finish(t->parser);
    pg_checker_set_format(t->checker, pg_parser_format(t->parser));
    pg_checker_finish(t->checker, out);
    pg_parser_stats(t->parser, &out->stats);
    out->seconds = pg_now_mono() - t->t0;
}

static void run_release(target_run *t)
{
    pg_parser_free(t->parser);
    pg_checker_free(t->checker);
    if (t->raw)
        fclose(t->raw);
    free(t->headers);
    free(t->name);
    pg_buf_release(&t->tail);
    memset(t, 0, sizeof *t);
}

/* pg_file_feed() callback: one window of the file into the target's parser. */
static int feed_window(void *ctx, const char *buf, size_t len)
{
    return run_feed(ctx, buf, len);
}

/* A target that could not be read: its result carries the reason. */
static int run_error(target_run *t, pg_target_result *out, const pg_error *e)
{
    memset(out, 0, sizeof *out);
    out->target = pg_xstrdup(t->name);
    pg_buf b = PG_BUF_INIT;
    if (e->source[0])
        pg_buf_addf(&b, "%s: ", e->source);
    pg_buf_adds(&b, e->text);
    out->error = pg_buf_detach(&b);
    return -1;
}

static int run_file(target_run *t, pg_target_result *out)
{
    pg_error err;
    pg_error_init(&err);
    int stdin_target = strcmp(t->spec, "-") == 0;
    int fd = stdin_target ? STDIN_FILENO : pg_input_open(t->spec, &err);
    FILE *f = fd < 0 ? NULL : stdin_target ? stdin : fdopen(fd, "rb");
    if (!f) {
        if (fd >= 0) {
            pg_error_set(&err, t->spec, 0, 0, "cannot open: %s",
                         strerror(errno));
            close(fd);
        }
        return run_error(t, out, &err);
    }
    /* stdin is decided at its end, as before: it is read once, as it
     * comes. The file's format is looked up on every run (--wait). */
    enum pg_format given = t->format;
    if (f != stdin && t->forced == PG_FORMAT_AUTO && given == PG_FORMAT_AUTO)
        t->format = pg_file_format(fileno(f));
    run_reset(t, NULL);
    t->format = given;
    int bad = pg_file_feed(fileno(f), stdin_target ? "-" : t->spec, feed_window,
                           t, &err) < 0;
    if (f != stdin)
        fclose(f);
    if (bad) {
        return run_error(t, out, &err);
    }
    run_finish(t, out);
    return 0;
}

static int sink_begin(void *ctx, long status, const char *content_type)
{
    target_run *t = ctx;
    (void)status;
    t->url = 1;
    t->nhead = t->tail.len = 0;
    snprintf(t->ctype, sizeof t->ctype, "%s", content_type ? content_type : "");
    run_reset(t, content_type && *content_type ? content_type : NULL);
    return 0;
}

static int sink_data(void *ctx, const char *buf, size_t len)
{
    return run_feed(ctx, buf, len);
}

/* Writes the raw body to path with the command's secrets cut out (a
 * server may echo a token); streamed as it is when there is none. */
static int save_body(const char *path, FILE *raw, const pg_secrets *sec,
                     pg_error *err)
{
    if (!sec->n)
        return pg_copy_stream_atomic(path, raw, err);
    pg_buf b = PG_BUF_INIT;
    char chunk[65536];
    size_t got;
    rewind(raw);
    while ((got = fread(chunk, 1, sizeof chunk, raw)) > 0)
        pg_buf_add(&b, chunk, got);
    int rc = ferror(raw)
                 ? pg_error_set(err, path, 0, 0, "cannot read the raw scrape")
                 : 0;
    if (rc == 0) {
        pg_redact_literals(&b, (const char *const *)sec->v, sec->n);
        rc = pg_write_file_atomic(path, b.p ? b.p : "", b.len, err);
    }
    pg_buf_release(&b);
    return rc;
}

/* Writes response headers to path: credentials' values, URLs and the
 * command's secrets redacted. */
static int save_headers(const char *path, const char *headers,
                        const pg_secrets *sec, pg_error *err)
{
    pg_buf values = PG_BUF_INIT, out = PG_BUF_INIT;
    pg_buf_adds(&values, "");
    pg_redact_header_values(&values, headers, strlen(headers));
    pg_redact_literals(&values, (const char *const *)sec->v, sec->n);
    pg_buf_adds(&out, "");
    pg_redact_text(&out, values.p, values.len);
    int rc = pg_write_file_atomic(path, out.p, out.len, err);
    pg_buf_release(&values);
    pg_buf_release(&out);
    return rc;
}

/* Keeps the raw body and response headers of a target under dir. */
static int save_scrape(const char *dir, size_t idx, target_run *t,
                       const pg_secrets *sec, pg_target_result *out,
                       pg_error *err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return pg_error_set(err, dir, 0, 0, "cannot create directory: %s",
                            strerror(errno));
    pg_buf slug = PG_BUF_INIT;
    pg_buf_addf(&slug, "%02zu-", idx + 1);
    const char *s = t->name;
    const char *scheme = strstr(s, "://");
    if (scheme)
        s = scheme + 3;
    for (size_t i = 0; s[i] && i < 80; i++) {
        char ch = s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
        pg_buf_addc(&slug, ok ? ch : '_');
    }
    pg_buf path = PG_BUF_INIT;
    pg_buf_addf(&path, "%s/%s.txt", dir, slug.p);
    int rc = !t->raw || t->raw_errno
                 ? pg_error_set(err, path.p, 0, 0,
                                "cannot keep the raw scrape in a temporary "
                                "file: %s", strerror(t->raw_errno))
                 : save_body(path.p, t->raw, sec, err);
    if (rc == 0) {
        free(out->raw_path);
        out->raw_path = pg_xstrdup(path.p);
        if (t->headers) {
            path.len = 0;
            pg_buf_addf(&path, "%s/%s.headers", dir, slug.p);
            rc = save_headers(path.p, t->headers, sec, err);
        }
    }
    pg_buf_release(&path);
    pg_buf_release(&slug);
    return rc;
}

/* 1 while a documented metric that must be present is absent (or the
 * target could not be read): what --wait waits out. */
static int still_missing(const pg_target_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (r[i].error)
            return 1;
        for (size_t j = 0; j < r[i].nresults; j++) {
            const pg_metric_result *m = &r[i].results[j];
            if (m->kind != PG_RESULT_DOCUMENTED || m->verdict != PG_VERDICT_FAIL)
                continue;
            for (size_t k = 0; k < m->nproblems; k++)
                if (m->problems[k].code == PG_PROBLEM_MISSING)
                    return 1;
        }
    }
    return 0;
}

/* One pass over every --target: files in turn, URLs concurrently. */
/* What a scraper gets besides the body: the Content-Type as Prometheus 3
 * reads it, whether it tells the truth about the body, and the format
 * that was asked for, served, and required. Judged with the format. */
static void judge_transport(const check_args *a, const pg_scrape_opts *so,
                            const target_run *t, pg_target_result *o)
{
    pg_ctype c;
    pg_ctype_judge(t->ctype, &c);
    const char *got = t->ctype[0] ? t->ctype : "(none)";
    const char *served = pg_format_name(pg_parser_format(t->parser));
    char note[320];
    snprintf(note, sizeof note, "asked for %s first, served %s "
             "(Content-Type: %.160s)",
             so->accept == PG_FORMAT_AUTO ? "openmetrics"
                                          : pg_format_name(so->accept),
             served, got);
    pg_target_result_note(o, note);
    int refuse = !a->lenient_content_type;
    if (!c.accepted)
        pg_target_result_format_problem(o, refuse, "an exposition "
                                        "Content-Type", got, c.why);
    else if (c.warning)
        pg_target_result_format_problem(o, 0, NULL, got, c.why);
    if (pg_ctype_contradicts(&c, t->head, t->nhead)) {
        char msg[256];
        snprintf(msg, sizeof msg, "Content-Type announces %s, but the body "
                 "is %s", pg_format_name(c.format),
                 c.format == PG_FORMAT_PROTOBUF ? "text" : "protobuf");
        pg_target_result_format_problem(o, refuse, pg_format_name(c.format),
                                        got, msg);
    }
}

/* --require-format: the format the body was parsed as. */
static void judge_required(const check_args *a, const target_run *t,
                           pg_target_result *o)
{
    enum pg_format want = (enum pg_format)a->require_format;
    enum pg_format got = pg_parser_format(t->parser);
    if (want == PG_FORMAT_AUTO || got == want)
        return;
    char msg[160];
    snprintf(msg, sizeof msg, "format %s required (--require-format), %s "
             "served", pg_format_name(want), pg_format_name(got));
    pg_target_result_format_problem(o, 1, pg_format_name(want),
                                    pg_format_name(got), msg);
}

/* What the scrape asked for and got, for the reports. The body's format
 * is read from its bytes: a Content-Type may say otherwise. */
static void record_negotiation(const pg_scrape_opts *so, const target_run *t,
                               const pg_scrape_result *res,
                               pg_target_result *o)
{
    pg_negotiation *n = &o->negotiated;
    n->accept = pg_scrape_accept(so);
    n->content_type = pg_xstrdup(res->status ? res->content_type : "");
    if (!res->ok || !t->parser)
        n->body = PG_FORMAT_AUTO;
    else
        n->body = pg_format_of_body(t->head, t->nhead,
                                    t->tail.p ? t->tail.p : "", t->tail.len);
}

static void check_targets(const check_args *a, const pg_scrape_opts *so,
                          target_run *runs, size_t n, pg_target_result *out)
{
    size_t nurl = 0;
    for (size_t i = 0; i < n; i++) {
        runs[i].t0 = pg_now_mono();
        runs[i].keep_raw = a->save_dir != NULL || a->report.place.dir != NULL;
        if (pg_url_is_http(runs[i].spec))
            nurl++;
        else if (run_file(&runs[i], &out[i]) == 0)
            judge_required(a, &runs[i], &out[i]);
    }
    if (!nurl)
        return;
    const char **urls = pg_xcalloc(nurl, sizeof *urls);
    pg_scrape_sink *sinks = pg_xcalloc(nurl, sizeof *sinks);
    pg_scrape_result *res = pg_xcalloc(nurl, sizeof *res);
    size_t *which = pg_xcalloc(nurl, sizeof *which);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (pg_url_is_http(runs[i].spec)) {
            urls[k] = runs[i].spec;
            sinks[k].begin = sink_begin;
            sinks[k].data = sink_data;
            sinks[k].ctx = &runs[i];
            which[k++] = i;
        }
    pg_scrape_all(urls, nurl, so, sinks, res);
    for (k = 0; k < nurl; k++) {
        target_run *t = &runs[which[k]];
        pg_target_result *o = &out[which[k]];
        if (!res[k].ok || !t->parser) {
            memset(o, 0, sizeof *o);
            o->target = pg_xstrdup(t->name);
            o->error = pg_xstrdup(res[k].error[0] ? res[k].error
                                                  : "scrape failed");
        } else {
            run_finish(t, o);
            judge_transport(a, so, t, o);
            judge_required(a, t, o);
        }
        record_negotiation(so, t, &res[k], o);
        free(t->headers);
        t->headers = res[k].headers;
    }
    free(urls);
    free(sinks);
    free(res);
    free(which);
}

typedef struct promapi_ctx {
    const pg_check_opts *copts;
    pg_target_result *out;
    size_t n, cap;
} promapi_ctx;

/* Each instance's rebuilt text is judged like a scrape of that instance. */
static int on_instance(void *ctx, const char *instance, const char *text,
                       size_t len)
{
    promapi_ctx *p = ctx;
    target_run t;
    memset(&t, 0, sizeof t);
    t.copts = p->copts;
    t.name = pg_xstrdup(instance);
    t.format = PG_FORMAT_PROM;
    t.t0 = pg_now_mono();
    run_reset(&t, NULL);
    run_feed(&t, text, len);
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->out = pg_xrealloc(p->out, p->cap * sizeof *p->out);
    }
    run_finish(&t, &p->out[p->n++]);
    run_release(&t);
    return 0;
}

static char *target_name(const char *spec)
{
    if (pg_url_is_http(spec))
        return pg_url_redact(spec);
    return pg_xstrdup(strcmp(spec, "-") == 0 ? "stdin" : spec);
}

static void free_results(pg_target_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pg_target_result_release(&r[i]);
    free(r);
}

/* One run of the command: what its steps share. */
typedef struct check_run {
    check_args a;
    pg_golden *golden;
    pg_golden *corrected;    /* with --docs-as-written: the golden as saved */
    pg_baseline *baseline;
    pg_check_opts copts;
    target_run *runs;        /* one per --target */
    pg_target_result *results;
    size_t nresults;
    pg_buf scratch;          /* raw scrapes kept for the report only */
    pg_secrets secrets;      /* never written: tokens, passwords, URLs'
                                userinfo and query values */
    pg_error err;
    time_t started;
    double t_start;
} check_run;

/* An --enable that names no condition: the golden's conditions are listed
 * so the right spelling is at hand. */
static int unknown_condition(const char *bad, const char *path,
                             const pg_golden *g)
{
    fprintf(stderr, ME ": --enable '%s': unknown condition; the conditions "
            "of %s are:\n", bad, path);
    pg_golden_print_conditions(g, stderr, "  ", "(none)");
    fprintf(stderr, "(a condition's value alone, 'kind:*' and 'all' also "
            "work; 'promgate golden --conditions %s' lists them)\n", path);
    return PG_EXIT_ERROR;
}

/* Loads the golden and baseline and judges the options against them.
 * Returns 0, -1 with r->err set, or an exit code (the message printed). */
static int prepare(check_run *r)
{
    check_args *a = &r->a;
    pg_scrape_opts *so = &a->scrape.opts;
    /* ask for the format the scrape will be judged against */
    if (a->input_format != PG_FORMAT_AUTO && so->accept == PG_FORMAT_AUTO)
        so->accept = (enum pg_format)a->input_format;
    if (isatty(STDERR_FILENO))
        so->progress = 1;
    r->golden = pg_golden_arg_load(a->golden_path,
                                   a->targets.n ? a->targets.v[0] : NULL, so,
                                   ME, &r->err);
    if (!r->golden)
        return -1;
    pg_check_opts *c = &r->copts;
    if (a->docs_as_written) {
        /* The docs as published; the saved golden names the errata. */
        r->corrected = r->golden;
        r->golden = pg_golden_as_documented(r->corrected);
        c->docs_as_written = 1;
        c->corrected = r->corrected;
    }
    if (a->baseline_path &&
        !(r->baseline = pg_baseline_load(a->baseline_path, &r->err)))
        return -1;
    c->golden = r->golden;
    c->undocumented = (enum pg_undocumented_mode)a->undocumented;
    c->exempt = a->exempt.v;
    c->nexempt = a->exempt.n;
    c->only = a->only;
    c->skip = a->skip;
    c->enabled = a->enable.v;
    c->nenabled = a->enable.n;
    c->baseline = r->baseline;
    c->today = a->today;
    c->select = a->select;
    /* Conditions, patterns and the selection are judged once up front: a
     * bad one is a usage error, before any target is read. */
    const char *bad_condition = pg_check_unknown_condition(c);
    if (bad_condition)
        return unknown_condition(bad_condition, a->golden_path, r->golden);
    if (pg_check_opts_validate(c, &r->err) != 0)
        return -1;
    size_t n = a->targets.n;
    r->runs = pg_xcalloc(n + 1, sizeof *r->runs);
    for (size_t i = 0; i < n; i++) {
        r->runs[i].spec = a->targets.v[i];
        r->runs[i].name = target_name(a->targets.v[i]);
        r->runs[i].copts = c;
        r->runs[i].format = so->accept;
        r->runs[i].forced = (enum pg_format)a->input_format;
        r->runs[i].file_flags = pg_input_parse_flags(so);
    }
    return 0;
}

static void sleep_seconds(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    nanosleep(&ts, NULL);
}

/* Checks every --target, again every --interval while a required metric
 * is missing, until --wait runs out. */
static void check_until_ready(check_run *r)
{
    const check_args *a = &r->a;
    const pg_scrape_opts *so = &a->scrape.opts;
    size_t n = a->targets.n;
    /* stdin cannot be read twice: no waiting on it */
    int has_stdin = 0;
    for (size_t i = 0; i < n; i++)
        has_stdin |= !strcmp(r->runs[i].spec, "-");
    double deadline = pg_now_mono() + a->wait;
    for (;;) {
        r->results = pg_xcalloc(n + 1, sizeof *r->results);
        r->nresults = n;
        check_targets(a, so, r->runs, n, r->results);
        if (a->wait <= 0 || has_stdin || !still_missing(r->results, n) ||
            pg_now_mono() + a->interval > deadline)
            return;
        if (so->progress)
            fprintf(stderr, ME ": waiting for documented metrics "
                    "(%.0f s left)\n", deadline - pg_now_mono());
        free_results(r->results, r->nresults);
        r->results = NULL;
        sleep_seconds(a->interval);
    }
}

/* Raw scrapes are evidence: kept in --save-scrape, or for the report
 * only, in a scratch directory removed once the report is written. */
static int keep_raw_scrapes(check_run *r)
{
    const check_args *a = &r->a;
    size_t n = a->targets.n;
    const char *raw_dir = a->save_dir;
    if (!raw_dir && a->report.place.dir && n) {
        const char *tmp = getenv("TMPDIR");
        pg_buf_addf(&r->scratch, "%s/promgate-check.XXXXXX",
                    tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(r->scratch.p))
            return pg_error_set(&r->err, r->scratch.p, 0, 0,
                                "cannot create: %s", strerror(errno));
        raw_dir = r->scratch.p;
    }
    if (raw_dir)
        for (size_t i = 0; i < n; i++)
            if (!r->results[i].error &&
                save_scrape(raw_dir, i, &r->runs[i], &r->secrets,
                            &r->results[i], &r->err) != 0)
                return -1;
    return 0;
}

/* --prometheus: each instance a Prometheus server scraped is a target. */
static int check_prometheus(check_run *r)
{
    const check_args *a = &r->a;
    const pg_scrape_opts *so = &a->scrape.opts;
    /* without --empty-labels, a label empty on every series of a
     * family is gone: the missing-label message says so */
    pg_check_opts popts = r->copts;
    popts.empty_labels_dropped = !a->empty_labels;
    promapi_ctx pc = { &popts, r->results, r->nresults, r->nresults };
    pg_promapi_opts po;
    memset(&po, 0, sizeof po);
    po.url = a->prometheus;
    po.match = a->match;
    po.headers = so->headers;
    po.nheaders = so->nheaders;
    po.bearer_token = so->bearer_token;
    po.target_labels = a->target_labels.v;
    po.ntarget_labels = a->target_labels.n;
    po.timeout = so->timeout;
    po.lookback = a->lookback;
    po.limit = (long)a->limit;
    po.cacert = so->cacert;
    po.cert = so->cert;
    po.key = so->key;
    po.insecure = so->insecure;
    po.empty_labels = a->empty_labels;
    po.expected_labels = pg_golden_labels_of;
    po.expected_labels_ctx = (void *)r->golden;
    int prc = pg_promapi_collect(&po, on_instance, &pc, &r->err);
    r->results = pc.out;
    r->nresults = pc.n;
    if (prc != 0)
        return -1;
    if (!r->nresults)
        return pg_error_set(&r->err, a->prometheus, 0, 0,
                            "no instance matched '%s'", a->match);
    return 0;
}

/* Each failing metric as one short '#' line on stderr: prove shows a
 * test's stderr even without -v, so a CI log says what failed. */
static void print_failures(const check_run *r)
{
    for (size_t i = 0; i < r->nresults; i++) {
        const pg_target_result *t = &r->results[i];
        for (size_t j = 0; j < t->nresults; j++) {
            const pg_metric_result *m = &t->results[j];
            if (m->verdict != PG_VERDICT_FAIL)
                continue;
            const char *why = "fails";
            for (size_t k = 0; k < m->nproblems; k++)
                if (m->problems[k].failure) {
                    why = m->problems[k].message;
                    break;
                }
            if (r->nresults > 1)
                fprintf(stderr, "# %s: %s: %s\n", t->target, m->metric, why);
            else
                fprintf(stderr, "# %s: %s\n", m->metric, why);
        }
    }
}

/* Verdicts on stdout (TAP or JSON), then the report directory. Returns
 * the exit code, or -1 with r->err set. */
static int report(check_run *r)
{
    const check_args *a = &r->a;
    int any_error = 0, any_fail = 0;
    for (size_t i = 0; i < r->nresults; i++) {
        if (r->results[i].error) {
            any_error = 1;
            fprintf(stderr, ME ": %s\n", r->results[i].error);
        } else if (pg_target_result_failed(&r->results[i])) {
            any_fail = 1;
        }
    }
    pg_report_run run;
    memset(&run, 0, sizeof run);
    run.golden_path = a->golden_path;
    run.golden = r->golden;
    run.baseline_path = a->baseline_path;
    run.targets = r->results;
    run.ntargets = r->nresults;
    run.started = r->started;
    run.seconds = pg_now_mono() - r->t_start;
    /* tokens and passwords a server may echo into a saved scrape */
    run.secrets = (const char *const *)r->secrets.v;
    run.nsecrets = r->secrets.n;
    char *summary = pg_report_summary_line(&run);
    if (a->json == OUT_JSON) {
        char *json = pg_report_json(&run);
        fputs(json, stdout);
        if (!*json || json[strlen(json) - 1] != '\n')
            fputc('\n', stdout);
        free(json);
    } else if (a->json == OUT_SUMMARY) {
        printf("%s\n", summary);
    } else {
        pg_tap_write(stdout, r->results, r->nresults, r->nresults > 1);
    }
    /* A write error on stdout ends the run with exit 2 (promgate.c): no
     * summary that would read as a verdict. */
    int stdout_ok = fflush(stdout) == 0 && !ferror(stdout);
    if (a->diag_stderr)
        print_failures(r);
    char *dir = NULL;
    /* The report was asked for: failing to write it fails the run. */
    if (a->report.place.dir &&
        pg_report_write_check(&a->report.place, &run, &dir, &r->err)) {
        free(summary);
        return -1;
    }
    /* One closing line on stderr, as lint ends: verdict, counts, report. */
    if (stdout_ok && !a->quiet)
        fprintf(stderr, ME ": %s%s%s%s\n", summary,
                dir ? "; report in " : "", dir ? dir : "", dir ? "/" : "");
    free(dir);
    free(summary);
    return any_error ? PG_EXIT_ERROR : any_fail ? PG_EXIT_FAIL : PG_EXIT_OK;
}

/* Removes what keep_raw_scrapes() wrote into the scratch directory
 * (NN-<slug>.txt and .headers), then the directory. */
static void remove_scratch(check_run *r)
{
    if (!r->scratch.len)
        return;
    for (size_t i = 0; i < r->nresults; i++) {
        const char *raw = r->results ? r->results[i].raw_path : NULL;
        if (!raw)
            continue;
        pg_buf h = PG_BUF_INIT;
        pg_buf_add(&h, raw, strlen(raw) - 4);
        pg_buf_adds(&h, ".headers");
        unlink(h.p);
        unlink(raw);
        pg_buf_release(&h);
    }
    rmdir(r->scratch.p);
}

static void check_run_release(check_run *r)
{
    remove_scratch(r);
    pg_buf_release(&r->scratch);
    if (r->runs)
        for (size_t i = 0; i < r->a.targets.n; i++)
            run_release(&r->runs[i]);
    free(r->runs);
    free_results(r->results, r->nresults);
    pg_baseline_free(r->baseline);
    pg_golden_free(r->golden);
    pg_golden_free(r->corrected);
    check_args_release(&r->a);
    pg_secrets_release(&r->secrets);
}

/* What the command knows to be secret, cut from saved scrapes and
 * reports: the scrape options' credentials and each URL's. */
static void collect_secrets(check_run *r)
{
    const char *sec[16];
    size_t n = pg_scrape_flags_secrets(&r->a.scrape, sec, 16);
    for (size_t i = 0; i < n; i++)
        pg_secrets_add(&r->secrets, sec[i], strlen(sec[i]));
    for (size_t i = 0; i < r->a.targets.n; i++)
        pg_secrets_add_url(&r->secrets, r->a.targets.v[i]);
    if (r->a.prometheus)
        pg_secrets_add_url(&r->secrets, r->a.prometheus);
}

/* The steps, each of which can stop the run with r->err set. */
static int run_check(check_run *r)
{
    int rc = prepare(r);
    if (rc != 0)
        return rc;
    collect_secrets(r);
    check_until_ready(r);
    if (keep_raw_scrapes(r) != 0)
        return -1;
    if (r->a.prometheus && check_prometheus(r) != 0)
        return -1;
    return report(r);
}

static int check_command(int argc, char **argv)
{
    check_run r;
    memset(&r, 0, sizeof r);
    check_args_init(&r.a);
    pg_buf_init(&r.scratch);
    pg_error_init(&r.err);
    r.started = time(NULL);
    r.t_start = pg_now_mono();
    int rc = parse_args(argc, argv, &r.a);
    if (rc < 0)
        rc = check_arg_rules(&r.a);
    if (rc < 0)
        rc = run_check(&r);
    if (rc < 0) {
        fprintf(stderr, ME ": ");
        pg_error_print(&r.err, stderr);
        rc = PG_EXIT_ERROR;
    }
    check_run_release(&r);
    return rc;
}

/* Whether argv[*i] is --flags or --flags-file (as "--name VALUE" or
 * "--name=VALUE"). Returns 1 with *v and *from_file set (advancing *i
 * past a separate value), 0 for another argument, -1 if the value is
 * missing. */
static int flags_option(int argc, char **argv, int *i, const char **v,
                        int *from_file)
{
    static const char *const names[] = { "--flags", "--flags-file" };
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(names[k]);
        const char *a = argv[*i];
        if (strncmp(a, names[k], n) != 0 || (a[n] != '\0' && a[n] != '='))
            continue;
        *from_file = k;
        if (a[n] == '=') {
            *v = a + n + 1;
            return 1;
        }
        if (*i + 1 >= argc)
            return -1;
        *v = argv[++*i];
        return 1;
    }
    return 0;
}

/* Replaces each --flags WORDS and --flags-file FILE before "--" by the
 * words they hold, split as a shell would (core/words.h: quotes group and
 * are removed): how the suite passes PROMGATE_CHECK_FLAGS. The words live
 * in *words; *out is a new argv (freed by the caller). Returns 0, or -1
 * with err set. */
static int expand_flag_words(int argc, char **argv, pg_words *words,
                             char ***out, int *nout, pg_error *err)
{
    /* what goes at each place: argv[i] (kept[i]), or words [from, to) */
    size_t *from = pg_xcalloc((size_t)argc + 1, sizeof *from);
    size_t *to = pg_xcalloc((size_t)argc + 1, sizeof *to);
    char *kept = pg_xcalloc((size_t)argc + 1, 1);
    int rc = 0, ended = 0;
    for (int i = 0; i < argc && !rc; i++) {
        int at = i, from_file = 0, r = 0;
        const char *v = NULL;
        ended |= !strcmp(argv[i], "--");
        if (i > 0 && !ended)
            r = flags_option(argc, argv, &i, &v, &from_file);
        if (r < 0) {
            rc = pg_error_set(err, "", 0, 0, "option '%s' needs a value",
                              argv[at]);
        } else if (r == 0) {
            kept[at] = 1;
        } else {
            char *text = NULL;
            size_t len;
            from[at] = words->n;
            if (from_file && pg_read_file(v, &text, &len, err) != 0)
                rc = -1;
            else
                rc = pg_words_split(words, from_file ? text : v,
                                    from_file ? v : "--flags", err);
            to[at] = words->n;
            free(text);
        }
    }
    char **v = pg_xcalloc((size_t)argc + words->n + 1, sizeof *v);
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (kept[i])
            v[n++] = argv[i];
        for (size_t k = from[i]; k < to[i]; k++)
            v[n++] = words->v[k];
    }
    free(from);
    free(to);
    free(kept);
    *out = v;
    *nout = n;
    return rc;
}

int pg_cmd_check(int argc, char **argv)
{
    pg_words words = { NULL, 0 };
    char **args = NULL;
    int nargs = 0, rc;
    pg_error err;
    pg_error_init(&err);
    if (expand_flag_words(argc, argv, &words, &args, &nargs, &err) != 0) {
        fprintf(stderr, ME ": ");
        pg_error_print(&err, stderr);
        rc = PG_EXIT_ERROR;
    } else {
        rc = check_command(nargs, args);
    }
    free(args);
    pg_words_release(&words);
    return rc;
}
