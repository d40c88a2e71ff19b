/* cmd_golden.c: promgate golden: derives a golden spec from metrics docs
 * or from exposition files, optionally with an overlay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/docs.h"
#include "specs/golden.h"
#include "specs/golden_expo.h"
#include "specs/overlay.h"
#include "core/opts.h"
#include "core/util.h"
#include "cmd.h"

static const pg_opts_cmd golden_cmd = {
    "promgate golden",
    "promgate golden --from-docs DOCS... [options]\n"
    "promgate golden --from-exposition FILE... [options]\n"
    "promgate golden --conditions GOLDEN.json",
    "Derives a golden spec (golden/SCHEMA.md) from metrics docs (files,\n"
    "directories, globs; tables, metric headings, bullets, exposition\n"
    "blocks), or from exposition files merged by name (first file wins).\n"
    "--conditions lists the conditions of a golden's conditional metrics,\n"
    "one a line: the values 'promgate check --enable' takes.\n",
    "exit codes: 0 written, 1 lint findings with --lint, 2 could not run\n",
    pg_print_version,
};

struct lint_ctx {
    int show;
    size_t count;
};

/* Rules that report on the reading itself: always shown, never lint. */
static int reading_note(const char *rule)
{
    return !strcmp(rule, "unread-table") || !strcmp(rule, "table-found");
}

static void on_warn(void *ctx, const char *rule, const pg_error *w)
{
    struct lint_ctx *L = ctx;
    int note = reading_note(rule);
    if (!note)
        L->count++;
    if (!L->show && !note)
        return;
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "%s:", w->source);
    if (w->line > 0)
        pg_buf_addf(&b, "%d:", w->line);
    if (w->line > 0 && w->column > 0)
        pg_buf_addf(&b, "%d:", w->column);
    fprintf(stderr, "%s %s: %s [%s]\n", b.p, note ? "note" : "warning",
            w->text, rule);
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

/* Docs without a type column give metrics whose type is unknown; the
 * golden checks them for presence and labels only, which the user should
 * know before trusting a green check. */
static void note_untyped(const pg_golden *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->nmetrics; i++)
        n += g->metrics[i].type == PG_TYPE_NONE;
    if (n)
        fprintf(stderr, "promgate golden: note: %zu of %zu metrics have no "
                        "documented type (type null): checked for presence "
                        "and labels only\n", n, g->nmetrics);
}

static pg_golden *from_docs(const pg_opt_list *docs, const char *profile,
                            const pg_docs_opts *base, pg_error *err)
{
    pg_docs_profile *prof = NULL;
    if (profile && !(prof = pg_docs_profile_load(profile, err)))
        return NULL;
    pg_docs_opts o = *base;
    o.profile = prof;
    pg_golden *g = pg_docs_load_paths(docs->v, docs->n, &o, err);
    pg_docs_profile_free(prof);
    if (g)
        note_untyped(g);
    return g;
}

int pg_cmd_golden(int argc, char **argv)
{
    const char *out = NULL, *overlay = NULL, *version = NULL;
    const char *conditions = NULL, *profile = NULL, *root = NULL;
    pg_opt_list expo = { NULL, 0 }, docs = { NULL, 0 };
    int lint_fail = 0, lint_show = 1, keep_going = 0, rc = PG_EXIT_ERROR;
    struct lint_ctx L = { 1, 0 };

    pg_option opts[] = {
        PG_OPT_GROUP("options"),
        PG_OPT_LIST(0, "from-docs", &docs, "DOCS",
                    "derive from metrics docs: this file, directory\n"
                    "or glob and every DOCS operand (repeatable)"),
        PG_OPT_STRING(0, "profile", &profile, "FILE",
                      "docs profile: name prefix, headings to include\n"
                      "or exclude, header synonyms, conditions"),
        PG_OPT_BOOL(0, "keep-going", &keep_going,
                    "write the golden even if some metrics tables\n"
                    "could not be read (each is listed)"),
        PG_OPT_STRING(0, "docs-root", &root, "DIR",
                      "includes may not leave DIR (default: the\n"
                      "directory of each input)"),
        PG_OPT_LIST(0, "from-exposition", &expo, "FILE",
                    "derive from exposition files: this one and\n"
                    "every FILE operand (repeatable)"),
        PG_OPT_STRING('o', "output", &out, "FILE",
                      "write the golden to FILE (default: stdout)"),
        PG_OPT_STRING(0, "overlay", &overlay, "FILE",
                      "apply a hand-kept overlay (buckets, conditions,\n"
                      "label value patterns, HELP exceptions)"),
        PG_OPT_STRING(0, "spec-version", &version, "STR",
                      "version recorded in the golden (default: from\n"
                      "a file name like NAME.YYYY-MM-DD.SHA.md)"),
        PG_OPT_BOOL(0, "lint", &lint_fail,
                    "docs lint findings fail the command (exit 1)"),
        PG_OPT_SET_INT(0, "no-lint", &lint_show, 0,
                       "do not print docs lint findings"),
        PG_OPT_STRING(0, "conditions", &conditions, "GOLDEN.json",
                      "list the conditions of a golden, alone"),
        PG_OPT_END(),
    };
    int n = pg_opts_parse(&golden_cmd, opts, argc, argv);
    if (n < 0) {
        pg_opt_list_release(&expo);
        pg_opt_list_release(&docs);
        return pg_opts_exit(n);
    }
    if (conditions) {
        pg_opt_list_release(&expo);
        pg_opt_list_release(&docs);
        if (argc != 3 && argc != 2)
            return pg_opts_error(&golden_cmd, "--conditions takes no other "
                                 "option or argument");
        return list_conditions(conditions);
    }
    if (n && !docs.n && !expo.n) {
        pg_opts_error(&golden_cmd, "unexpected argument '%s'", argv[0]);
        return PG_EXIT_ERROR;
    }
    if ((docs.n != 0) == (expo.n != 0)) {
        pg_opts_error(&golden_cmd, "give exactly one of --from-docs or "
                                   "--from-exposition");
        pg_opt_list_release(&expo);
        pg_opt_list_release(&docs);
        return PG_EXIT_ERROR;
    }
    /* operands are more inputs: --from-exposition a.prom b.prom,
     * --from-docs a.md b.md docs/ */
    pg_opt_list *inputs = docs.n ? &docs : &expo;
    for (int i = 0; i < n; i++) {
        inputs->v = pg_xrealloc(inputs->v, (inputs->n + 1) * sizeof *inputs->v);
        inputs->v[inputs->n++] = argv[i];
    }
    L.show = lint_show || lint_fail;

    pg_error err;
    pg_error_init(&err);
    pg_golden *g;
    if (docs.n) {
        pg_docs_opts o = { NULL, version, on_warn, &L, NULL, keep_going, root };
        g = from_docs(&docs, profile, &o, &err);
    } else {
        g = pg_golden_from_expositions(expo.v, expo.n,
                                       version, &err);
    }
    if (!g) {
        print_error(&err);
        pg_opt_list_release(&expo);
        pg_opt_list_release(&docs);
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
    pg_opt_list_release(&expo);
    pg_opt_list_release(&docs);
    return rc;
}
