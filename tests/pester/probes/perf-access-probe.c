/*
 * perf-access-probe: makes one perf_events access attempt with the caller's own credentials
 * and prints its errno (0 = allowed). Used by Get-PerfAccess.Tests.ps1 to compare the
 * cmdlet's prediction with what the kernel does.
 *
 *   user            task-clock on itself, exclude_kernel=1
 *   kernel          task-clock on itself, exclude_kernel=0
 *   cpu             cpu-clock on CPU 0 for all tasks (pid -1), exclude_kernel=1
 *   raw <id>        tracepoint <id> on itself with PERF_SAMPLE_RAW, exclude_kernel=1
 *   other <pid>     task-clock on process <pid>, exclude_kernel=1
 *   kallsyms        0 if /proc/kallsyms shows a non-zero address, else EACCES
 *   mmap <pages>    maps a ring buffer of 1 + <pages> pages on a sampling task-clock event
 *
 * Exit status: 0 when an errno was printed, 2 on bad usage or when the attempt could not be set up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_event(struct perf_event_attr *attr, pid_t pid, int cpu)
{
    attr->size = sizeof(*attr);
    int fd = (int)syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static struct perf_event_attr software(unsigned long long config, int exclude_kernel)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = config;
    attr.disabled = 1;
    attr.exclude_kernel = exclude_kernel;
    attr.exclude_hv = 1;
    return attr;
}

static int report(int result)
{
    printf("%d\n", result < 0 ? -result : 0);
    return 0;
}

static int kallsyms(void)
{
    FILE *f = fopen("/proc/kallsyms", "r");
    if (!f) return report(-errno);
    char line[512];
    int shown = 0;
    while (!shown && fgets(line, sizeof(line), f)) {
        unsigned long long address = strtoull(line, NULL, 16);
        if (address != 0) shown = 1;
    }
    fclose(f);
    return report(shown ? 0 : -EACCES);
}

static int ring_buffer(long pages)
{
    struct perf_event_attr attr = software(PERF_COUNT_SW_TASK_CLOCK, 1);
    attr.sample_period = 1000000;
    attr.sample_type = PERF_SAMPLE_IP;
    int fd = open_event(&attr, 0, -1);
    if (fd < 0) {
        fprintf(stderr, "perf_event_open failed: %s\n", strerror(-fd));
        return 2;
    }
    size_t length = (size_t)(pages + 1) * (size_t)sysconf(_SC_PAGESIZE);
    void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return report(-errno);
    munmap(p, length);
    close(fd);
    return report(0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s user|kernel|cpu|raw <id>|other <pid>|kallsyms|mmap <pages>\n", argv[0]);
        return 2;
    }
    const char *what = argv[1];
    long arg = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
    struct perf_event_attr attr;
    if (!strcmp(what, "user")) {
        attr = software(PERF_COUNT_SW_TASK_CLOCK, 1);
        return report(open_event(&attr, 0, -1));
    }
    if (!strcmp(what, "kernel")) {
        attr = software(PERF_COUNT_SW_TASK_CLOCK, 0);
        return report(open_event(&attr, 0, -1));
    }
    if (!strcmp(what, "cpu")) {
        attr = software(PERF_COUNT_SW_CPU_CLOCK, 1);
        return report(open_event(&attr, -1, 0));
    }
    if (!strcmp(what, "raw") && arg > 0) {
        memset(&attr, 0, sizeof(attr));
        attr.type = PERF_TYPE_TRACEPOINT;
        attr.config = (unsigned long long)arg;
        attr.disabled = 1;
        attr.exclude_kernel = 1;
        attr.exclude_hv = 1;
        attr.sample_period = 1;
        attr.sample_type = PERF_SAMPLE_RAW;
        return report(open_event(&attr, 0, -1));
    }
    if (!strcmp(what, "other") && arg > 0) {
        attr = software(PERF_COUNT_SW_TASK_CLOCK, 1);
        return report(open_event(&attr, (pid_t)arg, -1));
    }
    if (!strcmp(what, "kallsyms")) return kallsyms();
    if (!strcmp(what, "mmap") && arg >= 0) return ring_buffer(arg);
    fprintf(stderr, "%s: unknown attempt or missing argument: %s\n", argv[0], what);
    return 2;
}
