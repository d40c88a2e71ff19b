/* cmd_golden.c: promgate golden: derives a golden spec from a docs page's
 * metrics table or from exposition files, optionally with an overlay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/docs.h"
#include "specs/golden.h"
#include "specs/golden_expo.h"
#include "specs/overlay.h"
#include "core/util.h"
#include "cmd.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: promgate golden --from-docs DOCS.md [options]\n"
        "       promgate golden --from-exposition FILE... [options]\n"
        "       promgate golden --conditions GOLDEN.json\n"
        "\n"
        "Derives a golden spec (golden/SCHEMA.md) from a docs page's metrics\n"
        "table, or from exposition files merged by name (first file wins).\n"
        "--conditions lists the conditions of a golden's conditional metrics,\n"
        "one a line: the values 'promgate check --enable' takes.\n"
        "\n"
        "options:\n"
        "  -o, --output FILE   write the golden to FILE (default: stdout)\n"
        "  --overlay FILE      apply a hand-kept overlay (buckets, conditions,\n"
        "                      label value patterns, HELP exceptions)\n"
        "  --version STR       version recorded in the golden (default: from\n"
        "                      a file name like NAME.YYYY-MM-DD.SHA.md)\n"
        "  --lint              docs lint findings fail the command (exit 1)\n"
        "  --no-lint           do not print docs lint findings\n"
        "  -h, --help          this help\n"
        "\n"
        "exit codes: 0 written, 1 lint findings with --lint, 2 could not run\n");
}

struct lint_ctx {
    int show;
    size_t count;
};

static void on_warn(void *ctx, const char *rule, const pg_error *w)
{
    struct lint_ctx *L = ctx;
    L->count++;
    if (!L->show)
        return;
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "%s:", w->source);
    if (w->line > 0)
        pg_buf_addf(&b, "%d:", w->line);
    if (w->line > 0 && w->column > 0)
        pg_buf_addf(&b, "%d:", w->column);
    fprintf(stderr, "%s warning: %s [%s]\n", b.p, w->text, rule);
    pg_buf_release(&b);
}

/* "promgate golden: SOURCE:LINE:COL: message", as lint and check print. */
static void print_error(const pg_error *err)
{
    fputs("promgate golden: ", stderr);
    pg_error_print(err, stderr);
}

/* promgate golden --conditions GOLDEN: what --enable accepts. */
static int list_conditions(const char *path)
{
    pg_error err;
    pg_error_init(&err);
    pg_golden *g = pg_golden_load(path, &err);
    if (!g) {
        print_error(&err);
        return PG_EXIT_ERROR;
    }
    pg_golden_print_conditions(g, stdout, "", NULL);
    pg_golden_free(g);
    return PG_EXIT_OK;
}

int pg_cmd_golden(int argc, char **argv)
{
    const char *docs = NULL, *out = NULL, *overlay = NULL, *version = NULL;
    const char **expo = NULL;
    size_t nexpo = 0;
    int lint_fail = 0, lint_show = 1, rc = PG_EXIT_ERROR;
    struct lint_ctx L = { 1, 0 };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(expo);
            return PG_EXIT_OK;
        } else if (!strcmp(a, "--conditions") && has_next && argc == 3) {
            free(expo);
            return list_conditions(argv[++i]);
        } else if (!strcmp(a, "--from-docs") && has_next) {
            docs = argv[++i];
        } else if (!strcmp(a, "--from-exposition") && has_next) {
            /* Every following non-option argument is an input file. */
            while (i + 1 < argc && (argv[i + 1][0] != '-' || !strcmp(argv[i + 1], "-"))) {
                expo = pg_xrealloc(expo, (nexpo + 1) * sizeof *expo);
                expo[nexpo++] = argv[++i];
            }
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
            out = argv[++i];
        } else if (!strcmp(a, "--overlay") && has_next) {
            overlay = argv[++i];
        } else if (!strcmp(a, "--version") && has_next) {
            version = argv[++i];
        } else if (!strcmp(a, "--lint")) {
            lint_fail = 1;
        } else if (!strcmp(a, "--no-lint")) {
            lint_show = 0;
        } else {
            fprintf(stderr, "promgate golden: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            free(expo);
            return PG_EXIT_ERROR;
        }
    }
    if ((docs != NULL) == (nexpo != 0)) {
        fprintf(stderr, "promgate golden: give exactly one of --from-docs "
                        "or --from-exposition\n");
        usage(stderr);
        free(expo);
        return PG_EXIT_ERROR;
    }
    L.show = lint_show || lint_fail;

    pg_error err;
    pg_error_init(&err);
    pg_golden *g;
    if (docs) {
        pg_docs_opts o = { docs, version, on_warn, &L };
        g = pg_docs_load(docs, &o, &err);
    } else {
        g = pg_golden_from_expositions((const char *const *)expo, nexpo,
                                       version, &err);
    }
    if (!g) {
        print_error(&err);
        free(expo);
        return PG_EXIT_ERROR;
    }
    if (overlay) {
        pg_overlay *ov = pg_overlay_load(overlay, &err);
        if (!ov) {
            print_error(&err);
            goto done;
        }
        /* Overlay findings are always shown and never fail the command:
         * they concern the overlay, not the docs being linted. */
        struct lint_ctx O = { 1, 0 };
        pg_overlay_apply(ov, g, on_warn, &O);
        pg_overlay_free(ov);
    }
    if (out) {
        if (pg_golden_save(g, out, &err)) {
            print_error(&err);
            goto done;
        }
    } else {
        char *s = pg_golden_dumps(g);
        fputs(s, stdout);
        free(s);
    }
    rc = lint_fail && L.count ? PG_EXIT_FAIL : PG_EXIT_OK;
    if (rc == PG_EXIT_FAIL)
        fprintf(stderr, "promgate golden: %zu lint finding%s\n", L.count,
                L.count == 1 ? "" : "s");
done:
    pg_golden_free(g);
    free(expo);
    return rc;
}
