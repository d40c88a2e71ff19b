/* text_meta.c: comment lines: HELP, TYPE and UNIT (the family metadata,
 * which may start a family), "# EOF", and plain comments, which the text
 * format allows and OpenMetrics does not. */
#include "expo/text_int.h"

/* The formats that define type t (PG__F_* bits). */
static int type_known(enum pg_type t)
{
    switch (t) {
    case PG_TYPE_COUNTER: case PG_TYPE_GAUGE: case PG_TYPE_HISTOGRAM:
    case PG_TYPE_SUMMARY:
        return PG__F_BOTH;
    case PG_TYPE_UNTYPED:
        return PG__F_PROM;
    case PG_TYPE_UNKNOWN: case PG_TYPE_GAUGEHISTOGRAM: case PG_TYPE_INFO:
    case PG_TYPE_STATESET:
        return PG__F_OM;
    default:
        return 0;
    }
}

/* HELP text, text format: only \\ and \n are escapes (expfmt rejects the
 * rest). OpenMetrics: escaped-string, like label values, but a bare '"'
 * and a backslash before another character are what the reference parsers
 * accept in HELP: warnings there (errors in label values). */
static void help_text(pg__text *p, const char *q, const char *e)
{
    size_t n = (size_t)(e - q);
    size_t v = pg__utf8_valid(q, n);
    if (v != n)
        pg__diag(p, B, E, q + v, R_OM_STRING, "invalid UTF-8 in HELP text");
    p->fhelp.len = 0;
    pg_buf_grow(&p->fhelp, n);
    for (const char *r = q; r < e; r++) {
        if (*r == '"') {
            pg__diag(p, O, W, r, R_OM_HELP_ABNF, "unescaped '\"' in HELP text");
            pg_buf_addc(&p->fhelp, '"');
            continue;
        }
        if (*r != '\\') {
            pg_buf_addc(&p->fhelp, *r);
            continue;
        }
        if (r + 1 >= e) {
            pg__diag(p, B, E, r, R_P_COMMENT, "backslash at end of HELP text");
            pg_buf_addc(&p->fhelp, '\\');
            break;
        }
        r++;
        if (*r == '\\') {
            pg_buf_addc(&p->fhelp, '\\');
        } else if (*r == 'n') {
            pg_buf_addc(&p->fhelp, '\n');
        } else {
            if (*r == '"') {
                pg__diag(p, P, E, r - 1, R_P_COMMENT,
                         "invalid escape sequence '\\\"' in HELP text");
            } else {
                char c = (unsigned char)*r >= 0x20 && (unsigned char)*r < 0x7f ? *r : '?';
                pg__diag(p, P, E, r - 1, R_P_COMMENT,
                         "invalid escape sequence '\\%c' in HELP text", c);
                pg__diag(p, O, W, r - 1, R_OM_HELP_ABNF,
                         "undefined escape sequence '\\%c' in HELP text", c);
                pg_buf_addc(&p->fhelp, '\\');
            }
            pg_buf_addc(&p->fhelp, *r);
        }
    }
}

enum meta_kind { M_HELP, M_TYPE, M_UNIT };

/* HELP and TYPE come once per family: reports a second one (in both
 * formats) and returns 1, or marks the first seen and returns 0. */
static int second_line(pg__text *p, int *seen, const char *kw, pg_str name)
{
    char b[80];
    if (!*seen) {
        *seen = 1;
        return 0;
    }
    pg__subj(b, sizeof b, name.p, name.len);
    pg__diag(p, P, E, p->ls, R_P_COMMENT, "second %s line for '%s'", kw, b);
    pg__diag(p, O, E, p->ls, R_OM_META, "second %s line for '%s'", kw, b);
    return 1;
}

/* HELP: text, once per family. */
static void help_line(pg__text *p, pg_str name, const char *rest,
                      const char *q, const char *e)
{
    if (rest >= e)
        pg__diag(p, O, E, rest, R_OM_ABNF, "expected text in HELP");
    if (!second_line(p, &p->f_help, "HELP", name))
        help_text(p, q, e);
}

/* TYPE: one known type, once per family, before UNIT and HELP. */
static void type_line(pg__text *p, pg_str name, const char *q, const char *e)
{
    char b[80], b2[80];
    const char *t = q;
    while (q < e && !IS(*q, C_WS))
        q++;
    size_t tn = (size_t)(q - t);
    if (!tn) {
        pg__diag(p, B, E, t, R_P_COMMENT, "expected type in TYPE line for '%s'",
                 pg__subj(b, sizeof b, name.p, name.len));
        return;
    }
    if (q < e) {
        const char *ws = q;
        while (q < e && IS(*q, C_WS))
            q++;
        if (q < e)
            pg__diag(p, B, E, q, R_P_COMMENT,
                     "unexpected text after type in TYPE line");
        else
            pg__diag(p, O, E, ws, R_OM_ABNF, "trailing whitespace in TYPE line");
    }
    enum pg_type ty;
    int known = 0;
    if (pg_type_parse(t, tn, &ty) == 0)
        known = type_known(ty);
    if (!(known & P))
        pg__diag(p, P, E, t, R_P_COMMENT, "unknown metric type '%s'",
                 pg__subj(b2, sizeof b2, t, tn));
    if (!(known & O))
        pg__diag(p, O, E, t, R_OM_ABNF, "unknown metric type '%s'",
                 pg__subj(b2, sizeof b2, t, tn));
    if (second_line(p, &p->f_type, "TYPE", name))
        return;
    if (p->f_help || p->f_unit)
        pg__diag(p, O, W, p->ls, R_OM_META,
                 "metadata order should be TYPE, UNIT, HELP");
    if (known) {
        p->ftype = ty;
        p->fam_gen++;  /* roles depend on the type: no stale template */
    }
}

/* UNIT (OpenMetrics): a suffix of the name, once per family. */
static void unit_line(pg__text *p, pg_str name, const char *rest,
                      const char *q, const char *e)
{
    char b[80], b2[80];
    if (rest >= e)
        pg__diag(p, O, E, rest, R_OM_ABNF, "expected text in UNIT");
    const char *u = q;
    while (q < e && IS(*q, C_NAME))
        q++;
    if (q < e) {
        pg__diag(p, O, E, q, R_OM_ABNF, "invalid character in unit");
        return;
    }
    size_t un = (size_t)(q - u);
    if (p->f_unit) {
        pg__diag(p, O, E, p->ls, R_OM_META, "second UNIT line for '%s'",
                 pg__subj(b, sizeof b, name.p, name.len));
        return;
    }
    p->f_unit = 1;
    if (p->f_help)
        pg__diag(p, O, W, p->ls, R_OM_META,
                 "metadata order should be TYPE, UNIT, HELP");
    if (un && (name.len < un + 1 || name.p[name.len - un - 1] != '_' ||
               memcmp(name.p + name.len - un, u, un)))
        pg__diag(p, O, E, u, R_OM_META,
                 "unit '%s' is not a suffix of metric name '%s'",
                 pg__subj(b2, sizeof b2, u, un), pg__subj(b, sizeof b, name.p, name.len));
    p->funit.len = 0;
    pg_buf_add(&p->funit, u, un);
}

/* The metric name of a HELP, TYPE or UNIT line, and the family it
 * describes (which it may start). Returns 0 with *name, *rest (what
 * follows the name) and *textp (after the separator), or -1. */
static int meta_target(pg__text *p, enum meta_kind k, const char *q,
                       const char *e, pg_str *namep, const char **restp,
                       const char **textp)
{
    static const char *const kname[] = { "HELP", "TYPE", "UNIT" };
    char b[80];
    const char *name_at = q;
    pg_str name;
    char what[32];
    snprintf(what, sizeof what, "after %s", kname[k]);
    if (q >= e) {
        pg__diag(p, B, E, q, k == M_UNIT ? R_OM_META : R_P_COMMENT,
                 "expected metric name after %s", kname[k]);
        return -1;
    }
    q = pg__sep(p, q, e, 1, "metric name");
    name_at = q;
    if (pg__metric_name(p, &q, e, &name, what, 1))
        return -1;
    p->dname = name.p;
    p->dnlen = name.len;
    const char *rest = q;
    if (q < e && !IS(*q, C_WS)) {
        pg__diag(p, B, E, name_at, R_P_COMMENT, "invalid metric name '%s' in %s line",
                 pg__subj(b, sizeof b, name_at, (size_t)(e - name_at)), kname[k]);
        return -1;
    }
    if (q < e)
        q = pg__sep(p, q, e, 1,
                    k == M_HELP ? "help text" : k == M_TYPE ? "type" : "unit");

    /* Which family does this line describe? */
    if (!p->have_fam || p->fam.len != name.len ||
        memcmp(p->fam.p, name.p, name.len)) {
        if (pg__fam_end(p))
            return -1;
        int re = pg__check_reopen(p, name.p, name.len, name_at, kname[k]);
        pg__fam_begin(p, name.p, name.len);
        p->freopen = re;
    } else if (p->fsamples) {
        pg__diag(p, P, E, p->ls, R_P_GROUP,
                 "%s line for '%s' after its samples", kname[k],
                 pg__subj(b, sizeof b, name.p, name.len));
        pg__diag(p, O, E, p->ls, R_OM_ABNF,
                 "%s line for '%s' after its samples", kname[k],
                 pg__subj(b, sizeof b, name.p, name.len));
    }

    *namep = name;
    *restp = rest;
    *textp = q;
    return 0;
}

static void meta_line(pg__text *p, enum meta_kind k,
                      const char *q, const char *e)
{
    pg_str name;
    const char *rest;
    if (meta_target(p, k, q, e, &name, &rest, &q))
        return;
    switch (k) {
    case M_HELP:
        help_line(p, name, rest, q, e);
        break;
    case M_TYPE:
        type_line(p, name, q, e);
        break;
    case M_UNIT:
        unit_line(p, name, rest, q, e);
        break;
    }
}

void pg__comment_line(pg__text *p, const char *s, const char *e)
{
    const char *q = s + 1;
    const char *w = q;
    while (q < e && IS(*q, C_WS))
        q++;
    int om_sp = (q - w == 1 && *w == ' ');
    const char *kw = q;
    while (q < e && !IS(*q, C_WS))
        q++;
    size_t kn = (size_t)(q - kw);
    if (kn == 3 && !memcmp(kw, "EOF", 3)) {
        const char *t = q;
        while (t < e && IS(*t, C_WS))
            t++;
        if (om_sp && q == e) {
            if (p->fmt != PG__F_PROM && !p->eof_line)
                p->eof_line = p->line_no;
            return;
        }
        if (t == e) {
            pg__diag(p, O, E, s, R_OM_ABNF, "malformed '# EOF' line");
            return;
        }
    }
    enum meta_kind k;
    if (kn == 4 && !memcmp(kw, "HELP", 4))
        k = M_HELP;
    else if (kn == 4 && !memcmp(kw, "TYPE", 4))
        k = M_TYPE;
    else if (kn == 4 && !memcmp(kw, "UNIT", 4) && p->fmt != PG__F_PROM)
        k = M_UNIT;
    else {
        /* Text format: a plain comment. OpenMetrics: "you MUST NOT expose
         * lines beginning with a #" other than metadata and EOF. */
        pg__diag(p, O, E, s, R_OM_META, "comment lines are not allowed");
        return;
    }
    if (!om_sp)
        pg__diag(p, O, E, s + 1, R_OM_ABNF, "expected a single space after '#'");
    meta_line(p, k, q, e);
}
