namespace PerfSecurity;

/// <summary>The families of events, as perf list groups them.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum PerfEventType
{
    Software,
    Hardware,
    HardwareCache,
    Pmu,
    Tracepoint,
    /// <summary>Hardware breakpoints: mem:ADDR[/LEN][:rwx].</summary>
    Breakpoint,
    /// <summary>perf's tool events (duration_time, user_time, system_time): measured by the tool, not by the kernel.</summary>
    Tool,
}
