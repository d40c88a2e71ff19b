/* gen.c: pg-bench-gen, a deterministic generator of Coder-like metric
 * expositions for benchmarking the parser and the checker.
 *
 *   pg-bench-gen [--openmetrics] [--seed N] [--buckets FILE]
 *                [--stats FILE] [-o FILE] WORKSPACES
 *
 * The output looks like what coderd serves for a deployment of WORKSPACES
 * workspaces: fourteen per-agent gauge families (coderd_agents_*,
 * coderd_agentstats_*) whose series grow with the deployment, plus a fixed
 * part: API latency histograms over a few hundred routes, provisioner
 * histograms, counters, Go runtime metrics. Some label values carry the
 * escapes \" \\ \n, some gauges are NaN or +Inf, some samples carry
 * timestamps (text format), and the OpenMetrics variant adds exemplars
 * with timestamps, UNIT lines and "# EOF".
 *
 * The output is meant to be conformant: histogram buckets are cumulative
 * and end in +Inf, _count equals the +Inf bucket, counters are never
 * negative, families are contiguous, le/quantile values are rendered the
 * way Go's client renders them (OpenMetrics 1.0, "Canonical Numbers").
 * Everything derives from a fixed seed, so equal arguments give equal
 * bytes. At 100000 workspaces the text format is about 240 MB and 1.4 M
 * samples. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Output: a large buffer flushed with fwrite, formatting by hand where it
 * is hot (integers, label sets). */

static FILE *out;
static char obuf[1 << 20];
static size_t olen;
static uint64_t nsamples, nbytes, nlines;
static int om; /* OpenMetrics variant */

static void flush_out(void)
{
    if (olen && fwrite(obuf, 1, olen, out) != olen) {
        fprintf(stderr, "pg-bench-gen: write failed: %s\n", strerror(errno));
        exit(2);
    }
    nbytes += olen;
    olen = 0;
}

static void put(const char *s, size_t n)
{
    if (olen + n > sizeof obuf)
        flush_out();
    if (n > sizeof obuf) {
        if (fwrite(s, 1, n, out) != n)
            exit(2);
        nbytes += n;
        return;
    }
    memcpy(obuf + olen, s, n);
    olen += n;
}

static void puts_(const char *s) { put(s, strlen(s)); }

static void putc_(char c)
{
    if (olen + 1 > sizeof obuf)
        flush_out();
    obuf[olen++] = c;
}

static void put_u64(uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(tmp + i, sizeof tmp - i);
}

static void put_double(double v)
{
    char tmp[40];
    if (isnan(v)) {
        puts_("NaN");
        return;
    }
    if (isinf(v)) {
        puts_(v > 0 ? "+Inf" : "-Inf");
        return;
    }
    int n = snprintf(tmp, sizeof tmp, "%.9g", v);
    /* OpenMetrics reads an integer-looking number as an integer, which is
     * fine for gauges; keep floats visibly floats for realism. */
    put(tmp, (size_t)n);
}

/* Go's strconv.FormatFloat(v, 'g', -1, 64), which client_golang uses for
 * le and quantile values: the shortest digits that read back as v, in %e
 * form when the decimal exponent is < -4 or >= 6 (so "100000" but
 * "1e+06"). With want_om, ".0" is appended to a rendering with neither a
 * point nor an exponent (OpenMetrics 1.0, "Canonical Numbers"). */
static void fmt_go_g(double v, int want_om, char *dst, size_t cap)
{
    char e[40];
    int prec;
    if (isinf(v)) {
        snprintf(dst, cap, "%s", v > 0 ? "+Inf" : "-Inf");
        return;
    }
    for (prec = 0; prec < 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, v);
        if (strtod(e, NULL) == v)
            break;
    }
    char *ep = strchr(e, 'e'); /* e is d.dddde[+-]XX, prec + 1 digits */
    int exp = atoi(ep + 1);
    if (exp < -4 || exp >= 6) {
        snprintf(dst, cap, "%s", e); /* C and Go agree: two-digit exponent */
        return;
    }
    int decimals = prec - exp;
    snprintf(dst, cap, "%.*f", decimals < 0 ? 0 : decimals, v);
    if (want_om && !strchr(dst, '.'))
        strncat(dst, ".0", cap - strlen(dst) - 1);
}

/* ------------------------------------------------------------------ */
/* Randomness: splitmix64 keyed by (stream, index), so a value depends
 * only on what it describes and never on output order. */

static uint64_t seed = 0x5eedc0de2026ULL;

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t rnd(uint64_t stream, uint64_t i)
{
    return mix(seed ^ mix(stream * 0x100000001b3ULL ^ i));
}

static double rnd01(uint64_t stream, uint64_t i)
{
    return (double)(rnd(stream, i) >> 11) * (1.0 / 9007199254740992.0);
}

/* ------------------------------------------------------------------ */
/* Families and samples */

enum ftype { GAUGE, COUNTER, HISTOGRAM, SUMMARY };

/* Starts a family: HELP and TYPE, or in OpenMetrics TYPE, UNIT, HELP. name is the
 * family name as in the text format; OpenMetrics counters drop _total. */
static void family(const char *name, enum ftype t, const char *help,
                   const char *unit)
{
    static const char *tn[] = { "gauge", "counter", "histogram", "summary" };
    size_t n = strlen(name);
    if (om && t == COUNTER && n > 6 && !strcmp(name + n - 6, "_total"))
        n -= 6;
    if (!om) {
        puts_("# HELP ");
        put(name, n);
        putc_(' ');
        puts_(help);
        putc_('\n');
        nlines++;
    }
    puts_("# TYPE ");
    put(name, n);
    putc_(' ');
    puts_(tn[t]);
    putc_('\n');
    nlines++;
    if (!om)
        return;
    /* OpenMetrics 1.0, "Metric types": "The ordering SHOULD be TYPE,
     * UNIT, HELP." */
    if (unit) {
        puts_("# UNIT ");
        put(name, n);
        putc_(' ');
        puts_(unit);
        putc_('\n');
        nlines++;
    }
    puts_("# HELP ");
    put(name, n);
    putc_(' ');
    puts_(help);
    putc_('\n');
    nlines++;
}

/* A label set is built once per series into lbuf as name="value",...
 * (values already escaped) and reused for every sample of the series. */
static char lbuf[4096];
static size_t llen;

static void lreset(void) { llen = 0; }

static void ladd(const char *name, const char *val)
{
    size_t nn = strlen(name), vn = strlen(val);
    if (llen + nn + vn + 4 >= sizeof lbuf) {
        fprintf(stderr, "pg-bench-gen: label set too long\n");
        exit(2);
    }
    if (llen)
        lbuf[llen++] = ',';
    memcpy(lbuf + llen, name, nn);
    llen += nn;
    lbuf[llen++] = '=';
    lbuf[llen++] = '"';
    memcpy(lbuf + llen, val, vn);
    llen += vn;
    lbuf[llen++] = '"';
}

/* Writes name{labels[,extra]} (the label set from lbuf) and a space. */
static void series(const char *name, const char *suffix, const char *extra)
{
    puts_(name);
    if (suffix)
        puts_(suffix);
    if (llen || extra) {
        putc_('{');
        put(lbuf, llen);
        if (extra) {
            if (llen)
                putc_(',');
            puts_(extra);
        }
        putc_('}');
    }
    putc_(' ');
}

static void end_sample(void)
{
    putc_('\n');
    nsamples++;
    nlines++;
}

/* Timestamps: the text format has integer milliseconds, OpenMetrics
 * seconds (OpenMetrics 1.0, "Timestamps"). */
static const uint64_t ts_base_ms = 1782902400000ULL; /* 2026-07-01 */

static void put_timestamp(uint64_t off_ms)
{
    uint64_t ms = ts_base_ms + off_ms;
    putc_(' ');
    if (!om) {
        put_u64(ms);
        return;
    }
    put_u64(ms / 1000);
    putc_('.');
    char t[4] = { (char)('0' + ms / 100 % 10), (char)('0' + ms / 10 % 10),
                  (char)('0' + ms % 10), 0 };
    puts_(t);
}

static void put_exemplar(uint64_t r, double value)
{
    static const char hex[] = "0123456789abcdef";
    char tid[33];
    uint64_t a = mix(r), b = mix(r ^ 0x55);
    for (int i = 0; i < 16; i++) {
        tid[i] = hex[(a >> (i * 4)) & 15];
        tid[16 + i] = hex[(b >> (i * 4)) & 15];
    }
    tid[32] = 0;
    puts_(" # {trace_id=\"");
    puts_(tid);
    puts_("\"} ");
    put_double(value);
    put_timestamp(r % 3600000);
}

/* ------------------------------------------------------------------ */
/* Histograms and summaries */

typedef struct hist_def {
    const char *name;
    double bounds[32];
    int nb;
} hist_def;

static hist_def hists[64];
static int nhists;

static const hist_def *hist_find(const char *name)
{
    for (int i = 0; i < nhists; i++)
        if (!strcmp(hists[i].name, name))
            return &hists[i];
    fprintf(stderr, "pg-bench-gen: no bucket bounds for '%s'\n", name);
    exit(2);
}

/* Reads histogram_buckets.tsv (name, comma-separated bounds, ...): its
 * bounds replace the built-in ones of the same name. */
static void load_buckets(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    if (!f) {
        fprintf(stderr, "pg-bench-gen: cannot open '%s': %s\n", path,
                strerror(errno));
        exit(2);
    }
    while (fgets(line, sizeof line, f) && nhists < 64) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        /* A name already known (built in) takes the file's bounds. */
        hist_def *h = NULL;
        for (int i = 0; i < nhists && !h; i++)
            if (!strcmp(hists[i].name, line))
                h = &hists[i];
        if (!h) {
            h = &hists[nhists++];
            h->name = strdup(line);
        }
        h->nb = 0;
        char *p = tab + 1;
        while (*p && *p != '\t' && h->nb < 32) {
            char *end;
            h->bounds[h->nb++] = strtod(p, &end);
            p = *end == ',' ? end + 1 : end;
        }
    }
    fclose(f);
}

/* Built-in copy of the bounds used here, for when no file is given or it
 * lacks a name (values as in Coder's source, histogram_buckets.tsv). */
static void default_buckets(void)
{
    static const struct {
        const char *name;
        const char *b;
    } d[] = {
        { "coderd_api_request_latencies_seconds",
          "0.001,0.005,0.01,0.025,0.05,0.1,0.5,1,5,10,30" },
        { "coderd_api_websocket_durations_seconds",
          "0.001,1,60,3600,54000,108000" },
        { "coderd_provisionerd_job_timings_seconds",
          "1,10,30,60,300,600,1800,3600" },
        { "coderd_provisionerd_workspace_build_timings_seconds",
          "1,10,30,60,300,600,1800,3600" },
        { "coderd_provisioner_job_queue_wait_seconds",
          "0.1,0.5,1,5,10,30,60,120,300,600,900,1800" },
        { "coderd_agents_first_connection_seconds",
          "1,10,30,60,120,300,600,1800,3600" },
        { "coderd_db_query_latencies_seconds",
          "0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10" },
        { "coderd_chatd_prompt_size_bytes",
          "1024,4096,16384,65536,262144,1048576,4194304,16777216,67108864,"
          "268435456" },
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        hist_def *h = &hists[nhists++];
        const char *p = d[i].b;
        h->name = d[i].name;
        h->nb = 0;
        while (*p) {
            char *end;
            h->bounds[h->nb++] = strtod(p, &end);
            p = *end == ',' ? end + 1 : end;
        }
    }
}

/* One histogram series with the label set in lbuf: cumulative buckets,
 * +Inf, _sum and _count (= +Inf). Exemplars on some OpenMetrics buckets,
 * each within its bucket's range (OpenMetrics 1.0, "Histogram"). */
static void hist_series(const hist_def *h, uint64_t stream, uint64_t key)
{
    char le[64];
    uint64_t r = rnd(stream, key);
    uint64_t total = r % 20000;
    uint64_t cum = 0;
    double sum = 0;
    int ex = om && (r >> 20) % 4 == 0;
    for (int b = 0; b <= h->nb; b++) {
        uint64_t inc;
        if (b < h->nb) {
            uint64_t left = total - cum;
            inc = left ? rnd(stream ^ 0x77, key * 64 + (uint64_t)b) %
                             (left / 2 + 1)
                       : 0;
            cum += inc;
            double mid = b ? (h->bounds[b - 1] + h->bounds[b]) / 2
                           : h->bounds[0] / 2;
            sum += (double)inc * mid;
            fmt_go_g(h->bounds[b], om, le + 4, sizeof le - 4);
        } else {
            inc = total - cum;
            cum = total;
            sum += (double)inc * h->bounds[h->nb - 1] * 1.5;
            strcpy(le + 4, "+Inf");
        }
        memcpy(le, "le=\"", 4);
        strcat(le, "\"");
        series(h->name, "_bucket", le);
        put_u64(cum);
        if (ex && (b == h->nb / 2 || b == h->nb)) {
            double lo = b ? h->bounds[b - 1] : 0;
            double hi = b < h->nb ? h->bounds[b] : lo * 2 + 1;
            put_exemplar(r + (uint64_t)b, lo + (hi - lo) * 0.5);
        }
        end_sample();
    }
    series(h->name, "_sum", NULL);
    put_double(sum);
    end_sample();
    series(h->name, "_count", NULL);
    put_u64(total);
    end_sample();
}

/* ------------------------------------------------------------------ */
/* The deployment: users, templates, workspaces, routes */

static const char *firsts[] = {
    "alexandra", "benjamin", "charlotte", "dmitri", "eleanor", "francisco",
    "gabriella", "hiroshi", "isabella", "jonathan", "katarzyna", "leonardo",
    "margaret", "nathaniel", "oluwaseun", "penelope", "quentin", "rosalind",
    "sebastian", "theodora", "ulrich", "valentina", "wilhelmina", "xavier",
    "yevgenia", "zachariah",
};
static const char *lasts[] = {
    "abernathy", "blackwood", "castellanos", "donaldson", "eriksson",
    "fitzgerald", "gutierrez", "hargreaves", "ivanova", "jorgensen",
    "kowalczyk", "lindqvist", "montgomery", "nakamura", "oyelaran",
    "papadopoulos", "quintero", "rasmussen", "szczepanski", "thorvaldsen",
    "underwood", "vasquez", "wojciechowski", "yamamoto", "zielinski",
};
static const char *projects[] = {
    "backend-api", "frontend-web", "data-pipeline", "ml-training",
    "infra-terraform", "mobile-android", "mobile-ios", "payments-service",
    "search-indexer", "docs-site", "observability", "auth-gateway",
};
static const char *envs[] = {
    "dev", "feature", "bugfix", "perf", "review", "pairing", "onboarding",
    "sandbox",
};
static const char *tmpl_base[] = {
    "kubernetes-devcontainer", "docker-ubuntu-jammy", "aws-ec2-linux-large",
    "gcp-vm-container-optimized", "azure-linux-gpu", "nix-flake-workspace",
    "jetbrains-gateway-k8s", "windows-server-2022-rdp",
};
#define NTEMPLATES 40
static const char *agent_names[] = { "main", "main", "main", "dev",
                                     "devcontainer-agent", "gpu-worker" };
static const char *lifecycle[] = { "created", "starting", "start_timeout",
                                   "start_error", "ready", "ready", "ready",
                                   "ready", "shutting_down", "off" };
static const char *conn_status[] = { "connecting", "connected", "connected",
                                     "connected", "disconnected", "timeout" };
static const char *apps[] = { "code-server", "jetbrains-gateway",
                              "filebrowser", "jupyter-notebook" };
static const char *health[] = { "disabled", "initializing", "healthy",
                                "healthy", "healthy", "unhealthy" };
/* DERP region names are free text; some carry the three escapes. */
static const char *derps[] = {
    "Coder Embedded Relay", "New York City", "San Francisco", "Frankfurt",
    "Sao Paulo", "Singapore", "Sydney", "Tokyo",
    "Lab \\\"B\\\" rack 7", "C:\\\\relays\\\\west", "Unnamed 1001\\nbackup",
};

typedef struct ws {
    char user[64], name[64], tmpl[64], tver[64], agent[32];
} ws;

static void tmpl_name(uint64_t t, char *dst, size_t cap)
{
    snprintf(dst, cap, "%s-%02u",
             tmpl_base[t % (sizeof tmpl_base / sizeof tmpl_base[0])],
             (unsigned)t);
}

static void tmpl_version(uint64_t t, char *dst, size_t cap)
{
    static const char *adj[] = { "amazing", "brave", "clever", "dazzling",
                                 "eager", "focused" };
    static const char *sci[] = { "newton", "curie", "lovelace", "hopper",
                                 "turing", "noether" };
    snprintf(dst, cap, "v2.%u.%u-%s_%s%u", (unsigned)(t % 23),
             (unsigned)(t % 7), adj[t % 6], sci[(t / 6) % 6], (unsigned)t);
}

static void ws_make(uint64_t i, ws *w)
{
    uint64_t u = i / 3; /* about three workspaces per user */
    uint64_t r = rnd(1, i);
    snprintf(w->user, sizeof w->user, "%s-%s-%u",
             firsts[u % 26], lasts[(u / 26) % 25], (unsigned)(u % 100000));
    snprintf(w->name, sizeof w->name, "%s-%s-%u",
             projects[r % 12], envs[(r >> 8) % 8], (unsigned)i);
    uint64_t t = (r >> 16) % NTEMPLATES;
    tmpl_name(t, w->tmpl, sizeof w->tmpl);
    tmpl_version(t, w->tver, sizeof w->tver);
    snprintf(w->agent, sizeof w->agent, "%s",
             agent_names[(r >> 24) % 6]);
}

/* Per-workspace families: each one loops over every workspace, since a
 * family's lines must be contiguous (text format 0.0.4; OpenMetrics 1.0
 * "MetricFamily"). */
enum wsfam {
    F_UP, F_CONNS, F_LAT, F_APPS, F_CCOUNT, F_MEDLAT, F_PEERS, F_RX, F_TX,
    F_JB, F_PTY, F_SSH, F_VSC, F_STARTUP, F_N
};

static void ws_family(enum wsfam f, uint64_t n)
{
    static const struct {
        const char *name, *help;
    } d[F_N] = {
        { "coderd_agents_up", "The number of active agents per workspace." },
        { "coderd_agents_connections", "Agent connections with statuses." },
        { "coderd_agents_connection_latencies_seconds",
          "Agent connection latencies in seconds." },
        { "coderd_agents_apps", "Agent applications with statuses." },
        { "coderd_agentstats_connection_count",
          "The number of established connections by agent" },
        { "coderd_agentstats_connection_median_latency_seconds",
          "The median agent connection latency" },
        { "coderd_agentstats_currently_reachable_peers",
          "The number of peers (e.g. clients) that are currently reachable "
          "over the encrypted network." },
        { "coderd_agentstats_rx_bytes", "Agent Rx bytes" },
        { "coderd_agentstats_tx_bytes", "Agent Tx bytes" },
        { "coderd_agentstats_session_count_jetbrains",
          "The number of session established by JetBrains" },
        { "coderd_agentstats_session_count_reconnecting_pty",
          "The number of session established by reconnecting PTY" },
        { "coderd_agentstats_session_count_ssh",
          "The number of session established by SSH" },
        { "coderd_agentstats_session_count_vscode",
          "The number of session established by VSCode" },
        { "coderd_agentstats_startup_script_seconds",
          "The number of seconds the startup script took to execute." },
    };
    ws w;
    char tmp[64];
    family(d[f].name, GAUGE, d[f].help,
           f == F_LAT || f == F_MEDLAT || f == F_STARTUP ? "seconds"
           : f == F_RX || f == F_TX                      ? "bytes"
                                                         : NULL);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r = rnd(100 + (uint64_t)f, i);
        ws_make(i, &w);
        lreset();
        switch (f) {
        case F_UP:
            ladd("template_name", w.tmpl);
            ladd("template_version", w.tver);
            ladd("username", w.user);
            ladd("workspace_name", w.name);
            series(d[f].name, NULL, NULL);
            put_u64(1);
            break;
        case F_CONNS:
            ladd("agent_name", w.agent);
            ladd("lifecycle_state", lifecycle[r % 10]);
            ladd("status", conn_status[(r >> 8) % 6]);
            snprintf(tmp, sizeof tmp, "nodeid:%016" PRIx64, mix(i ^ seed));
            ladd("tailnet_node", tmp);
            ladd("username", w.user);
            ladd("workspace_name", w.name);
            series(d[f].name, NULL, NULL);
            put_u64(1);
            break;
        case F_LAT:
            ladd("agent_name", w.agent);
            ladd("derp_region", derps[r % 11]);
            ladd("preferred", (r >> 8) % 4 ? "true" : "false");
            ladd("username", w.user);
            ladd("workspace_name", w.name);
            series(d[f].name, NULL, NULL);
            put_double((r >> 12) % 100 == 0 ? NAN
                                             : 0.005 + rnd01(7, i) * 0.2);
            break;
        case F_APPS:
            ladd("agent_name", w.agent);
            ladd("app_name", apps[r % 4]);
            ladd("health", health[(r >> 8) % 6]);
            ladd("username", w.user);
            ladd("workspace_name", w.name);
            series(d[f].name, NULL, NULL);
            put_u64(1);
            break;
        case F_PEERS:
            ladd("agent_name", w.agent);
            ladd("connection_type", r % 3 ? "p2p" : "derp");
            ladd("template_name", w.tmpl);
            ladd("username", w.user);
            ladd("workspace_name", w.name);
            series(d[f].name, NULL, NULL);
            put_u64((r >> 8) % 6);
            break;
        case F_STARTUP:
            ladd("agent_name", w.agent);
            ladd("success", r % 20 ? "true" : "false");
            ladd("template_name", w.tmpl);
            ladd("username", w.user);
            ladd("workspace_name", w.name);
            series(d[f].name, NULL, NULL);
            put_double(0.5 + rnd01(8, i) * 300);
            break;
        default:
            ladd("agent_name", w.agent);
            ladd("username", w.user);
            ladd("workspace_name", w.name);
            series(d[f].name, NULL, NULL);
            if (f == F_MEDLAT)
                put_double(r % 500 == 0   ? INFINITY
                           : r % 97 == 0 ? NAN
                                         : rnd01(9, i) * 0.05);
            else if (f == F_RX || f == F_TX)
                put_u64(r % 100000000000ULL);
            else
                put_u64(r % 5);
            /* Every tenth agent-stats series carries a timestamp in the
             * text format; OpenMetrics 1.0 says MetricPoints SHOULD NOT
             * have one, so there only exemplars carry timestamps. */
            if (!om && (f == F_RX || f == F_TX || f == F_CCOUNT) &&
                i % 10 == 0)
                put_timestamp(r % 60000);
            break;
        }
        end_sample();
    }
}

/* API routes: chi patterns, a few hundred (method, path) pairs. */
static const char *route_roots[] = {
    "/api/v2/users/{user}", "/api/v2/workspaces/{workspace}",
    "/api/v2/workspacebuilds/{workspacebuild}",
    "/api/v2/workspaceagents/{workspaceagent}",
    "/api/v2/templates/{template}",
    "/api/v2/templateversions/{templateversion}",
    "/api/v2/organizations/{organization}", "/api/v2/provisionerdaemons",
    "/api/v2/deployment", "/api/v2/audit", "/api/v2/groups/{group}",
    "/api/v2/files/{fileID}", "/api/v2/licenses", "/api/v2/insights",
    "/api/v2/notifications", "/api/v2/oauth2-provider/apps/{app}",
    "/api/v2/workspaceproxies/{workspaceproxy}", "/api/v2/debug",
    "/api/v2/users/{user}/workspace/{workspacename}",
    "/api/v2/workspaceagents/me",
};
static const char *route_leaves[] = {
    "", "/members", "/builds", "/logs", "/resources", "/parameters",
    "/watch", "/acl", "/state", "/timings", "/quota", "/settings",
    "/autostart", "/ttl", "/dormant", "/extend", "/favorite", "/usage",
    "/health", "/coordinate",
};
static const char *methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };

static void route(int k, char *path, size_t cap, const char **method)
{
    int nroots = (int)(sizeof route_roots / sizeof route_roots[0]);
    snprintf(path, cap, "%s%s", route_roots[k % nroots],
             route_leaves[(k / nroots) % 20]);
    *method = methods[(k * 7 + k / nroots) % 5 == 4 ? 4
                      : (k * 3) % 5 < 2           ? 0
                                                  : (k % 3) + 1];
}

#define NROUTES 300

static void fixed_families(uint64_t n)
{
    char path[160];
    const char *method;
    static const char *codes[] = { "200", "201", "204", "400", "401",
                                   "403", "404", "500" };

    /* go_gc_duration_seconds: summary, quantiles 0..1 (client_golang) */
    {
        static const double q[] = { 0, 0.25, 0.5, 0.75, 1 };
        static const double v[] = { 2.7399e-05, 5.2871e-05, 6.8952e-05,
                                    0.000105323, 0.004829167 };
        family("go_gc_duration_seconds", SUMMARY,
               "A summary of the pause duration of garbage collection "
               "cycles.",
               "seconds");
        lreset();
        for (int i = 0; i < 5; i++) {
            char qv[48];
            strcpy(qv, "quantile=\"");
            fmt_go_g(q[i], om, qv + 10, sizeof qv - 11);
            strcat(qv, "\"");
            series("go_gc_duration_seconds", NULL, qv);
            put_double(v[i]);
            end_sample();
        }
        series("go_gc_duration_seconds", "_sum", NULL);
        put_double(1.234567891);
        end_sample();
        series("go_gc_duration_seconds", "_count", NULL);
        put_u64(14821);
        end_sample();
    }
    family("go_goroutines", GAUGE,
           "Number of goroutines that currently exist.", NULL);
    lreset();
    series("go_goroutines", NULL, NULL);
    put_u64(1200 + n / 10);
    end_sample();
    family("go_info", GAUGE, "Information about the Go environment.", NULL);
    lreset();
    ladd("version", "go1.24.4");
    series("go_info", NULL, NULL);
    put_u64(1);
    end_sample();
    family("process_start_time_seconds", GAUGE,
           "Start time of the process since unix epoch in seconds.",
           "seconds");
    lreset();
    series("process_start_time_seconds", NULL, NULL);
    puts_("1782900000.12");
    end_sample();

    /* API */
    family("coderd_api_active_users_duration_hour", GAUGE,
           "The number of users that have been active within the last hour.",
           NULL);
    lreset();
    series("coderd_api_active_users_duration_hour", NULL, NULL);
    put_u64(n / 3 / 2);
    end_sample();

    family("coderd_api_concurrent_requests", GAUGE,
           "The number of concurrent API requests.", NULL);
    for (int k = 0; k < NROUTES; k++) {
        route(k, path, sizeof path, &method);
        lreset();
        ladd("method", method);
        ladd("path", path);
        series("coderd_api_concurrent_requests", NULL, NULL);
        put_u64(rnd(3, (uint64_t)k) % 4);
        end_sample();
    }

    const hist_def *h = hist_find("coderd_api_request_latencies_seconds");
    family(h->name, HISTOGRAM, "Latency distribution of requests in seconds.",
           "seconds");
    for (int k = 0; k < NROUTES; k++) {
        route(k, path, sizeof path, &method);
        lreset();
        ladd("method", method);
        ladd("path", path);
        hist_series(h, 4, (uint64_t)k);
    }

    family("coderd_api_requests_processed_total", COUNTER,
           "The total number of processed API requests", NULL);
    for (int k = 0; k < NROUTES; k++) {
        route(k, path, sizeof path, &method);
        for (int c = 0; c < 3; c++) {
            uint64_t r = rnd(5, (uint64_t)(k * 8 + c));
            lreset();
            /* three distinct codes per route: one of 0-2, 3-5, 6-7 */
            int ci = c == 2 ? 6 + (int)(r % 2) : c * 3 + (int)(r % 3);
            ladd("code", codes[ci]);
            ladd("method", method);
            ladd("path", path);
            series("coderd_api_requests_processed", "_total", NULL);
            put_u64(r % 1000000);
            if (om && r % 5 == 0)
                put_exemplar(r, 1);
            end_sample();
        }
    }

    h = hist_find("coderd_api_websocket_durations_seconds");
    family(h->name, HISTOGRAM,
           "Websocket duration distribution of requests in seconds.",
           "seconds");
    {
        static const char *wsp[] = {
            "/api/v2/workspaceagents/me/coordinate",
            "/api/v2/workspaceagents/{workspaceagent}/pty",
            "/api/v2/workspacebuilds/{workspacebuild}/logs",
            "/api/v2/workspaceagents/{workspaceagent}/watch-metadata",
        };
        for (uint64_t k = 0; k < 4; k++) {
            lreset();
            ladd("path", wsp[k]);
            hist_series(h, 6, k);
        }
    }

    family("coderd_api_total_user_count", GAUGE,
           "The total number of registered users, partitioned by status.",
           NULL);
    {
        static const char *st[] = { "active", "dormant", "suspended" };
        for (uint64_t k = 0; k < 3; k++) {
            lreset();
            ladd("status", st[k]);
            series("coderd_api_total_user_count", NULL, NULL);
            put_u64(k ? n / 300 : n / 3);
            end_sample();
        }
    }

    /* Provisioners */
    family("coderd_provisionerd_num_daemons", GAUGE,
           "The number of provisioner daemons.", NULL);
    lreset();
    series("coderd_provisionerd_num_daemons", NULL, NULL);
    put_u64(3 + n / 1000);
    end_sample();

    h = hist_find("coderd_provisionerd_job_timings_seconds");
    family(h->name, HISTOGRAM,
           "The provisioner job time duration in seconds.", "seconds");
    for (uint64_t k = 0; k < 4; k++) {
        lreset();
        ladd("provisioner", k < 2 ? "terraform" : "echo");
        ladd("status", k % 2 ? "failed" : "success");
        hist_series(h, 10, k);
    }

    h = hist_find("coderd_provisionerd_workspace_build_timings_seconds");
    family(h->name, HISTOGRAM, "The time taken for a workspace to build.",
           "seconds");
    for (uint64_t t = 0; t < NTEMPLATES; t++) {
        static const char *tr[] = { "START", "STOP", "DESTROY" };
        char tn[64], tv[64];
        tmpl_name(t, tn, sizeof tn);
        tmpl_version(t, tv, sizeof tv);
        for (uint64_t k = 0; k < 6; k++) {
            lreset();
            ladd("status", k % 2 ? "failed" : "success");
            ladd("template_name", tn);
            ladd("template_version", tv);
            ladd("workspace_transition", tr[k / 2]);
            hist_series(h, 11, t * 8 + k);
        }
    }

    h = hist_find("coderd_provisioner_job_queue_wait_seconds");
    family(h->name, HISTOGRAM,
           "Time from job creation to acquisition by a provisioner daemon.",
           "seconds");
    {
        static const char *br[] = { "initiator", "autostart", "autostop" };
        static const char *jt[] = { "template_version_import",
                                    "workspace_build" };
        static const char *tr[] = { "start", "stop", "delete" };
        for (uint64_t k = 0; k < 18; k++) {
            lreset();
            ladd("build_reason", br[k % 3]);
            ladd("job_type", jt[(k / 3) % 2]);
            ladd("provisioner_type", "terraform");
            ladd("transition", tr[k / 6]);
            hist_series(h, 12, k);
        }
    }

    h = hist_find("coderd_agents_first_connection_seconds");
    family(h->name, HISTOGRAM,
           "Duration from agent creation to first connection in seconds.",
           "seconds");
    for (uint64_t t = 0; t < NTEMPLATES; t++) {
        char tn[64];
        tmpl_name(t, tn, sizeof tn);
        lreset();
        ladd("agent_name", "main");
        ladd("template_name", tn);
        hist_series(h, 13, t);
    }

    h = hist_find("coderd_db_query_latencies_seconds");
    family(h->name, HISTOGRAM, "Latency distribution of queries in seconds.",
           "seconds");
    {
        static const char *qs[] = {
            "GetWorkspaceByID", "GetWorkspaceAgentByID", "GetUserByID",
            "InsertWorkspaceAgentStats", "GetTemplateVersionByID",
            "UpdateWorkspaceAgentLifecycleStateByID", "GetProvisionerJobByID",
            "AcquireProvisionerJob", "GetWorkspaceBuildByJobID",
            "GetAuthorizedWorkspaces", "GetLatestWorkspaceBuildByWorkspaceID",
            "UpsertWorkspaceAgentPortShare",
        };
        for (uint64_t k = 0; k < 12; k++) {
            lreset();
            ladd("query", qs[k]);
            hist_series(h, 14, k);
        }
    }

    /* A HELP text with the text format's two escapes (\\ and \n). */
    family("coderd_workspace_builds_total", COUNTER,
           "The number of workspaces started, updated, or deleted.\\n"
           "Path separators look like \\\\ on Windows hosts.",
           NULL);
    for (uint64_t t = 0; t < NTEMPLATES; t++) {
        char tn[64], tv[64];
        ws w;
        tmpl_name(t, tn, sizeof tn);
        tmpl_version(t, tv, sizeof tv);
        ws_make(t * 7, &w);
        lreset();
        ladd("status", "success");
        ladd("template_name", tn);
        ladd("template_version", tv);
        ladd("workspace_name", w.name);
        ladd("workspace_owner", w.user);
        ladd("workspace_transition", "START");
        series("coderd_workspace_builds", "_total", NULL);
        put_u64(rnd(15, t) % 500);
        end_sample();
    }

    family("promhttp_metric_handler_requests_total", COUNTER,
           "Total number of scrapes by HTTP status code.", NULL);
    for (int c = 0; c < 3; c++) {
        static const char *hc[] = { "200", "500", "503" };
        lreset();
        ladd("code", hc[c]);
        series("promhttp_metric_handler_requests", "_total", NULL);
        put_u64(c ? 0 : 48213);
        end_sample();
    }
}

static int usage(void)
{
    fprintf(stderr,
            "usage: pg-bench-gen [--openmetrics] [--seed N] [--buckets FILE]"
            " [--stats FILE] [-o FILE] WORKSPACES\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *outpath = NULL, *stats = NULL, *buckets = NULL;
    long long nws = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--openmetrics"))
            om = 1;
        else if (!strcmp(a, "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--buckets") && i + 1 < argc)
            buckets = argv[++i];
        else if (!strcmp(a, "--stats") && i + 1 < argc)
            stats = argv[++i];
        else if (!strcmp(a, "-o") && i + 1 < argc)
            outpath = argv[++i];
        else if (a[0] != '-' && nws < 0) {
            char *end;
            nws = strtoll(a, &end, 10);
            if (*end || nws < 0)
                return usage();
        } else
            return usage();
    }
    if (nws < 0)
        return usage();
    default_buckets();
    if (buckets)
        load_buckets(buckets);

    out = stdout;
    if (outpath && !(out = fopen(outpath, "wb"))) {
        fprintf(stderr, "pg-bench-gen: cannot create '%s': %s\n", outpath,
                strerror(errno));
        return 2;
    }

    uint64_t n = (uint64_t)nws;
    fixed_families(n);
    for (int f = 0; f < F_N; f++)
        ws_family((enum wsfam)f, n);
    if (om) {
        puts_("# EOF\n");
        nlines++;
    }
    flush_out();
    if (fflush(out) || (out != stdout && fclose(out))) {
        fprintf(stderr, "pg-bench-gen: write failed: %s\n", strerror(errno));
        return 2;
    }
    if (stats) {
        FILE *s = fopen(stats, "w");
        if (!s)
            return 2;
        fprintf(s, "bytes %" PRIu64 "\nlines %" PRIu64 "\nsamples %" PRIu64
                   "\n",
                nbytes, nlines, nsamples);
        fclose(s);
    }
    return 0;
}
