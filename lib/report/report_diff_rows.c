/* report_diff_rows.c: the rows every diff report renders. A row is a
 * metric of the diff with its kind (removed, renamed, changed, added,
 * corrected, unchanged), in the order the reports list them, and the
 * details phrase of its change; the JSON, Markdown, HTML and JUnit
 * renderers read the same rows, so they list the same metrics. */
#include <string.h>

#include "report/report_int.h"

static const char *const kind_names[] = { "removed", "renamed", "changed",
                                          "added", "corrected", "unchanged" };

const char *pg__report_drow_kind(enum pg__drow_kind k)
{
    return kind_names[k];
}

#define BREAKING_WHAT (PG_DIFF_TYPE | PG_DIFF_LABELS | PG_DIFF_BUCKETS)

/* 1 if an entry of v is about the metric name on either side. */
static int has_name(const pg_diff_entry *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if ((v[i].new_m && !strcmp(v[i].new_m->name, name)) ||
            (v[i].old_m && !strcmp(v[i].old_m->name, name)))
            return 1;
    return 0;
}

static void push(pg__drow **rows, size_t *n, enum pg__drow_kind k,
                 const pg_diff_entry *e, const pg_golden_metric *o,
                 const pg_golden_metric *m)
{
    enum pg_verdict v = PG_VERDICT_PASS;
    if (k == PG__D_REMOVED || k == PG__D_RENAMED ||
        (k == PG__D_CHANGED && (e->what & BREAKING_WHAT)))
        v = PG_VERDICT_FAIL;
    else if (k != PG__D_UNCHANGED)
        v = PG_VERDICT_WARN;
    (*rows)[(*n)++] = (pg__drow){ k, v, e, o, m };
}

/* Every metric of either side once, failures first, then notes, then
 * unchanged; by kind, then in the diff's (name) order. */
static pg__drow *diff_rows(const pg_diff *d, size_t *n, pg__dcounts *c)
{
    size_t cap = d->nadded + d->nremoved + d->nrenamed + d->nchanged +
                 d->ncorrected + d->new_g->nmetrics + 1;
    pg__drow *rows = pg_xcalloc(cap, sizeof *rows), *out;
    size_t k = 0;
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < d->nremoved; i++)
        push(&rows, &k, PG__D_REMOVED, &d->removed[i], d->removed[i].old_m, NULL);
    for (size_t i = 0; i < d->nrenamed; i++)
        push(&rows, &k, PG__D_RENAMED, &d->renamed[i], d->renamed[i].old_m,
             d->renamed[i].new_m);
    for (size_t i = 0; i < d->nchanged; i++)
        push(&rows, &k, PG__D_CHANGED, &d->changed[i], d->changed[i].old_m,
             d->changed[i].new_m);
    for (size_t i = 0; i < d->nadded; i++)
        push(&rows, &k, PG__D_ADDED, &d->added[i], NULL, d->added[i].new_m);
    for (size_t i = 0; i < d->ncorrected; i++)
        push(&rows, &k, PG__D_CORRECTED, &d->corrected[i],
             d->corrected[i].old_m, d->corrected[i].new_m);
    for (size_t i = 0; i < d->new_g->nmetrics; i++) {
        const pg_golden_metric *m = &d->new_g->metrics[i];
        const pg_golden_metric *o = pg_golden_find(d->old_g, m->name);
        if (o && !has_name(d->changed, d->nchanged, m->name) &&
            !has_name(d->renamed, d->nrenamed, m->name) &&
            !has_name(d->corrected, d->ncorrected, m->name) &&
            !has_name(d->added, d->nadded, m->name) &&
            !has_name(d->removed, d->nremoved, m->name))
            push(&rows, &k, PG__D_UNCHANGED, NULL, o, m);
    }
    /* Stable partition by verdict rank: FAIL, WARN, PASS. */
    out = pg_xcalloc(cap, sizeof *out);
    size_t j = 0;
    static const enum pg_verdict order[] = { PG_VERDICT_FAIL, PG_VERDICT_WARN,
                                             PG_VERDICT_PASS };
    for (size_t o = 0; o < 3; o++)
        for (size_t i = 0; i < k; i++)
            if (rows[i].verdict == order[o])
                out[j++] = rows[i];
    free(rows);
    c->added = d->nadded;
    c->removed = d->nremoved;
    c->renamed = d->nrenamed;
    c->changed = d->nchanged;
    c->corrected = d->ncorrected;
    for (size_t i = 0; i < j; i++) {
        c->unchanged += out[i].kind == PG__D_UNCHANGED;
        c->breaking += out[i].verdict == PG_VERDICT_FAIL;
        c->notes += out[i].verdict == PG_VERDICT_WARN;
    }
    *n = j;
    return out;
}

const char *pg__report_drow_name(const pg__drow *r)
{
    return r->old_m ? r->old_m->name : r->new_m->name;
}

char *pg__report_drow_details(const pg__drow *r)
{
    pg_buf b = PG_BUF_INIT;
    const pg_diff_entry *e = r->e;
    switch (r->kind) {
    case PG__D_REMOVED:
    case PG__D_ADDED:
        pg_buf_addf(&b, "metric '%s' %s", pg__report_drow_name(r),
                    r->kind == PG__D_ADDED ? "added" : "removed");
        if (pg__report_diff_served_note(e))
            pg_buf_addf(&b, ": %s", pg__report_diff_served_note(e));
        break;
    case PG__D_CORRECTED:
        pg__report_diff_correction(&b, e);
        break;
    case PG__D_UNCHANGED:
        pg_buf_adds(&b, "unchanged");
        break;
    case PG__D_RENAMED:
        pg_buf_addf(&b, "renamed to '%s'", r->new_m->name);
        if (e->rename_reason)
            pg_buf_addf(&b, " (%s, similarity %.2f)", e->rename_reason,
                        e->similarity);
        else
            pg_buf_addf(&b, " (similarity %.2f)", e->similarity);
        if (e->what)
            pg_buf_adds(&b, "; ");
        pg__report_diff_changes(&b, e, "");
        break;
    case PG__D_CHANGED:
        pg__report_diff_changes(&b, e, "");
        break;
    }
    return pg_buf_detach(&b);
}

/* The cleaning functions take a run for its secrets only. */
pg_report_run pg__report_diff_secrets_run(const pg_report_diff *r)
{
    pg_report_run run;
    memset(&run, 0, sizeof run);
    run.secrets = r->secrets;
    run.nsecrets = r->nsecrets;
    return run;
}

void pg__report_dview_init(pg__dview *v, const pg_report_diff *r)
{
    v->run = pg__report_diff_secrets_run(r);
    v->rows = diff_rows(r->diff, &v->n, &v->c);
    pg__report_time_iso(r->started, v->started);
}

void pg__report_dview_release(pg__dview *v)
{
    free(v->rows);
    v->rows = NULL;
}
