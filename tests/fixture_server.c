/* fixture_server.c: pg-fixture-server, a small HTTP/1.1 (and HTTPS) server
 * on 127.0.0.1 that serves files from a directory and injects faults on
 * request, so promgate's scraper can be tested against a real socket.
 *
 * Usage:
 *   pg-fixture-server --root DIR [--port N] [--port-file FILE]
 *       [--tls-cert CERT --tls-key KEY [--tls-client-ca CA]]
 *       [--token-file F] [--basic-file F] [--log FILE]
 *
 *   --port N        TCP port on 127.0.0.1 (default 0: an ephemeral port)
 *   --port-file F   written (atomically) with the chosen port once the
 *                   socket listens; tests wait for this file
 *   --tls-cert/key  serve HTTPS instead of HTTP (PEM files)
 *   --tls-client-ca require a client certificate signed by this CA
 *   --token-file F  the bearer token that ?fault=auth accepts
 *   --basic-file F  "user:password" that ?fault=auth accepts as basic auth
 *   --log FILE      append every request line and its headers; the values
 *                   of Authorization headers are replaced by "<redacted>"
 *                   (the scheme is kept so tests can see which was sent)
 *
 * Files: GET and HEAD of /PATH serve ROOT/PATH ("/" and paths with ".."
 * segments or that resolve outside ROOT are 404). Content-Type is
 *   application/openmetrics-text; version=1.0.0; charset=utf-8
 *       for names ending in .om, or files whose last line is "# EOF";
 *   text/html; charset=utf-8 for .html, application/json for .json;
 *   text/plain; version=0.0.4; charset=utf-8 otherwise.
 * Every response carries "Connection: close".
 *
 * Faults, chosen per request by the query string (several faults may be
 * given comma-separated, e.g. ?fault=gzip,chunked):
 *   delay=MS             wait MS milliseconds before the response headers
 *   fault=NNN            answer with HTTP status NNN (e.g. 404, 500, 503)
 *                        and a short text body
 *   then-ok=N            with fault=NNN: only the first N requests for this
 *                        exact target (path and query) fail, later ones are
 *                        served normally (retry tests; use a unique query,
 *                        e.g. &id=..., per test)
 *   fault=stall          send headers and half the body, then stall until
 *                        the client goes away
 *   fault=truncate       Content-Length larger than the body, then close
 *   fault=close          close the connection without any response
 *   fault=auth           401 with WWW-Authenticate unless the request has
 *                        "Authorization: Bearer TOKEN" (--token-file) or
 *                        basic credentials equal to --basic-file
 *   fault=gzip           gzip Content-Encoding if the client accepts gzip
 *   fault=deflate        deflate (zlib) Content-Encoding if accepted
 *   fault=gzipbomb       a gzip stream (about 2.6 MB) that inflates to more
 *                        than 1 GiB of repeated sample lines
 *   fault=redirect       302 to the same path without the redirect fault,
 *                        or to the URL given as to=URL (URL-encoded)
 *   fault=redirect-loop  302 to itself, forever
 *   fault=endless        an endless, valid-looking body, no Content-Length
 *   fault=chunked        chunked transfer encoding in small chunks with a
 *                        pause between them: chunk=BYTES (default 64) and
 *                        gap=MS (default 10)
 *   fault=cookie         add "Set-Cookie: session=pg-cookie-secret; Path=/"
 *                        (tests check the value is redacted in evidence)
 *   ctype=VALUE          send this Content-Type (URL-decoded) instead
 *   by-accept=1          negotiate as an exporter does: of the media ranges
 *                        of the Accept header, the one with the highest q
 *                        (the first of equals) whose file exists beside the
 *                        path is served: PATH.pb for application/vnd.google
 *                        .protobuf, PATH.om for application/openmetrics-text,
 *                        PATH.prom for text/plain and any type; with none,
 *                        PATH.prom (as client_golang falls back to text).
 *                        With an escaping=E parameter on that range and a
 *                        file PATH.E.om or PATH.E.prom, that file instead.
 *                        The Content-Type names the format, the version
 *                        asked (OpenMetrics 1.0.0 and text 0.0.4 if none)
 *                        and, for a 1.0.0 text format, the escaping asked
 *   say-escaping=E       with by-accept: name escaping E in the Content-Type
 *                        whatever was asked (a producer lying about it)
 *
 * SIGTERM and SIGINT stop the server and exit 0. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_REQUEST 16384

enum fault {
    F_STALL = 1 << 0,
    F_TRUNCATE = 1 << 1,
    F_CLOSE = 1 << 2,
    F_AUTH = 1 << 3,
    F_GZIP = 1 << 4,
    F_DEFLATE = 1 << 5,
    F_GZIPBOMB = 1 << 6,
    F_REDIRECT = 1 << 7,
    F_REDIRECT_LOOP = 1 << 8,
    F_ENDLESS = 1 << 9,
    F_CHUNKED = 1 << 10,
    F_COOKIE = 1 << 11
};

static const char *root_dir;
static char root_real[PATH_MAX];
static char *token;        /* bearer token accepted by fault=auth */
static char *basic_cred;   /* "user:password" accepted by fault=auth */
static SSL_CTX *ssl_ctx;
static FILE *log_file;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t stopping;

/* Request counts per target, for then-ok=N. */
#define MAX_COUNTED 512
static struct {
    char *target;
    long count;
} counted[MAX_COUNTED];
static size_t ncounted;

typedef struct conn {
    int fd;
    SSL *ssl;
} conn;

typedef struct request {
    char method[16];
    char target[4096];     /* as received: path and query */
    char path[4096];       /* decoded path */
    char query[4096];      /* raw query, without '?' */
    char accept_encoding[256];
    char accept[2048];
    char authorization[1024];
} request;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pg-fixture-server: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static int conn_write(conn *c, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n;
        if (c->ssl) {
            int r = SSL_write(c->ssl, p, len > INT_MAX ? INT_MAX : (int)len);
            n = r > 0 ? r : -1;
        } else {
            n = send(c->fd, p, len, MSG_NOSIGNAL);
        }
        if (n < 0) {
            if (!c->ssl && errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int conn_printf(conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int conn_printf(conn *c, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return -1;
    return conn_write(c, buf, (size_t)n);
}

static ssize_t conn_read(conn *c, char *buf, size_t len)
{
    if (c->ssl) {
        int r = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
        return r > 0 ? r : (SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN
                            ? 0 : -1);
    }
    ssize_t n;
    do
        n = recv(c->fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    return n;
}

/* Waits until the peer closes the connection (or the server stops), so a
 * stalled response holds no thread after the client gave up. */
static void wait_for_peer_close(conn *c)
{
    char buf[512];
    while (!stopping) {
        struct pollfd p = { c->fd, POLLIN, 0 };
        int r = poll(&p, 1, 200);
        if (r < 0 && errno != EINTR)
            return;
        if (r > 0) {
            ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return;
        }
    }
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes src[0..len) into dst (size dstlen); '+' is kept. */
static void url_decode(const char *src, size_t len, char *dst, size_t dstlen)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < dstlen; i++) {
        if (src[i] == '%' && i + 2 < len && hexval(src[i + 1]) >= 0 &&
            hexval(src[i + 2]) >= 0) {
            dst[o++] = (char)(hexval(src[i + 1]) * 16 + hexval(src[i + 2]));
            i += 2;
        } else {
            dst[o++] = src[i];
        }
    }
    dst[o] = '\0';
}

/* Finds query parameter name; copies its decoded value. 1 if present. */
static int query_get(const char *query, const char *name, char *out,
                     size_t outlen)
{
    size_t nlen = strlen(name);
    const char *p = query;
    while (*p) {
        const char *end = strchr(p, '&');
        size_t plen = end ? (size_t)(end - p) : strlen(p);
        if (plen >= nlen && strncmp(p, name, nlen) == 0 &&
            (plen == nlen || p[nlen] == '=')) {
            if (plen == nlen)
                out[0] = '\0';
            else
                url_decode(p + nlen + 1, plen - nlen - 1, out, outlen);
            return 1;
        }
        p += plen;
        if (*p == '&')
            p++;
    }
    return 0;
}

static long query_long(const char *query, const char *name, long def)
{
    char v[64];
    if (!query_get(query, name, v, sizeof(v)) || !*v)
        return def;
    return strtol(v, NULL, 10);
}

/* Parses fault=a,b,c into flags; a numeric fault becomes *status. */
static unsigned parse_faults(const char *query, int *status)
{
    static const struct {
        const char *name;
        unsigned flag;
    } names[] = {
        { "stall", F_STALL }, { "truncate", F_TRUNCATE },
        { "close", F_CLOSE }, { "auth", F_AUTH }, { "gzip", F_GZIP },
        { "deflate", F_DEFLATE }, { "gzipbomb", F_GZIPBOMB },
        { "redirect", F_REDIRECT }, { "redirect-loop", F_REDIRECT_LOOP },
        { "endless", F_ENDLESS }, { "chunked", F_CHUNKED },
        { "cookie", F_COOKIE },
    };
    char v[512];
    unsigned flags = 0;
    *status = 0;
    if (!query_get(query, "fault", v, sizeof(v)))
        return 0;
    for (char *save = NULL, *t = strtok_r(v, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (t[0] >= '1' && t[0] <= '9') {
            *status = atoi(t);
            continue;
        }
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strcmp(t, names[i].name) == 0)
                flags |= names[i].flag;
    }
    return flags;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

/* Counts this request for target; returns the count including it. */
static long count_request(const char *target)
{
    long n = 0;
    pthread_mutex_lock(&lock);
    size_t i;
    for (i = 0; i < ncounted; i++)
        if (strcmp(counted[i].target, target) == 0)
            break;
    if (i == ncounted && ncounted < MAX_COUNTED) {
        counted[i].target = strdup(target);
        counted[i].count = 0;
        ncounted++;
    }
    if (i < ncounted)
        n = ++counted[i].count;
    pthread_mutex_unlock(&lock);
    return n;
}

static void log_request(const char *head)
{
    if (!log_file)
        return;
    pthread_mutex_lock(&lock);
    for (const char *p = head; *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len >= 14 && strncasecmp(p, "authorization:", 14) == 0) {
            /* Keep the scheme only: the credential must never reach
             * anything a test prints. */
            const char *v = p + 14;
            while (*v == ' ')
                v++;
            size_t slen = strcspn(v, " \r\n");
            fprintf(log_file, "%.*s %.*s <redacted>\n", 14, p, (int)slen, v);
        } else {
            fprintf(log_file, "%.*s\n", (int)len, p);
        }
        if (!eol)
            break;
        p = eol + 2;
        if (strncmp(p, "\r\n", 2) == 0)
            break;
    }
    fputc('\n', log_file);
    fflush(log_file);
    pthread_mutex_unlock(&lock);
}

static void header_value(const char *head, const char *name, char *out,
                         size_t outlen)
{
    size_t nlen = strlen(name);
    out[0] = '\0';
    for (const char *p = strstr(head, "\r\n"); p; p = strstr(p, "\r\n")) {
        p += 2;
        if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
            const char *v = p + nlen + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t len = strcspn(v, "\r\n");
            if (len >= outlen)
                len = outlen - 1;
            memcpy(out, v, len);
            out[len] = '\0';
            return;
        }
    }
}

/* Reads and parses the request head. 0 on success. */
static int read_request(conn *c, request *rq)
{
    char head[MAX_REQUEST + 1];
    size_t len = 0;
    while (len < MAX_REQUEST) {
        ssize_t n = conn_read(c, head + len, MAX_REQUEST - len);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        head[len] = '\0';
        if (strstr(head, "\r\n\r\n"))
            break;
    }
    if (!strstr(head, "\r\n\r\n"))
        return -1;
    log_request(head);
    char target[4096];
    if (sscanf(head, "%15s %4095s", rq->method, target) != 2)
        return -1;
    snprintf(rq->target, sizeof(rq->target), "%s", target);
    char *q = strchr(target, '?');
    rq->query[0] = '\0';
    if (q) {
        *q = '\0';
        snprintf(rq->query, sizeof(rq->query), "%s", q + 1);
    }
    url_decode(target, strlen(target), rq->path, sizeof(rq->path));
    header_value(head, "Accept-Encoding", rq->accept_encoding,
                 sizeof(rq->accept_encoding));
    header_value(head, "Accept", rq->accept, sizeof(rq->accept));
    header_value(head, "Authorization", rq->authorization,
                 sizeof(rq->authorization));
    return 0;
}

static int send_head(conn *c, int status, const char *ctype, long long clen,
                     const char *extra)
{
    char len[64] = "";
    if (clen >= 0)
        snprintf(len, sizeof(len), "Content-Length: %lld\r\n", clen);
    return conn_printf(c,
                       "HTTP/1.1 %d %s\r\nServer: pg-fixture-server\r\n"
                       "Content-Type: %s\r\n%s%sConnection: close\r\n\r\n",
                       status, reason(status), ctype, len, extra ? extra : "");
}

static void send_simple(conn *c, const request *rq, int status,
                        const char *extra)
{
    char body[256];
    int n = snprintf(body, sizeof(body), "%d %s\n", status, reason(status));
    if (send_head(c, status, "text/plain; charset=utf-8", n, extra) == 0 &&
        strcmp(rq->method, "HEAD") != 0)
        conn_write(c, body, (size_t)n);
}

static int has_token(const char *list, const char *tok)
{
    size_t tlen = strlen(tok);
    for (const char *p = list; (p = strcasestr(p, tok)) != NULL; p += tlen) {
        int start = p == list || p[-1] == ',' || p[-1] == ' ';
        char e = p[tlen];
        if (start && (e == '\0' || e == ',' || e == ';' || e == ' '))
            return 1;
    }
    return 0;
}

static int authorized(const request *rq)
{
    const char *a = rq->authorization;
    if (token && *token && strncasecmp(a, "Bearer ", 7) == 0 && strcmp(a + 7, token) == 0)
        return 1;
    if (basic_cred && *basic_cred && strncasecmp(a, "Basic ", 6) == 0) {
        const char *b64 = a + 6;
        size_t blen = strlen(b64);
        unsigned char out[1024];
        if (blen == 0 || blen % 4 || blen / 4 * 3 >= sizeof(out))
            return 0;
        int n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)blen);
        if (n < 0)
            return 0;
        if (b64[blen - 1] == '=')
            n--;
        if (b64[blen - 2] == '=')
            n--;
        out[n] = '\0';
        return strcmp((char *)out, basic_cred) == 0;
    }
    return 0;
}

/* Loads ROOT/path if it is a regular file inside ROOT. */
static char *load_file(const char *path, size_t *len)
{
    if (path[0] != '/' || strstr(path, "/../") ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
        return NULL;
    char full[PATH_MAX * 2], real[PATH_MAX];
    snprintf(full, sizeof(full), "%s%s", root_real, path);
    if (!realpath(full, real))
        return NULL;
    size_t rl = strlen(root_real);
    if (strncmp(real, root_real, rl) != 0 || real[rl] != '/')
        return NULL;
    FILE *f = fopen(real, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return NULL;
    }
    char *data = malloc((size_t)st.st_size + 1);
    size_t n = data ? fread(data, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!data)
        return NULL;
    data[n] = '\0';
    *len = n;
    return data;
}

static const char *content_type_for(const char *path, const char *data,
                                    size_t len)
{
    size_t pl = strlen(path);
    if ((pl > 3 && strcmp(path + pl - 3, ".om") == 0) ||
        (pl > 12 && strcmp(path + pl - 12, ".openmetrics") == 0))
        return "application/openmetrics-text; version=1.0.0; charset=utf-8";
    if (pl > 5 && strcmp(path + pl - 5, ".html") == 0)
        return "text/html; charset=utf-8";
    if (pl > 5 && strcmp(path + pl - 5, ".json") == 0)
        return "application/json";
    /* OpenMetrics ends every exposition with "# EOF" (OpenMetrics 1.0,
     * "Overall Structure"); the text format 0.0.4 has no such line. */
    size_t end = len;
    while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r'))
        end--;
    if (end >= 5 && memcmp(data + end - 5, "# EOF", 5) == 0 &&
        (end == 5 || data[end - 6] == '\n'))
        return "application/openmetrics-text; version=1.0.0; charset=utf-8";
    return "text/plain; version=0.0.4; charset=utf-8";
}

/* The representation by-accept=1 chose: file suffix and Content-Type. */
typedef struct choice {
    char suffix[64];     /* ".prom", ".dots.om", ... */
    char ctype[256];
} choice;

static const struct {
    const char *media, *ext;
} served_media[] = {
    { "application/vnd.google.protobuf", ".pb" },
    { "application/openmetrics-text", ".om" },
    { "text/plain", ".prom" },
    { "*/*", ".prom" },
};

/* Copies the value of parameter name in media range r[0..len), or "". */
static void range_param(const char *r, size_t len, const char *name,
                        char *out, size_t outlen)
{
    out[0] = '\0';
    size_t nlen = strlen(name);
    for (const char *p = memchr(r, ';', len); p && p < r + len;
         p = memchr(p + 1, ';', (size_t)(r + len - p - 1))) {
        const char *k = p + 1;
        while (*k == ' ')
            k++;
        if (strncasecmp(k, name, nlen) == 0 && k[nlen] == '=') {
            size_t vlen = strcspn(k + nlen + 1, ";, ");
            snprintf(out, outlen, "%.*s", (int)vlen, k + nlen + 1);
            return;
        }
    }
}

/* 1 if ROOT/path + suffix is a file load_file would serve. */
static int have_file(const char *path, const char *suffix)
{
    char full[4200];
    size_t len;
    snprintf(full, sizeof(full), "%s%s", path, suffix);
    char *data = load_file(full, &len);
    free(data);
    return data != NULL;
}

/* Fills c for the Accept range r[0..len) of media index m. */
static void choose(const request *rq, const char *r, size_t len, size_t m,
                   choice *c)
{
    const char *ext = served_media[m].ext;
    char version[32], esc[32];
    range_param(r, len, "version", version, sizeof(version));
    range_param(r, len, "escaping", esc, sizeof(esc));
    snprintf(c->suffix, sizeof(c->suffix), "%s", ext);
    if (*esc && strchr(ext + 1, '.') == NULL) {
        char with[64];
        snprintf(with, sizeof(with), ".%s%s", esc, ext);
        if (!strchr(esc, '/') && have_file(rq->path, with))
            snprintf(c->suffix, sizeof(c->suffix), "%s", with);
    }
    char said[32];
    if (!query_get(rq->query, "say-escaping", said, sizeof(said)))
        snprintf(said, sizeof(said), "%s", esc);
    int om = strcmp(ext, ".om") == 0;
    if (!*version)
        snprintf(version, sizeof(version), "%s", om ? "1.0.0" : "0.0.4");
    if (strcmp(ext, ".pb") == 0)
        snprintf(c->ctype, sizeof(c->ctype), "application/vnd.google.protobuf; "
                 "proto=io.prometheus.client.MetricFamily; encoding=delimited");
    else
        snprintf(c->ctype, sizeof(c->ctype), "%s; version=%s%s%s; charset=utf-8",
                 om ? "application/openmetrics-text" : "text/plain", version,
                 *said && !strcmp(version, "1.0.0") ? "; escaping=" : "",
                 !strcmp(version, "1.0.0") ? said : "");
}

/* by-accept=1: the representation of rq->path the Accept header asks for
 * (see the header comment). */
static void negotiate(const request *rq, choice *c)
{
    double best = -1;
    const char *a = rq->accept;
    choose(rq, "", 0, 2, c);  /* nothing acceptable: the text format */
    while (*a) {
        size_t len = strcspn(a, ",");
        while (*a == ' ')
            a++, len--;
        char q[32];
        range_param(a, len, "q", q, sizeof(q));
        double w = *q ? strtod(q, NULL) : 1.0;
        for (size_t m = 0; m < sizeof(served_media) / sizeof(served_media[0]);
             m++) {
            size_t ml = strlen(served_media[m].media);
            if (w > best && len >= ml && strncasecmp(a, served_media[m].media, ml) == 0 &&
                (len == ml || a[ml] == ';' || a[ml] == ' ') &&
                have_file(rq->path, served_media[m].ext)) {
                best = w;
                choose(rq, a, len, m, c);
            }
        }
        a += len;
        if (*a == ',')
            a++;
    }
}

/* Compresses data with zlib; gzip framing if gzip, else zlib (deflate). */
static char *compress_body(const char *data, size_t len, int gzip,
                           size_t *outlen)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 6, Z_DEFLATED, gzip ? 31 : 15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong bound = deflateBound(&zs, (uLong)len) + 32;
    char *out = malloc(bound);
    if (!out) {
        deflateEnd(&zs);
        return NULL;
    }
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)bound;
    int r = deflate(&zs, Z_FINISH);
    *outlen = zs.total_out;
    deflateEnd(&zs);
    if (r != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

/* Sends a gzip body of repeated sample lines that inflates to 1 GiB plus
 * 1 MiB. Compressing that much would take seconds, so one 1 MiB block is
 * compressed once, ended with Z_FULL_FLUSH (byte-aligned, no reference to
 * earlier data: RFC 1951 3.2.3 blocks may follow one another freely), and
 * the same bytes are sent 1025 times; an empty final block and the gzip
 * trailer (RFC 1952: CRC32 and size mod 2^32 of the whole) end it. */
static void send_gzipbomb(conn *c)
{
    static const char line[] = "pg_fixture_bomb_total 1\n";
    static unsigned char *block;
    static size_t block_len;
    static uLong block_crc;
    enum { BLOCK = 1 << 20, COPIES = 1025 };
    pthread_mutex_lock(&lock);
    if (!block) {
        char *in = malloc(BLOCK);
        unsigned char *out = malloc(BLOCK);
        z_stream zs;
        memset(&zs, 0, sizeof(zs));
        if (in && out &&
            deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK) {
            for (size_t i = 0; i < BLOCK; i++)
                in[i] = line[i % (sizeof(line) - 1)];
            zs.next_in = (Bytef *)in;
            zs.avail_in = BLOCK;
            zs.next_out = out;
            zs.avail_out = BLOCK;
            if (deflate(&zs, Z_FULL_FLUSH) == Z_OK && zs.avail_in == 0) {
                block_len = BLOCK - zs.avail_out;
                block_crc = crc32(0L, (const Bytef *)in, BLOCK);
                block = out;
                out = NULL;
            }
            deflateEnd(&zs);
        }
        free(in);
        free(out);
    }
    pthread_mutex_unlock(&lock);
    if (!block)
        return;
    static const unsigned char gz_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
    /* A final fixed-Huffman block holding only end-of-block. */
    static const unsigned char final_block[2] = { 0x03, 0x00 };
    if (conn_write(c, gz_head, sizeof(gz_head)) != 0)
        return;
    uLong crc = 0;
    for (int i = 0; i < COPIES && !stopping; i++) {
        if (conn_write(c, block, block_len) != 0)
            return;
        crc = i == 0 ? block_crc : crc32_combine(crc, block_crc, BLOCK);
    }
    unsigned long size = (unsigned long)COPIES * BLOCK;
    unsigned char trailer[8];
    for (int i = 0; i < 4; i++) {
        trailer[i] = (unsigned char)(crc >> (8 * i));
        trailer[4 + i] = (unsigned char)(size >> (8 * i));
    }
    if (conn_write(c, final_block, 2) == 0)
        conn_write(c, trailer, sizeof(trailer));
}

static void send_endless(conn *c)
{
    char buf[8192];
    unsigned long long i = 0;
    if (conn_printf(c, "# HELP pg_fixture_endless An endless family.\n"
                       "# TYPE pg_fixture_endless gauge\n") != 0)
        return;
    while (!stopping) {
        size_t len = 0;
        while (len + 80 < sizeof(buf)) {
            int n = snprintf(buf + len, sizeof(buf) - len,
                             "pg_fixture_endless{i=\"%llu\"} %llu\n", i, i);
            len += (size_t)n;
            i++;
        }
        if (conn_write(c, buf, len) != 0)
            return;
    }
}

static void send_chunked(conn *c, const char *body, size_t len, long chunk,
                         long gap)
{
    if (chunk <= 0)
        chunk = 64;
    for (size_t off = 0; off < len;) {
        size_t n = len - off < (size_t)chunk ? len - off : (size_t)chunk;
        if (conn_printf(c, "%zx\r\n", n) != 0 ||
            conn_write(c, body + off, n) != 0 || conn_write(c, "\r\n", 2) != 0)
            return;
        off += n;
        if (gap > 0 && off < len)
            sleep_ms(gap);
    }
    conn_write(c, "0\r\n\r\n", 5);
}

/* Removes "redirect" from the fault list in query, for the one-hop
 * redirect's Location. */
static void location_without_redirect(const request *rq, char *out,
                                      size_t outlen)
{
    char q[4096] = "";
    size_t ql = 0;
    const char *p = rq->query;
    while (*p) {
        const char *end = strchr(p, '&');
        size_t plen = end ? (size_t)(end - p) : strlen(p);
        char param[4096];
        snprintf(param, sizeof(param), "%.*s", (int)plen, p);
        if (strncmp(param, "fault=", 6) == 0) {
            char kept[4096] = "fault=";
            int any = 0;
            for (char *save = NULL, *t = strtok_r(param + 6, ",", &save); t;
                 t = strtok_r(NULL, ",", &save)) {
                if (strcmp(t, "redirect") == 0)
                    continue;
                strncat(kept, any ? "," : "", sizeof(kept) - strlen(kept) - 1);
                strncat(kept, t, sizeof(kept) - strlen(kept) - 1);
                any = 1;
            }
            if (any)
                ql += (size_t)snprintf(q + ql, sizeof(q) - ql, "%s%s",
                                       ql ? "&" : "", kept);
        } else {
            ql += (size_t)snprintf(q + ql, sizeof(q) - ql, "%s%s",
                                   ql ? "&" : "", param);
        }
        if (ql >= sizeof(q))
            ql = sizeof(q) - 1;
        p += plen;
        if (*p == '&')
            p++;
    }
    const char *qm = strchr(rq->target, '?');
    int plen = qm ? (int)(qm - rq->target) : (int)strlen(rq->target);
    snprintf(out, outlen, "%.*s%s%s", plen, rq->target, ql ? "?" : "", q);
}

static void serve(conn *c)
{
    request rq;
    memset(&rq, 0, sizeof(rq));
    if (read_request(c, &rq) != 0)
        return;
    if (strcmp(rq.method, "GET") != 0 && strcmp(rq.method, "HEAD") != 0) {
        send_simple(c, &rq, 405, "Allow: GET, HEAD\r\n");
        return;
    }
    int head_only = strcmp(rq.method, "HEAD") == 0;
    int status;
    unsigned f = parse_faults(rq.query, &status);
    long delay = query_long(rq.query, "delay", 0);
    if (delay > 0)
        sleep_ms(delay);
    if (f & F_CLOSE)
        return;
    if ((f & F_AUTH) && !authorized(&rq)) {
        send_simple(c, &rq, 401,
                    "WWW-Authenticate: Bearer realm=\"pg-fixture\"\r\n");
        return;
    }
    if (status) {
        long then_ok = query_long(rq.query, "then-ok", -1);
        if (then_ok < 0 || count_request(rq.target) <= then_ok) {
            send_simple(c, &rq, status,
                        status == 503 ? "Retry-After: 0\r\n" : NULL);
            return;
        }
    }
    if (f & F_REDIRECT_LOOP) {
        char loc[4200];
        snprintf(loc, sizeof(loc), "Location: %s\r\n", rq.target);
        send_simple(c, &rq, 302, loc);
        return;
    }
    if (f & F_REDIRECT) {
        char target[4096], loc[4200];
        if (!query_get(rq.query, "to", target, sizeof(target)))
            location_without_redirect(&rq, target, sizeof(target));
        snprintf(loc, sizeof(loc), "Location: %s\r\n", target);
        send_simple(c, &rq, 302, loc);
        return;
    }
    char ctype[512];
    int have_ctype = query_get(rq.query, "ctype", ctype, sizeof(ctype));
    if (f & F_GZIPBOMB) {
        if (send_head(c, 200, have_ctype ? ctype :
                      "text/plain; version=0.0.4; charset=utf-8", -1,
                      "Content-Encoding: gzip\r\n") == 0 && !head_only)
            send_gzipbomb(c);
        return;
    }
    if (f & F_ENDLESS) {
        if (send_head(c, 200, have_ctype ? ctype :
                      "text/plain; version=0.0.4; charset=utf-8", -1,
                      NULL) == 0 && !head_only)
            send_endless(c);
        return;
    }
    size_t len = 0;
    choice ch = { "", "" };
    if (query_long(rq.query, "by-accept", 0))
        negotiate(&rq, &ch);
    char file[4200];
    snprintf(file, sizeof(file), "%s%s", rq.path, ch.suffix);
    char *data = load_file(file, &len);
    if (!data) {
        send_simple(c, &rq, 404, NULL);
        return;
    }
    const char *ct = have_ctype ? ctype : ch.ctype[0] ? ch.ctype
                   : content_type_for(rq.path, data, len);
    char extra[256] = "";
    if (f & F_COOKIE)
        snprintf(extra, sizeof(extra),
                 "Set-Cookie: session=pg-cookie-secret; Path=/\r\n");
    const char *body = data;
    char *zbody = NULL;
    if (((f & F_GZIP) && has_token(rq.accept_encoding, "gzip")) ||
        ((f & F_DEFLATE) && has_token(rq.accept_encoding, "deflate"))) {
        int gz = (f & F_GZIP) && has_token(rq.accept_encoding, "gzip");
        zbody = compress_body(data, len, gz, &len);
        body = zbody;
        snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
                 "Content-Encoding: %s\r\n", gz ? "gzip" : "deflate");
        if (!zbody) {
            free(data);
            send_simple(c, &rq, 500, NULL);
            return;
        }
    }
    if (f & F_CHUNKED) {
        strncat(extra, "Transfer-Encoding: chunked\r\n",
                sizeof(extra) - strlen(extra) - 1);
        if (send_head(c, 200, ct, -1, extra) == 0 && !head_only)
            send_chunked(c, body, len, query_long(rq.query, "chunk", 64),
                         query_long(rq.query, "gap", 10));
    } else if (f & F_TRUNCATE) {
        if (send_head(c, 200, ct, (long long)len * 2 + 100, extra) == 0 &&
            !head_only)
            conn_write(c, body, len);
    } else if (f & F_STALL) {
        if (send_head(c, 200, ct, (long long)len, extra) == 0 &&
            !head_only && conn_write(c, body, len / 2) == 0)
            wait_for_peer_close(c);
    } else {
        if (send_head(c, 200, ct, (long long)len, extra) == 0 && !head_only)
            conn_write(c, body, len);
    }
    free(zbody);
    free(data);
}

static void *worker(void *arg)
{
    conn c = { (int)(intptr_t)arg, NULL };
    struct timeval tv = { 10, 0 };
    setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (ssl_ctx) {
        c.ssl = SSL_new(ssl_ctx);
        if (!c.ssl || SSL_set_fd(c.ssl, c.fd) != 1 || SSL_accept(c.ssl) != 1) {
            ERR_clear_error();
            if (c.ssl)
                SSL_free(c.ssl);
            close(c.fd);
            return NULL;
        }
    }
    serve(&c);
    if (c.ssl) {
        SSL_shutdown(c.ssl);
        SSL_free(c.ssl);
        ERR_clear_error();
    }
    shutdown(c.fd, SHUT_WR);
    /* Drain what the client still sends so close() does not reset the
     * connection before it read the response. */
    char buf[1024];
    struct timeval shortv = { 0, 200000 };
    setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &shortv, sizeof(shortv));
    while (recv(c.fd, buf, sizeof(buf), 0) > 0)
        ;
    close(c.fd);
    return NULL;
}

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static char *read_secret(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open '%s': %s", path, strerror(errno));
    char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
                     buf[n - 1] == ' '))
        buf[--n] = '\0';
    return strdup(buf);
}

static void write_port_file(const char *path, int port)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        die("cannot write '%s': %s", tmp, strerror(errno));
    fprintf(f, "%d\n", port);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
}

static void setup_tls(const char *cert, const char *key, const char *client_ca)
{
    ssl_ctx = SSL_CTX_new(TLS_server_method());
    if (!ssl_ctx)
        die("cannot create TLS context");
    if (SSL_CTX_use_certificate_chain_file(ssl_ctx, cert) != 1)
        die("cannot load certificate '%s'", cert);
    if (SSL_CTX_use_PrivateKey_file(ssl_ctx, key, SSL_FILETYPE_PEM) != 1)
        die("cannot load key '%s'", key);
    if (client_ca) {
        if (SSL_CTX_load_verify_locations(ssl_ctx, client_ca, NULL) != 1)
            die("cannot load client CA '%s'", client_ca);
        SSL_CTX_set_verify(ssl_ctx,
                           SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                           NULL);
    }
}

static void usage(void)
{
    fputs("usage: pg-fixture-server --root DIR [--port N] [--port-file F]\n"
          "         [--tls-cert C --tls-key K [--tls-client-ca CA]]\n"
          "         [--token-file F] [--basic-file F] [--log F]\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *port_file = NULL, *cert = NULL, *key = NULL,
               *client_ca = NULL, *log_path = NULL;
    long port = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (strcmp(a, "--root") == 0)
            root_dir = v;
        else if (strcmp(a, "--port") == 0)
            port = strtol(v, NULL, 10);
        else if (strcmp(a, "--port-file") == 0)
            port_file = v;
        else if (strcmp(a, "--tls-cert") == 0)
            cert = v;
        else if (strcmp(a, "--tls-key") == 0)
            key = v;
        else if (strcmp(a, "--tls-client-ca") == 0)
            client_ca = v;
        else if (strcmp(a, "--token-file") == 0)
            token = read_secret(v);
        else if (strcmp(a, "--basic-file") == 0)
            basic_cred = read_secret(v);
        else if (strcmp(a, "--log") == 0)
            log_path = v;
        else
            usage();
    }
    if (!root_dir || port < 0 || port > 65535 || (!cert != !key))
        usage();
    if (!realpath(root_dir, root_real))
        die("cannot resolve root '%s': %s", root_dir, strerror(errno));
    if (cert)
        setup_tls(cert, key, client_ca);
    if (log_path && !(log_file = fopen(log_path, "a")))
        die("cannot open log '%s': %s", log_path, strerror(errno));

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        die("socket: %s", strerror(errno));
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((uint16_t)port);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
        die("bind 127.0.0.1:%ld: %s", port, strerror(errno));
    if (listen(lfd, 128) != 0)
        die("listen: %s", strerror(errno));
    socklen_t alen = sizeof(addr);
    getsockname(lfd, (struct sockaddr *)&addr, &alen);
    int bound = ntohs(addr.sin_port);
    if (port_file)
        write_port_file(port_file, bound);

    /* Workers never take the stop signals: the accept loop does. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    while (!stopping) {
        struct pollfd p = { lfd, POLLIN, 0 };
        int r = poll(&p, 1, 200);
        if (r <= 0)
            continue;
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        pthread_t t;
        pthread_sigmask(SIG_BLOCK, &block, &old);
        if (pthread_create(&t, &attr, worker, (void *)(intptr_t)fd) != 0)
            close(fd);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    close(lfd);
    /* Detached workers may still hold stalled connections; exiting the
     * process closes them. */
    _exit(0);
}
