namespace PerfSecurity.Seccomp;

/// <summary>What happens to the call: it runs, it fails, or someone outside the kernel decides.</summary>
public enum SeccompEffect { Runs, Fails, Delegated }
