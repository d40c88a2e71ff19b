/* input.c: the command-line side of reading expositions: what an input
 * argument names, opening and reading it, and the scrape options every
 * command shares. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/input.h"
#include "source/negotiate.h"

/* "host:port" or "user@host:port" (an IPv6 host in brackets) up to the
 * first '/': what a URL without its scheme looks like. */
static int looks_like_host_port(const char *arg)
{
    size_t end = strcspn(arg, "/");
    const char *at = memchr(arg, '@', end);
    const char *host = at ? at + 1 : arg, *stop = arg + end;
    const char *colon = NULL;
    if (*host == '[') {
        const char *close = memchr(host, ']', (size_t)(stop - host));
        if (!close || close + 1 >= stop || close[1] != ':')
            return 0;
        colon = close + 1;
    } else {
        colon = memchr(host, ':', (size_t)(stop - host));
        if (!colon || colon == host)
            return 0;
        for (const char *c = host; c < colon; c++)
            if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-')
                return 0;
    }
    size_t digits = strspn(colon + 1, "0123456789");
    return digits >= 1 && digits <= 5 && colon + 1 + digits == stop;
}

/* The scheme of "scheme://...", or 0 if arg has none. */
static size_t scheme_length(const char *arg)
{
    size_t n = 0;
    while (isalnum((unsigned char)arg[n]) || arg[n] == '+' || arg[n] == '-' ||
           arg[n] == '.')
        n++;
    return n && isalpha((unsigned char)arg[0]) && !strncmp(arg + n, "://", 3)
               ? n : 0;
}

int pg_input_kind(const char *arg, pg_error *err)
{
    if (!strcmp(arg, "-"))
        return PG_INPUT_STDIN;
    if (pg_url_is_http(arg))
        return PG_INPUT_URL;
    struct stat st;
    if (stat(arg, &st) == 0)
        return PG_INPUT_FILE;
    size_t scheme = scheme_length(arg);
    if (scheme) {
        char *shown = pg_url_redact(arg);
        pg_error_set(err, shown, 0, 0, "unsupported URL scheme '%.*s': want "
                     "http:// or https://", (int)scheme, arg);
        free(shown);
        return -1;
    }
    if (looks_like_host_port(arg)) {
        pg_buf url = PG_BUF_INIT;
        pg_buf_addf(&url, "http://%s", arg);
        char *shown = pg_url_redact(url.p);
        pg_error_set(err, shown + 7, 0, 0, "no such file, and not a URL "
                     "without a scheme: write %s (or https://)", shown);
        free(shown);
        pg_buf_release(&url);
        return -1;
    }
    return PG_INPUT_FILE;
}

unsigned pg_input_parse_flags(const pg_scrape_opts *o)
{
    return o->escaping == PG_ESCAPING_ALLOW_UTF8 ? PG_PARSE_UTF8_NAMES : 0;
}

int pg_input_open(const char *path, pg_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pg_error_set(err, path, 0, 0, "cannot open: %s",
                            strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return pg_error_set(err, path, 0, 0, "is a directory");
    }
    return fd;
}

/* Reads fd to its end into a NUL-terminated buffer. */
static int read_fd(int fd, const char *source, char **data, size_t *len,
                   pg_error *err)
{
    pg_buf b = PG_BUF_INIT;
    for (;;) {
        pg_buf_grow(&b, 65536);
        ssize_t n = read(fd, b.p + b.len, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            pg_buf_release(&b);
            return pg_error_set(err, source, 0, 0, "cannot read: %s",
                                strerror(saved));
        }
        if (n == 0)
            break;
        b.len += (size_t)n;
        b.p[b.len] = '\0';
    }
    *len = b.len;
    *data = pg_buf_detach(&b);
    return 0;
}

/* Collects a scrape's body; a retried attempt starts it over. */
struct body_sink {
    pg_buf body;
    char *content_type;
};

static int body_begin(void *ctx, long status, const char *content_type)
{
    struct body_sink *b = ctx;
    (void)status;
    b->body.len = 0;
    free(b->content_type);
    b->content_type = content_type ? pg_xstrdup(content_type) : NULL;
    return 0;
}

static int body_data(void *ctx, const char *buf, size_t len)
{
    pg_buf_add(&((struct body_sink *)ctx)->body, buf, len);
    return 0;
}

static int read_url(const char *url, const pg_scrape_opts *so, char **data,
                    size_t *len, char **content_type, pg_error *err)
{
    struct body_sink b = { PG_BUF_INIT, NULL };
    pg_scrape_sink sink = { body_begin, body_data, &b };
    pg_scrape_result res;
    memset(&res, 0, sizeof res);
    pg_scrape_opts defaults;
    if (!so) {
        pg_scrape_opts_init(&defaults);
        so = &defaults;
    }
    pg_scrape_all(&url, 1, so, &sink, &res);
    free(res.headers);
    if (!res.ok) {
        pg_buf_release(&b.body);
        free(b.content_type);
        return pg_error_set(err, "", 0, 0, "%s",
                            res.error[0] ? res.error : "scrape failed");
    }
    *len = b.body.len;
    *data = pg_buf_detach(&b.body);
    *content_type = b.content_type;
    return 0;
}

int pg_input_read(const char *arg, const pg_scrape_opts *so, char **data,
                  size_t *len, char **content_type, pg_error *err)
{
    *content_type = NULL;
    switch (pg_input_kind(arg, err)) {
    case PG_INPUT_URL:
        return read_url(arg, so, data, len, content_type, err);
    case PG_INPUT_STDIN:
        return read_fd(STDIN_FILENO, "-", data, len, err);
    case PG_INPUT_FILE: {
        int fd = pg_input_open(arg, err);
        if (fd < 0)
            return -1;
        int rc = read_fd(fd, arg, data, len, err);
        close(fd);
        return rc;
    }
    default:
        return -1;
    }
}

void pg_scrape_flags_init(pg_scrape_flags *f)
{
    memset(f, 0, sizeof(*f));
    pg_scrape_opts_init(&f->opts);
    f->opts.backoff = 0.5;
}

/* Frees a secret after overwriting it, so it does not linger in freed
 * memory (or a core file). */
static void wipe(char *secret, size_t len)
{
    if (secret)
        memset(secret, 0, len);
    free(secret);
}

static void wipe_string(char *secret)
{
    wipe(secret, secret ? strlen(secret) : 0);
}

/* "user\0password", as --basic-auth-file keeps it */
static void wipe_basic(char *basic)
{
    if (basic) {
        size_t user = strlen(basic);
        wipe(basic, user + 1 + strlen(basic + user + 1));
    }
}

void pg_scrape_flags_release(pg_scrape_flags *f)
{
    wipe_string(f->_token);
    wipe_string(f->_password);
    wipe_basic(f->_basic);
    free(f->_headers);
    pg_scrape_flags_init(f);
}

int pg_scrape_flags_finish(pg_scrape_flags *f, pg_error *err)
{
    pg_scrape_opts *o = &f->opts;
    (void)err; /* nothing can fail yet; the contract keeps room for it */
    const char *env = getenv("PROMGATE_BEARER_TOKEN");
    if (!o->bearer_token && !o->basic_user && env && *env)
        o->bearer_token = f->_token = pg_xstrndup(env, strcspn(env, "\r\n"));
    return 0;
}

size_t pg_scrape_flags_secrets(const pg_scrape_flags *f, const char **out,
                               size_t max)
{
    size_t n = pg_scrape_secrets(&f->opts, out, max);
    const char *env = getenv("PROMGATE_BEARER_TOKEN");
    if (env && *env && n < max)
        out[n++] = env;
    return n;
}

/* A secret read from a file: the first line, without its line end. */
static char *read_secret_file(const pg_option *opt, const char *path,
                              pg_error *err)
{
    char flag[64];
    pg_opt_flag(opt, flag, sizeof flag);
    char *data;
    size_t len;
    pg_error e;
    pg_error_init(&e);
    if (pg_read_file(path, &data, &len, &e) != 0) {
        pg_error_set(err, "", 0, 0, "cannot read %s '%s': %s", flag, path,
                     e.text);
        return NULL;
    }
    data[strcspn(data, "\r\n")] = '\0';
    if (!data[0]) {
        free(data);
        pg_error_set(err, "", 0, 0, "empty %s '%s'", flag, path);
        return NULL;
    }
    return data;
}

static int set_timeout(const pg_option *opt, void *v, const char *arg,
                       pg_error *err)
{
    return pg_opt_double(opt, arg, &((pg_scrape_flags *)v)->opts.timeout, err);
}

static int set_backoff(const pg_option *opt, void *v, const char *arg,
                       pg_error *err)
{
    return pg_opt_double(opt, arg, &((pg_scrape_flags *)v)->opts.backoff, err);
}

static int set_retries(const pg_option *opt, void *v, const char *arg,
                       pg_error *err)
{
    unsigned long n;
    if (pg_opt_ulong(opt, arg, &n, err))
        return -1;
    ((pg_scrape_flags *)v)->opts.retries = (int)n;
    return 0;
}

static int set_max_redirects(const pg_option *opt, void *v, const char *arg,
                             pg_error *err)
{
    unsigned long n;
    if (pg_opt_ulong(opt, arg, &n, err))
        return -1;
    ((pg_scrape_flags *)v)->opts.max_redirects = (long)n;
    return 0;
}

/* Bytes with an optional k, m or g (powers of 1024). */
static int set_max_bytes(const pg_option *opt, void *v, const char *arg,
                         pg_error *err)
{
    size_t digits = strspn(arg, "0123456789");
    const char *unit = arg + digits;
    unsigned shift = 0;
    switch (tolower((unsigned char)*unit)) {
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    default: break;
    }
    char *end;
    unsigned long long n = digits ? strtoull(arg, &end, 10) : 0;
    if (!digits || digits > 19 || unit[shift ? 1 : 0] != '\0' || n == 0 ||
        n > (~0ULL >> shift))
        return pg_error_set(err, "", 0, 0,
                            "invalid --%s '%s': want bytes, e.g. 64m",
                            opt->long_name, arg);
    ((pg_scrape_flags *)v)->opts.max_bytes = (uint64_t)n << shift;
    return 0;
}

static int add_header(const pg_option *opt, void *v, const char *arg,
                      pg_error *err)
{
    pg_scrape_flags *f = v;
    pg_scrape_opts *o = &f->opts;
    const char *colon = strchr(arg, ':');
    if (!colon || colon == arg || strpbrk(arg, "\r\n"))
        return pg_error_set(err, "", 0, 0, "invalid --%s: want 'Name: value'",
                            opt->long_name);
    if (o->nheaders == f->_headers_cap) {
        f->_headers_cap = f->_headers_cap ? 2 * f->_headers_cap : 4;
        f->_headers = pg_xrealloc(f->_headers,
                                  f->_headers_cap * sizeof(*f->_headers));
    }
    f->_headers[o->nheaders++] = arg;
    o->headers = f->_headers;
    return 0;
}

const pg_opt_choice pg_input_formats[] = {
    { "prom", PG_FORMAT_PROM, 0 },
    { "text", PG_FORMAT_PROM, 1 },
    { "openmetrics", PG_FORMAT_OPENMETRICS, 0 },
    { "protobuf", PG_FORMAT_PROTOBUF, 0 },
    { "auto", PG_FORMAT_AUTO, 0 },
    { NULL, 0, 0 },
};

const char *pg_input_format_content_type(int format)
{
    switch (format) {
    case PG_FORMAT_PROM:
        return "text/plain; version=0.0.4";
    case PG_FORMAT_OPENMETRICS:
        return "application/openmetrics-text; version=1.0.0";
    case PG_FORMAT_PROTOBUF:
        return "application/vnd.google.protobuf; "
               "proto=io.prometheus.client.MetricFamily; encoding=delimited";
    default:
        return NULL;
    }
}

static const pg_opt_choice escapings[] = {
    { "allow-utf-8", PG_ESCAPING_ALLOW_UTF8, 0 },
    { "underscores", PG_ESCAPING_UNDERSCORES, 0 },
    { "dots", PG_ESCAPING_DOTS, 0 },
    { "values", PG_ESCAPING_VALUES, 0 },
    { NULL, 0, 0 },
};

static int set_escaping(const pg_option *opt, void *v, const char *arg,
                        pg_error *err)
{
    int e;
    if (pg_opt_choose(opt, escapings, arg, &e, err))
        return -1;
    ((pg_scrape_flags *)v)->opts.escaping = e;
    return 0;
}

static int set_accept(const pg_option *opt, void *v, const char *arg,
                      pg_error *err)
{
    int format;
    if (pg_opt_choose(opt, pg_input_formats, arg, &format, err))
        return -1;
    ((pg_scrape_flags *)v)->opts.accept = (enum pg_format)format;
    return 0;
}

static int bearer_token_file(const pg_option *opt, void *v, const char *arg,
                             pg_error *err)
{
    pg_scrape_flags *f = v;
    char *t = read_secret_file(opt, arg, err);
    if (!t)
        return -1;
    wipe_string(f->_token);
    f->opts.bearer_token = f->_token = t;
    return 0;
}

static int bearer_token_env(const pg_option *opt, void *v, const char *arg,
                            pg_error *err)
{
    pg_scrape_flags *f = v;
    const char *t = getenv(arg);
    if (!t || !*t)
        return pg_error_set(err, "", 0, 0,
                            "environment variable '%s' (--%s) is not set", arg,
                            opt->long_name);
    wipe_string(f->_token);
    f->opts.bearer_token = f->_token = pg_xstrndup(t, strcspn(t, "\r\n"));
    return 0;
}

static int exclusive(const pg_option *opt, pg_error *err)
{
    (void)opt;
    return pg_error_set(err, "", 0, 0, "--basic-auth-file and "
                        "--basic-auth-user exclude each other");
}

static int basic_auth_user(const pg_option *opt, void *v, const char *arg,
                           pg_error *err)
{
    pg_scrape_flags *f = v;
    if (f->_basic)
        return exclusive(opt, err);
    f->opts.basic_user = arg;
    return 0;
}

static int basic_auth_password_file(const pg_option *opt, void *v,
                                    const char *arg, pg_error *err)
{
    pg_scrape_flags *f = v;
    char *p = read_secret_file(opt, arg, err);
    if (!p)
        return -1;
    wipe_string(f->_password);
    f->opts.basic_password = f->_password = p;
    return 0;
}

/* "user:password" on the first line of a file: both secrets off argv. */
static int basic_auth_file(const pg_option *opt, void *v, const char *arg,
                           pg_error *err)
{
    pg_scrape_flags *f = v;
    if (f->opts.basic_user && f->opts.basic_user != f->_basic)
        return exclusive(opt, err);
    char *basic = read_secret_file(opt, arg, err);
    if (!basic)
        return -1;
    char *colon = strchr(basic, ':');
    if (!colon) {
        wipe_string(basic);
        return pg_error_set(err, "", 0, 0, "invalid --%s '%s': want "
                            "'user:password' on its first line",
                            opt->long_name, arg);
    }
    *colon = '\0';
    wipe_basic(f->_basic);
    f->_basic = basic;
    f->opts.basic_user = basic;
    f->opts.basic_password = colon + 1;
    return 0;
}

/* A string of pg_scrape_opts, at offset opt->defval (SCRAPE_STRING). */
static int set_string(const pg_option *opt, void *v, const char *arg,
                      pg_error *err)
{
    (void)err;
    char *field = (char *)&((pg_scrape_flags *)v)->opts + opt->defval;
    memcpy(field, &arg, sizeof arg);
    return 0;
}

/* An int flag of pg_scrape_opts, at offset opt->defval, set to 1. */
static int set_flag(const pg_option *opt, void *v, const char *arg,
                    pg_error *err)
{
    (void)arg;
    (void)err;
    int one = 1;
    char *field = (char *)&((pg_scrape_flags *)v)->opts + opt->defval;
    memcpy(field, &one, sizeof one);
    return 0;
}

#define SCRAPE_STRING(l, a, h, field) \
    { PG_OPT_T_CALLBACK, 0, (l), NULL, (a), (h), 0, 0, 0, NULL, NULL, \
      set_string, (int)offsetof(pg_scrape_opts, field) }
#define SCRAPE_FLAG(l, h, field) \
    { PG_OPT_T_CALLBACK, 0, (l), NULL, NULL, (h), PG_OPT_NOARG, 0, 0, NULL, \
      NULL, set_flag, (int)offsetof(pg_scrape_opts, field) }

/* Number entries: a callback with a range, since the value lives in the
 * included pg_scrape_flags. */
#define SCRAPE_NUMBER(l, a, lo, hi, fl, w, h, cb) \
    { PG_OPT_T_CALLBACK, 0, (l), NULL, (a), (h), (fl), (lo), (hi), (w), NULL, (cb), 0 }

const pg_option pg_scrape_options[] = {
    PG_OPT_GROUP("scrape options (for URLs)"),
    SCRAPE_NUMBER("timeout", "SECONDS", 0, 86400, PG_OPT_ABOVE_MIN,
                  "seconds > 0", "per attempt, also ends a stalled body\n"
                  "(default 10)", set_timeout),
    SCRAPE_NUMBER("retries", "N", 0, 100, 0, NULL,
                  "extra attempts after a connect error,\n"
                  "timeout or 5xx (default 0)", set_retries),
    SCRAPE_NUMBER("backoff", "SECONDS", 0, 86400, 0, "seconds",
                  "first retry delay, doubled each time\n(default 0.5)",
                  set_backoff),
    PG_OPT_CALLBACK(0, "max-bytes", NULL, "N[k|m|g]",
                    "cap on the decompressed body (default 256m)", 0,
                    set_max_bytes),
    SCRAPE_NUMBER("max-redirects", "N", 0, 100, 0, NULL,
                  "0 follows none (default 5)", set_max_redirects),
    PG_OPT_CALLBACK(0, "header", NULL, "'NAME: VALUE'",
                    "extra request header (repeatable)", 0, add_header),
    PG_OPT_CALLBACK(0, "accept", NULL, "prom|openmetrics|protobuf|auto",
                    "format asked for first in the Accept header,\n"
                    "the others as fallbacks (default auto:\n"
                    "Prometheus 3's header)", 0, set_accept),
    PG_OPT_CALLBACK(0, "escaping", NULL, "allow-utf-8|underscores|dots|values",
                    "name escaping asked of the 1.0.0 text\n"
                    "formats (default allow-utf-8); given for a\n"
                    "FILE or stdin: the scheme its names use", 0, set_escaping),
    PG_OPT_CALLBACK(0, "bearer-token-file", NULL, "FILE",
                    "send 'Authorization: Bearer' with the file's\n"
                    "token (or with env PROMGATE_BEARER_TOKEN\n"
                    "when no credentials are given as options)",
                    0, bearer_token_file),
    PG_OPT_CALLBACK(0, "bearer-token-env", NULL, "VAR",
                    "... with the token in environment variable VAR",
                    0, bearer_token_env),
    PG_OPT_CALLBACK(0, "basic-auth-file", NULL, "FILE",
                    "basic auth 'user:password' from a file", 0,
                    basic_auth_file),
    PG_OPT_CALLBACK(0, "basic-auth-user", NULL, "USER",
                    "basic auth user name", 0, basic_auth_user),
    PG_OPT_CALLBACK(0, "basic-auth-password-file", NULL, "FILE",
                    "basic auth password", 0, basic_auth_password_file),
    SCRAPE_STRING("cacert", "FILE", "CA bundle to verify the server with",
                  cacert),
    SCRAPE_STRING("cert", "FILE", "client certificate (PEM)", cert),
    SCRAPE_STRING("key", "FILE", "client key (PEM)", key),
    SCRAPE_FLAG("insecure", "do not verify the server's certificate",
                insecure),
    SCRAPE_FLAG("progress", "progress lines on stderr", progress),
    PG_OPT_END(),
};
