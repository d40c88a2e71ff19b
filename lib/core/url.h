/* url.h: URLs as promgate accepts and shows them. Every URL that promgate
 * prints, writes or logs goes through pg_url_redact first: a URL may
 * carry credentials in its userinfo, and any query value may be one (an
 * API key under a name that does not look secret), so all are hidden but
 * the few that choose what an exporter serves (target, module, ...). */
#ifndef PG_URL_H
#define PG_URL_H

#include <stddef.h>

#include "core/util.h"

/* 1 if s is an http:// or https:// URL (scheme in any case) with
 * something after the scheme. */
int pg_url_is_http(const char *s);

/* Copy of url with the userinfo replaced by "REDACTED" and the value of
 * every query and fragment parameter replaced by "REDACTED" (names kept,
 * so "?tenant=REDACTED&token=REDACTED" still says what was sent). The
 * query parameters target, module, collect[], name[], match[] and format
 * keep their values, unless a value holds '@', '?', '#', '&', '=' or a
 * control character once percent-decoded (it could carry a credential),
 * so that "/probe?module=http_2xx&target=a" and "...&target=b" differ.
 * Caller frees. */
char *pg_url_redact(const char *url);

/* Appends s[0..len) to out with every URL inside it ("scheme://..." up to
 * a space, a quote, '<', '>' or '`') redacted as pg_url_redact does. */
void pg_url_redact_text(pg_buf *out, const char *s, size_t len);

/* The literal secrets of url, so that a server echoing one into a body or
 * header can have it cut out: userinfo is called with the userinfo and
 * the password in it alone, value with each non-empty query or fragment
 * value that pg_url_redact hides. */
void pg_url_each_secret(const char *url,
                        void (*userinfo)(void *ctx, const char *p, size_t len),
                        void (*value)(void *ctx, const char *p, size_t len),
                        void *ctx);

#endif
