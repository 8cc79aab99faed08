/*
 * What making new files durable costs on one file system, the two ways the Maildir store can do it
 * (MAILDIR_SYNC): "file" = write, fsync, close, rename into new/ for each file and one fsync of
 * new/ per batch; "filesystem" = write and close each file of the batch, syncfs, rename each into
 * new/, syncfs. Prints wall time and the whole machine's busy CPU per file (from /proc/stat, so the
 * kernel's writeback workers count too). No Java, no broker: the disk and the kernel alone.
 *
 *   cc -O2 -o /tmp/fsync-probe bench/fsync-probe.c
 *   /tmp/fsync-probe DIR [FILES (5000)] [BATCH (100)] [SIZE (1300)]   # DIR on the file system to test
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static double now(void) {
    struct timeval t;
    gettimeofday(&t, 0);
    return t.tv_sec + t.tv_usec / 1e6;
}

/* busy ticks of all CPUs: user nice system irq softirq */
static long long busy(void) {
    long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");
    if (!f || fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) != 7) {
        perror("/proc/stat");
        exit(1);
    }
    fclose(f);
    return v[0] + v[1] + v[2] + v[5] + v[6];
}

static void must(int ok, const char *what) {
    if (!ok) {
        perror(what);
        exit(1);
    }
}

static void run(const char *base, int syncfs_mode, int n, int batch, int size) {
    char dir[4096], p[4200], q[4200];
    snprintf(dir, sizeof dir, "%s/probe-%s-%d", base, syncfs_mode ? "filesystem" : "file", (int) getpid());
    must(mkdir(dir, 0755) == 0, dir);
    snprintf(p, sizeof p, "%s/tmp", dir);
    must(mkdir(p, 0755) == 0, p);
    snprintf(p, sizeof p, "%s/new", dir);
    must(mkdir(p, 0755) == 0, p);
    int newdir = open(p, O_RDONLY | O_DIRECTORY);
    must(newdir >= 0, p);
    char *buf = malloc(size);
    memset(buf, 'x', size);
    sync();
    long long c0 = busy();
    double t0 = now();
    for (int b = 0; b < n; b += batch) {
        int end = b + batch < n ? b + batch : n;
        for (int i = b; i < end; i++) {
            snprintf(p, sizeof p, "%s/tmp/%d", dir, i);
            int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
            must(fd >= 0 && write(fd, buf, size) == size, p);
            if (!syncfs_mode) {
                must(fsync(fd) == 0, "fsync");
                snprintf(q, sizeof q, "%s/new/%d", dir, i);
                must(rename(p, q) == 0, "rename");
            }
            close(fd);
        }
        if (syncfs_mode) {
            must(syncfs(newdir) == 0, "syncfs");
            for (int i = b; i < end; i++) {
                snprintf(p, sizeof p, "%s/tmp/%d", dir, i);
                snprintf(q, sizeof q, "%s/new/%d", dir, i);
                must(rename(p, q) == 0, "rename");
            }
            must(syncfs(newdir) == 0, "syncfs");
        } else {
            must(fsync(newdir) == 0, "fsync new/");
        }
    }
    double wall = now() - t0;
    double cpu = (double) (busy() - c0) / sysconf(_SC_CLK_TCK);
    printf("%-10s %d files of %d octets, batches of %d: wall %.1f us/file, machine CPU %.1f us/file\n",
           syncfs_mode ? "filesystem" : "file", n, size, batch, 1e6 * wall / n, 1e6 * cpu / n);
    close(newdir);
    free(buf);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    must(system(cmd) == 0, "rm");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [FILES] [BATCH] [SIZE]\n", argv[0]);
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 5000, batch = argc > 3 ? atoi(argv[3]) : 100, size = argc > 4 ? atoi(argv[4]) : 1300;
    for (int round = 0; round < 3; round++) { /* in turns: the disk's speed drifts */
        run(argv[1], 0, n, batch, size);
        run(argv[1], 1, n, batch, size);
    }
    return 0;
}
