/* redact.h: keeping credentials out of everything promgate writes. Bytes
 * that came from outside (a scrape body, response headers, an error
 * message) may hold a token: these cut out the secrets the command knows
 * (pg_redact_literals) and those that look like one (pg_redact_text). */
#ifndef PG_REDACT_H
#define PG_REDACT_H

#include <stddef.h>

#include "core/util.h"

/* Values a command must never show, owned copies (the list is what
 * pg_redact_literals and a report's secrets take). */
typedef struct pg_secrets {
    char **v;
    size_t n, cap;
} pg_secrets;

/* Adds p[0..len); values shorter than 3 bytes are left out, since cutting
 * them would maul the text around them. */
void pg_secrets_add(pg_secrets *s, const char *p, size_t len);
/* Adds the secrets of a URL: its userinfo and password, and each query or
 * fragment value of 8 bytes or more (long enough to be a credential and
 * not a word of the exposition: "?fault=auth" must not cut "oauth"). */
void pg_secrets_add_url(pg_secrets *s, const char *url);
void pg_secrets_release(pg_secrets *s);

/* Replaces every occurrence in b of each secrets[i] (3 bytes or more) by
 * "REDACTED". NULL entries are skipped. */
void pg_redact_literals(pg_buf *b, const char *const *secrets, size_t n);

/* Appends s[0..len) to out with what looks like a credential replaced by
 * "REDACTED": every URL's userinfo and query values (pg_url_redact_text),
 * "?token=..." outside a URL, "Bearer x" and "Basic x", and the value of a
 * "Name: value" or "Name=value" whose name is a credential's
 * (Authorization, X-Api-Key, Coder-Session-Token, ...). */
void pg_redact_text(pg_buf *out, const char *s, size_t len);

/* Appends HTTP header lines s[0..len) to out with the value of each header
 * whose name is a credential's (Authorization, Set-Cookie, ...) replaced
 * by "REDACTED"; pg_redact_text is still to be applied. */
void pg_redact_header_values(pg_buf *out, const char *s, size_t len);

#endif
