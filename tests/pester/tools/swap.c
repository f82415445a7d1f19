/* The race partner of tests/pester/Races.Tests.ps1: runs a list of renames over and over, as fast as it can,
   until killed. Each operation is "x A B" (exchange A and B atomically: renameat2 RENAME_EXCHANGE) or
   "m A B" (rename A to B: A vanishes until a later "m B A" brings it back). On SIGTERM it finishes the
   round it is in, so no name is left missing, and prints the number of rounds. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
    if (argc < 4 || (argc - 1) % 3 != 0) { fprintf(stderr, "usage: swap {x|m} A B [{x|m} A B ...]\n"); return 2; }
    for (int i = 1; i < argc; i += 3)
        if (strcmp(argv[i], "x") != 0 && strcmp(argv[i], "m") != 0) { fprintf(stderr, "swap: unknown operation '%s'\n", argv[i]); return 2; }
    signal(SIGTERM, on_term);
    unsigned long rounds = 0;
    while (!stop) {
        for (int i = 1; i < argc; i += 3) {
            unsigned flags = argv[i][0] == 'x' ? RENAME_EXCHANGE : 0;
            if (syscall(SYS_renameat2, AT_FDCWD, argv[i + 1], AT_FDCWD, argv[i + 2], flags) != 0) { perror(argv[i + 1]); return 1; }
        }
        rounds++;
    }
    printf("%lu\n", rounds);
    return 0;
}
