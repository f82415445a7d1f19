namespace PerfSecurity.Settings;

/// <summary>Which perf_event_paranoid semantics the running kernel has.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum KernelFlavor
{
    /// <summary>Upstream: levels above 2 act as 2.</summary>
    Mainline,
    /// <summary>Debian's CONFIG_SECURITY_PERF_EVENTS_RESTRICT: level 3 and above deny all unprivileged use.</summary>
    Debian,
    /// <summary>Ubuntu's variant of the patch: level 4 and above deny all unprivileged use; 3 acts as 2.</summary>
    Ubuntu,
}
