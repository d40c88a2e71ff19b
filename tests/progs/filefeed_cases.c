/* filefeed_cases.c: bin/test-filefeed, TAP cases for pg_file_feed()
 * (lib/source/filefeed.h): a whole file arrives in windows, a callback can
 * stop the feed, and a file truncated while it is being read is a clear
 * error (with a mapped file it was a SIGBUS). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/filefeed.h"

static int n_test;

static void ok(int cond, const char *name)
{
    printf("%sok %d - %s\n", cond ? "" : "not ", ++n_test, name);
}

struct feed {
    const char *path;       /* truncated to 100 bytes on the first window */
    int windows, stop_at;
    unsigned long long bytes;
};

static int on_window(void *ctx, const char *buf, size_t len)
{
    struct feed *f = ctx;
    (void)buf;
    f->windows++;
    f->bytes += len;
    if (f->path && f->windows == 1 && truncate(f->path, 100) != 0)
        return 1;
    return f->stop_at && f->windows == f->stop_at;
}

/* A file of `size` bytes of sample lines; returns its open descriptor. */
static int make_file(char *path, size_t size)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    const char line[] = "a_metric_name{label=\"value\"} 1\n";
    for (size_t n = 0; n < size; n += sizeof line - 1)
        if (write(fd, line, sizeof line - 1) != (ssize_t)(sizeof line - 1))
            return -1;
    if (lseek(fd, 0, SEEK_SET) != 0)
        return -1;
    return fd;
}

int main(void)
{
    printf("1..6\n");
    char path[] = "/tmp/pg-filefeed-XXXXXX";
    int fd = make_file(path, 4u << 20);
    if (fd < 0) {
        printf("Bail out! cannot make a temporary file\n");
        return 1;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);

    pg_error err;
    pg_error_init(&err);
    struct feed f = { NULL, 0, 0, 0 };
    int rc = pg_file_feed(fd, path, on_window, &f, &err);
    ok(rc == 0 && f.bytes == (unsigned long long)size && f.windows > 1,
       "a whole file is fed in several windows");

    lseek(fd, 0, SEEK_SET);
    struct feed g = { NULL, 0, 2, 0 };
    rc = pg_file_feed(fd, path, on_window, &g, &err);
    ok(rc == 1 && g.windows == 2, "a nonzero callback stops the feed");

    lseek(fd, 0, SEEK_SET);
    struct feed h = { path, 0, 0, 0 };
    pg_error_init(&err);
    rc = pg_file_feed(fd, path, on_window, &h, &err);
    ok(rc == -1, "a file truncated while being read is an error");
    ok(strstr(err.text, "file shrank while being read") != NULL &&
           !strcmp(err.source, path),
       "the error names the file and says it shrank");
    printf("# %s: %s\n", err.source, err.text);

    /* the same bytes from a pipe: no size to compare, all fed */
    int pfd[2];
    if (pipe(pfd) == 0 && write(pfd[1], "a 1\nb 2\n", 8) == 8) {
        close(pfd[1]);
        struct feed k = { NULL, 0, 0, 0 };
        pg_error_init(&err);
        rc = pg_file_feed(pfd[0], "-", on_window, &k, &err);
        ok(rc == 0 && k.bytes == 8, "a pipe is fed to its end");
        close(pfd[0]);
    } else {
        ok(0, "a pipe is fed to its end");
    }

    pg_error_init(&err);
    rc = pg_file_feed(-1, "nofd", on_window, &f, &err);
    ok(rc == -1 && !strcmp(err.source, "nofd") && strstr(err.text, "cannot read") != NULL,
       "a bad descriptor is an error naming the source");
    close(fd);
    unlink(path);
    return 0;
}
