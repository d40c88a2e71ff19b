/* compat.c: the compatibility matrix (see compat.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/compat.h"
#include "core/names.h"

/* Fills probe k; returns k + 1. */
static size_t plan_one(pg_compat_probe *p, size_t k, const char *kind,
                       const char *name, char *accept)
{
    snprintf(p[k].label, sizeof p[k].label, "%s %s", kind, name);
    p[k].accept = accept;
    return k + 1;
}

size_t pg_compat_plan(pg_compat_probe **out)
{
    size_t n = pg_nprotocols + pg_nscrapers, k = 0;
    for (size_t i = 0; i < pg_nprotocols; i++)
        if (pg_protocols[i].escaping)
            n += PG_ESCAPING_COUNT - 1;
    pg_compat_probe *p = pg_xcalloc(n, sizeof *p);
    for (size_t i = 0; i < pg_nprotocols; i++) {
        p[k].protocol = &pg_protocols[i];
        k = plan_one(p, k, "protocol", pg_protocols[i].name,
                     pg_accept_one(&pg_protocols[i], PG_ESCAPING_NONE));
    }
    for (size_t i = 0; i < pg_nprotocols; i++)
        for (int e = 1; pg_protocols[i].escaping && e < PG_ESCAPING_COUNT;
             e++) {
            char name[64];
            snprintf(name, sizeof name, "%s escaping=%s", pg_protocols[i].name,
                     pg_escaping_name((enum pg_escaping)e));
            p[k].protocol = &pg_protocols[i];
            p[k].escaping = (enum pg_escaping)e;
            k = plan_one(p, k, "protocol", name,
                         pg_accept_one(&pg_protocols[i], p[k].escaping));
        }
    for (size_t i = 0; i < pg_nscrapers; i++)
        k = plan_one(p, k, "scraper", pg_scrapers[i].name,
                     pg_xstrdup(pg_scrapers[i].accept));
    *out = p;
    return n;
}

static int body_begin(void *ctx, long status, const char *ct)
{
    (void)status;
    (void)ct;
    ((pg_buf *)ctx)->len = 0;   /* a retried attempt starts over */
    return 0;
}

static int body_data(void *ctx, const char *buf, size_t len)
{
    pg_buf_add(ctx, buf, len);
    return 0;
}

/* What a format cannot carry is left out of the comparison: the
 * _created series (OpenMetrics and protobuf only). Counter families are
 * named without _total, and the two "no type" types are one. Native
 * buckets are no samples: the protobuf parser renders a histogram's
 * classic buckets, _sum and _count, and a +Inf bucket when it has none,
 * as the text format shows them. */
struct collect {
    pg_buf keys;              /* NUL-separated */
    size_t n;
    pg_strmap *names;         /* the probe's names */
    pg_compat_probe *p;       /* for its error count and first error */
};

static int ends_with(pg_str s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.len >= n && !memcmp(s.p + s.len - n, suffix, n);
}

static const char *type_key(enum pg_type t)
{
    return t == PG_TYPE_NONE || t == PG_TYPE_UNKNOWN
        ? "untyped" : pg_type_name(t);
}

static void add_key(struct collect *c, const char *s, size_t len)
{
    pg_buf_add(&c->keys, s, len);
    pg_buf_addc(&c->keys, '\0');
    c->n++;
}

static int cmp_label(const void *a, const void *b)
{
    const pg_label *x = a, *y = b;
    size_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
    int r = memcmp(x->name.p, y->name.p, n);
    return r ? r : (x->name.len > y->name.len) - (x->name.len < y->name.len);
}

/* Records name p[0..len) of kind 'M' (family), 'C' (counter family) or
 * 'L' (label). */
static void add_name(pg_strmap *names, char kind, const char *p, size_t len)
{
    char buf[512];
    if (len > sizeof buf - 2)
        len = sizeof buf - 2;
    buf[0] = kind;
    buf[1] = ' ';
    memcpy(buf + 2, p, len);
    pg_strmap_put(names, buf, len + 2, names);  /* any non-NULL value */
}

static int on_sample(void *ctx, const pg_sample *s)
{
    struct collect *c = ctx;
    for (size_t i = 0; i < s->nlabels; i++)
        add_name(c->names, 'L', s->labels[i].name.p, s->labels[i].name.len);
    if (ends_with(s->name, "_created"))
        return 0;
    pg_label *l = pg_xmalloc((s->nlabels + 1) * sizeof *l);
    memcpy(l, s->labels, s->nlabels * sizeof *l);
    qsort(l, s->nlabels, sizeof *l, cmp_label);
    pg_buf k = PG_BUF_INIT;
    pg_buf_addf(&k, "S %.*s{", (int)s->name.len, s->name.p);
    for (size_t i = 0; i < s->nlabels; i++)
        pg_buf_addf(&k, "%s%.*s=\"%.*s\"", i ? "," : "", (int)l[i].name.len,
                    l[i].name.p, (int)l[i].value.len, l[i].value.p);
    pg_buf_addc(&k, '}');
    add_key(c, k.p, k.len);
    pg_buf_release(&k);
    free(l);
    return 0;
}

static int on_family(void *ctx, const pg_family_info *f)
{
    struct collect *c = ctx;
    pg_str name = f->name;
    add_name(c->names, f->type == PG_TYPE_COUNTER ? 'C' : 'M', name.p,
             name.len);
    if (f->type == PG_TYPE_COUNTER && ends_with(name, "_total"))
        name.len -= 6;
    pg_buf k = PG_BUF_INIT;
    pg_buf_addf(&k, "F %.*s %s", (int)name.len, name.p, type_key(f->type));
    add_key(c, k.p, k.len);
    pg_buf_release(&k);
    return 0;
}

static void on_diag(void *ctx, const pg_diag *d)
{
    pg_compat_probe *p = ((struct collect *)ctx)->p;
    if (d->level != PG_LEVEL_ERROR)
        return;
    if (!p->errors++)
        snprintf(p->first_error, sizeof p->first_error, "%s %lld: %s",
                 p->real == PG_FORMAT_PROTOBUF ? "message" : "line",
                 (long long)d->line, d->text);
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of c, sorted, become p's. */
static void keys_finish(pg_compat_probe *p, struct collect *c)
{
    char **all = pg_xcalloc(c->n + 1, sizeof *all);
    const char *s = c->keys.p;
    for (size_t i = 0; i < c->n; i++, s += strlen(s) + 1)
        all[i] = pg_xstrdup(s);
    qsort(all, c->n, sizeof *all, cmp_key);
    p->keys = all;
    p->nkeys = c->n;
}

/* One request of the matrix, run in a thread of its own. */
struct fetch {
    pg_compat_probe *p;
    const char *url;
    const pg_scrape_opts *o;
    pg_buf body;
};

/* Scrapes f->url with the probe's Accept header in place of any the
 * user gave; the body is kept for parsing after every request ended. */
static void *fetch(void *arg)
{
    struct fetch *f = arg;
    pg_scrape_opts mine = *f->o;
    const char **h = pg_xcalloc(f->o->nheaders + 1, sizeof *h);
    size_t nh = 0;
    for (size_t i = 0; i < f->o->nheaders; i++)
        if (strncasecmp(f->o->headers[i], "accept:", 7))
            h[nh++] = f->o->headers[i];
    pg_buf ah = PG_BUF_INIT;
    pg_buf_addf(&ah, "Accept: %s", f->p->accept);
    h[nh++] = ah.p;
    mine.headers = h;
    mine.nheaders = nh;
    pg_scrape_sink sink = { body_begin, body_data, &f->body };
    pg_scrape_all(&f->url, 1, &mine, &sink, &f->p->res);
    free(f->p->res.headers);
    f->p->res.headers = NULL;
    pg_buf_release(&ah);
    free(h);
    return NULL;
}

/* Judges p's Content-Type, classifies its body by its bytes and parses
 * it in that format, collecting its keys and names. */
static void read_body(pg_compat_probe *p, const char *url, const pg_buf *body)
{
    pg_ctype_judge(p->res.content_type, &p->judged);
    if (!p->res.ok)
        return;
    p->real = pg_format_of_body(body->p, body->len, body->p, body->len);
    struct collect c = { PG_BUF_INIT, 0, &p->names, p };
    pg_parser_opts po;
    memset(&po, 0, sizeof po);
    po.format = p->real;
    po.content_type = p->res.content_type; /* escaping=allow-utf-8: quoted
                                              OpenMetrics names are valid */
    po.source = url;
    pg_parser_callbacks cb = { on_sample, on_family, on_diag };
    pg_parser *ps = pg_parser_new(&po, &cb, &c);
    pg_parser_feed(ps, body->p ? body->p : "", body->len);
    pg_parser_finish(ps);
    pg_parser_free(ps);
    keys_finish(p, &c);
    pg_buf_release(&c.keys);
}

static void judge_escaping(pg_compat_probe *probes, size_t n);

void pg_compat_run(pg_compat_probe *probes, size_t n, const char *url,
                   const pg_scrape_opts *o)
{
    struct fetch *f = pg_xcalloc(n, sizeof *f);
    pthread_t *t = pg_xcalloc(n, sizeof *t);
    int *started = pg_xcalloc(n, sizeof *started);
    for (size_t i = 0; i < n; i++) {
        f[i].p = &probes[i];
        f[i].url = url;
        f[i].o = o;
        started[i] = !pthread_create(&t[i], NULL, fetch, &f[i]);
    }
    /* a request whose thread could not start runs here, after the rest */
    for (size_t i = 0; i < n; i++)
        if (started[i])
            pthread_join(t[i], NULL);
    for (size_t i = 0; i < n; i++)
        if (!started[i])
            fetch(&f[i]);
    /* parsing stays in this thread, in plan order */
    for (size_t i = 0; i < n; i++) {
        read_body(&probes[i], url, &f[i].body);
        pg_buf_release(&f[i].body);
    }
    judge_escaping(probes, n);
    free(started);
    free(t);
    free(f);
}

/* ---- escaping (specs/prometheus-escaping_schemes.md) ---- */

/* Appends a sentence to p's escaping verdict and marks it wrong. */
static void escaping_finding(pg_compat_probe *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void escaping_finding(pg_compat_probe *p, const char *fmt, ...)
{
    size_t len = strlen(p->escaping_why);
    if (len && len + 2 < sizeof p->escaping_why) {
        memcpy(p->escaping_why + len, "; ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->escaping_why + len, sizeof p->escaping_why - len, fmt, ap);
    va_end(ap);
    p->escaping_wrong = 1;
}

/* 1 if name key k ("M name", "C name", "L name") needs quoting. */
static int name_needs_quoting(const char *k, size_t len)
{
    return k[0] == 'L' ? !pg_label_name_valid(k + 2, len - 2)
                       : !pg_metric_name_valid(k + 2, len - 2);
}

/* "when Prometheus requests an escaping scheme other than allow-utf-8,
 * the producer convert the names in the manner requested"
 * (specs/prometheus-utf8.md): the Content-Type names no other scheme ... */
static void check_ctype_escaping(pg_compat_probe *p)
{
    const char *said = p->judged.escaping, *asked = pg_escaping_name(p->escaping);
    if (*said && strcmp(said, asked))
        escaping_finding(p, "Content-Type says escaping=%s, asked "
                         "escaping=%s", said, asked);
}

/* The name keys of p sorted, so findings come in a stable order
 * (NULL-terminated; caller frees the array only). */
static const char **sorted_names(const pg_compat_probe *p)
{
    const pg_strmap *m = &p->names;
    const char **all = pg_xcalloc(m->n + 1, sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            all[n++] = m->keys[i];
    qsort(all, n, sizeof *all, cmp_key);
    return all;
}

/* ... and no name of the body may need quoting. */
static void check_legacy_names(pg_compat_probe *p)
{
    const char **names = sorted_names(p);
    for (const char **k = names; *k; k++)
        if (name_needs_quoting(*k, strlen(*k)))
            escaping_finding(p, "%s name '%s' is not escaped",
                             **k == 'L' ? "label" : "metric", *k + 2);
    free(names);
}

/* 1 if p has name key k escaped as p's scheme says, in the spec's form
 * or prometheus/common's. An OpenMetrics counter family is named without
 * _total: its name escaped with _total and that suffix cut again counts
 * too (client_golang escapes the name with _total, then its OpenMetrics
 * encoder cuts it: "a.b" is "a_dot_b_" under dots). */
static int has_escaped(const pg_compat_probe *p, const char *k, size_t len,
                       char *want, size_t cap)
{
    int found = 0;
    for (int total = 0; total <= (k[0] == 'C') && !found; total++)
        for (int common = 0; common < 2 && !found; common++) {
            pg_buf n = PG_BUF_INIT;
            pg_buf_add(&n, k + 2, len - 2);
            if (total)
                pg_buf_adds(&n, "_total");
            char *e = pg_escape_name(n.p, n.len, p->escaping, common);
            size_t elen = strlen(e);
            if (total && elen >= 6)
                e[elen -= 6] = '\0';
            if (!total && !common)
                snprintf(want, cap, "%s", e);
            pg_buf_release(&n);
            pg_buf_addc(&n, k[0]);
            pg_buf_addc(&n, ' ');
            pg_buf_add(&n, e, elen);
            found = pg_strmap_get(&p->names, n.p, n.len) != NULL;
            pg_buf_release(&n);
            free(e);
        }
    return found;
}

/* Every name that needs quoting in the allow-utf-8 response of the same
 * protocol must appear in p escaped as p asked. */
static void check_escaped_names(pg_compat_probe *p, const pg_compat_probe *utf8)
{
    const char **names = sorted_names(utf8);
    for (const char **k = names; *k; k++) {
        char want[512];
        size_t len = strlen(*k);
        if (!name_needs_quoting(*k, len) ||
            has_escaped(p, *k, len, want, sizeof want))
            continue;
        escaping_finding(p, "%s name '%s' (%s) is not here as '%s'",
                         **k == 'L' ? "label" : "metric", *k + 2,
                         utf8->label, want);
    }
    free(names);
}

/* The allow-utf-8 request of p's protocol, if its body parsed. */
static const pg_compat_probe *utf8_twin(const pg_compat_probe *probes,
                                        size_t n, const pg_compat_probe *p)
{
    for (size_t i = 0; i < n; i++)
        if (probes[i].protocol == p->protocol &&
            probes[i].escaping == PG_ESCAPING_ALLOW_UTF8 &&
            pg_compat_parsed(&probes[i]))
            return &probes[i];
    return NULL;
}

/* The producer may answer allow-utf-8 as it likes ("does not require that
 * the metrics producer disable name translation"); any other scheme it
 * must apply. */
static void judge_escaping(pg_compat_probe *probes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pg_compat_probe *p = &probes[i];
        if (p->escaping == PG_ESCAPING_NONE ||
            p->escaping == PG_ESCAPING_ALLOW_UTF8 || !pg_compat_parsed(p))
            continue;
        check_ctype_escaping(p);
        check_legacy_names(p);
        const pg_compat_probe *utf8 = utf8_twin(probes, n, p);
        if (utf8)
            check_escaped_names(p, utf8);
    }
}

int pg_compat_failed(const pg_compat_probe *p)
{
    return !p->res.ok || !p->judged.accepted || p->errors ||
           p->escaping_wrong;
}

int pg_compat_parsed(const pg_compat_probe *p)
{
    return p->res.ok && p->keys && !p->errors;
}

/* "in protocol X (prom)": a request and the format its body was. */
static void where(pg_buf *t, const pg_compat_probe *p)
{
    pg_buf_addf(t, " in %s (%s)", p->label, pg_format_name(p->real));
}

/* The type key of family name[0..len) in p ("gauge"), or NULL. Keys
 * are sorted, so the first key not below "F name " is the one. */
static const char *family_type(const pg_compat_probe *p, const char *name,
                               size_t len)
{
    pg_buf prefix = PG_BUF_INIT;
    pg_buf_addf(&prefix, "F %.*s ", (int)len, name);
    size_t lo = 0, hi = p->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(p->keys[mid], prefix.p) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const char *type = lo < p->nkeys &&
        !strncmp(p->keys[lo], prefix.p, prefix.len)
        ? p->keys[lo] + prefix.len : NULL;
    pg_buf_release(&prefix);
    return type;
}

/* Reports key k of a missing from b, naming the metric; a family that b
 * has with another type is one finding, reported from the base's side
 * only (`reverse` is the other). Returns 1 if it reported. */
static int report(const char *k, const pg_compat_probe *a,
                  const pg_compat_probe *b, int reverse,
                  void (*found)(void *, const char *), void *ctx)
{
    int series = k[0] == 'S';
    size_t n = strcspn(k + 2, series ? "{" : " ");
    const char *rest = k + 2 + n, *other = NULL;
    if (!series && (other = family_type(b, k + 2, n)) != NULL && reverse)
        return 0;
    pg_buf t = PG_BUF_INIT;
    if (series)
        pg_buf_addf(&t, "series of %.*s: %s", (int)n, k + 2, rest);
    else
        pg_buf_addf(&t, "family %.*s: %s", (int)n, k + 2,
                    other ? "type " : "");
    if (!series)
        pg_buf_adds(&t, rest + 1);
    where(&t, a);
    if (other)
        pg_buf_addf(&t, ", type %s", other);
    else
        pg_buf_adds(&t, ", not");
    where(&t, b);
    found(ctx, t.p);
    pg_buf_release(&t);
    return 1;
}

/* Reports the keys of a missing from b; returns how many findings. */
static size_t missing(const pg_compat_probe *a, const pg_compat_probe *b,
                      int reverse, void (*found)(void *, const char *),
                      void *ctx)
{
    size_t d = 0;
    for (size_t i = 0; i < a->nkeys; i++)
        if (!bsearch(&a->keys[i], b->keys, b->nkeys, sizeof *b->keys,
                     cmp_key))
            d += (size_t)report(a->keys[i], a, b, reverse, found, ctx);
    return d;
}

size_t pg_compat_compare(const pg_compat_probe *probes, size_t n,
                         void (*found)(void *ctx, const char *text),
                         void *ctx)
{
    const pg_compat_probe *base = NULL;
    size_t d = 0;
    int seen[4] = { 0 };
    for (size_t i = 0; i < n; i++) {
        const pg_compat_probe *p = &probes[i];
        /* one body per real format: the same format twice adds nothing */
        if (!pg_compat_parsed(p) || seen[p->real])
            continue;
        seen[p->real] = 1;
        if (!base) {
            base = p;
            continue;
        }
        d += missing(base, p, 0, found, ctx);
        d += missing(p, base, 1, found, ctx);
    }
    return d;
}

void pg_compat_free(pg_compat_probe *probes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(probes[i].accept);
        for (size_t k = 0; k < probes[i].nkeys; k++)
            free(probes[i].keys[k]);
        free(probes[i].keys);
        pg_strmap_release(&probes[i].names, NULL);
    }
    free(probes);
}
