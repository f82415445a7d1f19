namespace PerfSecurity.IO;

/// <summary>One configuration path and what it holds. <see cref="Data"/> is empty unless Kind is Regular.</summary>
public sealed record ConfigNode(string Path, ConfigNodeKind Kind, byte[] Data, string? Problem);
