# The areas a Pester test belongs to, as tags on its Describe, Context or It (a block's tags hold for every test in
# it). build.ps1 -Task Test -Filter <tag> runs one area, -Filter '!<tag>' leaves one out; docs/testing.md says more.
# tests/pester/Build.Tests.ps1 fails when a test file uses a tag that is not listed here.
@{
    Unprivileged = 'runs code as another user, created for the test (New-TestUser, Invoke-AsUser, Start-AsUser)'
    Kernel       = 'changes kernel state (perf_event_paranoid, kptr_restrict, a mount) or asks the kernel what it allows (perf_event_open, prctl, seccomp, namespaces, mlock)'
    Slow         = 'takes more than 5 seconds on a 2-core machine'
    Remoting     = 'starts an sshd on the loopback address for PowerShell remoting'
    Security     = 'replays an attack by an unprivileged user or with hostile input and asserts that nothing changed'
}
