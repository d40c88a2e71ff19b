/* cmd_diff.c: promgate diff OLD NEW: what changed between two releases'
 * metrics, each side a golden JSON, a docs page, an exposition file or a
 * URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "diff/diff.h"
#include "report/report.h"
#include "source/scrape.h"
#include "core/util.h"
#include "cmd.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: promgate diff [options] OLD NEW\n"
        "\n"
        "Compares two metric sets: each side is a golden JSON, a docs Markdown\n"
        "page, an exposition file or an http(s) URL (scraped). Reports metrics\n"
        "added, removed, renamed (by similarity) and changed (type, labels,\n"
        "bucket bounds, HELP).\n"
        "\n"
        "options:\n"
        "  --format text|markdown|json   output format (default: text)\n"
        "  -o, --output FILE             write the report to FILE\n"
        "  --ignore-help                 do not report HELP changes\n"
        "  --no-renames                  report renames as removed + added\n"
        "  --report-dir DIR              also write a report directory under\n"
        "                                DIR (Markdown, JSON, HTML, JUnit)\n"
        "  -h, --help                    this help\n"
        "\n"
        "For URL sides, the scrape options of lint and check apply.\n");
    fputs(pg_scrape_flags_help, out);
    fprintf(out,
        "\n"
        "exit codes: 0 equal, 1 different, 2 unreadable input or bad usage\n");
}

/* "promgate diff: SOURCE:LINE:COL: message", as lint and check print. */
static void print_error(const pg_error *err)
{
    fputs("promgate diff: ", stderr);
    pg_error_print(err, stderr);
}

int pg_cmd_diff(int argc, char **argv)
{
    const char *sides[2] = { NULL, NULL }, *out = NULL, *report_dir = NULL;
    size_t nsides = 0;
    enum pg_diff_format fmt = PG_DIFF_TEXT;
    pg_diff_opts opts = { 0, 0 };
    pg_scrape_flags scrape;
    pg_error err;
    int rc = PG_EXIT_ERROR;

    pg_scrape_flags_init(&scrape);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        pg_error_init(&err);
        int r = pg_scrape_flags_parse(&scrape, argc, argv, &i, &err);
        if (r < 0) {
            fprintf(stderr, "promgate diff: %s\n", err.text);
            goto done;
        }
        if (r > 0)
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            rc = PG_EXIT_OK;
            goto done;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            if (pg_diff_format_parse(argv[++i], &fmt)) {
                fprintf(stderr, "promgate diff: unknown format '%s'\n", argv[i]);
                goto done;
            }
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(a, "--report-dir") && i + 1 < argc) {
            report_dir = argv[++i];
        } else if (!strcmp(a, "--ignore-help")) {
            opts.ignore_help = 1;
        } else if (!strcmp(a, "--no-renames")) {
            opts.no_renames = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "promgate diff: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            goto done;
        } else if (nsides < 2) {
            sides[nsides++] = a;
        } else {
            fprintf(stderr, "promgate diff: too many arguments\n");
            usage(stderr);
            goto done;
        }
    }
    if (nsides != 2) {
        fprintf(stderr, "promgate diff: want two inputs, OLD and NEW\n");
        usage(stderr);
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
    if (report_dir) {
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        pg_report_diff rd = { d, started,
                              (double)(t1.tv_sec - t0.tv_sec) +
                                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                              NULL, 0 };
        char *dir = NULL;
        if (pg_report_write_diff(report_dir, &rd, &dir, &err) != 0) {
            print_error(&err);
            pg_diff_free(d);
            rc = PG_EXIT_ERROR;
            goto done;
        }
        fprintf(stderr, "promgate diff: report written to %s\n", dir);
        free(dir);
    }

    char *s = pg_diff_render(d, fmt);
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
