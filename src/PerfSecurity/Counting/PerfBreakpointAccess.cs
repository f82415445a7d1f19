namespace PerfSecurity;

/// <summary>The accesses a breakpoint event (mem:) triggers on: HW_BREAKPOINT_R, _W, _X.</summary>
[Flags]
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum PerfBreakpointAccess
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}
