/* Exchanges two names as fast as it can (renameat2 RENAME_EXCHANGE) until killed:
   the race partner of tests/pester/Races.Tests.ps1. Prints the swap count on SIGTERM. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: swap A B\n"); return 2; }
    signal(SIGTERM, on_term);
    unsigned long n = 0;
    while (!stop) {
        if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) != 0) { perror("renameat2"); return 1; }
        n++;
    }
    printf("%lu\n", n);
    return 0;
}
