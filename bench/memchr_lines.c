/* memchr_lines.c: pg-bench-memchr, the byte-scan limit for the parser.
 *
 *   pg-bench-memchr [-b CHUNK] [FILE]
 *
 * Reads FILE (or stdin) with read(2) in chunks of CHUNK bytes (default
 * 1 MiB) and counts newlines with memchr: the same I/O path as promgate
 * lint (runners/cmd_lint.c: READ_CHUNK, POSIX_FADV_SEQUENTIAL). A parser cannot be faster than finding its line ends over the
 * same I/O path, so this is the ceiling the parser's MB/s is compared to.
 * Prints "LINES BYTES". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    size_t chunk = 1024 * 1024;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "-b")) {
        chunk = (size_t)strtoul(argv[i + 1], NULL, 0);
        i += 2;
    }
    if (chunk == 0 || argc - i > 1) {
        fprintf(stderr, "usage: pg-bench-memchr [-b CHUNK] [FILE]\n");
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
    char *buf = malloc(chunk);
    if (!buf)
        return 2;
    unsigned long long lines = 0, bytes = 0;
    for (;;) {
        ssize_t n = read(fd, buf, chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "pg-bench-memchr: read failed: %s\n",
                    strerror(errno));
            return 2;
        }
        if (n == 0)
            break;
        bytes += (unsigned long long)n;
        const char *p = buf, *end = buf + n;
        while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            lines++;
            p++;
        }
    }
    printf("%llu %llu\n", lines, bytes);
    free(buf);
    return 0;
}
