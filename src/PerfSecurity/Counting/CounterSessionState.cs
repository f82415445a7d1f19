namespace PerfSecurity;

/// <summary>Whether a counter session still holds its counters.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum CounterSessionState
{
    Running,
    Stopped,
}
