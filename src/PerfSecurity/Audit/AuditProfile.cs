namespace PerfSecurity;

/// <summary>The standard a finding is judged by. The standards disagree on perf_event_paranoid, so each has its own verdict.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum AuditProfile
{
    /// <summary>The kernel guide "Perf events and tool security" and this module's own safety rules.</summary>
    PerfSecurityGuide,
    /// <summary>ComplianceAsCode / SCAP Security Guide and the DISA STIGs built from it.</summary>
    Scap,
    /// <summary>KSPP recommendations as checked by kernel-hardening-checker.</summary>
    Kspp,
    /// <summary>Lynis (KRNL-6000 sysctl profile).</summary>
    Lynis,
}
