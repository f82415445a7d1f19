# Every program (and header) the tests and the module's own external calls use, with the Debian package that
# provides it. build.ps1 -Task Test checks this list before any test runs and installs what is missing with apt-get
# (as root), or stops with one message naming what is missing and the command that installs it.
# tests/pester/Build.Tests.ps1 fails when a test calls a program that is not listed here.
@{
    Programs = @(
        @{ Name = 'perf'; Package = 'linux-perf'; For = 'perf stat/record/top as the reference the tests compare with' }
        @{ Name = 'getcap'; Package = 'libcap2-bin'; For = 'file capabilities as libcap prints them' }
        @{ Name = 'setcap'; Package = 'libcap2-bin'; For = 'file capabilities as libcap writes them' }
        @{ Name = 'capsh'; Package = 'libcap2-bin'; For = 'the capability shell (New-PerfCapabilityShell)' }
        @{ Name = 'getpcaps'; Package = 'libcap2-bin'; For = 'process capabilities as libcap prints them' }
        @{ Name = 'pscap'; Package = 'libcap-ng-utils'; For = 'process capabilities as libcap-ng prints them' }
        @{ Name = 'sudo'; Package = 'sudo'; For = 'the capability shell runs under sudo' }
        @{ Name = 'visudo'; Package = 'sudo'; For = 'the module checks every sudoers rule it writes' }
        @{ Name = 'useradd'; Package = 'passwd'; For = 'throw-away test users' }
        @{ Name = 'userdel'; Package = 'passwd'; For = 'throw-away test users' }
        @{ Name = 'usermod'; Package = 'passwd'; For = 'group membership (the module)' }
        @{ Name = 'groupadd'; Package = 'passwd'; For = 'perf_users groups (the module and the tests)' }
        @{ Name = 'groupdel'; Package = 'passwd'; For = 'removing test groups' }
        @{ Name = 'gpasswd'; Package = 'passwd'; For = 'group membership (the module)' }
        @{ Name = 'getent'; Package = 'libc-bin'; For = 'user and group lookups' }
        @{ Name = 'getconf'; Package = 'libc-bin'; For = 'the page size' }
        @{ Name = 'ldd'; Package = 'libc-bin'; For = 'the libraries perf links, as the dynamic linker sees them' }
        @{ Name = 'setpriv'; Package = 'util-linux'; For = 'running tests as an unprivileged user' }
        @{ Name = 'runuser'; Package = 'util-linux'; For = 'running tests as an unprivileged user' }
        @{ Name = 'prlimit'; Package = 'util-linux'; For = 'RLIMIT_MEMLOCK and RLIMIT_NOFILE of test processes' }
        @{ Name = 'unshare'; Package = 'util-linux'; For = 'private mount namespaces for failure injection' }
        @{ Name = 'findmnt'; Package = 'util-linux'; For = 'checking that private mounts did not leak' }
        @{ Name = 'lsns'; Package = 'util-linux'; For = 'the namespaces of a test process' }
        @{ Name = 'nsenter'; Package = 'util-linux'; For = 'running a probe in another process''s namespaces' }
        @{ Name = 'mount'; Package = 'mount'; For = 'nosuid mounts and bind mounts' }
        @{ Name = 'umount'; Package = 'mount'; For = 'nosuid mounts and bind mounts' }
        @{ Name = 'sshd'; Package = 'openssh-server'; For = 'PowerShell remoting tests run their own sshd on 127.0.0.1' }
        @{ Name = 'ssh'; Package = 'openssh-client'; For = 'PowerShell remoting over SSH' }
        @{ Name = 'ssh-keygen'; Package = 'openssh-client'; For = 'keys for the test sshd' }
        @{ Name = 'getfattr'; Package = 'attr'; For = 'the security.capability xattr as stored on disk' }
        @{ Name = 'getfacl'; Package = 'acl'; For = 'POSIX ACLs as the acl tools read them' }
        @{ Name = 'setfacl'; Package = 'acl'; For = 'POSIX ACLs on test binaries' }
        @{ Name = 'gcc'; Package = 'gcc'; For = 'small probe programs the tests compile' }
        @{ Name = 'cc'; Package = 'gcc'; For = 'small probe programs the tests compile' }
        @{ Name = 'pkill'; Package = 'procps'; For = 'ending a test user''s processes' }
        @{ Name = 'sysctl'; Package = 'procps'; For = 'sysctl --system, the reference for next-boot values' }
        @{ Name = 'kill'; Package = 'procps'; For = 'signals to test processes' }
        @{ Name = 'stat'; Package = 'coreutils'; For = 'owner and mode as stored on disk' }
        @{ Name = 'chmod'; Package = 'coreutils'; For = 'test fixtures' }
        @{ Name = 'chown'; Package = 'coreutils'; For = 'test fixtures' }
        @{ Name = 'chgrp'; Package = 'coreutils'; For = 'test fixtures' }
        @{ Name = 'cp'; Package = 'coreutils'; For = 'test fixtures' }
        @{ Name = 'ln'; Package = 'coreutils'; For = 'test fixtures (symbolic links)' }
        @{ Name = 'true'; Package = 'coreutils'; For = 'a program to start with a planted library in its environment' }
        @{ Name = 'rm'; Package = 'coreutils'; For = 'test fixtures' }
        @{ Name = 'mkdir'; Package = 'coreutils'; For = 'directories a test user makes' }
        @{ Name = 'truncate'; Package = 'coreutils'; For = 'file system images' }
        @{ Name = 'mkfs.ext4'; Package = 'e2fsprogs'; For = 'file system images with and without ACL support' }
        @{ Name = 'debugfs'; Package = 'e2fsprogs'; For = 'inspecting file system images' }
        @{ Name = 'nm'; Package = 'binutils'; For = 'the symbols of a built binary' }
        @{ Name = 'mkfifo'; Package = 'coreutils'; For = 'FIFOs the readers must not block on' }
        @{ Name = 'sync'; Package = 'coreutils'; For = 'crash-safety tests' }
        @{ Name = 'id'; Package = 'coreutils'; For = 'user ids' }
        @{ Name = 'env'; Package = 'coreutils'; For = 'a clean environment for a command run as a test user (after setpriv)' }
        @{ Name = 'sleep'; Package = 'coreutils'; For = 'workloads' }
        @{ Name = 'timeout'; Package = 'coreutils'; For = 'bounded workloads' }
        @{ Name = 'sha256sum'; Package = 'coreutils'; For = 'a CPU-bound workload' }
        @{ Name = 'uname'; Package = 'coreutils'; For = 'the kernel release perf records' }
        @{ Name = 'hostname'; Package = 'hostname'; For = 'the host name perf records' }
        @{ Name = 'touch'; Package = 'coreutils'; For = 'go files that release waiting workloads' }
        @{ Name = 'grep'; Package = 'grep'; For = 'a shell loop that waits for a workload to end' }
        @{ Name = 'find'; Package = 'findutils'; For = 'reference scans' }
        @{ Name = 'bash'; Package = 'bash'; For = 'shell workloads' }
        @{ Name = 'sh'; Package = 'dash'; For = 'shell workloads and wrapper scripts' }
        @{ Name = 'chromium'; Package = 'chromium'; For = 'rendering the HTML report headless (DOM and screenshot)' }
        @{ Name = 'cmark-gfm'; Package = 'cmark-gfm'; For = 'rendering the Markdown report as GitHub does' }
    )
    Files = @(
        @{ Name = '/usr/include/stdio.h'; Package = 'libc6-dev'; For = 'compiling the probe programs' }
        @{ Name = '/usr/include/linux/perf_event.h'; Package = 'linux-libc-dev'; For = 'compiling the perf_event_open probe' }
        @{ Name = '/usr/lib/systemd/systemd-sysctl'; Package = 'systemd'; For = 'the next boot as systemd-sysctl computes it (run in a chroot; never as PID 1)' }
    )
}
