/* input.h: what every command that reads an exposition shares on its
 * command line: what a FILE|-|URL argument names, how a file is opened
 * (one message for one fault), and the scrape options (timeouts, retries,
 * headers, auth, TLS), spelled and validated one way through one table. */
#ifndef PG_INPUT_H
#define PG_INPUT_H

#include "core/opts.h"
#include "source/scrape.h"

/* What an input argument names. */
enum pg_input_kind {
    PG_INPUT_FILE,           /* a path */
    PG_INPUT_STDIN,          /* "-" */
    PG_INPUT_URL,            /* http:// or https://, in any letter case */
};

/* Decides what arg names, the same way in every command. A scheme-less
 * "host:port/path" that is no existing file is refused with a message
 * suggesting http:// (no scheme is guessed: a metrics port may speak
 * http or https), as is a URL of another scheme. Returns the kind, or -1
 * with err set (the source is arg, credentials removed). */
int pg_input_kind(const char *arg, pg_error *err);

/* Opens a file input for reading: the descriptor, or -1 with err set to
 * "PATH: cannot open: REASON" (or "PATH: is a directory"). */
int pg_input_open(const char *path, pg_error *err);

/* The parser flags (enum pg_parse_flags) that the scrape options call for
 * when the input is a FILE or stdin, which has no Content-Type to say how
 * its names are written: PG_PARSE_UTF8_NAMES when --escaping allow-utf-8
 * was given. lint and check read files the same way through this. */
unsigned pg_input_parse_flags(const pg_scrape_opts *o);

/* Reads a whole input (a file, "-" or a URL scraped with so) into *data
 * (NUL-terminated, caller frees); *content_type gets the response's
 * Content-Type for a URL (caller frees; NULL if none or not a URL).
 * Returns 0, or -1 with err set. */
int pg_input_read(const char *arg, const pg_scrape_opts *so, char **data,
                  size_t *len, char **content_type, pg_error *err);

/* The scrape options of lint, check, diff and golden. The strings the
 * options name point into argv; tokens, passwords and the header array
 * are owned here. */
typedef struct pg_scrape_flags {
    pg_scrape_opts opts;     /* filled by the options below */
    char *_token;            /* from --bearer-token-file / -env */
    char *_password;         /* from --basic-auth-password-file */
    char *_basic;            /* "user\0password" from --basic-auth-file */
    const char **_headers;   /* backs opts.headers */
    size_t _headers_cap;
} pg_scrape_flags;

/* pg_scrape_opts_init plus the command-line defaults: backoff 0.5 s. */
void pg_scrape_flags_init(pg_scrape_flags *f);
/* Called once the command line is parsed: a bearer token from env
 * PROMGATE_BEARER_TOKEN when no credentials were given as options (so a
 * token can stay out of argv and ps), and one kind of basic auth.
 * Returns 0, or -1 with err set. */
int pg_scrape_flags_finish(pg_scrape_flags *f, pg_error *err);
/* The secrets of the command line for pg_report_run.secrets:
 * pg_scrape_secrets() of the options, and the PROMGATE_BEARER_TOKEN of the
 * environment, a secret whether or not it was sent. Stores at most max
 * borrowed pointers in out; returns how many. */
size_t pg_scrape_flags_secrets(const pg_scrape_flags *f, const char **out,
                               size_t max);
/* Forgets (and wipes) the secrets. */
void pg_scrape_flags_release(pg_scrape_flags *f);

/* The exposition formats an option names (--accept, and the input
 * format of lint and check): prom, openmetrics, protobuf, auto ("text"
 * is an alias of prom). */
extern const pg_opt_choice pg_input_formats[];
/* The Content-Type that makes the exposition parser take format (an
 * --input-format value), or NULL for auto. */
const char *pg_input_format_content_type(int format);

/* The scrape options' table: PG_OPT_INCLUDE(pg_scrape_options, &flags)
 * in a command's table. Bad values are refused with messages that never
 * hold a secret. */
extern const pg_option pg_scrape_options[];

#endif
