/* report.c: the report model every renderer shares: what a result counts
 * as, the row order (failures first), and cleaning text before it is
 * written anywhere (valid UTF-8, no credentials). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report_int.h"
#include "core/redact.h"

enum pg__report_status pg__report_status_of(const pg_metric_result *m)
{
    if (m->verdict == PG_VERDICT_TODO)
        return PG__ST_ACCEPTED;
    if (m->kind == PG_RESULT_FORMAT)
        return m->verdict == PG_VERDICT_FAIL ? PG__ST_FORMAT_ERROR
                                             : PG__ST_FORMAT_OK;
    if (m->kind == PG_RESULT_UNDOCUMENTED)
        return PG__ST_UNDOCUMENTED;
    if (m->verdict == PG_VERDICT_SKIP)
        return PG__ST_SKIPPED;
    if (m->verdict == PG_VERDICT_FAIL) {
        for (size_t i = 0; i < m->nproblems; i++)
            if (m->problems[i].code == PG_PROBLEM_MISSING)
                return PG__ST_MISSING;
        return PG__ST_CHANGED;
    }
    return PG__ST_CONFORMANT;
}

const char *pg__report_status_name(enum pg__report_status s)
{
    static const char *const names[] = {
        "conformant", "missing", "changed", "undocumented",
        "skipped_conditional", "accepted_by_baseline", "format_ok",
        "format_error", "unreadable"
    };
    return names[s];
}

/* Human wording of a status, for Markdown and HTML. */
const char *pg__report_status_label(enum pg__report_status s)
{
    static const char *const labels[] = {
        "conformant", "missing", "changed", "undocumented",
        "skipped (conditional)", "accepted by baseline", "format ok",
        "format error", "unreadable"
    };
    return labels[s];
}

/* Documented metrics every target must serve: the golden's metrics
 * without a condition. */
static size_t required_metrics(const pg_golden *g)
{
    size_t n = 0;
    for (size_t i = 0; g && g->metrics && i < g->nmetrics; i++)
        n += g->metrics[i].condition == NULL;
    return n;
}

void pg__report_count_target(const pg_report_run *run,
                             const pg_target_result *t, pg__report_counts *c)
{
    if (t->error) {
        /* A target that could not be read has seen none of what it must
         * serve: it lowers the coverage instead of leaving it out. */
        c->unreadable++;
        c->failures++;
        c->expected += required_metrics(run->golden);
    }
    for (size_t i = 0; i < t->nresults; i++) {
        const pg_metric_result *m = &t->results[i];
        enum pg__report_status s = pg__report_status_of(m);
        c->rows++;
        if (m->verdict == PG_VERDICT_FAIL)
            c->failures++;
        if (m->verdict == PG_VERDICT_WARN)
            c->warnings++;
        switch (s) {
        case PG__ST_CONFORMANT: c->conformant++; break;
        case PG__ST_MISSING: c->missing++; break;
        case PG__ST_CHANGED: c->changed++; break;
        case PG__ST_UNDOCUMENTED:
            c->undocumented++;
            c->undocumented_failed += m->verdict == PG_VERDICT_FAIL;
            break;
        case PG__ST_SKIPPED: c->skipped++; break;
        case PG__ST_ACCEPTED: c->accepted++; break;
        case PG__ST_FORMAT_ERROR: c->format_errors++; break;
        case PG__ST_FORMAT_OK: case PG__ST_UNREADABLE: break;
        }
        /* Coverage counts documented metrics the run expects: all but
         * conditional ones whose condition is off. A baseline-accepted
         * metric is expected; it is seen unless it is missing. */
        if (m->kind == PG_RESULT_DOCUMENTED && m->verdict != PG_VERDICT_SKIP) {
            int missing = 0;
            for (size_t j = 0; j < m->nproblems; j++)
                if (m->problems[j].code == PG_PROBLEM_MISSING)
                    missing = 1;
            c->expected++;
            if (!missing)
                c->seen++;
        }
    }
}

void pg__report_count_run(const pg_report_run *run, pg__report_counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < run->ntargets; i++)
        pg__report_count_target(run, &run->targets[i], c);
}

int pg__report_run_failed(const pg__report_counts *c)
{
    return c->failures > 0;
}

double pg__report_coverage(const pg__report_counts *c)
{
    if (!c->expected)
        return -1;
    return (double)c->seen / (double)c->expected;
}

/* Severity rank of the order of pg__report_rows(): 0 fails first. */
static int verdict_rank(enum pg_verdict v)
{
    switch (v) {
    case PG_VERDICT_FAIL: return 0;
    case PG_VERDICT_TODO: return 1;
    case PG_VERDICT_WARN: return 2;
    case PG_VERDICT_SKIP: return 3;
    case PG_VERDICT_PASS: return 4;
    }
    return 0;
}

static const pg_report_run *sort_run;

static int row_rank(const pg__report_row *r)
{
    if (r->result == PG__ROW_TARGET)
        return -1; /* an unreadable target before everything */
    return verdict_rank(sort_run->targets[r->target].results[r->result]
                               .verdict);
}

static int row_cmp(const void *a, const void *b)
{
    const pg__report_row *x = a, *y = b;
    int rx = row_rank(x), ry = row_rank(y);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    /* PG__ROW_TARGET is SIZE_MAX, but it only ties with itself. */
    if (x->result != y->result)
        return x->result < y->result ? -1 : 1;
    return 0;
}

pg__report_row *pg__report_rows(const pg_report_run *run, size_t one_target,
                                size_t *n)
{
    size_t cap = 1, k = 0;
    for (size_t t = 0; t < run->ntargets; t++)
        cap += run->targets[t].nresults + 1;
    pg__report_row *rows = pg_xcalloc(cap, sizeof *rows);
    for (size_t t = 0; t < run->ntargets; t++) {
        if (one_target != PG__ROW_TARGET && t != one_target)
            continue;
        const pg_target_result *tr = &run->targets[t];
        if (tr->error)
            rows[k++] = (pg__report_row){ t, PG__ROW_TARGET };
        for (size_t i = 0; i < tr->nresults; i++)
            rows[k++] = (pg__report_row){ t, i };
    }
    /* qsort is not stable, so the comparison ends on the indices; the
     * static carries the run into the comparator (single-threaded). */
    sort_run = run;
    qsort(rows, k, sizeof *rows, row_cmp);
    sort_run = NULL;
    *n = k;
    return rows;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if the
 * bytes there are not one: overlong forms, surrogates and code points
 * above U+10FFFF are invalid (RFC 3629 section 4). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return len;
}

static void add_valid_utf8(pg_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t l = utf8_len(p + i, len - i);
        if (!l) {
            pg_buf_adds(b, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        pg_buf_add(b, s + i, l);
        i += l;
    }
}

/* The literal secrets cut from raw bytes, one per call, NULL after the
 * last (*i starts at 0): run->secrets of 3 bytes or more. */
static const char *next_secret(const pg_report_run *run, size_t *i)
{
    size_t n = run ? run->nsecrets : 0;
    while (*i < n) {
        const char *s = run->secrets[(*i)++];
        if (s && strlen(s) >= 3)
            return s;
    }
    return NULL;
}

int pg__report_has_secrets(const pg_report_run *run)
{
    size_t i = 0;
    return next_secret(run, &i) != NULL;
}

void pg__report_scrub_secrets(const pg_report_run *run, pg_buf *b)
{
    if (run && b->p)
        pg_redact_literals(b, run->secrets, run->nsecrets);
}

static char *clean_n(const pg_report_run *run, const char *s, size_t len)
{
    if (!s)
        return NULL;
    pg_buf v = PG_BUF_INIT, out = PG_BUF_INIT;
    add_valid_utf8(&v, s, len);
    pg__report_scrub_secrets(run, &v);
    pg_buf_adds(&out, "");
    if (v.p)
        pg_redact_text(&out, v.p, v.len);
    pg_buf_release(&v);
    return pg_buf_detach(&out);
}

char *pg__report_clean(const pg_report_run *run, const char *s)
{
    return s ? clean_n(run, s, strlen(s)) : NULL;
}

char *pg__report_clean_headers(const pg_report_run *run, const char *s,
                               size_t len)
{
    pg_buf b = PG_BUF_INIT;
    pg_redact_header_values(&b, s, len);
    char *r = clean_n(run, b.p ? b.p : "", b.len);
    pg_buf_release(&b);
    return r;
}

/* Appends s (valid UTF-8 assumed) to b with U+FFFD for code points XML 1.0
 * forbids, escaping &<>"' (attr also \t\n\r as character references). */
static void add_xml(pg_buf *b, const char *s, int attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        switch (c) {
        case '&': pg_buf_adds(b, "&amp;"); continue;
        case '<': pg_buf_adds(b, "&lt;"); continue;
        case '>': pg_buf_adds(b, "&gt;"); continue;
        case '"': pg_buf_adds(b, "&quot;"); continue;
        case '\'': pg_buf_adds(b, "&#39;"); continue;
        case '\t': pg_buf_adds(b, attr ? "&#9;" : "\t"); continue;
        case '\n': pg_buf_adds(b, attr ? "&#10;" : "\n"); continue;
        case '\r': pg_buf_adds(b, "&#13;"); continue;
        default: break;
        }
        /* XML 1.0 section 2.2 Char excludes C0 controls (but tab, LF,
         * CR), U+FFFE and U+FFFF; DEL and C1 are legal but unreadable. */
        if (c < 0x20 || c == 0x7F) {
            pg_buf_adds(b, "\xEF\xBF\xBD");
            continue;
        }
        if (c == 0xEF && i + 2 < len && p[i + 1] == 0xBF &&
            (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) {
            pg_buf_adds(b, "\xEF\xBF\xBD");
            i += 2;
            continue;
        }
        if (c == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
            pg_buf_adds(b, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        pg_buf_addc(b, (char)c);
    }
}

void pg__report_add_xml_clean(pg_buf *b, const pg_report_run *run,
                              const char *s, int attr)
{
    char *c = pg__report_clean(run, s ? s : "");
    add_xml(b, c, attr);
    free(c);
}

void pg__report_time_iso(time_t t, char out[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void pg__report_time_compact(time_t t, char out[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y%m%dT%H%M%SZ", &tm);
}

char *pg__report_slug(const char *target)
{
    pg_buf b = PG_BUF_INIT;
    const char *s = target ? target : "";
    const char *scheme = strstr(s, "://");
    if (scheme)
        s = scheme + 3;
    const char *at = strchr(s, '@');
    const char *slash = strpbrk(s, "/?#");
    if (at && (!slash || at < slash))
        s = at + 1;
    int dash = 1;
    for (; *s && b.len < 48; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '?' || c == '#')
            break;
        if (isalnum(c) && c < 0x80) {
            pg_buf_addc(&b, (char)tolower(c));
            dash = 0;
        } else if (!dash) {
            pg_buf_addc(&b, '-');
            dash = 1;
        }
    }
    while (b.len && b.p[b.len - 1] == '-')
        b.p[--b.len] = '\0';
    if (!b.len)
        pg_buf_adds(&b, "target");
    return pg_buf_detach(&b);
}

const char *pg__report_golden_version(const pg_report_run *run)
{
    if (run->golden && run->golden->version && *run->golden->version)
        return run->golden->version;
    return "unknown";
}

void pg__report_add_pos(pg_buf *b, uint64_t line, uint64_t column)
{
    if (column > 0)
        pg_buf_addf(b, "scrape %llu:%llu", (unsigned long long)line,
                    (unsigned long long)column);
    else
        pg_buf_addf(b, "scrape line %llu", (unsigned long long)line);
}

/* "N word" with a plural s, after a separator when not the first. */
static void add_count(pg_buf *b, int *first, size_t n, const char *word,
                      const char *plural)
{
    if (!n)
        return;
    pg_buf_addf(b, "%s%zu %s", *first ? "" : ", ", n,
                n == 1 ? word : plural);
    *first = 0;
}

char *pg_report_summary_line(const pg_report_run *run)
{
    pg__report_counts c;
    pg__report_count_run(run, &c);
    pg_buf b = PG_BUF_INIT;
    int first = 1;
    pg_buf_addf(&b, "%s: %zu of %zu result%s failing",
                pg__report_run_failed(&c) ? "FAIL" : "PASS", c.failures,
                c.rows + c.unreadable, c.rows + c.unreadable == 1 ? "" : "s");
    if (c.failures) {
        pg_buf_adds(&b, " (");
        add_count(&b, &first, c.missing, "missing", "missing");
        add_count(&b, &first, c.changed, "changed", "changed");
        add_count(&b, &first, c.undocumented_failed, "undocumented",
                  "undocumented");
        add_count(&b, &first, c.format_errors, "format error",
                  "format errors");
        add_count(&b, &first, c.unreadable, "unreadable target",
                  "unreadable targets");
        pg_buf_adds(&b, ")");
    }
    first = 1;
    pg_buf_adds(&b, "; ");
    add_count(&b, &first, c.conformant, "conformant", "conformant");
    add_count(&b, &first, c.skipped, "skipped", "skipped");
    add_count(&b, &first, c.accepted, "accepted by baseline",
              "accepted by baseline");
    add_count(&b, &first, c.warnings, "warning", "warnings");
    if (first)
        pg_buf_adds(&b, "no documented metric judged");
    double cov = pg__report_coverage(&c);
    if (cov >= 0)
        pg_buf_addf(&b, "; coverage %.1f%% (%zu of %zu documented)",
                    cov * 100.0, c.seen, c.expected);
    return pg_buf_detach(&b);
}

void pg__report_list_init(pg__report_list *l, const char *s, int brackets)
{
    size_t len = strlen(s);
    l->bracketed = brackets && len >= 2 && s[0] == '[' && s[len - 1] == ']';
    l->p = s + l->bracketed;
    l->stop = s + len - l->bracketed;
}

int pg__report_list_next(pg__report_list *l, const char **item, size_t *len)
{
    if (l->p >= l->stop)
        return 0;
    const char *comma = memchr(l->p, ',', (size_t)(l->stop - l->p));
    const char *end = comma ? comma : l->stop;
    *item = l->p;
    *len = (size_t)(end - l->p);
    l->p = end + (end < l->stop);
    while (l->p < l->stop && *l->p == ' ')
        l->p++;
    return 1;
}
