/* The group read of ReadLatency.cs in C: N software events opened as one group (PERF_FORMAT_GROUP|ID|TOTAL_TIME_*)
   on a sleeping child, then read(2) of the leader in a loop.
   group-read EVENTS [BATCHES] [READS_PER_BATCH]: prints the median over batches of the time per read, in ns.
   group-read EVENTS -: for each number N read from standard input, does N reads and prints the ns per read, so that
   a caller can interleave its own batches with these (bench/PerfSecurity.Benchmarks/Interleaved.cs). */
#include <linux/perf_event.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const unsigned long long configs[] = {
    PERF_COUNT_SW_TASK_CLOCK, PERF_COUNT_SW_CONTEXT_SWITCHES, PERF_COUNT_SW_PAGE_FAULTS, PERF_COUNT_SW_CPU_MIGRATIONS,
    PERF_COUNT_SW_PAGE_FAULTS_MIN, PERF_COUNT_SW_PAGE_FAULTS_MAJ, PERF_COUNT_SW_CPU_CLOCK, PERF_COUNT_SW_ALIGNMENT_FAULTS,
};

static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

static double now_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }

int main(int argc, char **argv)
{
    int events = argc > 1 ? atoi(argv[1]) : 1;
    int served = argc > 2 && strcmp(argv[2], "-") == 0;
    int batches = argc > 2 && !served ? atoi(argv[2]) : 15, reads = argc > 3 ? atoi(argv[3]) : 20000;
    if (events < 1 || events > 8 || batches < 1 || reads < 1) { fprintf(stderr, "usage: group-read 1..8 [batches|-] [reads]\n"); return 2; }
    pid_t child = fork();
    if (child == 0) { pause(); _exit(0); }
    int fds[8], leader = -1;
    for (int i = 0; i < events; i++) {
        struct perf_event_attr attr;
        memset(&attr, 0, sizeof attr);
        attr.size = sizeof attr;
        attr.type = PERF_TYPE_SOFTWARE;
        attr.config = configs[i];
        attr.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_ID | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
        attr.exclude_guest = 1;
        fds[i] = syscall(SYS_perf_event_open, &attr, child, -1, leader, PERF_FLAG_FD_CLOEXEC);
        if (fds[i] < 0) { perror("perf_event_open"); kill(child, SIGKILL); return 1; }
        if (i == 0) leader = fds[0];
    }
    uint64_t buffer[3 + 2 * 8];
    if (served) {
        long n;
        while (scanf("%ld", &n) == 1 && n > 0) {
            double t0 = now_ns();
            for (long r = 0; r < n; r++)
                if (read(leader, buffer, sizeof buffer) != (ssize_t)(24 + 16 * events)) { perror("read"); kill(child, SIGKILL); return 1; }
            printf("%.1f\n", (now_ns() - t0) / n);
            fflush(stdout);
        }
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return 0;
    }
    double *per = malloc(sizeof(double) * batches);
    for (int w = 0; w < reads; w++) read(leader, buffer, sizeof buffer); /* warm-up */
    for (int b = 0; b < batches; b++) {
        double t0 = now_ns();
        for (int r = 0; r < reads; r++)
            if (read(leader, buffer, sizeof buffer) != (ssize_t)(24 + 16 * events)) { perror("read"); kill(child, SIGKILL); return 1; }
        per[b] = (now_ns() - t0) / reads;
    }
    qsort(per, batches, sizeof(double), compare);
    printf("%.1f\n", batches % 2 ? per[batches / 2] : (per[batches / 2 - 1] + per[batches / 2]) / 2);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return 0;
}
