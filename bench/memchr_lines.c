/* memchr_lines.c: pg-bench-memchr, the byte-scan limit for the parser.
 *
 *   pg-bench-memchr [-b CHUNK] [--read] [FILE]
 *
 * Counts the newlines of FILE (or stdin) with memchr over the same I/O
 * path as promgate lint: pg_file_feed() (lib/source/filefeed.c), the
 * function lint uses, which reads in 256 KiB windows; with --read, the
 * input is read with read(2) in CHUNK-byte pieces (default 1 MiB). A parser cannot be faster than finding its line ends over
 * the same input, so this is the ceiling the parser's MB/s is compared
 * to. Prints "LINES BYTES". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/filefeed.h"

static unsigned long long count(const char *p, const char *end)
{
    unsigned long long n = 0;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

struct tally {
    unsigned long long lines, bytes;
};

/* pg_file_feed() callback: counts one window. */
static int count_window(void *ctx, const char *buf, size_t len)
{
    struct tally *t = ctx;
    t->lines += count(buf, buf + len);
    t->bytes += len;
    return 0;
}

/* Returns 0, or -1 on a read error. Uses the very function promgate lint
 * feeds its parser with (lib/source/filefeed.c). */
static int scan_feed(int fd, unsigned long long *lines,
                     unsigned long long *bytes)
{
    struct tally t = { 0, 0 };
    pg_error err;
    pg_error_init(&err);
    if (pg_file_feed(fd, "input", count_window, &t, &err) < 0) {
        fprintf(stderr, "pg-bench-memchr: %s\n", err.text);
        return -1;
    }
    *lines += t.lines;
    *bytes = t.bytes;
    return 0;
}

static int scan_read(int fd, size_t chunk, unsigned long long *lines,
                     unsigned long long *bytes)
{
    char *buf = malloc(chunk);
    if (!buf)
        return -1;
    for (;;) {
        ssize_t n = read(fd, buf, chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "pg-bench-memchr: read failed: %s\n",
                    strerror(errno));
            free(buf);
            return -1;
        }
        if (n == 0)
            break;
        *bytes += (unsigned long long)n;
        *lines += count(buf, buf + n);
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    size_t chunk = 1024 * 1024;
    int use_read = 0, i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-b") && i + 1 < argc)
            chunk = (size_t)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--read"))
            use_read = 1;
        else
            break;
    }
    if (chunk == 0 || argc - i > 1) {
        fprintf(stderr, "usage: pg-bench-memchr [-b CHUNK] [--read] [FILE]\n");
        return 2;
    }
    int fd = 0;
    if (i < argc && strcmp(argv[i], "-") &&
        (fd = open(argv[i], O_RDONLY)) < 0) {
        fprintf(stderr, "pg-bench-memchr: cannot open '%s': %s\n", argv[i],
                strerror(errno));
        return 2;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    unsigned long long lines = 0, bytes = 0;
    if (use_read ? scan_read(fd, chunk, &lines, &bytes)
                 : scan_feed(fd, &lines, &bytes))
        return 2;
    printf("%llu %llu\n", lines, bytes);
    return 0;
}
