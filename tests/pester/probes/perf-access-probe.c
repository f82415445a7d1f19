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
 *                   (prints perf_event_open's errno when the event itself cannot be opened)
 *
 *   hold <pid>      attaches to <pid> with PTRACE_SEIZE, prints its errno, and stays its tracer until killed
 *   serve <profile> installs the seccomp filters of <profile> on itself (see install_profile), prints
 *                   "ready", then reads one attempt per line from stdin ("mmap <pages> <memlock bytes>" also
 *                   lowers RLIMIT_MEMLOCK) and makes it in a forked child, which has the same credentials,
 *                   namespaces and filters; prints the child's errno, or "signal <n>" when a filter killed it.
 *
 * Exit status: 0 when an errno was printed, 2 on bad usage or when the attempt could not be set up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "x86_64 or aarch64 only"
#endif

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
    if (fd < 0) return report(fd);
    size_t length = (size_t)(pages + 1) * (size_t)sysconf(_SC_PAGESIZE);
    void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return report(-errno);
    munmap(p, length);
    close(fd);
    return report(0);
}

static int attempt(const char *self, const char *what, long arg)
{
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
    fprintf(stderr, "%s: unknown attempt or missing argument: %s\n", self, what);
    return 2;
}

#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)(field))
#define NR offsetof(struct seccomp_data, nr)
#define ARCH offsetof(struct seccomp_data, arch)
/* Low 32 bits of args[i] (little-endian). */
#define ARG_LOW(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define RET(value) BPF_STMT(BPF_RET | BPF_K, (value))

static int install(struct sock_filter *filter, unsigned short length, unsigned int flags)
{
    struct sock_fprog program = { length, filter };
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
    if (r < 0 && errno == EACCES) {
        /* Without CAP_SYS_ADMIN the kernel wants no_new_privs first. */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
        r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
    }
    if (r < 0) return -1;
    /* A notification descriptor nobody reads: closing it leaves USER_NOTIF without a listener. */
    if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) close((int)r);
    return 0;
}

/* perf_event_open gets <action>, everything else is allowed; other architectures are killed. */
static int only_perf(unsigned int action, unsigned int flags)
{
    struct sock_filter f[] = {
        LOAD(ARCH),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
        RET(SECCOMP_RET_KILL_PROCESS),
        LOAD(NR),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_perf_event_open, 0, 1),
        RET(action),
        RET(SECCOMP_RET_ALLOW),
    };
    return install(f, sizeof(f) / sizeof(f[0]), flags);
}

/* Whether the effective set holds capability <cap> (CapEff of /proc/self/status). */
static int effective(int cap)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long mask = 0;
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "CapEff:", 7)) mask = strtoull(line + 7, NULL, 16);
    if (f) fclose(f);
    return (mask >> cap) & 1;
}

/*
 * runtime  like a container runtime's default profile: perf_event_open fails with EPERM unless the
 *          capability rule applies when the profile is built (CAP_PERFMON or CAP_SYS_ADMIN held)
 * eperm    the same profile built for a container without those capabilities: always EPERM
 * allow    perf_event_open explicitly allowed
 * kill     perf_event_open kills the process
 * stacked  filter 0: perf_event_open with cpu != -1 -> ERRNO(EACCES), else LOG;
 *          filter 1: perf_event_open with pid == -1 -> ERRNO(ENODEV), else ALLOW
 * trap     perf_event_open -> TRAP (SIGSYS, no handler)
 * trace    perf_event_open -> TRACE, with no tracer
 * notify   perf_event_open -> USER_NOTIF, whose listener is closed at once
 * none     no filter
 */
static int install_profile(const char *profile)
{
    if (!strcmp(profile, "none")) return 0;
    if (!strcmp(profile, "runtime"))
        return only_perf(effective(38) || effective(21) ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM, 0);
    if (!strcmp(profile, "eperm")) return only_perf(SECCOMP_RET_ERRNO | EPERM, 0);
    if (!strcmp(profile, "allow")) return only_perf(SECCOMP_RET_ALLOW, 0);
    if (!strcmp(profile, "kill")) return only_perf(SECCOMP_RET_KILL_PROCESS, 0);
    if (!strcmp(profile, "trap")) return only_perf(SECCOMP_RET_TRAP, 0);
    if (!strcmp(profile, "trace")) return only_perf(SECCOMP_RET_TRACE, 0);
    if (!strcmp(profile, "notify")) return only_perf(SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);
    if (!strcmp(profile, "stacked")) {
        struct sock_filter older[] = {
            LOAD(NR),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_perf_event_open, 0, 4),
            LOAD(ARG_LOW(2)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 0, 1),
            RET(SECCOMP_RET_LOG),
            RET(SECCOMP_RET_ERRNO | EACCES),
            RET(SECCOMP_RET_ALLOW),
        };
        struct sock_filter newer[] = {
            LOAD(NR),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_perf_event_open, 0, 3),
            LOAD(ARG_LOW(1)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 0, 1),
            RET(SECCOMP_RET_ERRNO | ENODEV),
            RET(SECCOMP_RET_ALLOW),
        };
        if (install(older, sizeof(older) / sizeof(older[0]), 0)) return -1;
        return install(newer, sizeof(newer) / sizeof(newer[0]), 0);
    }
    errno = EINVAL;
    return -1;
}

static int serve(const char *self, const char *profile)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (install_profile(profile) != 0) {
        fprintf(stderr, "%s: cannot install seccomp profile %s: %s\n", self, profile, strerror(errno));
        return 2;
    }
    printf("ready\n");
    char line[256];
    while (fgets(line, sizeof(line), stdin)) {
        char what[32] = "";
        long arg = -1, memlock = -1;
        if (sscanf(line, "%31s %ld %ld", what, &arg, &memlock) < 1) continue;
        if (!strcmp(what, "quit")) break;
        fflush(stdout);
        pid_t child = fork();
        if (child == 0) {
            if (memlock >= 0) {
                struct rlimit limit = { (rlim_t)memlock, (rlim_t)memlock };
                if (setrlimit(RLIMIT_MEMLOCK, &limit) != 0) _exit(2);
            }
            int status = attempt(self, what, arg);
            fflush(stdout);
            _exit(status);
        }
        int status;
        if (child < 0 || waitpid(child, &status, 0) < 0) return 2;
        if (WIFSIGNALED(status)) printf("signal %d\n", WTERMSIG(status));
        else if (WEXITSTATUS(status) != 0) printf("failed %d\n", WEXITSTATUS(status));
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s user|kernel|cpu|raw <id>|other <pid>|kallsyms|mmap <pages>|serve <profile>\n", argv[0]);
        return 2;
    }
    if (!strcmp(argv[1], "serve")) return serve(argv[0], argc > 2 ? argv[2] : "none");
    if (!strcmp(argv[1], "hold") && argc > 2) {
        setvbuf(stdout, NULL, _IOLBF, 0);
        report(ptrace(PTRACE_SEIZE, (pid_t)strtol(argv[2], NULL, 10), NULL, NULL) == 0 ? 0 : -errno);
        for (;;) pause();
    }
    return attempt(argv[0], argv[1], argc > 2 ? strtol(argv[2], NULL, 10) : -1);
}
