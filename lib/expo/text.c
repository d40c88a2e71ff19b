/* text.c: the text parser (text format 0.0.4 with Prometheus 3 quoted
 * UTF-8 names, and OpenMetrics 1.0 text) as pg_parser sees it: bytes in
 * chunks of any size become lines, parsed in place; only a line split
 * across feeds is copied (cmark S_parser_feed). An AUTO parse keeps its
 * input (in memory, then in a temporary file) until the last line decides
 * the format. The lines themselves are read by text_meta.c and
 * text_sample.c; see text_int.h for the whole map. */
#include "expo/text_int.h"

#include <stdlib.h>
#include <unistd.h>

static void process_line(pg__text *p, const char *s, size_t n)
{
    p->line_no++;
    p->st.lines++;
    p->ls = s;
    p->dname = NULL;
    p->scratch_ready = 0;
    p->line_len = n;
    const char *e = s + n;
    if (p->eof_line && !p->after_eof) {
        p->after_eof = 1;
        pg__diag(p, O, E, s, R_OM_STRUCT, "unexpected data after '# EOF'");
    }
    if (p->eof_line && p->fmt == PG__F_OM)
        return;
    if (n > p->max_line) {
        pg__diag(p, B, E, s, R_LIMIT, "line longer than %zu bytes", p->max_line);
        return;
    }
    if (p->line_no == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
        /* OpenMetrics: "Byte order markers (BOMs) MUST NOT be used"; the
         * text format has no BOM either (its first token is a name). */
        pg__diag(p, B, E, s, R_OM_STRUCT, "byte order mark at start of input");
        s += 3;
        n -= 3;
    }
    const char *q = s;
    while (q < e && IS(*q, C_WS))
        q++;
    if (n && e[-1] == '\r') {
        /* Text format: only backslash and line feed must be escaped in
         * HELP text, and a comment is free text: there the carriage return
         * is part of the text. */
        if (p->fmt == PG__F_OM || q == e || *q != '#') {
            pg__diag(p, P, E, e - 1, R_P_BASIC, "carriage return at end of line");
            pg__diag(p, O, E, e - 1, R_OM_STRUCT, "carriage return at end of line");
            e--;
            if (q > e)
                q = e;
        }
    }
    if (q == e) {
        pg__diag(p, O, E, s, R_OM_ABNF, "empty line");
        return;
    }
    if (q != s)
        pg__diag(p, O, E, s, R_OM_ABNF, "leading whitespace");
    if (*q == '#')
        pg__comment_line(p, q, e);
    else
        pg__sample_line(p, q, e);
}

/* A line too long to keep: report it once, then drop bytes to its end. */
static void overlong(pg__text *p)
{
    p->line_no++;
    p->st.lines++;
    p->ls = NULL;
    p->dname = NULL;
    /* as process_line: after "# EOF" only that is reported */
    if (p->eof_line && !p->after_eof) {
        p->after_eof = 1;
        pg__diag_at(p, O, E, p->line_no, p->line_off, R_OM_STRUCT,
                    "unexpected data after '# EOF'");
    }
    if (!(p->eof_line && p->fmt == PG__F_OM))
        pg__diag_at(p, B, E, p->line_no, p->line_off, R_LIMIT,
                    "line longer than %zu bytes", p->max_line);
    p->skipping = 1;
    p->carry.len = 0;
}

/* Keeps the last bytes of the input, which decide the format. */
static void tail_keep(pg__text *p, const char *buf, size_t len)
{
    size_t cap = sizeof p->tail;
    if (len >= cap) {
        memcpy(p->tail, buf + len - cap, cap);
        p->ntail = cap;
        return;
    }
    size_t keep = p->ntail + len > cap ? cap - len : p->ntail;
    memmove(p->tail, p->tail + p->ntail - keep, keep);
    memcpy(p->tail + keep, buf, len);
    p->ntail = keep + len;
}

/* A temporary file that cannot be written or read back: the input is
 * lost, and a verdict on part of it would be wrong. As out of memory. */
__attribute__((noreturn)) static void spool_fail(pg__text *p)
{
    fprintf(stderr, "promgate: %s: cannot keep the input in a temporary file\n",
            p->source);
    abort();
}

/* Moves the memory spool to a temporary file, so a long undecided input
 * does not stay resident. Returns 0, or -1 (the spool stays in memory). */
static int spool_to_file(pg__text *p)
{
    FILE *f = tmpfile();
    if (!f)
        return -1;
    if (fwrite(p->spool.p, 1, p->spool.len, f) != p->spool.len) {
        fclose(f);
        return -1;
    }
    p->spool_file = f;
    pg_buf_release(&p->spool);
    return 0;
}

/* Brings a spool file back into memory after a failed write. */
static void spool_to_mem(pg__text *p)
{
    char buf[SPOOL_READ];
    size_t n;
    rewind(p->spool_file);
    while ((n = fread(buf, 1, sizeof buf, p->spool_file)) > 0)
        pg_buf_add(&p->spool, buf, n);
    fclose(p->spool_file);
    p->spool_file = NULL;
}

static void spool_add(pg__text *p, const char *buf, size_t len)
{
    tail_keep(p, buf, len);
    if (p->spool_file) {
        long at = ftell(p->spool_file);
        if (fwrite(buf, 1, len, p->spool_file) == len)
            return;
        /* a full disk: keep it in memory instead */
        clearerr(p->spool_file);
        if (at >= 0 && fseek(p->spool_file, at, SEEK_SET) == 0 &&
            ftruncate(fileno(p->spool_file), at) == 0) {
            spool_to_mem(p);
        } else {
            spool_fail(p);
        }
    }
    pg_buf_add(&p->spool, buf, len);
    if (p->spool.len > SPOOL_MEM)
        spool_to_file(p);
}

/* Decides the format of a deferred input and parses it. Returns -1 if a
 * callback stopped the parse. */
static int spool_replay(pg__text *p)
{
    p->fmt = pg_format_from_tail(p->tail, p->ntail) == PG_FORMAT_OPENMETRICS
                 ? PG__F_OM : PG__F_PROM;
    p->deferred = 0;
    int rc = 0;
    if (p->spool_file) {
        char *buf = pg_xmalloc(SPOOL_READ);
        size_t n;
        rewind(p->spool_file);
        while (!rc && (n = fread(buf, 1, SPOOL_READ, p->spool_file)) > 0)
            rc = pg__text_feed(p, buf, n);
        if (!rc && ferror(p->spool_file))
            spool_fail(p);
        free(buf);
        fclose(p->spool_file);
        p->spool_file = NULL;
    } else if (p->spool.len) {
        rc = pg__text_feed(p, p->spool.p, p->spool.len);
    }
    pg_buf_release(&p->spool);
    return rc;
}

int pg__text_feed(pg__text *p, const char *buf, size_t len)
{
    if (p->stopped)
        return -1;
    if (p->deferred) {
        spool_add(p, buf, len);
        return 0;
    }
    const char *s = buf, *e = buf + len;
    p->st.bytes += len;
    while (s < e && !p->stopped) {
        if (*s == '\n' && p->fmt == PG__F_PROM && !p->carry.len &&
            !p->skipping) {
            /* a run of empty lines: the text format ignores them */
            const char *t = s;
            while (t < e && *t == '\n')
                t++;
            uint64_t k = (uint64_t)(t - s);
            p->line_no += (int64_t)k;
            p->st.lines += k;
            p->off += k;
            s = t;
            continue;
        }
        const char *nl = memchr(s, '\n', (size_t)(e - s));
        size_t take = (size_t)((nl ? nl : e) - s);
        if (p->carry.len || p->skipping || !nl) {
            if (!p->carry.len && !p->skipping)
                p->line_off = p->off;
            if (!p->skipping) {
                if (p->carry.len + take > p->max_line)
                    overlong(p);
                else
                    pg_buf_add(&p->carry, s, take);
            }
            p->off += take;
            if (!nl)
                return 0;
            if (p->skipping) {
                p->skipping = 0;
            } else {
                process_line(p, p->carry.p, p->carry.len);
                p->carry.len = 0;
            }
        } else {
            p->line_off = p->off;
            process_line(p, s, take);
            p->off += take;
        }
        p->off++;
        s = nl + 1;
    }
    return p->stopped ? -1 : 0;
}

int pg__text_finish(pg__text *p)
{
    if (p->stopped)
        return -1;
    if (p->deferred && spool_replay(p))
        return -1;
    int partial = p->carry.len > 0 || p->skipping;
    size_t plen = p->carry.len;
    if (p->carry.len) {
        process_line(p, p->carry.p, p->carry.len);
        p->carry.len = 0;
    } else if (p->skipping) {
        p->skipping = 0;
    }
    if (p->stopped)
        return -1;
    p->dname = NULL;
    if (pg__fam_end(p))
        return -1;
    int64_t col = (int64_t)plen + 1;
    if (partial) {
        if (p->fmt == PG__F_PROM)
            pg__diag_end(p, P, E, col, R_P_BASIC,
                         "last line does not end with a line feed");
        else if (p->eof_line == p->line_no)
            pg__diag_end(p, O, W, col, R_OM_STRUCT,
                         "exposition should end with '# EOF' and a line feed");
    }
    if (p->fmt == PG__F_OM && !p->eof_line) {
        if (!partial) {
            p->line_no++;
            col = 1;
        }
        pg__diag_end(p, O, E, col, R_OM_STRUCT, "missing '# EOF' at end of input");
    }
    return 0;
}

pg__text *pg__text_new(const pg_parser_opts *o, enum pg_format f,
                       const pg_parser_callbacks *cb, void *ctx)
{
    pg__text *p = pg_xcalloc(1, sizeof *p);
    if (cb)
        p->cb = *cb;
    p->ctx = ctx;
    p->source = pg_xstrdup(o->source ? o->source : "-");
    p->fmt = f == PG_FORMAT_PROM ? PG__F_PROM
           : f == PG_FORMAT_OPENMETRICS ? PG__F_OM : 0;
    p->deferred = !p->fmt;
    p->max_line = o->max_line ? o->max_line : DEFAULT_MAX_LINE;
    p->max_labels = o->max_labels ? o->max_labels : DEFAULT_MAX_LABELS;
    p->max_name = o->max_name ? o->max_name : DEFAULT_MAX_NAME;
    p->flags = o->flags;
    p->series.limit = MAX_SERIES;
    p->series.novals = 1;
    p->seen.limit = MAX_FAMILIES;
    p->metrics.limit = MAX_SERIES;
    p->metrics.novals = 1;
    p->names.limit = MAX_FAMILIES;
    p->pnames.limit = MAX_FAMILIES;
    p->fidx = UINT32_MAX;
    return p;
}

void pg__text_stats(const pg__text *p, pg_parse_stats *out)
{
    *out = p->st;
}

enum pg_format pg__text_format(const pg__text *p)
{
    return p->fmt == PG__F_PROM ? PG_FORMAT_PROM
         : p->fmt == PG__F_OM ? PG_FORMAT_OPENMETRICS : PG_FORMAT_AUTO;
}

void pg__text_free(pg__text *p)
{
    if (!p)
        return;
    pg_buf_release(&p->carry);
    pg_buf_release(&p->scratch);
    pg_buf_release(&p->fam);
    pg_buf_release(&p->fhelp);
    pg_buf_release(&p->funit);
    pg__hset_release(&p->series);
    pg__hset_release(&p->gidx);
    pg__hset_release(&p->seen);
    pg__hset_release(&p->metrics);
    pg__hset_release(&p->names);
    pg__hset_release(&p->pnames);
    pg_buf_release(&p->pname);
    pg_buf_release(&p->fam_names);
    free(p->fam_tab);
    free(p->groups);
    free(p->labels);
    pg_buf_release(&p->spool);
    if (p->spool_file)
        fclose(p->spool_file);
    free(p->source);
    free(p);
}
