/* promapi.c: see promapi.h.
 *
 * One run reads, from the server's HTTP API:
 *   1. /api/v1/targets/metadata (1 GET): TYPE and HELP per instance;
 *      servers without per-target metadata (Thanos, Mimir answer 404)
 *      fall back to /api/v1/metadata (1 GET, not per instance);
 *   2. /api/v1/series (1 POST): which series names each instance has in
 *      [now - lookback, now], bounded by limit;
 *   3. /api/v1/query (1 POST per batch of families): the latest value of
 *      each series at one evaluation time, labels included.
 * Then it rebuilds one Prometheus text-format exposition per instance and
 * hands it to the caller, which parses and checks it as a direct scrape. */
#include "source/promapi.h"
#include "core/num.h"
#include "core/strmap.h"
#include "core/url.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_TIMEOUT 30.0
#define DEFAULT_LOOKBACK 300.0
#define DEFAULT_LIMIT 100000L
/* A query batch holds at most this many families and this many bytes of
 * name regex, so each POST body and each query stays small whatever the
 * fleet's size. */
#define BATCH_FAMILIES 200
#define BATCH_REGEX_BYTES 16384
/* Cap on one API response body, against a runaway server. */
#define MAX_BODY ((size_t)1 << 30)
/* Name of the group of series that carry no instance label (recording
 * rules, federation without honor_labels, remote-written data). */
#define NO_INSTANCE "(no instance)"

/* ---- string-keyed maps ---------------------------------------------- */

static void *map_get(const pg_strmap *m, const char *key)
{
    return pg_strmap_get(m, key, strlen(key));
}

/* Sets key to val (the map copies the key) unless present; returns the
 * value now stored. */
static void *map_put(pg_strmap *m, const char *key, void *val)
{
    void *old = map_get(m, key);
    if (old)
        return old;
    pg_strmap_put(m, key, strlen(key), val);
    return val;
}

/* ---- HTTP against the API ------------------------------------------- */

typedef struct api {
    const pg_promapi_opts *o;
    CURL *curl;
    struct curl_slist *hdrs;
    CURLU *base;      /* the server's URL, as given */
    char *shown;      /* the URL redacted, for messages */
    pg_buf body;
    char errbuf[CURL_ERROR_SIZE];
    pg_error *err;
} api;

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    api *a = ctx;
    size_t len = size * n;
    if (a->body.len + len > MAX_BODY)
        return 0;
    pg_buf_add(&a->body, p, len);
    return len;
}

static int api_init(api *a, const pg_promapi_opts *o, pg_error *err)
{
    memset(a, 0, sizeof *a);
    a->o = o;
    a->err = err;
    a->shown = pg_url_redact(o->url);
    /* Only http and https: libcurl would read file:// (and a dozen other
     * schemes) as readily, and print what it found in an error. */
    if (!pg_url_is_http(o->url))
        return pg_error_set(err, a->shown, 0, 0,
                            "not an http:// or https:// URL");
    a->base = curl_url();
    if (!a->base ||
        curl_url_set(a->base, CURLUPART_URL, o->url, 0) != CURLUE_OK)
        return pg_error_set(err, a->shown, 0, 0, "not a valid URL");
    a->curl = curl_easy_init();
    if (!a->curl)
        return pg_error_set(err, a->shown, 0, 0, "cannot start libcurl");
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(a->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(a->curl, CURLOPT_PROTOCOLS,
                     (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    a->hdrs = curl_slist_append(NULL, "Accept: application/json");
    for (size_t i = 0; i < o->nheaders; i++)
        a->hdrs = curl_slist_append(a->hdrs, o->headers[i]);
    if (o->bearer_token && *o->bearer_token) {
        pg_buf h = PG_BUF_INIT;
        pg_buf_addf(&h, "Authorization: Bearer %s", o->bearer_token);
        a->hdrs = curl_slist_append(a->hdrs, h.p);
        /* the slist holds its own copy; wipe ours */
        memset(h.p, 0, h.len);
        pg_buf_release(&h);
    }
    double t = o->timeout > 0 ? o->timeout : DEFAULT_TIMEOUT;
    curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, a->hdrs);
    curl_easy_setopt(a->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(a->curl, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(a->curl, CURLOPT_ERRORBUFFER, a->errbuf);
    curl_easy_setopt(a->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(a->curl, CURLOPT_TIMEOUT_MS, (long)(t * 1000));
    curl_easy_setopt(a->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)(t * 1000));
    curl_easy_setopt(a->curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(a->curl, CURLOPT_USERAGENT, "promgate");
    if (o->cacert)
        curl_easy_setopt(a->curl, CURLOPT_CAINFO, o->cacert);
    if (o->cert)
        curl_easy_setopt(a->curl, CURLOPT_SSLCERT, o->cert);
    if (o->key)
        curl_easy_setopt(a->curl, CURLOPT_SSLKEY, o->key);
    if (o->insecure) {
        curl_easy_setopt(a->curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(a->curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return 0;
}

static void api_release(api *a)
{
    if (a->curl)
        curl_easy_cleanup(a->curl);
    curl_slist_free_all(a->hdrs);
    curl_url_cleanup(a->base);
    free(a->shown);
    pg_buf_release(&a->body);
}

static void err_copy(pg_error *dst, const pg_error *src)
{
    if (dst && !dst->set)
        *dst = *src;
}

/* The URL of an API endpoint: the server URL's path with path appended,
 * its query (a proxy's tenant, say) followed by query, no fragment. Built
 * part by part, so the path never lands after a query or fragment of the
 * server URL. Caller frees with curl_free(); NULL if libcurl refuses. */
static char *endpoint_url(api *a, const char *path, const char *query)
{
    CURLU *u = curl_url_dup(a->base);
    char *base_path = NULL, *url = NULL;
    if (!u || curl_url_get(u, CURLUPART_PATH, &base_path, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return NULL;
    }
    pg_buf p = PG_BUF_INIT;
    pg_buf_adds(&p, base_path);
    while (p.len && p.p[p.len - 1] == '/')
        p.p[--p.len] = '\0';
    pg_buf_adds(&p, path);
    int ok = curl_url_set(u, CURLUPART_PATH, p.p, 0) == CURLUE_OK &&
             curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
             (!query || !*query ||
              curl_url_set(u, CURLUPART_QUERY, query, CURLU_APPENDQUERY) ==
                  CURLUE_OK) &&
             curl_url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK;
    pg_buf_release(&p);
    curl_free(base_path);
    curl_url_cleanup(u);
    if (!ok) {
        curl_free(url);
        return NULL;
    }
    return url;
}

/* The endpoint's URL redacted, for messages (the server URL's when the
 * endpoint cannot be built). */
static void shown_endpoint(api *a, const char *path, char *buf, size_t size)
{
    char *url = endpoint_url(a, path, NULL);
    char *shown = url ? pg_url_redact(url) : NULL;
    snprintf(buf, size, "%s", shown ? shown : a->shown);
    free(shown);
    curl_free(url);
}

/* Sets a->err with the endpoint's URL (credentials removed) as source. */
static int api_fail(api *a, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int api_fail(api *a, const char *path, const char *fmt, ...)
{
    char src[256], text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    shown_endpoint(a, path, src, sizeof src);
    return pg_error_set(a->err, src, 0, 0, "%s", text);
}

/* Appends "&name=value" (form-encoded) to b. */
static void form_add(api *a, pg_buf *b, const char *name, const char *value)
{
    char *v = curl_easy_escape(a->curl, value, 0);
    if (b->len)
        pg_buf_addc(b, '&');
    pg_buf_addf(b, "%s=%s", name, v ? v : "");
    curl_free(v);
}

/* The API's reason for a failed response: "errorType: error", or the
 * start of a non-JSON body. */
static void api_reason(const char *body, size_t len, json_t *root,
                       pg_buf *out)
{
    const char *et = json_string_value(json_object_get(root, "errorType"));
    const char *e = json_string_value(json_object_get(root, "error"));
    if (e) {
        if (et)
            pg_buf_addf(out, "%s: ", et);
        pg_buf_adds(out, e);
        return;
    }
    size_t n = strcspn(body, "\r\n");
    if (n > len)
        n = len;
    if (n > 200)
        n = 200;
    pg_buf_add(out, body, n);
}

/* Calls path on the API (GET with query, or POST with form) and returns
 * the response's "data" (new reference) in *data, or -1 with err set.
 * Warnings in the response mean a partial answer: that is an error too,
 * since a partial fleet would be judged as if metrics were missing. */
static int api_call(api *a, const char *path, const char *query,
                    const char *form, json_t **data)
{
    char *url = endpoint_url(a, path, query);
    if (!url)
        return api_fail(a, path, "cannot build the request URL");
    char src[256];
    shown_endpoint(a, path, src, sizeof src);

    a->body.len = 0;
    a->errbuf[0] = '\0';
    curl_easy_setopt(a->curl, CURLOPT_URL, url);
    if (form) {
        curl_easy_setopt(a->curl, CURLOPT_POSTFIELDS, form);
        curl_easy_setopt(a->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(form));
    } else {
        curl_easy_setopt(a->curl, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = curl_easy_perform(a->curl);
    curl_free(url);
    if (rc != CURLE_OK) {
        const char *why = a->errbuf[0] ? a->errbuf : curl_easy_strerror(rc);
        if (rc == CURLE_WRITE_ERROR)
            why = "response larger than 1 GiB";
        return pg_error_set(a->err, src, 0, 0, "request failed: %s", why);
    }
    long status = 0;
    curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &status);
    pg_buf_addc(&a->body, '\0');
    a->body.len--;

    json_error_t jerr;
    json_t *root = json_loadb(a->body.p ? a->body.p : "", a->body.len, 0,
                              &jerr);
    const char *st = json_string_value(json_object_get(root, "status"));
    if (status < 200 || status > 299 || !st || strcmp(st, "success")) {
        pg_buf why = PG_BUF_INIT;
        api_reason(a->body.p ? a->body.p : "", a->body.len, root, &why);
        if (status < 200 || status > 299)
            pg_error_set(a->err, src, 0, 0, "api error (HTTP %ld): %s",
                         status, why.len ? why.p : "empty response");
        else if (!root)
            pg_error_set(a->err, src, 0, 0,
                         "response is not JSON (line %d: %s)", jerr.line,
                         jerr.text);
        else
            pg_error_set(a->err, src, 0, 0, "api error: %s",
                         why.len ? why.p : "status is not success");
        pg_buf_release(&why);
        json_decref(root);
        return -1;
    }
    json_t *warn = json_object_get(root, "warnings");
    if (json_is_array(warn) && json_array_size(warn)) {
        const char *w = json_string_value(json_array_get(warn, 0));
        pg_error_set(a->err, src, 0, 0,
                     "partial response: %s (%zu warning%s)",
                     w ? w : "?", json_array_size(warn),
                     json_array_size(warn) == 1 ? "" : "s");
        json_decref(root);
        return -1;
    }
    *data = json_incref(json_object_get(root, "data"));
    json_decref(root);
    if (!*data)
        return pg_error_set(a->err, src, 0, 0, "response has no data");
    return 0;
}

/* ---- the fleet model ------------------------------------------------ */

typedef struct meta {
    char *type; /* as the API gives it: counter, gauge, histogram, ... */
    char *help;
} meta;

enum part { PART_PLAIN = 0, PART_BUCKET, PART_SUM, PART_COUNT };

typedef struct sample {
    char *name;
    char **lname, **lvalue; /* sorted by name; le/quantile excluded */
    size_t nl;
    char *order_label;      /* "le" or "quantile", or NULL */
    char *order_value;
    double order;           /* numeric le or quantile, for sorting */
    char *sig;              /* labels serialized, for grouping */
    enum part part;
    double value;
} sample;

typedef struct family {
    char *name;
    const char *type;       /* text-format type name */
    const char *help;       /* borrowed from metadata, or NULL */
    sample *s;
    size_t n, cap;
} family;

typedef struct instance {
    char *name;
    pg_strmap fams;         /* name -> family* */
    family **f;
    size_t nf, capf;
} instance;

typedef struct fleet {
    pg_strmap meta;         /* "instance\x1fmetric" -> meta*; instance ""
                               for server-wide metadata */
    pg_strmap md_names;     /* every metric name that has metadata */
    pg_strmap inst;         /* name -> instance* */
    instance **in;
    size_t nin, capin;
} fleet;

static void meta_free(void *p)
{
    meta *m = p;
    free(m->type);
    free(m->help);
    free(m);
}

static void sample_release(sample *s)
{
    free(s->name);
    for (size_t i = 0; i < s->nl; i++) {
        free(s->lname[i]);
        free(s->lvalue[i]);
    }
    free(s->lname);
    free(s->lvalue);
    free(s->order_label);
    free(s->order_value);
    free(s->sig);
}

static void instance_free(instance *in)
{
    for (size_t i = 0; i < in->nf; i++) {
        family *f = in->f[i];
        for (size_t j = 0; j < f->n; j++)
            sample_release(&f->s[j]);
        free(f->s);
        free(f->name);
        free(f);
    }
    free(in->f);
    pg_strmap_release(&in->fams, NULL);
    free(in->name);
    free(in);
}

static void fleet_release(fleet *fl)
{
    pg_strmap_release(&fl->meta, meta_free);
    pg_strmap_release(&fl->md_names, NULL);
    for (size_t i = 0; i < fl->nin; i++)
        instance_free(fl->in[i]);
    free(fl->in);
    pg_strmap_release(&fl->inst, NULL);
}

static instance *fleet_instance(fleet *fl, const char *name)
{
    instance *in = map_get(&fl->inst, name);
    if (in)
        return in;
    in = pg_xcalloc(1, sizeof *in);
    in->name = pg_xstrdup(name);
    map_put(&fl->inst, name, in);
    if (fl->nin == fl->capin) {
        fl->capin = fl->capin ? fl->capin * 2 : 8;
        fl->in = pg_xrealloc(fl->in, fl->capin * sizeof *fl->in);
    }
    fl->in[fl->nin++] = in;
    return in;
}

static const meta *meta_find(const fleet *fl, const char *inst,
                             const char *metric)
{
    pg_buf k = PG_BUF_INIT;
    pg_buf_addf(&k, "%s\x1f%s", inst, metric);
    const meta *m = map_get(&fl->meta, k.p);
    if (!m) {
        k.len = 0;
        pg_buf_addf(&k, "\x1f%s", metric);
        m = map_get(&fl->meta, k.p);
    }
    pg_buf_release(&k);
    return m;
}

static void meta_add(fleet *fl, const char *inst, const char *metric,
                     const char *type, const char *help)
{
    pg_buf k = PG_BUF_INIT;
    pg_buf_addf(&k, "%s\x1f%s", inst, metric);
    meta *m = pg_xcalloc(1, sizeof *m);
    m->type = pg_xstrdup(type ? type : "unknown");
    m->help = pg_xstrdup(help ? help : "");
    if (map_put(&fl->meta, k.p, m) != m)
        meta_free(m); /* first one wins */
    map_put(&fl->md_names, metric, (void *)1);
    pg_buf_release(&k);
}

/* Text-format 0.0.4 type for a metadata type. OpenMetrics-only types have
 * no text-format counterpart; untyped keeps their samples checkable. */
static const char *text_type(const char *t)
{
    static const char *const keep[] = { "counter", "gauge", "histogram",
                                        "summary" };
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (!strcmp(t, keep[i]))
            return keep[i];
    return "untyped";
}

static int has_suffix(const char *s, const char *suf, size_t *stem)
{
    size_t n = strlen(s), m = strlen(suf);
    if (n <= m || strcmp(s + n - m, suf))
        return 0;
    *stem = n - m;
    return 1;
}

/* Series Prometheus writes about each scrape itself (up, scrape_*), not
 * the exporter's: dropped unless the target's metadata claims them. */
static int is_server_series(const fleet *fl, const char *name)
{
    if (map_get(&fl->md_names, name))
        return 0;
    return !strcmp(name, "up") || !strncmp(name, "scrape_", 7);
}

/* Which family a series belongs to on an instance, from its metadata:
 * the series name itself, or a histogram/summary stem for _bucket, _sum
 * and _count, or a counter stem for an OpenMetrics _total. Sets *fam
 * (new string), *type, *help and *part; returns 0 to drop the series. */
static int resolve_family(const fleet *fl, const char *inst,
                          const char *name, char **fam, const char **type,
                          const char **help, enum part *part)
{
    const meta *m = meta_find(fl, inst, name);
    *part = PART_PLAIN;
    if (m) {
        *fam = pg_xstrdup(name);
        *type = text_type(m->type);
        *help = m->help;
        return 1;
    }
    static const struct {
        const char *suf;
        enum part part;
    } sufs[] = { { "_bucket", PART_BUCKET },
                 { "_sum", PART_SUM },
                 { "_count", PART_COUNT } };
    size_t stem;
    for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++) {
        if (!has_suffix(name, sufs[i].suf, &stem))
            continue;
        char *p = pg_xstrndup(name, stem);
        m = meta_find(fl, inst, p);
        if (m && (!strcmp(m->type, "histogram") ||
                  (!strcmp(m->type, "summary") && sufs[i].part != PART_BUCKET))) {
            *fam = p;
            *type = text_type(m->type);
            *help = m->help;
            *part = sufs[i].part;
            return 1;
        }
        free(p);
    }
    /* OpenMetrics counters are named without _total in metadata; in the
     * text format the family carries the sample's full name. Their
     * _created series have no text-format counterpart. */
    if (has_suffix(name, "_total", &stem)) {
        char *p = pg_xstrndup(name, stem);
        m = meta_find(fl, inst, p);
        free(p);
        if (m && !strcmp(m->type, "counter")) {
            *fam = pg_xstrdup(name);
            *type = "counter";
            *help = m->help;
            return 1;
        }
    }
    if (has_suffix(name, "_created", &stem)) {
        char *p = pg_xstrndup(name, stem);
        m = meta_find(fl, inst, p);
        free(p);
        if (m && (!strcmp(m->type, "counter") ||
                  !strcmp(m->type, "histogram") ||
                  !strcmp(m->type, "summary")))
            return 0;
    }
    if (is_server_series(fl, name))
        return 0;
    *fam = pg_xstrdup(name);
    *type = "untyped";
    *help = NULL;
    return 1;
}

static family *instance_family(instance *in, const char *name,
                               const char *type, const char *help)
{
    family *f = map_get(&in->fams, name);
    if (f)
        return f;
    f = pg_xcalloc(1, sizeof *f);
    f->name = pg_xstrdup(name);
    f->type = type;
    f->help = help;
    map_put(&in->fams, name, f);
    if (in->nf == in->capf) {
        in->capf = in->capf ? in->capf * 2 : 64;
        in->f = pg_xrealloc(in->f, in->capf * sizeof *in->f);
    }
    in->f[in->nf++] = f;
    return f;
}

/* ---- reading the API ------------------------------------------------ */

/* True if every label a selector matches on is a target label (job,
 * instance, --target-labels), so /api/v1/targets/metadata may be filtered
 * by it with match_target. Any doubt answers false: no filter. */
static int selector_on_target_labels(const pg_promapi_opts *o)
{
    const char *p = o->match;
    if (!p)
        return 0;
    while (*p == ' ')
        p++;
    if (*p++ != '{')
        return 0;
    int any = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '}')
            return any && p[1 + strspn(p + 1, " \t")] == '\0';
        const char *n = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
               (*p >= '0' && *p <= '9') || *p == '_')
            p++;
        size_t nl = (size_t)(p - n);
        if (!nl)
            return 0;
        int ok = (nl == 3 && !strncmp(n, "job", 3)) ||
                 (nl == 8 && !strncmp(n, "instance", 8));
        for (size_t i = 0; !ok && i < o->ntarget_labels; i++)
            ok = strlen(o->target_labels[i]) == nl &&
                 !strncmp(n, o->target_labels[i], nl);
        if (!ok)
            return 0;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '!' || *p == '=')
            p++;
        if (*p == '=' || *p == '~')
            p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '"')
            return 0;
        for (p++; *p && *p != '"'; p++)
            if (*p == '\\' && p[1])
                p++;
        if (*p++ != '"')
            return 0;
        any = 1;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == ',')
            p++;
        else if (*p != '}')
            return 0;
    }
}

static int read_metadata(api *a, fleet *fl)
{
    pg_buf q = PG_BUF_INIT;
    if (selector_on_target_labels(a->o))
        form_add(a, &q, "match_target", a->o->match);
    json_t *data = NULL;
    pg_error probe;
    pg_error_init(&probe);
    pg_error *keep = a->err;
    a->err = &probe;
    int rc = api_call(a, "/api/v1/targets/metadata", q.p, NULL, &data);
    a->err = keep;
    pg_buf_release(&q);
    if (rc) {
        long status = 0;
        curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 404) {
            err_copy(a->err, &probe);
            return -1;
        }
        /* No per-target metadata (Thanos, Mimir): one type and help per
         * metric name for the whole server. */
        pg_error second;
        pg_error_init(&second);
        a->err = &second;
        rc = api_call(a, "/api/v1/metadata", NULL, NULL, &data);
        a->err = keep;
        if (rc) {
            /* both missing: the base URL is wrong; name the first path */
            curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &status);
            err_copy(a->err, status == 404 ? &probe : &second);
            return -1;
        }
        const char *metric;
        json_t *list;
        json_object_foreach(data, metric, list) {
            json_t *e = json_array_get(list, 0);
            meta_add(fl, "", metric,
                     json_string_value(json_object_get(e, "type")),
                     json_string_value(json_object_get(e, "help")));
        }
        json_decref(data);
        return 0;
    }
    size_t i;
    json_t *e;
    json_array_foreach(data, i, e) {
        json_t *t = json_object_get(e, "target");
        const char *inst = json_string_value(json_object_get(t, "instance"));
        const char *metric = json_string_value(json_object_get(e, "metric"));
        if (!metric)
            continue;
        meta_add(fl, inst ? inst : "", metric,
                 json_string_value(json_object_get(e, "type")),
                 json_string_value(json_object_get(e, "help")));
    }
    json_decref(data);
    return 0;
}

static void add_time(pg_buf *b, const char *name, double t)
{
    pg_buf_addf(b, "%s%s=%.3f", b->len ? "&" : "", name, t);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *match_or_all(const pg_promapi_opts *o)
{
    return o->match && *o->match ? o->match : "{__name__=~\".+\"}";
}

/* Lists the series names to query (sorted, unique) into *names, and
 * creates every instance seen, so that a replica whose series all went
 * stale is still judged (with nothing exposed). */
static int read_series(api *a, fleet *fl, double now, pg_strmap *names)
{
    const pg_promapi_opts *o = a->o;
    long limit = o->limit > 0 ? o->limit : DEFAULT_LIMIT;
    double lookback = o->lookback > 0 ? o->lookback : DEFAULT_LOOKBACK;
    pg_buf form = PG_BUF_INIT;
    form_add(a, &form, "match[]", match_or_all(o));
    add_time(&form, "start", now - lookback);
    add_time(&form, "end", now);
    /* one more than allowed, to tell "exactly limit" from "truncated" on
     * servers that honour limit (Prometheus 2.42 ignores it) */
    pg_buf_addf(&form, "&limit=%ld&partial_response=false", limit + 1);
    json_t *data = NULL;
    int rc = api_call(a, "/api/v1/series", NULL, form.p, &data);
    pg_buf_release(&form);
    if (rc)
        return -1;
    if (!json_is_array(data)) {
        json_decref(data);
        return api_fail(a, "/api/v1/series", "data is not a list");
    }
    if (json_array_size(data) > (size_t)limit) {
        size_t n = json_array_size(data);
        json_decref(data);
        return api_fail(a, "/api/v1/series",
                            "selector '%s' matches %s%zu "
                            "series, over the limit of %ld; narrow the "
                            "selector or raise the limit",
                            match_or_all(o),
                            n == (size_t)limit + 1 ? "more than " : "",
                            n == (size_t)limit + 1 ? (size_t)limit : n,
                            limit);
    }
    size_t i;
    json_t *e;
    json_array_foreach(data, i, e) {
        const char *name = json_string_value(json_object_get(e, "__name__"));
        const char *inst = json_string_value(json_object_get(e, "instance"));
        fleet_instance(fl, inst ? inst : NO_INSTANCE);
        if (name && !is_server_series(fl, name))
            map_put(names, name, (void *)1);
    }
    json_decref(data);
    return 0;
}

static int is_target_label(const pg_promapi_opts *o, const char *name)
{
    if (!strcmp(name, "job") || !strcmp(name, "instance"))
        return 1;
    for (size_t i = 0; i < o->ntarget_labels; i++)
        if (!strcmp(name, o->target_labels[i]))
            return 1;
    return 0;
}

typedef struct kv {
    const char *k, *v;
} kv;

static int kv_cmp(const void *a, const void *b)
{
    return strcmp(((const kv *)a)->k, ((const kv *)b)->k);
}

/* A sample value or bound as the API writes it ("1", "+Inf", "NaN"); one
 * that is not a number of the exposition formats reads as NaN, which the
 * rebuilt exposition then shows rather than a made-up 0. */
static double api_number(const char *s)
{
    double d;
    return pg_num_parse(s, strlen(s), &d) == PG_NUM_OK ? d : NAN;
}

/* Adds one query result to its instance: target labels stripped, and an
 * exporter's own label that clashed with one (renamed exported_<name> by
 * Prometheus) given its name back. */
static void add_result(api *a, fleet *fl, json_t *r)
{
    json_t *metric = json_object_get(r, "metric");
    json_t *value = json_object_get(r, "value");
    const char *name = json_string_value(json_object_get(metric, "__name__"));
    const char *vs = json_string_value(json_array_get(value, 1));
    if (!name || !vs)
        return; /* a native histogram, or not a series */
    const char *inst = json_string_value(json_object_get(metric, "instance"));
    if (!inst)
        inst = NO_INSTANCE;
    char *fam;
    const char *type, *help;
    enum part part;
    if (!resolve_family(fl, inst, name, &fam, &type, &help, &part))
        return;
    instance *in = fleet_instance(fl, inst);
    family *f = instance_family(in, fam, type, help);
    free(fam);

    size_t cap = json_object_size(metric), n = 0;
    kv *l = pg_xcalloc(cap, sizeof *l);
    const char *k;
    json_t *v;
    sample s;
    memset(&s, 0, sizeof s);
    s.part = part;
    const char *order_label = NULL;
    if (part == PART_BUCKET)
        order_label = !strcmp(f->type, "summary") ? "quantile" : "le";
    else if (part == PART_PLAIN && !strcmp(f->type, "summary"))
        order_label = "quantile";
    /* json_object_foreach advances through k: never move k itself */
    json_object_foreach(metric, k, v) {
        const char *val = json_string_value(v), *lname = k;
        if (!val || !strcmp(k, "__name__") || is_target_label(a->o, k))
            continue;
        if (!strncmp(k, "exported_", 9) && is_target_label(a->o, k + 9))
            lname = k + 9;
        if (order_label && !strcmp(lname, order_label)) {
            s.order_label = pg_xstrdup(lname);
            s.order_value = pg_xstrdup(val);
            s.order = api_number(val);
            continue;
        }
        l[n].k = lname;
        l[n++].v = val;
    }
    qsort(l, n, sizeof *l, kv_cmp);
    s.name = pg_xstrdup(name);
    s.nl = n;
    s.lname = pg_xcalloc(n, sizeof *s.lname);
    s.lvalue = pg_xcalloc(n, sizeof *s.lvalue);
    pg_buf sig = PG_BUF_INIT;
    pg_buf_adds(&sig, "");
    for (size_t i = 0; i < n; i++) {
        s.lname[i] = pg_xstrdup(l[i].k);
        s.lvalue[i] = pg_xstrdup(l[i].v);
        pg_buf_addf(&sig, "%s\x1f%s\x1e", l[i].k, l[i].v);
    }
    s.sig = pg_buf_detach(&sig);
    free(l);
    s.value = api_number(vs);
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->s = pg_xrealloc(f->s, f->cap * sizeof *f->s);
    }
    f->s[f->n++] = s;
}

/* The stem that groups series of one family in one query batch, so that
 * a histogram's buckets, _sum and _count are read at the same instant. */
static size_t batch_stem(const char *name)
{
    static const char *const sufs[] = { "_bucket", "_sum", "_count",
                                        "_total", "_created" };
    size_t stem;
    for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++)
        if (has_suffix(name, sufs[i], &stem))
            return stem;
    return strlen(name);
}

/* The batch's selector: the user's selector with a __name__ regex added.
 * A selector that names its metric cannot take a second name matcher, and
 * is queried as it is (one batch). */
static void batch_selector(const pg_promapi_opts *o, const pg_buf *regex,
                           pg_buf *out)
{
    const char *m = o->match ? o->match : "";
    m += strspn(m, " \t");
    if (*m && *m != '{') {
        pg_buf_adds(out, m);
        return;
    }
    pg_buf_addf(out, "{__name__=~\"%s\"", regex->p);
    if (*m) {
        const char *rest = m + 1;
        rest += strspn(rest, " \t");
        if (*rest != '}')
            pg_buf_addc(out, ',');
        pg_buf_adds(out, rest);
    } else {
        pg_buf_addc(out, '}');
    }
}

static int query_batch(api *a, fleet *fl, double now, const pg_buf *regex)
{
    double t = a->o->timeout > 0 ? a->o->timeout : DEFAULT_TIMEOUT;
    pg_buf sel = PG_BUF_INIT, form = PG_BUF_INIT;
    batch_selector(a->o, regex, &sel);
    form_add(a, &form, "query", sel.p);
    add_time(&form, "time", now);
    pg_buf_addf(&form, "&timeout=%ldms&partial_response=false",
                (long)(t * 1000));
    pg_buf_release(&sel);
    json_t *data = NULL;
    int rc = api_call(a, "/api/v1/query", NULL, form.p, &data);
    pg_buf_release(&form);
    if (rc)
        return -1;
    const char *rt = json_string_value(json_object_get(data, "resultType"));
    json_t *res = json_object_get(data, "result");
    if (!rt || strcmp(rt, "vector") || !json_is_array(res)) {
        json_decref(data);
        return api_fail(a, "/api/v1/query", "result is not a vector");
    }
    size_t i;
    json_t *r;
    json_array_foreach(res, i, r)
        add_result(a, fl, r);
    json_decref(data);
    return 0;
}

/* Adds name to a regex alternation, escaping regex metacharacters (for a
 * PromQL string, the backslash itself is doubled). */
static void regex_add(pg_buf *re, const char *name)
{
    if (re->len)
        pg_buf_addc(re, '|');
    for (const char *p = name; *p; p++) {
        if (strchr(".^$*+?()[]{}|\\", *p))
            pg_buf_adds(re, "\\\\");
        if (*p == '"')
            pg_buf_addc(re, '\\');
        pg_buf_addc(re, *p);
    }
}

typedef struct stemmed {
    const char *name;
    size_t stem;
} stemmed;

static int stemmed_cmp(const void *x, const void *y)
{
    const stemmed *a = x, *b = y;
    size_t n = a->stem < b->stem ? a->stem : b->stem;
    int c = strncmp(a->name, b->name, n);
    if (c)
        return c;
    if (a->stem != b->stem)
        return (a->stem > b->stem) - (a->stem < b->stem);
    return strcmp(a->name, b->name);
}

static int read_values(api *a, fleet *fl, double now, pg_strmap *names)
{
    const char *m = a->o->match ? a->o->match : "";
    m += strspn(m, " \t");
    if (*m && *m != '{') {
        pg_buf none = PG_BUF_INIT;
        int rc = query_batch(a, fl, now, &none);
        pg_buf_release(&none);
        return rc;
    }
    stemmed *v = pg_xcalloc(names->n, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < names->cap; i++)
        if (names->keys[i]) {
            v[n].name = names->keys[i];
            v[n++].stem = batch_stem(names->keys[i]);
        }
    qsort(v, n, sizeof *v, stemmed_cmp);

    pg_buf re = PG_BUF_INIT, group = PG_BUF_INIT;
    size_t fams = 0, i = 0;
    int rc = 0;
    while (i < n && !rc) {
        /* every series name of one stem goes to the same batch */
        size_t j = i;
        group.len = 0;
        pg_buf_adds(&group, "");
        for (; j < n && v[j].stem == v[i].stem &&
               !strncmp(v[j].name, v[i].name, v[i].stem); j++)
            regex_add(&group, v[j].name);
        if (re.len && (fams + 1 > BATCH_FAMILIES ||
                       re.len + group.len + 1 > BATCH_REGEX_BYTES)) {
            rc = query_batch(a, fl, now, &re);
            re.len = 0;
            re.p[0] = '\0';
            fams = 0;
        }
        if (re.len)
            pg_buf_addc(&re, '|');
        pg_buf_add(&re, group.p, group.len);
        fams++;
        i = j;
    }
    if (!rc && re.len)
        rc = query_batch(a, fl, now, &re);
    pg_buf_release(&re);
    pg_buf_release(&group);
    free(v);
    return rc;
}

/* ---- rebuilding the exposition -------------------------------------- */

static int fam_cmp(const void *x, const void *y)
{
    return strcmp((*(family *const *)x)->name, (*(family *const *)y)->name);
}

static int inst_cmp(const void *x, const void *y)
{
    return strcmp((*(instance *const *)x)->name,
                  (*(instance *const *)y)->name);
}

static int dbl_cmp(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

/* Histogram and summary series grouped by label set: buckets (le
 * ascending, +Inf last) or quantiles, then _sum, then _count, as a
 * client library writes them. Other families: by name, then labels. */
static int sample_cmp(const void *x, const void *y)
{
    const sample *a = x, *b = y;
    int c;
    if ((c = strcmp(a->sig, b->sig)))
        return c;
    if (a->part != b->part)
        return (a->part > b->part) - (a->part < b->part);
    if ((c = dbl_cmp(a->order, b->order)))
        return c;
    return strcmp(a->name, b->name);
}

static int plain_cmp(const void *x, const void *y)
{
    const sample *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->sig, b->sig);
}

/* Escapes per the text format: in HELP, backslash and line feed; in label
 * values, double quote too. */
static void add_escaped(pg_buf *b, const char *s, int quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            pg_buf_adds(b, "\\\\");
        else if (*s == '\n')
            pg_buf_adds(b, "\\n");
        else if (quote && *s == '"')
            pg_buf_adds(b, "\\\"");
        else
            pg_buf_addc(b, *s);
    }
}

/* Shortest %g form that reads back as the same double; NaN and the
 * infinities as the text format spells them. */
static void add_value(pg_buf *b, double v)
{
    char tmp[40];
    pg_num_format(tmp, sizeof tmp, v);
    pg_buf_adds(b, tmp);
}

static void render_sample(pg_buf *b, const sample *s)
{
    pg_buf_adds(b, s->name);
    if (s->nl || s->order_label) {
        pg_buf_addc(b, '{');
        for (size_t i = 0; i < s->nl; i++) {
            pg_buf_addf(b, "%s%s=\"", i ? "," : "", s->lname[i]);
            add_escaped(b, s->lvalue[i], 1);
            pg_buf_addc(b, '"');
        }
        if (s->order_label) {
            pg_buf_addf(b, "%s%s=\"", s->nl ? "," : "", s->order_label);
            add_escaped(b, s->order_value, 1);
            pg_buf_addc(b, '"');
        }
        pg_buf_addc(b, '}');
    }
    pg_buf_addc(b, ' ');
    add_value(b, s->value);
    pg_buf_addc(b, '\n');
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Gives back labels Prometheus dropped because their value was empty: a
 * label that some series of the family carry and others lack (a client
 * library gives every series of a family the same label names, so on the
 * others it was ""), and, with empty_labels, every label the golden
 * documents for the family. Without empty_labels a documented label absent
 * from every series stays absent: through the API an exporter that omits
 * it and one that sets it to "" look the same, and the first is a defect. */
static void restore_labels(family *f, const char *const *expected,
                           size_t nexpected)
{
    const char **names = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < f->n + nexpected; i++) {
        size_t nl = i < f->n ? f->s[i].nl : 1;
        for (size_t j = 0; j < nl; j++) {
            const char *l = i < f->n ? f->s[i].lname[j] : expected[i - f->n];
            size_t k = 0;
            while (k < n && strcmp(names[k], l))
                k++;
            if (k < n)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                names = pg_xrealloc(names, cap * sizeof *names);
            }
            names[n++] = l;
        }
    }
    if (n > 1)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < f->n; i++) {
        sample *s = &f->s[i];
        if (s->nl == n)
            continue;
        char **ln = pg_xcalloc(n, sizeof *ln), **lv = pg_xcalloc(n, sizeof *lv);
        size_t j = 0;
        pg_buf sig = PG_BUF_INIT;
        pg_buf_adds(&sig, "");
        for (size_t k = 0; k < n; k++) {
            if (j < s->nl && !strcmp(s->lname[j], names[k])) {
                ln[k] = s->lname[j];
                lv[k] = s->lvalue[j++];
            } else {
                ln[k] = pg_xstrdup(names[k]);
                lv[k] = pg_xstrdup("");
            }
            pg_buf_addf(&sig, "%s\x1f%s\x1e", ln[k], lv[k]);
        }
        free(s->lname);
        free(s->lvalue);
        free(s->sig);
        s->lname = ln;
        s->lvalue = lv;
        s->nl = n;
        s->sig = pg_buf_detach(&sig);
    }
    free(names);
}

static void render_instance(instance *in, const pg_promapi_opts *o,
                            pg_buf *b)
{
    if (!in->nf)
        return; /* a target that is down: nothing exposed (qsort(NULL) is UB) */
    qsort(in->f, in->nf, sizeof *in->f, fam_cmp);
    for (size_t i = 0; i < in->nf; i++) {
        family *f = in->f[i];
        size_t nexpected = 0;
        const char *const *expected =
            o->empty_labels && o->expected_labels
                ? o->expected_labels(o->expected_labels_ctx, f->name,
                                     &nexpected)
                : NULL;
        restore_labels(f, expected, expected ? nexpected : 0);
        int grouped = !strcmp(f->type, "histogram") ||
                      !strcmp(f->type, "summary");
        qsort(f->s, f->n, sizeof *f->s, grouped ? sample_cmp : plain_cmp);
        if (f->help && *f->help) {
            pg_buf_addf(b, "# HELP %s ", f->name);
            add_escaped(b, f->help, 0);
            pg_buf_addc(b, '\n');
        }
        pg_buf_addf(b, "# TYPE %s %s\n", f->name, f->type);
        for (size_t j = 0; j < f->n; j++)
            render_sample(b, &f->s[j]);
    }
}

int pg_promapi_collect(const pg_promapi_opts *opts, pg_promapi_instance_fn fn,
                       void *ctx, pg_error *err)
{
    if (!opts || !opts->url || !*opts->url)
        return pg_error_set(err, "promapi", 0, 0, "no Prometheus URL given");
    api a;
    fleet fl;
    pg_strmap names;
    memset(&fl, 0, sizeof fl);
    memset(&names, 0, sizeof names);
    int rc = api_init(&a, opts, err);
    /* one evaluation time for every query, so batches agree */
    double now = now_seconds();
    if (!rc)
        rc = read_metadata(&a, &fl);
    if (!rc)
        rc = read_series(&a, &fl, now, &names);
    if (!rc && names.n)
        rc = read_values(&a, &fl, now, &names);
    if (!rc && !fl.nin)
        rc = pg_error_set(err, a.shown, 0, 0,
                          "no series match '%s' in the last %g s",
                          match_or_all(opts),
                          opts->lookback > 0 ? opts->lookback
                                             : DEFAULT_LOOKBACK);
    if (!rc) {
        qsort(fl.in, fl.nin, sizeof *fl.in, inst_cmp);
        pg_buf text = PG_BUF_INIT;
        for (size_t i = 0; i < fl.nin; i++) {
            text.len = 0;
            pg_buf_adds(&text, "");
            render_instance(fl.in[i], opts, &text);
            if (fn && fn(ctx, fl.in[i]->name, text.p, text.len))
                break;
        }
        pg_buf_release(&text);
    }
    pg_strmap_release(&names, NULL);
    fleet_release(&fl);
    api_release(&a);
    return rc;
}
