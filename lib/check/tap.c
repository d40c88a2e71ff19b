/* tap.c: TAP version 13 output of check results (see tap.h). */
#include "check/tap.h"

#include <string.h>

/* Appends s to a TAP description: '#' would start a directive and a
 * newline would end the line, so both are escaped. */
static void tap_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '#' || *s == '\\')
            fputc('\\', out);
        if (*s == '\n' || *s == '\r')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

/* Writes s as a double-quoted YAML scalar (JSON escapes, valid YAML). */
static void yaml_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\x%02x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void yaml_field(FILE *out, const char *indent, const char *key,
                       const char *val)
{
    if (!val)
        return;
    fprintf(out, "%s%s: ", indent, key);
    yaml_string(out, val);
    fputc('\n', out);
}

static const pg_problem *first_failure(const pg_metric_result *r)
{
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].failure)
            return &r->problems[i];
    return r->nproblems ? &r->problems[0] : NULL;
}

static void write_yaml(FILE *out, const pg_metric_result *r)
{
    fputs("  ---\n", out);
    yaml_field(out, "  ", "metric", r->metric);
    yaml_field(out, "  ", "target", r->target);
    fprintf(out, "  severity: %s\n", pg_verdict_name(r->verdict));
    yaml_field(out, "  ", "condition", r->condition);
    yaml_field(out, "  ", "rename_hint", r->rename_hint);
    yaml_field(out, "  ", "baseline", r->baseline_reason);
    if (r->nproblems)
        fputs("  problems:\n", out);
    for (size_t i = 0; i < r->nproblems; i++) {
        const pg_problem *p = &r->problems[i];
        fprintf(out, "    - code: %s\n", pg_problem_code_name(p->code));
        fprintf(out, "      failure: %s\n", p->failure ? "true" : "false");
        yaml_field(out, "      ", "message", p->message);
        yaml_field(out, "      ", "expected", p->expected);
        yaml_field(out, "      ", "got", p->got);
        if (p->line > 0)
            fprintf(out, "      line: %llu\n", (unsigned long long)p->line);
        if (p->column > 0)
            fprintf(out, "      column: %llu\n", (unsigned long long)p->column);
    }
    fputs("  ...\n", out);
}

static void write_point(FILE *out, size_t n, const pg_metric_result *r,
                        int name_targets)
{
    int ok = r->verdict != PG_VERDICT_FAIL && r->verdict != PG_VERDICT_TODO;
    fprintf(out, "%s %zu - ", ok ? "ok" : "not ok", n);
    tap_escape(out, r->metric);
    if (name_targets) {
        fputs(" @ ", out);
        tap_escape(out, r->target);
    }
    const pg_problem *p = first_failure(r);
    if (r->kind == PG_RESULT_UNDOCUMENTED)
        fputs(": undocumented", out);
    else if (p && r->verdict != PG_VERDICT_PASS && r->verdict != PG_VERDICT_SKIP) {
        fputs(": ", out);
        tap_escape(out, p->message);
        if (r->nproblems > 1)
            fprintf(out, " (+%zu more)", r->nproblems - 1);
    }
    if (r->rename_hint) {
        fputs(r->kind == PG_RESULT_UNDOCUMENTED ? " (renamed from " :
              " (renamed to ", out);
        tap_escape(out, r->rename_hint);
        fputs("?)", out);
    }
    if (r->verdict == PG_VERDICT_SKIP) {
        fputs(" # SKIP condition not enabled: ", out);
        tap_escape(out, r->condition ? r->condition : "unknown");
    } else if (r->verdict == PG_VERDICT_TODO ||
               (r->baseline_reason && r->verdict != PG_VERDICT_FAIL)) {
        /* on an ok line: a baseline entry that is no longer needed */
        fputs(" # TODO baseline: ", out);
        tap_escape(out, r->baseline_reason ? r->baseline_reason : "");
    }
    fputc('\n', out);
    if (r->verdict == PG_VERDICT_FAIL || r->verdict == PG_VERDICT_TODO ||
        r->verdict == PG_VERDICT_WARN)
        write_yaml(out, r);
}

/* 1 if the target gets the "no undocumented metrics" point: the concern
 * was judged and found nothing, which is a pass, not a skip. */
static int none_undocumented(const pg_target_result *t)
{
    if (t->error || !t->undocumented_judged)
        return 0;
    for (size_t j = 0; j < t->nresults; j++)
        if (t->results[j].kind == PG_RESULT_UNDOCUMENTED)
            return 0;
    return 1;
}

static void write_none_undocumented(FILE *out, size_t n,
                                    const pg_target_result *t,
                                    int name_targets)
{
    fprintf(out, "ok %zu - no undocumented metrics", n);
    if (name_targets) {
        fputs(" @ ", out);
        tap_escape(out, t->target);
    }
    fputc('\n', out);
}

void pg_tap_write(FILE *out, const pg_target_result *targets, size_t n,
                  int name_targets)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += targets[i].error ? 1 : targets[i].nresults +
                 (size_t)none_undocumented(&targets[i]);
    fputs("TAP version 13\n", out);
    if (total)
        fprintf(out, "1..%zu\n", total);
    else /* a plan of 0 is how TAP says everything was skipped */
        fputs("1..0 # SKIP no metric selected, or every one exempt or ignored\n", out);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const pg_target_result *t = &targets[i];
        fputs("# target ", out);
        tap_escape(out, t->target);
        if (t->error) {
            const char *why = t->check_error ? ": could not be checked\n"
                                             : ": could not be read\n";
            fputs(why, out);
            fprintf(out, "not ok %zu - ", ++k);
            tap_escape(out, t->target);
            fputs(why, out);
            fputs("  ---\n", out);
            yaml_field(out, "  ", "target", t->target);
            yaml_field(out, "  ", "error", t->error);
            fputs("  ...\n", out);
            continue;
        }
        fprintf(out, ": %llu bytes, %llu samples, %llu families, %.3f s\n",
                (unsigned long long)t->stats.bytes,
                (unsigned long long)t->stats.samples,
                (unsigned long long)t->stats.families, t->seconds);
        for (size_t j = 0; j < t->nnotes; j++) {
            fputs("# note: ", out);
            tap_escape(out, t->notes[j]);
            fputc('\n', out);
        }
        /* in the undocumented results' place: before the format one */
        int none = none_undocumented(t);
        for (size_t j = 0; j < t->nresults; j++) {
            if (none && t->results[j].kind == PG_RESULT_FORMAT) {
                write_none_undocumented(out, ++k, t, name_targets);
                none = 0;
            }
            write_point(out, ++k, &t->results[j], name_targets);
        }
        if (none)
            write_none_undocumented(out, ++k, t, name_targets);
    }
}
