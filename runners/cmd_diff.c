/* cmd_diff.c: promgate diff OLD NEW: what changed between two releases'
 * metrics, each side a golden JSON, a docs page, an exposition file or a
 * URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "core/atomic.h"
#include "diff/diff.h"
#include "report/report.h"
#include "report/report_opts.h"
#include "source/input.h"
#include "source/spec_input.h"
#include "core/url.h"
#include "core/util.h"
#include "cmd.h"

static const pg_opts_cmd diff_cmd = {
    "promgate diff",
    "promgate diff [options] OLD NEW",
    "Compares two metric sets: each side is a golden JSON, a docs Markdown\n"
    "page, an exposition file or an http(s) URL (scraped). Reports metrics\n"
    "added, removed, renamed (by similarity) and changed (type, labels,\n"
    "bucket bounds, HELP).\n",
    "exit codes: 0 equal, 1 different, 2 unreadable input or bad usage\n",
    pg_print_version,
};

static const pg_opt_choice output_formats[] = {
    { "text", PG_REPORT_DIFF_TEXT, 0 },
    { "markdown", PG_REPORT_DIFF_MARKDOWN, 0 },
    { "md", PG_REPORT_DIFF_MARKDOWN, 1 },
    { "json", PG_REPORT_DIFF_JSON, 0 },
    { NULL, 0, 0 },
};

/* "promgate diff: SOURCE:LINE:COL: message", as lint and check print. */
static void print_error(const pg_error *err)
{
    fputs("promgate diff: ", stderr);
    pg_error_print(err, stderr);
}

/* The command line of a diff run. */
typedef struct diff_args {
    const char *sides[2];    /* OLD and NEW: FILE|-|URL */
    const char *out;
    int format;              /* enum pg_report_diff_format */
    int input_format;        /* enum pg_format of exposition sides */
    pg_diff_opts opts;
    pg_report_flags report;
    pg_scrape_flags scrape;
} diff_args;

/* Parses argv into a. Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, diff_args *a)
{
    pg_option table[] = {
        PG_OPT_GROUP("options"),
        PG_OPT_CHOICE(0, "format", &a->format, output_formats,
                      "output format (default: text)"),
        PG_OPT_STRING('o', "output", &a->out, "FILE",
                      "write the report to FILE"),
        PG_OPT_CHOICE(0, "input-format", &a->input_format, pg_input_formats,
                      "format of a side that is an exposition\n"
                      "(default auto: a URL's Content-Type, else\n"
                      "the content), as in lint, check and golden"),
        PG_OPT_BOOL(0, "ignore-help", &a->opts.ignore_help,
                    "do not report HELP changes"),
        PG_OPT_BOOL(0, "no-renames", &a->opts.no_renames,
                    "report renames as removed + added"),
        PG_OPT_INCLUDE(pg_report_options, &a->report),
        PG_OPT_INCLUDE(pg_scrape_options, &a->scrape),
        PG_OPT_END(),
    };
    int n = pg_opts_parse(&diff_cmd, table, argc, argv);
    if (n < 0)
        return pg_opts_exit(n);
    if (n != 2)
        return pg_opts_error(&diff_cmd, "%s", n < 2
                             ? "want two inputs, OLD and NEW"
                             : "too many arguments");
    a->sides[0] = argv[0];
    a->sides[1] = argv[1];
    pg_error err;
    pg_error_init(&err);
    for (int i = 0; i < 2; i++)
        if (pg_input_kind(a->sides[i], &err) < 0) {
            print_error(&err);
            return PG_EXIT_ERROR;
        }
    if (pg_scrape_flags_finish(&a->scrape, &err))
        return pg_opts_error(&diff_cmd, "%s", err.text);
    pg_report_flags_finish(&a->report, getenv("PROMGATE_REPORT_DIR"));
    return -1;
}

/* One side as a golden (source/spec_input.h). */
static pg_golden *load_side(const diff_args *a, const char *side,
                            pg_error *err)
{
    return pg_spec_input_read(side, &a->scrape.opts,
                              pg_input_format_content_type(a->input_format),
                              err);
}

/* The report directory of --report-dir (lib/report). */
static int write_report(const diff_args *a, const pg_diff *d, time_t started,
                        double seconds, pg_error *err)
{
    pg_report_diff rd = { d, started, seconds, NULL, 0 };
    char *dir = NULL;
    if (pg_report_write_diff(&a->report.place, &rd, &dir, err) != 0)
        return -1;
    fprintf(stderr, "promgate diff: report written to %s\n", dir);
    free(dir);
    return 0;
}

/* Loads both sides, compares, reports. Returns the exit code. */
static int run_diff(const diff_args *a)
{
    pg_error err;
    pg_error_init(&err);
    time_t started = time(NULL);
    double t0 = pg_now_mono();
    pg_golden *old_g = load_side(a, a->sides[0], &err);
    pg_golden *new_g = old_g ? load_side(a, a->sides[1], &err) : NULL;
    if (!new_g) {
        print_error(&err);
        pg_golden_free(old_g);
        return PG_EXIT_ERROR;
    }
    /* the sides as printed and written: URLs redacted */
    char *shown[2];
    for (int i = 0; i < 2; i++)
        shown[i] = pg_url_is_http(a->sides[i]) ? pg_url_redact(a->sides[i])
                                               : pg_xstrdup(a->sides[i]);
    pg_diff *d = pg_diff_compute(old_g, new_g, shown[0], shown[1], &a->opts);
    free(shown[0]);
    free(shown[1]);
    int rc = pg_diff_is_empty(d) ? PG_EXIT_OK : PG_EXIT_FAIL;
    double seconds = pg_now_mono() - t0;
    char *s = NULL;
    if (a->report.place.dir &&
        write_report(a, d, started, seconds, &err) != 0)
        goto fail;
    s = pg_report_diff_stdout(d, (enum pg_report_diff_format)a->format);
    if (a->out && pg_write_file_atomic(a->out, s, strlen(s), &err))
        goto fail;
    if (!a->out)
        fputs(s, stdout);
    free(s);
    pg_diff_free(d);
    return rc;
fail:
    print_error(&err);
    free(s);
    pg_diff_free(d);
    return PG_EXIT_ERROR;
}

int pg_cmd_diff(int argc, char **argv)
{
    diff_args a;
    memset(&a, 0, sizeof a);
    a.format = PG_REPORT_DIFF_TEXT;
    a.input_format = PG_FORMAT_AUTO;
    pg_scrape_flags_init(&a.scrape);
    pg_report_flags_init(&a.report);
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        rc = run_diff(&a);
    pg_scrape_flags_release(&a.scrape);
    return rc;
}
