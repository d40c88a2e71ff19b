/* parser.c: pg_parser, the one entry to the exposition parsers. It
 * resolves the format (given, or from the Content-Type) and hands every
 * call to the text parser (text*.c) or the protobuf parser (proto.c). It
 * sits above both so neither parser knows the other. */
#include "expo/expo.h"
#include "expo/expo_int.h"

#include <stdlib.h>

struct pg_parser {
    pg__text *text;    /* text format 0.0.4 and OpenMetrics, or NULL */
    pg__proto *proto;  /* PG_FORMAT_PROTOBUF, or NULL */
};

pg_parser *pg_parser_new(const pg_parser_opts *opts,
                         const pg_parser_callbacks *cb, void *ctx)
{
    pg_parser *p = pg_xcalloc(1, sizeof *p);
    pg_parser_opts o = { 0 };
    if (opts)
        o = *opts;
    enum pg_format f = o.format;
    if (f == PG_FORMAT_AUTO)
        f = pg_format_from_content_type(o.content_type);
    if (pg__ctype_allows_utf8(o.content_type))
        o.flags |= PG_PARSE_UTF8_NAMES;
    if (f == PG_FORMAT_PROTOBUF)
        p->proto = pg__proto_new(&o, cb, ctx);
    else
        p->text = pg__text_new(&o, f, cb, ctx);
    return p;
}

int pg_parser_feed(pg_parser *p, const char *buf, size_t len)
{
    if (p->proto)
        return pg__proto_feed(p->proto, buf, len);
    return pg__text_feed(p->text, buf, len);
}

int pg_parser_finish(pg_parser *p)
{
    if (p->proto)
        return pg__proto_finish(p->proto);
    return pg__text_finish(p->text);
}

void pg_parser_stats(const pg_parser *p, pg_parse_stats *out)
{
    if (p->proto)
        pg__proto_stats(p->proto, out);
    else
        pg__text_stats(p->text, out);
}

enum pg_format pg_parser_format(const pg_parser *p)
{
    if (p->proto)
        return PG_FORMAT_PROTOBUF;
    return pg__text_format(p->text);
}

void pg_parser_free(pg_parser *p)
{
    if (!p)
        return;
    pg__proto_free(p->proto);
    pg__text_free(p->text);
    free(p);
}
