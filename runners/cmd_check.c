/* cmd_check.c: promgate check: scrapes targets (URLs, files, stdin or what
 * a Prometheus server already scraped), streams each body through the
 * parser into a checker, and prints TAP (or JSON) verdicts against a
 * golden spec. Exit 0 conformant, 1 violations, 2 could not run. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/expo.h"
#include "../lib/golden.h"
#include "../lib/tap.h"
#include "../lib/util.h"
#include "cmd.h"

/* mk/check.mk defines these once the module's implementation is in the
 * tree, so this command builds while its neighbours are in progress. */
#ifdef PG_HAVE_SCRAPE
#include "../lib/scrape.h"
#endif
#ifdef PG_HAVE_REPORT
#include "../lib/report.h"
#endif
#ifdef PG_HAVE_PROMAPI
#include "../lib/promapi.h"
#endif

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
    "targets and scraping:\n"
    "  --target URL|FILE|-        target to check (repeatable; URLs are\n"
    "                             scraped concurrently)\n"
    "  --header 'Name: value'     extra request header (repeatable)\n"
    "  --bearer-token-file F      bearer token from file (or env\n"
    "                             PROMGATE_BEARER_TOKEN); never printed\n"
    "  --basic-auth-file F        'user:password' from file\n"
    "  --cacert F, --cert F, --key F, --insecure   TLS\n"
    "  --timeout S                seconds per attempt (default 10)\n"
    "  --max-bytes N[K|M|G]       cap on a body (default 256M)\n"
    "  --retries N                extra attempts after a failure\n"
    "  --accept prom|openmetrics|auto   content negotiation (default auto)\n"
    "  --wait S [--interval S]    re-scrape until every required metric is\n"
    "                             present, or S seconds passed (interval 1)\n"
    "  --save-scrape DIR          keep raw bodies and response headers\n"
    "  --prometheus URL --match SELECTOR [--target-labels L,...]\n"
    "                             check what a Prometheus server scraped,\n"
    "                             one target per instance\n"
    "\n"
    "what is checked:\n"
    "  --enable CONDITION         a conditional metric's condition holds:\n"
    "                             its absence fails (repeatable; 'all')\n"
    "  --undocumented fail|warn|ignore   undocumented metrics (default fail)\n"
    "  --exempt REGEX             undocumented names not reported "
    "(repeatable)\n"
    "  --only REGEX, --skip REGEX check only / skip matching metric names\n"
    "  --select LIST              concerns: format,documented,histograms,\n"
    "                             undocumented (default all)\n"
    "  --baseline FILE            accepted deviations (TODO until expiry)\n"
    "\n"
    "output:\n"
    "  --format tap|json          stdout format (default tap)\n"
    "  --report-dir DIR           write a report directory under DIR\n"
    "\n"
    "exit codes: 0 conformant, 1 violations found, 2 could not run\n";

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
    strlist targets, headers, enable, exempt, target_labels;
    const char *token_file, *basic_file, *cacert, *cert, *key;
    int insecure;
    double timeout;
    uint64_t max_bytes;
    int retries;
    enum pg_format accept;
    double wait, interval;
    const char *save_dir;
    enum pg_undocumented_mode undocumented;
    const char *only, *skip;
    unsigned select;
    const char *baseline_path;
    int json;
    const char *report_dir;
    const char *prometheus, *match;
    const char *today;
    int progress;
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

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    uint64_t mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024ull * 1024 * 1024, end++;
    if (*end)
        return -1;
    *out = (uint64_t)v * mul;
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

enum {
    OPT_GOLDEN = 256, OPT_TARGET, OPT_HEADER, OPT_TOKEN_FILE, OPT_BASIC_FILE,
    OPT_CACERT, OPT_CERT, OPT_KEY, OPT_INSECURE, OPT_TIMEOUT, OPT_MAX_BYTES,
    OPT_RETRIES, OPT_ACCEPT, OPT_WAIT, OPT_INTERVAL, OPT_SAVE, OPT_ENABLE,
    OPT_UNDOC, OPT_EXEMPT, OPT_ONLY, OPT_SKIP, OPT_SELECT, OPT_BASELINE,
    OPT_FORMAT, OPT_REPORT_DIR, OPT_PROMETHEUS, OPT_MATCH, OPT_TARGET_LABELS,
    OPT_TODAY, OPT_HELP
};

static const struct option long_opts[] = {
    { "golden", required_argument, NULL, OPT_GOLDEN },
    { "target", required_argument, NULL, OPT_TARGET },
    { "header", required_argument, NULL, OPT_HEADER },
    { "bearer-token-file", required_argument, NULL, OPT_TOKEN_FILE },
    { "basic-auth-file", required_argument, NULL, OPT_BASIC_FILE },
    { "cacert", required_argument, NULL, OPT_CACERT },
    { "cert", required_argument, NULL, OPT_CERT },
    { "key", required_argument, NULL, OPT_KEY },
    { "insecure", no_argument, NULL, OPT_INSECURE },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
    { "retries", required_argument, NULL, OPT_RETRIES },
    { "accept", required_argument, NULL, OPT_ACCEPT },
    { "wait", required_argument, NULL, OPT_WAIT },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "save-scrape", required_argument, NULL, OPT_SAVE },
    { "enable", required_argument, NULL, OPT_ENABLE },
    { "undocumented", required_argument, NULL, OPT_UNDOC },
    { "exempt", required_argument, NULL, OPT_EXEMPT },
    { "only", required_argument, NULL, OPT_ONLY },
    { "skip", required_argument, NULL, OPT_SKIP },
    { "select", required_argument, NULL, OPT_SELECT },
    { "baseline", required_argument, NULL, OPT_BASELINE },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "report-dir", required_argument, NULL, OPT_REPORT_DIR },
    { "prometheus", required_argument, NULL, OPT_PROMETHEUS },
    { "match", required_argument, NULL, OPT_MATCH },
    { "target-labels", required_argument, NULL, OPT_TARGET_LABELS },
    { "today", required_argument, NULL, OPT_TODAY },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

/* Returns -1 to continue, else an exit code. */
static int parse_args(int argc, char **argv, check_args *a)
{
    memset(a, 0, sizeof *a);
    a->interval = 1;
    a->retries = -1;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_GOLDEN: a->golden_path = optarg; break;
        case OPT_TARGET: strlist_add(&a->targets, optarg); break;
        case OPT_HEADER:
            if (!strchr(optarg, ':'))
                return usage_error("invalid header '%s' (want 'Name: value')",
                                   optarg);
            strlist_add(&a->headers, optarg);
            break;
        case OPT_TOKEN_FILE: a->token_file = optarg; break;
        case OPT_BASIC_FILE: a->basic_file = optarg; break;
        case OPT_CACERT: a->cacert = optarg; break;
        case OPT_CERT: a->cert = optarg; break;
        case OPT_KEY: a->key = optarg; break;
        case OPT_INSECURE: a->insecure = 1; break;
        case OPT_TIMEOUT:
            if (parse_double(optarg, &a->timeout) || a->timeout <= 0)
                return usage_error("invalid --timeout '%s'", optarg);
            break;
        case OPT_MAX_BYTES:
            if (parse_size(optarg, &a->max_bytes) || !a->max_bytes)
                return usage_error("invalid --max-bytes '%s'", optarg);
            break;
        case OPT_RETRIES: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 100)
                return usage_error("invalid --retries '%s'", optarg);
            a->retries = (int)v;
            break;
        }
        case OPT_ACCEPT:
            if (!strcmp(optarg, "prom"))
                a->accept = PG_FORMAT_PROM;
            else if (!strcmp(optarg, "openmetrics"))
                a->accept = PG_FORMAT_OPENMETRICS;
            else if (!strcmp(optarg, "auto"))
                a->accept = PG_FORMAT_AUTO;
            else
                return usage_error("invalid --accept '%s' (want prom, "
                                   "openmetrics or auto)", optarg);
            break;
        case OPT_WAIT:
            if (parse_double(optarg, &a->wait))
                return usage_error("invalid --wait '%s'", optarg);
            break;
        case OPT_INTERVAL:
            if (parse_double(optarg, &a->interval) || a->interval <= 0)
                return usage_error("invalid --interval '%s'", optarg);
            break;
        case OPT_SAVE: a->save_dir = optarg; break;
        case OPT_ENABLE: strlist_add(&a->enable, optarg); break;
        case OPT_UNDOC:
            if (!strcmp(optarg, "fail"))
                a->undocumented = PG_UNDOCUMENTED_FAIL;
            else if (!strcmp(optarg, "warn"))
                a->undocumented = PG_UNDOCUMENTED_WARN;
            else if (!strcmp(optarg, "ignore"))
                a->undocumented = PG_UNDOCUMENTED_IGNORE;
            else
                return usage_error("invalid --undocumented '%s' (want fail, "
                                   "warn or ignore)", optarg);
            break;
        case OPT_EXEMPT: strlist_add(&a->exempt, optarg); break;
        case OPT_ONLY: a->only = optarg; break;
        case OPT_SKIP: a->skip = optarg; break;
        case OPT_SELECT:
            if (parse_select(optarg, &a->select))
                return usage_error("invalid --select '%s' (want a list of "
                                   "format, documented, histograms, "
                                   "undocumented)", optarg);
            break;
        case OPT_BASELINE: a->baseline_path = optarg; break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "json"))
                a->json = 1;
            else if (strcmp(optarg, "tap") != 0)
                return usage_error("invalid --format '%s' (want tap or json)",
                                   optarg);
            break;
        case OPT_REPORT_DIR: a->report_dir = optarg; break;
        case OPT_PROMETHEUS: a->prometheus = optarg; break;
        case OPT_MATCH: a->match = optarg; break;
        case OPT_TARGET_LABELS: split_list(&a->target_labels, optarg); break;
        case OPT_TODAY: a->today = optarg; break;
        case 'h':
        case OPT_HELP:
            fputs(usage_text, stdout);
            return PG_EXIT_OK;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->golden_path)
        return usage_error("%s", "missing --golden");
    if (!a->targets.n && !a->prometheus)
        return usage_error("%s", "missing --target (or --prometheus)");
    if (a->prometheus && !a->match)
        return usage_error("%s", "--prometheus needs --match");
    if (a->today && (strlen(a->today) != 10 || a->today[4] != '-'))
        return usage_error("invalid --today '%s' (want YYYY-MM-DD)", a->today);
    size_t stdin_count = 0;
    for (size_t i = 0; i < a->targets.n; i++)
        stdin_count += !strcmp(a->targets.v[i], "-");
    if (stdin_count > 1)
        return usage_error("%s", "'-' (stdin) given as --target twice");
    return -1;
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
    enum pg_format format;
    pg_checker *checker;
    pg_parser *parser;
    pg_error err;
    int keep_raw;
    pg_buf raw;
    char *headers;           /* response headers, for --save-scrape */
    double t0;
} target_run;

static void run_reset(target_run *t, const char *content_type)
{
    pg_parser_free(t->parser);
    pg_checker_free(t->checker);
    t->parser = NULL;
    t->raw.len = 0;
    pg_error err;
    pg_error_init(&err);
    t->checker = pg_checker_new(t->copts, t->name, &err);
    if (!t->checker) /* patterns were compiled once before: cannot fail */
        abort();
    pg_parser_opts po;
    memset(&po, 0, sizeof po);
    po.format = content_type ? PG_FORMAT_AUTO : t->format;
    po.content_type = content_type;
    po.source = t->name;
    t->parser = pg_parser_new(&po, pg_checker_callbacks(), t->checker);
}

static int run_feed(target_run *t, const char *buf, size_t len)
{
    if (t->keep_raw)
        pg_buf_add(&t->raw, buf, len);
    return pg_parser_feed(t->parser, buf, len) != 0;
}

static void run_finish(target_run *t, pg_target_result *out)
{
    pg_parser_finish(t->parser);
    pg_checker_finish(t->checker, out);
    pg_parser_stats(t->parser, &out->stats);
    out->seconds = now_mono() - t->t0;
}

static void run_release(target_run *t)
{
    pg_parser_free(t->parser);
    pg_checker_free(t->checker);
    pg_buf_release(&t->raw);
    free(t->headers);
    free(t->name);
    memset(t, 0, sizeof *t);
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
    run_reset(t, NULL);
    char chunk[65536];
    size_t n;
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

#ifdef PG_HAVE_SCRAPE
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
#endif

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
    int rc = pg_write_file_atomic(path.p, t->raw.p ? t->raw.p : "",
                                  t->raw.len, err);
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

typedef struct scrape_cfg {
    const check_args *a;
    const char *token;
    const char *basic_user, *basic_password;
} scrape_cfg;

/* One pass over every --target: files in turn, URLs concurrently. */
static void check_targets(const scrape_cfg *sc, target_run *runs, size_t n,
                          pg_target_result *out)
{
    const check_args *a = sc->a;
    size_t nurl = 0;
    for (size_t i = 0; i < n; i++) {
        runs[i].t0 = now_mono();
        runs[i].keep_raw = a->save_dir != NULL;
#ifdef PG_HAVE_SCRAPE
        if (pg_is_url(runs[i].spec)) {
            nurl++;
            continue;
        }
#endif
        run_file(&runs[i], &out[i]);
    }
    if (!nurl)
        return;
#ifdef PG_HAVE_SCRAPE
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
    pg_scrape_opts so;
    memset(&so, 0, sizeof so);
    so.headers = a->headers.v;
    so.nheaders = a->headers.n;
    so.bearer_token = sc->token;
    so.basic_user = sc->basic_user;
    so.basic_password = sc->basic_password;
    so.cacert = a->cacert;
    so.cert = a->cert;
    so.key = a->key;
    so.insecure = a->insecure;
    so.timeout = a->timeout;
    so.max_bytes = a->max_bytes;
    so.retries = a->retries < 0 ? 0 : a->retries;
    so.backoff = 0.5;
    so.max_redirects = 5;
    so.accept = a->accept;
    so.progress = a->progress;
    pg_scrape_all(urls, nurl, &so, sinks, res);
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
#else
    for (size_t i = 0; i < n; i++)
        if (!out[i].target) {
            out[i].target = pg_xstrdup(runs[i].name);
            out[i].error = pg_xstrdup("URL targets are not supported by this "
                                      "build (no lib/scrape.c)");
        }
#endif
}

#ifdef PG_HAVE_PROMAPI
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
#endif

static char *target_name(const char *spec)
{
#ifdef PG_HAVE_SCRAPE
    if (pg_is_url(spec))
        return pg_url_redact(spec);
#endif
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
    char *token = NULL, *basic = NULL;
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
    a.progress = isatty(STDERR_FILENO);

    golden = pg_golden_load(a.golden_path, &err);
    if (!golden)
        goto fail;
    if (a.baseline_path && !(baseline = pg_baseline_load(a.baseline_path, &err)))
        goto fail;
    if (a.token_file) {
        if (!(token = read_secret(a.token_file, &err)))
            goto fail;
    } else if (getenv("PROMGATE_BEARER_TOKEN") && *getenv("PROMGATE_BEARER_TOKEN")) {
        token = pg_xstrdup(getenv("PROMGATE_BEARER_TOKEN"));
    }
    scrape_cfg sc = { &a, token, NULL, NULL };
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
        sc.basic_user = basic;
        sc.basic_password = colon + 1;
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
    /* Compile every pattern once up front: a bad one is a usage error. */
    pg_checker *probe = pg_checker_new(&copts, "-", &err);
    if (!probe)
        goto fail;
    pg_checker_free(probe);

    size_t n = a.targets.n;
    runs = pg_xcalloc(n + 1, sizeof *runs);
    for (size_t i = 0; i < n; i++) {
        runs[i].spec = a.targets.v[i];
        runs[i].name = target_name(a.targets.v[i]);
        runs[i].copts = &copts;
        runs[i].format = a.accept;
    }
    double deadline = now_mono() + a.wait;
    for (;;) {
        results = pg_xcalloc(n + 1, sizeof *results);
        nresults = n;
        check_targets(&sc, runs, n, results);
        if (a.wait <= 0 || !still_missing(results, n) ||
            now_mono() + a.interval > deadline)
            break;
        if (a.progress)
            fprintf(stderr, ME ": waiting for documented metrics "
                    "(%.0f s left)\n", deadline - now_mono());
        free_results(results, nresults);
        results = NULL;
        struct timespec ts = { (time_t)a.interval,
                               (long)((a.interval - (double)(time_t)a.interval) *
                                      1e9) };
        nanosleep(&ts, NULL);
        /* stdin cannot be read twice */
        int has_stdin = 0;
        for (size_t i = 0; i < n; i++)
            has_stdin |= !strcmp(runs[i].spec, "-");
        if (has_stdin)
            break;
    }
    if (!results) {
        results = pg_xcalloc(n + 1, sizeof *results);
        nresults = n;
        check_targets(&sc, runs, n, results);
    }
    if (a.save_dir)
        for (size_t i = 0; i < n; i++)
            if (!results[i].error && save_scrape(a.save_dir, i, &runs[i],
                                                 &results[i], &err) != 0)
                goto fail;

    if (a.prometheus) {
#ifdef PG_HAVE_PROMAPI
        promapi_ctx pc = { &copts, results, nresults, nresults };
        pg_promapi_opts po;
        memset(&po, 0, sizeof po);
        po.url = a.prometheus;
        po.match = a.match;
        po.headers = a.headers.v;
        po.nheaders = a.headers.n;
        po.bearer_token = token;
        po.target_labels = a.target_labels.v;
        po.ntarget_labels = a.target_labels.n;
        po.timeout = a.timeout;
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
#else
        pg_error_set(&err, NULL, 0, 0,
                     "--prometheus is not supported by this build");
        goto fail;
#endif
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
#if defined(PG_HAVE_REPORT)
    pg_report_run run;
    memset(&run, 0, sizeof run);
    run.golden_path = a.golden_path;
    run.golden = golden;
    run.baseline_path = a.baseline_path;
    run.targets = results;
    run.ntargets = nresults;
    run.started = started;
    run.seconds = now_mono() - t_start;
#endif
    if (a.json) {
#ifdef PG_HAVE_REPORT
        char *json = pg_report_json(&run);
        fputs(json, stdout);
        if (!*json || json[strlen(json) - 1] != '\n')
            fputc('\n', stdout);
        free(json);
#else
        pg_error_set(&err, NULL, 0, 0,
                     "--format json is not supported by this build");
        goto fail;
#endif
    } else {
        pg_tap_write(stdout, results, nresults, nresults > 1);
    }
    fflush(stdout);
    if (a.report_dir) {
#ifdef PG_HAVE_REPORT
        char *dir = NULL;
        if (pg_report_write_check(a.report_dir, &run, &dir, &err) != 0)
            goto fail;
        fprintf(stderr, ME ": report written to %s\n", dir);
        free(dir);
#else
        pg_error_set(&err, NULL, 0, 0,
                     "--report-dir is not supported by this build");
        goto fail;
#endif
    }
    (void)started;
    (void)t_start;
    rc = any_error ? PG_EXIT_ERROR : any_fail ? PG_EXIT_FAIL : PG_EXIT_OK;
    goto out;
fail:
    fprintf(stderr, ME ": ");
    pg_error_print(&err, stderr);
    rc = PG_EXIT_ERROR;
out:
    if (runs)
        for (size_t i = 0; i < a.targets.n; i++)
            run_release(&runs[i]);
    free(runs);
    free_results(results, nresults);
    pg_baseline_free(baseline);
    pg_golden_free(golden);
    free(token);
    free(basic);
    free(a.targets.v);
    free(a.headers.v);
    free(a.enable.v);
    free(a.exempt.v);
    for (size_t i = 0; i < a.target_labels.n; i++)
        free((char *)a.target_labels.v[i]);
    free(a.target_labels.v);
    return rc;
}
