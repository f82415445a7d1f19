namespace PerfSecurity.Resources;

/// <summary>
/// One line of limits.conf as pam_limits reads it: up to four fields (domain, type, item, value; type, item and
/// value in lower case, a fifth field ignored) and how many there were.
/// </summary>
public sealed record LimitsEntry(string Domain, string Type, string Item, string Value, int Fields, string File, int Line);
