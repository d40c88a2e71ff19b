/* report_compat.c: the compatibility matrix as reports (see
 * report_compat.h): what every request of `promgate compat` sent and got,
 * one row each in plan order, then the equivalence findings. The rows are
 * the TAP points of the command, so a report and its TAP always agree. */
#include <jansson.h>
#include <string.h>

#include "report/report_compat.h"
#include "report/report_int.h"
#include "core/version.h"

#define PG_REPORT_SCHEMA_VERSION 1

void pg_report_compat_add_finding(pg_report_compat *r, const char *text)
{
    r->findings = pg_xrealloc(r->findings,
                              (r->nfindings + 1) * sizeof *r->findings);
    r->findings[r->nfindings++] = pg_xstrdup(text);
}

void pg_report_compat_release(pg_report_compat *r)
{
    for (size_t i = 0; i < r->nfindings; i++)
        free(r->findings[i]);
    free(r->findings);
    r->findings = NULL;
    r->nfindings = 0;
}

/* ---- the model every format renders -------------------------------- */

/* What a request's row says about Prometheus 3, and the counts. */
enum crow_state {
    CROW_ACCEPTED = 0,   /* scraped, accepted, parsed */
    CROW_UNSCRAPED,      /* no whole 2xx body */
    CROW_REFUSED,        /* Prometheus 3 refuses the Content-Type */
    CROW_PARSE_ERRORS,   /* accepted, but the body has parse errors */
    CROW_ESCAPING        /* parsed, names not escaped as asked */
};
#define CROW_STATES 5

static const char *const state_names[CROW_STATES] = {
    "accepted", "unscraped", "refused", "parse_errors", "escaping_wrong"
};

static enum crow_state crow_state_of(const pg_compat_probe *p)
{
    if (!p->res.ok)
        return CROW_UNSCRAPED;
    if (!p->judged.accepted)
        return CROW_REFUSED;
    if (p->errors)
        return CROW_PARSE_ERRORS;
    return p->escaping_wrong ? CROW_ESCAPING : CROW_ACCEPTED;
}

typedef struct ccounts {
    size_t requests, failing, findings;
    size_t by_state[CROW_STATES];
} ccounts;

/* The counts, a run for the secrets to clean, the start time. */
typedef struct cview {
    pg_report_run run;
    ccounts c;
    int failed;
    char started[32];
} cview;

static void cview_init(cview *v, const pg_report_compat *r)
{
    memset(v, 0, sizeof *v);
    v->run.secrets = r->secrets;
    v->run.nsecrets = r->nsecrets;
    pg__report_time_iso(r->started, v->started);
    v->c.requests = r->nprobes;
    v->c.findings = r->nfindings;
    for (size_t i = 0; i < r->nprobes; i++) {
        v->c.by_state[crow_state_of(&r->probes[i])]++;
        v->c.failing += pg_compat_failed(&r->probes[i]);
    }
    v->failed = v->c.failing || v->c.findings;
}

/* The judgement of a refused or doubtful Content-Type, or NULL. */
static const char *refusal(const pg_compat_probe *p)
{
    return p->res.ok && !p->judged.accepted ? p->judged.why : NULL;
}

static const char *warning_of(const pg_compat_probe *p)
{
    return p->res.ok && p->judged.accepted && p->judged.warning
               ? p->judged.why : NULL;
}

/* How a format writes the Prometheus 3 cell: its dash, the markup
 * around a warning, and its text cleaner. */
typedef struct p3_markup {
    const char *dash, *warn_open, *warn_close;
    void (*text)(pg_buf *b, const pg_report_run *run, const char *s);
} p3_markup;

/* The Prometheus 3 cell: accepted (with its warning), refused and why,
 * or a dash when nothing was scraped. */
static void prometheus3_cell(pg_buf *b, const pg_report_run *run,
                             const pg_compat_probe *p, const p3_markup *mk)
{
    const char *why;
    if (!p->res.ok) {
        pg_buf_adds(b, mk->dash);
    } else if ((why = refusal(p))) {
        pg_buf_adds(b, "refused: ");
        mk->text(b, run, why);
    } else {
        pg_buf_adds(b, "accepted");
        if ((why = warning_of(p))) {
            pg_buf_adds(b, mk->warn_open);
            mk->text(b, run, why);
            pg_buf_adds(b, mk->warn_close);
        }
    }
}

/* The format the body is, or NULL when there is no body. */
static const char *body_format(const pg_compat_probe *p)
{
    return p->res.ok && p->real != PG_FORMAT_AUTO ? pg_format_name(p->real)
                                                  : NULL;
}

/* The escaping verdict of a request that asked for a scheme: whether
 * the names are escaped as asked, known once the body parsed cleanly
 * (pg_compat_parsed, which every scraped body's key list satisfies). */
static int escaping_known(const pg_compat_probe *p)
{
    return p->escaping != PG_ESCAPING_NONE && p->res.ok && !p->errors;
}

/* The escaping cell of every format: "dots: as asked", "dots: not as
 * asked: WHY", "dots" when the body was not parsed; NULL for a request
 * that asked for no scheme. New string. */
static char *escaping_text(const pg_compat_probe *p)
{
    if (p->escaping == PG_ESCAPING_NONE)
        return NULL;
    pg_buf b = PG_BUF_INIT;
    pg_buf_adds(&b, pg_escaping_name(p->escaping));
    if (escaping_known(p) && p->escaping_wrong)
        pg_buf_addf(&b, ": not as asked: %s", p->escaping_why);
    else if (escaping_known(p))
        pg_buf_adds(&b, ": as asked");
    return pg_buf_detach(&b);
}

/* The first parse error of a scraped body ("line 3: ..."), or NULL. */
static const char *first_error(const pg_compat_probe *p)
{
    return p->res.ok && p->errors && p->first_error[0] ? p->first_error
                                                      : NULL;
}

/* ---- JSON ------------------------------------------------------------ */

#define jstr pg__report_jstr

static json_t *jbool_or_null(int known, int v)
{
    return known ? json_boolean(v) : json_null();
}

static json_t *jescaping(const pg_report_run *run, const pg_compat_probe *p)
{
    if (p->escaping == PG_ESCAPING_NONE)
        return json_null();
    return json_pack("{s:s,s:o,s:o}",
                     "asked", pg_escaping_name(p->escaping),
                     "as_asked", jbool_or_null(escaping_known(p),
                                               !p->escaping_wrong),
                     "why", jstr(run, p->escaping_wrong ? p->escaping_why
                                                        : NULL));
}

static json_t *jrequest(const pg_report_run *run, const pg_compat_probe *p)
{
    const char *body = body_format(p);
    return json_pack(
        "{s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
        "label", jstr(run, p->label),
        "result", pg_compat_failed(p) ? "fail" : "pass",
        "accept", jstr(run, p->accept),
        "status", p->res.status ? json_integer(p->res.status) : json_null(),
        "content_type", jstr(run, p->res.status ? p->res.content_type : NULL),
        "error", jstr(run, p->res.ok ? NULL : p->res.error),
        "accepted_by_prometheus3", jbool_or_null(p->res.ok,
                                                 p->judged.accepted),
        "refusal", jstr(run, refusal(p)),
        "warning", jstr(run, warning_of(p)),
        "body_format", body ? json_string(body) : json_null(),
        "parse_errors", p->res.ok ? json_integer((json_int_t)p->errors)
                                  : json_null(),
        "first_parse_error", jstr(run, first_error(p)),
        "escaping", jescaping(run, p));
}

static json_t *jsummary(const ccounts *c)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
                     "requests", (json_int_t)c->requests,
                     "failing", (json_int_t)c->failing,
                     "accepted", (json_int_t)c->by_state[CROW_ACCEPTED],
                     "refused", (json_int_t)c->by_state[CROW_REFUSED],
                     "unscraped", (json_int_t)c->by_state[CROW_UNSCRAPED],
                     "parse_failures",
                     (json_int_t)c->by_state[CROW_PARSE_ERRORS],
                     "escaping_wrong", (json_int_t)c->by_state[CROW_ESCAPING],
                     "findings", (json_int_t)c->findings);
}

char *pg_report_compat_json(const pg_report_compat *r)
{
    cview v;
    cview_init(&v, r);
    json_t *requests = json_array(), *findings = json_array();
    for (size_t i = 0; i < r->nprobes; i++)
        json_array_append_new(requests, jrequest(&v.run, &r->probes[i]));
    for (size_t i = 0; i < r->nfindings; i++)
        json_array_append_new(findings,
                              json_pack("{s:o}", "message",
                                        jstr(&v.run, r->findings[i])));
    json_t *doc = json_pack(
        "{s:i,s:s,s:s,s:s,s:s,s:f,s:o,s:o,s:o,s:o}",
        "schema_version", PG_REPORT_SCHEMA_VERSION,
        "kind", "compat",
        "promgate_version", PG_VERSION,
        "result", v.failed ? "fail" : "pass",
        "started", v.started,
        "duration_seconds", r->seconds,
        "target", jstr(&v.run, r->url),
        "summary", jsummary(&v.c),
        "requests", requests,
        "findings", findings);
    return pg__report_json_text(doc, 6);
}

/* ---- Markdown -------------------------------------------------------- */

/* GitHub refuses a comment over 65 536 characters: findings stop short
 * of this many bytes and the rest are counted. */
#define MD_LIMIT 60000

static const char *md_verdict(int failed)
{
    return failed ? "\xE2\x9C\x96 FAIL" : "\xE2\x9C\x94 PASS";
}

static const p3_markup md_p3 = { "\xE2\x80\x94", " (warning: ", ")",
                                 pg__report_md_text };

static void md_request(pg_buf *b, const pg_report_run *run,
                       const pg_compat_probe *p)
{
    pg_buf_addf(b, "| %s | ", md_verdict(pg_compat_failed(p)));
    pg__report_md_text(b, run, p->label);
    pg_buf_adds(b, " | ");
    pg__report_md_code(b, run, p->accept);
    if (p->res.status)
        pg_buf_addf(b, " | %ld | ", p->res.status);
    else
        pg_buf_adds(b, " | \xE2\x80\x94 | ");
    if (p->res.status && p->res.content_type[0])
        pg__report_md_code(b, run, p->res.content_type);
    else
        pg_buf_adds(b, "none");
    pg_buf_adds(b, " | ");
    prometheus3_cell(b, run, p, &md_p3);
    if (p->res.ok) {
        pg_buf_addf(b, " | %s | %lu", pg_format_name(p->real), p->errors);
        if (first_error(p)) {
            pg_buf_adds(b, ", first: ");
            pg__report_md_text(b, run, first_error(p));
        }
        pg_buf_adds(b, " | ");
    } else
        pg_buf_adds(b, " | \xE2\x80\x94 | \xE2\x80\x94 | ");
    char *esc = escaping_text(p);
    if (esc)
        pg__report_md_text(b, run, esc);
    else
        pg_buf_adds(b, "\xE2\x80\x94");
    pg_buf_adds(b, " |\n");
    free(esc);
}

/* The requests that could not be scraped, each with its reason. */
static void md_errors(pg_buf *b, const pg_report_run *run,
                      const pg_report_compat *r)
{
    int any = 0;
    for (size_t i = 0; i < r->nprobes; i++) {
        const pg_compat_probe *p = &r->probes[i];
        if (p->res.ok)
            continue;
        if (!any++)
            pg_buf_adds(b, "Not scraped:\n\n");
        pg_buf_adds(b, "- ");
        pg__report_md_text(b, run, p->label);
        pg_buf_adds(b, ": ");
        pg__report_md_text(b, run, p->res.error);
        pg_buf_addc(b, '\n');
    }
    if (any)
        pg_buf_addc(b, '\n');
}

static void md_findings(pg_buf *b, const pg_report_run *run,
                        const pg_report_compat *r)
{
    pg_buf_adds(b, "## Equivalence\n\n");
    if (!r->nfindings) {
        pg_buf_adds(b, "Every format served has the same families, types "
                       "and series.\n");
        return;
    }
    size_t omitted = 0;
    for (size_t i = 0; i < r->nfindings; i++) {
        pg_buf line = PG_BUF_INIT;
        pg_buf_addf(&line, "- %s ", md_verdict(1));
        pg__report_md_text(&line, run, r->findings[i]);
        pg_buf_addc(&line, '\n');
        if (b->len + line.len > MD_LIMIT)
            omitted++;
        else
            pg_buf_add(b, line.p, line.len);
        pg_buf_release(&line);
    }
    if (omitted)
        pg_buf_addf(b, "\n**%zu more finding%s not shown** (a comment holds "
                    "at most 65 536 characters): every finding is in "
                    "report.html and report.json.\n", omitted,
                    omitted == 1 ? "" : "s");
}

char *pg_report_compat_markdown(const pg_report_compat *r)
{
    cview v;
    cview_init(&v, r);
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "# promgate compat: %s\n\n- Target: ",
                md_verdict(v.failed));
    pg__report_md_code(&b, &v.run, r->url);
    pg_buf_addf(&b, "\n- promgate: %s\n- Started: %s\n- Duration: %.3f s\n\n",
                PG_VERSION, v.started, r->seconds);
    pg_buf_addf(&b, "## Summary\n\n| Requests | Failing | Accepted by "
                "Prometheus 3 | Refused | Not scraped | Parse errors | "
                "Not escaped as asked | Equivalence findings |\n|---:|---:|"
                "---:|---:|---:|---:|---:|---:|\n| %zu | %zu | %zu | %zu | "
                "%zu | %zu | %zu | %zu |\n\n",
                v.c.requests, v.c.failing, v.c.by_state[CROW_ACCEPTED],
                v.c.by_state[CROW_REFUSED], v.c.by_state[CROW_UNSCRAPED],
                v.c.by_state[CROW_PARSE_ERRORS], v.c.by_state[CROW_ESCAPING],
                v.c.findings);
    pg_buf_adds(&b, "## Requests\n\n| Verdict | Request | Accept sent | "
                    "Status | Content-Type | Prometheus 3 | Body | Parse "
                    "errors | Escaping |\n|---|---|---|---:|---|---|---|---:"
                    "|---|\n");
    for (size_t i = 0; i < r->nprobes; i++)
        md_request(&b, &v.run, &r->probes[i]);
    pg_buf_addc(&b, '\n');
    md_errors(&b, &v.run, r);
    md_findings(&b, &v.run, r);
    return pg_buf_detach(&b);
}

/* ---- JUnit XML ------------------------------------------------------- */

#define x_text pg__report_add_xml_clean

/* Why a request is a finding, as one line. New string. */
static char *failure_text(const pg_compat_probe *p)
{
    pg_buf b = PG_BUF_INIT;
    if (!p->res.ok)
        pg_buf_adds(&b, p->res.error);
    else if (!p->judged.accepted)
        pg_buf_addf(&b, "refused by Prometheus 3: %s", p->judged.why);
    else if (p->errors)
        pg_buf_addf(&b, "%lu parse error%s in the %s body, the first: %s",
                    p->errors, p->errors == 1 ? "" : "s",
                    pg_format_name(p->real), p->first_error);
    else
        pg_buf_addf(&b, "names not escaped as asked (%s): %s",
                    pg_escaping_name(p->escaping), p->escaping_why);
    return pg_buf_detach(&b);
}

static void x_request(pg_buf *b, const pg_report_run *run,
                      const pg_compat_probe *p)
{
    pg_buf_adds(b, "    <testcase classname=\"compat.request\" name=\"");
    x_text(b, run, p->label, 1);
    pg_buf_adds(b, "\" time=\"0\">\n");
    if (pg_compat_failed(p)) {
        char *why = failure_text(p);
        pg_buf_addf(b, "      <failure message=\"");
        x_text(b, run, why, 1);
        pg_buf_addf(b, "\" type=\"%s\"/>\n", state_names[crow_state_of(p)]);
        free(why);
    }
    pg_buf_adds(b, "      <system-out>Accept: ");
    x_text(b, run, p->accept, 0);
    pg_buf_addf(b, "\nstatus: %ld\nContent-Type: ", p->res.status);
    x_text(b, run, p->res.content_type, 0);
    if (p->res.ok)
        pg_buf_addf(b, "\nbody: %s, %lu parse error%s",
                    pg_format_name(p->real), p->errors,
                    p->errors == 1 ? "" : "s");
    char *esc = escaping_text(p);
    if (esc) {
        pg_buf_adds(b, "\nescaping: ");
        x_text(b, run, esc, 0);
        free(esc);
    }
    pg_buf_adds(b, "\n</system-out>\n    </testcase>\n");
}

static void x_findings(pg_buf *b, const pg_report_run *run,
                       const pg_report_compat *r)
{
    if (!r->nfindings)
        pg_buf_adds(b, "    <testcase classname=\"compat.equivalence\" "
                       "name=\"equivalence\" time=\"0\"/>\n");
    for (size_t i = 0; i < r->nfindings; i++) {
        pg_buf_addf(b, "    <testcase classname=\"compat.equivalence\" "
                    "name=\"finding %zu\" time=\"0\">\n      <failure "
                    "message=\"", i + 1);
        x_text(b, run, r->findings[i], 1);
        pg_buf_adds(b, "\" type=\"equivalence\"/>\n    </testcase>\n");
    }
}

char *pg_report_compat_junit(const pg_report_compat *r)
{
    cview v;
    cview_init(&v, r);
    size_t tests = r->nprobes + (r->nfindings ? r->nfindings : 1);
    size_t failures = v.c.failing + r->nfindings;
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<testsuites name=\"promgate compat\" tests=\"%zu\" "
                "failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\" "
                "timestamp=\"%s\">\n  <testsuite name=\"", tests, failures,
                r->seconds, v.started);
    x_text(&b, &v.run, r->url, 1);
    pg_buf_addf(&b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
                "skipped=\"0\" time=\"%.3f\" timestamp=\"%s\">\n"
                "    <properties>\n      <property name=\"promgate_version\" "
                "value=\"%s\"/>\n    </properties>\n", tests, failures,
                r->seconds, v.started, PG_VERSION);
    for (size_t i = 0; i < r->nprobes; i++)
        x_request(&b, &v.run, &r->probes[i]);
    x_findings(&b, &v.run, r);
    pg_buf_adds(&b, "  </testsuite>\n</testsuites>\n");
    return pg_buf_detach(&b);
}

/* ---- HTML ------------------------------------------------------------ */

static void h_text(pg_buf *b, const pg_report_run *run, const char *s)
{
    pg__report_add_xml_clean(b, run, s, 1);
}

static void h_code(pg_buf *b, const pg_report_run *run, const char *s)
{
    pg_buf_adds(b, "<code>");
    h_text(b, run, s);
    pg_buf_adds(b, "</code>");
}

static void h_meta(pg_buf *b, const pg_report_run *run,
                   const pg_report_compat *r, const cview *v)
{
    pg_buf_adds(b, "<table class=\"meta\">\n<tr><th>Target</th><td "
                   "id=\"target\">");
    h_code(b, run, r->url);
    pg_buf_addf(b, "</td></tr>\n<tr><th>promgate</th><td id=\"pg-version\">"
                "%s</td></tr>\n<tr><th>Started</th><td><time>%s</time></td>"
                "</tr>\n<tr><th>Duration</th><td>%.3f s</td></tr>\n"
                "</table>\n", PG_VERSION, v->started, r->seconds);
}

/* A count as a card, coloured only when it calls for attention. */
static void h_card(pg_buf *b, const char *key, size_t n, const char *label,
                   int bad)
{
    pg_buf_addf(b, "<div class=\"card v-%s\" data-count=\"%s\"><b>%zu</b>%s"
                "</div>\n", !n ? "zero" : bad ? "fail" : "pass", key, n,
                label);
}

static void h_summary(pg_buf *b, const ccounts *c)
{
    pg_buf_addf(b, "<section id=\"summary\" data-requests=\"%zu\" "
                "data-failing=\"%zu\" data-accepted=\"%zu\" "
                "data-refused=\"%zu\" data-unscraped=\"%zu\" "
                "data-parse-failures=\"%zu\" data-escaping-wrong=\"%zu\" "
                "data-findings=\"%zu\">\n<h2>Summary</h2>\n"
                "<div id=\"cards\">\n", c->requests,
                c->failing, c->by_state[CROW_ACCEPTED],
                c->by_state[CROW_REFUSED], c->by_state[CROW_UNSCRAPED],
                c->by_state[CROW_PARSE_ERRORS], c->by_state[CROW_ESCAPING],
                c->findings);
    h_card(b, "refused", c->by_state[CROW_REFUSED],
           "&#x2716; refused by Prometheus 3", 1);
    h_card(b, "unscraped", c->by_state[CROW_UNSCRAPED],
           "&#x2716; not scraped", 1);
    h_card(b, "parse-failures", c->by_state[CROW_PARSE_ERRORS],
           "&#x2716; bodies with parse errors", 1);
    h_card(b, "escaping-wrong", c->by_state[CROW_ESCAPING],
           "&#x2716; names not escaped as asked", 1);
    h_card(b, "findings", c->findings, "&#x2716; equivalence findings", 1);
    h_card(b, "accepted", c->by_state[CROW_ACCEPTED],
           "&#x2714; accepted and parsed", 0);
    pg_buf_adds(b, "</div>\n</section>\n");
}

static const p3_markup html_p3 = { "&#x2014;",
                                   "<br><span class=\"note\">warning: ",
                                   "</span>", h_text };

static void h_request(pg_buf *b, const pg_report_run *run,
                      const pg_compat_probe *p, size_t i)
{
    int failed = pg_compat_failed(p);
    const char *v = failed ? "fail" : "pass";
    pg_buf_addf(b, "<tr id=\"req-%zu\" class=\"v-%s\" data-verdict=\"%s\" "
                "data-status=\"%s\" data-body-format=\"%s\"><td><span "
                "class=\"badge\">%s</span></td><td class=\"metric\">", i + 1,
                v, v, state_names[crow_state_of(p)],
                p->res.ok ? pg_format_name(p->real) : "",
                failed ? "&#x2716; FAIL" : "&#x2714; PASS");
    h_text(b, run, p->label);
    pg_buf_adds(b, "</td><td data-label=\"Accept sent\">");
    h_code(b, run, p->accept);
    pg_buf_adds(b, "</td><td data-label=\"Status\">");
    if (p->res.status)
        pg_buf_addf(b, "%ld", p->res.status);
    else
        pg_buf_adds(b, "&#x2014;");
    pg_buf_adds(b, "</td><td data-label=\"Content-Type\">");
    if (p->res.status && p->res.content_type[0])
        h_code(b, run, p->res.content_type);
    else
        pg_buf_adds(b, "none");
    pg_buf_adds(b, "</td><td data-label=\"Prometheus 3\">");
    prometheus3_cell(b, run, p, &html_p3);
    if (p->res.ok) {
        pg_buf_addf(b, "</td><td data-label=\"Body\">%s</td><td "
                    "data-label=\"Parse errors\">%lu", pg_format_name(p->real),
                    p->errors);
        if (first_error(p)) {
            pg_buf_adds(b, "<br><span class=\"note\">first: ");
            h_text(b, run, first_error(p));
            pg_buf_adds(b, "</span>");
        }
    } else {
        pg_buf_adds(b, "</td><td data-label=\"Body\">&#x2014;</td><td "
                       "data-label=\"Parse errors\">");
        h_text(b, run, p->res.error);
    }
    pg_buf_adds(b, "</td><td data-label=\"Escaping\">");
    char *esc = escaping_text(p);
    if (esc)
        h_text(b, run, esc);
    else
        pg_buf_adds(b, "&#x2014;");
    free(esc);
    pg_buf_adds(b, "</td></tr>\n");
}

static void h_requests(pg_buf *b, const pg_report_run *run,
                       const pg_report_compat *r)
{
    pg_buf_adds(b, "<section id=\"results-section\">\n<h2>Requests</h2>\n");
    pg__report_html_filters(b, 1);
    pg_buf_adds(b, "<table id=\"results\" class=\"rows\">\n<thead><tr>"
                   "<th>Verdict</th><th>Request</th><th>Accept sent</th>"
                   "<th>Status</th><th>Content-Type</th><th>Prometheus 3</th>"
                   "<th>Body</th><th>Parse errors</th><th>Escaping</th>"
                   "</tr></thead>\n"
                   "<tbody>\n");
    for (size_t i = 0; i < r->nprobes; i++)
        h_request(b, run, &r->probes[i], i);
    pg_buf_adds(b, "</tbody>\n</table>\n</section>\n");
}

static void h_findings(pg_buf *b, const pg_report_run *run,
                       const pg_report_compat *r)
{
    pg_buf_addf(b, "<section id=\"equivalence\" data-findings=\"%zu\">\n"
                "<h2>Equivalence</h2>\n", r->nfindings);
    if (!r->nfindings) {
        pg_buf_adds(b, "<p>Every format served has the same families, types "
                       "and series.</p>\n</section>\n");
        return;
    }
    pg_buf_adds(b, "<ul id=\"findings\" class=\"problems\">\n");
    for (size_t i = 0; i < r->nfindings; i++) {
        pg_buf_adds(b, "<li class=\"failure\">");
        h_text(b, run, r->findings[i]);
        pg_buf_adds(b, "</li>\n");
    }
    pg_buf_adds(b, "</ul>\n</section>\n");
}

char *pg_report_compat_html(const pg_report_compat *r)
{
    cview v;
    cview_init(&v, r);
    pg_buf b = PG_BUF_INIT;
    pg__report_html_head(&b, "promgate compat", v.failed, 1);
    h_meta(&b, &v.run, r, &v);
    pg_buf_adds(&b, "</header>\n<main>\n");
    h_summary(&b, &v.c);
    h_requests(&b, &v.run, r);
    h_findings(&b, &v.run, r);
    pg__report_html_tail(&b);
    return pg_buf_detach(&b);
}

/* ---- directory ------------------------------------------------------- */

static int fill_compat(const char *tmp, void *ctx, pg_error *err)
{
    const pg_report_compat *r = ctx;
    /* report.html last: a directory that has it is complete */
    if (pg__report_put_str(tmp, "junit.xml", pg_report_compat_junit(r),
                           err) ||
        pg__report_put_str(tmp, "report.md", pg_report_compat_markdown(r),
                           err) ||
        pg__report_put_str(tmp, "report.json", pg_report_compat_json(r),
                           err) ||
        pg__report_put_str(tmp, "report.html", pg_report_compat_html(r),
                           err))
        return -1;
    return 0;
}

int pg_report_write_compat(const pg_report_place *where,
                           const pg_report_compat *r, char **out_dir,
                           pg_error *err)
{
    char *s = pg__report_slug(r->url);
    pg_buf slug = PG_BUF_INIT;
    pg_buf_addf(&slug, "compat-%s", s);
    free(s);
    int rc = pg__report_dir_commit(where, slug.p, r->started, fill_compat,
                                   (void *)r, out_dir, err);
    pg_buf_release(&slug);
    return rc;
}
