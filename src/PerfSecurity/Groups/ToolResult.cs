namespace PerfSecurity.Groups;

/// <summary>What a finished external tool left behind.</summary>
public sealed record ToolResult(string Tool, int ExitCode, string StandardOutput, string StandardError);
