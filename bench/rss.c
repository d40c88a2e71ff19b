/* rss.c: pg-bench-rss, runs a command and reports its wall time and peak
 * resident set size.
 *
 *   pg-bench-rss [-i FILE] [-o FILE] [-r REPORT] -- COMMAND [ARG...]
 *
 * COMMAND's stdin comes from -i FILE (default: inherited), its stdout goes
 * to -o FILE (default /dev/null). When it ends, one line goes to REPORT
 * (default stderr): "wall_s maxrss_kib exit_status cpu_s", where cpu_s
 * is user + system time (less disturbed than wall time by other load on
 * the machine). The peak RSS is
 * ru_maxrss from wait4(2) for that child alone, in KiB (Linux), the same
 * figure GNU time prints for %M. Exit status: COMMAND's, or 2 if it could
 * not be run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: pg-bench-rss [-i FILE] [-o FILE] [-r REPORT] "
                    "-- COMMAND [ARG...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *outp = "/dev/null", *rep = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (i + 1 >= argc)
            return usage();
        if (!strcmp(argv[i], "-i"))
            in = argv[++i];
        else if (!strcmp(argv[i], "-o"))
            outp = argv[++i];
        else if (!strcmp(argv[i], "-r"))
            rep = argv[++i];
        else
            return usage();
    }
    if (i >= argc)
        return usage();

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("pg-bench-rss: fork");
        return 2;
    }
    if (pid == 0) {
        int fd;
        if (in) {
            if ((fd = open(in, O_RDONLY)) < 0 || dup2(fd, 0) < 0) {
                fprintf(stderr, "pg-bench-rss: cannot open '%s': %s\n", in,
                        strerror(errno));
                _exit(127);
            }
            close(fd);
        }
        if ((fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
            dup2(fd, 1) < 0) {
            fprintf(stderr, "pg-bench-rss: cannot create '%s': %s\n", outp,
                    strerror(errno));
            _exit(127);
        }
        close(fd);
        execvp(argv[i], argv + i);
        fprintf(stderr, "pg-bench-rss: cannot run '%s': %s\n", argv[i],
                strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("pg-bench-rss: wait4");
            return 2;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status)
                                 : 128 + WTERMSIG(status);
    FILE *r = stderr;
    if (rep && !(r = fopen(rep, "w"))) {
        fprintf(stderr, "pg-bench-rss: cannot create '%s'\n", rep);
        return 2;
    }
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    fprintf(r, "%.6f %ld %d %.6f\n", wall, ru.ru_maxrss, code, cpu);
    if (r != stderr)
        fclose(r);
    return code == 127 ? 2 : code;
}
