/*
 * zombie-leader-probe: a process whose leader has exited (pthread_exit) while a second thread runs on
 * with other capabilities, to compare what is predicted for the process with what the kernel lets it do.
 *
 *   zombie-leader-probe <uid> <gid> <leader> <thread>      (run as root; <leader>, <thread>: perfmon or none)
 *
 * Switches to <uid>/<gid> keeping the permitted set (PR_SET_KEEPCAPS). The leader then keeps only cap_perfmon
 * or nothing (effective and permitted) and exits; the thread does the same with its own choice. Once /proc shows
 * the leader as a zombie, the thread prints "ready <pid> <tid>", then reads attempts from standard input,
 * one per line, and prints the errno of each (0 = allowed):
 *   user     task-clock on itself, exclude_kernel=1
 *   kernel   task-clock on itself, exclude_kernel=0
 *   cpu      cpu-clock on CPU 0 for all tasks, exclude_kernel=1
 * End of input ends the process. Exit status 2 when the set-up fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAP_PERFMON_BIT 38

static pid_t leader;
static unsigned long long thread_caps;

static int set_caps(unsigned long long caps)
{
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof(data));
    data[0].effective = data[0].permitted = (unsigned int)caps;
    data[1].effective = data[1].permitted = (unsigned int)(caps >> 32);
    return (int)syscall(SYS_capset, &header, data); /* this thread only */
}

static int leader_is_zombie(void)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)leader);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int zombie = 0;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "State:", 6)) zombie = strchr(line, 'Z') != NULL;
    fclose(f);
    return zombie;
}

static int attempt(const char *what)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = PERF_TYPE_SOFTWARE;
    attr.disabled = 1;
    attr.exclude_hv = 1;
    attr.exclude_kernel = 1;
    pid_t pid = 0;
    int cpu = -1;
    if (!strcmp(what, "user")) attr.config = PERF_COUNT_SW_TASK_CLOCK;
    else if (!strcmp(what, "kernel")) { attr.config = PERF_COUNT_SW_TASK_CLOCK; attr.exclude_kernel = 0; }
    else if (!strcmp(what, "cpu")) { attr.config = PERF_COUNT_SW_CPU_CLOCK; pid = -1; cpu = 0; }
    else return -1;
    int fd = (int)syscall(SYS_perf_event_open, &attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0) return errno;
    close(fd);
    return 0;
}

static void *worker(void *unused)
{
    (void)unused;
    if (set_caps(thread_caps) != 0) {
        fprintf(stderr, "capset (thread): %s\n", strerror(errno));
        exit(2);
    }
    for (int i = 0; i < 5000 && !leader_is_zombie(); i++) usleep(1000);
    if (!leader_is_zombie()) {
        fprintf(stderr, "the leader did not become a zombie\n");
        exit(2);
    }
    printf("ready %d %d\n", (int)leader, (int)gettid());
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        int e = attempt(line);
        if (e < 0) printf("unknown %s\n", line);
        else printf("%d\n", e);
        fflush(stdout);
    }
    exit(0);
}

static int parse_caps(const char *s, unsigned long long *caps)
{
    if (!strcmp(s, "perfmon")) *caps = 1ULL << CAP_PERFMON_BIT;
    else if (!strcmp(s, "none")) *caps = 0;
    else return -1;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long long leader_caps;
    if (argc != 5 || parse_caps(argv[3], &leader_caps) || parse_caps(argv[4], &thread_caps)) {
        fprintf(stderr, "usage: %s <uid> <gid> perfmon|none perfmon|none\n", argv[0]);
        return 2;
    }
    uid_t uid = (uid_t)strtoul(argv[1], NULL, 10);
    gid_t gid = (gid_t)strtoul(argv[2], NULL, 10);
    leader = getpid();
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
        fprintf(stderr, "switching to %u:%u: %s\n", (unsigned)uid, (unsigned)gid, strerror(errno));
        return 2;
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, worker, NULL) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        return 2;
    }
    if (set_caps(leader_caps) != 0) {
        fprintf(stderr, "capset (leader): %s\n", strerror(errno));
        return 2;
    }
    pthread_exit(NULL);
}
