using System.Globalization;
using PerfSecurity.Capabilities;
using PerfSecurity.Text;

namespace PerfSecurity.Audit;

/// <summary>
/// Every command line the audit and Get-PerfCapabilityDenial recommend. Values that come from the system (paths,
/// group names, file names) are quoted with <see cref="CommandLine.Quote"/>, so that pasting or running a
/// recommendation acts on exactly that value, and a recommendation is always one line.
/// </summary>
public static class Remediations
{
    public const string RunAuditAsRoot = "sudo pwsh -c Invoke-PerfSecurityAudit  # run as root for a complete audit";
    public const string ShrinkPerfTopBuffers = "Measure-PerfMlockBudget -ProcessCount 2  # then run perf top -m <MmapPages>";
    public const string UpgradeLibcap = "Get-PerfToolInfo  # upgrade libcap2; until then use perf top -e cycles and the number 38 for cap_perfmon";

    /// <summary>Grants CAP_PERFMON alone to a program (the guide's answer to a double denial).</summary>
    public static string GrantPerfmon(string executable)
        => $"Set-PerfCapability -LiteralPath {CommandLine.Quote(executable)} -Capability cap_perfmon";

    /// <summary>The same when the log names only the process name: a comment, since no path can be given.</summary>
    public static string GrantPerfmonByName(string command)
        => $"# Set-PerfCapability -LiteralPath <path of the program run as {CommandLine.Quote(command)}> -Capability cap_perfmon  (the audit log does not name its path)";

    /// <summary>Gives a file exactly these permitted and effective capabilities; none means removing them.</summary>
    public static string SetCapabilities(string path, CapabilitySet permitted)
        => permitted.IsEmpty ? RemoveCapabilities(path)
            : $"Set-PerfCapability -LiteralPath {CommandLine.Quote(path)} -Capability {string.Join(',', permitted.Names())} -Flag ep";

    public static string RemoveCapabilities(string path, string? note = null)
        => $"Remove-PerfCapability -LiteralPath {CommandLine.Quote(path)}{Comment(note)}";

    /// <summary>Moves capabilities from a wrapper script to the program it runs (unknown: only removes them).</summary>
    public static string MoveCapabilities(string script, string? program, string capabilityText)
        => RemoveCapabilities(script)
           + (program is null ? "" : $"; Set-PerfCapability -LiteralPath {CommandLine.Quote(program)} -Text {CommandLine.Quote(capabilityText)}");

    /// <summary>The guide's procedure on a binary, for a named group when given, granting by ACL when asked.</summary>
    public static string NewPerfUsersGroup(string binary, string? group = null, bool grantAcl = false, string? note = null)
        => "New-PerfUsersGroup" + (group is null ? "" : $" -Name {CommandLine.Quote(group)}") + $" -Path {CommandLine.Quote(binary)}"
           + (grantAcl ? " -Grant Acl" : "") + Comment(note);

    /// <summary>
    /// Repairs one check by its id: Repair-PerfSecurityFinding judges it again (for one profile, and one binary or
    /// perf.data file when given) and repairs what still fails. Short enough to show whole in the audit's table.
    /// </summary>
    public static string RepairFromAudit(string checkId, AuditProfile? profile = null, string? path = null, string? dataPath = null,
        bool force = false, string? note = null)
        => $"Repair-PerfSecurityFinding {checkId}"
           + (profile is { } p && p != AuditProfile.PerfSecurityGuide ? $" -Profile {p}" : "")
           + ((path ?? dataPath) is { } target ? $" -Target {CommandLine.Quote(target)}" : "")
           + (force ? " -Force" : "") + Comment(note);

    public static string SetParanoid(int level) => string.Create(CultureInfo.InvariantCulture, $"Set-PerfParanoid -Level {level} -Persist");

    /// <summary>SCAP's fix: persist 2 and comment out the other lines (file:line each) that set another value.</summary>
    public static string SetParanoidEverywhere(string checkId, IEnumerable<(string File, int Line)> otherLines)
        => RepairFromAudit(checkId, AuditProfile.Scap, force: true,
            note: "persists 2 and comments out " + string.Join(", ", otherLines.Select(l => $"{CommandLine.Quote(l.File)}:{l.Line}")));

    /// <summary>Replaces a capability shell whose sudoers rule is wider than the guide's.</summary>
    public static string ReplaceCapabilityShell(string group, string sudoersFile)
        => $"Remove-PerfCapabilityShell; New-PerfCapabilityShell -Group {CommandLine.Quote(group)}{Comment("replaces " + CommandLine.Quote(sudoersFile))}";

    // A comment ends at the end of the line: nothing in it may start another.
    private static string Comment(string? note) => note is null ? "" : "  # " + DisplayText.Escape(note);
}
