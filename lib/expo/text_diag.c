/* text_diag.c: the text parser's diagnostics. Every step reports
 * through pg__diag(), which keeps what each report needs in one place:
 * the format filter (an AUTO parse reports only what holds for the format
 * it decided), the family a fault concerns, LINE:COL and byte offset, and
 * the order of reports. The duplicate-series insert that waits for the
 * next line (pg__text.ps) lives here too, because any diagnostic must
 * report that earlier line's duplicate first. */
#include "expo/text_int.h"

#include <stdarg.h>

static void quote_into(char *dst, size_t cap, const char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t seq = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (c >= 0x80 && (seq > n - i || pg__utf8_valid(s + i, seq) != seq))
            seq = 0;  /* not valid UTF-8: escaped */
        if (c < 0x20 || c == 0x7f || seq == 0) {
            j += (size_t)snprintf(dst + j, cap - j, "\\x%02x", c);
        } else if (seq > 1) {
            if (j + seq + 5 >= cap)
                break;
            memcpy(dst + j, s + i, seq);
            j += seq;
            i += seq - 1;
        } else {
            dst[j++] = (char)c;
        }
        if (i + 1 < n && j + 5 >= cap && j + 3 < cap) {
            memcpy(dst + j, "...", 3);
            j += 3;
            break;
        }
    }
    dst[j < cap ? j : cap - 1] = '\0';
}

/* A short printable rendering of a subject for messages. */
const char *pg__subj(char *buf, size_t cap, const char *s, size_t n)
{
    if (n > 64) {
        quote_into(buf, cap > 70 ? 70 : cap, s, 64);
        size_t l = strlen(buf);
        if (l + 4 < cap)
            memcpy(buf + l, "...", 4);
    } else {
        quote_into(buf, cap, s, n);
    }
    return buf;
}

static void deliver(pg__text *p, const pg_diag *d)
{
    if (d->level == PG_LEVEL_ERROR)
        p->st.errors++;
    else
        p->st.warnings++;
    if (p->cb.diag)
        p->cb.diag(p->ctx, d);
}

__attribute__((format(printf, 8, 0)))
static void vdiag(pg__text *p, int mask, int level, int64_t line, int64_t col,
                  uint64_t off, const char *rule, const char *fmt, va_list ap)
{
    if (!(mask & p->fmt))
        return;
    p->ndiag++;
    if (p->ps.valid)
        pg__series_flush(p);
    pg_diag d;
    d.level = (enum pg_level)level;
    d.line = line;
    d.column = col;
    d.offset = off;
    d.rule = rule;
    d.family[0] = '\0';
    /* The family of the line's name: the current family if the name
     * belongs to it, else the name itself (it starts a family). */
    if (p->dname && fam_role(p, p->dname, p->dnlen) == ROLE_NONE)
        quote_into(d.family, sizeof d.family, p->dname, p->dnlen);
    else if (p->have_fam)
        quote_into(d.family, sizeof d.family, p->fam.p, p->fam.len);
    vsnprintf(d.text, sizeof d.text, fmt, ap);
    deliver(p, &d);
}

/* Reports a fault at position `at` of the current line. */
__attribute__((format(printf, 6, 7)))
void pg__diag(pg__text *p, int mask, int level, const char *at,
              const char *rule, const char *fmt, ...)
{
    if (!(mask & p->fmt))
        return;
    /* a position outside the line (a decoded string) would be nonsense */
    size_t col = at && p->ls && at >= p->ls && at <= p->ls + p->line_len
                     ? (size_t)(at - p->ls) : 0;
    va_list ap;
    va_start(ap, fmt);
    vdiag(p, mask, level, p->line_no, (int64_t)col + 1, p->line_off + col, rule,
          fmt, ap);
    va_end(ap);
}

/* Reports a fault at a remembered position (end-of-family checks). */
__attribute__((format(printf, 7, 8)))
void pg__diag_at(pg__text *p, int mask, int level, int64_t line,
                 uint64_t off, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(p, mask, level, line, 1, off, rule, fmt, ap);
    va_end(ap);
}

/* Reports a fault at a remembered line and column. */
__attribute__((format(printf, 8, 9)))
void pg__diag_at_col(pg__text *p, int mask, int level, int64_t line, int64_t col,
                     uint64_t off, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(p, mask, level, line, col, off, rule, fmt, ap);
    va_end(ap);
}

/* Reports a fault at the end of the input (line and column given). */
__attribute__((format(printf, 6, 7)))
void pg__diag_end(pg__text *p, int mask, int level, int64_t col,
                  const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(p, mask, level, p->line_no ? p->line_no : 1, col, p->off, rule, fmt,
          ap);
    va_end(ap);
}

void pg__series_flush(pg__text *p)
{
    if (!p->ps.valid)
        return;
    p->ps.valid = 0;
    int r = pg__hset_put(&p->series, p->ps.key, 0, NULL);
    if (r > 0)
        return;
    const char *dname = p->dname;  /* the diag is about the earlier line */
    p->dname = NULL;
    char b[96];
    static const char *const sufs[] = {
        [ROLE_VALUE] = "", [ROLE_BUCKET] = "_bucket", [ROLE_COUNT] = "_count",
        [ROLE_SUM] = "_sum", [ROLE_CREATED] = "_created", [ROLE_TOTAL] = "_total",
        [ROLE_INFO] = "_info", [ROLE_GCOUNT] = "_gcount", [ROLE_GSUM] = "_gsum",
    };
    pg__subj(b, 80, p->fam.p, p->fam.len);
    if (p->fam.len <= 64 && p->ps.role >= 0 && p->ps.role <= ROLE_GSUM)
        strcat(b, sufs[p->ps.role]);
    if (r == 0) {
        pg__diag_at_col(p, P, E, p->ps.line, p->ps.col, p->ps.off, R_P_GROUP,
                        "duplicate series '%s'", b);
        pg__diag_at_col(p, O, E, p->ps.line, p->ps.col, p->ps.off, R_OM_FAMILY,
                        "duplicate series '%s'", b);
    } else {
        p->fam_full = 1;
        pg__diag_at_col(p, B, W, p->ps.line, p->ps.col, p->ps.off, R_LIMIT,
                        "more than %u series in family: duplicate checks stop here",
                        MAX_SERIES);
    }
    p->dname = dname;
}
