/* scrape.c: see scrape.h. One curl multi handle drives every target; each
 * target is an easy handle that is re-added for a retry after its backoff
 * delay, so slow or retried targets never hold up the others. Bodies go
 * to the sinks straight from libcurl's write callback (already decoded
 * when the server used gzip or deflate) and are never buffered here. */
#include "source/scrape.h"

#include <ctype.h>
#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/url.h"
#include "core/util.h"
#include "source/negotiate.h"

#define DEFAULT_TIMEOUT 10.0
#define DEFAULT_MAX_BYTES (256ULL << 20)
#define DEFAULT_MAX_REDIRECTS 5L
#define MAX_BACKOFF 30.0

enum target_state {
    T_RUNNING,  /* in the multi handle */
    T_WAITING,  /* waiting for its retry time */
    T_DONE
};

typedef struct target {
    CURL *easy;
    const char *url;
    char *shown;              /* redacted URL, for every message */
    const pg_scrape_sink *sink;
    pg_scrape_result *res;
    enum target_state state;
    int attempt;              /* 1-based */
    double retry_at;          /* monotonic seconds, when T_WAITING */
    double started;
    /* Per attempt: */
    int begun;                /* begin() called */
    int sink_failed;          /* a sink callback returned nonzero */
    int too_big;              /* max_bytes exceeded */
    char reason[96];          /* reason phrase of the last status line */
    pg_buf headers;           /* response headers, Set-Cookie redacted */
    char errbuf[CURL_ERROR_SIZE];
} target;

static int has_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static void fail(target *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(target *t, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(t->res->error, sizeof(t->res->error), "%s: %s", t->shown, msg);
}

static void record_content_type(target *t)
{
    char *ct = NULL;
    t->res->content_type[0] = '\0';
    if (curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
        ct)
        snprintf(t->res->content_type, sizeof(t->res->content_type), "%s", ct);
}

static long response_code(target *t)
{
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

/* Calls begin() once per attempt, before the first body byte (or at the
 * end for an empty body). */
static int begin_attempt(target *t)
{
    if (t->begun)
        return 0;
    t->begun = 1;
    t->res->status = response_code(t);
    record_content_type(t);
    if (t->sink && t->sink->begin &&
        t->sink->begin(t->sink->ctx, t->res->status,
                       t->res->content_type[0] ? t->res->content_type : NULL)) {
        t->sink_failed = 1;
        return -1;
    }
    return 0;
}

#define SCRAPE_BUFFER (512L * 1024)  /* receive buffer per transfer */

typedef struct scrape_run {
    const pg_scrape_opts *opts;
    uint64_t max_bytes;
    double timeout;
    long max_redirects;
    struct curl_slist *headers;
} scrape_run;

/* What the write callback needs: its target and the run's limits. */
typedef struct body_ctx {
    target *t;
    const scrape_run *run;
} body_ctx;

static size_t on_data(char *buf, size_t size, size_t n, void *arg)
{
    body_ctx *bc = arg;
    target *t = bc->t;
    size_t len = size * n;
    if (begin_attempt(t) != 0)
        return CURL_WRITEFUNC_ERROR;
    /* Only a 2xx body is scraped data; an error page is discarded. */
    if (t->res->status < 200 || t->res->status > 299)
        return len;
    if (t->res->bytes + len > bc->run->max_bytes) {
        t->too_big = 1;
        return CURL_WRITEFUNC_ERROR;
    }
    t->res->bytes += len;
    if (t->sink && t->sink->data && len > 0 &&
        t->sink->data(t->sink->ctx, buf, len)) {
        t->sink_failed = 1;
        return CURL_WRITEFUNC_ERROR;
    }
    return len;
}

/* Collects response headers. A new status line (after a redirect or a
 * 1xx) starts a new block; the blocks of one attempt are all kept, as
 * evidence of the redirect chain. Set-Cookie values are redacted. */
static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
    target *t = arg;
    size_t len = size * n;
    if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
        const char *sp = memchr(buf, ' ', len);
        t->reason[0] = '\0';
        if (sp) {
            const char *r = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - buf));
            if (r) {
                size_t rl = len - (size_t)(r + 1 - buf);
                while (rl > 0 && (r[1 + rl - 1] == '\r' || r[1 + rl - 1] == '\n'))
                    rl--;
                if (rl >= sizeof(t->reason))
                    rl = sizeof(t->reason) - 1;
                /* The reason phrase is the server's text and goes into
                 * messages: keep printable ASCII only. */
                for (size_t k = 0; k < rl; k++) {
                    unsigned char ch = (unsigned char)r[1 + k];
                    t->reason[k] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
                }
                t->reason[rl] = '\0';
            }
        }
    }
    if (len >= 11 && strncasecmp(buf, "set-cookie:", 11) == 0) {
        const char *v = buf + 11;
        size_t vl = len - 11;
        while (vl > 0 && *v == ' ') {
            v++;
            vl--;
        }
        const char *eq = memchr(v, '=', vl);
        pg_buf_adds(&t->headers, "Set-Cookie: ");
        if (eq)
            pg_buf_add(&t->headers, v, (size_t)(eq - v) + 1);
        pg_buf_adds(&t->headers, "REDACTED\r\n");
        return len;
    }
    pg_buf_add(&t->headers, buf, len);
    return len;
}

char *pg_scrape_accept(const pg_scrape_opts *o)
{
    for (size_t i = 0; i < o->nheaders; i++)
        if (has_prefix_ci(o->headers[i], "accept:"))
            return pg_xstrdup(o->headers[i] + 7 +
                              strspn(o->headers[i] + 7, " \t"));
    /* the asked format first, with fallbacks, as Prometheus asks */
    return pg_accept_header(o->accept, (enum pg_escaping)o->escaping);
}

static struct curl_slist *build_headers(const pg_scrape_opts *o)
{
    struct curl_slist *list = NULL;
    int have_accept = 0;
    for (size_t i = 0; i < o->nheaders; i++) {
        if (has_prefix_ci(o->headers[i], "accept:"))
            have_accept = 1;
        list = curl_slist_append(list, o->headers[i]);
    }
    if (!have_accept) {
        char *v = pg_scrape_accept(o);
        pg_buf h = PG_BUF_INIT;
        pg_buf_addf(&h, "Accept: %s", v);
        list = curl_slist_append(list, h.p);
        pg_buf_release(&h);
        free(v);
    }
    return list;
}

/* Sets the options of a target's easy handle once; they persist across
 * attempts, since a retry re-adds the same handle to the multi handle. */
static int setup_easy(target *t, const scrape_run *run, body_ctx *bc)
{
    const pg_scrape_opts *o = run->opts;
    CURL *e = t->easy;
    long ms = (long)(run->timeout * 1000.0);
    if (ms < 1)
        ms = 1;
    int rc = 0;
#define SET(opt, val) rc |= (int)curl_easy_setopt(e, opt, val)
    SET(CURLOPT_URL, t->url);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, t->errbuf);
    SET(CURLOPT_WRITEFUNCTION, on_data);
    SET(CURLOPT_WRITEDATA, bc);
    /* Big bodies arrive in fewer, larger pieces: fewer receive calls and
     * fewer lines the parser must carry across piece boundaries. (The
     * default is 16 KiB; libcurl caps it at CURL_MAX_READ_SIZE.) The
     * limits below are unaffected: max_bytes is counted per piece, the
     * low-speed check runs on time, not on pieces. */
    SET(CURLOPT_BUFFERSIZE, SCRAPE_BUFFER);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, t);
    SET(CURLOPT_HTTPHEADER, run->headers);
    SET(CURLOPT_USERAGENT, "promgate/0.1 (scrape conformance)");
    /* "" asks for every encoding libcurl can decode; the body reaches the
     * sink decoded, so max_bytes caps the decompressed size. */
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_TIMEOUT_MS, ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, ms);
    /* A stalled body also ends on the low-speed limit: less than one byte
     * per second for the whole timeout (rounded up to whole seconds). */
    SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    SET(CURLOPT_LOW_SPEED_TIME, (long)ceil(run->timeout));
    if (run->max_redirects > 0) {
        SET(CURLOPT_FOLLOWLOCATION, 1L);
        SET(CURLOPT_MAXREDIRS, run->max_redirects);
    } else {
        SET(CURLOPT_FOLLOWLOCATION, 0L);
    }
    if (o->bearer_token) {
        SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        SET(CURLOPT_XOAUTH2_BEARER, o->bearer_token);
    } else if (o->basic_user) {
        SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        SET(CURLOPT_USERNAME, o->basic_user);
        SET(CURLOPT_PASSWORD, o->basic_password ? o->basic_password : "");
    }
    if (o->cacert)
        SET(CURLOPT_CAINFO, o->cacert);
    if (o->cert)
        SET(CURLOPT_SSLCERT, o->cert);
    if (o->key)
        SET(CURLOPT_SSLKEY, o->key);
    if (o->insecure) {
        SET(CURLOPT_SSL_VERIFYPEER, 0L);
        SET(CURLOPT_SSL_VERIFYHOST, 0L);
    }
    SET(CURLOPT_PRIVATE, (void *)t);
#undef SET
    return rc ? -1 : 0;
}

static void reset_attempt(target *t)
{
    t->begun = 0;
    t->sink_failed = 0;
    t->too_big = 0;
    t->reason[0] = '\0';
    t->errbuf[0] = '\0';
    t->res->bytes = 0;
    t->res->status = 0;
    t->res->content_type[0] = '\0';
    t->headers.len = 0;
    if (t->headers.p)
        t->headers.p[0] = '\0';
}

static const char *status_reason(const target *t, long status)
{
    if (t->reason[0])
        return t->reason;
    switch (status) {
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

static int retryable_curl(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return 1;
    default:
        return 0;
    }
}

/* Judges a finished attempt: fills the error and returns 1 if it should
 * be retried, 0 if the target is done (ok or not). */
static int judge_attempt(target *t, CURLcode code, const scrape_run *run)
{
    pg_scrape_result *r = t->res;
    const pg_scrape_opts *o = run->opts;
    long status = response_code(t);
    if (code == CURLE_OK)
        begin_attempt(t); /* empty body: begin() still comes first */
    r->status = status;
    if (!r->content_type[0])
        record_content_type(t);
    r->error[0] = '\0';
    int retry = 0;
    if (t->too_big) {
        fail(t, "body exceeds the limit of %llu bytes (decompressed); "
                "transfer aborted",
             (unsigned long long)run->max_bytes);
    } else if (t->sink_failed) {
        fail(t, "scrape aborted by its consumer");
    } else if (code == CURLE_TOO_MANY_REDIRECTS) {
        fail(t, "too many redirects (more than %ld; a redirect loop?)",
             run->max_redirects);
    } else if (code != CURLE_OK) {
        if (t->errbuf[0])
            fail(t, "%s (%s)", curl_easy_strerror(code), t->errbuf);
        else
            fail(t, "%s", curl_easy_strerror(code));
        retry = retryable_curl(code);
    } else if (status < 200 || status > 299) {
        const char *why = status_reason(t, status);
        char *loc = NULL;
        if (status >= 300 && status <= 399 &&
            curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &loc) ==
                CURLE_OK && loc) {
            char *shown = pg_url_redact(loc);
            fail(t, "HTTP %ld%s%s (redirect to '%s' not followed)", status,
                 *why ? " " : "", why, shown);
            free(shown);
        } else {
            fail(t, "HTTP %ld%s%s", status, *why ? " " : "", why);
        }
        retry = status >= 500;
    } else {
        r->ok = 1;
        return 0;
    }
    if (retry && t->attempt <= o->retries)
        return 1;
    if (t->attempt > 1) {
        size_t len = strlen(r->error);
        snprintf(r->error + len, sizeof(r->error) - len, " after %d attempts",
                 t->attempt);
    }
    return 0;
}

static double backoff_delay(const pg_scrape_opts *o, int attempt)
{
    if (o->backoff <= 0)
        return 0;
    double d = o->backoff * pow(2.0, attempt - 1);
    return d > MAX_BACKOFF ? MAX_BACKOFF : d;
}

static void finish_target(target *t, int progress)
{
    t->state = T_DONE;
    t->res->seconds = pg_now_mono() - t->started;
    t->res->headers = pg_buf_detach(&t->headers);
    if (!progress)
        return;
    if (t->res->ok)
        fprintf(stderr, "promgate: scraped %s: HTTP %ld, %llu bytes in %.3f s\n",
                t->shown, t->res->status, (unsigned long long)t->res->bytes,
                t->res->seconds);
    else
        fprintf(stderr, "promgate: scrape failed: %s\n", t->res->error);
}

static void start_attempt(CURLM *m, target *t)
{
    reset_attempt(t);
    t->attempt++;
    t->state = T_RUNNING;
    curl_multi_add_handle(m, t->easy);
}

/* libcurl's global set-up runs once, whichever thread scrapes first
 * (promgate compat scrapes from several threads at once). */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void curl_init_once(void)
{
    curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

/* The limits of a run: the options', or the defaults where unset. */
static scrape_run scrape_run_for(const pg_scrape_opts *opts)
{
    scrape_run run = { opts,
                       opts->max_bytes ? opts->max_bytes : DEFAULT_MAX_BYTES,
                       opts->timeout > 0 ? opts->timeout : DEFAULT_TIMEOUT,
                       opts->max_redirects < 0 ? DEFAULT_MAX_REDIRECTS
                                               : opts->max_redirects,
                       build_headers(opts) };
    return run;
}

/* Sets up target t for url and adds its first attempt to m. Returns 1 if
 * it started; 0 if it is already done (failed, the reason in its
 * result). */
static int start_target(CURLM *m, target *t, body_ctx *bc, const char *url,
                        const scrape_run *run)
{
    const pg_scrape_opts *opts = run->opts;
    t->url = url;
    t->shown = pg_url_redact(url);
    pg_buf_init(&t->headers);
    bc->t = t;
    bc->run = run;
    t->state = T_DONE;
    const char *why = NULL;
    if (!pg_url_is_http(url))
        why = "not an http:// or https:// URL";
    else if (opts->bearer_token && opts->basic_user)
        why = "both a bearer token and basic auth given; use one";
    else if (!m || !(t->easy = curl_easy_init()) ||
             setup_easy(t, run, bc) != 0)
        why = "cannot set up the transfer (libcurl)";
    if (why) {
        fail(t, "%s", why);
        finish_target(t, opts->progress);
        return 0;
    }
    start_attempt(m, t);
    return 1;
}

/* A finished transfer: its target waits for a retry, or is done. Returns
 * 1 when the target is done. */
static int transfer_done(CURLM *m, CURLMsg *msg, const scrape_run *run)
{
    const pg_scrape_opts *opts = run->opts;
    target *t = NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
    CURLcode code = msg->data.result;
    curl_multi_remove_handle(m, msg->easy_handle);
    if (!judge_attempt(t, code, run)) {
        finish_target(t, opts->progress);
        return 1;
    }
    double d = backoff_delay(opts, t->attempt);
    if (opts->progress)
        fprintf(stderr, "promgate: attempt %d of %d failed: %s; "
                        "retrying in %.2f s\n",
                t->attempt, opts->retries + 1, t->res->error, d);
    t->state = T_WAITING;
    t->retry_at = pg_now_mono() + d;
    return 0;
}

/* Starts the retries that are due; returns how long to sleep (ms), no
 * longer than until the next one, at most a second. */
static int start_due_retries(CURLM *m, target *ts, size_t n)
{
    double now = pg_now_mono(), next = now + 1.0;
    for (size_t i = 0; i < n; i++) {
        target *t = &ts[i];
        if (t->state != T_WAITING)
            continue;
        if (t->retry_at <= now)
            start_attempt(m, t);
        else if (t->retry_at < next)
            next = t->retry_at;
    }
    int wait_ms = (int)((next - now) * 1000.0) + 1;
    return wait_ms > 1000 ? 1000 : wait_ms;
}

/* Drives the transfers until `pending` targets are done. */
static void run_transfers(CURLM *m, target *ts, size_t n, size_t pending,
                          const scrape_run *run)
{
    while (pending > 0) {
        int running = 0, left;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(m, &left)) != NULL)
            if (msg->msg == CURLMSG_DONE)
                pending -= (size_t)transfer_done(m, msg, run);
        if (pending == 0)
            break;
        curl_multi_poll(m, NULL, 0, start_due_retries(m, ts, n), NULL);
    }
}

/* Frees the targets; returns how many failed. */
static size_t release_targets(target *ts, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ts[i].res->ok)
            failed++;
        if (ts[i].easy)
            curl_easy_cleanup(ts[i].easy);
        free(ts[i].shown);
        pg_buf_release(&ts[i].headers);
    }
    free(ts);
    return failed;
}

size_t pg_scrape_all(const char *const *urls, size_t n,
                     const pg_scrape_opts *opts, const pg_scrape_sink *sinks,
                     pg_scrape_result *results)
{
    pg_scrape_opts defaults;
    if (!opts) {
        memset(&defaults, 0, sizeof(defaults));
        opts = &defaults;
    }
    for (size_t i = 0; i < n; i++)
        memset(&results[i], 0, sizeof(results[i]));
    if (n == 0)
        return 0;
    pthread_once(&curl_once, curl_init_once);
    if (!curl_ready) {
        for (size_t i = 0; i < n; i++)
            snprintf(results[i].error, sizeof(results[i].error),
                     "cannot initialise libcurl");
        return n;
    }
    scrape_run run = scrape_run_for(opts);
    target *ts = pg_xcalloc(n, sizeof(*ts));
    body_ctx *bcs = pg_xcalloc(n, sizeof(*bcs));
    CURLM *m = curl_multi_init();
    size_t pending = 0;
    double t0 = pg_now_mono();
    for (size_t i = 0; i < n; i++) {
        ts[i].sink = sinks ? &sinks[i] : NULL;
        ts[i].res = &results[i];
        ts[i].started = t0;
        pending += (size_t)start_target(m, &ts[i], &bcs[i], urls[i], &run);
    }
    run_transfers(m, ts, n, pending, &run);
    size_t failed = release_targets(ts, n);
    curl_slist_free_all(run.headers);
    if (m)
        curl_multi_cleanup(m);
    free(bcs);
    return failed;
}

void pg_scrape_opts_init(pg_scrape_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_redirects = DEFAULT_MAX_REDIRECTS;
    o->accept = PG_FORMAT_AUTO;
}

/* Headers that only negotiate what is sent back: their values are no
 * credential, and cutting them ("text/plain", "gzip") out of every report
 * would hide what was asked. Any other header may carry one. */
static int negotiating_header(const char *h)
{
    static const char *const names[] = {
        "accept:", "accept-encoding:", "user-agent:",
        "x-prometheus-scrape-timeout-seconds:"
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (has_prefix_ci(h, names[i]))
            return 1;
    return 0;
}

size_t pg_scrape_secrets(const pg_scrape_opts *opts, const char **out,
                         size_t max)
{
    size_t n = 0;
#define PUT(v) do { if ((v) && *(v) && n < max) out[n++] = (v); } while (0)
    PUT(opts->bearer_token);
    PUT(opts->basic_password);
    for (size_t i = 0; i < opts->nheaders; i++) {
        const char *h = opts->headers[i];
        const char *colon = h ? strchr(h, ':') : NULL;
        if (!colon || negotiating_header(h))
            continue;
        const char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        PUT(v);
        /* "Bearer abc": abc alone may be echoed without its scheme. */
        const char *sp = strchr(v, ' ');
        if (sp) {
            while (*sp == ' ')
                sp++;
            PUT(sp);
        }
    }
#undef PUT
    return n;
}
