/* goldenset.c: see goldenset.h; the table format is in golden/SCHEMA.md
 * ("Release goldens"). */
#include "specs/goldenset.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- release numbers ---------------------------------------------------- */

typedef struct release {
    long part[3];
    const char *pre;     /* after '-', up to '+' or end; NULL if none */
    size_t prelen;
} release;

static int parse_release(const char *s, release *r)
{
    memset(r, 0, sizeof *r);
    if (*s == 'v')
        s++;
    for (int i = 0; i < 3; i++) {
        if (*s < '0' || *s > '9')
            return -1;
        char *end;
        r->part[i] = strtol(s, &end, 10);
        s = end;
        if (i < 2 && *s++ != '.')
            return -1;
    }
    if (*s == '-') {
        r->pre = ++s;
        r->prelen = strcspn(s, "+");
        s += r->prelen;
    }
    return *s == '\0' || *s == '+' ? 0 : -1;
}

/* Pre-release identifiers compare dot by dot, numbers numerically. */
static int cmp_pre(const release *a, const release *b)
{
    if (!a->pre || !b->pre)
        return (a->pre == NULL) - (b->pre == NULL);
    const char *x = a->pre, *xe = a->pre + a->prelen;
    const char *y = b->pre, *ye = b->pre + b->prelen;
    while (x < xe && y < ye) {
        size_t nx = strcspn(x, ".+"), ny = strcspn(y, ".+");
        if (nx > (size_t)(xe - x)) nx = (size_t)(xe - x);
        if (ny > (size_t)(ye - y)) ny = (size_t)(ye - y);
        int dx = strspn(x, "0123456789") >= nx, dy = strspn(y, "0123456789") >= ny;
        int c;
        if (dx && dy)
            c = nx != ny ? (nx < ny ? -1 : 1) : strncmp(x, y, nx);
        else if (dx != dy)
            c = dx ? -1 : 1;
        else {
            c = strncmp(x, y, nx < ny ? nx : ny);
            if (!c && nx != ny)
                c = nx < ny ? -1 : 1;
        }
        if (c)
            return c;
        x += nx + (x + nx < xe);
        y += ny + (y + ny < ye);
    }
    return (x < xe) - (y < ye);
}

int pg_release_cmp(const char *a, const char *b)
{
    release x, y;
    int bx = parse_release(a, &x), by = parse_release(b, &y);
    if (bx || by)
        return bx != by ? (bx ? 1 : -1) : strcmp(a, b);
    for (int i = 0; i < 3; i++)
        if (x.part[i] != y.part[i])
            return x.part[i] < y.part[i] ? -1 : 1;
    return cmp_pre(&x, &y);
}

static int valid_bound(const char *s, size_t n)
{
    char tmp[64];
    release r;
    if (n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return parse_release(tmp, &r) == 0;
}

int pg_release_in_range(const char *rel, const char *range)
{
    const char *dots = strstr(range, "..");
    if (!dots)
        return valid_bound(range, strlen(range))
                   ? pg_release_cmp(rel, range) == 0 : -1;
    size_t nlo = (size_t)(dots - range);
    const char *hi = dots + 2;
    if ((nlo && !valid_bound(range, nlo)) || (*hi && !valid_bound(hi, strlen(hi))) ||
        (!nlo && !*hi))
        return -1;
    char lo[64] = "";
    memcpy(lo, range, nlo);
    lo[nlo] = '\0';
    if (nlo && pg_release_cmp(rel, lo) < 0)
        return 0;
    if (*hi && pg_release_cmp(rel, hi) > 0)
        return 0;
    return 1;
}

/* ---- share directory and references ------------------------------------- */

/* dir/golden is a directory. */
static int has_golden_dir(const char *dir)
{
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "%s/golden", dir);
    struct stat st;
    int yes = stat(b.p, &st) == 0 && S_ISDIR(st.st_mode);
    pg_buf_release(&b);
    return yes;
}

char *pg_share_dir(void)
{
    const char *env = getenv("PROMGATE_SHARE_DIR");
    if (env && *env)
        return pg_xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return pg_xstrdup(".");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    /* Installed: PREFIX/bin/../share/promgate; a source tree: bin/.. */
    pg_buf b = PG_BUF_INIT;
    pg_buf_addf(&b, "%s/../share/promgate", exe);
    if (!has_golden_dir(b.p)) {
        b.len = 0;
        pg_buf_addf(&b, "%s/..", exe);
    }
    return pg_buf_detach(&b);
}

int pg_golden_ref_is(const char *s)
{
    struct stat st;
    return strchr(s, '@') && s[0] != '@' && stat(s, &st) != 0;
}

int pg_golden_ref_is_auto(const char *ref)
{
    const char *at = strchr(ref, '@');
    return at && !strcmp(at + 1, "auto");
}

/* One row of <share>/<product>/releases.tsv. */
typedef struct row {
    char *tag;
    char *golden;        /* a .json file name, or why there is none */
} row;

typedef struct table {
    row *rows;
    size_t n;
} table;

static void table_free(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->rows[i].tag);
        free(t->rows[i].golden);
    }
    free(t->rows);
}

static int has_golden(const row *r)
{
    size_t n = strlen(r->golden);
    return n > 5 && !strcmp(r->golden + n - 5, ".json");
}

/* Columns: tag, date, docs blob, golden; '#' lines and the header skipped. */
static int table_load(const char *path, table *t, pg_error *err)
{
    char *data;
    size_t len;
    memset(t, 0, sizeof *t);
    if (pg_read_file(path, &data, &len, err))
        return -1;
    char *save = NULL;
    int line = 0;
    for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        if (l[0] == '#' || !strncmp(l, "tag\t", 4))
            continue;
        char *f[4];
        int nf = 0;
        for (char *p = l; nf < 4; nf++) {
            f[nf] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                nf++;
                break;
            }
            *tab = '\0';
            p = tab + 1;
        }
        if (nf < 4) {
            pg_error_set(err, path, line, 0, "want 4 tab-separated columns "
                         "(tag, date, docs, golden)");
            free(data);
            table_free(t);
            return -1;
        }
        t->rows = pg_xrealloc(t->rows, (t->n + 1) * sizeof *t->rows);
        t->rows[t->n].tag = pg_xstrdup(f[0]);
        t->rows[t->n].golden = pg_xstrdup(f[3]);
        t->n++;
    }
    free(data);
    return 0;
}

/* The release a version string names: "v" added, build metadata dropped. */
static char *normal_release(const char *v)
{
    pg_buf b = PG_BUF_INIT;
    if (v[0] != 'v')
        pg_buf_addc(&b, 'v');
    pg_buf_add(&b, v, strcspn(v, "+"));
    return pg_buf_detach(&b);
}

/* Newest row with a golden. */
static const row *newest(const table *t)
{
    const row *best = NULL;
    for (size_t i = 0; i < t->n; i++)
        if (has_golden(&t->rows[i]) &&
            (!best || pg_release_cmp(t->rows[i].tag, best->tag) > 0))
            best = &t->rows[i];
    return best;
}

/* Nearest rows with a golden below and above rel. */
static void neighbours(const table *t, const char *rel, const row **lo,
                       const row **hi)
{
    *lo = *hi = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const row *r = &t->rows[i];
        if (!has_golden(r))
            continue;
        int c = pg_release_cmp(r->tag, rel);
        if (c < 0 && (!*lo || pg_release_cmp(r->tag, (*lo)->tag) > 0))
            *lo = r;
        if (c > 0 && (!*hi || pg_release_cmp(r->tag, (*hi)->tag) < 0))
            *hi = r;
    }
}

static int not_found(const char *ref, const char *product, const char *rel,
                     const table *t, pg_error *err)
{
    const row *top = newest(t), *lo, *hi;
    if (!top)
        return pg_error_set(err, ref, 0, 0, "no release of %s has a golden",
                            product);
    if (pg_release_cmp(rel, top->tag) > 0)
        return pg_error_set(err, ref, 0, 0, "%s %s is newer than the newest "
                            "release with a golden, %s (%s); check against "
                            "that one explicitly with --golden %s@%s, or "
                            "regenerate the goldens for the new release "
                            "(scripts/coder-goldens.pl)", product, rel,
                            top->tag, top->golden, product, top->tag);
    neighbours(t, rel, &lo, &hi);
    return pg_error_set(err, ref, 0, 0, "%s has no release %s; the nearest "
                        "releases with a golden are %s (%s) and %s (%s)",
                        product, rel, lo ? lo->tag : "none",
                        lo ? lo->golden : "-", hi ? hi->tag : "none",
                        hi ? hi->golden : "-");
}

char *pg_golden_resolve(const char *ref, const char *version, char **note,
                        pg_error *err)
{
    if (note)
        *note = NULL;
    const char *at = strchr(ref, '@');
    if (!at || at == ref || !at[1]) {
        pg_error_set(err, ref, 0, 0, "a golden reference reads "
                     "PRODUCT@RELEASE or PRODUCT@auto, e.g. coder@v2.24.2");
        return NULL;
    }
    char *product = pg_xstrndup(ref, (size_t)(at - ref));
    int autov = pg_golden_ref_is_auto(ref);
    char *share = pg_share_dir(), *rel = NULL, *out = NULL;
    pg_buf path = PG_BUF_INIT;
    table t = { NULL, 0 };
    if (autov && !version) {
        pg_error_set(err, ref, 0, 0, "the scrape reports no release "
                     "(no coderd_build_info{version=...}); name it: "
                     "--golden %s@vX.Y.Z", product);
        goto done;
    }
    pg_buf_addf(&path, "%s/golden/%s/releases.tsv", share, product);
    if (access(path.p, R_OK) != 0) {
        pg_error_set(err, ref, 0, 0, "no release goldens for '%s' in %s "
                     "(%s is not readable; set PROMGATE_SHARE_DIR to the "
                     "directory holding golden/%s/releases.tsv)", product,
                     share, path.p, product);
        goto done;
    }
    if (table_load(path.p, &t, err))
        goto done;
    rel = normal_release(autov ? version : at + 1);
    const row *hit = NULL;
    for (size_t i = 0; i < t.n && !hit; i++)
        if (!strcmp(t.rows[i].tag, rel))
            hit = &t.rows[i];
    if (!hit) {
        not_found(ref, product, rel, &t, err);
        goto done;
    }
    if (!has_golden(hit)) {
        pg_error_set(err, ref, 0, 0, "%s %s has no golden: %s", product, rel,
                     hit->golden);
        goto done;
    }
    path.len = 0;
    pg_buf_addf(&path, "%s/golden/%s/%s", share, product, hit->golden);
    out = pg_buf_detach(&path);
    if (note) {
        pg_buf n = PG_BUF_INIT;
        if (autov)
            pg_buf_addf(&n, "%s: the scrape reports %s %s; ", ref, product,
                        version);
        else
            pg_buf_addf(&n, "%s: ", ref);
        pg_buf_addf(&n, "golden %s", hit->golden);
        *note = pg_buf_detach(&n);
    }
done:
    table_free(&t);
    pg_buf_release(&path);
    free(rel);
    free(share);
    free(product);
    return out;
}

/* ---- the release a scrape reports --------------------------------------- */

struct pg_build_sniff {
    pg_buf line;         /* the current line, when it may matter */
    int skipping;        /* the current line cannot be build_info */
    char *version;
};

pg_build_sniff *pg_build_sniff_new(void)
{
    return pg_xcalloc(1, sizeof(pg_build_sniff));
}

static void sniff_line(pg_build_sniff *s, const char *l, size_t n)
{
    static const char key[] = "version=\"";
    const char *end = l + n, *p = l + strlen("coderd_build_info{");
    while (p < end) {
        const char *k = memchr(p, 'v', (size_t)(end - p));
        if (!k || (size_t)(end - k) < sizeof key)
            return;
        if (!memcmp(k, key, sizeof key - 1) && (k[-1] == '{' || k[-1] == ',')) {
            const char *v = k + sizeof key - 1;
            const char *q = memchr(v, '"', (size_t)(end - v));
            if (q && q > v)
                s->version = pg_xstrndup(v, (size_t)(q - v));
            return;
        }
        p = k + 1;
    }
}

void pg_build_sniff_feed(pg_build_sniff *s, const char *buf, size_t len)
{
    static const char prefix[] = "coderd_build_info{";
    for (size_t i = 0; i < len && !s->version; i++) {
        char c = buf[i];
        if (c == '\n') {
            if (!s->skipping && s->line.len >= sizeof prefix - 1)
                sniff_line(s, s->line.p, s->line.len);
            s->line.len = 0;
            s->skipping = 0;
            continue;
        }
        if (s->skipping)
            continue;
        /* Keep only lines that start like the build_info sample, and no
         * more than a sane line's worth. */
        if ((s->line.len < sizeof prefix - 1 && c != prefix[s->line.len]) ||
            s->line.len > 4096) {
            s->skipping = 1;
            continue;
        }
        pg_buf_addc(&s->line, c);
    }
}

const char *pg_build_sniff_version(const pg_build_sniff *s)
{
    return s->version;
}

void pg_build_sniff_free(pg_build_sniff *s)
{
    if (!s)
        return;
    pg_buf_release(&s->line);
    free(s->version);
    free(s);
}
