namespace PerfSecurity.Baselines;

/// <summary>A perf binary: owner, group, mode, access ACL (getfacl's short text, empty without one) and file capabilities.</summary>
public sealed record BaselineBinary(string Path, string Owner, string Group, string Mode, string Acl, string? Capabilities);
