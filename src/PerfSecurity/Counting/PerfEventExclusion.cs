namespace PerfSecurity;

/// <summary>The privilege levels and contexts an event does not count (attr.exclude_*), as its modifiers set them.</summary>
[Flags]
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum PerfEventExclusion
{
    None = 0,
    User = 1,
    Kernel = 2,
    Hypervisor = 4,
    Idle = 8,
    Host = 16,
    Guest = 32,
}
