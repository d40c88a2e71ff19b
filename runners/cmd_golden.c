/* cmd_golden.c: promgate golden: derives a golden spec from metrics docs
 * or from expositions, optionally with an overlay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/docs.h"
#include "specs/golden.h"
#include "specs/golden_expo.h"
#include "specs/errata.h"
#include "specs/goldenset.h"
#include "specs/overlay.h"
#include "core/opts.h"
#include "core/util.h"
#include "source/input.h"
#include "cmd.h"

static const pg_opts_cmd golden_cmd = {
    "promgate golden",
    "promgate golden --from-docs DOCS... [options]\n"
    "promgate golden --from-exposition FILE|-|URL... [options]\n"
    "promgate golden --conditions GOLDEN.json\n"
    "promgate golden --resolve PRODUCT@RELEASE\n"
    "promgate golden --as-documented GOLDEN",
    "Derives a golden spec (golden/SCHEMA.md) from metrics docs (files,\n"
    "directories, globs; tables, metric headings, bullets, exposition\n"
    "blocks), or from expositions (files, stdin or URLs) merged by name\n"
    "(the first that has a family wins).\n"
    "--conditions lists the conditions of a golden's conditional metrics,\n"
    "one a line: the values 'promgate check --enable' takes.\n"
    "--resolve prints the file a golden reference such as coder@v2.24.2\n"
    "resolves to (release goldens in golden/ of $PROMGATE_SHARE_DIR, by\n"
    "default the installed share/promgate or the source tree);\n"
    "--as-documented prints a golden (file or\n"
    "reference) as the docs publish it, its docs errata undone.\n",
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

/* The file a golden argument names: itself, or what a reference such as
 * coder@v2.24.2 resolves to. Caller frees; NULL with err set. */
static char *golden_file(const char *arg, pg_error *err)
{
    if (!pg_golden_ref_is(arg))
        return pg_xstrdup(arg);
    return pg_golden_resolve(arg, NULL, NULL, err);
}

/* promgate golden --resolve REF: the file, for scripts. */
static int resolve_only(const char *ref)
{
    pg_error err;
    pg_error_init(&err);
    char *path = golden_file(ref, &err);
    if (!path) {
        print_error(&err);
        return PG_EXIT_ERROR;
    }
    puts(path);
    free(path);
    return PG_EXIT_OK;
}

/* promgate golden --as-documented GOLDEN: the docs' reading. */
static int as_documented(const char *arg)
{
    pg_error err;
    pg_error_init(&err);
    char *path = golden_file(arg, &err);
    pg_golden *g = path ? pg_golden_load(path, &err) : NULL;
    free(path);
    if (!g) {
        print_error(&err);
        return PG_EXIT_ERROR;
    }
    pg_golden *d = pg_golden_as_documented(g);
    char *s = pg_golden_dumps(d);
    fputs(s, stdout);
    free(s);
    pg_golden_free(d);
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

/* The command line of a golden run. */
typedef struct golden_args {
    const char *out, *overlay, *version, *conditions, *profile, *root;
    const char *release;     /* overlay entries with a range hold for it */
    const char *resolve, *documented; /* --resolve, --as-documented */
    pg_opt_list docs;        /* files, directories, globs */
    pg_opt_list expo;        /* FILE|-|URL, in order */
    int keep_going;
    int input_format;        /* enum pg_format of the expositions */
    int lint_fail, lint_show;
    pg_scrape_flags scrape;
} golden_args;

/* Parses argv into a. Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, golden_args *a)
{
    pg_option opts[] = {
        PG_OPT_GROUP("options"),
        PG_OPT_LIST(0, "from-docs", &a->docs, "DOCS",
                    "derive from metrics docs: this file, directory\n"
                    "or glob and every DOCS operand (repeatable)"),
        PG_OPT_STRING(0, "profile", &a->profile, "FILE",
                      "docs profile: name prefix, headings to include\n"
                      "or exclude, header synonyms, conditions"),
        PG_OPT_BOOL(0, "keep-going", &a->keep_going,
                    "write the golden even if some metrics tables\n"
                    "could not be read (each is listed)"),
        PG_OPT_STRING(0, "docs-root", &a->root, "DIR",
                      "includes may not leave DIR (default: the\n"
                      "directory of each input)"),
        PG_OPT_LIST(0, "from-exposition", &a->expo, "FILE|-|URL",
                    "derive from expositions: this one and every\n"
                    "operand (files, stdin or URLs; repeatable)"),
        PG_OPT_CHOICE(0, "input-format", &a->input_format, pg_input_formats,
                      "format of the expositions (default auto: the\n"
                      "Content-Type of a URL, else the content)"),
        PG_OPT_STRING('o', "output", &a->out, "FILE",
                      "write the golden to FILE (default: stdout)"),
        PG_OPT_STRING(0, "overlay", &a->overlay, "FILE",
                      "apply a hand-kept overlay (buckets, conditions,\n"
                      "label value patterns, HELP exceptions)"),
        PG_OPT_STRING(0, "spec-version", &a->version, "STR",
                      "version recorded in the golden (default: from\n"
                      "a file name like NAME.YYYY-MM-DD.SHA.md)"),
        PG_OPT_BOOL(0, "lint", &a->lint_fail,
                    "docs lint findings fail the command (exit 1)"),
        PG_OPT_SET_INT(0, "no-lint", &a->lint_show, 0,
                       "do not print docs lint findings"),
        PG_OPT_STRING(0, "release", &a->release, "TAG",
                      "build for this release: overlay entries with a\n"
                      "release range apply when it holds the tag"),
        PG_OPT_STRING(0, "conditions", &a->conditions, "GOLDEN.json",
                      "list the conditions of a golden, alone"),
        PG_OPT_STRING(0, "resolve", &a->resolve, "REF",
                      "print the file a reference such as coder@v2.24.2\n"
                      "resolves to, alone"),
        PG_OPT_STRING(0, "as-documented", &a->documented, "GOLDEN",
                      "print a golden (file or reference) as the docs\n"
                      "publish it, alone"),
        PG_OPT_INCLUDE(pg_scrape_options, &a->scrape),
        PG_OPT_END(),
    };
    int n = pg_opts_parse(&golden_cmd, opts, argc, argv);
    if (n < 0)
        return pg_opts_exit(n);
    if (a->conditions || a->resolve || a->documented)
        return argc == 3 || argc == 2
                   ? -1
                   : pg_opts_error(&golden_cmd, "--%s takes no other option "
                                   "or argument", a->conditions ? "conditions"
                                   : a->resolve ? "resolve" : "as-documented");
    if (n && !a->docs.n && !a->expo.n)
        return pg_opts_error(&golden_cmd, "unexpected argument '%s'",
                             argv[0]);
    if ((a->docs.n != 0) == (a->expo.n != 0))
        return pg_opts_error(&golden_cmd, "give exactly one of --from-docs "
                             "or --from-exposition");
    /* operands are more inputs: --from-exposition a.prom b.prom,
     * --from-docs a.md b.md docs/ */
    pg_opt_list *inputs = a->docs.n ? &a->docs : &a->expo;
    for (int i = 0; i < n; i++) {
        inputs->v = pg_xrealloc(inputs->v, (inputs->n + 1) * sizeof *inputs->v);
        inputs->v[inputs->n++] = argv[i];
    }
    pg_error err;
    pg_error_init(&err);
    if (pg_scrape_flags_finish(&a->scrape, &err))
        return pg_opts_error(&golden_cmd, "%s", err.text);
    return -1;
}

/* Reads one exposition (file, stdin or URL) into x. */
static int add_exposition(pg_gexpo *x, const char *arg, const golden_args *a,
                          pg_error *err)
{
    char *data, *ctype;
    size_t len;
    if (pg_input_read(arg, &a->scrape.opts, &data, &len, &ctype, err))
        return -1;
    char *shown = pg_url_is_http(arg) ? pg_url_redact(arg) : NULL;
    const char *forced = pg_input_format_content_type(a->input_format);
    int rc = pg_gexpo_add(x, data, len, shown ? shown : arg,
                          forced ? forced : ctype, err);
    free(shown);
    free(ctype);
    free(data);
    return rc;
}

/* Merges the expositions in order (the first that has a family wins). */
static pg_golden *from_expositions(const golden_args *a, pg_error *err)
{
    pg_gexpo *x = pg_gexpo_new();
    for (size_t i = 0; i < a->expo.n; i++)
        if (add_exposition(x, a->expo.v[i], a, err)) {
            pg_gexpo_free(x);
            return NULL;
        }
    const char *first = a->expo.v[0];
    char *v = a->version || pg_url_is_http(first) || !strcmp(first, "-")
                  ? NULL : pg_docs_version_from_name(first);
    pg_golden *g = pg_gexpo_finish(x, a->version ? a->version : v);
    free(v);
    return g;
}

/* The golden, its overlay applied, written to -o or stdout. Returns the
 * exit code. */
static int make_golden(const golden_args *a)
{
    struct lint_ctx L = { a->lint_show || a->lint_fail, 0 };
    pg_error err;
    pg_error_init(&err);
    pg_golden *g;
    if (a->docs.n) {
        pg_docs_opts o = { NULL, a->version, on_warn, &L, NULL, a->keep_going,
                           a->root };
        g = from_docs(&a->docs, a->profile, &o, &err);
    } else {
        g = from_expositions(a, &err);
    }
    if (!g) {
        print_error(&err);
        return PG_EXIT_ERROR;
    }
    int rc = PG_EXIT_ERROR;
    if (a->overlay) {
        pg_overlay *ov = pg_overlay_load(a->overlay, &err);
        if (!ov) {
            print_error(&err);
            goto done;
        }
        /* Overlay findings are always shown and never fail the command:
         * they concern the overlay, not the docs being linted. */
        struct lint_ctx O = { 1, 0 };
        pg_overlay_set_release(ov, a->release);
        pg_overlay_apply(ov, g, on_warn, &O);
        pg_overlay_free(ov);
    }
    if (a->out) {
        if (pg_golden_save(g, a->out, &err)) {
            print_error(&err);
            goto done;
        }
    } else {
        char *s = pg_golden_dumps(g);
        fputs(s, stdout);
        free(s);
    }
    rc = a->lint_fail && L.count ? PG_EXIT_FAIL : PG_EXIT_OK;
    if (rc == PG_EXIT_FAIL)
        fprintf(stderr, "promgate golden: %zu lint finding%s\n", L.count,
                L.count == 1 ? "" : "s");
done:
    pg_golden_free(g);
    return rc;
}

int pg_cmd_golden(int argc, char **argv)
{
    golden_args a;
    memset(&a, 0, sizeof a);
    a.lint_show = 1;
    a.input_format = PG_FORMAT_AUTO;
    pg_scrape_flags_init(&a.scrape);
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        rc = a.conditions ? list_conditions(a.conditions)
             : a.resolve  ? resolve_only(a.resolve)
             : a.documented ? as_documented(a.documented)
                            : make_golden(&a);
    pg_opt_list_release(&a.expo);
    pg_opt_list_release(&a.docs);
    pg_scrape_flags_release(&a.scrape);
    return rc;
}
