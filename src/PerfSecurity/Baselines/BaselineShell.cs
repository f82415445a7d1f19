namespace PerfSecurity.Baselines;

/// <summary>A sudoers rule that runs a capability shell, the SHA-256 of its sudoers file, and its script with its SHA-256.</summary>
public sealed record BaselineShell(string Rule, string SudoersFile, string? SudoersSha256, string? Script, string? ScriptSha256, string? ScriptOwner, string? ScriptMode);
