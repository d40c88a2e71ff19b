/* spec_input.h: an input named on the command line (FILE, "-" or an
 * http(s) URL) read as a golden, whatever it holds: a golden JSON, a docs
 * Markdown page or an exposition. The sides of `promgate diff`. */
#ifndef PG_SPEC_INPUT_H
#define PG_SPEC_INPUT_H

#include "source/scrape.h"
#include "specs/golden.h"
#include "core/util.h"

/* Reads arg (source/input.h: a URL is scraped with so, NULL for the
 * defaults) and makes a golden of it. A file or stdin is a golden JSON
 * (".json", or content starting with '{'), a docs page (".md", or content
 * with a metrics table) or else an exposition; a URL's body is always an
 * exposition. An exposition's format comes from content_type when given
 * (--input-format), else from the response's Content-Type, else from the
 * content. Errors name arg with credentials removed. Returns a new golden,
 * or NULL with err set. */
pg_golden *pg_spec_input_read(const char *arg, const pg_scrape_opts *so,
                              const char *content_type, pg_error *err);

#endif
