/* report_render.c: test driver for the report module. Builds a
 * pg_report_run from a JSON description (fixtures/report/<case>/run.json)
 * and renders it.
 *
 *   pg-report-render json|md|html|junit RUN.json
 *   pg-report-render dir RUN.json DIR [--now] [--repeat N]
 *   pg-report-render diff json|md|html|junit|dir OLD NEW [DIR]
 *                                            (release diff; time fixed)
 *   pg-report-render compat json|md|html|junit|dir RUN.json [DIR]
 *                                            (a compat matrix: "url",
 *                                             "requests", "findings",
 *                                             "secrets"; time fixed)
 *   pg-report-render scrape-secrets TOKEN PASSWORD [HEADER...]
 *                                            (prints pg_scrape_secrets)
 *   pg-report-render jsoncheck REPORT.json   (exit 0 if it parses and has
 *                                             a summary object)
 *
 * Strings in RUN.json may carry raw bytes as "\\xHH" (so fixtures can hold
 * invalid UTF-8). "secrets" lists values the report must never show. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/report_compat.h"
#include "source/scrape.h"
#include "source/spec_input.h"

/* New string with "\xHH" sequences decoded; NULL for null or absent. */
static char *str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    pg_buf b = PG_BUF_INIT;
    pg_buf_adds(&b, "");
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1] == 'x' && pg_hex_digit(s[i + 2]) >= 0 &&
            pg_hex_digit(s[i + 3]) >= 0) {
            pg_buf_addc(&b, (char)(pg_hex_digit(s[i + 2]) * 16 + pg_hex_digit(s[i + 3])));
            i += 3;
            continue;
        }
        pg_buf_addc(&b, s[i]);
    }
    return pg_buf_detach(&b);
}

static long num(json_t *obj, const char *key)
{
    return (long)json_integer_value(json_object_get(obj, key));
}

/* The library's own names, so the renderer reads every name a report
 * can hold and no table here can lag behind. */
static const char *verdict_name(int i) { return pg_verdict_name((enum pg_verdict)i); }
static const char *kind_name(int i) { return pg_result_kind_name((enum pg_result_kind)i); }
static const char *code_name(int i) { return pg_problem_code_name((enum pg_problem_code)i); }

static int enum_of(json_t *obj, const char *key, const char *(*name)(int))
{
    const char *s = json_string_value(json_object_get(obj, key));
    for (int i = 0; s && strcmp(name(i), "unknown") != 0; i++)
        if (!strcmp(s, name(i)))
            return i;
    fprintf(stderr, "report_render: bad %s '%s'\n", key, s ? s : "(null)");
    exit(2);
}

static void load_result(json_t *j, pg_metric_result *m, const char *target)
{
    m->target = pg_xstrdup(target);
    m->metric = str(j, "metric");
    m->kind = (enum pg_result_kind)enum_of(j, "kind", kind_name);
    m->verdict = (enum pg_verdict)enum_of(j, "verdict", verdict_name);
    m->condition = str(j, "condition");
    m->baseline_reason = str(j, "baseline_reason");
    m->rename_hint = str(j, "rename_hint");
    json_t *ps = json_object_get(j, "problems");
    m->nproblems = json_array_size(ps);
    m->problems = pg_xcalloc(m->nproblems + 1, sizeof *m->problems);
    for (size_t i = 0; i < m->nproblems; i++) {
        json_t *p = json_array_get(ps, i);
        pg_problem *q = &m->problems[i];
        q->code = (enum pg_problem_code)enum_of(p, "code", code_name);
        q->failure = json_is_true(json_object_get(p, "failure"));
        q->message = str(p, "message");
        q->expected = str(p, "expected");
        q->got = str(p, "got");
        q->line = (int)num(p, "line");
        q->column = (int)num(p, "column");
    }
}

static void load_target(json_t *j, pg_target_result *t)
{
    t->target = str(j, "target");
    t->error = str(j, "error");
    t->raw_path = str(j, "raw_path");
    t->seconds = json_number_value(json_object_get(j, "seconds"));
    json_t *n = json_object_get(j, "negotiation");
    if (json_is_object(n)) {
        const char *body = json_string_value(json_object_get(n, "body_format"));
        t->negotiated.accept = str(n, "accept");
        t->negotiated.content_type = str(n, "content_type");
        t->negotiated.body = !body ? PG_FORMAT_AUTO
                             : !strcmp(body, "protobuf") ? PG_FORMAT_PROTOBUF
                             : !strcmp(body, "openmetrics")
                                 ? PG_FORMAT_OPENMETRICS : PG_FORMAT_PROM;
    }
    json_t *s = json_object_get(j, "stats");
    t->stats.bytes = (uint64_t)num(s, "bytes");
    t->stats.lines = (uint64_t)num(s, "lines");
    t->stats.samples = (uint64_t)num(s, "samples");
    t->stats.families = (uint64_t)num(s, "families");
    t->stats.errors = (uint64_t)num(s, "errors");
    t->stats.warnings = (uint64_t)num(s, "warnings");
    json_t *rs = json_object_get(j, "results");
    t->nresults = json_array_size(rs);
    t->results = pg_xcalloc(t->nresults + 1, sizeof *t->results);
    for (size_t i = 0; i < t->nresults; i++)
        load_result(json_array_get(rs, i), &t->results[i], t->target);
}

static void free_target(pg_target_result *t)
{
    for (size_t i = 0; i < t->nresults; i++) {
        pg_metric_result *m = &t->results[i];
        for (size_t k = 0; k < m->nproblems; k++) {
            free(m->problems[k].message);
            free(m->problems[k].expected);
            free(m->problems[k].got);
        }
        free(m->problems);
        free(m->target);
        free(m->metric);
        free(m->condition);
        free(m->baseline_reason);
        free(m->rename_hint);
    }
    free(t->results);
    free(t->target);
    free(t->error);
    free(t->raw_path);
    free(t->negotiated.accept);
    free(t->negotiated.content_type);
}

static int unknown_format(const char *fmt)
{
    fprintf(stderr, "report_render: unknown format '%s'\n", fmt);
    return 2;
}

/* Prints and frees a report rendered to text (NULL: written to a
 * directory, or not rendered). */
static void print_report(char *out)
{
    if (out) {
        fputs(out, stdout);
        free(out);
    }
}

static int render_diff(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: pg-report-render diff FORMAT OLD NEW [DIR]\n");
        return 2;
    }
    pg_error err;
    pg_error_init(&err);
    pg_golden *o = pg_spec_input_read(argv[3], NULL, NULL, &err);
    pg_golden *n = o ? pg_spec_input_read(argv[4], NULL, NULL, &err) : NULL;
    if (!n) {
        pg_error_print(&err, stderr);
        pg_golden_free(o);
        return 2;
    }
    pg_diff *d = pg_diff_compute(o, n, argv[3], argv[4], NULL);
    pg_report_diff r = { d, (time_t)1783332000, 0.5, NULL, 0 };
    const char *fmt = argv[2];
    char *out = NULL;
    int rc = 0;
    if (!strcmp(fmt, "json"))
        out = pg_report_diff_json(&r);
    else if (!strcmp(fmt, "md"))
        out = pg_report_diff_markdown(&r);
    else if (!strcmp(fmt, "html"))
        out = pg_report_diff_html(&r);
    else if (!strcmp(fmt, "junit"))
        out = pg_report_diff_junit(&r);
    else if (!strcmp(fmt, "dir") && argc >= 6) {
        char *dir = NULL;
        pg_report_place where = { argv[5], 0, 0 };
        if (pg_report_write_diff(&where, &r, &dir, &err) != 0) {
            pg_error_print(&err, stderr);
            rc = 2;
        } else {
            printf("%s\n", dir);
        }
        free(dir);
    } else {
        rc = unknown_format(fmt);
    }
    print_report(out);
    pg_diff_free(d);
    return rc;
}

/* The body format named in a fixture ("prom", "openmetrics",
 * "protobuf"), PG_FORMAT_AUTO for anything else. */
static enum pg_format format_named(const char *s)
{
    for (int f = PG_FORMAT_PROM; s && f <= PG_FORMAT_PROTOBUF; f++)
        if (!strcmp(s, pg_format_name((enum pg_format)f)))
            return (enum pg_format)f;
    return PG_FORMAT_AUTO;
}

/* Copies the decoded string of key into a fixed field of a probe. */
static void str_into(json_t *obj, const char *key, char *out, size_t cap)
{
    char *v = str(obj, key);
    snprintf(out, cap, "%s", v ? v : "");
    free(v);
}

static void load_probe(json_t *j, pg_compat_probe *p)
{
    str_into(j, "label", p->label, sizeof p->label);
    p->accept = str(j, "accept");
    p->res.ok = json_is_true(json_object_get(j, "ok"));
    p->res.status = num(j, "status");
    str_into(j, "content_type", p->res.content_type,
             sizeof p->res.content_type);
    str_into(j, "error", p->res.error, sizeof p->res.error);
    p->judged.accepted = json_is_true(json_object_get(j, "accepted"));
    p->judged.warning = json_is_true(json_object_get(j, "warning"));
    str_into(j, "why", p->judged.why, sizeof p->judged.why);
    p->real = format_named(json_string_value(json_object_get(j, "body")));
    p->errors = (unsigned long)num(j, "errors");
    const char *esc = json_string_value(json_object_get(j, "escaping"));
    if (esc && pg_escaping_parse(esc, &p->escaping) != 0) {
        fprintf(stderr, "report_render: bad escaping '%s'\n", esc);
        exit(2);
    }
    p->escaping_wrong = json_is_true(json_object_get(j, "escaping_wrong"));
    str_into(j, "escaping_why", p->escaping_why, sizeof p->escaping_why);
    str_into(j, "first_error", p->first_error, sizeof p->first_error);
}

static char **load_strings(json_t *a, size_t *n)
{
    *n = json_array_size(a);
    char **v = pg_xcalloc(*n + 1, sizeof *v);
    for (size_t i = 0; i < *n; i++) {
        json_t *box = json_pack("{s:O}", "s", json_array_get(a, i));
        v[i] = str(box, "s");
        json_decref(box);
    }
    return v;
}

static char *render_compat_as(const char *fmt, pg_report_compat *r,
                              const char *dir, int *rc)
{
    if (!strcmp(fmt, "json"))
        return pg_report_compat_json(r);
    if (!strcmp(fmt, "md"))
        return pg_report_compat_markdown(r);
    if (!strcmp(fmt, "html"))
        return pg_report_compat_html(r);
    if (!strcmp(fmt, "junit"))
        return pg_report_compat_junit(r);
    if (strcmp(fmt, "dir") || !dir) {
        *rc = unknown_format(fmt);
        return NULL;
    }
    pg_error err;
    pg_error_init(&err);
    char *out = NULL;
    pg_report_place where = { dir, 0, 0 };
    if (pg_report_write_compat(&where, r, &out, &err) != 0) {
        pg_error_print(&err, stderr);
        *rc = 2;
        return NULL;
    }
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "%s\n", out);
    free(out);
    return pg_buf_detach(&b);
}

static int render_compat(int argc, char **argv)
{
    json_error_t jerr;
    json_t *doc = argc >= 4 ? json_load_file(argv[3], 0, &jerr) : NULL;
    if (!doc) {
        fprintf(stderr, "usage: pg-report-render compat FORMAT RUN.json "
                        "[DIR]\n");
        return 2;
    }
    json_t *reqs = json_object_get(doc, "requests");
    size_t np = json_array_size(reqs), ns, nf;
    pg_compat_probe *probes = pg_xcalloc(np + 1, sizeof *probes);
    for (size_t i = 0; i < np; i++)
        load_probe(json_array_get(reqs, i), &probes[i]);
    char **secrets = load_strings(json_object_get(doc, "secrets"), &ns);
    char **findings = load_strings(json_object_get(doc, "findings"), &nf);
    char *url = str(doc, "url");
    pg_report_compat r = { url, probes, np, NULL, 0, (time_t)1783332000,
                           0.5, (const char *const *)secrets, ns };
    for (size_t i = 0; i < nf; i++)
        pg_report_compat_add_finding(&r, findings[i]);
    int rc = 0;
    print_report(render_compat_as(argv[2], &r, argc >= 5 ? argv[4] : NULL,
                                  &rc));
    pg_report_compat_release(&r);
    for (size_t i = 0; i < np; i++)
        free(probes[i].accept);
    free(probes);
    for (size_t i = 0; i < ns; i++)
        free(secrets[i]);
    for (size_t i = 0; i < nf; i++)
        free(findings[i]);
    free(secrets);
    free(findings);
    free(url);
    json_decref(doc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: pg-report-render json|md|html|junit|dir "
                        "RUN.json [DIR [--now] [--repeat N]]\n");
        return 2;
    }
    json_error_t jerr;
    if (!strcmp(argv[1], "diff"))
        return render_diff(argc, argv);
    if (!strcmp(argv[1], "compat"))
        return render_compat(argc, argv);
    if (!strcmp(argv[1], "scrape-secrets")) {
        pg_scrape_opts so;
        memset(&so, 0, sizeof so);
        so.bearer_token = *argv[2] ? argv[2] : NULL;
        so.basic_password = *argv[3] ? argv[3] : NULL;
        so.headers = (const char *const *)argv + 4;
        so.nheaders = (size_t)(argc - 4);
        const char *out[16];
        size_t n = pg_scrape_secrets(&so, out, 16);
        for (size_t i = 0; i < n; i++)
            printf("%s\n", out[i]);
        return 0;
    }
    if (!strcmp(argv[1], "jsoncheck")) {
        json_t *r = json_load_file(argv[2], 0, &jerr);
        int good = r && json_is_object(json_object_get(r, "summary"));
        if (!r)
            fprintf(stderr, "%s:%d:%d: %s\n", argv[2], jerr.line,
                    jerr.column, jerr.text);
        json_decref(r);
        return good ? 0 : 1;
    }
    json_t *doc = json_load_file(argv[2], 0, &jerr);
    if (!doc) {
        fprintf(stderr, "%s:%d:%d: %s\n", argv[2], jerr.line, jerr.column,
                jerr.text);
        return 2;
    }
    pg_golden golden;
    memset(&golden, 0, sizeof golden);
    json_t *g = json_object_get(doc, "golden");
    golden.kind = str(g, "kind");
    golden.version = str(g, "version");
    golden.nmetrics = (size_t)num(g, "metrics");
    json_t *srcs = json_object_get(g, "sources");
    golden.nsources = json_array_size(srcs);
    golden.sources = pg_xcalloc(golden.nsources + 1, sizeof *golden.sources);
    for (size_t i = 0; i < golden.nsources; i++) {
        golden.sources[i].file = str(json_array_get(srcs, i), "file");
        golden.sources[i].sha256 = str(json_array_get(srcs, i), "sha256");
    }
    json_t *ov = json_object_get(g, "overlay");
    golden.overlay.file = str(ov, "file");
    golden.overlay.sha256 = str(ov, "sha256");

    json_t *ts = json_object_get(doc, "targets");
    size_t nt = json_array_size(ts);
    pg_target_result *targets = pg_xcalloc(nt + 1, sizeof *targets);
    for (size_t i = 0; i < nt; i++)
        load_target(json_array_get(ts, i), &targets[i]);
    json_t *ss = json_object_get(doc, "secrets");
    size_t ns = json_array_size(ss);
    char **secrets = pg_xcalloc(ns + 1, sizeof *secrets);
    for (size_t i = 0; i < ns; i++)
        secrets[i] = pg_xstrdup(json_string_value(json_array_get(ss, i)));

    pg_report_run run;
    memset(&run, 0, sizeof run);
    run.golden_path = str(doc, "golden_path");
    run.golden = g ? &golden : NULL;
    run.baseline_path = str(doc, "baseline_path");
    run.targets = targets;
    run.ntargets = nt;
    run.started = (time_t)num(doc, "started");
    run.seconds = json_number_value(json_object_get(doc, "seconds"));
    run.secrets = (const char *const *)secrets;
    run.nsecrets = ns;

    int rc = 0;
    const char *fmt = argv[1];
    char *out = NULL;
    if (!strcmp(fmt, "json"))
        out = pg_report_json(&run);
    else if (!strcmp(fmt, "md"))
        out = pg_report_markdown(&run);
    else if (!strcmp(fmt, "html"))
        out = pg_report_html(&run);
    else if (!strcmp(fmt, "junit"))
        out = pg_report_junit(&run);
    else if (!strcmp(fmt, "dir") && argc >= 4) {
        long repeat = 1;
        for (int i = 4; i < argc; i++) {
            if (!strcmp(argv[i], "--now"))
                run.started = time(NULL);
            else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
                repeat = strtol(argv[++i], NULL, 10);
        }
        for (long k = 0; k < repeat || repeat <= 0; k++) {
            pg_error err;
            pg_error_init(&err);
            char *dir = NULL;
            pg_report_place where = { argv[3], 0, 0 };
            if (pg_report_write_check(&where, &run, &dir, &err) != 0) {
                pg_error_print(&err, stderr);
                rc = 2;
                break;
            }
            if (repeat == 1)
                printf("%s\n", dir);
            free(dir);
        }
    } else {
        rc = unknown_format(fmt);
    }
    print_report(out);
    for (size_t i = 0; i < nt; i++)
        free_target(&targets[i]);
    free(targets);
    for (size_t i = 0; i < ns; i++)
        free(secrets[i]);
    free(secrets);
    for (size_t i = 0; i < golden.nsources; i++) {
        free(golden.sources[i].file);
        free(golden.sources[i].sha256);
    }
    free(golden.sources);
    free(golden.overlay.file);
    free(golden.overlay.sha256);
    free(golden.kind);
    free(golden.version);
    free((char *)run.golden_path);
    free((char *)run.baseline_path);
    json_decref(doc);
    return rc;
}
