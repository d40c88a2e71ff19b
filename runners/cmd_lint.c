/* cmd_lint.c: promgate lint: checks one exposition (file, stdin or URL)
 * against the rules of its format and prints every violation as
 * SOURCE:LINE:COL: error|warning: message, then a summary line. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expo/expo.h"
#include "source/filefeed.h"
#include "core/util.h"
#include "source/input.h"
#include "source/negotiate.h"
#include "source/scrape.h"
#include "cmd.h"

struct lint {
    const char *source;      /* as printed (URL redacted) */
    unsigned long max_errors;
    unsigned long shown, hidden;
    int explain;
    FILE *out;
    FILE *held;              /* URL: diagnostics of the current attempt,
                                in a temporary file: with --max-errors 0
                                they are not bounded */
    int protobuf;            /* positions are message indexes and fields */
    unsigned long warnings;  /* warnings found outside the parser */
};

static const pg_opts_cmd lint_cmd = {
    "promgate lint",
    "promgate lint [options] [FILE|-|URL]",
    "Checks a Prometheus text format 0.0.4, OpenMetrics 1.0.0 or\n"
    "delimited protobuf exposition against every rule of its format.\n",
    "output: SOURCE:LINE:COL: error|warning: message (protobuf:\n"
    "  SOURCE:message N: error|warning: FIELD: message), then\n"
    "  SOURCE: N errors, N warnings, N samples in N families (FORMAT)\n\n"
    "quoted names: OpenMetrics names may be quoted UTF-8 when a URL's\n"
    "  Content-Type says escaping=allow-utf-8; for a FILE or stdin,\n"
    "  --escaping allow-utf-8 says its names use that scheme\n\n"
    "exit codes:\n"
    "  0  conformant (warnings allowed unless --strict)\n"
    "  1  format violations found\n"
    "  2  input could not be read, or usage error\n",
    pg_print_version,
};

static void on_diag(void *ctx, const pg_diag *d)
{
    struct lint *l = ctx;
    if (l->max_errors && l->shown >= l->max_errors) {
        l->hidden++;
        return;
    }
    l->shown++;
    FILE *f = l->held ? l->held : l->out;
    if (l->protobuf) /* the text starts with the field path */
        fprintf(f, "%s:message %lld: %s: %s", l->source, (long long)d->line,
                d->level == PG_LEVEL_ERROR ? "error" : "warning", d->text);
    else
        fprintf(f, "%s:%lld:%lld: %s: %s", l->source, (long long)d->line,
                (long long)d->column,
                d->level == PG_LEVEL_ERROR ? "error" : "warning", d->text);
    if (l->explain)
        fprintf(f, " [%s]", d->rule);
    fputc('\n', f);
}

/* Copies the held diagnostics of the successful attempt to the output.
 * Returns 0, or -1 if they cannot be read back. */
static int held_copy(struct lint *l)
{
    char buf[65536];
    size_t n;
    if (fflush(l->held) || fseek(l->held, 0, SEEK_SET))
        return -1;
    while ((n = fread(buf, 1, sizeof buf, l->held)) > 0)
        fwrite(buf, 1, n, l->out);
    return ferror(l->held) ? -1 : 0;
}

static int summary(struct lint *l, pg_parser *p, int strict)
{
    pg_parse_stats st;
    pg_parser_stats(p, &st);
    st.warnings += l->warnings;
    if (l->hidden)
        fprintf(l->out, "%s: %lu more diagnostics not shown (--max-errors)\n",
                l->source, l->hidden);
    fprintf(l->out,
            "%s: %llu error%s, %llu warning%s, %llu sample%s in %llu famil%s (%s)\n",
            l->source, (unsigned long long)st.errors, st.errors == 1 ? "" : "s",
            (unsigned long long)st.warnings, st.warnings == 1 ? "" : "s",
            (unsigned long long)st.samples, st.samples == 1 ? "" : "s",
            (unsigned long long)st.families, st.families == 1 ? "y" : "ies",
            pg_format_name(pg_parser_format(p)));
    if (st.errors || (strict && st.warnings))
        return PG_EXIT_FAIL;
    return PG_EXIT_OK;
}

/* pg_file_feed() callback: one window of the input into the parser. A
 * stop from a callback is the parser's to report, so the feed goes on. */
static int feed_window(void *ctx, const char *buf, size_t len)
{
    pg_parser_feed(ctx, buf, len);
    return 0;
}

static int lint_fd(struct lint *l, int fd, pg_parser_opts *o,
                   const pg_parser_callbacks *cb, int strict)
{
    if (o->format == PG_FORMAT_AUTO)
        o->format = pg_file_format(fd);
    l->protobuf = o->format == PG_FORMAT_PROTOBUF;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    pg_parser *p = pg_parser_new(o, cb, l);
    pg_error err;
    pg_error_init(&err);
    if (pg_file_feed(fd, l->source, feed_window, p, &err) < 0) {
        fputs("promgate lint: ", stderr);
        pg_error_print(&err, stderr);
        pg_parser_free(p);
        return PG_EXIT_ERROR;
    }
    pg_parser_finish(p);
    int ex = summary(l, p, strict);
    pg_parser_free(p);
    return ex;
}

struct url_sink {
    struct lint *l;
    pg_parser_opts o;
    const pg_parser_callbacks *cb;
    pg_parser *p;
    char ctype[256];         /* Content-Type of the response, "" if none */
};

static int sink_begin(void *ctx, long status, const char *content_type)
{
    struct url_sink *u = ctx;
    /* A retried attempt starts the parse over; its diagnostics are held
     * until the scrape has succeeded, so none is printed twice. A non-2xx
     * body is not an exposition: it is not parsed. */
    pg_parser_free(u->p);
    u->p = NULL;
    u->l->shown = u->l->hidden = 0;
    if (fflush(u->l->held) || ftruncate(fileno(u->l->held), 0) ||
        fseek(u->l->held, 0, SEEK_SET))
        return -1;
    if (status < 200 || status > 299)
        return 0;
    snprintf(u->ctype, sizeof u->ctype, "%s", content_type ? content_type : "");
    pg_parser_opts o = u->o;
    o.content_type = content_type;
    u->p = pg_parser_new(&o, u->cb, u->l);
    u->l->protobuf = pg_parser_format(u->p) == PG_FORMAT_PROTOBUF;
    return 0;
}

static int sink_data(void *ctx, const char *buf, size_t len)
{
    struct url_sink *u = ctx;
    if (u->p)
        pg_parser_feed(u->p, buf, len);
    return 0;
}

static int lint_url(struct lint *l, const char *url, pg_parser_opts *o,
                    const pg_parser_callbacks *cb, int strict,
                    const pg_scrape_opts *sopts)
{
    struct url_sink u = { l, *o, cb, NULL, "" };
    pg_scrape_opts so = *sopts;
    if (so.accept == PG_FORMAT_AUTO)
        so.accept = o->format;
    pg_scrape_sink sink = { sink_begin, sink_data, &u };
    pg_scrape_result res;
    memset(&res, 0, sizeof res);
    l->held = tmpfile();
    if (!l->held) {
        fprintf(stderr, "promgate lint: cannot create a temporary file: %s\n",
                strerror(errno));
        return PG_EXIT_ERROR;
    }
    pg_scrape_all(&url, 1, &so, &sink, &res);
    free(res.headers);
    if (!res.ok || !u.p) {
        fprintf(stderr, "promgate lint: %s\n",
                res.error[0] ? res.error : "scrape failed");
        pg_parser_free(u.p);
        fclose(l->held);
        l->held = NULL;
        return PG_EXIT_ERROR;
    }
    pg_parser_finish(u.p);
    /* Only text/plain and application/openmetrics-text are expositions:
     * Prometheus 3 fails a scrape with another (or no) Content-Type
     * unless a fallback protocol is configured. A warning, since the body
     * itself can still be checked. */
    if (pg_format_from_content_type(u.ctype[0] ? u.ctype : NULL) == PG_FORMAT_AUTO) {
        char shown[80];
        size_t j = 0;
        for (const char *c = u.ctype; *c && j + 1 < sizeof shown; c++)
            shown[j++] = (*c >= 0x20 && *c < 0x7f) ? *c : '?';
        shown[j] = '\0';
        if (u.ctype[0])
            fprintf(l->out,
                    "%s: warning: Content-Type '%s' is not an exposition format "
                    "(text/plain or application/openmetrics-text); Prometheus 3 "
                    "refuses such a scrape\n", l->source, shown);
        else
            fprintf(l->out,
                    "%s: warning: response has no Content-Type; Prometheus 3 "
                    "refuses such a scrape\n", l->source);
        l->warnings++;
    }
    int lost = held_copy(l);
    fclose(l->held);
    l->held = NULL;
    if (lost) {
        fprintf(stderr, "promgate lint: cannot read back the diagnostics: %s\n",
                strerror(errno));
        pg_parser_free(u.p);
        return PG_EXIT_ERROR;
    }
    int ex = summary(l, u.p, strict);
    pg_parser_free(u.p);
    return ex;
}

/* The command line of a lint run. */
typedef struct lint_args {
    const char *input;       /* FILE, "-" or URL */
    int strict;
    int format;              /* --input-format: enum pg_format */
    unsigned long max_line, max_labels;
    pg_scrape_flags scrape;
} lint_args;

/* --format is the output's format, as in check and diff: text is the
 * one lint writes. The exposition's format is --input-format. */
static int set_output_format(const pg_option *opt, void *value,
                             const char *arg, pg_error *err)
{
    (void)opt;
    (void)value;
    if (strcmp(arg, "text") != 0)
        return pg_error_set(err, "", 0, 0, "invalid --format '%s': want "
                            "text (the input's format is --input-format)",
                            arg);
    return 0;
}

/* Parses argv into a and l. Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, lint_args *a, struct lint *l)
{
    pg_option opts[] = {
        PG_OPT_GROUP("options"),
        PG_OPT_CHOICE(0, "input-format", &a->format, pg_input_formats,
                      "format to check against (default auto: the\n"
                      "Content-Type of a URL; for a file, OpenMetrics\n"
                      "if it ends with '# EOF'; for stdin, decided at\n"
                      "the end of input). A protobuf file or pipe\n"
                      "needs --input-format protobuf"),
        PG_OPT_CALLBACK(0, "format", NULL, "text",
                        "output format (default text)", 0,
                        set_output_format),
        PG_OPT_BOOL(0, "strict", &a->strict,
                    "warnings (SHOULD rules) fail too"),
        PG_OPT_ULONG(0, "max-errors", &l->max_errors, "N", 0,
                     (double)ULONG_MAX,
                     "print at most N diagnostics (default 100;\n"
                     "0 = no limit); all are counted"),
        { PG_OPT_T_ULONG, 0, "max-line", &a->max_line, "N", "longest "
          "accepted line in bytes (default 1 MiB;\nat least 1)", 0, 1,
          (double)ULONG_MAX, "a number of bytes, at least 1", NULL, NULL, 0 },
        { PG_OPT_T_ULONG, 0, "max-labels", &a->max_labels, "N", "most labels "
          "per sample (default 1024; at least 1)", 0, 1, (double)ULONG_MAX,
          "a number of labels, at least 1", NULL, NULL, 0 },
        PG_OPT_BOOL(0, "explain", &l->explain,
                    "append the rule each diagnostic cites"),
        PG_OPT_INCLUDE(pg_scrape_options, &a->scrape),
        PG_OPT_END(),
    };
    int n = pg_opts_parse(&lint_cmd, opts, argc, argv);
    if (n < 0)
        return pg_opts_exit(n);
    if (n > 1)
        return pg_opts_error(&lint_cmd, "more than one input");
    /* as promtool check metrics: piped input needs no '-' */
    if (n == 0 && isatty(STDIN_FILENO))
        return pg_opts_error(&lint_cmd, "no input: name a FILE, - (stdin) "
                             "or URL, or pipe one in");
    a->input = n ? argv[0] : "-";
    pg_error err;
    pg_error_init(&err);
    if (pg_scrape_flags_finish(&a->scrape, &err))
        return pg_opts_error(&lint_cmd, "%s", err.text);
    return -1;
}

/* Lints the input a names; returns the exit code. */
static int lint_input(lint_args *a, struct lint *l)
{
    pg_parser_opts o;
    memset(&o, 0, sizeof o);
    o.flags = PG_PARSE_CANONICAL;  /* lint checks exposers: all rules */
    o.format = (enum pg_format)a->format;
    o.max_line = a->max_line;
    o.max_labels = a->max_labels;
    pg_parser_callbacks cb = { NULL, NULL, on_diag };
    pg_error err;
    pg_error_init(&err);
    int kind = pg_input_kind(a->input, &err), fd = -1, ex;
    if (kind == PG_INPUT_URL) {
        char *red = pg_url_redact(a->input);
        l->source = o.source = red;
        ex = lint_url(l, a->input, &o, &cb, a->strict, &a->scrape.opts);
        free(red);
        return ex;
    }
    if (kind == PG_INPUT_STDIN)
        fd = STDIN_FILENO;
    else if (kind == PG_INPUT_FILE)
        fd = pg_input_open(a->input, &err);
    if (fd < 0) {
        fputs("promgate lint: ", stderr);
        pg_error_print(&err, stderr);
        return PG_EXIT_ERROR;
    }
    l->source = o.source = a->input;
    o.flags |= pg_input_parse_flags(&a->scrape.opts);
    ex = lint_fd(l, fd, &o, &cb, a->strict);
    if (fd != STDIN_FILENO)
        close(fd);
    return ex;
}

int pg_cmd_lint(int argc, char **argv)
{
    struct lint l = { NULL, 100, 0, 0, 0, stdout, NULL, 0, 0 };
    lint_args a;
    memset(&a, 0, sizeof a);
    a.format = PG_FORMAT_AUTO;
    pg_scrape_flags_init(&a.scrape);
    int rc = parse_args(argc, argv, &a, &l);
    if (rc < 0)
        rc = lint_input(&a, &l);
    pg_scrape_flags_release(&a.scrape);
    return rc;
}
