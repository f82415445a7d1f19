/*
 * secbits-probe: sets the calling process's secure bits with prctl(PR_SET_SECUREBITS), prints what
 * prctl(PR_GET_SECUREBITS) then returns (the kernel's value, in decimal), and executes the command
 * that follows, which inherits the bits (execve clears only SECBIT_KEEP_CAPS).
 *
 *   secbits-probe <bits> <command> [args...]
 *
 * Exit status: 2 on bad usage, 3 when the kernel refuses the bits (the errno is printed), else the command's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s <bits> <command> [args...]\n", argv[0]);
        return 2;
    }
    char *end;
    unsigned long bits = strtoul(argv[1], &end, 0);
    if (*end != '\0') {
        fprintf(stderr, "%s: not a number\n", argv[1]);
        return 2;
    }
    if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) != 0) {
        printf("errno %d\n", errno);
        return 3;
    }
    printf("kernel %d\n", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
    fflush(stdout);
    execvp(argv[2], argv + 2);
    fprintf(stderr, "execvp %s: %s\n", argv[2], strerror(errno));
    return 2;
}
