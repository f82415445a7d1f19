using System.Globalization;

namespace PerfSecurity.Audit;

/// <summary>Parses one line of auditd's raw log or of ausearch output (raw or -i).</summary>
public static class AuditRecordParser
{
    private static readonly string[] LocalFormats =
    {
        "MM/dd/yyyy HH:mm:ss.fff", "MM/dd/yy HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss.fff", "dd.MM.yyyy HH:mm:ss.fff", "dd/MM/yyyy HH:mm:ss.fff",
    };

    public enum LineKind { Record, Separator, Ignored, Bad }

    /// <summary>Classifies and parses a line; <paramref name="error"/> says why a Bad line is bad.</summary>
    public static LineKind Parse(string line, out AuditRecord? record, out string? error)
    {
        record = null;
        error = null;
        string t = line.Trim();
        if (t.Length == 0) return LineKind.Ignored;
        if (t.StartsWith("----", StringComparison.Ordinal)) return LineKind.Separator;
        if (t.StartsWith("time->", StringComparison.Ordinal) || t.StartsWith("<no matches>", StringComparison.Ordinal)) return LineKind.Ignored;

        // Enriched fields follow a GS (0x1D) byte.
        string enrichedText = "";
        int gs = line.IndexOf('\x1d', StringComparison.Ordinal);
        if (gs >= 0) { enrichedText = line[(gs + 1)..]; line = line[..gs]; }

        int typeAt = line.IndexOf("type=", StringComparison.Ordinal);
        int stampAt = line.IndexOf("audit(", StringComparison.Ordinal);
        if (typeAt < 0 || stampAt < 0 || stampAt < typeAt) { error = "not an audit record (no type= and msg=audit(...))"; return LineKind.Bad; }
        int typeEnd = line.IndexOf(' ', typeAt);
        if (typeEnd < 0 || typeEnd > stampAt) typeEnd = stampAt;
        string type = NormalizeType(line[(typeAt + 5)..typeEnd].Trim());
        int close = line.IndexOf(')', stampAt);
        if (close < 0) { error = "the audit(...) stamp is not closed"; return LineKind.Bad; }
        string stamp = line[(stampAt + 6)..close];
        if (!ParseStamp(stamp, out DateTime time, out ulong serial, out bool interpreted))
        {
            error = $"unreadable stamp audit({stamp})";
            return LineKind.Bad;
        }
        int body = close + 1;
        while (body < line.Length && (line[body] == ':' || line[body] == ' ')) body++;
        string rest = line[body..];

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var quoted = new HashSet<string>(StringComparer.Ordinal);
        ScanFields(rest, fields, quoted);
        var enriched = new Dictionary<string, string>(StringComparer.Ordinal);
        ScanFields(enrichedText, enriched, new HashSet<string>());

        string[] perms = Array.Empty<string>();
        bool denied = false;
        int avc = rest.IndexOf("avc:", StringComparison.Ordinal);
        if (avc >= 0)
        {
            int open = rest.IndexOf('{', avc);
            int shut = open < 0 ? -1 : rest.IndexOf('}', open);
            denied = rest.IndexOf("denied", avc, StringComparison.Ordinal) is int d && d >= 0 && (open < 0 || d < open);
            if (denied && (open < 0 || shut < 0)) { error = "AVC record cut short before its closing '}'"; return LineKind.Bad; }
            if (open >= 0 && shut > open)
                perms = rest[(open + 1)..shut].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (denied && !fields.ContainsKey("tclass") && !fields.ContainsKey("capability"))
            {
                error = "AVC denial cut short before its capability/tclass fields";
                return LineKind.Bad;
            }
        }

        record = new AuditRecord
        {
            Type = type, Time = time, Serial = serial, Interpreted = interpreted, Fields = fields, Quoted = quoted,
            Permissions = perms, AvcDenied = denied, Enriched = enriched,
        };
        return LineKind.Record;
    }

    private static string NormalizeType(string type) => type switch
    {
        "1300" => "SYSCALL",
        "1400" => "AVC",
        "1320" => "EOE",
        _ => type,
    };

    /// <summary>"1764446462.123:456" (raw) or "11/29/2026 20:01:02.123:456" (ausearch -i, local time).</summary>
    public static bool ParseStamp(string stamp, out DateTime utc, out ulong serial, out bool interpreted)
    {
        utc = default;
        serial = 0;
        interpreted = false;
        int colon = stamp.LastIndexOf(':');
        if (colon <= 0 || !ulong.TryParse(stamp.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out serial)) return false;
        string when = stamp[..colon];
        int dot = when.IndexOf('.', StringComparison.Ordinal);
        if (when.IndexOf(' ', StringComparison.Ordinal) < 0 && dot > 0)
        {
            if (!long.TryParse(when.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                || !int.TryParse(when.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int ms)
                || seconds > 253402300799 || ms > 999) return false;
            utc = DateTime.UnixEpoch.AddSeconds(seconds).AddMilliseconds(ms);
            return true;
        }
        if (!DateTime.TryParseExact(when, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out DateTime local)) return false;
        utc = local.ToUniversalTime();
        interpreted = true;
        return true;
    }

    private static void ScanFields(string text, Dictionary<string, string> fields, HashSet<string> quoted)
    {
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] == ' ') i++;
            int keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ' ') i++;
            if (i < text.Length && i == keyStart) { i++; continue; } // a stray '='
            if (i >= text.Length || text[i] == ' ') continue;
            string key = text[keyStart..i];
            i++;
            string value;
            bool q = false;
            if (i < text.Length && text[i] is '"' or '\'')
            {
                char quote = text[i];
                int end = text.IndexOf(quote, i + 1);
                if (end < 0) end = text.Length;
                value = text[(i + 1)..end];
                i = Math.Min(text.Length, end + 1);
                q = true;
            }
            else
            {
                int end = text.IndexOf(' ', i);
                if (end < 0) end = text.Length;
                value = text[i..end];
                i = end;
            }
            // The first occurrence wins (AVC records repeat no keys; msg='...' bodies may).
            if (fields.TryAdd(key, value) && q) quoted.Add(key);
        }
    }
}
