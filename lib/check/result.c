/* result.c: names and lifetime of check results (see result.h). */
#include "check/result.h"

#include <stdlib.h>
#include <string.h>

/* One name per code, checked at compile time, so a new code cannot
 * reach a report as "unknown". */
static const char *const problem_names[] = {
    [PG_PROBLEM_MISSING] = "missing",
    [PG_PROBLEM_TYPE] = "type",
    [PG_PROBLEM_LABELS_MISSING] = "labels_missing",
    [PG_PROBLEM_LABELS_EXTRA] = "labels_extra",
    [PG_PROBLEM_LABEL_VALUE] = "label_value",
    [PG_PROBLEM_STRUCTURE] = "structure",
    [PG_PROBLEM_BUCKETS] = "buckets",
    [PG_PROBLEM_HELP] = "help",
    [PG_PROBLEM_UNDOCUMENTED] = "undocumented",
    [PG_PROBLEM_FORMAT] = "format",
    [PG_PROBLEM_BASELINE] = "baseline",
    [PG_PROBLEM_ERRATUM] = "erratum",
    [PG_PROBLEM_NATIVE] = "native",
};
_Static_assert(sizeof problem_names / sizeof *problem_names ==
                   PG_PROBLEM_NATIVE + 1,
               "one name per problem code");

const char *pg_problem_code_name(enum pg_problem_code c)
{
    if ((size_t)c < sizeof problem_names / sizeof *problem_names)
        return problem_names[c];
    return "unknown";
}

int pg_problem_code_parse(const char *s, enum pg_problem_code *out)
{
    for (size_t i = 0; i < sizeof problem_names / sizeof *problem_names; i++)
        if (!strcmp(s, problem_names[i])) {
            *out = (enum pg_problem_code)i;
            return 0;
        }
    return -1;
}

const char *pg_verdict_name(enum pg_verdict v)
{
    static const char *const names[] = {
        [PG_VERDICT_PASS] = "pass", [PG_VERDICT_FAIL] = "fail",
        [PG_VERDICT_SKIP] = "skip", [PG_VERDICT_TODO] = "todo",
        [PG_VERDICT_WARN] = "warn",
    };
    _Static_assert(sizeof names / sizeof *names == PG_VERDICT_WARN + 1,
                   "one name per verdict");
    if ((size_t)v < sizeof names / sizeof *names)
        return names[v];
    return "unknown";
}

const char *pg_result_kind_name(enum pg_result_kind k)
{
    static const char *const names[] = {
        [PG_RESULT_DOCUMENTED] = "documented",
        [PG_RESULT_UNDOCUMENTED] = "undocumented",
        [PG_RESULT_FORMAT] = "format",
    };
    _Static_assert(sizeof names / sizeof *names == PG_RESULT_FORMAT + 1,
                   "one name per result kind");
    if ((size_t)k < sizeof names / sizeof *names)
        return names[k];
    return "unknown";
}

int pg_target_result_failed(const pg_target_result *r)
{
    if (r->error)
        return 1;
    for (size_t i = 0; i < r->nresults; i++)
        if (r->results[i].verdict == PG_VERDICT_FAIL)
            return 1;
    return 0;
}

static void metric_result_release(pg_metric_result *m)
{
    free(m->target);
    free(m->metric);
    free(m->condition);
    free(m->baseline_reason);
    free(m->rename_hint);
    for (size_t i = 0; i < m->nproblems; i++) {
        free(m->problems[i].message);
        free(m->problems[i].expected);
        free(m->problems[i].got);
    }
    free(m->problems);
}

void pg_target_result_release(pg_target_result *r)
{
    if (!r)
        return;
    free(r->target);
    free(r->error);
    free(r->raw_path);
    for (size_t i = 0; i < r->nnotes; i++)
        free(r->notes[i]);
    free(r->notes);
    free(r->negotiated.accept);
    free(r->negotiated.content_type);
    for (size_t i = 0; i < r->nresults; i++)
        metric_result_release(&r->results[i]);
    free(r->results);
    memset(r, 0, sizeof *r);
}

void pg_target_result_format_problem(pg_target_result *r, int failure,
                                     const char *expected, const char *got,
                                     const char *message)
{
    for (size_t i = 0; i < r->nresults; i++) {
        pg_metric_result *m = &r->results[i];
        if (m->kind != PG_RESULT_FORMAT)
            continue;
        m->problems = pg_xrealloc(m->problems,
                                  (m->nproblems + 1) * sizeof *m->problems);
        pg_problem *p = &m->problems[m->nproblems++];
        memset(p, 0, sizeof *p);
        p->code = PG_PROBLEM_FORMAT;
        p->failure = failure;
        p->message = pg_xstrdup(message);
        p->expected = expected ? pg_xstrdup(expected) : NULL;
        p->got = got ? pg_xstrdup(got) : NULL;
        if (failure)
            m->verdict = PG_VERDICT_FAIL;
        else if (m->verdict == PG_VERDICT_PASS)
            m->verdict = PG_VERDICT_WARN;
    }
}

void pg_target_result_note(pg_target_result *r, const char *note)
{
    r->notes = pg_xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
    r->notes[r->nnotes++] = pg_xstrdup(note);
}
