/* filefeed.h: feeding an exposition file to the parser the fast way, and
 * deciding its format before the parse. Shared by lint and check. */
#ifndef PG_FILEFEED_H
#define PG_FILEFEED_H

#include <stddef.h>

#include "expo/expo.h"

/* The format of a regular file, from its last line: OpenMetrics if it is
 * "# EOF" (OpenMetrics 1.0: "Expositions MUST end with EOF"), else the text
 * format. Deciding before the parse spares the parser the work of both
 * formats on every sample. PG_FORMAT_AUTO for what is not a regular file
 * (a pipe is decided by the parser at the end of input). */
enum pg_format pg_file_format(int fd);

/* Receives one window of the file; nonzero stops the feed. */
typedef int (*pg_file_chunk_fn)(void *ctx, const char *buf, size_t len);

/* Maps a regular file and hands it to fn in 8 MiB windows, each dropped
 * from memory once consumed (the parser copies what it keeps): no read
 * copy, and resident memory stays flat. Returns 0 when all was fed, 1 if
 * fn stopped, -1 if the file cannot be mapped (the caller reads it). */
int pg_file_feed(int fd, pg_file_chunk_fn fn, void *ctx);

#endif
