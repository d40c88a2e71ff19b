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

#include "check/check.h"
#include "expo/expo.h"
#include "source/filefeed.h"
#include "specs/golden.h"
#include "check/tap.h"
#include "core/util.h"
#include "cmd.h"

#include "source/promapi.h"
#include "report/report.h"
#include "source/scrape.h"

#define ME "promgate check"

static const char usage_text[] =
    "usage: promgate check --golden GOLDEN.json --target URL|FILE|- "
    "[--target ...] [options]\n"
    "       promgate check --golden GOLDEN.json --prometheus URL "
    "--match SELECTOR [options]\n"
    "\n"
    "Checks every documented metric (presence, type, label names, label\n"
    "values, histogram and summary structure, bucket bounds) and every\n"
    "undocumented one; prints TAP version 13 for prove.\n"
    "\n"
    "targets:\n"
    "  --target URL|FILE|-        target to check (repeatable; URLs are\n"
    "                             scraped concurrently)\n"
    "  --basic-auth-file F        basic auth 'user:password' from a file\n"
    "                             (a bearer token may also come from env\n"
    "                             PROMGATE_BEARER_TOKEN); never printed\n"
    "  --wait S [--interval S]    re-scrape until every required metric is\n"
    "                             present, or S seconds passed (interval 1)\n"
    "  --save-scrape DIR          keep raw bodies and response headers\n"
    "  --prometheus URL --match SELECTOR [--target-labels L,...]\n"
    "                             check what a Prometheus server scraped,\n"
    "                             one target per instance\n"
    "  --lookback S, --limit N    with --prometheus: series seen in the last\n"
    "                             S seconds (default 300), at most N series\n"
    "                             (default 100000)\n"
    "  --empty-labels             with --prometheus: documented labels a\n"
    "                             series lacks are taken as empty values\n"
    "                             (Prometheus stores no empty label)\n"
    "\n"
    "what is checked:\n"
    "  --enable CONDITION         a conditional metric's condition holds:\n"
    "                             its absence fails (repeatable; 'all')\n"
    "  --undocumented fail|warn|ignore   undocumented metrics (default fail)\n"
    "  --exempt REGEX             undocumented names not reported "
    "(repeatable)\n"
    "  --only REGEX, --skip REGEX check only / skip matching metric names\n"
    "  --exposition prom|openmetrics|auto\n"
    "                             format to judge the scrape against\n"
    "                             (default auto: the Content-Type, else the\n"
    "                             body; a final '# EOF' means OpenMetrics);\n"
    "                             also sets --accept unless given\n"
    "  --select LIST              concerns: format,documented,histograms,\n"
    "                             undocumented (default all)\n"
    "  --baseline FILE            accepted deviations (TODO until expiry)\n"
    "  --today YYYY-MM-DD         date baseline expiry is judged on\n"
    "\n"
    "output:\n"
    "  --format tap|json          stdout format (default tap)\n"
    "  --report-dir DIR           where the report directory is written\n"
    "                             (default env PROMGATE_REPORT_DIR, else\n"
    "                             reports/ in the current directory)\n"
    "  --no-report                write no report\n"
    "\n"
    "exit codes: 0 conformant, 1 violations found, 2 could not run\n"
    "\n";

typedef struct strlist {
    const char **v;
    size_t n;
} strlist;

static void strlist_add(strlist *l, const char *s)
{
    l->v = pg_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = s;
}

typedef struct check_args {
    const char *golden_path;
    strlist targets, enable, exempt, target_labels;
    pg_scrape_flags scrape;    /* the flags every command shares */
    const char *basic_file;    /* user:password (check's own spelling) */
    double wait, interval;
    const char *save_dir;
    enum pg_undocumented_mode undocumented;
    enum pg_format exposition; /* forced parse format; AUTO decides */
    const char *only, *skip;
    unsigned select;
    const char *baseline_path;
    int json;
    const char *report_dir;    /* NULL: no report */
    int report_explicit;       /* asked for: failing to write is fatal */
    int no_report;
    const char *prometheus, *match;
    double lookback;
    long limit;
    int empty_labels;
    const char *today;
} check_args;

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, ME ": ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nRun 'promgate check --help' for usage.\n");
    va_end(ap);
    return PG_EXIT_ERROR;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_select(const char *s, unsigned *out)
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
    unsigned bits = 0;
    const char *p = s;
    while (*p) {
        size_t len = strcspn(p, ",");
        int found = 0;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (strlen(names[i].name) == len && !memcmp(p, names[i].name, len)) {
                bits |= names[i].bit;
                found = 1;
            }
        if (!found)
            return -1;
        p += len;
        if (*p == ',')
            p++;
    }
    if (!bits)
        return -1;
    *out = bits;
    return 0;
}

static void split_list(strlist *l, const char *s)
{
    while (*s) {
        size_t len = strcspn(s, ",");
        if (len)
            strlist_add(l, pg_xstrndup(s, len));
        s += len;
        if (*s == ',')
            s++;
    }
}

/* Takes the value of option `name` at argv[*i], given as "--name VALUE"
 * or "--name=VALUE". Returns 1 and sets *val (advancing *i past a separate
 * value), 0 if argv[*i] is another option, -1 if the value is missing. */
static int take(int argc, char **argv, int *i, const char *name,
                const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

/* Returns -1 to continue, else an exit code. */
static int parse_args(int argc, char **argv, check_args *a)
{
    memset(a, 0, sizeof *a);
    pg_scrape_flags_init(&a->scrape);
    a->interval = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        pg_error err;
        pg_error_init(&err);
        int r = pg_scrape_flags_parse(&a->scrape, argc, argv, &i, &err);
        if (r < 0)
            return usage_error("%s", err.text);
        if (r > 0)
            continue;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage_text, stdout);
            fputs(pg_scrape_flags_help, stdout);
            return PG_EXIT_OK;
        }
        if (!strcmp(arg, "--json")) {
            a->json = 1;
            continue;
        }
        if (!strcmp(arg, "--no-report")) {
            a->no_report = 1;
            continue;
        }
        if (!strcmp(arg, "--empty-labels")) {
            a->empty_labels = 1;
            continue;
        }
#define VALUE(name) ((r = take(argc, argv, &i, name, &v)) != 0)
        if (VALUE("--golden")) {
            if (r > 0) a->golden_path = v;
        } else if (VALUE("--target")) {
            if (r > 0) strlist_add(&a->targets, v);
        } else if (VALUE("--basic-auth-file")) {
            if (r > 0) a->basic_file = v;
        } else if (VALUE("--wait")) {
            if (r > 0 && parse_double(v, &a->wait))
                return usage_error("invalid --wait '%s': want seconds", v);
        } else if (VALUE("--interval")) {
            if (r > 0 && (parse_double(v, &a->interval) || a->interval <= 0))
                return usage_error("invalid --interval '%s': want seconds > 0",
                                   v);
        } else if (VALUE("--save-scrape")) {
            if (r > 0) a->save_dir = v;
        } else if (VALUE("--enable")) {
            if (r > 0) strlist_add(&a->enable, v);
        } else if (VALUE("--undocumented")) {
            if (r > 0) {
                if (!strcmp(v, "fail"))
                    a->undocumented = PG_UNDOCUMENTED_FAIL;
                else if (!strcmp(v, "warn"))
                    a->undocumented = PG_UNDOCUMENTED_WARN;
                else if (!strcmp(v, "ignore"))
                    a->undocumented = PG_UNDOCUMENTED_IGNORE;
                else
                    return usage_error("invalid --undocumented '%s': want "
                                       "fail, warn or ignore", v);
            }
        } else if (VALUE("--exposition")) {
            if (r > 0) {
                if (!strcmp(v, "prom"))
                    a->exposition = PG_FORMAT_PROM;
                else if (!strcmp(v, "openmetrics"))
                    a->exposition = PG_FORMAT_OPENMETRICS;
                else if (!strcmp(v, "auto"))
                    a->exposition = PG_FORMAT_AUTO;
                else
                    return usage_error("invalid --exposition '%s': want "
                                       "prom, openmetrics or auto", v);
            }
        } else if (VALUE("--exempt")) {
            if (r > 0) strlist_add(&a->exempt, v);
        } else if (VALUE("--only")) {
            if (r > 0) a->only = v;
        } else if (VALUE("--skip")) {
            if (r > 0) a->skip = v;
        } else if (VALUE("--select")) {
            if (r > 0 && parse_select(v, &a->select))
                return usage_error("invalid --select '%s': want a list of "
                                   "format, documented, histograms, "
                                   "undocumented", v);
        } else if (VALUE("--baseline")) {
            if (r > 0) a->baseline_path = v;
        } else if (VALUE("--format")) {
            if (r > 0) {
                if (!strcmp(v, "json"))
                    a->json = 1;
                else if (strcmp(v, "tap") != 0)
                    return usage_error("invalid --format '%s': want tap or "
                                       "json", v);
            }
        } else if (VALUE("--report-dir")) {
            if (r > 0) {
                a->report_dir = v;
                a->no_report = 0; /* the later flag wins */
            }
        } else if (VALUE("--prometheus")) {
            if (r > 0) a->prometheus = v;
        } else if (VALUE("--match")) {
            if (r > 0) a->match = v;
        } else if (VALUE("--target-labels")) {
            if (r > 0) split_list(&a->target_labels, v);
        } else if (VALUE("--lookback")) {
            if (r > 0 && (parse_double(v, &a->lookback) || a->lookback <= 0))
                return usage_error("invalid --lookback '%s': want seconds > 0",
                                   v);
        } else if (VALUE("--limit")) {
            if (r > 0) {
                char *end;
                errno = 0;
                a->limit = strtol(v, &end, 10);
                if (errno || *end || end == v || a->limit <= 0)
                    return usage_error("invalid --limit '%s': want a series "
                                       "count > 0", v);
            }
        } else if (VALUE("--today")) {
            if (r > 0) a->today = v;
        } else if (arg[0] == '-' && arg[1]) {
            return usage_error("unknown option '%s'", arg);
        } else {
            return usage_error("unexpected argument '%s'", arg);
        }
#undef VALUE
        if (r < 0)
            return usage_error("option '%s' needs a value", arg);
    }
    /* A report by default (the evidence of every run), under
     * PROMGATE_REPORT_DIR or ./reports; --report-dir names it. */
    const char *env_dir = getenv("PROMGATE_REPORT_DIR");
    a->report_explicit = a->report_dir || (env_dir && *env_dir);
    if (a->no_report)
        a->report_dir = NULL;
    else if (!a->report_dir)
        a->report_dir = env_dir && *env_dir ? env_dir : "reports";
    if (a->report_dir && !*a->report_dir)
        return usage_error("%s", "empty --report-dir");
    if (!a->golden_path)
        return usage_error("%s", "missing --golden");
    if (!a->targets.n && !a->prometheus)
        return usage_error("%s", "missing --target (or --prometheus)");
    if (a->prometheus && !a->match)
        return usage_error("%s", "--prometheus needs --match");
    if (a->today && (strlen(a->today) != 10 || a->today[4] != '-'))
        return usage_error("invalid --today '%s': want YYYY-MM-DD", a->today);
    if (a->basic_file && a->scrape.opts.basic_user)
        return usage_error("%s", "--basic-auth-file and --basic-auth-user "
                                 "exclude each other");
    size_t stdin_count = 0;
    for (size_t i = 0; i < a->targets.n; i++)
        stdin_count += !strcmp(a->targets.v[i], "-");
    if (stdin_count > 1)
        return usage_error("%s", "'-' (stdin) given as --target twice");
    return -1;
}

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

/* Reads a secret file's first line, without its line ending. */
static char *read_secret(const char *path, pg_error *err)
{
    char *data;
    size_t len;
    if (pg_read_file(path, &data, &len, err) != 0)
        return NULL;
    data[strcspn(data, "\r\n")] = '\0';
    return data;
}

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- one target's run ---- */

typedef struct target_run {
    const char *spec;        /* as given */
    char *name;              /* for output: credentials removed */
    const pg_check_opts *copts;
    enum pg_format format;   /* without a Content-Type (files, stdin) */
    enum pg_format forced;   /* --exposition: wins over Content-Type */
    pg_checker *checker;
    pg_parser *parser;
    int keep_raw;
    FILE *raw;               /* the raw body, spooled to a temporary file
                                rather than held in memory */
    int raw_errno;           /* why raw could not be created, or 0 */
    char *headers;           /* response headers, for --save-scrape */
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
    po.content_type = t->forced != PG_FORMAT_AUTO ? NULL : content_type;
    po.source = t->name;
    t->parser = pg_parser_new(&po, pg_checker_callbacks(), t->checker);
}

static int run_feed(target_run *t, const char *buf, size_t len)
{
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
    out->seconds = now_mono() - t->t0;
}

static void run_release(target_run *t)
{
    pg_parser_free(t->parser);
    pg_checker_free(t->checker);
    if (t->raw)
        fclose(t->raw);
    free(t->headers);
    free(t->name);
    memset(t, 0, sizeof *t);
}

/* pg_file_feed() callback: one mapped window into the target's parser. */
static int feed_window(void *ctx, const char *buf, size_t len)
{
    return run_feed(ctx, buf, len);
}

static int run_file(target_run *t, pg_target_result *out)
{
    FILE *f = strcmp(t->spec, "-") == 0 ? stdin : fopen(t->spec, "rb");
    if (!f) {
        memset(out, 0, sizeof *out);
        out->target = pg_xstrdup(t->name);
        pg_buf b = PG_BUF_INIT;
        pg_buf_addf(&b, "cannot open '%s': %s", t->spec, strerror(errno));
        out->error = pg_buf_detach(&b);
        return -1;
    }
    /* stdin is decided at its end, as before: it is read once, as it
     * comes. The file's format is looked up on every run (--wait). */
    enum pg_format given = t->format;
    if (f != stdin && t->forced == PG_FORMAT_AUTO && given == PG_FORMAT_AUTO)
        t->format = pg_file_format(fileno(f));
    run_reset(t, NULL);
    t->format = given;
    char chunk[65536];
    size_t n;
    if (f == stdin || pg_file_feed(fileno(f), feed_window, t) < 0)
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            if (run_feed(t, chunk, n))
                break;
    int bad = ferror(f);
    int saved = errno;
    if (f != stdin)
        fclose(f);
    if (bad) {
        memset(out, 0, sizeof *out);
        out->target = pg_xstrdup(t->name);
        pg_buf b = PG_BUF_INIT;
        pg_buf_addf(&b, "cannot read '%s': %s", t->spec, strerror(saved));
        out->error = pg_buf_detach(&b);
        return -1;
    }
    run_finish(t, out);
    return 0;
}

static int sink_begin(void *ctx, long status, const char *content_type)
{
    target_run *t = ctx;
    (void)status;
    run_reset(t, content_type && *content_type ? content_type : NULL);
    return 0;
}

static int sink_data(void *ctx, const char *buf, size_t len)
{
    return run_feed(ctx, buf, len);
}

/* Keeps the raw body and response headers of a target under dir. */
static int save_scrape(const char *dir, size_t idx, target_run *t,
                       pg_target_result *out, pg_error *err)
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
                 : pg_copy_stream_atomic(path.p, t->raw, err);
    if (rc == 0) {
        free(out->raw_path);
        out->raw_path = pg_xstrdup(path.p);
        if (t->headers) {
            path.len = 0;
            pg_buf_addf(&path, "%s/%s.headers", dir, slug.p);
            rc = pg_write_file_atomic(path.p, t->headers, strlen(t->headers),
                                      err);
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
static void check_targets(const check_args *a, const pg_scrape_opts *so,
                          target_run *runs, size_t n, pg_target_result *out)
{
    size_t nurl = 0;
    for (size_t i = 0; i < n; i++) {
        runs[i].t0 = now_mono();
        runs[i].keep_raw = a->save_dir != NULL || a->report_dir != NULL;
        if (pg_is_url(runs[i].spec))
            nurl++;
        else
            run_file(&runs[i], &out[i]);
    }
    if (!nurl)
        return;
    const char **urls = pg_xcalloc(nurl, sizeof *urls);
    pg_scrape_sink *sinks = pg_xcalloc(nurl, sizeof *sinks);
    pg_scrape_result *res = pg_xcalloc(nurl, sizeof *res);
    size_t *which = pg_xcalloc(nurl, sizeof *which);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (pg_is_url(runs[i].spec)) {
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
        }
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
    t.t0 = now_mono();
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
    if (pg_is_url(spec))
        return pg_url_redact(spec);
    return pg_xstrdup(strcmp(spec, "-") == 0 ? "stdin" : spec);
}

static void free_results(pg_target_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pg_target_result_release(&r[i]);
    free(r);
}

int pg_cmd_check(int argc, char **argv)
{
    check_args a;
    int rc = parse_args(argc, argv, &a);
    pg_golden *golden = NULL;
    pg_baseline *baseline = NULL;
    char *basic = NULL;
    pg_buf scratch = PG_BUF_INIT; /* raw scrapes kept for the report only */
    pg_target_result *results = NULL;
    size_t nresults = 0;
    target_run *runs = NULL;
    pg_error err;
    pg_error_init(&err);
    time_t started = time(NULL);
    double t_start = now_mono();
    if (rc >= 0)
        goto out;
    rc = PG_EXIT_ERROR;
    pg_scrape_opts *so = &a.scrape.opts;
    /* ask for the format the scrape will be judged against */
    if (a.exposition != PG_FORMAT_AUTO && so->accept == PG_FORMAT_AUTO)
        so->accept = a.exposition;
    if (isatty(STDERR_FILENO))
        so->progress = 1;

    golden = pg_golden_load(a.golden_path, &err);
    if (!golden)
        goto fail;
    if (a.baseline_path && !(baseline = pg_baseline_load(a.baseline_path, &err)))
        goto fail;
    /* A token from the environment keeps it out of argv (and ps). */
    const char *env_token = getenv("PROMGATE_BEARER_TOKEN");
    if (!so->bearer_token && env_token && *env_token)
        so->bearer_token = env_token;
    if (a.basic_file) {
        if (!(basic = read_secret(a.basic_file, &err)))
            goto fail;
        char *colon = strchr(basic, ':');
        if (!colon) {
            pg_error_set(&err, a.basic_file, 1, 0,
                         "basic auth file must hold 'user:password'");
            goto fail;
        }
        *colon = '\0';
        so->basic_user = basic;
        so->basic_password = colon + 1;
    }

    pg_check_opts copts;
    memset(&copts, 0, sizeof copts);
    copts.golden = golden;
    copts.undocumented = a.undocumented;
    copts.exempt = a.exempt.v;
    copts.nexempt = a.exempt.n;
    copts.only = a.only;
    copts.skip = a.skip;
    copts.enabled = a.enable.v;
    copts.nenabled = a.enable.n;
    copts.baseline = baseline;
    copts.today = a.today;
    copts.select = a.select;
    /* Conditions, patterns and the selection are judged once up front: a
     * bad one is a usage error, before any target is read. */
    const char *bad_condition = pg_check_unknown_condition(&copts);
    if (bad_condition) {
        rc = unknown_condition(bad_condition, a.golden_path, golden);
        goto out;
    }
    if (pg_check_opts_validate(&copts, &err) != 0)
        goto fail;

    size_t n = a.targets.n;
    runs = pg_xcalloc(n + 1, sizeof *runs);
    for (size_t i = 0; i < n; i++) {
        runs[i].spec = a.targets.v[i];
        runs[i].name = target_name(a.targets.v[i]);
        runs[i].copts = &copts;
        runs[i].format = so->accept;
        runs[i].forced = a.exposition;
    }
    /* stdin cannot be read twice: no waiting on it */
    int has_stdin = 0;
    for (size_t i = 0; i < n; i++)
        has_stdin |= !strcmp(runs[i].spec, "-");
    double deadline = now_mono() + a.wait;
    for (;;) {
        results = pg_xcalloc(n + 1, sizeof *results);
        nresults = n;
        check_targets(&a, so, runs, n, results);
        if (a.wait <= 0 || has_stdin || !still_missing(results, n) ||
            now_mono() + a.interval > deadline)
            break;
        if (so->progress)
            fprintf(stderr, ME ": waiting for documented metrics "
                    "(%.0f s left)\n", deadline - now_mono());
        free_results(results, nresults);
        results = NULL;
        struct timespec ts = { (time_t)a.interval,
                               (long)((a.interval - (double)(time_t)a.interval) *
                                      1e9) };
        nanosleep(&ts, NULL);
    }
    /* Raw scrapes are evidence: kept in --save-scrape, or for the report
     * only, in a scratch directory removed once the report is written. */
    const char *raw_dir = a.save_dir;
    if (!raw_dir && a.report_dir && n) {
        pg_buf_addf(&scratch, "%s/promgate-check.XXXXXX",
                    getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
                                                          : "/tmp");
        if (!mkdtemp(scratch.p)) {
            pg_error_set(&err, scratch.p, 0, 0, "cannot create: %s",
                         strerror(errno));
            goto fail;
        }
        raw_dir = scratch.p;
    }
    if (raw_dir)
        for (size_t i = 0; i < n; i++)
            if (!results[i].error && save_scrape(raw_dir, i, &runs[i],
                                                 &results[i], &err) != 0)
                goto fail;

    if (a.prometheus) {
        /* without --empty-labels, a label empty on every series of a
         * family is gone: the missing-label message says so */
        pg_check_opts popts = copts;
        popts.empty_labels_dropped = !a.empty_labels;
        promapi_ctx pc = { &popts, results, nresults, nresults };
        pg_promapi_opts po;
        memset(&po, 0, sizeof po);
        po.url = a.prometheus;
        po.match = a.match;
        po.headers = so->headers;
        po.nheaders = so->nheaders;
        po.bearer_token = so->bearer_token;
        po.target_labels = a.target_labels.v;
        po.ntarget_labels = a.target_labels.n;
        po.timeout = so->timeout;
        po.lookback = a.lookback;
        po.limit = a.limit;
        po.cacert = so->cacert;
        po.cert = so->cert;
        po.key = so->key;
        po.insecure = so->insecure;
        po.empty_labels = a.empty_labels;
        po.golden = golden;
        int prc = pg_promapi_collect(&po, on_instance, &pc, &err);
        results = pc.out;
        nresults = pc.n;
        if (prc != 0)
            goto fail;
        if (!nresults) {
            pg_error_set(&err, a.prometheus, 0, 0,
                         "no instance matched '%s'", a.match);
            goto fail;
        }
    }

    int any_error = 0, any_fail = 0;
    for (size_t i = 0; i < nresults; i++) {
        if (results[i].error) {
            any_error = 1;
            fprintf(stderr, ME ": %s\n", results[i].error);
        } else if (pg_target_result_failed(&results[i])) {
            any_fail = 1;
        }
    }
    pg_report_run run;
    memset(&run, 0, sizeof run);
    run.golden_path = a.golden_path;
    run.golden = golden;
    run.baseline_path = a.baseline_path;
    run.targets = results;
    run.ntargets = nresults;
    run.started = started;
    run.seconds = now_mono() - t_start;
    /* tokens and passwords a server may echo into a saved scrape */
    const char *sec[16];
    run.secrets = sec;
    run.nsecrets = pg_report_scrape_secrets(so, sec, 16);
    if (a.json) {
        char *json = pg_report_json(&run);
        fputs(json, stdout);
        if (!*json || json[strlen(json) - 1] != '\n')
            fputc('\n', stdout);
        free(json);
    } else {
        pg_tap_write(stdout, results, nresults, nresults > 1);
    }
    fflush(stdout);
    if (a.report_dir) {
        char *dir = NULL;
        if (pg_report_write_check(a.report_dir, &run, &dir, &err) != 0) {
            if (a.report_explicit)
                goto fail;
            /* the default report is a convenience: the verdict stands */
            fprintf(stderr, ME ": warning: no report: ");
            pg_error_print(&err, stderr);
            fprintf(stderr, ME ": (--report-dir DIR to write it elsewhere, "
                    "--no-report to skip it)\n");
        } else {
            fprintf(stderr, ME ": report in %s/\n", dir);
        }
        free(dir);
    }
    rc = any_error ? PG_EXIT_ERROR : any_fail ? PG_EXIT_FAIL : PG_EXIT_OK;
    goto out;
fail:
    fprintf(stderr, ME ": ");
    pg_error_print(&err, stderr);
    rc = PG_EXIT_ERROR;
out:
    if (scratch.len) {
        /* only what save_scrape() wrote: NN-<slug>.txt and .headers */
        for (size_t i = 0; i < nresults; i++) {
            const char *raw = results ? results[i].raw_path : NULL;
            if (!raw)
                continue;
            pg_buf h = PG_BUF_INIT;
            pg_buf_add(&h, raw, strlen(raw) - 4);
            pg_buf_adds(&h, ".headers");
            unlink(h.p);
            unlink(raw);
            pg_buf_release(&h);
        }
        rmdir(scratch.p);
    }
    pg_buf_release(&scratch);
    if (runs)
        for (size_t i = 0; i < a.targets.n; i++)
            run_release(&runs[i]);
    free(runs);
    free_results(results, nresults);
    pg_baseline_free(baseline);
    pg_golden_free(golden);
    free(basic);
    pg_scrape_flags_release(&a.scrape);
    free(a.targets.v);
    free(a.enable.v);
    free(a.exempt.v);
    for (size_t i = 0; i < a.target_labels.n; i++)
        free((char *)a.target_labels.v[i]);
    free(a.target_labels.v);
    return rc;
}
