/* filefeed.h: feeding an exposition file or stream to the parser, and
 * deciding a file's format before the parse. Shared by lint and check. */
#ifndef PG_FILEFEED_H
#define PG_FILEFEED_H

#include <stddef.h>

#include "core/util.h"
#include "expo/expo.h"

/* The format of a regular file, from its last line (pg_format_from_tail():
 * OpenMetrics if it is "# EOF", else the text format). Deciding before the
 * parse spares the parser the work of both formats on every sample.
 * PG_FORMAT_AUTO for what is not a regular file (a pipe is decided by the
 * parser at the end of input, by the same rule). */
enum pg_format pg_file_format(int fd);

/* Receives one window of the input; nonzero stops the feed. */
typedef int (*pg_file_chunk_fn)(void *ctx, const char *buf, size_t len);

/* Reads fd (a regular file or a pipe) from its current position with
 * read(2), in windows small enough to stay in the cache, and hands each to
 * fn (the parser copies what it keeps, so resident memory stays flat).
 * Returns 0 when all was fed, 1 if fn stopped, or -1 with err set
 * (source SOURCE, "cannot read: ...") on a read error, or when a regular file
 * ends short of the size it had at the start: it was truncated while being
 * read. A file is read, not mapped, so that case is an error, not a
 * SIGBUS. */
int pg_file_feed(int fd, const char *source, pg_file_chunk_fn fn, void *ctx,
                 pg_error *err);

#endif
