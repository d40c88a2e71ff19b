/* compat.c: the compatibility matrix (see compat.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/compat.h"

size_t pg_compat_plan(pg_compat_probe **out)
{
    size_t n = pg_nprotocols + pg_nscrapers, k = 0;
    pg_compat_probe *p = pg_xcalloc(n, sizeof *p);
    for (size_t i = 0; i < pg_nprotocols; i++, k++) {
        snprintf(p[k].label, sizeof p[k].label, "protocol %s",
                 pg_protocols[i].name);
        p[k].accept = pg_accept_one(&pg_protocols[i], PG_ESCAPING_NONE);
    }
    for (size_t i = 0; i < pg_nscrapers; i++, k++) {
        snprintf(p[k].label, sizeof p[k].label, "scraper %s",
                 pg_scrapers[i].name);
        p[k].accept = pg_xstrdup(pg_scrapers[i].accept);
    }
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
 * _created series (OpenMetrics and protobuf only) and, for a family
 * with native histograms, its classic buckets. Counter families are
 * named without _total, and the two "no type" types are one. */
struct collect {
    pg_buf keys;              /* NUL-separated */
    size_t n;
    unsigned long errors;
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

static int on_sample(void *ctx, const pg_sample *s)
{
    struct collect *c = ctx;
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
    if (f->type == PG_TYPE_COUNTER && ends_with(name, "_total"))
        name.len -= 6;
    pg_buf k = PG_BUF_INIT;
    pg_buf_addf(&k, "F %.*s %s", (int)name.len, name.p, type_key(f->type));
    if (f->native)  /* its buckets are native: drop the classic ones */
        pg_buf_addf(&k, "%c%.*s_bucket", '\1', (int)f->name.len, f->name.p);
    add_key(c, k.p, k.len);
    pg_buf_release(&k);
    return 0;
}

static void on_diag(void *ctx, const pg_diag *d)
{
    if (d->level == PG_LEVEL_ERROR)
        ((struct collect *)ctx)->errors++;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 if series key s is a classic bucket of a native histogram family. */
static int native_bucket(const char *s, char **keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *m = strchr(keys[i], '\1');
        if (m && !strncmp(s + 2, m + 1, strlen(m + 1)) &&
            s[2 + strlen(m + 1)] == '{')
            return 1;
    }
    return 0;
}

static void keys_finish(pg_compat_probe *p, struct collect *c)
{
    char **all = pg_xcalloc(c->n + 1, sizeof *all);
    const char *s = c->keys.p;
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++, s += strlen(s) + 1)
        all[i] = pg_xstrdup(s);
    for (size_t i = 0; i < c->n; i++) {
        if (all[i][0] == 'S' && native_bucket(all[i], all, c->n)) {
            free(all[i]);
            continue;
        }
        char *m = strchr(all[i], '\1');
        if (m)
            *m = '\0';
        all[n++] = all[i];
    }
    qsort(all, n, sizeof *all, cmp_key);
    p->keys = all;
    p->nkeys = n;
}

void pg_compat_run(pg_compat_probe *p, const char *url,
                   const pg_scrape_opts *o)
{
    pg_scrape_opts mine = *o;
    const char **h = pg_xcalloc(o->nheaders + 1, sizeof *h);
    size_t nh = 0;
    for (size_t i = 0; i < o->nheaders; i++)
        if (strncasecmp(o->headers[i], "accept:", 7))
            h[nh++] = o->headers[i];
    pg_buf ah = PG_BUF_INIT, body = PG_BUF_INIT;
    pg_buf_addf(&ah, "Accept: %s", p->accept);
    h[nh++] = ah.p;
    mine.headers = h;
    mine.nheaders = nh;
    pg_scrape_sink sink = { body_begin, body_data, &body };
    pg_scrape_all(&url, 1, &mine, &sink, &p->res);
    free(p->res.headers);
    p->res.headers = NULL;
    pg_ctype_judge(p->res.content_type, &p->judged);
    if (p->res.ok) {
        p->real = pg_format_looks_protobuf(body.p, body.len)
            ? PG_FORMAT_PROTOBUF
            : pg_format_from_tail(body.len > 64 ? body.p + body.len - 64
                                  : body.p, body.len > 64 ? 64 : body.len);
        struct collect c = { PG_BUF_INIT, 0, 0 };
        pg_parser_opts po;
        memset(&po, 0, sizeof po);
        po.format = p->real;
        po.source = url;
        pg_parser_callbacks cb = { on_sample, on_family, on_diag };
        pg_parser *ps = pg_parser_new(&po, &cb, &c);
        pg_parser_feed(ps, body.p ? body.p : "", body.len);
        pg_parser_finish(ps);
        pg_parser_free(ps);
        p->errors = c.errors;
        keys_finish(p, &c);
        pg_buf_release(&c.keys);
    }
    pg_buf_release(&body);
    pg_buf_release(&ah);
    free(h);
}

int pg_compat_parsed(const pg_compat_probe *p)
{
    return p->res.ok && p->keys && !p->errors;
}

/* Names the metric of key k ("S name{..}" or "F name type"). */
static void report(const char *k, const char *what, const pg_compat_probe *a,
                   const pg_compat_probe *b,
                   void (*found)(void *, const char *), void *ctx)
{
    char text[1024];
    size_t n = strcspn(k + 2, k[0] == 'S' ? "{" : " ");
    snprintf(text, sizeof text, "%s %.*s: %s%s in %s (%s), not in %s (%s)",
             k[0] == 'S' ? "series of" : "family", (int)n, k + 2, what,
             k[0] == 'S' ? k + 2 + n : k + 2 + n, a->label,
             pg_format_name(a->real), b->label, pg_format_name(b->real));
    found(ctx, text);
}

/* Reports the keys of a missing from b; returns how many. */
static size_t missing(const pg_compat_probe *a, const pg_compat_probe *b,
                      void (*found)(void *, const char *), void *ctx)
{
    size_t d = 0;
    for (size_t i = 0; i < a->nkeys; i++)
        if (!bsearch(&a->keys[i], b->keys, b->nkeys, sizeof *b->keys,
                     cmp_key)) {
            report(a->keys[i], "", a, b, found, ctx);
            d++;
        }
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
        d += missing(base, p, found, ctx);
        d += missing(p, base, found, ctx);
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
    }
    free(probes);
}
