namespace PerfSecurity.Audit;

/// <summary>One audit record line: its type, the event stamp it shares with the other records of the event, and its fields.</summary>
public sealed class AuditRecord
{
    public required string Type { get; init; }
    /// <summary>Event time in UTC.</summary>
    public DateTime Time { get; init; }
    public ulong Serial { get; init; }
    /// <summary>Written by ausearch -i: values are names (uid=root, syscall=perf_event_open), times are local.</summary>
    public bool Interpreted { get; init; }
    public required Dictionary<string, string> Fields { get; init; }
    /// <summary>Unquoted raw values of these fields (comm, exe) are hex-encoded by the kernel.</summary>
    public HashSet<string> Quoted { get; init; } = new();
    /// <summary>The permissions inside { } of an AVC record.</summary>
    public string[] Permissions { get; init; } = Array.Empty<string>();
    public bool AvcDenied { get; init; }
    /// <summary>Fields after the 0x1D separator of auditd's ENRICHED format (UID="root" ...).</summary>
    public Dictionary<string, string> Enriched { get; init; } = new();

    public string? Get(string key) => Fields.TryGetValue(key, out var v) ? v : null;

    /// <summary>A string field, hex-decoded when the kernel encoded it (raw format, unquoted).</summary>
    public string? GetText(string key)
    {
        string? v = Get(key);
        if (v is null || v == "(null)" || v == "?") return null;
        if (Interpreted || Quoted.Contains(key) || !IsHex(v)) return v;
        var bytes = Convert.FromHexString(v);
        int nul = Array.IndexOf(bytes, (byte)0);
        return System.Text.Encoding.UTF8.GetString(bytes, 0, nul < 0 ? bytes.Length : nul);
    }

    private static bool IsHex(string v)
    {
        if (v.Length < 2 || v.Length % 2 != 0) return false;
        foreach (char c in v) if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }
}
