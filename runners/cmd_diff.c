/* cmd_diff.c: promgate diff OLD NEW: what changed between two releases'
 * metrics, each side a golden JSON, a docs page, an exposition file or a
 * URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "diff/diff.h"
#include "report/report.h"
#include "report/report_opts.h"
#include "source/input.h"
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
    { "text", PG_DIFF_TEXT, 0 },
    { "markdown", PG_DIFF_MARKDOWN, 0 },
    { "md", PG_DIFF_MARKDOWN, 1 },
    { "json", PG_DIFF_JSON, 0 },
    { NULL, 0, 0 },
};

/* "promgate diff: SOURCE:LINE:COL: message", as lint and check print. */
static void print_error(const pg_error *err)
{
    fputs("promgate diff: ", stderr);
    pg_error_print(err, stderr);
}

int pg_cmd_diff(int argc, char **argv)
{
    const char *out = NULL;
    pg_report_flags report;
    int fmt = PG_DIFF_TEXT;
    pg_diff_opts opts = { 0, 0 };
    pg_scrape_flags scrape;
    pg_error err;
    int rc = PG_EXIT_ERROR;

    pg_scrape_flags_init(&scrape);
    pg_report_flags_init(&report);
    pg_option table[] = {
        PG_OPT_GROUP("options"),
        PG_OPT_CHOICE(0, "format", &fmt, output_formats,
                      "output format (default: text)"),
        PG_OPT_STRING('o', "output", &out, "FILE",
                      "write the report to FILE"),
        PG_OPT_BOOL(0, "ignore-help", &opts.ignore_help,
                    "do not report HELP changes"),
        PG_OPT_BOOL(0, "no-renames", &opts.no_renames,
                    "report renames as removed + added"),
        PG_OPT_INCLUDE(pg_report_options, &report),
        PG_OPT_INCLUDE(pg_scrape_options, &scrape),
        PG_OPT_END(),
    };
    int n = pg_opts_parse(&diff_cmd, table, argc, argv);
    if (n < 0) {
        rc = pg_opts_exit(n);
        goto done;
    }
    if (n != 2) {
        pg_opts_error(&diff_cmd, "%s", n < 2 ? "want two inputs, OLD and NEW"
                                        : "too many arguments");
        goto done;
    }
    const char *sides[2] = { argv[0], argv[1] };
    pg_error_init(&err);
    for (int i = 0; i < 2; i++)
        if (pg_input_kind(sides[i], &err) < 0) {
            print_error(&err);
            goto done;
        }
    if (pg_scrape_flags_finish(&scrape, &err) ||
        pg_report_flags_finish(&report, getenv("PROMGATE_REPORT_DIR"),
                               &err)) {
        pg_opts_error(&diff_cmd, "%s", err.text);
        goto done;
    }

    pg_error_init(&err);
    time_t started = time(NULL);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pg_golden *old_g = pg_diff_load_side_opts(sides[0], &scrape.opts, &err);
    if (!old_g) {
        print_error(&err);
        goto done;
    }
    pg_golden *new_g = pg_diff_load_side_opts(sides[1], &scrape.opts, &err);
    if (!new_g) {
        print_error(&err);
        pg_golden_free(old_g);
        goto done;
    }
    pg_diff *d = pg_diff_compute(old_g, new_g, sides[0], sides[1], &opts);
    rc = pg_diff_is_empty(d) ? PG_EXIT_OK : PG_EXIT_FAIL;

    /* ---- REPORT-DIR: the reports module renders a diff into a report
     * directory here (--report-dir DIR), from `d` (lib/diff/diff.h). ---- */
    if (report.place.dir) {
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        pg_report_diff rd = { d, started,
                              (double)(t1.tv_sec - t0.tv_sec) +
                                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                              NULL, 0 };
        char *dir = NULL;
        if (pg_report_write_diff(&report.place, &rd, &dir, &err) != 0) {
            print_error(&err);
            pg_diff_free(d);
            rc = PG_EXIT_ERROR;
            goto done;
        }
        fprintf(stderr, "promgate diff: report written to %s\n", dir);
        free(dir);
    }

    char *s = pg_diff_render(d, (enum pg_diff_format)fmt);
    if (out) {
        if (pg_write_file_atomic(out, s, strlen(s), &err)) {
            print_error(&err);
            rc = PG_EXIT_ERROR;
        }
    } else {
        fputs(s, stdout);
    }
    free(s);
    pg_diff_free(d);
done:
    pg_scrape_flags_release(&scrape);
    return rc;
}
