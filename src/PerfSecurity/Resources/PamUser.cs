namespace PerfSecurity.Resources;

/// <summary>A user as pam_limits matches them: name, uid, primary gid, and group membership.</summary>
public sealed record PamUser(string Name, uint Uid, uint Gid, Func<string, bool> InGroupNamed, Func<uint, bool> InGroupId);
